"""Briefs in batch: one JSON and one Markdown per plan plus an index, rebuilt only when the stored version,
the engine or the formats changed; a failing plan is reported in one line and the batch goes on.

Everything is read from the store (``DocView.load``): the same canonical text, statements and chunk ids
answers use. Files are written atomically and read back valid before a brief counts as written.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from qa.brief.items import industries, projects, strategies
from qa.brief.render import _cell, render_markdown
from qa.brief.select import extract_indicators
from qa.brief.summary import summary
from qa.brief.view import BriefError, DocView
from qa.config import Settings
from qa.models import Brief, Document

BRIEF_VERSION = "brief-12"  # bump when extraction or the file layout changes: every brief is rebuilt


def extractive_brief(view: DocView) -> Brief:
    d = view.doc
    text, cites = summary(view)
    return Brief(
        doc_id=d.id, title=d.title, region=d.region, province=d.province, plan=d.plan,
        period_start=d.period_start, period_end=d.period_end, summary=text, summary_citations=cites,
        indicators=extract_indicators(view), industries=industries(view), projects=projects(view),
        strategies=strategies(view), engine="extractive",
    )


def verify_citations(brief: Brief, original_text: str) -> list[str]:
    """Problems with the brief's citations against the original file (empty list = all exact)."""
    problems = []
    for c in brief.citations():
        if c.doc_id != brief.doc_id:
            problems.append(f"{c.doc_id}[{c.start}:{c.end}] cites another document")
        elif c.end > len(original_text) or original_text[c.start : c.end] != c.quote:
            problems.append(f"{c.doc_id}[{c.start}:{c.end}] quote differs from the original text")
    return problems


def check_brief(brief: Brief, original_text: str) -> Brief:
    """Re-validate (models) and verify every citation; raises BriefError when anything is ungrounded."""
    try:
        brief = Brief.model_validate(brief.model_dump())
    except ValidationError as e:
        raise BriefError(f"brief does not validate: {_first_error(e)}") from None
    problems = verify_citations(brief, original_text)
    if problems:
        raise BriefError(f"{len(problems)} citation(s) do not match the source: {problems[0]}")
    return brief


def _first_error(e: ValidationError) -> str:
    errs = e.errors()
    if not errs:
        return str(e).splitlines()[0]
    loc = ".".join(str(p) for p in errs[0].get("loc", ()))
    return f"{loc}: {errs[0].get('msg', 'invalid')}"[:300]


def make_brief(view: DocView, settings: Settings, engine: str) -> Brief:
    if engine == "llm":
        from qa.brief.llm import llm_brief

        brief = llm_brief(view, settings)
    elif engine == "extractive":
        brief = extractive_brief(view)
    else:
        raise BriefError(f"unknown engine {engine!r} (extractive | llm)")
    return check_brief(brief, view.text)


@dataclass
class DocResult:
    doc_id: str
    status: str  # written | unchanged | failed
    error: str | None = None
    brief: Brief | None = None
    seconds: float = 0.0


@dataclass
class BatchReport:
    out: Path
    results: list[DocResult] = field(default_factory=list)
    seconds: float = 0.0

    def ids(self, status: str) -> list[str]:
        return [r.doc_id for r in self.results if r.status == status]

    @property
    def written(self) -> list[str]:
        return self.ids("written")

    @property
    def unchanged(self) -> list[str]:
        return self.ids("unchanged")

    @property
    def failed(self) -> dict[str, str]:
        return {r.doc_id: r.error or "" for r in self.results if r.status == "failed"}


def _formats(spec: str | Sequence[str]) -> list[str]:
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    fmts = sorted({f.strip().lower() for f in items if f.strip()})
    bad = [f for f in fmts if f not in ("json", "md")]
    if bad or not fmts:
        raise BriefError(f"--format takes json, md or json,md (got {','.join(items) or 'nothing'})")
    return fmts


