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

from qa.ingest.describe import describe
from qa.models import Document
from qa.text.clean import Cleaned, clean

SUFFIXES = {".txt", ".md"}
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
                raise IngestError(f"{p}: no .txt or .md files in this directory")
            for f in found:
                target = f.resolve()
                if not target.is_relative_to(root):
                    raise IngestError(f"{f}: symbolic link to {target}, outside {p}; "
                                      "give that file itself if you mean to ingest it")
                _regular_file(f)
            files.extend(found)
        elif p.suffix.lower() not in SUFFIXES:
            raise IngestError(f"{p}: unsupported file type {p.suffix or '(none)'} (expected .txt or .md)")
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
        raise IngestError(f"{f}: not a regular file (a pipe, device or socket); planqa reads .txt and .md files")
    if not os.access(f, os.R_OK):
        raise IngestError(f"{f}: cannot read this file (permission denied)")


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) or GB18030/GBK; anything else is refused."""
    if not data.strip():
        raise IngestError(f"{path}: file is empty")
    if b"\x00" in data[:8192]:
        raise IngestError(f"{path}: binary file (contains NUL bytes), not a text document")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise IngestError(f"{path}: has a UTF-8 BOM but is not valid UTF-8 ({e.reason})") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise IngestError(f"{path}: unknown encoding (not UTF-8, UTF-8 with BOM, GB18030 or GBK)") from None
    # GB18030 decodes many byte soups (Shift-JIS, Big5, Latin-1) into rare hanzi; real Chinese text is
    # mostly CJK, and nearly all of its hanzi are GB2312's 3755 common ones (lead bytes 0xB0-0xD7)
    hanzi = _CJK.findall(text)
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\r\n")
    if (controls or len(hanzi) < 0.3 * len(text.replace(" ", "").replace("\n", ""))
            or common_hanzi_share(hanzi) < 0.6):
        raise IngestError(f"{path}: unknown encoding (not UTF-8, UTF-8 with BOM, GB18030 or GBK)")
    return text, "gb18030"


def common_hanzi_share(hanzi: list[str]) -> float:
    """Share of characters in GB2312 level 1, the everyday hanzi (above 0.99 in every plan we have)."""
    common = sum(0xB0 <= c.encode("gb2312", "replace")[0] <= 0xD7 for c in hanzi)
    return common / len(hanzi) if hanzi else 0.0


def read_source(path: Path, max_mb: float) -> SourceFile:
    size = path.stat().st_size
    if size > max_mb * 1024 * 1024:
        raise IngestError(
            f"{path}: file is {size / 1024 / 1024:.1f} MB, over the {max_mb:g} MB limit (QA_MAX_FILE_MB)"
        )
    data = path.read_bytes()
    text, enc = decode(path, data)
    if not _CJK.search(text):
        raise IngestError(f"{path}: no Chinese text found; planqa reads Chinese plan documents")
    cleaned = clean(text)
    if len(_CJK.findall(cleaned.text)) < 20:
        raise IngestError(f"{path}: too little Chinese text to be a plan document")
    sha = hashlib.sha256(data).hexdigest()
    return SourceFile(path, text, enc, sha, cleaned, describe(path.stem, path.resolve(), cleaned, sha, enc))
