"""The page, end to end: a real `qa serve` process, a real browser (Debian chromium), gradio_client.

Chromium comes from apt (`bash scripts/install_chromium.sh`); without it the browser tests
skip locally and fail under CI=true. Nothing here touches the network beyond 127.0.0.1.
The server runs in a temporary working directory holding a three-question gold file and
the report of its eval, so the 评测 tab's re-run is quick and never touches reports/eval.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
Q_FOREST = "双城区2025年森林覆盖率目标是多少？"
Q_GROWTH = "地区生产总值年均增长目标是多少？"  # no region named: the filters decide which plan answers
QUESTIONS = [
    Q_FOREST,
    "大同区到2010年地区生产总值计划达到多少？",
    "阳泉市到2010年地区生产总值要达到多少？",
    "克拉玛依区十一五期间地区生产总值年均增长多少？",
    "二连浩特市十二五期末城镇居民人均可支配收入目标是多少？",
]
DOC_SHUANGCHENG = "004_f77e359f427d9ef6"
# the eval tab's gold file: two questions the engine gets right, one it does not (a failure row)
GOLD_IDS = ["000-q01", "000-q02", "004-q23"]
GOLD_EXTRA = "004-q01"  # appended before the re-run: the report must then count 4 questions
SECRET_MARK = "root:x:0:0"


# ---------------------------------------------------------------- helpers

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def qa_bin() -> str:
    beside = Path(sys.executable).parent / "qa"
    return str(beside) if beside.exists() else (shutil.which("qa") or "qa")


def server_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_") and not k.startswith("OPENAI_")}
    env.update(QA_HOME=str(home), GRADIO_ANALYTICS_ENABLED="False", ANONYMIZED_TELEMETRY="False",
               QA_EMBED_CACHE=str(ROOT / ".cache" / "test-embeddings.sqlite"), HF_HUB_OFFLINE="1",
               QA_DOCS=json.dumps([str(SEEDS)]))
    env.update(extra)
    return env


class Server:
    """`qa serve` in a child process on a free port, started in ``cwd``; ready when / answers."""

    def __init__(self, home: Path, log: Path, cwd: Path = ROOT, args: tuple[str, ...] = (), **extra: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log
        self._out = log.open("w")
        self.proc = subprocess.Popen([qa_bin(), "serve", "--port", str(self.port), *args], cwd=cwd,
                                     env=server_env(home, **extra), stdout=self._out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
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


def gold_lines(ids: list[str]) -> list[str]:
    by_id = {json.loads(ln)["id"]: ln for ln in (ROOT / "evals" / "indicators.jsonl").read_text("utf-8").splitlines()
             if ln.strip()}
    return [by_id[i] for i in ids]


@pytest.fixture(scope="module")
def store(ready_store: Any) -> Path:
    return Path(ready_store.home).resolve()


@pytest.fixture(scope="module")
def workdir(ready_store: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's working directory: evals/indicators.jsonl (3 questions) and its report in reports/eval."""
    from qa.eval.run import run

    wd = tmp_path_factory.mktemp("web-cwd")
    (wd / "evals").mkdir()
    (wd / "evals" / "indicators.jsonl").write_text("\n".join(gold_lines(GOLD_IDS)) + "\n", encoding="utf-8")
    report = run(wd / "evals" / "indicators.jsonl", ready_store, report_dir=wd / "reports" / "eval", log=io.StringIO())
    assert report["failures"] == ["004-q23"], report["failures"]  # the failure table has one row
    return wd


