"""Tab-separated indicator tables (主要指标表) parsed into typed, cited rows.

Plans print their headline targets as a table: ``类别 | 指标 | 2020年 | 2025年 | 年均增长 | 属性``.
The header row decides what each column means; a category cell spans the rows below it
while they leave it blank; ``5 以上`` is 5 with the qualifier 以上; ``[150]`` is a cumulative
figure when a note under the table says so (``注：带 [ ] 为累计数据``); cells such as
``与同期 GDP 增速 基本同步`` stay text; the unit comes from the indicator name's parentheses
(``(%)``, ``(万公顷)``); a row without an indicator name (``城镇`` / ``农村`` under indicator 9)
belongs to the row above it. Rows are read from the cleaned text and cited by their span in
the ORIGINAL file (through ``Cleaned.omap``), so ``quote == original[start:end]``.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from qa.clean import Cleaned
from qa.extract import BOUND_POST, BOUND_PRE, NUMBER
from qa.models import Citation, Indicator

Role = Literal["category", "name", "sub", "unit", "base", "target", "growth", "binding", "other"]

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")
_NUMBERED = re.compile(r"^\s*(\d{1,3})\s*[.、．]\s*")
_UNIT_PAREN = re.compile(r"[(（]\s*([^()（）]{1,12}?)\s*[)）]\s*$")
_COUNT_PAREN = re.compile(r"\s*[(（]\s*\d+\s*[个项]\s*[)）]\s*$")
_VALUE = re.compile(  # a whole cell (spaces removed, minus signs made ASCII): ≤5, [150], 5以上, 1.5%
    rf"^(?P<pre>{BOUND_PRE})?(?P<open>[\[［【])?(?P<num>\+?{NUMBER})(?P<close>[\]］】])?(?P<pct>%|‰)?(?P<post>{BOUND_POST})?$"
)
_EMPTY = {"", "-", "—", "/", "--", "——", "－"}
BINDINGS = ("预期性", "约束性")


class Cell(BaseModel):
    """One value cell: a number (with qualifier, cumulative brackets) or text."""

    raw: str
    value: float | None = None
    text: str | None = None
    qualifier: str | None = None
    bracketed: bool = False
    percent: bool = False


class TableRow(BaseModel):
    """One indicator row of a table, with its sub-rows folded in."""

    category: str | None = None
    number: int | None = None
    name: str
    unit: str | None = None
    base: Cell | None = None
    target: Cell | None = None
    growth: Cell | None = None
    binding: Literal["预期性", "约束性"] | None = None
    breakdown: list[str] = Field(default_factory=list)
    subrows: list[TableRow] = Field(default_factory=list)
    cells: list[str] = Field(default_factory=list)
    citation: Citation


class Table(BaseModel):
    section: str = ""
    header: list[str]
    roles: list[Role]
    base_year: int | None = None
    target_year: int | None = None
    cumulative_brackets: bool = False
    note: str | None = None
    rows: list[TableRow] = Field(default_factory=list)
    citation: Citation

    @property
    def is_indicator_table(self) -> bool:
        return "name" in self.roles and any(r in self.roles for r in ("base", "target", "growth"))


def column_roles(header: list[str]) -> tuple[list[Role], int | None, int | None]:
    """What each header cell means, and the base/target years the year columns carry."""
    roles: list[Role] = []
    years: list[tuple[int, int, str]] = []  # (column, year, header text)
    for i, raw in enumerate(header):
        h = re.sub(r"\s+", "", raw)
        if not h:
            roles.append("sub")
        elif re.search(r"属性|性质", h):
            roles.append("binding")
        elif re.search(r"类别|领域|分类|方面|类型", h):
            roles.append("category")
        elif "指标" in h or h in ("名称", "项目"):
            roles.append("name")
        elif h == "单位" or h.startswith("计量单位"):
            roles.append("unit")
        elif re.search(r"年均|增长|增速|增幅", h) and not _YEAR.search(h):
            roles.append("growth")
        elif m := _YEAR.search(h):
            years.append((i, int(m.group(1)), h))
            roles.append("other")
        else:
            roles.append("other")
    base_year = target_year = None
    if years:
        explicit_target = [y for y in years if re.search(r"目标|规划|预期", y[2])]
        explicit_base = [y for y in years if re.search(r"基期|基数|现状|实际|完成", y[2])]
        tgt = explicit_target[-1] if explicit_target else years[-1]
        roles[tgt[0]] = "target"
        target_year = tgt[1]
        rest = [y for y in years if y is not tgt]
        if explicit_base or rest:
            b = explicit_base[0] if explicit_base else rest[0]
            if b is not tgt:
                roles[b[0]] = "base"
                base_year = b[1]
        if len(years) == 1 and not explicit_target and re.search(r"基期|现状|实际", years[0][2]):
            roles[years[0][0]], base_year, target_year = "base", years[0][1], None
    # a blank header cell before the name column is not a sub-row label column
    if "name" in roles:
        first_name = roles.index("name")
        for i in range(first_name):
            if roles[i] == "sub":
                roles[i] = "other"
    return roles, base_year, target_year


def parse_cell(raw: str) -> Cell | None:
    s = re.sub(r"\s+", "", raw).replace("−", "-").replace("－", "-")
    if s in _EMPTY:
        return None
    m = _VALUE.match(s)
    if not m:
        return Cell(raw=raw, text=s)
    qual = m.group("post") or m.group("pre")
    return Cell(
        raw=raw,
        value=float(m.group("num").replace(",", "")),
        qualifier=qual,
        bracketed=bool(m.group("open") and m.group("close")),
        percent=bool(m.group("pct")),
    )


def split_name(cell: str) -> tuple[int | None, str, str | None]:
    """``'1. 地区生产总值增长率 (%)'`` → (1, '地区生产总值增长率', '%')."""
    s = cell.strip()
    number = None
    m = _NUMBERED.match(s)
    if m:
        number, s = int(m.group(1)), s[m.end() :]
    unit = None
    u = _UNIT_PAREN.search(s)
    if u and u.start() > 0:
        unit, s = re.sub(r"\s+", "", u.group(1)), s[: u.start()]
    return number, re.sub(r"\s+", "", s), unit


def _category(cell: str) -> str | None:
    s = _COUNT_PAREN.sub("", cell.strip())
    s = re.sub(r"\s+", "", s)
    return s or None


def _citation(doc_id: str, section: str, cleaned: Cleaned, original: str, cs: int, ce: int) -> Citation:
    os_, oe = cleaned.orig_span(cs, ce)
    return Citation(doc_id=doc_id, section=section, start=os_, end=oe, quote=original[os_:oe])


def parse_tables(cleaned: Cleaned, original: str, doc_id: str) -> list[Table]:
    """Every tab-separated table of the document, rows typed by the header's columns."""
    from qa.chunk import blocks

    tables: list[Table] = []
    for block in blocks(cleaned):
        if block.kind != "table" or not block.units:
            continue
        header_unit = block.units[0]
        header = header_unit.text.split("\t")
        roles, base_year, target_year = column_roles(header)
        rows_units = [u for u in block.units[1:] if not re.match(r"^\s*注\s*[:：]", u.text)]
        notes = [u.text.strip() for u in block.units[1:] if re.match(r"^\s*注\s*[:：]", u.text)]
        # a note may also follow the table as its own line
        after = cleaned.text[block.units[-1].end : block.units[-1].end + 200].lstrip("\n")
        nm = re.match(r"注\s*[:：][^\n]*", after)
        if nm and nm.group() not in notes:
            notes.append(nm.group())
        note = " ".join(notes) or None
        cumulative = bool(note and "累计" in note and re.search(r"[\[［【]", note))
        table = Table(
            section=block.section, header=[h.strip() for h in header], roles=roles, base_year=base_year,
            target_year=target_year, cumulative_brackets=cumulative, note=note,
            citation=_citation(doc_id, block.section, cleaned, original, header_unit.start, block.units[-1].end),
        )
        category: str | None = None
        for u in rows_units:
            cells = u.text.split("\t")
            cells += [""] * (len(roles) - len(cells))
            by_role: dict[str, list[str]] = {}
            for role, c in zip(roles, cells, strict=False):
                by_role.setdefault(role, []).append(c)
            cat_cell = (by_role.get("category") or [""])[0]
            if cat_cell.strip():
                category = _category(cat_cell)
            name_cell = (by_role.get("name") or [""])[0]
            sub_label = re.sub(r"\s+", "", " ".join(by_role.get("sub", [])))
            number, name, unit = split_name(name_cell) if name_cell.strip() else (None, "", None)
            if not name and not sub_label:
                # a nameless row without a sub-label column: its first text cell is the label (城镇, 农村)
                texts = [re.sub(r"\s+", "", c) for c in cells if c.strip()]
                sub_label = next((t for t in texts if t not in BINDINGS and parse_cell(t) and parse_cell(t).text), "")
            unit_cells = [c for c in by_role.get("unit", []) if c.strip()]
            if unit_cells and not unit:
                unit = re.sub(r"\s+", "", unit_cells[0])
            base = parse_cell((by_role.get("base") or [""])[0])
            target = parse_cell((by_role.get("target") or [""])[0])
            growth = parse_cell((by_role.get("growth") or [""])[0])
            bind_raw = re.sub(r"\s+", "", (by_role.get("binding") or [""])[0])
            binding = bind_raw if bind_raw in BINDINGS else None
            cite = _citation(doc_id, block.section, cleaned, original, u.start, u.end)
            row = TableRow(
                category=category, number=number, name=name, unit=unit, base=base, target=target,
                growth=growth, binding=binding,  # type: ignore[arg-type]
                breakdown=[sub_label] if sub_label else [], cells=[c.strip() for c in cells], citation=cite,
            )
            if not name and table.rows:
                parent = table.rows[-1]
                parent.subrows.append(row)
                if sub_label:
                    parent.breakdown.append(sub_label)
                # the parent's citation now spans its sub-rows
                os_, _ = parent.citation.start, parent.citation.end
                oe = cite.end
                parent.citation = Citation(doc_id=doc_id, section=block.section, start=os_, end=oe,
                                           quote=original[os_:oe])
                continue
            if not name:
                continue
            table.rows.append(row)
        tables.append(table)
    return tables


