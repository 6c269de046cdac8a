"""The table half of the one reader: tab-separated indicator tables (主要指标表) as typed figures.

Plans print their headline targets as a table: ``类别 | 指标 | 2020年 | 2025年 | 年均增长 | 属性``.
The header row decides what each column means; a category cell spans the rows below it while they
leave it blank; ``5 以上`` is 5 with the qualifier 以上; ``[150]`` is cumulative when a note under
the table says so (``注：带 [ ] 为累计数据``); cells such as ``与同期 GDP 增速 基本同步`` stay text; the
unit comes from the indicator name's parentheses (``(%)``) or a unit column; a row without an
indicator name (``城镇`` / ``农村``) belongs to the row above it. Every value becomes a ``Figure``
whose span is its row, grouped with the other figures of the same indicator row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.figures import vocab as V
from qa.figures.indicators import RATE_NAMES
from qa.figures.prose import Figure

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")
_NUMBERED = re.compile(r"^\s*(\d{1,3})\s*[.、．]\s*")
_UNIT_PAREN = re.compile(r"[(（]\s*([^()（）]{1,12}?)\s*[)）]\s*$")
_COUNT_PAREN = re.compile(r"\s*[(（]\s*\d+\s*[个项]\s*[)）]\s*$")
_VALUE = re.compile(  # a whole cell (spaces removed, minus signs made ASCII): ≤5, [150], 5以上, 1.5%
    rf"^(?P<pre>{V.BOUND_PRE})?(?P<open>[\[［【])?(?P<num>\+?{V.NUMBER})(?P<close>[\]］】])?(?P<pct>%|‰)?"
    rf"(?P<post>{V.BOUND_POST})?$"
)
NOTE = re.compile(r"^\s*注\s*[:：]")


@dataclass
class Cell:
    """One value cell: a number (with qualifier, cumulative brackets) or text."""

    raw: str
    value: float | None = None
    text: str | None = None
    qualifier: str | None = None
    bracketed: bool = False
    percent: bool = False


@dataclass
class Row:
    category: str | None
    number: int | None
    name: str
    unit: str | None
    base: Cell | None
    target: Cell | None
    growth: Cell | None
    binding: str | None
    sub: str
    start: int
    end: int
    subrows: list[Row] = field(default_factory=list)


def column_roles(header: list[str]) -> tuple[list[str], int | None, int | None]:
    """What each header cell means, and the base/target years the year columns carry."""
    roles: list[str] = []
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
    if "name" in roles:  # a blank header cell before the name column is not a sub-row label column
        first_name = roles.index("name")
        for i in range(first_name):
            if roles[i] == "sub":
                roles[i] = "other"
    return roles, base_year, target_year


def parse_cell(raw: str) -> Cell | None:
    s = re.sub(r"\s+", "", raw).replace("−", "-").replace("－", "-")
    if s in V.TABLE_EMPTY:
        return None
    m = _VALUE.match(s)
    if not m:
        return Cell(raw=raw, text=s)
    return Cell(raw=raw, value=float(m.group("num").replace(",", "")), qualifier=m.group("post") or m.group("pre"),
                bracketed=bool(m.group("open") and m.group("close")), percent=bool(m.group("pct")))


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
    return re.sub(r"\s+", "", _COUNT_PAREN.sub("", cell.strip())) or None


def parse_rows(lines: list[tuple[int, int, str]], roles: list[str]) -> list[Row]:
    """Indicator rows (sub-rows folded in) of a table's body lines ``(start, end, text)``."""
    rows: list[Row] = []
    category: str | None = None
    for start, end, text in lines:
        if NOTE.match(text):
            continue
        cells = text.split("\t")
        cells += [""] * (len(roles) - len(cells))
        by_role: dict[str, list[str]] = {}
        for role, c in zip(roles, cells, strict=False):
            by_role.setdefault(role, []).append(c)
        cat_cell = (by_role.get("category") or [""])[0]
        if cat_cell.strip():
            category = _category(cat_cell)
        name_cell = (by_role.get("name") or [""])[0]
        sub = re.sub(r"\s+", "", " ".join(by_role.get("sub", [])))
        number, name, unit = split_name(name_cell) if name_cell.strip() else (None, "", None)
        if not name and not sub:  # a nameless row without a sub-label column: its first text cell (城镇, 农村)
            texts = [re.sub(r"\s+", "", c) for c in cells if c.strip()]
            sub = next((t for t in texts if t not in V.TABLE_BINDINGS and (pc := parse_cell(t)) and pc.text), "")
        unit_cells = [c for c in by_role.get("unit", []) if c.strip()]
        if unit_cells and not unit:
            unit = re.sub(r"\s+", "", unit_cells[0])
        bind = re.sub(r"\s+", "", (by_role.get("binding") or [""])[0])
        row = Row(category, number, name, unit, parse_cell((by_role.get("base") or [""])[0]),
                  parse_cell((by_role.get("target") or [""])[0]), parse_cell((by_role.get("growth") or [""])[0]),
                  bind if bind in V.TABLE_BINDINGS else None, sub, start, end)
        if not name and rows:
            rows[-1].subrows.append(row)
            continue
        if name:
            rows.append(row)
    return rows


