"""Scoring questions across plans: the winner of a ranking and every plan's value, each cell cited.

A cross-plan gold line (evals/crossplan.jsonl) holds ``id, question, type (ranking|pairwise|all),
direction (max|min|null), role, kind, docs, winner, values, note``; ``values`` maps each plan in scope to
``{value, unit, qualifier, year, quote}`` or null (the plan does not state it). A question is fully right
when its winner is right (where one is labelled) and every plan's cell is: the same quantity, or 未提及
for a null. ``cells_uncited`` counts cells that show a value without a citation (must be 0).
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

from qa.eval.gold import GoldError, find_quote, json_lines
from qa.eval.judge import same_quantity
from qa.eval.report import _cell, write_report

KEYS = ("id", "question", "type", "direction", "role", "kind", "docs", "winner", "values", "note")
TYPES = ("ranking", "pairwise", "all")
METRICS = {"crossplan_accuracy": False, "winner_accuracy": False, "cell_accuracy": False,
           "cell_citation_accuracy": False, "cells_uncited": True}


def is_crossplan_gold(path: Path) -> bool:
    """A gold file of cross-plan questions (its lines have a ``type`` of ranking/pairwise/all)."""
    try:
        first = next(line for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip())
        return json.loads(first).get("type") in TYPES
    except (OSError, StopIteration, ValueError, AttributeError):
        return False


def parse(path: Path) -> list[dict[str, Any]]:
    items = []
    for n, obj in json_lines(path, KEYS):
        if obj["type"] not in TYPES:
            raise GoldError(f"{path}:{n}: bad type '{obj['type']}' (expected {', '.join(TYPES)})")
        if set(obj["values"]) != set(obj["docs"]):
            raise GoldError(f"{path}:{n}: 'values' must name exactly the plans in 'docs'")
        obj["line"] = n
        items.append(obj)
    if not items:
        raise GoldError(f"{path}: no questions in the gold file")
    return items


def _stem(name: str | None) -> str | None:
    return Path(name).stem if name else None


def score(item: dict[str, Any], answer: Any, texts: dict[str, str]) -> dict[str, Any]:
    rows = {r.doc_id: r for r in answer.table}
    cells = []
    for doc, want in item["values"].items():
        doc_id = _stem(doc)
        got = rows.get(doc_id)
        value = got.value if got else None
        if want is None:
            ok = value is None
            cited = True
        else:
            ok = value is not None and same_quantity(value, got.unit, want["value"], want["unit"])
            span = find_quote(texts.get(doc_id, ""), want["quote"]) if want.get("quote") else None
            c = got.citation if got else None
            cited = bool(c and span and c.start < span[1] and span[0] < c.end)
        cells.append({"doc": doc_id, "expected": want, "got": got.model_dump(mode="json") if got else None,
                      "correct": ok, "citation_ok": cited if value is not None else None,
                      "uncited": value is not None and (got is None or got.citation is None)})
    labelled = item["winner"] is not None and item["direction"] is not None
    winner_ok = (answer.winner == _stem(item["winner"])) if labelled else None
    right = all(c["correct"] for c in cells) and winner_ok is not False
    return {"id": item["id"], "type": item["type"], "question": item["question"], "winner_expected":
            _stem(item["winner"]), "winner_got": answer.winner, "winner_ok": winner_ok, "cells": cells,
            "correct": right, "text": answer.text, "note": answer.note, "trace": answer.trace}


def metrics(rows: list[dict[str, Any]]) -> dict[str, Any]:
    cells = [c for r in rows for c in r["cells"]]
    winners = [r["winner_ok"] for r in rows if r["winner_ok"] is not None]
    cited = [c["citation_ok"] for c in cells if c["citation_ok"] is not None]

    def ratio(xs: list[bool]) -> float | None:
        return round(sum(xs) / len(xs), 4) if xs else None

    return {"n": len(rows), "crossplan_accuracy": ratio([r["correct"] for r in rows]),
            "winner_accuracy": ratio(winners), "cell_accuracy": ratio([c["correct"] for c in cells]),
            "cell_citation_accuracy": ratio(cited), "cells_uncited": sum(c["uncited"] for c in cells),
            "cells": len(cells)}


def run(gold: Path, settings: Any, retriever: Any, report_dir: Path | None = None) -> dict[str, Any]:
    from qa.answer import answer_question

    t0 = time.perf_counter()
    items = parse(gold)
    manifest = retriever.manifest
    texts: dict[str, str] = {}
    for doc_id in manifest.docs:
        got = retriever.store.canonical_text(manifest, doc_id)
        if got:
            texts[doc_id] = got[0]
    rows = []
    for item in items:
        a = answer_question(item["question"], settings, retriever=retriever)
        rows.append(score(item, a, texts))
    by_type = {t: metrics([r for r in rows if r["type"] == t]) for t in TYPES if any(r["type"] == t for r in rows)}
    report = {"gold": {"path": str(gold), "sha256": hashlib.sha256(gold.read_bytes()).hexdigest(),
                       "questions": len(items)},
              "kind": "crossplan", "store": {"manifest": manifest.digest(), "documents": sorted(manifest.docs)},
              "metrics": {"overall": metrics(rows), "by_type": by_type},
              "failures": [r["id"] for r in rows if not r["correct"]], "questions": rows,
              "timing": {"wall_s": round(time.perf_counter() - t0, 2)}}
    if report_dir is not None:
        write_report(report, report_dir, render)
    return report


def summary(report: dict[str, Any]) -> str:
    cols = ["overall", *report["metrics"]["by_type"]]
    data = {"overall": report["metrics"]["overall"], **report["metrics"]["by_type"]}
    lines = ["| metric | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
    for m in ("n", "crossplan_accuracy", "winner_accuracy", "cell_accuracy", "cell_citation_accuracy",
              "cells_uncited"):
        lines.append(f"| {m} | " + " | ".join("—" if data[c].get(m) is None else str(data[c][m]) for c in cols) + " |")
    return "\n".join(lines)


def render(report: dict[str, Any]) -> str:
    out = ["# planqa cross-plan evaluation", "", f"- gold: `{report['gold']['path']}` ({report['gold']['questions']} "
           "questions)", "", summary(report), "", f"## Failures ({len(report['failures'])})", ""]
    fails = [r for r in report["questions"] if not r["correct"]]
    if not fails:
        out.append("None.")
    else:
        out += ["| id | question | winner (want/got) | wrong cells | rules |", "|---|---|---|---|---|"]
        for r in fails:
            bad = [f"{c['doc'][:3]}: want {c['expected']['value'] if c['expected'] else '未提及'}, got "
                   f"{(c['got'] or {}).get('value') if c['got'] else '—'}" for c in r["cells"] if not c["correct"]]
            out.append("| " + " | ".join([r["id"], _cell(r["question"], 50),
                                          f"{(r['winner_expected'] or '—')[:3]}/{(r['winner_got'] or '—')[:3]}",
                                          _cell("; ".join(bad), 120), _cell(", ".join(r["trace"] or []), 80)]) + " |")
    return "\n".join(out) + "\n"
