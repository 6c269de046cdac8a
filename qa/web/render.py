"""What the page shows, as HTML and markdown: answers, their sources, briefs, comparisons.

Functions of their inputs only (the one read is the cited document's text, through
``qa.web.files`` and only inside the configured folders), so each can be tested without a
server. Every piece of document text is escaped with ``html.escape``: the plans are data, never
markup; inside the chat's markdown the markdown specials are neutralised too (``_md``).
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.web.files import doc_text

if TYPE_CHECKING:
    from qa.models import Answer, Document


def doc_label(doc: Document) -> str:
    return " · ".join(x for x in (doc.region, doc.plan) if x) or doc.title or doc.id


def plan_label(plan: str, docs: dict[str, Document]) -> str:
    """十四五（2021–2025）: the plan with the period its documents cover."""
    periods = sorted({(d.period_start, d.period_end) for d in docs.values()
                      if d.plan == plan and d.period_start and d.period_end})
    return plan + "".join(f"（{a}–{b}）" for a, b in periods[:1])


def passage_html(c: Any, doc: Document | None, roots: Sequence[Path] = (), context: int = 160) -> str:
    """One cited passage: the quote marked inside its neighbourhood, everything escaped."""
    text = doc_text(doc, roots) if doc else None
    if text is not None and text[c.start : c.end] == c.quote:
        s, e = max(0, c.start - context), min(len(text), c.end + context)
        before, after = text[s : c.start], text[c.end : e]
        pre = "…" if s > 0 else ""
        post = "…" if e < len(text) else ""
    else:
        before = after = pre = post = ""
    return f"{pre}{html.escape(before)}<mark>{html.escape(c.quote)}</mark>{html.escape(after)}{post}"


def crossplan_html(a: Answer) -> str:
    """A cross-plan answer as a cited table and a bar chart (inline SVG: nothing is fetched)."""
    e = html.escape
    rows = a.table
    head = "<tr><th>地区</th><th>规划</th><th>数值</th><th>年份</th><th>引文</th></tr>"
    body = []
    for r in rows:
        quote = f"<mark>{e(r.citation.quote[:80])}</mark>" if r.citation else "—"
        win = ' class="qa-winner"' if a.winner == r.doc_id else ""
        body.append(f'<tr data-doc="{e(r.doc_id, quote=True)}"{win}><td>{e(r.region or r.doc_id)}</td>'
                    f"<td>{e(r.plan or '')}</td><td>{e(r.text)}</td><td>{r.year or ''}</td><td>{quote}</td></tr>")
    table = f'<table class="qa-cross-table" id="qa-cross-table">{head}{"".join(body)}</table>'
    from qa.figures.vocab import normalize_unit

    bars = [(r, (r.value or 0.0) * normalize_unit(r.unit)[0]) for r in rows if r.value is not None]
    if not bars:
        return table
    top = max(abs(v) for _, v in bars) or 1.0
    width, bar_h = 360, 22
    parts = []
    for i, (r, v) in enumerate(bars):
        w = max(2, int(abs(v) / top * (width - 150)))
        y = i * (bar_h + 6)
        parts.append(f'<text x="0" y="{y + 15}" font-size="12">{e((r.region or r.doc_id)[:8])}</text>'
                     f'<rect x="110" y="{y}" width="{w}" height="{bar_h}" fill="#4c78a8"></rect>'
                     f'<text x="{115 + w}" y="{y + 15}" font-size="12">{e(r.text[:16])}</text>')
    svg = (f'<svg id="qa-cross-chart" role="img" aria-label="{e(a.indicator or "")}" width="{width}" '
           f'height="{len(bars) * (bar_h + 6)}" xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>')
    return table + svg


def sources_html(a: Answer | None, docs: dict, roots: Sequence[Path] = ()) -> str:
    """The sources panel: every cited passage with its plan, section and offsets (a cross-plan answer:
    its table and chart first)."""
    if a is None:
        return '<div class="qa-sources"><p>（提问后这里显示引用的原文段落）</p></div>'
    if a.table:
        return f'<div class="qa-sources">{crossplan_html(a)}</div>'
    if not a.citations:
        note = f"（{html.escape(a.note)}）" if a.note else ""
        return f'<div class="qa-sources"><p>没有引用的段落{note}</p></div>'
    parts = ['<div class="qa-sources">']
    for i, c in enumerate(a.citations, 1):
        doc = docs.get(c.doc_id)
        meta = [f"[{i}]"]
        if doc:
            meta += [html.escape(doc.region or ""), html.escape(doc.plan or ""), html.escape(doc.title or "")]
        meta.append(f'<span class="qa-doc-id">{html.escape(c.doc_id)}</span>')
        meta.append(f"§ {html.escape(c.section or '（正文开头）')}")
        meta.append(f"[{c.start}:{c.end}]")
        parts.append(
            f'<div class="qa-source" id="qa-source-{i}" data-doc="{html.escape(c.doc_id, quote=True)}">'
            f'<div class="qa-meta">{" ".join(m for m in meta if m)}</div>'
            f'<div class="qa-passage">{passage_html(c, doc, roots)}</div></div>'
        )
    parts.append("</div>")
    return "".join(parts)


def _md(text: str) -> str:
    """Document text inside the chat's markdown: escaped, and markdown specials neutralised."""
    out = html.escape(text.strip())
    for ch in "\\`*_[]#|~>":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", " ")


