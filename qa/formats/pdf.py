"""PDF → canonical text: pdfplumber reads the text layer and ruled tables, pypdfium2 opens and renders.

pypdfium2 opens the file first because it is fast and strict: a corrupt or encrypted file, zero pages
or too many pages is refused before pdfplumber parses anything. Each page then yields positioned lines
(chars inside a table left out, so no cell is said twice) and tables; a page without a usable text
layer is rendered and OCR'd (qa.formats.ocr). qa.formats.layout turns the pages into paragraphs.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from pathlib import Path
from typing import Any

from qa.formats.layout import Line, PageItems, Table, assemble, fix_chars, join_cell, tidy

# a page needs OCR when its text layer has fewer meaningful characters than this (or more (cid:…) and
# private-use garbage than text) and images cover 30% of it, or its text was turned into paths
MIN_TEXT_CHARS = 20
_MEANINGFUL = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")
_GARBAGE = re.compile(r"\(cid:\d+\)|[\ue000-\uf8ff\ufffd]")


def read_pdf(path: Path, data: bytes, *, max_pages: int, ocr: bool, error: type[Exception], need: Any,
             max_pixels: int = 60_000_000) -> tuple[str, list[tuple[int, int, int, bool]]]:
    """The canonical text of a PDF and each page's (number, start, end, ocr) span."""
    pdfium = need("pypdfium2", "pdf", "reading PDF")
    pdfplumber = need("pdfplumber", "pdf", "reading PDF")
    for name in ("pdfminer", "pdfplumber"):
        logging.getLogger(name).setLevel(logging.ERROR)  # font warnings on every page of Chromium PDFs
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise error(f"{path}: PDF is encrypted (password-protected); save an unprotected copy") from None
        if _no_pages(pdfplumber, data):  # PDFium refuses an empty page tree with "error: Success"
            raise error(f"{path}: PDF has no pages") from None
        reason = str(e).replace("Failed to load document", "").strip(" .()") or type(e).__name__
        raise error(f"{path}: not a readable PDF (corrupt or truncated: {reason})") from None
    try:
        n = len(doc)
        if n == 0:
            raise error(f"{path}: PDF has no pages")
        if n > max_pages:
            raise error(f"{path}: PDF has {n} pages, over the {max_pages}-page limit")
        try:
            pdf = pdfplumber.open(io.BytesIO(data))
        except Exception as e:  # pdfminer raises many types for damaged files
            raise error(f"{path}: not a readable PDF ({type(e).__name__}: {str(e)[:80]})") from None
        with pdf:
            pages, scans = [], []
            for i, page in enumerate(pdf.pages):
                try:
                    items, needs_ocr = _page_items(page)
                except Exception as e:
                    raise error(f"{path}: page {i + 1} cannot be read ({type(e).__name__}: {str(e)[:80]})") from None
                pages.append(PageItems(i + 1, items))
                if needs_ocr:
                    scans.append(i)
                page.close()  # pdfplumber caches every object of a page; 400 pages would hold them all
        if scans:
            _ocr_pages(path, doc, pages, scans, ocr=ocr, n=n, error=error, need=need, max_pixels=max_pixels)
    finally:
        doc.close()
    text, spans = assemble(pages)
    if not text.strip():
        raise error(f"{path}: no text found in the PDF")
    return text, spans


def _no_pages(pdfplumber: Any, data: bytes) -> bool:
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return len(pdf.pages) == 0
    except Exception:
        return False


def _page_items(page: Any) -> tuple[list[Line | Table], bool]:
    """Lines outside tables and ruled tables of one page, top to bottom, and whether it needs OCR."""
    tables = []
    for t in page.find_tables():
        rows = [[join_cell(c or "") for c in r] for r in t.extract()]
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:  # a box drawn around text is no table
            tables.append((t.bbox, Table(rows, t.bbox[1], t.bbox[3])))
    boxes = [b for b, _ in tables]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    view = page.filter(outside) if boxes else page
    lines: list[Line | Table] = []
    raw = ""
    for ln in view.extract_text_lines(return_chars=True):
        text = tidy(ln["text"])
        raw += ln["text"]
        if not text:
            continue
        sizes = Counter(round(c["size"], 1) for c in ln["chars"] if not c["text"].isspace())
        size = sizes.most_common(1)[0][0] if sizes else ln["bottom"] - ln["top"]
        lines.append(Line(text, ln["x0"], ln["x1"], ln["top"], ln["bottom"], size))
    items = sorted(lines + [t for _, t in tables], key=lambda it: it.top)
    meaningful = len(_MEANINGFUL.findall(fix_chars(raw))) + sum(len(c) for _, t in tables for r in t.rows for c in r)
    garbage = len(_GARBAGE.findall(raw))
    area = page.width * page.height
    imaged = sum((im["x1"] - im["x0"]) * (im["bottom"] - im["top"]) for im in page.images) >= 0.3 * area
    outlined = len(page.curves) > 200  # text turned into paths: it looks like text and has none
    needs_ocr = (imaged or outlined) and (meaningful < MIN_TEXT_CHARS or garbage > meaningful)
    return items, needs_ocr


def _ocr_pages(path: Path, doc: Any, pages: list[PageItems], scans: list[int], *, ocr: bool, n: int,
               error: type[Exception], need: Any, max_pixels: int = 60_000_000) -> None:
    """Replace the items of scanned pages with OCR lines; refuse when OCR is off or not installed."""
    if len(scans) == n:
        what = "the PDF is a scan with no text layer"
    elif len(scans) == 1:
        what = f"page {scans[0] + 1} of {n} is a scan with no text layer"
    else:
        what = f"{len(scans)} of {n} pages are scans with no text layer"
    if not ocr:
        raise error(f"{path}: {what}, and OCR is off")
    from qa.formats import ocr as ocr_mod

    for i in scans:  # measured before anything is rendered: a giant page would take gigabytes
        w, h = doc[i].get_size()
        pixels = w * h * ocr_mod.SCALE * ocr_mod.SCALE
        if pixels > max_pixels:
            raise error(f"{path}: page {i + 1} is {w:.0f} × {h:.0f} points; reading it by OCR would render "
                        f"{pixels / 1e6:.0f} megapixels, over the {max_pixels / 1e6:.0f} a page may take (QA_MAX_PAGE_PIXELS)")
    engine = ocr_mod.engine(need, f"{what}; OCR")
    for i in scans:
        pages[i].items = ocr_mod.page_lines(engine, doc[i])
        pages[i].ocr = True
    if not any(pages[i].items for i in scans) and len(scans) == n:
        raise error(f"{path}: {what}, and OCR found no text in it")