@pytest.fixture(scope="module")
def server(store: Path, workdir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    s = Server(store, tmp_path_factory.mktemp("web") / "serve.log", cwd=workdir)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
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


def _outside_requests(page: Any) -> list[str]:
    seen: list[str] = []

    def on_request(req: Any) -> None:
        host = urlparse(req.url).hostname
        if req.url.startswith(("http://", "https://", "ws://", "wss://")) and host not in ("127.0.0.1", "localhost"):
            seen.append(req.url)

    page.on("request", on_request)
    return seen


def open_page(browser: Any, server: Server) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    outside = _outside_requests(page)
    page.goto(server.url, wait_until="networkidle")
    page.locator("#qa-question textarea").wait_for(timeout=60_000)
    return page, outside


def record_text(page: Any, selector: str, key: str) -> None:
    """Record every distinct innerText of ``selector`` (a MutationObserver) into window[key]."""
    page.evaluate(
        """([selector, key]) => {
            window[key] = [];
            const root = document.querySelector(selector);
            const seen = () => {
                const t = root.innerText;
                const log = window[key];
                if (log[log.length - 1] !== t) log.push(t);
            };
            new MutationObserver(seen).observe(root, {subtree: true, childList: true, characterData: true,
                                                       attributes: true});
        }""",
        [selector, key],
    )


def choose(page: Any, elem_id: str, option: str) -> None:
    """Pick ``option`` (its visible label) in the gradio Dropdown ``elem_id``."""
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_function("([id, v]) => document.querySelector('#' + id + ' input').value === v",
                           arg=[elem_id, option], timeout=10_000)


def ask_in_page(page: Any, question: str, expect_doc: str) -> list[str]:
    """Ask, wait until the sources cite ``expect_doc``; the doc ids of every cited passage."""
    page.locator("#qa-clear").click()
    # wait for the clear's own output (its placeholder, an empty box), not merely for no .qa-source: a
    # cross-plan answer shows a table and no .qa-source, and a clear still in flight would empty the box
    # after it is filled
    page.wait_for_function(
        "() => { const s = document.querySelector('#qa-sources'); const b = document.querySelector("
        "'#qa-question textarea'); return s && s.innerText.includes('提问后这里显示引用的原文段落') "
        "&& !s.querySelector('.qa-source') && b && b.value === ''; }", timeout=20_000)
    box = page.locator("#qa-question textarea")
    box.fill(question)
    page.wait_for_function("q => document.querySelector('#qa-question textarea').value === q",
                           arg=question, timeout=10_000)
    box.press("Enter")
    page.locator(f"#qa-sources .qa-source[data-doc='{expect_doc}']").first.wait_for(timeout=60_000)
    return [e.get_attribute("data-doc") for e in page.locator("#qa-sources .qa-source").all()]


# ---------------------------------------------------------------- rendering and handlers (no server)

def test_sources_html_escapes_and_marks(ready_store: Any) -> None:
    from qa.models import Answer, Citation, Document
    from qa.web.render import answer_markdown, sources_html

    doc = Document(id="x", path="/nonexistent", title="<b>t</b>", region="某区", plan="十四五", sha256="0", chars=10)
    a = Answer(question="q", text="<script>alert(1)</script>", value=3, unit="%", kind="target", year=2025,
               citations=[Citation(doc_id="x", section="<i>s</i>", start=0, end=17, quote="<img src=x> 3% ok")])
    out = sources_html(a, {"x": doc})
    assert "<mark>&lt;img src=x&gt; 3% ok</mark>" in out
    assert "<img" not in out and "<i>" not in out and "<b>t" not in out
    md = answer_markdown(a, {"x": doc})
    assert "<script>" not in md and "目标值" in md and "2025" in md and "[1]" in md


def test_engine_choices(ready_store: Any) -> None:
    from qa.web.page import available_engines, engines

    assert engines(ready_store) == ["extractive"]
    assert available_engines(ready_store)[0] == ["extractive"]
    s = ready_store.with_(**{"model": "m", "openai_base_url": f"http://127.0.0.1:{free_port()}/v1"})
    assert engines(s) == ["extractive", "llm"]  # configured ...
    offered, note = available_engines(s)  # ... but nothing answers there: not offered
    assert offered == ["extractive"] and "无法连接" in note
    replay = s.with_(**{"replay": True})
    assert available_engines(replay)[0] == ["extractive", "llm"]  # the cache answers, no endpoint needed


def test_build_app(ready_store: Any) -> None:
    import gradio as gr

    from qa.web.app import build_app

    demo = build_app(ready_store)
    assert isinstance(demo, gr.Blocks)


@pytest.fixture(scope="module")
def page_handlers(ready_store: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from qa.web.page import Page

    return Page(ready_store, briefs_dir=tmp_path_factory.mktemp("briefs"))


@pytest.mark.parametrize("doc_id", ["../../etc/passwd", "/etc/passwd", DOC_SHUANGCHENG + "/../../x", "nope", ""])
def test_brief_handler_refuses_unknown_ids(page_handlers: Any, doc_id: str) -> None:
    import gradio as gr

    if not doc_id:
        html_, _, _ = page_handlers.show_brief(doc_id)  # nothing picked yet: a prompt, not an error
        assert "选择" in html_
        return
    with pytest.raises(gr.Error, match="没有这份规划"):
        page_handlers.show_brief(doc_id)


def test_ask_handler_refuses_unknown_filters(page_handlers: Any) -> None:
    import gradio as gr

    cases = [("../../etc/passwd", "extractive", None, None, "规划文件"),
             ("__all__", "extractive", "../../etc", None, "地区"),
             ("__all__", "extractive", None, "十九五", "规划期"),
             ("__all__", "llm", None, None, "不可用")]
    for scope, engine, region, plan, msg in cases:
        with pytest.raises(gr.Error, match=msg):
            list(page_handlers.ask(Q_FOREST, [], scope, engine, region, plan))


def test_ask_handler_filters_narrow_the_cited_plan(page_handlers: Any) -> None:
    def cited(**filters: str) -> set[str]:
        *_, (hist, sources, _) = page_handlers.ask(Q_GROWTH, [], "__all__", "extractive", filters.get("region"),
                                                   filters.get("plan"))
        return set(re.findall(r'data-doc="([^"]+)"', sources))

    assert cited(plan="十二五") == {"002_0a4f00c585880ffc"}
    assert cited(region="克拉玛依区") == {"001_cbf60eae7b09ed54"}
    assert cited(plan="十四五") == {DOC_SHUANGCHENG}
    assert cited(region="哈尔滨市双城区", plan="十一五") == set()  # no such plan: abstains, cites nothing


def test_chat_history_from_the_browser_is_reduced_to_text(page_handlers: Any) -> None:
    history = [{"role": "user", "content": [{"type": "file", "file": {"path": "/etc/passwd"}}]},
               {"role": "assistant", "content": {"path": str(ROOT / "pyproject.toml")}},
               {"role": "system", "content": "ignore"},
               {"role": "user", "content": [{"type": "text", "text": "早先的问题"}]}]
    *_, (hist, _, _) = page_handlers.ask(Q_FOREST, history, "__all__", "extractive")
    assert all(isinstance(m["content"], str) for m in hist)
    assert [m["role"] for m in hist] == ["user", "user", "assistant"]
    assert "passwd" not in json.dumps(hist) and "pyproject" not in json.dumps(hist)


def test_documents_outside_the_configured_folders_are_not_read(ready_store: Any, tmp_path: Path) -> None:
    """A store document whose file lies outside QA_DOCS: no passage context, no brief, no file read."""
    import gradio as gr

    from qa.answer import answer_question
    from qa.web.files import doc_path
    from qa.web.page import Page
    from qa.web.render import sources_html

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "link.txt").symlink_to(SEEDS / f"{DOC_SHUANGCHENG}.txt")  # a symlink out of the folder
    s = ready_store.with_(**{"docs": [elsewhere]})
    page = Page(s, briefs_dir=tmp_path / "briefs")
    doc = page.docs[DOC_SHUANGCHENG]
    assert doc_path(doc, page.roots) is None
    assert doc_path(doc.model_copy(update={"path": str(elsewhere / "link.txt")}), page.roots) is None
    assert doc_path(doc, [SEEDS.resolve()]) is not None
    with pytest.raises(gr.Error, match="QA_DOCS"):
        page.show_brief(DOC_SHUANGCHENG)
    assert not (tmp_path / "briefs" / f"{DOC_SHUANGCHENG}.json").exists()
    a = answer_question(Q_FOREST, ready_store)
    inside, outside = sources_html(a, page.docs, [SEEDS.resolve()]), sources_html(a, page.docs, page.roots)
    assert "…" in inside and "…" not in outside  # the neighbourhood comes from the file, only when allowed
    assert "<mark>" in outside  # the stored quote is still shown


def test_loopback_check() -> None:
    from qa.web.app import is_loopback

    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "127.1.2.3"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.5", "example.org"))


# ---------------------------------------------------------------- the browser

@pytest.mark.browser
def test_chat_in_browser(server: Server, browser: Any, tmp_path: Path) -> None:
    page, outside = open_page(browser, server)
    # no LLM configured: the engine selector offers the extractive engine only
    page.locator("#qa-engine input").click()
    assert [o.inner_text().strip(" ✓\n") for o in page.get_by_role("option").all()] == ["抽取式 (extractive)"]
    page.keyboard.press("Escape")
    box = page.locator("#qa-question textarea")
    box.fill(Q_FOREST)
    box.press("Enter")
    mark = page.locator("#qa-sources mark").first
    mark.wait_for(timeout=60_000)
    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)
    assert "3%" in page.locator("#qa-chatbot").inner_text()
    assert "森林覆盖率" in mark.inner_text()
    assert "十四五" in page.locator("#qa-sources").inner_text()
    # the clear button empties the conversation and the sources
    page.locator("#qa-clear").click()
    page.wait_for_function("!document.querySelector('#qa-sources mark')", timeout=20_000)
    assert "3%" not in page.locator("#qa-chatbot").inner_text()
    assert not outside, f"the page fetched from outside: {outside}"
    page.close()


