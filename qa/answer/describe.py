"""Answers that are not one number: a quoted term's definition, a list, a structure, a description.

- definition (“两轴”指的是什么): the sentence that defines the quoted term (“两轴”是指…), with the items
  that follow it when it ends in a colon;
- list (有哪些园区, 分别是哪几个): the enumerating sentence, split into items, each item cited by its own span;
- ratio (三次产业结构是多少): a stored ratio statement (12.9:52.7:34.4), cited;
- description (主要举措, 重点是什么, 怎样): 1–5 sentences of the best section, in the plan's order, within
  a length budget, each cited.
Sentences are the chunks' stored units, cited by their stored canonical spans.
"""

from __future__ import annotations

import re

from qa.answer.question import coverage
from qa.answer.select import period_of
from qa.figures import vocab as V
from qa.figures.prose import sentence_kind
from qa.models import Answer, Citation, Document, Hit, ListItem, Statement
from qa.retrieve.query import parse

MIN_FACT_SCORE = 0.5
DESCRIBE_MAX_CHARS = 320
DESCRIBE_MAX_SENTENCES = 5

QUOTED = V.rule("fact.quoted_term", r"[“\"「]([^”\"」]{1,24})[”\"」]", "a term the question quotes",
                ("“两轴”指的是什么",), ("两轴是什么",))
DEFINER = V.rule("fact.definer", r"是指|指的是|即[:：]?|就是|包括|主要有|[:：]", "words that define a term",
                 ("“两轴”是指", "三元即"), ("增长",))
Q_DEFINE = V.rule("q.define", r"指的?是|什么意思|含义|指什么|是指|内涵|内容是什么", "a question about a term's meaning",
                  ("“两轴”指的是什么", "是什么意思"), ("有哪些",))
Q_LIST = V.rule("q.list", r"哪些|哪几|分别是|分别为|有几个|包括什么|包含哪|列举", "a question that wants a list",
                ("有哪些园区", "分别是哪几个"), ("是多少",))
Q_RATIO = V.rule("q.ratio", r"(?:产业|经济)结构|(?:三次|一二三|一、二、三)产业.{0,6}(?:比例|比重|之比|结构)|之比",
                 "a question about a structure (三次产业结构), not one share", ("三次产业结构是多少", "一二三产业比例"),
                 ("第三产业占生产总值的比例是多少", "增长多少"))
LIST_CUE = V.rule("fact.list_cue", r"重点发展|大力发展|着力发展|主要包括|包括|主要有|分别是|分别为|涵盖|形成|打造|建设|[:：]",
                  "where a sentence's enumeration starts", ("重点发展万寿菊、药材", "包括："), ("增长",))
ITEM_SPLIT = V.rule("fact.item_split", r"[、；;，,]|(?<=[\u4e00-\u9fff])(?:和|及|与|以及)(?=[\u4e00-\u9fff])",
                    "what separates a list's items", ("万寿菊、药材", "城镇和农村"), ("万寿菊药材",))


def question_type(question: str) -> str:
    if Q_RATIO.search(question):
        return "ratio"
    quoted = [t for t in QUOTED.re.findall(question) if not V.PLAN_MENTION.re.fullmatch(t)]
    if quoted and (Q_DEFINE.search(question) or "什么" in question):
        return "definition"
    if Q_LIST.search(question):
        return "list"
    return "description"


def _cite(hit: Hit, first: int, last: int) -> Citation:
    """Units ``first..last`` of the hit's chunk as one citation of the canonical text."""
    c = hit.chunk
    s, e = c.units[first][2], c.units[last][3]
    return Citation(doc_id=c.doc_id, section=c.section, start=s, end=e, quote=c.text[s - c.start : e - c.start],
                    chunk_id=c.id)


def _sub_cite(cit: Citation, item: str) -> Citation:
    """The item's own span inside a cited sentence, when the canonical text prints it as the answer does."""
    i = cit.quote.find(item)
    if i < 0:
        return cit
    return cit.model_copy(update={"start": cit.start + i, "end": cit.start + i + len(item), "quote": item})


def _sentences(hits: list[Hit], n: int = 5) -> list[tuple[Hit, int, str]]:
    """(hit, unit index, sentence) of the top hits, each canonical span once."""
    out, seen = [], set()
    for hit in hits[:n]:
        for i, (cs, ce, os_, oe) in enumerate(hit.chunk.units):
            if (os_, oe) not in seen:
                seen.add((os_, oe))
                out.append((hit, i, hit.chunk.clean[cs:ce]))
    return out


