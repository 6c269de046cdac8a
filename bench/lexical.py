"""The lexical index at library scale: 1,000 plans as segments, what adding one costs, queries over all of them.

  corpus   --plans synthetic plans, each a seed's chunks (as `qa ingest` cut them, read from a store of the
           seeds: QA_HOME) under a new region name (第N区) with every figure scaled by the plan's own factor,
           so each plan's figures are its own;
  measured counting one plan into its segment (Postings.count), assembling the library's index from its
           segments (a new process, or a running page after a change), adding one plan to the library, a
           single-plan query and a query over every plan (p50/p95), the same library as one bm25s index
           (build time: what every change cost before), and resident memory;
  checked  for --checks plans, "<region> 生产总值 亿元 年均增长 达到" within that plan (a question naming its
           region is scoped to it) has in its top ten a chunk printing a GDP figure the generator wrote for it; and every query's scores equal one bm25s index's
           over the same chunks (bit for bit) on a 50-plan library.

This measures the lexical side only (no Chroma, no embeddings): bench/scale.py and bench/scale_large.py
measure stores end to end. Usage: QA_HOME=<store of the seeds> python bench/lexical.py [--plans 1000]
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qa.config import Settings  # noqa: E402
from qa.models import Chunk  # noqa: E402
from qa.store.chroma import Store, index_text  # noqa: E402
from qa.store.lexical import LexicalIndex, Postings, tokenize  # noqa: E402
from qa.text.places import region_aliases  # noqa: E402

POOL = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥鹤鸥鹭鹊雁莺燕鸿麟凤嵩岱岳峨崂峪岚峰峦峤"
NUM = re.compile(r"\d+(?:\.\d+)?")
CHECKS = [("生产总值 亿元 年均增长 达到", re.compile(r"生产总值[^，。；]{0,12}?(\d+(?:\.\d+)?)\s*(?:亿元|%)"))]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def variant(chunks: list[Chunk], region: str, names: list[str], n: int, factor: float) -> list[Chunk]:
    """The seed's chunks as plan ``n``: its region renamed, every figure (not years) times ``factor``."""
    def scale(m: re.Match[str]) -> str:
        v = float(m.group())
        if 1900 <= v <= 2100 and "." not in m.group():
            return m.group()
        return f"{v * factor:.1f}"

    out = []
    for c in chunks:
        text = NUM.sub(scale, index_text(c))
        for name in names:
            text = text.replace(name, region)
        out.append(c.model_copy(update={"id": f"p{n:04d}:{c.ordinal}", "doc_id": f"p{n:04d}", "clean": text,
                                        "section": "", "text": text}))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--plans", type=int, default=1000)
    ap.add_argument("--checks", type=int, default=40)
    a = ap.parse_args()
    store = Store(Settings())
    manifest = store.manifest()
    seeds = {d: store.live_chunks(manifest, {d}) for d in sorted(manifest.versions)}
    if not seeds:
        print("no plans in QA_HOME: ingest seeds/ first", file=sys.stderr)
        return 2
    rng = random.Random(7)
    plans: list[tuple[str, list[Chunk], float]] = []
    keys = sorted(seeds)
    for n in range(a.plans + 1):  # the last one is added to the library afterwards
        doc = keys[n % len(keys)]
        names = sorted(region_aliases(manifest.docs[doc].region), key=len, reverse=True)
        factor = round(rng.uniform(0.5, 3.0), 3)
        region = POOL[n // len(POOL) % len(POOL)] + POOL[n % len(POOL)] + "区"  # 1,600 two-character names
        plans.append((region, variant(seeds[doc], region, names, n, factor), factor))
    library, extra = plans[:-1], plans[-1]

    t0 = time.perf_counter()
    segs = [(chunks[0].doc_id, Postings.count([c.clean for c in chunks])) for _, chunks, _ in library]
    count_s = time.perf_counter() - t0
    chunks_all = [c for _, chunks, _ in library for c in chunks]
    t0 = time.perf_counter()
    index = LexicalIndex(chunks_all, segs)
    assemble_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    new_seg = Postings.count([c.clean for c in extra[1]])
    bigger = LexicalIndex(chunks_all + extra[1], [*segs, (extra[1][0].doc_id, new_seg)])
    bigger.scores(f"{extra[0]} 地区生产总值")
    add_s = time.perf_counter() - t0

    import bm25s

    t0 = time.perf_counter()
    whole = bm25s.BM25(k1=1.2, b=0.75)
    whole.index([tokenize(c.clean) or ["\u0000"] for c in chunks_all], show_progress=False)
    bm25s_s = time.perf_counter() - t0
    del whole

    single, every = [], []
    wrong = []
    checked = 0
    for region, chunks, _ in rng.sample(library, min(a.checks, len(library))):
        doc = chunks[0].doc_id
        for name, pat in CHECKS:
            q = f"{region} {name}"
            t0 = time.perf_counter()
            index.scores(q, {doc})
            single.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            s = index.scores(q)
            every.append(time.perf_counter() - t0)
            near = [chunks_all[i] for i in np.argsort(-index.scores(q, {doc}), kind="stable")[:10]]
            want = {m.group(1) for c in chunks for m in pat.finditer(c.clean)}  # as the generator wrote them
            got = {m.group(1) for c in near for m in pat.finditer(c.clean)}
            if not want:
                continue  # the plan prints no such figure: nothing to check
            checked += 1
            if not got & want or s.shape != (len(chunks_all),):
                wrong.append(f"{q}: figures near the top {sorted(got)[:3]}, written {sorted(want)[:3]}")

    small = [c for _, chunks, _ in library[:50] for c in chunks]
    small_index = LexicalIndex(small, segs[:50])
    ref = bm25s.BM25(k1=1.2, b=0.75)
    ref.index([tokenize(c.clean) or ["\u0000"] for c in small], show_progress=False)
    unequal = 0
    for region, _, _ in library[:50]:
        q = f"{region} 地区生产总值 年均增长 农民人均纯收入"
        toks = [t for t in tokenize(q) if t in ref.vocab_dict]
        if not np.array_equal(small_index.scores(q), np.asarray(ref.get_scores(toks), dtype=np.float32)):
            unequal += 1

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        ("plans / chunks", f"{len(library)} / {len(chunks_all)}"),
        ("count one plan into its segment, ms (mean)", f"{count_s / len(library) * 1000:.1f}"),
        ("assemble the library's index from its segments, s", f"{assemble_s:.2f}"),
        ("add one plan: count + assemble + first query, s", f"{add_s:.2f}"),
        ("one bm25s index over the library (what every change cost before), s", f"{bm25s_s:.1f}"),
        ("single-plan query p50 / p95, ms", f"{statistics.median(single) * 1000:.1f} / {pct(single, 95) * 1000:.1f}"),
        ("query over every plan p50 / p95, ms", f"{statistics.median(every) * 1000:.1f} / {pct(every, 95) * 1000:.1f}"),
        ("checked queries without the written figure in the top ten", f"{len(wrong)} of {checked}"),
        ("queries whose scores differ from bm25s (50 plans)", f"{unequal} of 50"),
        ("peak resident memory, MB", f"{rss:.0f}"),
    ]
    print("| measure | value |\n|---|---:|")
    for k, v in rows:
        print(f"| {k} | {v} |")
    for w in wrong[:5]:
        print("wrong:", w, file=sys.stderr)
    return 1 if wrong or unequal else 0


if __name__ == "__main__":
    sys.exit(main())
