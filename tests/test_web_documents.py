"""The page's documents tab in a real browser: log in, upload a .docx made in the test, watch it go in,
ask about it, remove it again; without a login the tab refuses and the upload route answers 403."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests import docs_factory as df
from tests.conftest import DOC, SEED_FILES
from tests.test_web import CHROMIUM, Server, ask_in_page, browser, choose  # noqa: F401 - browser is a fixture

pytestmark = pytest.mark.browser


@pytest.fixture
def docs_home(tmp_path: Path) -> tuple[Path, Path]:
    """A documents folder holding 大同区's plan, ingested, and an empty QA_HOME for the server."""
    from qa.config import load
    from qa.ingest import ingest

    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SEED_FILES[DOC["000"]], docs / SEED_FILES[DOC["000"]].name)
    home = tmp_path / "home"
    ingest(load(home=home, docs=[docs]), [docs])
    return home, docs


def login(page: Any, url: str) -> None:
    page.goto(url, wait_until="networkidle")
    page.locator("input[type=password]").wait_for(timeout=30_000)
    page.locator("input[type=text]").first.fill("user")
    page.locator("input[type=password]").fill("pw")
    page.get_by_role("button", name="Login").click()
    page.locator("#qa-question textarea").wait_for(timeout=60_000)


def test_upload_ask_and_remove_in_the_browser(docs_home: tuple[Path, Path], browser: Any,  # noqa: F811
                                              tmp_path: Path) -> None:
    home, docs = docs_home
    (tmp_path / "upload").mkdir()
    plan = df.write_docx(DOC["002"], tmp_path / "upload" / f"{DOC['002']}.docx")  # 二连浩特, as Word
    s = Server(home, tmp_path / "serve.log", QA_AUTH="user:pw", QA_DOCS=json.dumps([str(docs)]))
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        login(page, s.url)
        page.get_by_role("tab", name="文档").click()
        page.locator("#qa-upload input[type=file]").set_input_files(str(plan))
        page.locator("#qa-upload-run").click()
        page.get_by_text("✓ 新增 1").wait_for(timeout=600_000)
        assert (docs / plan.name).is_file()  # into the documents folder, under its own name
        page.screenshot(path=str(tmp_path / "uploaded.png"), full_page=True)

        page.get_by_role("tab", name="问答").click()
        cited = ask_in_page(page, "二连浩特“十二五”期末地区生产总值目标是多少？", DOC["002"])
        assert DOC["002"] in cited
        assert "143" in page.locator("#qa-chatbot").inner_text()

        page.get_by_role("tab", name="文档").click()
        from qa.config import load
        from qa.store.chroma import Store
        from qa.web.render import doc_label

        added = Store(load(home=home, docs=[docs])).manifest().docs[DOC["002"]]
        choose(page, "qa-doc-pick", doc_label(added))
        page.locator("#qa-doc-remove").click()
        page.get_by_text("已从库中移除").wait_for(timeout=300_000)
        assert not (docs / plan.name).exists()
        assert sorted(Store(load(home=home, docs=[docs])).manifest().docs) == [DOC["000"]]
    finally:
        s.stop()


def test_same_names_keep_both_plans_and_the_lists_follow_the_store(docs_home: tuple[Path, Path], browser: Any,  # noqa: F811
                                                                   tmp_path: Path) -> None:
    """Two plans both called 规划纲要.docx: the second upload used to overwrite the first. Both stay, as two
    files and two documents; a page opened afterwards offers them for removal; an upload over the size limit
    is refused by the server and leaves nothing in its temporary folder."""
    home, docs = docs_home
    for key, folder in (("002", "a"), ("003", "b")):
        (tmp_path / folder).mkdir()
        df.write_docx(DOC[key], tmp_path / folder / "规划纲要.docx")
    s = Server(home, tmp_path / "serve.log", QA_AUTH="user:pw", QA_DOCS=json.dumps([str(docs)]), QA_MAX_FILE_MB="1")
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        login(page, s.url)
        page.get_by_role("tab", name="文档").click()
        from qa.config import load
        from qa.store.chroma import Store

        def held() -> int:
            return len(Store(load(home=home, docs=[docs])).manifest().docs)

        for n, folder in enumerate(("a", "b"), 1):
            page.locator("#qa-upload input[type=file]").set_input_files(str(tmp_path / folder / "规划纲要.docx"))
            page.locator("#qa-upload-run").click()
            deadline = time.monotonic() + 600
            while held() < n + 1 and time.monotonic() < deadline:  # the status line of the first stays up
                time.sleep(1)
            assert len(list(docs.glob("规划纲要*.docx"))) == n
        assert sorted(p.name for p in docs.glob("规划纲要*.docx")) == ["规划纲要-2.docx", "规划纲要.docx"]

        regions = sorted(d.region for d in Store(load(home=home, docs=[docs])).manifest().docs.values())
        assert regions == ["二连浩特市", "大庆市大同区", "阳泉市"]
        fresh = browser.new_page()  # opened after the uploads: its lists come from the store now
        login(fresh, s.url)
        fresh.get_by_role("tab", name="文档").click()
        fresh.locator("#qa-doc-pick input").click()
        fresh.get_by_role("option", name=re.compile("阳泉市")).wait_for(timeout=30_000)
        big = tmp_path / "big.txt"
        big.write_bytes("地区生产总值".encode() * 200_000)  # 3.6 MB, over QA_MAX_FILE_MB=1
        temp = Path(tempfile.gettempdir()) / "gradio"
        before = {p for p in temp.rglob("*") if p.is_file()} if temp.exists() else set()
        got = page.request.post(s.url + "gradio_api/upload", multipart={
            "files": {"name": "big.txt", "mimeType": "text/plain", "buffer": big.read_bytes()}})
        assert got.status in (413, 400), got.status
        after = {p for p in temp.rglob("*") if p.is_file()} if temp.exists() else set()
        assert not [p for p in after - before if p.name.startswith("big")], after - before
    finally:
        s.stop()


def test_without_a_login_the_tab_refuses_uploads(docs_home: tuple[Path, Path], browser: Any,  # noqa: F811
                                                 tmp_path: Path) -> None:
    home, docs = docs_home
    s = Server(home, tmp_path / "serve.log", QA_DOCS=json.dumps([str(docs)]))
    try:
        page = browser.new_page()
        page.goto(s.url, wait_until="networkidle")
        page.get_by_role("tab", name="文档").click()
        assert "需要登录" in page.locator("#qa-docs-note").inner_text()
        assert page.locator("#qa-upload-run").is_disabled()
        req = urllib.request.Request(s.url + "gradio_api/upload", data=b"x", method="POST")
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=10)
        assert e.value.code == 403
    finally:
        s.stop()
