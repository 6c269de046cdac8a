"""Real plan documents built from the seeds: HTML, PDF printed by Chromium, .docx, a scanned PDF.

The format readers are tested on documents made the way real ones are made, not on typed fixtures:
each seed becomes an HTML rendering (headings, paragraphs, its 主要指标表 as a <table>), which headless
Chromium prints to PDF with its default header (date, title) and footer (file URL, ``3/12``); python-docx
writes the same blocks as a Word file (the table as a Word table); a web page wraps the text in nav,
sidebar and footer; and a scan is made by rendering PDF pages to images and saving them as an
image-only PDF. Used by tests/test_formats.py and bench/formats.py, and meant for the ingest tests.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from qa.text.clean import clean

ROOT = Path(__file__).resolve().parents[1]
SEEDS = {p.stem: p for p in sorted((ROOT / "seeds").glob("*.txt"))}
CHROMIUM = os.environ.get("PLANQA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]

_DOT_LEADER = re.compile(r"(?:[·.…]{3,}|…{1,})\s*\d{1,4}\s*$")
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]{0,10}\s*/?>")
_H2 = re.compile(r"^(?:第[一二三四五六七八九十百零〇\d]+[篇章部]|[序前]\s*言|附\s*[表件录])")
_H3 = re.compile(r"^[一二三四五六七八九十]+、")
_H4 = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")
_SENT = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")


@dataclass
class Block:
    """One piece of a rendered plan: a heading level (1-4), a paragraph (0), a TOC line or a table."""

    kind: str  # "h" | "p" | "toc" | "table"
    text: str = ""
    level: int = 0
    rows: list[list[str]] = field(default_factory=list)


def seed_text(doc_id: str) -> str:
    """The seed as the documents are built from it: qa.clean's text (paragraphs split, tags gone)."""
    return clean(SEEDS[doc_id].read_text(encoding="utf-8")).text


def _heading_level(line: str, first: bool) -> int:
    if first:
        return 1
    if len(line) > 40 or line.endswith(("。", "；", "，")):
        return 0
    for level, rx in ((2, _H2), (3, _H3), (4, _H4)):
        if rx.match(line):
            return level
    return 0


def seed_blocks(doc_id: str) -> list[Block]:
    """Title, the dot-leader TOC the original has (if any), then headings, paragraphs and tables."""
    raw = SEEDS[doc_id].read_text(encoding="utf-8")
    blocks: list[Block] = []
    lines = [ln if "\t" in ln else ln.strip() for ln in seed_text(doc_id).split("\n") if ln.strip()]
    toc = [re.sub(r"\s+", "", _TAG.sub("", ln)).replace("\t", "") for ln in raw.split("\n")
           if _DOT_LEADER.search(_TAG.sub("", ln).strip())]
    table: list[list[str]] = []
    for i, line in enumerate(lines):
        if "\t" in line:
            table.append([c.strip() for c in line.split("\t")])
            continue
        if table:
            blocks.append(Block("table", rows=table))
            table = []
        level = _heading_level(line, i == 0)
        blocks.append(Block("h", line, level) if level else Block("p", line))
        if i == 0 and toc:
            blocks += [Block("h", "目录", 2)] + [Block("toc", t) for t in toc]
    if table:
        blocks.append(Block("table", rows=table))
    return blocks


def seed_title(doc_id: str) -> str:
    return next(b.text for b in seed_blocks(doc_id) if b.kind == "h")


def seed_tables(doc_id: str) -> list[list[list[str]]]:
    """Every table of the seed as rows of cells (the 004 seed has one: 主要指标表)."""
    return [b.rows for b in seed_blocks(doc_id) if b.kind == "table"]


def seed_sentences(doc_id: str, min_chars: int = 15) -> list[str]:
    """The seed's sentences outside tables, whitespace removed, at least ``min_chars`` long."""
    out = []
    for b in seed_blocks(doc_id):
        if b.kind in ("p", "h"):
            for s in _SENT.findall(b.text):
                s = re.sub(r"\s+", "", s)
                if len(s) >= min_chars:
                    out.append(s)
    return out


def coverage(text: str, sentences: list[str]) -> tuple[float, list[str]]:
    """Share of ``sentences`` found in ``text`` once all whitespace is removed from both, and the misses."""
    flat = re.sub(r"\s+", "", text)
    missing = [s for s in sentences if s not in flat]
    return (1 - len(missing) / len(sentences) if sentences else 1.0), missing


def norm_cell(cell: str) -> str:
    return re.sub(r"\s+", "", cell)


# ---------------------------------------------------------------- HTML

