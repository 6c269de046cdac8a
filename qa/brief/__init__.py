"""Structured, cited briefs of plans, in batch, and one indicator compared across plans.

``view`` (one stored plan: canonical text, outline, sentences, statements), ``select`` (headline
indicators from statements), ``items`` (industries, projects, strategies), ``summary`` (the 摘要),
``render`` (Markdown), ``llm`` (the map/reduce engine), ``batch`` (files, index, resume), ``compare``.
"""

from qa.brief.batch import (
    BRIEF_VERSION,
    BatchReport,
    DocResult,
    brief_one,
    check_brief,
    extractive_brief,
    make_brief,
    read_brief_file,
    run_batch,
    select_documents,
    state_key,
    verify_citations,
)
from qa.brief.compare import CompareRow, compare, render_compare
from qa.brief.render import render_markdown
from qa.brief.view import BriefError, DocView

__all__ = [
    "BRIEF_VERSION", "BatchReport", "BriefError", "CompareRow", "DocResult", "DocView", "brief_one", "check_brief",
    "compare", "extractive_brief", "make_brief", "read_brief_file", "render_compare", "render_markdown",
    "run_batch", "select_documents", "state_key", "verify_citations",
]
