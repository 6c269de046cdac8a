"""Bring the store in line with the document folders: read, chunk, read statements, embed, write, switch.

Every file is read and checked first (a bad one is refused by name; the rest go in). Then, holding the
store's writer lock (``qa.store.lock``: one ingest at a time, on an embedded store and a ``chroma run``
server alike), the manifest is read, changed documents are chunked, embedded (cached by content) and
written under new version ids, one manifest upsert makes them live, and rows no live version names are
deleted last — under the same lock, so no clean-up ever deletes what another run committed.

A document is never removed because another one was ingested: only when its file is gone from a folder
being ingested (or from disk). A changed chunking setting re-chunks the documents this run was given and
names the ones still chunked the old way (``IngestReport.stale_chunking``). A store found inconsistent (a
version whose rows are missing) is repaired: that document is written again.
"""

from __future__ import annotations

import contextlib
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
    repaired: list[str] = field(default_factory=list)  # documents whose stored rows were missing: written again
    stale_chunking: list[str] = field(default_factory=list)  # documents still chunked with older settings


def _read_all(settings: Settings, paths: list[Path], held: dict) -> tuple[list[SourceFile], dict[str, str]]:  # noqa: ANN001
    from qa.ingest.identity import assign_ids, printable

    files, failed = collect(paths)
    sources: list[SourceFile] = []
    for f in files:  # a bad document is reported and skipped: the rest of the batch still goes in
        try:
            st = settings.store
            sources.append(read_source(f, st.max_file_mb, st.max_pages, st.ocr, st.max_xml_mb, st.max_page_pixels))
        except IngestError as e:
            failed[printable(f)] = str(e)
        except OSError as e:
            failed[printable(f)] = f"{printable(f)}: cannot read ({e.strerror or e})"
    for s, doc_id in zip(sources, assign_ids([s.doc for s in sources], held), strict=True):
        s.doc.id = doc_id
    if failed and not sources:
        raise IngestError(next(iter(failed.values())) if len(failed) == 1 else
                          f"{len(failed)} files could not be read; first: {next(iter(failed.values()))}")
    return sources, failed


def ingest(settings: Settings, paths: list[Path] | None = None, progress: bool = False) -> IngestReport:
    """Bring the store in line with ``paths`` (default: the configured document folders)."""
    import time

    from qa.store.chroma import Store, StoreError
    from qa.store.lock import writer

    t0 = time.perf_counter()
    paths = [Path(p) for p in (paths or settings.store.docs)]
    store = Store(settings)
    with writer(store, settings) as lock:
        manifest = store.manifest()
        sources, failed = _read_all(settings, paths, manifest.docs)
        report = IngestReport([], [], [], [], 0, 0, 0.0, failed=failed)
        _write(settings, store, manifest, sources, paths, report, progress, lock)
        # committed: whatever happens now, the new state is live; a failed clean-up is retried next time
        try:
            live = store.manifest()  # what is live now is all any clean-up may keep
            if store.count() != sum(live.counts.values()) or store.count("texts") != 2 * len(live.versions):
                store.garbage_collect(live)
            store.settle(live)  # under the writer's lock: the store is as its manifest says (a store not stamped yet)
        except StoreError as e:
            report.warnings.append(f"removing old versions failed after the commit (the next ingest retries): {e}")
    report.seconds = time.perf_counter() - t0
    return report


