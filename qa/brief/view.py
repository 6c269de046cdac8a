"""One stored plan as the brief sees it: canonical text, outline, sentences and statements, all from the store.

Nothing here reads the source file: the canonical text, the outline (headings with spans), the chunks'
sentence units and the statements were written with the document version at ingest, so a brief, a
comparison and the page cite exactly what answers cite.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from qa.models import Citation, Document, Statement


class BriefError(Exception):
    """A one-line reason one plan's brief could not be made."""


@dataclass
class Heading:
    level: int
    title: str
    path: str
    start: int  # canonical-text span of the heading line
    end: int


@dataclass
class Unit:
    """A sentence or table row: its canonical span, its cleaned text, section and paragraph (line)."""

    start: int
    end: int
    text: str
    section: str
    kind: str
    line: int


@dataclass
class DocView:
    doc: Document
    version: str
    text: str
    units: list[Unit]
    headings: list[Heading]
    statements: list[Statement]
    chunk_spans: list[tuple[int, int, str]]

    @classmethod
    def load(cls, store: Any, manifest: Any, doc_id: str) -> DocView:
        """Everything the store holds of one live document (BriefError when it holds none)."""
        from qa.store.chroma import Manifest

        doc, version = manifest.docs.get(doc_id), manifest.versions.get(doc_id)
        if doc is None or version is None:
            raise BriefError(f"{doc_id}: not in the store (run `qa ingest`)")
        got = store.canonical_text(manifest, doc_id)
        if got is None:
            raise BriefError(f"{doc_id}: the store holds no text for this version (run `qa ingest` again)")
        text, outline = got
        one = Manifest(versions={doc_id: version}, counts={doc_id: manifest.counts.get(doc_id, 0)},
                       statements={doc_id: manifest.statements.get(doc_id, 0)},
                       readers={doc_id: manifest.readers.get(doc_id, "")})
        chunks = store.live_chunks(one)
        statements, _ = store.live_statements(one)
        return cls.of(doc, version, text, outline, chunks, statements)

    @classmethod
    def of(cls, doc: Document, version: str, text: str, outline: list[Any], chunks: list[Any],
           statements: list[Statement]) -> DocView:
        breaks = [m.start() for m in re.finditer("\n", text)]
        units: list[Unit] = []
        seen: set[tuple[int, int]] = set()
        for c in sorted(chunks, key=lambda c: c.ordinal):
            for cs, ce, os_, oe in c.units:
                if (os_, oe) in seen:
                    continue  # a sentence carried over into the next chunk
                seen.add((os_, oe))
                units.append(Unit(os_, oe, c.clean[cs:ce], c.section, c.kind, bisect.bisect_left(breaks, os_)))
        units.sort(key=lambda u: u.start)
        headings = [Heading(level, title, path, s, e) for level, title, path, s, e in outline]
        spans = sorted((c.start, c.end, c.id) for c in chunks)
        return cls(doc, version, text, units, headings, statements, spans)

    def chunk_of(self, start: int, end: int) -> str | None:
        """The first stored chunk that holds the whole span (None when it crosses chunk boundaries)."""
        return next((cid for s, e, cid in self.chunk_spans if s <= start and end <= e), None)

    def cite(self, start: int, end: int, section: str = "") -> Citation:
        """Citation of canonical [start, end), trimmed of surrounding blanks (a table row keeps its tabs)."""
        while start < end and self.text[start].isspace() and self.text[start] != "\t":
            start += 1
        while end > start and self.text[end - 1].isspace() and self.text[end - 1] != "\t":
            end -= 1
        page, ocr = self.doc.page_at(start)
        return Citation(doc_id=self.doc.id, section=section, start=start, end=end, quote=self.text[start:end],
                        chunk_id=self.chunk_of(start, end), page=page, ocr=ocr)

    def locate(self, quote: str, section: str = "") -> Citation | None:
        """Where a quoted passage (spaces and full/half width ignored) is in the text, or None."""
        from qa.text.clean import find_loose

        if len(re.sub(r"\s+", "", quote)) < 2:
            return None
        span = find_loose(self.text, quote)
        return self.cite(span[0], span[1], section or self.section_at(span[0])) if span else None

    def section_at(self, pos: int) -> str:
        best = ""
        for u in self.units:
            if u.start <= pos:
                best = u.section
            else:
                break
        return best
