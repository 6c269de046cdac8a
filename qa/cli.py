"""The `qa` command: a thin shell over the same functions the page uses.

Heavy libraries (chromadb, gradio, openai) are imported inside the commands so
`qa --help` starts instantly. Every failure the user can cause ends in one line on
stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

EXIT_USAGE = 2


def _settings(args: argparse.Namespace):
    from qa.config import load

    return load(engine=getattr(args, "engine", None), replay=True if getattr(args, "replay", False) else None)


def _check_question(text: str, what: str) -> str:
    """Empty, punctuation-only and over-long questions are the user's mistake: one line, before any work."""
    from qa.answer import question_problem

    problem = question_problem(text, what)
    if problem:
        raise UserError(problem)
    return text.strip()


def cmd_ingest(args: argparse.Namespace) -> int:
    from qa.ingest import ingest

    settings = _settings(args)
    paths = [Path(p) for p in args.paths] if args.paths else None
    r = ingest(settings, paths, progress=not args.quiet)
    print(
        f"ingested {len(r.added)} new, {len(r.updated)} updated, {len(r.unchanged)} unchanged, "
        f"{len(r.removed)} removed documents; {r.chunks} chunks and {r.statements} statements written, "
        f"{r.embedded} chunks embedded in {r.seconds:.1f}s → {settings.store.chroma_url or settings.store.chroma_dir}"
    )
    for w in r.warnings:
        print(f"qa ingest: warning: {w}", file=sys.stderr)
    return 0


def _retriever(settings):
    from qa.retrieve.retriever import Retriever

    r = Retriever(settings)
    if not r.manifest.docs:
        raise UserError("the store is empty: run `qa ingest` first (or `make run`)")
    return r


