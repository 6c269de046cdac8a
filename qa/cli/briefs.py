"""`qa brief` and `qa compare`: briefs in batch and one indicator across plans, printed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from qa.cli.common import settings_for


def cmd_brief(args: argparse.Namespace) -> int:
    """``qa brief``: exit code = number of failed documents (capped at 100)."""
    from qa.brief.batch import BriefError, DocResult, _formats, run_batch, select_documents
    from qa.store.chroma import Store

    settings = settings_for(args)
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
    rows = compare(args.indicator, settings_for(args))
    if not rows and fmt == "table":
        print(f"no plan in the store states {args.indicator}", file=sys.stderr)
        return 0
    print(render_compare(rows, fmt))
    return 0
