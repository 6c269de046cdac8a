"""The `qa` command: the argument parser, the dispatch to the command modules, and the rule that
every failure the user can cause ends in one line on stderr and a non-zero exit code, never a traceback.

Heavy libraries (chromadb, gradio, openai) are imported inside the commands so `qa --help` starts
instantly. (Named ``command`` rather than ``main`` so that ``qa.cli.main``, the function the
entry point calls, is not also the name of a module.)
"""

from __future__ import annotations

import argparse
import os
import sys

from qa.cli.briefs import cmd_brief, cmd_compare
from qa.cli.common import EXIT_USAGE, UsageError, UserError, positive_int
from qa.cli.documents import cmd_ask, cmd_ingest, cmd_search
from qa.cli.evaluate import cmd_eval
from qa.cli.export import add_parser as add_export_parser
from qa.cli.serve import cmd_serve

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qa", description="Grounded Q&A and briefs over Chinese five-year plans.")
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("ingest", help="ingest plan documents (.txt/.md) into the store (default: seeds/)")
    s.add_argument("paths", nargs="*", help="files or folders (default: QA_DOCS, i.e. seeds/)")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    s.set_defaults(fn=cmd_ingest)

    s = sub.add_parser("search", help="hybrid search: ranked passages with offsets")
    s.add_argument("query")
    s.add_argument("-k", type=positive_int, default=5, help="how many passages (at least 1)")
    s.add_argument("--doc")
    s.add_argument("--region")
    s.add_argument("--plan", help="十一五, 十二五, 十四五 …")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_search)

    s = sub.add_parser("ask", help="answer a question with its cited source passage")
    s.add_argument("question")
    s.add_argument("--engine", choices=["extractive", "llm"])
    s.add_argument("--doc")
    s.add_argument("--region")
    s.add_argument("--plan", help="十一五, 十二五, 十四五 …")
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
    s.add_argument("--briefs", metavar="FILE", help="score briefs against hand-made ones (evals/briefs.jsonl)")
    s.add_argument("--from", dest="from_dir", metavar="DIR",
                   help="--briefs: score the brief JSON files in DIR (from `qa brief --format json`) instead of "
                        "making them")
    s.set_defaults(fn=cmd_eval)

    s = sub.add_parser("brief", help="structured briefs of plans (JSON + Markdown)")
    s.add_argument("docs", nargs="*")
    s.add_argument("--all", action="store_true")
    s.add_argument("--out", default="briefs")
    s.add_argument("--format", default="json,md")
    s.add_argument("--engine", choices=["extractive", "llm"])
    s.add_argument("--jobs", type=positive_int, default=1)
    s.add_argument("--replay", action="store_true")
    s.set_defaults(fn=cmd_brief)

    s = sub.add_parser("compare", help="one indicator across plans")
    s.add_argument("indicator")
    s.add_argument("--format", choices=["table", "csv", "json"], default="table")
    s.set_defaults(fn=cmd_compare)


    add_export_parser(sub)  # `qa export`: the statements as a dataset (qa/cli/export.py)

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


# the one-line errors of the modules a run loaded: an error of a module it never imported cannot occur, and
# importing the store and the LLM client just to name their errors would cost `qa ask` its fast path
KNOWN_ERRORS = (("qa.config", "ConfigError"), ("qa.ingest.files", "IngestError"), ("qa.llm.errors", "LLMError"),
                ("qa.store.chroma", "StoreError"))


def _known() -> tuple[type[BaseException], ...]:
    found: list[type[BaseException]] = [UserError, FileNotFoundError, PermissionError]
    for module, name in KNOWN_ERRORS:
        cls = getattr(sys.modules.get(module), name, None)
        if isinstance(cls, type) and issubclass(cls, BaseException):
            found.append(cls)
    return tuple(found)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.fn(args) or 0)
    except UsageError as e:
        print(f"qa {args.cmd}: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        _drop_progress_bars()
        print(f"qa {args.cmd}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `qa compare … | head`: the reader has all it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush does not complain
        return 0
    except Exception as e:  # validation errors of settings, etc.: still one line
        if isinstance(e, _known()):
            _drop_progress_bars()
            print(f"qa {args.cmd}: error: {e}", file=sys.stderr)
            return 1
        if os.environ.get("QA_DEBUG"):
            raise
        _drop_progress_bars()
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        print(f"qa {args.cmd}: error: {type(e).__name__}: {msg} (set QA_DEBUG=1 for details)", file=sys.stderr)
        return 1
