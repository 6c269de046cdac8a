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

from qa.figures import vocab as V
from qa.figures.indicators import english_to_chinese, is_english
from qa.figures.ontology import Indicator, norm, ontology, spoken_to_plan
from qa.models import PLAN_PERIODS, Document
from qa.text.places import PlaceReading, read_places
from qa.text.pos import all_nouns

ASKS_NUMBER = V.rule(
    "q.asks_number",
    r"多少|多大|多高|多长|多快|多远|多久|几(?:个|家|所|座|项|台|辆|户|名|张|栋|条|处|万|亿|千|百|十|倍|年|天|岁|人|成|公里)"
    r"|几(?![种类项个方面点大])[\u4e00-\u9fff]|什么水平|多大比重|多大规模|什么规模|百分之几|比例|比重|占比|率|几何|" + V.QUANTIFIED +
    r"|\bhow (?:much|many|high|large|big|fast|long|far)\b|\bwhat (?:percentage|proportion|share|rate|ratio)\b"
    r"|\b(?:target|goal)s? (?:for|of)\b|\bwhat is\b[^?]*\b(?:target|goal|figure|level|capacity|number|total|amount|output)\b",
    "a question that asks for a number", ("GDP要达到多少", "城镇化率", "占比", "建几个", "how much",
                                           "What is Karamay's 2010 target for the live-hog inventory?",
                                           "how long should residents live on average by 2010"),
    ("有哪些产业", "“两廊”是指什么", "定位是啥", "What is the positioning of Erenhot?"), re.I)
ASKS_LIST_OR_MEANING = V.rule(
    "q.asks_description",
    r"哪些|哪几|哪[一二三四五六七八九十两]|几大|是指|指的是|指啥|指什么|什么意思|含义|内涵|定位|包括|包含|主要有|分别是什么|分别叫|叫什么"
    r"|怎么|怎样|如何|啥样|咋说|咋讲|[那这]几[个大项种条]|除了|还有啥|还有什么|还有哪"
    r"|\bwhich\b|\bwhat (?:does|do)\b.*\bmean\b|\bwhat are the\b|\bhow (?:does|do|will|is)\b",
    "a question that wants a list, a meaning or a way, even when it names an indicator",
    ("有哪些产业", "“两廊”是指什么", "定位是什么", "怎么发展", "要打造成个啥样", "那几个特色品牌，除了“酒乡”还有啥"), ("GDP目标是啥", "增长多少"), re.I)
QUANTITY_HEAD = V.rule(
    "q.quantity_head", r"(?:[数量额值率]|面积|收入|产值|规模|里程|能力|人口|比重|产量|总额|增加值|密度|长度|总长|投资|资金|经费|装机|存栏|出栏|产能|单产|亩产)$",
    "a question that ends on a measured quantity asks for it, even without 多少 (a keyword query)",
    ("每千人病床数", "铁路年吞吐能力", "玉米种植面积", "燃气管网总长", "水利建设计划投资", "风电装机", "生猪存栏"), ("发展定位", "主导产业", "空间布局"))
QUESTION_WORD = V.rule("q.question_word", r"什么|啥|哪|谁|吗|呢|[?？]|\b(?:what|which|how|who|where|when|why)\b",
                       "a question word: without one (a keyword query) a named figure may be what is wanted",
                       ("根本目标是什么？", "做成个啥样", "what is", "发展定位？"), ("双城 十四五 秸秆 综合利用 目标",), re.I)
NUMBER_BY_HOW = V.rule("q.number_by_how", r"(?:怎样|什么样|怎么样)的?[\u4e00-\u9fff]{0,2}?(?:规模|水平|目标值?|数值|幅度|速度)",
                       "a size or level asked with 怎样 is a number (设定了怎样的规模目标, 怎样的控制目标)",
                       ("设定了怎样的规模目标", "什么样的水平", "设定了怎样的控制目标"), ("怎样发展", "怎样的格局", "怎样的发展格局"))
