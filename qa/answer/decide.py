"""The decision: the best agreeing figure answers, unless there is a reason the user can check why not.

An answer is withheld only for a named reason, said in the user's words, with the nearest figures shown
as related (marked as not the answer):

| reason | when |
|---|---|
| ``place_not_held`` / ``place_parent`` | the question names a place no plan covers, or only the parent of a held region |
| ``period_not_held`` / ``year_not_held`` | a plan period, or years, no plan in scope has |
| ``no_figure`` | the plan states no figure for the asked indicator |
| ``other_role`` | it states the indicator only in another role (a growth rate when a level was asked …) |
| ``other_year`` | it states it only for other years (a year the question names is a hard constraint) |
| ``other_kind`` | only as a target when the record was asked, or the other way round |
| ``other_unit`` | only in another unit family (people when money was asked) |
| ``no_passage`` | no passage answers a descriptive question |

A second figure that fits as well as the first (different value, same indicator, role, year and kind) is
shown beside the answer, not hidden: ``Decision.also``.

A question in words no ontology indicator has (娃娃上幼儿园比例, public green space per resident) is judged by
how much of its words a statement's name prints, and other people's words share little with a plan's
(幼儿园入园率 fits 0.40). When one statement fits clearly better than every other figure of the plan and
agrees on role, year, kind and unit, it answers (``Decision.loose``), saying which of the plan's
indicators it took the question for, so the user checks the reading instead of getting 文档未提及. On the
labelled sets, the words-path 文档未提及 were answerable questions in 32 of 35 cases, and their best
candidate was the labelled figure in 26 of those 32.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from qa.answer.lookup import LEAD_MIN, MATCH, Candidate
from qa.answer.understand import Ask
from qa.figures import vocab as V
from qa.figures.vocab import rule
from qa.models import Document

ROLE_ZH = {"level": "总量", "growth": "增速", "change": "变化幅度", "share": "比重（比率）", "ratio": "结构比例"}
KIND_ZH = {"target": "目标值", "baseline": "基期（实际）值"}


@dataclass
class Decision:
    best: Candidate | None
    reason: str | None = None
    note: str | None = None
    related: list[Candidate] = field(default_factory=list)
    also: Candidate | None = None
    confidence: float = 0.0
    loose: bool = False  # answered by the clear lead of a question in other words (not an indicator it named)
    also_stretch: bool = False  # ``also`` is the same sentence's stretch goal (力争) beside a plain one
    trace: list[str] = field(default_factory=list)  # the decision's own rules that fired


STRETCH = rule("decide.stretch", r"力争|争取|努力", "a figure striven for beyond the plain goal of the same sentence",
               ("区域工业增加值力争实现", "争取达到"), ("区域工业增加值实现",))
LEAD_MARGIN = 0.4  # how far it must lead every other figure of the plan (about one agreeing role or kind)


BOUND_TWIN = "decide.bound_twin"  # one figure stated twice: answered with the statement that gives its bound


def _stretch_beside(best: Candidate, also: Candidate | None) -> bool:
    """The related figure is a stretch goal (力争…) and the answer a plain one: shown as the goal striven for."""
    return also is not None and bool(STRETCH.search(also.statement.label)) and not STRETCH.search(best.statement.label)


def same_figure(a: Candidate, b: Candidate) -> bool:
    """One figure stated twice: the same value, unit and role, and no year or kind that differs (高中毛入学率达92%
    in the targets' list for 2015 and again, with no year, in the education chapter; 0.8万人 and 8000人)."""
    x, y = a.statement, b.statement
    if x.role != y.role:
        return False
    if x.value is None or y.value is None:
        return (x.value, x.unit) == (y.value, y.unit) and _same_time(x, y)
    (sx, ux), (sy, uy) = V.normalize_unit(x.unit), V.normalize_unit(y.unit)  # 0.8万人 in the table, 8000人 in the text
    return ux == uy and math.isclose(x.value * sx, y.value * sy, rel_tol=1e-9) and _same_time(x, y)


def _same_time(x, y) -> bool:  # noqa: ANN001 - two Statements
    return (None in (x.year, y.year) or x.year == y.year) and (None in (x.kind, y.kind) or x.kind == y.kind)


def _what(ask: Ask, c: Candidate | None) -> str:
    if ask.indicators:
        return ask.indicators[0].name
    if c is not None:
        return c.statement.name or c.statement.label
    return ask.core or "所问指标"


def decide(ask: Ask, doc: Document | None, cands: list[Candidate]) -> Decision:
    """Answer with the best candidate that agrees on indicator, role, year, kind and unit, or say why not."""
    where = f"{doc.named}{doc.plan or ''}规划" if doc else "规划"
    agreeing = [c for c in cands if c.agrees]
    if agreeing and agreeing[0].year_ok is None and ask.years_for(doc):
        # a figure of no known year answers a question about a year only if no closer figure is for another year
        first = agreeing[0]
        if any(c.year_ok is False and c.indicator >= first.indicator and c.role_ok for c in cands):
            agreeing = [c for c in agreeing if c.year_ok]
    if agreeing:
        best = agreeing[0]
        # one figure stated twice, once with its bound (占到…的30% and 要占到…的30%以上): the bound is part of the answer
        twin = next((c for c in agreeing[1:] if same_figure(c, best) and c.statement.qualifier
                     and not best.statement.qualifier and c.indicator >= best.indicator - 0.05), None)
        best = twin or best
        rivals = [c for c in cands if not same_figure(c, best)]
        margin = best.score - (rivals[0].score if rivals else 0.0)
        also = next((c for c in agreeing[1:] if not same_figure(c, best) and c.indicator >= 0.9
                     and best.score - c.score < 0.05 and c.statement.quote != best.statement.quote), None) \
            or next((c for c in agreeing[1:] if _stretch_of(best, c)), None)  # 力争实现25亿元 beside 实现23亿元
        conf = 0.35 + 0.4 * min(best.indicator, 1.0) + 0.25 * min(max(margin, 0.0), 1.0)
        return Decision(best, also=also, confidence=round(min(conf, 0.99), 3), also_stretch=_stretch_beside(best, also),
                        trace=[BOUND_TWIN] if twin else [])
    about = [c for c in cands if c.about]
    what = _what(ask, about[0] if about else None)
    lead = _clear_lead(ask, cands) if not about else None
    if lead is not None:
        top, margin = lead
        conf = 0.3 + 0.4 * top.indicator + 0.1 * min(margin, 1.0)
        stretch = next((c for c in cands[1:] if _stretch_of(top, c)), None)
        return Decision(top, confidence=round(min(conf, 0.6), 3), loose=True, also=stretch,
                        also_stretch=_stretch_beside(top, stretch))
    if not about:
        near = [c for c in cands if c.indicator >= MATCH / 2][:3]
        conf = 1.0 - max((c.indicator for c in cands), default=0.0) / 2
        return Decision(None, "no_figure", f"{where}没有给出“{what}”的数字", near, confidence=round(conf, 3))
    shown = about[:3]
    top = about[0]
    st = top.statement
    have = f"{st.text}（{st.year}年）" if st.year else st.text
    if not any(c.role_ok for c in about):
        asked = ROLE_ZH.get(ask.role or "", "所问的形式")
        note = f"{where}只给出了{what}的{ROLE_ZH.get(st.role, st.role)}（{have}），没有给出{asked}"
        return Decision(None, "other_role", note, shown, confidence=0.8)
    fitting = [c for c in about if c.role_ok]
    top = fitting[0]  # the nearest figure in the asked form: the first check it fails is the reason
    st = top.statement
    have = f"{st.text}（{st.year}年）" if st.year else st.text
    if top.year_ok is False:
        years = "、".join(str(y) for y in ask.years_for(doc))
        note = f"{where}没有给出{what}{years}年的数字，只有{st.year}年的{st.text}"
        other_form = next((c for c in about if c.year_ok and not c.role_ok), None)
        if other_form is not None:  # 2025年 only as a growth rate: say so too
            o = other_form.statement
            note += f"；{years}年只给出了{ROLE_ZH.get(o.role, o.role)}（{o.text}）"
        shown = [c for c in fitting if c.year_ok is False][:2] + ([other_form] if other_form else [])
        return Decision(None, "other_year", note, shown, confidence=0.85)
    if top.kind_ok is False:
        want = KIND_ZH.get(ask.kind_for(doc) or "", "")
        note = f"{where}没有给出{what}的{want}，只有{KIND_ZH.get(st.kind or '', '')}{have}"
        return Decision(None, "other_kind", note, fitting[:3], confidence=0.75)
    note = f"{where}给出的{what}（{have}）单位与所问的不同"
    return Decision(None, "other_unit", note, fitting[:3], confidence=0.7)


def _clear_lead(ask: Ask, cands: list[Candidate]) -> tuple[Candidate, float] | None:
    """The best candidate of a question asked in words (no ontology indicator) and its lead, when it leads every
    other figure by ``LEAD_MARGIN`` and nothing it states disagrees with the question (role, year, kind, unit)."""
    if ask.indicators or not cands:
        return None
    top = cands[0]
    if top.how != "words" or top.indicator < LEAD_MIN or not top.role_ok or False in (
            top.year_ok, top.kind_ok, top.unit_ok):
        return None
    # a figure in another unit, or (when the question says which) another form than the one asked, is no rival
    rival = next((c for c in cands[1:] if not same_figure(c, top) and not _its_change(ask, top, c)
                  and not _stretch_of(top, c)
                  and c.unit_ok is not False and (ask.role is None or c.role_ok)), None)
    margin = top.score - (rival.score if rival else 0.0)
    return (top, margin) if rival is None or margin >= LEAD_MARGIN else None


def _stretch_of(plain: Candidate, other: Candidate) -> bool:
    """工业增加值实现23亿元…力争实现25亿元: the figure the same sentence strives for beyond the plain goal is that goal's
    stretch, shown beside it (``also``), no rival that hides both."""
    x, y = plain.statement, other.statement
    return x.name == y.name and x.quote == y.quote and x.role == y.role and STRETCH.search(y.label) is not None \
        and STRETCH.search(x.label) is None


def _its_change(ask: Ask, level: Candidate, other: Candidate) -> bool:
    """招商引资到位资金8.74亿元，比2004年增长40.43%: asked by its name alone, a figure is its level; the change the
    same sentence states of it is another quantity, no rival."""
    x, y = level.statement, other.statement
    return ask.role is None and x.role == "level" and y.role in ("change", "growth") and x.name == y.name \
        and x.quote == y.quote
