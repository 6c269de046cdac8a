"""Answer a question from retrieved passages: extractive by default, an LLM when configured.

The extractive engine scores every typed figure of the retrieved chunks against what
the question asks (indicator, target or baseline, year, growth or level, unit) and
answers with the best one and the sentence it came from, or abstains (文档未提及)
when nothing clears the bar. Both engines end in the same number check.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

from qa.clean import clean
from qa.config import Settings
from qa.extract import Figure, _subject, chunk_figures, near_miss, sentence_kind, sentences
from qa.indicators import canon_text, canonical_indicators
from qa.ingest import place_words
from qa.models import ABSTAIN_TEXT, Answer, Chunk, Citation, Document, Hit
from qa.numbers import unsupported_numbers
from qa.query import QueryInfo, parse

MAX_QUESTION = 500
CORE_DROP = re.compile(
    r"[“”\"'？?！!。，,、：:（）()\s]|(?:19|20)\d\d\s*年(?:底|末)?|十[一二三四五六七八九]?五|期间|时期|期末|末|"
    r"(?:保持|维持|稳定|控制)?在?什么水平|(?:保持|维持|稳定)在|(?:主要)?指标表中|规划(?:纲要)?中|纲要中|"
    r"(?:多少|几)(?:亿元|万元|元|万人次|万人|人|万吨|吨|万亩|亩|万公顷|公顷|岁|个|项|家|所|户|倍|天|平方公里|公里|"
    r"万平方米|平方米|座|台|辆|条|处|名)|多大|多高|多长|"
    r"一共|总共|打算|能到|能达到|数量|[修盖建投花](?=多少|几)|多少钱|"
    r"是多少|为多少|有多少|多少|是什么|什么|哪些|哪几个|哪三个|哪个|几个|如何|怎样|请问|吗|呢|"
    r"目标值|目标|计划|预计|力争|要达到|将达到|达到|规划|预期(?!寿命)|要|将|的|了|是|到|全市|全区|全县|"
    r"每年|年均|平均每年|增长率|增速|增幅|增长|递增|增加(?!值)|提高|控制在|控制|"
    r"(?:亿元|万元|元)(?![\u4e00-\u9fffA-Za-z])|百分之"
)
FACT_Q = re.compile(r"什么|哪些|哪几|哪[一二三四五六七八九十两]|哪个|如何|怎样|哪")
SHARE_UNITS = {"%", "‰", "个百分点"}
UNIT_FAMILY = {"亿元": "money", "万元": "money", "元": "money", "亿美元": "usd", "万美元": "usd", "美元": "usd",
               "%": "pct", "个百分点": "pp", "万人": "people", "人": "people", "万亩": "mu", "亩": "mu",
               "万公顷": "ha", "公顷": "ha", "万吨": "t", "吨": "t", "亿斤": "jin", "万斤": "jin",
               "万人次": "visits", "人次": "visits", "万户": "count", "户": "count",
               **dict.fromkeys("个家所座项台辆名张栋条处", "count")}


def bigrams(text: str) -> set[str]:
    runs = re.findall(r"[\u4e00-\u9fff]+|[A-Za-z]+", text.replace("的", ""))
    out: set[str] = set()
    for r in runs:
        if len(r) == 1 or r.isascii():
            out.add(r)
        else:
            out.update(r[i : i + 2] for i in range(len(r) - 1))
    return out


def question_core(question: str, docs: dict[str, Document]) -> str:
    """The indicator words of a question: no region, plan, year, question or kind words."""
    q = question
    places = {w for d in docs.values() for w in place_words(d.region, d.province)}
    for word in sorted(places, key=len, reverse=True):
        q = q.replace(word, "")
    return CORE_DROP.sub("", q)


def precision(core: str, label: str) -> float:
    """Share of the label's words the question also uses: 进出口贸易额 beats 进出口货运量."""
    have = bigrams(canon_text(_subject(label)))
    if not have:
        return 0.0
    return len(bigrams(canon_text(core)) & have) / len(have)


def coverage(core: str, text: str) -> float:
    want = bigrams(canon_text(core))
    if not want:
        return 0.0
    have = bigrams(canon_text(text))
    return len(want & have) / len(want)


@dataclass
class Candidate:
    figure: Figure
    hit: Hit
    score: float


def _period(doc: Document | None) -> tuple[int, int] | None:
    if doc and doc.period_start and doc.period_end:
        return doc.period_start, doc.period_end
    return None


def is_growth(f: Figure) -> bool:
    if f.growth:
        return True
    tail = f.label[-10:]
    return bool(re.search(r"(?:增长|递增|增速|增幅|年均增加|每年增加|下降|降低|共降|降)(?!到|至)(?:率)?", tail))