SHARE_AFTER = V.rule("q.share_after", r"(?<=[\u4e00-\u9fff])(?<![占的])\s*(GDP|地区生产总值|生产总值)\s*(?:占比|比重)",
                     "X GDP占比 (a keyword query) is X占GDP比重: GDP is the whole, X the part",
                     ("民营经济 GDP占比", "第三产业GDP比重"), ("GDP占比", "GDP增速", "研发经费占GDP比重"))
ECONOMY_WHOLE = V.rule("q.economy_whole", r"(?:在|占)(?:整个|全[市区县旗])?经济(?:总量)?(?:里面|里|中|当中)?(?:所?占)?的?(?:比重|比例|份额|占比)",
                       "the economy as the whole of a share is GDP (三产在经济里占的比重 → 三产占GDP比重)",
                       ("三产在经济里占的比重", "服务业占经济的比重"), ("经济增长速度", "在经济发展中的作用"))
SECTOR_SHARE = V.rule("q.sector_share", r"(?<!第)([一二三])产(?:业)?(?:增加值)?(?:（[^（）]{1,8}）|\([^()]{1,8}\))?"
                      r"(?:占(?:GDP|地区生产总值|生产总值)的?)?(?:占比|比重|比例|份额)|"
                      r"第([一二三])产业(?:增加值)?(?:（[^（）]{1,8}）|\([^()]{1,8}\))?(?:占(?:GDP|地区生产总值|生产总值)的?)?(?:占比|比例|份额)|"
                      r"第([一二三])产业(?:增加值)?占(?:GDP|地区生产总值|生产总值)的比重",
                      "a sector's share in any of the ways people shorten it is the plan's 第N产业增加值占地区生产总值比重",
                      ("三产（服务业）占GDP比重", "第三产业占比", "二产比重", "三产业占GDP的比重"), ("第三产业增加值", "三产增加值", "第三产业比重"))
CAPACITY_SPOKEN = V.rule("q.capacity_spoken", r"(?:一天|每天|每日|一年|每年)(?:能够|能|可以|可)(供|处理|生产|产|发|运|接待|吞吐|装)(?=多少|几)",
                         "what can be done in a day or a year is a capacity (自来水一天能供多少吨 → 供能力)",
                         ("自来水一天能供多少吨", "污水一天能处理多少"), ("一年能挣多少", "每天供水"))
FINAL_PARTICLE = V.rule("q.final_particle", r"(?<=[\u4e00-\u9fff])[啊呀呢吧嘛哈啦哦呐]+(?=[？?！!。～~\s]*$)",
                        "a spoken question's closing particle says nothing about what is asked (…种植带啊？)",
                        ("打算搞哪几样特色种植带啊？", "能到多少呀", "定位是啥呢？"), ("哈尔滨", "呼和浩特"))
NAME_ASIDE = V.rule("q.name_aside", r"(?<=[\u4e00-\u9fffA-Za-z])（[\u4e00-\u9fff]{2,5}）(?=[\u4e00-\u9fffA-Za-z])",
                    "a place in brackets inside a company or project name belongs to the name, not the question's scope",
                    ("飞鹤（哈尔滨）乳制品",), ("双城区（哈尔滨）", "（2010年）"))
SPOKEN_VO = V.rule("q.spoken_vo", r"([养种产出挖打])了?多少((?:万|亿)?[头只吨亩斤眼口]?)((?![啊呀呢吧嘛哈的了头只吨亩斤眼口个])[\u4e00-\u9fff])(?=[啊呀呢吧？?。，,]|$)",
                   "a verb and its one-character object split by 多少 (出多少煤, 养多少头猪) are read as one word (出煤, 养猪)",
                   ("一年出多少煤？", "养多少头猪啊"), ("出多少万吨原煤", "产多少粮食", "能养多少头呢", "打算养多少头啊"))
