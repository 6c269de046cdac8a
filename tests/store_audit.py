"""What a planqa store's collections hold, counted with chromadb alone (paged), so an orphan count does not
trust the code it checks. Used by tests/test_scale.py and bench/scale_large.py (no pytest needed here).

As a script (``python tests/store_audit.py``, with QA_HOME or QA_CHROMA_URL set) it prints one JSON line:
per collection its count and its rows per version key (the id up to its last ``:``), and the manifest.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

COLLECTIONS = ("planqa", "planqa_texts", "planqa_statements")  # the last: stores before statement blobs
PAGE = 5000


def read_store() -> dict[str, Any]:
    from urllib.parse import urlparse

    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    url = os.environ.get("QA_CHROMA_URL")
    if url:
        u = urlparse(url)
        client = chromadb.HttpClient(host=u.hostname, port=u.port, settings=settings)
    else:
        client = chromadb.PersistentClient(path=os.path.join(os.environ["QA_HOME"], "chroma"), settings=settings)
    names = {c.name for c in client.list_collections()}
    out: dict[str, Any] = {}
    for name in COLLECTIONS:
        by_key: dict[str, int] = {}
        count = 0
        if name in names:
            col, offset = client.get_collection(name), 0
            count = col.count()
            while True:
                ids = col.get(limit=PAGE, offset=offset, include=[])["ids"]
                for i in ids:
                    key = i.rpartition(":")[0]
                    by_key[key] = by_key.get(key, 0) + 1
                if len(ids) < PAGE:
                    break
                offset += PAGE
        out[name] = {"exists": name in names, "count": count, "by_key": by_key}
    got = client.get_collection("planqa_manifest").get(ids=["manifest"], include=["documents"])
    out["manifest"] = json.loads(got["documents"][0]) if got["ids"] else {}
    return out


def audit(env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """``read_store`` in a fresh process with ``env`` (QA_HOME or QA_CHROMA_URL)."""
    out = subprocess.run([sys.executable, __file__], env=env, capture_output=True, text=True, timeout=600,
                         cwd=cwd, stdin=subprocess.DEVNULL)
    if out.returncode != 0:
        raise RuntimeError(f"store audit failed: {out.stderr.strip()[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def problems(state: dict[str, Any], docs: set[str]) -> list[str]:
    """What is wrong with the rows against the manifest: orphans, missing rows, documents not live.

    ``planqa`` holds a row per chunk (``doc@version:NNNN``); ``planqa_texts`` holds each live version's
    canonical text (key ``doc@version``) and its statements (key ``doc@version+reader``) as blobs in parts."""
    m = state["manifest"]
    out: list[str] = []
    if set(m.get("versions", {})) != docs:
        out.append(f"live documents {sorted(m.get('versions', {}))}, expected {sorted(docs)}")
    live = {d: f"{d}@{v}" for d, v in m.get("versions", {}).items()}
    readers = m.get("readers", {})
    chunks = state["planqa"]
    expected = {live[d]: n for d, n in m.get("counts", {}).items() if d in live}
    if chunks["by_key"] != expected:
        extra = {k: n for k, n in chunks["by_key"].items() if expected.get(k) != n}
        out.append(f"planqa: rows by version {extra} (of {len(chunks['by_key'])} keys), manifest says "
                   f"{ {k: n for k, n in expected.items() if chunks['by_key'].get(k) != n} }")
    if chunks["count"] != sum(expected.values()):
        out.append(f"planqa: count {chunks['count']}, manifest says {sum(expected.values())}")
    texts = state["planqa_texts"]
    stmt_keys = {f"{live[d]}+{readers.get(d, '')}" for d, n in m.get("statements", {}).items() if n and d in live}
    stray = set(texts["by_key"]) - set(live.values()) - {f"{v}+{readers.get(d, '')}" for d, v in live.items()}
    if stray:
        out.append(f"planqa_texts: rows of versions not live: {sorted(stray)}")
    if set(live.values()) - set(texts["by_key"]):
        out.append(f"planqa_texts: no text for {sorted(set(live.values()) - set(texts['by_key']))}")
    if stmt_keys - set(texts["by_key"]):
        out.append(f"planqa_texts: no statements for {sorted(stmt_keys - set(texts['by_key']))}")
    if texts["count"] != sum(texts["by_key"].values()):
        out.append(f"planqa_texts: count {texts['count']} != {sum(texts['by_key'].values())} rows read")
    if state["planqa_statements"]["count"]:
        out.append(f"planqa_statements: {state['planqa_statements']['count']} rows of an older layout")
    return out


if __name__ == "__main__":
    print(json.dumps(read_store(), ensure_ascii=False))
