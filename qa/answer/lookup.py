"""Which stated figures of a plan answer an ``Ask``: every statement checked, then ranked by named parts.

For each numeric statement of a plan: is it the asked indicator (the ontology first — the statement's name
resolves to the same indicator, or to another one, which is a near-miss; then the words of the question
against its name, label and context), does its role agree (level / growth / change / share), its year
(a year the question names is a hard constraint), its kind (target / baseline) and its unit family. A
``Candidate`` keeps each verdict, so the decision (``qa.answer.decide``) can say why a figure is not the
answer. The score that orders candidates is a sum of named parts, listed in the answer's trace.

A single-plan question and a cross-plan table call the same ``candidates`` for each plan in scope.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import numpy as np

from qa.answer.keys import content_words, counted_things, key_words, other_side, purpose_after, swapped_sector
from qa.answer.phrasing import NAME_GLUE_HEAD
from qa.answer.question import bigrams, coverage
from qa.answer.understand import Ask
from qa.figures import vocab as V
from qa.figures.indicators import canon_text
from qa.figures.ontology import Indicator, norm, ontology, statement_indicator
from qa.figures.prose import section_cues
from qa.models import Document, Hit, Statement
from qa.text.thesaurus import normalize

BARE_GROWTH = re.compile(r"(?:年均|平均|每年)?(?:增长(?:速度|率)?|增速|递增(?:速度)?)")
GENERIC_END = re.compile(r"(?<=[\u4e00-\u9fff]{3})(?:规模|数量|总量|水平|情况)$")
KEY_FIT = 0.5  # a figure whose name prints a key word of a question in words (qa.answer.keys): a loose reading
LEAD_MIN = 0.35  # the words fit from which a clear lead may answer (qa.answer.decide; a fit below names other things)
MATCH = 0.6  # indicator strength from which a statement is taken to be about the asked indicator
FLOOR = {"以上", "超过", "不低于", "不少于", "突破", "高于", "大于", "≥"}
CAP = {"以内", "之内", "以下", "不超过", "不高于", "低于", "控制在", "小于", "≤"}


@dataclass
class Candidate:
    statement: Statement
    indicator: float  # how surely the statement is about the asked indicator, 0..1
    how: str  # ontology | words | near_miss | other_indicator
    role_ok: bool
    year_ok: bool | None  # None: no year asked, or the statement has none
    kind_ok: bool | None
    unit_ok: bool | None
    hit_rank: int | None = None
    score: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)

    @property
    def about(self) -> bool:
        """It states the asked indicator (whatever its role, year or unit)."""
        return self.indicator >= MATCH

    @property
    def agrees(self) -> bool:
        return self.about and self.role_ok and self.year_ok is not False and self.kind_ok is not False \
            and self.unit_ok is not False

    def trace(self) -> list[str]:
        top = sorted(self.parts.items(), key=lambda x: -abs(x[1]))[:6]
        for said in ("specific", "key"):  # the narrower phrase, or a key word, decided: always said
            if said in self.parts and (said, self.parts[said]) not in top:
                top.append((said, self.parts[said]))
        return [f"rank.{k}={v:+.2f}" for k, v in top if v]


def _indicator_strength(ask: Ask, st: Statement) -> tuple[float, str]:
    """How surely ``st`` states the asked indicator, and how that was decided."""
    if ask.indicators:
        return _asked_indicator(ask, st)
    return _asked_words(ask, st)


@functools.lru_cache(maxsize=1 << 16)
def _glueless(name: str) -> str:
    return BARE_GLUE.sub("", name)


@functools.lru_cache(maxsize=4096)
def _printed_glueless(printed: tuple[str, ...]) -> tuple[str, ...]:
    """The names plans print for an indicator (not the loose ones people ask by), glue removed."""
    return tuple(_glueless(n) for n in printed)


def _listed(name: str, names: list[str]) -> bool:
    """One of a list's items is the indicator, alone or with the tail the last item prints for all of them
    (垃圾、粪便无害化处理率: 垃圾无害化处理率)."""
    items = name.split("、")
    bare = {_bare(n) for n in names}
    tails = [items[-1][k:] for k in range(1, len(items[-1]) - 1)]
    return any(_bare(item) in bare or any(_bare(item + t) in bare for t in tails) for item in items)


def _completed_by_context(st: Statement, name: str, want: Indicator) -> bool:
    """A name that is the tail of the asked one, whose missing head the sentence printed just before it:
    口岸进出口货运量…，进出口贸易额32.8亿美元; 每千人拥有医生数、病床数4.8张."""
    bare = _glueless(name)  # as printed: no alias written out, the names are compared as plans print them
    if len(bare) < 2:
        return False
    for b in _printed_glueless(want.key[2]):
        if bare in b and b != bare:
            missing = b.replace(bare, "", 1)
            for ctx in (st.context[-40:], BARE_GLUE.sub("", st.context[-40:])):
                at = ctx.rfind(missing) if len(missing) >= 2 else -1
                tail = ctx[at + len(missing):] if at >= 0 else ""
                # the missing words head a list whose later item this is (医生数、病床数), not a modifier of
                # something else (规上装备制造企业…产值)
                if at >= 0 and len(tail) <= 30 and re.search(r"[、，,和及]", tail) and not re.search(r"[。；;]", tail):
                    return True
    return False


def _asked_indicator(ask: Ask, st: Statement) -> tuple[float, str]:
    """The question names an ontology indicator: the statement must be it (or a part standing in for it)."""
    name = st.name or st.label
    st_ind = statement_indicator(name, st.label, st.indicator)
    want = ask.indicators[0]
    asked_ids = {i.id for i in ask.indicators}
    if st_ind is not None and st_ind.id in asked_ids:
        return 1.0, "ontology"
    if ask.role == "share" and st.role == "share":  # the share of the asked indicator (工业增加值占GDP比重)
        if st_ind is not None and st_ind.nature == "rate" and any(
                n in st_ind.name or n in name or any(f"{n}占" in a for a in st_ind.names) for n in want.names):
            return 1.0, "ontology+share"  # 研发经费 asked as a share: R&D经费占GDP比重
        share = V.SHARE_OF.search(st.label) or V.SHARE_OF.search(name)
        if share:  # the share's subject, or the words just before it (第三产业…，2005年增加值占GDP比重仅为28%)
            subject = (st.label[: share.start()] if V.SHARE_OF.search(st.label) else name[: share.start()])
            if any(n in subject or n in _bare(subject) or n in st.context[-30:] for n in want.names):
                return 1.0, "ontology+share"
    if "、" in name and ALL_REACH.search(st.label) and _listed(name, want.names):
        return 1.0, "ontology+list"  # 工业、生活污水处理率、垃圾、粪便无害化处理率均达100%: each item's figure
    if _completed_by_context(st, name, want):
        return 0.9, "ontology+context"
    if st.role == "growth" and BARE_GROWTH.fullmatch(name) and st.value_start is not None:
        # 地区生产总值完成200.3亿元，…，年均增长速度达到了12.03%: a bare growth rate is of the clause's subject
        said = ontology().find(st.quote[: max(0, st.value_start - st.start)])
        if said and said[-1][2].id in asked_ids:
            return 0.9, "ontology+subject"
    if st_ind is not None:
        if st_ind.broader == want.id:  # 一般公共预算收入 for 财政收入: a part may stand in for the whole
            return 0.65, "narrower"
        if st_ind.stands_for == want.id:  # 粮食综合生产能力 when a plan gives no 粮食总产量 of its own
            return 0.65, "stands_for"
        return 0.0, "near_miss" if any(n in name for n in want.names) else "other_indicator"
    best, how = _names_fit(want.key, name)
    if how != "words":
        return best, how
    if ask.denominators or ask.role == "share":  # 第三产业 … 增加值占GDP比重: the subject may sit in the context
        best = max(best, 0.9 * max(_fit(n, st.label + st.context[-30:]) for n in want.names))
    return best, "words"


@functools.lru_cache(maxsize=1 << 16)
def _names_fit(key: tuple, name: str) -> tuple[float, str]:
    """How a name the ontology does not resolve fits the asked indicator (``Indicator.key``), by the names
    alone (plans print the same names again and again: worked out once a name)."""
    _, names, _, not_ = key
    if any(n in name for n in not_):
        return 0.0, "near_miss"
    bare = _bare(name)
    if any(bare == _bare(n) for n in names):  # 第三产业实现增加值 is 第三产业增加值
        return 1.0, "ontology"
    for n in names:
        b = _bare(n)
        if len(bare) >= 2 and (b in bare or bare in b):  # one name holds the other: what differs decides
            extra = bare.replace(b, "", 1) if b in bare else b.replace(bare, "", 1)
            if DIFFERENTIATOR.search(extra) or len(bare) < 3:
                return 0.0, "near_miss"  # 工业固定资产投资 or a bare 投资 is not 全社会固定资产投资
            return 0.7, "ontology+modifier"  # 可自主支配的一般预算收入, 城市建成区绿化覆盖率
    # a name the ontology does not know: how much of the asked indicator's names it prints, unless it puts another
    fit, near = max((_fit(n, name), n) for n in names)  # sector for the asked one (规模以上食品企业: no 工业企业数)
    return (0.0, "near_miss") if swapped_sector(near, name) else (fit, "words")


def _asked_words(ask: Ask, st: Statement) -> tuple[float, str]:
    """The question names no ontology indicator: its words against the statement's name, label and context."""
    name = st.name or st.label
    if other_side(ask.core, name) or swapped_sector(ask.core, name) or counted_things(ask.text, name):  # 文化投入: no 科技投入
        return 0.0, "other_indicator"
    st_ind = statement_indicator(name, st.label, st.indicator)
    # 风电装机规模 and 风电装机容量: a generic size word at the end names no quantity of its own
    views = [v for v in dict.fromkeys((ask.head, ask.core, ask.clause,
                                       *(GENERIC_END.sub("", w) for w in (ask.head, ask.core)))) if len(v) >= 2
             and (v == ask.core or not V.KEY_GENERIC.search(v))]  # a bare 增加值 or 投资总额 head: no subject
    if not views:
        return 0.0, "other_indicator"
    if st_ind is not None and max(_fit(v, n) for v in views for n in st_ind.names) < 0.5 \
            and max(_fit(v, name) for v in views) < 0.5 \
            and max(_concepts_fit(ask.concepts, n, ask.measures) for n in (st_ind.name, name)) < 0.5:
        return 0.0, "other_indicator"
    # 产值 of 规模以上食品企业发展到产值达到: a bare measure fits only as far as what its label says it measures does
    bare = len(name) <= 3 and V.KEY_GENERIC.search(name) is not None and len(st.label) > len(name) + 1
    best = max(min(_fit(v, name), _fit(v, st.label)) if bare else max(_fit(v, name), 0.9 * _fit(v, st.label))
               for v in views)
    if ask.concepts:  # an English question's words, each by any of its translations (corn planting area: 玉米种植面积)
        best = max(best, _concepts_fit(ask.concepts, name, ask.measures),
                   0.9 * _concepts_fit(ask.concepts, st.label, ask.measures))
    if ask.thesaurus:  # 游客 and 游人, 工资 and 薪资: synonyms written alike on both sides
        best = max(best, 0.95 * max(_fit(normalize(v), normalize(name)) for v in views))
    if ask.unit_hint and st.unit and _unit_ok(ask, st):
        # 城乡建设…花多少钱 and 城乡建设…计划投资16.8亿元: what the money is for sits before the figure
        purpose = MONEY_WORDS.sub("", ask.core) if V.UNIT_FAMILY.get(ask.unit_hint) == "money" else ask.core
        if len(purpose) >= 2:
            after = purpose_after(st.quote, st.value_end - st.start) if st.value_end and st.start <= st.value_end else ""
            text = after or st.context[-80:] + st.label
            best = max(best, 0.85 * max(coverage(purpose, text), _pairs_in(purpose, text)))
    if ask.unit_hint and st.unit and ask.unit_hint == st.unit.lstrip("万亿") and V.UNIT_FAMILY.get(st.unit) == "count":
        best += 0.15  # 多少栋大棚 and 4290栋: the counted unit says what is counted
    return min(best, 1.0), "words"


