"""Which document a file is: its id in the store, never just its bare name.

Official downloads are often all called 规划纲要.pdf; a plan moved to another folder is still the same plan.
So a file the store already holds (same resolved path) keeps its id; a new file takes its stem, unless
that stem already names another file that still exists (in the store, or earlier in this batch), in
which case it takes ``stem-XXXXXX`` (six hex digits of its resolved path). A stem whose file is gone is
taken over: the plan was moved. A file name that is not valid text (GBK or Windows-1252 bytes from a
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


def assign_ids(files: list[Path], held: dict[str, Document]) -> dict[Path, str]:
    """Each file's document id (see the module's docstring)."""
    by_path = {str(Path(d.path).resolve()): doc_id for doc_id, d in held.items()}
    owner = {doc_id: str(Path(d.path).resolve()) for doc_id, d in held.items()}
    out: dict[Path, str] = {}
    for f in files:
        real = str(f.resolve())
        if real in by_path:
            out[f] = by_path[real]
            continue
        doc_id = f.stem
        other = owner.get(doc_id)
        if other is not None and other != real and Path(other).exists():
            doc_id = f"{f.stem}-{hashlib.sha1(real.encode()).hexdigest()[:6]}"
        owner[doc_id] = real
        by_path[real] = doc_id
        out[f] = doc_id
    return out
