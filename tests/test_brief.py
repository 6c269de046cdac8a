"""Briefs of the real seed plans, the `qa brief` batch and `qa compare`, against a real ingested store.

Every expected value here was read off the seed files by hand (the sentence is quoted next to it),
so a test failing means the extractor no longer finds what the plan prints.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from qa import brief as qb  # tests/conftest.py has set QA_EMBED_CACHE before this import
from qa.brief import batch as qbatch
from qa.models import Brief, Citation, Indicator
from tests.conftest import DOC, SEED_FILES, completion, local_endpoint, offline_view, one_line_error, run_qa

# ----------------------------------------------------------------------------- expectations

META = {
    "000": ("大庆市大同区", "十一五", 2006, 2010),
    "001": ("克拉玛依区", "十一五", 2006, 2010),
    "002": ("二连浩特市", "十二五", 2011, 2015),
    "003": ("阳泉市", "十一五", 2006, 2010),
    "004": ("哈尔滨市双城区", "十四五", 2021, 2025),
}

# doc → indicator name → fields that must hold; the printed sentence is in the comment
HEADLINES: dict[str, dict[str, dict[str, Any]]] = {
    "000": {
        # 到2010年，全区地区生产总值计划实现46.5亿元，年均增长21.6% / “十五”期末…地区生产总值17.5 亿元
        "地区生产总值": dict(target_value=46.5, target_year=2010, growth=21.6, unit="亿元", base_value=17.5, base_year=2005),
        "人均地区生产总值": dict(target_value=1.75, unit="万元"),  # 人均地区生产总值1.75万元
        "工业增加值": dict(target_value=23, growth=26.9, unit="亿元"),  # 区域工业增加值实现23亿元，年均增长26.9%
        "农村居民人均纯收入": dict(target_value=5000, growth=10, unit="元"),  # 农民人均纯收入实现5000元，年均增长10％
        "森林覆盖率": dict(target_value=16.4, unit="%", base_value=13.9),  # 森林覆盖率达到16.4% / …达到13.9%
        "城镇登记失业率": dict(target_value=4.5, qualifier="以内"),  # 城镇人口登记失业率控制在4.5%以内
        "社会消费品零售总额": dict(target_value=11.5, growth=28.4),  # 社会商品零售总额11.5亿元，年均增长28.4%
    },
    "001": {
        # 预计生产总值年均增长7%以上…，2010年达170亿元 / 全区生产总值由2000年的64.3亿元增至2005年的120.88亿元
        "地区生产总值": dict(target_value=170, target_year=2010, growth=7, growth_qualifier="以上", unit="亿元",
                       base_value=120.88, base_year=2005),
        "财政收入": dict(target_value=8, growth=15, unit="亿元"),  # 地方财政收入达8亿元，年均增长15%
        "人口自然增长率": dict(target_value=6, unit="‰", qualifier="以内"),  # 人口自然增长率控制在6‰以内
        "城镇登记失业率": dict(target_value=3, qualifier="以内"),  # 城镇登记失业率控制在3%以内
        "城镇居民人均可支配收入": dict(target_value=15000, qualifier="以上"),  # 城镇居民可支配收入达15000元以上
        "农村居民人均纯收入": dict(target_value=8000, qualifier="以上"),  # 农牧民人均纯收入达8000元以上
        "森林覆盖率": dict(target_value=10, unit="%"),  # 全区森林覆盖率提高到10%
    },
    "002": {
        # “十二五”期末，地区生产总值年均增长24.6%，达143 亿元 / 到2010年底，地区生产总值达47.6亿元
        "地区生产总值": dict(target_value=143, target_year=2015, growth=24.6, unit="亿元", base_value=47.6, base_year=2010),
        "财政收入": dict(target_value=10, growth=22),  # 财政总收入年均增长22%，达10亿元
        "固定资产投资": dict(target_value=200, growth=21, qualifier="累计"),  # 年均增长21%，五年累计完成200亿元
        "社会消费品零售总额": dict(target_value=42, growth=20),  # 年均增长20%，达42亿元
        "进出口总额": dict(target_value=80, growth=19.5, unit="亿美元"),  # 进出口贸易额年均增长19.5%，达80亿美元
        "城镇居民人均可支配收入": dict(target_value=40150, growth=12.5, base_value=22281),
        "农村居民人均纯收入": dict(target_value=15730, growth=16),  # 农牧民人均纯收入年均增长16%，达15730元
        "城镇登记失业率": dict(target_value=2.4, qualifier="以内"),
    },
    "003": {
        # 全市地区生产总值年均增长10%以上，2010年地区生产总值达到320亿元以上 / 2005年…完成200.3亿元
        "地区生产总值": dict(target_value=320, target_year=2010, qualifier="以上", growth=10, growth_qualifier="以上",
                       base_value=200.3, base_year=2005),
        "人均地区生产总值": dict(target_value=24300, unit="元"),
        "财政收入": dict(target_value=75, growth=15),  # 财政总收入年均增长15%以上，达到75亿元
        "固定资产投资": dict(growth=20),  # 全社会固定资产投资年均增长20%
        "城镇化率": dict(target_value=54, qualifier="以上"),  # 城镇化率达到54%以上
        "城镇登记失业率": dict(target_value=4.5, qualifier="以内"),
        "城镇居民人均可支配收入": dict(growth=12),  # 城镇居民人均可支配收入年均增长12%
        "农村居民人均纯收入": dict(growth=8),
    },
    "004": {
        "地区生产总值增长率": dict(base_value=0.2, growth=5, growth_qualifier="以上", binding="预期性", source="table"),
        "森林覆盖率": dict(base_value=2.9, target_value=3, binding="约束性", source="table"),
        "粮食综合生产能力": dict(base_value=40, target_value=43, growth=1.5, unit="亿斤", binding="约束性"),
        "产业电商园线上线下综合交易额": dict(target_value=150, qualifier="累计", unit="亿元"),
        "城镇新增就业人数": dict(base_value=0.27, target_value=0.8, unit="万人", binding="约束性"),
        "建成区面积": dict(target_value=35, unit="平方公里", source="prose"),  # 到2025年，建成区面积达35平方公里
    },
}


@pytest.fixture(scope="module")
def sources() -> dict[str, Any]:
    """Each seed as the brief sees it, built by the ingest code path (qa.brief.view.DocView)."""
    return {key: offline_view(SEED_FILES[doc_id]) for key, doc_id in DOC.items()}


@pytest.fixture(scope="module")
def briefs(sources: dict[str, Any]) -> dict[str, Brief]:
    return {key: qb.check_brief(qb.extractive_brief(v), v.text) for key, v in sources.items()}


def by_name(brief: Brief, name: str) -> Indicator:
    found = [i for i in brief.indicators if i.name == name]
    assert found, f"{brief.doc_id}: no indicator {name}; have {[i.name for i in brief.indicators]}"
    return found[0]


# ----------------------------------------------------------------------------- the briefs


@pytest.mark.parametrize("key", sorted(META))
def test_seed_brief_validates_with_metadata(key: str, briefs: dict[str, Brief], sources: dict[str, Any]) -> None:
    b = briefs[key]
    region, plan, start, end = META[key]
    assert (b.region, b.plan, b.period_start, b.period_end) == (region, plan, start, end)
    assert b.doc_id == DOC[key]
    Brief.model_validate_json(b.model_dump_json())  # round-trips as valid
    assert qb.verify_citations(b, sources[key].text) == []
    assert 0 < len(b.summary) <= 400 and 3 <= len(b.summary_citations) <= 6
    assert b.industries and b.strategies, "every seed names industries and strategies"


@pytest.mark.parametrize("key", sorted(META))
def test_summary_is_whole_cited_sentences_or_clauses_without_boilerplate(key: str, briefs: dict[str, Brief],
                                                                         seed_texts: dict[str, str]) -> None:
    """Each piece of the 摘要 is a whole sentence or whole clauses of one (cut at ，；。, never inside a clause)."""
    from qa.brief.summary import BOILERPLATE

    b = briefs[key]
    text = seed_texts[DOC[key]]
    for c in b.summary_citations:
        after = text[c.end : c.end + 1]
        assert c.quote.rstrip()[-1] in "。；！？，" or after in "，；。,;", f"{key}: a cut clause {c.quote[-20:]!r}"
        before = text[c.start - 1 : c.start] if c.start else "。"
        assert before in "。；！？，：,;:\n \t\u3000" or c.quote.startswith(("“", "（")), f"{key}: cut before {c.quote[:20]!r}"
        assert not BOILERPLATE.search(c.quote), f"{key}: boilerplate {c.quote[:40]!r}"
    assert not any(c.section == "" for c in b.summary_citations), "the title is no summary"
    assert 3 <= len(b.summary_citations) <= 6 and len(b.summary) <= 450


@pytest.mark.parametrize("key", sorted(HEADLINES))
def test_headline_indicators_as_printed(key: str, briefs: dict[str, Brief]) -> None:
    expected = HEADLINES[key]
    assert len(expected) >= 5
    for name, fields in expected.items():
        ind = by_name(briefs[key], name)
        for field, value in fields.items():
            assert getattr(ind, field) == value, f"{key} {name}.{field}: {getattr(ind, field)!r} != {value!r}"


def test_every_citation_quote_is_the_original_text(briefs: dict[str, Brief], seed_texts: dict[str, str]) -> None:
    n = 0
    for key, b in briefs.items():
        original = seed_texts[DOC[key]]
        for c in b.citations():
            assert original[c.start : c.end] == c.quote
            n += 1
    assert n > 200


def test_004_brief_has_the_whole_table(briefs: dict[str, Brief]) -> None:
    table = [i for i in briefs["004"].indicators if i.source == "table"]
    assert len(table) == 21
    assert [i.binding for i in table].count("约束性") == 9
    assert [i.binding for i in table].count("预期性") == 11  # indicator 3 prints no 属性
    # prose restating a table indicator (地区生产总值年均增长5%以上) is not listed twice
    assert [i.canonical for i in briefs["004"].indicators].count("地区生产总值") == 1


def test_near_misses_stay_apart(briefs: dict[str, Brief]) -> None:
    b = briefs["000"]
    assert by_name(b, "地区生产总值").target_value == 46.5
    assert by_name(b, "人均地区生产总值").canonical == "人均地区生产总值"
    ratio = [i for i in briefs["004"].indicators if i.name == "工业增加值占GDP比重"][0]
    assert ratio.canonical == "工业增加值占地区生产总值比重"  # a share of its own, never 工业增加值


def test_items_are_grounded(briefs: dict[str, Brief]) -> None:
    assert any("科教兴区战略" in s.name for s in briefs["000"].strategies)
    assert any("四大战略" in s.name for s in briefs["001"].strategies)
    assert {"进口资源加工业", "现代物流业"} <= {i.name for i in briefs["002"].industries}
    from qa.brief.items import GENERIC

    assert not any(i.name in GENERIC for b in briefs.values() for i in b.industries)  # no bare sector words
    assert any("飞鹤" in p.name for p in briefs["004"].projects)  # 专栏-3 现代产业新体系重点项目储备库
    for b in briefs.values():
        for item in [*b.industries, *b.projects, *b.strategies]:
            assert Indicator.norm(item.name) in Indicator.norm(item.citation.quote)


def test_ungrounded_values_are_rejected() -> None:
    q = "到2010年，全区地区生产总值计划实现46.5亿元，年均增长21.6%"
    c = Citation(doc_id="d", start=0, end=len(q), quote=q)
    Indicator(name="地区生产总值", target_value=46.5, growth=21.6, citation=c)
    with pytest.raises(ValueError, match="target_value"):
        Indicator(name="地区生产总值", target_value=47, citation=c)
    with pytest.raises(ValueError, match="name"):
        Indicator(name="财政收入", target_value=46.5, citation=c)
    spaced = "地区生产总值17.5 亿元"  # numbers.py normalization: "17.5 亿元" prints 17.5
    Indicator(name="地区生产总值", target_value=17.5, citation=Citation(doc_id="d", start=0, end=len(spaced), quote=spaced))
    with pytest.raises(ValueError, match="summary"):
        Brief(doc_id="d", summary="全区地区生产总值计划实现50亿元", summary_citations=[c])
    with pytest.raises(ValueError, match="another|citation of"):
        Brief(doc_id="other", indicators=[Indicator(name="地区生产总值", target_value=46.5, citation=c)])


def test_verify_citations_catches_shifted_offsets(briefs: dict[str, Brief], seed_texts: dict[str, str]) -> None:
    b = briefs["000"]
    ind = b.indicators[0]
    moved = ind.citation.model_copy(update={"start": ind.citation.start + 1, "end": ind.citation.end + 1})
    bad = b.model_copy(update={"indicators": [ind.model_copy(update={"citation": moved}), *b.indicators[1:]]})
    problems = qb.verify_citations(bad, seed_texts[DOC["000"]])
    assert len(problems) == 1 and "differs" in problems[0]
    with pytest.raises(qb.BriefError):
        qb.check_brief(bad, seed_texts[DOC["000"]])


def test_markdown_has_table_and_footnotes(briefs: dict[str, Brief]) -> None:
    md = qb.render_markdown(briefs["004"])
    assert "| # | 类别 | 指标 | 基期 | 目标 | 年均增长 | 单位 | 属性 | 来源 |" in md
    assert "| 17 | 绿色转型 | 森林覆盖率 | 2.9（2020） | 3（2025） |  | % | 约束性 |" in md
    refs = {int(n) for n in re.findall(r"\[\^(\d+)\](?!:)", md)}
    notes = re.findall(r"^\[\^(\d+)\]: .*「(.*)」$", md, flags=re.M)
    assert refs == {int(n) for n, _ in notes} and len(notes) == len(briefs["004"].citations())
    assert any("森林覆盖率 (%) 2.9 3 约束性" in q for _, q in notes)


# ----------------------------------------------------------------------------- the batch


def outputs(out: Path) -> dict[str, float]:
    return {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()}


def test_batch_writes_then_resumes(ready_store: Any, tmp_path: Path) -> None:
    out = tmp_path / "briefs"
    home = Path(ready_store.home)
    first = run_qa(["brief", "--all", "--out", str(out), "--jobs", "3"], home)
    assert first.returncode == 0, first.stderr
    assert "5 written, 0 unchanged, 0 failed" in first.stdout
    files = outputs(out)
    assert sorted(n for n in files if n.endswith(".json") and n != "index.json") == sorted(f"{d}.json" for d in DOC.values())
    assert sorted(n for n in files if n.endswith(".md") and n != "index.md") == sorted(f"{d}.md" for d in DOC.values())
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert [e["doc_id"] for e in index["briefs"]] == sorted(DOC.values())
    assert all(e["status"] == "ok" for e in index["briefs"])
    assert "哈尔滨市双城区" in (out / "index.md").read_text(encoding="utf-8")
    for doc_id in DOC.values():  # each JSON reads back valid against its source
        brief, state = qb.read_brief_file(out / f"{doc_id}.json", SEED_FILES[doc_id].read_text(encoding="utf-8"))
        assert state["engine"] == "extractive" and state["version"] == qb.BRIEF_VERSION

    second = run_qa(["brief", "--all", "--out", str(out)], home)
    assert second.returncode == 0, second.stderr
    assert "0 written, 5 unchanged, 0 failed" in second.stdout
    after = outputs(out)
    for name, mtime in files.items():
        if not name.startswith("index."):
            assert after[name] == mtime, f"{name} was rewritten"

    # a damaged brief is rebuilt, alone
    target = out / f"{DOC['002']}.json"
    data = json.loads(target.read_text(encoding="utf-8"))
    data["brief"]["indicators"][0]["target_value"] = 999.0  # a value its quote does not print
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    third = run_qa(["brief", "--all", "--out", str(out)], home)
    assert "1 written, 4 unchanged, 0 failed" in third.stdout, third.stdout + third.stderr
    qb.read_brief_file(target, SEED_FILES[DOC["002"]].read_text(encoding="utf-8"))


def test_settings_change_regenerates(ready_store: Any, tmp_path: Path) -> None:
    from qa.store.chroma import Store

    available = Store(ready_store).manifest().docs
    picked, unknown = qb.select_documents(available, [f"{DOC['000']}.txt", DOC["001"], "nope"], False)
    assert [d.id for d in picked] == [DOC["000"], DOC["001"]] and unknown == ["nope"]
    r1 = qb.run_batch(picked, ready_store, tmp_path, formats="json")
    assert r1.written == [DOC["000"], DOC["001"]] and not (tmp_path / f"{DOC['000']}.md").exists()
    r2 = qb.run_batch(picked, ready_store, tmp_path, formats="json")
    assert r2.unchanged == [DOC["000"], DOC["001"]]
    r3 = qb.run_batch(picked, ready_store, tmp_path, formats="json,md")  # another format: rebuilt
    assert r3.written == [DOC["000"], DOC["001"]] and (tmp_path / f"{DOC['000']}.md").exists()


def _doc(settings: Any, doc_id: str) -> Any:
    from qa.store.chroma import Store

    return Store(settings).manifest().docs[doc_id]


def test_citations_name_the_stored_chunk_that_holds_them(ready_store: Any, tmp_path: Path) -> None:
    from qa.store.chroma import Store

    store = Store(ready_store)
    manifest = store.manifest()
    chunks = {c.id: c for c in store.live_chunks(manifest)}
    report = qb.run_batch([manifest.docs[d] for d in sorted(manifest.docs)], ready_store, tmp_path, formats="json")
    assert not report.failed
    for doc_id in sorted(manifest.docs):
        brief, state = qb.read_brief_file(tmp_path / f"{doc_id}.json", SEED_FILES[doc_id].read_text(encoding="utf-8"))
        assert state["chunks"] == manifest.versions[doc_id]
        cites = brief.citations()
        named = [c for c in cites if c.chunk_id is not None]
        assert len(named) >= len(cites) * 2 // 3, f"{doc_id}: only {len(named)} of {len(cites)} citations name a chunk"
        for c in named:  # the named chunk is a live chunk of this plan and holds the quote
            chunk = chunks[c.chunk_id]
            assert chunk.doc_id == doc_id and chunk.start <= c.start and c.end <= chunk.end
            assert chunk.text[c.start - chunk.start : c.end - chunk.start] == c.quote
        for c in cites:  # and a citation without one lies inside no chunk (headings live in section paths)
            if c.chunk_id is None:
                assert not any(k.doc_id == doc_id and k.start <= c.start and c.end <= k.end for k in chunks.values())
        assert all(i.citation.chunk_id for i in brief.indicators if i.source == "table")


def test_chunk_ids_only_for_spans_inside_one_chunk(sources: dict[str, Any]) -> None:
    view = sources["000"]
    view = qb.DocView(view.doc, "v", "x" * 40, [], [], [], [(0, 12, "d@v:0000"), (8, 20, "d@v:0001"),
                                                         (20, 40, "d@v:0002")])
    assert view.cite(9, 11).chunk_id == "d@v:0000"  # the first chunk that holds it
    assert view.cite(10, 14).chunk_id == "d@v:0001"
    assert view.cite(18, 22).chunk_id is None  # 18-22 crosses a boundary
    assert view.cite(21, 40).chunk_id == "d@v:0002"


def test_invalid_brief_is_never_written(ready_store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = qbatch.extractive_brief

    def tampered(view: Any) -> Brief:
        b = real(view)
        ind = b.indicators[0]
        fake = ind.model_construct(**{**ind.__dict__, "target_value": 12345.0})  # bypasses the validator
        return b.model_construct(**{**b.__dict__, "indicators": [fake, *b.indicators[1:]]})

    monkeypatch.setattr(qbatch, "extractive_brief", tampered)
    report = qb.run_batch([_doc(ready_store, DOC["003"])], ready_store, tmp_path)
    assert list(report.failed) == [DOC["003"]] and "does not validate" in report.failed[DOC["003"]]
    assert not (tmp_path / f"{DOC['003']}.json").exists()
    index = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert index["briefs"][0]["status"] == "failed"


@pytest.fixture(scope="module")
def store_with_bad_doc(tmp_path_factory: pytest.TempPathFactory, settings_factory: Any) -> Any:
    """Three plans ingested into their own store; then one plan's stored text is lost (deleted in Chroma)."""
    from qa.ingest import ingest
    from qa.store.chroma import Store

    docs = tmp_path_factory.mktemp("docs")
    for key in ("000", "002", "003"):
        shutil.copy(SEED_FILES[DOC[key]], docs / SEED_FILES[DOC[key]].name)
    settings = settings_factory(tmp_path_factory.mktemp("qa-home-bad"), docs=[docs])
    ingest(settings, [docs])
    store = Store(settings)
    store._op("texts", "delete", where={"doc_id": DOC["002"]})
    return settings


