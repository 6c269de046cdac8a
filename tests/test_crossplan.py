"""Questions across plans on the real seeds: rankings, comparisons, every plan's figure, each cell cited."""

from __future__ import annotations

from typing import Any

import pytest

from qa.answer import answer_question
from qa.answer.crossplan import _summary, is_crossplan
from qa.models import CrossRow, Document
from tests.conftest import DOC


@pytest.fixture(scope="module")
def ask(ready_store: Any):
    from qa.retrieve.retriever import Retriever

    retriever = Retriever(ready_store)
    return lambda q: answer_question(q, ready_store, retriever=retriever)


def test_a_ranking_names_the_winner_and_the_plans_that_do_not_state_it(ask, seed_texts) -> None:
    a = ask("哪个地区的十一五农民人均纯收入目标最高？")
    assert a.table and a.winner == DOC["001"] and (a.value, a.unit) == (8000, "元")
    rows = {r.doc_id: r for r in a.table}
    assert set(rows) == {DOC["000"], DOC["001"], DOC["003"]}  # the 十一五 plans only
    assert rows[DOC["003"]].value is None and "阳泉市" in a.text and "未提及" in a.text
    for r in a.table:
        if r.value is not None:
            c = r.citation
            assert c is not None and seed_texts[c.doc_id][c.start : c.end] == c.quote
    assert a.supported, a.unsupported_numbers


def test_every_plan_in_one_table(ask) -> None:
    a = ask("各规划的森林覆盖率目标分别是多少？")
    rows = {r.doc_id[:3]: r.value for r in a.table}
    assert rows == {"000": 16.4, "001": 10, "002": None, "003": None, "004": 3}
    assert a.winner is None and not a.abstained


def test_levels_and_growth_rates_never_share_a_column(ask) -> None:
    level = ask("各规划的地区生产总值目标分别是多少？")
    growth = ask("各规划的地区生产总值年均增长目标分别是多少？")
    lv = {r.doc_id[:3]: (r.value, r.unit) for r in level.table}
    gr = {r.doc_id[:3]: (r.value, r.unit) for r in growth.table}
    assert lv["004"] == (None, None)  # 双城区 gives only a growth rate: no level to put in a table of levels
    assert gr["004"] == (5, "%") and gr["000"] == (21.6, "%")
    assert all(u in (None, "亿元") for _, u in lv.values()) and all(u in (None, "%") for _, u in gr.values())
    assert {r.role for r in level.table} == {"level"} and {r.role for r in growth.table} == {"growth"}


def test_two_named_plans_are_compared(ask) -> None:
    a = ask("阳泉和大同区十一五期间地区生产总值年均增长目标对比")
    assert {r.doc_id for r in a.table} == {DOC["000"], DOC["003"]}
    assert {r.doc_id[:3]: r.value for r in a.table} == {"000": 21.6, "003": 10}


def test_units_are_scaled_before_ranking() -> None:
    rows = [CrossRow(doc_id="a", region="甲", value=9000, unit="万元", text="9000万元"),
            CrossRow(doc_id="b", region="乙", value=1.2, unit="亿元", text="1.2亿元")]
    text, winner = _summary("哪个地区的投资目标最高？", rows, "投资", "", "target")
    assert winner == "b" and text.startswith("乙")
    mixed = [*rows, CrossRow(doc_id="c", region="丙", value=5, unit="%", text="5%")]
    text, winner = _summary("哪个地区的投资目标最高？", mixed, "投资", "", "target")
    assert winner is None and "无法排序" in text


def test_one_plan_questions_stay_one_plan_questions() -> None:
    docs = {d: Document(id=d, path=f"{d}.txt", title="t", region=r, plan="十一五", sha256=d, chars=1)
            for d, r in (("a", "大庆市大同区"), ("b", "阳泉市"))}
    from qa.answer.scope import plans_in_scope
    from qa.answer.understand import understand

    def cross(q: str) -> bool:
        ask = understand(q, docs)
        return is_crossplan(ask, plans_in_scope(ask, docs))

    assert not cross("大同区一、二、三产业增加值分别是多少？")
    assert cross("阳泉和大同区谁的增速更快？")
    assert cross("哪个地区的森林覆盖率目标最高？")


