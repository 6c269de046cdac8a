"""Structure-aware chunks of a few sentences, with offsets into the original file.

Plans are organised by 篇/部分/章, 一、, （一）, 1. and 专栏 boxes; a chunk never crosses a
section, never cuts a sentence, and a table row always travels with its header row
(the header is repeated in the indexed text of later row groups). Chunk size is
counted in o200k tokens and was chosen by measured recall (bench/retrieval.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.models import Chunk
from qa.text.clean import Cleaned
from qa.text.tokens import count_tokens

CN_NUM = "一二三四五六七八九十百零〇"
HEADING_PATTERNS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^第[{CN_NUM}\d]+(?:篇|部分)")),
    (2, re.compile(rf"^第[{CN_NUM}\d]+章")),
    (3, re.compile(rf"^[{CN_NUM}]+、")),
    (4, re.compile(rf"^[（(][{CN_NUM}]+[)）]")),
    (5, re.compile(r"^\d{1,2}[.、．](?!\d)")),
    (6, re.compile(r"^专栏")),
]
SENTENCE_RE = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;]+[”’」』）)]*|$)")
LIST_ITEM = re.compile(rf"^(?:\d{{1,2}}[.、．](?!\d)|[（(][{CN_NUM}\d]+[)）]|[-—•*])")


def heading_level(line: str) -> int | None:
    """The outline level of a heading line, or None for body text."""
    s = line.strip()
    if not s or len(s) > 48 or "\t" in s:
        return None
    for level, pat in HEADING_PATTERNS:
        if pat.match(s):
            if level == 6:
                return level
            body = s.rstrip("。")
            # numbered list items with full sentences are body text, not headings
            if "。" in body or "；" in body or (level >= 4 and len(s) > 32) or (level == 5 and "：" in s):
                return None
            return level
    return None


@dataclass
class _Unit:
    """A sentence, or a table row, in cleaned coordinates."""

    start: int
    end: int
    text: str
    table_header: str | None = None


@dataclass
class _Block:
    section: str
    kind: str  # prose | table | box
    units: list[_Unit] = field(default_factory=list)


_TRAILING_HEADING = re.compile(r"(?<=[。！？])[^。！？\n]{2,40}$")


def _lines(text: str):
    """Lines of the cleaned text; a heading glued after a sentence's end becomes its own line."""
    pos = 0
    for line in text.split("\n"):
        m = _TRAILING_HEADING.search(line)
        if m and (heading_level(m.group()) or 9) <= 3:
            yield pos, line[: m.start()]
            yield pos + m.start(), m.group()
        else:
            yield pos, line
        pos += len(line) + 1


def _sentences(line: str, base: int) -> list[_Unit]:
    out: list[_Unit] = []
    for m in SENTENCE_RE.finditer(line):
        if m.end() > m.start() and m.group().strip():
            out.append(_Unit(base + m.start(), base + m.end(), m.group()))
    return out


def blocks(cleaned: Cleaned) -> list[_Block]:
    """Walk the outline: headings update the section path, body lines become blocks."""
    stack: list[tuple[int, str]] = []
    result: list[_Block] = []
    cur: _Block | None = None
    in_box_items = False
    header: str | None = None

    def section() -> str:
        return " > ".join(t for _, t in stack)

    def new_block(kind: str) -> _Block:
        nonlocal cur
        cur = _Block(section(), kind)
        result.append(cur)
        return cur

    for pos, line in _lines(cleaned.text):
        if not line.strip():
            continue
        level = heading_level(line)
        if level is not None and level >= 4 and stack and stack[-1][0] == 6 and LIST_ITEM.match(line.strip()):
            level = None  # "1.松花江饮用水工程" inside a 专栏 is one of its items, not a new section
        if level is not None:
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, line.strip()))
            cur, header, in_box_items = None, None, False
            continue
        boxed = bool(stack) and stack[-1][0] == 6
        if boxed and in_box_items and not LIST_ITEM.match(line.strip()) and "\t" not in line:
            stack.pop()  # prose after a box's list items is outside the box
            cur, in_box_items = None, False
            boxed = False
        if boxed and LIST_ITEM.match(line.strip()):
            in_box_items = True
        is_row = line.count("\t") >= 1 and len([c for c in line.split("\t") if c.strip()]) >= 2
        if is_row or (header is not None and "\t" in line):
            if cur is None or cur.kind != "table":
                new_block("table")
                header = line
                cur.units.append(_Unit(pos, pos + len(line), line))
            else:
                cur.units.append(_Unit(pos, pos + len(line), line, table_header=header))
            continue
        if cur is not None and cur.kind == "table" and re.match(r"^注[:：]", line.strip()):
            cur.units.append(_Unit(pos, pos + len(line), line, table_header=header))
            continue
        header = None
        kind = "box" if boxed else "prose"
        if cur is None or cur.kind != kind:
            new_block(kind)
        cur.units.extend(_sentences(line, pos))
    return [b for b in result if b.units]


