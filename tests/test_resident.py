"""`qa ask` through a resident `qa serve` (qa/web/resident.py): a real server process, real CLI processes.

Which process answered is read off the CLI's own imports (``python -X importtime``): answered in-process it
imports the retriever, answered by the server it does not. The printed answer must be the same either way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.test_web import Server, server_env

Q = "阳泉十一五规划里，到2010年GDP要达到多少？"
Q_NONE = "桃源县十四五地区生产总值目标是多少？"


def cli(home: Path, *args: str, **extra: str) -> tuple[subprocess.CompletedProcess[str], bool]:
    """(the finished `qa …`, whether it imported the retriever itself)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "qa", *args], env=server_env(home, **extra),
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL, cwd=home)
    local = any(line.startswith("import time:") and line.rsplit("|", 1)[-1].strip() == "qa.retrieve.retriever"
                for line in proc.stderr.splitlines())
    proc.stderr = "\n".join(ln for ln in proc.stderr.splitlines() if not ln.startswith("import time:"))
    return proc, local


def without_timing(out: str) -> str:
    return "\n".join(ln for ln in out.splitlines() if not ln.strip().startswith("(extractive,"))


def wait_for_file(path: Path, present: bool = True, within: float = 30) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if path.exists() == present:
            return True
        time.sleep(0.2)
    return path.exists() == present


@pytest.fixture(scope="module")
def home(ready_store: Any) -> Path:
    return Path(ready_store.home).resolve()


def test_ask_is_answered_by_a_running_server_with_the_same_answer(home: Path, tmp_path: Path) -> None:
    local, imported = cli(home, "ask", Q)
    assert local.returncode == 0 and imported, local.stderr
    server = Server(home, tmp_path / "serve.log", cwd=tmp_path)
    try:
        announced = home / "serve.json"
        assert wait_for_file(announced)
        assert oct(announced.stat().st_mode & 0o777) == "0o600"
        info = json.loads(announced.read_text("utf-8"))
        assert info["pid"] == server.proc.pid and info["url"].endswith(f":{server.port}")
        for args in (["ask", Q], ["ask", "--json", Q], ["ask", Q_NONE]):
            remote, imported = cli(home, *args)
            again, _ = cli(home, *args, QA_RESIDENT="false")
            assert remote.returncode == 0 and not imported, remote.stderr
            assert "320" in remote.stdout or "文档未提及" in remote.stdout
            if "--json" in args:
                a, b = json.loads(remote.stdout), json.loads(again.stdout)
                a.pop("timing_ms", None), b.pop("timing_ms", None)
                assert a == b
            else:
                assert without_timing(remote.stdout) == without_timing(again.stdout)
        # other settings that decide answers: this process answers itself
        other, imported = cli(home, "ask", Q, QA_TOP_K="3")
        assert other.returncode == 0 and imported
        # a bad question is refused in one line, as without a server
        bad, _ = cli(home, "ask", "？？")
        assert bad.returncode != 0 and len([ln for ln in bad.stderr.splitlines() if ln.strip()]) == 1
    finally:
        server.stop()
    assert wait_for_file(home / "serve.json", present=False), "a stopped server leaves no serve.json"


def test_a_stale_announcement_is_ignored(home: Path, tmp_path: Path) -> None:
    """A server killed with -9 leaves serve.json: its process is gone, so the CLI answers itself."""
    server = Server(home, tmp_path / "serve.log", cwd=tmp_path)
    assert wait_for_file(home / "serve.json")
    server.proc.kill()
    server.proc.wait(10)
    server.stop()
    announced = home / "serve.json"
    assert announced.exists()
    try:
        out, imported = cli(home, "ask", Q)
        assert out.returncode == 0 and imported and "320" in out.stdout
        announced.write_text(json.dumps({"url": "http://127.0.0.1:9", "pid": os.getpid(),
                                         "fingerprint": json.loads(announced.read_text())["fingerprint"]}))
        out, imported = cli(home, "ask", Q)  # alive process, nothing listening: answered here
        assert out.returncode == 0 and imported and "320" in out.stdout
    finally:
        announced.unlink(missing_ok=True)
