"""Descriptive answers: the sentence of the retrieved passages that covers the question's words best.

A defining sentence (“三元”是指：…) may lean on the sentence before it for the words it refers to;
the plan period tells a goal sentence from a record of the past. Sentences are the chunk's stored
units, cited by their stored canonical-text spans.
"""

from __future__ import annotations

from qa.answer.question import coverage
from qa.answer.select import period_of
from qa.figures import vocab as V
from qa.figures.prose import sentence_kind
from qa.models import Answer, Citation, Document, Hit
from qa.retrieve.query import parse

MIN_FACT_SCORE = 0.5


def cite_units(hit: Hit, first: int, last: int) -> Citation:
    """Units ``first..last`` of the hit's chunk as one citation of the canonical text."""
    c = hit.chunk
    s, e = c.units[first][2], c.units[last][3]
    return Citation(doc_id=c.doc_id, section=c.section, start=s, end=e, quote=c.text[s - c.start : e - c.start],
                    chunk_id=c.id)


def describe(question: str, core: str, hits: list[Hit], docs: dict[str, Document]) -> Answer:
    qi = parse(question)
    literal = V.CORE_DROP.sub("", question)  # keeps the region: 把阳泉建成…
    best: tuple[float, Hit, int, int] | None = None
    for hit in hits[:5]:
        c = hit.chunk
        doc = docs.get(c.doc_id)
        want = qi.kind_for(period_of(doc), doc.plan if doc else None)
        for i, (cs, ce, _os, _oe) in enumerate(c.units):
            sent = c.clean[cs:ce]
            first = i
            cov = coverage(core, sent)
            defines = bool(V.DEFINES.search(sent))
            if defines and i:
                with_prev = c.clean[c.units[i - 1][0] : ce]
                if 0.9 * coverage(core, with_prev) > cov:  # quote both: the term and what it means
                    cov, sent, first = 0.9 * coverage(core, with_prev), with_prev, i - 1
            score = cov + 0.2 / hit.rank + 0.1 * defines + 0.1 * coverage(literal, sent)
            if want and sentence_kind(sent, c.section) == want:
                score += 0.1
            if best is None or score > best[0]:
                best = (score, hit, first, i)
    if best is None or best[0] < MIN_FACT_SCORE:
        return Answer.abstain(question, "extractive", note="no passage answers this")
    _, hit, first, last = best
    cit = cite_units(hit, first, last)
    return Answer(question=question, text=cit.quote.strip(), kind="fact", citations=[cit], engine="extractive",
                  trace=["describe.best_sentence"])