def _write(settings: Settings, store, manifest, sources: list[SourceFile], paths: list[Path],  # noqa: ANN001
           report: IngestReport, progress: bool, lock) -> None:  # noqa: ANN001
    from qa.figures.reader import read_statements
    from qa.ingest.identity import printable
    from qa.store.chroma import chunking_signature, reader_version
    from qa.text.chunk import chunk_document

    sig = chunking_signature(settings)
    reader = reader_version()
    broken = set(store.broken_versions(manifest))  # rows a crash or a concurrent run of old took away
    todo: list[SourceFile] = []
    restate: list[SourceFile] = []  # unchanged chunks, statements read by an older reader: read them again
    for s in sources:
        old = manifest.docs.get(s.doc.id)
        same = (old is not None and old.sha256 == s.sha256 and s.doc.id in manifest.versions
                and manifest.chunking_of(s.doc.id) == sig and manifest.embedding == settings.store.embedding)
        if same and s.doc.id not in broken:
            report.unchanged.append(s.doc.id)
            if manifest.readers.get(s.doc.id) != reader:
                restate.append(s)
        else:
            if same:
                report.repaired.append(s.doc.id)
            (report.updated if old else report.added).append(s.doc.id)
            todo.append(s)
    _duplicates(sources, manifest, report)

    # documents whose file is gone from an ingested folder (or from disk) leave the store
    dirs = [p.resolve() for p in paths if p.is_dir()]
    seen = {s.doc.id for s in sources}
    failed_paths = {str(Path(f).resolve()) for f in report.failed if Path(f).exists()}
    for doc_id, doc in list(manifest.docs.items()):
        if doc_id in seen or str(Path(doc.path).resolve()) in failed_paths:  # a file that failed is not gone
            continue
        src = Path(doc.path).resolve()
        if not src.exists() or any(src.is_relative_to(d) for d in dirs):
            report.removed.append(doc_id)
    if manifest.embedding and manifest.embedding != settings.store.embedding:
        report.warnings.append(f"the store was embedded with {manifest.embedding}; documents not given here keep "
                               "those vectors until they are ingested again")
    report.stale_chunking = sorted(d for d in manifest.versions if d not in seen and d not in report.removed
                                   and manifest.chunking_of(d) != sig)

    pending = []
    for s in todo + restate:
        version = s.sha256[:10] + hashlib.sha256(sig.encode()).hexdigest()[:4]
        chunks = chunk_document(s.doc.id, version, s.text, s.cleaned, settings.store.chunk_tokens,
                                settings.store.chunk_overlap)
        if len(chunks) > settings.store.max_chunks:  # refused by name; the rest still go in
            report.failed[printable(s.path)] = (f"{printable(s.path)}: {len(chunks)} chunks, over the limit of "
                                                f"{settings.store.max_chunks} a document may have (QA_MAX_CHUNKS); "
                                                "nothing was written for it")
            for lst in (report.added, report.updated, report.repaired):
                if s.doc.id in lst:
                    lst.remove(s.doc.id)
            continue
        statements = read_statements(s.doc, f"{version}+{reader}", s.cleaned, s.text, chunks,
                                     page_of=lambda o, d=s.doc: d.page_at(o)[0] if d.pages else None,
                                     ocr_at=lambda o, d=s.doc: d.page_at(o)[1] if d.pages else False)
        pending.append((s, version, chunks, statements))
    restated = {s.doc.id for s in restate}
    _store_versions(store, pending, restated, report, progress, lock)

    if pending or report.removed:
        for s, version, chunks, statements in pending:
            manifest.docs[s.doc.id] = s.doc
            manifest.versions[s.doc.id] = version
            manifest.counts[s.doc.id] = len(chunks)
            manifest.statements[s.doc.id] = len(statements)
            manifest.readers[s.doc.id] = reader
            manifest.chunkings[s.doc.id] = sig
        for doc_id in report.removed:
            for table in (manifest.docs, manifest.versions, manifest.counts, manifest.statements, manifest.readers,
                          manifest.chunkings):
                table.pop(doc_id, None)
        manifest.chunking, manifest.embedding = sig, settings.store.embedding
        lock.renew()  # still ours: nobody else committed while this run wrote
        store.commit(manifest)


def _store_versions(store, pending, restated: set[str], report: IngestReport, progress: bool, lock) -> None:  # noqa: ANN001
    from qa.store.chroma import index_text, reader_version, statement_label
    from qa.text.chunk import outline

    reader = reader_version()
    bar = None
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
            lock.renew()
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


def _duplicates(sources: list[SourceFile], manifest, report: IngestReport) -> None:  # noqa: ANN001
    """The same content under two names is kept (both are real files) but said, in one line each."""
    by_sha: dict[str, str] = {}
    for doc_id, d in manifest.docs.items():
        by_sha.setdefault(d.sha256, doc_id)
    for s in sources:
        first = by_sha.setdefault(s.sha256, s.doc.id)
        if first != s.doc.id:
            report.warnings.append(f"{s.doc.id} has the same content as {first} (two names for one plan); "
                                   "cross-plan tables list it once")


def remove_documents(settings: Settings, doc_ids: list[str]) -> list[str]:
    """Take documents out of the store (under the writer lock, one manifest switch): what the page's 删除 does
    before it deletes the file."""
    from qa.store.chroma import Store, StoreError
    from qa.store.lock import writer

    store = Store(settings)
    with writer(store, settings) as lock:
        manifest = store.manifest()
        gone = [d for d in doc_ids if d in manifest.docs]
        if gone:
            for doc_id in gone:
                for table in (manifest.docs, manifest.versions, manifest.counts, manifest.statements,
                              manifest.readers, manifest.chunkings):
                    table.pop(doc_id, None)
            lock.renew()
            store.commit(manifest)
            with contextlib.suppress(StoreError):  # committed; the next ingest removes the rows
                store.garbage_collect(store.manifest())
    return gone
