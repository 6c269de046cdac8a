"""What a question asks, read once from domain data: places, plan periods, years, indicator, role, kind, type.

- places: the gazetteer (``qa.text.places.read_places``): held plans, a parent of a held region, a place
  no plan covers — a phrase such as 三区 is none of them;
- indicators: the ontology (``qa.figures.ontology``), English names included;
- role: level, growth (年均增长), change (降低20%, 提高3个百分点), share (城镇化率, 比重), from cue words and
  the indicator's nature;
- years: the years asked (a hard constraint), never a comparison base (比2005年);
- answer type: a number only when the question says so (多少, 几, 比例, 率 … or names a quantity from the
  ontology without asking for a list or a meaning); 啥, 是什么, 哪些, 怎么, 定位 are descriptive.
Everything later (lookup, ranking, the decision, cross-plan tables) reads this one ``Ask``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from qa.answer.phrasing import (
    ACROSS_PLANS,
    ASKS_LIST_OR_MEANING,
    ASKS_NUMBER,
    BASE_PERIOD,
    CAPACITY_SPOKEN,
    ECONOMY_WHOLE,
    FINAL_PARTICLE,
    GROWTH_RATE,
    IN_WHOLE,
    LENGTH_HEAD,
    MONEY_ASKED,
    MONEY_HEAD,
    NAME_ASIDE,
    NAME_GLUE_HEAD,
    NAME_GLUE_TAIL,
    NAME_SPLIT,
    NUMBER_BY_HOW,
    NUMBER_GOAL,
    OPTIONAL_CHAR,
    PER_HEAD_YIELD,
    PERIOD_END,
    Q_CHANGE,
    Q_COLLOQUIAL_GROWTH,
    Q_SHARE_CHANGE,
    Q_YEAR_SPAN,
    QUANTITY_HEAD,
    QUESTION_WORD,
    RANKED,
    SECTOR_CREATED,
    SECTOR_SHARE,
    SHARE_AFTER,
    SIZE_ASKED,
    SPENT_ON,
    SPOKEN_VO,
    STRICT_TARGET,
    TARGET_COMPARED,
    VERB_ADVERB,
    VERB_OBJECT,
)
from qa.figures import vocab as V
from qa.figures.indicators import english_to_chinese, is_english
from qa.figures.ontology import Indicator, norm, ontology, spoken_to_plan
from qa.models import PLAN_PERIODS, Document
from qa.text.places import PlaceReading, read_places
from qa.text.pos import all_nouns


@dataclass
class Ask:
    """One question as the engine reads it."""

    original: str
    text: str  # in Chinese (an English question read through the ontology's English names)
    places: PlaceReading
    plans: list[str] = field(default_factory=list)  # plan periods named (十一五)
    years: list[int] = field(default_factory=list)  # the years asked: a hard constraint
    period_end: bool = False  # 期末 without a year: the plan's last year
    base_period: bool = False  # 基期: the year before the plan
    indicators: list[Indicator] = field(default_factory=list)
    specific: tuple[str, ...] = ()  # the question's longer phrase around the indicator's name (食品工业 of 工业…占GDP比重)
    denominators: list[Indicator] = field(default_factory=list)  # the whole of a share (占GDP比重: GDP)
    core: str = ""  # the indicator words (no place, plan, year or question words)
    head: str = ""  # the indicator phrase the question ends on (…贸易区的粮食交易量 → 粮食交易量)
    clause: str = ""  # the core of the clause that asks, when remarks come before it (俺家养了十几头，…打算整到多少头奶牛)
    role: str | None = None  # level | growth | change | share; None when the question does not say
    yearly: bool = False
    cumulative: bool = False
    kind_words: str | None = None  # target | baseline from the question's own words
    strict_target: bool = False  # 目标/计划/预期: a goal, never a plan's record of an earlier year
    unit_hint: str | None = None
    counts: bool = False  # How many villages: a count of things, in whatever it is counted
    qualifier: str | None = None  # floor | cap
    answer_type: str = "number"  # number | describe | ratio
    unmarked: bool = False  # no words asked for a number or for a description (双城 十四五 秸秆 综合利用 目标)
    rewritten: bool = False  # read in other words than typed (English, spoken words, 05年)
    english: bool = False  # typed in English
    concepts: tuple[tuple[str, ...], ...] = ()  # each English phrase's translations the library prints (glossary)
    measures: tuple[tuple[str, ...], ...] = ()  # those of its measure words (area, capacity): count only where printed
    thesaurus: bool = True  # words the ontology does not know are also compared through 同义词词林
    ended: str | None = None  # the plan whose end the question names (截至“十五”期末 in a 十一五 plan: 2005)
    spelled: dict[str, str] = field(default_factory=dict)  # a place written in Chinese → as the question spelled it
    trace: list[str] = field(default_factory=list)

    def without_places(self) -> str:
        """The question's words with the places it names cut out (a space where each stood)."""
        return _strip(self.text, self.places.spans)

    @property
    def search_text(self) -> str:
        """What retrieval reads: the question, and every printed translation of its English words."""
        more = [w for c in self.concepts for w in c[1:]]
        return self.text + (" " + " ".join(more) if more else "")

    def kind_for(self, doc: Document | None) -> str | None:
        """target or baseline for this plan (a year before the plan is its record), None when unsaid."""
        if doc and doc.period_start:
            if self.base_period:
                return "baseline"
            if self._past_plans(doc):
                return "baseline"  # “十五”期间 in a 十一五 plan: the record of the past
            for y in self.years:
                return "target" if y >= doc.period_start or self.strict_target else "baseline"
            if self.period_end or (doc.plan in self.plans and self.kind_words is None):
                return "target"  # 十一五 … 年均增速 asked of the 十一五 plan: the period's figure is its goal
        return self.kind_words

    def _past_plans(self, doc: Document) -> list[str]:
        """The plans named that ended the year before this one began (“十五”期间 asked of a 十一五 plan), unless the
        question names this plan too and the past one only as a period, not as its end (截至“十五”期末)."""
        return [p for p in self.plans if p in PLAN_PERIODS and PLAN_PERIODS[p][1] == (doc.period_start or 0) - 1
                and (doc.plan not in self.plans or p == self.ended)]

    def years_for(self, doc: Document | None) -> list[int]:
        """The years this plan's figure must be for: those named, or the plan's end (期末) / base year (基期)."""
        if self.years:
            return self.years
        if doc and doc.period_start and doc.period_end:
            if self.base_period or (self.kind_words == "baseline" and not self.period_end and not self.plans):
                return [doc.period_start - 1]  # 集中供热率 现状: the record the plan starts from, not an older one
            past = [PLAN_PERIODS[p] for p in self._past_plans(doc)]
            if past and self.period_end:
                return [past[0][1]]  # 十五末 → 2005
            if self.period_end and not past:
                return [doc.period_end]
        return []


