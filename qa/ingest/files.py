"""Which files to read and how: folders walked safely, text decoded, each file checked before anything is written.

Every file is checked before the store is touched: a bad file is refused with a one-line reason naming it,
nothing is written for it, and the rest of the batch still goes in.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from qa.formats import SUFFIXES  # noqa: E402 - .txt .md .pdf .docx .html .htm
from qa.ingest.describe import describe
from qa.models import Document
from qa.text.clean import Cleaned, clean

_CJK = re.compile(r"[\u4e00-\u9fff]")


class IngestError(Exception):
    """A one-line, user-facing reason a file cannot be ingested."""


@dataclass
class SourceFile:
    path: Path
    text: str
    encoding: str
    sha256: str
    cleaned: Cleaned
    doc: Document


def collect(paths: list[Path]) -> tuple[list[Path], dict[str, str]]:
    """Files to ingest, and the ones refused with their one-line reason. Directories are walked; a missing path,
    an empty or unreadable folder is an error of the whole run; a file that cannot be read blindly (a FIFO or
    device, a link leading out of its folder, a name that is not UTF-8) is refused by name, and the rest of
    the folder still goes in."""
    from qa.ingest.identity import name_problem, printable

    files: list[Path] = []
    failed: dict[str, str] = {}

    def refuse(f: Path, why: str) -> None:
        failed[printable(f)] = why

    for p in paths:
        if not p.exists():
            raise IngestError(f"{printable(p)}: no such file or directory")
        if p.is_dir():
            root = p.resolve()

            def unreadable(e: OSError) -> None:
                raise IngestError(f"{printable(e.filename)}: cannot read this folder ({e.strerror})")

            for _ in os.walk(p, onerror=unreadable):  # rglob skips folders it cannot read, silently
                pass
            found = sorted(f for f in p.rglob("*") if f.suffix.lower() in SUFFIXES and (f.is_file() or f.is_symlink())
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
            if not found:
                raise IngestError(f"{printable(p)}: no plan documents in this directory ({', '.join(sorted(SUFFIXES))})")
            for f in found:
                target = f.resolve()
                if not target.is_relative_to(root):
                    refuse(f, f"{printable(f)}: symbolic link to {printable(target)}, outside {printable(p)}; "
                              "give that file itself if you mean to ingest it")
                    continue
                why = name_problem(f) or _irregular(f)
                if why:
                    refuse(f, why)
                    continue
                files.append(f)
        elif p.suffix.lower() not in SUFFIXES:
            refuse(p, f"{printable(p)}: unsupported file type {p.suffix or '(none)'} "
                      f"(expected {', '.join(sorted(SUFFIXES))})")
        elif why := name_problem(p) or _irregular(p):
            refuse(p, why)
        else:
            files.append(p)
    return list(dict.fromkeys(files)), failed


def _irregular(f: Path) -> str | None:
    try:
        _regular_file(f)
    except IngestError as e:
        return str(e)
    return None


def _regular_file(f: Path) -> None:
    try:
        mode = f.stat().st_mode
    except OSError as e:
        raise IngestError(f"{f}: cannot read ({e.strerror or e})") from None
    if not stat.S_ISREG(mode):
        raise IngestError(f"{f}: not a regular file (a pipe, device or socket); planqa reads plan documents")
    if not os.access(f, os.R_OK):
        raise IngestError(f"{f}: cannot read this file (permission denied)")


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) or GB18030/GBK (qa.formats.text); anything else is an IngestError."""
    from qa.formats import FormatError
    from qa.formats.text import decode as decode_text

    try:
        return decode_text(path, data)
    except FormatError as e:
        raise IngestError(str(e)) from None


def read_source(path: Path, max_mb: float, max_pages: int = 400, ocr: bool = True, max_xml_mb: float = 60,
                max_pixels: int = 60_000_000) -> SourceFile:
    """One file as a document: its canonical text (qa.formats: .txt/.md as decoded, PDF with its pages and
    OCR'd scans, .docx, HTML), cleaned, described; an IngestError names the file and the reason."""
    from qa.formats import FormatError, read_document

    size = path.stat().st_size
    if size > max_mb * 1024 * 1024:
        raise IngestError(
            f"{path}: file is {size / 1024 / 1024:.1f} MB, over the {max_mb:g} MB limit (QA_MAX_FILE_MB)"
        )
    data = path.read_bytes()
    try:
        canon = read_document(path, data, max_pages=max_pages, ocr=ocr, max_xml_mb=max_xml_mb, max_pixels=max_pixels)
    except FormatError as e:
        raise IngestError(str(e)) from None
    text, enc = canon.text, canon.encoding or canon.format
    if not _CJK.search(text):
        raise IngestError(f"{path}: no Chinese text found; planqa reads Chinese plan documents")
    cleaned = clean(text)
    if len(_CJK.findall(cleaned.text)) < 20:
        raise IngestError(f"{path}: too little Chinese text to be a plan document")
    sha = hashlib.sha256(data).hexdigest()
    doc = describe(path.stem, path.resolve(), cleaned, sha, enc)
    doc.format = canon.format
    doc.pages = [(pg.number, pg.start, pg.end, pg.ocr) for pg in canon.pages]
    doc.ocr = canon.ocr
    return SourceFile(path, text, enc, sha, cleaned, doc)
