"""Judging one answer against its gold question: units, qualifiers, key phrases, the score row.

How strict each rule is: a value is right when it is the same quantity (``3.5 亿元`` equals
``35000 万元``; ``%`` never equals ``个百分点``); strict accuracy also wants the qualifier's class
(超过 and 以上 are one class, 年均 bounds nothing); a fact answer must hold every key phrase of the
gold answer; a citation is right when it overlaps the labelled quote, a retrieved chunk when it
holds at least half of it. ``score`` turns one (question, answer, retrieval rank) into the row the
metrics and the report are made from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from qa.eval.gold import NUMERIC_KINDS, GoldItem
from qa.figures.vocab import COUNT_BASES, normalize_unit
from qa.models import Answer

TOLERANCE = 1e-6  # relative


# --------------------------------------------------------------------------- units


def units_compatible(a: str | None, b: str | None) -> bool:
    """Same base unit after stripping magnitudes (a bare 万 matches any count unit)."""
    _, ba = normalize_unit(a)
    _, bb = normalize_unit(b)
    if ba is None or bb is None:
        return ba is None and bb is None
    if ba == bb:
        return True
    return ba in COUNT_BASES and bb in COUNT_BASES and "" in (ba, bb)


def same_quantity(v1: float | None, u1: str | None, v2: float | None, u2: str | None) -> bool:
    """``3.5, '亿元'`` equals ``35000, '万元'``; ``5, '%'`` never equals ``5, '个百分点'``."""
    if v1 is None or v2 is None or not units_compatible(u1, u2):
        return False
    a = float(v1) * normalize_unit(u1)[0]
    b = float(v2) * normalize_unit(u2)[0]
    if a == b:
        return True
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b))


# --------------------------------------------------------------------------- qualifiers


# every spelling -> its class; None means "describes, does not bound" (equal to no qualifier)
QUALIFIER_CLASS: dict[str, str | None] = {
    "以上": "以上", "超过": "以上", "不低于": "以上", "不少于": "以上", "突破": "以上", "高于": "以上",
    "至少": "以上", "大于": "以上",
    "以内": "以内", "之内": "以内", "以下": "以内", "不超过": "以内", "不高于": "以内", "低于": "以内",
    "控制在": "以内", "小于": "以内",
    "左右": "左右", "约": "左右", "大约": "左右", "上下": "左右", "近": "左右", "接近": "左右",
    "多": "多", "余": "多",
    "累计": "累计",
    "年均": None, "保持在": None, "稳定在": None,
}
_QUAL_RE = re.compile(
    r"不低于|不少于|不超过|不高于|超过|突破|高于|低于|至少|大于|小于|控制在|以上|以内|之内|以下|左右|上下|"
    r"大约|接近|约(?=\s*[\d０-９])|近(?=\s*[\d０-９])|(?<=[\d０-９十百千万亿])\s*[多余]|累计|\[[^\]]*\]"
)


def canonical_qualifier(q: str | None) -> str | None:
    """The class a qualifier belongs to (超过 → 以上, 约 → 左右, 年均 → None); unknown ones stay as they are."""
    if q is None:
        return None
    q = q.strip()
    if not q:
        return None
    if q.startswith("[") or q in ("（累计）", "(累计)"):
        return "累计"
    return QUALIFIER_CLASS.get(q, q)


def gold_qualifiers(answer: str) -> list[str]:
    """Every qualifier class the gold answer text states, in order (``'150亿元（累计）'`` → ``['累计']``)."""
    out: list[str] = []
    for m in _QUAL_RE.finditer(answer or ""):
        c = canonical_qualifier(m.group().strip())
        if c is not None and c not in out:
            out.append(c)
    return out


def gold_qualifier(answer: str) -> str | None:
    """The gold answer's qualifier class, or None when it states no bound."""
    quals = gold_qualifiers(answer)
    return quals[0] if quals else None


def qualifier_matches(gold_answer: str, got: str | None) -> bool:
    """A qualifier-free gold needs None (or 年均 …); otherwise the got class must be one the gold states."""
    want = gold_qualifiers(gold_answer)
    have = canonical_qualifier(got)
    if not want:
        return have is None
    return have in want


# --------------------------------------------------------------------------- fact answers


def _norm_text(s: str) -> str:
    from qa.text.numbers import halfwidth

    return re.sub(r"[\W_]+", "", halfwidth(s or "")).lower()


