"""Normalize plan text while keeping a map back to offsets in the original file.

Plans arrive with table-of-contents lines (``·····24``), ``<b>`` tags, paragraphs
glued into one line with ideographic or non-breaking spaces, stray spaces inside
figures (``17.5 亿元``) and sentences broken by page breaks (``雀\\n\\n巢``). Search and
extraction work on the cleaned text; citations are mapped back through ``omap`` so a
quote is always the exact text of the original file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from qa.text.numbers import halfwidth

CJK = r"\u3400-\u9fff"
# a line that starts a heading or a list item: a page break before it is a real break
HEADING_START = re.compile(
    r"^(?:#|第[一二三四五六七八九十百零〇\d]+[篇章节部]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]"
    r"|\d+[.、．]|专栏|[-—*•]|注[:：])"
)
BULLET_START = re.compile(r"^[-—*•]")
SENTENCE_END = "。！？；：!?;:）)”》】"


@dataclass
class Cleaned:
    """Cleaned text plus ``omap[i]`` = offset in the original of cleaned character ``i``."""

    text: str
    omap: list[int]
    original_len: int

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) covering cleaned [start, end)."""
        if end <= start:
            pos = self.omap[start] if start < len(self.omap) else self.original_len
            return pos, pos
        return self.omap[start], self.omap[end - 1] + 1


def _sub(text: str, omap: list[int], pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]):
    """re.sub that carries the offset map: inserted characters map to the match start."""
    out: list[str] = []
    newmap: list[int] = []
    last = 0
    for m in pattern.finditer(text):
        out.append(text[last : m.start()])
        newmap.extend(omap[last : m.start()])
        rep = repl(m)
        if rep:
            # keep characters of the match that survive at their own positions where possible
            if rep == m.group()[: len(rep)]:
                newmap.extend(omap[m.start() : m.start() + len(rep)])
            else:
                anchor = omap[m.start()] if m.start() < len(omap) else (omap[-1] + 1 if omap else 0)
                newmap.extend([anchor] * len(rep))
            out.append(rep)
        last = m.end()
    out.append(text[last:])
    newmap.extend(omap[last:])
    return "".join(out), newmap


_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]{0,10}\s*/?>|\*\*")  # html tags and markdown bold
_GAP = re.compile(r"[ \u00a0\u3000]{2,}")
_CRLF = re.compile(r"\r\n?")
_DOT_LEADER = re.compile(r"(?:[·.…•]{3,}|\.{2,}|…{1,})\s*\d{1,4}\s*$")
_TOC_TITLE = re.compile(r"^[#\s]*目\s*录\s*$")
_TOC_ENTRY = re.compile(r"\s\d{1,4}\s*$")
_HARD_BREAK = re.compile(r"(?<=[^\s。！？；：!?;:）)”》】])[ \u00a0\u3000]{2,}\n(?=[\u4e00-\u9fff\d“（(])")
_SPACES = re.compile(r"[ \u00a0\u3000]+")
_NUMBERED_PART = re.compile(r"(?:^|\n|#\s?)第[一二三四五六七八九十百零〇\d]+(?:篇|章|节|部分)$")
_MD_HASH = re.compile(r"^#+\s*", re.M)
_BLANKS = re.compile(r"\n\s*\n[\s\n]*")
_NL_RUN = re.compile(r"\n{2,}")


def _drop_toc(text: str, omap: list[int]) -> tuple[str, list[int]]:
    """Remove table-of-contents lines: dot leaders anywhere, and the block after a 目录 title."""
    out: list[str] = []
    newmap: list[int] = []
    pos = 0
    in_toc = False
    for line in text.split("\n"):
        end = pos + len(line)
        stripped = line.strip()
        drop = False
        if _TOC_TITLE.match(line):
            in_toc, drop = True, True
        elif _DOT_LEADER.search(stripped):
            drop = True
        elif in_toc:
            if not stripped or _TOC_ENTRY.search(stripped) and len(stripped) < 60:
                drop = True
            else:
                in_toc = False
        if not drop:
            out.append(line + "\n")
            newmap.extend(omap[pos:end])
            newmap.append(omap[end] if end < len(omap) else (omap[-1] + 1 if omap else 0))
        pos = end + 1
    joined = "".join(out)
    if not text.endswith("\n") and joined.endswith("\n"):
        joined, newmap = joined[:-1], newmap[:-1]
    return joined, newmap


