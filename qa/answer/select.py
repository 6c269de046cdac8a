"""Numeric answers: which stored statement of the retrieved chunks answers the question.

Candidates are the numeric statements of the hit chunks, each described by ``qa.answer.features``;
the learned scorer (``qa.answer.scorer``) gives each the probability that it is the answer, the best
one answers when it clears the threshold chosen on held-out folds, and the engine abstains otherwise.
The features that argued against a candidate are named in its trace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from qa.answer.features import Pair, featurize, relate
from qa.answer.scorer import Scorer
from qa.figures import vocab as V
from qa.figures.indicators import NEAR_MISSES, canon_text, canonical_indicators
from qa.models import Document, Hit, Statement
from qa.retrieve.query import QueryInfo


def near_miss(question: str, asked: list[str], label: str) -> bool:
    """The label names a different indicator that merely contains the asked one's name."""
    label_canon = canonical_indicators(label)
    question_canon = canon_text(question)
    for a in asked:
        for miss in NEAR_MISSES.get(a, []):
            if miss in label and miss not in question and miss not in question_canon:
                return True
    return bool(asked and label_canon and not set(asked) & set(label_canon))


def is_growth(st: Statement) -> bool:
    return st.growth or bool(V.GROWTH_TAIL.search(st.label[-10:]))


def period_of(doc: Document | None) -> tuple[int, int] | None:
    if doc and doc.period_start and doc.period_end:
        return doc.period_start, doc.period_end
    return None


def pairs(qi: QueryInfo, core: str, hits: list[Hit], docs: dict[str, Document], of_chunk, vector_of,  # noqa: ANN001
          core_vec: np.ndarray | None) -> list[Pair]:
    """Every numeric statement of the hit chunks as a featurized candidate (a statement held by two hits
    counts once, at its better-ranked hit)."""
    found: list[tuple[Statement, Hit, int]] = []
    seen: set[str] = set()
    for hit in hits:
        sts = [st for st in of_chunk(hit.chunk.id) if st.value is not None]
        for st in sts:
            if st.id not in seen:
                seen.add(st.id)
                found.append((st, hit, len(sts)))
    sims = [_cosine(core_vec, vector_of(st)) for st, _, _ in found]
    order = sorted(range(len(found)), key=lambda i: -sims[i])
    sim_rank = {i: r + 1 for r, i in enumerate(order)}
    out = []
    for i, (st, hit, n) in enumerate(found):
        x, trace = featurize(qi, core, st, hit, docs.get(st.doc_id), sims[i], sim_rank[i], n)
        out.append(Pair(st, hit, x, trace))
    relate([p.features for p in out])
    return out


def _cosine(a: np.ndarray | None, b: np.ndarray | None) -> float:
    if a is None or b is None:
        return 0.0
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    return float(a @ b / (na * nb)) if na and nb else 0.0


@dataclass
class Choice:
    """The scorer's verdict: the best candidate (or None), its score and calibrated confidence, all ranked."""

    best: Pair | None
    score: float
    confidence: float
    ranked: list[tuple[float, Pair]]
    answered: bool


def choose(found: list[Pair], scorer: Scorer) -> Choice:
    if not found:
        return Choice(None, 0.0, 0.0, [], False)
    probs = scorer.probabilities(np.vstack([p.features for p in found]))
    ranked = sorted(zip(probs.tolist(), found, strict=True), key=lambda x: -x[0])  # stable: better hit first
    top, best = ranked[0]
    return Choice(best, top, scorer.confidence(top), ranked, top >= scorer.threshold)


def same_figure(a: Statement, b: Statement) -> bool:
    return (a.value, a.unit, a.year, a.kind, a.growth) == (b.value, b.unit, b.year, b.kind, b.growth)


def qualifier_of(st: Statement) -> str | None:
    if st.cumulative:
        return "累计"
    if st.qualifier:
        return st.qualifier
    if is_growth(st) and re.search(r"年均", st.label):
        return "年均"
    return None
