"""A brief's headline indicators, selected from the plan's stored statements.

Table statements of one row (base, target, growth, text cells, sub-rows) become one ``Indicator``;
prose statements of the plan's 发展目标 / 主要目标 sections become one per indicator and sentence
(a level, its yearly growth and the base of 由X提高到Y); a target without a base takes it from the
plan's 发展基础 record of the same indicator and unit. No text is read again here.
"""

from __future__ import annotations

import contextlib
import re
from functools import lru_cache

from pydantic import ValidationError

from qa.brief.view import DocView
from qa.figures import vocab as V
from qa.figures.indicators import alias_canon
from qa.models import Citation, Indicator, Statement

HEADING_NUMBER = V.rule(
    "brief.heading_number",
    r"^(?:第[一二三四五六七八九十百零〇\d]+[篇章节部分]+\s*|[一二三四五六七八九十]+[、.．]\s*|[（(][一二三四五六七八九十\d]+[)）]\s*"
    r"|\d{1,2}[.、．]\s*|专栏\s*[-—]?\s*\d*\s*)",
    "the numbering of a heading", ("二、发展目标", "（四）主要指标"), ("发展目标",))
HEADLINE = V.rule("brief.headline_section", r"(?:目标|指标|指标表)$",
                  "a heading where a plan states its headline targets (not 远景目标)", ("发展目标", "主要指标"),
                  ("产业发展",))
RECORD_WORDS = V.rule("brief.record_section", r"基础(?!设施)|回顾|成就|现实|成绩|完成情况",
                      "a heading that reports where the plan starts from", ("发展基础", "“十五”主要成就"),
                      ("基础设施",))
OTHER_TOPIC = V.rule("brief.other_topic", r"目标|指标|指导|原则|形势|任务|思路|战略|机遇|挑战|问题|设想|定位|重点",
                     "a heading about something else than the record", ("指导思想",), ("发展基础",))
VERB_START = V.rule("brief.verb_start",
                    r"^(?:重点|推进|加快|实施|建设|推动|打造|积极|大力|着力|引进|新建|扩建|开展|组织|围绕|通过|依托)",
                    "a name that starts with a verb is an action, not an indicator", ("加快建设",), ("地区生产总值",))
SCOPE_WORDS = {"城镇", "农村", "城市", "城乡", "总数", "总量", "合计", "总计", "全年", "人均", "年均", "比重", "其中", "规模", "指标"}


@lru_cache(maxsize=4096)
def heading_title(text: str) -> str:
    """``二、发展目标`` → 发展目标; ``专栏-3现代产业…`` → 现代产业…"""
    return HEADING_NUMBER.sub("", text.strip()).strip()


@lru_cache(maxsize=4096)
def is_target_section(section: str) -> bool:
    """发展目标 / 主要目标 / …指标 sections (not 远景目标): where a plan states its headline targets."""
    parts = [p for p in section.split(" > ") if p]
    for i, part in enumerate(parts):
        t = re.sub(r"[(（][^)）]*[)）]$", "", heading_title(part)).strip()
        if "远景" in part or not HEADLINE.search(t) or len(t) > 20:
            continue
        if i == len(parts) - 1 or not re.search(r"[和与及、，]", t):
            return True
    return False


@lru_cache(maxsize=4096)
def is_baseline_section(section: str) -> bool:
    """The deepest heading that speaks of either decides: ``发展基础 > （一）经济发展`` is a record,
    ``发展基础、形势与预期 > 三、…发展目标`` is not."""
    if is_target_section(section):
        return False
    for part in reversed([p for p in section.split(" > ") if p]):
        if RECORD_WORDS.search(part):
            return True
        if OTHER_TOPIC.search(part):
            return False
    return False


def category_of(section: str) -> str | None:
    last = section.split(" > ")[-1] if section else ""
    t = re.sub(r"[(（][^)）]*[)）]$", "", heading_title(last))
    t = re.sub(r"(?:类指标|指标|类目标|目标)$", "", t)
    if not t or t in ("发展", "主要", "总体", "奋斗", "规划", "主要发展") or re.search(r"[，、。“”]", t) or len(t) > 8:
        return None
    return t


