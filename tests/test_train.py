"""The learned scorer: rebuilt deterministically from the training sets, cross-validated by plan, versioned."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qa.answer.features import FEATURES
from qa.answer.scorer import DEFAULT_PATH, ScorerError, load_scorer

ROOT = Path(__file__).resolve().parents[1]
TRAIN_SETS = [ROOT / "evals" / f"{n}.jsonl" for n in ("indicators", "holdout", "blind", "blind2")]


@pytest.fixture(scope="module")
def trained(ready_store: Any) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    from qa.eval import train
    from qa.retrieve.retriever import Retriever

    ds = train.build(TRAIN_SETS, ready_store, Retriever(ready_store))
    model, report = train.train(ds, [p.name for p in TRAIN_SETS])
    return ds, model, report


def test_the_shipped_scorer_is_what_make_train_builds(trained: Any) -> None:
    """Same sets, same store, same file: `make train` is deterministic and the shipped file is current
    (a change to the reader, the features or a training set must come with `make train`)."""
    _, model, _ = trained
    shipped = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert shipped["features"] == model["features"] == list(FEATURES)
    assert shipped == json.loads(json.dumps(model)), "qa/answer/scorer.json is stale: run `make train`"


def test_folds_hold_out_whole_plans(trained: Any) -> None:
    from qa.eval import train

    ds, _, report = trained
    plans = sorted({q.plan for q in ds.questions if q.skipped is None and len(q.y)})
    assert report["folds"] == plans and len(plans) == 5
    oof, _ = train.cross_validate(ds)
    # a question's held-out score does not change when its own plan's labels are flipped
    q = next(q for q in ds.questions if q.id in oof and q.y.any())
    flipped = train.Dataset([*(x for x in ds.questions if x is not q)])
    twin = train.Question(q.id, q.gold, q.plan, q.kind, q.x, 1.0 - q.y)
    flipped.questions.append(twin)
    oof2, _ = train.cross_validate(flipped)
    assert np.allclose(oof[q.id], oof2[q.id])
    cv, ins = report["cross_validated"], report["in_sample"]
    assert 0.0 <= cv["accuracy"] <= 1.0 and 0.0 <= ins["accuracy"] <= 1.0
    assert "blind3.jsonl" not in json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))["trained_on"]


def test_a_scorer_for_other_features_is_a_clear_error(tmp_path: Path) -> None:
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    data["features"] = [*data["features"][:-1], "a_feature_this_planqa_lacks"]
    bad = tmp_path / "scorer.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ScorerError, match="other features.*make train"):
        load_scorer(bad)
    data["version"] = 99
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ScorerError, match="version"):
        load_scorer(bad)
    with pytest.raises(ScorerError, match="no scorer file"):
        load_scorer(tmp_path / "missing.json")


def test_the_exported_trees_give_sklearn_probabilities(trained: Any) -> None:
    from qa.eval import train

    ds, _, _ = trained
    x, y, _ = ds.rows()
    fitted = train._fit(x, y)
    assert np.abs(load_scorer().probabilities(x) - fitted.predict_proba(x)[:, 1]).max() < 1e-9


def test_the_trees_walked_together_give_the_same_probabilities_as_one_by_one(trained: Any) -> None:
    """Scorer.probabilities walks all trees at once (Forest); it must equal the tree-by-tree sum bit for bit,
    so an answer at the threshold cannot flip."""
    ds, _, _ = trained
    x, _, _ = ds.rows()
    scorer = load_scorer()
    raw = np.full(len(x), scorer.init)
    for tree in scorer.trees:
        raw += scorer.rate * tree.predict(x)
    assert np.array_equal(scorer.probabilities(x), 1.0 / (1.0 + np.exp(-raw)))


def test_confidence_is_calibrated_on_held_out_folds(trained: Any) -> None:
    scorer = load_scorer()
    assert list(scorer.calib_x) == sorted(scorer.calib_x)
    assert all(0.0 <= v <= 1.0 for v in scorer.calib_y)
    assert all(a <= b + 1e-12 for a, b in zip(scorer.calib_y, scorer.calib_y[1:], strict=False))  # monotone
    assert 0.0 < scorer.threshold < 1.0