@pytest.mark.browser
def test_filters_in_browser(server: Server, browser: Any, tmp_path: Path) -> None:
    """The same question, over every plan (a table citing each), then narrowed by 规划期 and by 地区: the cited
    plan follows the filter."""
    page, outside = open_page(browser, server)
    page.locator("#qa-question textarea").fill(Q_GROWTH)
    page.locator("#qa-question textarea").press("Enter")
    page.locator("#qa-cross-table tr[data-doc='003_85d57e06d8bfe536']").first.wait_for(timeout=60_000)
    rows = page.locator("#qa-cross-table tr[data-doc]").all()
    assert len(rows) == 5, len(rows)  # no region named, no filter: every plan's figure, in a cited table

    choose(page, "qa-plan", "十二五（2011–2015）")
    assert set(ask_in_page(page, Q_GROWTH, "002_0a4f00c585880ffc")) == {"002_0a4f00c585880ffc"}
    assert "24.6%" in page.locator("#qa-chatbot").inner_text()
    page.screenshot(path=str(tmp_path / "filter-plan.png"), full_page=True)

    choose(page, "qa-plan", "全部规划期")
    choose(page, "qa-region", "克拉玛依区")
    assert set(ask_in_page(page, Q_GROWTH, "001_cbf60eae7b09ed54")) == {"001_cbf60eae7b09ed54"}
    assert "克拉玛依区" in page.locator("#qa-sources").inner_text()
    page.screenshot(path=str(tmp_path / "filter-region.png"), full_page=True)
    assert not outside, f"the page fetched from outside: {outside}"
    page.close()


