"""planqa as a tool other programs call: MCP tools and a JSON HTTP API on the page's own server.

* **MCP** (Gradio's built-in server, ``launch(mcp_server=True)``): ``add_tools`` registers ``documents``,
  ``search``, ``ask``, ``compare`` and ``brief`` with ``gr.api``; Gradio names each MCP tool after its
  function and describes it and its parameters from the docstring. Streamable HTTP at
  ``/gradio_api/mcp/``, SSE at ``/gradio_api/mcp/sse``. Each tool returns one text content: a JSON object.
  The page's own endpoints (/ask, /brief …, what its buttons call) stay Gradio endpoints but are no MCP
  tools (``only_our_tools``).
* **HTTP** (``http_api``): a small FastAPI app mounted at ``/api/v1`` of the same server. One POST, one JSON
  reply, the HTTP status saying what went wrong; Gradio's own /gradio_api/call/… routes need two requests
  (a job id, then an event stream) and positional arguments, which is awkward for plain HTTP clients.
* **Auth** (``ApiGuard``, the page's ``Guard`` plus one rule): with ``QA_AUTH`` set, ``/api/v1`` and
  ``/gradio_api/mcp`` answer 401 unless the request carries the page's login cookie (``POST /login``) or
  ``Authorization: Basic`` with the ``QA_AUTH`` user and password. A wrong password counts as a failed login
  in the page's throttle: past the limit, that client gets 429 on every route that takes a password.

Both surfaces call ``qa.web.tools.Tools``, which calls what the CLI calls.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import math
from typing import Any

from pydantic import BaseModel, Field

from qa.web.guard import Guard, Receive, Scope, Send
from qa.web.tools import ToolError, Tools, dumps

API_PREFIX = "/api/v1"
MCP_PREFIX = "/gradio_api/mcp"
PROTECTED = (API_PREFIX, MCP_PREFIX)
TOOL_NAMES = ("documents", "search", "ask", "compare", "brief")


# ---------------------------------------------------------------- MCP tools (gr.api)

def tool_functions(tools: Tools) -> list[Any]:
    """The functions Gradio turns into MCP tools: their names, type hints and docstrings are the tools'."""
    from qa.web.page import gradio

    gr = gradio()

    class Refused(gr.Error):
        """A refusal as Gradio's routes show it (``message``) and as MCP's error text (``str``), unquoted."""

        def __str__(self) -> str:
            return str(self.message)

    def call(fn: Any, *args: Any) -> str:
        try:
            return dumps(fn(*args))
        except ToolError as e:
            raise Refused(str(e), print_exception=False) from None

    def documents() -> str:
        """List the five-year plans (规划纲要) in the store: id, title, region, province, plan (十一五, 十四五 …)
        and period. Use the ids, regions and plans as the doc, region and plan arguments of the other tools.

        Returns:
            JSON {"documents": [{"id", "title", "region", "province", "plan", "period_start", "period_end"}]}
        """
        return call(tools.documents)

    def search(query: str, k: int = 5, doc: str = "", region: str = "", plan: str = "") -> str:
        """Search the plans for passages (hybrid BM25 + dense retrieval over character bigrams), best first.

        Args:
            query: what to look for, in Chinese (e.g. 双城区森林覆盖率)
            k: how many passages to return (1-50)
            doc: only this document (an id from the documents tool, or a unique prefix such as 004)
            region: only plans of this region (e.g. 双城区, 阳泉市)
            plan: only plans of this period (十一五, 十二五, 十四五 …)

        Returns:
            JSON {"query", "hits": [{"rank", "score", "region", "plan", "chunk": {"doc_id", "section", "start",
            "end", "text"}}]}; start/end are character offsets in the original file
        """
        return call(tools.search, query, k, doc, region, plan)

    def ask(question: str, doc: str = "", region: str = "", plan: str = "", engine: str = "extractive") -> str:
        """Answer a question about a figure a plan states (a target, a baseline, a growth rate), with the exact
        passage it comes from; "文档未提及" (abstained: true) when the plans do not state it. A region or plan
        named in the question narrows the search by itself.

        Args:
            question: the question in Chinese, e.g. 双城区“十四五”期间地区生产总值年均增长目标是多少？
            doc: only this document (an id from the documents tool)
            region: only plans of this region
            plan: only plans of this period (十一五, 十四五 …)
            engine: extractive (default, no model) or llm (when the server has one configured)

        Returns:
            JSON answer {"text", "value", "unit", "qualifier", "year", "kind", "indicator", "abstained",
            "supported", "citations": [{"doc_id", "section", "start", "end", "quote"}], ...}
        """
        return call(tools.ask, question, doc, region, plan, engine)

    def compare(indicator: str) -> str:
        """Compare one indicator across every plan that states it (synonyms resolve: GDP → 地区生产总值; near
        misses such as 人均地区生产总值 do not), one cited row per plan.

        Args:
            indicator: the indicator, e.g. 地区生产总值, 森林覆盖率, 城镇居民人均可支配收入

        Returns:
            JSON {"indicator", "rows": [{"doc_id", "region", "plan", "base_year", "base_value", "target_year",
            "target_value", "growth", "unit", "qualifier", "quote", "citation"}]}
        """
        return call(tools.compare, indicator)

    def brief(doc: str = "", all_docs: bool = False) -> str:
        """A structured, cited brief of one plan: summary, headline indicators (base and target values),
        industries, projects and strategies, each with its verbatim quote. Made on first use, then kept.

        Args:
            doc: the document (an id from the documents tool, or a unique prefix such as 004)
            all_docs: brief every plan instead (then leave doc empty)

        Returns:
            JSON {"doc", "status", "brief": {...}} for one plan; {"briefs": [...], "failed": [...]} for all
        """
        return call(tools.brief, doc, all_docs)

    return [documents, search, ask, compare, brief]


