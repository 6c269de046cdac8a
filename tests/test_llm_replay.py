"""The LLM engine's eval, recorded once and replayed offline (issue #5).

``make record-llm`` (scripts/record_llm.sh) asks the 20 questions of evals/llm-subset.jsonl of the
local llama.cpp server (Gemma 3 270M) and commits every model call to evals/llm-replay. Here no
model server runs: the endpoint is a closed port, so any call that is not in the recording would
fail. The 270M base model scores low; these tests check that the replay is complete, offline,
deterministic and scored, and that a stale recording says how to fix it.
"""

from __future__ import annotations

import json
import runpy
import shutil
from argparse import Namespace
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from qa.cli.evaluate import run_cli
from qa.eval.report import dumps, without_timing
from qa.eval.run import RECORD_HINT, LLMRunError, run
from qa.llm import LLMReply
from tests.conftest import completion, local_endpoint
from tests.llm_server import MODEL_ALIAS, free_port

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "evals" / "indicators.jsonl"
SUBSET = ROOT / "evals" / "llm-subset.jsonl"
RECORDING = ROOT / "evals" / "llm-replay"
CLOSED = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens: a network call would fail


@pytest.fixture(scope="module")
def offline(ready_store: Any) -> Any:
    """The seeds' store, llm engine, replay on, no model configured (the recording names it)."""
    return ready_store.with_(
        **{"engine": "llm", "replay": True, "openai_base_url": CLOSED, "model": None, "llm_retries": 0}
    )


def _args(gold: Path, report: Path, record_dir: Path | None) -> Namespace:
    return Namespace(gold=str(gold), engine="llm", k=5, report=str(report), fail_under=[],
                     record_dir=str(record_dir) if record_dir else None)


def test_subset_is_picked_by_id_from_the_gold_file() -> None:
    select = runpy.run_path(str(ROOT / "scripts" / "llm_subset.py"))["select"]
    gold_lines = GOLD.read_text(encoding="utf-8").splitlines()
    subset_lines = SUBSET.read_text(encoding="utf-8").splitlines()
    assert subset_lines == select(gold_lines)  # regenerate with scripts/llm_subset.py
    rows = [json.loads(line) for line in subset_lines]
    assert len(rows) == 25
    for kind, per_plan in (("target", 2), ("baseline", 1), ("fact", 1), ("unanswerable", 1)):
        assert sorted(r["id"][:3] for r in rows if r["kind"] == kind) == sorted(["000", "001", "002", "003", "004"]
                                                                              * per_plan)


def test_committed_recording_replays_offline_deterministic_and_scored(offline: Any, tmp_path: Path) -> None:
    recorded = json.loads((RECORDING / "recording.json").read_text(encoding="utf-8"))
    first = run(SUBSET, offline, engine="llm", report_dir=tmp_path / "a", record_dir=RECORDING)
    second = run(SUBSET, offline, engine="llm", report_dir=tmp_path / "b", record_dir=RECORDING)
    assert dumps(without_timing(first)) == dumps(without_timing(second))
    on_disk = [json.loads((tmp_path / d / "report.json").read_text(encoding="utf-8")) for d in ("a", "b")]
    assert without_timing(on_disk[0]) == without_timing(on_disk[1])

    overall = first["metrics"]["overall"]
    assert overall["n"] == 25 and overall["answerable"] == 20 and overall["unanswerable"] == 5
    for name in ("answer_accuracy", "strict_accuracy", "abstention_recall", "false_abstention", "recall@5", "mrr"):
        assert isinstance(overall[name], float) and 0.0 <= overall[name] <= 1.0, name
    assert overall["unsupported_shown"] == 0  # the number check holds for the model's answers too
    # and it had something to hold: a recorded reply printed a number its cited passages do not
    flagged = [q for q in first["questions"] if any(t.startswith("llm.unsupported_numbers=") for t in q["got"]["trace"])]
    assert flagged, "the recording holds no reply with an unsupported number: the check above would be vacuous"
    for q in flagged:
        assert q["got"]["abstained"] or not q["got"]["supported"] or not q["unsupported_shown"]
    assert set(first["metrics"]["by_kind"]) == {"target", "baseline", "fact", "unanswerable"}
    # the replay reproduces the score measured while recording, with the recorded settings
    assert overall["answer_accuracy"] == recorded["answer_accuracy"]
    assert first["llm"]["model"] == recorded["settings"]["model"] == MODEL_ALIAS
    assert first["llm"]["settings"] == recorded["settings"] and first["llm"]["replay"] is True
    assert all(q["got"]["text"] for q in first["questions"])
    assert f"replayed from `{RECORDING}`" in (tmp_path / "a" / "report.md").read_text(encoding="utf-8")