def test_one_bad_document_fails_alone(store_with_bad_doc: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_qa(["brief", "--all", "--out", str(out)], Path(store_with_bad_doc.home))
    assert proc.returncode == 1
    line = one_line_error(proc)
    assert line.startswith(f"qa brief: {DOC['002']}: error:") and "holds no text" in line
    assert (out / f"{DOC['000']}.json").exists() and (out / f"{DOC['003']}.json").exists()
    assert (out / f"{DOC['000']}.md").exists() and (out / f"{DOC['003']}.md").exists()
    assert not (out / f"{DOC['002']}.json").exists()
    index = {e["doc_id"]: e for e in json.loads((out / "index.json").read_text(encoding="utf-8"))["briefs"]}
    assert index[DOC["002"]]["status"] == "failed" and index[DOC["000"]]["status"] == "ok"


def test_cli_usage_errors(ready_store: Any, tmp_path: Path) -> None:
    home = Path(ready_store.home)
    assert run_qa(["brief", "--out", str(tmp_path)], home).returncode == 2
    unknown = run_qa(["brief", "no-such-plan", "--out", str(tmp_path)], home)
    assert unknown.returncode == 1 and "no such document" in one_line_error(unknown)
    named = run_qa(["brief", f"{DOC['004']}.txt", "--out", str(tmp_path), "--format", "md"], home)
    assert named.returncode == 0, named.stderr
    assert (tmp_path / f"{DOC['004']}.md").exists() and not (tmp_path / f"{DOC['004']}.json").exists()
    again = run_qa(["brief", DOC["004"], "--out", str(tmp_path), "--format", "md"], home)
    assert "0 written, 1 unchanged" in again.stdout, again.stdout + again.stderr
    index = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))["briefs"]
    assert [(e["doc_id"], e["md"], e["json"], e["region"]) for e in index] == [
        (DOC["004"], f"{DOC['004']}.md", None, "哈尔滨市双城区")
    ]


