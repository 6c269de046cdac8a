"""HTML → canonical text: the page's main text without navigation, sidebars, header or footer.

trafilatura finds the main content (its boilerplate removal is what it is good at) and gives it as XML:
headings, paragraphs, list items, tables. Its tables lose empty cells, which shifts every value of a
row like ``\t2.工业增加值占GDP比重(%)\t\t14``, so each table it keeps is matched back to the page's own
``<table>`` by its cell text and written from there, colspans kept as empty cells. The bytes are decoded
with the charset the page declares (GB2312/GBK pages read as GB18030, their superset).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

from qa.formats.layout import tidy

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_GB = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "gb18030", "x-euc-cn", "hz-gb-2312"}


def decode_html(data: bytes) -> tuple[str, str]:
    """Text and the charset used: BOM, then the declared <meta> charset, then UTF-8, then GB18030."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), enc
    declared = None
    m = _META.search(data[:8192])
    if m:
        name = m.group(1).decode("ascii", "ignore").lower()
        declared = "gb18030" if name in _GB else name
    tried = [e for e in (declared, "utf-8", "gb18030") if e]
    for enc in tried:
        try:
            codecs.lookup(enc)
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace"), "utf-8"


def _cells_of(table: Any) -> list[list[str]]:
    """A page <table>'s rows (th/td in order, colspan as empty cells), nested tables flattened."""
    rows = []
    for tr in table.iter("tr"):
        if _closest_table(tr) is not table:
            continue
        row = []
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            row.append(_text(cell))
            span = cell.get("colspan", "1")
            row += [""] * (min(int(span), 50) - 1 if span.isdigit() and int(span) > 1 else 0)
        if any(c for c in row):
            rows.append(row)
    return rows


def _closest_table(el: Any) -> Any:
    el = el.getparent()
    while el is not None and el.tag != "table":
        el = el.getparent()
    return el


def _text(el: Any) -> str:
    """An element's text as one cell or line: whitespace runs as one space, none between Chinese."""
    return _flat("".join(el.itertext()))


def _flat(s: str) -> str:
    return tidy(" ".join(s.split()))


def _sig(text: str) -> str:
    return re.sub(r"\s+", "", text)


def read_html(path: Path, data: bytes, *, error: type[Exception], need: Any) -> str:
    """The main text of an HTML page as canonical lines."""
    trafilatura = need("trafilatura", "html", "reading HTML")
    lxml_html = need("lxml.html", "html", "reading HTML")
    etree = need("lxml.etree", "html", "reading HTML")
    text, _ = decode_html(data)
    text = re.sub(r"<\?xml[^>]*\?>", "", text[:200]) + text[200:]  # lxml refuses str with an XML declaration
    if not text.strip():
        raise error(f"{path}: file is empty")
    try:
        tree = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as e:
        raise error(f"{path}: not a readable HTML page ({e})") from None
    page_tables = [(t, rows) for t in tree.iter("table") if (rows := _cells_of(t))]
    xml = trafilatura.extract(text, output_format="xml", include_tables=True, include_comments=False,
                              include_images=False, favor_recall=True, deduplicate=False, with_metadata=False)
    if not xml:
        return ""
    main = etree.fromstring(xml.encode("utf-8"))
    lines: list[str] = []
    used: set[int] = set()

    def table_rows(node: Any) -> list[list[str]]:
        cells = [_text(c) for c in node.iter("cell")]
        sig = _sig("".join(cells))
        for i, (_, rows) in enumerate(page_tables):
            if i not in used and _sig("".join(c for r in rows for c in r)) == sig:
                used.add(i)
                return rows
        out = []  # no page table matches: trafilatura's rows, as they are
        for row in node.iter("row"):
            out.append([_text(c) for c in row.iter("cell")])
        return out

    def walk(node: Any) -> None:
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "table":
                lines.extend("\t".join(r) for r in table_rows(child))
            elif tag in ("list",):
                walk(child)
            elif tag in ("head", "p", "item", "quote", "code"):
                lines.extend(ln for ln in _text_lines(child) if ln)
            elif tag in ("main", "doc", "div", "comments"):
                walk(child)
            elif tag == "graphic":
                continue
            else:
                lines.extend(ln for ln in _text_lines(child) if ln)

    walk(main)
    return "\n".join(lines)


def _text_lines(el: Any) -> list[str]:
    """A paragraph's text, split where the page had a line break (trafilatura's <lb/>)."""
    parts = [el.text or ""]
    for sub in el:
        if sub.tag == "lb":
            parts.append("")
        else:
            parts[-1] += "".join(sub.itertext())
        parts[-1] += sub.tail or ""
    return [_flat(p) for p in parts]
