"""`qa eval`: score retrieval and answers against a hand-labelled gold file.

The gold file is JSON lines, one question each, with exactly these keys::

    id, doc, question, answer, value, unit, kind, year, quote, difficulty

``doc`` is the plan's file name (its stem is the store's document id), ``quote`` a
verbatim span of that file that holds the answer ("" for unanswerable questions).
Every line is checked before anything runs; a bad line stops the run with one line
naming it.

Each question is retrieved (``Retriever.search``, depth ``max(10, k)``) and answered
(``answer_question`` with the same retriever). The report scores, overall, per kind and
per difficulty: retrieval recall@1/5/10 and MRR, answer and strict accuracy, citation
accuracy, abstention precision/recall, false abstentions, numbers shown as supported
that no citation prints, and latency. ``report.json`` is deterministic for the
extractive engine except its ``timing`` section; see evals/README.md for every rule.

With the LLM engine a run can be recorded once against a real endpoint and replayed offline:
``--record-dir DIR`` keeps every model call in DIR (plus ``recording.json``: the model, the
settings that shape the requests, the chunking it was made on); ``--replay --record-dir DIR``
answers from DIR only, with those settings, and stops at the first request it lacks with a
message that says to record again (``make record-llm`` for the committed ``evals/llm-replay``).
``python -m qa.evaluate`` takes the same flags as ``qa eval``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import re
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.config import Settings
from qa.models import Answer

GOLD_KEYS = ("id", "doc", "question", "answer", "value", "unit", "kind", "year", "quote", "difficulty")
KINDS = ("target", "baseline", "fact", "unanswerable")
DIFFICULTIES = ("easy", "medium", "hard")
NUMERIC_KINDS = ("target", "baseline")
TOLERANCE = 1e-6  # relative

# metric name -> True when the threshold is an upper bound (fail when ABOVE it)
METRICS: dict[str, bool] = {
    "answer_accuracy": False,
    "strict_accuracy": False,
    "citation_accuracy": False,
    "recall@1": False,
    "recall@5": False,
    "recall@10": False,
    "mrr": False,
    "abstention_precision": False,
    "abstention_recall": False,
    "false_abstention": True,
    "unsupported_shown": True,
}
EXIT_FAILED = 1
EXIT_USAGE = 2
RECORDING_FILE = "recording.json"
DEFAULT_RECORDING = "evals/llm-replay"
RECORD_HINT = "run `make record-llm` to record again"
# the settings that shape the model requests: a replay must use the recorded ones
RECORDED_SETTINGS = ("model", "top_k", "context_tokens", "llm_validation_retries")


class GoldError(ValueError):
    """A gold file that cannot be used; the message is one line and names the line."""


class UsageError(ValueError):
    """A bad command line (an unknown metric, a malformed threshold)."""


class LLMRunError(RuntimeError):
    """The LLM engine could not answer a question (endpoint down, replay miss); one line, names it."""


# --------------------------------------------------------------------------- units


_SCALES = (("万亿", 1e12), ("亿", 1e8), ("万", 1e4))
_EXPLICIT = {"千元": (1e3, "元"), "千米": (1.0, "千米"), "千瓦": (1.0, "千瓦"), "千瓦时": (1.0, "千瓦时"),
             "千克": (1.0, "千克"), "百分点": (1.0, "个百分点"), "个百分点": (1.0, "个百分点"),
             "％": (1.0, "%"), "百分之": (1.0, "%")}
# what a bare 万/亿 counts when the unit names nothing ("24万左右" people): any count unit
COUNT_BASES = {"", "人", "人次", "户", "个", "家", "所", "名", "座", "处", "栋", "辆", "台", "台套", "头", "只",
               "项", "张", "套", "次"}


def normalize_unit(unit: str | None) -> tuple[float, str | None]:
    """``'亿元'`` → ``(1e8, '元')``; ``'%'`` → ``(1, '%')``; None → ``(1, None)``.

    Only the Chinese magnitude prefixes 万/亿/万亿 are scales (千瓦 is a unit, not a
    thousand 瓦); % and 个百分点 and ‰ stay distinct bases, so they never equal each
    other or a money unit.
    """
    if unit is None:
        return 1.0, None
    u = re.sub(r"\s+", "", unit).replace("％", "%")
    if not u:
        return 1.0, None
    if u in _EXPLICIT:
        return _EXPLICIT[u]
    for prefix, scale in _SCALES:
        if u.startswith(prefix):
            rest = u[len(prefix):]
            inner_scale, base = normalize_unit(rest) if rest else (1.0, "")
            return scale * inner_scale, base
    return 1.0, u


def units_compatible(a: str | None, b: str | None) -> bool:
    """Same base unit after stripping magnitudes (a bare 万 matches any count unit)."""
    _, ba = normalize_unit(a)
    _, bb = normalize_unit(b)
    if ba is None or bb is None:
        return ba is None and bb is None
    if ba == bb:
        return True
    return ba in COUNT_BASES and bb in COUNT_BASES and "" in (ba, bb)


def same_quantity(v1: float | None, u1: str | None, v2: float | None, u2: str | None) -> bool:
    """``3.5, '亿元'`` equals ``35000, '万元'``; ``5, '%'`` never equals ``5, '个百分点'``."""
    if v1 is None or v2 is None or not units_compatible(u1, u2):
        return False
    a = float(v1) * normalize_unit(u1)[0]
    b = float(v2) * normalize_unit(u2)[0]
    if a == b:
        return True
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b))


# --------------------------------------------------------------------------- qualifiers


# every spelling -> its class; None means "describes, does not bound" (equal to no qualifier)
QUALIFIER_CLASS: dict[str, str | None] = {
    "以上": "以上", "超过": "以上", "不低于": "以上", "不少于": "以上", "突破": "以上", "高于": "以上",
    "至少": "以上", "大于": "以上",
    "以内": "以内", "之内": "以内", "以下": "以内", "不超过": "以内", "不高于": "以内", "低于": "以内",
    "控制在": "以内", "小于": "以内",
    "左右": "左右", "约": "左右", "大约": "左右", "上下": "左右", "近": "左右", "接近": "左右",
    "多": "多", "余": "多",
    "累计": "累计",
    "年均": None, "保持在": None, "稳定在": None,
}
_QUAL_RE = re.compile(
    r"不低于|不少于|不超过|不高于|超过|突破|高于|低于|至少|大于|小于|控制在|以上|以内|之内|以下|左右|上下|"
    r"大约|接近|约(?=\s*[\d０-９])|近(?=\s*[\d０-９])|(?<=[\d０-９十百千万亿])\s*[多余]|累计|\[[^\]]*\]"
)


def canonical_qualifier(q: str | None) -> str | None:
    """The class a qualifier belongs to (超过 → 以上, 约 → 左右, 年均 → None); unknown ones stay as they are."""
    if q is None:
        return None
    q = q.strip()
    if not q:
        return None
    if q.startswith("[") or q in ("（累计）", "(累计)"):
        return "累计"
    return QUALIFIER_CLASS.get(q, q)


def gold_qualifiers(answer: str) -> list[str]:
    """Every qualifier class the gold answer text states, in order (``'150亿元（累计）'`` → ``['累计']``)."""
    out: list[str] = []
    for m in _QUAL_RE.finditer(answer or ""):
        c = canonical_qualifier(m.group().strip())
        if c is not None and c not in out:
            out.append(c)
    return out


def gold_qualifier(answer: str) -> str | None:
    """The gold answer's qualifier class, or None when it states no bound."""
    quals = gold_qualifiers(answer)
    return quals[0] if quals else None