VERB_OBJECT = V.rule("q.verb_object", r"(?:能够|能|可以|要)?(交易|成交|处理|接待|加工|运输|销售|出口|进口)了?多少(?:万?吨|万?人次|万?人|个)?([\u4e00-\u9fff]{2,4}?)(?=[啊呀呢吧？?。，,]|$)",
                     "a spoken verb and its object (一年能交易多少粮食) is the plan's object + verb + 量 (粮食交易量)",
                     ("一年能交易多少粮食啊", "接待多少游客？"), ("交易额是多少", "处理能力多少"))
PERIOD_END = V.rule("q.period_end", r"期末|末期|规划末|最后一年|结束(?:时|那年|的时候)|到头|end of the plan",
                    "the plan's last year, without naming it", ("十二五期末", "规划期末"), ("期间",), re.I)
BASE_PERIOD = V.rule("q.base_period", r"基期|基数|起点|规划(?:前|之前)|编制时|期初|上一个五年|上个五年"
                     r"|(?:起步|开头|开始编(?:制)?(?:规划)?)(?:那年|那一年|时|的时候|之年)|刚起步|开局前"
                     r"|\b(?:start|beginning|outset|eve) of (?:its|the|each|their) (?:plan|five-year plan|plan period)\b"
                     r"|\bbase(?:line)?[- ]year\b|\bbaseline\b|\bwhen (?:its|the|each|their) plan (?:began|started)\b"
                     r"|\byears? (?:before|preceding) (?:its|the|each|their) plan\b|\b(?:previous|preceding|prior) (?:five-year )?(?:plan|period)\b"
                     r"|过去五年|前五年",
                     "the year before the plan: its baseline", ("基期值", "编制时", "规划刚起步那年", "规划开头那年", "刚开始编规划那年", "at the start of its plan",
                                                              "the base-year GDP"),
                     ("期末", "起步区", "by the end of the plan"), re.I)
Q_CHANGE = V.rule("q.change", r"下降|降低|减少|降多少|降了|提高(?:多少|几)个?百分点|百分点|共降|降幅",
                  "a change over the period (降低20%, 提高3个百分点)", ("能耗降低多少", "提高几个百分点"), ("增长",))
Q_SHARE_CHANGE = V.rule("q.share_change", r"(?:提高|提升|增加|上升|上涨|涨|下降|降低|减少)了?(?:百分之几|(?:多少|几)个?(?:百分)?点)|(?<!年均)(?<!每年)(?:提高|提升|增加|上升)的?幅度",
                        "a share or rate that rose by how many points is a change in points, not a growth rate",
                        ("第三产业占比提高了百分之几", "城镇化率提升几个点", "第三产业占比提升幅度"), ("增长百分之几", "提高到多少", "年均提高幅度"))
Q_COLLOQUIAL_GROWTH = V.rule("q.growth_colloquial", r"涨(?![到至])|增幅|翻番|翻一番|增速|多挣|多赚|增收|growth|grow|increase",
                             "colloquial and English words for growth (涨到 is the level reached)", ("每年涨多少", "annual growth"),
                             ("达到", "收入要涨到多少"), re.I)
MONEY_ASKED = V.rule("q.money", r"多少钱|花多少|投多少|投了多少|投入.{0,16}多少|投资.{0,8}多少|多少资金|多少投资|多少经费|挣多少|"
                              r"赚多少|资金(?:规模|总额|总量)?(?:为|是|有|达)?多少|\bhow much\b[^?]*\b(?:invest|spend|allocate)",
                     "a question about an amount of money (一共准备花多少钱)", ("一共投了多少钱", "投入多少资金", "投入城乡建设的资金规模为多少",
                                                                           "How much does Datong plan to invest in water conservancy"),
                     ("多少人", "How much grain"), re.I)
RANKED = V.rule("q.ranked", r"最(?:高|低|快|慢|大|小|多|少|猛|薄|厚)|[更较](?:高|低|快|慢|大|小|多|少)|孰(?:高|低|快|慢|多|少|大|小)|"
                           + V.which_ends("高|低|多|少|大|小|快|慢"),
                "a ranking of a quantity is a number question, even asked with 哪个/which",
                ("哪个规划的GDP增速最高", "谁的财政收入更多", "期末人口哪个多？", "绿地率目标孰高"), ("哪些产业", "哪个产业是重点？"))
