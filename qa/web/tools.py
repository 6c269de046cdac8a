"""What other programs call: search, ask, compare, brief (and the documents they can name), as plain methods
returning JSON-serialisable dicts.

``Tools`` is what the MCP tools and the HTTP API of `qa serve` (``qa.web.api``) wrap; each method is a thin
call into what the CLI runs (``Retriever.search``, ``qa.answer.answer_question``, ``qa.brief.compare``,
``qa.brief.brief_one`` / ``run_batch``), with the CLI's checks (an empty or over-long question is refused
with the reason `qa ask` prints). Every value a caller sends is checked against the store first: an
unknown document, region or plan is a ``ToolError`` naming the valid choices, never an empty answer.
No gradio here: the class runs in-process too.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qa.config import Settings
    from qa.models import Document
    from qa.retrieve import Retriever

MAX_K = 50


class ToolError(Exception):
    """A call the tools refuse, with the HTTP status it maps to (400 bad input, 404 no such document,
    502 the model failed, 503 the store cannot be reached)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _blank(value: str | None) -> str | None:
    v = (value or "").strip()
    return v or None


class Tools:
    """One store's tools; ``retriever`` and ``briefs_dir`` are shared with the page when it runs beside them."""

    def __init__(self, settings: Settings, retriever: Retriever | None = None, briefs_dir: Path | None = None,
                 engines: list[str] | None = None):
        from qa.retrieve import Retriever

        self.settings = settings
        self.retriever = retriever or Retriever(settings)
        self.briefs_dir = Path(briefs_dir or Path(settings.home) / "briefs")
        self.engines = engines or (["extractive", "llm"] if settings.llm.llm_available else ["extractive"])
        self._brief_lock = threading.Lock()

    # ------------------------------------------------------------ checks

    def _docs(self) -> dict[str, Document]:
        from qa.store.chroma import StoreError

        try:
            docs = self.retriever.manifest.docs
        except StoreError as e:
            raise ToolError(str(e), 503) from None
        if not docs:
            raise ToolError("the store is empty: run `qa ingest` first", 503)
        return docs

    def _scope(self, doc: str | None, region: str | None, plan: str | None) -> tuple[str | None, str | None, str | None]:
        """The filters as the retriever takes them, each checked against the store (``qa.export``'s rules)."""
        from qa.export import ExportError, Filters, match_doc, select_docs

        doc, region, plan = _blank(doc), _blank(region), _blank(plan)
        docs = self._docs()
        try:
            if doc is not None:
                doc = match_doc(doc, docs)
            select_docs(docs, Filters(region=region, plan=plan))
        except ExportError as e:
            msg = str(e).replace("--", "", 1)
            raise ToolError(msg, 404 if doc is not None and "--doc" in str(e) else 400) from None
        return doc, region, plan

    @staticmethod
    def _text(value: str | None, what: str) -> str:
        from qa.answer import question_problem

        problem = question_problem(value, what)
        if problem:
            raise ToolError(problem)
        return str(value).strip()

    # ------------------------------------------------------------ the tools

    def documents(self) -> dict[str, Any]:
        """Every plan in the store: id, title, region, province, plan, period (the values the filters take)."""
        docs = self._docs()
        keep = {"id", "title", "region", "province", "plan", "period_start", "period_end"}
        return {"documents": [d.model_dump(include=keep) for d in sorted(docs.values(), key=lambda d: d.id)]}

    def search(self, query: str, k: int = 5, doc: str | None = None, region: str | None = None,
               plan: str | None = None) -> dict[str, Any]:
        """The ``k`` best passages for ``query`` (what `qa search --json` prints), ranked, with offsets."""
        from qa.store.chroma import StoreError

        query = self._text(query, "query")
        if not 1 <= int(k) <= MAX_K:
            raise ToolError(f"k must be between 1 and {MAX_K}, got {k}")
        doc, region, plan = self._scope(doc, region, plan)
        try:
            hits = self.retriever.search(query, k=int(k), doc=doc, region=region, plan=plan)
        except StoreError as e:
            raise ToolError(str(e), 503) from None
        return {"query": query, "hits": [h.model_dump(exclude={"chunk": {"units"}}) for h in hits]}

    def ask(self, question: str, doc: str | None = None, region: str | None = None, plan: str | None = None,
            engine: str | None = None) -> dict[str, Any]:
        """The answer (what `qa ask --json` prints): value, unit, qualifier, citations with verbatim quotes,
        or 文档未提及 (``abstained``) when the plans do not say."""
        from qa.answer import answer_question
        from qa.llm import LLMError
        from qa.store.chroma import StoreError

        question = self._text(question, "question")
        engine = _blank(engine) or "extractive"
        if engine not in self.engines:
            raise ToolError(f"engine {engine!r} is not available here (available: {', '.join(self.engines)})")
        doc, region, plan = self._scope(doc, region, plan)
        try:
            a = answer_question(question, self.settings, retriever=self.retriever, engine=engine, doc=doc,
                                region=region, plan=plan)
        except StoreError as e:
            raise ToolError(str(e), 503) from None
        except LLMError as e:
            raise ToolError(str(e), 502) from None
        return a.model_dump(mode="json")

    def compare(self, indicator: str) -> dict[str, Any]:
        """One indicator across plans (what `qa compare --format json` prints): a cited row per plan stating it."""
        from qa.brief import compare
        from qa.store.chroma import StoreError

        indicator = self._text(indicator, "indicator")
        self._docs()
        try:
            rows = compare(indicator, self.settings, store=self.retriever.store)
        except StoreError as e:
            raise ToolError(str(e), 503) from None
        return {"indicator": indicator, "rows": [r.model_dump(mode="json") for r in rows]}

    def brief(self, doc: str | None = None, all_docs: bool = False) -> dict[str, Any]:
        """The extractive brief of one plan (``doc``), or of every plan (``all_docs``), made when missing or
        stale exactly as `qa brief` makes it (files in ``briefs_dir``)."""
        from qa.brief import brief_one, read_brief_file, run_batch
        from qa.store.chroma import StoreError

        docs = self._docs()
        name = _blank(doc)
        if name is None and not all_docs:
            raise ToolError("name a document (doc) or ask for all of them (all_docs)")
        if name is not None and all_docs:
            raise ToolError("name a document or ask for all of them, not both")
        picked = sorted(docs.values(), key=lambda d: d.id) if all_docs else [docs[self._scope(name, None, None)[0]]]
        try:
            with self._brief_lock:
                if all_docs:
                    report = run_batch(picked, self.settings, self.briefs_dir, "extractive", ["json", "md"])
                    results = report.results
                else:
                    results = [brief_one(picked[0], self.settings, self.briefs_dir, "extractive", ["json", "md"])]
        except StoreError as e:
            raise ToolError(str(e), 503) from None
        out: list[dict[str, Any]] = []
        for r in results:
            entry: dict[str, Any] = {"doc": r.doc_id, "status": r.status}
            if r.status == "failed":
                entry["error"] = r.error
            else:
                b = r.brief or read_brief_file(self.briefs_dir / f"{r.doc_id}.json")[0]
                entry["brief"] = b.model_dump(mode="json")
            out.append(entry)
        if not all_docs:
            if out[0]["status"] == "failed":
                raise ToolError(f"{out[0]['doc']}: the brief failed: {out[0]['error']}", 500)
            return out[0]
        return {"briefs": out, "failed": [e["doc"] for e in out if e["status"] == "failed"]}

    def statements(self, doc: str | None = None, region: str | None = None, plan: str | None = None,
                   indicator: str | None = None, kind: str | None = None, year: int | None = None) -> dict[str, Any]:
        """The stored statements as dataset rows (what `qa export` writes), filtered the same way."""
        from qa.export import NAMES, ExportError, Filters, store_rows
        from qa.store.chroma import StoreError

        if kind not in (None, "", "target", "baseline"):
            raise ToolError(f"kind must be target or baseline, got {kind!r}")
        self._docs()
        f = Filters(doc=_blank(doc), region=_blank(region), plan=_blank(plan), indicator=_blank(indicator),
                    kind=_blank(kind), year=year)
        try:
            rows, _ = store_rows(self.retriever.store, f)
        except ExportError as e:
            raise ToolError(str(e).replace("--", "", 1), 404 if f.doc and "--doc" in str(e) else 400) from None
        except StoreError as e:
            raise ToolError(str(e), 503) from None
        return {"columns": NAMES, "rows": rows}


def dumps(result: dict[str, Any]) -> str:
    """A tool's result as the JSON text an MCP client receives (UTF-8, not escaped)."""
    return json.dumps(result, ensure_ascii=False)
