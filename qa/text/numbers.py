"""Numbers as plans print them, and the check that every number shown is in its source.

Plans mix full- and half-width digits, put stray spaces inside figures (``17.5 亿元``)
and thousands separators; a number only counts as supported when the same value is
printed in one of the cited spans.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_FULLWIDTH = str.maketrans("０１２３４５６７８９．％－＋", "0123456789.%-+")

NUMBER_RE = re.compile(r"(?<![\d.])[-+]?\d+(?:,\d{3})*(?:\.\d+)?(?![\d])")


def halfwidth(text: str) -> str:
    """Full-width digits and signs to ASCII; keeps length so offsets stay valid."""
    return text.translate(_FULLWIDTH)


def canonical(num: str) -> str:
    """``'046.50'`` and ``'46.5'`` are the same figure; ``'1,200'`` is ``'1200'``."""
    s = num.replace(",", "").lstrip("+")
    neg = s.startswith("-")
    s = s.lstrip("-")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    s = s.lstrip("0") or "0"
    if s.startswith("."):
        s = "0" + s
    return ("-" if neg and s != "0" else "") + s


def numbers_in(text: str) -> list[str]:
    """Every figure printed in ``text``, canonical, in order (spaces inside numbers tolerated)."""
    t = halfwidth(text)
    t = re.sub(r"(?<=\d) (?=[\d.])|(?<=\.) (?=\d)", "", t)
    return [canonical(m.group()) for m in NUMBER_RE.finditer(t)]


def unsupported_numbers(answer_text: str, spans: Iterable[str]) -> list[str]:
    """The figures in ``answer_text`` that no cited span prints (empty list = supported)."""
    printed: set[str] = set()
    for span in spans:
        for n in numbers_in(span):
            printed.add(n)
            printed.add(n.lstrip("-"))
    missing: list[str] = []
    for n in numbers_in(answer_text):
        if n not in printed and n.lstrip("-") not in printed and n not in missing:
            missing.append(n)
    return missing


def to_float(num: str) -> float:
    return float(canonical(num))