def describe(question: str, core: str, hits: list[Hit], docs: dict[str, Document],
             of_chunk=None) -> Answer:  # noqa: ANN001
    kind = question_type(question)
    if kind == "ratio" and of_chunk is not None:
        a = ratio_answer(question, hits, of_chunk)
        if a is not None:
            return a
    qi = parse(question)
    literal = V.CORE_DROP.sub("", question)  # keeps the region: 把阳泉建成…
    terms = [t for t in QUOTED.re.findall(question) if not V.PLAN_MENTION.re.fullmatch(t)]  # “十一五” is no term
    best: tuple[float, Hit, int, int] | None = None
    for hit, i, sent in _sentences(hits):
        c = hit.chunk
        doc = docs.get(c.doc_id)
        want = qi.kind_for(period_of(doc), doc.plan if doc else None)
        first = i
        cov = coverage(core, sent)
        defines = bool(V.DEFINES.search(sent))
        if defines and i:
            with_prev = c.clean[c.units[i - 1][0] : c.units[i][1]]
            if 0.9 * coverage(core, with_prev) > cov:  # quote both: the term and what it means
                cov, sent, first = 0.9 * coverage(core, with_prev), with_prev, i - 1
        score = cov + 0.2 / hit.rank + 0.1 * defines + 0.1 * coverage(literal, sent)
        if terms and any(t in sent for t in terms):
            score += 0.4 if kind == "definition" and DEFINER.search(sent) else 0.2
        if kind == "list":
            score += min(sent.count("、"), 5) * 0.04
        if want and sentence_kind(sent, c.section) == want:
            score += 0.1
        if best is None or score > best[0]:
            best = (score, hit, first, i)
    if best is None or best[0] < MIN_FACT_SCORE:
        return Answer.abstain(question, "extractive", note="no passage answers this")
    _, hit, first, last = best
    if kind == "definition" and hit.chunk.clean[hit.chunk.units[last][0] : hit.chunk.units[last][1]].rstrip()[-1:] in ":：":
        last = min(last + 4, len(hit.chunk.units) - 1)  # “两轴”是指：… and the items that follow
    cit = _cite(hit, first, last)
    if kind == "list":
        return _list(question, cit, hit, first, last)
    if kind == "description":
        return _description(question, core, hits, hit, cit)
    return Answer(question=question, text=cit.quote.strip(), kind="fact", citations=[cit], engine="extractive",
                  trace=[f"describe.{kind}"])


def _list(question: str, cit: Citation, hit: Hit, first: int, last: int) -> Answer:
    text = hit.chunk.clean[hit.chunk.units[first][0] : hit.chunk.units[last][1]]
    cues = LIST_CUE.finditer(text)
    body = text[cues[-1].end():] if cues else text  # the last cue: the enumeration follows it
    items = [re.sub(r"^(?:和|及|与|以及)|等$|等[\u4e00-\u9fff]{0,4}$", "", x).strip(" “”\"。；;")
             for x in ITEM_SPLIT.re.split(body)]
    items = [x for x in items if 2 <= len(x) <= 24]
    if len(items) < 2:
        return Answer(question=question, text=cit.quote.strip(), kind="fact", citations=[cit], engine="extractive",
                      trace=["describe.list_sentence"])
    return Answer(question=question, text="、".join(items), kind="fact", citations=[cit], engine="extractive",
                  items=[ListItem(text=x, citation=_sub_cite(cit, x)) for x in items], trace=["describe.list"])


def _description(question: str, core: str, hits: list[Hit], top: Hit, cit: Citation) -> Answer:
    """The best sentence and the section's other sentences about the question, in order, within the budget."""
    section = top.chunk.section
    pool = [(h, i, s) for h, i, s in _sentences(hits, 8) if h.chunk.section == section and h.chunk.doc_id == top.chunk.doc_id]
    scored = sorted(pool, key=lambda x: -coverage(core, x[2]))
    best_cov = coverage(core, scored[0][2]) if scored else 0.0
    picked = [x for x in scored if coverage(core, x[2]) >= max(0.34, 0.5 * best_cov)][:DESCRIBE_MAX_SENTENCES]
    cites = [cit]
    for h, i, _s in sorted(picked, key=lambda x: x[0].chunk.units[x[1]][2]):
        c = _cite(h, i, i)
        if any(c.start < o.end and o.start < c.end for o in cites):
            continue
        if sum(len(o.quote) for o in cites) + len(c.quote) > DESCRIBE_MAX_CHARS:
            break
        cites.append(c)
    cites.sort(key=lambda c: c.start)
    return Answer(question=question, text="".join(c.quote.strip() for c in cites), kind="fact", citations=cites,
                  engine="extractive", trace=["describe.description", f"describe.sentences={len(cites)}"])


def ratio_answer(question: str, hits: list[Hit], of_chunk) -> Answer | None:  # noqa: ANN001
    """A structure asked for: the best-covering stored ratio statement of the hits (its year when asked)."""
    qi = parse(question)
    best: tuple[float, Statement, Hit] | None = None
    for hit in hits[:5]:
        for st in of_chunk(hit.chunk.id):
            if not st.parts:
                continue
            score = coverage("三次产业结构比例" if "产业" in question else question, st.label + st.context)
            score += 0.3 if qi.years and st.year in qi.years else 0.0
            score += 0.2 / hit.rank
            if best is None or score > best[0]:
                best = (score, st, hit)
    if best is None or best[0] < 0.3:
        return None
    _, st, hit = best
    return Answer(question=question, text=st.raw, kind="fact", year=st.year, citations=[st.citation(hit.chunk.id)],
                  engine="extractive", statement_id=st.id, trace=["describe.ratio", *st.trace])
