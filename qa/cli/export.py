"""`qa export`: every stored statement as a dataset (CSV, Parquet, SQLite); the rows are ``qa.export``'s.

Exit codes: 0 when the file is written (an empty result writes the header only and says so on
stderr), 1 when the store cannot be read or a library is missing, 2 on usage errors (an unknown
--doc, --region or --plan, named with the valid choices).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from qa.cli.common import EXIT_USAGE, UserError, settings_for

FORMATS = ("csv", "parquet", "sqlite")


def add_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("export", help="every stored statement as a dataset (csv, parquet, sqlite)",
                       description="Write every statement (one figure a plan states) of the store, one row each.")
    s.add_argument("--format", choices=FORMATS, required=True)
    s.add_argument("--out", required=True, metavar="PATH", help="the file to write (replaced atomically)")
    s.add_argument("--doc", help="a document id (or file name, or a unique id prefix such as 004)")
    s.add_argument("--region", help="a region of the store (哈尔滨市双城区, or 双城区 …)")
    s.add_argument("--plan", help="十一五, 十二五, 十四五 …")
    s.add_argument("--indicator", metavar="NAME", help="an indicator (synonyms resolve: GDP → 地区生产总值)")
    s.add_argument("--kind", choices=["target", "baseline"])
    s.add_argument("--year", type=int)
    s.set_defaults(fn=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from qa.export import ExportError, Filters, check_format, store_rows, write
    from qa.store.chroma import Store

    out = Path(args.out)
    f = Filters(doc=args.doc, region=args.region, plan=args.plan, indicator=args.indicator, kind=args.kind,
                year=args.year)
    try:
        check_format(args.format)
        if out.is_dir():
            raise ExportError(f"--out {out} is a folder; name the file to write", usage=True)
        store = Store(settings_for(args))
        if not store.manifest().docs:
            raise UserError("the store is empty: run `qa ingest` first (or `make run`)")
        data, manifest = store_rows(store, f)
        write(data, args.format, out)
    except ExportError as e:
        if not e.usage:
            raise UserError(str(e)) from None
        print(f"qa export: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    if not data:
        print(f"qa export: no statement matches ({f.describe()}): {out} holds the header only", file=sys.stderr)
    docs = len({r["doc"] for r in data})
    print(f"exported {len(data)} statements of {docs} document{'' if docs == 1 else 's'} → {out} ({args.format})")
    return 0
