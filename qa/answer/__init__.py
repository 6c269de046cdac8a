"""Answers: question analysis (``question``), numeric selection over stored statements (``select``),
descriptive answers (``describe``) and the one entry point for every caller (``engine``)."""

from qa.answer.engine import answer_facts, answer_question, check_numbers, stream_question
from qa.answer.question import question_problem

__all__ = ["answer_facts", "answer_question", "check_numbers", "extractive", "question_problem", "stream_question"]
