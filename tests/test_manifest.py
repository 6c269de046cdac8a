"""The manifest's stamp: equal stamps mean no commit between them; anything uncertain means a full read."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from qa.store.chroma import Manifest, Store
from qa.store.manifest import STAMP, mark, token
from tests.conftest import DOC, SEED_FILES, qa_env


def test_a_stamp_is_kept_only_between_done_marks(tmp_path) -> None:
    assert token(tmp_path) is None  # a store no stamping planqa wrote: read the manifest
    mark(tmp_path, "done 3")
    first = token(tmp_path)
    assert first is not None and first.startswith("done 3") and token(tmp_path) == first
    (tmp_path / "chroma.sqlite3").write_bytes(b"x")  # the database written: another state
    second = token(tmp_path)
    assert second is not None and second != first
    mark(tmp_path, "done 3")  # the same generation marked again is still another mark
    assert token(tmp_path) not in (first, second, None)
    mark(tmp_path, "busy")
    assert token(tmp_path) is None
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left


def test_commits_change_the_stamp_and_a_failed_one_leaves_it_busy(tmp_path, settings_factory, monkeypatch) -> None:
    store = Store(settings_factory(tmp_path / "home"))
    store.commit(Manifest())
    before = store.stamp()
    assert before is not None and before.startswith("done 1") and store.stamp() == before
    store.commit(store.manifest())
    after = store.stamp()
    assert after is not None and after.startswith("done 2")

    def refuse(*_a, **_k):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(store, "_op", refuse)
    with pytest.raises(RuntimeError):
        store.commit(store.manifest())
    assert store.stamp() is None and (store.settings.store.chroma_dir / STAMP).read_text().startswith("busy")


def test_a_running_reader_sees_another_process_commit(tmp_path, settings_factory) -> None:
    """The page keeps a retriever; `qa ingest` in another process adds a plan: the next question sees it, and
    until then the retriever does not read the manifest again."""
    from qa.ingest import ingest
    from qa.retrieve.retriever import Retriever

    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SEED_FILES[DOC["002"]], docs / "a.txt")
    settings = settings_factory(tmp_path / "home", docs=[docs])
    ingest(settings, [docs])
    stamp = settings.store.chroma_dir / STAMP
    for left in (None, "busy"):  # a store written before stamps, or one a crash left busy: any ingest settles it
        stamp.unlink()
        if left:
            mark(settings.store.chroma_dir, left)
        assert Store(settings).stamp() is None
        report = ingest(settings, [docs])
        assert report.unchanged and stamp.read_text().startswith("done 1")
    reader = Retriever(settings)
    reader.refresh()
    reader.refresh()  # opening Chroma may itself write the database: the stamp settles after the first read
    calls = []
    real = reader.store.manifest
    reader.store.manifest = lambda: calls.append(1) or real()  # type: ignore[method-assign]
    held = reader.refresh()
    assert calls == [] and held[0].docs.keys() == {"a"}
    shutil.copy(SEED_FILES[DOC["004"]], docs / "b.txt")
    proc = subprocess.run([sys.executable, "-m", "qa.cli", "ingest", "-q", str(docs)],
                          env=qa_env(settings.home),
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-2000:]
    manifest, corpus = reader.refresh()
    assert calls and manifest.docs.keys() == {"a", "b"} and {c.doc_id for c in corpus.chunks} == {"a", "b"}