CSS = """
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 12pt; line-height: 1.6; }
h1 { font-size: 20pt; text-align: center; } h2 { font-size: 16pt; } h3 { font-size: 14pt; }
h4 { font-size: 12pt; font-weight: bold; }
p { margin: 0 0 0.3em 0; text-indent: 2em; }
p.toc { text-indent: 0; margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0; }
th, td { border: 1px solid #000; padding: 10px 4px; font-size: 10.5pt; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
"""

SITE_CSS = """
nav, aside, footer.site, header.site { font-size: 10pt; color: #444; }
aside { float: right; width: 180px; }
"""


def _blocks_html(blocks: list[Block]) -> str:
    out = []
    for b in blocks:
        if b.kind == "h":
            out.append(f"<h{b.level}>{html.escape(b.text)}</h{b.level}>")
        elif b.kind == "toc":
            out.append(f'<p class="toc">{html.escape(b.text)}</p>')
        elif b.kind == "p":
            out.append(f"<p>{html.escape(b.text)}</p>")
        else:
            head, *body = b.rows
            th = "".join(f"<th>{html.escape(c)}</th>" for c in head)
            trs = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in body)
            out.append(f"<table><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>")
    return "\n".join(out)


def print_html(doc_id: str, page_css: str = "", blocks: int | None = None) -> str:
    """The seed as a printable page: what a government office saves before printing to PDF.

    ``page_css`` adds an ``@page`` rule (running headers, page numbers in margin boxes); ``blocks`` keeps
    only the first blocks, for a short document."""
    title = html.escape(seed_title(doc_id))
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{CSS}{page_css}</style></head><body>\n{_blocks_html(seed_blocks(doc_id)[:blocks])}\n"
            "</body></html>\n")


# page furniture as office software prints it: page numbers in the usual forms, a running header
PAGE_STYLES = {
    "dash-and-of": '@page { margin: 2cm; @top-center { content: "双城区“十四五”规划纲要"; } '
                   '@bottom-center { content: "- " counter(page) " -"; } '
                   '@top-right { content: "第" counter(page) "页 共" counter(pages) "页"; } }',
    "slash-and-bare": '@page { margin: 2cm; @bottom-right { content: counter(page) "/" counter(pages); } '
                      '@top-left { content: counter(page); } @bottom-left { content: "第" counter(page) "页"; } }',
}


# the same plan set another way: A4, justified, no first-line indent (paragraphs told apart by spacing only),
# the 主要指标表's categories as cells spanning rows
PLAIN_BLOCKS = 300  # the TOC, chapter 1 with the 主要指标表, and the start of chapter 2
PLAIN_LAYOUT = "@page { size: A4; margin: 2.5cm 2cm; } p { text-align: justify; text-indent: 0; margin: 0 0 0.8em 0; }"


def chars_html() -> str:
    """Every GB2312 hanzi and symbol, in Noto Serif and Sans CJK SC: what the PDF character fixes cover."""
    hanzi, symbols = [], []
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                c = bytes([hi, lo]).decode("gb2312") and bytes([hi, lo]).decode("gb18030")  # its current mapping
            except UnicodeDecodeError:
                continue
            if c.isprintable() and not c.isspace():
                (hanzi if hi >= 0xB0 else symbols).append(c)
    rows = ["".join(hanzi[i:i + 40]) for i in range(0, len(hanzi), 40)]
    rows += [" ".join(symbols[i:i + 30]) for i in range(0, len(symbols), 30)]
    body = "".join(f'<p style="font-family: \'Noto {f} CJK SC\'">{html.escape(r)}</p>' for f in ("Serif", "Sans")
                   for r in rows)
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>GB2312</title>'
            f"<style>p {{ margin: 0; font-size: 10pt; }}</style></head><body>{body}</body></html>")


NAV = ["首页", "政务公开", "政策文件", "规划计划", "统计数据", "办事服务", "互动交流"]
SIDEBAR = ["相关文件", "关于印发全区安全生产工作要点的通知", "2021年政府工作报告全文", "区长信箱使用说明",
           "热点新闻：全区召开春季植树造林动员大会", "便民服务电话一览表"]
FOOTER = ["主办单位：区人民政府办公室  承办单位：区大数据中心", "地址：人民路1号  邮编：150100  电话：0451-5311XXXX",
          "网站标识码 2301130001  黑ICP备05001234号", "版权所有 © 2021 区人民政府  技术支持：某网络科技有限公司"]


