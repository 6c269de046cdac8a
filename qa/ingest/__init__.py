"""Ingest: files (collect, decode, check), describe (title, region, plan), pipeline (ingest into the store)."""

from qa.ingest.files import IngestError, SourceFile, collect, decode, read_source
from qa.ingest.pipeline import IngestReport, ingest, remove_documents

__all__ = ["IngestError", "IngestReport", "SourceFile", "collect", "decode", "ingest", "read_source", "remove_documents"]