def _gap(m: re.Match[str]) -> str:
    """Runs of ideographic or non-breaking spaces separate paragraphs in one-line plans."""
    if _NUMBERED_PART.search(m.string, max(0, m.start() - 8), m.start()):
        return " "
    return "\n" if any(c in "\u00a0\u3000" for c in m.group()) else m.group()


def _space(m: re.Match[str]) -> str:
    """Spaces between two Latin letters/digits-words stay; spaces touching Chinese go."""
    s, e = m.start(), m.end()
    text = m.string
    before = text[s - 1] if s > 0 else "\n"
    after = text[e] if e < len(text) else "\n"
    if before.isascii() and before.isalpha() and after.isascii() and after.isalpha():
        return " "
    if after != "\n" and _NUMBERED_PART.search(text, max(0, s - 8), s):
        return " "  # 第二章 产业发展: keep the space that separates number and title
    return ""


def _hard_break(m: re.Match[str]) -> str:
    """Markdown's two-space line break inside a wrapped paragraph (服  \n务) is no break at all."""
    text = m.string
    prev_line = text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
    if HEADING_START.match(prev_line) and not BULLET_START.match(prev_line):
        return "\n"
    return ""


def _page_break(m: re.Match[str]) -> str:
    """A blank line inside a sentence (previous line unfinished, next not a heading) is a page break."""
    text = m.string
    s, e = m.start(), m.end()
    line_start = text.rfind("\n", 0, s) + 1
    prev_line = text[line_start:s]
    nxt_end = text.find("\n", e)
    next_line = text[e : nxt_end if nxt_end >= 0 else len(text)]
    if (
        len(prev_line) >= 12
        and prev_line[-1] not in SENTENCE_END
        and re.match(f"[{CJK}\\d“（(a-zA-Z]", next_line)
        and not HEADING_START.match(next_line)
        and not (HEADING_START.match(prev_line) and not BULLET_START.match(prev_line))  # "——…创" is prose
        and "\t" not in prev_line
        and line_start > 0
        and not re.search(r"(规划|纲要|计划|目标|报告)$", prev_line)
        and "\t" not in next_line
    ):
        return ""
    return "\n"


def clean(original: str) -> Cleaned:
    text, omap = original, list(range(len(original)))
    text, omap = _sub(text, omap, _CRLF, lambda m: "\n")
    text, omap = _sub(text, omap, _TAG, lambda m: "")
    text, omap = _sub(text, omap, _HARD_BREAK, _hard_break)
    text, omap = _sub(text, omap, _GAP, _gap)
    text, omap = _drop_toc(text, omap)
    text, omap = _sub(text, omap, _SPACES, _space)
    text, omap = _sub(text, omap, _MD_HASH, lambda m: "")
    text, omap = _sub(text, omap, _BLANKS, _page_break)
    text, omap = _sub(text, omap, _NL_RUN, lambda m: "\n")
    lead = len(text) - len(text.lstrip())
    text, omap = text[lead:], omap[lead:]
    text = text.rstrip()
    omap = omap[: len(text)]
    return Cleaned(halfwidth(text), omap, len(original))


def find_loose(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` is in ``text`` with whitespace and full/half width ignored (a PDF's re-joined lines,
    a .docx's spaces), as ``text``'s own [start, end); None when it is not there."""
    want = re.sub(r"\s+", "", halfwidth(quote))
    if not want:
        return None
    chars, idx = [], []
    for n, ch in enumerate(halfwidth(text)):
        if not ch.isspace():
            chars.append(ch)
            idx.append(n)
    j = "".join(chars).find(want)
    if j < 0:
        return None
    return idx[j], idx[j + len(want) - 1] + 1