SHORT_YEAR = re.compile(r"(?<![\d.〇零一二三四五六七八九十第近每前后])([012]\d)年(?![内来间代度均]|以来)")


def _name_whole(m: re.Match[str]) -> str:
    """工业 … 多少增加值 → 工业增加值 … 多少, only when the joined words name an indicator (a rule on data)."""
    head = m.group(1)
    for k in range(len(head) - 1):  # 年工业 … 增加值: the object may be the last characters only
        name = head[k:] + m.group(3)
        if any(b - a == len(name) for a, b, _ in ontology().find(name)):
            return f"{head[:k]}{name}{m.group(2)}多少"
    return m.group()


def _full_years(q: str) -> str:
    """05年, 20年: the plan-era years people write with two digits (never 10年内, 五年, 每年; 到15年来旅游 is 2015)."""
    q = re.sub(r"(?<=到)([012]\d)年(?=来)", r"20\1年", q)
    return SHORT_YEAR.sub(lambda m: f"20{m.group(1)}年", q)


def _strip(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for s, e in sorted(spans):
        out.append(text[last:s])
        last = max(last, e)
    out.append(text[last:])
    return " ".join(out)


def understand(question: str, docs: dict[str, Document], printed: Callable[[str], int] | None = None) -> Ask:
    """The typed reading of a question against the plans the store holds (``printed``: how many passages of the
    library print a word, so an English word the ontology does not know is read as the library's Chinese)."""
    from qa.answer.describe import Q_RATIO

    q = english_to_chinese(question)
    english = is_english(question)
    glossed: list[str] = []
    concepts: list[tuple[str, ...]] = []
    measures: list[tuple[str, ...]] = []
    if printed is not None and english:
        from qa.text.glossary import to_chinese

        q, concepts, measures, glossed = to_chinese(q, printed)
    q = spoken_to_plan(_full_years(FINAL_PARTICLE.sub("", OPTIONAL_CHAR.sub(r"\1", q))))
    q = SHARE_AFTER.sub(r"占\1比重", q)
    q = ECONOMY_WHOLE.sub("占GDP比重", q)
    q = IN_WHOLE.sub(lambda m: f"占{m.group(1) or m.group(2)}比重", q)
    q = PER_HEAD_YIELD.sub(r"\1单产", q)
    q = CAPACITY_SPOKEN.sub(r"\1能力", q)
    q = VERB_OBJECT.sub(r"\2\1量多少", q)
    q = SPENT_ON.sub(r"\1", q)
    q = SECTOR_CREATED.sub(r"\1", q)
    q = VERB_ADVERB.sub(r"\2\1\3", q)
    q = SPOKEN_VO.sub(r"\1\3多少\2", q)
    q = NAME_SPLIT.sub(_name_whole, q)
    q = SECTOR_SHARE.sub(lambda m: f"第{m.group(1) or m.group(2) or m.group(3)}产业增加值占地区生产总值比重", q)
    # 飞鹤（哈尔滨）乳制品: a place in brackets inside a name is part of the name (blanked, so spans stay put)
    ask = Ask(original=question, text=q, places=read_places(NAME_ASIDE.sub(lambda m: "（" + "　" * (len(m.group()) - 2) + "）", q), docs))
    ask.rewritten, ask.english = q != question, english
    ask.trace += [r.name for r, _ in V.SPOKEN_NAMES if r.search(question)]  # 树林要盖住… read as 森林覆盖率
    if english:
        ask.trace.append("q.english")
    elif ask.rewritten:
        ask.trace.append("q.rewritten")  # spoken words, two-digit years, X GDP占比 written as plans print them
    if glossed:
        ask.trace.append("q.glossary=" + "|".join(glossed))
        ask.concepts, ask.measures = tuple(concepts), tuple(measures)
    ask.plans = [m.group(1) for m in V.PLAN_MENTION.finditer(q)
                 if not V.Q_COMPARISON_YEAR.search(q[: m.start()].rstrip("“\""))]  # 比“十五”末: a base, not the plan
    for m in V.YEAR_RE.finditer(q):
        if V.Q_COMPARISON_YEAR.search(q[: m.start()]) or Q_YEAR_SPAN.search(q[max(0, m.start() - 6) : m.end() + 6]):
            ask.trace.append(V.Q_COMPARISON_YEAR.name)
            continue
        ask.years.append(int(m.group(1)))
    for m in V.PLAN_END_IN_Q.finditer(q):  # “十五”末: the year that plan ended
        if m.group(1) in PLAN_PERIODS and not V.Q_COMPARISON_YEAR.search(q[: m.start()].rstrip("“\"")):
            ask.period_end = True
            ask.ended = ask.ended or m.group(1)
    def said(rule: V.Rule) -> bool:  # in the reading, or in an English question's own words the reading lost
        return bool(rule.search(q) or english and rule.search(question))

    ask.period_end = ask.period_end or said(PERIOD_END)
    ask.base_period = said(BASE_PERIOD) or bool(BASE_PERIOD.search(question))  # 编规划那会儿: its 那会儿 is rewritten away
    # names are looked for without places, years and 的 inside them (农村人2020年人均可支配收入, 占生产总值的比重)
    bare = V.YEAR_TOKEN.sub("", _strip(q, ask.places.spans).replace(" ", ""))
    bare = re.sub(r"（[^（）]{1,12}）|\([^()]{1,12}\)", "", bare)  # 农民（农牧民）人均纯收入: an aside, not the name
    bare_text = norm(re.sub(r"(?<=[\u4e00-\u9fff])的(?=[\u4e00-\u9fff])", "", bare))
    # 研发经费占GDP要提到多少: a part of GDP asked without 比重 is its share (研发经费占GDP比重: R&D intensity)
    bare_text = re.sub(r"占(GDP|地区生产总值|生产总值)(?!的?(?:比重|比例|份额))", r"占\1比重", bare_text, flags=re.I)
    found = ontology().find(bare_text)
    ask.indicators = list({ind.id: ind for _, _, ind in found}.values())
    wholes_after = [ind for at, _, ind in found if at > 0 and bare_text[at - 1] == "占"] if found else []
    if wholes_after and len(ask.indicators) > 1 and not any(i.nature == "rate" for i in ask.indicators):
        ask.denominators = wholes_after  # 研发经费占GDP要提到多少: GDP is the whole even without 比重
        ask.indicators = [i for i in ask.indicators if i not in wholes_after]
    elif (m := V.SHARE_OF.search(q)) and not any(i.nature == "rate" for i in ask.indicators):
        # 第三产业增加值占GDP比重 (no composite indicator found): GDP is the whole, not the indicator asked
        wholes = {ind.id for _, _, ind in ontology().find(m.group("den"))}
        ask.denominators = [i for i in ask.indicators if i.id in wholes]
        ask.indicators = [i for i in ask.indicators if i.id not in wholes]
        ask.trace.append(V.SHARE_OF.name)
    if ask.indicators and (side := URBAN_OR_RURAL.search(ask.without_places())) and \
            (narrow := ontology().by_name.get(("农村" if side.group(2) else "城镇") + ask.indicators[0].name)):
        ask.indicators[0] = narrow  # per-capita disposable income … for its urban residents: the urban one
        ask.trace.append(URBAN_OR_RURAL.name)
    named = _before_name(bare_text, found, ask.indicators)
    if _loosely_named(named):
        ask.indicators = ask.indicators[1:]
        ask.trace.append("q.loose_name_narrowed")  # the indicator dropped: read by its words
    else:
        ask.specific = _specific(named)
    if not ask.indicators and ask.denominators is not None and (m := V.SHARE_OF.search(bare_text)):
        ask.specific = _share_subject(bare_text[: m.start()], m.group("den"))  # 食品工业占GDP的比重, no ontology name
    words = _content(q) if english else q  # does, to, of …: English a question asks with names no indicator
    ask.core = _core(words, ask.places)
    ask.head = _head(words, ask.places) or ask.core
    ask.clause = _asking_clause(words, ask.places)
    ask.role, ask.yearly = _role(_indicator_clause(q, ask.indicators), ask.indicators)
    if ask.role is None and not ask.indicators and SIZE_ASKED.search(ask.core):
        ask.role = "level"  # 经济总产出的规模: no share or rate printed beside it answers a size
        ask.trace.append(SIZE_ASKED.name)
    if english and ask.role in (None, "level") and V.EN_GROW.search(question) and not V.EN_TWO_PART.search(question):  # expected to grow (glossed 发展)
        ask.role, ask.yearly = "growth", bool(V.EN_YEARLY.search(question))
    if ask.denominators and ask.role in (None, "level"):
        ask.role = "share"  # a part of a whole is asked as its share
    ask.cumulative = bool(re.search(r"累计|一共|总共|合计|总计|共计|五年(?:内|间|里|下来)|加起来|in total|cumulative", q))
    if ask.cumulative and ask.role == "growth" and not V.Q_YEARLY.search(q):
        ask.yearly = False  # 上个五年…一共涨了多少: the change over the period, not a rate per year
    if V.Q_BASELINE.search(q) and not V.Q_TARGET.search(q):
        ask.kind_words = "baseline"
    elif STRICT_TARGET.search(q) and not V.Q_BASELINE.search(q) and not ask.base_period:
        ask.kind_words, ask.strict_target = "target", True
        ask.trace.append(STRICT_TARGET.name)
    elif V.Q_TARGET.search(q) or re.search(r"打算|准备|要|将|能|会|plan|target|goal|\bwill\b", q):
        ask.kind_words = "target"
    for unit, r in V.UNIT_HINTS:
        if r.search(q) or (english and r.search(question)):  # the glossary renders words, not "how many days"
            ask.unit_hint = unit
            break
    else:
        m = V.Q_COUNT.search(q)
        if m and re.match(r"百分点|亿|万|点|规划|地区|城市|地方|区县", q[m.end():]):
            # 多少个百分点, 几个亿: no count of things; 这几个规划的…: the plans are counted, not the figure
            m = None
        money = said(MONEY_ASKED) and ask.role not in ("growth", "change", "share")  # 投资年均增长多少 is a rate
        ask.unit_hint = (m.group(1) or m.group(2)) if m else ("元" if money else None)
        ask.counts = ask.unit_hint is None and english and bool(V.EN_COUNT.search(question))
    if ask.unit_hint is None and ask.role in (None, "level") and MONEY_HEAD.search(ask.head) and not english:
        ask.unit_hint = "元"  # 食品企业产值 is money: 规模以上食品企业发展到50户 counts the firms
        ask.trace.append(MONEY_HEAD.name)
    if ask.unit_hint is None and ask.role in (None, "level") and LENGTH_HEAD.search(ask.head):
        ask.unit_hint = "公里"  # 天然气管道总长: a length, not the share of gas printed beside it
        ask.trace.append(LENGTH_HEAD.name)
    if ask.unit_hint is None and ask.role == "growth" and said(GROWTH_RATE):
        ask.unit_hint = "%"  # 农牧民人均纯收入年均增加450元 is growth, but no rate
        ask.trace.append(GROWTH_RATE.name)
    if re.search(r"超过|以上|至少|不少于|不低于|突破|高于", q):
        ask.qualifier = "floor"
    elif re.search(r"以内|以下|不超过|控制在|最多|上限|不高于", q):
        ask.qualifier = "cap"
    if Q_RATIO.search(q) and not (ask.indicators and RANKED.search(q)):  # 产业结构目标看…服务业比重最高: a ranking
        ask.answer_type = "ratio"
    elif (ASKS_LIST_OR_MEANING.search(q) and not re.search(r"多少|几个百分点|百分之几|" + V.QUANTIFIED, q)
          and not ((ask.indicators or TARGET_COMPARED.search(q) or ACROSS_PLANS.search(q))
                   and (RANKED.search(q) or NUMBER_BY_HOW.search(q)))):  # 五部规划中哪一部…最低: a ranking
        ask.answer_type = "describe"
    elif said(ASKS_NUMBER) or ask.indicators or RANKED.search(q) or NUMBER_GOAL.search(q) \
            or TARGET_COMPARED.search(q) and (ACROSS_PLANS.search(q) or len(ask.places.held) >= 2) \
            and not QUESTION_WORD.search(q):  # 高中入学普及 目标 大同区 vs 二连浩特: the plans' targets side by side
        ask.answer_type = "number"
    elif (QUANTITY_HEAD.search(re.sub(r"(?:19|20)\d\d年?|\s", "", ask.head))
          or len(terms := question.split()) >= 2 and any(QUANTITY_HEAD.search(t) for t in terms)  # keyword query
          or QUANTITY_HEAD.search(re.sub(r"(?:19|20)\d\d年?|十[一二三四五六七八九]?五|[\s？?。]", "",
                                         _strip(q, ask.places.spans)))) and not V.Q_FACT.search(q):
        ask.answer_type = "number"
        ask.trace.append(QUANTITY_HEAD.name)
    else:
        ask.answer_type, ask.unmarked = "describe", not QUESTION_WORD.search(q)
    if glossed and ask.answer_type != "number":
        # the glossary serves figures: a descriptive question is read (and searched) by its own words, which
        # its quoted and named phrases match better than a dictionary's first sense
        return understand(question, docs)
    ask.trace += [f"q.type={ask.answer_type}", f"q.role={ask.role}"] + [f"q.indicator={i.name}" for i in ask.indicators]
    return ask


def _modifier(text: str) -> str:
    """The words right before a name that narrow it (食品 of 食品工业…, 水利基础设施建设 of …计划投资总额), glue
    at their end (计划, 实现, 到) and before them (规划中, 全区) cut."""
    run = re.search(r"[\u4e00-\u9fff]{2,10}$", text)
    mod = run.group() if run else ""
    while (m := NAME_GLUE_TAIL.search(mod)) and m.start() < len(mod):
        mod = mod[: m.start()]
    return NAME_GLUE_HEAD.sub("", mod)


def _before_name(bare_text: str, found: list, indicators: list[Indicator]) -> tuple[str, str, Indicator] | None:
    """The asked indicator's name as the question printed it, the words right before it (``_modifier``) and the
    indicator; None when no name of it was found."""
    t = norm(bare_text)
    for at, end, ind in found:
        if indicators and ind.id == indicators[0].id:
            return t[at:end], _modifier(t[:at])[-6:], ind
    return None


def _loosely_named(named: tuple[str, str, Indicator] | None) -> bool:
    """A loose name people ask by (投资总额) with nouns before it (水利基础设施建设…投资总额, 用于城乡建设的…) names something narrower
    the ontology does not hold: the question is then read by its words, not as that indicator."""
    if named is None:
        return False
    name, mod, ind = named
    mod = V.PURPOSE_LEAD.sub("", mod)  # 用于城乡建设的…投资总额: the nouns the money is for
    return len(mod) >= 2 and name in {norm(c) for c in ind.colloquial} and all_nouns(mod)


def _specific(named: tuple[str, str, Indicator] | None) -> tuple[str, ...]:
    """The words a question puts right before the asked indicator's name, with the name's head (食品工业占GDP比重
    matched as 工业…占GDP比重 → 食品工业): a narrower thing, if a plan prints that phrase (``qa.answer.lookup``)."""
    if named is None:
        return ()
    name, mod, _ = named
    head = name[:2]
    return _tails(mod, head) if re.fullmatch(r"[\u4e00-\u9fff]{2}", head) else ()


def _share_subject(before: str, whole: str) -> tuple[str, ...]:
    """A share asked by words (食品工业占GDP的比重): the subject's last words with 占 and the same whole, a narrower
    phrase that a plan printing it prefers over the bare 工业…占GDP row (``qa.answer.lookup``). The whole keeps a
    generic tail (增加值占) from matching another share (增加值占农业增加值)."""
    return _tails(_modifier(before)[-6:], "占" + norm(whole))


def _tails(mod: str, rest: str) -> tuple[str, ...]:
    """The modifier's last four, three and two characters, each with ``rest``: the narrower phrases, longest first."""
    return tuple(mod[-k:] + rest for k in (4, 3, 2) if len(mod) >= k)


def _core(q: str, places: PlaceReading) -> str:
    """The question's indicator words: places, plan periods, years, question and spoken glue words removed."""
    core = _strip(q, places.spans)
    core = V.CORE_DROP.sub(" ", core)
    core = V.COLLOQUIAL_DROP.sub(" ", core)
    return re.sub(r"\s+", "", core)


URBAN_OR_RURAL = V.rule("q.urban_or_rural", r"(?<!城乡)(城镇|城区|城市|\burban\b)|(农村|乡村|\brural\b)",
                        "a residents' figure asked of town or country dwellers is theirs, wherever the words stand",
                        ("for its urban residents", "农村"), ("居民", "城乡居民"), re.I)
ASK_WORD = re.compile(r"是多少|为多少|(?:能|会|可|要)?有多少|多少|(?<!十)几(?![年十百千万])|是什么|是啥|啥|什么|目标|how much|how many|what", re.I)


def _content(words: str) -> str:
    """An English question's words with its function words and one- or two-letter words blanked (same length,
    so the places' spans still hold)."""
    from qa.text.glossary import FUNCTION_WORDS

    return re.sub(r"[A-Za-z][A-Za-z'-]*", lambda m: " " * len(m.group())
                  if m.group().lower() in FUNCTION_WORDS or len(m.group()) < 3 else m.group(), words)


def _asking_clause(q: str, places: PlaceReading) -> str:
    """The core of the clause holding the question word, when earlier clauses only set the scene."""
    text = _strip(q, places.spans)
    clauses = [c for c in re.split(r"[，,。；;！!]", text) if c.strip()]
    asking = [c for c in clauses if ASK_WORD.search(c) or re.search(r"多大|多高|多长|多快", c)]
    if len(clauses) < 2 or len(asking) != 1:
        return ""
    core = _core(asking[0], PlaceReading())
    return core if len(re.findall(r"[\u4e00-\u9fff]", core)) >= 2 else ""


def _head(q: str, places: PlaceReading) -> str:
    """The indicator phrase a question ends on: the words after the last 的 or year before it asks (多少, 几 …):
    太阳升粮食加工贸易区到2010年一年的粮食交易量打算做到多少吨, 太阳升粮食加工贸易区 2010 粮食交易量 → 粮食交易量 (a year inside a sentence does not: 城里人到2010年人均收入)."""
    text = _strip(q, places.spans)
    m = ASK_WORD.search(text)
    before = text[: m.start()] if m else text
    for part in reversed(re.split(r"的|之|，|,|\s(?:19|20)\d\d年?\s", before)):  # 贸易区 2010 粮食交易量: a keyword year parts them
        core = _core(part, PlaceReading())
        if len(re.findall(r"[\u4e00-\u9fffA-Za-z]", core)) >= 2:
            return core
    return ""


def _indicator_clause(q: str, indicators: list[Indicator]) -> str:
    """The clause that names the asked indicator says what form of it is asked: 考虑…带来的机械增长，人口规模预计
    达到多少 asks for a level; 社会消费品零售总额年均增长目标，哪个规划最高 for a growth rate."""
    clauses = [c for c in re.split(r"[，,；;？?]", q) if c.strip()]  # …目标是多少？年均增速几何？: the first asks
    if len(clauses) < 2 or not indicators:
        return q
    names = indicators[0].names
    holding = [c for c in clauses if any(n in c.replace("的", "") for n in names)]
    return holding[0] if holding else q


def _blanked(text: str, names: list[str]) -> str:
    """``text`` with each of ``names`` (in order) written as □s of its length, so cue words inside names are not read."""
    for n in names:
        text = text.replace(n, "□" * len(n))
    return text


def _role(q: str, indicators: list[Indicator]) -> tuple[str | None, bool]:
    """(level | growth | change | share | None, yearly): what form of the figure is asked for."""
    from qa.figures.indicators import RATE_NAMES

    # 人口自然增长率 names a level, its growth word asks for no growth; so does every indicator whose name holds one
    t = _blanked(q, [*RATE_NAMES, *(n for ind in indicators if ind.nature != "level"
                                     and re.search(r"增长|下降|降低", ind.name) for n in ind.names)])
    # 细颗粒物（PM2.5）平均浓度: a name's 平均 asks for no yearly rate
    yearly = bool(V.Q_YEARLY.search(_blanked(t, [n for ind in indicators for n in ind.names])))
    change = bool(Q_CHANGE.search(t))
    growth = bool(V.Q_GROWTH.search(t) or Q_COLLOQUIAL_GROWTH.search(t))
    if change and not yearly or Q_SHARE_CHANGE.search(t) and any(i.nature == "rate" for i in indicators[:1]):
        return "change", False
    if growth or change:  # 比2010年增长 without 年均: the change since then, not a yearly rate
        return "growth", yearly or not (change or V.Q_GROWTH_SINCE.search(t))
    if V.Q_SHARE.search(t) or any(i.nature == "rate" for i in indicators[:1]):
        return "share", False
    if indicators and indicators[0].nature == "growth":
        return "growth", True
    if indicators:
        return "level", False
    return None, False
