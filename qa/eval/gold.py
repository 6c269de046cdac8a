"""The gold file: hand-labelled questions, checked line by line, and their quotes located.

A gold file is JSON lines, one question each, with exactly these keys::

    id, doc, question, answer, value, unit, kind, year, quote, difficulty

``doc`` is the plan's file name (its stem is the store's document id), ``quote`` a verbatim span
of that file that holds the answer ("" for unanswerable questions). Every line is checked before
anything runs (``parse_gold``); a bad line stops the run with one line naming it (``GoldError``).
``load_gold`` then finds each document (the store manifest's path first, then seeds/) and the
character offsets of each quote in the original file, which is what retrieval and citations are
scored against (evals/README.md has every rule).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.config import Settings

GOLD_KEYS = ("id", "doc", "question", "answer", "value", "unit", "kind", "year", "quote", "difficulty")
KINDS = ("target", "baseline", "fact", "unanswerable")
DIFFICULTIES = ("easy", "medium", "hard")
NUMERIC_KINDS = ("target", "baseline")


class GoldError(ValueError):
    """A gold file that cannot be used; the message is one line and names the line."""


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


def json_lines(path: Path, keys: tuple[str, ...]) -> list[tuple[int, dict[str, Any]]]:
    """A gold file's non-blank lines as ``(line number, object)``, each holding every key (else one GoldError line)."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise GoldError(f"{path}:{n}: bad JSON ({e.msg} at column {e.colno})") from None
        missing = [k for k in keys if k not in obj]
        if missing:
            raise GoldError(f"{path}:{n}: missing key{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        out.append((n, obj))
    return out


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
                      gold_path: Path, stored_text: Callable[[str], str | None] | None = None
                      ) -> dict[str, SourceText]:
    """Gold ``doc`` names → the text quotes are located in: the store's canonical text of the document
    with that stem (whatever format was ingested: a gold file labelled on a .txt works on the PDF), else
    the file in the store's path or seeds/."""
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
        text = stored_text(d.id) if d is not None and stored_text is not None else None
        if text is not None:
            out[it.doc] = SourceText(doc_id=d.id, path=Path(d.path), text=text, in_store=True, stale=False)
            continue
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


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` is in ``text``: exactly, else with whitespace and width ignored (qa.text.clean.find_loose)."""
    from qa.text.clean import find_loose

    i = text.find(quote)
    return (i, i + len(quote)) if i >= 0 else find_loose(text, quote)


def locate_quotes(items: list[GoldItem], sources: dict[str, SourceText], gold_path: Path) -> None:
    for it in items:
        src = sources.get(it.doc)
        it.doc_id = src.doc_id if src else (Path(it.doc).stem if it.doc else "")
        if not it.quote:
            continue
        assert src is not None
        span = find_quote(src.text, it.quote)
        if span is None:
            raise GoldError(f"{gold_path}:{it.line}: quote not found in {it.doc}: “{_short(it.quote)}”")
        it.quote_start, it.quote_end = span


def load_gold(path: Path, settings: Settings, docs: dict[str, Any] | None = None,
              stored_text: Callable[[str], str | None] | None = None) -> tuple[list[GoldItem], dict[str, SourceText]]:
    """Parse and validate a gold file against its documents (``docs``: the store manifest's; ``stored_text``:
    a document's canonical text from the store)."""
    items = parse_gold(path)
    sources = resolve_documents(items, docs or {}, settings, path, stored_text)
    locate_quotes(items, sources, path)
    return items, sources
