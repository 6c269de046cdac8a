"""Is the question about something the store holds? Places, plan periods and years it names, checked first.

A question that names a region no ingested plan covers (火星市, Shanghai), a plan period no plan has
(十九五), a region and period no single plan combines, or years no plan in scope speaks of, is answered
by an honest abstention that names what is missing — never from another region's plan. An English
question naming a region is matched by pinyin (Datong district → 大同区) and read in Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.figures import vocab as V
from qa.figures.indicators import english_to_chinese
from qa.models import PLAN_PERIODS, Document
from qa.text.places import PROVINCES, place_words, region_aliases

SUFFIX = r"(?:特别行政区|自治区|自治州|自治县|地区|新区|省|市|县|区|旗|盟|州)"
PLACE = V.rule(
    "scope.place",
    rf"(?:^|(?<=[，,、和与及对比在的？?：:\s（(“]))(?P<place>[\u4e00-\u9fff]{{1,8}}?{SUFFIX})"
    r"(?!场|民|政|容|域|位|划|内|外|级|委|属|长|中心|直|府|情|志|属|份|里)(?=[\u4e00-\u9fff\d“（(，,的]|$)",
    "a place named in a question (火星市到2010年…, 对比阳泉市和大同区…), not 市场 or 区域",
    ("火星市到2010年地区生产总值", "对比阳泉市和大同区的目标"), ("生产总值是多少", "物业管理市场化运作率"))
# characters a place name does not hold
NOT_IN_PLACES = set("的与及是在有为到年期规划目标少什么哪要计实现运作率值")  # not 和(和田) 长(长沙) 达(达州)
# words that end like a place but name none
NOT_PLACES = frozenset({"全市", "全区", "全县", "全省", "全旗", "我市", "我区", "我县", "本市", "本区", "城区", "市区", "郊区",
                        "开发区", "园区", "社区", "景区", "矿区", "山区", "牧区", "林区", "灾区", "片区", "街区", "老区",
                        "城市", "地区", "新区", "辖区", "各区", "各市", "各县", "省市", "县区", "市县", "区县", "该市", "该区"})
EN_PLACE = V.rule(
    "scope.english_place",
    r"\b(?P<place>[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?)(?:'s)?\s+(?P<kind>district|city|county|prefecture|province|"
    r"banner|league|region|municipality)\b|\b(?:in|of|for)\s+(?P<place2>[A-Z][a-z]{2,}(?:[ -][A-Z][a-z]+)?)\b"
    r"|\b(?P<place3>[A-Z][a-z]{2,}(?:[ -][A-Z][a-z]+)?)'s\b",
    "a place named in an English question (Datong district's GDP, the GDP of Yangquan)",
    ("What is Datong district's planned GDP", "the GDP target of Yangquan in 2010", "Shanghai's GDP"),
    ("What is the GDP target",))
EN_NOT_PLACES = frozenset({"The", "China", "Chinese", "GDP", "Plan", "Five", "The Plan", "Year"})
EN_SUFFIX = {"district": "区", "city": "市", "county": "县", "prefecture": "州", "province": "省", "banner": "旗",
             "league": "盟", "region": "区", "municipality": "市"}


@dataclass
class Scope:
    """What the question may be answered from: the question as the engine reads it, and why not, if not."""

    question: str
    problem: str | None = None
    trace: list[str] = field(default_factory=list)


def _pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin  # only for questions with Latin letters

    return "".join(lazy_pinyin(text)).lower()


def _english(question: str, docs: dict[str, Document], trace: list[str]) -> tuple[str, list[str]]:
    """(the question with known English place names written in Chinese, the places no plan covers)."""
    if not re.search(r"[A-Za-z]{3,}", question):
        return question, []
    by_pinyin: dict[str, str] = {}
    for d in docs.values():
        for alias in region_aliases(d.region):
            stem = re.sub(rf"{SUFFIX}$", "", alias)
            if len(stem) >= 2:
                by_pinyin.setdefault(_pinyin(stem), alias)
    unknown: list[str] = []
    out = question
    for m in EN_PLACE.finditer(question):
        name = m.group("place") or m.group("place2") or m.group("place3")
        if not name or name in EN_NOT_PLACES:
            continue
        key = re.sub(r"[\s'-]+", "", name).lower()
        if key in by_pinyin:
            out = out.replace(m.group(0), m.group(0).replace(name, by_pinyin[key]), 1)
            trace.append("scope.english_place_matched")
        else:
            unknown.append(name + (f" {m.group('kind')}" if m.group("kind") else ""))
    return english_to_chinese(out), unknown


def named_places(question: str) -> list[str]:
    """Chinese place names in a question, longest match, generic words (全市, 开发区 …) left out."""
    out = []
    for m in PLACE.finditer(question):
        p = m.group("place")
        while p and p not in NOT_PLACES and len(p) > 2 and p[:2] in NOT_PLACES:
            p = p[2:]
        if p and p not in NOT_PLACES and not p.endswith(("开发区", "园区", "社区", "景区")) \
                and not NOT_IN_PLACES & set(p[:-1]):
            out.append(p)
    return out


def _years_covered(docs: list[Document], years_of: dict[str, set[int]]) -> set[int]:
    """The plan periods (and ten years before them) and every year the plans' own text names (二〇三五年)."""
    years: set[int] = set()
    for d in docs:
        if d.period_start and d.period_end:
            years.update(range(d.period_start - 10, d.period_end + 1))
        years.update(years_of.get(d.id, ()))
    return years


