"""Past Chroma's one-get limit: two plans holding more than 32,766 chunks, on a real embedded store and on a
real `chroma run` server, through the real `qa` command: ingest, ask, search, update one plan, remove the
other, and not one orphan row left in any collection.

Chroma 1.5's local metadata reader fails a get that returns more than 32,766 rows with their metadata
("too many SQL variables", chroma-core/chroma PR 7687). A plan of 39,543 chunks once ingested with rc 0,
after which every `qa ask` failed, and removing it committed but exited 1 and left its rows behind.

Each plan is a seed (its real figures answer the questions) followed by an appendix of ~16,500 identical
blocks under one heading: identical chunk texts, section path included, are embedded once (the cache is by
content), so the appendix costs Chroma writes only, about 400 chunks/s here. A per-block marker inside the
indexed text would make every chunk new to the embedding model (0.15 s each, 80 minutes), so the blocks
differ only by position; the two plans and the update differ in their seed part.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.chroma_server import ChromaServer
from tests.conftest import SEEDS, qa_env, run_qa

pytestmark = pytest.mark.scale

CHROMA_ROWS = 32_766  # most rows one Chroma 1.5 get may return with their metadata
BLOCKS = 16_500  # appendix blocks per plan: two plans hold more than CHROMA_ROWS chunks
BLOCK = ("（一）重点工作\n坚持生态优先、绿色发展，推进边境口岸城市建设。加强草原生态保护和建设，实施退牧还草工程。"
         "完善城市基础设施，提升城市综合承载能力。\n")
PLANS = {"plan_a": "000_1eaa99c5e663719f", "plan_b": "002_0a4f00c585880ffc"}  # 大同区 十一五, 二连浩特市 十二五
Q_A = "大同区到2010年地区生产总值计划达到多少？"  # 46.5亿元 in seed 000
Q_B = "二连浩特市口岸建设"

# what the collections hold, read with chromadb alone (paged), so the count does not trust the code it checks
AUDIT = r"""
import json, os
from urllib.parse import urlparse
import chromadb
from chromadb.config import Settings
s = Settings(anonymized_telemetry=False)
url = os.environ.get("QA_CHROMA_URL")
if url:
    u = urlparse(url)
    client = chromadb.HttpClient(host=u.hostname, port=u.port, settings=s)
else:
    client = chromadb.PersistentClient(path=os.path.join(os.environ["QA_HOME"], "chroma"), settings=s)
names = {c.name for c in client.list_collections()}
out = {}
for name in ("planqa", "planqa_statements", "planqa_texts"):
    by_key, count = {}, 0
    if name in names:
        col, offset = client.get_collection(name), 0
        count = col.count()
        while True:
            ids = col.get(limit=5000, offset=offset, include=[])["ids"]
            for i in ids:
                key = i.rpartition(":")[0]
                by_key[key] = by_key.get(key, 0) + 1
            if len(ids) < 5000:
                break
            offset += 5000
    out[name] = {"count": count, "by_key": by_key}
