"""Hybrid retrieval over the ingested seeds: region scope, filters, and `qa search --json`."""

from __future__ import annotations

import json

import pytest

from qa.retrieve.retriever import detect_scope, lexical_query
from tests.conftest import DOC, run_qa


def _check_offsets(hits, seed_texts):
    for h in hits:
        assert seed_texts[h.chunk.doc_id][h.chunk.start : h.chunk.end] == h.chunk.text, h.chunk.id


@pytest.mark.parametrize("question,key", [
    ("双城区2025年粮食综合生产能力达到多少？", "004"),
    ("双城“十四五”期间工业增加值占GDP比重目标", "004"),
    ("阳泉市地区生产总值年均增长目标", "003"),
    ("二连浩特口岸过货量", "002"),
    ("克拉玛依区第三产业增加值比重", "001"),
    ("大同区农民人均纯收入", "000"),
])
def test_region_named_in_the_question_scopes_the_search(question, key, retriever, seed_texts):
    hits = retriever.search(question, k=8)
    assert hits
    assert {h.chunk.doc_id for h in hits} == {DOC[key]}, question
    assert all(h.region == retriever.manifest.docs[DOC[key]].region for h in hits)
    _check_offsets(hits, seed_texts)
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:], strict=False))


def test_scope_prefers_the_longest_region_name(retriever):
    docs = retriever.manifest.docs
    assert detect_scope("双城区的粮食产量", docs).doc_ids == {DOC["004"]}
    assert detect_scope("大同区工业增加值", docs).doc_ids == {DOC["000"]}
    assert detect_scope("全国粮食产量", docs).doc_ids is None
    scope = detect_scope("十一五期间地区生产总值", docs)
    assert scope.doc_ids == {DOC["000"], DOC["001"], DOC["003"]} and scope.reason == "plan"
    q = lexical_query("双城区十四五期间地区生产总值是多少？", docs)
    assert "双城" not in q and "十四五" not in q and "地区生产总值" in q


def test_unscoped_question_searches_every_plan(retriever):
    hits = retriever.search("地区生产总值年均增长", k=30)
    assert len({h.chunk.doc_id for h in hits}) >= 3


def test_doc_filter(retriever, seed_texts):
    for key in ("000", "002"):
        for doc in (DOC[key], key, f"{DOC[key]}.txt"):
            hits = retriever.search("地区生产总值", k=10, doc=doc)
            assert hits and {h.chunk.doc_id for h in hits} == {DOC[key]}, doc
            _check_offsets(hits, seed_texts)
    # an explicit --doc wins over the region named in the question
    hits = retriever.search("双城区地区生产总值", k=5, doc=DOC["003"])
    assert hits and {h.chunk.doc_id for h in hits} == {DOC["003"]}
    assert retriever.search("地区生产总值", doc="999_no_such_plan") == []


def test_plan_and_region_filters(retriever):
    hits = retriever.search("地区生产总值", k=20, plan="十一五")
    assert hits and {h.chunk.doc_id for h in hits} <= {DOC["000"], DOC["001"], DOC["003"]}
    assert all(h.plan == "十一五" for h in hits)
    hits = retriever.search("地区生产总值", k=10, plan="十四五")
    assert hits and {h.chunk.doc_id for h in hits} == {DOC["004"]}
    hits = retriever.search("地区生产总值", k=10, region="阳泉市")
    assert hits and {h.chunk.doc_id for h in hits} == {DOC["003"]}
    assert retriever.search("地区生产总值", plan="十三五") == []
    assert retriever.search("地区生产总值", plan="十二五", region="阳泉市") == []


def test_plan_filter_still_honours_the_region_in_the_question(retriever):
    hits = retriever.search("阳泉市财政收入", k=5, plan="十一五")
    assert hits and {h.chunk.doc_id for h in hits} == {DOC["003"]}


def test_hits_carry_their_evidence(retriever):
    hits = retriever.search("大同区到2010年地区生产总值计划达到多少？", k=5)
    assert hits[0].bm25_rank is not None
    assert any(h.dense_rank is not None for h in hits)
    assert "到2010年，全区地区生产总值计划实现46.5亿元" in "".join(h.chunk.clean for h in hits)


def test_bm25_only_settings_use_no_dense_ranks(ready_store, settings_factory):
    from qa.retrieve.retriever import Retriever

    bm25 = Retriever(settings_factory(ready_store.home, dense_weight=0.0))
    hits = bm25.search("大同区到2010年地区生产总值计划达到多少？", k=5)
    assert hits and all(h.dense_rank is None and h.bm25_rank is not None for h in hits)