def test_the_cross_plan_gold_file_holds_to_its_contract(seed_texts) -> None:
    from pathlib import Path

    from qa.eval.crossplan import parse
    from qa.figures.vocab import normalize_unit
    from qa.text.numbers import canonical, numbers_in
    from tests.conftest import ROOT

    items = parse(ROOT / "evals" / "crossplan.jsonl")
    assert len(items) >= 30 and {i["type"] for i in items} == {"ranking", "pairwise", "all"}
    for it in items:
        stated = {}
        for doc, cell in it["values"].items():
            if cell is None:
                continue
            text = seed_texts[Path(doc).stem]
            assert text.count(cell["quote"]) == 1, (it["id"], doc, cell["quote"])
            assert canonical(repr(float(cell["value"]))) in numbers_in(cell["quote"]), (it["id"], doc)
            stated[doc] = cell["value"] * normalize_unit(cell["unit"])[0]
        if it["winner"] and it["direction"]:
            pick = max if it["direction"] == "max" else min
            assert stated[it["winner"]] == pick(stated.values()), it["id"]


def test_english_and_colloquial_rankings_name_a_winner(ask) -> None:
    """which plan … highest, A vs B: whose … higher and 最猛 are rankings, not list questions."""
    a = ask("Which plan sets the highest life-expectancy target?")
    assert a.table and a.winner == DOC["004"] and "crossplan" in a.trace
    a = ask("Which of the five plans started from the smallest GDP in its base year?")
    assert a.winner == DOC["000"] and all(r.kind == "baseline" for r in a.table)
    a = ask("Erenhot vs Yangquan: whose target for average annual growth of industrial value added is higher?")
    assert a.winner == DOC["002"] and {r.doc_id for r in a.table} == {DOC["002"], DOC["003"]}
    assert ask("哪个地方定的GDP年均增速目标最猛？").winner == DOC["002"]


def test_a_goal_for_a_year_before_the_plan_is_not_its_record(ask) -> None:
    """二连浩特's 十二五 plan prints its 2010 unemployment rate as a record: no 2010 控制目标."""
    a = ask("哪个规划对2010年城镇登记失业率定的控制目标最低？")
    rows = {r.doc_id: r for r in a.table}
    assert rows[DOC["002"]].value is None and a.winner == DOC["001"]


def test_a_period_sum_is_not_a_years_level_and_a_yearly_cut_is_not_a_total_one(ask) -> None:
    """大同区's “十五”期间累计完成本级财政收入4.04亿元 is five years' sum, not its 2005 level; 二连浩特's 年均下降5%
    is no answer to 累计下降多少."""
    a = ask("各规划基期（上一规划期末）的财政收入各是多少？")
    assert {r.doc_id: r.value for r in a.table}[DOC["000"]] != 4.04
    b = ask("各规划对单位GDP能耗在规划期内累计下降多少的目标分别是多少？")
    assert {r.doc_id: r.value for r in b.table}[DOC["002"]] is None


def test_a_sector_share_is_read_off_the_plans_three_sector_structure(ask, seed_texts) -> None:
    """大同区 prints its 2010 第三产业 share only inside 三次产业比例 12.9：52.7：34.4: the ranking takes its third part."""
    a = ask("在三个“十一五”规划中，哪一个设定的第三产业增加值占地区生产总值比重目标最高？")
    rows = {r.doc_id[:3]: r for r in a.table}
    assert rows["000"].value == 34.4 and "12.9：52.7：34.4" in rows["000"].citation.quote
    c = rows["000"].citation
    assert seed_texts[c.doc_id][c.start : c.end] == c.quote and a.supported


@pytest.mark.parametrize("question, winner", [
    ("大同区规划基期与双城区规划基期的森林覆盖率相比，哪一方较低？", "004"),  # 较低 ranks from the bottom
    ("二连浩特市“十二五”规划与大同区“十一五”规划相比，哪个规划的农民（农牧民）人均纯收入年均增长目标更高？", "002"),
    ("大同区跟二连浩特比，谁的工业增加值年均增速定得更猛？", "000"),  # 更猛 ranks from the top
    ("Which plan targets more public green space per resident: Erenhot's 12th Five-Year Plan or Yangquan's 11th?", "002"),
    ("高中毛入学率 目标 阳泉 vs 二连浩特", "002"),  # a pair with no comparative word names the higher
    ("大同区与克拉玛依区“十一五”规划所设定的期末森林覆盖率目标，孰高孰低？", "000"),  # 孰高孰低 is no 孰低
    ("二连浩特十二五和双城十四五，哪边打算让投资每年涨得更多？", "002"),  # 哪边…更多 keeps 投资 in the table's words
    ("二连浩特十二五和阳泉十一五比，农民收入每年涨得快的是哪个？", "002"),  # 快的是哪个 ranks
    ("Across the five plans, which one aims for the longest average lifespan for its residents?", "004"),
])
def test_a_pair_compared_names_its_winner(ask, question: str, winner: str) -> None:
    a = ask(question)
    assert a.table and a.winner == DOC[winner], (a.text, a.trace)


