"""The one way planqa talks to a language model: any OpenAI-compatible endpoint.

OpenAI, vLLM, Ollama and the llama.cpp server all speak ``/v1/chat/completions``; this module
drives them through the ``openai`` SDK (imported lazily, so importing ``qa.llm`` stays cheap) and
adds what the SDK does not do for us:

* one-line ``LLMError`` messages that say what to do next;
* our own retries with exponential backoff on 429, 5xx, connection errors and malformed bodies
  (the SDK's retries are switched off so ``settings.llm.llm_retries`` is the number that counts);
  a read timeout is not retried: the same slow generation would only time out again;
* a disk cache under ``settings.store.cache_dir / "llm"`` (or the directory ``use_cache_dir`` names,
  e.g. a committed eval recording) keyed by model, messages and parameters (never the endpoint
  URL or the API key), and a replay mode (``settings.llm.replay``) that answers from that cache only;
* no secret in logs, cache files or error messages: the API key, credentials in the base URL
  (``http://user:pass@host``) and its query values are redacted everywhere;
* ``structured``: JSON output parsed with pydantic, with the validation error sent back to the
  model a bounded number of times (``InvalidReply`` when it never fits);
* ``answer_llm`` / ``stream_answer_llm``: grounded answers over retrieved chunks, with every
  number in the answer checked against the cited text (``qa.text.numbers.unsupported_numbers``); a
  model whose reply never fits the schema gives an abstention with the reason, an endpoint that
  fails gives an ``LLMError``.

Prompts are package data (``qa/prompts/*.md``; ``prompts/`` at the top of a checkout is a link
to the same files), so an installed planqa finds them wherever it runs.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import html
import json
import logging
import os
import random
import re
import socket
import tempfile
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError

from qa.models import ABSTAIN_TEXT, Answer, Citation, Hit
from qa.text.numbers import canonical, unsupported_numbers

if TYPE_CHECKING:
    from qa.config import Settings

__all__ = [
    "CacheMiss",
    "InvalidReply",
    "LLMClient",
    "LLMError",
    "LLMReply",
    "answer_llm",
    "build_answer_messages",
    "fill_template",
    "json_schema",
    "load_prompt",
    "neutralise_fences",
    "stream_answer_llm",
    "use_cache_dir",
]

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
NO_KEY = "sk-no-key-required"  # local servers ignore the key, the SDK insists on one
PROMPT_PACKAGE = "qa"  # prompts are package data: qa/prompts/*.md
ANSWER_PROMPT = "answer.md"
ANSWER_MAX_TOKENS = 800
ANSWER_MAX_CHARS = 160

BACKOFF_BASE = 0.5  # seconds before the first retry, doubled each time
BACKOFF_MAX = 8.0
RETRY_AFTER_MAX = 30.0

M = TypeVar("M", bound=BaseModel)
Message = dict[str, Any]


# --------------------------------------------------------------------------- errors


def _one_line(text: str, limit: int = 400) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class LLMError(Exception):
    """Talking to the model failed; the message is one line and says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(_one_line(message, 600))


class CacheMiss(LLMError):
    """Replay mode was asked for a request that was never recorded."""


class InvalidReply(LLMError):
    """The endpoint answered, but the model's reply never matched the schema after the retries.

    A fault of the model, not of the endpoint: answering turns it into an abstention with this
    reason, a brief skips the section batch.
    """

    def __init__(self, message: str, *, model_name: str, attempts: int, problem: str) -> None:
        super().__init__(message)
        self.model_name = model_name
        self.attempts = attempts
        self.problem = problem


