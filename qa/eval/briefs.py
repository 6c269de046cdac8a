"""Scoring briefs against hand-made ones (``qa eval --briefs FILE``).

A brief gold line (evals/briefs.jsonl) holds, per plan, what an analyst would lead with, labelled from the
plan alone: ``doc, region, plan, period, positioning {phrase, quote}, targets [5 × {indicator, role, value,
unit, year, quote}], industries [6 × {name, quote}], note``. A brief is scored on:

| metric | definition |
|---|---|
| ``summary_targets`` | how many of the 5 headline targets the 摘要 states (the figure as printed) |
| ``table_targets`` | how many of them the brief's indicator table holds (same quantity) |
| ``industry_recall`` | share of the 6 hand-picked priorities named by the brief's industries (either name in the other) |
| ``bare_sector_items`` | industries that are bare sector words (第三产业, 优势产业 …): must be 0 |
| ``positioning`` | the 摘要 holds the plan's positioning phrase |
| ``lead_ok`` | the 摘要's first sentence is no challenge, history or boilerplate sentence |
| ``citation_exact`` | share of the brief's citations whose quote is the canonical text at its span |
| ``summary_chars`` | length of the 摘要 (≤ 450) |

A brief passes when it states ≥ 3 targets, leads well, recalls ≥ 4 of 6 industries with no bare sector word,
cites exactly and stays within 450 characters. ``brief_pass`` is the share of plans whose brief passes.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path
from typing import Any

from qa.eval.gold import GoldError, json_lines
from qa.eval.judge import same_quantity
from qa.eval.report import write_report
from qa.models import Brief
from qa.text.numbers import canonical, numbers_in

KEYS = ("doc", "region", "plan", "period", "positioning", "targets", "industries", "note")
SUMMARY_MAX = 450
BARE_SECTORS = frozenset({"第一产业", "第二产业", "第三产业", "一产", "二产", "三产", "优势产业", "主导产业", "支柱产业",
                          "服务业", "现代服务业", "工业", "农业", "制造业", "新兴产业", "特色产业", "传统产业"})
CHALLENGE = re.compile(r"制约|矛盾|不足|短板|瓶颈|困难|差距|薄弱|滞后|问题|挑战|不到位|不强|不高|压力")
HISTORY = re.compile(r"回顾|过去五年|“?十[一二三]?五”?(?:期间|时期)(?:以来)?[，,]|成就|已经|取得了|实现了")
SHOWN = ("brief_pass", "summary_targets", "table_targets", "industry_recall", "bare_sector_items", "positioning",
         "lead_ok", "citation_exact", "summary_chars")


def is_briefs_gold(path: Path) -> bool:
    try:
        first = next(line for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip())
        return "industries" in json.loads(first) and "targets" in json.loads(first)
    except (OSError, StopIteration, ValueError):
        return False


def parse(path: Path) -> list[dict[str, Any]]:
    items = []
    for n, obj in json_lines(path, KEYS):
        if not obj["targets"] or not obj["industries"]:
            raise GoldError(f"{path}:{n}: a brief gold line needs targets and industries")
        items.append(obj)
    if not items:
        raise GoldError(f"{path}: no briefs in the gold file")
    return items


def _norm(text: str) -> str:
    return re.sub(r"[\s“”\"'（）()、，,。；;：:]", "", text)


def _stem(name: str) -> str:
    """An industry's name without its 产业/行业/业 ending: 商贸物流业 and 商贸物流产业 are one industry."""
    n = _norm(name)
    stem = re.sub(r"(?:产业|行业|业)$", "", n)
    return stem if len(stem) >= 2 else n


def _printed(value: float, text: str) -> bool:
    want = canonical(format(abs(value), "f"))
    return any(n.lstrip("-") == want for n in numbers_in(text))


def _lead_ok(brief: Brief) -> bool:
    first = re.split(r"(?<=[。！？；])", brief.summary.strip())[0] if brief.summary.strip() else ""
    if not first:
        return False
    from qa.retrieve.sentences import BOILERPLATE

    return not (CHALLENGE.search(first) or HISTORY.search(first[:24]) or BOILERPLATE.search(first))


def score(gold: dict[str, Any], brief: Brief, text: str) -> dict[str, Any]:
    """One plan's brief against its hand-made reference (``text``: the plan's canonical text)."""
    summary = brief.summary
    in_summary = [t for t in gold["targets"] if _printed(t["value"], summary)]
    table = []
    for t in gold["targets"]:
        hit = any(v is not None and same_quantity(v, ind.unit if v != ind.growth else "%", t["value"], t["unit"])
                  for ind in brief.indicators for v in (ind.target_value, ind.growth, ind.base_value))
        table.append(hit)
    names = [_stem(i.name) for i in brief.industries]
    recalled = [g for g in gold["industries"]
                if any(_stem(g["name"]) in n or (len(n) >= 2 and n in _stem(g["name"])) for n in names)]
    bare = [i.name for i in brief.industries if _norm(i.name) in BARE_SECTORS]
    cites = brief.citations()
    exact = [c.end <= len(text) and text[c.start : c.end] == c.quote for c in cites]
    positioning = _norm(gold["positioning"]["phrase"]) in _norm(summary)
    row = {"doc": gold["doc"], "region": gold["region"], "summary": summary, "summary_chars": len(summary),
           "summary_targets": len(in_summary), "targets_missing_in_summary": [
               f"{t['indicator']} {t['value']}{t['unit']}" for t in gold["targets"] if t not in in_summary],
           "table_targets": sum(table), "industry_recall": round(len(recalled) / len(gold["industries"]), 4),
           "industries_missing": [g["name"] for g in gold["industries"] if g not in recalled],
           "industries_got": [i.name for i in brief.industries], "bare_sector_items": len(bare),
           "positioning": positioning, "lead_ok": _lead_ok(brief),
           "citation_exact": round(sum(exact) / len(exact), 4) if exact else 1.0}
    row["passed"] = (row["summary_targets"] >= 3 and row["lead_ok"] and len(recalled) >= 4 and not bare
                     and row["citation_exact"] == 1.0 and len(summary) <= SUMMARY_MAX)
    return row


