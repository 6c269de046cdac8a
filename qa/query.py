"""What a question asks: which indicator, target or baseline, which year, what unit.

Shared by retrieval (to prefer the goal section for a target question) and by the
extractive engine (to pick the right figure); nothing here is tuned to one plan:
the plan period of the document decides which years are targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.indicators import canonical_indicators
from qa.models import PLAN_PERIODS

YEAR_RE = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
PLAN_RE = re.compile(r"“?(十[一二三四五六七八九]?五)”?")
TARGET_WORDS = re.compile(r"目标|计划|预计|力争|要达到|将达到|规划|预期|到20\d\d|期末|末|达到|争取")
BASELINE_WORDS = re.compile(r"完成了|实现了|现状|基数|基期|已经|已达|是多少元|当年")
GROWTH_WORDS = re.compile(r"增长|增速|增幅|递增|提高多少|(?:每年|年均).?增加|下降|降低|共降|降多少|降了")
SHARE_WORDS = re.compile(r"比重|占比|比例|覆盖率|率|占.{0,12}比")

UNIT_HINTS = [
    # 亿元/万元 followed by a noun name an indicator (万元生产总值能耗, 亿元以上项目), not the unit asked for
    ("亿元", re.compile(r"多少亿元|几亿|亿元(?![\u4e00-\u9fffA-Za-z])")),
    ("万元", re.compile(r"多少万元|万元(?![\u4e00-\u9fffA-Za-z])")),
    ("元", re.compile(r"多少元")),
    ("美元", re.compile(r"美元")),
    ("万人", re.compile(r"多少万人|万人(?![\u4e00-\u9fff])")),  # not 每10万人专利申请数
    ("人", re.compile(r"多少人")),
    ("万吨", re.compile(r"万吨|多少吨")),
    ("公顷", re.compile(r"公顷")),
    ("亩", re.compile(r"多少亩|万亩")),
    ("%", re.compile(r"百分之|%|％")),
]
COUNT_HINT = re.compile(r"(?:多少|几)([个家所座项台辆户名张栋条处])")  # 多少家 wants a count, not 8%


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

    def kind_for(self, period: tuple[int, int] | None, plan: str | None) -> str | None:
        """target or baseline for a plan with this period; None when the question does not say."""
        if period:
            start, end = period
            prev_plans = [p for p, (s, e) in PLAN_PERIODS.items() if e < start]
            if any(p in prev_plans for p in self.plans):
                return "baseline"
            for y in self.years:
                if y >= start:
                    return "target"
                if y < start:
                    return "baseline"
        if self.baseline_words and not self.target_words:
            return "baseline"
        if self.target_words or self.growth:
            return "target"
        return None


def parse(question: str) -> QueryInfo:
    q = question
    info = QueryInfo(question=q)
    info.indicators = canonical_indicators(q)
    # 比2010年增长多少: a comparison base, not the year asked about
    info.years = [int(m.group(1)) for m in YEAR_RE.finditer(q) if not re.search(r"(?:比|较|相比|与)$", q[: m.start()])]
    info.plans = [p for p in PLAN_RE.findall(q) if p in PLAN_PERIODS]
    for p in re.findall(r"“?([八九]五|十[一二三四五六七八九]?五)”?(?:期末|末)", q):
        if p in PLAN_PERIODS:
            info.years.append(PLAN_PERIODS[p][1])  # “十五”末 is the year 2005
    info.growth = bool(GROWTH_WORDS.search(q))
    info.share = bool(SHARE_WORDS.search(q))
    for unit, pat in UNIT_HINTS:
        if pat.search(q):
            info.unit_hint = unit
            break
    else:
        m = COUNT_HINT.search(q)
        info.unit_hint = m.group(1) if m else None
    info.target_words = bool(TARGET_WORDS.search(q))
    info.baseline_words = bool(BASELINE_WORDS.search(q))
    return info


TARGET_SECTION = re.compile(r"目标|指标|预期|任务")
BASELINE_SECTION = re.compile(r"回顾|成就|基础(?!设施|建设|教育|研究|保障)|现状|现实|成绩|总结")


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
