"""Questions across plans: rankings (哪个地区…最高), comparisons (对比 A和B), one indicator over every plan.

The answer is a table: one row per plan in scope with the value, unit, qualifier, year and kind of its
statement of the indicator, each cell cited, or "未提及" when the plan does not state it. Levels, growth
rates and shares never share a column (the question's role picks one); values are compared after unit
scaling (亿元 vs 万元); a ranking names the winner, which plans do not state the indicator, and whether
the values compared carry different qualifiers or years.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from qa.answer.decide import Decision, decide
from qa.answer.lookup import candidates
from qa.answer.understand import Ask
from qa.figures import vocab as V
from qa.figures.ontology import Indicator, ontology, statement_indicator
from qa.models import Answer, CrossRow, Document, Statement

# the ranking words both rules share
_RANKING = (r"最(?:高|低|猛|激进|保守|快|慢|大|小|多|少|薄|厚)|排名|排序|更严|更宽松|[更较](?:高|低|快|慢|多|少|大|小|猛|激进|保守)|"
            r"孰(?:高|低|快|慢|多|少|大|小)|何者更?(?:高|低|快|慢|多|少|大|小)|\bversus\b")
RANK = V.rule("q.rank", _RANKING + r"|谁.{0,6}(?:高|低|快|慢|多|少)|谁.{0,24}(?:高|低|快|慢|多|少|大|小)(?:一点|一些)|"
                        r"哪(?:个|一个|一方|方|边).{0,16}(?:更高|更低|更快|更慢|更多|更少|更大|更小|高|低)|\bvs\.?(?=\s)|"
                        r"(?:高|低|快|慢|多|少|大|小)的?是哪(?:个|一个|家|边|方)|" + V.which_ends("多|少|大|小|快|慢"),
              "a ranking across plans", ("哪个地区的目标最高", "谁的增速更快", "哪个地方定的增速目标最猛", "哪一方较低",
                                         "规划期末人口哪个多？", "绿地率目标孰高？", "分别为多少，何者更高？",
                                         "谁的工业增加值年均增速定得更猛？", "高中毛入学率 目标 阳泉 vs 二连浩特",
                                         "农民收入每年涨得快的是哪个？", "谁家规划里每年压能耗的力度小一点？"),
              ("是多少", "哪个规划的人口是多少？", "哪个地方的面积多大"))
# the ranking words alone, taken out of a table's core (RANK's 哪边…更多 spans would take the indicator with them)
RANK_WORDS = V.rule("q.rank_words", _RANKING + r"|的?是哪(?:个|家|边)|哪(?:一个|个|一方|方|边)|谁|\bvs\.?|"
                                    r"(?<=[\u4e00-\u9fff])[高低大小快慢](?:一些|一点|些|点)?$",
                    "the words that rank, without what is ranked", ("哪边让投资得更多", "谁的增速更快", "绿地率目标孰高"),
                    ("投资", "增速", "高中毛入学率"))
COMPARE = V.rule("q.compare", r"对比|比较|相比|分别是多少|分别为多少|各规划|各地区|各个|所有规划|每个规划|几个规划|"
                              r"[两三四五]个(?:规划|地区)|哪些规划|哪个规划|哪个地区|各区|各市|各是多少|各为多少|各自|"
                              r"各地|[两三四五几]份规划|哪一?份|挨个|逐个|一个个",
                 "a comparison or an indicator over several plans", ("各规划的森林覆盖率", "对比阳泉和大同区",
                                                                      "五份规划中，哪一份的目标最低"),
                 ("大同区的地区生产总值",))
LOWEST = V.rule("q.lowest", r"(?<!高)谁[^，。？?高快多大]{0,8}?(?<![降减缩压])(?:低|慢|少|小)|最保守|最低|最慢|最小|最少|最薄|(?:低|慢|少|小)的?是哪(?:个|一个|家|边|方)|[更较](?:低|慢|小|少|保守)|(?:低|慢|小|少)一[些点]|更严|最严|(?<!孰高)(?<!孰快)(?<!孰大)(?<!孰多)孰(?:低|慢|小|少)|何者更?(?:低|慢|小|少)|"
                           + V.which_ends("少|小|慢"),
                "a ranking from the bottom", ("哪个最低", "哪一方较低", "孰低", "哪个少？", "哪个低一些", "GDP底子谁家最薄", "城镇失业率 谁低"),
                ("最高", "能耗降低最多", "哪个多少？", "孰高孰低", "谁高谁低", "谁的能耗降低得多"))
WHO = V.rule("q.crossplan_glue", r"(?<![转出])让|(?<=[\u4e00-\u9fff])得$|谁|何者|所定的?|地区|规划|哪个|各地|各|每家|每个|列表|列出|一览|(?<!首)都(?!市)|^这|更严|更宽松|最宽松|最严|控制得|定得|对|这几个|三个|两个|五个|分别|之间|"
                                 r"^(?:[跟与和同](?:相?比(?![重例率]))?|相?比(?![重例率]))|(?<![多减缺])[多少]$",
             "the words of a cross-plan question that name no indicator (X跟Y比 … 哪个多, its places already gone)",
             ("谁最高", "各地规划", "跟比人口多", "这生活垃圾无害化处理都每家都", "让投资得"),
             ("财政收入", "比重", "减少", "都市农业", "土地出让收入"))
Q_BASE_KIND = V.rule("q.crossplan_base", r"基期|基数|起点|现状|上一个五年|上个五年|规划前|期初|“?十[一二三]?五”?末.{0,4}(?:实际|完成)|完成了|实现了|已(?:经)?(?:实现|完成|达到)|上一(?:个|轮|部)?规划",
                     "a comparison of where plans start", ("基期值", "完成了多少", "上一规划期末已实现的地区经济总量"), ("目标",))


def is_crossplan(ask: Ask, plans: list[Document]) -> bool:
    """Several plans named, or a ranking/comparison over the plans in scope (分别 inside one plan is not), or a
    figure asked of no plan in particular while several are in scope."""
    held = ask.places.held
    if len(held) >= 2:
        return True
    if held:
        return False
    return len(plans) >= 2


def _kind(ask: Ask, doc: Document) -> str:
    """A year the question names decides, plan by plan (2005年 is the record of a 十一五 plan); else its words."""
    if Q_BASE_KIND.search(ask.text) and not ask.years:
        return "baseline"
    return ask.kind_for(doc) or "target"


SECTORS = ("第一产业增加值", "第二产业增加值", "第三产业增加值")


def sector_asked(canon: list[str]) -> int | None:
    """The sector whose share is asked (第三产业增加值占地区生产总值比重 → 2), or None."""
    return next((i for i, name in enumerate(SECTORS) if any(c.startswith(name) or c == name[:4] for c in canon)), None)


def from_structure(sts: list[Statement], doc: Document, kind: str, sector: int) -> CrossRow | None:
    """第三产业比重 read off 三次产业结构 a:b:c (its third part), the plan's own structure statement."""
    found = [s for s in sts if len(s.parts) == 3 and re.search("产业|三产", s.label + s.context) and s.kind == kind]
    if not found:
        return None
    end = doc.period_end if kind == "target" else (doc.period_start or 1) - 1
    # 由45:30:25调整为26.3:45.7:28: the later one (both in one sentence: the later figure)
    st = min(found, key=lambda s: (s.year != end, -s.start, -(s.value_start or 0)))
    value = st.parts[sector]
    shown = format(value, "g")
    return CrossRow(doc_id=doc.id, region=doc.named, plan=doc.plan, indicator=SECTORS[sector], value=value,
                    unit="%", year=st.year, kind=kind, role="share",
                    text=f"{shown}%（三次产业结构 {st.raw}）", citation=st.citation())


