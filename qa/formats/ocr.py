"""OCR for scanned PDF pages: pypdfium2 renders the page, RapidOCR (PP-OCRv4, ONNX) reads it.

rapidocr-onnxruntime ships its Chinese detection, direction and recognition models inside the wheel
(rapidocr_onnxruntime/models/*.onnx) and never downloads anything, so OCR works offline. Its text
boxes become ``Line`` items in PDF points, so the same furniture and paragraph rules apply as for a
text layer. The engine is built once per process (loading the models costs ~0.2 s).
"""

from __future__ import annotations

from typing import Any

from qa.formats.layout import Line, join, tidy

# render at 180 dpi: at 144 dpi the detector missed about one line in 150 of 12 pt Chinese (a whole line
# gone); at 180 dpi none in the pages measured (bench/formats.py)
SCALE = 2.5
MIN_SCORE = 0.5
_ENGINE: Any = None


def engine(need: Any, purpose: str) -> Any:
    """The shared RapidOCR engine (FormatError naming the ocr extra when it is not installed)."""
    global _ENGINE
    if _ENGINE is None:
        need("numpy", "ocr", purpose)
        mod = need("rapidocr_onnxruntime", "ocr", purpose)
        # one text line per recognition batch: batches pad every crop to the widest, which made a page
        # of long Chinese lines 2-3 times slower on 2 cores
        _ENGINE = mod.RapidOCR(print_verbose=False, rec_batch_num=1)
    return _ENGINE


def page_lines(eng: Any, page: Any, scale: float = SCALE) -> list[Line]:
    """One rendered page's text boxes grouped into lines, top to bottom, in PDF points."""
    image = page.render(scale=scale).to_numpy()
    if image.ndim == 3 and image.shape[2] == 4:
        image = image[:, :, :3]
    result, _ = eng(image)
    boxes = []
    for box, text, score in result or []:
        if float(score) < MIN_SCORE or not str(text).strip():
            continue
        xs = [p[0] / scale for p in box]
        ys = [p[1] / scale for p in box]
        boxes.append((min(xs), max(xs), min(ys), max(ys), str(text)))
    boxes.sort(key=lambda b: (b[2] + b[3]) / 2)
    rows: list[list[tuple[float, float, float, float, str]]] = []
    for b in boxes:  # a box whose middle lies within the last row's height is on that row
        if rows and rows[-1][0][2] <= (b[2] + b[3]) / 2 <= rows[-1][0][3]:
            rows[-1].append(b)
        else:
            rows.append([b])
    lines = []
    for row in rows:
        row.sort(key=lambda b: b[0])
        text, right = "", 0.0
        for x0, x1, top, bottom, raw in row:
            piece = tidy(raw)
            wide_gap = bool(text) and x0 - right > bottom - top  # two boxes a word apart: keep a space
            text = f"{text} {piece}" if wide_gap and not _cjk_edge(text, piece) else join(text, piece)
            right = x1
        lines.append(Line(text, row[0][0], row[-1][1], min(b[2] for b in row), max(b[3] for b in row), 0.0))
    return _sized(lines)


def _sized(lines: list[Line]) -> list[Line]:
    """Give each line a font size in points: its box height times the em/height ratio of the page's
    long lines (whose em is their width over their characters), since boxes hug the ink, not the em."""
    ratios = sorted((ln.x1 - ln.x0) / _ems(ln.text) / (ln.bottom - ln.top) for ln in lines
                    if len(ln.text) >= 12 and ln.bottom > ln.top)
    k = ratios[len(ratios) // 2] if ratios else 1.0
    for ln in lines:
        ln.size = round((ln.bottom - ln.top) * k * 2) / 2
    return lines


def _ems(text: str) -> float:
    return sum(0.55 if c.isascii() else 1.0 for c in text) or 1.0


def _cjk_edge(a: str, b: str) -> bool:
    return "\u3400" <= a[-1] <= "\u9fff" and "\u3400" <= b[0] <= "\u9fff"