def test_the_year_a_plan_starts_from_is_its_base_year(ask) -> None:
    a = ask("规划刚起步那年，五个地方农民人均纯收入各有多少钱？")
    rows = {r.doc_id[:3]: r.value for r in a.table}
    assert rows == {"000": 3100, "001": 5850, "002": 7490, "003": 3748, "004": 18970}, a.text


@pytest.mark.parametrize("question", ["克拉玛依区跟双城比，规划期末人口哪个多？",
                                      "Between Karamay District and Shuangcheng, which plan targets a larger population?"])
def test_a_pair_asked_with_which_is_more_is_a_ranking_of_the_two(ask, question: str) -> None:
    """哪个多 / Between X and Y … larger: the two places named are ranked, the larger named the winner."""
    a = ask(question)
    assert a.table and {r.doc_id for r in a.table} == {"001_cbf60eae7b09ed54", "004_f77e359f427d9ef6"}, a.text
    assert a.winner == "004_f77e359f427d9ef6" and a.value == 70, a.text


def test_an_english_pair_naming_each_plans_own_period_compares_the_two(ask) -> None:
    """Between Erenhot's 12th … and Yangquan's 11th: the sentence's first word is no part of the place, and each
    period belongs to the place it follows (no period_not_held)."""
    a = ask("Between Erenhot's 12th Five-Year Plan and Yangquan's 11th, which sets the higher annual growth target "
            "for fixed-asset investment?")
    assert not a.abstained and a.winner == "002_0a4f00c585880ffc" and a.value == 21, (a.text, a.trace)
    assert {r.doc_id for r in a.table} == {"002_0a4f00c585880ffc", "003_85d57e06d8bfe536"}, a.text


def test_a_ranking_across_units_of_one_measure_converts_and_says_so(ask) -> None:
    """40亿斤 against 20万吨: both are masses, so they are ranked in tonnes (40亿斤 = 200万吨), each shown as printed."""
    a = ask("Which has the larger grain target: Shuangcheng's 14th Five-Year Plan or Yangquan's 11th Five-Year Plan?")
    assert a.winner == "004_f77e359f427d9ef6" and a.unit == "亿斤" and "按吨换算" in a.text, (a.text, a.trace)
    assert "20万吨" in a.text, a.text


def test_a_growth_rate_asked_is_never_an_amount_added_each_year(ask) -> None:
    """克拉玛依区 states 农牧民人均纯收入年均增加450元: no growth rate, so its cell of a rate table is empty."""
    a = ask("各规划农村居民人均纯收入年均增速目标分别是多少？")
    row = next(r for r in a.table if r.doc_id == "001_cbf60eae7b09ed54")
    assert row.value is None and all(r.unit == "%" for r in a.table if r.value is not None), a.text


def test_a_growth_table_compares_rates_even_unnamed(ask) -> None:
    """年均增长目标 (no 增速 said): 克拉玛依区's 年均增加450元 is still no cell beside 年均增长10%."""
    a = ask("各地农民人均纯收入每年增长多少，规划目标各是多少？")
    row = next(r for r in a.table if r.doc_id == "001_cbf60eae7b09ed54")
    assert row.value is None and all(r.unit == "%" for r in a.table if r.value is not None), a.text


def test_a_base_year_sector_share_is_read_off_the_structure_it_reached(ask, seed_texts) -> None:
    """克拉玛依区 prints 三产比例 …调整为2005年0.4：76.3：23.3; 二连浩特 由…1.0：18.2：80.8演进为0.8：35.7：63.5 in one
    sentence: each base-year share is the third part of the structure the plan started from, cited."""
    _cells_are(ask("各规划基期的第三产业增加值占GDP比重分别是多少？"), {"001": 23.3, "002": 63.5}, seed_texts)


