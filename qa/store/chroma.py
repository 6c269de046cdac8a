"""The Chroma store: chunks, statements and canonical texts per document version, and a manifest that makes
changes atomic.

Chroma has no transactions, so every document version writes its chunks (``doc@version:NNNN``), its canonical
text and layout (``doc@version:t000``) and its statements with their label vectors (``doc@version+reader:s000``,
compressed blobs) under new ids, and a single manifest record names the live versions. Readers only see what
the manifest names; a swap is one upsert of that record, and stale versions are deleted after it. A crash
mid-ingest leaves the old manifest in force and orphans that the next ingest removes. Every read and delete is
paged (``PAGE`` rows a call): Chroma's local metadata reader fails past SQLite's 32,766 variables.

An embedded Chroma keeps its vector index in the memory of each process, and it does not see chunks another
process (`qa ingest` beside `qa serve`) wrote after it loaded: queries then fail with "Error finding id". So
every open store remembers the manifest generation it has seen, and reopens Chroma when another commits.
"""

from __future__ import annotations

import base64
import json
import threading
import weakref
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from qa.config import Settings
from qa.models import Chunk, Document, Statement
from qa.store.manifest import Manifest, keep_mirror, mark, mirror, stamp_text, token
from qa.store.systems import cached_system, drop_system, holds