TARGET_COMPARED = V.rule("q.target_compared", r"目标|指标", "a target ranked (which has the larger grain target) asks "
                         "for figures even when no indicator name is known", ("哪个规划的粮食目标更高",), ("哪些产业",))
MONEY_HEAD = V.rule("q.money_head", r"(?:产值|收入|投资|投资额|增加值|总额|营业额|销售额|利润|税收|经费|资金)$",
                    "a question ending on an amount of money asks for money, not a count printed beside it",
                    ("规模以上食品企业产值", "旅游收入"), ("规模以上食品企业", "投资项目"))
GROWTH_RATE = V.rule("q.growth_rate", r"增速|增幅|(?<!自然)增长率|\bgrowth rates?\b|\brates? of (?:growth|increase)\b",
                     "a growth rate is a percentage: an amount added each year (年均增加450元) does not answer it",
                     ("收入年均增速", "annual growth rate"), ("人口自然增长率", "年均增加多少元"), re.I)
STRICT_TARGET = V.rule("q.strict_target", r"目标|计划|预期|力争|争取",
                       "a figure asked as a goal: a plan's record of a year before it is not its goal for that year",
                       ("2010年失业率控制目标", "预期目标"), ("2010年完成了多少", "2010年是多少"))
NAME_GLUE_HEAD = V.rule(
    "q.name_glue_head", r"^.*(?:规划|期间|期末|目标|中|到|达到|要|将|把|让|全区|全市|全县|全旗|全社会|区域|其中|今后|未来|主要|"
    r"实现|完成|计划|预计|力争|争取|确保|努力|年|方面|领域|总)",
    "words before an indicator's name that do not narrow it (规划中, 到, 全区, 实现): cut before reading a narrower phrase",
    ("规划中食品", "全区食品", "到食品", "力争到实现", "对外贸易方面"), ("食品", "装备制造", "水利"))
NAME_GLUE_TAIL = V.rule(
    "q.name_glue_tail", r"(?:计划|预计|实现|完成|达到|力争|争取|确保|要|将|的|到|总|年|全年|当年|方面|领域|"
    r"基期|基年|期初|期末|末期|起步|年底|年末|时期|期间|时候|那年|那会儿)$",
    "words a name's modifier may end on that are not part of it (建设计划 投资总额, 力争到实现 进出口额)",
    ("水利基础设施建设计划", "力争到实现", "对外贸易方面", "规划基期"), ("水利基础设施建设", "食品"))
Q_YEAR_SPAN = V.rule("q.year_span", r"(?:19|20)\d\d\s*[-—~～至到]\s*(?:19|20)\d\d",
                     "a span of years (2006-2010年) names a period, not one year asked", ("2006-2010年",), ("2010年",))


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
    qualifier: str | None = None  # floor | cap
    answer_type: str = "number"  # number | describe | ratio
    unmarked: bool = False  # no words asked for a number or for a description (双城 十四五 秸秆 综合利用 目标)
    rewritten: bool = False  # read in other words than typed (English, spoken words, 05年)
    english: bool = False  # typed in English
    concepts: tuple[tuple[str, ...], ...] = ()  # each English phrase's translations the library prints (glossary)
    measures: tuple[tuple[str, ...], ...] = ()  # those of its measure words (area, capacity): count only where printed
    thesaurus: bool = True  # words the ontology does not know are also compared through 同义词词林
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
            if doc.plan not in self.plans and any(p in PLAN_PERIODS and PLAN_PERIODS[p][1] == doc.period_start - 1
                                                  for p in self.plans):
                return "baseline"  # “十五”期间 in a 十一五 plan: the record of the past
            for y in self.years:
                return "target" if y >= doc.period_start or self.strict_target else "baseline"
            if self.period_end:
                return "target"
        return self.kind_words

    def years_for(self, doc: Document | None) -> list[int]:
        """The years this plan's figure must be for: those named, or the plan's end (期末) / base year (基期)."""
        if self.years:
            return self.years
        if doc and doc.period_start and doc.period_end:
            if self.base_period:
                return [doc.period_start - 1]
            past = [PLAN_PERIODS[p] for p in self.plans if p in PLAN_PERIODS and PLAN_PERIODS[p][1] == doc.period_start - 1
                    and doc.plan not in self.plans]
            if past and self.period_end:
                return [past[0][1]]  # 十五末 → 2005
            if self.period_end and not past:
                return [doc.period_end]
        return []


