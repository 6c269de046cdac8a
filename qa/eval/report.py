"""A run's report: ``report.json`` (deterministic for the extractive engine but its ``timing``),
``report.md`` (the summary table and every question not strictly right), and the thresholds a
run must meet (``--fail-under answer_accuracy=0.85 …``, checked by ``check_thresholds``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from qa.eval.metrics import METRICS


class UsageError(ValueError):
    """A bad command line (an unknown metric, a malformed threshold)."""


def dumps(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def without_timing(report: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in report.items() if k != "timing"}


def write_report(report: dict[str, Any], out: Path, render: Callable[[dict[str, Any]], str] | None = None) -> None:
    """report.json and report.md (``render``: the markdown of another kind of report, briefs or cross-plan)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(dumps(report), encoding="utf-8")
    (out / "report.md").write_text((render or render_markdown)(report), encoding="utf-8")


# --------------------------------------------------------------------------- markdown


SUMMARY_ROWS = ("n", "answer_accuracy", "strict_accuracy", "citation_accuracy", "recall@1", "recall@5",
                "recall@10", "mrr", "abstention_precision", "abstention_recall", "false_abstention",
                "unsupported_shown")


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def _cell(v: Any, limit: int = 80) -> str:
    s = "" if v is None else " ".join(str(v).split())
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return s.replace("|", "\\|") or " "


def summary_table(report: dict[str, Any]) -> str:
    m = report["metrics"]
    cols = [("overall", m["overall"])] + list(m["by_kind"].items()) + list(m["by_difficulty"].items())
    t = report["timing"]
    tcols = [t["overall"]] + list(t["by_kind"].values()) + list(t["by_difficulty"].values())
    names = list(SUMMARY_ROWS)
    extra = sorted((x for x in m["overall"] if x.startswith("recall@") and x not in names),
                   key=lambda s: int(s.split("@")[1]))
    names[names.index("mrr"):names.index("mrr")] = extra
    lines = ["| metric | " + " | ".join(c for c, _ in cols) + " |", "|---|" + "---:|" * len(cols)]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(_fmt(g.get(name)) for _, g in cols) + " |")
    for key, label in (("p50_ms", "latency p50 (ms)"), ("p95_ms", "latency p95 (ms)")):
        lines.append(f"| {label} | " + " | ".join("—" if x.get(key) is None else f"{x[key]:.1f}" for x in tcols)
                     + " |")
    return "\n".join(lines)


def _got(r: dict[str, Any]) -> str:
    g = r["got"]
    if g["abstained"]:
        return "文档未提及"
    if g["value"] is not None:
        s = f"{g['value']:g}{g['unit'] or ''}"
        return s + (f" ({g['qualifier']})" if g["qualifier"] else "")
    return g["text"]


def _llm_lines(report: dict[str, Any]) -> list[str]:
    llm = report.get("llm")
    if not llm:
        return []
    how = (f"replayed from `{llm['recording']}`" if llm["replay"] and llm["recording"]
           else "replayed from the cache" if llm["replay"]
           else f"recorded into `{llm['recording']}`" if llm["recording"] else "live")
    return [f"- model: {llm['model']}, {how}; {llm['invalid_replies']} replies never matched the answer "
            "format (counted as abstentions)"]


def render_markdown(report: dict[str, Any]) -> str:
    g = report["gold"]
    fails = [r for r in report["questions"] if not r["strict"]]
    out = [
        "# planqa evaluation",
        "",
        f"- gold: `{g['path']}` ({g['questions']} questions, sha256 {g['sha256'][:12]})",
        f"- engine: {report['engine']}; retrieval depth {report['retrieval_depth']} (k={report['k']})",
        f"- store manifest {report['store']['manifest']}: {len(report['store']['documents'])} documents",
        *_llm_lines(report),
        f"- wall time {report['timing']['wall_s']} s",
        "",
        "## Summary",
        "",
        summary_table(report),
        "",
        "Accuracies are over all questions of a column; citation accuracy over answered answerable ones;",
        "recall and MRR over answerable ones; unsupported_shown is a count and must be 0.",
        "",
        f"## Failures ({len(fails)} not strictly correct)",
        "",
    ]
    if not fails:
        out.append("None.")
    else:
        out += ["| id | kind | why | question | expected | got | rank | rules that fired | cited quote |",
                "|---|---|---|---|---|---|---:|---|---|"]
        for r in fails:
            out.append("| " + " | ".join([
                r["id"], r["kind"], _cell(r["reason"]), _cell(r["question"], 60), _cell(r["expected"]["answer"], 40),
                _cell(_got(r), 60), _fmt(r["retrieval_rank"]), _cell(", ".join(r["got"].get("trace") or []), 160),
                _cell(r["cited_quote"], 120),
            ]) + " |")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- thresholds


def parse_thresholds(specs: Iterable[str], k: int = 5) -> list[tuple[str, float, str]]:
    """``["answer_accuracy=0.85"]`` → ``[("answer_accuracy", 0.85, "0.85")]``; unknown names are usage errors."""
    known = dict(METRICS)
    known.setdefault(f"recall@{k}", False)
    out = []
    for spec in specs:
        name, sep, raw = spec.partition("=")
        name, raw = name.strip(), raw.strip()
        if not sep or not name or not raw:
            raise UsageError(f"--fail-under expects METRIC=VALUE, got '{spec}'")
        if name not in known:
            raise UsageError(f"unknown metric '{name}' for --fail-under (choose from {', '.join(known)})")
        try:
            value = float(raw)
        except ValueError:
            raise UsageError(f"--fail-under {name}: '{raw}' is not a number") from None
        out.append((name, value, raw))
    return out


def check_thresholds(report: dict[str, Any], thresholds: list[tuple[str, float, str]]) -> list[str]:
    """The thresholds missed, as lines like ``answer_accuracy 0.81 < 0.85``."""
    overall = report["metrics"]["overall"]
    missed = []
    for name, value, raw in thresholds:
        got = overall.get(name)
        upper = METRICS.get(name, False)
        if got is None:
            missed.append(f"{name} n/a (undefined on this gold file) {'>' if upper else '<'} {raw}")
        elif upper and got > value:
            missed.append(f"{name} {got:.4g} > {raw}")
        elif not upper and got < value:
            missed.append(f"{name} {got:.4g} < {raw}")
    return missed