def _pairs_in(words: str, text: str) -> float:
    """The share of a phrase's two-character words (水利建设: 水利, 建设) the text prints, wherever: the money
    for 水利建设 is the 计划投资 under 加强水利基础设施建设."""
    pairs = [words[i : i + 2] for i in range(0, len(words) - 1, 2) if re.fullmatch(r"[\u4e00-\u9fff]{2}", words[i : i + 2])]
    return sum(p in text for p in pairs) / len(pairs) if pairs else 0.0


MONEY_WORDS = re.compile(r"投入|投资|资金|经费|花费|花|用于|钱|金额|总投资|费用|安排")
BARE_GLUE = re.compile(r"实现|达到|计划|预计|力争|完成|全社会|全区|全市|全县|全旗|社会|区域|区属|全年|年|的|其中|总|（.*?）|\(.*?\)")


# words that make a narrower or other indicator of a name they are added to (工业 of 工业固定资产投资)
DIFFERENTIATOR = re.compile(
    r"工业|农业|牧业|林业|渔业|服务业|建筑业|第[一二三]产业|[一二三]产|城镇|农村|城乡|人均|规模以上|规上|地方|本级|外贸|出口|进口|"
    r"民营|个体|私营|非公|国有|集体|高新|旅游|科技|教育|卫生|文化|交通|水利|乡镇|村|户|企业|项目|重点|新增|累计|年均|单位|万元|"
    r"亿元|每|比重|占|率|增长|增速|下降|降低|总额|总量|产值|收入|支出|投资|人口|面积|数")