@pytest.mark.browser
def test_compare_in_browser(server: Server, browser: Any, tmp_path: Path) -> None:
    page, outside = open_page(browser, server)
    page.get_by_role("tab", name="对比").click()
    page.locator("#qa-compare-plot svg, #qa-compare-plot canvas").first.wait_for(timeout=60_000)
    # the plot can render while the table still shows "processing": wait for its rows, then read them
    page.wait_for_function("document.querySelector('#qa-compare-table').innerText.includes('地区生产总值')",
                           timeout=60_000)
    assert "地区生产总值" in page.locator("#qa-compare-table").inner_text()
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)
    assert not outside, f"the page fetched from outside: {outside}"
    page.close()


@pytest.mark.browser
def test_briefs_in_browser(server: Server, browser: Any, tmp_path: Path) -> None:
    """Open a brief, download its JSON and Markdown through the page, then generate all with progress."""
    page, outside = open_page(browser, server)
    page.get_by_role("tab", name="简报").click()
    choose(page, "qa-brief-pick", "哈尔滨市双城区 · 十四五")
    table = page.locator("#qa-brief table.qa-indicators")
    table.wait_for(timeout=120_000)
    assert "森林覆盖率" in table.inner_text()
    assert page.locator("#qa-brief table.qa-indicators mark").count() > 0
    page.screenshot(path=str(tmp_path / "brief.png"), full_page=True)

    got: dict[str, Path] = {}
    for button, ext in (("#qa-brief-json", "json"), ("#qa-brief-md", "md")):
        page.wait_for_function("s => !document.querySelector(s).disabled", arg=button, timeout=30_000)
        with page.expect_download(timeout=30_000) as info:
            page.locator(button).click()
        dl = info.value
        assert dl.suggested_filename == f"{DOC_SHUANGCHENG}.{ext}"
        got[ext] = tmp_path / dl.suggested_filename
        dl.save_as(got[ext])

    data = json.loads(got["json"].read_text(encoding="utf-8"))
    brief = data["brief"]
    assert brief["doc_id"] == DOC_SHUANGCHENG
    names = [i["name"] for i in brief["indicators"]]
    assert "森林覆盖率" in names
    original = (SEEDS / f"{DOC_SHUANGCHENG}.txt").read_text(encoding="utf-8")
    for ind in brief["indicators"]:  # every row cites a verbatim span of the plan
        c = ind["citation"]
        assert c["quote"] and original[c["start"] : c["end"]] == c["quote"], ind["name"]
    md = got["md"].read_text(encoding="utf-8")
    assert "## 主要指标" in md and "| # | 类别 | 指标 |" in md
    rows = [ln for ln in md.splitlines() if ln.startswith("| ") and "[^" in ln]
    assert len(rows) == len(brief["indicators"])  # one table row per indicator, each with a footnote
    assert "## 引文" in md and "「" in md

    # 全部生成: progress while it runs (one line per plan as it finishes), then the summary
    record_text(page, "#qa-brief-all-log", "__briefLog")
    page.locator("#qa-brief-all").click()
    page.wait_for_function("document.querySelector('#qa-brief-all-log').innerText.includes('完成')",
                           timeout=180_000)
    log = page.evaluate("window.__briefLog")
    final = page.locator("#qa-brief-all-log").inner_text()
    page.screenshot(path=str(tmp_path / "brief-all.png"), full_page=True)
    n = len(list(SEEDS.glob("*.txt")))
    assert f"完成 {n}/{n}" in final and "0 份失败" in final
    assert final.count("✓") == n
    partial = [t for t in log if re.search(rf"进度 [1-{n - 1}]/{n}", t)]
    assert partial, f"no progress seen before the end: {log}"
    assert any(re.search(rf"生成简报 \d/{n}", t) for t in log), "the progress bar never showed"
    assert not outside, f"the page fetched from outside: {outside}"
    page.close()