class _Rejected(LLMError):
    """The endpoint refused the request itself (4xx): retrying the same request cannot help."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


# --------------------------------------------------------------------------- the client


class LLMClient:
    """Chat, streaming and structured output against one OpenAI-compatible endpoint.

    ``http_attempts`` counts the HTTP requests this client started (retries included), which
    tests and diagnostics use to show that a replayed call never reached the network.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        use_cache: bool = True,
        fold_system: bool | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.settings = settings
        url = (settings.llm.openai_base_url or DEFAULT_BASE_URL).strip().rstrip("/")
        self._sdk_url, self._query, url_secrets = _split_url(url)
        self.base_url = _redact_url(url)  # what messages, logs and cache records show
        self.model = settings.llm.model
        self.use_cache = use_cache
        self.cache_dir = Path(cache_dir) if cache_dir is not None else cache_dir_for(settings)
        self.http_attempts = 0
        key = settings.llm.openai_api_key
        self._secret = key.get_secret_value() if key is not None else ""
        found = {s for s in (self._secret, *url_secrets) if len(s) >= MIN_SECRET}
        self._secrets = sorted(found, key=len, reverse=True)
        _register_secrets(self._secrets)
        self._sdk: Any = None
        # "json_schema" or "json_object" once one worked against this endpoint
        self.format_mode: str | None = None
        # Gemma has no system role (llama.cpp's "gemma" chat format silently drops system
        # messages): send the system text at the head of the first user turn instead.
        self.fold_system = "gemma" in (self.model or "").lower() if fold_system is None else fold_system

    def __repr__(self) -> str:  # never shows the key
        return f"LLMClient(base_url={self.base_url!r}, model={self.model!r}, replay={self.settings.llm.replay})"

    # ---- public API

    def chat(self, messages: Sequence[Message], **params: Any) -> str:
        """The assistant's reply text (from the cache when this exact request was made before)."""
        messages = list(messages)
        key, request = self._key(messages, params)
        record = self._cache_get(key)
        if record is not None:
            return record["text"]
        if self.settings.llm.replay:
            raise self._miss(key, request)
        response = self._create(messages, params, stream=False)
        text = self._text_of(response)
        self._cache_put(key, request, text, deltas=None, stream=False)
        return text

    def stream(self, messages: Sequence[Message], **params: Any) -> Iterator[str]:
        """Text deltas as the model writes them; the whole text is recorded once the stream ends."""
        messages = list(messages)
        key, request = self._key(messages, params)
        record = self._cache_get(key)
        if record is not None:
            yield from record.get("deltas") or _split_for_replay(record["text"])
            return
        if self.settings.llm.replay:
            raise self._miss(key, request)
        deltas: list[str] = []
        yield from self._stream_live(messages, params, deltas)
        self._cache_put(key, request, "".join(deltas), deltas=deltas, stream=True)

    def structured(self, messages: Sequence[Message], model_cls: type[M], **params: Any) -> M:
        """A ``model_cls`` parsed from the model's JSON reply.

        Asks for ``response_format`` json_schema, falls back to JSON mode with the schema (what the
        llama.cpp server accepts) and remembers which one worked; the schema is also written into
        the system message. A reply that does not validate is sent back with the error, up to
        ``settings.llm.llm_validation_retries`` times.
        """
        schema = json_schema(model_cls)
        convo = _with_schema(list(messages), schema)
        attempts = self.settings.llm.llm_validation_retries + 1
        problem = ""
        for attempt in range(attempts):
            text = self._structured_call(convo, schema, model_cls.__name__, params)
            try:
                return _parse(text, model_cls)
            except ValueError as err:  # pydantic's ValidationError is a ValueError
                problem = _describe_invalid(err)
                log.info(
                    "reply %d/%d does not match %s: %s", attempt + 1, attempts, model_cls.__name__, problem
                )
                convo = convo + [
                    {"role": "assistant", "content": text},
                    {"role": "user", "content": validation_feedback(problem)},
                ]
        raise InvalidReply(
            f"the model's reply did not match {model_cls.__name__} after {attempts} attempts ({problem}): "
            "use a stronger model (QA_MODEL) or raise QA_LLM_VALIDATION_RETRIES",
            model_name=model_cls.__name__,
            attempts=attempts,
            problem=problem,
        )

    def stream_structured(
        self, messages: Sequence[Message], model_cls: type[BaseModel], **params: Any
    ) -> Iterator[str]:
        """The raw JSON text deltas of a structured reply (same request as ``structured``'s first try)."""
        schema = json_schema(model_cls)
        convo = _with_schema(list(messages), schema)
        last: LLMError | None = None
        for mode in self._modes():
            it = self.stream(
                convo, **params, response_format=_response_format(mode, schema, model_cls.__name__)
            )
            try:
                first = next(it)
            except StopIteration:
                self.format_mode = mode
                return
            except (_Rejected, CacheMiss) as err:
                last = err
                continue
            self.format_mode = mode
            yield first
            yield from it
            return
        assert last is not None
        raise last

    # ---- structured helpers

    def _modes(self) -> list[str]:
        if self.format_mode == "json_object":
            return ["json_object"]
        if self.format_mode == "json_schema":
            return ["json_schema"]
        return ["json_schema", "json_object"]

    def _structured_call(self, convo: list[Message], schema: dict, name: str, params: dict) -> str:
        last: LLMError | None = None
        for mode in self._modes():
            try:
                text = self.chat(convo, **params, response_format=_response_format(mode, schema, name))
            except _Rejected as err:
                if mode == "json_schema" and err.status not in (401, 403):
                    log.info("endpoint rejected json_schema (%s); falling back to JSON mode", err.status)
                    last = err
                    continue
                raise
            except CacheMiss as err:  # replay: the recording may have used the other mode
                last = err
                continue
            self.format_mode = mode
            return text
        assert last is not None
        raise last

    # ---- transport

    def _client(self) -> Any:
        if self._sdk is None:
            import openai  # lazy: importing qa.llm must not import the SDK

            self._sdk = openai.OpenAI(
                api_key=self._secret or NO_KEY,
                base_url=self._sdk_url,
                # a key in the URL's query (some gateways want one) goes with every request; left
                # in base_url the SDK would glue the path after it
                default_query=self._query or None,
                timeout=self.settings.llm.llm_timeout,
                max_retries=0,  # ours are the retries that count
            )
        return self._sdk

    def _create(self, messages: list[Message], params: dict, *, stream: bool) -> Any:
        """One chat completion request, retried on transient failures; raises LLMError."""
        sdk = self._client()
        if self.fold_system:
            messages = _fold_system(messages)
        retries = max(0, int(self.settings.llm.llm_retries))
        attempt = 0
        while True:
            self.http_attempts += 1
            try:
                # everything but model/messages/stream goes as raw JSON: servers differ in what
                # they accept (llama.cpp's response_format, grammar, ...) and the SDK's typed
                # signature changes between releases.
                return sdk.chat.completions.create(
                    model=self.model, messages=messages, stream=stream, extra_body=dict(params) or None
                )
            except Exception as err:  # classified below; unknown errors are re-raised as is
                failure = self._classify(err)
                if failure is None:
                    raise
                retryable, reason, wait = failure
                if not retryable:
                    raise self._final_error(err, reason, attempt + 1) from None
                if attempt >= retries:
                    raise self._final_error(err, reason, attempt + 1) from None
                delay = wait if wait is not None else min(BACKOFF_BASE * 2**attempt, BACKOFF_MAX)
                delay *= 1 + random.random() * 0.1
                log.warning(
                    "%s (%s); retry %d/%d in %.1fs", self.base_url, reason, attempt + 1, retries, delay
                )
                time.sleep(delay)
                attempt += 1

    def _stream_live(self, messages: list[Message], params: dict, deltas: list[str]) -> Iterator[str]:
        stream = self._create(messages, params, stream=True)
        try:
            for chunk in stream:
                choices = getattr(chunk, "choices", None) or []
                if not choices:
                    continue
                delta = getattr(choices[0], "delta", None)
                text = getattr(delta, "content", None) if delta is not None else None
                if text:
                    deltas.append(text)
                    yield text
        except LLMError:
            raise
        except Exception as err:
            failure = self._classify(err)
            reason = failure[1] if failure else f"{type(err).__name__}: {err}"
            raise LLMError(
                self._scrub(f"the model stream from {self.base_url} broke off ({reason}): try again")
            ) from None
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()

    def _classify(self, err: BaseException) -> tuple[bool, str, float | None] | None:
        """(retryable, short reason, server-requested wait) for SDK/transport errors, else None."""
        import openai

        if isinstance(err, openai.APITimeoutError):
            connect = any("Connect" in type(e).__name__ for e in _chain(err))
            return connect, ("connect timed out" if connect else "timed out"), None
        if isinstance(err, openai.APIConnectionError):
            return True, _connection_reason(err), None
        if isinstance(err, openai.APIStatusError):
            status = err.status_code
            detail = _error_detail(err)
            reason = f"HTTP {status}" + (f": {detail}" if detail else "")
            if _rejects_request(status, detail):
                return False, reason, None
            return True, reason, _retry_after(err)
        if isinstance(err, openai.APIResponseValidationError | json.JSONDecodeError):
            return True, "malformed response body (not the JSON the API promises)", None
        if isinstance(err, openai.APIError):
            return True, _one_line(str(err), 160), None
        return None

    def _final_error(self, err: BaseException, reason: str, attempts: int) -> LLMError:
        import openai

        url, model = self.base_url, self.model
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        if isinstance(err, openai.APITimeoutError):
            msg = (
                f"the model endpoint {url} {reason} after {self.settings.llm.llm_timeout:g} s{tries}: "
                "raise QA_LLM_TIMEOUT or use a smaller/faster model"
            )
        elif isinstance(err, openai.APIConnectionError):
            msg = (
                f"cannot reach the model endpoint {url} ({reason}){tries}: "
                "is the server running? set OPENAI_BASE_URL"
            )
        elif isinstance(err, openai.APIStatusError):
            status = err.status_code
            if status == 429:
                msg = f"the model endpoint {url} kept rate-limiting ({reason}){tries}: wait a minute or raise QA_LLM_RETRIES"
            elif status >= 500 and not _rejects_request(status, _error_detail(err)):
                msg = f"the model endpoint {url} failed ({reason}){tries}: check the server's log, or try again later"
            elif status in (401, 403):
                msg = f"the model endpoint {url} refused the API key ({reason}): check OPENAI_API_KEY"
            elif status == 404:
                msg = f"model {model!r} or its endpoint was not found at {url} ({reason}): check QA_MODEL and OPENAI_BASE_URL"
            else:
                msg = f"the model endpoint {url} rejected the request ({reason}): check QA_MODEL and the request parameters"
            if _rejects_request(status, _error_detail(err)):
                return _Rejected(self._scrub(msg), status)
        elif isinstance(err, openai.APIResponseValidationError | json.JSONDecodeError):
            msg = f"the model endpoint {url} sent a {reason}{tries}: is OPENAI_BASE_URL an OpenAI-compatible /v1 endpoint?"
        else:
            msg = f"the model endpoint {url} failed ({reason}){tries}"
        return LLMError(self._scrub(msg))

    def _text_of(self, response: Any) -> str:
        choices = getattr(response, "choices", None)
        if not choices:
            raise LLMError(
                f"the model endpoint {self.base_url} answered without choices: is it an OpenAI-compatible /v1 endpoint?"
            )
        message = getattr(choices[0], "message", None)
        text = getattr(message, "content", None)
        if text is None:
            raise LLMError(
                f"model {self.model!r} returned no text (finish_reason={choices[0].finish_reason}): try again"
            )
        return text

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    # ---- cache

    def _key(self, messages: list[Message], params: dict) -> tuple[str, dict]:
        if not self.model:
            raise LLMError(
                "no model is configured for the llm engine: set QA_MODEL (and OPENAI_BASE_URL for a local server)"
            )
        # keyed by model, messages and parameters: the same request to another address of the same
        # model (a recording made on port 8080, replayed in CI) is the same request
        request = {"model": self.model, "messages": messages, "params": params}
        try:
            blob = json.dumps(request, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        except TypeError as err:
            raise LLMError(
                f"request is not JSON-serialisable ({err}): pass messages and params as plain dicts"
            ) from None
        return hashlib.sha256(blob.encode("utf-8")).hexdigest(), request

    def _cache_path(self, key: str) -> Path:
        return self.cache_dir / key[:2] / f"{key}.json"

    def _cache_get(self, key: str) -> dict | None:
        if not self.use_cache and not self.settings.llm.replay:
            return None
        path = self._cache_path(key)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as err:
            log.warning("ignoring unreadable cache file %s: %s", path, err)
            return None
        return record if isinstance(record.get("text"), str) else None

    def _cache_put(
        self, key: str, request: dict, text: str, *, deltas: list[str] | None, stream: bool
    ) -> None:
        if not self.use_cache:
            return
        record = {
            "key": key,
            "endpoint": self.base_url,  # redacted; for the reader, not part of the key
            "stream": stream,
            "created": time.time(),
            "request": request,
            "text": text,
            "deltas": deltas,
        }
        blob = self._scrub(json.dumps(record, ensure_ascii=False, indent=1))
        path = self._cache_path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(blob)
            os.replace(tmp, path)
        except OSError as err:  # a cache that cannot be written must not break answering
            log.warning("cannot write the llm cache %s: %s", path, err)

    def _miss(self, key: str, request: dict) -> CacheMiss:
        last = request["messages"][-1]["content"] if request["messages"] else ""
        return CacheMiss(
            f"not in the replay cache: request {key[:12]} (model {self.model!r}, last message "
            f"{_one_line(str(last), 60)!r}) under {self.cache_dir}: run it once without QA_REPLAY to record it"
        )


# --------------------------------------------------------------------------- secrets and the cache dir


MIN_SECRET = 8  # shorter strings are not treated as secrets (they would blank out ordinary text)
_SECRETS: set[str] = set()
_factory_installed = False


def _split_url(url: str) -> tuple[str, dict[str, str], list[str]]:
    """(URL for the SDK without its query, the query as a dict, the secrets the URL holds).

    Credentials (``http://user:token@host``) stay in the SDK's URL (httpx sends them as basic
    auth); query values move to the SDK's ``default_query``. Both count as secrets.
    """
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    secrets = [v for v in query.values() if v]
    if parts.password:
        secrets.append(parts.password)
        secrets.append(urllib.parse.unquote(parts.password))
    if parts.username and len(parts.username) >= 8:  # a token passed as the user name
        secrets.append(parts.username)
        secrets.append(urllib.parse.unquote(parts.username))
    bare = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")).rstrip("/")
    return bare, query, secrets


def _redact_url(url: str) -> str:
    """The URL as messages and cache records show it: no credentials, no query values."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    query = "&".join(f"{k}=***" for k, _ in urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def redact_secrets(text: str) -> str:
    """``text`` with every secret an ``LLMClient`` of this process was given replaced by ``***``."""
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _redact_record(record: logging.LogRecord) -> logging.LogRecord:
    if not _SECRETS:
        return record
    try:
        message = record.getMessage()
    except Exception:  # a broken log call is the logging module's business, not ours
        return record
    if any(secret in message for secret in _SECRETS):
        record.msg, record.args = redact_secrets(message), None
    return record


def _register_secrets(secrets: Sequence[str]) -> None:
    """Keep these strings out of every log record of the process.

    The SDK and httpx log request URLs (which may carry credentials) under logger names that
    change between releases (httpx, httpx2, ...), so the redaction sits in the log record
    factory rather than on named loggers.
    """
    global _factory_installed
    new = {s for s in secrets if len(s) >= MIN_SECRET}
    if not new:
        return
    _SECRETS.update(new)
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _redact_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _factory_installed = True


_CACHE_DIR: contextvars.ContextVar[Path | None] = contextvars.ContextVar("qa_llm_cache_dir", default=None)


@contextlib.contextmanager
def use_cache_dir(path: Path | str) -> Iterator[Path]:
    """Every ``LLMClient`` made inside reads and writes its cache in ``path``.

    How ``qa eval`` records into (and replays from) a committed directory such as
    ``evals/llm-replay`` while ``answer_question`` builds its clients as usual.
    """
    token = _CACHE_DIR.set(Path(path))
    try:
        yield Path(path)
    finally:
        _CACHE_DIR.reset(token)


def cache_dir_for(settings: Settings) -> Path:
    """The llm cache directory: ``use_cache_dir``'s, else ``settings.llm.llm_cache`` when set, else
    ``$QA_HOME/cache/llm``."""
    override = _CACHE_DIR.get()
    if override is not None:
        return override
    configured = settings.llm.llm_cache
    return Path(configured) if configured else Path(settings.store.cache_dir) / "llm"


# --------------------------------------------------------------------------- helpers


def _chain(err: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    e: BaseException | None = err
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        yield e
        e = e.__cause__ or e.__context__


def _connection_reason(err: BaseException) -> str:
    for e in _chain(err):
        if isinstance(e, ConnectionRefusedError) or "refused" in str(e).lower():
            return "connection refused"
        if isinstance(e, socket.gaierror) or "name or service not known" in str(e).lower():
            return "unknown host"
        if "ssl" in type(e).__name__.lower() or "certificate" in str(e).lower():
            return "TLS error"
        if "reset" in str(e).lower():
            return "connection reset"
    causes = [str(e) for e in _chain(err) if e is not err and str(e)]
    return _one_line(causes[0], 120) if causes else "connection error"


def _error_detail(err: Any) -> str:
    body = getattr(err, "body", None)
    detail: Any = None
    if isinstance(body, dict):
        inner = body.get("error", body)
        detail = inner.get("message") if isinstance(inner, dict) else inner
        if detail is None:
            detail = body.get("detail") or body.get("message")
    elif isinstance(body, str):
        detail = body
    if detail is None:
        detail = getattr(err, "message", "")
    if not isinstance(detail, str):
        detail = json.dumps(detail, ensure_ascii=False)
    return _one_line(detail, 200)


def _rejects_request(status: int, detail: str) -> bool:
    """The endpoint refused this request as such: sending it again cannot help.

    Any 4xx but 429, and the 500 that llama-cpp-python's server answers when the request fails
    its own validation (e.g. ``response_format`` json_schema, which it does not know).
    """
    if 400 <= status < 500:
        return status != 429
    return status == 500 and "validation error" in detail and "response_format" in detail


def _retry_after(err: Any) -> float | None:
    response = getattr(err, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return min(max(float(value), 0.0), RETRY_AFTER_MAX) if value is not None else None
    except ValueError:
        return None


def _fold_system(messages: list[Message]) -> list[Message]:
    system = "\n\n".join(str(m.get("content") or "") for m in messages if m.get("role") == "system")
    rest = [m for m in messages if m.get("role") != "system"]
    if not system:
        return rest
    for i, m in enumerate(rest):
        if m.get("role") == "user":
            return [*rest[:i], {**m, "content": f"{system}\n\n{m.get('content') or ''}"}, *rest[i + 1 :]]
    return [{"role": "user", "content": system}, *rest]


def _split_for_replay(text: str, size: int = 16) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _response_format(mode: str, schema: dict, name: str) -> dict:
    if mode == "json_schema":
        safe = re.sub(r"[^A-Za-z0-9_-]", "_", name)[:64] or "reply"
        return {"type": "json_schema", "json_schema": {"name": safe, "schema": schema, "strict": False}}
    return {"type": "json_object", "schema": schema}


SCHEMA_INSTRUCTION = (
    "Reply with exactly one JSON object, no prose and no code fence, that matches this JSON schema:"
)


def _untitled(schema: Any) -> Any:
    """The schema without pydantic's generated "title" keys (noise that costs prompt tokens)."""
    if isinstance(schema, list):
        return [_untitled(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for k, v in schema.items():
        if k == "title" and isinstance(v, str):
            continue
        if k in ("properties", "$defs", "definitions") and isinstance(v, dict):
            out[k] = {name: _untitled(sub) for name, sub in v.items()}
        else:
            out[k] = _untitled(v)
    return out


def json_schema(model_cls: type[BaseModel]) -> dict:
    """The JSON schema sent for ``model_cls`` (in response_format and in the system message)."""
    return _untitled(model_cls.model_json_schema())


def _with_schema(messages: list[Message], schema: dict) -> list[Message]:
    """The conversation with the schema in its system message (added once)."""
    note = f"{SCHEMA_INSTRUCTION}\n{json.dumps(schema, ensure_ascii=False, separators=(',', ':'))}"
    if messages and messages[0].get("role") == "system":
        content = str(messages[0].get("content") or "")
        if note in content:
            return messages
        return [{**messages[0], "content": f"{content}\n\n{note}".strip()}, *messages[1:]]
    return [{"role": "system", "content": note}, *messages]


def validation_feedback(problem: str) -> str:
    return (
        f"Your previous reply was not valid: {problem}. "
        "Reply again with only one JSON object that matches the schema."
    )


def _parse(text: str, model_cls: type[M]) -> M:
    body = text.strip()
    fence = re.match(r"^```[a-zA-Z]*\s*(.*?)\s*```$", body, re.S)
    if fence:
        body = fence.group(1)
    return model_cls.model_validate_json(body)


def _describe_invalid(err: Exception) -> str:
    if isinstance(err, ValidationError):
        parts = []
        for e in err.errors()[:5]:
            loc = ".".join(str(p) for p in e.get("loc", ())) or "reply"
            parts.append(f"{loc}: {e.get('msg', 'invalid')}")
        return _one_line("; ".join(parts), 300)
    return _one_line(str(err), 300)


# --------------------------------------------------------------------------- answering


# What the model is asked to return for one question; prompts/answer.md explains each field.
# (A comment, not a docstring: pydantic would send a docstring as the schema's description.)
# The length limits keep a rambling model from writing until max_tokens (llama.cpp turns them
# into its grammar); a real answer is one or two sentences.
class LLMReply(BaseModel):
    answer: str = Field(max_length=ANSWER_MAX_CHARS)
    chunk_ids: list[str] = Field(max_length=12)
    value: float | None = None
    unit: str | None = Field(None, max_length=16)
    qualifier: str | None = Field(None, max_length=16)
    year: int | None = None
    kind: Literal["target", "baseline", "fact"] | None = None
    abstained: bool


def _parse_prompt(raw: str, where: str) -> tuple[str, str]:
    body = re.sub(r"^\s*(?:<!--.*?-->\s*)+", "", raw, flags=re.S)
    parts = re.split(r"^##\s*(system|user)\s*$", body, flags=re.M | re.I)
    sections = {parts[i].lower(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    if "user" not in sections:
        raise LLMError(f"prompt file {where} has no '## user' section: restore it from git")
    return sections.get("system", ""), sections["user"]


@lru_cache(maxsize=16)
def _read_prompt(path: str, mtime: float) -> tuple[str, str]:
    return _parse_prompt(Path(path).read_text(encoding="utf-8"), path)


def prompt_names() -> list[str]:
    """The prompt files the package ships (``answer.md``, ``brief_map.md`` ...)."""
    folder = resources.files(PROMPT_PACKAGE) / "prompts"
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".md"))


def load_prompt(name: str | Path = ANSWER_PROMPT) -> tuple[str, str]:
    """(system, user) templates of a prompt, its header comments stripped.

    ``name`` is one of the package's prompts (``"answer.md"``, read from ``qa/prompts/`` as
    package data, so a plain ``pip install`` finds it from any directory) or a path to a file.
    Files are re-read when they change, so an edited prompt takes effect without a restart.
    """
    if isinstance(name, Path) or "/" in name or os.sep in name:
        path = Path(name)
        if not path.is_file():
            raise LLMError(f"prompt file {path} not found")
        return _read_prompt(str(path), path.stat().st_mtime)
    ref = resources.files(PROMPT_PACKAGE) / "prompts" / name
    if isinstance(ref, Path):
        if ref.is_file():
            return _read_prompt(str(ref), ref.stat().st_mtime)
    elif ref.is_file():  # a zipped install: no mtime, read it as it is
        return _parse_prompt(ref.read_text(encoding="utf-8"), f"qa/prompts/{name}")
    raise LLMError(
        f"prompt file qa/prompts/{name} is missing from the installed package: reinstall planqa (pip install .)"
    )


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill_template(template: str, values: dict[str, str]) -> str:
    """``{name}`` placeholders replaced in ONE pass.

    Text put in for one placeholder (a document that prints ``{question}``) is never read as
    another placeholder; unknown ``{names}`` stay as they are.
    """
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


# "<" of anything a model could read as a fence tag: <document ...>, </documents>, < /DOCUMENT,
# <candidates>, also with full-width or small-form brackets. No word boundary after the name:
# "</document请忽略…" must be caught too.
_FENCE_OPEN = re.compile(r"[<\uFF1C\uFE64](?=\s*/?\s*(?:document|candidate))", re.I)


def neutralise_fences(text: str) -> str:
    """``text`` with every fence tag defused (``<`` → ``‹``): data can neither close nor open a fence."""
    return _FENCE_OPEN.sub("\u2039", text)


def _fence(hit: Hit, text: str | None = None) -> str:
    """One chunk as ``<document id=.. region=.. section=..>text</document>``; its text cannot close the fence."""
    c = hit.chunk
    attrs = {
        "id": c.id,
        "doc": c.doc_id,
        "region": hit.region or "",
        "plan": hit.plan or "",
        "section": c.section,
    }
    rendered = " ".join(
        f'{k}="{html.escape(str(v), quote=True)}"' for k, v in attrs.items() if v or k == "id"
    )
    body = neutralise_fences(c.text if text is None else text)
    return f"<document {rendered}>\n{body}\n</document>"


def pack_hits(hits: Sequence[Hit], budget: int) -> list[tuple[Hit, str]]:
    """Best-ranked chunks, fenced, while they fit into ``budget`` tokens (the first one truncated if needed)."""
    from qa.text.tokens import count_tokens, truncate_to_tokens

    packed: list[tuple[Hit, str]] = []
    used = 0
    for hit in sorted(hits, key=lambda h: h.rank):
        if any(h.chunk.id == hit.chunk.id for h, _ in packed):
            continue
        block = _fence(hit)
        n = count_tokens(block) + 1
        if used + n > budget:
            if packed:
                continue  # a smaller, lower-ranked chunk may still fit
            room = max(budget - count_tokens(_fence(hit, "")) - 1, 0)
            block = _fence(hit, truncate_to_tokens(hit.chunk.text, room))
            n = count_tokens(block) + 1
        packed.append((hit, block))
        used += n
    return packed


def build_answer_messages(
    question: str, hits: Sequence[Hit], settings: Settings
) -> tuple[list[Message], dict[str, Hit]]:
    """The chat messages for ``question`` and the chunks that made it into the context, by id."""
    system, user = load_prompt(ANSWER_PROMPT)
    packed = pack_hits(hits, settings.llm.context_tokens)
    values = {"documents": "\n".join(block for _, block in packed), "question": question.strip()}
    messages: list[Message] = []
    if system:
        messages.append({"role": "system", "content": fill_template(system, values)})
    messages.append({"role": "user", "content": fill_template(user, values)})
    return messages, {h.chunk.id: h for h, _ in packed}


def _fmt_value(value: float) -> str:
    return canonical(format(value, "f"))


def _build_answer(question: str, reply: LLMReply, by_id: dict[str, Hit], engine: str) -> Answer:
    text = reply.answer.strip()
    if reply.abstained or not text or text.startswith(ABSTAIN_TEXT):
        return Answer.abstain(question, engine, note="the model found no answer in the documents")
    citations: list[Citation] = []
    for cid in dict.fromkeys(reply.chunk_ids):
        hit = by_id.get(cid.strip())
        if hit is None:
            continue
        c = hit.chunk
        citations.append(
            Citation(
                doc_id=c.doc_id, section=c.section, start=c.start, end=c.end, quote=c.text, chunk_id=c.id
            )
        )
    if not citations:
        return Answer.abstain(question, engine, note="the model cited none of the retrieved passages")
    checked = text if reply.value is None else f"{text} {_fmt_value(reply.value)}"
    missing = unsupported_numbers(checked, [c.quote for c in citations])
    return Answer(
        question=question,
        text=text,
        value=reply.value,
        unit=reply.unit,
        qualifier=reply.qualifier,
        year=reply.year,
        kind=reply.kind,
        citations=citations,
        supported=not missing,
        unsupported_numbers=missing,
        engine=engine,
        note=f"numbers not printed in the cited text: {', '.join(missing)}" if missing else None,
    )


def repair_message(missing: list[str]) -> str:
    return (
        f"These numbers in your answer are not printed in the documents you cited: {', '.join(missing)}. "
        "Copy every number exactly as printed in a cited document (with its unit and qualifier), "
        f"cite the document that prints it, or answer {ABSTAIN_TEXT} with abstained=true."
    )


def _finish(
    question: str,
    reply: LLMReply,
    messages: list[Message],
    by_id: dict[str, Hit],
    client: LLMClient,
    settings: Settings,
    t0: float,
    params: dict,
) -> Answer:
    engine = f"llm:{settings.llm.model}"
    answer = _build_answer(question, reply, by_id, engine)
    if not answer.abstained and answer.unsupported_numbers:
        log.info(
            "answer prints unsupported numbers %s; asking the model to repair once",
            answer.unsupported_numbers,
        )
        repair = [
            *messages,
            {"role": "assistant", "content": reply.model_dump_json()},
            {"role": "user", "content": repair_message(answer.unsupported_numbers)},
        ]
        try:
            fixed = client.structured(repair, LLMReply, **params)
        except LLMError as err:
            answer = answer.model_copy(update={"note": f"{answer.note}; the repair failed: {err}"})
        else:
            answer = _build_answer(question, fixed, by_id, engine)
    answer.timing_ms = round((time.perf_counter() - t0) * 1000, 1)
    return answer


def _params(params: dict) -> dict:
    return {"temperature": 0, "max_tokens": ANSWER_MAX_TOKENS, **params}


INVALID_NOTE = "the model's reply never matched the answer format"


def _unreadable(question: str, engine: str, err: InvalidReply, attempts: int, t0: float) -> Answer:
    """The abstention a user gets when the model answered, but never in the required format."""
    answer = Answer.abstain(
        question,
        engine,
        note=f"{INVALID_NOTE} after {attempts} attempts ({err.problem}): "
        "no answer is shown; use a stronger model (QA_MODEL) or raise QA_LLM_VALIDATION_RETRIES",
    )
    answer.timing_ms = round((time.perf_counter() - t0) * 1000, 1)
    return answer


def answer_llm(
    question: str, hits: list[Hit], settings: Settings, client: LLMClient | None = None, **params: Any
) -> Answer:
    """A grounded answer from the model over ``hits``: cited chunks only, numbers checked.

    A reply that never fits ``LLMReply`` is an abstention whose note says why (the model's
    fault, not the user's); an endpoint that cannot be reached, times out or refuses the
    request raises ``LLMError`` with one line saying what to do.
    """
    t0 = time.perf_counter()
    engine = f"llm:{settings.llm.model}"
    if not hits:
        return Answer.abstain(question, engine, note="no passages were retrieved")
    client = client or LLMClient(settings)
    messages, by_id = build_answer_messages(question, hits, settings)
    params = _params(params)
    try:
        reply = client.structured(messages, LLMReply, **params)
    except InvalidReply as err:
        return _unreadable(question, engine, err, err.attempts, t0)
    return _finish(question, reply, messages, by_id, client, settings, t0, params)


def _partial_string(buf: str, key: str) -> str:
    """The decoded prefix of the JSON string value of ``key`` in a JSON text still being written."""
    m = re.search(r'"' + re.escape(key) + r'"\s*:\s*"', buf)
    if not m:
        return ""
    out: list[str] = []
    i = m.end()
    escapes = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}
    while i < len(buf):
        ch = buf[i]
        if ch == '"':
            break
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        if i + 1 >= len(buf):
            break
        esc = buf[i + 1]
        if esc != "u":
            out.append(escapes.get(esc, esc))
            i += 2
            continue
        try:
            cp = int(buf[i + 2 : i + 6], 16) if len(buf) >= i + 6 else None
        except ValueError:
            break
        if cp is None:
            break
        if 0xD800 <= cp < 0xDC00:  # surrogate pair: wait for the low half
            if len(buf) < i + 12:
                break
            try:
                low = int(buf[i + 8 : i + 12], 16)
            except ValueError:
                break
            out.append(chr(0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00)))
            i += 12
            continue
        out.append(chr(cp))
        i += 6
    return "".join(out)


def stream_answer_llm(
    question: str, hits: list[Hit], settings: Settings, client: LLMClient | None = None, **params: Any
) -> Iterator[str | Answer]:
    """Text deltas of the answer as the model writes it, then the validated ``Answer`` (always last).

    The deltas are a preview: the final ``Answer`` is what counts (it may abstain or be marked
    unsupported after the citation and number checks, or differ after a repair).
    """
    t0 = time.perf_counter()
    engine = f"llm:{settings.llm.model}"
    if not hits:
        yield Answer.abstain(question, engine, note="no passages were retrieved")
        return
    client = client or LLMClient(settings)
    messages, by_id = build_answer_messages(question, hits, settings)
    params = _params(params)
    raw = ""
    shown = ""
    for delta in client.stream_structured(messages, LLMReply, **params):
        raw += delta
        text = _partial_string(raw, "answer")
        if len(text) > len(shown) and text.startswith(shown):
            yield text[len(shown) :]
            shown = text
    try:
        reply = _parse(raw, LLMReply)
    except ValueError as err:
        retry = [
            *messages,
            {"role": "assistant", "content": raw},
            {"role": "user", "content": validation_feedback(_describe_invalid(err))},
        ]
        try:
            reply = client.structured(retry, LLMReply, **params)
        except InvalidReply as again:
            yield _unreadable(question, engine, again, again.attempts + 1, t0)  # + the streamed try
            return
    yield _finish(question, reply, messages, by_id, client, settings, t0, params)