def table_figures(text: str, period: tuple[int, int] | None, section: str) -> list[Figure]:
    """Every figure of a table passage (its first line is the header row)."""
    lines: list[tuple[int, int, str]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line), line))
        pos += len(line) + 1
    if not lines:
        return []
    roles, base_year, target_year = column_roles(lines[0][2].split("\t"))
    note = " ".join(t for _, _, t in lines if NOTE.match(t))
    cumulative_note = bool(V.TABLE_CUMULATIVE_NOTE.search(note)) or bool("累计" in note and re.search(r"[\[［【]", note))
    if "name" not in roles:
        return []
    out: list[Figure] = []
    for row in parse_rows(lines[1:], roles):
        group_end = row.subrows[-1].end if row.subrows else row.end
        for r in [row, *row.subrows]:
            out.extend(_row_figures(r, row, text, period, base_year, target_year, cumulative_note, section,
                                    (row.start, group_end)))
    return out


def _row_figures(r: Row, parent: Row, text: str, period: tuple[int, int] | None, base_year: int | None,
                 target_year: int | None, cumulative_note: bool, section: str, group: tuple[int, int]) -> list[Figure]:
    name = parent.name + (f"（{r.sub}）" if r.sub else "")
    unit = parent.unit if r is parent else (r.unit or parent.unit)
    row_text = text[r.start : r.end]
    figs: list[Figure] = []
    for role, cell in (("base", r.base), ("target", r.target), ("growth", r.growth)):
        if cell is None:
            continue
        # 地区生产总值增长率 (%): every year column of a growth-rate row is a growth rate, not a share
        growth = role == "growth" or bool(V.GROWTH_SUFFIX.search(parent.name) and not parent.name.endswith(RATE_NAMES)
                                          and (unit or "%") in V.RATE_UNITS)
        trace_growth = ["table.growth_name"] if growth and role != "growth" else []
        year = base_year if role == "base" else target_year
        if year is None and period and role != "base":
            year = period[1]
        kind = "baseline" if role == "base" else "target"
        if year is not None and period and role != "growth":
            kind = "target" if year >= period[0] else "baseline"
        trace = [f"table.{role}_column", *trace_growth]
        bracketed = cell.bracketed and cumulative_note
        if bracketed:
            trace.append(V.TABLE_CUMULATIVE_NOTE.name)
        if cell.qualifier:
            trace.append(f"qualifier.{cell.qualifier}")
        f = Figure(
            value=cell.value, raw=_raw(cell), unit=("%" if growth and cell.value is not None else unit),
            qualifier=cell.qualifier, label=name + (f"（{unit}）" if unit else ""), year=year, kind=kind, growth=growth, start=r.start, end=r.end,
            sentence=row_text, cumulative=bracketed, pos=0, length=len(row_text), lead=section.split(" > ")[-1],
            yearly=growth and not V.DECLINE.search(parent.name), trace=trace, category=parent.category, binding=r.binding or parent.binding,
            breakdown=[r.sub] if r.sub else [], text_value=cell.text, source="table", group=group, table_unit=unit,
            subrows=[x.sub for x in [parent, *parent.subrows] if x.sub] if r is parent else [],
        )
        figs.append(f)
    return figs


def _raw(cell: Cell) -> str:
    if cell.value is None:
        return cell.text or ""
    from qa.text.numbers import canonical

    return canonical(format(cell.value, "f"))