def test_replay_miss_says_to_run_make_record_llm(offline: Any, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    rows = [json.loads(line) for line in SUBSET.read_text(encoding="utf-8").splitlines()]
    rows[0]["question"] = "请问" + rows[0]["question"]  # asked differently: never recorded
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    assert run_cli(_args(gold, tmp_path / "r", RECORDING), offline) == 1
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line.startswith("qa eval: error: question " + rows[0]["id"])
    assert str(RECORDING) in line and "run `make record-llm` to record again" in line
    assert not (tmp_path / "r" / "report.json").exists()


def test_recording_on_other_chunking_is_refused_up_front(offline: Any, tmp_path: Path) -> None:
    stale = tmp_path / "llm-replay"
    shutil.copytree(RECORDING, stale)
    info = json.loads((stale / "recording.json").read_text(encoding="utf-8"))
    info["store"]["chunking"] = "v0:t999:o0"
    (stale / "recording.json").write_text(json.dumps(info), encoding="utf-8")
    with pytest.raises(LLMRunError, match="chunked v0:t999:o0") as err:
        run(SUBSET, offline, engine="llm", record_dir=stale)
    assert RECORD_HINT in str(err.value)
    with pytest.raises(LLMRunError, match="no recording at"):
        run(SUBSET, offline, engine="llm", record_dir=tmp_path / "nothing-here")


# --------------------------------------------------------------------------- record, then replay


@contextmanager
def abstaining_model() -> Iterator[tuple[str, list[dict]]]:
    """A real OpenAI-compatible endpoint on 127.0.0.1 whose model always says 文档未提及."""
    received: list[dict] = []
    body = completion(LLMReply(answer="文档未提及", chunk_ids=[], abstained=True).model_dump_json())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers.get("content-length") or 0))))
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with local_endpoint(Handler) as url:
        yield url, received


def test_record_then_replay_without_the_endpoint(ready_store: Any, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(SUBSET.read_text(encoding="utf-8").splitlines()[:3]) + "\n", encoding="utf-8")
    rec = tmp_path / "rec"
    with abstaining_model() as (url, received):
        live = ready_store.with_(**{"engine": "llm", "openai_base_url": url, "model": "scripted",
                                              "openai_api_key": None, "replay": False, "context_tokens": 600})
        recorded = run(gold, live, engine="llm", record_dir=rec)
    info = json.loads((rec / "recording.json").read_text(encoding="utf-8"))
    assert info["settings"] == {"model": "scripted", "top_k": live.retrieval.top_k, "context_tokens": 600,
                                "llm_validation_retries": live.llm.llm_validation_retries}
    assert info["requests"] == len(list(rec.rglob("*.json"))) - 1 == 3  # one call per question
    assert len(received) == 3  # this endpoint takes json_schema: one call per question, all recorded
    # the endpoint is gone; the replay takes model and context size from the recording
    replayed = run(gold, ready_store.with_(**{"engine": "llm", "replay": True, "model": None,
                                                        "openai_base_url": CLOSED}),
                   engine="llm", record_dir=rec)
    assert replayed["questions"] == recorded["questions"] and replayed["metrics"] == recorded["metrics"]
    assert replayed["llm"]["settings"] == recorded["llm"]["settings"]


def test_endpoint_down_stops_the_eval_with_one_line(ready_store: Any, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    # a model name of its own: nothing another test cached in the shared store's home can answer
    settings = ready_store.with_(**{"engine": "llm", "openai_base_url": CLOSED, "replay": False,
                                              "model": f"down-{tmp_path.name}", "llm_retries": 0})
    assert run_cli(_args(SUBSET, tmp_path / "r", None), settings) == 1
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("qa eval: error: question 000-q01 (") and "cannot reach the model endpoint" in line


# --------------------------------------------------------------------------- briefs, recorded and replayed

BRIEF_GOLD = ROOT / "evals" / "briefs-llm.jsonl"
BRIEF_RECORDING = ROOT / "evals" / "llm-replay-briefs"


def test_committed_brief_recording_replays_offline_and_goes_through_the_brief_checks(
        offline: Any, tmp_path: Path) -> None:
    from qa.eval import briefs

    recorded = json.loads((BRIEF_RECORDING / "recording.json").read_text(encoding="utf-8"))
    first = briefs.run(BRIEF_GOLD, offline, "llm", tmp_path / "a", record_dir=BRIEF_RECORDING)
    second = briefs.run(BRIEF_GOLD, offline, "llm", tmp_path / "b", record_dir=BRIEF_RECORDING)
    assert dumps(without_timing(first)) == dumps(without_timing(second))
    overall = first["metrics"]["overall"]
    assert overall["n"] == len(BRIEF_GOLD.read_text(encoding="utf-8").splitlines()) == recorded["gold"]["briefs"]
    assert overall["brief_pass"] == recorded["brief_pass"]
    # whatever the model wrote, every citation of the brief is the plan's text at its span
    assert overall["citation_exact"] == 1.0 and overall["summary_chars"] <= briefs.SUMMARY_MAX
    assert recorded["settings"]["model"] == MODEL_ALIAS and first["engine"] == "llm"
    for row in first["briefs"]:
        assert row["summary"], row["doc"]


def test_brief_replay_miss_is_one_line_naming_the_plan(offline: Any, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from qa.cli.evaluate import run_cli as eval_cli

    stale = tmp_path / "llm-replay-briefs"
    shutil.copytree(BRIEF_RECORDING, stale)
    for f in sorted(stale.rglob("*.json")):
        if f.name != "recording.json":
            f.unlink()  # one model call forgotten
            break
    args = Namespace(gold=None, briefs=str(BRIEF_GOLD), engine="llm", k=5, report=str(tmp_path / "r"),
                     fail_under=[], record_dir=str(stale), from_dir=None)
    assert eval_cli(args, offline) == 1
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line.startswith("qa eval: error: brief of ") and "\n" not in line
