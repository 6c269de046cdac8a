"""The disk cache of model calls, and replay from it.

Every call is one JSON file under the cache directory (``settings.llm.llm_cache``, e.g. a committed
eval recording such as ``evals/llm-replay``, else ``$QA_HOME/cache/llm``), named by the SHA-256 of
the model, the messages and the parameters: never the endpoint URL or the API key, so a call
recorded on one port replays against another. Replay mode (``settings.llm.replay``) answers from
these files only; a request that was never recorded is a ``CacheMiss`` that says how to record it.
Files are written atomically (temporary file, then rename) with every secret scrubbed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.llm.errors import CacheMiss, LLMError, one_line

if TYPE_CHECKING:
    from qa.config import Settings

log = logging.getLogger(__name__)


def cache_dir_for(settings: Settings) -> Path:
    """The llm cache directory: ``settings.llm.llm_cache`` when set, else ``$QA_HOME/cache/llm``.

    ``qa eval --record-dir DIR`` records into (and replays from) DIR by passing
    ``settings.with_(llm_cache=DIR)`` down to every client the run builds.
    """
    configured = settings.llm.llm_cache
    return Path(configured) if configured else Path(settings.store.cache_dir) / "llm"


def request_key(model: str | None, messages: list[dict[str, Any]], params: dict) -> tuple[str, dict]:
    """(cache key, the request as recorded) of one call; the key ignores where the model runs."""
    if not model:
        raise LLMError(
            "no model is configured for the llm engine: set QA_MODEL (and OPENAI_BASE_URL for a local server)"
        )
    # keyed by model, messages and parameters: the same request to another address of the same
    # model (a recording made on port 8080, replayed in CI) is the same request
    request = {"model": model, "messages": messages, "params": params}
    try:
        blob = json.dumps(request, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    except TypeError as err:
        raise LLMError(
            f"request is not JSON-serialisable ({err}): pass messages and params as plain dicts"
        ) from None
    return hashlib.sha256(blob.encode("utf-8")).hexdigest(), request


def cache_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / key[:2] / f"{key}.json"


def read_record(cache_dir: Path, key: str) -> dict | None:
    """The recorded call, or None when there is none (an unreadable file is logged and skipped)."""
    path = cache_path(cache_dir, key)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        log.warning("ignoring unreadable cache file %s: %s", path, err)
        return None
    return record if isinstance(record.get("text"), str) else None


def write_record(
    cache_dir: Path,
    key: str,
    request: dict,
    text: str,
    *,
    deltas: list[str] | None,
    stream: bool,
    endpoint: str,
    scrub: Callable[[str], str],
) -> None:
    """Record one call (``endpoint`` already redacted); a cache that cannot be written only warns."""
    record = {
        "key": key,
        "endpoint": endpoint,  # redacted; for the reader, not part of the key
        "stream": stream,
        "created": time.time(),
        "request": request,
        "text": text,
        "deltas": deltas,
    }
    blob = scrub(json.dumps(record, ensure_ascii=False, indent=1))
    path = cache_path(cache_dir, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(blob)
        os.replace(tmp, path)
    except OSError as err:  # a cache that cannot be written must not break answering
        log.warning("cannot write the llm cache %s: %s", path, err)


def cache_miss(key: str, request: dict, cache_dir: Path) -> CacheMiss:
    """The error of a replay that lacks this request: which one, and how to record it."""
    last = request["messages"][-1]["content"] if request["messages"] else ""
    return CacheMiss(
        f"not in the replay cache: request {key[:12]} (model {request['model']!r}, last message "
        f"{one_line(str(last), 60)!r}) under {cache_dir}: run it once without QA_REPLAY to record it"
    )


def split_for_replay(text: str, size: int = 16) -> list[str]:
    """A recorded non-streamed reply as stream deltas."""
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]
