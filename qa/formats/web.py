"""HTML → canonical text: the page's main text without navigation, sidebars, header or footer.

Two jobs, two tools. trafilatura decides WHAT is main content — boilerplate removal is what it is good
at — but its structure cannot be trusted: its tables drop empty cells (which shifts every value of a
row like ``\t2.工业增加值占GDP比重(%)\t\t14``) and on small pages it runs headings, paragraphs and table
cells into one paragraph. So the page's own DOM decides HOW: it is walked in order into blocks (headings,
paragraphs, ``<br>`` lines, ``<table>`` rows with colspans as empty cells), and a block is kept when it
is the next piece of trafilatura's main text. Bytes are decoded with the charset the page declares
(GB2312/GBK pages read as GB18030, their superset).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

from qa.formats.layout import tidy

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_GB = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "gb18030", "x-euc-cn", "hz-gb-2312"}
_SKIP = {"script", "style", "noscript", "template", "head", "select", "option", "button", "input", "textarea",
         "iframe", "svg", "object", "canvas", "map"}
_BOILERPLATE = {"nav", "header", "footer", "aside", "form", "menu"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section", "article",
          "main", "blockquote", "pre", "address", "figure", "figcaption", "center", "tr", "table", "hr", "body"}
# class or id of a small page region that is not the text (only below 10% of the page's text: a content
# wrapper called "main-info" stays)
_BOILER_NAME = re.compile(r"nav|menu|sidebar|side|foot|header|banner|breadcrumb|crumb|share|copyright|toolbar|login"
                          r"|search|related|recommend|comment|pager|topbar|bottom|links|info|meta|print|logo", re.I)
# a site footer's lines: dropped from the end of the text, where a page without <footer> leaves them
_SITE_FOOTER = re.compile(r"版权所有|ICP备|ICP证|公网安备|技术支持|主办单位|承办单位|网站标识码|联系我们|Copyright|©", re.I)
SLACK = 80  # characters of trafilatura's main text a matching block may skip (text the DOM walk has elsewhere)


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
    for enc in (e for e in (declared, "utf-8", "gb18030") if e):
        try:
            codecs.lookup(enc)
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace"), "utf-8"


def _flat(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _line(s: str) -> str:
    """Inline text as one canonical line: whitespace runs as one space, none between Chinese characters."""
    return tidy(" ".join(s.split()))


def _data_table(table: Any) -> bool:
    """A table of values, not a page laid out with a table: no table inside, no cell holding a text body."""
    if table.find(".//table") is not None:
        return False
    return all(len(" ".join(td.itertext())) <= 400 for td in table.iter("td", "th"))


def _rows(table: Any) -> list[list[str]]:
    """A data table's rows on its grid: th/td in order, a colspan adds empty cells after its text and a
    rowspan empty cells below it (so 经济发展 spanning six rows leaves the first cell of five rows empty,
    as in the plan's own text), empty rows dropped."""
    rows = []
    below: dict[int, int] = {}  # column -> rows a rowspan above still covers
    for tr in table.iter("tr"):
        row: list[str] = []
        for cell in tr:
            if not (isinstance(cell.tag, str) and cell.tag in ("td", "th")):
                continue
            _fill(row, below)
            cols, span = _span(cell.get("colspan")), _span(cell.get("rowspan"))
            for i in range(cols):
                if span > 1:
                    below[len(row)] = span - 1
                row.append(_line("".join(cell.itertext())) if i == 0 else "")
        _fill(row, below)
        if any(row):
            rows.append(row)
    return rows


def _fill(row: list[str], below: dict[int, int]) -> None:
    """Empty cells where a rowspan from a row above covers the next columns."""
    while below.get(len(row), 0) > 0:
        below[len(row)] -= 1
        row.append("")


def _span(value: str | None) -> int:
    value = (value or "1").strip()
    return min(int(value), 50) if value.isdigit() and int(value) > 0 else 1


def _boilerplate(el: Any, total: int) -> bool:
    """Navigation, header, footer, sidebar: by tag, ARIA role, or (for a small region) class and id."""
    role = (el.get("role") or "").lower()
    if role in ("navigation", "banner", "contentinfo", "complementary", "search"):
        return True
    if el.tag in _BOILERPLATE:  # but an article's own <header> holds its title
        return not (el.tag in ("header", "footer") and any(a.tag in ("article", "main") for a in el.iterancestors()))
    name = f"{el.get('class') or ''} {el.get('id') or ''}"
    return bool(name.strip()) and bool(_BOILER_NAME.search(name)) and len(_flat(el.text_content())) < 0.1 * total


def _blocks(root: Any) -> list[tuple[str, Any, bool, Any]]:
    """The page in reading order as (kind, value, in_boilerplate, element): ("line", text) or ("table", rows),
    with the innermost block element the text stands in."""
    out: list[tuple[str, Any, bool, Any]] = []
    buf: list[str] = []
    state: dict[str, Any] = {"boiler": False, "owner": root}
    total = len(_flat(root.text_content()))

    def flush() -> None:
        text = _line("".join(buf))
        buf.clear()
        if text:
            out.append(("line", text, state["boiler"], state["owner"]))

    def walk(el: Any, boiler: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP or not tag:
            return
        boiler = boiler or _boilerplate(el, total)
        outer = state["owner"], state["boiler"]
        if tag == "table" and _data_table(el):
            flush()
            rows = _rows(el)
            if rows:
                out.append(("table", rows, boiler, el))
            return
        # a boilerplate region is a block of its own, so its text never joins a line of the main text
        block = tag in _BLOCK or tag in ("td", "th") or tag in _BOILERPLATE or boiler != outer[1]
        if block or tag == "br":
            flush()
        if block:
            state["owner"], state["boiler"] = el, boiler
        if tag != "br":
            buf.append(el.text or "")
            for child in el:
                walk(child, boiler)
                buf.append(child.tail or "")
        if block:
            flush()
            state["owner"], state["boiler"] = outer

    walk(root, False)
    flush()
    return out


def _container(blocks: list[tuple[str, Any, bool, Any]], main: str) -> Any:
    """The element holding what trafilatura calls the main text: the lowest common ancestor of the blocks
    that follow its main text in order (a short block must follow on exactly: 首页 occurs in prose too)."""
    pos, common = 0, None
    for kind, value, boiler, owner in blocks:
        if boiler:
            continue
        piece = _flat("".join(c for r in value for c in r) if kind == "table" else value)
        at = main.find(piece, pos)
        if at < 0 or at - pos > SLACK or (at > pos and len(piece) < 6):
            continue
        pos = at + len(piece)
        chain = [owner, *owner.iterancestors()]
        common = chain if common is None else [e for e in chain if e in set(common)]
    return common[0] if common else None


def read_html(path: Path, data: bytes, *, error: type[Exception], need: Any) -> str:
    """The main text of an HTML page as canonical lines: paragraphs and headings, tables as TAB rows."""
    trafilatura = need("trafilatura", "html", "reading HTML")
    lxml_html = need("lxml.html", "html", "reading HTML")
    etree = need("lxml.etree", "html", "reading HTML")
    text, _ = decode_html(data)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses a str that declares its encoding
    if not text.strip():
        raise error(f"{path}: file is empty")
    try:
        tree = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as e:
        raise error(f"{path}: not a readable HTML page ({e})") from None
    blocks = _blocks(tree)
    xml = trafilatura.extract(text, output_format="xml", include_tables=True, include_comments=False,
                              include_images=False, favor_recall=True, deduplicate=False, with_metadata=False)
    main = _flat("".join(etree.fromstring(xml.encode("utf-8")).find("main").itertext())) if xml else ""
    # even when trafilatura keeps only part of the text (a page of <div>s, a repeated section), the part
    # it keeps locates the element that holds the text; without it, all but the boilerplate is kept
    container = _container(blocks, main) if main else None
    inside = set(container.iter()) if container is not None else None
    lines: list[str] = []
    for kind, value, boiler, owner in blocks:
        if boiler or (inside is not None and owner not in inside):
            continue
        lines.extend("\t".join(r) for r in value) if kind == "table" else lines.append(value)
    tail = [i for i in range(max(0, len(lines) - 8), len(lines)) if _SITE_FOOTER.search(lines[i]) and len(lines[i]) < 120]
    return "\n".join(lines[: tail[0]] if tail else lines)
