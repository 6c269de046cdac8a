"""Retrieval quality on the hand-labelled questions: recall@1/5/10 and MRR, four ways, plus warm latency.

A hit is a retrieved chunk of the question's document whose original span contains the labelled
quote, or overlaps at least half of it. Unanswerable questions are left out. Compared:

  naive   500-character chunks of the raw file, plain BM25 over character bigrams (built here)
  bm25    planqa's retriever with dense_weight=0 (structure-aware chunks, scope, intent rerank)
  hybrid  planqa's retriever with the default settings
  dense   planqa's retriever with bm25_weight=0 (e5-small through Chroma only)

Usage: python bench/retrieval.py [--home .qa-bench] [--gold evals/indicators.jsonl] [--docs seeds]
Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("QA_EMBED_CACHE", str(ROOT / ".cache" / "test-embeddings.sqlite"))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

KS = (1, 5, 10)
NAIVE_CHARS = 500
_TOKEN = re.compile(r"[\u3400-\u9fff]+|[A-Za-z]+|\d+(?:\.\d+)?")

Span = tuple[str, int, int]  # doc_id, start, end in the original file


def bigrams(text: str) -> list[str]:
    out: list[str] = []
    for m in _TOKEN.finditer(text):
        run = m.group()
        if "\u3400" <= run[0] <= "\u9fff":
            out.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
        else:
            out.append(run.lower())
    return out


def naive_search(texts: dict[str, str]) -> Callable[[str, int], list[Span]]:
    """The baseline a first attempt would build: fixed 500-character windows, BM25 over bigrams."""
    import bm25s

    spans = [(d, i, min(i + NAIVE_CHARS, len(t))) for d, t in texts.items() for i in range(0, len(t), NAIVE_CHARS)]
    index = bm25s.BM25()
    index.index([bigrams(texts[d][s:e]) or ["\u0000"] for d, s, e in spans], show_progress=False)
    vocab = index.vocab_dict

    def search(q: str, k: int) -> list[Span]:
        toks = [t for t in bigrams(q) if t in vocab]
        if not toks:
            return []
        scores = index.get_scores(toks)
        order = sorted(range(len(spans)), key=lambda i: -scores[i])[:k]
        return [spans[i] for i in order if scores[i] > 0]

    return search


def planqa_search(settings) -> Callable[[str, int], list[Span]]:
    from qa.retrieve.retriever import Retriever

    r = Retriever(settings)
    return lambda q, k: [(h.chunk.doc_id, h.chunk.start, h.chunk.end) for h in r.search(q, k=k)]


def is_hit(span: Span, doc_id: str, qs: int, qe: int) -> bool:
    d, s, e = span
    return d == doc_id and max(0, min(e, qe) - max(s, qs)) * 2 >= qe - qs


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def evaluate(search: Callable[[str, int], list[Span]], gold: list[dict]) -> dict[str, float]:
    ranks: list[int | None] = []
    for g in gold:  # first pass: recall (and warm-up of caches)
        got = search(g["question"], max(KS))
        ranks.append(next((i for i, sp in enumerate(got, 1) if is_hit(sp, g["doc_id"], g["qs"], g["qe"])), None))
    times = []
    for g in gold:  # second pass: warm latency
        t0 = time.perf_counter()
        search(g["question"], max(KS))
        times.append((time.perf_counter() - t0) * 1000)
    n = len(gold)
    out = {f"R@{k}": sum(1 for r in ranks if r is not None and r <= k) / n for k in KS}
    out["MRR@10"] = sum(1 / r for r in ranks if r is not None) / n
    out["p50 ms"], out["p95 ms"] = statistics.median(times), pct(times, 95)
    out["misses@10"] = sum(1 for r in ranks if r is None)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--home", type=Path, default=ROOT / ".qa-bench")
    ap.add_argument("--gold", type=Path, default=ROOT / "evals" / "indicators.jsonl")
    ap.add_argument("--docs", type=Path, default=ROOT / "seeds")
    args = ap.parse_args()

    from qa.config import Settings
    from qa.ingest import ingest

    texts = {}
    for p in sorted(args.docs.glob("*.txt")) + sorted(args.docs.glob("*.md")):
        with p.open(encoding="utf-8", newline="") as f:
            texts[p.stem] = f.read()
    gold = []
    for line in args.gold.read_text(encoding="utf-8").splitlines():
        g = json.loads(line) if line.strip() else None
        if not g or g["kind"] == "unanswerable":
            continue
        g["doc_id"] = Path(g["doc"]).stem
        g["qs"] = texts[g["doc_id"]].find(g["quote"])
        if g["qs"] < 0:
            print(f"skipped {g['id']}: quote not found in {g['doc']}", file=sys.stderr)
            continue
        g["qe"] = g["qs"] + len(g["quote"])
        gold.append(g)

    args.home.mkdir(parents=True, exist_ok=True)
    (args.home / ".gitignore").write_text("*\n")  # a store is never committed
    base = Settings(home=args.home, docs=[args.docs])
    t0 = time.perf_counter()
    rep = ingest(base, [args.docs])
    print(f"store {args.home}: {len(rep.added) + len(rep.updated)} documents (re)ingested, {rep.embedded} chunks "
          f"embedded, {len(rep.unchanged)} unchanged ({time.perf_counter() - t0:.1f}s)")
    print(f"{len(gold)} answerable questions over {len(texts)} documents; hit = same document and the chunk "
          f"holds >= half of the labelled quote\n")

    methods = [
        (f"naive {NAIVE_CHARS}-char + BM25 bigrams", naive_search(texts)),
        ("planqa BM25 only (dense_weight=0)", planqa_search(base.with_(**{"dense_weight": 0.0}))),
        (f"planqa hybrid (bm25 {base.retrieval.bm25_weight:g}, dense {base.retrieval.dense_weight:g})", planqa_search(base)),
        ("planqa dense only (bm25_weight=0)",
         planqa_search(base.with_(**{"bm25_weight": 0.0, "dense_weight": 1.0}))),
    ]
    cols = ["R@1", "R@5", "R@10", "MRR@10", "p50 ms", "p95 ms", "misses@10"]
    width = max(len(name) for name, _ in methods)
    print(f"{'method':<{width}}  " + "  ".join(f"{c:>9}" for c in cols))
    for name, search in methods:
        r = evaluate(search, gold)
        cells = [f"{r[c]:9.3f}" if c in ("R@1", "R@5", "R@10", "MRR@10") else
                 f"{r[c]:9.1f}" if "ms" in c else f"{r[c]:9d}" for c in cols]
        print(f"{name:<{width}}  " + "  ".join(cells))
    print("\nlatency: warm (second pass, query embeddings cached), in-process, k=10")
    return 0


if __name__ == "__main__":
    sys.exit(main())
