"""Numeric answers: which stored statement of the retrieved chunks answers the question.

Candidates are the statements of the hit chunks. Hard rules refuse a statement that cannot be the
answer (a near-miss indicator, growth asked and a level given, another unit family, another year or
kind); the survivors are scored and the best one answers, or the engine abstains. Every decision is
named in the candidate's trace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.answer.question import coverage, precision
from qa.figures import vocab as V
from qa.figures.indicators import NEAR_MISSES, canon_text, canonical_indicators
from qa.models import Document, Hit, Statement
from qa.retrieve.query import QueryInfo

MIN_SCORE = 1.2  # below it the engine abstains


@dataclass
class Candidate:
    statement: Statement
    hit: Hit
    score: float
    trace: list[str] = field(default_factory=list)
    refused: str | None = None  # the rule that refused it


def near_miss(question: str, asked: list[str], label: str) -> bool:
    """The label names a different indicator that merely contains the asked one's name."""
    label_canon = canonical_indicators(label)
    question_canon = canon_text(question)
    for a in asked:
        for miss in NEAR_MISSES.get(a, []):
            if miss in label and miss not in question and miss not in question_canon:
                return True
    return bool(asked and label_canon and not set(asked) & set(label_canon))


def is_growth(st: Statement) -> bool:
    return st.growth or bool(V.GROWTH_TAIL.search(st.label[-10:]))


def period_of(doc: Document | None) -> tuple[int, int] | None:
    if doc and doc.period_start and doc.period_end:
        return doc.period_start, doc.period_end
    return None


def score_statement(st: Statement, qi: QueryInfo, core: str, period: tuple[int, int] | None, plan: str | None,
                    rank: int) -> tuple[float | None, list[str]]:
    """How well one statement answers the question, with the rules that decided; None when refused."""
    trace: list[str] = []
    if st.value is None:
        return None, ["select.no_value"]
    if near_miss(qi.question, qi.indicators, st.label):
        return None, ["select.near_miss"]
    cov = coverage(core, st.label)
    if 0.25 <= cov < 0.6 and precision(core, st.label) >= 0.6:
        # the label is all about what is asked; the sentence's subject supplies the rest
        cov = max(cov, 0.9 * coverage(core, st.context))
        trace.append("select.context_coverage")
    if cov < 0.6:
        return None, ["select.low_coverage"]
    score = 2.0 * cov + 0.5 * precision(core, st.label)
    if set(qi.indicators) & set(canonical_indicators(st.label)):
        score += 1.0
        trace.append("select.indicator_match")
    if qi.growth != is_growth(st):
        return None, ["select.growth_mismatch"]
    if not qi.growth and qi.share and st.unit not in V.SHARE_UNITS:
        return None, ["select.share_mismatch"]
    if qi.unit_hint and st.unit and V.UNIT_FAMILY.get(qi.unit_hint, qi.unit_hint) != V.UNIT_FAMILY.get(st.unit, st.unit):
        return None, ["select.unit_mismatch"]
    qk = qi.kind_for(period, plan)
    if qk and st.kind:
        if qk != st.kind:
            return None, ["select.kind_mismatch"]
        score += 1.0
        trace.append("select.kind_match")
    if qi.years and st.year:
        if st.year not in qi.years:
            return None, ["select.year_mismatch"]
        score += 1.0
        trace.append("select.year_match")
    if qi.growth:
        # 年均增长 answers a yearly question; 期间/期末 下降40% the one that does not say 年均
        yearly_q = bool(V.Q_YEARLY.search(qi.question))
        yearly_f = bool(re.search(r"年均|每年", st.label))
        score += 0.5 if yearly_q == yearly_f else -0.5
    score += 0.4 / rank
    return score, trace


def candidates(qi: QueryInfo, core: str, hits: list[Hit], docs: dict[str, Document], of_chunk) -> list[Candidate]:  # noqa: ANN001
    """Every statement of the hit chunks that survives the hard rules, scored (a statement held by two
    hits counts once, at its better-ranked hit)."""
    out: list[Candidate] = []
    seen: set[str] = set()
    for hit in hits:
        doc = docs.get(hit.chunk.doc_id)
        period = period_of(doc)
        for st in of_chunk(hit.chunk.id):
            if st.id in seen:
                continue
            seen.add(st.id)
            s, trace = score_statement(st, qi, core, period, doc.plan if doc else None, hit.rank)
            if s is not None:
                out.append(Candidate(st, hit, s, trace))
    return out


def same_figure(a: Statement, b: Statement) -> bool:
    return (a.value, a.unit, a.year, a.kind, a.growth) == (b.value, b.unit, b.year, b.kind, b.growth)


def qualifier_of(st: Statement) -> str | None:
    if st.cumulative:
        return "累计"
    if st.qualifier:
        return st.qualifier
    if is_growth(st) and re.search(r"年均", st.label):
        return "年均"
    return None
