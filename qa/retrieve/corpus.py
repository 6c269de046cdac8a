"""The query-time view of the live store: chunks with their BM25 index, and the statements each chunk holds.

Built from the store once per manifest (its digest names the folder under ``QA_HOME/lexical``), saved
beside the BM25 index, and loaded by every process that answers, so a question costs no store read
beyond the dense query. Statements keep their label vectors for the answer ranking's similarity part.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from qa.models import Statement
from qa.store.lexical import LexicalIndex, save_folder


@dataclass
class Corpus:
    lexical: LexicalIndex
    statements: list[Statement] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 384), dtype=np.float32))
    by_chunk: dict[str, list[int]] = field(default_factory=dict)
    by_id: dict[str, int] = field(default_factory=dict)

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
    def years_of(self) -> dict[str, set[int]]:
        """Every year each document's text names (2010年, 二〇三五年): what questions about years may ask."""
        from qa.figures import vocab as V

        out: dict[str, set[int]] = {}
        for c in self.chunks:
            got = out.setdefault(c.doc_id, set())
            for m in V.YEAR_TOKEN.finditer(c.clean):
                y = int(m.group(1)) if m.group(1) else V.cn_year(m.group(3)) if m.group(3) else None
                if y:
                    got.add(y)
        return out

    @cached_property
    def sentences(self):  # noqa: ANN201 - qa.retrieve.sentences.SentenceIndex
        """Every sentence of the live chunks, with each plan's bigram weights (built on first use)."""
        from qa.retrieve.sentences import SentenceIndex

        return SentenceIndex(self.chunks)

    def of_docs(self, doc_ids: set[str] | None = None) -> list[Statement]:
        return [s for s in self.statements if doc_ids is None or s.doc_id in doc_ids]

    @classmethod
    def build(cls, store, manifest) -> Corpus:  # noqa: ANN001 - qa.store.chroma.Store, Manifest
        from qa.store.chroma import index_text

        chunks = store.live_chunks(manifest)
        statements, vecs = store.live_statements(manifest, with_embeddings=True)
        dim = next((len(v) for v in vecs if v is not None), 384)
        arr = np.asarray([v if v is not None else np.zeros(dim) for v in vecs], dtype=np.float32).reshape(-1, dim)
        return cls(LexicalIndex.build(chunks, [index_text(c) for c in chunks]), statements, arr)

    def save(self, path: Path) -> None:
        """Written to a temp dir then renamed, so a reader never loads half a corpus."""
        def write(tmp: Path) -> None:
            self.lexical.write(tmp)
            (tmp / "statements.json").write_text(
                json.dumps([s.model_dump() for s in self.statements], ensure_ascii=False), encoding="utf-8")
            np.save(tmp / "vectors.npy", self.vectors)

        save_folder(path, write)

    @classmethod
    def load(cls, path: Path) -> Corpus:
        lexical = LexicalIndex.load(path)
        raw = json.loads((path / "statements.json").read_text("utf-8"))
        statements = [Statement.model_validate(d) for d in raw]
        vectors = np.load(path / "vectors.npy")
        return cls(lexical, statements, vectors)
