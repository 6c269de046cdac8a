"""Which plans a question is about, and whether the store holds what it names — checked before any figure.

A question that names a place no ingested plan covers (桃源县, 火星市, Shanghai), only the parent city or
province of a held district (大庆市 when only 大庆市大同区 is held), a plan period none has (十九五), a region
and period no single plan combines, or years no plan in scope speaks of, is answered by an honest
abstention that names what is missing — never from another region's plan. The plans in scope are those
its places name, narrowed by the plan periods and years it names and by the caller's filters.
"""

from __future__ import annotations

import re

from qa.answer.understand import Ask
from qa.figures import vocab as V
from qa.models import PLAN_PERIODS, Document
from qa.retrieve.scope import doc_matches
from qa.text.places import region_aliases

# a place the gazetteer does not list: only the suffixes of cities, counties and provinces (X区 names zones as
# often as districts: 中心商贸区, 临空经济区, 一核两廊三区)
SUFFIX = r"(?:特别行政区|自治区|自治州|自治县|省|市|县|旗|盟|州)"
PLACE = V.rule(
    "scope.place",
    rf"(?:^|(?<=[，,、和与及对比在的？?：:\s（(“]))(?P<place>[\u4e00-\u9fff]{{1,8}}?{SUFFIX})"
    r"(?!场|民|政|容|域|位|划|内|外|级|委|属|长|中心|直|府|情|志|属|份|里)(?=[\u4e00-\u9fff\d“（(，,的]|$)",
    "a place named in a question (火星市到2010年…, 对比阳泉市和火星县…), not 市场, 区域 or a zone (商贸区)",
    ("火星市到2010年地区生产总值", "对比阳泉市和火星县的目标"), ("生产总值是多少", "物业管理市场化运作率", "优化中心商贸区"))
# characters a place name does not hold
NOT_IN_PLACES = set("的与及是在有为到年期规划目标少什么哪要计实现运作率值")  # not 和(和田) 长(长沙) 达(达州)
# words that end like a place but name none
NOT_PLACES = frozenset({"全市", "全区", "全县", "全省", "全旗", "我市", "我区", "我县", "本市", "本区", "城区", "市区", "郊区",
                        "开发区", "园区", "社区", "景区", "矿区", "山区", "牧区", "林区", "灾区", "片区", "街区", "老区",
                        "城市", "地区", "新区", "辖区", "各区", "各市", "各县", "省市", "县区", "市县", "区县", "该市", "该区"})


def _unlisted_places(text: str) -> list[str]:
    """Names shaped like places that the gazetteer does not list either (火星市): no plan covers them."""
    out = []
    for m in PLACE.finditer(text):
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


def _names_a_past_period(plan: str, docs: list[Document]) -> bool:
    """“十五”期间 in a 十一五 plan's question is its record of the past (the period just before), not another plan."""
    span = PLAN_PERIODS.get(plan)
    return bool(span) and any(d.period_start and span[1] == d.period_start - 1 for d in docs)


