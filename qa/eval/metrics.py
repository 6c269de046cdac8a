"""The metrics of a run, computed from the per-question rows ``qa.eval.judge.score`` makes.

Overall, per kind and per difficulty: answer and strict accuracy (over all questions), citation
accuracy (over answered answerable ones), retrieval recall@k and MRR (over answerable ones),
abstention precision and recall, false abstentions, the count of numbers shown as supported that
no citation prints (must be 0), and latency percentiles. ``METRICS`` names what a threshold may
be set on, and which way it fails.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

# metric name -> True when the threshold is an upper bound (fail when ABOVE it)
METRICS: dict[str, bool] = {
    "answer_accuracy": False,
    "strict_accuracy": False,
    "citation_accuracy": False,
    "recall@1": False,
    "recall@5": False,
    "recall@10": False,
    "mrr": False,
    "abstention_precision": False,
    "abstention_recall": False,
    "false_abstention": True,
    "unsupported_shown": True,
    # cross-plan gold files (qa.eval.crossplan)
    "crossplan_accuracy": False,
    "winner_accuracy": False,
    "cell_accuracy": False,
    "cell_citation_accuracy": False,
    "cells_uncited": True,
    # brief gold files (qa.eval.briefs)
    "brief_pass": False,
    "summary_targets": False,
    "table_targets": False,
    "industry_recall": False,
    "bare_sector_items": True,
    "positioning": False,
    "lead_ok": False,
    "citation_exact": False,
    "summary_chars": True,
}


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def compute_metrics(rows: list[dict[str, Any]], cutoffs: Iterable[int] = (1, 5, 10)) -> dict[str, Any]:
    """Every metric over one group of per-question results; None where a metric is undefined."""
    answerable = [r for r in rows if r["kind"] != "unanswerable"]
    unanswerable = [r for r in rows if r["kind"] == "unanswerable"]
    abstained = [r for r in rows if r["got"]["abstained"]]
    answered = [r for r in answerable if not r["got"]["abstained"]]
    m: dict[str, Any] = {
        "n": len(rows),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "answer_accuracy": _ratio(sum(r["correct"] for r in rows), len(rows)),
        "strict_accuracy": _ratio(sum(r["strict"] for r in rows), len(rows)),
        "citation_accuracy": _ratio(sum(bool(r["citation_ok"]) for r in answered), len(answered)),
        "abstention_precision": _ratio(sum(r["kind"] == "unanswerable" for r in abstained), len(abstained)),
        "abstention_recall": _ratio(sum(r["got"]["abstained"] for r in unanswerable), len(unanswerable)),
        "false_abstention": _ratio(sum(r["got"]["abstained"] for r in answerable), len(answerable)),
        "unsupported_shown": sum(bool(r["unsupported_shown"]) for r in rows),
    }
    for c in sorted(set(cutoffs)):
        m[f"recall@{c}"] = _ratio(sum(r["retrieval_rank"] is not None and r["retrieval_rank"] <= c
                                      for r in answerable), len(answerable))
    m["mrr"] = round(sum(1 / r["retrieval_rank"] for r in answerable if r["retrieval_rank"]) / len(answerable), 4) \
        if answerable else None
    return m


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p50 of 1..4 is 2, p95 of 20 values is the 19th)."""
    if not values:
        return None
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def latency_summary(ms: list[float]) -> dict[str, Any]:
    return {"n": len(ms), "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95),
            "mean_ms": round(sum(ms) / len(ms), 1) if ms else None, "max_ms": max(ms) if ms else None}


def groups(rows: list[dict[str, Any]], key: str, order: tuple[str, ...]) -> dict[str, list[dict[str, Any]]]:
    return {g: [r for r in rows if r[key] == g] for g in order if any(r[key] == g for r in rows)}