def answer_markdown(a: Answer, docs: dict) -> str:
    """The chat message of a final answer: text, facts, a warning when unsupported, numbered citations."""
    from qa.answer import abstention_line, answer_facts

    lines = [f"**{_md(a.text)}**"]
    facts = [html.escape(f) for f in answer_facts(a)]
    if facts:
        lines.append(" · ".join(facts))
    if not a.supported and a.unsupported_numbers:
        lines.append(f"⚠ 未能在引用中找到这些数字: {html.escape(', '.join(a.unsupported_numbers))}")
    if a.abstained and (why := abstention_line(a)):
        lines.append(f"<sub>原因：{html.escape(why)}</sub>")
    for item in a.items:
        lines.append(f"· {_md(item.text)}")
    if a.table:
        rows = ["| 地区 | 规划 | 数值 | 年份 |", "|---|---|---|---|"]
        rows += [f"| {_md(r.region or r.doc_id)} | {_md(r.plan or '')} | {_md(r.text)} | {r.year or ''} |"
                 for r in a.table]
        lines.append("\n".join(rows))
    for i, c in enumerate(a.citations, 1):
        doc = docs.get(c.doc_id)
        where = doc_label(doc) if doc else c.doc_id
        page = f" · 第{c.page}页" if c.page else ""
        ocr = " · OCR" if c.ocr else ""
        lines.append(f"[{i}] {_md(where)} · {_md(c.section or '')}{page}{ocr}：「{_md(c.quote[:200])}」")
    for r in a.related:
        c = r.citation
        doc = docs.get(c.doc_id)
        lines.append(f"≈ *{_md(r.text)}*（{_md(r.label)}{f'，{r.year}年' if r.year else ''}）— {_md(r.why)}："
                     f"「{_md(c.quote[:160])}」 · {_md(doc_label(doc) if doc else c.doc_id)}")
    lines.append(f"<sub>{html.escape(a.engine)} · {a.timing_ms:.0f} ms</sub>")
    return "\n\n".join(lines)


def preview_markdown(text: str) -> str:
    """The streaming preview of an LLM answer (not yet checked against its sources)."""
    return f"✍ {_md(text)} ▌\n\n<sub>生成中，数字核对后显示最终答案</sub>"


def table_rows(rows: Any) -> list[dict]:
    out = []
    for r in rows or []:
        if hasattr(r, "model_dump"):
            r = r.model_dump()
        elif hasattr(r, "__dataclass_fields__"):
            import dataclasses

            r = dataclasses.asdict(r)
        elif not isinstance(r, dict):
            r = dict(r)
        out.append({k: (v if isinstance(v, str | int | float | bool) or v is None else _flat(v))
                    for k, v in r.items()})
    return out


def _flat(v: Any) -> str:
    if hasattr(v, "model_dump"):
        v = v.model_dump()
    if isinstance(v, dict) and "quote" in v:
        return str(v.get("quote", ""))[:120]
    if isinstance(v, list):
        return "; ".join(_flat(x) for x in v)
    return json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, dict) else str(v)


COMPARE_COLUMNS = {"region": "地区", "plan": "规划", "indicator": "指标", "base_year": "基期",
                   "base_value": "基期值", "target_year": "目标年", "target_value": "目标值", "target_text": "目标（文字）",
                   "growth": "年均增长", "unit": "单位", "qualifier": "限定", "quote": "引文"}