def cmd_search(args: argparse.Namespace) -> int:
    settings = _settings(args)
    query = _check_question(args.query, "query")
    hits = _retriever(settings).search(query, k=args.k, doc=args.doc, region=args.region, plan=args.plan)
    if args.json:
        print(json.dumps([h.model_dump() for h in hits], ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print("no matching passages")
    for h in hits:
        c = h.chunk
        print(f"#{h.rank}  score {h.score:.4f}  {c.doc_id} [{c.start}:{c.end}]  {h.region or ''} {h.plan or ''}")
        print(f"    {c.section or '(front matter)'}")
        print("    " + c.clean.replace("\n", "\n    ")[:600])
        print()
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from qa.answer import answer_question

    settings = _settings(args)
    question = _check_question(args.question, "question")
    a = answer_question(question, settings, retriever=_retriever(settings), doc=args.doc)
    if args.json:
        print(a.model_dump_json(indent=2))
        return 0
    print(render_answer(a))
    return 0


def render_answer(a) -> str:
    from qa.answer import answer_facts

    lines = [a.text]
    facts = answer_facts(a)
    if facts:
        lines.append("  " + " · ".join(facts))
    if not a.supported:
        lines.append(f"  ⚠ 未能在引用中找到这些数字: {', '.join(a.unsupported_numbers)}")
    if a.abstained and a.note:
        lines.append(f"  ({a.note})")
    for i, c in enumerate(a.citations, 1):
        lines.append(f"  [{i}] {c.doc_id} {c.section} [{c.start}:{c.end}]")
        lines.append(f"      「{c.quote.strip()[:300]}」")
    lines.append(f"  ({a.engine}, {a.timing_ms:.0f} ms)")
    return "\n".join(lines)


def cmd_eval(args: argparse.Namespace) -> int:
    from qa.evaluate import run_cli

    return run_cli(args, _settings(args))


def cmd_brief(args: argparse.Namespace) -> int:
    """``qa brief``: exit code = number of failed documents (capped at 100)."""
    from qa.brief.batch import BriefError, DocResult, _formats, run_batch, select_documents
    from qa.store.chroma import Store

    settings = _settings(args)
    names = list(args.docs or [])
    if not names and not args.all:
        print("qa brief: error: name documents (id or file name) or pass --all", file=sys.stderr)
        return 2
    engine = args.engine or settings.engine or "extractive"
    try:
        formats = _formats(args.format or "json,md")
        if engine == "llm":
            from qa.brief.llm import _llm_client

            _llm_client(settings)
        elif engine != "extractive":
            raise BriefError(f"unknown engine {engine!r} (extractive | llm)")
    except BriefError as e:
        print(f"qa brief: error: {e}", file=sys.stderr)
        return 2 if "format" in str(e) else 1
    available = Store(settings).manifest().docs
    if not available:
        print("qa brief: error: the store is empty: run `qa ingest` first", file=sys.stderr)
        return 1
    docs, unknown = select_documents(available, names, args.all)
    for name in unknown:
        print(f"qa brief: {name}: error: no such document in the store (ids: {', '.join(sorted(available))})",
              file=sys.stderr)
    out = Path(args.out or "briefs")

    def report_line(r: DocResult) -> None:
        if r.status == "failed":
            print(f"qa brief: {r.doc_id}: error: {r.error}", file=sys.stderr)

    jobs = max(1, int(args.jobs or 1))
    report = run_batch(docs, settings, out, engine, formats, jobs, progress=True, on_result=report_line)
    print(f"briefs: {len(report.written)} written, {len(report.unchanged)} unchanged, "
          f"{len(report.failed) + len(unknown)} failed in {report.seconds:.1f}s → {out}/index.md")
    return min(len(report.failed) + len(unknown), 100)


def cmd_compare(args: argparse.Namespace) -> int:
    from qa.brief.compare import compare, render_compare

    fmt = args.format or "table"
    rows = compare(args.indicator, _settings(args))
    if not rows and fmt == "table":
        print(f"no plan in the store states {args.indicator}", file=sys.stderr)
        return 0
    print(render_compare(rows, fmt))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from qa.web import serve

    settings = _settings(args)
    if args.host:
        settings.web.host = args.host
    elif settings.web.host not in LOOPBACK:
        raise UserError(f"QA_HOST={settings.web.host} would open the page beyond this machine; "
                        f"say so explicitly with `qa serve --host {settings.web.host}`")
    if args.port:
        settings.web.port = args.port
    serve(settings)
    return 0


class UserError(Exception):
    """A mistake the user can fix; printed as one line."""


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qa", description="Grounded Q&A and briefs over Chinese five-year plans.")
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("ingest", help="ingest plan documents (.txt/.md) into the store (default: seeds/)")
    s.add_argument("paths", nargs="*", help="files or folders (default: QA_DOCS, i.e. seeds/)")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    s.set_defaults(fn=cmd_ingest)

    s = sub.add_parser("search", help="hybrid search: ranked passages with offsets")
    s.add_argument("query")
    s.add_argument("-k", type=int, default=5)
    s.add_argument("--doc")
    s.add_argument("--region")
    s.add_argument("--plan", help="十一五, 十二五, 十四五 …")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_search)

    s = sub.add_parser("ask", help="answer a question with its cited source passage")
    s.add_argument("question")
    s.add_argument("--engine", choices=["extractive", "llm"])
    s.add_argument("--doc")
    s.add_argument("--replay", action="store_true", help="llm: answer only from the recorded cache")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_ask)

    s = sub.add_parser("eval", help="score answers against hand-labelled questions")
    s.add_argument("--gold", default="evals/indicators.jsonl")
    s.add_argument("--engine", choices=["extractive", "llm"])
    s.add_argument("--k", type=int, default=5)
    s.add_argument("--report", default="reports/eval", help="folder for report.json and report.md")
    s.add_argument("--replay", action="store_true", help="llm: answer only from recorded calls, never call out")
    s.add_argument("--record-dir", metavar="DIR",
                   help="llm: record the model calls into DIR, or replay from it with --replay "
                        "(committed: evals/llm-replay)")
    s.add_argument("--fail-under", nargs="*", default=[], metavar="METRIC=VALUE")
    s.set_defaults(fn=cmd_eval)

    s = sub.add_parser("brief", help="structured briefs of plans (JSON + Markdown)")
    s.add_argument("docs", nargs="*")
    s.add_argument("--all", action="store_true")
    s.add_argument("--out", default="briefs")
    s.add_argument("--format", default="json,md")
    s.add_argument("--engine", choices=["extractive", "llm"])
    s.add_argument("--jobs", type=int, default=1)
    s.add_argument("--replay", action="store_true")
    s.set_defaults(fn=cmd_brief)

    s = sub.add_parser("compare", help="one indicator across plans")
    s.add_argument("indicator")
    s.add_argument("--format", choices=["table", "csv", "json"], default="table")
    s.set_defaults(fn=cmd_compare)

    s = sub.add_parser("serve", help="the web page (127.0.0.1:7860 by default)")
    s.add_argument("--host", help="bind address; anything but localhost must be asked for explicitly")
    s.add_argument("--port", type=int)
    s.set_defaults(fn=cmd_serve)
    return p


def _drop_progress_bars() -> None:
    """Erase a progress bar the failed run left open: it would share the error's line, then print
    a finished-looking bar when the process exits."""
    tqdm = sys.modules.get("tqdm")
    for bar in list(getattr(getattr(tqdm, "tqdm", None), "_instances", ())):
        bar.leave = False
        bar.close()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from qa.config import ConfigError
    from qa.ingest import IngestError

    known: tuple[type[BaseException], ...] = (IngestError, UserError, ConfigError, FileNotFoundError,
                                              PermissionError)
    try:
        from qa.llm import LLMError
        from qa.store.chroma import StoreError

        known = known + (StoreError, LLMError)
    except ImportError:  # pragma: no cover
        pass
    try:
        return int(args.fn(args) or 0)
    except known as e:
        _drop_progress_bars()
        print(f"qa {args.cmd}: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        _drop_progress_bars()
        print(f"qa {args.cmd}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `qa compare … | head`: the reader has all it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush does not complain
        return 0
    except Exception as e:  # validation errors of settings, etc.: still one line
        if os.environ.get("QA_DEBUG"):
            raise
        _drop_progress_bars()
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        print(f"qa {args.cmd}: error: {type(e).__name__}: {msg} (set QA_DEBUG=1 for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
