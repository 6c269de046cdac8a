"""Answers: what a question asks (``understand``), the plans it is about (``scope``), every stated figure judged
against it (``lookup``), the decision by named reasons (``decide``), descriptive answers (``describe``),
tables across plans (``crossplan``) and the one entry point for every caller (``engine``)."""

from qa.answer.engine import abstention_line, answer_facts, answer_question, check_numbers, stream_question
from qa.answer.question import question_problem

__all__ = ["abstention_line", "answer_facts", "answer_question", "check_numbers", "question_problem", "stream_question"]