def qualifier_matches(gold_answer: str, got: str | None) -> bool:
    """A qualifier-free gold needs None (or 年均 …); otherwise the got class must be one the gold states."""
    want = gold_qualifiers(gold_answer)
    have = canonical_qualifier(got)
    if not want:
        return have is None
    return have in want


# --------------------------------------------------------------------------- fact answers


def _norm_text(s: str) -> str:
    from qa.text.numbers import halfwidth

    return re.sub(r"[\W_]+", "", halfwidth(s or "")).lower()


def fact_parts(answer: str) -> list[str]:
    """The key phrases of a descriptive gold answer: its 、/，-separated parts, normalized."""
    parts = re.split(r"[、，,；;]", answer or "")
    return [p for p in (_norm_text(x) for x in parts) if p]


def fact_matches(gold_answer: str, a: Answer) -> bool:
    parts = fact_parts(gold_answer)
    if a.abstained or not parts:
        return False
    hay = [_norm_text(a.text)]
    if a.citations:
        hay.append(_norm_text(a.citations[0].quote))
    return all(any(p in h for h in hay) for p in parts)


# --------------------------------------------------------------------------- gold file


@dataclass
class GoldItem:
    id: str
    doc: str
    question: str
    answer: str
    value: float | None
    unit: str | None
    kind: str
    year: int | None
    quote: str
    difficulty: str
    line: int
    doc_id: str = ""  # the store's id for ``doc``
    quote_start: int | None = None  # first occurrence of ``quote`` in the original file
    quote_end: int | None = None

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"


@dataclass
class SourceText:
    doc_id: str
    path: Path
    text: str
    in_store: bool
    stale: bool = False


