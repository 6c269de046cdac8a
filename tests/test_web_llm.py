"""The page with the LLM engine against the real local llama.cpp server: the answer streams in the browser.

The tiny Gemma model cannot answer well; what is checked is the page: partial text appears and
grows before the final answer, and the final answer is either supported with citations whose
quotes print its numbers, or clearly marked (文档未提及 / ⚠ unsupported numbers).
"""

# ruff: noqa: F811  (tests take the imported `llm_server` fixture as a parameter)
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.llm_server import MODEL_ALIAS, llm_server  # noqa: F401
from tests.test_web import (
    Q_FOREST,
    Server,
    browser,  # noqa: F401 - the module's chromium
    free_port,
    open_page,
    record_text,
)

# small context and one validation retry: an answer takes tens of seconds on 2 cores, not minutes
LLM_ENV = {"QA_MODEL": MODEL_ALIAS, "OPENAI_API_KEY": "none", "QA_TOP_K": "3", "QA_CONTEXT_TOKENS": "800",
           "QA_LLM_VALIDATION_RETRIES": "1", "QA_LLM_RETRIES": "1", "QA_LLM_TIMEOUT": "240"}
LAST_BOT = "#qa-chatbot"


@pytest.fixture(scope="module")
def llm_page_server(ready_store: Any, llm_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    wd = tmp_path_factory.mktemp("web-llm")
    s = Server(Path(ready_store.home).resolve(), wd / "serve.log", cwd=wd, OPENAI_BASE_URL=llm_server, **LLM_ENV)
    yield s
    s.stop()


def test_llm_offered_only_when_its_endpoint_answers(ready_store: Any, llm_server: str) -> None:
    from qa.web.page import available_engines

    up = ready_store.with_(**{"model": MODEL_ALIAS, "openai_base_url": llm_server})
    assert available_engines(up)[0] == ["extractive", "llm"]
    down = up.with_(**{"openai_base_url": f"http://127.0.0.1:{free_port()}/v1"})
    assert available_engines(down)[0] == ["extractive"]


def _bot_previews(snapshots: list[str]) -> list[str]:
    """The streamed preview texts (✍ … ▌) in the order the chat showed them."""
    out = []
    for s in snapshots:
        m = re.search(r"✍ (.*?) ▌", s, re.S)
        if m and (not out or out[-1] != m.group(1)):
            out.append(m.group(1))
    return out


@pytest.mark.llm
@pytest.mark.browser
def test_llm_answer_streams_in_browser(llm_page_server: Server, browser: Any, tmp_path: Path) -> None:
    page, outside = open_page(browser, llm_page_server)
    page.locator("#qa-engine input").click()
    options = [o.inner_text().strip(" ✓\n") for o in page.get_by_role("option").all()]
    assert options == ["抽取式 (extractive)", "大模型 (llm)"]
    page.get_by_role("option", name="大模型 (llm)").click()
    assert MODEL_ALIAS in page.locator("#qa-engine").inner_text()  # the note names the model

    record_text(page, LAST_BOT, "__chat")
    box = page.locator("#qa-question textarea")
    box.fill(Q_FOREST)
    box.press("Enter")
    page.locator("#qa-chatbot [data-testid=bot]").first.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => { const b = [...document.querySelectorAll('#qa-chatbot [data-testid=bot]')].pop();"
        " return b && b.innerText.includes('ms') && !b.innerText.includes('生成中'); }",
        timeout=480_000,
    )
    snapshots = page.evaluate("window.__chat")
    page.screenshot(path=str(tmp_path / "llm-final.png"), full_page=True)
    (tmp_path / "snapshots.json").write_text(json.dumps(snapshots, ensure_ascii=False, indent=1), encoding="utf-8")

    # streaming: several partial texts, each growing the one before, all before the final answer
    previews = _bot_previews(snapshots)
    assert len(previews) >= 2, snapshots
    assert all(b.startswith(a) for a, b in zip(previews, previews[1:], strict=False)), previews
    first_preview = next(i for i, s in enumerate(snapshots) if "✍" in s)
    final_at = next(i for i, s in enumerate(snapshots) if "ms" in s and "生成中" not in s and "✍" not in s)
    assert first_preview < final_at

    # the final answer: supported with citations that print its numbers, or clearly marked
    final = page.locator("#qa-chatbot [data-testid=bot]").last.inner_text()
    assert f"llm:{MODEL_ALIAS}" in final
    headline = final.strip().splitlines()[0]
    sources = page.locator("#qa-sources").inner_text()
    if "文档未提及" in headline:
        assert "[1]" not in final
    elif "⚠ 未能在引用中找到这些数字" in final:
        pass  # marked unsupported: the page says which numbers have no source
    else:
        assert "[1]" in final and page.locator("#qa-sources mark").count() > 0
        quotes = " ".join(m.inner_text() for m in page.locator("#qa-sources mark").all())
        for n in re.findall(r"\d+(?:\.\d+)?", headline):
            assert n in quotes, f"{n} of {headline!r} is in none of the cited quotes: {sources[:500]}"
    assert not outside, f"the page fetched from outside: {outside}"
    page.close()


@pytest.mark.llm
def test_llm_answer_through_the_api(llm_page_server: Server) -> None:
    """The API streams too; its final message obeys the same rule (the browser test's question: the
    model's reply is replayed from the page's LLM cache when that test ran first, so this one is quick)."""
    from gradio_client import Client

    from qa.text.numbers import numbers_in

    job = Client(llm_page_server.url, verbose=False).submit(Q_FOREST, [], "__all__", "llm", api_name="/ask")
    outputs = list(job)  # every streamed update
    hist, sources, _ = job.result()
    assert len(outputs) >= 2
    final = hist[-1]["content"]
    text = final if isinstance(final, str) else "".join(p.get("text", "") for p in final)
    assert "生成中" not in text
    headline = text.split("\n\n")[0]
    if "文档未提及" not in headline and "⚠" not in text:
        quotes = " ".join(re.findall(r"<mark>(.*?)</mark>", sources, re.S))
        assert "[1]" in text
        assert set(numbers_in(headline)) <= set(numbers_in(quotes)), (headline, quotes[:300])