def valid_name(name: str) -> bool:
    return (2 <= len(name) <= 40 and bool(re.search(r"[\u4e00-\u9fff]", name))
            and not re.match(r"^[占比较与和及或同由等]", name) and not VERB_START.match(name)
            and name not in SCOPE_WORDS and not re.search(r"[。！？]", name) and not re.fullmatch(r"[\d.%]+", name))


def _key(ind: Indicator) -> str:
    return ind.canonical or Indicator.norm(ind.name)


def table_indicators(view: DocView) -> list[Indicator]:
    """One Indicator per table row (with its sub-rows), in printed order."""
    groups: dict[str, list[Statement]] = {}
    for st in view.statements:
        if st.source == "table" and st.group:
            groups.setdefault(st.group, []).append(st)
    out: list[Indicator] = []
    for sts in groups.values():
        ind = _row_indicator(view, sts)
        if ind is not None:
            out.append(ind)
    return out


def _row_indicator(view: DocView, sts: list[Statement]) -> Indicator | None:
    own = [s for s in sts if not s.breakdown]
    subs = list(dict.fromkeys([b for s in sts for b in s.subrows] + [b for s in sts for b in s.breakdown]))
    first = (own or sts)[0]
    name = first.name if own else re.sub(r"（[^（）]*）$", "", first.name)

    def pick(pred) -> Statement | None:  # noqa: ANN001
        return next((s for s in own if pred(s)), None) or next((s for s in sts if pred(s)), None)

    base = pick(lambda s: s.kind == "baseline" and "table.base_column" in s.trace)
    target = pick(lambda s: "table.target_column" in s.trace)
    growth = pick(lambda s: "table.growth_column" in s.trace)
    level = next((s for s in (base, target) if s is not None and s.unit), None)
    unit = level.unit if level else (growth.unit if growth and growth.value is not None else first.unit)
    qualifier = None
    if target is not None and target.value is not None:
        qualifier = "累计" if target.cumulative else target.qualifier
    elif growth is not None:
        qualifier = growth.qualifier
    gs, _, ge = (first.group or "").rpartition(":")[2].partition("-")
    start, end = (int(gs), int(ge)) if gs.isdigit() and ge.isdigit() else (min(s.start for s in sts),
                                                                          max(s.end for s in sts))
    try:
        return Indicator(
            name=name, canonical=first.indicator, category=first.category,
            base_year=base.year if base and base.value is not None else None,
            base_value=base.value if base else None,
            target_year=target.year if target else None,
            target_value=target.value if target else None, target_text=target.text_value if target else None,
            growth=growth.value if growth else None, growth_text=growth.text_value if growth else None,
            unit=unit, qualifier=qualifier, growth_qualifier=growth.qualifier if growth else None,
            binding=next((s.binding for s in sts if s.binding), None), breakdown=subs, source="table",
            citation=view.cite(start, end, first.section),
        )
    except ValidationError:
        return None


EXPLICIT_YEAR = ("year.own_clause", "year.sentence")


def _headline_target(st: Statement, period: tuple[int, int] | None) -> bool:
    """A figure of a 发展目标 section that is a goal of this plan: not a change's start, not a stated
    year outside the plan period, not a change in 个百分点 or a total change over the period."""
    if st.source != "prose" or not is_target_section(st.section) or st.value is None or st.parts:
        return False
    if st.unit == "个百分点" or st.role == "change" or not valid_name(st.name) or V.ORIGIN.name in st.trace:
        return False
    explicit = any(t in st.trace for t in EXPLICIT_YEAR)
    return not (explicit and period and st.year is not None and not period[0] <= st.year <= period[1])