def score_figure(f: Figure, qi: QueryInfo, core: str, period: tuple[int, int] | None, plan: str | None,
                 rank: int) -> float | None:
    """How well one figure answers the question; None when it must not be taken."""
    if near_miss(qi.question, qi.indicators, f.label):
        return None
    cov = coverage(core, f.label)
    if 0.25 <= cov < 0.6 and precision(core, f.label) >= 0.6:
        # the label is all about what is asked; the sentence's subject supplies the rest
        # (到2025年，经济开发区……，工业总产值200亿元)
        cov = max(cov, 0.9 * coverage(core, f.context))
    if cov < 0.6:
        return None
    score = 2.0 * cov + 0.5 * precision(core, f.label)
    if set(qi.indicators) & set(canonical_indicators(f.label)):
        score += 1.0
    if qi.growth != is_growth(f):
        return None
    if not qi.growth and qi.share and f.unit not in SHARE_UNITS:
        return None
    if qi.unit_hint and f.unit and UNIT_FAMILY.get(qi.unit_hint, qi.unit_hint) != UNIT_FAMILY.get(f.unit, f.unit):
        return None
    qk = qi.kind_for(period, plan)
    if qk and f.kind:
        if qk != f.kind:
            return None
        score += 1.0
    if qi.years and f.year:
        if f.year not in qi.years:
            return None
        score += 1.0
    if qi.growth:
        # 年均增长 answers a yearly question; 期间/期末 下降40% the one that does not say 年均
        yearly_q = bool(re.search(r"年均|每年|平均|年增", qi.question))
        yearly_f = bool(re.search(r"年均|每年", f.label))
        score += 0.5 if yearly_q == yearly_f else -0.5
    score += 0.4 / rank
    return score


def _cite(chunk: Chunk, sentence: str, doc_section: str) -> Citation:
    """Map a sentence of the chunk's cleaned text back to the exact original span."""
    cl = clean(chunk.text)
    i = cl.text.find(sentence.strip())
    if i < 0:
        s, e = 0, len(chunk.text)
    else:
        s, e = cl.orig_span(i, i + len(sentence.strip()))
    return Citation(doc_id=chunk.doc_id, section=doc_section, start=chunk.start + s, end=chunk.start + e,
                    quote=chunk.text[s:e], chunk_id=chunk.id)


def extractive(question: str, hits: list[Hit], docs: dict[str, Document]) -> Answer:
    qi = parse(question)
    core = question_core(question, docs)
    wants_fact = bool(FACT_Q.search(question)) and not re.search(r"多少|几个百分点|水平|规模|数量", question)
    if wants_fact:
        return _fact(question, core, hits, docs)
    candidates: list[Candidate] = []
    for hit in hits:
        doc = docs.get(hit.chunk.doc_id)
        period = _period(doc)
        for f in chunk_figures(hit.chunk.clean, hit.chunk.kind == "table", period, hit.chunk.section):
            s = score_figure(f, qi, core, period, doc.plan if doc else None, hit.rank)
            if s is not None:
                candidates.append(Candidate(f, hit, s))
    best = max(candidates, key=lambda c: c.score, default=None)  # first of equals: the better-ranked hit
    if best is None or best.score < 1.2:
        return Answer.abstain(question, "extractive", note="no passage states this figure")
    f = best.figure
    citations = [_cite(best.hit.chunk, f.sentence, best.hit.chunk.section)]
    for c in sorted(candidates, key=lambda c: -c.score):  # the same figure stated again elsewhere
        if len(citations) >= MAX_CITATIONS or c.score < best.score - 1.0 or not _same_figure(c.figure, f) \
                or c.hit.chunk.doc_id != best.hit.chunk.doc_id:
            continue
        cit = _cite(c.hit.chunk, c.figure.sentence, c.hit.chunk.section)
        if all(cit.end <= o.start or cit.start >= o.end for o in citations):
            citations.append(cit)
    return Answer(
        question=question, text=f.text, value=f.value, unit=f.unit, qualifier=_qualifier(f), year=f.year,
        kind=f.kind if f.kind in ("target", "baseline") else None, indicator=f.label[-40:].strip() or None,
        citations=citations, engine="extractive",
    )


MAX_CITATIONS = 3


def _same_figure(a: Figure, b: Figure) -> bool:
    return (a.value, a.unit, a.year, a.kind, a.growth) == (b.value, b.unit, b.year, b.kind, b.growth)


def _qualifier(f: Figure) -> str | None:
    if f.cumulative:
        return "累计"
    if f.qualifier:
        return f.qualifier
    if is_growth(f) and re.search(r"年均", f.label):
        return "年均"
    return None


DEFINES = re.compile(r"是指|指的是|分别是|包括|即|为[:：]|定位|打造成?|建成")