def site_html(doc_id: str, charset: str = "utf-8") -> str:
    """The seed as a government web page: header, nav, breadcrumb, sidebar and footer around the text."""
    title = html.escape(seed_title(doc_id))
    nav = "".join(f'<li><a href="/{i}.html">{n}</a></li>' for i, n in enumerate(NAV))
    side = "".join(f'<li><a href="/s{i}.html">{html.escape(s)}</a></li>' for i, s in enumerate(SIDEBAR))
    foot = "".join(f"<p>{html.escape(f)}</p>" for f in FOOTER)
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="{charset}"><title>{title}_政府门户网站</title>'
            f"<style>{CSS}{SITE_CSS}</style></head><body>"
            f'<header class="site"><div class="logo">区人民政府门户网站</div>'
            f'<form class="search"><input name="q" placeholder="请输入关键词"><button>搜索</button></form></header>'
            f'<nav class="menu"><ul>{nav}</ul></nav>'
            f'<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/3.html">规划计划</a> &gt; 正文</div>'
            f'<aside class="sidebar"><h3>相关文件</h3><ul>{side}</ul></aside>'
            f'<main><article><div class="info">发布时间：2021-06-30 来源：区发改局 浏览次数：1234</div>'
            f"{_blocks_html(seed_blocks(doc_id))}"
            f'<div class="share">分享到：微信 微博</div></article></main>'
            f'<footer class="site">{foot}</footer></body></html>\n')


# the same page as other sites write it: paragraphs as <div>s, as <br> lines, inside a layout table, or
# with no HTML5 landmarks at all (nav, aside, footer are <div>s with class names)
SITE_VARIANTS = {
    "p": lambda h: h,
    "div": lambda h: h.replace("<p>", "<div>").replace("</p>", "</div>"),
    "br": lambda h: h.replace("<p>", "").replace("</p>", "<br>\n"),
    "layout-table": lambda h: h.replace("<main>", '<table><tr><td width="20%">栏目导航</td><td>')
                              .replace("</main>", "</td></tr></table>"),
    "no-landmarks": lambda h: re.sub(r"<(/?)(nav|aside|header|footer|main|article)\b", r"<\1div", h),
    "rowspan": lambda h: _rowspans(h),
}


def _rowspans(page: str) -> str:
    """The 主要指标表 as sites write it: each 类别 one cell spanning its rows, no empty cells below it."""
    def table(m: re.Match[str]) -> str:
        rows = re.findall(r"<tr>(.*?)</tr>", m.group(), re.S)
        out, i = [rows[0]], 1
        while i < len(rows):
            cells = re.findall(r"<td>(.*?)</td>", rows[i], re.S)
            n = 1
            while i + n < len(rows) and re.match(r"<td></td>", rows[i + n]):
                n += 1
            if cells[0] and n > 1:
                out.append(f'<td rowspan="{n}">' + rows[i][len("<td>"):])
                out += [r[len("<td></td>"):] for r in rows[i + 1:i + n]]
                i += n
            else:
                out.append(rows[i])
                i += 1
        return "<table><thead><tr>" + out[0] + "</tr></thead><tbody>" + "".join(f"<tr>{r}</tr>" for r in out[1:]) \
            + "</tbody></table>"
    return re.sub(r"<table>.*?</table>", table, page, flags=re.S)


# ---------------------------------------------------------------- PDF, scans, Word

def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


def print_to_pdf(html_path: Path, pdf_path: Path, timeout: float = 180, header_footer: bool = True) -> Path:
    """Chromium headless --print-to-pdf, by default with its header and footer (date, title, URL, n/m)."""
    with tempfile.TemporaryDirectory(prefix="planqa-chromium-") as profile:
        cmd = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf_path}",
               *([] if header_footer else ["--no-pdf-header-footer"]), html_path.resolve().as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise RuntimeError(f"chromium did not print {html_path}: {proc.stderr[-500:]}")
    return pdf_path


def scan_pdf(pdf_path: Path, out_path: Path, pages: list[int], dpi: int = 150) -> Path:
    """An image-only PDF (no text layer) of some pages of ``pdf_path``, as a scanner would make."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        images = [doc[i].render(scale=dpi / 72).to_pil().convert("L") for i in pages]
    finally:
        doc.close()
    images[0].save(out_path, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out_path


def mixed_pdf(text_pdf: Path, scan: Path, out: Path) -> Path:
    """The first page of a text PDF followed by the first page of a scan: only page 2 needs OCR (a signed
    and scanned page at the end of a plan is common)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    for src in (text_pdf, scan):
        other = pdfium.PdfDocument(str(src))
        doc.import_pages(other, [0])
        other.close()
    doc.save(str(out))
    doc.close()
    return out


def encrypted_pdf(src: Path, out: Path, password: str = "planqa") -> Path:
    """``src`` protected with a user password (RC4-128), as a locked government download is; with
    ``password=""`` only an owner password is set, so anyone may open and read it."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=str(src))
    writer.encrypt(user_password=password, owner_password="planqa-owner", algorithm="RC4-128")
    with out.open("wb") as f:
        writer.write(f)
    return out


def blank_pdf(out: Path, pages: int = 1) -> Path:
    """A PDF whose pages hold nothing at all (no text, no image)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    for _ in range(pages):
        doc.new_page(595, 842)
    doc.save(str(out))
    doc.close()
    return out