def test_llm_engine_without_endpoint_is_one_clear_line(ready_store: Any, tmp_path: Path) -> None:
    proc = run_qa(["brief", "--all", "--engine", "llm", "--out", str(tmp_path)], Path(ready_store.home),
                  OPENAI_BASE_URL="", OPENAI_API_KEY="")
    line = one_line_error(proc)
    assert proc.returncode == 1 and "OPENAI_BASE_URL" in line and "QA_MODEL" in line


# ----------------------------------------------------------------------------- the llm engine (scripted HTTP server)

GDP_000 = "到2010年，全区地区生产总值计划实现46.5亿元，年均增长21.6%"
GOAL_000 = ("到2010年，实现区域新型工业化、农业产业化、经济结构合理化、增长方式集约化，全力推进区域经济发展和社会主义新农村建设，"
            "走以工促农、以城带乡、城乡联动的发展之路，促进全区经济和社会各项事业实现新跨越。")


def scripted_reply(body: dict) -> dict:
    user = body["messages"][-1]["content"]
    if "<candidates>" in user:  # prompts/brief_reduce.md
        return {"summary": ["s0"], "indicators": ["i0", "i1", "i2", "i9"], "industries": [], "projects": ["p0"],
                "strategies": ["t0"]}
    if "46.5" not in user:
        return {}
    return {
        "indicators": [
            {"name": "地区生产总值", "quote": GDP_000, "target_year": 2010, "target_value": 46.5, "growth": 21.6, "unit": "亿元"},
            {"name": "地区生产总值", "quote": GDP_000, "target_value": 99.9, "unit": "亿元"},  # number not in the quote
            {"name": "财政收入", "quote": "到2010年，全区财政收入达到88亿元", "target_value": 88},  # quote not in the plan
        ],
        "industries": [{"name": "轻纺", "quote": "形成以轻纺、纸业、农副产品深加工、天然气加工为支撑的工业经济优势"}],
        "projects": [{"name": "月球基地项目", "quote": "建设月球基地项目"}],
        "strategies": [{"name": "科教兴区战略", "quote": "实施科教兴区战略"}],
        "summary_sentences": [GOAL_000],
    }


