"""Bring the store in line with the document folders: read, chunk, read statements, embed, write, switch."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from qa.config import Settings
from qa.ingest.files import IngestError, SourceFile, collect, read_source


@dataclass
class IngestReport:
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    removed: list[str]
    chunks: int
    embedded: int
    seconds: float
    statements: int = 0
    warnings: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # file → the one-line reason nothing was written for it


def ingest(settings: Settings, paths: list[Path] | None = None, progress: bool = False) -> IngestReport:
    """Bring the store in line with ``paths`` (default: the configured document folders).

    Files are all read and checked first; then changed documents are chunked, embedded
    (cached by content) and written under new version ids; one manifest upsert makes
    them live; stale versions are deleted last.
    """
    import time

    from qa.figures.reader import read_statements
    from qa.store.chroma import (
        Store,
        StoreError,
        chunking_signature,
        index_text,
        reader_version,
        statement_label,
    )
    from qa.text.chunk import chunk_document, outline

    t0 = time.perf_counter()
    paths = [Path(p) for p in (paths or settings.store.docs)]
    files = collect(paths)
    sources: list[SourceFile] = []
    failed: dict[str, str] = {}
    for f in files:  # a bad document is reported and skipped: the rest of the batch still goes in
        try:
            sources.append(read_source(f, settings.store.max_file_mb, settings.store.max_pages, settings.store.ocr))
        except IngestError as e:
            failed[str(f)] = str(e)
    if failed and not sources:
        raise IngestError(next(iter(failed.values())) if len(failed) == 1 else
                          f"{len(failed)} files could not be read; first: {next(iter(failed.values()))}")
    store = Store(settings)
    manifest = store.manifest()
    sig = chunking_signature(settings)
    rebuild_all = manifest.chunking != sig or manifest.embedding != settings.store.embedding
    report = IngestReport([], [], [], [], 0, 0, 0.0, failed=failed)

    reader = reader_version()
    todo: list[SourceFile] = []
    restate: list[SourceFile] = []  # unchanged chunks, statements read by an older reader: read them again
    for s in sources:
        old = manifest.docs.get(s.doc.id)
        if old and old.sha256 == s.sha256 and not rebuild_all and s.doc.id in manifest.versions:
            report.unchanged.append(s.doc.id)
            if manifest.readers.get(s.doc.id) != reader:
                restate.append(s)
        else:
            (report.updated if old else report.added).append(s.doc.id)
            todo.append(s)

    # documents whose file is gone from an ingested folder (or from disk) leave the store
    dirs = [p.resolve() for p in paths if p.is_dir()]
    seen = {s.doc.id for s in sources} | {Path(f).stem for f in failed}  # a file that failed is not gone
    for doc_id, doc in list(manifest.docs.items()):
        if doc_id in seen:
            continue
        src = Path(doc.path).resolve()
        if not src.exists() or any(src.is_relative_to(d) for d in dirs):
            report.removed.append(doc_id)

    if rebuild_all:
        for doc_id in list(manifest.versions):
            if doc_id not in seen and doc_id not in report.removed:
                report.removed.append(doc_id)  # its chunking is stale and its file was not given

    bar = None
    pending = []
    for s in todo + restate:
        version = s.sha256[:10] + hashlib.sha256(sig.encode()).hexdigest()[:4]
        chunks = chunk_document(s.doc.id, version, s.text, s.cleaned, settings.store.chunk_tokens,
                                settings.store.chunk_overlap)
        if len(chunks) > settings.store.max_chunks:
            raise IngestError(f"{s.path}: {len(chunks)} chunks, over the limit of {settings.store.max_chunks} a "
                              "document may have (QA_MAX_CHUNKS); nothing was written")
        statements = read_statements(s.doc, f"{version}+{reader}", s.cleaned, s.text, chunks,
                                     page_of=lambda o, d=s.doc: d.page_at(o)[0] if d.pages else None,
                                     ocr_at=lambda o, d=s.doc: d.page_at(o)[1] if d.pages else False)
        pending.append((s, version, chunks, statements))
    restated = {s.doc.id for s in restate}
    total = sum(len(c) for s, _, c, _ in pending if s.doc.id not in restated)
    if progress and total:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="chunk", desc="ingest", dynamic_ncols=True)

    def tick(n: int, cached: bool = False) -> None:
        if not cached:
            report.embedded += n
        if bar is not None:
            bar.update(n)

    try:
        for s, version, chunks, statements in pending:
            if s.doc.id not in restated:
                vecs = store.ef.embed([index_text(c) for c in chunks], "passage", progress=tick)
                store.add_chunks(chunks, s.doc, version, vecs)
                store.add_text(s.text, s.doc, version, outline(s.cleaned), {c.id: c.units for c in chunks})
                report.chunks += len(chunks)
            # labels are short and compared with a question's indicator words: both embedded as queries
            labels = store.ef.embed([statement_label(st) for st in statements], "query")
            store.add_statements(statements, s.doc, f"{version}+{reader}", labels)
            report.statements += len(statements)
    finally:  # an error line must not land inside an open progress bar
        if bar is not None:
            bar.close()

    if todo or restate or report.removed or rebuild_all:
        for s, version, chunks, statements in pending:
            manifest.docs[s.doc.id] = s.doc
            manifest.versions[s.doc.id] = version
            manifest.counts[s.doc.id] = len(chunks)
            manifest.statements[s.doc.id] = len(statements)
            manifest.readers[s.doc.id] = reader
        for doc_id in report.removed:
            for table in (manifest.docs, manifest.versions, manifest.counts, manifest.statements, manifest.readers):
                table.pop(doc_id, None)
        manifest.chunking, manifest.embedding = sig, settings.store.embedding
        store.commit(manifest)
    # committed: whatever happens now, the new state is live; a failed clean-up is retried next time
    try:
        if store.count() != sum(manifest.counts.values()) or store.count("texts") != 2 * len(manifest.versions):
            store.garbage_collect(manifest)
    except StoreError as e:
        report.warnings.append(f"removing old versions failed after the commit (the next ingest retries): {e}")
    report.seconds = time.perf_counter() - t0
    return report
