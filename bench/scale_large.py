"""Large store: more than 100,000 chunks in one store, embedded and on a `chroma run` server, through `qa`.

bench/scale.py measures many small plans (200 × 240 chunks); this one measures a store more than three
times past Chroma's one-get limit (32,766 rows with metadata), built from a few very large plans:

  corpus     one plan per seed (five): the seed verbatim, then an appendix (第十章 附录) of blocks under one
             heading, （一）重点工作, each holding one of the seed's own prose chunks, round and round, until
             the plan chunks into --chunks (default 20,500; QA_MAX_CHUNKS is raised to fit). So the text
             repeats (each passage ~100 times per plan), the seed's figures answer the questions, and the
             appendix repeats them too (statements past the limit as well);
  vectors    every distinct chunk text gets a vector in a bench-only cache before `qa ingest` runs: the
             seed's own chunks from the shared cache (QA_EMBED_CACHE, as the tests use), each appendix chunk
             the vector of the seed chunk it copies. qa/ is not changed or patched; `qa ingest` embeds
             what is left (the chunk a changed figure sits in);
  per store  `qa ingest` of the corpus (chunks/s), `qa search` and `qa ask` as new processes (the first
             builds the lexical index), then in one process warm search and ask over the labelled
             questions (p50/p95), an update of one plan (a figure changed, re-ingested), the removal of
             another (file deleted, folder ingested again); after each ingest every collection is counted
             against the manifest with chromadb alone (tests/store_audit.py): no orphans, nothing missing.

Usage: python bench/scale_large.py [--chunks 20500] [--home .qa-bench-large] [--stores embedded,server]
                                  [--keep]
Exits 1 when a `qa` command fails or a store is left with orphans; prints the numbers either way.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests/chroma_server.py and tests/store_audit.py (no pytest in either)
SHARED_CACHE = Path(os.environ.get("QA_EMBED_CACHE") or ROOT / ".cache" / "test-embeddings.sqlite")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

HEAD = "\n第十章 附录\n"
BLOCK_HEADING = "（一）重点工作\n"
UPDATE = ("000", "地区生产总值计划实现46.5亿元", "地区生产总值计划实现48.5亿元")  # plan, before, after
REMOVE = "004"
WRITTEN = re.compile(r"(\d+) chunks and (\d+) statements written, (\d+) chunks embedded")


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))] if xs else float("nan")


def plan_id(seed: Path) -> str:
    return f"big{seed.stem[:3]}"


def write_plan(seed: Path, target: int, out: Path, settings: Any, cache: Any,
               change: tuple[str, str] | None = None) -> dict[str, Any]:
    """The seed and its appendix, grown until the plan chunks into about ``target``; fills ``cache``."""
    from qa.ingest import read_source
    from qa.store.chroma import index_text
    from qa.store.embed import _key, embedding_function
    from qa.text.chunk import chunk_document

    ef = embedding_function(settings.store.model_copy(update={"embed_cache": SHARED_CACHE}))
    src = read_source(seed, settings.store.max_file_mb)
    seed_chunks = chunk_document(src.doc.id, "seed", src.text, src.cleaned, settings.store.chunk_tokens,
                                 settings.store.chunk_overlap)
    seed_vecs = ef.embed([index_text(c) for c in seed_chunks], "passage")
    pool = [(c.clean.strip(), v) for c, v in zip(seed_chunks, seed_vecs, strict=True) if c.kind == "prose"]
    text = src.text
    if change:
        assert change[0] in text, change
        text = text.replace(*change)
    parts, starts, owners = [text, HEAD], [], []
    at = len(text) + len(HEAD)
    for n in range(max(0, target - len(seed_chunks))):
        para, _ = pool[n % len(pool)]
        if change:  # the appendix repeats the plan's own passages: an update changes them too
            para = para.replace(*change)
        starts.append(at)
        owners.append(n % len(pool))
        block = f"{BLOCK_HEADING}{para}\n"
        parts.append(block)
        at += len(block)
    path = out / f"{plan_id(seed)}.txt"
    path.write_text("".join(parts), encoding="utf-8")
    # chunk the file exactly as `qa ingest` will, and give each chunk text its vector
    got = read_source(path, settings.store.max_file_mb)
    chunks = chunk_document(got.doc.id, "bench", got.text, got.cleaned, settings.store.chunk_tokens,
                            settings.store.chunk_overlap)
    model = ef.model_id
    known = ef.cache.get_many(list({_key(model, "passage", index_text(c)) for c in chunks
                                    if c.start < len(text)}))
    items = dict(known)
    for c in chunks:
        if c.start >= len(text) + len(HEAD):
            block = bisect.bisect_right(starts, c.start) - 1
            items.setdefault(_key(model, "passage", index_text(c)), pool[owners[block]][1])
    cache.put_many(items)
    return {"chunks": len(chunks), "mb": path.stat().st_size / 1e6, "distinct": len(items)}


def build_corpus(corpus: Path, target: int, settings: Any, cache: Any) -> dict[str, Any]:
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    info = {plan_id(s): write_plan(s, target, corpus, settings, cache) for s in seeds}
    return {"chunks": sum(i["chunks"] for i in info.values()), "mb": sum(i["mb"] for i in info.values()),
            "distinct": sum(i["distinct"] for i in info.values()), "plans": info}


def questions(gold: Path) -> list[dict[str, Any]]:
    out = []
    for line in gold.read_text(encoding="utf-8").splitlines():
        if line.strip():
            g = json.loads(line)
            out.append({"q": g["question"], "doc": f"big{g['doc'][:3]}", "answer": g.get("answer")})
    return out


class Run:
    """One store: `qa` commands as child processes with this store's environment, each timed."""

    def __init__(self, label: str, home: Path, env: dict[str, str]):
        self.label, self.home, self.env = label, home, env
        self.failures: list[str] = []

    def qa(self, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
        t0 = time.perf_counter()
        proc = subprocess.run([str(Path(sys.executable).parent / "qa"), *args], env=self.env,
                              cwd=self.home, capture_output=True, text=True, timeout=7200,
                              stdin=subprocess.DEVNULL)
        took = time.perf_counter() - t0
        print(f"  [{self.label}] qa {' '.join(args)[:70]}: rc {proc.returncode}, {took:.1f} s", flush=True)
        if proc.returncode != 0 or "warning" in proc.stderr:
            self.failures.append(f"qa {' '.join(args)[:70]}: rc {proc.returncode}: "
                                 f"{proc.stderr.strip()[-500:]}")
        return proc, took

    def check(self, docs: set[str], when: str) -> dict[str, Any]:
        from tests.store_audit import audit, problems

        t0 = time.perf_counter()
        state = audit(self.env, self.home)
        found = problems(state, docs)
        counts = [state["planqa"]["count"], sum(state["manifest"].get("statements", {}).values()),
                  state["planqa_texts"]["count"]]
        print(f"  [{self.label}] store after {when}: {counts[0]} chunks, {counts[1]} statements, "
              f"{counts[2]} text and statement record parts; {found or 'no orphans'} "
              f"(counted in {time.perf_counter() - t0:.1f} s)", flush=True)
        self.failures += [f"after {when}: {p}" for p in found]
        return state


def measure(run: Run, corpus: Path, update: Path, settings: Any, qs: list[dict[str, Any]]) -> dict[str, Any]:
    from qa.answer import answer_question
    from qa.models import ABSTAIN_TEXT
    from qa.retrieve.retriever import Retriever

    r: dict[str, Any] = {}
    docs = {p.stem for p in corpus.glob("*.txt")}
    proc, r["ingest_s"] = run.qa("ingest", "-q", str(corpus))
    m = WRITTEN.search(proc.stdout)
    r["chunks"], r["statements"], r["embedded"] = (int(g) for g in m.groups()) if m else (0, 0, 0)
    state = run.check(docs, "ingest")
    r["stored"], r["stored_statements"] = (state["planqa"]["count"],
                                          sum(state["manifest"].get("statements", {}).values()))

    q0 = qs[0]["q"]
    _, r["first_search_s"] = run.qa("search", q0, "--json")  # reads every live row, builds the lexical index
    proc, r["cli_ask_s"] = run.qa("ask", q0, "--json")
    text = json.loads(proc.stdout or "{}").get("text", "")
    r["cli_ask_ok"] = proc.returncode == 0 and (qs[0]["answer"] or "") in text

    ret = Retriever(settings)
    t0 = time.perf_counter()
    ret.search(q0, k=settings.retrieval.top_k)
    r["load_s"] = time.perf_counter() - t0  # this process: the saved lexical index and statements
    for q in qs[:10]:
        ret.search(q["q"], k=settings.retrieval.top_k)
    search_ms, ask_ms, top1, right = [], [], 0, 0
    for q in qs:
        t0 = time.perf_counter()
        hits = ret.search(q["q"], k=settings.retrieval.top_k)
        search_ms.append((time.perf_counter() - t0) * 1000)
        top1 += bool(hits) and hits[0].chunk.doc_id == q["doc"]
        t0 = time.perf_counter()
        a = answer_question(q["q"], settings, retriever=ret)
        ask_ms.append((time.perf_counter() - t0) * 1000)
        if q["answer"] == ABSTAIN_TEXT:
            right += a.abstained
        else:
            right += not a.abstained and (q["answer"] or "") in a.text
    r.update(search_ms=search_ms, ask_ms=ask_ms, top1=top1, right=right, n=len(qs))
    print(f"  [{run.label}] warm search p50 {statistics.median(search_ms):.0f} ms, ask p50 "
          f"{statistics.median(ask_ms):.0f} ms; top hit in the asked plan {top1}/{len(qs)}", flush=True)

    shutil.copy(update, corpus / update.name)  # the same plan with one figure changed
    proc, r["update_s"] = run.qa("ingest", "-q", str(corpus))
    m = WRITTEN.search(proc.stdout)
    r["update_chunks"], r["update_embedded"] = (int(m.group(1)), int(m.group(3))) if m else (0, 0)
    r["update_ok"] = "1 updated" in proc.stdout
    run.check(docs, "update")
    proc, r["cli_ask_update_s"] = run.qa("ask", "大同区到2010年地区生产总值计划达到多少？", "--json")
    r["update_answer"] = json.loads(proc.stdout or "{}").get("text", "")

    gone = plan_id(next((ROOT / "seeds").glob(f"{REMOVE}_*.txt")))
    (corpus / f"{gone}.txt").unlink()
    proc, r["remove_s"] = run.qa("ingest", "-q", str(corpus))
    r["remove_ok"] = "1 removed" in proc.stdout
    state = run.check(docs - {gone}, "removal")
    r["after_remove"] = state["planqa"]["count"]
    q_gone = next(q["q"] for q in qs if q["doc"] == gone)
    proc, r["cli_search_after_s"] = run.qa("search", q_gone, "--json")
    r["gone_hits"] = sum(h["chunk"]["doc_id"] == gone for h in json.loads(proc.stdout or "[]"))
    return r


def table(results: dict[str, dict[str, Any]], corpus_info: dict[str, Any], qs: list[dict[str, Any]]) -> None:
    rows: list[tuple[str, Any]] = [
        ("`qa ingest` cold, wall s", lambda r: f"{r['ingest_s']:.0f}"),
        ("  chunks / statements written", lambda r: f"{r['chunks']} / {r['statements']}"),
        ("  chunks embedded (rest cached)", lambda r: f"{r['embedded']}"),
        ("  ingest chunks/s", lambda r: f"{r['chunks'] / r['ingest_s']:.0f}"),
        ("first `qa search` (lexical index build), s", lambda r: f"{r['first_search_s']:.1f}"),
        ("`qa ask` as a new process, s", lambda r: f"{r['cli_ask_s']:.1f}"),
        ("index load in a new process, s", lambda r: f"{r['load_s']:.1f}"),
        ("warm search p50 / p95, ms", lambda r: f"{statistics.median(r['search_ms']):.0f} / "
                                                 f"{pct(r['search_ms'], 95):.0f}"),
        ("warm ask p50 / p95, ms", lambda r: f"{statistics.median(r['ask_ms']):.0f} / "
                                              f"{pct(r['ask_ms'], 95):.0f}"),
        ("  top hit in the asked plan", lambda r: f"{r['top1']}/{r['n']}"),
        ("  answer has the labelled value (or abstains)", lambda r: f"{r['right']}/{r['n']}"),
        ("update one plan (`qa ingest`), s", lambda r: f"{r['update_s']:.0f} ({r['update_chunks']} chunks, "
                                                       f"{r['update_embedded']} embedded)"),
        ("  answer after the update", lambda r: r["update_answer"][:24]),
        ("remove one plan (`qa ingest`), s", lambda r: f"{r['remove_s']:.0f} "
                                                       f"({r['stored'] - r['after_remove']} chunks)"),
        ("  hits of the removed plan", lambda r: f"{r['gone_hits']}"),
        ("Chroma on disk, MB", lambda r: f"{r['disk_mb']:.0f}"),
    ]
    cols = list(results)
    width = max(len(name) for name, _ in rows)
    info = corpus_info
    print(f"\n{len(info['plans'])} plans, {info['chunks']} chunks, {info['mb']:.1f} MB of text "
          f"({info['distinct']} distinct chunk texts); {len(qs)} labelled questions; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print(f"{'':<{width}}  " + "  ".join(f"{c:>22}" for c in cols))
    for name, fmt in rows:
        print(f"{name:<{width}}  " + "  ".join(f"{fmt(results[c]):>22}" for c in cols))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--chunks", type=int, default=20_500, help="chunks per plan (five plans; default 20,500)")
    ap.add_argument("--home", type=Path, default=ROOT / ".qa-bench-large")
    ap.add_argument("--stores", default="embedded,server", help="embedded, server or both (default)")
    ap.add_argument("--gold", type=Path, default=ROOT / "evals" / "indicators.jsonl")
    ap.add_argument("--keep", action="store_true", help="keep the corpus, the stores and the bench cache")
    args = ap.parse_args()
    t_start = time.perf_counter()

    from qa.config import Settings
    from qa.store.embed import EmbeddingCache
    from tests.chroma_server import ChromaServer

    home = args.home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitignore").write_text("*\n")  # nothing here is ever committed
    made = [home / d for d in ("corpus", "corpus-source", "update", "embedded", "server", "cache")]
    for d in made:
        shutil.rmtree(d, ignore_errors=True)
    (home / "cache").mkdir()
    bench_cache = home / "cache" / "embeddings.sqlite"
    if SHARED_CACHE.exists():  # labels and question vectors the tests have embedded already
        shutil.copy(SHARED_CACHE, bench_cache)
    cache = EmbeddingCache(bench_cache)
    max_chunks = str(max(20_000, args.chunks + 1000))
    base = Settings(home=home / "embedded", docs=[home / "corpus"], embed_cache=bench_cache,
                    max_chunks=int(max_chunks))
    qs = questions(args.gold)

    t0 = time.perf_counter()
    source, update = home / "corpus-source", home / "update"
    corpus_info = build_corpus(source, args.chunks, base, cache)
    update.mkdir()
    seed = next((ROOT / "seeds").glob(f"{UPDATE[0]}_*.txt"))
    write_plan(seed, args.chunks, update, base, cache, change=UPDATE[1:])
    update_file = update / f"{plan_id(seed)}.txt"
    print(f"corpus: {len(corpus_info['plans'])} plans, {corpus_info['chunks']} chunks, "
          f"{corpus_info['mb']:.1f} MB; chunked and vectors cached in {time.perf_counter() - t0:.1f} s",
          flush=True)

    results: dict[str, dict[str, Any]] = {}
    failures: list[str] = []
    for label in [s.strip() for s in args.stores.split(",") if s.strip()]:
        corpus = home / "corpus"
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.copytree(source, corpus)
        store_home = home / label
        store_home.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
        env.update(QA_HOME=str(store_home), QA_EMBED_CACHE=str(bench_cache),
                   QA_DOCS=json.dumps([str(corpus)]), QA_MAX_CHUNKS=max_chunks)
        server = None
        if label == "server":
            server = ChromaServer(store_home / "chroma", log=store_home / "chroma.log")
            env["QA_CHROMA_URL"] = server.url
        settings = base.with_(home=store_home, chroma_url=env.get("QA_CHROMA_URL"))
        run = Run(label, store_home, env)
        try:
            results[label] = measure(run, corpus, update_file, settings, qs)
        finally:
            if server is not None:
                server.stop()
        results[label]["disk_mb"] = sum(f.stat().st_size for f in (store_home / "chroma").rglob("*")
                                        if f.is_file()) / 1e6
        r = results[label]
        if not (r["cli_ask_ok"] and r["update_ok"] and "48.5亿元" in r["update_answer"] and r["remove_ok"]
                and r["gone_hits"] == 0):
            run.failures.append(f"checks: ask {r['cli_ask_ok']}, update {r['update_ok']} "
                                f"({r['update_answer'][:20]}), removal {r['remove_ok']}, "
                                f"{r['gone_hits']} hits left")
        failures += [f"{label}: {f}" for f in run.failures]

    table(results, corpus_info, qs)
    print(f"\ntotal bench wall time: {(time.perf_counter() - t_start) / 60:.1f} min")
    for f in failures:
        print(f"FAILED {f}")
    print("all `qa` commands rc 0, no orphans" if not failures else f"{len(failures)} failures")
    if not args.keep:
        for d in made:
            shutil.rmtree(d, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