@contextmanager
def scripted_llm() -> Iterator[tuple[str, list[dict]]]:
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)))
            received.append(body)
            content = json.dumps(scripted_reply(body), ensure_ascii=False)
            data = completion(content)
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    with local_endpoint(Handler) as url:
        yield url, received


def test_llm_engine_maps_reduces_and_grounds(ready_store: Any, tmp_path: Path) -> None:

    with scripted_llm() as (url, received):
        settings = ready_store.with_(llm_cache=tmp_path / "llm-cache", openai_base_url=url, openai_api_key="sk-test", model="scripted",
                            context_tokens=2000, llm_retries=0)
        report = qb.run_batch([_doc(ready_store, DOC["000"])], settings, tmp_path / "out", engine="llm")
    assert report.written == [DOC["000"]], report.failed
    maps = [r for r in received if "<documents>" in r["messages"][-1]["content"]]
    assert len(maps) >= 2 and len(received) == len(maps) + 1  # several section batches, one reduce
    for r in maps:  # the document text goes in fenced, as data
        assert "<documents>" in r["messages"][-1]["content"] and "<document id=" in r["messages"][-1]["content"]
    brief, state = qb.read_brief_file(tmp_path / "out" / f"{DOC['000']}.json", SEED_FILES[DOC["000"]].read_text(encoding="utf-8"))
    assert brief.engine == "llm:scripted" and state["engine"] == "llm" and state["model"] == "scripted"
    # the model named 地区生产总值 too, but the figures come from the stored statements: one row, not two
    gdp = [i for i in brief.indicators if i.name == "地区生产总值" and i.target_value is not None]
    assert [(i.target_value, i.growth, i.source) for i in gdp] == [(46.5, 21.6, gdp[0].source)]
    assert gdp[0].source != "llm" and not [i for i in brief.indicators if i.source == "llm"]
    assert gdp[0].base_value == 17.5  # baseline attached from the 现实基础 section
    assert [s.name for s in brief.strategies] == ["科教兴区战略"]
    assert brief.projects == []  # the invented project's quote is not in the plan
    assert brief.summary == GOAL_000
    assert qb.verify_citations(brief, SEED_FILES[DOC["000"]].read_text(encoding="utf-8")) == []


