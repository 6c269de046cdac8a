"""One indicator across plans: a cited row per plan that states it, selected from stored statements.

Synonyms resolve (GDP → 地区生产总值) and near-misses never do (人均地区生产总值 is not 地区生产总值),
because only a whole-name match counts (``qa.figures.reader.canonical_name``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from qa.brief.render import _fmt, _one_line_quote
from qa.brief.select import extract_indicators
from qa.brief.view import DocView
from qa.config import Settings
from qa.figures.indicators import alias_canon
from qa.figures.reader import canonical_name
from qa.models import Citation, Document, Indicator


class CompareRow(BaseModel):
    """One plan's value of one indicator, with the quote it comes from."""

    doc_id: str
    region: str | None = None
    province: str | None = None
    plan: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    indicator: str
    canonical: str | None = None
    category: str | None = None
    base_year: int | None = None
    base_value: float | None = None
    target_year: int | None = None
    target_value: float | None = None
    target_text: str | None = None
    growth: float | None = None
    growth_text: str | None = None
    unit: str | None = None
    qualifier: str | None = None
    growth_qualifier: str | None = None
    binding: str | None = None
    source: str = "prose"
    quote: str
    citation: Citation
    base_citation: Citation | None = None


def resolve_indicator(query: str) -> tuple[str | None, str]:
    """(canonical indicator or None, normalized query)."""
    return canonical_name(query) if alias_canon(query) else None, Indicator.norm(query).lower()


def _matches(ind: Indicator, canon: str | None, norm_query: str) -> bool:
    if canon is not None:
        return ind.canonical == canon
    return Indicator.norm(ind.name).lower() == norm_query


def _rank(ind: Indicator) -> tuple[int, int, int]:
    return (0 if ind.source == "table" else 1, 0 if ind.target_value is not None else 1,
            0 if ind.canonical and ind.canonical == alias_canon(ind.name) else 1)


def compare(indicator: str, settings: Settings, docs: Iterable[Document] | None = None,
            store: Any = None) -> list[CompareRow]:
    """One row per stored plan that states ``indicator`` (synonyms resolved, near-misses refused)."""
    from qa.store.chroma import Store

    store = store or Store(settings)
    manifest = store.manifest()
    docs = manifest.docs.values() if docs is None else docs
    canon, norm_query = resolve_indicator(indicator)
    rows: list[CompareRow] = []
    for doc in sorted(docs, key=lambda d: d.id):
        found = [i for i in extract_indicators(DocView.load(store, manifest, doc.id)) if _matches(i, canon, norm_query)]
        if not found:
            continue
        best = sorted(found, key=_rank)[0]
        rows.append(CompareRow(
            doc_id=doc.id, region=doc.region, province=doc.province, plan=doc.plan, period_start=doc.period_start,
            period_end=doc.period_end, indicator=best.name, canonical=best.canonical, category=best.category,
            base_year=best.base_year, base_value=best.base_value, target_year=best.target_year,
            target_value=best.target_value, target_text=best.target_text, growth=best.growth,
            growth_text=best.growth_text, unit=best.unit, qualifier=best.qualifier,
            growth_qualifier=best.growth_qualifier, binding=best.binding, source=best.source,
            quote=best.citation.quote, citation=best.citation, base_citation=best.base_citation,
        ))
    return rows


COMPARE_COLUMNS = ["region", "plan", "indicator", "base_year", "base_value", "target_year", "target_value",
                   "growth", "growth_qualifier", "unit", "qualifier", "quote"]


def _row_values(r: CompareRow) -> list[str]:
    has_target = r.target_value is not None or r.target_text is not None
    target = _fmt(r.target_value) if r.target_value is not None else (r.target_text or "")
    growth = _fmt(r.growth) if r.growth is not None else (r.growth_text or "")
    return [r.region or "", r.plan or "", r.indicator, str(r.base_year or ""), _fmt(r.base_value),
            str(r.target_year or ""), target, growth, r.growth_qualifier or "", r.unit or "",
            (r.qualifier or "") if has_target else "", _one_line_quote(r.quote)]


def render_compare(rows: list[CompareRow], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(COMPARE_COLUMNS)
        for r in rows:
            w.writerow(_row_values(r))
        return buf.getvalue().rstrip("\n")
    head = ["地区", "规划", "指标", "基期", "基期值", "目标年", "目标值", "年均增长", "增长限定", "单位", "目标限定", "引文"]
    body = [_row_values(r) for r in rows]
    for b in body:
        b[-1] = b[-1][:60] + ("…" if len(b[-1]) > 60 else "")

    def width(s: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)

    widths = [max(width(x) for x in col) for col in zip(head, *body, strict=False)]
    lines = []
    for row in [head, *body]:
        lines.append("  ".join(x + " " * (w - width(x)) for x, w in zip(row, widths, strict=False)).rstrip())
    return "\n".join(lines)
