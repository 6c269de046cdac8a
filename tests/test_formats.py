"""qa.formats on real documents made from the seeds (tests/docs_factory.py): PDFs printed by Chromium with
its header and footer, Word files, web pages with navigation around the text, a scanned PDF read by OCR.

Every document is built once per session and read once; the tests then look at the canonical text:
each seed sentence is in it, no page furniture is, the 主要指标表 comes out as the seed's TAB rows, the
page spans tile the text and point at the right page, and every bad document is one line.
"""

from __future__ import annotations

import io
import os
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from qa.formats import SUFFIXES, Canonical, FormatError, Page, read_document
from qa.formats.layout import is_toc, join
from tests import docs_factory as df

SEEDS = list(df.SEEDS)
TABLE_SEED = next(d for d in SEEDS if d.startswith("004"))
SCAN_SEED = next(d for d in SEEDS if d.startswith("000"))
KIND_FORMAT = {"pdf": "pdf", "docx": "docx", "site": "html"}
MIN_COVERAGE = 0.97
COVERAGE: dict[tuple[str, str], float] = {}

needs_chromium = pytest.mark.skipif(not df.chromium_available(), reason="needs Debian chromium (PDF printing)")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> df.Corpus:
    """Every document, built once: ~30 s, most of it Chromium printing five plans to PDF."""
    kinds = df.ALL_KINDS if df.chromium_available() else ("site", "docx")
    return df.build(tmp_path_factory.mktemp("documents"), kinds=kinds)


_READ: dict[Path, Canonical] = {}


def read(path: Path, **kw) -> Canonical:
    """read_document once per file per session (a scan costs seconds of OCR per page)."""
    key = path if not kw else Path(f"{path}?{sorted(kw.items())}")
    if key not in _READ:
        _READ[key] = read_document(path, path.read_bytes(), **kw)
    return _READ[key]


def doc(corpus: df.Corpus, doc_id: str, kind: str) -> Canonical:
    if (doc_id, kind) not in corpus.files:
        pytest.skip(f"{kind} documents need chromium")
    return read(corpus.files[(doc_id, kind)])


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------- text files: unchanged


@pytest.mark.parametrize("doc_id", SEEDS)
def test_txt_canonical_text_is_the_decoded_file(doc_id):
    path = df.SEEDS[doc_id]
    c = read_document(path, path.read_bytes())
    assert c.text == path.read_text(encoding="utf-8")  # offsets into today's plans must not move
    assert (c.format, c.encoding, c.pages, c.ocr) == ("txt", "utf-8", [], False)
    assert c.page_at(0) is None


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_md_and_other_encodings(encoding, tmp_path):
    text = df.SEEDS[SEEDS[2]].read_text(encoding="utf-8")
    path = tmp_path / "plan.md"
    c = read_document(path, text.encode(encoding))
    assert (c.text, c.format, c.encoding) == (text, "md", encoding)


def test_ingest_keeps_decode_and_its_error():
    from qa.formats.text import common_hanzi_share
    from qa.ingest import IngestError, decode

    assert decode(Path("a.txt"), "中文".encode("gb18030")) == ("中文", "gb18030")
    assert common_hanzi_share(list("中文")) == 1.0
    with pytest.raises(IngestError, match="a.txt: file is empty"):
        decode(Path("a.txt"), b"  ")


# ---------------------------------------------------------------- every sentence, every format


@pytest.mark.parametrize("kind", ["pdf", "docx", "site"])
@pytest.mark.parametrize("doc_id", SEEDS)
def test_every_seed_sentence_is_in_the_canonical_text(corpus, doc_id, kind):
    c = doc(corpus, doc_id, kind)
    assert c.format == KIND_FORMAT[kind] and c.encoding is None
    sentences = df.seed_sentences(doc_id)
    share, missing = df.coverage(c.text, sentences)
    COVERAGE[(doc_id[:3], kind)] = share
    print(f"coverage {doc_id[:3]} {kind}: {share:.4f} of {len(sentences)} sentences")
    assert share >= MIN_COVERAGE, f"{share:.4f}; first missing: {missing[:3]}"