def compare_frames(rows: list[dict]) -> tuple[Any, Any]:
    """(table, chart data) of qa.brief.compare rows: one bar per region·plan and value kind."""
    import pandas as pd

    chart_cols = ["项", "规划", "数值", "类型"]
    if not rows:
        return pd.DataFrame(columns=list(COMPARE_COLUMNS.values())), pd.DataFrame(columns=chart_cols)
    cols = [c for c in COMPARE_COLUMNS if any(r.get(c) not in (None, "") for r in rows)]
    table = pd.DataFrame([{COMPARE_COLUMNS[c]: "" if r.get(c) is None else r.get(c) for c in cols} for r in rows],
                         dtype=object)
    chart_rows = []
    for r in rows:
        label = " · ".join(str(r[k]) for k in ("region", "plan") if r.get(k)) or str(r.get("doc_id", ""))
        for key, zh in (("base_value", "基期值"), ("target_value", "目标值")):
            v = r.get(key)
            if isinstance(v, int | float) and not isinstance(v, bool):
                chart_rows.append({"项": f"{label} {zh}", "规划": label, "数值": float(v), "类型": zh})
    return table, pd.DataFrame(chart_rows, columns=chart_cols)


def brief_html(brief: dict) -> str:
    """A brief (qa.brief's JSON) as escaped HTML: summary, indicator table, industries, projects."""
    e = html.escape
    parts = ['<div class="qa-brief">']
    title = brief.get("title") or brief.get("doc_id") or ""
    where = " · ".join(str(brief[k]) for k in ("province", "region", "plan") if brief.get(k))
    parts.append(f"<h3>{e(str(title))}</h3><p>{e(where)}</p>")
    if brief.get("summary"):
        parts.append(f"<p>{e(brief['summary'])} {_cites(brief.get('summary_citations') or [])}</p>")
    inds = brief.get("indicators") or []
    parts.append(f"<h4>主要指标（{len(inds)}）</h4>")
    if inds:
        parts.append('<table class="qa-indicators"><thead><tr><th>指标</th><th>类别</th><th>基期值</th>'
                     "<th>目标值</th><th>年均增长</th><th>单位</th><th>属性</th><th>引用</th></tr></thead><tbody>")
        for ind in inds:
            base = _num(ind.get("base_value"), ind.get("base_year"))
            tgt = _num(ind.get("target_value"), ind.get("target_year")) or (ind.get("target_text") or "")
            growth = _num(ind.get("growth"), None) or (ind.get("growth_text") or "")
            q = " ".join(x for x in (ind.get("qualifier"), ind.get("growth_qualifier")) if x)
            cites = [c for c in (ind.get("citation"), ind.get("base_citation")) if c]
            parts.append(f"<tr><td>{e(str(ind.get('name') or ''))}</td><td>{e(str(ind.get('category') or ''))}</td>"
                         f"<td>{e(base)}</td><td>{e(str(tgt))} {e(q)}</td><td>{e(str(growth))}</td>"
                         f"<td>{e(str(ind.get('unit') or ''))}</td><td>{e(str(ind.get('binding') or ''))}</td>"
                         f"<td>{_cites(cites)}</td></tr>")
        parts.append("</tbody></table>")
    else:
        parts.append("<p>（没有抽取到指标）</p>")
    for key, zh in (("industries", "产业"), ("projects", "重点项目"), ("strategies", "战略")):
        items = brief.get(key) or []
        if key == "strategies" and not items:
            continue
        parts.append(f"<h4>{zh}（{len(items)}）</h4>")
        if not items:
            parts.append("<p>（无）</p>")
            continue
        parts.append(f'<ul class="qa-{key}">')
        for it in items:
            parts.append(f"<li><b>{e(str(it.get('name') or ''))}</b> {_cites([it['citation']] if it.get('citation') else [])}</li>")
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)


def _num(v: Any, year: Any) -> str:
    if not isinstance(v, int | float) or isinstance(v, bool):
        return ""
    return f"{v:g}" + (f"（{year}）" if year else "")


def _cites(cites: list) -> str:
    out = []
    for c in cites:
        if isinstance(c, dict) and c.get("quote"):
            out.append(f'<span class="qa-cite" title="{html.escape(str(c.get("section") or ""))}">「<mark>'
                       f"{html.escape(str(c['quote']).strip()[:160])}</mark>」</span>")
    return "<br>".join(out)


def warning_markdown(reason: str) -> str:
    """The chat message for a question that got no answer: why (the reason ``qa.answer.question_problem``
    gives, the line `qa ask` prints as its error; or the store's one-line fault)."""
    return f"⚠ {_md(reason)}"