@functools.lru_cache(maxsize=1 << 16)
def _bare(name: str) -> str:
    """A name without the words that do not change the indicator (实现, 全区, 全社会 …), aliases written out."""
    return BARE_GLUE.sub("", canon_text(name))


@functools.lru_cache(maxsize=1 << 17)
def _chars(text: str) -> frozenset[str]:
    """Every character a fit could share: of the text as printed and with its aliases written out."""
    return frozenset(re.findall(r"[\u4e00-\u9fffA-Za-z]", canon_text(text) + text))


def _fit(asked: str, name: str) -> float:
    """``_fitted`` without the work when the two share no character (then nothing of them fits: 0)."""
    if _chars(asked).isdisjoint(_chars(name)):
        return 0.0
    return _fitted(asked, name)


@functools.lru_cache(maxsize=65536)
def _fitted(asked: str, name: str) -> float:
    """How well a name the ontology does not know fits the asked words: mostly how much of the asked words it
    prints, partly how much of it the question asks (bigrams; characters count a little less), so a bare
    投资 or 增加值 does not fit 全社会固定资产投资."""
    a, n = bigrams(canon_text(asked)), bigrams(canon_text(name))
    if not a or not n:
        return 0.0
    by_bigram = 0.6 * len(a & n) / len(a) + 0.4 * len(a & n) / len(n)
    ca, cn = set(re.findall(r"[\u4e00-\u9fff]", asked)), set(re.findall(r"[\u4e00-\u9fff]", name))
    by_char = 0.6 * len(ca & cn) / len(ca) + 0.4 * len(ca & cn) / len(cn) if ca and cn and len(cn) >= 3 else 0.0
    return max(by_bigram, 0.8 * by_char)