@pytest.mark.parametrize("kind", ["pdf", "docx", "site"])
@pytest.mark.parametrize("doc_id", SEEDS)
def test_paragraphs_and_headings_are_lines_of_their_own(corpus, doc_id, kind):
    """Lines broken by the page layout are joined back: a seed paragraph is one canonical line, and a
    heading (第一章…, 一、…, （一）…) is a line by itself, not glued to its text."""
    c = doc(corpus, doc_id, kind)
    lines = {flat(ln) for ln in c.text.split("\n")}
    blocks = [b for b in df.seed_blocks(doc_id) if b.kind in ("p", "h")]
    whole = [b for b in blocks if flat(b.text) in lines]
    assert len(whole) / len(blocks) >= 0.98, [b.text[:40] for b in blocks if b not in whole][:5]
    headings = [b for b in blocks if b.kind == "h"]
    assert all(flat(h.text) in lines for h in headings), [h.text for h in headings if flat(h.text) not in lines]


@needs_chromium
def test_paragraphs_without_indent_are_told_apart_by_spacing(corpus):
    """A4, justified text, no first-line indent: paragraph spacing and list dashes (——) still end them; the
    table's 类别 cells span rows in this print, and still come out as the seed's rows."""
    c = read(corpus.extra["plain"])
    blocks = [b for b in df.seed_blocks(TABLE_SEED)[: df.PLAIN_BLOCKS] if b.kind in ("p", "h")]
    assert len(c.pages) >= 10 and len(blocks) >= 130
    lines = {flat(ln) for ln in c.text.split("\n")}
    assert [b.text[:30] for b in blocks if flat(b.text) not in lines] == []
    assert tab_rows(c.text) == [[df.norm_cell(x) for x in r] for r in df.seed_tables(TABLE_SEED)[0]]


# ---------------------------------------------------------------- furniture

STAMP = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4},? \d{1,2}:\d{2}|file://|^\s*\d+\s*/\s*\d+\s*$|^\s*[-—]?\s*\d+\s*[-—]?\s*$"
                   r"|^第\s*\d+\s*页|共\s*\d+\s*页")


@needs_chromium
@pytest.mark.parametrize("doc_id", SEEDS)
def test_pdf_header_footer_and_toc_are_gone(corpus, doc_id):
    c = doc(corpus, doc_id, "pdf")
    bad = [ln for ln in c.text.split("\n") if STAMP.search(ln) or is_toc(ln)]
    assert not bad, bad[:5]
    title = df.seed_title(doc_id)
    assert c.text.count(title) == df.print_html(doc_id).count(title) - 1  # in <title> too, not in headers


@needs_chromium
@pytest.mark.parametrize("style", sorted(df.PAGE_STYLES))
def test_page_numbers_in_other_forms_and_running_headers_are_gone(corpus, style):
    """- 3 -, 第3页 共8页, 3/8, a bare 3 and a running title, printed in the page margins by Chromium."""
    c = read(corpus.extra[f"paged-{style}"])
    lines = c.text.split("\n")
    assert len(c.pages) >= 3
    assert not [ln for ln in lines if STAMP.search(ln) or ln == "双城区“十四五”规划纲要"], lines[:5]
    printed = flat(df.print_html(SEEDS[2], blocks=60))
    share, missing = df.coverage(c.text, [s for s in df.seed_sentences(SEEDS[2]) if s in printed])
    assert share == 1.0, missing[:3]


@pytest.mark.parametrize("doc_id", SEEDS)
def test_web_page_navigation_sidebar_and_footer_are_gone(corpus, doc_id):
    c = doc(corpus, doc_id, "site")
    lines = [flat(ln) for ln in c.text.split("\n")]
    leaked = [s for s in df.NAV + df.SIDEBAR + df.FOOTER + ["当前位置", "分享到", "请输入关键词", "发布时间"]
              if any(ln.startswith(flat(s)) for ln in lines)]
    assert not leaked


