"""planqa as a tool: a real `qa serve` process, called with a real MCP client and with plain HTTP.

The MCP client is the ``mcp`` package's (streamable HTTP, the transport Gradio serves at
/gradio_api/mcp/, and SSE at /gradio_api/mcp/sse); the HTTP calls are urllib. Every result is
checked against the store: answers against the labelled value, quotes against the canonical text.
With QA_AUTH set, nothing answers without the login, and wrong passwords meet the page's throttle.
"""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DOC, qa_bin, qa_env
from tests.test_web import Server

Q_GDP = "双城区“十四五”期间地区生产总值年均增长目标是多少？"
SHUANGCHENG = DOC["004"]
TOOLS = {"documents", "search", "ask", "compare", "brief"}
AUTH = ("user", "pw")
ATTEMPTS, WINDOW = 3, 4


# ---------------------------------------------------------------- clients

def mcp(url: str, *calls: tuple[str, dict[str, Any]] | None, auth: tuple[str, str] | None = None,
        sse: bool = False) -> list[Any]:
    """One MCP session: ``None`` lists the tools, (name, arguments) calls one; the results in order."""
    import httpx
    from mcp import ClientSession
    from mcp.client.sse import sse_client
    from mcp.client.streamable_http import streamable_http_client

    basic = httpx.BasicAuth(*auth) if auth else None

    async def run() -> list[Any]:
        async with httpx.AsyncClient(auth=basic, timeout=120) as http:
            transport = sse_client(url + "sse", auth=basic, timeout=30) if sse else \
                streamable_http_client(url, http_client=http)
            async with transport as streams, ClientSession(streams[0], streams[1]) as session:
                await session.initialize()
                out = []
                for call in calls:
                    out.append(await session.list_tools() if call is None else await session.call_tool(*call))
                return out

    return asyncio.run(asyncio.wait_for(run(), 240))


def result(res: Any) -> dict[str, Any]:
    """A tool's reply: one text content holding a JSON object."""
    assert not res.isError, res.content
    assert len(res.content) == 1 and res.content[0].type == "text"
    return json.loads(res.content[0].text)


def http(method: str, url: str, body: Any = None, auth: tuple[str, str] | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, Any, dict[str, str]]:
    """(status, JSON body, headers) of one plain HTTP request."""
    data = json.dumps(body).encode() if body is not None else None  # \u escapes: a lone surrogate stays JSON
    req = urllib.request.Request(url, data=data, method=method, headers={**(headers or {})})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if auth:
        req.add_header("Authorization", "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode())
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read().decode("utf-8")), dict(r.headers)
    except urllib.error.HTTPError as e:
        raw = e.read().decode("utf-8", "replace")
        try:
            parsed: Any = json.loads(raw)
        except ValueError:
            parsed = raw
        return e.code, parsed, dict(e.headers)


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def texts(ready_store: Any) -> dict[str, str]:
    """doc id → the canonical text every offset points into."""
    from qa.store.chroma import Store

    store = Store(ready_store)
    manifest = store.manifest()
    return {d: store.canonical_text(manifest, d)[0] for d in manifest.docs}


