"""Ingest: document records, encodings, incremental updates, and bad input through the real CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa.ingest import IngestError, ingest, read_source
from qa.store.chroma import Manifest, Store
from qa.text.chunk import chunk_document
from tests.conftest import DOC, SEED_FILES, SEEDS, ingest_copies, one_line_error, run_qa, store_state

EXPECTED = {
    "000": ("大庆市大同区", "十一五", 2006, 2010),
    "001": ("克拉玛依区", "十一五", 2006, 2010),
    "002": ("二连浩特市", "十二五", 2011, 2015),
    "003": ("阳泉市", "十一五", 2006, 2010),
    "004": ("哈尔滨市双城区", "十四五", 2021, 2025),
}


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_document_records(key, ready_store):
    manifest = Store(ready_store).manifest()
    doc = manifest.docs[DOC[key]]
    assert (doc.region, doc.plan, doc.period_start, doc.period_end) == EXPECTED[key]
    assert doc.encoding == "utf-8" and len(doc.sha256) == 64 and doc.chars > 10_000
    assert manifest.counts[doc.id] > 50


def test_store_holds_exactly_the_live_chunks(ready_store, seed_texts):
    store = Store(ready_store)
    manifest = store.manifest()
    assert sorted(manifest.docs) == sorted(SEED_FILES)
    assert store.count() == sum(manifest.counts.values())
    chunks = store.live_chunks(manifest)
    assert len(chunks) == store.count()
    for c in chunks:
        assert seed_texts[c.doc_id][c.start : c.end] == c.text, c.id


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_other_encodings_give_identical_text(encoding, tmp_path, seed_texts):
    doc_id = DOC["002"]
    path = tmp_path / f"{doc_id}.txt"
    path.write_bytes(seed_texts[doc_id].encode(encoding))
    want = read_source(SEED_FILES[doc_id], 20)
    got = read_source(path, 20)
    assert got.encoding == encoding and got.doc.encoding == encoding
    assert got.text == want.text and got.cleaned.text == want.cleaned.text and got.cleaned.omap == want.cleaned.omap
    assert (got.doc.region, got.doc.plan) == (want.doc.region, want.doc.plan)


def test_bom_and_gb18030_files_ingest_like_the_utf8_one(tmp_path, settings_factory, seed_texts):
    docs = tmp_path / "docs"
    docs.mkdir()
    original = seed_texts[DOC["000"]]
    (docs / "bom.txt").write_bytes(original.encode("utf-8-sig"))
    (docs / "gb.md").write_bytes(original.encode("gb18030"))
    settings = settings_factory(tmp_path / "home")
    report = ingest(settings, [docs])
    assert sorted(report.added) == ["bom", "gb"]
    store = Store(settings)
    manifest = store.manifest()
    assert manifest.docs["bom"].encoding == "utf-8-sig" and manifest.docs["gb"].encoding == "gb18030"
    src = read_source(SEED_FILES[DOC["000"]], 20)
    want = [(c.start, c.end, c.section, c.clean) for c in chunk_document("x", "v", src.text, src.cleaned,
                                                                        settings.store.chunk_tokens, settings.store.chunk_overlap)]
    live = store.live_chunks(manifest)
    for doc_id in ("bom", "gb"):
        got = [(c.start, c.end, c.section, c.clean) for c in live if c.doc_id == doc_id]
        assert got == want, doc_id


def test_reingest_of_unchanged_corpus_embeds_and_writes_nothing(ready_store):
    store = Store(ready_store)
    before = store.manifest()
    count = store.count()
    report = ingest(ready_store, [SEEDS])
    assert report.embedded == 0 and report.chunks == 0
    assert sorted(report.unchanged) == sorted(SEED_FILES)
    assert not (report.added or report.updated or report.removed)
    after = store.manifest()
    assert after.generation == before.generation and after.digest() == before.digest()
    assert store.count() == count


@pytest.fixture
def two_doc_store(tmp_path, settings_factory, no_default_embedding):
    """A private store over copies of 000 and 002 that a test may change."""
    return ingest_copies(tmp_path, settings_factory, ("000", "002"))


def test_changed_file_replaces_its_chunks_as_a_whole(two_doc_store, seed_texts):
    settings, docs = two_doc_store
    doc_id = DOC["000"]
    store = Store(settings)
    old = store.manifest()
    old_version, other_version = old.versions[doc_id], old.versions[DOC["002"]]
    path = docs / f"{doc_id}.txt"
    changed = seed_texts[doc_id].replace("17.5 亿元", "18.5 亿元")
    assert changed != seed_texts[doc_id]
    path.write_bytes(changed.encode("utf-8"))

    report = ingest(settings, [docs])
    assert report.updated == [doc_id] and report.unchanged == [DOC["002"]]
    assert report.embedded <= 2  # only the chunk(s) holding the changed sentence are new content
    new = store.manifest()
    assert new.generation == old.generation + 1
    assert new.versions[doc_id] != old_version and new.versions[DOC["002"]] == other_version
    assert store.live_chunks(Manifest(versions={doc_id: old_version})) == []  # the old version is gone whole

    src = read_source(path, settings.store.max_file_mb)
    expected = chunk_document(doc_id, "v", src.text, src.cleaned, settings.store.chunk_tokens, settings.store.chunk_overlap)
    assert new.counts[doc_id] == len(expected)
    assert store.count() == new.counts[doc_id] + new.counts[DOC["002"]]
    live = [c for c in store.live_chunks(new) if c.doc_id == doc_id]
    assert len(live) == len(expected)
    assert any("18.5亿元" in c.clean for c in live) and not any("17.5亿元" in c.clean for c in live)
    for c in live:
        assert changed[c.start : c.end] == c.text


def test_removed_file_leaves_the_store(two_doc_store):
    from qa.retrieve.retriever import Retriever

    settings, docs = two_doc_store
    gone = DOC["002"]
    store = Store(settings)
    old_version = store.manifest().versions[gone]
    assert Retriever(settings).search("口岸", doc=gone)
    (docs / f"{gone}.txt").unlink()

    report = ingest(settings, [docs])
    assert report.removed == [gone] and report.unchanged == [DOC["000"]] and report.embedded == 0
    manifest = store.manifest()
    assert gone not in manifest.docs and gone not in manifest.versions
    assert store.live_chunks(Manifest(versions={gone: old_version})) == []
    assert store.count() == manifest.counts[DOC["000"]]
    assert Retriever(settings).search("口岸", doc=gone) == []


def test_ingest_from_another_directory_keeps_other_documents(tmp_path, settings_factory, monkeypatch,
                                                             no_default_embedding):
    work = tmp_path / "work"
    (work / "docs").mkdir(parents=True)
    shutil.copy(SEED_FILES[DOC["000"]], work / "docs" / "a.txt")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(SEED_FILES[DOC["000"]], elsewhere / "b.txt")
    settings = settings_factory(tmp_path / "home")
    monkeypatch.chdir(work)
    ingest(settings, [Path("docs")])
    monkeypatch.chdir(elsewhere)
    report = ingest(settings, [Path("b.txt")])
    assert report.removed == []
    manifest = Store(settings).manifest()
    assert sorted(manifest.docs) == ["a", "b"]
    assert all(Path(d.path).is_absolute() for d in manifest.docs.values())


# --- bad input through the real CLI ------------------------------------------------------------------

def _bad_inputs(d: Path, seed_text: str) -> dict[str, Path]:
    d.mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (d / "utf16.txt").write_bytes(seed_text[:4000].encode("utf-16"))
    (d / "shiftjis.txt").write_bytes(
        ("日本語のテキストです。これは計画ではありません。東京都の経済発展について説明します。"
         "私たちは新しい技術を使って、生活を豊かにすることを目指しています。\n" * 20).encode("shift_jis"))
    (d / "english.txt").write_text("Five-year plan of a region. GDP grows 7% a year.\n" * 50, encoding="utf-8")
    (d / "emptydir").mkdir()
    return {
        "empty": d / "empty.txt", "binary": d / "binary.txt", "utf16": d / "utf16.txt",
        "shiftjis": d / "shiftjis.txt", "no-chinese": d / "english.txt", "empty-dir": d / "emptydir",
        "missing": d / "no-such-plan.txt", "50MB": d / "huge.txt",
    }


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory):
    """A QA_HOME with one small seed ingested by the real `qa ingest`, plus a folder of bad inputs."""
    base = tmp_path_factory.mktemp("cli-ingest")
    home = base / "home"
    home.mkdir()
    seed = SEED_FILES[DOC["000"]]
    proc = run_qa(["ingest", str(seed)], home)
    assert proc.returncode == 0, proc.stderr
    assert "1 new" in proc.stdout
    state = {"last": store_state(home)}  # each case compares with the state the previous one left
    return home, _bad_inputs(base / "bad", seed.read_text(encoding="utf-8")), state


@pytest.mark.parametrize("case", [
    "empty", "binary", "utf16",
    "shiftjis",
    "no-chinese", "empty-dir", "missing", "50MB",
])
def test_bad_input_is_one_line_and_leaves_the_store_alone(case, cli_store):
    home, paths, state = cli_store
    path = paths[case]
    if case == "50MB":
        block = ("哈尔滨市双城区国民经济和社会发展第十四个五年规划。" * 1000 + "\n").encode("utf-8")
        with path.open("wb") as f:
            for _ in range(50 * 1024 * 1024 // len(block) + 1):
                f.write(block)
    try:
        before = state["last"]
        proc = run_qa(["ingest", str(path)], home)
        state["last"] = after = store_state(home)
        line = one_line_error(proc)
        assert line.startswith("qa ingest: error: ")
        assert path.name in line, line
        if case == "50MB":
            assert "20 MB" in line and "limit" in line, line
        assert after == before, "the store changed"
    finally:
        if case == "50MB":
            path.unlink()


def test_a_bad_file_among_good_ones_is_one_line_and_the_rest_goes_in(cli_store, tmp_path):
    """A bad document is reported in one line and nothing is written for it; the good one still goes in
    (exit 1: something was refused)."""
    home, paths, state = cli_store
    good = tmp_path / "good.txt"
    shutil.copy(SEED_FILES[DOC["002"]], good)
    proc = run_qa(["ingest", "-q", str(good), str(paths["binary"])], home)
    state["last"] = store_state(home)
    line = one_line_error(proc)
    assert "binary.txt" in line and "binary file" in line
    assert "1 new" in proc.stdout
    from qa.config import load

    assert "good" in Store(load(home=home)).manifest().docs and "binary" not in Store(load(home=home)).manifest().docs


def test_read_source_errors_name_the_file(tmp_path):
    from qa.ingest import collect

    p = tmp_path / "plan.pdf"
    p.write_bytes(b"%PDF-1.4")  # a PDF is a supported type, but not this broken one
    assert collect([p]) == ([p], {})
    with pytest.raises(IngestError, match="plan.pdf"):
        read_source(p, 20)
    with pytest.raises(IngestError, match="nothing.txt"):
        collect([tmp_path / "nothing.txt"])
    odd = tmp_path / "plan.xls"
    odd.write_bytes(b"x")
    files, failed = collect([odd, p])  # refused by name; the rest of the batch still goes in
    assert files == [p] and "unsupported file type .xls" in failed[str(odd)]