def _short(s: str, n: int = 40) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[: n - 1] + "…"


def parse_gold(path: Path) -> list[GoldItem]:
    """Every line checked for JSON, keys, types, kind and difficulty; documents are not read here."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise GoldError(f"{path}: no such gold file") from None
    except OSError as e:
        raise GoldError(f"{path}: cannot read ({e.strerror or e})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise GoldError(f"{path}: not UTF-8 ({e.reason} at byte {e.start})") from None
    items: list[GoldItem] = []
    seen: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise GoldError(f"{where}: bad JSON ({e.msg} at column {e.colno})") from None
        if not isinstance(obj, dict):
            raise GoldError(f"{where}: expected a JSON object, got {type(obj).__name__}")
        missing = [k for k in GOLD_KEYS if k not in obj]
        if missing:
            raise GoldError(f"{where}: missing key{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        for key in ("id", "doc", "question", "answer", "kind", "quote", "difficulty"):
            if not isinstance(obj[key], str):
                raise GoldError(f"{where}: '{key}' must be a string, got {json.dumps(obj[key], ensure_ascii=False)}")
        kind, diff = obj["kind"], obj["difficulty"]
        if kind not in KINDS:
            raise GoldError(f"{where}: bad kind '{kind}' (expected {', '.join(KINDS)})")
        if diff not in DIFFICULTIES:
            raise GoldError(f"{where}: bad difficulty '{diff}' (expected {', '.join(DIFFICULTIES)})")
        for key in ("id", "question", "answer"):
            if not obj[key].strip():
                raise GoldError(f"{where}: '{key}' is empty")
        value = obj["value"]
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                  or not math.isfinite(value)):
            raise GoldError(f"{where}: 'value' must be a number or null, got {json.dumps(value)}")
        if kind in NUMERIC_KINDS and value is None:
            raise GoldError(f"{where}: a {kind} question needs a numeric 'value'")
        if obj["unit"] is not None and not isinstance(obj["unit"], str):
            raise GoldError(f"{where}: 'unit' must be a string or null")
        year = obj["year"]
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            raise GoldError(f"{where}: 'year' must be an integer or null, got {json.dumps(year)}")
        if kind != "unanswerable" and not obj["quote"]:
            raise GoldError(f"{where}: a {kind} question needs a non-empty 'quote'")
        if kind != "unanswerable" and not obj["doc"].strip():
            raise GoldError(f"{where}: a {kind} question needs its 'doc'")
        if obj["id"] in seen:
            raise GoldError(f"{where}: duplicate id '{obj['id']}' (first on line {seen[obj['id']]})")
        seen[obj["id"]] = n
        items.append(GoldItem(
            id=obj["id"], doc=obj["doc"].strip(), question=obj["question"], answer=obj["answer"],
            value=float(value) if value is not None else None, unit=obj["unit"], kind=kind, year=year,
            quote=obj["quote"], difficulty=diff, line=n,
        ))
    if not items:
        raise GoldError(f"{path}: no questions in the gold file")
    return items


def _candidates(name: str, settings: Settings, gold_path: Path) -> list[Path]:
    names = [name] if Path(name).suffix else [name + ".txt", name + ".md", name]
    dirs: list[Path] = []
    for d in [*settings.store.docs, Path("seeds"), gold_path.parent / "seeds", gold_path.parent.parent / "seeds"]:
        if d not in dirs:
            dirs.append(d)
    out = []
    for d in dirs:
        if d.is_file() and d.name in names:
            out.append(d)
        for nm in names:
            out.append(d / nm)
    return out


def read_original(path: Path) -> str:
    """The file as ingest reads it (bytes decoded, no newline translation), so offsets agree."""
    from qa.ingest import IngestError, decode

    try:
        return decode(path, path.read_bytes())[0]
    except (OSError, IngestError) as e:
        raise GoldError(f"{path}: cannot read ({e})") from None


def resolve_documents(items: list[GoldItem], docs: dict[str, Any], settings: Settings,
                      gold_path: Path) -> dict[str, SourceText]:
    """Gold ``doc`` names → original text: the store manifest's path first, then seeds/."""
    by_name: dict[str, Any] = {}
    for d in docs.values():
        by_name.setdefault(Path(d.path).name, d)
        by_name.setdefault(d.id, d)
    out: dict[str, SourceText] = {}
    for it in items:
        if not it.doc or it.doc in out:
            continue
        stem = Path(it.doc).stem if Path(it.doc).suffix else it.doc
        d = by_name.get(it.doc) or by_name.get(stem)
        paths = ([Path(d.path)] if d else []) + _candidates(it.doc, settings, gold_path)
        found = next((p for p in paths if p.is_file()), None)
        if found is None:
            if not it.answerable:
                continue
            raise GoldError(f"{gold_path}:{it.line}: document '{it.doc}' is neither in the store nor in seeds/")
        text = read_original(found)
        stale = bool(d) and hashlib.sha256(found.read_bytes()).hexdigest() != d.sha256
        out[it.doc] = SourceText(doc_id=d.id if d else stem, path=found, text=text, in_store=bool(d), stale=stale)
    return out