def add_tools(demo: Any, page: Any) -> list[Any]:
    """Inside ``with demo:``: the tools, sharing the page's retriever and briefs folder, as Gradio API endpoints
    (``/tool_<name>``), which ``launch(mcp_server=True)`` turns into MCP tools. ``demo.qa_tools`` keeps the
    ``Tools`` for ``serve`` (the HTTP API)."""
    from qa.web.page import gradio

    gr = gradio()
    tools = Tools(page.settings, retriever=getattr(page, "retriever", None), briefs_dir=getattr(page, "briefs_dir", None),
                  engines=getattr(page, "engines", None))
    deps = [gr.api(fn, api_name=f"tool_{fn.__name__}", queue=False) for fn in tool_functions(tools)]
    demo.qa_tools = tools
    return deps


def only_our_tools(demo: Any) -> dict[str, str]:
    """Make the MCP server list and call our tools only, under their own names.

    Gradio turns every public endpoint into an MCP tool, named after its function: the page's own
    endpoints (/ask, /brief, /brief_all, /eval, what its buttons call and gradio_client scripts use) would be
    tools too, and the page's ``ask`` would push ours to ``ask_1``. They must stay public (gradio_client
    fills a call's defaults only for public endpoints), so the MCP server's map is narrowed instead.
    """
    server = getattr(demo, "mcp_server_obj", None)
    if server is None:
        return {}
    prefix = getattr(server, "tool_prefix", "")
    server.tool_to_endpoint = {f"{prefix}{name}": f"/tool_{name}" for name in TOOL_NAMES}
    return server.tool_to_endpoint


def mcp_lifespan(demo: Any) -> Any:
    """A lifespan for ``app_kwargs``: Gradio enters it at startup, after making its MCP server and before the
    first request, which is when ``only_our_tools`` can narrow it."""
    import contextlib

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> Any:
        only_our_tools(demo)
        yield

    return lifespan


# ---------------------------------------------------------------- the HTTP API
# request bodies at module level: FastAPI resolves the (string) annotations of its handlers here

class SearchRequest(BaseModel):
    query: str = Field(description="what to look for, e.g. 双城区森林覆盖率")
    k: int = Field(5, ge=1, le=50)
    doc: str | None = Field(None, description="a document id (GET /api/v1/documents) or a unique prefix")
    region: str | None = None
    plan: str | None = Field(None, description="十一五, 十二五, 十四五 …")


class AskRequest(BaseModel):
    question: str
    doc: str | None = None
    region: str | None = None
    plan: str | None = None
    engine: str | None = Field(None, description="extractive (default) or llm, when the server has a model")


class CompareRequest(BaseModel):
    indicator: str = Field(description="e.g. 地区生产总值 (GDP resolves to it)")


class BriefRequest(BaseModel):
    doc: str | None = None
    all: bool = Field(False, description="brief every plan (leave doc out)")


