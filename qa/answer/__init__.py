"""Answers: what a question asks (``understand``), the plans it is about (``scope``), every stated figure judged
against it (``lookup``), the decision by named reasons (``decide``), descriptive answers (``describe``),
tables across plans (``crossplan``) and the one entry point for every caller (``engine``).

The names below load on first use: printing an answer (``wording``) must not import the engine."""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {"abstention_line": "qa.answer.wording", "answer_facts": "qa.answer.wording",
          "answer_question": "qa.answer.engine", "check_numbers": "qa.answer.engine",
          "stream_question": "qa.answer.engine", "question_problem": "qa.answer.question"}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'qa.answer' has no attribute {name!r}")
