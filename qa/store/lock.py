"""One writer at a time: the lock every ingest holds from reading the manifest to its last clean-up.

Two ingests that interleave (two CLI runs, a page upload beside a CLI run) would each commit a manifest
that forgets the other's documents, and each one's clean-up would delete rows the other's manifest names.
So a writer holds:

- on an embedded store, an ``fcntl`` lock on ``QA_HOME/ingest.lock`` (released by the kernel when the
  process dies, so a killed ingest never leaves it taken);
- on every store, embedded or ``chroma run``, a lease record in the store itself (``ingest-lease`` in the
  manifest collection: owner, host, pid, since, expiry), so writers on other machines see it too. Chroma
  has no compare-and-set: a writer writes its lease, waits, and reads it back; whoever's lease is there
  holds it. A lease expires unless renewed (``renew``), so a writer that died frees it after ``LEASE_S``.

A writer that finds the lock taken waits up to ``wait`` seconds, then fails with one line naming who holds it.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.store.chroma import StoreError

LEASE_ID = "ingest-lease"
LEASE_S = 120.0  # a lease not renewed within this long is free (its writer died)
SETTLE_S = 0.3  # how long a writer waits before reading its lease back


class LockBusy(StoreError):
    """Another ingest holds the store; one line says who and since when."""


@dataclass
class Lease:
    owner: str
    host: str
    pid: int
    since: float
    expires: float

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}, since {time.strftime('%H:%M:%S', time.localtime(self.since))}"


class WriterLock:
    def __init__(self, store: Any, home: Path | None, wait: float):
        self.store = store
        self.home = home  # None for a server store
        self.wait = wait
        self.owner = uuid.uuid4().hex
        self._fd: int | None = None
        self._since = time.time()

    # --- the lease in the store ---------------------------------------------------------------
    def _read(self) -> Lease | None:
        got = self.store._op("meta", "get", ids=[LEASE_ID], include=["documents"])
        if not got["ids"] or not got["documents"][0]:
            return None
        try:
            return Lease(**json.loads(got["documents"][0]))
        except (ValueError, TypeError):
            return None

    def _write(self, lease: Lease | None) -> None:
        from qa.store.chroma import _unit_vector

        doc = json.dumps(lease.__dict__) if lease else ""
        self.store._op("meta", "upsert", ids=[LEASE_ID], documents=[doc], embeddings=[_unit_vector()],
                       metadatas=[{"lease": bool(lease)}])

    def _mine(self) -> Lease:
        now = time.time()
        return Lease(self.owner, socket.gethostname(), os.getpid(), self._since, now + LEASE_S)

    def renew(self) -> None:
        """Push the lease's expiry forward (a long ingest calls this between documents)."""
        held = self._read()
        if held is not None and held.owner != self.owner and held.expires > time.time():
            raise LockBusy(f"another ingest took over the store ({held.describe()}); this one stops here")
        self._write(self._mine())

    # --- taking and giving back --------------------------------------------------------------------
    def acquire(self) -> None:
        deadline = time.time() + self.wait
        if self.home is not None:
            self._file_lock(deadline)
        while True:
            held = self._read()
            if held is None or held.owner == self.owner or held.expires <= time.time():
                self._write(self._mine())
                time.sleep(SETTLE_S)
                held = self._read()
                if held is not None and held.owner == self.owner:
                    return
            if time.time() >= deadline:
                self._release_file()
                raise LockBusy(f"another ingest is running on this store ({held.describe() if held else 'unknown'}); "
                               "try again when it has finished")
            time.sleep(1.0)

    def _file_lock(self, deadline: float) -> None:
        import fcntl

        assert self.home is not None
        self.home.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.home / "ingest.lock", os.O_RDWR | os.O_CREAT, 0o644)
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.time() >= deadline:
                    os.close(self._fd)
                    self._fd = None
                    held = self._read()
                    raise LockBusy(f"another ingest is running on this store "
                                   f"({held.describe() if held else 'another process'}); "
                                   "try again when it has finished") from None
                time.sleep(0.5)

    def _release_file(self) -> None:
        if self._fd is not None:
            import fcntl

            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def release(self) -> None:
        try:
            held = self._read()
            if held is not None and held.owner == self.owner:
                self._write(None)
        finally:
            self._release_file()


@contextmanager
def writer(store: Any, settings: Any) -> Iterator[WriterLock]:
    """Hold the store's writer lock for the body (waiting up to QA_INGEST_WAIT seconds for it)."""
    home = None if settings.store.chroma_url else settings.store.home
    lock = WriterLock(store, home, settings.store.ingest_wait)
    lock.acquire()
    try:
        yield lock
    finally:
        lock.release()
