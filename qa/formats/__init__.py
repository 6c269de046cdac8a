"""One canonical text per plan file, whatever its format: .txt/.md, PDF (also scanned), Word .docx, HTML.

The canonical text is what every offset and citation points into, so each reader makes it the way a
person reads the document: paragraphs as lines, headings on lines of their own, tables as TAB-separated
rows (header row first), and nothing of the page furniture (running headers and footers, page numbers,
table-of-contents lines, a web page's navigation). For a .txt/.md file it is the decoded file, unchanged,
so offsets into existing plans never move. PDF pages keep their spans (``Canonical.pages``).

Each heavy library is imported only inside its reader and is an optional extra (``planqa[pdf]``,
``[docx]``, ``[html]``, ``[ocr]``, or ``[formats]`` for all); a missing one, and every bad document, is a
``FormatError`` whose one line names the file and the reason.
"""

from __future__ import annotations

import bisect
import importlib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".pdf", ".docx", ".html", ".htm"})
FORMATS = {".txt": "txt", ".md": "md", ".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html"}


class FormatError(Exception):
    """A one-line, user-facing reason a file cannot be read, naming the file."""


@dataclass(frozen=True)
class Page:
    """A page's span [start, end) in the canonical text (1-based number); ``ocr`` if its text came from OCR."""

    number: int
    start: int
    end: int
    ocr: bool


@dataclass
class Canonical:
    """A document's canonical text and where it came from."""

    text: str
    format: str  # "txt" | "md" | "pdf" | "docx" | "html"
    encoding: str | None  # txt/md: utf-8, utf-8-sig or gb18030; else None
    pages: list[Page] = field(default_factory=list)  # PDF only; spans tile the text in order
    ocr: bool = False

    def page_at(self, offset: int) -> int | None:
        """The number of the page holding character ``offset`` (None without pages or out of range)."""
        if not self.pages or not 0 <= offset < len(self.text):
            return None
        spans = [p for p in self.pages if p.end > p.start]
        i = bisect.bisect_right([p.start for p in spans], offset) - 1
        return spans[i].number if i >= 0 and offset < spans[i].end else None


# work one file may cost, whatever its size on disk: a 763 KB .docx whose XML unpacks to gigabytes, a PDF page
# of 14,000 × 14,000 points that OCR would render at 180 dpi
MAX_XML_MB = 60
MAX_PAGE_PIXELS = 60_000_000


def read_document(path: Path, data: bytes, *, max_pages: int = 400, ocr: bool = True,
                  max_xml_mb: float = MAX_XML_MB, max_pixels: int = MAX_PAGE_PIXELS) -> Canonical:
    """The canonical text of ``data``, read as the format ``path``'s suffix names.

    ``max_pages`` refuses longer PDFs before parsing them; ``ocr=False`` refuses scanned pages instead of
    reading them with OCR. Raises FormatError (one line, naming ``path``) for anything unreadable.
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise FormatError(f"{path}: unsupported file type {path.suffix or '(none)'} "
                          f"(expected {', '.join(sorted(SUFFIXES))})")
    if not data.strip():
        raise FormatError(f"{path}: file is empty")

    def need(module: str, extra: str, purpose: str) -> ModuleType:
        """Import a reader's library, or say which extra brings it (or why an installed one fails)."""
        try:
            return importlib.import_module(module)
        except ImportError as e:
            if e.name and (module == e.name or module.startswith(e.name + ".")):
                raise FormatError(f"{path}: {purpose} needs the {extra} extra: "
                                  f"pip install 'planqa[{extra}]'") from None
            raise FormatError(f"{path}: {purpose}: {module} is installed but does not load "
                              f"({' '.join(str(e).split())[:120]})") from None

    try:
        if fmt in ("txt", "md"):
            from qa.formats.text import decode

            text, encoding = decode(path, data)
            return Canonical(text, fmt, encoding)
        if fmt == "pdf":
            from qa.formats.pdf import read_pdf

            text, spans = read_pdf(path, data, max_pages=max_pages, ocr=ocr, error=FormatError, need=need,
                                   max_pixels=max_pixels)
            pages = [Page(n, s, e, o) for n, s, e, o in spans]
            return Canonical(text, fmt, None, pages, any(p.ocr for p in pages))
        if fmt == "docx":
            from qa.formats.word import read_docx

            text = read_docx(path, data, error=FormatError, need=need, max_xml_mb=max_xml_mb)
        else:
            from qa.formats.web import read_html

            text = read_html(path, data, error=FormatError, need=need)
    except (FormatError, MemoryError, KeyboardInterrupt):
        raise
    except Exception as e:  # a reader must never hand the user a traceback
        reason = " ".join(f"{type(e).__name__}: {e}".split())[:160]
        raise FormatError(f"{path}: cannot read this {fmt} file ({reason})") from None
    if not text.strip():
        raise FormatError(f"{path}: no text found in the document")
    return Canonical(text, fmt, None)


__all__ = ["SUFFIXES", "Canonical", "FormatError", "Page", "read_document"]
