"""Every stored statement as a dataset: one row per statement, in CSV, Parquet or SQLite.

The pure part (``select_docs``, ``rows``, ``dataframe``) is what `qa export`, the page and the API
share; ``write`` puts rows in a file atomically (a temporary file beside it, then one rename), so a
reader never opens half a dataset. CSV and SQLite need only the standard library; Parquet needs
pandas and pyarrow (``pip install 'planqa[export]'``).

A row is one figure as the plan states it (``qa.models.Statement``) with its document's facts:
``quote == canonical_text[start:end]`` (``Store.canonical_text``), the span a citation points at.
Nothing is deduplicated: a figure printed twice is two rows.
"""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qa.models import Document, Statement

FORMATS = ("csv", "parquet", "sqlite")
TABLE = "statements"
EXTRA = "planqa[export]"

# (column, type): "str", "float", "int" (nullable) or "bool"; the order is the dataset's
COLUMNS: list[tuple[str, str]] = [
    ("doc", "str"), ("region", "str"), ("province", "str"), ("plan", "str"), ("period", "str"),
    ("section", "str"), ("indicator", "str"), ("indicator_canonical", "str"), ("name", "str"),
    ("value", "float"), ("value_max", "float"), ("parts", "str"), ("unit", "str"), ("qualifier", "str"),
    ("role", "str"), ("kind", "str"), ("year", "int"), ("base_value", "float"), ("base_year", "int"),
    ("cumulative", "bool"), ("quote", "str"), ("start", "int"), ("end", "int"), ("page", "int"),
    ("chunk_id", "str"), ("statement_id", "str"), ("source", "str"),
]
NAMES = [c for c, _ in COLUMNS]
SQL_TYPES = {"str": "TEXT", "float": "REAL", "int": "INTEGER", "bool": "INTEGER"}


class ExportError(Exception):
    """A filter or an output the user can fix (``usage``: the CLI exits 2), or a missing library."""

    def __init__(self, message: str, usage: bool = False):
        super().__init__(message)
        self.usage = usage


@dataclass
class Filters:
    """What to keep; None keeps everything. ``indicator`` matches the canonical indicator a name
    resolves to (GDP → 地区生产总值), else the statement's name or label as printed."""

    doc: str | None = None
    region: str | None = None
    plan: str | None = None
    indicator: str | None = None
    kind: str | None = None
    year: int | None = None

    def describe(self) -> str:
        shown = [f"--{k} {v}" for k, v in vars(self).items() if v is not None]
        return " ".join(shown) or "no filters"


# ---------------------------------------------------------------- choosing documents and statements

def _choices(values: Iterable[str | None]) -> str:
    return ", ".join(sorted({v for v in values if v})) or "(none)"


def match_doc(name: str, docs: dict[str, Document]) -> str:
    """The id of the document ``name`` means: its id, file name or stem, or a prefix of one id."""
    n = name.strip()
    if n in docs:
        return n
    for d in docs.values():
        if n in (Path(d.path).name, Path(d.path).stem):
            return d.id
    found = [d for d in docs if d.startswith(n)] if n else []
    if len(found) == 1:
        return found[0]
    what = f"is ambiguous ({', '.join(sorted(found))})" if found else "is not in the store"
    raise ExportError(f"--doc {name!r} {what}; choose from: {_choices(docs)}", usage=True)


def select_docs(docs: dict[str, Document], f: Filters) -> set[str]:
    """The documents the filters keep; an unknown --doc/--region/--plan is an ExportError naming the choices."""
    from qa.text.places import region_aliases

    keep = set(docs)
    if f.doc is not None:
        keep = {match_doc(f.doc, docs)}
    if f.region is not None:
        r = {d.id for d in docs.values() if f.region == d.region or f.region in region_aliases(d.region)}
        if not r:
            raise ExportError(f"--region {f.region!r} is not a region of the store; choose from: "
                              f"{_choices(d.region for d in docs.values())}", usage=True)
        keep &= r
    if f.plan is not None:
        p = {d.id for d in docs.values() if d.plan == f.plan}
        if not p:
            raise ExportError(f"--plan {f.plan!r} is not a plan of the store; choose from: "
                              f"{_choices(d.plan for d in docs.values())}", usage=True)
        keep &= p
    return keep


def indicator_matcher(name: str) -> Any:
    """A predicate on statements: the canonical indicator ``name`` resolves to, else the name as printed."""
    from qa.figures.reader import canonical_name
    from qa.models import Indicator

    canon = canonical_name(name)
    want = Indicator.norm(name).lower()
    if canon is not None:
        return lambda st: st.indicator == canon
    return lambda st: want in (Indicator.norm(st.name).lower(), Indicator.norm(st.label).lower())


def keep_statement(st: Statement, f: Filters, indicator: Any = None) -> bool:
    if f.kind is not None and st.kind != f.kind:
        return False
    if f.year is not None and st.year != f.year:
        return False
    return indicator is None or bool(indicator(st))


# ---------------------------------------------------------------- rows

def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def period(doc: Document | None) -> str | None:
    if doc is None or not (doc.period_start and doc.period_end):
        return None
    return f"{doc.period_start}-{doc.period_end}"


def row(st: Statement, doc: Document | None) -> dict[str, Any]:
    """One statement as a dataset row (``NAMES`` in order)."""
    return {
        "doc": st.doc_id, "region": doc.region if doc else None, "province": doc.province if doc else None,
        "plan": doc.plan if doc else None, "period": period(doc), "section": st.section, "indicator": st.label,
        "indicator_canonical": st.indicator, "name": st.name, "value": st.value, "value_max": st.value_max,
        "parts": ":".join(_num(p) for p in st.parts), "unit": st.unit, "qualifier": st.qualifier,
        "role": st.role, "kind": st.kind, "year": st.year, "base_value": st.base_value, "base_year": st.base_year,
        "cumulative": st.cumulative, "quote": st.quote, "start": st.start, "end": st.end, "page": st.page,
        "chunk_id": st.chunk_id, "statement_id": st.id, "source": st.source,
    }