def answer_crossplan(ask: Ask, plans: list[Document], corpus) -> Answer | None:  # noqa: ANN001
    """The table answer: each plan's figure chosen exactly as a single-plan question would choose it (the same
    lookup and decision), or None when the question names nothing to compare."""
    if not ask.indicators and len(ask.core) < 2:
        return None
    role = ask.role or "level"
    # a table of growth compares rates: 年均增加450元 is growth but no cell beside 年均增长10%
    table_ask = replace(ask, role=role, core=WHO.sub("", COMPARE.sub("", RANK_WORDS.sub("", ask.core))),
                        unit_hint=ask.unit_hint or ("%" if role == "growth" else None))
    rows: list[CrossRow] = []
    for d in plans:
        dkind = _kind(ask, d)
        one = replace(table_ask, kind_words=dkind) if ask.kind_for(d) is None else table_ask
        sts = corpus.of_docs({d.id})
        decision = _decided(one, d, sts, dkind)
        if decision.best is None and ask.role is None and not ask.indicators:
            # no role asked and no indicator named: the words' figure may be a rate (生活垃圾无害化处理 … 做到多少:
            # its 处理率), not the level a table defaults to
            decision = _decided(replace(one, role=None), d, sts, dkind)
        if decision.best is None and not ask.indicators and len(ask.places.held) >= 2:
            # plans named and compared in other words: each plan's clear lead, as its single-plan question gets; not
            # over plans nobody named (太阳升粮食加工贸易区…: one plan's phrase, the others' loose readings are noise)
            decision = _decided(one, d, sts, dkind, about_only=False)
        st = decision.best.statement if decision.best else None
        sector = sector_asked([i.name for i in ask.indicators]) if role == "share" else None
        if st is None and sector is not None:  # the share of one sector, given only as the 三次产业结构
            row = from_structure(sts, d, dkind, sector)
            if row is not None:
                rows.append(row)
                continue
        rows.append(CrossRow(doc_id=d.id, region=d.named, plan=d.plan, role=role, kind=dkind,
                             value=st.value if st else None, unit=st.unit if st else None,
                             qualifier=st.qualifier if st else None, year=st.year if st else None,
                             text=_cell_text(st, decision.best.how if decision.best else ""),
                             indicator=(st.name or st.label) if st else None,
                             citation=st.citation() if st else None))
    stated = [r for r in rows if r.value is not None]
    if not stated:
        agreed = None if ask.indicators else _agreed(replace(table_ask, role=ask.role), plans, corpus)
        if agreed is None:
            return None
        return answer_crossplan(replace(ask, indicators=[agreed], trace=ask.trace + [f"crossplan.agreed={agreed.name}"]),
                                plans, corpus)
    what = ask.indicators[0].name if ask.indicators else table_ask.core
    role_zh = {"growth": "年均增长", "change": "变化", "share": "", "level": ""}.get(role, "")
    missing = [r.region or r.doc_id for r in rows if r.value is None]
    kind = _kind(ask, plans[0])
    text, winner = _summary(ask.text, stated, what, role_zh, kind)
    if missing:
        text += f"；未提及：{'、'.join(missing)}"
    best = next((r for r in stated if r.doc_id == winner), stated[0] if len(stated) == 1 else None)
    return Answer(question=ask.original, text=text, value=best.value if best else None,
                  unit=best.unit if best else None, qualifier=best.qualifier if best else None,
                  year=best.year if best else None, kind=None, indicator=what,
                  citations=[r.citation for r in stated if r.citation], engine="extractive", table=rows, winner=winner,
                  trace=ask.trace + ["crossplan", f"crossplan.role={role}", f"crossplan.kind={kind}"])


