"""BM25 over Chinese character bigrams (plus Latin words and figures), kept beside the store.

Local Chroma has no sparse index, so the lexical side lives here: built with bm25s
from the live chunks, saved under QA_HOME keyed by the manifest digest, and rebuilt
whenever the manifest changes. Character bigrams beat word segmentation on plan
text (measured in bench/retrieval.py): indicator names are compounds that jieba
splits inconsistently.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from qa.models import Chunk

_TOKEN_RE = re.compile(r"[\u3400-\u9fff]+|[A-Za-z]+|\d+(?:\.\d+)?")


def tokenize(text: str) -> list[str]:
    """Bigrams of each run of Chinese characters (a lone character stays a unigram)."""
    out: list[str] = []
    for m in _TOKEN_RE.finditer(text):
        run = m.group()
        if "\u3400" <= run[0] <= "\u9fff":
            if len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.append(run.lower())
    return out


class LexicalIndex:
    def __init__(self, chunks: list[Chunk], retriever: Any):
        self.chunks = chunks
        self.retriever = retriever
        self.pos = {c.id: i for i, c in enumerate(chunks)}
        self.doc_ids = np.array([c.doc_id for c in chunks])

    @classmethod
    def build(cls, chunks: list[Chunk], texts: list[str]) -> LexicalIndex:
        import bm25s

        retriever = bm25s.BM25(k1=1.2, b=0.75)
        corpus = [tokenize(t) or ["\u0000"] for t in texts]
        retriever.index(corpus, show_progress=False)
        return cls(chunks, retriever)

    def scores(self, query: str, allowed_docs: set[str] | None = None) -> np.ndarray:
        if not self.chunks:
            return np.zeros(0, dtype=np.float32)
        vocab = self.retriever.vocab_dict
        toks = [t for t in tokenize(query) if t in vocab]
        if not toks:
            return np.zeros(len(self.chunks), dtype=np.float32)
        s = np.asarray(self.retriever.get_scores(toks), dtype=np.float32)
        if allowed_docs is not None:
            s = np.where(np.isin(self.doc_ids, list(allowed_docs)), s, 0.0)
        return s

    def write(self, folder: Path) -> None:
        """The index and its chunks into ``folder`` (the caller renames it into place)."""
        self.retriever.save(str(folder / "bm25"))
        (folder / "chunks.json").write_text(
            json.dumps([c.model_dump() for c in self.chunks], ensure_ascii=False), encoding="utf-8"
        )

    def save(self, path: Path) -> None:
        save_folder(path, self.write)

    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        import bm25s

        chunks = [Chunk.model_validate(d) for d in json.loads((path / "chunks.json").read_text("utf-8"))]
        retriever = bm25s.BM25.load(str(path / "bm25"))
        return cls(chunks, retriever)


def save_folder(path: Path, write: Any) -> None:
    """``write(tmp)`` fills a temp dir that is then renamed to ``path``: a reader never loads half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=".tmp-"))
    write(tmp)
    try:
        os.replace(tmp, path)
    except OSError:  # another process won the race; theirs is identical
        shutil.rmtree(tmp, ignore_errors=True)
    prune(path.parent, keep=path.name)


def prune(folder: Path, keep: str, spare: int = 2, grace: float = 600.0) -> None:
    """Indexes of old manifests and temp dirs of killed saves would pile up; keep the newest few
    (a reader may still be loading one) and anything touched in the last ten minutes."""
    import time

    def mtime(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:  # another process pruned it first
            return float("inf")

    entries = sorted(((mtime(p), p) for p in folder.iterdir() if p.name != keep), reverse=True)
    now = time.time()
    kept = 0
    for t, p in entries:
        if now - t < grace:
            continue
        if p.name.startswith(".tmp-") or kept >= spare:
            shutil.rmtree(p, ignore_errors=True)
        else:
            kept += 1
