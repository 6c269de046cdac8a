"""`qa ingest`, `qa search` and `qa ask`: documents in, passages and answers out."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from qa.cli.common import check_question, retriever_for, settings_for

if TYPE_CHECKING:
    from qa.models import Answer


def cmd_ingest(args: argparse.Namespace) -> int:
    from qa.ingest import ingest

    settings = settings_for(args)
    paths = [Path(p) for p in args.paths] if args.paths else None
    r = ingest(settings, paths, progress=not args.quiet)
    print(
        f"ingested {len(r.added)} new, {len(r.updated)} updated, {len(r.unchanged)} unchanged, "
        f"{len(r.removed)} removed documents; {r.chunks} chunks and {r.statements} statements written, "
        f"{r.embedded} chunks embedded in {r.seconds:.1f}s → {settings.store.chroma_url or settings.store.chroma_dir}"
    )
    if r.repaired:
        print(f"qa ingest: repaired {len(r.repaired)} document(s) whose stored rows were missing: "
              f"{', '.join(r.repaired)}", file=sys.stderr)
    if r.stale_chunking:
        print(f"qa ingest: warning: {len(r.stale_chunking)} document(s) not given here are still chunked with the "
              f"earlier settings ({', '.join(r.stale_chunking[:5])}{' …' if len(r.stale_chunking) > 5 else ''}); "
              "run `qa ingest` on their folders to re-chunk them", file=sys.stderr)
    for w in r.warnings + _prepare_segments(settings):
        print(f"qa ingest: warning: {w}", file=sys.stderr)
    for reason in r.failed.values():
        print(f"qa ingest: error: {reason}", file=sys.stderr)
    return 1 if r.failed else 0


def _prepare_segments(settings) -> list[str]:  # noqa: ANN001
    """The query-time segments of the plans just written (the first question would build them): a warning
    when that fails, for the next question builds them as before."""
    from qa.retrieve.corpus import Segments
    from qa.store.chroma import Store, StoreError

    store = Store(settings)
    try:
        Segments(settings.home / "segments").prepare(store, store.manifest())
    except (StoreError, OSError) as e:
        return [f"the plans' query segments were not written (the first question writes them): {e}"]
    return []


def cmd_search(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    query = check_question(args.query, "query")
    hits = retriever_for(settings, args).search(query, k=args.k, doc=args.doc, region=args.region, plan=args.plan)
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
    from qa.web.resident import ask as resident_ask

    settings = settings_for(args)
    data = resident_ask(settings, args.question, doc=args.doc, region=args.region, plan=args.plan)
    if data is not None:  # a `qa serve` of this store and settings answered: the same answer, no start-up
        from qa.models import Answer

        a = Answer.model_validate(data)
    else:
        from qa.answer import answer_question

        question = check_question(args.question, "question")
        a = answer_question(question, settings, retriever=retriever_for(settings, args), doc=args.doc,
                            region=args.region, plan=args.plan)
    if args.json:
        print(a.model_dump_json(indent=2))
        return 0
    print(render_answer(a))
    return 0


def render_answer(a: Answer) -> str:
    from qa.answer import abstention_line, answer_facts

    lines = [a.text]
    facts = answer_facts(a)
    if facts:
        lines.append("  " + " · ".join(facts))
    for item in a.items:
        lines.append(f"  · {item.text}  [{item.citation.start}:{item.citation.end}]")
    if not a.supported:
        lines.append(f"  ⚠ 未能在引用中找到这些数字: {', '.join(a.unsupported_numbers)}")
    if a.abstained and (why := abstention_line(a)):
        lines.append(f"  原因：{why}")
    for i, c in enumerate(a.citations, 1):
        page = f" 第{c.page}页" if c.page else ""
        ocr = " (OCR)" if c.ocr else ""
        lines.append(f"  [{i}] {c.doc_id} {c.section} [{c.start}:{c.end}]{page}{ocr}")
        lines.append(f"      「{c.quote.strip()[:300]}」")
    for r in a.related:
        c = r.citation
        lines.append(f"  ≈ {r.text}（{r.label}{f'，{r.year}年' if r.year else ''}）— {r.why}")
        lines.append(f"      {c.doc_id} [{c.start}:{c.end}] 「{c.quote.strip()[:200]}」")
    lines.append(f"  ({a.engine}, {a.timing_ms:.0f} ms)")
    return "\n".join(lines)