@functools.lru_cache(maxsize=65536)
def _concepts_fit(concepts: tuple[tuple[str, ...], ...], name: str, measures: tuple[tuple[str, ...], ...] = ()
                  ) -> float:
    """``_fit`` by concepts: how many of the question's translated phrases the name prints (by any of each
    phrase's translations, a shared bigram enough, a one-character word where the name prints it: 林 in 防沙固沙林),
    and how much of the name they cover; a measure word
    (area, capacity) counts only where the name prints it (玉米种植面积), a name that says it otherwise
    (铁路年吞吐能力 for capacity) is not held against."""
    n = bigrams(canon_text(name))
    if not n or not concepts:
        return 0.0
    hit, asked, covered = 0, len(concepts), set()
    for alts in concepts + measures:
        shared = set().union(*(bigrams(canon_text(a)) & n for a in alts), {a for a in alts if len(a) == 1 and a in name})
        if shared:
            hit += 1
            covered |= shared
            asked += alts in measures
    return 0.6 * hit / asked + 0.4 * len(covered) / len(n)


def _role_ok(ask: Ask, st: Statement) -> tuple[bool, float]:
    """(the role agrees, how well): 年均增长 for a growth question, 降低20% for a change, a level for an amount."""
    r, sr = ask.role, st.role
    percent = (st.unit or "") in V.SHARE_UNITS
    if r is None:
        return sr != "ratio", 0.2 if sr in ("level", "share") else 0.0
    if r == "level":
        if st.cumulative and not ask.cumulative and (ask.years or ask.period_end or ask.base_period):
            return False, 0.0  # “十五”期间累计完成财政收入4.04亿元 is five years' sum, not the level of 2005
        return sr == "level" or (sr == "share" and _rate_like(ask)), 0.5
    if r == "share":
        return sr == "share" or (sr == "level" and percent), 0.5
    if r == "growth":
        if sr == "level" and INCREMENT.search(st.label):
            return True, 0.4  # 农牧民人均纯收入年均增加450元: a yearly increase, in 元
        if sr == "growth":  # 累计增幅: five years' change, which 年均增长21.2% is not
            return not (ask.cumulative and not ask.yearly and _yearly(st)), 0.5 if (st.yearly or not ask.cumulative) else 0.2
        return sr == "change" and not ask.yearly, 0.2
    if r == "change":
        if sr == "change":
            return True, 0.5
        return sr == "growth" and not (ask.cumulative and _yearly(st)), 0.1  # 累计下降 is not 年均下降5%
    return False, 0.0


