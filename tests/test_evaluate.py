"""`qa eval`: unit and qualifier rules, gold-file validation, and end-to-end runs on the ingested seeds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa.cli import build_parser
from qa.cli.evaluate import run_cli
from qa.eval.gold import GoldError, GoldItem, load_gold, parse_gold
from qa.eval.judge import (
    canonical_qualifier,
    fact_matches,
    gold_qualifier,
    normalize_unit,
    qualifier_matches,
    same_quantity,
    score,
)
from qa.eval.metrics import compute_metrics, percentile
from qa.eval.report import UsageError, check_thresholds, dumps, parse_thresholds, without_timing
from qa.eval.run import run
from qa.models import ABSTAIN_TEXT, Answer, Citation

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
D000, D001, D002 = "000_1eaa99c5e663719f", "001_cbf60eae7b09ed54", "002_0a4f00c585880ffc"

# hand-written: the expected answers are stated in other units/punctuation than the plans print them
TINY = [
    {"id": "t-target", "doc": f"{D000}.txt", "question": "大同区到2010年地区生产总值计划达到多少？",
     "answer": "465000万元", "value": 465000, "unit": "万元", "kind": "target", "year": 2010,
     "quote": "全区地区生产总值计划实现46.5亿元", "difficulty": "easy"},
    {"id": "t-baseline", "doc": f"{D001}.txt", "question": "克拉玛依区2005年城镇居民可支配收入是多少？",
     "answer": "1.0788万元", "value": 1.0788, "unit": "万元", "kind": "baseline", "year": 2005,
     "quote": "城镇居民可支配收入达10788元", "difficulty": "medium"},
    {"id": "t-fact", "doc": f"{D002}.txt", "question": "二连浩特“十二五”坚持的发展理念是什么？",
     "answer": "贸易兴市，工业富市，旅游活市", "value": None, "unit": None, "kind": "fact", "year": None,
     "quote": "贸易兴市、工业富市、旅游活市发展理念", "difficulty": "medium"},
    {"id": "t-none", "doc": f"{D000}.txt", "question": "大同区2010年全社会固定资产投资计划达到多少？",
     "answer": ABSTAIN_TEXT, "value": None, "unit": None, "kind": "unanswerable", "year": None,
     "quote": "", "difficulty": "hard"},
]


def write_gold(path: Path, rows: list[dict], extra_lines: list[str] = ()) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in rows] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def tiny_gold(tmp_path) -> Path:
    return write_gold(tmp_path / "tiny.jsonl", TINY)


def cli(argv: list[str], settings) -> int:
    return run_cli(build_parser().parse_args(["eval", *argv]), settings)


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize(("a", "b"), [
    ((3.5, "亿元"), (35000, "万元")),
    ((1, "亿元"), (1e8, "元")),
    ((1.75, "万元"), (17500, "元")),
    ((32.8, "亿美元"), (328000, "万美元")),
    ((1, "万美元"), (10000, "美元")),
    ((24, "万人"), (240000, "人")),
    ((6000, "万吨"), (6e7, "吨")),
    ((2, "万公顷"), (20000, "公顷")),
    ((24, "万"), (24, "万人")),
    ((21.6, "%"), (21.6, "％")),
    ((0.1 + 0.2, "%"), (0.3, "%")),
])
def test_equal_quantities(a, b):
    assert same_quantity(*a, *b)
    assert same_quantity(*b, *a)


@pytest.mark.parametrize(("a", "b"), [
    ((5, "%"), (5, "个百分点")),
    ((5, "%"), (5, "元")),
    ((5, "个百分点"), (5, "亿元")),
    ((5, "亿元"), (5, "亿美元")),
    ((46.5, "亿元"), (46.6, "亿元")),
    ((46.5, "亿元"), (46.5, "万元")),
    ((46.5, "亿元"), (46.5, None)),
    ((-40.3, "%"), (40.3, "%")),
    ((None, "%"), (5, "%")),
    ((24, "万"), (24, "万吨")),
])
def test_different_quantities(a, b):
    assert not same_quantity(*a, *b)
    assert not same_quantity(*b, *a)


def test_unit_magnitudes():
    assert normalize_unit("亿元") == (1e8, "元")
    assert normalize_unit("万亿元") == (1e12, "元")
    assert normalize_unit("千瓦") == (1.0, "千瓦")  # a unit, not a thousand 瓦
    assert normalize_unit("万千瓦时") == (1e4, "千瓦时")
    assert normalize_unit("%") == (1.0, "%")
    assert normalize_unit(None) == (1.0, None)
    assert normalize_unit("万头（只）") == (1e4, "头")  # head, or head of sheep: one count, as the plan prints it
    assert normalize_unit("（只）") == (1.0, "（只）")  # a bracket alone is no unit to drop


# --------------------------------------------------------------------------- qualifiers


@pytest.mark.parametrize(("answer", "want"), [
    ("46.5亿元", None),
    ("80%以上", "以上"),
    ("超过30%", "以上"),
    ("超过1万美元", "以上"),
    ("4.5%以内", "以内"),
    ("20%左右", "左右"),
    ("24万左右", "左右"),
    ("约3000亿元", "左右"),
    ("150亿元（累计）", "累计"),
    ("[150]亿元", "累计"),
    ("30多亿元", "多"),
    ("不低于95%", "以上"),
    ("不超过3%", "以内"),
    ("-40.3%", None),
])
def test_gold_qualifier(answer, want):
    assert gold_qualifier(answer) == want


def test_qualifier_matching():
    assert qualifier_matches("46.5亿元", None)
    assert qualifier_matches("21.6%", "年均")  # a description, not a bound
    assert not qualifier_matches("46.5亿元", "以上")
    assert not qualifier_matches("80%以上", None)
    assert qualifier_matches("80%以上", "以上")
    assert qualifier_matches("超过30%", "以上")  # same class, documented in evals/README.md
    assert qualifier_matches("4.5%以内", "控制在")
    assert qualifier_matches("20%左右", "约")
    assert not qualifier_matches("20%左右", "以上")
    assert qualifier_matches("150亿元（累计）", "累计")
    assert not qualifier_matches("150亿元（累计）", None)
    assert canonical_qualifier("稳定在") is None


def test_fact_key_phrases():
    a = Answer(question="q", text="坚持“贸易兴市、工业富市”不动摇", kind="fact")
    assert fact_matches("贸易兴市，工业富市", a)
    assert not fact_matches("贸易兴市、工业富市、旅游活市", a)
    cited = Answer(question="q", text="见规划", kind="fact", citations=[
        Citation(doc_id="d", start=0, end=14, quote="贸易兴市、工业富市、旅游活市")])
    assert fact_matches("贸易兴市、工业富市、旅游活市", cited)
    assert not fact_matches("贸易兴市", Answer.abstain("q", "extractive"))


# --------------------------------------------------------------------------- scoring one answer


def _item(**kw) -> GoldItem:
    base = {"id": "x", "doc": "d.txt", "doc_id": "d", "question": "q", "answer": "46.5亿元", "value": 46.5,
            "unit": "亿元", "kind": "target", "year": 2010, "quote": "实现46.5亿元", "difficulty": "easy",
            "line": 1, "quote_start": 100, "quote_end": 108}
    base.update(kw)
    return GoldItem(**base)


def test_score_correct_strict_and_citation():
    cit = Citation(doc_id="d", start=95, end=110, quote="x" * 15)
    r = score(_item(), Answer(question="q", text="46.5亿元", value=465000, unit="万元", citations=[cit]), 1)
    assert r["correct"] and r["strict"] and r["citation_ok"]
    far = Citation(doc_id="d", start=200, end=215, quote="x" * 15)
    r = score(_item(), Answer(question="q", text="46.5亿元", value=46.5, unit="亿元", qualifier="以上",
                              citations=[far]), 1)
    assert r["correct"] and not r["strict"] and r["citation_ok"] is False and r["reason"] == "qualifier"
    other_doc = Citation(doc_id="e", start=95, end=110, quote="x" * 15)
    r = score(_item(), Answer(question="q", text="46.5亿元", value=46.5, unit="亿元", citations=[other_doc]), 1)
    assert r["citation_ok"] is False


def test_unsupported_numbers_shown_as_supported_are_counted():
    cit = Citation(doc_id="d", start=100, end=108, quote="实现46.5亿元")
    honest = Answer(question="q", text="46.5亿元", value=46.5, unit="亿元", citations=[cit])
    invented = Answer(question="q", text="46.5亿元，增长21.6%", value=46.5, unit="亿元", citations=[cit])
    flagged = invented.model_copy(update={"supported": False})
    rows = [score(_item(id=str(i)), a, 1) for i, a in enumerate([honest, invented, flagged])]
    assert [bool(r["unsupported_shown"]) for r in rows] == [False, True, False]
    assert compute_metrics(rows)["unsupported_shown"] == 1


def test_abstention_metrics():
    gold = [_item(id="a"), _item(id="b"), _item(id="u", kind="unanswerable", answer=ABSTAIN_TEXT, value=None,
                                                 unit=None, quote="", quote_start=None, quote_end=None)]
    got = [Answer(question="q", text="46.5亿元", value=46.5, unit="亿元"), Answer.abstain("q", "extractive"),
           Answer.abstain("q", "extractive")]
    m = compute_metrics([score(g, a, 1 if g.answerable else None) for g, a in zip(gold, got, strict=True)])
    assert m["abstention_precision"] == 0.5
    assert m["abstention_recall"] == 1.0
    assert m["false_abstention"] == 0.5
    assert m["answer_accuracy"] == round(2 / 3, 4)
    assert m["recall@1"] == 1.0 and m["mrr"] == 1.0


def test_percentile_is_nearest_rank():
    assert percentile([4, 1, 3, 2], 50) == 2
    assert percentile(list(range(1, 21)), 95) == 19
    assert percentile([], 50) is None


def test_thresholds():
    assert parse_thresholds(["answer_accuracy=0.85", "false_abstention=0.1"]) == [
        ("answer_accuracy", 0.85, "0.85"), ("false_abstention", 0.1, "0.1")]
    for bad in (["nope=1"], ["answer_accuracy"], ["answer_accuracy=x"]):
        with pytest.raises(UsageError):
            parse_thresholds(bad)
    report = {"metrics": {"overall": {"answer_accuracy": 0.81, "false_abstention": 0.2, "unsupported_shown": 0,
                                      "abstention_precision": None}}}
    missed = check_thresholds(report, parse_thresholds([
        "answer_accuracy=0.85", "false_abstention=0.1", "unsupported_shown=0", "abstention_precision=0.5"]))
    assert missed[:2] == ["answer_accuracy 0.81 < 0.85", "false_abstention 0.2 > 0.1"]
    assert len(missed) == 3 and missed[2].startswith("abstention_precision n/a")


# --------------------------------------------------------------------------- gold validation


@pytest.mark.parametrize(("line", "message"), [
    ('{"id": "x", "doc": ', "bad JSON"),
    ("[1, 2]", "expected a JSON object"),
    (json.dumps({k: v for k, v in TINY[0].items() if k != "quote"}), "missing key quote"),
    (json.dumps({**TINY[0], "kind": "guess"}), "bad kind 'guess'"),
    (json.dumps({**TINY[0], "difficulty": "trivial"}), "bad difficulty"),
    (json.dumps({**TINY[0], "value": "46.5"}), "'value' must be a number"),
    (json.dumps({**TINY[0], "id": "t-none"}), "duplicate id 't-none'"),
])
def test_malformed_lines_name_the_line(tmp_path, line, message):
    gold = write_gold(tmp_path / "bad.jsonl", TINY[1:], [line])
    with pytest.raises(GoldError) as e:
        parse_gold(gold)
    assert f"bad.jsonl:4: {message}" in str(e.value)
    assert "\n" not in str(e.value)


def test_quote_and_document_are_checked(tmp_path):
    from qa.config import Settings

    settings = Settings(home=tmp_path / "home", docs=[SEEDS])
    gold = write_gold(tmp_path / "q.jsonl", [TINY[3], {**TINY[0], "quote": "全区地区生产总值计划实现47亿元"}])
    with pytest.raises(GoldError, match=r"q\.jsonl:2: quote not found in 000_1eaa99c5e663719f\.txt"):
        load_gold(gold, settings, {})
    gold = write_gold(tmp_path / "d.jsonl", [{**TINY[0], "doc": "999_missing.txt"}])
    with pytest.raises(GoldError, match=r"d\.jsonl:1: document '999_missing\.txt'"):
        load_gold(gold, settings, {})
    items, sources = load_gold(write_gold(tmp_path / "ok.jsonl", TINY), settings, {})
    t = items[0]
    assert sources[t.doc].text[t.quote_start : t.quote_end] == t.quote
    assert t.doc_id == D000


def test_malformed_gold_is_one_line_on_the_command_line(tmp_path, ready_store, capsys):
    gold = write_gold(tmp_path / "bad.jsonl", TINY[:2], ["{oops"])
    assert cli(["--gold", str(gold), "--report", str(tmp_path / "r")], ready_store) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "bad.jsonl:3: bad JSON" in err
    assert not (tmp_path / "r").exists()


def test_unknown_metric_is_a_usage_error(tiny_gold, tmp_path, ready_store, capsys):
    assert cli(["--gold", str(tiny_gold), "--report", str(tmp_path / "r"), "--fail-under", "accuracy=0.5"],
               ready_store) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "unknown metric 'accuracy'" in err


# --------------------------------------------------------------------------- end to end


def test_tiny_gold_end_to_end(tiny_gold, tmp_path, ready_store, capsys):
    out = tmp_path / "report"
    assert cli(["--gold", str(tiny_gold), "--report", str(out)], ready_store) == 0
    printed = capsys.readouterr().out
    assert "| answer_accuracy |" in printed and "| recall@5 |" in printed and "latency p95" in printed

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "## Summary" in md and "## Failures" in md
    assert [q["id"] for q in report["questions"]] == [r["id"] for r in TINY]
    overall = report["metrics"]["overall"]
    assert overall["n"] == 4 and overall["answerable"] == 3 and overall["unanswerable"] == 1
    assert set(report["metrics"]["by_kind"]) == {"target", "baseline", "fact", "unanswerable"}
    assert set(report["metrics"]["by_difficulty"]) == {"easy", "medium", "hard"}
    for key in ("answer_accuracy", "strict_accuracy", "citation_accuracy", "recall@1", "recall@5", "recall@10",
                "mrr", "abstention_precision", "abstention_recall", "false_abstention", "unsupported_shown"):
        assert key in overall
    assert overall["unsupported_shown"] == 0
    assert set(report["timing"]["per_question_ms"]) == {r["id"] for r in TINY}
    assert report["timing"]["overall"]["p95_ms"] >= report["timing"]["overall"]["p50_ms"] > 0
    for q in report["questions"]:
        assert {"id", "question", "expected", "got", "correct", "strict", "cited_quote", "retrieval_rank"} <= set(q)
        assert "latency" not in json.dumps(q)

    # the plan prints 46.5亿元; the gold says 465000万元: unit normalization makes it correct
    target = report["questions"][0]
    assert target["got"]["value"] == 46.5 and target["got"]["unit"] == "亿元"
    assert target["correct"] and target["strict"] and target["citation_ok"]
    assert target["retrieval_rank"] == 1
    # the metrics agree with the per-question results they summarise
    assert overall["answer_accuracy"] == round(sum(q["correct"] for q in report["questions"]) / 4, 4)
    assert report["failures"] == [q["id"] for q in report["questions"] if not q["strict"]]
    for q in report["questions"]:
        if not q["strict"]:
            assert q["id"] in md


def test_two_runs_give_identical_reports(tiny_gold, tmp_path, ready_store):
    a = run(tiny_gold, ready_store, report_dir=tmp_path / "a")
    b = run(tiny_gold, ready_store, report_dir=tmp_path / "b")
    assert dumps(without_timing(a)) == dumps(without_timing(b))
    ja = json.loads((tmp_path / "a" / "report.json").read_text(encoding="utf-8"))
    jb = json.loads((tmp_path / "b" / "report.json").read_text(encoding="utf-8"))
    assert "timing" in ja
    assert dumps(without_timing(ja)) == dumps(without_timing(jb))


def test_impossible_threshold_exits_1(tiny_gold, tmp_path, ready_store, capsys):
    rc = cli(["--gold", str(tiny_gold), "--report", str(tmp_path / "r"),
              "--fail-under", "answer_accuracy=1.01", "unsupported_shown=-1", "recall@10=0"], ready_store)
    assert rc == 1
    err = capsys.readouterr().err
    assert "answer_accuracy" in err and "< 1.01" in err
    assert "unsupported_shown 0 > -1" in err
    assert "recall@10" not in err
    assert cli(["--gold", str(tiny_gold), "--report", str(tmp_path / "r"), "--fail-under", "recall@10=0"],
               ready_store) == 0


def test_an_empty_store_is_ingested_first(tmp_path, capsys):
    from qa.config import Settings

    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SEEDS / f"{D000}.txt", docs)
    settings = Settings(home=tmp_path / "home", docs=[docs])
    gold = write_gold(tmp_path / "one.jsonl", [TINY[0], TINY[3]])
    report = run(gold, settings, report_dir=tmp_path / "r")
    assert "is empty; ingesting" in capsys.readouterr().err
    assert report["store"]["documents"] == [D000]
    assert report["questions"][0]["retrieval_rank"] is not None
