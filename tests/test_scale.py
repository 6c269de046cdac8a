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
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.chroma_server import ChromaServer
from tests.conftest import SEEDS, qa_env, run_qa
from tests.store_audit import audit, problems

pytestmark = pytest.mark.scale

CHROMA_ROWS = 32_766  # most rows one Chroma 1.5 get may return with their metadata
BLOCKS = 16_500  # appendix blocks per plan: two plans hold more than CHROMA_ROWS chunks
BLOCK = ("（一）重点工作\n坚持生态优先、绿色发展，推进边境口岸城市建设。加强草原生态保护和建设，实施退牧还草工程。"
         "完善城市基础设施，提升城市综合承载能力。\n")
PLANS = {"plan_a": "000_1eaa99c5e663719f", "plan_b": "002_0a4f00c585880ffc"}  # 大同区 十一五, 二连浩特市 十二五
Q_A = "大同区到2010年地区生产总值计划达到多少？"  # 46.5亿元 in seed 000
Q_B = "二连浩特市口岸建设"

def write_plan(docs: Path, doc_id: str, change: tuple[str, str] | None = None) -> None:
    seed = (SEEDS / f"{PLANS[doc_id]}.txt").read_text(encoding="utf-8")
    if change:
        assert change[0] in seed
        seed = seed.replace(*change)
    (docs / f"{doc_id}.txt").write_text(seed + "\n第十章 附录\n" + BLOCK * BLOCKS, encoding="utf-8")


def check_store(home: Path, env: dict[str, str], docs: set[str]) -> int:
    """No orphan row in any collection and every live version whole; returns the chunks stored."""
    state = audit(qa_env(home, **env), home)
    assert problems(state, docs) == []
    return state["planqa"]["count"]


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
    total = check_store(home, env, set(PLANS))
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
    check_store(home, env, set(PLANS))
    a = ask(Q_A, home, env)
    assert "48.5亿元" in a["text"] and {c["doc_id"] for c in a["citations"]} == {"plan_a"}, a["text"]

    (docs / "plan_b.txt").unlink()
    proc = qa(["ingest", "-q", str(docs)], home, env)
    assert proc.stdout.startswith("ingested 0 new, 0 updated, 1 unchanged, 1 removed"), proc.stdout
    assert "warning" not in proc.stderr, proc.stderr
    check_store(home, env, {"plan_a"})
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
    if failed:
        raise AssertionError("; ".join(f"{label} store: {error}" for label, error in failed.items()))
