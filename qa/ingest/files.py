"""Which files to read and how: folders walked safely, text decoded, each file checked before anything is written.

Every file is checked before the store is touched: a bad file stops the whole run with a one-line
error naming it, so the store never holds half an ingest.
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


def collect(paths: list[Path]) -> list[Path]:
    """Files to ingest: directories are walked; missing paths and empty folders are errors, and so is
    anything read blindly would hang on or leak: FIFOs and devices, links leading out of a folder."""
    files: list[Path] = []
    for p in paths:
        if not p.exists():
            raise IngestError(f"{p}: no such file or directory")
        if p.is_dir():
            root = p.resolve()

            def unreadable(e: OSError) -> None:
                raise IngestError(f"{e.filename}: cannot read this folder ({e.strerror})")

            for _ in os.walk(p, onerror=unreadable):  # rglob skips folders it cannot read, silently
                pass
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
            if not found:
                raise IngestError(f"{p}: no plan documents in this directory ({', '.join(sorted(SUFFIXES))})")
            for f in found:
                target = f.resolve()
                if not target.is_relative_to(root):
                    raise IngestError(f"{f}: symbolic link to {target}, outside {p}; "
                                      "give that file itself if you mean to ingest it")
                _regular_file(f)
            files.extend(found)
        elif p.suffix.lower() not in SUFFIXES:
            raise IngestError(f"{p}: unsupported file type {p.suffix or '(none)'} "
                              f"(expected {', '.join(sorted(SUFFIXES))})")
        else:
            _regular_file(p)
            files.append(p)
    seen: dict[str, Path] = {}
    for f in files:
        other = seen.setdefault(f.stem, f)
        if other != f and other.resolve() != f.resolve():
            raise IngestError(f"{f}: same document id '{f.stem}' as {other}; rename one of them")
    return list(dict.fromkeys(files))


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


def read_source(path: Path, max_mb: float, max_pages: int = 400, ocr: bool = True) -> SourceFile:
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
        canon = read_document(path, data, max_pages=max_pages, ocr=ocr)
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
