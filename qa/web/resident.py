"""A running `qa serve` answers `qa ask` for the CLI: the answer without the start-up.

A cold `qa ask` spends ~1.5 s importing chromadb and opening the store for a ~20 ms answer. A `qa serve` that
runs on the same store has all of that loaded, so while it runs it writes ``$QA_HOME/serve.json`` (its port,
process id and the fingerprint of the settings that decide answers, mode 0600) and removes it when it stops.
``ask`` (standard library only, so the CLI's fast path imports nothing heavy) posts the question to its
``/api/v1/ask`` and returns the answer's JSON — or None whenever anything does not hold (no file, another
fingerprint, a dead process, a refused connection, an error reply), and the CLI answers in-process as before.
The same engine on the same store with the same settings gives the same answer in either process.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
from collections.abc import Iterator
from typing import Any

from qa.config import Settings

CONNECT_TIMEOUT = 0.5  # a server that does not accept at once is not used
ANSWER_TIMEOUT = 120.0  # its first answer may load the lexical index of a large store


@contextlib.contextmanager
def announced(settings: Settings, port: int) -> Iterator[None]:
    """serve.json for as long as the server runs (SIGTERM ends the server like Ctrl-C, so it is removed)."""
    path = settings.resident_file
    host = settings.web.host if settings.web.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    info = {"url": f"http://{host}:{port}", "pid": os.getpid(), "fingerprint": settings.fingerprint()}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".serve.{os.getpid()}.json")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(info, f)
    os.replace(tmp, path)

    def interrupt(signum: int, frame: Any) -> None:  # noqa: ARG001
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        with contextlib.suppress(OSError, ValueError):
            if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():  # not a newer server's
                path.unlink()


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):  # gone, or another user's process: not ours to use
        return False
    return True


def ask(settings: Settings, question: str, doc: str | None = None, region: str | None = None,
        plan: str | None = None) -> dict[str, Any] | None:
    """The answer from a resident `qa serve` of this store and these settings, or None (answer in-process)."""
    if not settings.web.resident:
        return None
    try:
        info = json.loads(settings.resident_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict) or info.get("fingerprint") != settings.fingerprint() or not _alive(info.get("pid")):
        return None
    import http.client
    from urllib.parse import urlsplit

    try:
        where = urlsplit(str(info.get("url", "")))
        if where.scheme != "http" or not where.hostname or not where.port:
            return None
        body = json.dumps({"question": question, "doc": doc, "region": region, "plan": plan,
                           "engine": settings.engine}, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if settings.web.auth is not None:
            token = base64.b64encode(settings.web.auth.get_secret_value().encode("utf-8")).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        conn = http.client.HTTPConnection(where.hostname, where.port, timeout=CONNECT_TIMEOUT)
        try:
            conn.connect()  # a server that does not accept at once is not used …
            conn.sock.settimeout(ANSWER_TIMEOUT)  # … one that does may take as long as an answer takes
            conn.request("POST", "/api/v1/ask", body=body, headers=headers)
            resp = conn.getresponse()
            if resp.status != 200:
                return None
            data = json.loads(resp.read().decode("utf-8"))
        finally:
            conn.close()
    except (OSError, ValueError, http.client.HTTPException):
        return None
    return data if isinstance(data, dict) and "text" in data else None
