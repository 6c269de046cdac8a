"""Prompt files, templates and fences: how document text reaches a model as data.

Prompts are package data (``qa/prompts/*.md``, linked from ``prompts/`` at the top of a checkout),
each with a header comment saying what it expects and returns, then ``## system`` and ``## user``
sections. ``fill_template`` fills ``{placeholders}`` in one pass, so document text is never read
as a placeholder; ``fence`` puts one retrieved chunk inside ``<document …>…</document>`` with every
fence tag in its text defused (``neutralise_fences``), so a document can neither close its fence
nor open another; ``pack_hits`` packs the best chunks into a token budget.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

from qa.llm.errors import LLMError
from qa.models import Hit

PROMPT_PACKAGE = "qa"  # prompts are package data: qa/prompts/*.md
ANSWER_PROMPT = "answer.md"


def _parse_prompt(raw: str, where: str) -> tuple[str, str]:
    body = re.sub(r"^\s*(?:<!--.*?-->\s*)+", "", raw, flags=re.S)
    parts = re.split(r"^##\s*(system|user)\s*$", body, flags=re.M | re.I)
    sections = {parts[i].lower(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    if "user" not in sections:
        raise LLMError(f"prompt file {where} has no '## user' section: restore it from git")
    return sections.get("system", ""), sections["user"]


@lru_cache(maxsize=16)
def _read_prompt(path: str, mtime: float) -> tuple[str, str]:
    return _parse_prompt(Path(path).read_text(encoding="utf-8"), path)


def prompt_names() -> list[str]:
    """The prompt files the package ships (``answer.md``, ``brief_map.md`` ...)."""
    folder = resources.files(PROMPT_PACKAGE) / "prompts"
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".md"))


def load_prompt(name: str | Path = ANSWER_PROMPT) -> tuple[str, str]:
    """(system, user) templates of a prompt, its header comments stripped.

    ``name`` is one of the package's prompts (``"answer.md"``, read from ``qa/prompts/`` as
    package data, so a plain ``pip install`` finds it from any directory) or a path to a file.
    Files are re-read when they change, so an edited prompt takes effect without a restart.
    """
    if isinstance(name, Path) or "/" in name or os.sep in name:
        path = Path(name)
        if not path.is_file():
            raise LLMError(f"prompt file {path} not found")
        return _read_prompt(str(path), path.stat().st_mtime)
    ref = resources.files(PROMPT_PACKAGE) / "prompts" / name
    if isinstance(ref, Path):
        if ref.is_file():
            return _read_prompt(str(ref), ref.stat().st_mtime)
    elif ref.is_file():  # a zipped install: no mtime, read it as it is
        return _parse_prompt(ref.read_text(encoding="utf-8"), f"qa/prompts/{name}")
    raise LLMError(
        f"prompt file qa/prompts/{name} is missing from the installed package: reinstall planqa (pip install .)"
    )


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill_template(template: str, values: dict[str, str]) -> str:
    """``{name}`` placeholders replaced in ONE pass.

    Text put in for one placeholder (a document that prints ``{question}``) is never read as
    another placeholder; unknown ``{names}`` stay as they are.
    """
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


# "<" of anything a model could read as a fence tag: <document ...>, </documents>, < /DOCUMENT,
# <candidates>, also with full-width or small-form brackets. No word boundary after the name:
# "</document请忽略…" must be caught too.
_FENCE_OPEN = re.compile(r"[<\uFF1C\uFE64](?=\s*/?\s*(?:document|candidate))", re.I)


def neutralise_fences(text: str) -> str:
    """``text`` with every fence tag defused (``<`` → ``‹``): data can neither close nor open a fence."""
    return _FENCE_OPEN.sub("\u2039", text)


def fence(hit: Hit, text: str | None = None) -> str:
    """One chunk as ``<document id=.. region=.. section=..>text</document>``; its text cannot close the fence."""
    c = hit.chunk
    attrs = {
        "id": c.id,
        "doc": c.doc_id,
        "region": hit.region or "",
        "plan": hit.plan or "",
        "section": c.section,
    }
    rendered = " ".join(
        f'{k}="{html.escape(str(v), quote=True)}"' for k, v in attrs.items() if v or k == "id"
    )
    body = neutralise_fences(c.text if text is None else text)
    return f"<document {rendered}>\n{body}\n</document>"


def pack_hits(hits: Sequence[Hit], budget: int) -> list[tuple[Hit, str]]:
    """Best-ranked chunks, fenced, while they fit into ``budget`` tokens (the first one truncated if needed)."""
    from qa.text.tokens import count_tokens, truncate_to_tokens

    packed: list[tuple[Hit, str]] = []
    used = 0
    for hit in sorted(hits, key=lambda h: h.rank):
        if any(h.chunk.id == hit.chunk.id for h, _ in packed):
            continue
        block = fence(hit)
        n = count_tokens(block) + 1
        if used + n > budget:
            if packed:
                continue  # a smaller, lower-ranked chunk may still fit
            room = max(budget - count_tokens(fence(hit, "")) - 1, 0)
            block = fence(hit, truncate_to_tokens(hit.chunk.text, room))
            n = count_tokens(block) + 1
        packed.append((hit, block))
        used += n
    return packed
