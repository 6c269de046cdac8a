"""The manifest's stamp: equal stamps mean no commit between them; anything uncertain means a full read."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from qa.store.chroma import Manifest, Store
from qa.store.manifest import MIRROR, STAMP, keep_mirror, mark, mirror, token
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


def test_the_mirror_holds_only_while_its_stamp_does(tmp_path, settings_factory) -> None:
    store = Store(settings_factory(tmp_path / "home"))
    store.commit(Manifest(chunking="v6:t1:o0"))
    folder = store.settings.store.chroma_dir
    held = store.manifest()
    assert mirror(folder) == held and held.generation == 1 and held.chunking == "v6:t1:o0"
    mark(folder, "busy")  # a commit under way: only Chroma's record tells
    assert mirror(folder) is None
    text = mark(folder, "done 1")  # the same generation marked again: not the mark the copy was taken under
    assert mirror(folder) is None
    keep_mirror(folder, "done 1 gone", held)  # read under a stamp that no longer holds: not copied
    assert mirror(folder) is None
    keep_mirror(folder, text, held)
    assert mirror(folder) == held
    (folder / MIRROR).write_text('{"stamp": "' + text + '", "manifest": {"generation": "x"}}', encoding="utf-8")
    assert mirror(folder) is None  # damaged: read Chroma
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []  # no temporary left


ASK = ("import sys; from qa.cli.command import main; rc = main(['ask', '--json', sys.argv[1]]); "
       "print('chromadb' in sys.modules, file=sys.stderr); sys.exit(rc)")


def _ask_new_process(home, question: str) -> tuple[str, bool]:
    """`qa ask --json` in a new process: its answer, and whether it opened Chroma."""
    proc = subprocess.run([sys.executable, "-c", ASK, question], env=qa_env(home), capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-2000:]
    answer = json.loads(proc.stdout)
    answer.pop("timing_ms")  # everything but how long it took
    return json.dumps(answer, ensure_ascii=False), proc.stderr.strip().splitlines()[-1] == "True"


def ingest_cli(home, docs) -> None:
    """`qa ingest` in its own process (it also writes the new plans' query segments)."""
    proc = subprocess.run([sys.executable, "-m", "qa.cli", "ingest", "-q", str(docs)], env=qa_env(home),
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0 and "warning" not in proc.stderr, proc.stderr[-2000:]


def test_a_new_process_answers_from_the_mirror_as_from_chroma(tmp_path, settings_factory) -> None:
    """A cold `qa ask` reads the live state from the mirror and the segments, without chromadb; its answer is
    the one a read of Chroma gives; a new plan another process commits is seen; a stamp that moved on without a
    copy (a writer that keeps none) means Chroma is read, and the copy is taken again."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SEED_FILES[DOC["002"]], docs / "a.txt")
    settings = settings_factory(tmp_path / "home", docs=[docs])
    ingest_cli(settings.home, docs)
    folder = settings.store.chroma_dir
    question = "二连浩特十二五末地区生产总值要达到多少亿元？"
    cold, opened = _ask_new_process(settings.home, question)
    assert not opened and "143" in cold
    (folder / MIRROR).unlink()
    read, opened = _ask_new_process(settings.home, question)
    assert opened and read == cold and mirror(folder) is not None  # read from Chroma, copied again
    mark(folder, "done 1")
    read, opened = _ask_new_process(settings.home, question)
    assert opened and read == cold and mirror(folder) is not None
    shutil.copy(SEED_FILES[DOC["004"]], docs / "b.txt")
    ingest_cli(settings.home, docs)
    other, opened = _ask_new_process(settings.home, "双城区十四五期间地区生产总值年均增长目标是多少？")
    assert not opened and "5%" in other