def test_llm_summary_pieces_are_sentences_once_each(ready_store: Any) -> None:
    """A small model quotes “2010年” three times as its summary (Gemma 3 270M did): no summary of
    fragments, no crash; the brief falls back to the plan's own cited summary sentences."""
    from qa.brief.llm import MapReply, ReduceReply, llm_brief

    class Fragmentary:
        def structured(self, messages: list, schema: Any, **_: Any) -> Any:
            if schema is MapReply:
                return MapReply(summary_sentences=["2010年", "2010年", "2010年"])
            return ReduceReply(summary=["s0", "s1", "s2"])

    view = offline_view(SEED_FILES[DOC["000"]], doc_id=DOC["000"])
    brief = llm_brief(view, ready_store.with_(model="scripted"), client=Fragmentary())
    assert "2010年2010年" not in brief.summary and len(brief.summary) > 40
    # clauses that state something (森林覆盖率达到16.4% is 12 characters), never the model's “2010年” fragments
    assert all(len(c.quote) >= 10 and c.quote != "2010年" for c in brief.summary_citations)
    assert len({(c.start, c.end) for c in brief.summary_citations}) == len(brief.summary_citations)


# ----------------------------------------------------------------------------- the model fails for some plans

FAULT_SLEEP = 20.0  # seconds the "timeout" plan's endpoint sits on a request (the client waits 4 s)


