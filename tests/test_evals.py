"""The hand-labelled gold set (evals/indicators.jsonl) is well formed and grounded in the seeds.

Every quote must be a verbatim, unique span of its plan (read without newline translation,
as ingest reads it) and every numeric answer must be printed in its quote, so a metric
computed from this file measures the system and not a labelling slip.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from qa.eval.gold import DIFFICULTIES, GOLD_KEYS, KINDS, load_gold
from qa.models import ABSTAIN_TEXT
from qa.text.numbers import canonical, numbers_in

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "evals" / "indicators.jsonl"
# every labelled file the Makefile gates on: the same contract for each
GOLDS = [GOLD, *(ROOT / "evals" / f for f in ("holdout.jsonl", "blind.jsonl", "blind2.jsonl", "blind3.jsonl"))]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module", params=GOLDS, ids=lambda p: p.name)
def gold(request: pytest.FixtureRequest) -> Path:
    return request.param


@pytest.fixture(scope="module")
def rows(gold: Path) -> list[dict]:
    out = []
    for n, line in enumerate(gold.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"line {n} is blank"
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as e:  # pragma: no cover - the failure message is the point
            pytest.fail(f"line {n}: bad JSON ({e})")
    return out


@pytest.fixture(scope="module")
def originals() -> dict[str, str]:
    return {p.name: p.open(encoding="utf-8", newline="").read() for p in sorted(SEEDS.glob("*.txt"))}


def test_every_line_has_exactly_the_ten_keys(rows):
    for r in rows:
        assert isinstance(r, dict)
        assert set(r) == set(GOLD_KEYS), (r.get("id"), sorted(set(r) ^ set(GOLD_KEYS)))


def test_ids_are_unique(rows):
    dupes = [i for i, c in Counter(r["id"] for r in rows).items() if c > 1]
    assert not dupes


def test_kinds_and_difficulties_are_valid(rows):
    for r in rows:
        assert r["kind"] in KINDS, r["id"]
        assert r["difficulty"] in DIFFICULTIES, r["id"]
    assert {r["difficulty"] for r in rows} == set(DIFFICULTIES)


def test_size_and_balance(rows, gold):
    main = gold == GOLD
    assert len(rows) >= (120 if main else 50)
    per_plan = Counter(r["doc"] for r in rows)
    assert set(per_plan) == {p.name for p in SEEDS.glob("*.txt")}, "every seed plan has questions"
    assert min(per_plan.values()) >= (20 if main else 10), per_plan
    share = sum(r["kind"] == "unanswerable" for r in rows) / len(rows)
    assert 0.10 <= share <= 0.20, share


def test_field_types_follow_the_kind(rows):
    for r in rows:
        assert isinstance(r["question"], str) and r["question"].strip(), r["id"]
        assert r["year"] is None or isinstance(r["year"], int), r["id"]
        if r["kind"] in ("target", "baseline"):
            assert isinstance(r["value"], int | float) and not isinstance(r["value"], bool), r["id"]
            assert isinstance(r["unit"], str) and r["unit"], r["id"]
        else:
            assert r["value"] is None and r["unit"] is None, r["id"]
        if r["kind"] == "unanswerable":
            assert r["answer"] == ABSTAIN_TEXT and r["quote"] == "", r["id"]
        else:
            assert r["quote"], r["id"]


def test_every_quote_is_a_unique_verbatim_span_of_its_document(rows, originals):
    for r in rows:
        assert r["doc"] in originals, (r["id"], r["doc"])
        if r["kind"] == "unanswerable":
            continue
        n = originals[r["doc"]].count(r["quote"])
        assert n == 1, f"{r['id']}: quote found {n} times in {r['doc']}: {r['quote']!r}"


def test_numeric_values_are_printed_in_their_quote(rows):
    for r in rows:
        if r["value"] is None:
            continue
        want = canonical(repr(float(r["value"])))
        printed = numbers_in(r["quote"])
        assert want in printed, f"{r['id']}: {r['value']} not in quote {r['quote']!r} ({printed})"


def test_numeric_answers_state_their_value_and_unit(rows):
    for r in rows:
        if r["kind"] not in ("target", "baseline"):
            continue
        assert canonical(repr(float(r["value"]))) in numbers_in(r["answer"]), r["id"]
        assert r["unit"] in r["answer"], r["id"]


def test_the_evaluator_accepts_the_gold_file(gold):
    from qa.config import Settings

    items, sources = load_gold(gold, Settings(docs=[SEEDS]), {})
    assert len(items) >= 50
    for it in items:
        if it.answerable:
            text = sources[it.doc].text
            assert text[it.quote_start : it.quote_end] == it.quote
