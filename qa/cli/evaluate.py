"""`qa eval`: run the eval (``qa.eval.run``), print the summary, hold the thresholds.

Exit codes: 0 when every threshold holds, 1 when one is missed or the run cannot be made (a bad
gold file, an endpoint that fails, a recording that lacks a request), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from qa.cli.common import EXIT_USAGE, settings_for

if TYPE_CHECKING:
    from qa.config import Settings

EXIT_FAILED = 1


def cmd_eval(args: argparse.Namespace) -> int:
    return run_cli(args, settings_for(args))


def _crossplan(gold: Path, settings: Settings, out: Path, thresholds: list) -> int:  # noqa: ANN001
    """A cross-plan gold file: winners and per-plan cells (qa.eval.crossplan)."""
    from qa.eval import crossplan
    from qa.eval.gold import GoldError
    from qa.eval.run import _open_retriever

    try:
        report = crossplan.run(gold, settings, _open_retriever(settings, sys.stderr), out)
    except GoldError as e:
        print(f"qa eval: error: {e}", file=sys.stderr)
        return EXIT_FAILED
    return _verdict(report, crossplan.summary(report), "cross-plan questions", "not fully right", out, thresholds)


def _verdict(report: dict, table: str, what: str, failing: str, out: Path, thresholds: list) -> int:  # noqa: ANN001
    """Print the summary and the report's paths; exit 1 when a threshold is missed (each named on stderr)."""
    from qa.eval.report import check_thresholds

    print(table)
    o = report["metrics"]["overall"]
    print(f"\n{o['n']} {what}, {len(report['failures'])} {failing}; "
          f"wall {report['timing']['wall_s']} s; report: {out / 'report.md'}, {out / 'report.json'}")
    missed = check_thresholds(report, thresholds)
    for line in missed:
        print(f"qa eval: below threshold: {line}", file=sys.stderr)
    return EXIT_FAILED if missed else 0


def _briefs(gold: Path, settings: Settings, out: Path, thresholds: list, engine: str, from_dir: str | None,  # noqa: ANN001
            record_dir: str | None = None) -> int:
    """A brief gold file: each plan's brief against the hand-made one (qa.eval.briefs)."""
    from qa.brief.view import BriefError
    from qa.eval import briefs
    from qa.eval.gold import GoldError
    from qa.eval.run import LLMRunError

    try:
        report = briefs.run(gold, settings, engine, out, Path(from_dir) if from_dir else None,
                            Path(record_dir) if record_dir else None)
    except (GoldError, BriefError, OSError, LLMRunError) as e:
        print(f"qa eval: error: {str(e).splitlines()[0]}", file=sys.stderr)
        return EXIT_FAILED
    return _verdict(report, briefs.summary(report), "briefs", "failing", out, thresholds)


def run_cli(args: argparse.Namespace, settings: Settings) -> int:
    """`qa eval` with these arguments and settings (tests call it in-process)."""
    from qa.eval.gold import GoldError
    from qa.eval.report import UsageError, parse_thresholds, summary_table
    from qa.eval.run import LLMRunError, run

    k = int(getattr(args, "k", 5) or 5)
    try:
        if k < 1:
            raise UsageError(f"--k must be at least 1, got {k}")
        thresholds = parse_thresholds(getattr(args, "fail_under", None) or [], k)
    except UsageError as e:
        print(f"qa eval: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    out = Path(getattr(args, "report", None) or "reports/eval")
    record_dir = getattr(args, "record_dir", None)
    gold = Path(getattr(args, "gold", None) or "evals/indicators.jsonl")
    from qa.eval.crossplan import is_crossplan_gold

    if is_crossplan_gold(gold):
        return _crossplan(gold, settings, out, thresholds)
    if getattr(args, "briefs", None):
        return _briefs(Path(args.briefs), settings, out, thresholds, getattr(args, "engine", None) or "extractive",
                       getattr(args, "from_dir", None), record_dir)
    try:
        report = run(getattr(args, "gold", None) or "evals/indicators.jsonl", settings,
                     engine=getattr(args, "engine", None), k=k, report_dir=out, record_dir=record_dir)
    except (GoldError, LLMRunError) as e:
        print(f"qa eval: error: {e}", file=sys.stderr)
        return EXIT_FAILED
    return _verdict(report, summary_table(report), "questions", "not strictly correct", out, thresholds)
