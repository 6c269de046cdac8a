"""`qa export`: the stored statements as CSV, Parquet and SQLite datasets, read back with pandas and sqlite3.

Every test exports from the real ingested seeds (``ready_store``) and compares against what the store
holds: one row per stored statement (nothing deduplicated), each row's quote the canonical text's
[start:end], the filters keeping exactly the statements they name.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.conftest import DOC, SEEDS, run_qa

NAMES = ["doc", "region", "province", "plan", "period", "section", "indicator", "indicator_canonical", "name",
         "value", "value_max", "parts", "unit", "qualifier", "role", "kind", "year", "base_value", "base_year",
         "cumulative", "quote", "start", "end", "page", "chunk_id", "statement_id", "source"]
SHUANGCHENG = DOC["004"]


@pytest.fixture(scope="module")
def stored(ready_store: Any) -> dict[str, Any]:
    """What the store holds: manifest, every live statement, every document's canonical text."""
    from qa.store.chroma import Store

    store = Store(ready_store)
    manifest = store.manifest()
    statements, _ = store.live_statements(manifest)
    texts = {d: store.canonical_text(manifest, d)[0] for d in manifest.docs}
    return {"manifest": manifest, "statements": statements, "texts": texts}


@pytest.fixture
def cli_env(ready_store: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """`qa` in this process against the ready store (its settings come from the environment)."""
    from qa.cli import main

    monkeypatch.setenv("QA_HOME", str(ready_store.home))
    monkeypatch.setenv("QA_DOCS", json.dumps([str(SEEDS)]))
    return main


def read_back(path: Path, fmt: str) -> pd.DataFrame:
    if fmt == "csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    if fmt == "parquet":
        return pd.read_parquet(path)
    with sqlite3.connect(path) as con:
        return pd.read_sql_query("SELECT * FROM statements", con)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "sqlite"])
