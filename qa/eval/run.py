"""The eval run: every gold question retrieved, answered and scored; LLM runs recorded and replayed.

Each question is retrieved (``Retriever.search``, depth ``max(10, k)``) and answered
(``answer_question`` with the same retriever); ``run`` returns the report and writes it when asked.

With the LLM engine a run can be recorded once against a real endpoint and replayed offline:
``record_dir`` keeps every model call there (the run passes ``settings.with_(llm_cache=record_dir)``
down, so every client ``answer_question`` builds records into it), plus ``recording.json``: the
model, the settings that shape the requests, the chunking it was made on. With
``settings.llm.replay`` the run answers from that directory only, with those settings, and stops
at the first request it lacks with a message that says to record again (``make record-llm`` for
the committed ``evals/llm-replay``).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from qa.config import Settings
from qa.eval.gold import DIFFICULTIES, KINDS, GoldItem, load_gold, parse_gold
from qa.eval.judge import retrieval_rank, score
from qa.eval.metrics import compute_metrics, groups, latency_summary
from qa.eval.report import UsageError, write_report

RECORDING_FILE = "recording.json"
RECORD_HINT = "run `make record-llm` to record again"
# the settings that shape the model requests: a replay must use the recorded ones
RECORDED_SETTINGS = ("model", "top_k", "context_tokens", "llm_validation_retries")


class LLMRunError(RuntimeError):
    """The LLM engine could not answer a question (endpoint down, replay miss); one line, names it."""


def _open_retriever(settings: Settings, log: Any) -> Any:
    from qa.retrieve import Retriever

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


def write_recording(record_dir: Path, settings: Settings, gold: Path, manifest: Any, items: tuple[str, int],
                    score: tuple[str, float | None], command: str = "qa eval --engine llm") -> None:
    """``recording.json``: what a replay needs to ask exactly the recorded requests again."""
    info = {
        "what": f"{command} recording: every model call of this run, keyed by model, messages "
                f"and parameters (qa/llm/cache.py); replay with `{command} --replay "
                f"--record-dir DIR`; {RECORD_HINT} after changing prompts, chunking or retrieval.",
        "settings": {k: settings.get(k) for k in RECORDED_SETTINGS},
        "gold": {"path": str(gold), "sha256": hashlib.sha256(gold.read_bytes()).hexdigest(), items[0]: items[1]},
        "store": {"chunking": manifest.chunking, "manifest": manifest.digest()},
        "requests": sum(1 for _ in record_dir.rglob("*.json")) - int((record_dir / RECORDING_FILE).exists()),
        "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        score[0]: score[1],
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
    if rec_dir is not None:  # every client answer_question builds records into (replays from) it
        settings = settings.with_(llm_cache=rec_dir)
    retriever = _open_retriever(settings, log)
    manifest = retriever.manifest
    if recording is not None:
        chunked = (recording.get("store") or {}).get("chunking")
        if chunked and chunked != manifest.chunking:
            raise LLMRunError(f"{rec_dir} was recorded on a store chunked {chunked}, this store is chunked "
                              f"{manifest.chunking}: every request would differ; {RECORD_HINT}")
    def stored_text(doc_id: str) -> str | None:
        got = retriever.store.canonical_text(manifest, doc_id)
        return got[0] if got else None

    items, sources = load_gold(gold, settings, manifest.docs, stored_text)
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
        "by_kind": {g: compute_metrics(rs, cutoffs) for g, rs in groups(rows, "kind", KINDS).items()},
        "by_difficulty": {g: compute_metrics(rs, cutoffs)
                          for g, rs in groups(rows, "difficulty", DIFFICULTIES).items()},
    }

    def lat(rs: list[dict[str, Any]]) -> dict[str, Any]:
        return latency_summary([latency[r["id"]] for r in rs])

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
            "by_kind": {g: lat(rs) for g, rs in groups(rows, "kind", KINDS).items()},
            "by_difficulty": {g: lat(rs) for g, rs in groups(rows, "difficulty", DIFFICULTIES).items()},
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
            write_recording(rec_dir, settings, gold, manifest, ("questions", report["gold"]["questions"]),
                            ("answer_accuracy", report["metrics"]["overall"].get("answer_accuracy")))
    if report_dir is not None:
        write_report(report, Path(report_dir))
    return report
