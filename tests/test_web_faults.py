"""The page's faults, each on the real page: `qa serve` in a child process, driven over real HTTP
(http.client, from chosen loopback addresses) and gradio_client, as tests/test_web.py does.

1. failed logins are throttled per client: HTTP 429 with one line, even for the right password,
   until the window passes; then the right password works again;
2. without QA_AUTH Gradio's upload route refuses files (403, one line); logged in, it takes them;
3. a refused question shows the page the reason the CLI prints (qa.answer.question_problem);
4. a Chroma server that goes away is one line in `qa serve`'s log naming it and the cause;
5. QA_PORT=notaport is one line naming QA_PORT.
"""

from __future__ import annotations

import http.client
import json
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from qa.config import Settings
from tests.chroma_server import ChromaServer
from tests.conftest import SEED_FILES, one_line_error, run_qa
from tests.test_faults import ODD
from tests.test_web import Server

ATTEMPTS = Settings().web.login_attempts  # the default, 5
WINDOW = 4.0  # QA_LOGIN_WINDOW for the test server (a minute by default)
REFUSED = ["10000 characters", "punctuation"]  # questions of tests/test_faults.py the CLI refuses
DATONG = "000_1eaa99c5e663719f"
Q_DATONG = "大同区到2010年地区生产总值计划达到多少？"


# ---------------------------------------------------------------- helpers

def request(url: str, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None,
            source: str = "127.0.0.1") -> tuple[int, str, dict[str, str]]:
    """One HTTP request from the loopback address ``source``: (status, body text, headers)."""
    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace"), {k.lower(): v for k, v in r.getheaders()}
    finally:
        conn.close()


def login(url: str, password: str, source: str = "127.0.0.1") -> tuple[int, str, dict[str, str]]:
    """POST /login as the browser's login form (and gradio_client) does."""
    form = f"username=user&password={password}".encode()
    return request(url, "POST", "/login", form, {"content-type": "application/x-www-form-urlencoded"}, source)


def cookie_of(headers: dict[str, str]) -> str:
    # http.client joins repeated set-cookie headers with ", "; each cookie is name=value; attributes
    return "; ".join(part.split(";")[0].strip() for part in headers["set-cookie"].split(", ")
                     if "access-token" in part)


def upload(url: str, cookie: str | None = None) -> tuple[int, str]:
    """A small text file to Gradio's generic upload route, multipart as the browser sends it."""
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"plan.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\n十四五规划纲要\r\n--{boundary}--\r\n").encode()
    headers = {"content-type": f"multipart/form-data; boundary={boundary}"}
    if cookie:
        headers["cookie"] = cookie
    status, text, _ = request(url, "POST", "/gradio_api/upload", body, headers)
    return status, text


def assistant_text(history: Any) -> str:
    return json.dumps(history[-1], ensure_ascii=False)


@pytest.fixture(scope="module")
def store(ready_store: Any) -> Path:
    return Path(ready_store.home).resolve()