@pytest.mark.parametrize("variant", sorted(df.SITE_VARIANTS))
def test_web_page_written_other_ways(variant, tmp_path):
    """Not every site uses <p> and <nav>: the text, the table and nothing else, however the page is built."""
    path = tmp_path / f"{variant}.html"
    path.write_text(df.SITE_VARIANTS[variant](df.site_html(TABLE_SEED)), encoding="utf-8")
    c = read(path)
    share, missing = df.coverage(c.text, df.seed_sentences(TABLE_SEED))
    assert share >= MIN_COVERAGE, missing[:3]
    assert tab_rows(c.text) == [[df.norm_cell(x) for x in r] for r in df.seed_tables(TABLE_SEED)[0]]
    boiler = {flat(s) for s in df.NAV + df.SIDEBAR + df.FOOTER + ["栏目导航"]}
    assert not [ln for ln in c.text.split("\n") if flat(ln) in boiler or "发布时间" in ln or "当前位置" in ln]


def test_html_declared_gb2312_is_decoded(tmp_path):
    page = df.site_html(TABLE_SEED, charset="gb2312")
    gbk = tmp_path / "gbk.htm"
    utf = tmp_path / "utf.html"
    gbk.write_bytes(page.encode("gb18030"))  # what "gb2312" servers send: GBK, a superset
    utf.write_text(df.site_html(TABLE_SEED), encoding="utf-8")
    a, b = read(gbk), read(utf)
    assert a.text == b.text and "哈尔滨市双城区" in a.text and a.format == "html"


# ---------------------------------------------------------------- the table


def tab_rows(text: str) -> list[list[str]]:
    return [[df.norm_cell(c) for c in ln.split("\t")] for ln in text.split("\n") if "\t" in ln]


@pytest.mark.parametrize("kind", ["pdf", "docx", "site"])
def test_table_comes_out_as_the_seeds_tab_rows(corpus, kind):
    c = doc(corpus, TABLE_SEED, kind)
    (want,) = df.seed_tables(TABLE_SEED)
    want = [[df.norm_cell(x) for x in r] for r in want]
    assert tab_rows(c.text) == want  # header first, every row, empty cells kept in place
    lines = c.text.split("\n")
    first = next(i for i, ln in enumerate(lines) if "\t" in ln)  # where the plan has it, not at the end
    assert flat(lines[first - 1]) == "六、“十四五”时期经济社会发展主要指标表"
    assert flat(lines[first + len(want)]) == "注：带[]为累计数据。"
    flat_text = flat(c.text)
    labels = [r[1] for r in want[1:] if r[1]]  # 1.地区生产总值增长率(%) …
    assert len(labels) == 21
    for label in labels:  # no cell said twice: text outside the table does not repeat it
        assert flat_text.count(label) == 1, label
    if kind == "pdf":  # the table runs over a page break: one table, its repeated header row dropped
        rows = [ln for ln in c.text.split("\n") if "\t" in ln]
        first, last = c.text.index(rows[0]), c.text.index(rows[-1])
        assert c.page_at(last) == c.page_at(first) + 1
        assert flat_text.count("类别指标2020年2025年年均增长属性") == 1


def test_docx_merged_cells_keep_columns_and_body_order(tmp_path):
    """A cell spanning two columns adds an empty cell; a vertically merged cell is empty below its first row;
    text stays where it stands around the table; tabs and line breaks inside a paragraph do not make rows."""
    import docx

    d = docx.Document()
    d.add_heading("第一章 总体要求", level=1)
    d.add_paragraph("表前的段落。\t制表符不是单元格。")
    t = d.add_table(rows=3, cols=3)
    for r, row in enumerate([["指标", "", "2025年"], ["地区生产总值", "亿元", "300"], ["", "增长", "6%"]]):
        for col, text in enumerate(row):
            t.cell(r, col).text = text
    t.cell(0, 0).merge(t.cell(0, 1))
    t.cell(0, 0).text = "指标"
    t.cell(1, 0).merge(t.cell(2, 0))
    d.add_paragraph("表后的段落。")
    path = tmp_path / "merged.docx"
    d.save(str(path))
    c = read(path)
    assert c.text.split("\n") == ["第一章 总体要求", "表前的段落。 制表符不是单元格。", "指标\t\t2025年",
                                  "地区生产总值\t亿元\t300", "\t增长\t6%", "表后的段落。"]


# ---------------------------------------------------------------- pages


