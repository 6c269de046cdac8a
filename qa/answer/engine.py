"""Answer a question from retrieved passages: extractive by default, an LLM when configured.

The extractive engine scores the stored statements of the retrieved chunks against what the
question asks (``qa.answer.select``) and answers with the best one, cited by its stored span, or
abstains (文档未提及) when nothing clears the bar; descriptive questions go to
``qa.answer.describe``. Both engines end in the same number check.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from qa.answer.describe import describe
from qa.answer.question import MAX_QUESTION, question_core, question_problem
from qa.answer.scope import check_scope
from qa.answer.select import MIN_SCORE, candidates, qualifier_of, same_figure
from qa.config import Settings
from qa.figures import vocab as V
from qa.models import ABSTAIN_TEXT, Answer, Document, Hit
from qa.retrieve.query import parse
from qa.text.numbers import unsupported_numbers

MAX_CITATIONS = 3


def extractive(question: str, hits: list[Hit], docs: dict[str, Document], of_chunk) -> Answer:  # noqa: ANN001
    """The extractive engine over ``hits``; ``of_chunk(chunk_id)`` gives a chunk's stored statements."""
    qi = parse(question)
    core = question_core(qi.question, docs)
    wants_fact = bool(V.Q_FACT.search(qi.question)) and not V.Q_NUMBER.search(qi.question)
    if wants_fact:
        return describe(qi.question, core, hits, docs)
    found = candidates(qi, core, hits, docs, of_chunk)
    best = max(found, key=lambda c: c.score, default=None)  # first of equals: the better-ranked hit
    if best is None or best.score < MIN_SCORE:
        a = Answer.abstain(question, "extractive", note="no passage states this figure")
        a.trace = qi.trace + ["select.below_threshold" if best else "select.no_candidate"]
        return a
    st = best.statement
    citations = [st.citation(best.hit.chunk.id)]
    for c in sorted(found, key=lambda c: -c.score):  # the same figure stated again elsewhere
        if len(citations) >= MAX_CITATIONS or c.score < best.score - 1.0 or not same_figure(c.statement, st) \
                or c.statement.doc_id != st.doc_id:
            continue
        cit = c.statement.citation(c.hit.chunk.id)
        if all(cit.end <= o.start or cit.start >= o.end for o in citations):
            citations.append(cit)
    return Answer(
        question=question, text=st.text, value=st.value, unit=st.unit, qualifier=qualifier_of(st), year=st.year,
        kind=st.kind if st.kind in ("target", "baseline") else None, indicator=st.label[-40:].strip() or None,
        citations=citations, engine="extractive", statement_id=st.id,
        trace=qi.trace + best.trace + st.trace,
    )


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
    scope = check_scope(original, manifest.docs, corpus.years_of, doc)
    if scope.problem:
        a = Answer.abstain(original, engine, note=scope.problem)
        a.trace = scope.trace
        return _finish(a, t0)
    q = scope.question  # an English question is read in Chinese
    hits = retriever.search(q, k=settings.retrieval.top_k, doc=doc, region=region, plan=plan, snapshot=snapshot)
    if engine == "llm":
        from qa.llm import answer_llm

        a = answer_llm(q, hits, settings)
    else:
        a = extractive(q, hits, manifest.docs, corpus.of_chunk) if hits else \
            Answer.abstain(q, "extractive", note="no passage found")
    a.question = original
    a.trace = scope.trace + a.trace
    return _finish(a, t0)


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
    scope = check_scope(question.strip(), snapshot[0].docs, snapshot[1].years_of, doc)
    if scope.problem:
        yield answer_question(question, settings, retriever, engine, doc, region, plan)
        return
    q = scope.question
    hits = retriever.search(q, k=settings.retrieval.top_k, doc=doc, region=region, plan=plan, snapshot=snapshot)
    for part in stream_answer_llm(q, hits, settings):
        yield part if isinstance(part, str) else _finish(part, t0)