def _yearly(st: Statement) -> bool:
    """A rate per year (年均增长8%, 每年下降3%), as the reader marked it or as its label says; a table's base-year
    增长率 without 年均 is that one year's rate (2020年 0.2%), not the average of the five years before."""
    if "table.base_column" in st.trace and not re.search(r"年均|每年|平均", st.label + st.name):
        return False
    return st.yearly or bool(re.search(r"年均|每年", st.label))


ALL_REACH = re.compile(r"(?:均|都|全部|皆)(?:要|将)?(?:达到?|达|为|保持在?|提高到|超过)$")  # one figure for every item of a list
INCREMENT = re.compile(r"(?:年均|每年|平均每年)(?:增加|增长|提高|递增)$")


def _rate_like(ask: Ask) -> bool:
    return bool(ask.indicators) and ask.indicators[0].nature == "rate"


def _unit_ok(ask: Ask, st: Statement) -> bool | None:
    family = V.UNIT_FAMILY.get(st.unit or "", st.unit)
    if ask.role in (None, "level") and (st.unit or "") in V.SHARE_UNITS and V.CAPACITY_ASKED.search(ask.original):
        return False  # 处理能力 asked, 再生水利用率20% stated: a rate is no capacity
    if ask.counts and COARSE.get(family or "", "count") != "count":
        return False  # How many villages: 100% or 50万亩 counts nothing
    if ask.unit_hint:
        want = V.UNIT_FAMILY.get(ask.unit_hint, ask.unit_hint)
        counted = (st.unit or "").lstrip("万亿")
        if ask.unit_hint in CLASSIFIERS and counted in CLASSIFIERS and ask.unit_hint not in ("个", counted):
            return False  # 条数 asked, 100户 stated: other things counted (个 counts anything)
        if want == "money" and ask.unit_hint == "元" and family in ("money", "usd"):
            return True
        if ask.role == "change" and want == "pct" and family in ("pct", "pp"):
            return True  # 占比提高了百分之几 and 增长3个百分点: a share's change is in points (points asked: not a %)
        if st.unit and family != want and not (want == "people" and (st.unit in ("名", "人") or family == "visits")) \
                and not (ask.unit_hint == "个" and family == "people"):  # 几个医生 and 4人: 个 counts people too
            return False
        return True if st.unit else None
    if ask.role == "level" and ask.indicators and st.unit:
        want_class, have_class = COARSE.get(ask.indicators[0].unit_family), COARSE.get(family or "")
        if want_class and have_class and want_class != have_class:
            return False  # people asked, money stated: not the same quantity (亩 and 公顷 are both areas)
    return None


