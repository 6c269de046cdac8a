"""BM25 over Chinese character bigrams (plus Latin words and figures), in one segment per document version.

Local Chroma has no sparse index, so the lexical side lives here. bm25s's eager index bakes the
library-wide IDF into every stored score, so one new plan would re-score every plan; here each document
version keeps only its own term counts (``Postings``, written once under QA_HOME and never changed), and a
query scores them with bm25s's own Lucene formulas (k1 1.2, b 0.75) and the IDF and mean length of the
segments a manifest names. The scores are bit-identical to one bm25s index over the same chunks (a test
holds this), so adding or removing a plan costs that plan's counting, not the library's. Character bigrams
beat word segmentation on plan text (measured in bench/retrieval.py): indicator names are compounds that
jieba splits inconsistently.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from qa.models import Chunk

_TOKEN_RE = re.compile(r"[\u3400-\u9fff]+|[A-Za-z]+|\d+(?:\.\d+)?")
K1, B = 1.2, 0.75  # bm25s's defaults, as the index was tuned with (bench/retrieval.py)
EMPTY = "\u0000"  # the one token of a chunk with no text (bm25s refuses an empty document)


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


@dataclass
class Postings:
    """One segment's term counts: for each token, the rows (chunks of the segment) it occurs in and how often."""

    vocab: dict[str, int] = field(default_factory=dict)
    indptr: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    tf: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    lengths: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @classmethod
    def count(cls, texts: Sequence[str]) -> Postings:
        by_token: dict[str, list[tuple[int, int]]] = {}
        lengths = []
        for row, text in enumerate(texts):
            toks = tokenize(text) or [EMPTY]
            lengths.append(len(toks))
            for tok, n in Counter(toks).items():
                by_token.setdefault(tok, []).append((row, n))
        tokens = sorted(by_token)
        indptr = np.zeros(len(tokens) + 1, dtype=np.int64)
        np.cumsum([len(by_token[t]) for t in tokens], out=indptr[1:])
        flat = [p for t in tokens for p in by_token[t]]
        return cls(vocab={t: i for i, t in enumerate(tokens)}, indptr=indptr,
                   rows=np.asarray([r for r, _ in flat], dtype=np.int32).reshape(-1),
                   tf=np.asarray([n for _, n in flat], dtype=np.float32).reshape(-1),
                   lengths=np.asarray(lengths, dtype=np.int64).reshape(-1))

    def df(self, token: str) -> int:
        i = self.vocab.get(token)
        return 0 if i is None else int(self.indptr[i + 1] - self.indptr[i])

    def of(self, token: str) -> tuple[np.ndarray, np.ndarray] | None:
        i = self.vocab.get(token)
        if i is None:
            return None
        a, b = self.indptr[i], self.indptr[i + 1]
        return self.rows[a:b], self.tf[a:b]

    def write(self, folder: Path) -> None:
        (folder / "tokens.json").write_text(json.dumps(list(self.vocab), ensure_ascii=False), encoding="utf-8")
        np.savez(folder / "postings.npz", indptr=self.indptr, rows=self.rows, tf=self.tf, lengths=self.lengths)

    @classmethod
    def load(cls, folder: Path) -> Postings:
        tokens = json.loads((folder / "tokens.json").read_text("utf-8"))
        with np.load(folder / "postings.npz") as z:
            p = cls({t: i for i, t in enumerate(tokens)}, z["indptr"], z["rows"], z["tf"], z["lengths"])
        if len(p.indptr) != len(tokens) + 1 or len(p.rows) != len(p.tf) or p.indptr[-1] != len(p.rows):
            raise ValueError(f"{folder}: postings do not match their tokens")
        return p