def rows(statements: Iterable[Statement], docs: dict[str, Document], f: Filters | None = None) -> list[dict[str, Any]]:
    """The rows of the statements the filters keep (document filters are ``select_docs``'s)."""
    f = f or Filters()
    keep = select_docs(docs, f)
    indicator = indicator_matcher(f.indicator) if f.indicator else None
    return [row(st, docs.get(st.doc_id)) for st in statements
            if st.doc_id in keep and keep_statement(st, f, indicator)]


def store_rows(store: Any, f: Filters | None = None) -> tuple[list[dict[str, Any]], Any]:
    """(rows, manifest) of the live store (``qa.store.chroma.Store``), documents filtered before reading."""
    f = f or Filters()
    manifest = store.manifest()
    keep = select_docs(manifest.docs, f)
    statements, _ = store.live_statements(manifest, keep)
    return rows(statements, manifest.docs, f), manifest


def dataframe(data: Sequence[dict[str, Any]]) -> Any:
    """The rows as a pandas DataFrame: text in pandas' default string dtype, floats as float64 (NaN when
    missing), years, offsets and pages as nullable Int64 (a year is never 2025.0), ``cumulative`` as bool."""
    pd = _pandas()
    frame = pd.DataFrame(list(data), columns=NAMES)
    dtypes = {"float": "float64", "int": "Int64", "bool": "bool"}
    return frame.astype({c: dtypes[t] for c, t in COLUMNS if t in dtypes})


def arrow_schema() -> Any:
    """The Parquet columns, typed even when no row is written."""
    import pyarrow as pa

    types = {"str": pa.string(), "float": pa.float64(), "int": pa.int64(), "bool": pa.bool_()}
    return pa.schema([(c, types[t]) for c, t in COLUMNS])


# ---------------------------------------------------------------- files

def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError:
        raise ExportError(f"this format needs pandas: pip install '{EXTRA}'") from None
    return pd


def _atomic(out: Path, write: Any) -> None:
    """``write(tmp_path)``, then the temporary file replaces ``out`` in one rename."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}-journal").unlink(missing_ok=True)
        raise


def _write_csv(data: Sequence[dict[str, Any]], path: Path) -> None:
    def cell(v: Any) -> Any:
        return "" if v is None else int(v) if isinstance(v, bool) else v

    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(NAMES)
        for r in data:
            w.writerow([cell(r[c]) for c in NAMES])


def _write_sqlite(data: Sequence[dict[str, Any]], path: Path) -> None:
    con = sqlite3.connect(path)  # the empty file mkstemp made is an empty database to SQLite
    try:
        cols = ", ".join(f'"{c}" {SQL_TYPES[t]}' for c, t in COLUMNS)
        con.execute(f"CREATE TABLE {TABLE} ({cols})")
        marks = ", ".join("?" for _ in NAMES)
        con.executemany(f"INSERT INTO {TABLE} VALUES ({marks})",
                        ([int(r[c]) if isinstance(r[c], bool) else r[c] for c in NAMES] for r in data))
        con.execute(f"CREATE INDEX {TABLE}_doc ON {TABLE} (doc)")
        con.execute(f"CREATE INDEX {TABLE}_indicator ON {TABLE} (indicator_canonical)")
        con.commit()
    finally:
        con.close()


def _write_parquet(data: Sequence[dict[str, Any]], path: Path) -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ExportError(f"--format parquet needs pyarrow: pip install '{EXTRA}'") from None
    dataframe(data).to_parquet(path, engine="pyarrow", index=False, schema=arrow_schema())


def check_format(fmt: str) -> None:
    """A format that cannot be written here is an ExportError before any store read."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (choose from: {', '.join(FORMATS)})", usage=True)
    if fmt == "parquet":
        try:
            import pandas  # noqa: F401
            import pyarrow  # noqa: F401
        except ImportError:
            raise ExportError(f"--format parquet needs pandas and pyarrow: pip install '{EXTRA}'") from None


def write(data: Sequence[dict[str, Any]], fmt: str, out: Path) -> Path:
    """The rows in ``out`` as ``fmt`` (csv | parquet | sqlite), written atomically; an empty list writes
    the header (the columns, typed) only."""
    check_format(fmt)
    writer = {"csv": _write_csv, "parquet": _write_parquet, "sqlite": _write_sqlite}[fmt]
    out = Path(out)
    if out.is_dir():
        raise ExportError(f"--out {out} is a folder; name the file to write", usage=True)
    target = out.resolve() if out.is_symlink() else out  # a link stays a link: its target is written
    kind = _special(target)
    if kind in ("block device", "socket"):
        raise ExportError(f"--out {out} is a {kind}; name a file, a pipe or /dev/stdout", usage=True)
    if kind:  # /dev/null, /dev/stdout, a FIFO: written through, never replaced by a regular file
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d) / f"export.{fmt}"
            writer(data, tmp)
            with tmp.open("rb") as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
        return out
    _atomic(target, lambda tmp: writer(data, tmp))
    return out


def _special(path: Path) -> str | None:
    """What ``path`` is when it exists and is not a regular file (a device, a FIFO, a socket)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    return ("block device" if stat.S_ISBLK(mode) else "socket" if stat.S_ISSOCK(mode)
            else "pipe" if stat.S_ISFIFO(mode) else "character device" if stat.S_ISCHR(mode) else "special file")
