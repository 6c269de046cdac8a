"""`qa brief` and `qa compare`: thin calls into qa.brief, whose own run_cli/compare_cli print them."""

from __future__ import annotations

import argparse

from qa.cli.common import settings_for


def cmd_brief(args: argparse.Namespace) -> int:
    from qa.brief import run_cli

    return run_cli(args, settings_for(args))


def cmd_compare(args: argparse.Namespace) -> int:
    from qa.brief import compare_cli

    return compare_cli(args, settings_for(args))