CLASSIFIERS = frozenset(V.COUNT_WORDS) - {"个", "名"}  # what a count counts (多少条 is not answered by 户; 个 counts anything, 名 people)
# unit families that measure the same kind of thing (a plan may print 万亩 where the indicator is in 公顷)
COARSE = {"money": "money", "usd": "money", "pct": "ratio", "pp": "ratio", "permille": "ratio", "people": "count",
          "visits": "count", "count": "count", "beds": "count", "ha": "area", "mu": "area", "km2": "area", "m2": "area",
          "t": "mass", "jin": "mass"}


def candidates(ask: Ask, doc: Document | None, statements: list[Statement], hits: list[Hit] | None = None,
               core_vec: np.ndarray | None = None, vector_of=None, about_only: bool = False) -> list[Candidate]:  # noqa: ANN001
    """Every numeric statement of one plan as a judged, scored candidate, best first; ``about_only``: only those
    about the asked indicator, all a decision's best can be (a cross-plan table of 1,000 plans needs no more)."""
    ranks: dict[str, int] = {}
    for h in hits or []:
        ranks.setdefault(h.chunk.id, h.rank)
    want_years = ask.years_for(doc)
    want_kind = ask.kind_for(doc)
    mid_period = bool(ask.years and doc is not None and doc.period_start and doc.period_end
                      and all(doc.period_start <= y < doc.period_end for y in ask.years))
    out: list[Candidate] = []
    for st in statements:
        if st.value is None or st.parts:
            continue
        strength, how = _indicator_strength(ask, st)
        if about_only and strength < MATCH:
            continue
        role_ok, role_fit = _role_ok(ask, st)
        year_ok = None if not want_years or st.year is None else st.year in want_years
        if year_ok is None and st.year is None and mid_period:
            year_ok = False  # 2013 asked of a 2011–2015 plan: a figure it states with no year is for its end, not 2013
        kind_ok = None if want_kind is None or st.kind is None else st.kind == want_kind
        hit_rank = min((ranks[c] for c in (st.chunk_ids or [st.chunk_id or ""]) if c in ranks), default=None)
        c = Candidate(st, strength, how, role_ok, year_ok, kind_ok, _unit_ok(ask, st), hit_rank)
        c.parts = _parts(ask, st, c, role_fit, core_vec, vector_of)
        c.score = sum(c.parts.values())
        out.append(c)
    if not ask.indicators and ask.core and not ask.english and not about_only:  # English glosses: measured worse
        _keyed(ask, out, core_vec, vector_of)
    if ask.specific:
        _narrower_named(ask, out, core_vec, vector_of)
        if about_only:
            out = [c for c in out if c.about]
    out.sort(key=lambda c: (-c.score, c.statement.start))
    return out


def _keyed(ask: Ask, cands: list[Candidate], core_vec, vector_of) -> None:  # noqa: ANN001
    """When no name fits the question's words as a whole, a figure whose name prints a key word of it (高中 of
    念高中的比例, in 高中毛入学率 alone) is read as the asked one, loosely, the more surely the more of the
    question's words its sentence prints (飞鹤 … 产业园 … 乳制品, not 产业园 alone): rank part ``key``."""
    if max((c.indicator for c in cands), default=0.0) >= KEY_FIT:
        return  # the question's words already fit a name: a key word would only raise rivals (建成区 of 供热率)
    words = content_words(ask.core)
    keys = key_words(words, (c.statement.name or c.statement.label for c in cands), ask.thesaurus)
    for c in cands:
        st = c.statement
        name, sentence = st.name or st.label, st.context + st.quote
        held = [w for w, names in keys.items() if name in names]
        said = sum(w in sentence for w in words)
        fit = min(KEY_FIT + 0.05 * (said - 1), MATCH - 0.01)
        if held and c.indicator < fit:
            c.indicator, c.how = fit, "words"
            c.parts = _parts(ask, st, c, _role_ok(ask, st)[1], core_vec, vector_of)
            c.parts["key"] = 0.1 * len(held)
            c.score = sum(c.parts.values())


