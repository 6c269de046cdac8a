"""Fit the scorer on labelled questions: candidates exactly as answering makes them, cross-validated by plan.

For every numeric or unanswerable question of the gold files the retrieval, the question analysis and
the candidate features are the engine's own (``qa.answer.select.pairs``). A candidate is positive when
its value and unit are the labelled ones (qa.eval.judge.same_quantity) in the labelled plan. Folds are
grouped by plan (leave one plan out), so no plan's questions score its own answers; the abstention
threshold and the isotonic calibration are chosen on those held-out predictions, then the model is fit
on everything. Deterministic: same data, same file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from qa.answer.features import FEATURES
from qa.answer.scorer import MODEL_VERSION

# a standard small gradient-boosting setting (not searched on any set): 200 trees of depth 3, rate 0.05
GBM = {"n_estimators": 200, "max_depth": 3, "learning_rate": 0.05, "random_state": 0}


@dataclass
class Question:
    id: str
    gold: str
    plan: str  # the group: the labelled plan's document id
    kind: str
    x: np.ndarray  # candidates × features
    y: np.ndarray  # 1 where the candidate is the labelled answer
    skipped: str | None = None  # why it never reaches the scorer (scope, descriptive route)


@dataclass
class Dataset:
    questions: list[Question] = field(default_factory=list)

    def rows(self, keep: set[str] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        qs = [q for q in self.questions if q.skipped is None and len(q.y) and (keep is None or q.plan in keep)]
        if not qs:
            return np.zeros((0, len(FEATURES))), np.zeros(0), np.zeros(0)
        x = np.vstack([q.x for q in qs])
        y = np.concatenate([q.y for q in qs])
        g = np.concatenate([[q.plan] * len(q.y) for q in qs])
        return x, y, g


def build(gold_paths: list[Path], settings: Any, retriever: Any) -> Dataset:
    """Candidates and labels of every question the numeric scorer would see."""
    from qa.answer.engine import core_embedder, route
    from qa.answer.question import question_core
    from qa.answer.scope import check_scope
    from qa.answer.select import pairs
    from qa.eval.gold import load_gold
    from qa.eval.judge import same_quantity
    from qa.retrieve.query import parse

    snapshot = retriever.refresh()
    manifest, corpus = snapshot
    embed = core_embedder(retriever)
    ds = Dataset()
    for path in gold_paths:
        items, _ = load_gold(path, settings, manifest.docs)
        for it in items:
            if it.kind == "fact":
                continue
            q = Question(it.id, path.stem, it.doc_id or it.doc, it.kind, np.zeros((0, len(FEATURES))), np.zeros(0))
            ds.questions.append(q)
            scope = check_scope(it.question, manifest.docs, corpus.years_of)
            if scope.problem:
                q.skipped = "scope"
                continue
            qi = parse(scope.question)
            hits = retriever.search(scope.question, k=settings.retrieval.top_k, snapshot=snapshot)
            way, _ = route(qi.question, hits, corpus.of_chunk)
            if way != "numeric":
                q.skipped = "descriptive"
                continue
            core = question_core(qi.question, manifest.docs)
            found = pairs(qi, core, hits, manifest.docs, corpus.of_chunk, corpus.vector,
                          embed(core) if core else None)
            if not found:
                continue
            q.x = np.vstack([p.features for p in found])
            q.y = np.array([float(it.kind != "unanswerable" and p.statement.doc_id == it.doc_id
                                  and same_quantity(p.statement.value, p.statement.unit, it.value, it.unit))
                            for p in found])
    return ds


def _fit(x: np.ndarray, y: np.ndarray) -> Any:
    from sklearn.ensemble import GradientBoostingClassifier

    return GradientBoostingClassifier(**GBM).fit(x, y)


def _predict(model: Any, x: np.ndarray) -> np.ndarray:
    return model.predict_proba(x)[:, 1]


def export(model: Any, x: np.ndarray) -> dict[str, Any]:
    """The fitted trees as plain lists (what ``qa.answer.scorer`` walks), checked against sklearn itself."""
    rate = float(model.learning_rate)
    trees = []
    for est in model.estimators_[:, 0]:
        t = est.tree_
        trees.append({"f": t.feature.tolist(), "t": np.round(t.threshold, 10).tolist(),
                      "l": t.children_left.tolist(), "r": t.children_right.tolist(),
                      "v": np.round(t.value[:, 0, 0], 10).tolist()})
    stages = sum(rate * est.predict(x[:1]) for est in model.estimators_[:, 0])
    init = float(model.decision_function(x[:1])[0] - stages[0])
    return {"init": round(init, 10), "learning_rate": rate, "trees": trees}


def _outcomes(ds: Dataset, probs: dict[str, np.ndarray]) -> list[tuple[str, str, float, bool]]:
    """Per question: (id, kind, top probability or -1 when there is no candidate, is the top one right)."""
    out = []
    for q in ds.questions:
        if q.skipped:
            continue
        p = probs.get(q.id)
        if p is None or not len(p):
            out.append((q.id, q.kind, -1.0, False))
            continue
        i = int(np.argmax(p))
        out.append((q.id, q.kind, float(p[i]), bool(q.y[i])))
    return out


def accuracy(outcomes: list[tuple[str, str, float, bool]], threshold: float) -> dict[str, float]:
    """Answer accuracy (right answer, or abstention on an unanswerable question) and false abstentions."""
    answerable = [o for o in outcomes if o[1] != "unanswerable"]
    right = sum((o[2] >= threshold and o[3]) if o[1] != "unanswerable" else o[2] < threshold for o in outcomes)
    false_abs = sum(o[2] < threshold for o in answerable)
    wrong = sum(o[2] >= threshold and not o[3] for o in outcomes)
    return {"n": len(outcomes), "accuracy": round(right / len(outcomes), 4) if outcomes else 0.0,
            "false_abstention": round(false_abs / len(answerable), 4) if answerable else 0.0,
            "answered_wrong": wrong}


def choose_threshold(outcomes: list[tuple[str, str, float, bool]]) -> float:
    """The threshold with the best held-out accuracy (the lowest of equals: fewer abstentions)."""
    cands = sorted({round(o[2], 6) for o in outcomes if o[2] >= 0} | {0.5})
    best = max(cands, key=lambda t: (accuracy(outcomes, t)["accuracy"], -t))
    return float(best)


def cross_validate(ds: Dataset) -> tuple[dict[str, np.ndarray], list[str]]:
    """Out-of-fold probabilities per question, one fold per plan."""
    plans = sorted({q.plan for q in ds.questions if q.skipped is None and len(q.y)})
    probs: dict[str, np.ndarray] = {}
    for held in plans:
        x, y, _ = ds.rows(set(plans) - {held})
        if not len(y) or y.min() == y.max():
            continue
        params = _fit(x, y)
        for q in ds.questions:
            if q.plan == held and q.skipped is None and len(q.y):
                probs[q.id] = _predict(params, q.x)
    return probs, plans


def train(ds: Dataset, trained_on: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the scorer file's content, the cross-validation report)."""
    from sklearn.isotonic import IsotonicRegression

    oof, plans = cross_validate(ds)
    outcomes = _outcomes(ds, oof)
    threshold = choose_threshold(outcomes)
    scored = [o for o in outcomes if o[2] >= 0]
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
    iso.fit([o[2] for o in scored], [float(o[3]) for o in scored])
    x, y, _ = ds.rows()
    params = _fit(x, y)
    inside = _outcomes(ds, {q.id: _predict(params, q.x) for q in ds.questions if q.skipped is None and len(q.y)})
    by_set = {}
    for name in sorted({q.gold for q in ds.questions}):
        ids = {q.id for q in ds.questions if q.gold == name}
        by_set[name] = {"cross_validated": accuracy([o for o in outcomes if o[0] in ids], threshold),
                        "in_sample": accuracy([o for o in inside if o[0] in ids], threshold)}
    report = {"folds": plans, "threshold": threshold,
              "cross_validated": accuracy(outcomes, threshold), "in_sample": accuracy(inside, threshold),
              "by_set": by_set, "questions": len(outcomes), "candidates": int(len(y)), "positives": int(y.sum()),
              "skipped": {k: sum(q.skipped == k for q in ds.questions) for k in ("scope", "descriptive")}}
    model = {"version": MODEL_VERSION, "features": list(FEATURES), "model": f"GradientBoostingClassifier {GBM}",
             **export(params, x), "threshold": round(threshold, 6),
             "calibration": {"x": np.round(iso.X_thresholds_, 6).tolist(), "y": np.round(iso.y_thresholds_, 6).tolist()},
             "trained_on": trained_on, "cv": {"threshold_from": "held-out folds grouped by plan",
                                               "cross_validated": report["cross_validated"],
                                               "in_sample": report["in_sample"]}}
    return model, report


def write(model: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