got = client.get_collection("planqa_manifest").get(ids=["manifest"], include=["documents"])
out["manifest"] = json.loads(got["documents"][0]) if got["ids"] else {}
print(json.dumps(out, ensure_ascii=False))
"""


def write_plan(docs: Path, doc_id: str, change: tuple[str, str] | None = None) -> None:
    seed = (SEEDS / f"{PLANS[doc_id]}.txt").read_text(encoding="utf-8")
    if change:
        assert change[0] in seed
        seed = seed.replace(*change)
    (docs / f"{doc_id}.txt").write_text(seed + "\n第十章 附录\n" + BLOCK * BLOCKS, encoding="utf-8")


def audit(home: Path, env: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", AUDIT], env=qa_env(home, **env), capture_output=True,
                         text=True, timeout=300, cwd=home, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def assert_no_orphans(state: dict[str, Any], docs: set[str]) -> int:
    """Every row of every collection belongs to a live version, and every live version is whole."""
    m = state["manifest"]
    assert set(m["versions"]) == docs
    live = {d: f"{d}@{v}" for d, v in m["versions"].items()}
    chunks = state["planqa"]
    assert chunks["by_key"] == {live[d]: m["counts"][d] for d in docs}
    assert chunks["count"] == sum(m["counts"].values())
    readers = m.get("readers", {})
    statements = state["planqa_statements"]
    want = {f"{live[d]}+{readers[d]}": n for d, n in m.get("statements", {}).items() if n}
    assert statements["by_key"] == want
    assert statements["count"] == sum(m.get("statements", {}).values())
    texts = state["planqa_texts"]
    assert set(texts["by_key"]) <= set(live.values())
    assert texts["count"] == sum(texts["by_key"].values())
    return chunks["count"]


def qa(args: list[str], home: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    t0 = time.perf_counter()
    proc = run_qa(args, home, timeout=900, **env)
    took = time.perf_counter() - t0
    print(f"  [{home.name}] qa {' '.join(args)[:50]}: rc {proc.returncode}, {took:.1f} s", flush=True)
    assert proc.returncode == 0, (proc.stdout[-1000:], proc.stderr[-2000:])
    return proc


def ask(question: str, home: Path, env: dict[str, str]) -> dict[str, Any]:
    return json.loads(qa(["ask", question, "--json"], home, env).stdout)


def search(query: str, home: Path, env: dict[str, str]) -> list[dict[str, Any]]:
    return json.loads(qa(["search", query, "--json", "-k", "5"], home, env).stdout)


def run_scenario(home: Path, env: dict[str, str]) -> None:
    docs = home / "docs"
    docs.mkdir(parents=True)
    env = {"QA_DOCS": json.dumps([str(docs)]), "QA_MAX_CHUNKS": "40000", **env}
    for doc_id in PLANS:
        write_plan(docs, doc_id)

    proc = qa(["ingest", "-q", str(docs)], home, env)
    assert proc.stdout.startswith("ingested 2 new, 0 updated, 0 unchanged, 0 removed"), proc.stdout
    assert "warning" not in proc.stderr, proc.stderr
    total = assert_no_orphans(audit(home, env), set(PLANS))
    assert total > CHROMA_ROWS, total  # the point of the test: more rows than one get may return

    a = ask(Q_A, home, env)
    assert not a["abstained"] and "46.5亿元" in a["text"], a["text"]
    assert {c["doc_id"] for c in a["citations"]} == {"plan_a"}
    hits = search(Q_B, home, env)
    assert hits and hits[0]["chunk"]["doc_id"] == "plan_b" and "口岸" in hits[0]["chunk"]["clean"]

    write_plan(docs, "plan_a", ("地区生产总值计划实现46.5亿元", "地区生产总值计划实现48.5亿元"))
    proc = qa(["ingest", "-q", str(docs)], home, env)
    assert proc.stdout.startswith("ingested 0 new, 1 updated, 1 unchanged, 0 removed"), proc.stdout
    assert "warning" not in proc.stderr, proc.stderr
    assert_no_orphans(audit(home, env), set(PLANS))
    a = ask(Q_A, home, env)
    assert "48.5亿元" in a["text"] and {c["doc_id"] for c in a["citations"]} == {"plan_a"}, a["text"]

    (docs / "plan_b.txt").unlink()
    proc = qa(["ingest", "-q", str(docs)], home, env)
    assert proc.stdout.startswith("ingested 0 new, 0 updated, 1 unchanged, 1 removed"), proc.stdout
    assert "warning" not in proc.stderr, proc.stderr
    assert_no_orphans(audit(home, env), {"plan_a"})
    assert all(h["chunk"]["doc_id"] == "plan_a" for h in search(Q_B, home, env))
    a = ask(Q_A, home, env)
    assert "48.5亿元" in a["text"], a["text"]


@pytest.mark.server
def test_past_the_one_get_limit_on_both_stores(tmp_path):
    """The embedded store and the server side by side (each mostly waits on its own `qa` child or the server,
    so together they take about as long as the slower one on 2 cores)."""
    server = ChromaServer(tmp_path / "data")
    try:
        with ThreadPoolExecutor(2) as pool:
            runs = {"embedded": pool.submit(run_scenario, tmp_path / "embedded", {}),
                    "server": pool.submit(run_scenario, tmp_path / "server", {"QA_CHROMA_URL": server.url})}
            failed = {label: run.exception() for label, run in runs.items() if run.exception() is not None}
    finally:
        server.stop()
    for label, error in failed.items():
        raise AssertionError(f"{label} store: {error}") from error
