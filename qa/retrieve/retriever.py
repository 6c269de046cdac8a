"""Hybrid retrieval: BM25 over character bigrams fused with Chroma's dense results.

Plain unweighted RRF of BM25 and e5-small was measured worse than BM25 alone on plan
questions, so the two ranks are fused with weights chosen by measured recall
(bench/retrieval.py). A region or plan period named in the question narrows the
search to the matching plans before anything is ranked.
"""

from __future__ import annotations

import threading

import numpy as np

from qa.config import Settings
from qa.models import Document, Hit
from qa.retrieve.corpus import Corpus, Segments
from qa.retrieve.query import chunk_kind_cues, parse
from qa.retrieve.scope import detect_scope, doc_matches, lexical_query
from qa.store.chroma import Manifest, Store
from qa.store.lexical import top_rows
from qa.text.places import region_aliases


class Retriever:
    """Holds the lexical index for the live manifest; reloads it when the store changes."""

    def __init__(self, settings: Settings, store: Store | None = None):
        self.settings = settings
        self.store = store or Store(settings)
        self._lock = threading.Lock()
        self._digest: str | None = None
        self._manifest: Manifest | None = None
        self._corpus: Corpus | None = None
        self._stamp: str | None = None  # the store's stamp when the held manifest was read (qa.store.manifest)
        self._segments = Segments(settings.home / "segments")

    def refresh(self) -> tuple[Manifest, Corpus]:
        from qa.store.chroma import StoreChanged

        for _ in range(2):
            try:
                return self._refresh()
            except StoreChanged:
                pass  # an ingest committed while we read: read the new manifest
        return self._refresh()

    def _refresh(self) -> tuple[Manifest, Corpus]:
        stamp = self.store.stamp()  # taken before the read: a commit in between makes the next one differ
        with self._lock:
            if stamp is not None and stamp == self._stamp and self._corpus is not None:
                return self._manifest, self._corpus  # type: ignore[return-value]  # nothing committed since
        manifest = self.store.manifest()
        digest = manifest.digest()
        with self._lock:
            if digest != self._digest or self._corpus is None:
                corpus = self._segments.corpus(self.store, manifest)
                self._digest, self._manifest, self._corpus = digest, manifest, corpus
            self._stamp = stamp
            return self._manifest, self._corpus  # type: ignore[return-value]

    @property
    def corpus(self) -> Corpus:
        return self.refresh()[1]

    @property
    def manifest(self) -> Manifest:
        return self.refresh()[0]

    def search(self, query: str, k: int = 8, doc: str | None = None, region: str | None = None,
               plan: str | None = None, scope: bool = True, dense: bool = True,
               snapshot: tuple[Manifest, Corpus] | None = None, within: set[str] | None = None) -> list[Hit]:
        """The top ``k`` chunks; ``snapshot`` (from ``refresh()``) pins the state, so a caller that also
        reads statements reads them from the same version an ingest may be replacing right now. ``within``:
        the plans the answer engine found the question to be about (then the question is not scoped again)."""
        manifest, corpus = snapshot or self.refresh()
        lexical = corpus.lexical
        docs = manifest.docs
        allowed: set[str] | None = None
        if doc:
            allowed = {d for d in docs if doc_matches(d, doc)}
        if region:
            r = {d.id for d in docs.values() if region in region_aliases(d.region) or region == d.region}
            allowed = r if allowed is None else allowed & r
        if plan:
            p = {d.id for d in docs.values() if d.plan == plan}
            allowed = p if allowed is None else allowed & p
        if within is not None:
            allowed = within if allowed is None else allowed & within
        elif scope:
            # the region named in the question narrows further within any explicit filter
            within = docs if allowed is None else {d: docs[d] for d in allowed if d in docs}
            narrowed = detect_scope(query, within).doc_ids
            if narrowed:
                allowed = narrowed
        if allowed is not None and not allowed:
            return []
        if not lexical.chunks:
            return []

        depth = max(50, k * 5)
        lq = lexical_query(query, docs)
        s = lexical.scores(lq, allowed)
        if self.settings.retrieval.intent_weight > 0 and s.max() > 0:
            s = self._intent_rerank(query, s, lexical, docs, depth)
        bm25_ranks: dict[str, int] = {}
        for i in top_rows(s, depth):
            bm25_ranks[lexical.chunks[i].id] = len(bm25_ranks) + 1

        dense_ranks: dict[str, int] = {}
        if dense and self.settings.retrieval.dense_weight > 0:
            if corpus.can_dense(allowed):  # exact, in memory: no round trip to Chroma
                near = corpus.dense(self.store.query_vector(query), depth, allowed)
            else:
                keys = [f"{d}@{v}" for d, v in sorted(manifest.versions.items()) if allowed is None or d in allowed]
                near = self.store.dense(query, depth, keys)
            for cid, _dist in near:
                if cid in lexical.pos:
                    dense_ranks[cid] = len(dense_ranks) + 1

        kk = self.settings.retrieval.rrf_k
        fused: dict[str, float] = {}
        for cid, r in bm25_ranks.items():
            fused[cid] = fused.get(cid, 0.0) + self.settings.retrieval.bm25_weight / (kk + r)
        for cid, r in dense_ranks.items():
            fused[cid] = fused.get(cid, 0.0) + self.settings.retrieval.dense_weight / (kk + r)
        ranked = sorted(fused.items(), key=lambda x: (-x[1], lexical.pos[x[0]]))[:k]
        hits = []
        for rank, (cid, score) in enumerate(ranked, 1):
            chunk = lexical.chunks[lexical.pos[cid]]
            d = docs.get(chunk.doc_id)
            hits.append(Hit(chunk=chunk, score=round(score, 6), rank=rank, bm25_rank=bm25_ranks.get(cid),
                            dense_rank=dense_ranks.get(cid), region=d.region if d else None,
                            plan=d.plan if d else None))
        return hits

    def _intent_rerank(self, query: str, s: np.ndarray, lexical, docs: dict[str, Document],  # noqa: ANN001
                       depth: int) -> np.ndarray:
        """A target question prefers goal passages, a baseline question the record of the past."""
        info = parse(query)
        out = np.zeros_like(s)
        smax = float(s.max())
        for i in top_rows(s, depth):
            c = lexical.chunks[i]
            d = docs.get(c.doc_id)
            period = (d.period_start, d.period_end) if d and d.period_start and d.period_end else None
            kind = info.kind_for(period, d.plan if d else None)
            t, b = chunk_kind_cues(c.clean, c.section, period)
            cue = t - b if kind == "target" else b - t if kind == "baseline" else 0.0
            out[i] = s[i] / smax + self.settings.retrieval.intent_weight * cue
        return out