def scope_problem(ask: Ask, docs: dict[str, Document], years_of: dict[str, set[int]] | None,
                  doc: str | None, unknown_english: list[str]) -> tuple[str, str] | None:
    """(reason code, the reason in the user's words) when no plan of the store can answer, else None."""
    names = "、".join(sorted({d.named for d in docs.values()}))
    if unknown_english and not ask.places.held:
        return "place_not_held", f"没有{unknown_english[0]}的规划（本库收录的地区：{names}）"
    problem = ask.places.problem(docs)
    if problem:
        note = problem[1]
        for zh, en in ask.spelled.items():  # 没有上海市（Shanghai）的规划: in the words the user wrote too
            note = note.replace(f"没有{zh}", f"没有{zh}（{en}）", 1)
        return problem[0], note
    if not ask.places.held and (unlisted := _unlisted_places(ask.text)):
        return "place_not_held", f"没有{unlisted[0]}的规划（本库收录的地区：{names}）"
    held = [docs[i] for i in ask.places.held if i in docs]
    if doc and held and all(not doc_matches(d.id, doc) for d in held):
        chosen = next((d for d in docs.values() if doc_matches(d.id, doc)), None)
        if chosen is not None:
            return "doc_contradicts_region", f"问题问的是{held[0].named}，但 --doc {chosen.id} 是{chosen.named}的规划"
    for p in dict.fromkeys(ask.plans):
        if held and not any(d.plan == p for d in held) and not _names_a_past_period(p, held):
            have = "、".join(f"{d.named}{d.plan or ''}" for d in held)
            return "period_not_held", f"没有{held[0].named}的{p}规划（本库只有 {have}）"
        if p not in PLAN_PERIODS or not any(d.plan == p for d in docs.values()) and not _names_a_past_period(
                p, held or list(docs.values())):
            plans = "、".join(sorted({d.plan for d in docs.values() if d.plan}))
            return "period_not_held", f"没有{p}规划（本库收录的规划期：{plans}）"
    if ask.years and years_of is not None:
        pool = held or list(docs.values())
        covered = _years_covered(pool, years_of)
        if not any(y in covered for y in ask.years):
            regions = "、".join(sorted({d.named for d in pool}))
            return "year_not_held", f"没有规划给出{ask.years[0]}年的数字（{regions}）"
    return None


TOWNSHIP = V.rule("q.township", r"[\u4e00-\u9fff]{2,3}?(?:乡|镇|街道|苏木)(?![下村])",
                  "a township named (小拐乡): the one plan whose text prints it is the plan asked about",
                  ("小拐乡那边搞滴灌", "林源镇的防沙林"), ("城乡居民", "乡下的人"))


def within_township(ask: Ask, plans: list[Document], chunks: list) -> list[Document]:  # noqa: ANN001
    """The plans narrowed to the one that prints a township the question names, when it names no held place."""
    if ask.places.held or len(plans) < 2:
        return plans
    ids = {d.id for d in plans}
    for m in TOWNSHIP.finditer(ask.without_places()):  # 克拉玛依区小拐乡: the township is 小拐乡, not 区小拐乡
        name = re.sub(r"^[在到去从和与及是住]+", "", m.group())  # 在小拐乡: the place is 小拐乡
        if len(name) < 3 or re.search(r"[城区市县全里的]", name):
            continue
        printing = {c.doc_id for c in chunks if c.doc_id in ids and name in c.clean}
        if len(printing) == 1:
            ask.trace.append(f"{TOWNSHIP.name}={name}")
            return [d for d in plans if d.id in printing]
    return plans


def plans_in_scope(ask: Ask, docs: dict[str, Document], doc: str | None = None, region: str | None = None,
                   plan: str | None = None, chunks: list | None = None) -> list[Document]:
    """The plans the question is about: its places, narrowed by the plan periods and years it names, within the
    caller's filters; every plan when it names none (but a township only one plan's ``chunks`` print)."""
    pool = [d for d in docs.values() if (not doc or doc_matches(d.id, doc))
            and (not region or region == d.region or region in region_aliases(d.region))
            and (not plan or d.plan == plan)]
    held = [d for d in pool if d.id in ask.places.held]
    pool = held or pool
    named = [d for d in pool if d.plan in ask.plans]
    if named:
        pool = named
    firsts: dict[str, str] = {}
    for d in sorted(pool, key=lambda d: d.id):  # the same plan under two names counts once
        firsts.setdefault(d.sha256, d.id)
    pool = [d for d in pool if firsts[d.sha256] == d.id]
    if len(pool) > 1 and ask.years:
        by_year = [d for d in pool if d.period_start and any(d.period_start - 5 <= y <= (d.period_end or 0)
                                                             for y in ask.years)]
        pool = by_year or pool
    pool = sorted(pool, key=lambda d: d.id)
    return within_township(ask, pool, chunks) if chunks else pool
