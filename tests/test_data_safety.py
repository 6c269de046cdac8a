"""Ways the store used to lose plans with exit 0 (issue 20), each through the real `qa` command on a real store.

Two ingests at once (embedded store and a `chroma run` server), two files of the same name, a chunking change
plus one file, a file name that is not UTF-8, one oversize file or a link out of the folder among good ones,
the same plan under two names, and a store whose rows went missing. After each, every collection is counted
with chromadb alone (tests/store_audit.py) against the manifest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from qa.store.manifest import MIRROR
from tests.conftest import DOC, EMBED_CACHE, SEED_FILES, qa_env, run_qa
from tests.store_audit import audit

A, B, C = DOC["000"], DOC["003"], DOC["002"]  # 大庆市大同区, 阳泉市, 二连浩特市


def _docs(home: Path, **env: str) -> dict[str, Any]:
    """The manifest's documents and every collection's rows, read with chromadb alone."""
    e = {**qa_env(home), **env}
    got = audit(e, home)
    manifest = got["manifest"]
    versions = manifest.get("versions", {})
    chunks = got["planqa"]["by_key"]
    for doc_id, version in versions.items():  # every live version is whole
        assert chunks.get(f"{doc_id}@{version}", 0) >= manifest["counts"][doc_id], (doc_id, chunks)
    live = {f"{d}@{v}" for d, v in versions.items()}
    assert set(chunks) <= live, f"orphan chunk rows: {set(chunks) - live}"
    return manifest.get("docs", {})


def _home(tmp_path: Path) -> Path:
    (tmp_path / "home").mkdir(exist_ok=True)
    return tmp_path / "home"


def _regions(home: Path, **env: str) -> dict[str, str]:
    return {d: v["region"] for d, v in _docs(home, **env).items()}


def _copy(src: str, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED_FILES[src], dest)
    return dest


def _two_at_once(home: Path, a: Path, b: Path, **env: str) -> list[subprocess.CompletedProcess[str]]:
    out: list[Any] = [None, None]

    def run(i: int, folder: Path) -> None:
        out[i] = run_qa(["ingest", "-q", str(folder)], home, timeout=600, **env)

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate((a, b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_two_ingests_at_once_keep_both_plans_embedded(tmp_path: Path) -> None:
    """Before: both exited 0, then every ask failed and re-ingesting did not repair it."""
    home = _home(tmp_path)
    a, b = tmp_path / "a", tmp_path / "b"
    _copy(A, a / f"{A}.txt")
    _copy(B, b / f"{B}.txt")
    procs = _two_at_once(home, a, b)
    assert [p.returncode for p in procs] == [0, 0], [p.stderr for p in procs]
    assert sorted(_regions(home).values()) == ["大庆市大同区", "阳泉市"]
    got = run_qa(["ask", "阳泉市到2010年地区生产总值要达到多少？"], home)
    assert got.returncode == 0 and got.stdout.startswith("320亿元"), got.stdout + got.stderr
    got = run_qa(["ask", "大同区到2010年地区生产总值计划达到多少？"], home)
    assert got.returncode == 0 and got.stdout.startswith("46.5亿元"), got.stdout + got.stderr


@pytest.mark.server
def test_two_ingests_at_once_keep_both_plans_on_a_server(tmp_path: Path) -> None:
    from tests.chroma_server import ChromaServer

    server = ChromaServer(tmp_path / "chroma-data")
    try:
        env = {"QA_CHROMA_URL": server.url}
        a, b = tmp_path / "a", tmp_path / "b"
        _copy(A, a / f"{A}.txt")
        _copy(B, b / f"{B}.txt")
        procs = _two_at_once(_home(tmp_path), a, b, **env)
        assert [p.returncode for p in procs] == [0, 0], [p.stderr for p in procs]
        assert sorted(_regions(_home(tmp_path), **env).values()) == ["大庆市大同区", "阳泉市"]
        got = run_qa(["ask", "阳泉市到2010年地区生产总值要达到多少？"], _home(tmp_path), **env)
        assert got.stdout.startswith("320亿元"), got.stdout + got.stderr
    finally:
        server.stop()


def test_a_held_lock_makes_a_second_ingest_wait_then_say_who(tmp_path: Path) -> None:
    """A writer that cannot get the store in QA_INGEST_WAIT seconds fails in one line naming the holder."""
    from qa.config import Settings
    from qa.store.chroma import Store
    from qa.store.lock import writer

    home = _home(tmp_path)
    _copy(A, tmp_path / "a" / f"{A}.txt")
    settings = Settings(home=home, embed_cache=EMBED_CACHE)
    with writer(Store(settings), settings):
        proc = run_qa(["ingest", "-q", str(tmp_path / "a")], home, QA_INGEST_WAIT="2")
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "another ingest is running" in lines[0] and f"pid {os.getpid()}" in lines[0], lines
    assert _regions(home) == {}
    assert run_qa(["ingest", "-q", str(tmp_path / "a")], home).returncode == 0  # released: it goes in now


def test_a_store_with_missing_rows_is_repaired_by_ingest(tmp_path: Path) -> None:
    """Rows of a live version deleted behind the manifest's back (a crash, an old concurrent run): the next
    `qa ingest` writes that document again instead of calling it unchanged."""
    import chromadb

    home = _home(tmp_path)
    folder = tmp_path / "docs"
    _copy(A, folder / f"{A}.txt")
    assert run_qa(["ingest", "-q", str(folder)], home).returncode == 0
    client = chromadb.PersistentClient(path=str(home / "chroma"))
    chunks = client.get_collection("planqa")
    chunks.delete(ids=chunks.get(limit=10, include=[])["ids"])
    del client
    proc = run_qa(["ingest", "-q", str(folder)], home)
    assert proc.returncode == 0 and "repaired 1 document" in proc.stderr, proc.stdout + proc.stderr
    _docs(home)
    got = run_qa(["ask", "大同区到2010年地区生产总值计划达到多少？"], home)
    assert got.stdout.startswith("46.5亿元"), got.stdout + got.stderr


def test_the_same_file_name_in_two_folders_is_two_plans(tmp_path: Path) -> None:
    """Before: `qa ingest a/plan.txt` then `b/plan.txt` said "1 updated" and 阳泉 was gone."""
    home = _home(tmp_path)
    a = _copy(B, tmp_path / "a" / "plan.txt")
    b = _copy(A, tmp_path / "b" / "plan.txt")
    assert run_qa(["ingest", "-q", str(a)], home).returncode == 0
    proc = run_qa(["ingest", "-q", str(b)], home)
    assert proc.returncode == 0 and proc.stdout.startswith("ingested 1 new, 0 updated"), proc.stdout
    assert sorted(_regions(home).values()) == ["大庆市大同区", "阳泉市"]
    again = run_qa(["ingest", "-q", str(a)], home)  # the same path again: that document, unchanged
    assert again.stdout.startswith("ingested 0 new, 0 updated, 1 unchanged, 0 removed"), again.stdout


def test_two_formats_of_one_name_in_one_folder_both_go_in(tmp_path: Path) -> None:
    """规划纲要.md beside 规划纲要.txt used to block the folder ("same document id")."""
    home = _home(tmp_path)
    folder = tmp_path / "docs"
    _copy(A, folder / "规划纲要.txt")
    _copy(B, folder / "规划纲要.md")
    proc = run_qa(["ingest", "-q", str(folder)], home)
    assert proc.returncode == 0 and proc.stdout.startswith("ingested 2 new"), proc.stdout + proc.stderr
    assert sorted(_regions(home).values()) == ["大庆市大同区", "阳泉市"]


def test_a_chunking_change_with_one_file_removes_no_other_plan(tmp_path: Path) -> None:
    """Before: `QA_CHUNK_TOKENS=200 qa ingest one.txt` removed every other plan."""
    home = _home(tmp_path)
    folder = tmp_path / "docs"
    _copy(A, folder / f"{A}.txt")
    _copy(C, folder / f"{C}.txt")
    assert run_qa(["ingest", "-q", str(folder)], home).returncode == 0
    proc = run_qa(["ingest", "-q", str(folder / f"{A}.txt")], home, QA_CHUNK_TOKENS="200")
    assert proc.returncode == 0 and "0 removed" in proc.stdout, proc.stdout
    assert "still chunked with the earlier settings" in proc.stderr and C in proc.stderr, proc.stderr
    assert sorted(_regions(home)) == sorted([A, C])
    manifest = audit(qa_env(home), home)["manifest"]
    assert manifest["chunkings"][A].endswith("t200:o1") and manifest["chunkings"].get(C, manifest["chunking"]) \
        != manifest["chunkings"][A]


def test_a_non_utf8_file_name_is_refused_by_name_and_the_rest_go_in(tmp_path: Path) -> None:
    """A GBK name (a Windows archive): before, a Chroma error naming no file, and no good file went in."""
    home = _home(tmp_path)
    folder = tmp_path / "docs"
    _copy(A, folder / f"{A}.txt")
    bad = os.fsencode(folder) + b"/" + "规划纲要.txt".encode("gbk")
    shutil.copy(SEED_FILES[B], bad)
    proc = run_qa(["ingest", "-q", str(folder)], home)
    assert proc.returncode == 1 and proc.stdout.startswith("ingested 1 new"), proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "not UTF-8" in lines[0] and "规划纲要.txt" in lines[0], lines
    assert list(_regions(home).values()) == ["大庆市大同区"]


@pytest.mark.parametrize("case", ["over QA_MAX_CHUNKS", "symlink out of the folder"])
def test_one_bad_file_does_not_block_its_folder(case: str, tmp_path: Path) -> None:
    home = _home(tmp_path)
    folder = tmp_path / "docs"
    _copy(C, folder / f"{C}.txt")
    env: dict[str, str] = {}
    if case == "over QA_MAX_CHUNKS":
        _copy(B, folder / f"{B}.txt")  # 阳泉: ~230 chunks; 二连浩特: ~140
        env["QA_MAX_CHUNKS"] = "200"
        name = f"{B}.txt"
    else:
        outside = _copy(B, tmp_path / "outside" / "secret.txt")
        (folder / "link.txt").symlink_to(outside)
        name = "link.txt"
    proc = run_qa(["ingest", "-q", str(folder)], home, **env)
    assert proc.returncode == 1 and proc.stdout.startswith("ingested 1 new"), proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0], lines
    assert list(_regions(home).values()) == ["二连浩特市"]


def test_the_same_plan_under_two_names_is_said_and_listed_once(tmp_path: Path) -> None:
    home = _home(tmp_path)
    folder = tmp_path / "docs"
    _copy(A, folder / f"{A}.txt")
    _copy(A, folder / "copy-of-the-plan.txt")
    _copy(B, folder / f"{B}.txt")
    proc = run_qa(["ingest", "-q", str(folder)], home)
    assert proc.returncode == 0 and "same content" in proc.stderr, proc.stderr
    got = run_qa(["ask", "各规划的地区生产总值目标分别是多少？", "--json"], home)
    import json

    rows = json.loads(got.stdout)["table"]
    assert sorted(r["region"] for r in rows) == ["大庆市大同区", "阳泉市"], rows


def test_concurrent_cli_ingests_and_a_page_upload(tmp_path: Path) -> None:
    """Two CLI ingests and the page's ingest of its documents folder at once; then every collection agrees with
    the manifest and all three plans answer."""
    from qa.config import Settings
    from qa.web.documents import ingest_folder

    home = _home(tmp_path)
    a, b, page = tmp_path / "a", tmp_path / "b", tmp_path / "page"
    _copy(A, a / f"{A}.txt")
    _copy(B, b / f"{B}.txt")
    _copy(C, page / f"{C}.txt")
    settings = Settings(home=home, docs=[page], embed_cache=EMBED_CACHE)
    lines: list[str] = []
    upload = threading.Thread(target=lambda: lines.extend(ingest_folder(settings)))
    upload.start()
    procs = _two_at_once(home, a, b)
    upload.join()
    assert [p.returncode for p in procs] == [0, 0], [p.stderr for p in procs]
    assert lines[-1].startswith("✓"), lines
    assert sorted(_regions(home).values()) == ["二连浩特市", "大庆市大同区", "阳泉市"]


def _small_disk(path: Path, mb: int) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={mb}m", "tmpfs", str(path)],
                          capture_output=True).returncode == 0


def test_a_full_disk_is_named_in_one_line(tmp_path: Path) -> None:
    """Before: ask and search failed with Chroma's "Error sending backfill request to compactor". Now they answer
    from the mirror and the segments, and whatever must open Chroma says the disk is full, in one line."""
    disk = tmp_path / "disk"
    if not _small_disk(disk, 60):
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        home = disk / "home"
        home.mkdir()
        _copy(A, tmp_path / "docs" / f"{A}.txt")
        assert run_qa(["ingest", "-q", str(tmp_path / "docs")], home).returncode == 0
        with open(disk / "fill", "wb") as f:  # fill what is left
            try:
                while True:
                    f.write(b"\0" * (1 << 20))
            except OSError:
                pass
        # reading needs no room: the manifest's mirror and the segments answer without opening Chroma
        for args in (["ask", "大同区到2010年地区生产总值计划达到多少？"], ["search", "地区生产总值"]):
            proc = run_qa(args, home)
            assert proc.returncode == 0 and "46.5" in proc.stdout, (args, proc.stderr)
        (home / "chroma" / MIRROR).unlink()  # without the mirror Chroma is opened, and it needs room
        for args in (["ask", "大同区到2010年地区生产总值计划达到多少？"], ["search", "地区生产总值"],
                     ["ingest", "-q", str(tmp_path / "docs")]):
            proc = run_qa(args, home)
            lines = proc.stderr.strip().splitlines()
            assert proc.returncode == 1 and len(lines) == 1, (args, proc.stderr)
            assert "is full" in lines[0] and str(home / "chroma") in lines[0], lines
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


def test_a_plan_of_unknown_region_is_never_called_none(tmp_path: Path) -> None:
    """A scan without a title page has no region: messages name its file, never “None”."""
    from qa.answer.scope import scope_problem
    from qa.answer.understand import understand
    from qa.models import Document

    docs = {d: Document(id=d, path=f"{d}.txt", title="t", region=r, plan="十一五", sha256=d, chars=1)
            for d, r in (("a", "阳泉市"), ("scan", None))}
    problem = scope_problem(understand("阳泉市十一五的GDP目标", docs), docs, None, "scan", [])
    assert problem and "None" not in problem[1] and "scan（地区不明）" in problem[1], problem


def test_a_question_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    """Bytes from a terminal in another encoding: once a UnicodeEncodeError line."""
    home = _home(tmp_path)
    _copy(A, tmp_path / "docs" / f"{A}.txt")
    assert run_qa(["ingest", "-q", str(tmp_path / "docs")], home).returncode == 0
    from tests.conftest import qa_bin

    proc = subprocess.run([qa_bin(), "ask", b"\xff\xfe" + "大同区GDP".encode()], env=qa_env(home), cwd=home,
                          capture_output=True, text=True, timeout=120)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1 and len(lines) == 1 and "not valid text" in lines[0], proc.stderr
    assert "UnicodeEncodeError" not in proc.stderr
