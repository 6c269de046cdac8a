"""A real `chroma run` server on 127.0.0.1 for the tests and the scale bench (no pytest needed here)."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chroma_cli() -> str:
    return str(Path(sys.executable).parent / "chroma")


def alive(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


class ChromaServer:
    """`chroma run --path DIR --host 127.0.0.1 --port PORT`, stopped by its own process id.

    ``log``: where its output goes (a temp file, removed on stop, when not given). Raises
    RuntimeError naming the URL and the log's last lines when it does not answer within a minute."""

    def __init__(self, path: Path, log: Path | None = None, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._own_log = log is None
        self.log_path = log or Path(tempfile.mkstemp(prefix="chroma-server-", suffix=".log")[1])
        self.log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [chroma_cli(), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while not alive(self.url):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                tail = self.tail()
                self.stop()
                raise RuntimeError(f"chroma run did not answer {self.url}/api/v2/heartbeat: {tail}")
            time.sleep(0.2)

    def tail(self) -> str:
        self.log.flush()
        return " | ".join(self.log_path.read_text(errors="replace").strip().splitlines()[-5:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.log.close()
        if self._own_log:
            self.log_path.unlink(missing_ok=True)
