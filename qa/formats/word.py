"""Word .docx → canonical text: body paragraphs and tables in the order they stand in the document.

python-docx's ``Document.paragraphs`` and ``.tables`` are two separate lists, which would move every
table to the end; so the body XML is walked instead, and each ``w:p`` and ``w:tbl`` is written where it
stands. Headings are paragraphs, so they keep lines of their own. Runs are read from the XML too: text,
tabs and line breaks, but not deleted revisions, field codes or the fallback copy of a drawing.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from qa.formats.layout import join

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_SKIP = {W + "delText", W + "instrText", W + "rPr", W + "pPr", MC + "Fallback", W + "footnoteReference"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_docx(path: Path, data: bytes, *, error: type[Exception], need: Any, max_xml_mb: float = 60) -> str:
    """The canonical text of a .docx: one line per paragraph, TAB rows per table row. Its XML is measured
    before it is parsed: a small file may unpack to gigabytes (a zip bomb), refused in one line."""
    docx = need("docx", "docx", "reading Word .docx")
    if not data.startswith(b"PK\x03\x04"):
        if data.startswith(_OLE):
            raise error(f"{path}: an old Word .doc or a password-protected .docx, not a .docx; "
                        "save it as an unprotected .docx")
        raise error(f"{path}: not a Word .docx file (not a zip archive)")
    _check_size(path, data, max_xml_mb, error)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # BadZipFile, KeyError for a missing part, ValueError for a wrong content type
        raise error(f"{path}: not a readable Word .docx ({type(e).__name__}: {str(e)[:80]})") from None
    lines: list[str] = []
    _blocks(document.element.body, lines)
    return "\n".join(ln for ln in lines if ln)


def _check_size(path: Path, data: bytes, max_xml_mb: float, error: type[Exception]) -> None:
    import zipfile

    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile as e:
        raise error(f"{path}: not a readable Word .docx (BadZipFile: {str(e)[:80]})") from None
    unpacked = sum(m.file_size for m in members if m.filename.endswith((".xml", ".rels")))
    if unpacked > max_xml_mb * 1024 * 1024:
        raise error(f"{path}: its XML unpacks to {unpacked / 1024 / 1024:.0f} MB, over the {max_xml_mb:g} MB a "
                    "document may take (QA_MAX_XML_MB); nothing was read")


def _blocks(parent: Any, lines: list[str]) -> None:
    for child in parent.iterchildren():
        if child.tag == W + "p":
            lines.extend(_paragraph(child).split("\n"))
        elif child.tag == W + "tbl":
            rows = _table(child)
            if rows and max(len(r) for r in rows) > 1:
                lines.extend("\t".join(r) for r in rows)
            else:  # a one-column table is a box around text (专栏), not a table
                for row in rows:
                    lines.extend(row)
        elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "smartTag"):
            _blocks(child, lines)


def _paragraph(p: Any) -> str:
    """A paragraph's text: w:t runs, tabs as spaces, line breaks as newlines."""
    out: list[str] = []

    def walk(el: Any) -> None:
        for c in el.iterchildren():
            tag = c.tag
            if tag in _SKIP or not isinstance(tag, str):
                continue
            if tag == W + "t":
                out.append(c.text or "")
            elif tag in (W + "tab", W + "ptab"):
                out.append(" ")
            elif tag in (W + "br", W + "cr"):
                if c.get(W + "type") not in ("page", "column"):
                    out.append("\n")
            elif tag == W + "noBreakHyphen":
                out.append("-")
            else:
                walk(c)

    walk(p)
    return "\n".join(" ".join(ln.split()) for ln in "".join(out).split("\n"))


def _table(tbl: Any) -> list[list[str]]:
    """Rows of cell texts; a cell spanning columns (gridSpan) adds empty cells so columns stay aligned."""
    rows = []
    for tr in tbl.iterchildren(W + "tr"):
        row = []
        for tc in tr.iterchildren(W + "tc"):
            text = ""
            for el in tc.iterchildren():
                if el.tag == W + "p":
                    text = join(text, _paragraph(el).replace("\n", " ").strip())
                elif el.tag == W + "tbl":  # a table in a cell: its text, flattened
                    for r in _table(el):
                        text = join(text, " ".join(c for c in r if c))
            row.append(text)
            span = tc.find(f"{W}tcPr/{W}gridSpan")
            extra = int(span.get(W + "val", "1")) - 1 if span is not None else 0
            row += [""] * max(0, min(extra, 50))
        if any(row):
            rows.append(row)
    return rows