def http_api(tools: Tools) -> Any:
    """The FastAPI app mounted at /api/v1 (its OpenAPI schema at /api/v1/openapi.json)."""
    from fastapi import FastAPI, Query, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse

    app = FastAPI(title="planqa", version="1", docs_url=None, redoc_url=None, openapi_url="/openapi.json",
                  description="Question answering over Chinese five-year plans; every figure cited. See README.md.")

    @app.exception_handler(ToolError)
    async def tool_error(_request: Request, e: ToolError) -> JSONResponse:
        return JSONResponse({"error": str(e)}, status_code=e.status)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_request: Request, e: RequestValidationError) -> JSONResponse:
        first = e.errors()[0] if e.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body") or "body"
        return JSONResponse({"error": f"{where}: {first.get('msg', 'invalid request')}"}, status_code=422)

    @app.get("/")
    def index() -> dict[str, Any]:
        return {"name": "planqa", "version": 1, "tools": list(TOOL_NAMES), "mcp": f"{MCP_PREFIX}/",
                "endpoints": [f"GET {API_PREFIX}/documents", f"POST {API_PREFIX}/search", f"POST {API_PREFIX}/ask",
                              f"POST {API_PREFIX}/compare", f"POST {API_PREFIX}/brief",
                              f"GET {API_PREFIX}/statements", f"GET {API_PREFIX}/openapi.json"]}

    @app.get("/documents")
    def documents() -> dict[str, Any]:
        return tools.documents()

    @app.post("/search")
    def search(body: SearchRequest) -> dict[str, Any]:
        return tools.search(body.query, body.k, body.doc, body.region, body.plan)

    @app.post("/ask")
    def ask(body: AskRequest) -> dict[str, Any]:
        return tools.ask(body.question, body.doc, body.region, body.plan, body.engine)

    @app.post("/compare")
    def compare(body: CompareRequest) -> dict[str, Any]:
        return tools.compare(body.indicator)

    @app.post("/brief")
    def brief(body: BriefRequest) -> dict[str, Any]:
        return tools.brief(body.doc, body.all)

    @app.get("/statements")
    def statements(doc: str | None = None, region: str | None = None, plan: str | None = None,
                   indicator: str | None = None, kind: str | None = Query(None, pattern="^(target|baseline)$"),
                   year: int | None = None) -> dict[str, Any]:
        return tools.statements(doc, region, plan, indicator, kind, year)

    return app


def http_routes(tools: Tools) -> list[Any]:
    """The routes `qa serve` hands Gradio's app (``app_kwargs["routes"]``): ahead of Gradio's own."""
    from starlette.routing import Mount

    return [Mount(API_PREFIX, app=http_api(tools))]


# ---------------------------------------------------------------- auth

def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _basic(header: str | None) -> tuple[str, str] | None:
    """(user, password) of an ``Authorization: Basic`` header, None for any other header."""
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        user, sep, password = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    return (user, password) if sep else ("", "")


def _logged_in(scope: Scope) -> bool:
    """The request carries a session cookie the page's login handed out (Gradio keeps them in app.tokens)."""
    from starlette.requests import cookie_parser

    app = scope.get("app")
    tokens, cookie_id = getattr(app, "tokens", None), getattr(app, "cookie_id", None)
    if not tokens or not cookie_id:
        return False
    cookies = cookie_parser(_header(scope, b"cookie") or "")
    return any(cookies.get(f"{name}-{cookie_id}") in tokens for name in ("access-token", "access-token-unsecure"))


class ApiGuard(Guard):
    """``Guard`` (login throttle, upload policy) plus: /api/v1 and /gradio_api/mcp need the login when
    ``credentials`` (the QA_AUTH user and password) are set."""

    def __init__(self, app: Any, *, auth: bool, attempts: int, window: float,
                 credentials: tuple[str, str] | None = None) -> None:
        super().__init__(app, auth=auth, attempts=attempts, window=window)
        self.credentials = credentials

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path") or "")
        if self.credentials is None or scope.get("type") != "http" or not path.startswith(PROTECTED):
            await super().__call__(scope, receive, send)
            return
        if _logged_in(scope):
            await self.app(scope, receive, send)
            return
        given = _basic(_header(scope, b"authorization"))
        if given is None:
            await _json_refusal(send, 401, "this API needs the login: send Authorization: Basic (the QA_AUTH "
                                           "user and password) or the session cookie of POST /login")
            return
        client = str((scope.get("client") or ("unknown",))[0])
        wait = self.throttle.admit(client)
        if wait:
            seconds = math.ceil(wait)
            await _json_refusal(send, 429, f"too many failed logins from {client}: try again in {seconds} s",
                                [(b"retry-after", str(seconds).encode())])
            return
        user, password = self.credentials
        ok = hmac.compare_digest(given[0].encode(), user.encode()) & hmac.compare_digest(given[1].encode(),
                                                                                      password.encode())
        self.throttle.settle(client, ok=ok)
        if not ok:
            await _json_refusal(send, 401, "wrong user or password")
            return
        await self.app(scope, receive, send)


async def _json_refusal(send: Send, code: int, line: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"error": line}, ensure_ascii=False).encode("utf-8")
    extra = [(b"www-authenticate", b'Basic realm="planqa", charset="UTF-8"')] if code == 401 else []
    await send({"type": "http.response.start", "status": code,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *extra, *(headers or [])]})
    await send({"type": "http.response.body", "body": body})