def test_search_json_through_the_cli(ready_store, seed_texts):
    proc = run_qa(["search", "--json", "-k", "4", "--doc", DOC["004"], "粮食综合生产能力"], ready_store.home)
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)
    assert len(hits) == 4
    for h in hits:
        c = h["chunk"]
        assert c["doc_id"] == DOC["004"]
        assert isinstance(c["section"], str) and isinstance(h["score"], float) and h["score"] > 0
        assert seed_texts[c["doc_id"]][c["start"] : c["end"]] == c["text"]
        assert c["clean"] and h["rank"] >= 1
    assert [h["rank"] for h in hits] == [1, 2, 3, 4]


def test_plain_search_through_the_cli(ready_store):
    proc = run_qa(["search", "财政收入", "-k", "2", "--region", "阳泉市"], ready_store.home)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("#1  score ") and "003_85d57e06d8bfe536 [" in proc.stdout and "#2" in proc.stdout
    proc = run_qa(["search", "阳泉市财政收入", "--plan", "十三五"], ready_store.home)  # no such plan: a usage error
    assert proc.returncode == 2 and proc.stdout == "" and "十三五" in proc.stderr and "十一五" in proc.stderr


@pytest.mark.parametrize("question", ["大同区到2010年地区生产总值计划达到多少？", "双城区粮食综合生产能力", "Erenhot port cargo"])
def test_exact_dense_search_ranks_as_chromas_index(retriever, question):
    """The corpus searches the chunks' stored embeddings in memory, exactly; Chroma's HNSW (ef_search 400) finds
    the same nearest chunks in the same order, for one plan and for all of them."""
    manifest, corpus = retriever.refresh()
    assert corpus.chunk_vectors is not None and len(corpus.chunk_vectors) == len(corpus.chunks)
    store = retriever.store
    for allowed in (None, {sorted(manifest.versions)[0]}):
        keys = [f"{d}@{v}" for d, v in sorted(manifest.versions.items()) if allowed is None or d in allowed]
        exact = corpus.dense(store.query_vector(question), 10, allowed)
        hnsw = store.dense(question, 10, keys)
        assert [c for c, _ in exact] == [c for c, _ in hnsw]
        assert all(abs(a - b) < 1e-5 for (_, a), (_, b) in zip(exact, hnsw, strict=True))
        assert allowed is None or all(c.split("@")[0] in allowed for c, _ in exact)


def test_a_library_past_the_exact_limit_is_searched_by_chroma(ready_store, settings_factory, monkeypatch):
    from qa.retrieve import corpus as corpus_module
    from qa.retrieve.retriever import Retriever

    monkeypatch.setattr(corpus_module, "EXACT_MAX", 10)
    big = Retriever(settings_factory(ready_store.home))
    assert big.corpus.chunk_vectors is None and not big.corpus.can_dense(None)
    hits = big.search("大同区到2010年地区生产总值计划达到多少？", k=5)
    assert any(h.dense_rank is not None for h in hits)


def test_past_the_limit_a_plan_in_scope_is_still_searched_exactly(retriever, ready_store, settings_factory, monkeypatch):
    """A library too large to hold whole: the rows of the plans a question is about are read from their
    segments and ranked exactly, as for a small library and as Chroma's index ranks them."""
    from qa.retrieve import corpus as corpus_module
    from qa.retrieve.retriever import Retriever

    manifest, small = retriever.refresh()
    one = sorted(manifest.versions)[1]
    a, b = small.rows_of[one]
    monkeypatch.setattr(corpus_module, "EXACT_MAX", b - a)  # one plan fits, the library does not
    big = Retriever(settings_factory(ready_store.home)).corpus
    assert big.chunk_vectors is None and big.can_dense({one}) and not big.can_dense(None)
    assert not big.can_dense({one, sorted(manifest.versions)[0]})
    key = [f"{one}@{manifest.versions[one]}"]
    for question in ("大同区到2010年地区生产总值计划达到多少？", "Erenhot port cargo"):
        vec = retriever.store.query_vector(question)
        exact = big.dense(vec, 10, {one})
        assert exact == small.dense(vec, 10, {one})
        assert [c for c, _ in exact] == [c for c, _ in retriever.store.dense(question, 10, key)]
