"""The lexical index as one segment per document version (qa.store.lexical, qa.retrieve.corpus): the same
scores as one bm25s index, a new plan read and counted alone, a removed plan gone, a killed or damaged write
never trusted."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qa.ingest import ingest
from qa.ingest.pipeline import remove_documents
from qa.retrieve import corpus as corpus_mod
from qa.retrieve.retriever import Retriever
from qa.retrieve.scope import lexical_query
from qa.store.chroma import index_text
from qa.store.lexical import tokenize
from tests.conftest import DOC, SEED_FILES, ingest_copies, qa_env

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["双城区十四五期间地区生产总值年均增长目标是多少", "What GDP growth does Yangquan target?", "二连浩特 进出口 贸易额",
           "农民人均纯收入", "森林覆盖率达到", "2010", "克拉玛依区的定位是什么", "没有这个词的问题 xyz"]


def bm25s_scores(chunks: list[Any], query: str, allowed: set[str] | None) -> np.ndarray:
    """What one bm25s index over ``chunks`` gives (the index this one replaced)."""
    import bm25s

    index = bm25s.BM25(k1=1.2, b=0.75)
    index.index([tokenize(index_text(c)) or ["\u0000"] for c in chunks], show_progress=False)
    toks = [t for t in tokenize(query) if t in index.vocab_dict]
    s = np.asarray(index.get_scores(toks), dtype=np.float32) if toks else np.zeros(len(chunks), np.float32)
    if allowed is not None:
        s = np.where(np.isin(np.array([c.doc_id for c in chunks]), list(allowed)), s, 0.0)
    return s


def assert_bm25s(corpus: Any, queries: list[str], docs: dict[str, Any]) -> None:
    for i, q in enumerate(queries):
        q = lexical_query(q, docs)
        for allowed in (None, {sorted(docs)[i % len(docs)]}):
            assert np.array_equal(corpus.lexical.scores(q, allowed), bm25s_scores(corpus.chunks, q, allowed)), q


def test_segment_scores_are_bm25s_scores_bit_for_bit(retriever: Retriever) -> None:
    """Every labelled question of two sets, over all five plans and within one: the very scores bm25s gave, so
    retrieval (and every eval number) is what it was with one bm25s index."""
    manifest, corpus = retriever.refresh()
    questions = [json.loads(line)["question"] for f in ("indicators.jsonl", "english.jsonl")
                 for line in (ROOT / "evals" / f).read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(questions) > 100
    assert_bm25s(corpus, questions + QUERIES, manifest.docs)


@pytest.fixture
def two_plans(tmp_path: Path, settings_factory: Any, no_default_embedding: list[str]) -> dict[str, Any]:
    settings, docs = ingest_copies(tmp_path, settings_factory, ("002", "004"))
    return {"settings": settings, "docs": docs, "segments": settings.home / "segments"}


def folders(path: Path) -> dict[str, tuple[int, float]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime) for p in path.iterdir() if not p.name.startswith(".tmp-")}


def test_adding_a_plan_reads_and_counts_that_plan_only(two_plans: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    settings, docs = two_plans["settings"], two_plans["docs"]
    built: list[str] = []
    real = corpus_mod.Segment.build.__func__  # type: ignore[attr-defined]

    def counting(cls: Any, store: Any, manifest: Any, doc_id: str) -> Any:
        built.append(doc_id)
        return real(cls, store, manifest, doc_id)

    monkeypatch.setattr(corpus_mod.Segment, "build", classmethod(counting))
    running = Retriever(settings)  # a page or `qa serve`: holds its segments in memory
    running.refresh()
    assert sorted(built) == sorted([DOC["002"], DOC["004"]])
    before = folders(two_plans["segments"])
    assert len(before) == 2

    shutil.copy(SEED_FILES[DOC["000"]], docs / SEED_FILES[DOC["000"]].name)
    ingest(settings, [docs])
    built.clear()
    manifest, corpus = running.refresh()
    assert built == [DOC["000"]], "only the new plan is read from the store and counted"
    after = folders(two_plans["segments"])
    assert len(after) == 3 and all(after[n] == before[n] for n in before), "the other plans' segments are untouched"
    assert {c.doc_id for c in corpus.chunks} == {DOC["000"], DOC["002"], DOC["004"]}
    assert_bm25s(corpus, QUERIES, manifest.docs)

    built.clear()
    fresh = Retriever(settings)  # a new process: every segment from disk, none from the store
    assert [c.id for c in fresh.refresh()[1].chunks] == [c.id for c in corpus.chunks] and built == []
    assert fresh.search("大同区 农民人均纯收入", k=3)[0].chunk.doc_id == DOC["000"]


def test_a_removed_plan_leaves_the_index_then_the_disk(two_plans: dict[str, Any]) -> None:
    settings = two_plans["settings"]
    running = Retriever(settings)
    running.refresh()
    gone = {n for n, _ in folders(two_plans["segments"]).items()}
    remove_documents(settings, [DOC["004"]])
    manifest, corpus = running.refresh()
    assert {c.doc_id for c in corpus.chunks} == {DOC["002"]}
    assert_bm25s(corpus, QUERIES, manifest.docs)
    assert not running.search("双城 粮食综合生产能力", k=5) or all(
        h.chunk.doc_id == DOC["002"] for h in running.search("双城 粮食综合生产能力", k=5))
    left = folders(two_plans["segments"])
    assert len(left) == 2, "another process may still read the removed plan's segment for ten minutes"
    old = time.time() - 3600
    for name in left:
        os.utime(two_plans["segments"] / name, (old, old))
    Retriever(settings).refresh()
    assert len(folders(two_plans["segments"])) == 1 and set(folders(two_plans["segments"])) < gone


KILLED_WRITE = """
import os, signal, sys
from qa.config import Settings
from qa.store import lexical
from qa.retrieve.retriever import Retriever
real = lexical.Postings.write
def write(self, folder):
    (folder / "tokens.json").write_text("[", encoding="utf-8")  # half written
    os.kill(os.getpid(), signal.SIGKILL)
