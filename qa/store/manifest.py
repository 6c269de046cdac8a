"""The manifest: the one record that names every live document version, and a cheap "has the embedded store
committed since?" check, so a warm question need not read that record.

``Store.commit`` marks the stamp file ``busy`` before it writes the manifest record and ``done`` (with the
new generation) after. A reader that finds ``done``, and the database file's size and time as they were at
its last full read, holds the live state. Anything else (busy, no stamp, a crash between the two marks, a
write by a planqa that keeps no stamp) means a full read, as before. A `chroma run` server has no stamp.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path

from pydantic import BaseModel, Field

from qa.models import Document


class Manifest(BaseModel):
    generation: int = 0
    docs: dict[str, Document] = Field(default_factory=dict)
    versions: dict[str, str] = Field(default_factory=dict)  # doc_id -> version
    counts: dict[str, int] = Field(default_factory=dict)  # doc_id -> live chunks
    statements: dict[str, int] = Field(default_factory=dict)  # doc_id -> live statements
    readers: dict[str, str] = Field(default_factory=dict)  # doc_id -> reader version of its live statements
    chunking: str = ""  # the chunking of the last ingest (of a document without its own entry)
    chunkings: dict[str, str] = Field(default_factory=dict)  # doc_id -> the chunking its live version has
    embedding: str = ""

    def chunking_of(self, doc_id: str) -> str:
        return self.chunkings.get(doc_id, self.chunking)

    def live_keys(self) -> list[str]:
        return [f"{d}@{v}" for d, v in sorted(self.versions.items())]

    def statement_key(self, doc_id: str) -> str:
        """The live version of ``doc_id`` with the reader of its statements: what its statements are stored under."""
        return f"{doc_id}@{self.versions[doc_id]}+{self.readers.get(doc_id, '')}"

    def statement_keys(self) -> list[str]:
        return [self.statement_key(d) for d in sorted(self.versions)]

    def digest(self) -> str:
        blob = json.dumps([self.statement_keys(), self.chunking, self.embedding], ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


STAMP = "planqa.stamp"
DATABASE = ("chroma.sqlite3", "chroma.sqlite3-wal")


def mark(folder: Path, state: str) -> None:
    """Replace the stamp whole (a reader sees the old mark or the new one); a token makes every mark unique."""
    path = folder / STAMP
    tmp = folder / f".{STAMP}.{uuid.uuid4().hex}"
    tmp.write_text(f"{state} {uuid.uuid4().hex}", encoding="utf-8")
    os.replace(tmp, path)


def token(folder: Path) -> str | None:
    """The store's state as far as a cheap look can tell, or None when only a full read can."""
    try:
        text = (folder / STAMP).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith("done "):
        return None
    parts = [text]
    for name in DATABASE:
        try:
            st = os.stat(folder / name)
        except FileNotFoundError:
            parts.append("-")
            continue
        except OSError:
            return None
        parts.append(f"{st.st_mtime_ns}:{st.st_size}")
    return "|".join(parts)