SHORT_YEAR = re.compile(r"(?<![\d.〇零一二三四五六七八九十第近每前后])([012]\d)年(?![内来间代度均]|以来)")


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
    q = spoken_to_plan(_full_years(FINAL_PARTICLE.sub("", q)))
    q = SHARE_AFTER.sub(r"占\1比重", q)
    q = ECONOMY_WHOLE.sub("占GDP比重", q)
    q = CAPACITY_SPOKEN.sub(r"\1能力", q)
    q = VERB_OBJECT.sub(r"\2\1量多少", q)
    q = SPOKEN_VO.sub(r"\1\3多少\2", q)
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
        if m.group(1) in PLAN_PERIODS and not V.Q_COMPARISON_YEAR.search(q[: m.start()]):
            ask.period_end = True
    def said(rule: V.Rule) -> bool:  # in the reading, or in an English question's own words the reading lost
        return bool(rule.search(q) or english and rule.search(question))

    ask.period_end = ask.period_end or said(PERIOD_END)
    ask.base_period = said(BASE_PERIOD)
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
    elif V.Q_TARGET.search(q) or re.search(r"打算|准备|要|将|能|会|plan|target|goal", q):
        ask.kind_words = "target"
    for unit, r in V.UNIT_HINTS:
        if r.search(q):
            ask.unit_hint = unit
            break
    else:
        m = V.Q_COUNT.search(q)
        if m and re.match(r"百分点|亿|万|点|规划|地区|城市|地方|区县", q[m.end():]):
            # 多少个百分点, 几个亿: no count of things; 这几个规划的…: the plans are counted, not the figure
            m = None
        money = said(MONEY_ASKED) and ask.role not in ("growth", "change", "share")  # 投资年均增长多少 is a rate
        ask.unit_hint = (m.group(1) or m.group(2)) if m else ("元" if money else None)
    if ask.unit_hint is None and ask.role in (None, "level") and MONEY_HEAD.search(ask.head) and not english:
        ask.unit_hint = "元"  # 食品企业产值 is money: 规模以上食品企业发展到50户 counts the firms
        ask.trace.append(MONEY_HEAD.name)
    if ask.unit_hint is None and ask.role == "growth" and said(GROWTH_RATE):
        ask.unit_hint = "%"  # 农牧民人均纯收入年均增加450元 is growth, but no rate
        ask.trace.append(GROWTH_RATE.name)
    if re.search(r"超过|以上|至少|不少于|不低于|突破|高于", q):
        ask.qualifier = "floor"
    elif re.search(r"以内|以下|不超过|控制在|最多|上限|不高于", q):
        ask.qualifier = "cap"
    if Q_RATIO.search(q):
        ask.answer_type = "ratio"
    elif (ASKS_LIST_OR_MEANING.search(q) and not re.search(r"多少|几个百分点|百分之几|" + V.QUANTIFIED, q)
          and not ((ask.indicators or TARGET_COMPARED.search(q)) and (RANKED.search(q) or NUMBER_BY_HOW.search(q)))):
        ask.answer_type = "describe"
    elif said(ASKS_NUMBER) or ask.indicators or RANKED.search(q):
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


ASK_WORD = re.compile(r"是多少|为多少|有多少|多少|(?<!十)几(?![年十百千万])|是什么|是啥|啥|什么|目标|how much|how many|what", re.I)


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
