"""Answers that are not one number: a term's definition, a list, the plan's positioning, a description.

Every sentence of the plans in scope is scored against the question (``qa.retrieve.sentences``: the asked
words weighted by how rare they are in that plan, the terms it quotes or coins (“两廊”, 四区一园一带), and
what the question wants):
- definition (“两廊”是指什么): the sentence where the term is followed by what it means (“两廊”，即…), with
  the items that follow it when it ends in a colon;
- list (有哪些, 哪几个, 途经哪些地方): the enumerating sentence, split into items, each cited by its own span;
- positioning (定位, 打造成什么): the sentence that says what the plan wants the region to be — the same
  selector a brief's 摘要 opens with;
- ratio (三次产业结构是多少): a stored ratio statement (12.9:52.7:34.4), cited;
- description (怎么连, 重点是什么): the best sentence, and the next when it continues it.
Sentences are the chunks' stored units, cited by their stored canonical spans. Nothing that scores too
low answers: 文档未提及, with the reason.
"""

from __future__ import annotations

import re

from qa.answer.question import coverage
from qa.answer.understand import Ask
from qa.figures import vocab as V
from qa.figures.prose import sentence_kind
from qa.models import Answer, Citation, Document, Hit, ListItem, Related, Statement
from qa.retrieve.sentences import BOILERPLATE, Sentence, aim_cue, bigrams

QUOTED = V.rule("fact.quoted_term", r"[“\"「]([^”\"」]{1,24})[”\"」]", "a term the question quotes",
                ("“两轴”指的是什么",), ("两轴是什么",))
DEFINER = V.rule("fact.definer", r"是指|指的是|即[:：]?|就是|包括|主要有|[:：]", "words that define a term",
                 ("“两轴”是指", "三元即"), ("增长",))
Q_DEFINE = V.rule("q.define", r"指的?是|什么意思|含义|指什么|是指|内涵|内容是什么", "a question about a term's meaning",
                  ("“两轴”指的是什么", "是什么意思"), ("有哪些",))
Q_LIST = V.rule("q.list", r"哪些|哪几|分别是|分别为|有几个|包括什么|包含哪|列举|[那这][几两三四五六七八九十][个大项种条块样]|除了|还有啥|还有什么|还有哪"
                          r"|都叫(?:啥|什么)",
                "a question that wants a list (those several …, what besides …, what those three are called)",
                ("有哪些园区", "分别是哪几个", "那几个特色品牌，除了“酒乡”还有啥", "那三个工业园都叫啥名"), ("是多少", "“酒乡”是什么", "叫什么名字"))
Q_RATIO = V.rule("q.ratio", r"(?:产业|经济)结构|(?:三次|一二三|一、二、三)产业.{0,6}(?:比例|比重|之比|结构)|之比",
                 "a question about a structure (三次产业结构), not one share", ("三次产业结构是多少", "一二三产业比例"),
                 ("第三产业占生产总值的比例是多少", "增长多少"))
LIST_CUE = V.rule("fact.list_cue", r"重点发展|大力发展|着力发展|主要包括|包括|主要有|分别是|分别为|涵盖|形成|打造|建设|[:：]",
                  "where a sentence's enumeration starts", ("重点发展万寿菊、药材", "包括："), ("增长",))
ITEM_SPLIT = V.rule("fact.item_split", r"[、；;，,]|(?<=[\u4e00-\u9fff])(?:和|及|与|以及)(?=[\u4e00-\u9fff])",
                    "what separates a list's items", ("万寿菊、药材", "城镇和农村"), ("万寿菊药材",))


COINED = V.rule("fact.coined_term", r"(?:[一二三四五六七八九十两多][^\W\d一二三四五六七八九十两多零〇]{1,2}){2,}",
                "a numbered slogan a plan coins (一核两廊三区多点, 四区一园一带), quoted or not",
                ("一核两廊三区多点", "四区一园一带"), ("地区生产总值", "十一五规划", "双城区十四五要打造"))
COUNT = V.rule("q.count_items", r"(?:哪|这|那)?([两二三四五六七八九十])(?:个|大|句话?|项|类|种|条|方面|点)",
               "how many items a list question expects (哪三个, 三大, “三句话”)", ("哪三个", "三大战略", "三句话"),
               ("多少个",))
