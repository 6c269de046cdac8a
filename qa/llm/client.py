"""``LLMClient``: chat, streaming and structured output against one OpenAI-compatible endpoint.

OpenAI, vLLM, Ollama and the llama.cpp server all speak ``/v1/chat/completions``; the client drives
them through the ``openai`` SDK (imported lazily, so importing ``qa.llm`` stays cheap) with our own
retries and exponential backoff on 429, 5xx, connection errors and malformed bodies (the SDK's
retries are off so ``settings.llm.llm_retries`` is the number that counts; a read timeout is not
retried: the same slow generation would only time out again). Every call goes through the disk
cache (``qa.llm.cache``), every message it writes through the secret scrubber (``qa.llm.secrets``);
how failures read is ``qa.llm.errors``, what a structured reply must look like ``qa.llm.structured``.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from qa.llm.cache import cache_dir_for, cache_miss, read_record, request_key, split_for_replay, write_record
from qa.llm.errors import CacheMiss, InvalidReply, LLMError, Rejected, classify, final_error
from qa.llm.secrets import MIN_SECRET, redact_url, register_secrets, scrub, split_url
from qa.llm.structured import (
    M,
    Message,
    describe_invalid,
    json_schema,
    parse_reply,
    response_format,
    validation_feedback,
    with_schema,
)

if TYPE_CHECKING:
    from qa.config import Settings

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
NO_KEY = "sk-no-key-required"  # local servers ignore the key, the SDK insists on one
BACKOFF_BASE = 0.5  # seconds before the first retry, doubled each time
BACKOFF_MAX = 8.0


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
        self._sdk_url, self._query, url_secrets = split_url(url)
        self.base_url = redact_url(url)  # what messages, logs and cache records show
        self.model = settings.llm.model
        self.use_cache = use_cache
        self.cache_dir = Path(cache_dir) if cache_dir is not None else cache_dir_for(settings)
        self.http_attempts = 0
        key = settings.llm.openai_api_key
        self._secret = key.get_secret_value() if key is not None else ""
        found = {s for s in (self._secret, *url_secrets) if len(s) >= MIN_SECRET}
        self._secrets = sorted(found, key=len, reverse=True)
        register_secrets(self._secrets)
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
        key, request = request_key(self.model, messages, params)
        record = self._cache_get(key)
        if record is not None:
            return record["text"]
        if self.settings.llm.replay:
            raise cache_miss(key, request, self.cache_dir)
        response = self._create(messages, params, stream=False)
        text = self._text_of(response)
        self._cache_put(key, request, text, deltas=None, stream=False)
        return text

    def stream(self, messages: Sequence[Message], **params: Any) -> Iterator[str]:
        """Text deltas as the model writes them; the whole text is recorded once the stream ends."""
        messages = list(messages)
        key, request = request_key(self.model, messages, params)
        record = self._cache_get(key)
        if record is not None:
            yield from record.get("deltas") or split_for_replay(record["text"])
            return
        if self.settings.llm.replay:
            raise cache_miss(key, request, self.cache_dir)
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
        convo = with_schema(list(messages), schema)
        attempts = self.settings.llm.llm_validation_retries + 1
        problem = ""
        for attempt in range(attempts):
            text = self._structured_call(convo, schema, model_cls.__name__, params)
            try:
                return parse_reply(text, model_cls)
            except ValueError as err:  # pydantic's ValidationError is a ValueError
                problem = describe_invalid(err)
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
        convo = with_schema(list(messages), schema)
        last: LLMError | None = None
        for mode in self._modes():
            it = self.stream(
                convo, **params, response_format=response_format(mode, schema, model_cls.__name__)
            )
            try:
                first = next(it)
            except StopIteration:
                self.format_mode = mode
                return
            except (Rejected, CacheMiss) as err:
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
                text = self.chat(convo, **params, response_format=response_format(mode, schema, name))
            except Rejected as err:
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
                failure = classify(err)
                if failure is None:
                    raise
                retryable, reason, wait = failure
                if not retryable or attempt >= retries:
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
            failure = classify(err)
            reason = failure[1] if failure else f"{type(err).__name__}: {err}"
            raise LLMError(
                self._scrub(f"the model stream from {self.base_url} broke off ({reason}): try again")
            ) from None
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()

    def _final_error(self, err: BaseException, reason: str, attempts: int) -> LLMError:
        return final_error(err, reason, attempts, url=self.base_url, model=self.model,
                           timeout=self.settings.llm.llm_timeout, scrub=self._scrub)

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
        return scrub(text, self._secrets)

    # ---- cache

    def _cache_get(self, key: str) -> dict | None:
        if not self.use_cache and not self.settings.llm.replay:
            return None
        return read_record(self.cache_dir, key)

    def _cache_put(
        self, key: str, request: dict, text: str, *, deltas: list[str] | None, stream: bool
    ) -> None:
        if self.use_cache:
            write_record(self.cache_dir, key, request, text, deltas=deltas, stream=stream,
                         endpoint=self.base_url, scrub=self._scrub)


def _fold_system(messages: list[Message]) -> list[Message]:
    system = "\n\n".join(str(m.get("content") or "") for m in messages if m.get("role") == "system")
    rest = [m for m in messages if m.get("role") != "system"]
    if not system:
        return rest
    for i, m in enumerate(rest):
        if m.get("role") == "user":
            return [*rest[:i], {**m, "content": f"{system}\n\n{m.get('content') or ''}"}, *rest[i + 1 :]]
    return [{"role": "user", "content": system}, *rest]
