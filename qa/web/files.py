"""The document files the page may read: only those inside the configured folders (``QA_DOCS``).

A document's path comes from the store's manifest, which a crafted or stale store could point
anywhere; every read goes through ``doc_path``, which resolves links and ``..`` first and then
refuses anything outside the resolved ``doc_roots``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa.config import Settings
    from qa.models import Document


def doc_roots(settings: Settings) -> list[Path]:
    """The configured document folders, resolved: the only places the page reads documents from."""
    return [Path(d).expanduser().resolve() for d in settings.store.docs]


def doc_path(doc: Document, roots: Sequence[Path]) -> Path | None:
    """The document's file if it resolves to a file inside one of ``roots``, else None."""
    try:
        p = Path(doc.path).expanduser()
        p = (p if p.is_absolute() else Path.cwd() / p).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    if not p.is_file():
        return None
    return p if any(p.is_relative_to(r) for r in roots) else None


def doc_text(doc: Document, roots: Sequence[Path]) -> str | None:
    """The document's original text (newlines untouched: offsets count \\r too), or None when not allowed."""
    p = doc_path(doc, roots)
    if p is None:
        return None
    try:
        with p.open(encoding=doc.encoding or "utf-8", newline="") as f:
            return f.read()
    except (OSError, UnicodeError, LookupError):
        return None
