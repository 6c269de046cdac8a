"""The page's documents tab: add plan files (the formats and size limit `qa ingest` takes) and remove them.

Uploaded files are copied into the first configured documents folder (``QA_DOCS``) under their own base
name only — never a path the browser chose, never over another file (a taken name gets ``-2``) — then that
folder is ingested exactly as `qa ingest` does, with its progress shown; a bad file is one line and the
others still go in. Removing a document takes it out of the store first, then deletes its file from that
folder (never a file outside it). Uploads need a login:
without ``QA_AUTH`` Gradio's upload route is refused (qa/web/guard.py) and this tab says so.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qa.config import Settings
from qa.formats import SUFFIXES

SAFE_NAME = re.compile(r"[^\w\u3400-\u9fff.\-（）()]+")


class UploadError(ValueError):
    """A file the documents folder will not take (type, size, name): one line."""


def docs_folder(settings: Settings) -> Path:
    folder = Path(settings.store.docs[0]).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def safe_name(name: str) -> str:
    """The uploaded file's own base name, with anything a file name should not hold replaced."""
    base = Path(str(name).replace("\\", "/")).name
    cleaned = SAFE_NAME.sub("_", base).strip("._") or "document"
    suffix = Path(cleaned).suffix.lower()
    if suffix not in SUFFIXES:
        raise UploadError(f"{base}: unsupported file type {suffix or '(none)'} (expected {', '.join(sorted(SUFFIXES))})")
    return cleaned


def place(settings: Settings, uploads: list[Any]) -> list[Path]:
    """Copy uploaded files (temp paths from Gradio) into the documents folder; refuse what ingest would. A name
    another plan's file already has gets a free one (规划纲要-2.pdf): an upload never overwrites a file. A
    refused upload is deleted from Gradio's temporary folder at once."""
    folder = docs_folder(settings)
    limit = settings.store.max_file_mb * 1024 * 1024
    placed: list[Path] = []
    for up in uploads or []:
        src = Path(getattr(up, "name", None) or str(up))
        shown = getattr(up, "orig_name", None) or src.name
        try:
            name = safe_name(shown)
            if not src.is_file():
                raise UploadError(f"{shown}: the upload did not arrive")
            if src.stat().st_size > limit:
                raise UploadError(f"{shown}: file is {src.stat().st_size / 1024 / 1024:.1f} MB, over the "
                                  f"{settings.store.max_file_mb:g} MB limit (QA_MAX_FILE_MB)")
        except UploadError:
            src.unlink(missing_ok=True)  # nothing refused stays on the server's disk
            raise
        dest = _free(folder, name, src)
        if not dest.is_relative_to(folder):  # cannot happen after safe_name; checked anyway
            raise UploadError(f"{shown}: refused: outside the documents folder")
        if not dest.exists():
            shutil.copyfile(src, dest)
        placed.append(dest)
    return placed


def _free(folder: Path, name: str, src: Path) -> Path:
    """``folder/name``, or the first ``stem-N`` that is free (the same bytes already there: that file)."""
    import filecmp

    base = Path(name)
    for n in range(1, 1000):
        dest = (folder / (name if n == 1 else f"{base.stem}-{n}{base.suffix}")).resolve()
        if not dest.exists() or filecmp.cmp(src, dest, shallow=False):
            return dest
    raise UploadError(f"{name}: too many files of this name in the documents folder")


def ingest_folder(settings: Settings, progress: Any = None) -> Iterator[str]:
    """Ingest the documents folder as `qa ingest` does, yielding one status line as it goes."""
    from qa.ingest import IngestError, ingest
    from qa.store.chroma import StoreError

    folder = docs_folder(settings)
    yield f"⏳ 正在导入 {folder.name}/ …"
    if progress is not None:
        progress(0.1, desc="读取并切分文档")
    try:
        r = ingest(settings, [folder])
    except (IngestError, StoreError) as e:
        yield f"⚠ {e}"
        return
    if progress is not None:
        progress(1.0, desc="完成")
    lines = [f"✓ 新增 {len(r.added)}，更新 {len(r.updated)}，未变 {len(r.unchanged)}，移除 {len(r.removed)}；"
             f"写入 {r.chunks} 段、{r.statements} 条数字表述（{r.seconds:.1f} 秒）"]
    lines += [f"⚠ {reason}" for reason in r.failed.values()]
    yield "\n\n".join(lines)


def remove(settings: Settings, doc_id: str, docs: dict[str, Any]) -> Path:
    """Take a document out of the store, then delete its file from the documents folder (only from there): a
    removal never leaves the store naming a file that is gone, and never deletes a file the store still shows."""
    from qa.ingest import remove_documents

    doc = docs.get(doc_id or "")
    if doc is None:
        raise UploadError(f"no document '{doc_id}' in the store")
    path = Path(doc.path).resolve()
    folder = docs_folder(settings)
    if not path.is_relative_to(folder):
        raise UploadError(f"{doc_id}: its file {path} is not in the documents folder {folder}; remove it there")
    remove_documents(settings, [doc_id])
    path.unlink(missing_ok=True)
    return path
