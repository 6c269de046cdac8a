"""Which document a file is: its id in the store, never just its bare name.

Official downloads are often all called 规划纲要.pdf; a plan moved to another folder is still the same plan.
So a file the store already holds (same resolved path) keeps its id; a new file takes its stem, unless
that stem already names another plan (another region or period) whose file still exists, in the store or
earlier in this batch: then it takes ``stem-XXXXXX`` (six hex digits of its resolved path). A stem whose
file is gone is taken over (the plan was moved), and so is one of the same region and period (the same
plan copied elsewhere, or a newer download of it). A file name that is not valid text (GBK or Windows-1252 bytes from a
Windows archive) is refused by name, with the name it probably means.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from qa.models import Document


def printable(path: Path | str) -> str:
    """A path as a line of text, whatever bytes its name holds (for messages)."""
    import os

    raw = os.fsencode(str(path))
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")


def name_problem(path: Path) -> str | None:
    """Why this file's name cannot name a document (bytes that are not UTF-8), or None."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return (f"{printable(path)}: the file name is not UTF-8 (a name from a Windows archive?); rename the file "
                f"(it probably means “{printable(path.name)}”) and ingest it again")
    return None


def assign_ids(docs: list[Document], held: dict[str, Document]) -> list[str]:
    """Each read document's id, in order (see the module's docstring). A stem whose file still exists names
    another plan only if that plan is another region or period: the same plan copied or re-downloaded to
    another folder is the same document, updated."""
    by_path = {str(Path(d.path).resolve()): doc_id for doc_id, d in held.items()}
    owner = {doc_id: d for doc_id, d in held.items()}
    out: list[str] = []
    for doc in docs:
        real = str(Path(doc.path).resolve())
        if real in by_path:
            out.append(by_path[real])
            continue
        stem = Path(doc.path).stem
        doc_id = stem
        other = owner.get(doc_id)
        if other is not None and str(Path(other.path).resolve()) != real and Path(other.path).exists() \
                and not (other.region and (other.region, other.plan) == (doc.region, doc.plan)):
            doc_id = f"{stem}-{hashlib.sha1(real.encode()).hexdigest()[:6]}"
        owner[doc_id] = doc
        by_path[real] = doc_id
        out.append(doc_id)
    return out
