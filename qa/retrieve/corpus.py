"""The query-time view of the live store: chunks with their BM25 postings, and the statements each chunk holds.

Kept as one ``Segment`` per live document version (its chunks, statements with their label vectors, and
lexical postings), read from the store once, written under ``QA_HOME/segments`` and never changed: a
manifest's corpus is its segments side by side, so a new plan costs reading and counting that plan, and a
process that holds the other segments in memory loads only the new one. A reader assembles exactly the
segments its manifest names: the old state or the new one, never a mix.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from qa.models import Chunk, Statement
from qa.store.lexical import LexicalIndex, Postings, prune, save_folder

SEGMENT_FORMAT = "seg-2"  # bump when a segment's files or their reading change: every segment is rebuilt
VECTOR_DIM = 384
EXACT_MAX = 50_000  # chunks up to which dense search is exact, in memory (~75 MB); above, Chroma's HNSW


def segment_name(manifest, doc_id: str) -> str:  # noqa: ANN001 - qa.store.chroma.Manifest
    """What a segment depends on: the version, its statements' reader, its chunking, the embedding model."""
    blob = json.dumps([SEGMENT_FORMAT, manifest.statement_key(doc_id), manifest.chunking_of(doc_id), manifest.embedding], ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


@dataclass
class Segment:
    """One live document version as queries read it."""

    doc_id: str
    chunks: list[Chunk]
    statements: list[Statement]
    vectors: np.ndarray
    postings: Postings
    chunk_vectors: np.ndarray  # the chunks' stored embeddings (memory-mapped when loaded)

    @classmethod
    def build(cls, store, manifest, doc_id: str) -> Segment:  # noqa: ANN001 - qa.store.chroma.Store, Manifest
        """Read from the store: this version's chunks and statements only."""
        from qa.store.chroma import index_text

        chunks = store.live_chunks(manifest, {doc_id})
        statements, vecs = store.live_statements(manifest, {doc_id}, with_embeddings=True)
        dim = next((len(v) for v in vecs if v is not None), VECTOR_DIM)
        arr = np.asarray([v if v is not None else np.zeros(dim) for v in vecs], dtype=np.float32).reshape(-1, dim)
        return cls(doc_id, chunks, statements, arr, Postings.count([index_text(c) for c in chunks]),
                   store.chunk_vectors([c.id for c in chunks]))

    @cached_property
    def years(self) -> set[int]:
        """The years its text names, read once per segment (not once per library change)."""
        return years_named(self.chunks).get(self.doc_id, set())

    def write(self, folder: Path) -> None:
        (folder / "chunks.json").write_text(
            json.dumps([c.model_dump() for c in self.chunks], ensure_ascii=False), encoding="utf-8")
        (folder / "statements.json").write_text(
            json.dumps([s.model_dump() for s in self.statements], ensure_ascii=False), encoding="utf-8")
        np.save(folder / "vectors.npy", self.vectors)
        np.save(folder / "chunk_vectors.npy", self.chunk_vectors)
        self.postings.write(folder)
        (folder / "segment.json").write_text(json.dumps({"doc_id": self.doc_id, "chunks": len(self.chunks),
                                                         "statements": len(self.statements),
                                                         "years": sorted(self.years)}), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Segment:
        """A complete segment or ValueError/OSError (a folder is renamed into place whole, but disks fail)."""
        meta = json.loads((folder / "segment.json").read_text("utf-8"))
        chunks_of, statements_of = _adapters()  # straight from the bytes: no Python dicts in between
        chunks = chunks_of.validate_json((folder / "chunks.json").read_bytes())
        statements = statements_of.validate_json((folder / "statements.json").read_bytes())
        vectors = np.load(folder / "vectors.npy")
        postings = Postings.load(folder)
        chunk_vectors = np.load(folder / "chunk_vectors.npy", mmap_mode="r")
        if (len(chunks), len(statements)) != (meta["chunks"], meta["statements"]) \
                or len(postings.lengths) != len(chunks) or len(vectors) != len(statements) \
                or len(chunk_vectors) != len(chunks):
            raise ValueError(f"{folder}: an incomplete segment")
        seg = cls(meta["doc_id"], chunks, statements, vectors, postings, chunk_vectors)
        if "years" in meta:  # read when the segment was written (a segment of an earlier planqa counts them again)
            seg.__dict__["years"] = set(meta["years"])
        return seg


@functools.cache
def _adapters():  # noqa: ANN202 - (TypeAdapter[list[Chunk]], TypeAdapter[list[Statement]])
    from pydantic import TypeAdapter

    return TypeAdapter(list[Chunk]), TypeAdapter(list[Statement])


def runs_of(items: list[Chunk] | list[Statement]) -> dict[str, tuple[int, int]]:
    """Each document's [first, last + 1) rows in ``items``, laid out one document after another."""
    out: dict[str, tuple[int, int]] = {}
    for i, item in enumerate(items):
        a, _ = out.get(item.doc_id, (i, i))
        out[item.doc_id] = (a, i + 1)
    return out


def years_named(chunks: list[Chunk]) -> dict[str, set[int]]:
    from qa.figures import vocab as V

    out: dict[str, set[int]] = {}
    for c in chunks:
        out.setdefault(c.doc_id, set()).update(V.years_in(c.clean))
    return out


class Segments:
    """The segments of one QA_HOME, on disk and (for this process) in memory by name."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.loaded: dict[str, Segment] = {}

    def get(self, store, manifest, doc_id: str) -> Segment:  # noqa: ANN001
        name = segment_name(manifest, doc_id)
        seg = self.loaded.get(name)
        if seg is None:
            path = self.folder / name
            try:
                seg = Segment.load(path)
            except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):  # absent, or damaged on disk
                seg = Segment.build(store, manifest, doc_id)
                if path.exists():  # a damaged segment: set aside, the rebuilt one takes its name
                    shutil.rmtree(path, ignore_errors=True)
                save_folder(path, seg.write, keep_others=True)
            self.loaded[name] = seg
        return seg

    def prepare(self, store, manifest) -> int:  # noqa: ANN001
        """Write the segments the manifest names that the disk lacks (after `qa ingest`), so the next new
        process answers from the segments and the manifest's mirror without opening Chroma. How many."""
        todo = [d for d in sorted(manifest.versions) if not (self.folder / segment_name(manifest, d)).is_dir()]
        for d in todo:
            self.get(store, manifest, d)
        self.loaded.clear()
        return len(todo)

    def corpus(self, store, manifest) -> Corpus:  # noqa: ANN001
        """The manifest's corpus; segments of other manifests leave this process's memory, and the disk after
        ten minutes (another process may still be reading an older manifest)."""
        names = {segment_name(manifest, d): d for d in manifest.versions}
        segs = [self.get(store, manifest, d) for d in sorted(manifest.versions)]
        self.loaded = {n: s for n, s in self.loaded.items() if n in names}
        if self.folder.exists():
            prune(self.folder, keep=set(names), spare=0)
        before = self.folder.parent / "lexical"  # whole-library indexes of earlier planqa versions: never read
        if before.is_dir():
            shutil.rmtree(before, ignore_errors=True)
        return Corpus.assemble(segs)


@dataclass
class Corpus:
    lexical: LexicalIndex
    statements: list[Statement] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, VECTOR_DIM), dtype=np.float32))
    by_chunk: dict[str, list[int]] = field(default_factory=dict)
    by_id: dict[str, int] = field(default_factory=dict)
    chunk_vectors: np.ndarray | None = None  # unit rows in lexical chunk order; None: too many to hold at once
    doc_vectors: dict[str, np.ndarray] = field(default_factory=dict)  # each plan's stored rows (memory-mapped)
    doc_years: dict[str, set[int]] = field(default_factory=dict)  # each plan's named years, from its segment

    def __post_init__(self) -> None:
        self.by_chunk, self.by_id = {}, {}
        for i, st in enumerate(self.statements):
            self.by_id[st.id] = i
            for cid in st.chunk_ids or ([st.chunk_id] if st.chunk_id else []):
                self.by_chunk.setdefault(cid, []).append(i)

    @property
    def chunks(self) -> list:
        return self.lexical.chunks

    def of_chunk(self, chunk_id: str) -> list[Statement]:
        return [self.statements[i] for i in self.by_chunk.get(chunk_id, ())]

    def vector(self, st: Statement) -> np.ndarray | None:
        i = self.by_id.get(st.id)
        if i is None or i >= len(self.vectors):
            return None
        return self.vectors[i]

    @cached_property
    def rows_of(self) -> dict[str, tuple[int, int]]:
        """Each document's run of rows in ``chunks`` (a segment's chunks are assembled side by side)."""
        return runs_of(self.chunks)

    @cached_property
    def years_of(self) -> dict[str, set[int]]:
        """Every year each document's text names (2010年, 二〇三五年): what questions about years may ask."""
        return self.doc_years or years_named(self.chunks)

    @cached_property
    def sentences(self):  # noqa: ANN201 - qa.retrieve.sentences.SentenceIndex
        """Every sentence of the live chunks, with each plan's bigram weights (built on first use)."""
        from qa.retrieve.sentences import SentenceIndex

        return SentenceIndex(self.chunks)

    def printed(self, word: str) -> int:
        """About how many passages print ``word`` (its rarest bigram's chunk count; 0: no plan has it): which of
        a dictionary's translations the library itself uses."""
        from qa.store.lexical import tokenize

        toks = tokenize(word)
        return min((self.lexical.df(t) for t in toks), default=0)

    @cached_property
    def statement_rows(self) -> dict[str, tuple[int, int]]:
        """Each document's run of rows in ``statements`` (assembled segment by segment, like the chunks)."""
        return runs_of(self.statements)

    def of_docs(self, doc_ids: set[str] | None = None) -> list[Statement]:
        """The statements of ``doc_ids`` in corpus order, by each plan's run (a library of 1,000 plans asks
        this once a plan for a cross-plan table)."""
        if doc_ids is None:
            return list(self.statements)
        runs = sorted(self.statement_rows[d] for d in doc_ids if d in self.statement_rows)
        return [st for a, b in runs for st in self.statements[a:b]]

    @classmethod
    def assemble(cls, segments: list[Segment]) -> Corpus:
        chunks = [c for s in segments for c in s.chunks]
        statements = [st for s in segments for st in s.statements]
        dim = next((s.vectors.shape[1] for s in segments if s.vectors.size), VECTOR_DIM)
        vectors = np.concatenate([s.vectors.reshape(-1, dim) if s.vectors.size else np.zeros((0, dim), np.float32)
                                  for s in segments]) if segments else np.zeros((0, dim), dtype=np.float32)
        lexical = LexicalIndex(chunks, [(s.doc_id, s.postings) for s in segments])
        dense = None
        if 0 < len(chunks) <= EXACT_MAX:  # every segment holds a vector per chunk (checked when built or loaded)
            dense = np.concatenate([np.asarray(s.chunk_vectors, dtype=np.float32) for s in segments])
            norms = np.linalg.norm(dense, axis=1, keepdims=True)
            dense = dense / np.where(norms == 0, 1.0, norms)
        return cls(lexical, statements, vectors.astype(np.float32, copy=False), chunk_vectors=dense,
                   doc_vectors={s.doc_id: s.chunk_vectors for s in segments},
                   doc_years={s.doc_id: s.years for s in segments if s.chunks})

    def can_dense(self, allowed: set[str] | None) -> bool:
        """Whether ``dense`` answers exactly here: the whole library is held, or the plans in scope are few
        enough to read from their segments (above that, Chroma's HNSW searches)."""
        if self.chunk_vectors is not None:
            return True
        rows = self.rows_of
        return allowed is not None and 0 < sum(rows[d][1] - rows[d][0] for d in allowed if d in rows) <= EXACT_MAX

    def dense(self, query_vec: np.ndarray, n: int, allowed: set[str] | None) -> list[tuple[str, float]]:
        """The ``n`` chunks nearest to ``query_vec`` (of the ``allowed`` plans) by cosine distance, exactly, as
        Chroma's HNSW ranks them (equal distances by id); only where ``can_dense``."""
        q = np.asarray(query_vec, dtype=np.float32)
        q = q / (np.linalg.norm(q) or 1.0)
        chunks = self.chunks
        if self.chunk_vectors is None:  # a large library: only the rows of the plans in scope, normalised here
            assert allowed is not None
            runs = sorted(self.rows_of[d] for d in allowed if d in self.rows_of)
            rows = np.concatenate([np.arange(a, b) for a, b in runs])
            held = np.concatenate([np.asarray(self.doc_vectors[chunks[a].doc_id], dtype=np.float32) for a, _ in runs])
            norms = np.linalg.norm(held, axis=1, keepdims=True)
            part = 1.0 - (held / np.where(norms == 0, 1.0, norms)) @ q
            dist = np.full(len(chunks), np.inf, dtype=part.dtype)
            dist[rows] = part
            allowed = None
        else:
            dist = 1.0 - self.chunk_vectors @ q
        if allowed is not None:
            keep = np.zeros(len(chunks), dtype=bool)
            for d in allowed:
                a, b = self.rows_of.get(d, (0, 0))
                keep[a:b] = True
            dist = np.where(keep, dist, np.inf)
        k = min(2 * n, len(dist))
        take = np.argpartition(dist, k - 1)[:k] if 0 < k < len(dist) else np.arange(k)
        found = [(chunks[i].id, float(dist[i])) for i in take if np.isfinite(dist[i])]
        return sorted(found, key=lambda h: (round(h[1], 6), h[0]))[:n]