def assert_spans_tile(c: Canonical, n_pages: int) -> None:
    assert [p.number for p in c.pages] == list(range(1, n_pages + 1))
    assert c.pages[0].start == 0 and c.pages[-1].end == len(c.text)
    for a, b in zip(c.pages, c.pages[1:], strict=False):
        assert a.start <= a.end == b.start <= b.end
    for p in c.pages:
        if p.end > p.start:
            assert c.page_at(p.start) == c.page_at(p.end - 1) == p.number
    assert c.page_at(-1) is None and c.page_at(len(c.text)) is None


@needs_chromium
@pytest.mark.parametrize("doc_id", SEEDS)
def test_page_spans_tile_the_text_and_point_at_the_right_page(corpus, doc_id):
    import pypdfium2 as pdfium

    c = doc(corpus, doc_id, "pdf")
    pdf = pdfium.PdfDocument(str(corpus.files[(doc_id, "pdf")]))
    try:
        page_texts = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()
    assert_spans_tile(c, len(page_texts))
    checked = 0
    for number, text in enumerate(page_texts, 1):  # a run of Chinese from each page's own text layer
        body = "\n".join(ln for ln in text.splitlines() if not is_toc(ln))
        for probe in re.findall(r"[\u4e00-\u9fff，、。]{14,}", body)[1:3]:
            if c.text.count(probe) == 1:
                assert c.page_at(c.text.index(probe)) == number, probe
                checked += 1
    assert checked >= len(page_texts)


def test_page_at_by_hand():
    c = Canonical("aaabbbccc", "pdf", None, [Page(1, 0, 3, False), Page(2, 3, 3, False), Page(3, 3, 9, True)], True)
    assert [c.page_at(i) for i in (0, 2, 3, 8, 9)] == [1, 1, 3, 3, None]


# ---------------------------------------------------------------- scans


def char_overlap(source: str, ocr: str) -> float:
    """Share of the source's characters (multiset, whitespace ignored) that the OCR text has too."""
    a, b = Counter(flat(source)), Counter(flat(ocr))
    return sum((a & b).values()) / max(1, sum(a.values()))


@needs_chromium
def test_scanned_pdf_is_read_by_ocr(corpus):
    c = read(corpus.files[(SCAN_SEED, "scan")])
    text_pdf = doc(corpus, SCAN_SEED, "pdf")
    source = "".join(text_pdf.text[p.start:p.end] for p in text_pdf.pages[1:3])  # the scanned pages
    assert c.ocr and all(p.ocr for p in c.pages) and len(c.pages) == 2
    assert_spans_tile(c, 2)
    overlap = char_overlap(source, c.text)
    print(f"OCR character overlap: {overlap:.4f}")
    assert overlap >= 0.9
    assert not [ln for ln in c.text.split("\n") if STAMP.search(ln)]  # scanned headers go too
    lines = {flat(ln) for ln in c.text.split("\n")}
    whole = source.split("\n")[1:-1]  # the paragraphs that start and end on the scanned pages
    assert sum(flat(p) in lines for p in whole) >= 0.8 * len(whole)  # OCR lines joined like a text layer


@needs_chromium
def test_only_the_page_without_a_text_layer_is_ocrd(corpus):
    c = read(corpus.files[(SCAN_SEED, "mixed")])
    assert [p.ocr for p in c.pages] == [False, True] and c.ocr
    text_pdf = doc(corpus, SCAN_SEED, "pdf")
    assert flat(c.text[: c.pages[0].end]) == flat(text_pdf.text[: text_pdf.pages[0].end])
    short = read(corpus.files[(SCAN_SEED, "short")]).text  # what the scanned page says, from its text layer
    assert char_overlap(short, c.text[c.pages[1].start:]) >= 0.9
    assert not [ln for ln in c.text.split("\n") if STAMP.search(ln)]


# ---------------------------------------------------------------- characters


@needs_chromium
def test_every_gb2312_character_survives_pdf(corpus):
    """Chromium's PDFs name shared glyphs by radicals (⺠ for 民, ⻓ for 长) and look-alikes (― for —)."""
    import html as H

    want = flat(H.unescape("".join(re.findall(r">([^<]+)</p>", df.chars_html()))))
    got = flat(read(corpus.extra["chars"]).text)
    assert len(got) == len(want)
    assert [(w, g) for w, g in zip(want, got, strict=True) if w != g] == []


