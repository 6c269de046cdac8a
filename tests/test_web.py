"""The page, end to end: a real `qa serve` process, a real browser (Debian chromium), gradio_client.

Chromium comes from apt (`bash scripts/install_chromium.sh`); without it the browser tests
skip locally and fail under CI=true. Nothing here touches the network beyond 127.0.0.1.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
Q_FOREST = "双城区2025年森林覆盖率目标是多少？"
QUESTIONS = [
    Q_FOREST,
    "大同区到2010年地区生产总值计划达到多少？",
    "阳泉市到2010年地区生产总值要达到多少？",
    "克拉玛依区十一五期间地区生产总值年均增长多少？",
    "二连浩特市十二五期末城镇居民人均可支配收入目标是多少？",
]
HAS_BRIEF = importlib.util.find_spec("qa.brief") is not None


# ---------------------------------------------------------------- helpers

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def qa_bin() -> str:
    beside = Path(sys.executable).parent / "qa"
    return str(beside) if beside.exists() else (shutil.which("qa") or "qa")


def server_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env.update(QA_HOME=str(home), GRADIO_ANALYTICS_ENABLED="False", ANONYMIZED_TELEMETRY="False",
               QA_EMBED_CACHE=str(ROOT / ".cache" / "test-embeddings.sqlite"), HF_HUB_OFFLINE="1")
    env.update(extra)
    return env


class Server:
    def __init__(self, home: Path, log: Path, **extra: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log
        self._out = log.open("w")
        self.proc = subprocess.Popen([qa_bin(), "serve", "--port", str(self.port)], cwd=ROOT,
                                     env=server_env(home, **extra), stdout=self._out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        deadline = time.time() + 180
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"qa serve exited {self.proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"qa serve did not answer within 180 s:\n{log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._out.close()


@pytest.fixture(scope="module")
def store(ready_store):
    return Path(ready_store.home).resolve()


@pytest.fixture(scope="module")
def server(store, tmp_path_factory):
    s = Server(store, tmp_path_factory.mktemp("web") / "serve.log")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        msg = f"{CHROMIUM} is missing: run `bash scripts/install_chromium.sh`"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _outside_requests(page) -> list[str]:
    seen: list[str] = []

    def on_request(req):
        host = urlparse(req.url).hostname
        if req.url.startswith(("http://", "https://", "ws://", "wss://")) and host not in ("127.0.0.1", "localhost"):
            seen.append(req.url)

    page.on("request", on_request)
    return seen


# ---------------------------------------------------------------- rendering (no server)

def test_sources_html_escapes_and_marks(ready_store):
    from qa.models import Answer, Citation, Document
    from qa.web import answer_markdown, sources_html

    doc = Document(id="x", path="/nonexistent", title="<b>t</b>", region="某区", plan="十四五", sha256="0", chars=10)
    a = Answer(question="q", text="<script>alert(1)</script>", value=3, unit="%", kind="target", year=2025,
               citations=[Citation(doc_id="x", section="<i>s</i>", start=0, end=17, quote="<img src=x> 3% ok")])
    out = sources_html(a, {"x": doc})
    assert "<mark>&lt;img src=x&gt; 3% ok</mark>" in out
    assert "<img" not in out and "<i>" not in out and "<b>t" not in out
    md = answer_markdown(a, {"x": doc})
    assert "<script>" not in md and "目标值" in md and "2025" in md and "[1]" in md


def test_engine_choices(ready_store):
    from qa.web import engines

    assert engines(ready_store) == ["extractive"]
    s = ready_store.model_copy(update={"model": "m", "openai_base_url": "http://127.0.0.1:1/v1"})
    assert engines(s) == ["extractive", "llm"]


def test_build_app(ready_store):
    import gradio as gr

    from qa.web import build_app

    demo = build_app(ready_store)
    assert isinstance(demo, gr.Blocks)


# ---------------------------------------------------------------- the browser

@pytest.mark.browser
def test_chat_compare_briefs_in_browser(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    outside = _outside_requests(page)
    page.goto(server.url, wait_until="networkidle")
    box = page.locator("#qa-question textarea")
    box.wait_for(timeout=60_000)
    box.fill(Q_FOREST)
    box.press("Enter")
    mark = page.locator("#qa-sources mark").first
    mark.wait_for(timeout=60_000)
    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)
    bot = page.locator("#qa-chatbot")
    assert "3%" in bot.inner_text()
    assert "森林覆盖率" in mark.inner_text()
    assert "十四五" in page.locator("#qa-sources").inner_text()

    # the clear button empties the conversation and the sources
    page.locator("#qa-clear").click()
    page.wait_for_function("!document.querySelector('#qa-sources mark')", timeout=20_000)

    page.get_by_role("tab", name="对比").click()
    plot = page.locator("#qa-compare-plot")
    plot.wait_for(timeout=30_000)
    if HAS_BRIEF:
        page.locator("#qa-compare-plot svg, #qa-compare-plot canvas").first.wait_for(timeout=60_000)
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)

    if HAS_BRIEF:
        page.get_by_role("tab", name="简报").click()
        pick = page.locator("#qa-brief-pick input")
        pick.click()
        page.get_by_role("option", name="双城区").first.click()
        table = page.locator("#qa-brief table.qa-indicators")
        table.wait_for(timeout=180_000)
        assert "森林覆盖率" in table.inner_text()
        assert page.locator("#qa-brief table.qa-indicators mark").count() > 0
        page.screenshot(path=str(tmp_path / "brief.png"), full_page=True)
    else:
        page.get_by_role("tab", name="简报").click()
        page.get_by_text("qa.brief").first.wait_for(timeout=10_000)

    page.get_by_role("tab", name="评测").click()
    page.locator("#qa-eval-report").wait_for(timeout=10_000)
    page.screenshot(path=str(tmp_path / "eval.png"), full_page=True)
    assert not outside, f"the page fetched from outside: {outside}"
    page.close()


@pytest.mark.browser
def test_login_in_browser(store, browser, tmp_path):
    s = Server(store, tmp_path / "serve-auth.log", QA_AUTH="user:pw")
    try:
        page = browser.new_page()
        outside = _outside_requests(page)
        page.goto(s.url, wait_until="networkidle")
        pw = page.locator("input[type=password]")
        pw.wait_for(timeout=30_000)
        assert page.locator("#qa-question").count() == 0
        page.screenshot(path=str(tmp_path / "login.png"))
        user = page.locator("input[type=text]").first
        user.fill("user")
        pw.fill("wrong")
        page.get_by_role("button", name="Login").click()
        page.get_by_text("Incorrect").first.wait_for(timeout=15_000)
        assert page.locator("#qa-question").count() == 0
        user.fill("user")  # a failed login clears both fields
        pw.fill("pw")
        page.get_by_role("button", name="Login").click()
        page.locator("#qa-question textarea").wait_for(timeout=60_000)
        page.screenshot(path=str(tmp_path / "after-login.png"))
        assert not outside, f"the page fetched from outside: {outside}"
        page.close()
        # the API is closed too without the login
        from gradio_client import Client

        with pytest.raises(Exception):  # noqa: B017 - the client's error type differs across versions
            Client(s.url, verbose=False).predict(Q_FOREST, [], "__all__", "extractive", api_name="/ask")
        c = Client(s.url, auth=("user", "pw"), verbose=False)
        hist, _sources, _ = c.predict(Q_FOREST, [], "__all__", "extractive", api_name="/ask")
        assert "3%" in json.dumps(hist, ensure_ascii=False)
    finally:
        s.stop()


# ---------------------------------------------------------------- the API and the network

def _text(history) -> str:
    return json.dumps(history, ensure_ascii=False)


def test_concurrent_questions(server):
    from gradio_client import Client

    client = Client(server.url, verbose=False)
    qs = [QUESTIONS[i % len(QUESTIONS)] for i in range(20)]

    def ask(q: str):
        return client.predict(q, [], "__all__", "extractive", api_name="/ask")

    with ThreadPoolExecutor(max_workers=20) as ex:
        results = list(ex.map(ask, qs))
    assert len(results) == 20
    for q, (hist, sources, box) in zip(qs, results, strict=True):
        assert len(hist) == 2, hist
        assert q in _text(hist[0])
        assert hist[1]["role"] == "assistant"
        assert box == ""
        assert "qa-sources" in sources
    forest = [r for q, r in zip(qs, results, strict=True) if q == Q_FOREST]
    assert all("3%" in _text(h) and "<mark>" in s for h, s, _ in forest)


def _socket_inodes(pid: int) -> set[str]:
    out = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            out.add(target[8:-1])
    return out


def _remote_addresses(pid: int) -> list[tuple[str, int]]:
    """Remote (address, port) of every TCP socket the process holds, from /proc/<pid>/net/tcp{,6}."""
    mine = _socket_inodes(pid)
    out = []
    for name in ("tcp", "tcp6"):
        p = Path(f"/proc/{pid}/net/{name}")
        if not p.exists():
            continue
        for line in p.read_text().splitlines()[1:]:
            f = line.split()
            if len(f) < 10 or f[9] not in mine:
                continue
            addr, port = f[2].split(":")
            out.append((addr, int(port, 16)))
    return out


def _loopback_or_any(hex_addr: str) -> bool:
    raw = bytes.fromhex(hex_addr)
    if len(raw) == 4:  # little-endian IPv4
        ip = socket.inet_ntop(socket.AF_INET, raw[::-1])
        return ip.startswith("127.") or ip == "0.0.0.0"
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    ip = socket.inet_ntop(socket.AF_INET6, words)
    if ip.startswith("::ffff:"):
        v4 = ip[7:]
        return v4.startswith("127.") or v4 == "0.0.0.0"
    return ip in ("::", "::1")


def test_server_makes_no_outside_connection(server):
    from gradio_client import Client

    assert _socket_inodes(server.proc.pid), "cannot read the server's sockets"
    seen: list[tuple[str, int]] = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            seen.extend(_remote_addresses(server.proc.pid))
            time.sleep(0.05)

    t = threading.Thread(target=watch, daemon=True)
    t.start()
    try:
        for path in ("", "config", "gradio_api/info"):
            with urllib.request.urlopen(server.url + path, timeout=30) as r:
                r.read()
        client = Client(server.url, verbose=False)
        for q in QUESTIONS:
            client.predict(q, [], "__all__", "extractive", api_name="/ask")
        time.sleep(1.0)
    finally:
        stop.set()
        t.join(5)
    assert seen, "no TCP sockets observed"
    outside = sorted({(a, p) for a, p in seen if not _loopback_or_any(a)})
    assert not outside, f"non-loopback connections: {outside}"


def test_answer_markdown_of_a_real_answer(ready_store):
    from qa.answer import answer_question
    from qa.web import answer_markdown

    a = answer_question(Q_FOREST, ready_store)
    md = answer_markdown(a, {})
    assert "3%" in md and "[1]" in md and "类型 目标值" in md
