"""The embedded Chroma systems this process holds, one per store path (Chroma caches them by path)."""

from __future__ import annotations

import sys
from typing import Any


def cached_system(path: str) -> Any:
    from chromadb.api.shared_system_client import SharedSystemClient

    return SharedSystemClient._identifier_to_system.get(path)


def drop_system(path: str) -> None:
    """Forget this process's cached system for ``path`` so the next client loads the index from disk.

    It is not stopped: other stores may still hold clients on it; it goes when they do.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(path, None)


def holds(path: str) -> bool:
    """Whether this process has an embedded system open on ``path`` (never true before chromadb is imported)."""
    return "chromadb" in sys.modules and cached_system(path) is not None
