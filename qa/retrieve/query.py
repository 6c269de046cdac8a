"""What a question asks: which indicator, target or baseline, which year, what unit.

Shared by retrieval (to prefer the goal section for a target question) and by the answer
engine (to pick the right statement); every pattern is a named rule of ``qa.figures.vocab``,
and nothing is tuned to one plan: the plan period of the document decides which years are targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.figures import vocab as V
from qa.figures.indicators import RATE_NAMES, canonical_indicators, english_to_chinese
from qa.models import PLAN_PERIODS


@dataclass
class QueryInfo:
    question: str
    indicators: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    growth: bool = False
    share: bool = False
    unit_hint: str | None = None
    target_words: bool = False
    baseline_words: bool = False
    trace: list[str] = field(default_factory=list)

    def kind_for(self, period: tuple[int, int] | None, plan: str | None) -> str | None:
        """target or baseline for a plan with this period; None when the question does not say."""
        if period:
            start, _end = period
            prev_plans = [p for p, (_s, e) in PLAN_PERIODS.items() if e < start]
            if any(p in prev_plans for p in self.plans):
                return "baseline"
            for y in self.years:
                return "target" if y >= start else "baseline"
        if self.baseline_words and not self.target_words:
            return "baseline"
        if self.target_words or self.growth:
            return "target"
        return None


def _without_rate_names(text: str) -> str:
    for name in RATE_NAMES:
        text = text.replace(name, "□" * len(name))
    return text


def parse(question: str) -> QueryInfo:
    """The typed reading of a question (an English question is read through its Chinese indicator names)."""
    q = english_to_chinese(question)
    info = QueryInfo(question=q)
    info.indicators = canonical_indicators(q)
    # 比2010年增长多少: a comparison base, not the year asked about
    for m in V.YEAR_RE.finditer(q):
        if V.Q_COMPARISON_YEAR.search(q[: m.start()]):
            info.trace.append(V.Q_COMPARISON_YEAR.name)
        else:
            info.years.append(int(m.group(1)))
    info.plans = [p for p in V.PLAN_MENTION.re.findall(q) if p in PLAN_PERIODS]
    for m in V.PLAN_END_IN_Q.finditer(q):
        if m.group(1) in PLAN_PERIODS:
            info.years.append(PLAN_PERIODS[m.group(1)][1])  # “十五”末 is the year 2005
    # 人口自然增长率 names a level: its growth word asks for no growth rate
    info.growth = bool(V.Q_GROWTH.search(_without_rate_names(q)))
    info.share = bool(V.Q_SHARE.search(q))
    for unit, r in V.UNIT_HINTS:
        if r.search(q):
            info.unit_hint = unit
            info.trace.append(r.name)
            break
    else:
        m = V.Q_COUNT.search(q)
        info.unit_hint = (m.group(1) or m.group(2)) if m else None
        if m:
            info.trace.append(V.Q_COUNT.name)
    info.target_words = bool(V.Q_TARGET.search(q))
    info.baseline_words = bool(V.Q_BASELINE.search(q))
    info.trace += [r.name for r, on in ((V.Q_GROWTH, info.growth), (V.Q_SHARE, info.share),
                                        (V.Q_TARGET, info.target_words), (V.Q_BASELINE, info.baseline_words)) if on]
    return info


TARGET_SECTION = V.rule("retrieve.goal_section", r"目标|指标|预期|任务", "a section a target question prefers",
                        ("发展目标", "主要任务"), ("发展基础",))
BASELINE_SECTION = V.rule("retrieve.record_section", r"回顾|成就|基础(?!设施|建设|教育|研究|保障)|现状|现实|成绩|总结",
                          "a section a baseline question prefers", ("现实基础", "工作总结"), ("基础设施",))


def chunk_kind_cues(text: str, section: str, period: tuple[int, int] | None) -> tuple[float, float]:
    """How much a chunk reads like a goal (target) and like a record of the past (baseline)."""
    t = b = 0.0
    if TARGET_SECTION.search(section):
        t += 1
    if BASELINE_SECTION.search(section):
        b += 1
    if period:
        start, end = period
        if re.search(rf"到\s*{end}\s*年|{end}\s*年|期末|力争|预计", text):
            t += 1
        prev = next((p for p, (_, e) in PLAN_PERIODS.items() if e == start - 1), None)
        prev_re = rf"|“?{prev}”?(?:期末|末|期间|时期)" if prev else ""
        if re.search(rf"{start - 1}\s*年{prev_re}|完成|实现了|由.{{0,20}}(?:增|提高)", text):
            b += 1
    return t, b