# HNSW's graph depends on timing (Chroma compacts in the background): with ef_search 100 two stores of the
# same documents gave different dense ranks, so answers and their ranking changed from one ingest
# to the next. 400 makes the nearest chunks come back exactly at the depths retrieval asks for.
EF_SEARCH = 400
_HNSW = {"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}}


def _nearest(hit: tuple[str, float]) -> tuple[float, str]:
    """Nearest first; equal distances (a passage stated twice) by id, not by the order HNSW met them."""
    return round(hit[1], 6), hit[0]


class StoreError(Exception):
    """A one-line reason the store cannot be reached or used."""


class StoreChanged(StoreError):
    """An ingest committed while a reader was reading: reading the new manifest again will do."""


# embedded Chroma systems (one per path and process, shared by every client) → the manifest
# generation their in-memory vector index is known to hold
_SEEN: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
_SEEN_LOCK = threading.RLock()


MAX_QUERY_CHARS = 512  # characters of a query that are embedded
FILTER_KEYS_MAX = 16  # more live versions than this: filter dense results here, not in Chroma
PAGE = 5000  # rows per get/delete call (Chroma 1.5's local reader fails above 32,766 SQL variables)
TEXT_PART = 100_000  # characters of canonical text per stored record
BLOB_PART = 1_000_000  # characters of a compressed blob (statements, layout) per stored record
UNIT_VECTOR_DIM = 384
DISK_LOW = 64 * 1024 * 1024  # below this many free bytes a failing store is a full disk (QA_HOME's)


def chunking_signature(settings: Settings) -> str:
    return f"v6:t{settings.store.chunk_tokens}:o{settings.store.chunk_overlap}"


def reader_version() -> str:
    """Statements are stored under their version key plus the reader that read them, so a new reader
    re-reads statements without rewriting (or re-embedding) unchanged chunks."""
    from qa.figures.reader import READER_VERSION

    return READER_VERSION


class Store:
    """Opens Chroma lazily (embedded under QA_HOME, or a server at QA_CHROMA_URL)."""

    MANIFEST_ID = "manifest"

    def __init__(self, settings: Settings):
        self.settings = settings
        self._client: Any = None
        self._chunks: Any = None
        self._texts: Any = None
        self._meta: Any = None
        self._ef: Any = None
        self._system: Any = None  # the embedded Chroma system this store talks to

    # --- connection -------------------------------------------------------------------
    @property
    def where(self) -> str:
        return self.settings.store.chroma_url or str(self.settings.store.chroma_dir)

    def _connect(self, fresh: bool = False) -> None:
        """Open the client and both collections; ``fresh`` drops this process's cached embedded system."""
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        from qa.store.embed import embedding_function

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        try:
            if self.settings.store.chroma_url:
                u = urlparse(self.settings.store.chroma_url)
                if not u.hostname:
                    raise StoreError(f"QA_CHROMA_URL={self.settings.store.chroma_url!r} is not a URL like http://host:port")
                self._client = chromadb.HttpClient(
                    host=u.hostname, port=u.port or (443 if u.scheme == "https" else 8000),
                    ssl=u.scheme == "https", settings=chroma_settings,
                )
                self._client.heartbeat()
            else:
                self.settings.store.chroma_dir.mkdir(parents=True, exist_ok=True)
                path = str(self.settings.store.chroma_dir)
                with _SEEN_LOCK:
                    if fresh:
                        drop_system(path)
                    self._client = chromadb.PersistentClient(path=path, settings=chroma_settings)
                    self._system = cached_system(path)
            self._ef = embedding_function(self.settings.store)
            name = self.settings.store.collection

            def open_(suffix: str) -> Any:
                return self._client.get_or_create_collection(
                    name + suffix, embedding_function=self._ef, configuration=_HNSW)

            self._chunks = open_("")
            if (self._chunks.configuration_json or {}).get("hnsw", {}).get("ef_search") != EF_SEARCH:
                self._chunks.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})  # a store made earlier
            self._texts = open_("_texts")
            self._meta = open_("_manifest")
        except StoreError:
            raise
        except Exception as e:  # chromadb raises many types; the user needs one line
            self._client = None
            raise StoreError(self._disk_full() or f"cannot open the Chroma store at {self.where}: {_one_line(e)}") \
                from None

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if self._client is None:
            self._connect()
        try:
            return fn(*args, **kwargs)
        except StoreError:
            raise
        except Exception as e:
            first = e
        if not self.settings.store.chroma_url:
            # a stale in-memory index (another process wrote since it loaded): reopen once and retry
            try:
                self._connect(fresh=True)
                return fn(*args, **kwargs)
            except StoreError:
                raise
            except Exception as e:
                first = e
        self._client = None
        raise StoreError(self._disk_full() or f"Chroma store at {self.where} failed: {_one_line(first)}") from None

    def _disk_full(self) -> str | None:
        """The one line to say when the store's disk is full (Chroma's own error then speaks of a compactor)."""
        if self.settings.store.chroma_url:
            return None
        import shutil

        try:
            free = shutil.disk_usage(self.settings.store.chroma_dir).free
        except OSError:
            return None
        if free >= DISK_LOW:
            return None
        return (f"the disk holding the store at {self.settings.store.chroma_dir} is full ({free // 1024 // 1024} MB "
                "free); free some space there and try again")

    def _op(self, collection: str, method: str, **kwargs: Any) -> Any:
        """Call a collection method, connecting first: the collections exist only after connect."""
        return self._call(lambda: getattr(getattr(self, f"_{collection}"), method)(**kwargs))

    @property
    def ef(self) -> Any:
        if self._client is None:
            self._connect()
        return self._ef

    # --- manifest ---------------------------------------------------------------------
    @property
    def _stamped(self) -> Path | None:
        """Where the stamp lives: an embedded store's folder (a `chroma run` server has none)."""
        return None if self.settings.store.chroma_url else self.settings.store.chroma_dir

    def stamp(self) -> str | None:
        """Equal stamps: no commit between them (an embedded store only; None: read the manifest)."""
        return None if self._stamped is None else token(self._stamped)

    def manifest(self) -> Manifest:
        """The live state: from the mirror while this process has no Chroma open (qa.store.manifest), else read."""
        here = self._stamped
        if here is not None and self._client is None and not holds(str(here)):
            held = mirror(here)
            if held is not None:
                return held
        before = stamp_text(here) if here is not None else None

        def read() -> Manifest:
            got = self._meta.get(ids=[self.MANIFEST_ID], include=["documents"])
            if not got["ids"]:
                return Manifest()
            return Manifest.model_validate_json(got["documents"][0])

        manifest: Manifest = self._call(read)
        if self._system is not None:
            with _SEEN_LOCK:
                seen = _SEEN.get(self._system)
                if seen is None:
                    _SEEN[self._system] = manifest.generation
                elif seen != manifest.generation:  # another process committed since this index loaded
                    self._reopen(manifest.generation)
        if here is not None:
            keep_mirror(here, before, manifest)
        return manifest

    def _reopen(self, generation: int) -> None:
        """Talk to an embedded system that holds ``generation``: another store's fresh one, or a new one."""
        with _SEEN_LOCK:
            current = cached_system(str(self.settings.store.chroma_dir))
            self._connect(fresh=current is None or current is self._system or _SEEN.get(current) != generation)
            _SEEN[self._system] = generation

    def commit(self, manifest: Manifest) -> None:
        """The atomic switch: one record names every live document version (the stamp: qa.store.manifest)."""
        manifest.generation += 1
        here = self._stamped
        if here is not None:
            if self._client is None:
                self._connect()  # the folder exists from here on
            mark(here, "busy")
        self._op("meta", "upsert", ids=[self.MANIFEST_ID], documents=[manifest.model_dump_json()],
                 embeddings=[_unit_vector()], metadatas=[{"generation": manifest.generation}])
        if here is not None:
            keep_mirror(here, mark(here, f"done {manifest.generation}"), manifest)
        if self._system is not None:
            with _SEEN_LOCK:
                _SEEN[self._system] = manifest.generation  # it wrote every chunk itself

    def settle(self, manifest: Manifest) -> None:
        """Stamp ``done`` a store whose last commit is finished (the writer's lock held): a store written before
        stamps, or one a crash left ``busy``, is stamped by the next ingest even when it changes nothing."""
        if self._stamped is not None and token(self._stamped) is None:
            keep_mirror(self._stamped, mark(self._stamped, f"done {manifest.generation}"), manifest)

    # --- writing one version -----------------------------------------------------------
    def add_chunks(self, chunks: list[Chunk], doc: Document, version: str, embeddings: list[Any]) -> None:
        for i in range(0, len(chunks), 200):
            part = chunks[i : i + 200]
            self._op("chunks", "upsert", ids=[c.id for c in part],
                documents=[index_text(c) for c in part],
                embeddings=[_vec(e) for e in embeddings[i : i + 200]],
                metadatas=[_meta_of(c, doc, version) for c in part],
            )

    def add_statements(self, statements: list[Statement], doc: Document, version: str,
                       embeddings: list[Any]) -> None:
        """Statements of one version (``version`` is the statement key's: ``version+reader``) with their label
        vectors, as one compressed blob beside the version's text. Not a row per statement in a collection
        of their own: Chroma indexes every metadata value and vector of a row, which made that layout the
        larger part of an ingest (+0.75 s per thousand statements, bench/ingest.py), while every query that
        reads statements works on one manifest's statements in memory (qa.retrieve.corpus: the nearest
        labels to an indicator, filters by plan, kind, year), loaded once per manifest by each process."""
        vecs = np.asarray([_vec(e) for e in embeddings], dtype=np.float16).reshape(len(statements), -1) \
            if statements else np.zeros((0, 0), dtype=np.float16)
        self._put_blob(f"{doc.id}@{version}", "s", {
            "statements": [st.model_dump(exclude_defaults=True) for st in statements],
            "vectors": base64.b64encode(vecs.tobytes()).decode(), "dim": int(vecs.shape[1]) if vecs.size else 0,
        }, doc)

    def add_text(self, text: str, doc: Document, version: str, outline: list[Any] | None = None,
                 units: dict[str, Any] | None = None) -> None:
        """The canonical text every offset of this version points into, with its layout (the outline:
        headings with their spans; each chunk's sentence units), as a compressed blob (a document would be
        full-text indexed by Chroma, which nothing here searches)."""
        self._put_blob(f"{doc.id}@{version}", "t", {"text": text, "outline": outline or [], "units": units or {}},
                       doc)

    def _put_blob(self, key: str, name: str, obj: Any, doc: Document) -> None:
        raw = base64.b64encode(zlib.compress(json.dumps(obj, ensure_ascii=False).encode("utf-8"), 6)).decode()
        parts = [raw[i : i + BLOB_PART] for i in range(0, len(raw), BLOB_PART)] or [""]
        ids = [f"{key}:{name}{n:03d}" for n in range(len(parts))]
        self._op("texts", "upsert", ids=ids, embeddings=[_unit_vector() for _ in ids],
                 metadatas=[{"key": key, "doc_id": doc.id, "blob": name, "part": n, "parts": len(parts), "z": z}
                            for n, z in enumerate(parts)])

    def _get_blob(self, key: str, name: str) -> Any:
        ids, metas, _ = self._get_all("texts", where={"$and": [{"key": key}, {"blob": name}]}, include=["metadatas"])
        if not ids:
            return None
        metas = sorted(metas, key=lambda m: m["part"])
        if len(metas) != metas[0]["parts"]:
            raise StoreChanged(f"the store at {self.where} changed while it was being read ({key}); try again")
        return json.loads(zlib.decompress(base64.b64decode("".join(m["z"] for m in metas))).decode("utf-8"))

    # --- reading (always paged) -----------------------------------------------------------
    def _get_all(self, collection: str, **kwargs: Any) -> tuple[list[str], list[Any], list[Any]]:
        """Every matching row, PAGE at a time: (ids, metadatas, documents)."""
        ids: list[str] = []
        metas: list[Any] = []
        docs: list[Any] = []
        offset = 0
        while True:
            got = self._op(collection, "get", limit=PAGE, offset=offset, **kwargs)
            ids += got["ids"]
            metas += got.get("metadatas") or [None] * len(got["ids"])
            docs += got.get("documents") or [None] * len(got["ids"])
            if len(got["ids"]) < PAGE:
                return ids, metas, docs
            offset += PAGE

    def live_chunks(self, manifest: Manifest, doc_ids: set[str] | None = None) -> list[Chunk]:
        """The chunks of the live versions (of ``doc_ids``), by document and place in it."""
        if not manifest.versions:
            return []
        out: list[Chunk] = []
        for key in manifest.live_keys():
            if doc_ids is not None and key.split("@", 1)[0] not in doc_ids:
                continue
            ids, metas, _ = self._get_all("chunks", where={"key": key}, include=["metadatas"])
            units = (self._get_blob(key, "t") or {}).get("units", {})
            chunks = [_chunk_of(i, m, units.get(i)) for i, m in zip(ids, metas, strict=True)]
            want = manifest.counts.get(key.split("@", 1)[0])
            if want is not None:
                # leftovers of an ingest that died while writing this version under other chunking code
                chunks = [c for c in chunks if c.ordinal < want]
                if len(chunks) < want:
                    # an ingest replaced this version after the manifest was read: never index half of it
                    raise StoreChanged(f"the store at {self.where} changed while it was being read "
                                     f"({key}: {len(chunks)} of {want} chunks); try again")
            out.extend(chunks)
        out.sort(key=lambda c: (c.doc_id, c.ordinal))
        return out

    def live_statements(self, manifest: Manifest, doc_ids: set[str] | None = None,
                        with_embeddings: bool = False) -> tuple[list[Statement], list[Any]]:
        """Every statement of the live versions (of ``doc_ids``), in document order, and their label vectors."""
        out: list[Statement] = []
        vecs: list[Any] = []
        for key in manifest.statement_keys():
            doc_id = key.split("@", 1)[0]
            if doc_ids is not None and doc_id not in doc_ids:
                continue
            blob = self._get_blob(key, "s") or {"statements": [], "vectors": "", "dim": 0}
            rows = [Statement.model_validate(d) for d in blob["statements"]]
            want = manifest.statements.get(doc_id)
            if want is not None and len(rows) < want:
                raise StoreChanged(f"the store at {self.where} changed while it was being read "
                                   f"({key}: {len(rows)} of {want} statements); try again")
            out.extend(rows)
            if with_embeddings and blob["dim"]:
                arr = np.frombuffer(base64.b64decode(blob["vectors"]), dtype=np.float16).reshape(-1, blob["dim"])
                vecs.extend(arr.astype(np.float32))
            else:
                vecs.extend([None] * len(rows))
        return out, vecs

    def chunk_vectors(self, ids: list[str]) -> np.ndarray:
        """The stored embeddings of chunks ``ids``, in that order: a segment's exact dense search."""
        got = [self._op("chunks", "get", ids=ids[i : i + PAGE], include=["embeddings"]) for i in range(0, len(ids), PAGE)]
        by_id = {i: e for g in got for i, e in zip(g["ids"], g["embeddings"], strict=True)}
        return np.asarray([by_id[c] for c in ids], dtype=np.float32).reshape(len(ids), -1)

    def canonical_text(self, manifest: Manifest, doc_id: str) -> tuple[str, list[Any]] | None:
        """The canonical text of a live document (what citations point into) and its outline, or None."""
        version = manifest.versions.get(doc_id)
        if version is None:
            return None
        blob = self._get_blob(f"{doc_id}@{version}", "t")
        return (blob["text"], blob["outline"]) if blob is not None else None

    @property
    def embedder(self) -> Any:
        """The embedder of questions: Chroma's when it is open, else the same one without opening Chroma."""
        if self._ef is None:
            from qa.store.embed import embedding_function

            self._ef = embedding_function(self.settings.store, chroma=False)
        return self._ef

    def query_vector(self, query: str) -> np.ndarray:  # e5 reads 512 tokens; 10,000 characters took 30 s
        return self.embedder.embed_query([query[:MAX_QUERY_CHARS]])[0]

    def dense(self, query: str, n: int, keys: list[str]) -> list[tuple[str, float]]:
        """Chunk ids nearest to ``query`` among live versions ``keys``, with cosine distances."""
        if not keys:
            return []
        emb = self.query_vector(query).tolist()
        if len(keys) > FILTER_KEYS_MAX:
            # a where over hundreds of keys costs ~400 ms at 200 plans, no where ~2 ms: filter here if enough
            want = set(keys)
            res = self._op("chunks", "query", query_embeddings=[emb], n_results=2 * n, include=["distances"])
            found = [(i, d) for i, d in zip(res["ids"][0], res["distances"][0], strict=True)
                     if i.rsplit(":", 1)[0] in want]
            if len(found) >= n or len(res["ids"][0]) < 2 * n:
                return sorted(found, key=_nearest)[:n]
        where: dict[str, Any] = {"key": keys[0]} if len(keys) == 1 else {"key": {"$in": keys}}
        res = self._op("chunks", "query", query_embeddings=[emb], n_results=n, where=where, include=["distances"])
        return sorted(zip(res["ids"][0], res["distances"][0], strict=True), key=_nearest)

    def garbage_collect(self, manifest: Manifest) -> int:
        """Delete rows of versions the manifest no longer names (old versions, crashed ingests), in every
        collection; also chunks and statements past a live version's count (a crashed ingest under other
        code may have written more rows under the same version id). Ids alone tell: ``key:NNNN``."""
        live = set(manifest.live_keys())
        limits = {"chunks": manifest.counts}
        removed = 0
        for collection in ("chunks", "texts"):
            ids, _, _ = self._get_all(collection, include=[])
            keys = live | set(manifest.statement_keys()) if collection == "texts" else live
            stale = [i for i in ids if _stale(i, keys, limits.get(collection))]
            for i in range(0, len(stale), PAGE):
                self._op(collection, "delete", ids=stale[i : i + PAGE])
            removed += len(stale)
        return removed

    def broken_versions(self, manifest: Manifest) -> list[str]:
        """Documents whose live version lacks rows the manifest promises (a crash or an old concurrent run
        deleted them): ``qa ingest`` writes them again. Counting is cheap; each version is checked only
        when the counts disagree."""
        if not manifest.versions:
            return []
        if self.count() == sum(manifest.counts.values()) and self.count("texts") >= 2 * len(manifest.versions):
            return []
        out = []
        for doc_id, version in sorted(manifest.versions.items()):
            key = f"{doc_id}@{version}"
            ids, _, _ = self._get_all("chunks", where={"key": key}, include=[])
            blobs, metas, _ = self._get_all("texts", where={"doc_id": doc_id}, include=["metadatas"])
            have = {(m["key"], m["blob"]) for m in metas}
            skey = f"{key}+{manifest.readers.get(doc_id, '')}"
            if len(ids) < manifest.counts.get(doc_id, 0) or (key, "t") not in have or (skey, "s") not in have:
                out.append(doc_id)
        return out

    def count(self, collection: str = "chunks") -> int:
        return self._op(collection, "count")


