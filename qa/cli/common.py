"""What every `qa` command shares: the settings from the environment and the flags, the user's
mistakes (``UserError``, printed as one line), the question check and the store that must not be empty.

Nothing heavy is imported here or at the top of any command module: `qa --help` builds the parser
from these modules without loading chromadb, gradio or openai.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa.config import Settings
    from qa.retrieve import Retriever

EXIT_USAGE = 2
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class UserError(Exception):
    """A mistake the user can fix; printed as one line."""


class UsageError(UserError):
    """A flag with a value that cannot work (an unknown --doc, -k 0): one line, exit code 2."""


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (``-k 0`` and ``-k -5`` are usage errors)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def settings_for(args: argparse.Namespace) -> Settings:
    """The settings from the environment, with the command's --engine / --replay on top."""
    from qa.config import load

    return load(engine=getattr(args, "engine", None), replay=True if getattr(args, "replay", False) else None)


def check_question(text: str, what: str) -> str:
    """Empty, punctuation-only and over-long questions are the user's mistake: one line, before any work.

    The page refuses with the same reason (``qa.answer.question_problem``), so the two cannot drift.
    """
    from qa.answer import question_problem

    problem = question_problem(text, what)
    if problem:
        raise UserError(problem)
    return text.strip()


def retriever_for(settings: Settings, args: argparse.Namespace | None = None) -> Retriever:
    """The store's retriever; the command's --doc / --region / --plan must name what it holds."""
    from qa.retrieve import Retriever
    from qa.retrieve.scope import FilterError, check_filters

    r = Retriever(settings)
    docs = r.manifest.docs
    if not docs:
        raise UserError("the store is empty: run `qa ingest` first (or `make run`)")
    if args is not None:
        try:
            check_filters(docs, getattr(args, "doc", None), getattr(args, "region", None), getattr(args, "plan", None))
        except FilterError as e:
            raise UsageError(str(e)) from None
    return r
