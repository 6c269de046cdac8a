"""The same plans ingested as PDF (printed by chromium, header and footer on), .docx and a web page score like
the .txt seeds on the labelled set, with gold quotes labelled on the .txt found in each canonical text,
and every cited quote of a PDF answer printed on the page its citation names."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests import docs_factory as df
from tests.conftest import ROOT

GOLD = ROOT / "evals" / "indicators.jsonl"
KINDS = {"pdf": ".pdf", "docx": ".docx", "site": ".html"}
pytestmark = pytest.mark.skipif(not df.chromium_available(), reason="needs Debian chromium to print PDFs")


@pytest.fixture(scope="module")
def formats(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Folders of the five seeds as PDF, .docx and HTML, each file named by its seed's stem (its doc id)."""
    root = tmp_path_factory.mktemp("formats-eval")
    built = df.build(root / "build", kinds=tuple(KINDS))
    out = {}
    for kind, ext in KINDS.items():
        folder = root / kind
        folder.mkdir()
        for (doc_id, k), path in built.files.items():
            if k == kind:
                shutil.copy(path, folder / f"{doc_id}{ext}")
        out[kind] = folder
    return out


@pytest.fixture(scope="module")
def txt_report(ready_store: Any) -> dict[str, Any]:
    from qa.eval.run import run

    return run(GOLD, ready_store)


@pytest.fixture(scope="module")
def stores(formats: dict[str, Path], tmp_path_factory: pytest.TempPathFactory, settings_factory: Any) -> dict[str, Any]:
    from qa.ingest import ingest

    out = {}
    for kind, folder in formats.items():
        settings = settings_factory(tmp_path_factory.mktemp(f"home-{kind}"), docs=[folder])
        report = ingest(settings, [folder])
        assert len(report.added) == 5 and not report.failed, report
        out[kind] = settings
    return out


@pytest.mark.timeout(1800)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_format_scores_like_the_txt_seeds(kind: str, stores: dict[str, Any], txt_report: dict[str, Any]) -> None:
    from qa.eval.run import run

    report = run(GOLD, stores[kind])  # the gold quotes were labelled on the .txt files
    got, want = report["metrics"]["overall"], txt_report["metrics"]["overall"]
    for metric in ("answer_accuracy", "citation_accuracy"):
        assert abs(got[metric] - want[metric]) <= 0.02, (kind, metric, got[metric], want[metric])
    assert got["unsupported_shown"] == 0


def _pdf_pages(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


@pytest.mark.timeout(1800)
def test_every_pdf_citation_is_on_its_page(stores: dict[str, Any], formats: dict[str, Path]) -> None:
    from qa.answer import answer_question
    from qa.eval.gold import parse_gold
    from qa.formats.layout import fix_chars
    from qa.retrieve.retriever import Retriever

    settings = stores["pdf"]
    retriever = Retriever(settings)
    pages = {p.stem: [re.sub(r"\s+", "", fix_chars(t)) for t in _pdf_pages(p)] for p in formats["pdf"].iterdir()}
    checked = 0
    for item in parse_gold(GOLD)[:60]:
        a = answer_question(item.question, settings, retriever=retriever)
        for c in a.citations:
            assert c.page is not None, (item.id, c)
            quote = re.sub(r"\s+", "", c.quote)
            runs = re.findall(r"[\u4e00-\u9fff]{6,}", quote)
            text = pages[c.doc_id][c.page - 1] + (pages[c.doc_id][c.page] if c.page < len(pages[c.doc_id]) else "")
            assert runs and runs[0] in text, (item.id, c.page, runs[:1])
            checked += 1
    assert checked >= 40