@contextmanager
def faulty_llm(faults: dict[str, str]) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """A real model endpoint on 127.0.0.1 that fails, each plan its own way, for requests about some plans.

    ``faults`` maps a plan ("000") to 500 | 429 | timeout | broken (a body that is not JSON) |
    junk (a 200 whose text never fits the schema); the others get ``scripted_reply``.
    Yields the URL and (plan or "other", fault or "ok") for every request received.
    """
    by_region = {META[k][0]: (k, mode) for k, mode in faults.items()}
    received: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)))
            convo = "\n".join(str(m.get("content")) for m in body["messages"])  # retries append turns
            plan, mode = next(((k, m) for r, (k, m) in by_region.items() if f"Region: {r}" in convo), ("other", "ok"))
            received.append((plan, mode))
            status, data = 200, b""
            if mode == "500":
                status, data = 500, json.dumps({"error": {"message": "model crashed"}}).encode()
            elif mode == "429":
                status, data = 429, json.dumps({"error": {"message": "slow down"}}).encode()
            elif mode == "broken":
                data = b'{"id": "c", "choices": ['
            elif mode == "junk":
                data = completion("这份规划很好。")
            else:
                if mode == "timeout":
                    time.sleep(FAULT_SLEEP)
                data = completion(json.dumps(scripted_reply(body), ensure_ascii=False))
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                if status == 429:
                    self.send_header("retry-after", "0")
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout) and closed the connection
                pass

        def log_message(self, *args: object) -> None:
            pass

    with local_endpoint(Handler) as url:
        yield url, received