def _growth_of(row: TableRow) -> tuple[float | None, str | None, str | None]:
    g = row.growth
    if g is None:
        for sub in row.subrows:
            if sub.growth is not None:
                g = sub.growth
                break
    if g is None:
        return None, None, None
    return g.value, g.text, g.qualifier


def row_indicator(row: TableRow, table: Table) -> Indicator:
    """The Indicator a table row states (values as printed; [n] is 累计 when the note says so)."""
    from qa.brief import canonical_name

    target, base = row.target, row.base
    growth, growth_text, growth_qual = _growth_of(row)
    qualifier = None
    if target is not None and target.value is not None:
        qualifier = "累计" if target.bracketed and table.cumulative_brackets else target.qualifier
    elif target is None or target.value is None:
        qualifier = growth_qual
    base_value = base.value if base is not None else None
    return Indicator(
        name=row.name,
        canonical=canonical_name(row.name),
        category=row.category,
        base_year=table.base_year if base_value is not None else None,
        base_value=base_value,
        target_year=table.target_year if target is not None else None,
        target_value=target.value if target is not None else None,
        target_text=target.text if target is not None else None,
        growth=growth,
        growth_text=growth_text,
        unit=row.unit,
        qualifier=qualifier,
        growth_qualifier=growth_qual,
        binding=row.binding or next((s.binding for s in row.subrows if s.binding), None),
        breakdown=row.breakdown,
        source="table",
        citation=row.citation,
    )


def table_indicators(cleaned: Cleaned, original: str, doc_id: str) -> list[Indicator]:
    """Indicators of every indicator table in the document, in printed order."""
    out: list[Indicator] = []
    for table in parse_tables(cleaned, original, doc_id):
        if not table.is_indicator_table:
            continue
        for row in table.rows:
            out.append(row_indicator(row, table))
    return out