def prose_indicators(view: DocView) -> list[Indicator]:
    """Targets stated in sentences of the plan's 发展目标 / 主要目标 sections."""
    d = view.doc
    period = (d.period_start, d.period_end) if d.period_start and d.period_end else None
    by_sentence: dict[tuple[int, int, str], list[Statement]] = {}
    for st in view.statements:
        if _headline_target(st, period):
            by_sentence.setdefault((st.start, st.end, st.name), []).append(st)
    lead_category = _line_categories(view)
    out: list[Indicator] = []
    seen: set[tuple[str, str, str]] = set()
    for (s, e, name), sts in by_sentence.items():
        target = next((x for x in sts if x.role in ("level", "share")), None)
        growth = next((x for x in sts if x.role == "growth"), None)
        if target is None and growth is None:
            continue
        g = None
        if growth is not None and growth.value is not None:
            g = -growth.value if V.DECLINE.search(growth.label[-6:]) else growth.value
        base = next((x for x in sts if x.base_value is not None), None)
        exact = alias_canon(name)
        line = next((u.line for u in view.units if u.start <= s < u.end), -1)
        category = lead_category.get(line) or category_of(sts[0].section)
        try:
            ind = Indicator(
                name=exact or name, canonical=sts[0].indicator, category=category,
                base_year=base.base_year if base else None, base_value=base.base_value if base else None,
                target_year=_target_year(target, period) if target else None,
                target_value=target.value if target else None,
                growth=g, unit=(target.unit if target else None) or (base.base_unit if base else None),
                qualifier=("累计" if target.cumulative else target.qualifier) if target else
                (growth.qualifier if growth else None),
                growth_qualifier=growth.qualifier if growth else None, source="prose",
                citation=view.cite(s, e, sts[0].section),
            )
        except ValidationError:
            continue
        key = (ind.name, str(ind.target_value), str(ind.growth))
        if key not in seen:
            seen.add(key)
            out.append(ind)
    return out


def _target_year(st: Statement, period: tuple[int, int] | None) -> int | None:
    """The year a headline target is for: its own when stated, else the plan's last year."""
    if any(t in st.trace for t in EXPLICIT_YEAR) or not period:
        return st.year
    return period[1]


def _line_categories(view: DocView) -> dict[int, str]:
    """A paragraph that is only a short lead (—— 经济发展。) names the category of the lines after it."""
    out: dict[int, str] = {}
    current: str | None = None
    for u in view.units:
        m = re.fullmatch(r"[—\-－]*\s*([\u4e00-\u9fff]{2,6})[。:：]", u.text.strip())
        if m and is_target_section(u.section):
            current = m.group(1)
            continue
        if current:
            out.setdefault(u.line, current)
    return out


def baseline_values(view: DocView) -> dict[str, tuple[float, str | None, int | None, Citation]]:
    """canonical indicator → (value, unit, year, citation) from the plan's 发展基础 sections."""
    period = view.doc.period_start
    out: dict[str, tuple[float, str | None, int | None, Citation]] = {}
    for st in view.statements:
        if st.source != "prose" or not is_baseline_section(st.section) or st.value is None \
                or st.role not in ("level", "share"):
            continue
        canon = st.indicator
        if not canon or canon in out or alias_canon(st.name) != canon or st.kind != "baseline" \
                or V.ORIGIN.name in st.trace:
            continue
        if period and st.year and not (period - 6 <= st.year <= period - 1):
            continue
        out[canon] = (st.value, st.unit, st.year, view.cite(st.start, st.end, st.section))
    return out


def attach_baselines(indicators: list[Indicator], baselines: dict[str, tuple[float, str | None, int | None, Citation]]
                     ) -> list[Indicator]:
    """Fill a target's missing base value from the 发展基础 sentence of the same indicator and unit."""
    out = []
    for ind in indicators:
        b = baselines.get(ind.canonical or "")
        if (b and ind.base_value is None and ind.target_value is not None and ind.unit == b[1]
                and ind.canonical == alias_canon(ind.name)):
            with contextlib.suppress(ValidationError):  # a base its quote does not print is left out
                ind = Indicator.model_validate({**ind.model_dump(), "base_value": b[0], "base_year": b[2],
                                                "base_citation": b[3].model_dump()})
        out.append(ind)
    return out


def extract_indicators(view: DocView) -> list[Indicator]:
    """Table indicators first, then prose targets the table does not already state."""
    table = table_indicators(view)
    have = {_key(i) for i in table}
    prose = [i for i in prose_indicators(view) if _key(i) not in have]
    return attach_baselines(table + prose, baseline_values(view))