def test_the_growth_of_the_plan_before_is_its_five_year_average(ask, seed_texts) -> None:
    """阳泉 prints 地区生产总值完成200.3亿元，…，年均增长速度达到了12.03% (a bare growth rate of the clause's
    subject); 双城's table gives 2020's own rate 0.2%, its prose the 十三五 average 年均增长2.9%."""
    _cells_are(ask("各规划上一个五年规划期间地区生产总值年均增速分别是多少？"), {"003": 12.03, "004": 2.9}, seed_texts)


def _cells_are(a: Any, want: dict[str, float], seed_texts: dict[str, str]) -> None:
    """The table's cells of these plans hold these values, each cited by a quote of its plan that prints it."""
    rows = {r.doc_id[:3]: r for r in a.table}
    assert {k: rows[k].value for k in want} == want, a.text
    for k in want:
        c = rows[k].citation
        assert seed_texts[c.doc_id][c.start : c.end] == c.quote and format(want[k], "g") in c.quote


def test_a_table_cell_is_the_figure_the_full_lookup_decides(ready_store) -> None:
    """The table scores only the statements about the asked indicator (all a decision's best can be); for
    every plan and every labelled cross-plan question the chosen figure is the one the full lookup decides."""
    import json
    from dataclasses import replace
    from pathlib import Path

    from qa.answer.crossplan import _kind
    from qa.answer.decide import decide
    from qa.answer.engine import read
    from qa.answer.lookup import candidates
    from qa.retrieve.retriever import Retriever

    manifest, corpus = Retriever(ready_store).refresh()
    questions = [json.loads(line)["question"] for line in Path("evals/crossplan.jsonl").read_text("utf-8").splitlines()]
    compared = 0
    for q in questions:
        ask, _ = read(q, manifest.docs, ready_store, corpus)
        for d in manifest.docs.values():
            one = replace(ask, role=ask.role or "level", kind_words=_kind(ask, d))
            sts = corpus.of_docs({d.id})
            full, few = (decide(one, d, [c for c in candidates(one, d, sts, about_only=about) if
                                         c.statement.kind in (_kind(ask, d), None)]).best for about in (False, True))
            assert (full and full.statement.id) == (few and few.statement.id), (q, d.id)
            compared += full is not None
    assert compared >= 60


@pytest.mark.parametrize("question, winner, values", [
    # a share that rose by points: the change in 个百分点, not the level
    ("十五期间第三产业占比提高了几个点，大同区和克拉玛依区谁涨得多？", "000", {"000": 3, "001": 2.7}),
    # the year the plan began at is its base year
    ("这几个规划里，规划开头那年农民（农村居民）人均收入哪个地方最低？", "000", {"000": 3100, "001": 5850}),
    # one figure printed for a list (工业、生活污水处理率…均达100%) is each item's; a reuse rate is not it
    ("规划期末城市污水处理率目标，哪个规划定得最高？", "001", {"001": 100, "004": None}),
    ("五份规划中，哪一份对规划期末服务业（第三产业）在经济总量中所占份额设定的目标值最低？", "001", {"001": 30}),
    ("Across the five plans, which one sets the most aggressive average yearly economic growth goal?", "002",
     {"002": 24.6}),
    ("五个规划起步那年的GDP底子，谁家最薄？", "000", {"000": 17.5}),  # 最薄: the smallest
])
def test_other_peoples_wording_ranks_the_plans_figures(ask, question: str, winner: str, values: dict) -> None:
    a = ask(question)
    rows = {r.doc_id: r for r in a.table}
    assert a.winner == DOC[winner], (a.text, a.trace)
    for doc, value in values.items():
        assert rows[DOC[doc]].value == value, (doc, rows[DOC[doc]])


def test_the_years_preceding_each_plan_are_each_plans_record(ask) -> None:
    """over the five years preceding its plan period: each plan's base-year yearly growth (大同区 18.6% for 2005,
    双城区 2.9% for 2020), never its goal for the plan's end."""
    a = ask("Which of the five plans reports the fastest average annual GDP growth over the five years preceding "
            "its plan period?")
    rows = {r.doc_id[:3]: (r.value, r.kind) for r in a.table}
    assert rows == {"000": (18.6, "baseline"), "001": (7.4, "baseline"), "002": (25.8, "baseline"),
                    "003": (12.03, "baseline"), "004": (2.9, "baseline")}, rows
    assert a.winner == DOC["002"]