def test_join_rules():
    assert join("产业", "发展") == "产业发展"
    assert join("17.", "5亿元") == "17.5亿元" and join("2025", "年") == "2025年" and join("GDP", "增速") == "GDP增速"
    assert join("the", "plan") == "the plan" and join("in 2025", "the") == "in 2025 the"
    assert is_toc("第一章 总体要求……3") and is_toc("（一）经济发展·····12") and not is_toc("增长2.5%。")


# ---------------------------------------------------------------- bad documents


def one_line(e: pytest.ExceptionInfo, path: Path, *words: str) -> None:
    msg = str(e.value)
    assert e.type is FormatError and "\n" not in msg and msg.startswith(str(path)), msg
    for w in words:
        assert w in msg, msg


@pytest.fixture(scope="session")
def bad_docs(corpus, tmp_path_factory) -> dict[str, tuple[Path, bytes, dict, tuple[str, ...]]]:
    d = tmp_path_factory.mktemp("bad")
    src = corpus.files.get((SCAN_SEED, "pdf"))
    cases: dict[str, tuple[Path, bytes, dict, tuple[str, ...]]] = {}

    def add(name: str, data: bytes, kw: dict | None = None, *words: str) -> None:
        cases[name] = (d / name, data, kw or {}, words)

    if src:
        pdf = src.read_bytes()
        add("encrypted.pdf", df.encrypted_pdf(src, d / "e.pdf").read_bytes(), None, "encrypted")
        add("truncated.pdf", pdf[: len(pdf) // 3], None, "not a readable PDF")
        add("too-long.pdf", pdf, {"max_pages": 5}, "16 pages", "5-page limit")
        scan = corpus.files[(SCAN_SEED, "scan")].read_bytes()
        add("scan-ocr-off.pdf", scan, {"ocr": False}, "scan with no text layer", "OCR is off")
    add("garbage.pdf", b"%PDF-1.7\n" + os.urandom(4000), None, "not a readable PDF")
    add("zero-pages.pdf", df.zero_page_pdf(d / "z.pdf").read_bytes(), None, "no pages")
    add("blank.pdf", df.blank_pdf(d / "b.pdf", 2).read_bytes(), None, "no text")
    add("not-a-zip.docx", b"this is not a zip archive at all", None, "not a zip")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("notes.txt", "x")
    add("other-zip.docx", buf.getvalue(), None, "not a readable Word")
    add("old-word.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000), None, "old Word .doc")
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    add("empty.docx", buf.getvalue(), None, "no text")
    add("nav-only.html", "<html><body><nav><a href='/'>首页</a></nav></body></html>".encode(), None, "no text")
    add("empty.txt", b"", None, "empty")
    add("latin1.txt", "Café crème brûlée, naïve façade".encode("latin-1"), None, "unknown encoding")
    add("plan.rtf", b"{\\rtf1 hello}", None, "unsupported file type .rtf")
    return cases


BAD = ["encrypted.pdf", "truncated.pdf", "too-long.pdf", "scan-ocr-off.pdf", "garbage.pdf", "zero-pages.pdf",
       "blank.pdf", "not-a-zip.docx", "other-zip.docx", "old-word.docx", "empty.docx", "nav-only.html", "empty.txt",
       "latin1.txt", "plan.rtf"]


@pytest.mark.parametrize("name", BAD)
def test_bad_document_is_one_line(bad_docs, name):
    if name not in bad_docs:
        pytest.skip("needs chromium")
    path, data, kw, words = bad_docs[name]
    with pytest.raises(FormatError) as e:
        read_document(path, data, **kw)
    one_line(e, path, *words)


@needs_chromium
def test_pdf_with_only_an_owner_password_is_read(corpus, tmp_path):
    src = corpus.files[(SCAN_SEED, "pdf")]
    locked = df.encrypted_pdf(src, tmp_path / "owner.pdf", password="")
    assert flat(read(locked).text) == flat(doc(corpus, SCAN_SEED, "pdf").text)


@pytest.mark.parametrize(("suffix", "module", "extra"), [(".pdf", "pdfplumber", "pdf"), (".docx", "docx", "docx"),
                                                        (".html", "trafilatura", "html")])
def test_missing_extra_is_named(monkeypatch, suffix, module, extra):
    monkeypatch.setitem(sys.modules, module, None)  # as if the extra were not installed
    path = Path(f"x{suffix}")
    with pytest.raises(FormatError) as e:
        read_document(path, b"%PDF-1.7 PK\x03\x04 <html>")
    one_line(e, path, f"needs the {extra} extra: pip install 'planqa[{extra}]'")


@needs_chromium
def test_scan_without_the_ocr_extra_names_it(corpus, monkeypatch):
    from qa.formats import ocr

    monkeypatch.setattr(ocr, "_ENGINE", None)
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)
    path = corpus.files[(SCAN_SEED, "scan")]
    with pytest.raises(FormatError) as e:
        read_document(path, path.read_bytes())
    one_line(e, path, "scan with no text layer", "needs the ocr extra: pip install 'planqa[ocr]'")


def test_heavy_libraries_load_only_when_a_reader_runs():
    import subprocess

    code = ("import sys, qa.formats, qa.ingest; from pathlib import Path; "
            "qa.formats.read_document(Path('a.txt'), '规划'.encode()); "
            "print(sorted(m for m in ('pdfplumber', 'pypdfium2', 'docx', 'trafilatura', 'lxml', "
            "'rapidocr_onnxruntime', 'onnxruntime', 'cv2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stderr


def test_ocr_models_ship_inside_the_wheel():
    """RapidOCR must never download: its detection, direction and recognition models are package files."""
    import importlib.util

    spec = importlib.util.find_spec("rapidocr_onnxruntime")
    if spec is None:
        pytest.skip("the ocr extra is not installed")
    models = Path(spec.origin).parent / "models"
    names = sorted(p.name for p in models.glob("*.onnx"))
    assert any("det" in n for n in names) and any("rec" in n for n in names) and any("cls" in n for n in names)
    assert all((models / n).stat().st_size > 100_000 for n in names)


def test_suffixes():
    assert {".txt", ".md", ".pdf", ".docx", ".html", ".htm"} == SUFFIXES


def _docx_bomb(path: Path, xml_mb: int) -> Path:
    """A small .docx whose document.xml unpacks to ``xml_mb`` MB (one paragraph repeated)."""
    import zipfile

    import docx

    d = docx.Document()
    for line in SEED_TEXT_FOR_BOMB.splitlines():
        d.add_paragraph(line)
    src = path.with_name("seed.docx")
    d.save(str(src))
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    body = parts["word/document.xml"]
    para = b"<w:p><w:r><w:t>" + "地区生产总值".encode() * 40 + b"</w:t></w:r></w:p>"
    at = body.index(b"<w:body>") + len(b"<w:body>")
    filler = para * (xml_mb * 1024 * 1024 // len(para) + 1)
    parts["word/document.xml"] = body[:at] + filler + body[at:]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in parts.items():
            z.writestr(n, b)
    return path


SEED_TEXT_FOR_BOMB = "大同区国民经济和社会发展第十一个五年规划\n到2010年，全区地区生产总值计划实现46.5亿元，年均增长21.6%。" * 3


def test_a_docx_that_unpacks_to_more_than_the_limit_is_refused(tmp_path: Path) -> None:
    """A 763 KB .docx once took 10.5 GB and 340 s: its XML is measured before it is parsed."""
    from qa.formats import FormatError, read_document

    bomb = _docx_bomb(tmp_path / "bomb.docx", 12)
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(FormatError, match=r"bomb.docx: its XML unpacks to 1[23] MB, over the 5 MB"):
        read_document(bomb, bomb.read_bytes(), max_xml_mb=5)


def test_a_giant_scanned_page_is_refused_before_it_is_rendered(tmp_path: Path) -> None:
    """A PDF page of 14,400 × 14,400 points would render at 180 dpi to ~1,300 megapixels (4.7 GB once)."""
    from PIL import Image

    from qa.formats import FormatError, read_document

    path = tmp_path / "giant.pdf"  # a 1000 px scan printed at 5 dpi: a page of 14,400 points a side
    Image.new("L", (1000, 1000), 255).save(path, "PDF", resolution=5.0)
    with pytest.raises(FormatError, match=r"giant.pdf: page 1 is 14400 × 14400 points.*megapixels"):
        read_document(path, path.read_bytes())