CN_COUNT = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
SLOGAN = re.compile(r"(?:建成|打造|建设成为?|定位为|成为|争创)“[^”]{4,40}”")
Q_AIM = V.rule("q.aim", r"定位|打造成|建成什么|建设成什么|发展成什么|总体目标|奋斗目标|口号|目标是什么|主题|主线|position|aim|slogan|motto",
               "a question about what the plan wants the region to be", ("发展定位是什么", "要打造成什么", "What slogan?"),
               ("有哪些产业",), re.I)
Q_AIM_EN = V.rule("q.aim_en", r"\b(?:wants?|aims?|plans?|hopes?) to (?:become|be)\b",
                  "what a region wants to become, asked in English: its aim, unless the question lists (which four kinds of "
                  "bases does Erenhot want to become)", ("What does Shuangcheng want to become?",),
                  ("How much will GDP become?",), re.I)
ASPECT = V.rule("q.aspect", r"在([\u4e00-\u9fff]{4,16}?)(?:方面|领域|这块|工作中)",
                "在X方面 names the part of the plan the answer stands in: a sentence under a heading that says X",
                ("在提升城乡功能品质方面", "在生态环境保护领域"), ("在哈尔滨都市体系中", "在全区"))
ASK_GLUE = re.compile(r"主要|具体|分别|都|包括|包含|哪些|哪几[个种类样项方面大张块座条家所处片]?|哪[一二三四五六七八九十两][个种类项大张块座条家所处片]?|什么|啥|"
                      r"怎么|怎样|如何|是指|指的是|指|意思|含义|内容|说的|所说|常说|提到|提出|要求|按照|规划|纲要|十[一二三四]?五|"
                      r"期间|要|将|想|打响|重点|抓|推|的|了|是|有|在|和|与|及")
MIN_SCORE = 0.3
AIM_WORDS = re.compile(r"定位|定为|打造|建成|建设成|目标|主题|主线|口号")


def _enumerates(text: str, n: int) -> bool:
    """The sentence lists exactly ``n`` items somewhere (轻纺、纸业、玉米; 做强中游，支撑上游，延伸下游;
    “酒乡”“乳城”“菜区”)."""
    if any(len(re.findall(r"“[^”]{1,12}”", run)) == n for run in re.findall(r"(?:“[^”]{1,12}”[、，,]?){2,}", text)):
        return True
    for seg in re.findall(r"“([^”]{2,80})”", text) + re.split(r"[：:；;。]", text):
        parts = [p for p in re.split(r"[、，,]", seg) if p.strip()]
        if len(parts) == n and all(len(p) <= 12 for p in parts):
            return True
    return False


def _named_runs(text: str, noun: str) -> list[str]:
    """The runs of two or more items that each end on ``noun`` (…工业园、…工业园和…工业园)."""
    item = rf"[\u4e00-\u9fff]{{1,8}}?{re.escape(noun)}"
    return re.findall(rf"{item}(?:[、，,和及与]{item})+", text)


def _count_of(count: int, noun: str) -> str:
    """The pattern of a count with the noun counted (三个产业, 3个产业, 三大产业)."""
    cn = next(k for k, v in CN_COUNT.items() if v == count and k != "二")
    return rf"(?:{cn}|{count})(?:个|大|项|类)?{re.escape(noun)}"


def _counted(text: str, count: int, noun: str) -> list[str]:
    """The items of an enumeration the plan counts with the noun asked (“轻纺、纸业、玉米”三个产业 → 3 items)."""
    item = r"[\u4e00-\u9fff]{1,10}"
    m = re.search(rf"“?({item}(?:、{item}){{{count - 1}}})”?(?:这|等)?{_count_of(count, noun)}", text)
    items = m.group(1).split("、") if m else []
    return [_unled(items[0]), *items[1:]] if items else []