def test_llm_batch_goes_on_when_the_model_fails_for_some_plans(
    ready_store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qa.llm import client as llm_client
    from qa.store.chroma import Store

    monkeypatch.setattr(llm_client, "BACKOFF_BASE", 0.01)
    faults = {"000": "500", "001": "junk", "003": "timeout"}
    docs = [d for _, d in sorted(Store(ready_store).manifest().docs.items())]
    with faulty_llm(faults) as (url, received):
        settings = ready_store.with_(llm_cache=tmp_path / "llm-cache", openai_base_url=url, openai_api_key="sk-test", model="scripted",
                            context_tokens=2000, llm_retries=2, llm_timeout=4.0, llm_validation_retries=1)
        report = qb.run_batch(docs, settings, tmp_path / "out", engine="llm", jobs=2)
    assert sorted(report.written) == [DOC["002"], DOC["004"]], report.failed
    failed = report.failed
    assert sorted(failed) == [DOC["000"], DOC["001"], DOC["003"]]
    assert "HTTP 500" in failed[DOC["000"]] and "after 3 attempts" in failed[DOC["000"]]
    assert "never matched the brief schema" in failed[DOC["001"]]
    assert "timed out" in failed[DOC["003"]] and "QA_LLM_TIMEOUT" in failed[DOC["003"]]
    assert all("\n" not in e and "Traceback" not in e for e in failed.values())
    # retried where it makes sense: 500 three times for the one batch it got to; a timeout once
    assert received.count(("000", "500")) == 3 and received.count(("003", "timeout")) == 1
    # junk is valid HTTP: every section batch was asked and re-asked once with the error, none was usable
    assert received.count(("001", "junk")) >= 4 and received.count(("001", "junk")) % 2 == 0
    for key in ("002", "004"):
        brief, _ = qb.read_brief_file(tmp_path / "out" / f"{DOC[key]}.json",
                                      SEED_FILES[DOC[key]].read_text(encoding="utf-8"))
        assert brief.engine == "llm:scripted" and brief.region == META[key][0]
    index = {e["doc_id"]: e for e in json.loads((tmp_path / "out" / "index.json").read_text(encoding="utf-8"))["briefs"]}
    assert {k: e["status"] for k, e in index.items()} == {
        DOC["000"]: "failed", DOC["001"]: "failed", DOC["002"]: "ok", DOC["003"]: "failed", DOC["004"]: "ok"}
    assert not (tmp_path / "out" / f"{DOC['000']}.json").exists()


def test_llm_brief_cli_reports_the_failing_plan_and_writes_the_rest(ready_store: Any, tmp_path: Path) -> None:
    secret = "sk-test-cli-SECRET-42"
    with faulty_llm({"004": "broken"}) as (url, received):
        proc = run_qa(["brief", "--all", "--engine", "llm", "--out", str(tmp_path / "out")], Path(ready_store.home),
                      OPENAI_BASE_URL=url, OPENAI_API_KEY=secret, QA_MODEL="scripted", QA_LLM_RETRIES="1",
                      QA_CONTEXT_TOKENS="2000")
    assert proc.returncode == 1, proc.stdout + proc.stderr  # exit code = number of failed plans
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    (line,) = [ln for ln in lines if ": error: " in ln]  # one line for the failing plan
    assert all("; retry 1/1 in" in ln for ln in lines if ln != line), proc.stderr  # and the retry it made
    assert line.startswith(f"qa brief: {DOC['004']}: error: ") and "malformed response body" in line
    assert "4 written, 0 unchanged, 1 failed" in proc.stdout
    assert received.count(("004", "broken")) == 2  # the first try and one retry
    assert sorted(p.stem for p in (tmp_path / "out").glob("0*.json")) == sorted(DOC[k] for k in ("000", "001", "002", "003"))
    assert secret not in proc.stdout + proc.stderr
    for p in tmp_path.rglob("*"):
        if p.is_file():
            assert secret.encode() not in p.read_bytes(), p


# ----------------------------------------------------------------------------- compare


def rows_by_doc(rows: list[qb.CompareRow]) -> dict[str, qb.CompareRow]:
    return {r.doc_id[:3]: r for r in rows}


def test_compare_gdp_across_plans(ready_store: Any) -> None:
    rows = rows_by_doc(qb.compare("地区生产总值", ready_store))
    assert sorted(rows) == ["000", "001", "002", "003", "004"]
    expect = {  # (base year, base, target year, target, growth, unit)
        "000": (2005, 17.5, 2010, 46.5, 21.6, "亿元"),
        "001": (2005, 120.88, 2010, 170, 7, "亿元"),
        "002": (2010, 47.6, 2015, 143, 24.6, "亿元"),
        "003": (2005, 200.3, 2010, 320, 10, "亿元"),
        "004": (2020, 0.2, None, None, 5, "%"),  # the table prints the GDP growth rate: 0.2 in 2020, 5 以上
    }
    for key, want in expect.items():
        r = rows[key]
        assert (r.base_year, r.base_value, r.target_year, r.target_value, r.growth, r.unit) == want, key
        assert r.region == META[key][0] and r.plan == META[key][1]
        assert r.quote == r.citation.quote and any(n in Indicator.norm(r.quote) for n in ("地区生产总值", "生产总值"))
    assert rows["003"].qualifier == "以上"
    gdp = [r.model_dump() for r in qb.compare("GDP", ready_store)]
    assert gdp == [r.model_dump() for r in qb.compare("地区生产总值", ready_store)]


def test_compare_refuses_near_misses(ready_store: Any) -> None:
    per_capita = rows_by_doc(qb.compare("人均地区生产总值", ready_store))
    assert {k: r.target_value for k, r in per_capita.items()} == {"000": 1.75, "003": 24300}
    forest = rows_by_doc(qb.compare("森林覆盖率", ready_store))
    assert {k: r.target_value for k, r in forest.items()} == {"000": 16.4, "001": 10, "004": 3}
    green = rows_by_doc(qb.compare("绿化覆盖率", ready_store))  # 城市建成区绿化覆盖率 is that indicator; 森林 is not
    assert {k: r.target_value for k, r in green.items()} == {"003": 38}


def test_compare_cli_formats(ready_store: Any) -> None:
    home = Path(ready_store.home)
    csv_out = run_qa(["compare", "GDP", "--format", "csv"], home)
    assert csv_out.returncode == 0, csv_out.stderr
    lines = csv_out.stdout.strip().splitlines()
    assert lines[0].startswith("region,plan,indicator,base_year,base_value,target_year,target_value,growth")
    assert len(lines) == 6 and any(ln.startswith("二连浩特市,十二五,地区生产总值,2010,47.6,2015,143,24.6") for ln in lines)
    js = run_qa(["compare", "森林覆盖率", "--format", "json"], home)
    assert [r["target_value"] for r in json.loads(js.stdout)] == [16.4, 10, 3]
    table = run_qa(["compare", "森林覆盖率"], home)
    assert table.returncode == 0 and "哈尔滨市双城区" in table.stdout


def test_env_has_shared_embedding_cache() -> None:
    assert os.environ["QA_EMBED_CACHE"].endswith("test-embeddings.sqlite")


# ----------------------------------------------------------------------------- what the 摘要 and the lists pick


@pytest.mark.parametrize(("text", "name"), [
    ("其中轻纺产业达到50亿元，纸业包装产业达到20亿元", "轻纺产业"),
    ("食品产业增加值实现120亿元", "食品产业"),
])
def test_an_industry_given_its_own_figure_is_named(text: str, name: str) -> None:
    from qa.brief.items import _INDUSTRY_TARGET, _NOT_AN_INDUSTRY

    found = [m.group("name") for m in _INDUSTRY_TARGET.finditer(text) if not _NOT_AN_INDUSTRY.search(m.group("name"))]
    assert found[0] == name


@pytest.mark.parametrize("text", ["区域工业增加值实现23亿元", "其中“轻纺、纸业、玉米”三个产业增加值总量达到15亿元",
                                  "全区产业规模达到100亿元", "建立起三大产业支撑工业发展新体系"])
def test_a_total_is_no_industry(text: str) -> None:
    from qa.brief.items import _INDUSTRY_TARGET, _NOT_AN_INDUSTRY

    assert [m.group("name") for m in _INDUSTRY_TARGET.finditer(text) if not _NOT_AN_INDUSTRY.search(m.group("name"))] == []


def test_industries_with_their_own_targets_come_first_once_each(sources: dict[str, Any]) -> None:
    """大同区 sets 轻纺产业 50亿元, 纸业包装产业 20亿元, 玉米深加工产业 20亿元: those lead its list, and the 轻纺 of a
    later enumeration is the same industry, not a second item."""
    from qa.brief.items import industries

    names = [i.name for i in industries(sources["000"])]
    assert names[:3] == ["轻纺产业", "纸业包装产业", "玉米深加工产业"]
    assert "轻纺" not in names and not any(re.search(r"区域|三个|^和|^其中", n) for n in names)


def test_summary_states_an_environment_target_beside_the_economy(sources: dict[str, Any]) -> None:
    """An analyst reads the economy, incomes and the environment first: 大同区's 森林覆盖率 16.4% is in its 摘要
    beside GDP, ahead of retail sales."""
    from qa.brief.summary import summary

    text, cites = summary(sources["000"])
    assert "46.5亿元" in text and "16.4%" in text and "11.5亿元" not in text
    assert len(cites) <= 6 and len(text) <= 450


def test_industries_counted_headed_or_listed_by_kind(sources: dict[str, Any]) -> None:
    """五大支柱产业体系：即石油化工、精细化工… names them; 大力发展建筑业 as a heading is one; an enumeration of
    products (金属加工、机械制造…等装备制造产业) puts its industry first; 教育事业 is no industry."""
    from qa.brief.items import industries

    kl = [i.name for i in industries(sources["001"])]
    assert {"石油化工", "精细化工"} <= set(kl) and "服务" not in kl
    sc = [i.name for i in industries(sources["004"])]
    assert "装备制造产业" in sc and sc.index("装备制造产业") < sc.index("金属加工") if "金属加工" in sc else True
    assert "文化旅游" in sc
    dt = [i.name for i in industries(sources["000"])]
    assert not any(n.endswith("事业") for n in dt)


def test_energy_target_in_the_summary_is_the_period_cut(sources: dict[str, Any]) -> None:
    """A plan that states 万元GDP能耗 as a total cut over the period and as a yearly rate: the 摘要 states the
    period's cut, where the plan ends, beside the other headline levels."""
    from qa.brief.summary import summary

    text, _ = summary(sources["003"])
    assert "25%" in text and "320亿元" in text


def test_the_target_that_measures_the_plans_aim_is_a_headline(sources: dict[str, Any]) -> None:
    """双城 wants to be “高品质食品工业之都”: its 食品工业占GDP比重 target belongs in the 摘要; a figure that only
    shares the region's name with the aim (克拉玛依区农业总产值) does not."""
    from qa.brief.summary import _signature, summary

    text, _ = summary(sources["004"])
    assert "食品工业占GDP比重达15%" in text
    assert _signature("食品工业占GDP比重", "努力建成“高品质食品工业之都，高标准现代文明新区”")
    assert not _signature("克拉玛依区农业总产值", "力争成为克拉玛依市乃至北疆地区的“四大中心”", ("克拉玛依区", "克拉玛依"))
    text, _ = summary(sources["001"])
    assert "农业总产值" not in text