@pytest.fixture(scope="module")
def open_server(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    s = Server(store, tmp_path_factory.mktemp("web-open") / "serve.log")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def auth_server(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    s = Server(store, tmp_path_factory.mktemp("web-auth") / "serve.log", QA_AUTH="user:pw",
               QA_LOGIN_WINDOW=str(WINDOW))
    yield s
    s.stop()


# ---------------------------------------------------------------- 1. login throttling

def test_failed_logins_are_throttled_per_client(auth_server: Server) -> None:
    url = auth_server.url
    first = time.monotonic()
    for _ in range(ATTEMPTS):
        status, body, _ = login(url, "wrong")
        assert status == 400, body
    for password in ("wrong", "pw"):  # locked: even the right password
        status, body, headers = login(url, password)
        assert status == 429, (status, body)
        assert body.strip() and "\n" not in body.strip() and "too many failed logins" in body, body
        assert 1 <= int(headers["retry-after"]) <= WINDOW
    status, _, _ = login(url, "pw", source="127.0.0.2")  # another client is not locked out
    assert status == 200
    time.sleep(max(0.0, first + WINDOW - time.monotonic()) + 0.5)  # the window passes
    status, body, headers = login(url, "pw")
    assert status == 200, body
    assert "access-token" in headers["set-cookie"]


def test_a_burst_of_wrong_passwords_is_throttled_too(auth_server: Server) -> None:
    """30 wrong passwords at once from one client: at most ATTEMPTS are even tried."""
    with ThreadPoolExecutor(max_workers=10) as ex:
        statuses = list(ex.map(lambda _: login(auth_server.url, "wrong", source="127.0.0.3")[0], range(30)))
    assert statuses.count(400) <= ATTEMPTS and statuses.count(429) >= 30 - ATTEMPTS, statuses
    assert set(statuses) <= {400, 429}
    assert login(auth_server.url, "pw", source="127.0.0.3")[0] == 429


def test_by_default_five_failures_lock_a_client_for_a_minute() -> None:
    from qa.web.guard import LoginThrottle

    now = [1000.0]
    web = Settings().web
    throttle = LoginThrottle(web.login_attempts, web.login_window, clock=lambda: now[0])
    for _ in range(5):
        assert throttle.admit("a") == 0
        throttle.settle("a", ok=False)
        now[0] += 1
    assert throttle.admit("a") == pytest.approx(55) and throttle.admit("b") == 0
    now[0] = 1059.9
    assert throttle.admit("a") > 0
    now[0] = 1060.1  # the first failure has left the window: one more try
    assert throttle.admit("a") == 0 and throttle.admit("a") > 0
    throttle.settle("a", ok=True)  # ... and it was the right password: the slate is clean
    assert throttle.admit("a") == 0


# ---------------------------------------------------------------- 2. uploads need a login

def test_uploads_are_refused_without_a_login(open_server: Server) -> None:
    status, body = upload(open_server.url)
    assert status == 403, (status, body)
    assert body.strip() and "\n" not in body.strip() and "login" in body and "QA_AUTH" in body, body


def test_uploads_are_taken_once_logged_in(auth_server: Server) -> None:
    status, _ = upload(auth_server.url)
    assert status == 401  # QA_AUTH is set, but this client has not logged in
    status, body, headers = login(auth_server.url, "pw", source="127.0.0.4")
    assert status == 200, body
    status, body = upload(auth_server.url, cookie_of(headers))
    assert status == 200, body
    (path,) = json.loads(body)
    assert path.endswith("plan.txt")


# ---------------------------------------------------------------- 3. refused questions

@pytest.mark.parametrize("case", REFUSED)
def test_a_refused_question_shows_the_reason_the_cli_gives(case: str, open_server: Server, tmp_path: Path) -> None:
    from gradio_client import Client

    line = one_line_error(run_qa(["ask", "--", ODD[case]], tmp_path))
    assert line.startswith("qa ask: error: the question ")
    reason = line.removeprefix("qa ask: error: ")
    hist, sources, box = Client(open_server.url, verbose=False).predict(ODD[case], [], "__all__", "extractive",
                                                                        api_name="/ask")
    said = assistant_text(hist)
    assert reason in said, said[:500]
    assert "文档未提及" not in said and box == ""


# ---------------------------------------------------------------- 4. the Chroma server goes away

@pytest.mark.server
@pytest.mark.timeout(400)
def test_chroma_server_down_is_one_line_in_the_serve_log(tmp_path: Path) -> None:
    from gradio_client import Client

    chroma = ChromaServer(tmp_path / "chroma-data")
    home = tmp_path / "home"
    home.mkdir()
    try:
        proc = run_qa(["ingest", "-q", str(SEED_FILES[DATONG])], home, QA_CHROMA_URL=chroma.url)
        assert proc.returncode == 0, proc.stderr
        server = Server(home, tmp_path / "serve.log", QA_CHROMA_URL=chroma.url)
        try:
            client = Client(server.url, verbose=False)
            hist, _, _ = client.predict(Q_DATONG, [], "__all__", "extractive", api_name="/ask")
            assert "亿元" in assistant_text(hist)
            before = len(server.log.read_text())
            chroma.stop()
            hist, sources, _ = client.predict(Q_DATONG, [], "__all__", "extractive", api_name="/ask")
            time.sleep(1.0)  # let the server's output reach the log
            logged = server.log.read_text()[before:]
        finally:
            server.stop()
    finally:
        chroma.stop()
    lines = [ln for ln in logged.splitlines() if ln.strip()]
    assert "Traceback" not in logged, logged[-3000:]
    assert len(lines) == 1, logged[-3000:]
    assert lines[0].startswith("qa serve: error: ") and chroma.url in lines[0], lines[0]
    assert chroma.url in assistant_text(hist)  # the page says what went wrong too
    assert "qa-sources" in sources


# ---------------------------------------------------------------- 5. a bad port

def test_a_bad_port_is_one_line_naming_qa_port(tmp_path: Path) -> None:
    line = one_line_error(run_qa(["serve"], tmp_path, QA_PORT="notaport"))
    assert line.startswith("qa serve: error: QA_PORT='notaport': "), line
    assert "Traceback" not in line and "ConfigError" not in line