def _unled(item: str) -> str:
    """The first item without the words that lead into the list: 重点发展万寿菊 → 万寿菊, 抓住五家街道 → 五家街道."""
    from qa.text.pos import tagged

    item = LEAD.sub("", item) or item
    words = list(tagged(item))
    while len(words) > 1 and words[0][1] in ("v", "p", "d"):  # a verb (not 建设, a verbal noun), preposition, adverb
        words.pop(0)
    return "".join(w for w, _ in words)


LEAD = re.compile(r"^.*(?:重点发展|大力发展|着力发展|发展|建设|打造|形成|包括|以)")


SOME_KINDS = V.rule("describe.some_kinds", r"哪几([种类项条个大])",
                    "a list asked by its classifier (哪几种房子): a sentence that counts its items with it (…、廉租房四种供应"
                    "模式) answers it, whatever noun the question uses for them", ("主要靠哪几种房子来供应", "有哪几类"),
                    ("有哪些", "多少种"))


def _counts_as_asked(q: str, text: str) -> bool:
    """The sentence lists items and counts them with the classifier the question asks by (哪几种 … 四种)."""
    m = SOME_KINDS.search(q)
    return m is not None and re.search(r"[^、，。]、[^、，。]+[两二三四五六七八九十]" + m.group(1), text) is not None


def _counted_noun(words: str) -> str | None:
    """The noun a count is of: the last of the nouns right after it (三个主导工业产业是 → 产业, 三个园区撑起来的 →
    园区, 三个园区支撑 → 园区), as its last two characters; None when a verb comes first."""
    from qa.text.pos import leading_nouns

    nouns = leading_nouns(words)
    return nouns[-1][-2:] if nouns and len(nouns[-1]) >= 2 else None


def _item_noun(text: str, noun: str, count: int) -> str:
    """The noun as the items print it: 园区 asked, …工业园、…工业园、…工业园 printed (a generic 区 dropped)."""
    if len(noun) == 2 and noun[1] == "区" and _items_named(text, noun) != count and _items_named(text, noun[0]) == count:
        return noun[0]
    return noun


def _items_named(text: str, noun: str) -> int:
    """The most items in one run that each end on ``noun`` (…工业园、…工业园和…工业园 → 3)."""
    return max((len(re.findall(re.escape(noun), r)) for r in _named_runs(text, noun)), default=0)


def question_type(question: str) -> str:
    if Q_RATIO.search(question):
        return "ratio"
    terms = _terms(question)
    if terms and (Q_DEFINE.search(question) or re.search(r"什么|啥", question)) and not Q_LIST.search(question):
        return "definition"
    if Q_AIM.search(question):
        return "aim"
    if Q_LIST.search(question) or re.search(r"哪[一二三四五六七八九十两几]|哪些", question):
        return "list"
    return "aim" if Q_AIM_EN.search(question) else "description"


def _terms(question: str) -> list[str]:
    quoted = [t for t in QUOTED.re.findall(question) if not V.PLAN_MENTION.re.fullmatch(t)]  # “十一五” is no term
    coined = [m.group(0) for m in COINED.finditer(question) if not any(m.group(0) in q for q in quoted)]
    return quoted + coined


def _target_term(q: str, terms: list[str]) -> str | None:
    """The term a definition question asks about: the quoted one nearest before 是指/是什么 (“两廊”是指什么 in
    “一核两廊三区多点”格局里的“两廊”是指什么), else the last one."""
    m = Q_DEFINE.search(q) or re.search(r"什么|啥", q)
    before = [t for t in terms if m and q.find(t) < m.start()]
    # what is the “一核” in …“一核两廊三区多点”: asked before its terms (English order), the part of a slogan, else
    # the first, is the one asked
    parts = [t for t in terms if any(t != u and t in u for u in terms)]
    if not terms:
        term = None
    elif before:
        term = max(before, key=q.rfind)
    elif m:
        term = parts[0] if parts else terms[0]
    else:
        term = terms[-1]
    if term and m:
        # “三元一线”里的三元指的是啥: the part of the term named just before the question word is what is asked
        lead = re.sub(r"[的”\"」\s]+$", "", q[: m.start()])
        for n in range(min(6, len(term) - 1), 1, -1):
            part = lead[-n:]
            if len(part) == n and part in term and part != term and q.rfind(part) > q.rfind(term) + len(term) - 1:
                return part
    return term


