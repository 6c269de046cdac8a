"""Reading real documents (qa.formats): pages per second for text PDFs and for OCR, and how much of each
seed every format gets back.

Documents are made from the seeds exactly as tests/test_formats.py makes them (tests/docs_factory.py):
Chromium prints each seed to PDF with its header and footer, python-docx writes it as Word, a web page
wraps it in nav, sidebar and footer, and ``--ocr-pages`` pages of a PDF are rendered to images and saved
as an image-only PDF. Each file is read once with ``qa.formats.read_document``; build time is not counted.

Coverage is the share of the seed's sentences of 15+ characters found in the canonical text (all
whitespace removed from both); for the scan it is the character overlap with the text layer of the same
pages. Usage: python bench/formats.py [--ocr-pages 4] [--keep DIR]. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def flat(s: str) -> str:
    return "".join(s.split())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ocr-pages", type=int, default=4, help="pages of the 000 seed's PDF to scan and OCR")
    ap.add_argument("--keep", type=Path, help="build the documents here and keep them")
    args = ap.parse_args()

    from qa.formats import ocr as ocr_mod
    from qa.formats import read_document
    from tests import docs_factory as df

    if not df.chromium_available():
        print("bench/formats.py: needs Debian chromium to print the PDFs (bash scripts/install_chromium.sh)")
        return 1
    root = args.keep or Path(tempfile.mkdtemp(prefix="planqa-bench-formats-"))
    try:
        t0 = time.perf_counter()
        corpus = df.build(root, kinds=("site", "pdf", "docx", "scan"), scan_pages=tuple(range(1, 1 + args.ocr_pages)))
        build_s = time.perf_counter() - t0
        seeds = list(df.SEEDS)
        load = os.getloadavg()[0]
        print(f"documents: {len(seeds)} seeds as PDF, .docx and web page, plus a {args.ocr_pages}-page scan; "
              f"built in {build_s:.1f} s (not counted); load average {load:.1f} on {os.cpu_count()} cores\n")

        rows, times, cov = [], Counter(), {}
        for kind, label in (("pdf", "PDF (text layer)"), ("docx", "Word .docx"), ("site", "web page")):
            pages = 0
            for doc_id in seeds:
                path = corpus.files[(doc_id, kind)]
                t = time.perf_counter()
                c = read_document(path, path.read_bytes())
                times[kind] += time.perf_counter() - t
                pages += len(c.pages)
                share, _ = df.coverage(c.text, df.seed_sentences(doc_id))
                cov[(doc_id[:3], kind)] = share
            rows.append((label, kind, pages))

        print(f"{'format':<18}{'docs':>6}{'pages':>7}{'seconds':>9}{'pages/s':>9}{'docs/s':>8}   coverage "
              + " ".join(d[:3] for d in seeds))
        for label, kind, pages in rows:
            secs = times[kind]
            per_page = f"{pages / secs:.1f}" if pages else "–"
            print(f"{label:<18}{len(seeds):>6}{pages or '–':>7}{secs:>9.2f}{per_page:>9}{len(seeds) / secs:>8.1f}   "
                  + "   ".join(f"{cov[(d[:3], kind)]:.3f}" for d in seeds))

        scan_seed = next(d for d in seeds if d.startswith("000"))
        text_pdf = read_document(corpus.files[(scan_seed, "pdf")], corpus.files[(scan_seed, "pdf")].read_bytes())
        t = time.perf_counter()
        need = __import__("importlib").import_module
        ocr_mod.engine(lambda m, e, p: need(m), "bench")
        load_s = time.perf_counter() - t
        scan = corpus.files[(scan_seed, "scan")]
        t = time.perf_counter()
        c = read_document(scan, scan.read_bytes())
        ocr_s = time.perf_counter() - t
        source = "".join(text_pdf.text[p.start:p.end] for p in text_pdf.pages[1:1 + args.ocr_pages])
        a, b = Counter(flat(source)), Counter(flat(c.text))
        overlap = sum((a & b).values()) / max(1, sum(a.values()))
        print(f"{'scan (OCR)':<18}{1:>6}{len(c.pages):>7}{ocr_s:>9.2f}{len(c.pages) / ocr_s:>9.2f}{1 / ocr_s:>8.2f}   "
              f"character overlap {overlap:.4f} with the text layer of the same pages; "
              f"{ocr_s / len(c.pages):.1f} s per page; model load {load_s:.2f} s")
        mins = {k: min(v for (d, kk), v in cov.items() if kk == k) for k in ("pdf", "docx", "site")}
        print(f"\nlowest sentence coverage: PDF {mins['pdf']:.4f}, docx {mins['docx']:.4f}, HTML {mins['site']:.4f} "
              f"(the tests require 0.97)")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
