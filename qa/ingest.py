"""Read plan files safely and describe each one (title, region, plan period).

Every file is checked before anything is written: a bad file stops the whole run
with a one-line error naming it, so the store never holds half an ingest.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from qa.clean import Cleaned, clean
from qa.config import Settings
from qa.formats import FormatError
from qa.formats.text import common_hanzi_share  # noqa: F401  (re-exported: it lived here)
from qa.formats.text import decode as _decode
from qa.models import PLAN_PERIODS, Document

SUFFIXES = {".txt", ".md"}
CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_CJK = re.compile(r"[\u4e00-\u9fff]")


class IngestError(Exception):
    """A one-line, user-facing reason a file cannot be ingested."""


@dataclass
class SourceFile:
    path: Path
    text: str
    encoding: str
    sha256: str
    cleaned: Cleaned
    doc: Document


def collect(paths: list[Path]) -> list[Path]:
    """Files to ingest: directories are walked; missing paths and empty folders are errors, and so is
    anything read blindly would hang on or leak: FIFOs and devices, links leading out of a folder."""
    files: list[Path] = []
    for p in paths:
        if not p.exists():
            raise IngestError(f"{p}: no such file or directory")
        if p.is_dir():
            root = p.resolve()

            def unreadable(e: OSError) -> None:
                raise IngestError(f"{e.filename}: cannot read this folder ({e.strerror})")

            for _ in os.walk(p, onerror=unreadable):  # rglob skips folders it cannot read, silently
                pass
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
            if not found:
                raise IngestError(f"{p}: no .txt or .md files in this directory")
            for f in found:
                target = f.resolve()
                if not target.is_relative_to(root):
                    raise IngestError(f"{f}: symbolic link to {target}, outside {p}; "
                                      "give that file itself if you mean to ingest it")
                _regular_file(f)
            files.extend(found)
        elif p.suffix.lower() not in SUFFIXES:
            raise IngestError(f"{p}: unsupported file type {p.suffix or '(none)'} (expected .txt or .md)")
        else:
            _regular_file(p)
            files.append(p)
    seen: dict[str, Path] = {}
    for f in files:
        other = seen.setdefault(f.stem, f)
        if other != f and other.resolve() != f.resolve():
            raise IngestError(f"{f}: same document id '{f.stem}' as {other}; rename one of them")
    return list(dict.fromkeys(files))


def _regular_file(f: Path) -> None:
    try:
        mode = f.stat().st_mode
    except OSError as e:
        raise IngestError(f"{f}: cannot read ({e.strerror or e})") from None
    if not stat.S_ISREG(mode):
        raise IngestError(f"{f}: not a regular file (a pipe, device or socket); planqa reads .txt and .md files")
    if not os.access(f, os.R_OK):
        raise IngestError(f"{f}: cannot read this file (permission denied)")


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) or GB18030/GBK (qa.formats.text.decode, raising IngestError)."""
    try:
        return _decode(path, data)
    except FormatError as e:
        raise IngestError(str(e)) from None


def cn_number(s: str) -> int:
    """十一 → 11, 十四 → 14, 十 → 10 (enough for plan numbers)."""
    if s.isdigit():
        return int(s)
    if s.startswith("十"):
        return 10 + (CN_DIGITS.get(s[1:], 0) if len(s) > 1 else 0)
    if "十" in s:
        a, _, b = s.partition("十")
        return CN_DIGITS.get(a, 0) * 10 + (CN_DIGITS.get(b, 0) if b else 0)
    return CN_DIGITS.get(s, 0)


PLAN_RE = re.compile(r"第([一二三四五六七八九十\d]{1,3})个五年|“?([一二三四五六七八九十]{1,3})五”?(?:规划|计划|时期|期间)")
REGION_RE = re.compile(
    r"^[《“]?((?:[\u4e00-\u9fff]{1,12}?(?:省|自治区|市|自治州|州|地区|盟|县|自治县|区|旗|新区)){1,3})"
    r"(?=国民经济|经济和社会|经济社会|第[一二三四五六七八九十]+个五年|“?十)"
)
PROVINCES = [
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
    "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆",
]


def plan_of(text: str) -> str | None:
    for m in PLAN_RE.finditer(text):
        n = cn_number(m.group(1)) if m.group(1) else cn_number(m.group(2))
        name = {10: "十五"}.get(n) or (f"十{'一二三四五六七八九'[n - 11]}五" if 11 <= n <= 19 else None)
        if name:
            return name
    return None


def describe(doc_id: str, path: Path, cleaned: Cleaned, sha: str, encoding: str) -> Document:
    """Title, region and plan period read from the document's own opening lines."""
    lines = [ln.strip() for ln in cleaned.text.split("\n")[:8] if ln.strip()]
    title_parts: list[str] = []
    for ln in lines:
        title_parts.append(ln)
        if re.search(r"(规划|纲要|计划)$", ln) or len("".join(title_parts)) > 60:
            break
    title = "".join(title_parts)[:80] if title_parts else path.stem
    head = cleaned.text[:3000]
    plan = plan_of(title) or plan_of(head)
    region = None
    m = REGION_RE.match(title)
    if m:
        region = m.group(1)
    period = PLAN_PERIODS.get(plan or "")
    counts = {p: cleaned.text.count(p) for p in PROVINCES}
    best = max(counts, key=counts.__getitem__)
    province = None
    if region and any(region.startswith(p) for p in PROVINCES):
        province = next(p for p in PROVINCES if region.startswith(p))
    elif counts[best] >= 5 and sorted(counts.values())[-2] * 3 <= counts[best]:
        province = best
    return Document(
        id=doc_id, path=str(path), title=title, region=region, province=province, plan=plan,
        period_start=period[0] if period else None, period_end=period[1] if period else None,
        sha256=sha, chars=len(cleaned.text), encoding=encoding,
    )


