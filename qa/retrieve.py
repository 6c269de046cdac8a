"""Hybrid retrieval: BM25 over character bigrams fused with Chroma's dense results.

Plain unweighted RRF of BM25 and e5-small was measured worse than BM25 alone on plan
questions, so the two ranks are fused with weights chosen by measured recall
(bench/retrieval.py). A region or plan period named in the question narrows the
search to the matching plans before anything is ranked.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import numpy as np

from qa.config import Settings
from qa.indicators import expand_query
from qa.ingest import region_aliases
from qa.lexical import LexicalIndex
from qa.models import PLAN_PERIODS, Document, Hit
from qa.query import chunk_kind_cues, parse
from qa.store import Manifest, Store, index_text

PLAN_MENTION = re.compile(r"十[一二三四五六七八九]?五")
# words every question has; they only pull in chunks that happen to repeat them
QUESTION_WORDS = re.compile(
    r"[“”\"'？?！!。，,、：:（）()]|是多少|为多少|有多少|多少|是什么|什么|哪些|哪几|哪个|哪三个|哪|几个|如何|怎样|"
    r"请问|吗|呢|要达到|达到|预计|计划|目标|规划|期间|时期|期末|末|年均|将|要|的|了|是"
)


def lexical_query(question: str, docs: dict[str, Document]) -> str:
    """The question without region names, plan names and question words, plus indicator synonyms."""
    q = question
    for alias in sorted({a for d in docs.values() for a in region_aliases(d.region)}, key=len, reverse=True):
        q = q.replace(alias, " ")
    q = PLAN_MENTION.sub(" ", q)
    q = QUESTION_WORDS.sub(" ", q)
    return expand_query(q)
YEAR_MENTION = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")


@dataclass
class Scope:
    """Which plans a question is about, and why."""

    doc_ids: set[str] | None
    reason: str = ""


def detect_scope(question: str, docs: dict[str, Document]) -> Scope:
    """Regions and plan periods named in the question select plans; years break ties."""
    matched: dict[str, int] = {}
    for doc in docs.values():
        for alias in region_aliases(doc.region):
            if alias in question:
                matched[doc.id] = max(matched.get(doc.id, 0), len(alias))
    reason = []
    ids: set[str] | None = None
    if matched:
        best = max(matched.values())
        # the longest alias wins: 双城区 over 双城 when both plans exist
        ids = {d for d, n in matched.items() if n == best or n >= 3}
        reason.append("region")
    plans = {("十" + p) if not p.startswith("十") else p for p in PLAN_MENTION.findall(question)}
    plans &= set(PLAN_PERIODS)
    if plans:
        narrowed = {d.id for d in docs.values() if d.plan in plans and (ids is None or d.id in ids)}
        if narrowed:
            ids = narrowed
            reason.append("plan")
    if ids and len(ids) > 1:
        years = {int(y) for y in YEAR_MENTION.findall(question)}
        by_year = {d for d in ids if any((docs[d].period_start or 0) - 5 <= y <= (docs[d].period_end or 0)
                                         for y in years)}
        if by_year and by_year != ids:
            ids = by_year
            reason.append("year")
    return Scope(ids, "+".join(reason))


class Retriever:
    """Holds the lexical index for the live manifest; reloads it when the store changes."""

    def __init__(self, settings: Settings, store: Store | None = None):
        self.settings = settings
        self.store = store or Store(settings)
        self._lock = threading.Lock()
        self._digest: str | None = None
        self._manifest: Manifest | None = None
        self._lexical: LexicalIndex | None = None

    def refresh(self) -> tuple[Manifest, LexicalIndex]:
        from qa.store import StoreChanged

        for _ in range(2):
            try:
                return self._refresh()
            except StoreChanged:
                pass  # an ingest committed while we read: read the new manifest
        return self._refresh()

    def _refresh(self) -> tuple[Manifest, LexicalIndex]:
        manifest = self.store.manifest()
        digest = manifest.digest()
        with self._lock:
            if not manifest.versions:  # empty store: nothing to index (bm25s refuses an empty corpus)
                self._digest, self._manifest, self._lexical = digest, manifest, LexicalIndex([], None)
            elif digest != self._digest or self._lexical is None:
                path = self.settings.home / "lexical" / digest
                try:
                    lexical = LexicalIndex.load(path)
                except (OSError, ValueError):
                    chunks = self.store.live_chunks(manifest)
                    lexical = LexicalIndex.build(chunks, [index_text(c) for c in chunks])
                    lexical.save(path)
                self._digest, self._manifest, self._lexical = digest, manifest, lexical
            return self._manifest, self._lexical  # type: ignore[return-value]

    @property
    def manifest(self) -> Manifest:
        return self.refresh()[0]

    def search(self, query: str, k: int = 8, doc: str | None = None, region: str | None = None,
               plan: str | None = None, scope: bool = True, dense: bool = True) -> list[Hit]:
        manifest, lexical = self.refresh()
        docs = manifest.docs
        allowed: set[str] | None = None
        if doc:
            allowed = {d for d in docs if d == doc or d == doc.rsplit(".", 1)[0] or d.startswith(doc)}
        if region:
            r = {d.id for d in docs.values() if region in region_aliases(d.region) or region == d.region}
            allowed = r if allowed is None else allowed & r
        if plan:
            p = {d.id for d in docs.values() if d.plan == plan}
            allowed = p if allowed is None else allowed & p
        if scope:
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
        order = np.argsort(-s, kind="stable")
        bm25_ranks: dict[str, int] = {}
        for i in order[:depth]:
            if s[i] <= 0:
                break
            bm25_ranks[lexical.chunks[i].id] = len(bm25_ranks) + 1

        dense_ranks: dict[str, int] = {}
        if dense and self.settings.retrieval.dense_weight > 0:
            keys = [f"{d}@{v}" for d, v in sorted(manifest.versions.items()) if allowed is None or d in allowed]
            for cid, _dist in self.store.dense(query, depth, keys):
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

    def _intent_rerank(self, query: str, s: np.ndarray, lexical: LexicalIndex, docs: dict[str, Document],
                       depth: int) -> np.ndarray:
        """A target question prefers goal passages, a baseline question the record of the past."""
        info = parse(query)
        out = np.zeros_like(s)
        smax = float(s.max())
        for i in np.argsort(-s, kind="stable")[:depth]:
            if s[i] <= 0:
                break
            c = lexical.chunks[i]
            d = docs.get(c.doc_id)
            period = (d.period_start, d.period_end) if d and d.period_start and d.period_end else None
            kind = info.kind_for(period, d.plan if d else None)
            t, b = chunk_kind_cues(c.clean, c.section, period)
            cue = t - b if kind == "target" else b - t if kind == "baseline" else 0.0
            out[i] = s[i] / smax + self.settings.retrieval.intent_weight * cue
        return out