def check_scope(question: str, docs: dict[str, Document], years_of: dict[str, set[int]] | None = None,
                doc: str | None = None) -> Scope:
    """The question as the engine should read it, or why no plan of the store can answer it."""
    trace: list[str] = []
    q, unknown_en = _english(question, docs, trace)
    names = ", ".join(sorted({d.region or d.id for d in docs.values()}))
    if unknown_en:
        return Scope(q, f"没有{unknown_en[0]}的规划：本库收录的地区是 {names}", trace + [EN_PLACE.name])
    # the plans' own places: region, its parent city, its province (not every province place_words drops)
    provinces = set(PROVINCES)
    known = {w for d in docs.values() for w in place_words(d.region, d.province)
             if w not in provinces or w == d.province}
    places = named_places(q)
    missing = [p for p in places if p not in known and not any(p in k or k in p for k in known if len(k) >= 2)]
    if missing and len(missing) == len(places):
        return Scope(q, f"没有{missing[0]}的规划：本库收录的地区是 {names}", trace + [PLACE.name])
    in_region = [d for d in docs.values() if any(a in q for a in region_aliases(d.region))]
    scoped = in_region or list(docs.values())
    if doc and in_region and all(d.id != doc and not d.id.startswith(doc) for d in in_region):
        chosen = next((d for d in docs.values() if d.id == doc or d.id.startswith(doc)), None)
        if chosen is not None:
            return Scope(q, f"问题问的是{in_region[0].region}，但 --doc {chosen.id} 是{chosen.region}的规划",
                         trace + ["scope.doc_contradicts_region"])
    plans = [p for p in V.PLAN_MENTION.re.findall(q) if len(p) >= 2]
    for p in plans:
        if p not in PLAN_PERIODS and not any(d.plan == p for d in docs.values()):
            return Scope(q, f"没有{p}规划：本库收录的规划期是 {', '.join(sorted({d.plan for d in docs.values() if d.plan}))}",
                         trace + ["scope.unknown_plan"])
        if in_region and not any(d.plan == p for d in in_region) and not _names_a_past_period(p, in_region):
            have = ", ".join(f"{d.region}{d.plan}" for d in in_region)
            return Scope(q, f"没有{in_region[0].region}的{p}规划：本库只有 {have}", trace + ["scope.no_such_plan"])
    years = [int(m.group(1)) for m in V.YEAR_RE.finditer(q) if not V.Q_COMPARISON_YEAR.search(q[: m.start()])]
    if years and years_of is not None:
        covered = _years_covered(scoped, years_of)
        if not any(y in covered for y in years):
            return Scope(q, f"没有规划给出{years[0]}年的数字（{'、'.join(sorted({d.region or d.id for d in scoped}))}）",
                         trace + ["scope.year_not_covered"])
    return Scope(q, None, trace)


def _names_a_past_period(plan: str, docs: list[Document]) -> bool:
    """“十五”期间 in a 十一五 plan's question is its record of the past (the period just before), not another plan."""
    span = PLAN_PERIODS.get(plan)
    return bool(span) and any(d.period_start and span[1] == d.period_start - 1 for d in docs)