def _agreed(ask: Ask, plans: list[Document], corpus) -> Indicator | None:  # noqa: ANN001
    """A table asked in words no indicator is named by (寿命预期, 高中阶段入学普及程度) whose words give no plan a
    figure: the indicator each plan's own loose reading of the question names (its figure of any name, decided as
    the table decides a cell), when at least two plans and most of those that read it name the same one, and the
    question's words name part of it (寿命 of 人均预期寿命). One plan's phrase agrees on nothing: the other plans' loose
    readings of it are noise (人口一年净增长: 地区生产总值 twice, which no word of it names)."""
    named: list[str | None] = []
    for d in plans:
        decision = _decided(ask, d, corpus.of_docs({d.id}), _kind(ask, d), about_only=False)
        if decision.best is not None:
            st = decision.best.statement
            ind = statement_indicator(st.name or st.label, st.label, st.indicator)
            named.append(ind.id if ind else None)
    counts = Counter(n for n in named if n)
    if not counts:
        return None
    top, n = counts.most_common(1)[0]
    ind = ontology().by_id[top]
    words = {ask.core[i : i + 2] for i in range(len(ask.core) - 1)}
    in_part = any(name[i : i + 2] in words for name in ind.names for i in range(len(name) - 1))
    return ind if n >= 2 and 2 * n > len(named) and in_part else None