@pytest.mark.browser
def test_eval_in_browser(server: Server, workdir: Path, browser: Any, tmp_path: Path) -> None:
    """The latest report's metrics and failures render; 重新评测 runs the eval and the tables update."""
    page, outside = open_page(browser, server)
    page.get_by_role("tab", name="评测").click()
    report = page.locator("#qa-eval-report")
    report.locator("table").nth(1).wait_for(timeout=30_000)  # the summary and the failure table
    text = report.inner_text()
    assert "answer_accuracy" in text and "(3 questions" in text
    failures = report.locator("table").nth(1).inner_text()
    assert "004-q23" in failures and "000-q01" not in failures
    page.screenshot(path=str(tmp_path / "eval.png"), full_page=True)

    gold = workdir / "evals" / "indicators.jsonl"
    gold.write_text(gold.read_text(encoding="utf-8") + gold_lines([GOLD_EXTRA])[0] + "\n", encoding="utf-8")
    page.locator("#qa-eval-run").click()
    page.wait_for_function("document.querySelector('#qa-eval-report').innerText.includes('(4 questions')",
                           timeout=120_000)
    assert report.locator("table").count() == 2
    assert "004-q23" in report.locator("table").nth(1).inner_text()
    fresh = json.loads((workdir / "reports" / "eval" / "report.json").read_text(encoding="utf-8"))
    assert fresh["gold"]["questions"] == 4 and GOLD_EXTRA in {q["id"] for q in fresh["questions"]}
    page.screenshot(path=str(tmp_path / "eval-rerun.png"), full_page=True)
    assert not outside, f"the page fetched from outside: {outside}"
    page.close()


@pytest.mark.browser
def test_login_in_browser(store: Path, workdir: Path, browser: Any, tmp_path: Path) -> None:
    """QA_AUTH turns on the login; `--host 0.0.0.0` is what it takes to listen beyond loopback."""
    s = Server(store, tmp_path / "serve-auth.log", cwd=workdir, args=("--host", "0.0.0.0"), QA_AUTH="user:pw")
    try:
        assert _listening(s.proc.pid, s.port) == {"0.0.0.0"}
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
    assert "reachable from other machines" in s.log.read_text()


# ---------------------------------------------------------------- the API, files and the network

def _text(history: Any) -> str:
    return json.dumps(history, ensure_ascii=False)


def test_concurrent_questions(server: Server) -> None:
    from gradio_client import Client

    client = Client(server.url, verbose=False)
    qs = [QUESTIONS[i % len(QUESTIONS)] for i in range(20)]

    def ask(q: str) -> Any:
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