def _narrower_named(ask: Ask, cands: list[Candidate], core_vec, vector_of) -> None:  # noqa: ANN001
    """When the plan prints the question's longer phrase (食品工业占GDP比重 asked, printed as such), a figure of the
    bare indicator (工业增加值占GDP比重) is the broader one: shown as related, never the answer. A plan that
    prints no such phrase keeps its figures (the words were the question's, not a narrower indicator)."""
    def prints(c: Candidate) -> bool:  # the phrase heads the name (食品工业占…), not a longer subject's tail (工业占)
        heads = [NAME_GLUE_HEAD.sub("", norm(t)) for t in (c.statement.name, c.statement.label)]
        return any(h.startswith(p) for h in heads for p in ask.specific)

    about = [(c, prints(c)) for c in cands if c.about]
    if not any(named for _, named in about):
        return
    for c, named in about:
        if not named:
            c.indicator, c.how = MATCH - 0.1, "broader"
            c.parts = _parts(ask, c.statement, c, _role_ok(ask, c.statement)[1], core_vec, vector_of)
        else:
            c.parts["specific"] = 0.1  # named in the trace: the question's narrower phrase decided
        c.score = sum(c.parts.values())


def _norm(v: np.ndarray) -> float:
    """``np.linalg.norm`` of a vector as it computes it (sqrt of the dot product), without its overhead."""
    return float(np.sqrt(v.dot(v)))


def _parts(ask: Ask, st: Statement, c: Candidate, role_fit: float, core_vec, vector_of) -> dict[str, float]:  # noqa: ANN001
    p: dict[str, float] = {"indicator": 3.0 * c.indicator, "role": role_fit if c.role_ok else -0.5}
    explicit = any(t in st.trace for t in ("year.own_clause", "year.sentence", "table.base_column",
                                            "table.target_column"))
    if c.year_ok:
        p["year"] = 0.4 if explicit else 0.25
    elif c.year_ok is False:
        p["year"] = -1.0
    elif st.year is None and (ask.years or ask.period_end or ask.base_period):
        p["year"] = -0.3  # a figure of no known year, when the question names one
    if c.kind_ok:
        p["kind"] = 0.3
    elif c.kind_ok is False:
        p["kind"] = -0.6
    elif ask.kind_for(None) is None and st.kind == "target":
        p["kind"] = 0.05  # a plan's question without a kind is more often about its goals
    goal, record = section_cues(st.section)
    if st.kind == "target" and goal and not record or st.kind == "baseline" and record and not goal:
        p["section"] = 0.15
    if st.source == "table":
        p["table"] = 0.1
    if c.hit_rank:
        p["passage"] = 0.4 / c.hit_rank
    named = coverage(ask.core, st.name or st.label) if ask.core else 0.0
    if named:  # two figures of one sentence that fit alike: the one whose own name the question prints
        p["name"] = 0.2 * named
    extra = coverage(ask.core, st.context + st.quote) if ask.core else 0.0
    if extra:
        p["context"] = 0.5 * extra
    heading = st.section.rsplit(" > ", 1)[-1] if st.section and ask.core else ""
    if heading and (under := coverage(ask.core, heading)) >= 0.5:
        p["heading"] = 0.3 * under  # 水利基础设施 … 投资 and 全区计划投资1.65亿元 under 四、加强水利基础设施建设
    if core_vec is not None and vector_of is not None:
        v = vector_of(st)
        if v is not None:
            na, nb = _norm(core_vec), _norm(v)
            if na and nb:
                p["similarity"] = round(0.5 * float(core_vec @ v) / (na * nb), 4)
    if ask.cumulative:
        p["cumulative"] = 0.3 if st.cumulative or st.role == "change" else -0.2
    elif st.cumulative:
        p["cumulative"] = -0.2
    if ask.role in ("growth", "change") and ask.yearly:
        p["yearly"] = 0.2 if _yearly(st) else -0.1
    if ask.qualifier:
        q = st.qualifier or ""
        p["qualifier"] = 0.1 if (ask.qualifier == "floor" and q in FLOOR) or (ask.qualifier == "cap" and q in CAP) else 0.0
    if c.unit_ok:
        p["unit"] = 0.3
    elif c.unit_ok is False:
        p["unit"] = -1.0
    if "figure.origin" in st.trace or "label.inherited" in st.trace:
        p["weak_label"] = -0.1
    return {k: round(v, 4) for k, v in p.items()}
