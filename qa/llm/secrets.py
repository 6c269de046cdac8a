"""No secret in logs, cache files or error messages.

The API key, credentials in the base URL (``http://user:pass@host``) and its query values count as
secrets. ``split_url`` takes them out of the URL the SDK is given, ``redact_url`` is the URL as
messages and cache records show it, and ``register_secrets`` keeps them out of every log record of
the process (the SDK and httpx log request URLs). The one place that knows what a secret looks like.
"""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Sequence
from typing import Any

MIN_SECRET = 8  # shorter strings are not treated as secrets (they would blank out ordinary text)
_SECRETS: set[str] = set()
_factory_installed = False


def split_url(url: str) -> tuple[str, dict[str, str], list[str]]:
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


def redact_url(url: str) -> str:
    """The URL as messages and cache records show it: no credentials, no query values."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    query = "&".join(f"{k}=***" for k, _ in urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def scrub(text: str, secrets: Sequence[str]) -> str:
    """``text`` with each of ``secrets`` replaced by ``***`` (longest first: no half-redacted key)."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def redact_secrets(text: str) -> str:
    """``text`` with every secret an ``LLMClient`` of this process was given replaced by ``***``."""
    return scrub(text, list(_SECRETS))


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


def register_secrets(secrets: Sequence[str]) -> None:
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
