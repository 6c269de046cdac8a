"""Prompts ship inside the package (qa/prompts/*.md, package data), so any install finds them.

``prompts/`` at the top of the checkout is a link to the same files (the documented place to
read and edit them). The install test builds the package the way a wheel is built (setuptools'
``build_py`` from a clean copy of the sources, reading pyproject.toml) and loads every prompt from
that build in a directory where no ``prompts/`` folder exists.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qa.llm import LLMError, load_prompt, prompt_names

ROOT = Path(__file__).resolve().parents[1]
PROMPTS = ("answer.md", "brief_map.md", "brief_reduce.md")


def test_every_prompt_has_its_header_and_both_sections() -> None:
    assert prompt_names() == sorted(PROMPTS)
    for name in PROMPTS:
        raw = (ROOT / "qa" / "prompts" / name).read_text(encoding="utf-8")
        header = re.match(r"\s*((?:<!--.*?-->\s*)+)", raw, re.S)
        assert header, f"{name}: no header comment"
        assert "expects:" in header.group(1) and "returns:" in header.group(1), name
        system, user = load_prompt(name)
        assert system and user and "<!--" not in system + user and "expects:" not in system + user


def test_repo_prompts_folder_is_the_package_data() -> None:
    for name in PROMPTS:
        assert (ROOT / "prompts" / name).resolve() == (ROOT / "qa" / "prompts" / name).resolve()


def test_missing_prompt_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LLMError, match="missing from the installed package"):
        load_prompt("nope.md")
    own = tmp_path / "mine.md"
    own.write_text("<!-- expects: {question} -->\n## user\nQ: {question}\n", encoding="utf-8")
    assert load_prompt(own) == ("", "Q: {question}")


def test_built_package_finds_its_prompts_from_anywhere(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "qa", src / "qa", ignore=shutil.ignore_patterns("__pycache__"))
    build = tmp_path / "lib"
    proc = subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py", "--build-lib", str(build)],
        cwd=src, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (build / "qa" / "prompts").glob("*.md")) == sorted(PROMPTS)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import json, qa, qa.llm as l, qa.brief.llm as b\n"
        "print(json.dumps({'file': qa.__file__, 'names': l.prompt_names(),\n"
        "                  'user': [l.load_prompt(n)[1][:20] for n in l.prompt_names()],\n"
        "                  'brief': b._messages('brief_map.md', sections='S', region='R', plan='P', period='X')[1]['content'][:40]}))"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(build)  # ahead of the editable install of this checkout
    out = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True,
                         timeout=120, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert Path(got["file"]).is_relative_to(build)
    assert got["names"] == sorted(PROMPTS) and all(got["user"])
    assert got["brief"].startswith("地区 Region: R")