def _head_after(q: str, term: str | None) -> str:
    """The noun the question puts after a quoted term (“商贸活区”战略是指什么 → 战略): the plan may define the
    term with it (商贸活区战略是指…)."""
    if not term:
        return ""
    m = re.search(re.escape(term) + r"[”\"」]([\u4e00-\u9fff]{0,4}?)(?:是指|指的是|指|是什么|是啥|什么意思|的含义)", q)
    return m.group(1) if m else ""


def _without_head(after: str, head: str) -> str:
    """The words after a term, past the noun the question puts after it (战略是指… → 是指…)."""
    return after[len(head):] if head and after.startswith(head) else after


def _says_what(x: Sentence, term: str, head: str = "") -> bool:
    """The term stands in the sentence followed by 即/是指/：… (what it is)."""
    at = x.text.find(term)
    return at >= 0 and bool(DEFINER.match(_without_head(x.text[at + len(term):].lstrip("”\"」，, "), head)))


def _defines(s: Sentence, term: str, index, head: str = "") -> bool:  # noqa: ANN001
    """The sentence says what the term is: the term (and the noun the question puts after it) followed by
    即/是指/：…, or a list of as many items as the term counts (“三区” … 经济开发区、临空经济区配套功能区、…),
    or it is followed by such a sentence."""
    if any(_says_what(x, term, head) for x in [s, *index.after(s, 2)]):  # or the next sentence, in the next chunk
        return True
    n = CN_COUNT.get(term[0]) if term else None
    return bool(n and _enumerates(s.text, n)) or s.text.count("、") >= 2 or "：" in s.text


def _holds(text: str, term: str) -> bool:
    """A short term (“2”, 一环) counts only where the plan quotes it; a longer one wherever it is printed."""
    return f"“{term}”" in text or (len(term) > 2 and term in text)


def _score(s: Sentence, index, ctx: dict) -> float:  # noqa: ANN001
    kind = ctx["kind"]
    score = index.match(ctx["want"], s)
    for t in ctx["terms"]:
        if not _holds(s.text, t):
            continue
        if t == ctx["target"]:
            score += 0.3
            at = s.text.find(f"“{t}”")
            after = s.text[at + len(t) + 2:] if at >= 0 else s.text[s.text.find(t) + len(t):]
            quoted_is = at >= 0 and re.match(r"[”\"」]?\s*是(?!否)", s.text[at + len(t) + 1:])
            after = _without_head(after.lstrip("”\"」，, "), ctx["head"])  # “商贸活区”战略 … 商贸活区战略是指…
            if ctx["defines"] and (DEFINER.match(after) or quoted_is):  # “2”是在…: a quoted term and what it is
                score += 0.6  # “两廊”，即…: the term and what it means
        else:
            score += 0.1
    noun = _item_noun(s.text, ctx["noun"], ctx["count"]) if ctx["noun"] and ctx["count"] else ctx["noun"]
    if kind == "list":
        score += 0.03 * min(s.text.count("、") + len(re.findall(r"”“", s.text)), 6)
        score += 0.1 if LIST_CUE.search(s.text) else 0.0
        if noun and s.text.count(noun) >= 2:
            score += 0.2  # …基地、…基地、…基地: the items share the noun the question names
    if noun and noun in s.text:
        score += 0.1
    if kind == "aim" and aim_cue(s):
        slogan = SLOGAN.search(s.text)
        score += 0.5 + (0.3 if slogan else 0.0)
        if ctx["slogan"] and slogan and len(slogan.group()) >= 12:
            score += 0.3  # 那句口号: a slogan is a phrase of its own (两句并列), not a name in quotes (“哈长城市群”)
    if ctx["count"] and kind in ("list", "definition", "description") and _enumerates(s.text, ctx["count"]):
        score += 0.3
    elif ctx["count"] and kind == "list" and (noun and _items_named(s.text, noun) == ctx["count"]
                                              or _counted(s.text, ctx["count"], noun or "")):
        score += 0.4  # 轻纺工业园、纸业包装工业园、玉米工业园 for 哪三个工业园, “轻纺、纸业、玉米”三个产业 for 哪三个产业
    elif ctx["count"] and kind == "list" and ctx["noun"] and re.search(_count_of(ctx["count"], ctx["noun"]), s.text):
        score -= 0.2  # 培植三个产业 names the count, not the three: no answer to 哪三个
    if ctx["years"]:  # 到2035年建成什么样: the sentence about that year (plans print 二〇三五年 as often as 2035年)
        said = V.years_in(s.text)
        score += 0.3 if said & ctx["years"] else (-0.2 if said else 0.0)
    if s.chunk.id in ctx["ranks"]:
        score += 0.1 / ctx["ranks"][s.chunk.id]
    if s.section in ctx["under"]:
        score += 0.3  # 在提升城乡功能品质方面: the sentences under 二、提升城乡功能品质
    if BOILERPLATE.search(s.text) and not ctx["guiding"]:
        score -= 0.3
    if ctx["future"] and (V.SECTION_RECORD.search(s.section.split(" > ")[-1])
                          or sentence_kind(s.text, s.section) == "baseline" and not ctx["past"]):
        score -= 0.2  # a question about the plan's aims is not answered by its record of the past
    return score


