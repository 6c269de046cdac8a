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


def retriever_for(settings: Settings) -> Retriever:
    from qa.retrieve import Retriever

    r = Retriever(settings)
    if not r.manifest.docs:
        raise UserError("the store is empty: run `qa ingest` first (or `make run`)")
    return r