def _make(doc_id: str, version: str, ordinal: int, block: _Block, units: list[_Unit], cleaned: Cleaned,
          original: str) -> Chunk:
    cs, ce = units[0].start, units[-1].end
    os_, oe = cleaned.orig_span(cs, ce)
    body = cleaned.text[cs:ce]
    head = units[0].table_header
    clean_text = f"{head}\n{body}" if head and block.kind == "table" else body
    shift = len(head) + 1 if head and block.kind == "table" else 0
    spans: list[tuple[int, int, int, int]] = []
    for u in units:  # each sentence (or row) in the chunk's clean text and in the original, for exact citations
        a, b = u.start, u.end
        while a < b and cleaned.text[a].isspace():
            a += 1
        while b > a and cleaned.text[b - 1].isspace():
            b -= 1
        if b > a:
            o1, o2 = cleaned.orig_span(a, b)
            spans.append((a - cs + shift, b - cs + shift, o1, o2))
    return Chunk(
        id=f"{doc_id}@{version}:{ordinal:04d}",
        doc_id=doc_id,
        section=block.section,
        start=os_,
        end=oe,
        text=original[os_:oe],
        clean=clean_text,
        ordinal=ordinal,
        kind=block.kind,  # type: ignore[arg-type]
        units=spans,
    )


def chunk_document(doc_id: str, version: str, original: str, cleaned: Cleaned, target_tokens: int = 150,
                   overlap: int = 1) -> list[Chunk]:
    """Pack sentences (or table rows) of each section into chunks of about ``target_tokens``."""
    chunks: list[Chunk] = []
    for block in blocks(cleaned):
        units = block.units
        sizes = [count_tokens(u.text) for u in units]
        i = 0
        while i < len(units):
            j, total = i, 0
            while j < len(units) and (j == i or total + sizes[j] <= target_tokens):
                total += sizes[j]
                j += 1
            chunk = _make(doc_id, version, len(chunks), block, units[i:j], cleaned, original)
            notes = [u.text for u in units if block.kind == "table" and re.match(r"^\s*注[:：]", u.text)]
            if notes and notes[0] not in chunk.clean:
                # a table's note (注：带[]为累计数据) defines every row group's cells
                chunk = chunk.model_copy(update={"clean": f"{chunk.clean}\n{notes[0]}"})
            chunks.append(chunk)
            if j >= len(units):
                break
            # carry the last sentences over so a fact split across the boundary is whole somewhere
            step_back = min(overlap, j - i - 1) if block.kind != "table" else 0
            i = j - step_back
    return chunks


def outline(cleaned: Cleaned) -> list[tuple[int, str, str, int, int]]:
    """Every heading as (level, title, section path, start, end), spans in the original text: the
    structure a brief reads headings from, with the same rules ``blocks`` applies."""
    stack: list[tuple[int, str]] = []
    out: list[tuple[int, str, str, int, int]] = []
    for pos, line in _lines(cleaned.text):
        level = heading_level(line) if line.strip() else None
        if level is None:
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        title = line.strip()
        stack.append((level, title))
        lead = len(line) - len(line.lstrip())
        s, e = cleaned.orig_span(pos + lead, pos + lead + len(title))
        out.append((level, title, " > ".join(t for _, t in stack), s, e))
    return out