def zero_page_pdf(out: Path) -> Path:
    """A well-formed PDF with an empty page tree."""
    import pypdf

    with out.open("wb") as f:
        pypdf.PdfWriter().write(f)
    return out


def write_docx(doc_id: str, path: Path) -> Path:
    """The seed's blocks as a Word document: Title/Heading styles, body paragraphs, a real Word table."""
    import docx

    d = docx.Document()
    for b in seed_blocks(doc_id):
        if b.kind == "h":
            d.add_heading(b.text, level=0 if b.level == 1 else b.level - 1)
        elif b.kind in ("p", "toc"):
            d.add_paragraph(b.text)
        else:
            t = d.add_table(rows=len(b.rows), cols=len(b.rows[0]))
            t.style = "Table Grid"
            for r, row in enumerate(b.rows):
                for c, cell in enumerate(row):
                    t.cell(r, c).text = cell
    d.save(str(path))
    return path


@dataclass
class Corpus:
    """Where the built documents are: ``files[(doc_id, kind)]``; kinds: html (print source), pdf, site, docx,
    scan (image-only PDF), mixed (a text page, then a scan of ``short``: title and first paragraph); ``extra[name]``: paged-* PDFs with page
    numbers in other forms, plain (A4, justified, no indent), chars (every GB2312 character)."""

    root: Path
    files: dict[tuple[str, str], Path] = field(default_factory=dict)
    extra: dict[str, Path] = field(default_factory=dict)


ALL_KINDS = ("site", "pdf", "docx", "scan", "mixed", "paged", "plain", "chars")


def build(root: Path, doc_ids: list[str] | None = None, kinds: tuple[str, ...] = ALL_KINDS,
          scan_of: str = "000", scan_pages: tuple[int, ...] = (1, 2), paged_of: str = "002") -> Corpus:
    """Build every document once under ``root``; the scan is ``scan_pages`` (0-based) of ``scan_of``'s PDF."""
    corpus = Corpus(root)
    root.mkdir(parents=True, exist_ok=True)
    for doc_id in doc_ids or list(SEEDS):
        short = doc_id[:3]
        if "site" in kinds:
            p = root / f"{short}-site.html"
            p.write_text(site_html(doc_id), encoding="utf-8")
            corpus.files[(doc_id, "site")] = p
        if "pdf" in kinds or (short == scan_of and ("scan" in kinds or "mixed" in kinds)):
            h = root / f"{short}.html"
            h.write_text(print_html(doc_id), encoding="utf-8")
            corpus.files[(doc_id, "html")] = h
            corpus.files[(doc_id, "pdf")] = print_to_pdf(h, root / f"{short}.pdf")
        if "docx" in kinds:
            corpus.files[(doc_id, "docx")] = write_docx(doc_id, root / f"{short}.docx")
        if short == scan_of and ("scan" in kinds or "mixed" in kinds):
            scan = scan_pdf(corpus.files[(doc_id, "pdf")], root / f"{short}-scan.pdf", list(scan_pages))
            corpus.files[(doc_id, "scan")] = scan
            if "mixed" in kinds:  # a text page, then a scan of a short page (title and first paragraph)
                h = root / f"{short}-short.html"
                h.write_text(print_html(doc_id, blocks=3), encoding="utf-8")
                one = scan_pdf(print_to_pdf(h, root / f"{short}-short.pdf"), root / f"{short}-short-scan.pdf", [0])
                corpus.files[(doc_id, "short")] = root / f"{short}-short.pdf"
                corpus.files[(doc_id, "mixed")] = mixed_pdf(corpus.files[(doc_id, "pdf")], one,
                                                           root / f"{short}-mixed.pdf")
        if short == paged_of and "paged" in kinds:
            for name, css in PAGE_STYLES.items():
                h = root / f"{short}-{name}.html"
                h.write_text(print_html(doc_id, css, blocks=60), encoding="utf-8")
                corpus.extra[f"paged-{name}"] = print_to_pdf(h, root / f"{short}-{name}.pdf", header_footer=False)
    if "plain" in kinds:
        table_seed = next(d for d in SEEDS if d.startswith("004"))
        h = root / "004-plain.html"
        h.write_text(_rowspans(print_html(table_seed, PLAIN_LAYOUT, blocks=PLAIN_BLOCKS)), encoding="utf-8")
        corpus.extra["plain"] = print_to_pdf(h, root / "004-plain.pdf")
    if "chars" in kinds:
        h = root / "chars.html"
        h.write_text(chars_html(), encoding="utf-8")
        corpus.extra["chars"] = print_to_pdf(h, root / "chars.pdf", header_footer=False)
    return corpus