@pytest.fixture(scope="module")
def server(ready_store: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    cwd = tmp_path_factory.mktemp("api-cwd")
    s = Server(Path(ready_store.home).resolve(), cwd / "serve.log", cwd=cwd)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def locked(ready_store: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`qa serve` with QA_AUTH: 3 wrong passwords within 4 s and a client is throttled."""
    cwd = tmp_path_factory.mktemp("api-auth-cwd")
    s = Server(Path(ready_store.home).resolve(), cwd / "serve.log", cwd=cwd, QA_AUTH=":".join(AUTH),
               QA_LOGIN_ATTEMPTS=str(ATTEMPTS), QA_LOGIN_WINDOW=str(WINDOW))
    yield s
    s.stop()


def mcp_url(s: Server) -> str:
    return s.url + "gradio_api/mcp/"


def api(s: Server, path: str) -> str:
    return s.url + "api/v1/" + path


def assert_quotes_are_spans(citations: list[dict[str, Any]], texts: dict[str, str]) -> None:
    assert citations
    for c in citations:
        assert c["quote"] == texts[c["doc_id"]][c["start"]:c["end"]], c


# ---------------------------------------------------------------- MCP

def test_mcp_lists_the_tools_with_their_descriptions(server: Server) -> None:
    (listed,) = mcp(mcp_url(server), None)
    tools = {t.name: t for t in listed.tools}
    assert set(tools) == TOOLS  # the page's own endpoints (/ask, /brief_all, /eval …) are no tools
    for t in tools.values():
        assert len(t.description) > 40, t.name
    ask = tools["ask"].inputSchema
    assert ask["required"] == ["question"] and set(ask["properties"]) == {"question", "doc", "region", "plan", "engine"}
    assert "双城区" in ask["properties"]["question"]["description"]
    assert tools["search"].inputSchema["properties"]["k"]["type"] == "integer"
    assert tools["brief"].inputSchema["properties"]["all_docs"]["type"] == "boolean"


def test_mcp_ask_returns_the_labelled_value(server: Server, texts: dict[str, str]) -> None:
    (res,) = mcp(mcp_url(server), ("ask", {"question": Q_GDP}))
    a = result(res)
    assert a["value"] == 5 and a["unit"] == "%" and a["qualifier"] == "以上" and not a["abstained"]
    assert a["text"] == "5%以上" and a["supported"] and a["year"] == 2025 and a["kind"] == "target"
    assert all(c["doc_id"] == SHUANGCHENG for c in a["citations"])
    assert any("5%以上" in c["quote"] and "地区生产总值" in c["quote"] for c in a["citations"])
    assert_quotes_are_spans(a["citations"], texts)


def test_mcp_ask_abstains_and_refuses_like_the_cli(server: Server) -> None:
    url = mcp_url(server)
    unknown, empty, bad_doc, bad_engine = mcp(
        url, ("ask", {"question": "双城区十四五期间火星基地数量目标是多少？"}), ("ask", {"question": "   "}),
        ("ask", {"question": Q_GDP, "doc": "999_nope"}), ("ask", {"question": Q_GDP, "engine": "llm"}))
    a = result(unknown)
    assert a["abstained"] and a["text"] == "文档未提及" and a["value"] is None
    assert empty.isError and empty.content[0].text == "the question is empty"  # what `qa ask` prints
    assert bad_doc.isError and "999_nope" in bad_doc.content[0].text and SHUANGCHENG in bad_doc.content[0].text
    assert bad_engine.isError and "available: extractive" in bad_engine.content[0].text


def test_mcp_search_compare_documents_brief(server: Server, texts: dict[str, str]) -> None:
    docs, hits, scoped, gdp, synonym, brief = mcp(
        mcp_url(server), ("documents", {}), ("search", {"query": "双城区森林覆盖率", "k": 3}),
        ("search", {"query": "地区生产总值", "k": 4, "plan": "十一五"}), ("compare", {"indicator": "地区生产总值"}),
        ("compare", {"indicator": "GDP"}), ("brief", {"doc": "004"}))
    listed = result(docs)["documents"]
    assert {d["id"] for d in listed} == set(texts) and {d["plan"] for d in listed} == {"十一五", "十二五", "十四五"}

    found = result(hits)["hits"]
    assert [h["rank"] for h in found] == [1, 2, 3]
    assert {h["chunk"]["doc_id"] for h in found} == {SHUANGCHENG}  # the region in the query narrows
    assert any("森林覆盖率" in h["chunk"]["text"] for h in found)
    for h in found:
        c = h["chunk"]
        assert c["text"] == texts[c["doc_id"]][c["start"]:c["end"]]
    assert {h["plan"] for h in result(scoped)["hits"]} == {"十一五"}

    rows = result(gdp)["rows"]
    assert {r["doc_id"] for r in rows} == set(texts)  # every plan states its GDP
    assert {r["doc_id"] for r in result(synonym)["rows"]} == {r["doc_id"] for r in rows}
    assert all(r["canonical"] == "地区生产总值" for r in rows)
    shuangcheng = next(r for r in rows if r["doc_id"] == SHUANGCHENG)
    assert shuangcheng["growth"] == 5 and shuangcheng["unit"] == "%"
    assert_quotes_are_spans([r["citation"] for r in rows], texts)

    b = result(brief)
    assert b["doc"] == SHUANGCHENG and b["status"] in ("written", "unchanged")
    assert b["brief"]["doc_id"] == SHUANGCHENG and b["brief"]["plan"] == "十四五" and b["brief"]["indicators"]
    assert_quotes_are_spans([i["citation"] for i in b["brief"]["indicators"]], texts)


def test_mcp_brief_of_every_plan_and_page_handlers_are_not_tools(server: Server, texts: dict[str, str]) -> None:
    every, neither, page_handler = mcp(mcp_url(server), ("brief", {"all_docs": True}), ("brief", {}),
                                       ("rerun_eval", {}))
    out = result(every)
    assert {b["doc"] for b in out["briefs"]} == set(texts) and out["failed"] == []
    assert all(b["brief"]["doc_id"] == b["doc"] for b in out["briefs"])
    assert neither.isError and "name a document" in neither.content[0].text
    assert page_handler.isError and "Unknown tool" in page_handler.content[0].text


def test_mcp_over_sse(server: Server) -> None:
    listed, res = mcp(mcp_url(server), None, ("ask", {"question": Q_GDP}), sse=True)
    assert {t.name for t in listed.tools} == TOOLS
    assert result(res)["value"] == 5


def test_the_answer_is_what_qa_ask_prints(server: Server, ready_store: Any) -> None:
    """The tools are thin: the MCP answer, the HTTP answer and `qa ask --json` are one answer."""
    proc = subprocess.run([qa_bin(), "ask", Q_GDP, "--json"], env=qa_env(Path(ready_store.home)),
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    cli = json.loads(proc.stdout)
    (res,) = mcp(mcp_url(server), ("ask", {"question": Q_GDP}))
    status, over_http, _ = http("POST", api(server, "ask"), {"question": Q_GDP})
    assert status == 200
    over_mcp = result(res)
    for a in (cli, over_mcp, over_http):
        a.pop("timing_ms")
    assert over_mcp == cli == over_http


# ---------------------------------------------------------------- plain HTTP

def test_http_api(server: Server, texts: dict[str, str]) -> None:
    status, index, _ = http("GET", api(server, ""))
    assert status == 200 and set(index["tools"]) == TOOLS
    status, a, headers = http("POST", api(server, "ask"), {"question": Q_GDP})
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert a["value"] == 5 and a["unit"] == "%"
    assert_quotes_are_spans(a["citations"], texts)

    status, s, _ = http("POST", api(server, "search"), {"query": "森林覆盖率", "k": 2, "region": "双城区"})
    assert status == 200 and len(s["hits"]) == 2 and {h["chunk"]["doc_id"] for h in s["hits"]} == {SHUANGCHENG}
    status, c, _ = http("POST", api(server, "compare"), {"indicator": "GDP"})
    assert status == 200 and len(c["rows"]) == 5
    status, b, _ = http("POST", api(server, "brief"), {"doc": SHUANGCHENG})
    assert status == 200 and b["brief"]["doc_id"] == SHUANGCHENG
    status, d, _ = http("GET", api(server, "documents"))
    assert status == 200 and len(d["documents"]) == 5
    q = urllib.parse.urlencode({"region": "双城区", "indicator": "地区生产总值", "kind": "target"})
    status, st, _ = http("GET", api(server, "statements?" + q))
    assert status == 200 and st["rows"] and st["columns"][0] == "doc"
    assert {r["doc"] for r in st["rows"]} == {SHUANGCHENG} and {r["kind"] for r in st["rows"]} == {"target"}
    status, spec, _ = http("GET", api(server, "openapi.json"))
    assert status == 200 and {"/ask", "/search", "/compare", "/brief", "/documents"} <= set(spec["paths"])


def test_http_api_errors_are_one_line_with_a_status(server: Server) -> None:
    cases = [
        ("POST", "ask", {"question": ""}, 400, "the question is empty"),
        ("POST", "ask", {"question": "x" * 600}, 400, "at most 500"),
        ("POST", "ask", {"question": Q_GDP, "doc": "nope"}, 404, "choose from"),
        ("POST", "search", {"query": "森林", "region": "北京市"}, 400, "北京市"),
        ("POST", "search", {"query": "森林", "k": 0}, 422, "k:"),
        ("POST", "ask", {"nothing": 1}, 422, "question"),
        ("POST", "brief", {}, 400, "name a document"),
        ("GET", "statements?kind=fact", None, 422, "kind"),
        ("POST", "ask", {"question": "\ud800阳泉市GDP"}, 400, "not valid text"),  # once an HTTP 500 with a traceback
    ]
    for method, path, body, code, words in cases:
        status, got, _ = http(method, api(server, path), body)
        assert status == code, (path, body, got)
        assert set(got) == {"error"} and words in got["error"] and "\n" not in got["error"], got


def test_gradio_client_reaches_the_tools_and_the_page(server: Server) -> None:
    """The tools are Gradio endpoints too (/tool_<name>); the page's own /ask keeps working as before."""
    from gradio_client import Client

    client = Client(server.url, verbose=False)
    a = json.loads(client.predict(question=Q_GDP, api_name="/tool_ask"))
    assert a["value"] == 5 and a["unit"] == "%"
    history, _sources, _box = client.predict(Q_GDP, [], "__all__", "extractive", api_name="/ask")
    assert "5%以上" in json.dumps(history, ensure_ascii=False)


# ---------------------------------------------------------------- the login

def test_without_the_login_nothing_answers(locked: Server) -> None:
    status, got, headers = http("POST", api(locked, "ask"), {"question": Q_GDP})
    assert status == 401 and "login" in got["error"] and headers.get("www-authenticate", "").startswith("Basic")
    status, _, _ = http("POST", mcp_url(locked), {"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                        headers={"Accept": "application/json, text/event-stream"})
    assert status == 401
    with pytest.raises(BaseException) as err:  # noqa: B017, PT011 - the client raises an ExceptionGroup
        mcp(mcp_url(locked), None)
    assert "401" in repr(err.value)
    with pytest.raises(BaseException) as err:  # noqa: B017, PT011
        mcp(mcp_url(locked), None, sse=True)
    assert "401" in repr(err.value)
    status, _, _ = http("POST", locked.url + "gradio_api/call/tool_ask", {"data": [Q_GDP]})
    assert status == 401  # Gradio's own routes of the tools want the login cookie


def test_with_the_login_everything_answers(locked: Server) -> None:
    listed, res = mcp(mcp_url(locked), None, ("ask", {"question": Q_GDP}), auth=AUTH)
    assert {t.name for t in listed.tools} == TOOLS and result(res)["value"] == 5
    (res,) = mcp(mcp_url(locked), ("compare", {"indicator": "森林覆盖率"}), auth=AUTH, sse=True)
    assert result(res)["rows"]
    status, a, _ = http("POST", api(locked, "ask"), {"question": Q_GDP}, auth=AUTH)
    assert status == 200 and a["value"] == 5
    # the page's login cookie opens the API too
    form = urllib.parse.urlencode({"username": AUTH[0], "password": AUTH[1]}).encode()
    with urllib.request.urlopen(urllib.request.Request(locked.url + "login", data=form), timeout=30) as r:
        cookies = "; ".join(c.split(";", 1)[0] for c in r.headers.get_all("set-cookie"))
    status, d, _ = http("GET", api(locked, "documents"), headers={"Cookie": cookies})
    assert status == 200 and len(d["documents"]) == 5


def test_wrong_passwords_meet_the_login_throttle(locked: Server) -> None:
    """Wrong Basic passwords count as failed logins: past the limit the API, MCP and /login all say 429."""
    time.sleep(WINDOW)  # nothing earlier counts
    for _ in range(ATTEMPTS):
        status, got, _ = http("GET", api(locked, "documents"), auth=(AUTH[0], "wrong"))
        assert status == 401 and got["error"] == "wrong user or password"
    status, got, headers = http("GET", api(locked, "documents"), auth=AUTH)  # even the right one, for now
    assert status == 429 and "too many failed logins" in got["error"] and int(headers["retry-after"]) >= 1
    status, _, _ = http("POST", mcp_url(locked), {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, auth=AUTH,
                        headers={"Accept": "application/json, text/event-stream"})
    assert status == 429
    form = urllib.parse.urlencode({"username": AUTH[0], "password": AUTH[1]}).encode()
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(urllib.request.Request(locked.url + "login", data=form), timeout=30)
    assert err.value.code == 429  # one throttle for the page's login and the API's passwords
    time.sleep(WINDOW + 0.5)
    status, d, _ = http("GET", api(locked, "documents"), auth=AUTH)
    assert status == 200 and len(d["documents"]) == 5
    # a rotating X-Forwarded-For is no new client: the socket peer is (no proxy is configured)
    for n in range(ATTEMPTS):
        status, _, _ = http("GET", api(locked, "documents"), auth=(AUTH[0], "wrong"),
                            headers={"X-Forwarded-For": f"10.0.0.{n + 1}"})
        assert status == 401
    status, got, _ = http("GET", api(locked, "documents"), auth=AUTH, headers={"X-Forwarded-For": "10.9.9.9"})
    assert status == 429 and "127.0.0.1" in got["error"], got
    time.sleep(WINDOW + 0.5)
