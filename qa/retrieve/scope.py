"""Which plans a question is about (region, plan period, year), and the words BM25 should see."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from qa.figures.indicators import expand_query
from qa.models import PLAN_PERIODS, Document
from qa.text.places import held_key, region_aliases

PLAN_MENTION = re.compile(r"十[一二三四五六七八九]?五")
# words every question has; they only pull in chunks that happen to repeat them
QUESTION_WORDS = re.compile(
    r"[“”\"'？?！!。，,、：:（）()]|是多少|为多少|有多少|多少|是什么|什么|哪些|哪几|哪个|哪三个|哪|几个|如何|怎样|"
    r"请问|吗|呢|要达到|达到|预计|计划|目标|规划|期间|时期|期末|末|年均|将|要|的|了|是"
)


@functools.lru_cache(maxsize=8)
def _longest_first(held: tuple[tuple[str, str | None], ...]) -> list[str]:
    return sorted({a for _, region in held for a in region_aliases(region)}, key=len, reverse=True)


def lexical_query(question: str, docs: dict[str, Document]) -> str:
    """The question without region names, plan names and question words, plus indicator synonyms."""
    q = question
    for alias in _longest_first(held_key(docs)):
        if alias in q:
            q = q.replace(alias, " ")
    q = PLAN_MENTION.sub(" ", q)
    q = QUESTION_WORDS.sub(" ", q)
    return expand_query(q)
YEAR_MENTION = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")


@dataclass
class Scope:
    """Which plans a question is about, and why."""

    doc_ids: set[str] | None
    reason: str = ""


def detect_scope(question: str, docs: dict[str, Document]) -> Scope:
    """Regions and plan periods named in the question select plans; years break ties."""
    matched: dict[str, int] = {}
    for doc in docs.values():
        for alias in region_aliases(doc.region):
            if alias in question:
                matched[doc.id] = max(matched.get(doc.id, 0), len(alias))
    reason = []
    ids: set[str] | None = None
    if matched:
        best = max(matched.values())
        # the longest alias wins: 双城区 over 双城 when both plans exist
        ids = {d for d, n in matched.items() if n == best or n >= 3}
        reason.append("region")
    plans = {("十" + p) if not p.startswith("十") else p for p in PLAN_MENTION.findall(question)}
    plans &= set(PLAN_PERIODS)
    if plans:
        narrowed = {d.id for d in docs.values() if d.plan in plans and (ids is None or d.id in ids)}
        if narrowed:
            ids = narrowed
            reason.append("plan")
    if ids and len(ids) > 1:
        years = {int(y) for y in YEAR_MENTION.findall(question)}
        by_year = {d for d in ids if any((docs[d].period_start or 0) - 5 <= y <= (docs[d].period_end or 0)
                                         for y in years)}
        if by_year and by_year != ids:
            ids = by_year
            reason.append("year")
    return Scope(ids, "+".join(reason))


class FilterError(ValueError):
    """A --doc / --region / --plan value that matches nothing in the store, with the valid choices."""


def doc_matches(d: str, doc: str) -> bool:
    return d == doc or d == doc.rsplit(".", 1)[0] or d.startswith(doc)


def check_filters(docs: dict[str, Document], doc: str | None = None, region: str | None = None,
                  plan: str | None = None) -> None:
    """Every filter names something the store holds, and together they leave a plan (FilterError otherwise)."""
    if doc and not any(doc_matches(d, doc) for d in docs):
        raise FilterError(f"no document '{doc}' in the store (ids: {', '.join(sorted(docs))})")
    if region and not any(region in region_aliases(d.region) or region == d.region for d in docs.values()):
        regions = sorted({a for d in docs.values() for a in region_aliases(d.region)})
        raise FilterError(f"no plan of the region '{region}' in the store (regions: {', '.join(regions)})")
    if plan and not any(d.plan == plan for d in docs.values()):
        plans = sorted({d.plan for d in docs.values() if d.plan})
        raise FilterError(f"no {plan} plan in the store (plan periods: {', '.join(plans)})")
    left = [d for d in docs.values() if (not doc or doc_matches(d.id, doc))
            and (not region or region in region_aliases(d.region) or region == d.region)
            and (not plan or d.plan == plan)]
    if not left:
        raise FilterError(f"no plan matches all of {', '.join(x for x in (doc, region, plan) if x)} together")