def read_source(path: Path, max_mb: float) -> SourceFile:
    size = path.stat().st_size
    if size > max_mb * 1024 * 1024:
        raise IngestError(
            f"{path}: file is {size / 1024 / 1024:.1f} MB, over the {max_mb:g} MB limit (QA_MAX_FILE_MB)"
        )
    data = path.read_bytes()
    text, enc = decode(path, data)
    if not _CJK.search(text):
        raise IngestError(f"{path}: no Chinese text found; planqa reads Chinese plan documents")
    cleaned = clean(text)
    if len(_CJK.findall(cleaned.text)) < 20:
        raise IngestError(f"{path}: too little Chinese text to be a plan document")
    sha = hashlib.sha256(data).hexdigest()
    return SourceFile(path, text, enc, sha, cleaned, describe(path.stem, path.resolve(), cleaned, sha, enc))


def place_words(region: str | None, province: str | None) -> list[str]:
    """Every place name a question about this plan may carry besides the region: its parent city
    (大庆 of 大庆市大同区) and province (黑龙江, 新疆 …), for dropping from the question's indicator words."""
    words = list(region_aliases(region))
    for part in re.findall(r".+?(?:自治区|自治州|自治县|新区|省|市|州|地区|盟|县|区|旗)", region or "")[:-1]:
        words += [part, re.sub(r"(?:自治区|自治州|自治县|新区|省|市|州|地区|盟|县|区|旗)$", "", part)]
    if province:
        words.append(province)
    words += [p for p in PROVINCES if len(p) >= 2]
    return [w for w in dict.fromkeys(words) if len(w) >= 2]


def region_aliases(region: str | None) -> list[str]:
    """Ways a user names a region: 哈尔滨市双城区 → 哈尔滨市双城区, 双城区, 双城."""
    if not region:
        return []
    parts = re.findall(r".+?(?:自治区|自治州|自治县|新区|省|市|州|地区|盟|县|区|旗)", region) or [region]
    last = parts[-1]
    out = [region, last]
    stem = re.sub(r"(?:自治区|自治州|自治县|新区|省|市|州|地区|盟|县|区|旗)$", "", last)
    if len(stem) >= 2:
        out.append(stem)
    return list(dict.fromkeys(out))


@dataclass
class IngestReport:
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    removed: list[str]
    chunks: int
    embedded: int
    seconds: float


def ingest(settings: Settings, paths: list[Path] | None = None, progress: bool = False) -> IngestReport:
    """Bring the store in line with ``paths`` (default: the configured document folders).

    Files are all read and checked first; then changed documents are chunked, embedded
    (cached by content) and written under new version ids; one manifest upsert makes
    them live; stale versions are deleted last.
    """
    import time

    from qa.chunk import chunk_document
    from qa.store import Store, chunking_signature

    t0 = time.perf_counter()
    paths = [Path(p) for p in (paths or settings.store.docs)]
    files = collect(paths)
    sources = [read_source(f, settings.store.max_file_mb) for f in files]
    store = Store(settings)
    manifest = store.manifest()
    sig = chunking_signature(settings)
    rebuild_all = manifest.chunking != sig or manifest.embedding != settings.store.embedding
    report = IngestReport([], [], [], [], 0, 0, 0.0)

    todo: list[SourceFile] = []
    for s in sources:
        old = manifest.docs.get(s.doc.id)
        if old and old.sha256 == s.sha256 and not rebuild_all and s.doc.id in manifest.versions:
            report.unchanged.append(s.doc.id)
        else:
            (report.updated if old else report.added).append(s.doc.id)
            todo.append(s)

    # documents whose file is gone from an ingested folder (or from disk) leave the store
    dirs = [p.resolve() for p in paths if p.is_dir()]
    seen = {s.doc.id for s in sources}
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
    for s in todo:
        version = s.sha256[:10] + hashlib.sha256(sig.encode()).hexdigest()[:4]
        chunks = chunk_document(s.doc.id, version, s.text, s.cleaned, settings.store.chunk_tokens, settings.store.chunk_overlap)
        pending.append((s, version, chunks))
    total = sum(len(c) for _, _, c in pending)
    if progress and total:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="chunk", desc="ingest", dynamic_ncols=True)

    def tick(n: int, cached: bool = False) -> None:
        if not cached:
            report.embedded += n
        if bar is not None:
            bar.update(n)

    from qa.store import index_text

    try:
        for s, version, chunks in pending:
            vecs = store.ef.embed([index_text(c) for c in chunks], "passage", progress=tick)
            store.add_chunks(chunks, s.doc, version, vecs)
            report.chunks += len(chunks)
    finally:  # an error line must not land inside an open progress bar
        if bar is not None:
            bar.close()

    if todo or report.removed or rebuild_all:
        for s, version, chunks in pending:
            manifest.docs[s.doc.id] = s.doc
            manifest.versions[s.doc.id] = version
            manifest.counts[s.doc.id] = len(chunks)
        for doc_id in report.removed:
            manifest.docs.pop(doc_id, None)
            manifest.versions.pop(doc_id, None)
            manifest.counts.pop(doc_id, None)
        manifest.chunking, manifest.embedding = sig, settings.store.embedding
        store.commit(manifest)
    if store.count() != sum(manifest.counts.values()):
        store.garbage_collect(manifest)
    report.seconds = time.perf_counter() - t0
    return report