def locate_quotes(items: list[GoldItem], sources: dict[str, SourceText], gold_path: Path) -> None:
    for it in items:
        src = sources.get(it.doc)
        it.doc_id = src.doc_id if src else (Path(it.doc).stem if it.doc else "")
        if not it.quote:
            continue
        assert src is not None
        i = src.text.find(it.quote)
        if i < 0:
            raise GoldError(f"{gold_path}:{it.line}: quote not found in {it.doc}: “{_short(it.quote)}”")
        it.quote_start, it.quote_end = i, i + len(it.quote)


def load_gold(path: Path, settings: Settings, docs: dict[str, Any] | None = None) -> tuple[list[GoldItem], dict[str, SourceText]]:
    """Parse and validate a gold file against its documents (``docs``: the store manifest's)."""
    items = parse_gold(path)
    sources = resolve_documents(items, docs or {}, settings, path)
    locate_quotes(items, sources, path)
    return items, sources


# --------------------------------------------------------------------------- scoring one question


def overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def chunk_holds_quote(doc_id: str, start: int, end: int, it: GoldItem) -> bool:
    """The chunk contains the quote, or covers at least half of it."""
    if it.quote_start is None or it.quote_end is None or doc_id != it.doc_id:
        return False
    qs, qe = it.quote_start, it.quote_end
    if start <= qs and qe <= end:
        return True
    return 2 * overlap(start, end, qs, qe) >= qe - qs


def retrieval_rank(hits: Iterable[Any], it: GoldItem) -> int | None:
    for pos, h in enumerate(hits, 1):
        c = h.chunk
        if chunk_holds_quote(c.doc_id, c.start, c.end, it):
            return pos
    return None


def citation_ok(a: Answer, it: GoldItem) -> bool:
    if it.quote_start is None or it.quote_end is None:
        return False
    return any(c.doc_id == it.doc_id and overlap(c.start, c.end, it.quote_start, it.quote_end) > 0
               for c in a.citations)


def answer_correct(a: Answer, it: GoldItem) -> bool:
    if it.kind == "unanswerable":
        return a.abstained
    if a.abstained:
        return False
    if it.kind == "fact":
        return fact_matches(it.answer, a)
    return same_quantity(a.value, a.unit, it.value, it.unit)


def shown_unsupported(a: Answer) -> list[str]:
    """Numbers in an answer marked supported that no cited quote prints (must stay empty)."""
    from qa.text.numbers import unsupported_numbers

    if a.abstained or not a.supported:
        return []
    return unsupported_numbers(a.text, [c.quote for c in a.citations])


def why_wrong(a: Answer, it: GoldItem, correct: bool, strict: bool) -> str | None:
    if strict:
        return None
    if correct:
        return "qualifier"
    if it.kind == "unanswerable":
        return "answered an unanswerable question"
    if a.abstained:
        return "abstained"
    if it.kind == "fact":
        return "missing key phrase"
    if a.value is None:
        return "no value"
    if not units_compatible(a.unit, it.unit):
        return "unit"
    return "value"


def score(it: GoldItem, a: Answer, rank: int | None) -> dict[str, Any]:
    correct = answer_correct(a, it)
    qual_ok = True if it.kind not in NUMERIC_KINDS else qualifier_matches(it.answer, a.qualifier)
    strict = correct and qual_ok
    cited = a.citations[0] if a.citations else None
    return {
        "id": it.id,
        "doc": it.doc,
        "kind": it.kind,
        "difficulty": it.difficulty,
        "question": it.question,
        "expected": {"answer": it.answer, "value": it.value, "unit": it.unit, "qualifier": gold_qualifier(it.answer)
                     if it.kind in NUMERIC_KINDS else None, "quote": it.quote,
                     "span": [it.quote_start, it.quote_end] if it.quote_start is not None else None},
        "got": {"text": a.text, "value": a.value, "unit": a.unit, "qualifier": a.qualifier, "kind": a.kind,
                "year": a.year, "abstained": a.abstained, "supported": a.supported, "note": a.note,
                "citations": [{"doc_id": c.doc_id, "start": c.start, "end": c.end, "quote": c.quote}
                              for c in a.citations]},
        "cited_quote": cited.quote if cited else None,
        "correct": correct,
        "strict": strict,
        "qualifier_ok": qual_ok,
        "citation_ok": citation_ok(a, it) if it.answerable and not a.abstained else None,
        "retrieval_rank": rank,
        "unsupported_shown": shown_unsupported(a),
        "reason": why_wrong(a, it, correct, strict),
    }