def test_a_comparison_in_other_words_is_a_table_not_one_plan(ask) -> None:
    """投资每年的增速 names no ontology indicator: each plan's figure is the one its single-plan question would get
    (the clear lead of the question's words), so both plans are compared; before, it fell back to one plan."""
    a = ask("二连浩特和阳泉的规划里，投资每年的增速目标何者更高？")
    assert "crossplan" in a.trace and a.winner == DOC["002"], a
    cells = {r.doc_id: r.value for r in a.table}
    assert cells[DOC["002"]] == pytest.approx(21) and cells[DOC["003"]] == pytest.approx(20)


def test_a_ranking_of_a_sector_share_is_no_ratio_question(ask) -> None:
    a = ask("五个规划里，哪个规划从产业结构看服务业比重目标最高？")
    assert "crossplan" in a.trace and a.winner == DOC["002"] and a.value == pytest.approx(62), a


def test_a_table_asked_in_words_alone_keeps_each_plans_rate(ask) -> None:
    """生活垃圾无害化处理 names no ontology indicator and no role: each plan's 处理率 is its cell (a rate is no
    level to be refused), and 这几个 / 都 / 每家 are the question's glue, not its indicator."""
    a = ask("这几个规划里，生活垃圾无害化处理都要做到多少？每家都说说")
    assert "crossplan" in a.trace, a
    cells = {r.doc_id[:3]: r.value for r in a.table}
    assert cells == {"000": None, "001": 100, "002": 98, "003": 85, "004": 100}, a.text


def test_a_stand_in_indicator_is_named_in_its_cell(ask) -> None:
    a = ask("阳泉 双城 粮食产量目标 哪家更多")
    assert a.winner == DOC["004"] and "43亿斤（粮食综合生产能力）" in a.text, a.text


def test_a_keyword_list_of_every_plans_target_is_a_table(ask) -> None:
    """各规划 … 目标 列表: no question word, a target asked of the plans together: figures, not a description."""
    a = ask("各规划 高中入学 目标 列表")
    cells = {r.doc_id[:3]: r.value for r in a.table}
    assert cells == {"000": 80, "001": None, "002": 92, "003": 85, "004": None}, a.text


def test_city_residents_in_english_are_the_urban_residents_not_a_place(ask) -> None:
    """"wants city residents' … income": city is the names' urban, and a lower-case word is never an unknown place."""
    a = ask("List, for each of the five plans, how fast it wants city residents' per-capita disposable income to grow "
            "each year.")
    cells = {r.doc_id[:3]: r.value for r in a.table}
    assert cells == {"000": 8.1, "001": 5, "002": 12.5, "003": 12, "004": None}, a.text


def test_a_table_in_words_no_name_holds_takes_the_indicator_the_plans_agree_on(ask) -> None:
    """寿命预期 is no name the ontology holds (its words turned round): each plan's own loose reading names
    人均预期寿命, so the table is of that indicator, each cell as its full lookup decides. Noise agrees on nothing:
    人口一年净增长的上限 reads as two plans' GDP, which no word of it names."""
    a = ask("就规划期末居民寿命预期这一指标而言，五份规划中哪一份设定的目标数值最高？")
    assert "crossplan.agreed=人均预期寿命" in a.trace and a.winner == DOC["004"], a.text
    assert {r.doc_id[:3]: r.value for r in a.table} == {"000": 72, "001": 76, "002": None, "003": 73, "004": 82}
    b = ask("大同区 二连浩特 阳泉 高中阶段入学普及程度 目标 最低")
    assert a.table and b.winner == DOC["000"], b.text
    noise = ask("这五个地方规划里，人口一年净增长的上限各定的多少？")
    assert not any(t.startswith("crossplan.agreed") for t in noise.trace), noise.text


def test_tree_cover_asked_is_answered_by_the_forest_cover_plans_state_and_named(ask) -> None:
    a = ask("五个规划 林木覆盖比例 期末目标 各是多少")
    assert {r.doc_id[:3]: r.value for r in a.table} == {"000": 16.4, "001": 10, "002": None, "003": None, "004": 3}
    assert "16.4%（森林覆盖率）" in a.text, a.text


@pytest.mark.parametrize("question", ["这五个地方的规划，开局那年城里人一年人均到手的钱，哪家最少？",
                                      "At the start of their 11th five-year plans, which plan had the lowest urban "
                                      "per-capita disposable income?"])
