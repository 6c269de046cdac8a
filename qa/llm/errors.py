"""What can go wrong talking to a model, and how to say it in one line.

The exceptions every caller sees (``LLMError`` and its kinds), and the reading of the SDK's and the
transport's errors: which ones are worth a retry (429, 5xx, connection errors, malformed bodies),
which are the request's own fault (any other 4xx), and the one-line message that says what to do
next. Kept apart from the client so the client holds the conversation and this module the failures.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from typing import Any

RETRY_AFTER_MAX = 30.0


def one_line(text: str, limit: int = 400) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class LLMError(Exception):
    """Talking to the model failed; the message is one line and says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message, 600))


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


class Rejected(LLMError):
    """The endpoint refused the request itself (4xx): retrying the same request cannot help."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def classify(err: BaseException) -> tuple[bool, str, float | None] | None:
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
        if rejects_request(status, detail):
            return False, reason, None
        return True, reason, _retry_after(err)
    if isinstance(err, openai.APIResponseValidationError | json.JSONDecodeError):
        return True, "malformed response body (not the JSON the API promises)", None
    if isinstance(err, openai.APIError):
        return True, one_line(str(err), 160), None
    return None


def final_error(err: BaseException, reason: str, attempts: int, *, url: str, model: str | None,
                timeout: float, scrub: Callable[[str], str]) -> LLMError:
    """The error a caller gets once the retries are spent (or not worth it), its secrets ``scrub``-bed.

    ``url`` is the redacted endpoint. A ``Rejected`` when the endpoint refused the request as such
    (the structured client falls back to another response format on it).
    """
    import openai

    tries = f" after {attempts} attempts" if attempts > 1 else ""
    if isinstance(err, openai.APITimeoutError):
        msg = (
            f"the model endpoint {url} {reason} after {timeout:g} s{tries}: "
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
        elif status >= 500 and not rejects_request(status, _error_detail(err)):
            msg = f"the model endpoint {url} failed ({reason}){tries}: check the server's log, or try again later"
        elif status in (401, 403):
            msg = f"the model endpoint {url} refused the API key ({reason}): check OPENAI_API_KEY"
        elif status == 404:
            msg = f"model {model!r} or its endpoint was not found at {url} ({reason}): check QA_MODEL and OPENAI_BASE_URL"
        else:
            msg = f"the model endpoint {url} rejected the request ({reason}): check QA_MODEL and the request parameters"
        if rejects_request(status, _error_detail(err)):
            return Rejected(scrub(msg), status)
    elif isinstance(err, openai.APIResponseValidationError | json.JSONDecodeError):
        msg = f"the model endpoint {url} sent a {reason}{tries}: is OPENAI_BASE_URL an OpenAI-compatible /v1 endpoint?"
    else:
        msg = f"the model endpoint {url} failed ({reason}){tries}"
    return LLMError(scrub(msg))


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
    return one_line(causes[0], 120) if causes else "connection error"


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
    return one_line(detail, 200)


def rejects_request(status: int, detail: str) -> bool:
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