# --------------------------------------------------------------------------- metrics


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def compute_metrics(rows: list[dict[str, Any]], cutoffs: Iterable[int] = (1, 5, 10)) -> dict[str, Any]:
    """Every metric over one group of per-question results; None where a metric is undefined."""
    answerable = [r for r in rows if r["kind"] != "unanswerable"]
    unanswerable = [r for r in rows if r["kind"] == "unanswerable"]
    abstained = [r for r in rows if r["got"]["abstained"]]
    answered = [r for r in answerable if not r["got"]["abstained"]]
    m: dict[str, Any] = {
        "n": len(rows),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "answer_accuracy": _ratio(sum(r["correct"] for r in rows), len(rows)),
        "strict_accuracy": _ratio(sum(r["strict"] for r in rows), len(rows)),
        "citation_accuracy": _ratio(sum(bool(r["citation_ok"]) for r in answered), len(answered)),
        "abstention_precision": _ratio(sum(r["kind"] == "unanswerable" for r in abstained), len(abstained)),
        "abstention_recall": _ratio(sum(r["got"]["abstained"] for r in unanswerable), len(unanswerable)),
        "false_abstention": _ratio(sum(r["got"]["abstained"] for r in answerable), len(answerable)),
        "unsupported_shown": sum(bool(r["unsupported_shown"]) for r in rows),
    }
    for c in sorted(set(cutoffs)):
        m[f"recall@{c}"] = _ratio(sum(r["retrieval_rank"] is not None and r["retrieval_rank"] <= c
                                      for r in answerable), len(answerable))
    m["mrr"] = round(sum(1 / r["retrieval_rank"] for r in answerable if r["retrieval_rank"]) / len(answerable), 4) \
        if answerable else None
    return m


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p50 of 1..4 is 2, p95 of 20 values is the 19th)."""
    if not values:
        return None
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def _latency(ms: list[float]) -> dict[str, Any]:
    return {"n": len(ms), "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95),
            "mean_ms": round(sum(ms) / len(ms), 1) if ms else None, "max_ms": max(ms) if ms else None}


def _groups(rows: list[dict[str, Any]], key: str, order: tuple[str, ...]) -> dict[str, list[dict[str, Any]]]:
    return {g: [r for r in rows if r[key] == g] for g in order if any(r[key] == g for r in rows)}


# --------------------------------------------------------------------------- the run


def _open_retriever(settings: Settings, log: Any) -> Any:
    from qa.retrieve.retriever import Retriever

    retriever = Retriever(settings)
    if not retriever.store.manifest().docs:  # (the lexical index cannot be built over nothing)
        from qa.ingest import ingest

        print(f"qa eval: the store at {settings.home} is empty; ingesting {', '.join(map(str, settings.store.docs))} first",
              file=log)
        ingest(settings)
        retriever = Retriever(settings)
    return retriever


def read_recording(record_dir: Path) -> dict[str, Any] | None:
    """The ``recording.json`` of a recording directory, or None when it has none."""
    try:
        return json.loads((record_dir / RECORDING_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise LLMRunError(f"{record_dir / RECORDING_FILE}: unreadable ({e}): {RECORD_HINT}") from None


def replay_settings(settings: Settings, record_dir: Path, log: Any) -> tuple[Settings, dict[str, Any] | None]:
    """The settings a replay from ``record_dir`` must use: the recorded model, top_k, context size …"""
    if not record_dir.is_dir():
        raise LLMRunError(f"no recording at {record_dir}: {RECORD_HINT}")
    recording = read_recording(record_dir)
    if recording is None:
        return settings, None
    recorded = recording.get("settings") or {}
    if settings.llm.model and recorded.get("model") and settings.llm.model != recorded["model"]:
        raise LLMRunError(f"{record_dir} was recorded with model {recorded['model']!r}, QA_MODEL is "
                          f"{settings.llm.model!r}: unset QA_MODEL to replay it, or {RECORD_HINT}")
    update = {k: recorded[k] for k in RECORDED_SETTINGS if recorded.get(k) is not None}
    changed = {k: v for k, v in update.items() if settings.get(k) != v}
    if changed:
        print("qa eval: replaying with the recorded settings "
              + ", ".join(f"{k}={v}" for k, v in sorted(changed.items())), file=log)
    return settings.with_(**update), recording


def _write_recording(record_dir: Path, settings: Settings, gold: Path, manifest: Any,
                     report: dict[str, Any]) -> None:
    """``recording.json``: what a replay needs to ask exactly the recorded requests again."""
    overall = report["metrics"]["overall"]
    info = {
        "what": "qa eval --engine llm recording: every model call of this run, keyed by model, messages "
                "and parameters (qa/llm.py); replay with `python -m qa.evaluate --engine llm --replay "
                f"--record-dir DIR`; {RECORD_HINT} after changing prompts, chunking or retrieval.",
        "settings": {k: settings.get(k) for k in RECORDED_SETTINGS},
        "gold": {"path": str(gold), "sha256": hashlib.sha256(gold.read_bytes()).hexdigest(),
                 "questions": report["gold"]["questions"]},
        "store": {"chunking": manifest.chunking, "manifest": manifest.digest()},
        "requests": sum(1 for _ in record_dir.rglob("*.json")) - int((record_dir / RECORDING_FILE).exists()),
        "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "answer_accuracy": overall.get("answer_accuracy"),
    }
    record_dir.mkdir(parents=True, exist_ok=True)
    (record_dir / RECORDING_FILE).write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n",
                                             encoding="utf-8")


def _llm_failure(it: GoldItem, gold: Path, err: Exception, record_dir: Path | None) -> str:
    from qa.llm import CacheMiss

    where = f"question {it.id} ({gold}:{it.line})"
    if isinstance(err, CacheMiss):
        if record_dir is not None:
            return (f"{where} is not in the recording {record_dir}: the question, the prompts, the retrieved "
                    f"passages (chunking, retrieval) or the settings changed since it was recorded: {RECORD_HINT}")
        return f"{where} is not in the replay cache: run the eval once without --replay to record it"
    return f"{where}: {err}"


@contextlib.contextmanager
def _llm_cache(record_dir: Path | None) -> Iterator[None]:
    if record_dir is None:
        yield
        return
    from qa.llm import use_cache_dir

    with use_cache_dir(record_dir):
        yield


def run(gold: Path | str, settings: Settings, engine: str | None = None, k: int = 5,
        report_dir: Path | str | None = None, log: Any = None,
        record_dir: Path | str | None = None) -> dict[str, Any]:
    """Evaluate every gold question; returns the report (and writes it when ``report_dir`` is given).

    ``record_dir`` (llm engine only): keep the model calls there (a recording), or with
    ``settings.llm.replay`` answer from there only, with the recorded settings.
    """
    from qa.answer import answer_question

    log = log or sys.stderr
    gold = Path(gold)
    if k < 1:
        raise UsageError(f"--k must be at least 1, got {k}")
    engine = engine or settings.engine
    t_start = time.perf_counter()
    items = parse_gold(gold)  # cheap checks before the store is opened
    rec_dir = Path(record_dir) if record_dir is not None and engine == "llm" else None
    recording = None
    if rec_dir is not None and settings.llm.replay:
        settings, recording = replay_settings(settings, rec_dir, log)
    retriever = _open_retriever(settings, log)
    manifest = retriever.manifest
    if recording is not None:
        chunked = (recording.get("store") or {}).get("chunking")
        if chunked and chunked != manifest.chunking:
            raise LLMRunError(f"{rec_dir} was recorded on a store chunked {chunked}, this store is chunked "
                              f"{manifest.chunking}: every request would differ; {RECORD_HINT}")
    items, sources = load_gold(gold, settings, manifest.docs)
    missing = sorted({it.doc for it in items if it.answerable and not sources[it.doc].in_store})
    if missing:
        print(f"qa eval: warning: {len(missing)} gold document(s) not in the store ({', '.join(missing)}); "
              "their questions cannot be retrieved", file=log)
    stale = sorted({s.path.name for s in sources.values() if s.stale})
    if stale:
        print(f"qa eval: warning: {', '.join(stale)} changed since ingest; run `qa ingest` so offsets agree",
              file=log)

    depth = max(10, k)
    cutoffs = sorted({1, 5, 10, k})
    rows: list[dict[str, Any]] = []
    latency: dict[str, float] = {}
    from qa.llm import LLMError

    with _llm_cache(rec_dir):
        for it in items:
            hits = retriever.search(it.question, k=depth)
            rank = retrieval_rank(hits, it) if it.answerable else None
            t0 = time.perf_counter()
            try:
                a = answer_question(it.question, settings, retriever=retriever, engine=engine)
            except LLMError as e:  # the endpoint failed or the recording lacks it: the run means nothing
                raise LLMRunError(_llm_failure(it, gold, e, rec_dir)) from None
            latency[it.id] = round((time.perf_counter() - t0) * 1000, 1)
            rows.append(score(it, a, rank))

    metrics = {
        "overall": compute_metrics(rows, cutoffs),
        "by_kind": {g: compute_metrics(rs, cutoffs) for g, rs in _groups(rows, "kind", KINDS).items()},
        "by_difficulty": {g: compute_metrics(rs, cutoffs)
                          for g, rs in _groups(rows, "difficulty", DIFFICULTIES).items()},
    }

    def lat(rs: list[dict[str, Any]]) -> dict[str, Any]:
        return _latency([latency[r["id"]] for r in rs])

    report: dict[str, Any] = {
        "gold": {"path": str(gold), "sha256": hashlib.sha256(gold.read_bytes()).hexdigest(), "questions": len(items)},
        "engine": engine,
        "k": k,
        "retrieval_depth": depth,
        "store": {"manifest": manifest.digest(), "documents": sorted(manifest.docs)},
        "metrics": metrics,
        "failures": [r["id"] for r in rows if not r["strict"]],
        "questions": rows,
        "timing": {
            "overall": lat(rows),
            "by_kind": {g: lat(rs) for g, rs in _groups(rows, "kind", KINDS).items()},
            "by_difficulty": {g: lat(rs) for g, rs in _groups(rows, "difficulty", DIFFICULTIES).items()},
            "per_question_ms": latency,
            "wall_s": round(time.perf_counter() - t_start, 2),
        },
    }
    if engine == "llm":
        from qa.llm import INVALID_NOTE

        report["llm"] = {
            "model": settings.llm.model,
            "replay": bool(settings.llm.replay),
            "recording": str(rec_dir) if rec_dir is not None else None,
            "settings": {k: settings.get(k) for k in RECORDED_SETTINGS},
            # abstentions because the model never wrote a reply in the answer format
            "invalid_replies": sum(bool((r["got"]["note"] or "").startswith(INVALID_NOTE)) for r in rows),
        }
        if rec_dir is not None and not settings.llm.replay:
            _write_recording(rec_dir, settings, gold, manifest, report)
    if report_dir is not None:
        write_report(report, Path(report_dir))
    return report


def dumps(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def without_timing(report: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in report.items() if k != "timing"}


def write_report(report: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(dumps(report), encoding="utf-8")
    (out / "report.md").write_text(render_markdown(report), encoding="utf-8")


# --------------------------------------------------------------------------- rendering


SUMMARY_ROWS = ("n", "answer_accuracy", "strict_accuracy", "citation_accuracy", "recall@1", "recall@5",
                "recall@10", "mrr", "abstention_precision", "abstention_recall", "false_abstention",
                "unsupported_shown")


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def _cell(v: Any, limit: int = 80) -> str:
    s = "" if v is None else " ".join(str(v).split())
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return s.replace("|", "\\|") or " "


def summary_table(report: dict[str, Any]) -> str:
    m = report["metrics"]
    cols = [("overall", m["overall"])] + list(m["by_kind"].items()) + list(m["by_difficulty"].items())
    t = report["timing"]
    tcols = [t["overall"]] + list(t["by_kind"].values()) + list(t["by_difficulty"].values())
    names = list(SUMMARY_ROWS)
    extra = sorted((x for x in m["overall"] if x.startswith("recall@") and x not in names),
                   key=lambda s: int(s.split("@")[1]))
    names[names.index("mrr"):names.index("mrr")] = extra
    lines = ["| metric | " + " | ".join(c for c, _ in cols) + " |", "|---|" + "---:|" * len(cols)]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(_fmt(g.get(name)) for _, g in cols) + " |")
    for key, label in (("p50_ms", "latency p50 (ms)"), ("p95_ms", "latency p95 (ms)")):
        lines.append(f"| {label} | " + " | ".join("—" if x.get(key) is None else f"{x[key]:.1f}" for x in tcols)
                     + " |")
    return "\n".join(lines)


def _got(r: dict[str, Any]) -> str:
    g = r["got"]
    if g["abstained"]:
        return "文档未提及"
    if g["value"] is not None:
        s = f"{g['value']:g}{g['unit'] or ''}"
        return s + (f" ({g['qualifier']})" if g["qualifier"] else "")
    return g["text"]


def _llm_lines(report: dict[str, Any]) -> list[str]:
    llm = report.get("llm")
    if not llm:
        return []
    how = (f"replayed from `{llm['recording']}`" if llm["replay"] and llm["recording"]
           else "replayed from the cache" if llm["replay"]
           else f"recorded into `{llm['recording']}`" if llm["recording"] else "live")
    return [f"- model: {llm['model']}, {how}; {llm['invalid_replies']} replies never matched the answer "
            "format (counted as abstentions)"]


def render_markdown(report: dict[str, Any]) -> str:
    g = report["gold"]
    fails = [r for r in report["questions"] if not r["strict"]]
    out = [
        "# planqa evaluation",
        "",
        f"- gold: `{g['path']}` ({g['questions']} questions, sha256 {g['sha256'][:12]})",
        f"- engine: {report['engine']}; retrieval depth {report['retrieval_depth']} (k={report['k']})",
        f"- store manifest {report['store']['manifest']}: {len(report['store']['documents'])} documents",
        *_llm_lines(report),
        f"- wall time {report['timing']['wall_s']} s",
        "",
        "## Summary",
        "",
        summary_table(report),
        "",
        "Accuracies are over all questions of a column; citation accuracy over answered answerable ones;",
        "recall and MRR over answerable ones; unsupported_shown is a count and must be 0.",
        "",
        f"## Failures ({len(fails)} not strictly correct)",
        "",
    ]
    if not fails:
        out.append("None.")
    else:
        out += ["| id | kind | why | question | expected | got | rank | cited quote |",
                "|---|---|---|---|---|---|---:|---|"]
        for r in fails:
            out.append("| " + " | ".join([
                r["id"], r["kind"], _cell(r["reason"]), _cell(r["question"], 60), _cell(r["expected"]["answer"], 40),
                _cell(_got(r), 60), _fmt(r["retrieval_rank"]), _cell(r["cited_quote"], 120),
            ]) + " |")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- thresholds and the CLI


def parse_thresholds(specs: Iterable[str], k: int = 5) -> list[tuple[str, float, str]]:
    """``["answer_accuracy=0.85"]`` → ``[("answer_accuracy", 0.85, "0.85")]``; unknown names are usage errors."""
    known = dict(METRICS)
    known.setdefault(f"recall@{k}", False)
    out = []
    for spec in specs:
        name, sep, raw = spec.partition("=")
        name, raw = name.strip(), raw.strip()
        if not sep or not name or not raw:
            raise UsageError(f"--fail-under expects METRIC=VALUE, got '{spec}'")
        if name not in known:
            raise UsageError(f"unknown metric '{name}' for --fail-under (choose from {', '.join(known)})")
        try:
            value = float(raw)
        except ValueError:
            raise UsageError(f"--fail-under {name}: '{raw}' is not a number") from None
        out.append((name, value, raw))
    return out


def check_thresholds(report: dict[str, Any], thresholds: list[tuple[str, float, str]]) -> list[str]:
    """The thresholds missed, as lines like ``answer_accuracy 0.81 < 0.85``."""
    overall = report["metrics"]["overall"]
    missed = []
    for name, value, raw in thresholds:
        got = overall.get(name)
        upper = METRICS.get(name, False)
        if got is None:
            missed.append(f"{name} n/a (undefined on this gold file) {'>' if upper else '<'} {raw}")
        elif upper and got > value:
            missed.append(f"{name} {got:.4g} > {raw}")
        elif not upper and got < value:
            missed.append(f"{name} {got:.4g} < {raw}")
    return missed


def run_cli(args: Any, settings: Settings) -> int:
    """`qa eval`: 0 when every threshold holds, 1 when one is missed (or the gold file is bad), 2 on usage errors."""
    k = int(getattr(args, "k", 5) or 5)
    try:
        if k < 1:
            raise UsageError(f"--k must be at least 1, got {k}")
        thresholds = parse_thresholds(getattr(args, "fail_under", None) or [], k)
    except UsageError as e:
        print(f"qa eval: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    out = Path(getattr(args, "report", None) or "reports/eval")
    record_dir = getattr(args, "record_dir", None)
    try:
        report = run(getattr(args, "gold", None) or "evals/indicators.jsonl", settings,
                     engine=getattr(args, "engine", None), k=k, report_dir=out, record_dir=record_dir)
    except (GoldError, LLMRunError) as e:
        print(f"qa eval: error: {e}", file=sys.stderr)
        return EXIT_FAILED
    print(summary_table(report))
    o = report["metrics"]["overall"]
    print(f"\n{o['n']} questions, {len(report['failures'])} not strictly correct; "
          f"wall {report['timing']['wall_s']} s; report: {out / 'report.md'}, {out / 'report.json'}")
    missed = check_thresholds(report, thresholds)
    for line in missed:
        print(f"qa eval: below threshold: {line}", file=sys.stderr)
    return EXIT_FAILED if missed else 0