def test_every_format_round_trips_every_statement(fmt: str, ready_store: Any, stored: dict[str, Any],
                                                  tmp_path: Path) -> None:
    out = tmp_path / f"statements.{fmt}"
    proc = run_qa(["export", "--format", fmt, "--out", str(out)], Path(ready_store.home), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"exported {len(stored['statements'])} statements of 5 documents" in proc.stdout
    df = read_back(out, fmt)
    assert list(df.columns) == NAMES
    # one row per stored statement: as many as the manifest counts, none merged, none dropped
    assert len(df) == len(stored["statements"]) == sum(stored["manifest"].statements.values())
    assert sorted(df["statement_id"]) == sorted(s.id for s in stored["statements"])
    by_id = {s.id: s for s in stored["statements"]}
    docs = stored["manifest"].docs
    for r in df.to_dict("records"):
        start, end = int(r["start"]), int(r["end"])
        assert r["quote"] == stored["texts"][r["doc"]][start:end], r["statement_id"]
        st, doc = by_id[r["statement_id"]], docs[r["doc"]]
        assert r["doc"] == st.doc_id and r["region"] == doc.region and r["plan"] == doc.plan
        assert r["period"] == f"{doc.period_start}-{doc.period_end}"
        assert r["indicator"] == st.label and r["name"] == st.name and r["role"] == st.role
        assert r["source"] == st.source and r["chunk_id"] == st.chunk_id
        if st.value is not None:
            assert float(r["value"]) == st.value
        assert r["parts"] == ":".join(f"{p:g}" for p in st.parts)
    if fmt == "sqlite":
        with sqlite3.connect(out) as con:
            indexes = [row[1] for row in con.execute("PRAGMA index_list(statements)")]
            cols = {name: [c[2] for c in con.execute(f"PRAGMA index_info({name})")] for name in indexes}
        assert sorted(cols.values()) == [["doc"], ["indicator_canonical"]]
    if fmt == "parquet":
        assert str(df["year"].dtype) == "Int64" and str(df["value"].dtype) == "float64"
        assert str(df["cumulative"].dtype) == "bool"
        # the filters a user writes work on the columns as read (no NA-ambiguity errors)
        mine = df[df["doc"].str.startswith("004") & (df["indicator_canonical"] == "地区生产总值") & (df["kind"] == "target")
                  & (df["year"] == 2025)]
        assert len(mine) and set(mine["doc"]) == {SHUANGCHENG}


def test_a_ratio_row_and_a_growth_row(cli_env: Any, tmp_path: Path) -> None:
    """What one row means: 双城区's GDP growth target is a row with value 5, unit %, 以上, the sentence it is in."""
    out = tmp_path / "s.parquet"
    assert cli_env(["export", "--format", "parquet", "--out", str(out)]) == 0
    df = pd.read_parquet(out)
    ratios = df[df["role"] == "ratio"]
    assert len(ratios) and all(len(p.split(":")) >= 2 for p in ratios["parts"])
    assert (df[df["role"] != "ratio"]["parts"] == "").all()
    gdp = df[(df["doc"] == SHUANGCHENG) & (df["indicator_canonical"] == "地区生产总值") & (df["kind"] == "target")
             & (df["role"] == "growth")]
    assert len(gdp) >= 1
    first = gdp.iloc[0]
    assert first["value"] == 5 and first["unit"] == "%" and first["qualifier"] == "以上"
    assert first["year"] == 2025 and first["period"] == "2021-2025" and "5" in first["quote"]


def test_filters_keep_exactly_what_they_name(cli_env: Any, stored: dict[str, Any], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    docs = stored["manifest"].docs
    cases: list[tuple[list[str], Any]] = [
        (["--doc", SHUANGCHENG], lambda s: s.doc_id == SHUANGCHENG),
        (["--doc", "004"], lambda s: s.doc_id == SHUANGCHENG),  # a unique id prefix
        (["--doc", Path(docs[SHUANGCHENG].path).name], lambda s: s.doc_id == SHUANGCHENG),
        (["--region", "双城区"], lambda s: s.doc_id == SHUANGCHENG),
        (["--plan", "十一五"], lambda s: docs[s.doc_id].plan == "十一五"),
        (["--indicator", "GDP"], lambda s: s.indicator == "地区生产总值"),  # a synonym resolves
        (["--indicator", "地区生产总值", "--kind", "target"], lambda s: s.indicator == "地区生产总值" and s.kind == "target"),
        (["--kind", "baseline", "--plan", "十二五"], lambda s: s.kind == "baseline" and docs[s.doc_id].plan == "十二五"),
        (["--year", "2010", "--region", "阳泉市"], lambda s: s.year == 2010 and docs[s.doc_id].region == "阳泉市"),
    ]
    for args, want in cases:
        out = tmp_path / "f.csv"
        assert cli_env(["export", "--format", "csv", "--out", str(out), *args]) == 0, args
        df = read_back(out, "csv")
        expected = sorted(s.id for s in stored["statements"] if want(s))
        assert expected, args
        assert sorted(df["statement_id"]) == expected, args
    assert len(set(read_back(tmp_path / "f.csv", "csv")["doc"])) == 1
    capsys.readouterr()


def test_indicator_near_miss_is_not_the_indicator(cli_env: Any, tmp_path: Path) -> None:
    """人均地区生产总值 is its own indicator: asking for 地区生产总值 never returns it."""
    out = tmp_path / "gdp.csv"
    assert cli_env(["export", "--format", "csv", "--out", str(out), "--indicator", "地区生产总值"]) == 0
    df = read_back(out, "csv")
    assert len(df) and not df["name"].str.startswith("人均").any()
    assert set(df["indicator_canonical"]) == {"地区生产总值"}


@pytest.mark.parametrize(("args", "value"), [
    (["--doc", "999_nope"], "999_nope"),
    (["--region", "北京市"], "北京市"),
    (["--plan", "十三五"], "十三五"),
])
def test_unknown_filter_values_are_usage_errors(args: list[str], value: str, ready_store: Any, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    proc = run_qa(["export", "--format", "csv", "--out", str(out), *args], Path(ready_store.home), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert value in lines[0] and "choose from" in lines[0]
    if args[0] == "--doc":
        assert SHUANGCHENG in lines[0]
    if args[0] == "--region":
        assert "哈尔滨市双城区" in lines[0] and "阳泉市" in lines[0]
    if args[0] == "--plan":
        assert "十一五" in lines[0] and "十四五" in lines[0]
    assert not out.exists()


def test_bad_arguments_exit_2(cli_env: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["--format", "xlsx", "--out", str(tmp_path / "a")], ["--format", "csv"],
                 ["--format", "csv", "--out", str(tmp_path / "a"), "--kind", "fact"],
                 ["--format", "csv", "--out", str(tmp_path / "a"), "--year", "soon"]):
        with pytest.raises(SystemExit) as e:
            cli_env(["export", *args])
        assert e.value.code == 2, args
    assert cli_env(["export", "--format", "csv", "--out", str(tmp_path)]) == 2  # a folder is no file
    assert "is a folder" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["csv", "parquet", "sqlite"])
def test_empty_result_writes_the_header_only(fmt: str, cli_env: Any, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"empty.{fmt}"
    assert cli_env(["export", "--format", fmt, "--out", str(out), "--indicator", "火星殖民地数量"]) == 0
    err = capsys.readouterr().err
    assert "no statement matches" in err and "header only" in err and "火星殖民地数量" in err
    df = read_back(out, fmt)
    assert len(df) == 0 and list(df.columns) == NAMES
    if fmt == "csv":
        assert out.read_text(encoding="utf-8").strip() == ",".join(NAMES)


def test_the_file_is_replaced_atomically(cli_env: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import qa.export as export

    out = tmp_path / "s.sqlite"
    assert cli_env(["export", "--format", "sqlite", "--out", str(out), "--doc", SHUANGCHENG]) == 0
    before = out.read_bytes()
    n = len(read_back(out, "sqlite"))

    def broken(data: Any, path: Path) -> None:  # dies halfway through writing
        path.write_bytes(b"half a database")
        raise OSError("disk full")

    monkeypatch.setattr(export, "_write_sqlite", broken)
    assert cli_env(["export", "--format", "sqlite", "--out", str(out)]) == 1
    assert out.read_bytes() == before and len(read_back(out, "sqlite")) == n  # the old file, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.sqlite"]  # no temp file left behind
    monkeypatch.undo()
    export.write([], "sqlite", out)  # and a good write replaces it
    assert len(read_back(out, "sqlite")) == 0


def test_missing_library_is_one_line_naming_the_extra(cli_env: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow → ImportError
    out = tmp_path / "s.parquet"
    assert cli_env(["export", "--format", "parquet", "--out", str(out)]) == 1
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "planqa[export]" in lines[0] and "pyarrow" in lines[0], lines
    assert not out.exists()
    assert cli_env(["export", "--format", "csv", "--out", str(tmp_path / "s.csv")]) == 0  # csv needs neither


def test_rows_are_reusable_without_the_cli(ready_store: Any, stored: dict[str, Any]) -> None:
    """The page and the API build the same rows from the store (qa.export.store_rows / dataframe)."""
    from qa.export import ExportError, Filters, dataframe, store_rows
    from qa.store.chroma import Store

    data, manifest = store_rows(Store(ready_store), Filters(region="双城区", kind="target"))
    assert data and {r["doc"] for r in data} == {SHUANGCHENG} and {r["kind"] for r in data} == {"target"}
    frame = dataframe(data)
    assert list(frame.columns) == NAMES and len(frame) == len(data)
    with pytest.raises(ExportError) as e:
        store_rows(Store(ready_store), Filters(doc="0"))  # a prefix of every id: ambiguous
    assert e.value.usage and "ambiguous" in str(e.value)


def test_devices_pipes_and_links_are_written_through_never_replaced(ready_store: Any, tmp_path: Path) -> None:
    """`qa export --out /dev/null` as root once replaced the device with a regular file, exit 0."""
    import os
    import stat
    import threading

    home = Path(ready_store.home)
    proc = run_qa(["export", "--format", "csv", "--out", "/dev/null"], home)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode), "/dev/null is no longer a device"
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    assert run_qa(["export", "--format", "csv", "--out", str(fifo)], home).returncode == 0
    reader.join(timeout=60)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and got and got[0].startswith(b"doc,"), got[:1]
    real, link = tmp_path / "real.csv", tmp_path / "link.csv"
    real.write_text("old", encoding="utf-8")
    link.symlink_to(real)
    assert run_qa(["export", "--format", "csv", "--out", str(link)], home).returncode == 0
    assert link.is_symlink() and real.read_text("utf-8").startswith("doc,")