def _decided(ask: Ask, doc: Document, sts: list[Statement], kind: str, about_only: bool = True) -> Decision:
    """One plan's cell decided as its single-plan question would be, among its figures of the table's kind."""
    return decide(ask, doc, [c for c in candidates(ask, doc, sts, about_only=about_only) if c.statement.kind in (kind, None)])


def _cell_text(st: Statement | None, how: str) -> str:
    """A cell's figure, named when another indicator stands in for the asked one (43亿斤（粮食综合生产能力）)."""
    if st is None:
        return "未提及"
    return st.text + (f"（{st.name or st.label}）" if how in ("narrower", "stands_for") else "")


def _year(r: CrossRow) -> str:
    """（2010年） when the cited quote prints the year: every number an answer shows must be in its citations."""
    return f"（{r.year}年）" if r.year and r.citation and str(r.year) in r.citation.quote else ""


def _summary(question: str, stated: list[CrossRow], what: str, role_zh: str, kind: str) -> tuple[str, str | None]:
    kind_zh = "目标" if kind == "target" else "基期值"
    if not RANK.search(question):
        cells = "；".join(f"{r.region}{r.plan or ''} {r.text}{_year(r)}" for r in stated)
        return f"{what}{role_zh}{kind_zh}：{cells}", None
    bases = {V.normalize_unit(r.unit)[1] for r in stated}
    converted = len(bases) > 1 and all(b in V.CONVERTIBLE for b in bases) \
        and len({V.CONVERTIBLE[str(b)][1] for b in bases}) == 1
    if len(bases) > 1 and not converted:
        return (f"{what}各规划的单位不同（{'、'.join(sorted(str(b) for b in bases))}），无法排序："
                + "；".join(f"{r.region} {r.text}" for r in stated)), None
    low = bool(LOWEST.search(question))
    ordered = sorted(stated, key=lambda r: _size(r), reverse=not low)
    top = ordered[0]
    text = f"{top.region}{top.plan or ''}的{what}{role_zh}{kind_zh}{'最低' if low else '最高'}：{top.text}{_year(top)}"
    others = [f"{r.region} {r.text}{_year(r)}" for r in ordered[1:]]
    if others:
        text += "；其后依次为 " + "、".join(others)
    notes = []
    if len({r.qualifier or "" for r in stated}) > 1:
        notes.append("各规划的限定词不同（以上/左右/以内等）")
    if len({r.year for r in stated}) > 1:
        notes.append("目标年份不同")
    if converted:
        common = V.CONVERTIBLE[str(next(iter(bases)))][1]
        notes.append(f"单位不同（{'、'.join(sorted(str(b) for b in bases))}），按{common}换算后比较")
    if notes:
        text += "（注意：" + "，".join(notes) + "）"
    return text, top.doc_id


def _size(r: CrossRow) -> float:
    """A figure in its base unit, and in the common unit of its measure when it has one (亿斤 → 吨)."""
    scale, base = V.normalize_unit(r.unit)
    return (r.value or 0) * scale * V.CONVERTIBLE.get(str(base), (1.0, ""))[0]
