"""A brief as Markdown: the header, 摘要, the indicator table and the item lists, every value footnoted with its quote."""

from __future__ import annotations

import re

from qa.models import Brief, Citation
from qa.text.numbers import canonical


def _fmt(v: float | None) -> str:
    return "" if v is None else canonical(format(v, "f"))


def _cell(s: object) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ").strip()


def _one_line_quote(q: str) -> str:
    return re.sub(r"\s+", " ", q).strip()


def _with_qualifier(value: str, qualifier: str | None) -> str:
    if not qualifier:
        return value
    if qualifier in ("以上", "以下", "左右", "以内", "及以上"):
        return f"{value} {qualifier}"
    return f"{qualifier} {value}"


def render_markdown(brief: Brief) -> str:
    notes: list[Citation] = []

    def ref(c: Citation) -> str:
        notes.append(c)
        return f"[^{len(notes)}]"

    period = f"{brief.period_start}–{brief.period_end}" if brief.period_start else ""
    lines = [f"# {brief.title or brief.doc_id}", ""]
    region = brief.region or "（未识别）"
    if brief.province:
        region += f"（{brief.province}）"
    lines += [f"- 地区：{region}", f"- 规划：{brief.plan or '（未识别）'} {period}".rstrip(),
              f"- 文件：`{brief.doc_id}` · 引擎：{brief.engine}", ""]
    lines += ["## 摘要", ""]
    if brief.summary:
        lines += [brief.summary + "".join(ref(c) for c in brief.summary_citations), ""]
    else:
        lines += ["（文档未提供可引用的总体表述）", ""]
    lines += ["## 主要指标", ""]
    if brief.indicators:
        lines += ["| # | 类别 | 指标 | 基期 | 目标 | 年均增长 | 单位 | 属性 | 来源 |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for n, i in enumerate(brief.indicators, 1):
            base = f"{_fmt(i.base_value)}（{i.base_year}）" if i.base_value is not None and i.base_year else _fmt(i.base_value)
            if i.target_value is not None:
                target = _with_qualifier(_fmt(i.target_value), i.qualifier)
                target += f"（{i.target_year}）" if i.target_year else ""
            else:
                target = i.target_text or ""
            growth = (_with_qualifier(f"{_fmt(i.growth)}%", i.growth_qualifier)
                      if i.growth is not None else (i.growth_text or ""))
            name = i.name + (f"（{'、'.join(i.breakdown)}）" if i.breakdown else "")
            src = ref(i.citation) + (ref(i.base_citation) if i.base_citation else "")
            lines.append("| " + " | ".join(_cell(x) for x in (n, i.category or "", name, base, target, growth,
                                                               i.unit or "", i.binding or "", src)) + " |")
        lines.append("")
    else:
        lines += ["（未找到可引用的指标）", ""]
    for title, items in (("产业", brief.industries), ("重点项目", brief.projects), ("发展战略", brief.strategies)):
        lines += [f"## {title}", ""]
        lines += [f"- {it.name}{ref(it.citation)}" for it in items] or ["（未找到）"]
        lines.append("")
    if notes:
        lines += ["## 引文", ""]
        for n, c in enumerate(notes, 1):
            where = f"{c.section} " if c.section else ""
            lines.append(f"[^{n}]: {where}[{c.start}:{c.end}] 「{_one_line_quote(c.quote)}」")
        lines.append("")
    return "\n".join(lines)
