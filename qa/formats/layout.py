"""From positioned lines (a PDF's text layer or OCR boxes) to canonical paragraphs, headings and tables.

A PDF has no paragraphs, only lines at positions, plus page furniture that is not the document's text:
running headers and footers, page numbers, table-of-contents lines. This module decides, from geometry
alone, which lines are furniture, which line ends a paragraph and which one continues it (also across
a page break), and how two pieces of one paragraph join: Chinese joins without a space, a number is
never split, Latin words keep theirs. The PDF and OCR readers only produce ``Line`` and ``Table`` items.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

# CJK Radicals Supplement (U+2E81-2EF3) -> the unified ideograph with the same glyph, from Unicode's
# EquivalentUnifiedIdeograph.txt (U+2E9A has none). Chromium and other PDF writers map glyphs shared
# by a radical and an ideograph to the radical (国⺠, ⻝品, 增⻓), which breaks every search; Kangxi
# radicals (U+2F00-2FD5) and compatibility ideographs are fixed by NFKC, one character at a time.
_RADICALS = ("厂乛乚乙亻冂𠘨刀刂卜㔾小小兀尣尢𡯂巳幺彑彐忄心扌攵\u2e9a旡日月歺母民氵氺灬爫爫丬牛犭王𤴔目示礻𥫗糹纟罓罒㓁冗"
             "𦉫羊𦍌𦍋耂肀聿肉𦥑艹艹艹虎衤覀西见角𧢲讠贝𧾷车辶辶辶邑钅長镸长门𨸏阝雨青韦页风飞食𩙿飠饣𩠐马骨鬼鱼鸟卤麦黄"
             "黾斉齐歯齿竜龙龜亀龟")
_FIX = {0x2E81 + i: c for i, c in enumerate(_RADICALS)}
_FIX.update({cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)})
_FIX.update({cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xF900, 0xFADA)
             if unicodedata.normalize("NFKC", chr(cp)) != chr(cp)})
# measured on Chromium + Noto CJK SC (lang zh-CN) over all 6763 GB2312 hanzi and its symbol rows: these
# glyphs belong to the simplified character or the Chinese punctuation mark, not to what NFKC gives (戶),
# the rare Ext-A 㬵, or the look-alike symbol the PDF's ToUnicode names (― for —, 〜 for ～ …)
_FIX.update({0x2F3E: "户", 0x3B35: "胶", 0x2015: "—", 0x301C: "～", 0x2329: "〈", 0x232A: "〉", 0x2215: "／",
             0x2035: "｀"})
_FIX.update({0x00AD: "", 0x200B: "", 0xFEFF: ""})  # soft hyphen, zero-width space, stray BOM

CJK = "\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2014\u2018\u2019\u201c\u201d\u2026\u00b7"
_CJK_SPACE = re.compile(f"(?<=[{CJK}]) +(?=[{CJK}])")
SENTENCE_END = "。！？；：!?;:"
# a heading or list item that starts a line of its own
HEADING = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[篇章节部]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]"
    r"|专栏|附[表件录]|[序前]\s*言)"
)
# a list item: after a finished sentence it starts a new line even when nothing else says so
_ITEM = re.compile(r"^(?:——|[●•■◆▲★※]|\d{1,2}[.、．](?!\d))")
_DOT_LEADER = re.compile(r"(?:[·.…•]{3,}|…{2,}|\.{2,}|-{4,})\s*\d{1,4}$")
_PAGE_NO = re.compile(
    r"^(?:[-—–－ ]*\d{1,4}[-—–－ ]*|第\s*\d{1,4}\s*页(?:\s*[/，, ]?\s*共\s*\d{1,4}\s*页)?|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|[ivxlc]{1,6})$",
    re.I,
)
# what print dialogs put in the margins: a date and time, a file or web address
_PRINT_STAMP = re.compile(r"^\d{1,4}[/.\-年]\d{1,2}[/.\-月]\d{1,4}日?[, ]+\d{1,2}:\d{2}|^(?:file|https?)://\S+", re.I)


def fix_chars(text: str) -> str:
    """Radicals and compatibility forms to the ideographs they stand for; zero-width characters out."""
    return text.translate(_FIX)


def tidy(text: str) -> str:
    """One line of extracted text: fixed characters, no layout spaces between Chinese characters."""
    return _CJK_SPACE.sub("", fix_chars(text).replace("\t", " ")).strip()


def join(a: str, b: str) -> str:
    """Join two pieces of one paragraph broken at a line end: a space only between two Latin words."""
    if not a or not b:
        return a + b
    x, y = a[-1], b[0]
    if x.isascii() and x.isalpha() and y.isascii() and y.isalnum():
        return f"{a} {b}"
    if x.isascii() and x.isdigit() and y.isascii() and y.isalpha() and not b[:2].isupper():
        return f"{a} {b}"  # "in 2025 the" but not "2025年" (never split a number or its unit)
    if x == "-" and len(a) > 1 and a[-2].isascii() and a[-2].isalpha() and y.isascii() and y.islower():
        return a[:-1] + b  # a hyphenated Latin word
    return a + b


def join_cell(text: str) -> str:
    """A table cell's wrapped lines as one value."""
    out = ""
    for part in (tidy(p) for p in text.split("\n")):
        out = join(out, part)
    return out


