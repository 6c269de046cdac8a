"""`qa eval --briefs`: briefs scored against hand-made ones (qa/eval/briefs.py)."""

from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path
from typing import Any

import pytest

from qa.cli.evaluate import run_cli
from qa.eval import briefs
from qa.eval.gold import GoldError
from qa.models import Brief, Citation
from tests.conftest import DOC, SEED_FILES

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "evals" / "briefs.jsonl"


def _gold_line(doc: str = DOC["000"]) -> dict[str, Any]:
    return next(json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()
                if json.loads(line)["doc"].startswith(doc[:3]))


def _args(gold: Path, report: Path, fail_under: list[str] | None = None, from_dir: Path | None = None) -> Namespace:
    return Namespace(gold=None, briefs=str(gold), engine="extractive", k=5, report=str(report),
                     fail_under=fail_under or [], record_dir=None, from_dir=str(from_dir) if from_dir else None)


def _cite(text: str, quote: str) -> Citation:
    start = text.index(quote)
    return Citation(doc_id=DOC["000"], start=start, end=start + len(quote), quote=quote)


def test_score_counts_targets_industries_and_bare_sector_words() -> None:
    text = SEED_FILES[DOC["000"]].read_text(encoding="utf-8")
    gold = _gold_line()
    target = gold["targets"][0]
    sentence = next(s + "。" for s in text.split("。") if str(target["value"]).rstrip("0").rstrip(".") in s
                    and len(s) < 300)
    brief = Brief(doc_id=DOC["000"], summary=sentence.strip(), summary_citations=[_cite(text, sentence.strip())],
                  industries=[Brief.Item(name="第三产业", citation=_cite(text, "第三产业"))])
    row = briefs.score(gold, brief, text)
    assert row["summary_targets"] >= 1 and row["bare_sector_items"] == 1 and not row["passed"]
    assert row["citation_exact"] == 1.0 and row["industry_recall"] == 0.0
    moved = brief.model_copy(update={"summary_citations": [
        brief.summary_citations[0].model_copy(update={"start": brief.summary_citations[0].start + 1,
                                                      "end": brief.summary_citations[0].end + 1})]})
    assert briefs.score(gold, moved, text)["citation_exact"] == 0.5  # 1 of 2 quotes not at its span


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", "bad JSON"),
    ('{"doc": "x.txt"}', "missing keys"),
])
def test_bad_gold_lines_are_one_line_errors(tmp_path: Path, line: str, message: str) -> None:
    gold = tmp_path / "b.jsonl"
    gold.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match=message):
        briefs.parse(gold)
    empty = dict(_gold_line(), targets=[])
    gold.write_text(json.dumps(empty, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match="needs targets and industries"):
        briefs.parse(gold)


def test_cli_scores_the_seed_briefs_and_gates(ready_store: Any, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(_args(GOLD, tmp_path / "r", ["citation_exact=1", "bare_sector_items=0"]), ready_store) == 0
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    overall = report["metrics"]["overall"]
    assert overall["n"] == 5 and overall["citation_exact"] == 1.0 and overall["summary_chars"] <= briefs.SUMMARY_MAX
    assert report["failures"] == [r["doc"] for r in report["briefs"] if not r["passed"]]
    assert "## Briefs" in (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    # a gate above what the run reached fails with the metric named
    assert run_cli(_args(GOLD, tmp_path / "r2", ["summary_targets=5.1"]), ready_store) == 1
    assert "below threshold: summary_targets" in capsys.readouterr().err


def test_from_dir_scores_brief_files_made_elsewhere(ready_store: Any, tmp_path: Path) -> None:
    from qa import brief as qb
    from qa.store.chroma import Store

    gold = tmp_path / "one.jsonl"
    gold.write_text(json.dumps(_gold_line(), ensure_ascii=False) + "\n", encoding="utf-8")
    doc = Store(ready_store).manifest().docs[DOC["000"]]
    qb.run_batch([doc], ready_store, tmp_path / "made", formats="json")
    made = briefs.run(gold, ready_store, "extractive", from_dir=tmp_path / "made")
    direct = briefs.run(gold, ready_store, "extractive")
    assert made["briefs"] == direct["briefs"]  # the same brief, read from its file, scores the same
    (tmp_path / "made" / f"{DOC['000']}.json").unlink()
    from qa.brief.view import BriefError

    with pytest.raises(BriefError, match="not a valid brief"):
        briefs.run(gold, ready_store, "extractive", from_dir=tmp_path / "made")