def test_the_year_a_plan_opens_on_is_its_baseline(ask, question: str) -> None:
    a = ask(question)
    assert "crossplan.kind=baseline" in a.trace and a.winner == DOC["003"] and a.value == 8992, a.text


def test_who_does_a_little_less_ranks_from_the_bottom(ask) -> None:
    """谁家…力度小一点: a comparative said with 一点 ranks, from the bottom; 压能耗 is the cut in energy per unit of GDP."""
    a = ask("二连浩特跟阳泉，谁家规划里每年压能耗的力度小一点？")
    assert a.winner == DOC["002"], a.text
    assert {r.doc_id[:3]: r.value for r in a.table} == {"002": 5, "003": 5.6}


@pytest.mark.parametrize("question, winner", [
    ("大同 克拉玛依 2005年 城镇登记失业率 谁低", "001"),  # 谁低 ranks from the bottom, as 谁高 from the top
    ("Between Karamay District and Yangquan, whose 11th plan sets the deeper cut in energy use per unit of GDP?", "003"),
])
def test_who_is_lower_and_a_deeper_cut_rank_each_their_way(ask, question: str, winner: str) -> None:
    """谁低 asks the lowest (RANK read it as a ranking, LOWEST did not say from which end); a deeper cut is a larger one."""
    a = ask(question)
    assert a.table and a.winner == DOC[winner], (a.text, a.trace)


def test_a_ranking_no_plan_states_abstains_with_its_reason_not_one_plans_loose_figure(ask) -> None:
    """哪一部…最低 over five plans when none states the figure: no single plan's nearest figure can answer a
    ranking, so the answer says so (no_figure) instead of answering one plan's growth rate."""
    a = ask("就无人机植保作业面积的年均增速而言，五部规划中哪一部定得最低？")
    assert a.abstained and a.reason == "no_figure" and "crossplan.none_stated" in a.trace, (a.text, a.trace)


def test_the_last_plans_end_already_reached_is_each_plans_record(ask) -> None:
    """上一规划期末已实现的地区经济总量: the figures each plan records for the year before it, not its goals."""
    a = ask("请分别列示五部规划所载上一规划期末已实现的地区经济总量。")
    rows = {r.doc_id[:3]: r.value for r in a.table}
    assert rows["003"] == 200.3 and rows["001"] == 120.88 and rows["004"] == 239.8, rows


def test_a_cut_said_as_yajiang_is_a_change_over_the_period(ask) -> None:
    """能耗累计压降目标: 压降 is the plans' word for cutting, so each plan's five-year cut is compared (克拉玛依区
    降低20%左右, 阳泉 共降25%), not a share."""
    a = ask("克拉玛依区和阳泉市十一五单位GDP能耗累计压降目标哪个更大？")
    rows = {r.doc_id[:3]: r.value for r in a.table}
    assert "crossplan.role=change" in a.trace and rows.get("001") == 20 and rows.get("003") == 25, (a.text, rows)


def test_each_year_chang_is_growth_and_yichan_is_the_first_sector(ask) -> None:
    """一产每年要长多少: 长 after 每年 is 增长; the first sector's yearly growth (大同区5.5%, 二连浩特9.9%)."""
    a = ask("大同区和二连浩特一产每年要长多少，哪个低？")
    rows = {r.doc_id[:3]: r.value for r in a.table}
    assert rows.get("000") == 5.5 and rows.get("002") == 9.9, (a.text, rows)


def test_when_the_plans_were_drawn_up_asks_each_plans_record(ask) -> None:
    """编规划那会儿 (spoken; its 那会儿 is rewritten away before reading): the year before each plan, its record."""
    a = ask("大同区和阳泉，编规划那会儿农民一年人均纯收入谁低？")
    rows = {r.doc_id[:3]: r.value for r in a.table}
    assert "crossplan.kind=baseline" in a.trace and rows.get("000") == 3100 and rows.get("003") == 3748, (a.text, rows)


def test_a_record_asked_with_no_year_is_each_plans_base_year(ask) -> None:
    """集中供热率 现状: 阳泉's record is 79.2% (2005, the year before its plan), not the 32% of 九五末 (2000) that the
    same sentence moves from."""
    a = ask("二连 vs 阳泉 集中供热率 现状 谁高")
    rows = {r.doc_id[:3]: r.value for r in a.table}
    assert rows.get("003") == 79.2, (a.text, rows)