@dataclass
class Line:
    """One line of text at a position on its page (PDF points, top-down)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass
class Table:
    """A ruled table found on a page: rows of cell texts, and where it sits."""

    rows: list[list[str]]
    top: float
    bottom: float


@dataclass
class PageItems:
    """What one page contributes, in reading order, before furniture removal."""

    number: int
    items: list[Line | Table] = field(default_factory=list)
    ocr: bool = False


def _norm(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def drop_furniture(pages: list[PageItems], edge: int = 2) -> None:
    """Remove running headers/footers, page numbers, print stamps (in place).

    Only the first and last ``edge`` lines of a page are candidates. A candidate goes when it is a page
    number, a print stamp (date and time, file URL), or — digits ignored — recurs at the edge of at least
    half the pages (two pages at least). With fewer than four pages a recurring line must also be set
    smaller than the body text: two pages that open with the same heading are no evidence of a header.
    """
    def edges(p: PageItems) -> list[Line]:
        lines = [it for it in p.items if isinstance(it, Line)]
        head = [ln for ln in lines[:edge] if not _after_table(p, ln, top=True)]
        tail = [ln for ln in lines[-edge:] if not _after_table(p, ln, top=False)]
        return list({id(ln): ln for ln in head + tail}.values())

    counts: Counter[str] = Counter()
    for p in pages:
        counts.update({_norm(ln.text) for ln in edges(p)})
    need = max(2, (len(pages) + 1) // 2)
    body = metrics(pages).size
    for p in pages:
        gone = set()
        for ln in edges(p):
            key, text = _norm(ln.text), ln.text.strip()
            recurs = len(pages) >= 2 and bool(key) and counts[key] >= need \
                and (len(pages) >= 4 or ln.size < 0.9 * body)
            if _PAGE_NO.match(text) or _PRINT_STAMP.match(text) or recurs:
                gone.add(id(ln))
        p.items = [it for it in p.items if id(it) not in gone]


def _after_table(p: PageItems, ln: Line, top: bool) -> bool:
    """A line is not at the page's edge if a table lies between it and that edge."""
    tables = [t for t in p.items if isinstance(t, Table)]
    return any(t.bottom <= ln.top for t in tables) if top else any(t.top >= ln.bottom for t in tables)


def is_toc(text: str) -> bool:
    """A table-of-contents entry: a dot leader (or dashes) running into a page number."""
    return bool(_DOT_LEADER.search(text.strip())) and len(text) <= 120


@dataclass
class Metrics:
    """The body text's geometry: font size, left edge, right edge, line pitch."""

    size: float
    left: float
    right: float
    pitch: float
    tol: float = 0.15  # font sizes this close (relative) are the same; OCR sizes are rougher


def metrics(pages: list[PageItems], tol: float = 0.15) -> Metrics:
    """Most common font size and left edge, a high percentile of right edges, the usual line pitch."""
    lines = [it for p in pages for it in p.items if isinstance(it, Line) and len(it.text) >= 4]
    if not lines:
        return Metrics(12.0, 0.0, 600.0, 18.0, tol)
    sizes = Counter()
    for ln in lines:
        sizes[round(ln.size * 2) / 2] += len(ln.text)
    size = sizes.most_common(1)[0][0]
    body = [ln for ln in lines if abs(ln.size - size) <= tol * size] or lines
    left = Counter(round(ln.x0) for ln in body).most_common(1)[0][0]
    rights = sorted(ln.x1 for ln in body)
    right = rights[int(0.9 * (len(rights) - 1))]
    pitches: Counter[float] = Counter()
    for p in pages:
        ls = [it for it in p.items if isinstance(it, Line)]
        for a, b in zip(ls, ls[1:], strict=False):
            if abs(a.size - size) <= tol * size and abs(b.size - size) <= tol * size and b.top > a.top:
                pitches[round(b.top - a.top)] += 1
    pitch = pitches.most_common(1)[0][0] if pitches else size * 1.5
    return Metrics(size, float(left), right, float(pitch), tol)


_FIRST_TOKEN = re.compile(r"^[（(“‘《【\[]*(?:[A-Za-z0-9.,%‰+\-/:×~～]+|.)[)）”’》】\]]*[，。、；：！？,.;:!?%]*")