def describe(ask: Ask, plans: list[Document], hits: list[Hit], corpus) -> Answer:  # noqa: ANN001
    """The sentence (or list) that answers a descriptive question, cited, or 文档未提及 with the reason."""
    q = ask.text
    kind = question_type(q)
    terms = _terms(q)
    index = corpus.sentences
    plain = ASK_GLUE.sub(" ", V.CORE_DROP.sub(" ", ASK_GLUE.sub(" ", ask.without_places())))  # 主要包括: glue first
    if kind == "aim":  # 被定位为什么: the aim words are what the sentence must be, not words it must share
        plain = AIM_WORDS.sub(" ", plain)
    if ask.english:  # the English words no rule wrote in Chinese are in no plan's sentence
        plain = re.sub(r"[A-Za-z][A-Za-z'-]*", " ", plain)
    nouns = [w for w in re.findall(r"[\u4e00-\u9fff]{2,}", plain)]
    target = _target_term(q, terms)
    pool = [s for d in plans for s in index.by_doc.get(d.id, [])]
    if target and (m := re.fullmatch(r"([一二两三四五六七八九十])([\u4e00-\u9fff]{1,4})", target)) and not any(
            _holds(x.text, target) for x in pool):
        # 'four centers' written 四中心, printed “四大中心” or 四个中心: the plan's way of counting them
        printed = [t for t in (m.group(1) + "大" + m.group(2), m.group(1) + "个" + m.group(2))
                   if any(_holds(x.text, t) for x in pool)]
        if printed:
            terms = [printed[0] if t == target else t for t in terms]
            target = printed[0]
    # 哪三个园区撑起来的: the noun counted is what is listed, not the verb the question ends on
    counted = _counted_noun(m.group(2)) if (m := re.search(COUNT.pattern + r"([\u4e00-\u9fff]{2,8})", q)) else None
    # “一核两廊三区多点”格局里的“两廊”: the slogan around the term asked is context, not what is asked
    around = frozenset().union(*(bigrams(t) for t in terms if t != target and target and target in t))
    ctx = {"kind": kind, "terms": terms, "target": target, "want": bigrams(plain) - around,
           "head": _head_after(q, target),
           "defines": bool(target),  # a question about a quoted term wants the sentence that says what it is
           "guiding": bool(re.search(r"指导思想|指导方针|基本原则", q)),
           "slogan": bool(re.search(r"口号|提法|slogan|motto", q, re.I)),
           "count": CN_COUNT.get(m.group(1)) if (m := COUNT.search(q)) else None,
           "ranks": {h.chunk.id: h.rank for h in hits},
           "noun": counted or (nouns[-1][-2:] if nouns and not COUNT.re.fullmatch(nouns[-1]) else None),
           "future": bool(re.search(r"(?<![主重需])要|将|打算|准备|计划|目标|定位|十[一二三四]五", q)),
           "past": bool(re.search(r"已经|完成了|取得|成就|回顾|过去", q)),
           "years": set(ask.years) if len(ask.years) == 1 else set(),  # 2006-2010 is the plan's span, not a year
           # the sections whose heading says the aspect asked (在X方面), worked out once a question, not once a sentence
           "under": {sec for sec in {x.section for x in pool}
                     if any(coverage(m.group(1), h) >= 0.75 for h in sec.split(" > ")[-2:])}
           if (m := ASPECT.search(q)) else set()}
    best: tuple[float, Sentence] | None = None
    for d in plans:
        for s in index.by_doc.get(d.id, []):
            score = _score(s, index, ctx)
            if best is None or score > best[0]:
                best = (score, s)
    if ask.rewritten and (best is None or best[0] < MIN_SCORE + 0.2):
        # a question in other words than the plan's (English above all) shares few words with it: the passages
        # the (multilingual) dense search ranked first are where its answer is, and the cues say which sentence
        for h in hits[:3]:
            for s in index.of_chunk(h.chunk.id):
                score = _score(s, index, ctx) + 0.45 / h.rank
                if best is None or score > best[0]:
                    best = (score, s)
    in_scope = {d.id for d in plans}
    elsewhere = [doc for doc, sents in index.by_doc.items() if doc not in in_scope
                 and any(_holds(s.text, target) for s in sents)] if target else []
    if target and elsewhere and not any(_holds(s.text, target) for s in pool):
        # another plan's term asked of this one (两核一带四区 of 克拉玛依区): this plan has no such thing
        where = "、".join(d.named for d in plans)
        a = Answer.abstain(q, "extractive", note=f"{where}的规划里没有“{target}”这个说法（它出自另一份规划）")
        a.reason, a.confidence = "no_term", 0.9
        return a
    noun = counted or (re.sub(r"^[这那哪]?(?:[一二三四五六七八九十两几]+[个大项类种])?", "", nouns[-1]) if nouns else "")
    if kind == "list" and not terms and len(noun) >= 4 and not any(
            noun[:2] in s.text and noun[-2:] in s.text for s in pool) and not (best and _counts_as_asked(q, best[1].text)):
        # 高速公路有哪几条: no sentence of the plan speaks of 高速…公路 at all
        a = Answer.abstain(q, "extractive", note=f"规划里没有关于“{noun}”的段落")
        a.reason, a.confidence = "no_passage", 0.8
        return a
    if best is None or best[0] < MIN_SCORE:
        a = Answer.abstain(q, "extractive", note="规划中没有回答这个问题的段落")
        a.reason = "no_passage"
        a.confidence = round(1.0 - (best[0] if best else 0.0) / 2, 3)
        return a
    score, s = best
    if kind == "definition" and target and not _defines(s, target, index, ctx["head"]):
        a = Answer.abstain(q, "extractive", note=f"规划提到了“{target}”，但没有说明它指什么")
        a.reason, a.confidence = "no_definition", 0.7
        a.related = [Related(text=s.text.strip()[:120], label=target, citation=s.citation(),
                             why="不是答案：规划只提到这个说法，没有解释")]
        return a
    if kind == "definition" and target:  # the term named in s and defined in the sentence after: that one
        s = next((x for x in index.after(s, 2) if _says_what(x, target, ctx["head"])
                  and not _says_what(s, target, ctx["head"])), s)
    last = s
    following = index.neighbours(s)
    if kind == "definition" and s.text.rstrip()[-1:] in ":：":
        last = (following[:4] or [s])[-1]  # “两轴”是指：… and the items that follow
    elif kind in ("list", "description") and s.text.rstrip()[-1:] in ":：；;" :
        for nxt in following[:4]:  # the rest of the sentence: 产业发展重点是：…；…；…。
            last = nxt
            if nxt.text.rstrip()[-1:] in "。！？":
                break
    elif kind == "description" and len(s.text) < 40 and following:
        last = following[0]  # a short lead sentence and the one that continues it
    cit = s.citation(last)
    conf = round(min(0.95, 0.4 + 0.4 * min(score, 1.2) / 1.2), 3)
    if kind == "list":
        a = _list(q, cit, ctx["noun"] if ctx["count"] else None, ctx["count"])
    else:
        a = Answer(question=q, text=cit.quote.strip(), kind="fact", citations=[cit], engine="extractive",
                   trace=[f"describe.{kind}"])
    a.confidence = conf
    a.trace.append(f"describe.score={score:.2f}")
    return a


