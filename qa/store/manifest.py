"""The manifest: the one record that names every live document version, and a cheap "has the embedded store
committed since?" check, so a warm question need not read that record.

``Store.commit`` marks the stamp file ``busy`` before it writes the manifest record and ``done`` (with the
new generation) after. A reader that finds ``done``, and the database file's size and time as they were at
its last full read, holds the live state. Anything else (busy, no stamp, a crash between the two marks, a
write by a planqa that keeps no stamp) means a full read, as before. A `chroma run` server has no stamp.

The mirror: a copy of the manifest record beside the stamp, valid while the stamp reads exactly as it did when
the copy was taken (every stamp is unique, and every commit marks ``busy`` before it writes). A new process
reads the live state from it without opening Chroma (importing chromadb and opening the store was ~1 s of a
~1.3 s cold `qa ask`); the chunks and statements come from the segments (qa.retrieve.corpus). The database
files are no part of this check: opening an embedded Chroma, even to read, touches them.
"""

from __future__ import annotations

import contextlib
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


MIRROR = "planqa.manifest.json"


def mark(folder: Path, state: str) -> str:
    """Replace the stamp whole (a reader sees the old mark or the new one); a token makes every mark unique."""
    path = folder / STAMP
    tmp = folder / f".{STAMP}.{uuid.uuid4().hex}"
    text = f"{state} {uuid.uuid4().hex}"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return text


def stamp_text(folder: Path) -> str | None:
    """The stamp when it says ``done`` (a finished commit), else None."""
    try:
        text = (folder / STAMP).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return text if text.startswith("done ") else None


def mirror(folder: Path) -> Manifest | None:
    """The manifest the mirror holds, when the stamp still reads as it did when the copy was taken."""
    now = stamp_text(folder)
    if now is None:
        return None
    try:
        held = json.loads((folder / MIRROR).read_text("utf-8"))
        if held.get("stamp") != now:
            return None
        manifest = Manifest.model_validate(held["manifest"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # absent, older, or damaged: read Chroma
        return None
    return manifest if stamp_text(folder) == now else None  # a commit began while the copy was read


def keep_mirror(folder: Path, stamp: str | None, manifest: Manifest) -> None:
    """Copy ``manifest``, read while the stamp was ``stamp`` (unchanged from before the read to after it)."""
    if stamp is None or stamp != stamp_text(folder):
        return
    with contextlib.suppress(OSError, ValueError):
        if json.loads((folder / MIRROR).read_text("utf-8")).get("stamp") == stamp:
            return  # already held
    tmp = folder / f".{MIRROR}.{uuid.uuid4().hex}"
    try:
        tmp.write_text(json.dumps({"stamp": stamp, "manifest": manifest.model_dump(mode="json")},
                                  ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, folder / MIRROR)
    except OSError:  # a read-only or full disk: the next process reads Chroma, as before
        with contextlib.suppress(OSError):
            tmp.unlink()


def token(folder: Path) -> str | None:
    """The store's state as far as a cheap look can tell, or None when only a full read can."""
    text = stamp_text(folder)
    if text is None:
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