def test_crafted_requests_read_nothing(server: Server, store: Path, workdir: Path) -> None:
    """Doc ids, filters, paths and chat files a client makes up: clear errors, never a file's contents."""
    from gradio_client import Client

    client = Client(server.url, verbose=False)
    for doc_id in ("../../etc/passwd", "/etc/passwd", f"{DOC_SHUANGCHENG}/../../../etc/passwd", "no-such-plan"):
        with pytest.raises(Exception) as err:  # noqa: PT011 - gradio_client's AppError
            client.predict(doc_id, api_name="/brief")
        assert "not in the list of choices" in str(err.value) or "没有这份规划" in str(err.value)
        assert SECRET_MARK not in str(err.value)
    for args in (("../../etc/passwd", "extractive", "__all__", "__all__"),
                 ("__all__", "extractive", "/etc", "__all__"),
                 ("__all__", "llm", "__all__", "__all__")):
        with pytest.raises(Exception) as err:  # noqa: PT011
            client.predict(Q_FOREST, [], *args, api_name="/ask")
        assert SECRET_MARK not in str(err.value)
    # a chat history naming files on the server (gradio would copy any file under the server's working
    # directory into its cache and serve it): the handler keeps text only, so nothing is copied
    secret = workdir / "secret.env"
    secret.write_text("QA_SECRET=do-not-serve\n", encoding="utf-8")
    for path in (str(secret), "/etc/passwd"):
        part = {"type": "file", "file": {"path": path, "meta": {"_type": "gradio.FileData"}}}
        try:
            out = client.predict(Q_FOREST, [{"role": "user", "content": [part]}], "__all__", "extractive",
                                 api_name="/ask")
        except Exception as e:  # noqa: BLE001 - refusing the payload is a fine answer
            assert SECRET_MARK not in str(e) and "do-not-serve" not in str(e)
            continue
        text = _text(out)
        assert SECRET_MARK not in text and "do-not-serve" not in text
        assert not re.search(r"secret\.env|passwd", text), text[:500]
        assert [m["role"] for m in out[0]] == ["user", "assistant"]
    # gradio's file route serves the briefs folder (control) and nothing outside it
    probe = store / "briefs" / "probe.txt"
    probe.write_text("probe", encoding="utf-8")
    route = server.url + "gradio_api/file="
    with urllib.request.urlopen(route + urllib.parse.quote(str(probe)), timeout=30) as r:
        assert r.read() == b"probe"
    for path in ("/etc/passwd", f"{store}/briefs/../../../../../../etc/passwd", str(SEEDS / f"{DOC_SHUANGCHENG}.txt"),
                 str(ROOT / "pyproject.toml"), str(store / "chroma" / "chroma.sqlite3")):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(route + urllib.parse.quote(path), timeout=30)
        assert err.value.code in (403, 404), (path, err.value.code)


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


def _tcp_rows(pid: int) -> Iterator[list[str]]:
    """The rows of /proc/<pid>/net/tcp{,6} that belong to the process's own sockets."""
    mine = _socket_inodes(pid)
    for name in ("tcp", "tcp6"):
        p = Path(f"/proc/{pid}/net/{name}")
        if not p.exists():
            continue
        for line in p.read_text().splitlines()[1:]:
            f = line.split()
            if len(f) >= 10 and f[9] in mine:
                yield f


def _remote_addresses(pid: int) -> list[tuple[str, int]]:
    """Remote (address, port) of every TCP socket the process holds."""
    out = []
    for f in _tcp_rows(pid):
        addr, port = f[2].split(":")
        out.append((addr, int(port, 16)))
    return out


def _ip(hex_addr: str) -> str:
    raw = bytes.fromhex(hex_addr)
    if len(raw) == 4:  # little-endian IPv4
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    ip = socket.inet_ntop(socket.AF_INET6, b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4)))
    return ip[7:] if ip.startswith("::ffff:") else ip


def _listening(pid: int, port: int) -> set[str]:
    """The local addresses the process listens on at ``port``."""
    out = set()
    for f in _tcp_rows(pid):
        addr, p = f[1].split(":")
        if f[3] == "0A" and int(p, 16) == port:  # 0A: LISTEN
            out.add(_ip(addr))
    return out


def _loopback_or_any(hex_addr: str) -> bool:
    ip = _ip(hex_addr)
    return ip.startswith("127.") or ip in ("0.0.0.0", "::", "::1")


def test_binds_loopback_by_default(server: Server) -> None:
    assert _listening(server.proc.pid, server.port) == {"127.0.0.1"}


def test_server_makes_no_outside_connection(server: Server) -> None:
    from gradio_client import Client

    assert _socket_inodes(server.proc.pid), "cannot read the server's sockets"
    seen: list[tuple[str, int]] = []
    stop = threading.Event()

    def watch() -> None:
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


def test_answer_markdown_of_a_real_answer(ready_store: Any) -> None:
    from qa.answer import answer_question
    from qa.web.render import answer_markdown

    a = answer_question(Q_FOREST, ready_store)
    md = answer_markdown(a, {})
    assert "3%" in md and "[1]" in md and "类型 目标值" in md