def _sub_cite(cit: Citation, item: str) -> Citation:
    """The item's own span inside a cited sentence, when the canonical text prints it as the answer does."""
    i = cit.quote.find(item)
    if i < 0:
        return cit
    return cit.model_copy(update={"start": cit.start + i, "end": cit.start + i + len(item), "quote": item})


def _list(question: str, cit: Citation, noun: str | None = None, count: int | None = None) -> Answer:
    text = cit.quote
    if count and (items := _counted(text, count, noun or "")):
        return Answer(question=question, text="、".join(items), kind="fact", citations=[cit], engine="extractive",
                      items=[ListItem(text=x, citation=_sub_cite(cit, x)) for x in items], trace=["describe.list_counted"])
    noun = _item_noun(text, noun, count) if noun and count else noun
    if noun and _items_named(text, noun) >= 2:  # the run of items each ending on the noun asked, and only it
        run = max(_named_runs(text, noun), key=len)
        items = [re.sub(r"^.*[了以的将把为由在对从]", "", x) for x in re.split(r"[、，,]|(?<=" + re.escape(noun) + r")[和及与]", run)]
        items = [_unled(items[0]), *items[1:]]
        return Answer(question=question, text="、".join(items), kind="fact", citations=[cit], engine="extractive",
                      items=[ListItem(text=x, citation=_sub_cite(cit, x)) for x in items], trace=["describe.list_named"])
    quoted = max(re.findall(r"(?:“[^”]{1,12}”[、，,和及与]?){2,}", text), key=len, default="")
    if len(items := re.findall(r"“([^”]{1,12})”", quoted)) >= 2:  # “酒乡”“乳城”“菜区”: the plan's own quoted run
        return Answer(question=question, text="、".join(items), kind="fact", citations=[cit], engine="extractive",
                      items=[ListItem(text=x, citation=_sub_cite(cit, x)) for x in items], trace=["describe.list_quoted"])
    cues = LIST_CUE.finditer(text)
    body = text[cues[-1].end():] if cues else text  # the last cue: the enumeration follows it
    items = [re.sub(r"^(?:即|和|及|与|以及)|等$|等[\u4e00-\u9fff]{0,4}$", "", x).strip(" “”\"。；;")
             for x in ITEM_SPLIT.re.split(body)]
    items = [x for x in items if 2 <= len(x) <= 24]
    if len(items) < 2:
        return Answer(question=question, text=cit.quote.strip(), kind="fact", citations=[cit], engine="extractive",
                      trace=["describe.list_sentence"])
    return Answer(question=question, text="、".join(items), kind="fact", citations=[cit], engine="extractive",
                  items=[ListItem(text=x, citation=_sub_cite(cit, x)) for x in items], trace=["describe.list"])


def ratio_answer(ask: Ask, plans: list[Document], statements: list[Statement]) -> Answer | None:
    """A structure asked for: the plan's stored ratio statement for the year and kind asked (三次产业结构 of
    十二五末 is the 2015 target, not the 2010 record)."""
    best: tuple[float, Statement] | None = None
    for d in plans:
        years, kind = ask.years_for(d), ask.kind_for(d)
        for st in statements:
            if st.doc_id != d.id or not st.parts:
                continue
            score = coverage("三次产业结构比例" if "产业" in ask.text else ask.core, st.label + st.context)
            score += 0.5 if years and st.year in years else (-0.5 if years and st.year else 0.0)
            score += 0.2 if kind and st.kind == kind else 0.0
            if best is None or score > best[0]:
                best = (score, st)
    if best is None or best[0] < 0.3:
        return None
    st = best[1]
    return Answer(question=ask.original, text=st.raw, kind="fact", year=st.year, citations=[st.citation()],
                  engine="extractive", statement_id=st.id, trace=["describe.ratio", *st.trace])
