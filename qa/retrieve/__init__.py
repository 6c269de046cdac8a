"""Retrieval: what a question asks (``query``), which plans it is about (``scope``), and hybrid
BM25 + dense search over the live chunks with their statements (``retriever``, ``corpus``)."""

from qa.retrieve.retriever import Retriever

__all__ = ["Retriever"]