def _stale(row_id: str, live: set[str], limits: dict[str, int] | None) -> bool:
    key, _, tail = row_id.rpartition(":")
    if key not in live:
        return True
    if limits is None:
        return False
    digits = tail.lstrip("s")
    return digits.isdigit() and int(digits) >= limits.get(key.split("@", 1)[0], 1 << 30)


def _unit_vector() -> list[float]:
    return [0.0] * (UNIT_VECTOR_DIM - 1) + [1.0]


def _vec(e: Any) -> list[float]:
    return e.tolist() if hasattr(e, "tolist") else list(e)


def statement_label(st: Statement) -> str:
    """What a statement's embedding reads: its indicator as named (the label when no name was found)."""
    return st.name or st.label or st.raw


def index_text(c: Chunk) -> str:
    """What search sees: the section path gives short chunks their topic."""
    return f"{c.section}\n{c.clean}" if c.section else c.clean


def _meta_of(c: Chunk, doc: Document, version: str) -> dict[str, Any]:
    return {
        "key": f"{doc.id}@{version}", "doc_id": doc.id, "section": c.section, "start": c.start, "end": c.end,
        "ordinal": c.ordinal, "kind": c.kind, "text": c.text, "clean": c.clean,
        "region": doc.region or "", "plan": doc.plan or "",
    }


def _chunk_of(cid: str, m: dict[str, Any], units: list[Any] | None = None) -> Chunk:
    return Chunk(id=cid, doc_id=m["doc_id"], section=m["section"], start=m["start"], end=m["end"],
                 text=m["text"], clean=m["clean"], ordinal=m["ordinal"], kind=m["kind"],
                 units=[tuple(u) for u in units or []])


def _one_line(e: BaseException) -> str:
    msg = str(e).strip().splitlines()
    text = msg[0] if msg else type(e).__name__
    return text[:300]