lexical.Postings.write = write
Retriever(Settings()).refresh()
"""


def test_a_killed_segment_write_is_never_read(two_plans: dict[str, Any]) -> None:
    """SIGKILL while a segment is written leaves a temp dir no reader opens; the next reader builds the segment
    whole and answers from it."""
    settings = two_plans["settings"]
    proc = subprocess.run([sys.executable, "-c", KILLED_WRITE], env=qa_env(settings.home), cwd=settings.home,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert folders(two_plans["segments"]) == {}, "no segment folder of a killed write"
    assert [p.name for p in two_plans["segments"].iterdir() if p.name.startswith(".tmp-")]

    manifest, corpus = Retriever(settings).refresh()
    assert {c.doc_id for c in corpus.chunks} == {DOC["002"], DOC["004"]}
    assert_bm25s(corpus, QUERIES, manifest.docs)


def test_a_damaged_segment_is_rebuilt_from_the_store(two_plans: dict[str, Any]) -> None:
    settings = two_plans["settings"]
    _, corpus = Retriever(settings).refresh()
    want = [c.id for c in corpus.chunks]
    for name in folders(two_plans["segments"]):
        (two_plans["segments"] / name / "postings.npz").write_bytes(b"PK\x03\x04 cut short")
        break
    manifest, again = Retriever(settings).refresh()
    assert [c.id for c in again.chunks] == want
    assert_bm25s(again, QUERIES, manifest.docs)
    for name in folders(two_plans["segments"]):  # and the rebuilt segment is whole on disk
        corpus_mod.Segment.load(two_plans["segments"] / name)


def test_a_segment_on_disk_reads_back_as_the_store_gave_it(two_plans: dict[str, Any]) -> None:
    """Chunks and statements are validated straight from the JSON bytes; the years named are kept in segment.json
    (a segment written before they were still loads, and counts them)."""
    import json

    settings = two_plans["settings"]
    manifest, corpus = Retriever(settings).refresh()
    for name in folders(two_plans["segments"]):
        path = two_plans["segments"] / name
        seg = corpus_mod.Segment.load(path)
        assert seg.chunks == [c for c in corpus.chunks if c.doc_id == seg.doc_id]
        assert seg.statements == corpus.of_docs({seg.doc_id})
        counted = corpus_mod.years_named(seg.chunks)[seg.doc_id]
        assert seg.years == counted and counted
        meta = json.loads((path / "segment.json").read_text("utf-8"))
        assert meta["years"] == sorted(counted)
        del meta["years"]  # as an earlier planqa wrote it
        (path / "segment.json").write_text(json.dumps(meta), encoding="utf-8")
        assert corpus_mod.Segment.load(path).years == counted
    name = next(iter(folders(two_plans["segments"])))
    (two_plans["segments"] / name / "statements.json").write_text('[{"id": "cut', encoding="utf-8")
    with pytest.raises(ValueError):
        corpus_mod.Segment.load(two_plans["segments"] / name)
    _, again = Retriever(settings).refresh()  # a damaged segment is read again from the store
    assert [st.id for st in again.statements] == [st.id for st in corpus.statements]


def test_top_rows_are_a_stable_argsorts_positive_head() -> None:
    """Ties at the cut and equal scores keep row order, as a stable argsort of every score would."""
    import numpy as np

    from qa.store.lexical import top_rows

    rng = np.random.default_rng(7)
    for n, depth in ((0, 5), (3, 5), (200, 10), (5000, 50), (5000, 5000)):
        s = rng.integers(-2, 6, n).astype(np.float32) / 2  # many ties, zeros and negatives
        order = np.argsort(-s, kind="stable")[:depth]
        want = order[s[order] > 0]
        assert top_rows(s, depth).tolist() == want.tolist()