def _fact(question: str, core: str, hits: list[Hit], docs: dict[str, Document]) -> Answer:
    """Descriptive questions: the sentence that covers the question's words best.

    A defining sentence (“三元”是指：…) may lean on the sentence before it for the words it
    refers to; the plan period tells a goal sentence from a record of the past."""
    qi = parse(question)
    literal = CORE_DROP.sub("", question)  # keeps the region: 把阳泉建成…
    best: tuple[float, Hit, str] | None = None
    for hit in hits[:5]:
        text = hit.chunk.clean
        doc = docs.get(hit.chunk.doc_id)
        want = qi.kind_for(_period(doc), doc.plan if doc else None)
        spans = sentences(text)
        for i, (s, e) in enumerate(spans):
            sent = text[s:e]
            cov = coverage(core, sent)
            defines = bool(DEFINES.search(sent))
            if defines and i:
                with_prev = text[spans[i - 1][0] : e]
                if 0.9 * coverage(core, with_prev) > cov:  # quote both: the term and what it means
                    cov, sent = 0.9 * coverage(core, with_prev), with_prev
            score = cov + 0.2 / hit.rank + 0.1 * defines + 0.1 * coverage(literal, sent)
            if want and sentence_kind(sent, hit.chunk.section) == want:
                score += 0.1
            if best is None or score > best[0]:
                best = (score, hit, sent)
    if best is None or best[0] < 0.5:
        return Answer.abstain(question, "extractive", note="no passage answers this")
    _, hit, sent = best
    cit = _cite(hit.chunk, sent, hit.chunk.section)
    return Answer(question=question, text=cit.quote.strip(), kind="fact", citations=[cit], engine="extractive")


KIND_ZH = {"target": "目标值", "baseline": "基期值", "fact": "事实"}


def answer_facts(a: Answer) -> list[str]:
    """The typed parts of an answer as short Chinese labels, shared by the CLI and the page."""
    facts = []
    if a.value is not None:
        facts.append(f"数值 {a.value:g}{a.unit or ''}")
    elif a.unit:
        facts.append(f"单位 {a.unit}")
    if a.qualifier:
        facts.append(f"限定 {a.qualifier}")
    if a.year:
        facts.append(f"年份 {a.year}")
    if a.kind:
        facts.append(f"类型 {KIND_ZH.get(a.kind, a.kind)}")
    return facts


def check_numbers(a: Answer) -> Answer:
    """Every number in the answer text must be printed in one of its cited spans."""
    if a.abstained:
        return a
    missing = unsupported_numbers(a.text, [c.quote for c in a.citations])
    a.supported = not missing
    a.unsupported_numbers = missing
    return a


def question_problem(text: str | None, what: str = "question") -> str | None:
    """Why no engine should see this question (empty, too long, no words), or None.
    The CLI prints it as an error; answer_question abstains with it as the note."""
    q = (text or "").strip()
    if not q:
        return f"the {what} is empty"
    if len(q) > MAX_QUESTION:
        return f"the {what} has {len(q)} characters; at most {MAX_QUESTION} are allowed"
    if not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", q):
        return f"the {what} has no words, only punctuation or symbols"
    return None


def _refuse(question: str, engine: str) -> Answer | None:
    problem = question_problem(question)
    if problem is None:
        return None
    return Answer.abstain((question or "").strip()[:MAX_QUESTION], engine, note=problem)


def _finish(a: Answer, t0: float) -> Answer:
    a = check_numbers(a)
    a.timing_ms = round((time.perf_counter() - t0) * 1000, 1)
    if a.abstained:
        a.text = ABSTAIN_TEXT
    return a


def answer_question(question: str, settings: Settings, retriever=None, engine: str | None = None,
                    doc: str | None = None, region: str | None = None, plan: str | None = None) -> Answer:
    """The one entry point for the CLI, the page and the eval suite."""
    from qa.retrieve import Retriever

    t0 = time.perf_counter()
    engine = engine or settings.engine
    if engine not in ("extractive", "llm"):
        raise ValueError(f"unknown engine '{engine}': use extractive or llm")
    refused = _refuse(question, engine)
    if refused:
        return refused
    q = question.strip()
    retriever = retriever or Retriever(settings)
    hits = retriever.search(q, k=settings.retrieval.top_k, doc=doc, region=region, plan=plan)
    if engine == "llm":
        from qa.llm import answer_llm

        a = answer_llm(q, hits, settings)
    else:
        docs = retriever.manifest.docs
        a = extractive(q, hits, docs) if hits else Answer.abstain(q, "extractive", note="no passage found")
    return _finish(a, t0)


def stream_question(question: str, settings: Settings, retriever=None, engine: str | None = None,
                    doc: str | None = None, region: str | None = None, plan: str | None = None
                    ) -> Iterator[str | Answer]:
    """answer_question as a stream for the page: the LLM's text as it is written, then the checked
    Answer (always last). The extractive engine yields its Answer at once."""
    from qa.retrieve import Retriever

    engine = engine or settings.engine
    if engine != "llm" or _refuse(question, engine):
        yield answer_question(question, settings, retriever, engine, doc, region, plan)
        return
    from qa.llm import stream_answer_llm

    t0 = time.perf_counter()
    q = question.strip()
    retriever = retriever or Retriever(settings)
    hits = retriever.search(q, k=settings.retrieval.top_k, doc=doc, region=region, plan=plan)
    for part in stream_answer_llm(q, hits, settings):
        yield part if isinstance(part, str) else _finish(part, t0)