def fact_parts(answer: str) -> list[str]:
    """The key phrases of a descriptive gold answer: its 、/，-separated parts, normalized."""
    parts = re.split(r"[、，,；;]", answer or "")
    return [p for p in (_norm_text(x) for x in parts) if p]


def fact_matches(gold_answer: str, a: Answer) -> bool:
    parts = fact_parts(gold_answer)
    if a.abstained or not parts:
        return False
    hay = [_norm_text(a.text)]
    if a.citations:
        hay.append(_norm_text(a.citations[0].quote))
    return all(any(p in h for h in hay) for p in parts)



# --------------------------------------------------------------------------- scoring one question


def overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def chunk_holds_quote(doc_id: str, start: int, end: int, it: GoldItem) -> bool:
    """The chunk contains the quote, or covers at least half of it."""
    if it.quote_start is None or it.quote_end is None or doc_id != it.doc_id:
        return False
    qs, qe = it.quote_start, it.quote_end
    if start <= qs and qe <= end:
        return True
    return 2 * overlap(start, end, qs, qe) >= qe - qs


def retrieval_rank(hits: Iterable[Any], it: GoldItem) -> int | None:
    for pos, h in enumerate(hits, 1):
        c = h.chunk
        if chunk_holds_quote(c.doc_id, c.start, c.end, it):
            return pos
    return None


def citation_ok(a: Answer, it: GoldItem) -> bool:
    if it.quote_start is None or it.quote_end is None:
        return False
    return any(c.doc_id == it.doc_id and overlap(c.start, c.end, it.quote_start, it.quote_end) > 0
               for c in a.citations)


def answer_correct(a: Answer, it: GoldItem) -> bool:
    if it.kind == "unanswerable":
        return a.abstained
    if a.abstained:
        return False
    if it.kind == "fact":
        return fact_matches(it.answer, a)
    return same_quantity(a.value, a.unit, it.value, it.unit)


def shown_unsupported(a: Answer) -> list[str]:
    """Numbers in an answer marked supported that no cited quote prints (must stay empty)."""
    from qa.text.numbers import unsupported_numbers

    if a.abstained or not a.supported:
        return []
    return unsupported_numbers(a.text, [c.quote for c in a.citations])


def why_wrong(a: Answer, it: GoldItem, correct: bool, strict: bool) -> str | None:
    if strict:
        return None
    if correct:
        return "qualifier"
    if it.kind == "unanswerable":
        return "answered an unanswerable question"
    if a.abstained:
        return "abstained"
    if it.kind == "fact":
        return "missing key phrase"
    if a.value is None:
        return "no value"
    if not units_compatible(a.unit, it.unit):
        return "unit"
    return "value"


def score(it: GoldItem, a: Answer, rank: int | None) -> dict[str, Any]:
    correct = answer_correct(a, it)
    qual_ok = True if it.kind not in NUMERIC_KINDS else qualifier_matches(it.answer, a.qualifier)
    strict = correct and qual_ok
    cited = a.citations[0] if a.citations else None
    return {
        "id": it.id,
        "doc": it.doc,
        "kind": it.kind,
        "difficulty": it.difficulty,
        "question": it.question,
        "expected": {"answer": it.answer, "value": it.value, "unit": it.unit, "qualifier": gold_qualifier(it.answer)
                     if it.kind in NUMERIC_KINDS else None, "quote": it.quote,
                     "span": [it.quote_start, it.quote_end] if it.quote_start is not None else None},
        "got": {"text": a.text, "value": a.value, "unit": a.unit, "qualifier": a.qualifier, "kind": a.kind,
                "year": a.year, "abstained": a.abstained, "supported": a.supported, "note": a.note,
                "confidence": a.confidence, "trace": a.trace,
                "citations": [{"doc_id": c.doc_id, "start": c.start, "end": c.end, "quote": c.quote}
                              for c in a.citations]},
        "cited_quote": cited.quote if cited else None,
        "correct": correct,
        "strict": strict,
        "qualifier_ok": qual_ok,
        "citation_ok": citation_ok(a, it) if it.answerable and not a.abstained else None,
        "retrieval_rank": rank,
        "unsupported_shown": shown_unsupported(a),
        "reason": why_wrong(a, it, correct, strict),
    }
