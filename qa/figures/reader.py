"""The one reader: every figure of a document as a stored ``Statement``, read once per version at ingest.

Sections come from the same outline the chunker uses (``qa.text.chunk.blocks``); prose blocks are
read sentence by sentence (``qa.figures.prose``), table blocks row by row (``qa.figures.table``).
Spans are mapped from cleaned text back to the canonical text through the offset map, so a
statement's ``quote`` is exactly ``canonical[start:end]`` and each statement names the chunks that
hold it. Answers, briefs, comparisons and the export all select from these statements.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from qa.figures import vocab as V
from qa.figures.indicators import alias_canon
from qa.figures.prose import Figure, passage_figures, subject
from qa.figures.table import table_figures
from qa.models import Chunk, Document, Statement
from qa.text.chunk import blocks
from qa.text.clean import Cleaned

READER_VERSION = "r11"  # statements are keyed by it: bump it and `qa ingest` re-reads every document's statements


def indicator_name(label: str) -> str:
    """The indicator a label names: 到2010年全区地区生产总值计划实现 → 地区生产总值."""
    s = re.sub(r"[（(][^（）()]*[)）]$", "", subject(label))
    for _ in range(8):
        before = s
        s = V.NAME_LEAD.sub("", s)
        s = V.NAME_TRAIL.sub("", s)
        s = V.NAME_FROM.sub("", s)
        s = re.sub(r"[（(][^（）()]*[)）]$", "", s).strip(" 　\t、，,：:；;")
        if s == before:
            break
    return s


_NOT_A_NAME = {"城镇", "农村", "城市", "城乡", "总数", "总量", "合计", "总计", "全年", "人均", "年均", "比重", "其中", "规模"}


def _names_something(name: str) -> bool:
    """Enough words of its own to name an indicator (not 其中, 城镇, 占…)."""
    return len(re.findall(r"[\u4e00-\u9fff]", name)) >= 2 and name not in _NOT_A_NAME and not re.match(r"^[占比较与和及或同由等]", name)


def canonical_name(name: str) -> str | None:
    """The canonical indicator a printed name IS (a growth suffix ignored), never one it merely contains:
    人均地区生产总值 and 工业增加值占GDP比重 do not resolve to the indicator inside them."""
    for cand in (name, V.GROWTH_SUFFIX.sub("", name)):
        canon = alias_canon(cand)
        if canon:
            return canon
    return None


def read_statements(doc: Document, version: str, cleaned: Cleaned, canonical: str, chunks: Sequence[Chunk],
                    page_of: Callable[[int], int | None] | None = None, ocr_at: Callable[[int], bool] | None = None
                    ) -> list[Statement]:
    """Every statement of one document version, in reading order, with ids ``doc@version:sNNNNN``."""
    period = (doc.period_start, doc.period_end) if doc.period_start and doc.period_end else None
    spans = sorted(((c.start, c.end, c.id) for c in chunks), key=lambda x: x[0])
    out: list[Statement] = []
    for block in blocks(cleaned):
        cs, ce = block.units[0].start, block.units[-1].end
        text = cleaned.text[cs:ce]
        figs = table_figures(text, period, block.section) if block.kind == "table" else \
            passage_figures(text, period, block.section)
        for f in figs:
            st = _statement(f, doc, f"{doc.id}@{version}:s{len(out):05d}", cs, cleaned, canonical, block.section,
                            spans)
            if st is None:
                continue
            if page_of is not None:
                st.page = page_of(st.start)
            if ocr_at is not None:
                st.ocr = ocr_at(st.start)
            out.append(st)
    return out


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    """Without surrounding blanks; a table row keeps its tabs (its empty leading cells are part of it)."""
    while s < e and text[s].isspace() and text[s] != "\t":
        s += 1
    while e > s and text[e - 1].isspace() and text[e - 1] != "\t":
        e -= 1
    return s, e


def _statement(f: Figure, doc: Document, sid: str, base: int, cleaned: Cleaned, canonical: str, section: str,
               spans: list[tuple[int, int, str]]) -> Statement | None:
    s, e = _trim(cleaned.text, base + f.start, base + f.end)
    if e <= s:
        return None
    os_, oe = cleaned.orig_span(s, e)
    vs, ve = cleaned.orig_span(base + f.start + f.pos, base + f.start + f.pos + max(1, f.length))
    holders = [cid for a, b, cid in spans if a <= os_ and oe <= b]
    if not holders:  # a span across chunk boundaries: the chunk that holds most of it
        best = max(spans, key=lambda x: min(x[1], oe) - max(x[0], os_), default=None)
        holders = [best[2]] if best and min(best[1], oe) > max(best[0], os_) else []
    if f.source == "table":  # the row's name (with its sub-row), without the unit the label carries
        name = f.label[: -len(f"（{f.table_unit}）")] if f.table_unit and f.label.endswith(f"（{f.table_unit}）") \
            else f.label
    else:  # the figure's own words name it when they can; else the words it inherited
        own = indicator_name(f.own_label) if f.own_label and V.RESPECTIVELY.name not in f.trace else ""
        name = own if _names_something(own) else indicator_name(f.label)  # 分别: the item it was paired with
    group = None
    if f.group:  # the row with its sub-rows, as a canonical span: doc:start-end
        gs, ge = cleaned.orig_span(*_trim(cleaned.text, base + f.group[0], base + f.group[1]))
        group = f"{doc.id}:{gs}-{ge}"
    trace = list(dict.fromkeys(f.trace))
    return Statement(
        id=sid, doc_id=doc.id, chunk_id=holders[0] if holders else None, chunk_ids=holders, label=f.label,
        indicator=canonical_name(re.sub(r"（[^（）]*）$", "", name) if f.breakdown else name) if name else None,
        name=name,
        value=f.value, parts=f.parts, raw=f.raw, text_value=f.text_value, unit=f.unit, qualifier=f.qualifier,
        role=f.role, yearly=f.yearly, year=f.year, kind=f.kind, cumulative=f.cumulative,  # type: ignore[arg-type]
        base_value=f.base_value, base_unit=f.base_unit, base_year=f.base_year, section=section,
        context=f.context, start=os_, end=oe, quote=canonical[os_:oe], value_start=vs, value_end=ve,
        source=f.source, group=group, category=f.category, binding=f.binding, breakdown=f.breakdown,  # type: ignore[arg-type]
        subrows=f.subrows,
        trace=trace,
    )
