"""Every named rule of the vocabulary finds its examples and none of its counter-examples.

The rules are data (qa.figures.vocab.RULES); modules that add rules register them on import, so
the modules that hold rules are imported first.
"""

from __future__ import annotations

import pytest

import qa.answer.crossplan  # noqa: F401 - the ranking rules
import qa.answer.decide  # noqa: F401 - the decision rules
import qa.answer.describe  # noqa: F401 - the descriptive rules
import qa.answer.keys  # noqa: F401 - the sector rule
import qa.answer.phrasing  # noqa: F401 - the question rules
import qa.answer.understand  # noqa: F401
import qa.brief.select  # noqa: F401 - registers its rules
import qa.brief.summary  # noqa: F401
import qa.retrieve.query  # noqa: F401
from qa.figures.vocab import RULES

EXAMPLES = [(name, ex) for name, r in sorted(RULES.items()) for ex in r.examples]
COUNTER = [(name, ex) for name, r in sorted(RULES.items()) for ex in r.counter]


def test_every_rule_is_documented_with_evidence():
    for name, r in RULES.items():
        assert r.doc.strip(), name
        assert r.examples, f"rule {name} has no example"


@pytest.mark.parametrize("name, text", EXAMPLES)
def test_rule_finds_its_example(name: str, text: str):
    assert RULES[name].search(text), f"{name} should find something in {text!r}"


@pytest.mark.parametrize("name, text", COUNTER)
def test_rule_ignores_its_counter_example(name: str, text: str):
    assert not RULES[name].search(text), f"{name} should find nothing in {text!r}: {RULES[name].search(text)}"