def _width(token: str, size: float) -> float:
    """Rough advance width of ``token``: Latin letters and digits are about half an em."""
    return sum(0.55 if c.isascii() else 1.0 for c in token) * size


def continues(prev: Line, nxt: Line, m: Metrics, same_page: bool) -> bool:
    """Whether ``nxt`` carries on the paragraph ``prev`` is part of (the heart of paragraph rebuilding).

    A line ends its paragraph when the next one is set apart (another font size, paragraph spacing, a
    first-line indent) or when it stops short of the right edge — unless what comes next could not have
    fitted there (a number, a Latin word, a bracket that may not end a line).
    """
    p, n = prev.text, nxt.text
    if not p or not n:
        return False
    size = max(m.size, 1.0)
    if abs(prev.size - nxt.size) > m.tol * max(prev.size, nxt.size):
        return False  # a heading, a note, a caption
    scale = max(prev.size / size, 1.0)
    if same_page and nxt.top - prev.top > m.pitch * scale * 1.35 + 0.1 * size:
        return False  # paragraph spacing
    short = m.right - prev.x1
    heading_wrap = prev.size > (1 + m.tol) * size and short < 2 * prev.size  # a long title set in a larger size
    if not heading_wrap and (nxt.x0 > m.left + 0.8 * size or prev.x0 > m.left + 6 * size):
        return False  # first-line indent, a centred title
    token = _FIRST_TOKEN.match(n)
    fits = short > _width(token.group() if token else n[:1], nxt.size) + 0.5 * nxt.size
    if short > 1.2 * prev.size and fits:
        return False  # the line ended early although the next word would have fitted: end of paragraph
    if p[-1] in SENTENCE_END and (fits or HEADING.match(n) or _ITEM.match(n)):
        return False
    return not (HEADING.match(p) and p[-1] not in "，、" and fits)


def assemble(pages: list[PageItems]) -> tuple[str, list[tuple[int, int, int, bool]]]:
    """Canonical text from pages of items, and (page number, start, end, ocr) spans covering it.

    Paragraphs become single lines, tables TAB rows; a paragraph or table broken by a page break is
    joined, and a table's header row repeated on the next page is dropped.
    """
    drop_furniture(pages)
    for p in pages:
        p.items = [it for it in p.items if not (isinstance(it, Line) and (is_toc(it.text) or not it.text))]
    by_kind = {k: metrics([p for p in pages if p.ocr == k], tol=0.3 if k else 0.15) for k in (False, True)}
    blocks: list[str] = []  # finished lines of canonical text
    starts: list[tuple[int, int, int]] = []  # (page number, block index, offset in block) where a page starts
    prev: Line | Table | None = None
    prev_page: PageItems | None = None
    header: list[str] | None = None
    for p in pages:
        m = by_kind[p.ocr]
        starts.append((p.number, len(blocks), 0))
        first = True
        for it in p.items:
            if isinstance(it, Table):
                rows = [r for r in it.rows if any(c.strip() for c in r)]
                cont = (first and isinstance(prev, Table) and prev_page is not None
                        and prev_page.items and prev_page.items[-1] is prev
                        and len(prev.rows[0]) == len(rows[0] if rows else []))
                if cont and rows and header is not None and [_cell(c) for c in rows[0]] == header:
                    rows = rows[1:]
                if not cont:
                    header = [_cell(c) for c in rows[0]] if rows else None
                blocks.extend("\t".join(r) for r in rows)
            else:
                if isinstance(prev, Line) and blocks and continues(prev, it, m, same_page=not first):
                    if first:
                        starts[-1] = (p.number, len(blocks) - 1, len(blocks[-1]))
                    blocks[-1] = join(blocks[-1], it.text)
                else:
                    blocks.append(it.text)
            prev = it
            first = False
        prev_page = p
    return _spans("\n".join(blocks), blocks, starts, pages)


def _cell(c: str) -> str:
    return re.sub(r"\s+", "", c)


def _spans(text: str, blocks: list[str], starts: list[tuple[int, int, int]],
           pages: list[PageItems]) -> tuple[str, list[tuple[int, int, int, bool]]]:
    """Turn (block index, offset in block) page starts into character spans that tile ``text``."""
    block_at = [0]
    for b in blocks:
        block_at.append(block_at[-1] + len(b) + 1)
    offs = []
    for _, bi, off in starts:
        offs.append(min(len(text), block_at[bi] + off) if bi < len(blocks) else len(text))
    for i in range(1, len(offs)):  # a page with nothing keeps the position of the one before
        offs[i] = max(offs[i], offs[i - 1])
    offs[0] = 0
    ends = offs[1:] + [len(text)]
    return text, [(p.number, s, e, p.ocr) for p, s, e in zip(pages, offs, ends, strict=True)]