def metrics(rows: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows)

    def mean(key: str) -> float:
        return round(sum(float(r[key]) for r in rows) / n, 4) if n else 0.0

    return {"n": n, "brief_pass": mean("passed"), "summary_targets": mean("summary_targets"),
            "table_targets": mean("table_targets"), "industry_recall": mean("industry_recall"),
            "bare_sector_items": sum(r["bare_sector_items"] for r in rows), "positioning": mean("positioning"),
            "lead_ok": mean("lead_ok"), "citation_exact": mean("citation_exact"),
            "summary_chars": max((r["summary_chars"] for r in rows), default=0)}


def run(gold: Path, settings: Any, engine: str = "extractive", report_dir: Path | None = None,
        from_dir: Path | None = None, record_dir: Path | None = None, log: Any = None) -> dict[str, Any]:
    """Make (or, with ``from_dir``, read) each gold plan's brief from the store and score it.

    ``record_dir`` (llm engine): keep every model call of the map-reduce there, or with
    ``settings.llm.replay`` answer from there only, with the recorded settings (as ``qa.eval.run``
    does for answers), so CI scores the LLM's briefs offline.
    """
    import sys

    from qa.brief.batch import make_brief, read_brief_file
    from qa.brief.view import DocView
    from qa.eval.run import LLMRunError, replay_settings, write_recording
    from qa.llm import LLMError
    from qa.store.chroma import Store

    t0 = time.perf_counter()
    items = parse(gold)
    rec_dir = record_dir if record_dir is not None and engine == "llm" and from_dir is None else None
    if rec_dir is not None and settings.llm.replay:
        settings, _ = replay_settings(settings, rec_dir, log or sys.stderr)
    if rec_dir is not None:
        settings = settings.with_(llm_cache=rec_dir)
    store = Store(settings)
    manifest = store.manifest()
    rows = []
    for g in items:
        doc_id = Path(g["doc"]).stem
        if doc_id not in manifest.docs:
            raise GoldError(f"{gold}: document '{g['doc']}' is not in the store (run `qa ingest`)")
        view = DocView.load(store, manifest, doc_id)
        if from_dir is not None:
            brief, _ = read_brief_file(from_dir / f"{doc_id}.json", view.text)
        else:
            try:
                brief = make_brief(view, settings, engine)
            except LLMError as e:  # a replay miss or a model that failed: name the plan, one line
                raise LLMRunError(f"brief of {doc_id}: {str(e).splitlines()[0]}") from None
        rows.append(score(g, brief, view.text))
    report = {"gold": {"path": str(gold), "sha256": hashlib.sha256(gold.read_bytes()).hexdigest(),
                       "briefs": len(items)}, "kind": "briefs", "engine": engine,
              "store": {"manifest": manifest.digest()}, "metrics": {"overall": metrics(rows)},
              "failures": [r["doc"] for r in rows if not r["passed"]], "briefs": rows,
              "timing": {"wall_s": round(time.perf_counter() - t0, 2)}}
    if rec_dir is not None and not settings.llm.replay:
        write_recording(rec_dir, settings, gold, manifest, ("briefs", len(items)),
                        ("brief_pass", report["metrics"]["overall"]["brief_pass"]), "qa eval --briefs FILE --engine llm")
    if report_dir is not None:
        write_report(report, report_dir, render)
    return report


def summary(report: dict[str, Any]) -> str:
    o = report["metrics"]["overall"]
    lines = ["| metric | value |", "|---|---:|"]
    lines += [f"| {k} | {o[k]} |" for k in ("n", *SHOWN)]
    return "\n".join(lines)


def render(report: dict[str, Any]) -> str:
    out = ["# planqa brief evaluation", "", f"- gold: `{report['gold']['path']}` ({report['gold']['briefs']} briefs), "
           f"engine {report['engine']}", "", summary(report), "", "## Briefs", ""]
    for r in report["briefs"]:
        out += [f"### {r['region']} ({r['doc']}): {'pass' if r['passed'] else 'FAIL'}", "",
                f"- targets in the 摘要: {r['summary_targets']}/5 (missing: {', '.join(r['targets_missing_in_summary']) or '—'}); "
                f"in the table: {r['table_targets']}/5",
                f"- industries: recall {r['industry_recall']} (missing: {', '.join(r['industries_missing']) or '—'}); "
                f"bare sector words: {r['bare_sector_items']}; got: {', '.join(r['industries_got'])}",
                f"- positioning in the 摘要: {r['positioning']}; lead ok: {r['lead_ok']}; "
                f"citations exact: {r['citation_exact']}; {r['summary_chars']} characters",
                f"- 摘要: {r['summary']}", ""]
    return "\n".join(out)
