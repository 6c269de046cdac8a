"""What the page's HTTP server lets through before Gradio sees a request.

Two rules, as one ASGI middleware (``Guard``) in front of Gradio's routes:

* **Logins are throttled.** After ``settings.web.login_attempts`` failed logins from one client
  address within ``settings.web.login_window`` seconds (a minute), every further ``POST /login``
  from it, even with the right password, is answered ``429`` with one line and a ``Retry-After``
  until the oldest failure leaves the window. Attempts still in flight count, so a burst cannot
  slip past the limit. A successful login clears the client's failures.
* **Uploads need a login.** Without ``QA_AUTH`` Gradio's file routes (``/gradio_api/upload``,
  ``/gradio_api/process_recording``) are refused with ``403`` and one line; with it, Gradio's own
  login check guards them (``401`` until logged in).

The client is the TCP peer (``scope["client"]``), never a forwarded header a client could write.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UPLOAD_PATHS = ("/gradio_api/upload", "/gradio_api/process_recording")
UPLOAD_REFUSED = "uploads are refused: uploading documents requires a login (start the page with QA_AUTH=user:password)"


class LoginThrottle:
    """Failed logins per client within a sliding window; thread-safe, with an injectable clock."""

    def __init__(self, attempts: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts = attempts
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._pending: dict[str, int] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        """The client's failures still inside the window (older ones dropped)."""
        failures = self._failures.setdefault(client, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def admit(self, client: str) -> float:
        """0 when this attempt may go ahead (it is then in flight), else the seconds to wait."""
        with self._lock:
            now = self.clock()
            failures = self._recent(client, now)
            pending = self._pending.get(client, 0)
            if len(failures) + pending < self.attempts:
                self._pending[client] = pending + 1
                return 0.0
            if failures:
                return max(failures[0] + self.window - now, 0.001)
            return self.window  # only attempts in flight: they will decide

    def settle(self, client: str, ok: bool) -> None:
        """The attempt ``admit`` let through has been answered: a success clears, a failure counts."""
        with self._lock:
            left = self._pending.pop(client, 1) - 1
            if left > 0:
                self._pending[client] = left
            if ok:
                self._failures.pop(client, None)
            else:
                now = self.clock()
                self._recent(client, now).append(now)


class Guard:
    """The ASGI middleware: ``Guard(app, auth=…, attempts=…, window=…)``."""

    def __init__(self, app: ASGIApp, *, auth: bool, attempts: int, window: float) -> None:
        self.app = app
        self.auth = auth
        self.throttle = LoginThrottle(attempts, window)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path") or "").rstrip("/")
        if path.endswith(UPLOAD_PATHS) and not self.auth:
            await _refuse(send, 403, UPLOAD_REFUSED)
            return
        if not path.endswith("/login"):
            await self.app(scope, receive, send)
            return
        client = str((scope.get("client") or ("unknown",))[0])
        wait = self.throttle.admit(client)
        if wait:
            seconds = math.ceil(wait)
            await _refuse(send, 429, f"too many failed logins from {client}: try again in {seconds} s",
                          [(b"retry-after", str(seconds).encode())])
            return
        status: list[int] = []

        async def watch(message: dict[str, Any]) -> None:
            if message.get("type") == "http.response.start":
                status.append(int(message.get("status", 500)))
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            self.throttle.settle(client, ok=bool(status) and status[0] < 400)


async def _refuse(send: Send, code: int, line: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = (line + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": code,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})