class LexicalIndex:
    """The chunks of a manifest's segments, in store order, and BM25 over their postings."""

    def __init__(self, chunks: list[Chunk], segments: Iterable[tuple[str, Postings]] = ()):
        self.chunks = chunks
        self.pos = {c.id: i for i, c in enumerate(chunks)}
        self.segments: list[tuple[str, int, Postings]] = []  # (doc_id, first row, postings)
        offset = 0
        for doc_id, p in segments:
            self.segments.append((doc_id, offset, p))
            offset += len(p.lengths)
        if offset != len(chunks):
            raise ValueError(f"{offset} rows of postings for {len(chunks)} chunks")
        self.seg_at = {doc_id: i for i, (doc_id, _, _) in enumerate(self.segments)}
        self.lengths = (np.concatenate([p.lengths for _, _, p in self.segments]) if self.segments
                        else np.zeros(0, dtype=np.int64))
        self.l_avg = self.lengths.mean() if len(self.lengths) else 0.0  # np.float64, as bm25s computes it
        self._idf: dict[str, np.float32 | None] = {}
        self._df: dict[str, int] = {}

    @classmethod
    def build(cls, chunks: list[Chunk], texts: list[str]) -> LexicalIndex:
        """One index over ``chunks`` (each document's rows counted as its own segment)."""
        segs: list[tuple[str, Postings]] = []
        i = 0
        while i < len(chunks):
            j = i
            while j < len(chunks) and chunks[j].doc_id == chunks[i].doc_id:
                j += 1
            segs.append((chunks[i].doc_id, Postings.count(texts[i:j])))
            i = j
        return cls(chunks, segs)

    def df(self, token: str) -> int:
        """In how many chunks of every segment ``token`` stands."""
        if token not in self._df:
            self._df[token] = sum(p.df(token) for _, _, p in self.segments)
        return self._df[token]

    def idf(self, token: str) -> np.float32 | None:
        """bm25s's Lucene IDF of ``token`` over every segment (None: no chunk has it), as a float32 like its array.

        Its one-line formula (bm25s.scoring._score_idf_lucene) is written out: importing bm25s for it pulled
        scipy into every new process's first question (0.3 s); tests/test_lexical holds the scores to bm25s's."""
        if token not in self._idf:
            df = self.df(token)
            n = len(self.chunks)
            self._idf[token] = np.float32(math.log(1 + (n - df + 0.5) / (df + 0.5))) if df else None
        return self._idf[token]

    def _term(self, token: str, allowed: set[str] | None) -> tuple[np.ndarray, np.ndarray] | None:
        """The rows holding ``token`` (in ``allowed`` plans) and their scores, computed as bm25s's eager index
        stores them: float64 term-frequency component times the float32 IDF, kept as float32."""
        idf = self.idf(token)
        if idf is None:
            return None
        rows, tfs = [], []
        if allowed is None:
            segments = self.segments
        else:  # the plans in scope only (a question about one plan of 1,000 reads one segment)
            segments = [self.segments[i] for i in sorted(self.seg_at[d] for d in allowed if d in self.seg_at)]
        for _doc_id, offset, p in segments:
            got = p.of(token)
            if got is not None:
                rows.append(got[0].astype(np.int64) + offset)
                tfs.append(got[1])
        if not rows:
            return None
        r, tf = np.concatenate(rows), np.concatenate(tfs)
        tfc = tf / (K1 * ((1 - B) + B * self.lengths[r] / self.l_avg) + tf)
        return r, (idf * tfc).astype(np.float32)

    def scores(self, query: str, allowed_docs: set[str] | None = None) -> np.ndarray:
        """One BM25 score a chunk (0 outside ``allowed_docs``); a token counts as often as the query says it."""
        out = np.zeros(len(self.chunks), dtype=np.float32)
        if not self.chunks:
            return out
        terms: dict[str, tuple[np.ndarray, np.ndarray] | None] = {}
        for tok in tokenize(query):
            if tok not in terms:
                terms[tok] = self._term(tok, allowed_docs)
            got = terms[tok]
            if got is not None:
                out[got[0]] += got[1]
        return out


def top_rows(scores: np.ndarray, depth: int) -> np.ndarray:
    """The rows of the ``depth`` highest positive scores, highest first, equal scores by row: what a stable
    argsort of every score gives, without sorting a library of 200,000 chunks for a question about one plan."""
    pos = np.flatnonzero(scores > 0)
    if len(pos) > depth:
        kth = np.partition(scores[pos], len(pos) - depth)[len(pos) - depth]
        pos = pos[scores[pos] >= kth]
    return pos[np.argsort(-scores[pos], kind="stable")][:depth]


def save_folder(path: Path, write: Any, keep_others: bool = False) -> None:
    """``write(tmp)`` fills a temp dir that is then renamed to ``path``: a reader never loads half of it.
    Then the folder's old entries are pruned, unless ``keep_others`` (segments of other plans live beside it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=".tmp-"))
    write(tmp)
    try:
        os.replace(tmp, path)
    except OSError:  # another process won the race; theirs is identical
        shutil.rmtree(tmp, ignore_errors=True)
    if not keep_others:
        prune(path.parent, keep=path.name)


def prune(folder: Path, keep: str | set[str], spare: int = 2, grace: float = 600.0) -> None:
    """Old entries and temp dirs of killed saves would pile up; keep ``keep``, the newest ``spare`` others (a
    reader may still be loading one) and anything touched in the last ``grace`` seconds."""
    import time

    def mtime(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:  # another process pruned it first
            return float("inf")

    keep = {keep} if isinstance(keep, str) else keep
    entries = sorted(((mtime(p), p) for p in folder.iterdir() if p.name not in keep), reverse=True)
    now = time.time()
    kept = 0
    for t, p in entries:
        if now - t < grace:
            continue
        if p.name.startswith(".tmp-") or kept >= spare:
            shutil.rmtree(p, ignore_errors=True)
        else:
            kept += 1