def state_key(sha256: str, engine: str, model: str | None, formats: Sequence[str], chunks: str | None = None) -> str:
    """What a brief file depends on; ``chunks`` is the stored version its statements and chunk ids come from."""
    blob = json.dumps({"version": BRIEF_VERSION, "sha256": sha256, "engine": engine,
                       "model": model if engine == "llm" else None, "formats": sorted(formats), "chunks": chunks},
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_brief_file(path: Path, original_text: str | None = None) -> tuple[Brief, dict[str, Any]]:
    """(brief, state) of a brief JSON, validated (and its citations checked when the source is given)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        brief = Brief.model_validate(data["brief"])
        state = dict(data.get("state") or {})
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise BriefError(f"{path}: not a valid brief ({str(e).splitlines()[0][:200]})") from None
    if original_text is not None:
        problems = verify_citations(brief, original_text)
        if problems:
            raise BriefError(f"{path}: {problems[0]}")
    return brief, state


def _state_path(out: Path, doc_id: str) -> Path:
    return out / ".state" / f"{doc_id}.json"


def _is_current(out: Path, doc_id: str, key: str, formats: list[str], original: str) -> Brief | None:
    json_path, md_path = out / f"{doc_id}.json", out / f"{doc_id}.md"
    if "md" in formats and not md_path.is_file():
        return None
    try:
        if "json" in formats:
            brief, state = read_brief_file(json_path, original)
        else:
            state = json.loads(_state_path(out, doc_id).read_text(encoding="utf-8"))
            brief = None
    except (BriefError, OSError, ValueError):
        return None
    if state.get("key") != key:
        return None
    return brief or Brief(doc_id=doc_id)


def brief_one(doc: Document, settings: Settings, out: Path, engine: str, formats: list[str],
              store: Any = None, manifest: Any = None) -> DocResult:
    """Make (or keep) one plan's brief files from the store; never raises for a problem of this document."""
    from qa.store.chroma import Store

    t0 = time.perf_counter()
    try:
        store = store or Store(settings)
        manifest = manifest or store.manifest()
        version = manifest.versions.get(doc.id)
        stored = manifest.docs.get(doc.id)
        if version is None or stored is None:
            raise BriefError("not in the store (run `qa ingest`)")
        key = state_key(stored.sha256, engine, settings.llm.model, formats, version)
        view: DocView | None = None
        if _state_matches(out, doc.id, key, formats):
            view = DocView.load(store, manifest, doc.id)
            current = _is_current(out, doc.id, key, formats, view.text)
            if current is not None:
                return DocResult(doc.id, "unchanged", brief=current if current.indicators or current.summary else None,
                                 seconds=time.perf_counter() - t0)
        view = view or DocView.load(store, manifest, doc.id)
        brief = make_brief(view, settings, engine)
        state = {"key": key, "version": BRIEF_VERSION, "sha256": stored.sha256, "engine": engine,
                 "chunks": version, "model": settings.llm.model if engine == "llm" else None, "formats": formats,
                 "source": stored.path, "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        if "md" in formats:
            _write_atomic(out / f"{doc.id}.md", render_markdown(brief))
        if "json" in formats:
            text = json.dumps({"state": state, "brief": brief.model_dump(mode="json")}, ensure_ascii=False, indent=1)
            _write_atomic(out / f"{doc.id}.json", text)
            read_brief_file(out / f"{doc.id}.json", view.text)  # what was written reads back valid
        else:
            header = brief.model_dump(mode="json", include={"doc_id", "title", "region", "province", "plan",
                                                            "period_start", "period_end", "engine"})
            state.update(brief_header=header, indicators=len(brief.indicators))
            _write_atomic(_state_path(out, doc.id), json.dumps(state, ensure_ascii=False))
        return DocResult(doc.id, "written", brief=brief, seconds=time.perf_counter() - t0)
    except (BriefError, OSError) as e:
        return DocResult(doc.id, "failed", error=str(e).splitlines()[0] if str(e) else type(e).__name__,
                         seconds=time.perf_counter() - t0)
    except Exception as e:  # one document's surprise (LLMError, a store fault, a bug) must not stop the batch
        msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
        return DocResult(doc.id, "failed", error=f"{type(e).__name__}: {msg}"[:400],
                         seconds=time.perf_counter() - t0)


def _state_matches(out: Path, doc_id: str, key: str, formats: list[str]) -> bool:
    """Cheap first check (no store read) that the files on disk were made from this very state."""
    try:
        if "json" in formats:
            state = json.loads((out / f"{doc_id}.json").read_text(encoding="utf-8")).get("state") or {}
        else:
            state = json.loads(_state_path(out, doc_id).read_text(encoding="utf-8"))
    except (OSError, ValueError, AttributeError):
        return False
    return state.get("key") == key


def _index_entry(brief: Brief, state: dict[str, Any], out: Path, json_name: str | None) -> dict[str, Any]:
    return {
        "doc_id": brief.doc_id, "title": brief.title, "region": brief.region, "province": brief.province,
        "plan": brief.plan, "period_start": brief.period_start, "period_end": brief.period_end,
        "indicators": len(brief.indicators), "engine": brief.engine, "status": "ok", "json": json_name,
        "md": f"{brief.doc_id}.md" if (out / f"{brief.doc_id}.md").is_file() else None,
        "generated_at": state.get("generated_at"),
    }


def write_index(out: Path, report: BatchReport, formats: list[str]) -> None:
    """index.json / index.md: every valid brief in ``out`` (JSON, or Markdown with its state) plus failures."""
    entries: dict[str, dict[str, Any]] = {}
    for p in sorted(out.glob("*.json")):
        if p.name == "index.json":
            continue
        try:
            brief, state = read_brief_file(p)
        except BriefError:
            continue
        entries[brief.doc_id] = _index_entry(brief, state, out, p.name)
    for p in sorted((out / ".state").glob("*.json")):  # Markdown-only briefs keep their header in the state
        try:
            state = json.loads(p.read_text(encoding="utf-8"))
            head = Brief.model_validate(state.get("brief_header") or {})
        except (OSError, ValueError):
            continue
        if head.doc_id not in entries and (out / f"{head.doc_id}.md").is_file():
            entries[head.doc_id] = {**_index_entry(head, state, out, None), "indicators": state.get("indicators")}
    for r in report.results:
        if r.status == "failed":
            e = entries.setdefault(r.doc_id, {"doc_id": r.doc_id})
            e.update(status="failed", error=r.error)
    rows = sorted(entries.values(), key=lambda e: e["doc_id"])
    _write_atomic(out / "index.json", json.dumps({"version": BRIEF_VERSION, "briefs": rows}, ensure_ascii=False,
                                                 indent=1))
    lines = ["# 规划简报索引", "", "| 文件 | 地区 | 规划 | 期间 | 指标数 | 状态 | 简报 |", "|---|---|---|---|---|---|---|"]
    for e in rows:
        period = f"{e.get('period_start')}–{e.get('period_end')}" if e.get("period_start") else ""
        links = " · ".join(f"[{k}]({e[k]})" for k in ("md", "json") if e.get(k))
        status = "✓" if e.get("status") == "ok" else f"✗ {e.get('error', '')}"
        lines.append("| " + " | ".join(_cell(x) for x in (e["doc_id"], e.get("region") or "", e.get("plan") or "",
                                                           period, e.get("indicators", ""), status, links)) + " |")
    _write_atomic(out / "index.md", "\n".join(lines) + "\n")


def run_batch(docs: Sequence[Document], settings: Settings, out: Path, engine: str = "extractive",
              formats: str | Sequence[str] = ("json", "md"), jobs: int = 1, progress: bool = False,
              on_result: Callable[[DocResult], None] | None = None) -> BatchReport:
    """Brief every document (``jobs`` threads); failures are collected, never raised."""
    t0 = time.perf_counter()
    fmts = _formats(formats)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    report = BatchReport(out)
    bar = None
    if progress and docs:
        from tqdm import tqdm

        bar = tqdm(total=len(docs), unit="plan", desc="brief", dynamic_ncols=True, file=sys.stderr,
                   disable=None)  # a bar on a terminal; nothing in logs and pipes
    lock = threading.Lock()

    def done(r: DocResult) -> None:
        with lock:
            report.results.append(r)
            if bar is not None:
                bar.update(1)
            if on_result is not None:
                if bar is not None and not bar.disable:
                    with bar.external_write_mode(file=sys.stderr):
                        on_result(r)
                else:
                    on_result(r)

    from qa.store.chroma import Store

    store = Store(settings)  # one store for the batch (its threads share the client)
    manifest = store.manifest()
    if jobs <= 1 or len(docs) <= 1:
        for d in docs:
            done(brief_one(d, settings, out, engine, fmts, store, manifest))
    else:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(brief_one, d, settings, out, engine, fmts, store, manifest) for d in docs]
            for fut in as_completed(futures):
                done(fut.result())
    if bar is not None:
        bar.close()
    order = {d.id: n for n, d in enumerate(docs)}
    report.results.sort(key=lambda r: order.get(r.doc_id, len(order)))
    write_index(out, report, fmts)
    report.seconds = time.perf_counter() - t0
    return report


def select_documents(available: dict[str, Document], names: Sequence[str], all_docs: bool
                     ) -> tuple[list[Document], list[str]]:
    """Documents named by id or file name (or all of them), and the names that match none."""
    if all_docs:
        return [available[k] for k in sorted(available)], []
    picked: list[Document] = []
    unknown: list[str] = []
    for name in names:
        n = name.strip()
        match = available.get(n)
        if match is None:
            for d in available.values():
                p = Path(d.path)
                if n in (p.name, p.stem) or (Path(n).exists() and Path(n).resolve() == p.resolve()):
                    match = d
                    break
        if match is None:
            unknown.append(name)
        elif match not in picked:
            picked.append(match)
    return picked, unknown
