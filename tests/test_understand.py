"""Reading questions from domain data, and deciding by named reasons (issue 19), on the real seeds.

Places come from the gazetteer (a real place no plan covers is told apart from a phrase; a parent city is
never answered with its district's plan), short forms are derived by rule, a named year is a hard constraint,
a question asks for a number only when it says so, a single-plan answer is the cross-plan lookup restricted
to one plan, and every abstention names its reason.
"""

from __future__ import annotations

from typing import Any

import pytest

from qa.answer import answer_question
from qa.answer.understand import understand
from qa.models import Document
from qa.text.places import read_places, region_aliases
from tests.conftest import DOC


def _docs() -> dict[str, Document]:
    regions = {"000": "大庆市大同区", "001": "克拉玛依区", "002": "二连浩特市", "003": "阳泉市", "004": "哈尔滨市双城区"}
    plans = {"000": "十一五", "001": "十一五", "002": "十二五", "003": "十一五", "004": "十四五"}
    return {DOC[k]: Document(id=DOC[k], path=f"{DOC[k]}.txt", title="t", region=r, plan=plans[k], sha256=k, chars=1)
            for k, r in regions.items()}


@pytest.mark.parametrize("region, short", [
    ("克拉玛依区", "克区"), ("二连浩特市", "二连"), ("阳泉市", "阳泉"), ("哈尔滨市双城区", "双城"), ("大庆市大同区", "大同"),
])
def test_short_forms_are_derived_by_rule(region: str, short: str) -> None:
    assert short in region_aliases(region)


@pytest.mark.parametrize("question, held, parents, unknown", [
    ("克区十一五期间万元GDP能耗要降多少？", ["001"], [], []),
    ("双城“一核两廊三区多点”格局里的“两廊”是指什么？", ["004"], [], []),
    ("大庆市到2010年地区生产总值要达到多少？", [], ["大庆市"], []),
    ("黑龙江省十四五GDP增长多少？", [], ["黑龙江省"], []),
    ("桃源县2010年GDP目标是多少？", [], [], ["桃源县"]),
    ("大同市2010年GDP目标是多少？", [], [], ["大同市"]),  # 山西's 大同市 is not 大庆市大同区
    ("双城跟吉林省哪个地方共建示范区？", ["004"], [], ["吉林省"]),
    ("珲春 十二五 口岸进出口货运量 目标", [], [], ["珲春"]),  # a county-level city's short name, where a place is said
    ("二连对外合作的目标是多少？", ["002"], [], []),  # 合作 (合作市) inside a phrase is a word
])
def test_places_are_read_against_the_gazetteer(question: str, held: list[str], parents: list[str],
                                               unknown: list[str]) -> None:
    got = read_places(question, _docs())
    assert sorted(d[:3] for d in got.held) == held
    assert [p for p, _ in got.parents] == parents and got.unknown == unknown


@pytest.mark.parametrize("question, kind", [
    ("阳泉十一五GDP目标是啥？", "number"), ("双城区GDP增速", "number"), ("二连浩特人均公共绿地面积要达到几平方米？", "number"),
    ("克区发展畜牧业，牛主要养哪些品种？", "describe"), ("双城区十四五要打造的城市定位是什么？", "describe"),
    ("“两廊”是指什么？", "describe"), ("二连浩特要构建的国际经济合作走廊是怎么连的？", "describe"),
    ("二连浩特十二五末三次产业结构要调整成什么比例？", "ratio"),
    ("阳泉 每千人病床数 2010", "number"), ("二连浩特 铁路年吞吐能力", "number"), ("双城区 发展定位", "describe"),
    ("What water reuse rate does Datong District aim for?", "number"),
    ("Which three tourism brands is Yangquan going to build?", "describe"),
])
def test_a_number_is_asked_only_when_the_question_says_so(question: str, kind: str) -> None:
    assert understand(question, _docs()).answer_type == kind


def test_a_two_digit_year_after_dao_is_a_year_even_before_lai() -> None:
    assert understand("二连到15年来旅游的人能有多少人次？", _docs()).years == [2015]


@pytest.mark.parametrize("question, role", [
    ("双城区十四五GDP每年打算增长多少？", "growth"), ("阳泉十一五万元GDP综合能耗到期末一共要降多少？", "change"),
    ("到2010年阳泉第三产业增加值占GDP的比重要达到多少？", "share"), ("二连浩特十二五期末GDP要达到多少？", "level"),
    ("考虑石油石化发展带来的机械增长，克拉玛依区2010年辖区人口规模预计达到多少？", "level"),
])
def test_the_role_asked_for(question: str, role: str) -> None:
    assert understand(question, _docs()).role == role


@pytest.fixture(scope="module")
def ask(ready_store: Any) -> Any:
    from qa.retrieve.retriever import Retriever

    retriever = Retriever(ready_store)
    return lambda q, **kw: answer_question(q, ready_store, retriever=retriever, **kw)


@pytest.mark.parametrize("question, value", [
    ("阳泉十一五规划里，到2010年GDP要达到多少？", 320), ("二连浩特十二五末地区生产总值要做到多少亿？", 143),
    ("克拉玛依区到2010年生产总值预计能做到多少？", 170), ("克区十一五期间万元GDP能耗要比十五末降多少？", 20),
    ("双城区主要指标表里，2025年国家高新技术企业要达到多少户？", 30),
    ("阳泉 每千人病床数 2010", 4.8),  # a keyword query ending on a quantity asks for it
    ("克拉玛依区05年城里人一年人均可支配收入多少钱？", 10788), ("二连浩特到15年城里人均住房能有多大？", 40),
    ("双城 2025 民营经济 GDP占比", 65), ("克拉玛依区 2010 人口规模", 24),
    ("阳泉研发投入占GDP要提到多少", 1.2),  # a part of GDP asked without 比重 is its share
    ("十一五期间大同区水利建设一共打算投多少钱？", 1.65),  # the 计划投资 under 加强水利基础设施建设
    ("十四五期间双城要新引进多少个亿元以上招商项目？", 60),  # 多少个亿元以上项目 counts projects, not money
    ("2005年阳泉市区空气质量二级以上的天数有多少天？", 225),  # the plan's 二级以上天气
    ("二连口岸2010年一年进出境的人有多少？", 178.4),  # people asked, counted by 人次
    ("阳泉到2010年煤一年还挖多少？", 6000),  # object, time and modal words, then the spoken verb
    ("据大庆市大同区“十一五”规划纲要，截至“十五”期末全区森林覆盖率已达到多少？", 13.9),  # “十五”期末 is 2005
    ("双城十四五粮食产量目标是多少？", 43),  # 粮食综合生产能力 stands for it, named in the note
    ("大同区在水利上准备砸多少钱？", 1.65),  # 在…上 and 砸 are the question's, the heading says 水利
    ("How much coal does Yangquan expect to produce in 2010?", 6000),  # produce: the name's production
    ("阳泉到2010年发电机组总共要装到多少千瓦？", 550),  # 千瓦 asked: power, 装机容量
    ("二连到2015年风力发电能装多大规模？", 100),  # 风电装机容量, an indicator of its own (not 电力装机容量)
    ("阳泉 2010 每千人 医院床位", 4.8),  # a keyword query naming beds per thousand people
    ("大庆大同区到2010年树林子能把多大比例的地盖上啊？", 16.4),  # trees covering the land
])
def test_plain_questions_are_answered(ask: Any, question: str, value: float) -> None:
    a = ask(question)
    assert not a.abstained and a.value == value, (a.text, a.note, a.trace)


@pytest.mark.parametrize("question, reason, named", [
    ("大同区2007年农民人均纯收入要达到多少？", "other_year", "2007"),
    ("大庆市到2010年地区生产总值要达到多少？", "place_parent", "大庆市"),
    ("桃源县2010年地区生产总值目标是多少？", "place_not_held", "桃源县"),
    ("阳泉市十四五期间地区生产总值年均增长目标是多少？", "period_not_held", "十四五"),
    ("克拉玛依区高中阶段毛入学率要达到多少？", "no_figure", "高中阶段毛入学率"),
    ("双城区2025年地区生产总值要达到多少亿元？", "other_year", "增速"),  # 2020's level, and 2025 only as growth
    ("二连浩特十二五期间社会消费品零售总额占GDP比重是多少？", "other_role", "比重"),
])
def test_every_abstention_names_a_reason_the_user_can_check(ask: Any, question: str, reason: str, named: str) -> None:
    a = ask(question)
    assert a.abstained and a.reason == reason, (a.reason, a.note, a.value)
    assert named in (a.note or ""), a.note


def test_a_named_year_is_a_hard_constraint_and_the_nearest_figure_is_shown(ask: Any) -> None:
    a = ask("大同区2007年农民人均纯收入要达到多少？")
    assert a.abstained and a.related and all(r.year != 2007 for r in a.related)
    assert any(r.text == "5000元" and r.why.startswith("不是答案") for r in a.related)


def test_one_plan_and_many_never_disagree(ask: Any) -> None:
    """Each cell of an all-plans table is what the single-plan question answers for that plan."""
    table = ask("各规划的地区生产总值年均增长目标分别是多少？")
    assert len([r for r in table.table if r.value is not None]) >= 4
    for row in table.table:
        single = ask("地区生产总值年均增长目标是多少？", doc=row.doc_id)
        assert (single.value if not single.abstained else None) == row.value, (row.region, single.text, row.text)


@pytest.mark.parametrize("question", ["哈尔滨市十四五期间地区生产总值年均增长多少？", "黑龙江省2010年地区生产总值目标是多少？",
                                      "山西省十一五时期地区生产总值年均增长目标是多少？"])
def test_a_parent_city_or_province_is_never_answered_from_a_district_plan(ask: Any, question: str) -> None:
    a = ask(question)
    assert a.abstained and a.reason == "place_parent" and not a.citations, (a.text, a.note)


def test_a_ranking_for_a_year_counts_only_figures_for_that_year(ask: Any) -> None:
    """Once: 阳泉's 2010 figure crowned as the highest 2025 target, a baseline ranked as a target, a raw table row
    as the answer text."""
    a = ask("哪个地区2025年地区生产总值目标最高？")
    assert a.winner != DOC["003"] and "320" not in a.text, a.text
    assert all(r.year in (None, 2025) for r in a.table if r.value is not None), a.table
    assert "\t" not in a.text
    growth = ask("哪个地区规划期末的地区生产总值年均增长目标最高？")
    assert all(r.kind == "target" for r in growth.table) and "\t" not in growth.text


def test_a_place_not_held_never_gets_another_plans_figure(tmp_path: Any, settings_factory: Any) -> None:
    """阳泉… asked of a store holding only 大同区 once got 大同区's 21.6%."""
    from qa.ingest import ingest
    from tests.conftest import SEED_FILES

    settings = settings_factory(tmp_path / "home")
    ingest(settings, [SEED_FILES[DOC["000"]]])
    a = answer_question("阳泉十一五期间地区生产总值年均增长目标是多少？", settings)
    assert a.abstained and a.reason == "place_not_held" and "阳泉" in a.note and a.value is None, (a.text, a.note)


@pytest.mark.parametrize("question, value, glossed", [
    ("What corn planting area does Shuangcheng District plan to keep by 2025?", 280, "corn"),
    ("What annual railway throughput capacity does Erenhot aim to reach by 2015?", 3000, "railway"),
    ("By 2010, what water reuse rate does Datong District aim for in its major industries?", 80, "reuse"),
    ("How much road area per resident does Karamay District want to reach by 2010?", 20, "road"),
])
def test_english_words_no_ontology_name_has_are_read_through_the_dictionary(ask: Any, question: str, value: float,
                                                                            glossed: str) -> None:
    """CC-CEDICT read backwards, kept to the words the library prints, each phrase by any of its translations."""
    a = ask(question)
    assert not a.abstained and a.value == value, (a.text, a.note, a.trace)
    assert any(t.startswith("q.glossary=") and glossed in t for t in a.trace), a.trace


def test_a_base_the_english_question_compares_with_is_not_the_year_asked(ask: Any) -> None:
    a = ask("By how much does Karamay District plan to cut energy consumption per 10,000 yuan of GDP compared with "
            "the end of the 10th FYP?")
    assert not a.abstained and a.value == 20, (a.text, a.note, a.trace)


def test_a_descriptive_english_question_is_read_by_its_own_words(ask: Any) -> None:
    a = ask("Which three tourism brands is Yangquan going to build during the 11th FYP?")
    assert not any(t.startswith("q.glossary=") for t in a.trace), a.trace


def test_a_sector_share_printed_only_in_the_three_sector_structure_answers_one_plan_too(ask: Any,
                                                                                      seed_texts: Any) -> None:
    """大同区 prints its 2010 第三产业 share only as 12.9：52.7：34.4: the single-plan answer reads it as the
    cross-plan table does (one path), cited; a year the structure is not for is never answered with it. Its 2005
    share is printed in prose too (2005年增加值占GDP比重仅为28%), the same figure as its structure's third part."""
    a = ask("2010年大同区第三产业增加值占GDP的比重目标是多少？")
    assert not a.abstained and a.value == 34.4 and a.unit == "%", (a.text, a.note)
    c = a.citations[0]
    assert seed_texts[c.doc_id][c.start : c.end] == c.quote and "12.9" in c.quote and a.supported
    assert "decide.answer=structure" in a.trace
    b = ask("2005年大同区三产占GDP的比重是多少？")
    assert not b.abstained and b.value == 28, (b.text, b.note)
    assert ask("2007年大同区第三产业增加值占GDP的比重是多少？").abstained


def test_a_county_inside_a_held_city_is_not_answered_with_the_citys_figure(ask: Any) -> None:
    """平定县 lies in 阳泉市: the city plan's GDP target is not the county's; a descriptive question about a
    county of the city is still answered from the city's plan."""
    a = ask("平定县十一五期末地区生产总值目标是多少亿元？")
    assert a.abstained and a.reason == "place_within" and "平定县" in (a.note or ""), (a.text, a.reason, a.note)
    assert ask("盂县 2010 GDP 目标").reason == "place_within"  # a two-character county inside a held city is a place
    b = ask("阳泉十一五期间要把盂县培植成什么？")
    assert not b.abstained and "旅游大县" in b.text


@pytest.mark.parametrize("question, value", [
    ("大同区农民2005年那会儿人均纯收入是多少？", 3100),  # time glue inside the name
    ("阳泉到2010年每一千个人拥有几个医生？", 4),  # 每一千个人 is 每千人; 几个 counts people (4人)
    ("双城到2025年奶牛能养到多少头？", 8),  # a modal before the verb is glue
    ("二连浩特到2015年风电装机能弄到多大？", 100),
    ("大同区到2010年一年能成交多少粮食？", 150),  # 成交 is the plan’s 交易 (年粮食交易量达150万吨)
    ("阳泉到2010年每年要出多少煤？", 6000),  # 出多少煤 is 出煤, the spoken name of coal output
    ("阳泉乡下的人2005年一个人一年能落下多少钱？", 3748),  # what is left over is the net income
    ("双城城里的人2020年一个人一年手里能支配的钱有多少？", 28005),  # 城乡…分别达到28005元和18970元
    ("克拉玛依区那边风沙大，这几年封沙育林准备搞多大？", 45),  # 这几年 asks nothing: the clause after it names it
    ("二连浩特规划里说风电装机最终想达到多少？", 100),  # 规划里说, 最终想: glue
    ("How many hogs in stock does Karamay District plan for 2010?", 46000),  # in stock is 存栏
])
def test_spoken_glue_inside_a_name_is_not_the_indicator(ask: Any, question: str, value: float) -> None:
    a = ask(question)
    assert not a.abstained and a.value == value, (a.text, a.note, a.trace)


def test_the_english_a_question_asks_with_is_no_part_of_its_words() -> None:
    """does, total, by …: blanked from an English question's core, so a reason names what was asked."""
    ask = understand("What total length of drainage network does Shuangcheng District target by 2025?", _docs())
    assert ask.english and "does" not in ask.core and "total" not in ask.core and "network" in ask.core, ask.core
    gas = understand("What total length of gas pipeline network does Shuangcheng District target by 2025?", _docs())
    assert [i.name for i in gas.indicators] == ["燃气管网长度"] and "does" not in gas.core, gas.core


def test_a_keyword_query_asks_a_number_when_one_of_its_terms_is_a_quantity() -> None:
    assert understand("双城 污水处理厂 处理能力 提标改造", _docs()).answer_type == "number"
    assert understand("双城 发展定位 十四五", _docs()).answer_type == "describe"


@pytest.mark.parametrize("question, value", [
    ("我家在小拐乡，区里规划到2010年全区生猪存栏要到多少头？", 46000),  # 小拐乡: only 克拉玛依区's plan prints it
    ("小拐乡 滴灌 节水面积 2010", 12000),
])
def test_a_township_only_one_plan_prints_scopes_the_question_to_it(ask: Any, question: str, value: float) -> None:
    a = ask(question)
    assert not a.table and a.value == value, (a.text, a.trace)
    assert "q.township=小拐乡" in a.trace


def test_remarks_before_the_question_are_scene_not_the_indicator(ask: Any) -> None:
    """俺家养了十几头 (十几 asks nothing) …，这五年打算整到多少头奶牛: the clause that asks names the thing."""
    a = ask("俺家在大同区养了十几头牛，听说区里要把养牛这块做大，这五年打算整到多少头奶牛？")
    assert not a.abstained and a.value == 2.3 and a.unit == "万头", (a.text, a.note, a.trace)


@pytest.mark.parametrize("question, value", [
    ("双城区到2025年食品工业占地区生产总值的比重要达到多少？", 15),  # printed as such: not the 工业增加值 row (18)
    ("双城区2025年工业增加值占GDP比重目标", 18),  # the broader one asked is still itself
    ("到2025年双城食品工业占GDP的比重要达到多少？", 15),  # read by words: the share's subject is the narrower phrase
    ("工业占GDP的比重双城2025年要到多少", 18),  # 工业占 inside 食品工业占 is no narrower phrase: it must head the name
    ("大同区“十一五”末轻纺、纸业、玉米三个产业增加值占工业经济总量的比重目标是多少？", 60),  # 增加值占农业增加值: another whole
    ("大同区在对外贸易方面到2010年实现的进出口额是多少？", 3000),  # 实现 is glue, not a narrower name
    ("大同区十一五水利基础设施建设投资总额多少亿？", 1.65),  # a loose name (投资总额) narrowed by 水利基础设施建设
    ("How much will Datong District invest in water conservancy during the 11th Five-Year Plan?", 1.65),
    ("大同区 太阳升粮食加工贸易区 2010 年粮食交易量", 150),  # a keyword year parts place and indicator
    ("What is Erenhot's 2015 target for wind power installed capacity?", 100),  # "target for" asks a figure
    ("二连浩特 十二五 风电装机 目标", 100),  # a keyword query ending on 装机 … 目标
    ("克拉玛依区到2010年人均道路面积能到几个平方？", 20),  # 几个平方 asks square metres, not a count
    ("How many hectares of sand-fixing forest will Datong District build by 2010?", 1900),
    ("阳泉十一五到2010年发电装机能搞到多少万千瓦？", 550),  # 发电装机: how people say the plan's 电力装机容量
    ("What was Shuangcheng District's total output of meat, eggs and milk at the end of the 13th Five-Year Plan period?",
     43.3),  # 肉蛋奶总产量 in English
    ("What centralized heating rate does Karamay District target for its urban built-up area by 2010?", 95),
    ("What total length of graded highways does Erenhot target by the end of the 12th Five-Year Plan?", 327),
    ("What power supply reliability rate does Shuangcheng District target for 2025?", 99.77),
    ("双城区“十四五”新一轮农村电网改造后农村电网供电可靠率要达到多少？", 99.9),  # the narrower rural one
])
def test_narrower_names_keywords_and_spoken_units_are_read(ask: Any, question: str, value: float) -> None:
    a = ask(question)
    assert not a.abstained and a.value == value, (a.text, a.note, a.trace)


def test_the_narrower_phrase_that_decided_is_in_the_trace(ask: Any) -> None:
    a = ask("双城区2025年食品工业占GDP比重是多少？")  # read as the ontology's 工业…占GDP比重, narrowed by 食品
    assert a.value == 15 and "rank.specific=+0.10" in a.trace, (a.text, a.trace)
    assert any(r.text.startswith("18") for r in a.related) or not a.related  # the broader row is at most related


def test_a_year_inside_the_plan_period_is_not_answered_with_an_undated_figure(ask: Any) -> None:
    """2012 of a 2011–2015 plan: 旅游业总收入达45亿元 (no year: the plan's end) is not the 2012 figure."""
    a = ask("二连浩特2012年旅游业总收入要达到多少？")
    assert a.abstained and a.reason == "other_year", (a.text, a.reason, a.trace)
    b = ask("二连浩特十二五末旅游业总收入要达到多少？")
    assert not b.abstained and b.value == 45, (b.text, b.trace)


def test_the_words_before_a_name_are_read_as_narrower_only_without_glue() -> None:
    docs = _docs()
    assert understand("双城区2025年食品工业占GDP比重是多少", docs).specific[-1] == "食品工业"
    assert understand("阳泉2010年地区生产总值是多少", docs).specific == ()
    assert understand("大同区力争到2010年实现的进出口额是多少", docs).specific == ()
    words = understand("到2025年双城食品工业占GDP的比重要达到多少", docs)  # 的比重: no ontology name, read by words
    assert not words.indicators and words.specific[0] == "食品工业占gdp", words.specific
    assert understand("工业占GDP的比重双城2025年要到多少", docs).specific == ("工业占gdp",)
    loose = understand("大同区水利基础设施建设计划投资总额是多少", docs)
    assert not loose.indicators and "q.loose_name_narrowed" in loose.trace


@pytest.mark.parametrize("question, indicator", [
    ("大同区到2010年，树林要盖住全区多大比例的土地？", "森林覆盖率"),
    ("林子能把全区盖住百分之多少", "森林覆盖率"),
    ("阳泉市“十一五”规划期末，居民平均预期可活岁数的目标值为多少？", "人均预期寿命"),
    ("克拉玛依区到2010年辖区里大概会住多少人？", "总人口"),
    ("双城这五年城里能新添多少人上班？", "城镇新增就业人数"),
    ("二连到2015年跟外国做买卖一年能做到多少美元？", "进出口总额"),
    ("阳泉到2010年平均每个人摊的GDP能到多少？", "人均地区生产总值"),
])
def test_an_indicator_said_in_everyday_words_is_read_as_the_indicator(question: str, indicator: str) -> None:
    from qa.figures.vocab import SPOKEN_NAMES

    ask = understand(question, _docs())
    assert [i.name for i in ask.indicators][:1] == [indicator], (ask.text, ask.trace)
    assert ask.answer_type == "number"
    fired = [r.name for r, _ in SPOKEN_NAMES if r.search(question)]
    assert all(name in ask.trace for name in fired)  # the rule that read it is in the trace


@pytest.mark.parametrize("question, role", [
    ("十五期间大同区第三产业占比提高了几个点？", "change"),  # a share's rise in points
    ("大同区第三产业增加值年均增长百分之几？", "growth"),  # a sector's growth stays growth
])
def test_a_share_that_rose_by_points_asks_a_change(question: str, role: str) -> None:
    assert understand(question, _docs()).role == role


def test_the_year_the_plan_began_at_is_its_base() -> None:
    assert understand("这几个规划里，规划开头那年农民人均收入哪个地方最低？", _docs()).base_period



@pytest.mark.parametrize("question, value, unit", [
    ("大同区到2010年，树林要盖住全区多大比例的土地？", 16.4, "%"),  # not the 70% of farmland a words match found
    ("阳泉到2010年平均每个人摊的GDP能到多少？", 24300, "元"),  # per head: not the 320亿元 of the whole economy
    ("How big does Yangquan want its economy to be in 2010?", 320, "亿元"),  # not a count of 30 projects
    ("二连到2015年跟外国做买卖一年能做到多少美元？", 80, "亿美元"),
    ("十五期间大同区第三产业占比提高了几个点？", 3, "个百分点"),  # the change in points, not the 28% level
    ("克拉玛依区2010年污水处理率目标？", 100, "%"),  # 工业、生活污水处理率、垃圾…处理率均达100%: each item's
    ("双城区污水处理厂再生水利用率目标？", 20, "%"),
    ("二连浩特 2015 人才总量 比2010年增长", 49.6, "%"),  # since 2010: the period's change (年增 of 2010年增长 is no 年均)
    # 平均 inside the indicator's name asks no yearly rate; the year goes after 2025, not after PM2.5's 2
    ("By how much does Shuangcheng aim to reduce fine particulate (PM2.5) concentration by 2025 relative to 2020?", 10, "%"),
])
def test_everyday_and_english_wording_gets_the_plans_figure(ask: Any, question: str, value: float, unit: str) -> None:
    a = ask(question)
    assert not a.abstained and (a.value, a.unit) == (value, unit), (a.text, a.trace)


def test_a_reuse_rate_is_no_sewage_treatment_rate(ask: Any) -> None:
    a = ask("双城区规划期末城市污水处理率目标是多少？")  # the plan states only 再生水利用率 (20%以上)
    assert a.abstained and a.value is None, (a.text, a.trace)


@pytest.mark.parametrize("question, unit", [
    ("How many days with good air did Yangquan have in 2005?", "天"),
    ("How many tonnes of grain will Shuangcheng produce by 2025?", "万吨"),
    ("How many US dollars of trade did Erenhot's port handle in 2010?", "美元"),
    ("How many mu of corn does Shuangcheng plan to plant?", "亩"),
    ("By how much should energy use per 10,000 yuan of GDP fall?", None),  # yuan names the measure, not the answer
])
def test_english_unit_words_say_the_unit_asked(question: str, unit: str | None) -> None:
    """The glossary renders words, not "how many days": the unit asked is read from the English question itself."""
    assert understand(question, _docs()).unit_hint == unit


@pytest.mark.parametrize("question", [
    "双城十四五期间食品工业在地区生产总值中所占的比重要达到多少？",
    "克拉玛依区十一五期间文化投入要占区财政支出的几成？",
])
def test_a_share_in_a_whole_is_read_as_a_share_of_it(question: str) -> None:
    """X在Y中所占比重 and 占Y的几成 ask X's share of Y: Y is the whole, not the indicator asked."""
    a = understand(question, _docs())
    assert a.role == "share" and a.denominators, a


def test_a_goal_set_for_a_measured_quantity_asks_a_number() -> None:
    a = understand("大同区十一五规划对高中阶段入学覆盖水平提出了什么目标？", _docs())
    assert a.answer_type == "number"
    d = understand("大同区十一五规划对产业发展提出了什么目标？", _docs())
    assert d.answer_type == "describe"


def test_english_how_many_asks_a_count_of_things() -> None:
    """How many villages is a count: a 100% or an area counts nothing (a ratio had answered it)."""
    assert understand("How many civilized ecological villages will Yangquan build?", _docs()).counts
    assert not understand("How many tonnes of grain will Shuangcheng produce?", _docs()).counts
    assert not understand("双城要建多少个村？", _docs()).counts  # Chinese says its classifier itself


def test_an_indicator_standing_in_for_the_asked_one_is_named(ask: Any) -> None:
    a = ask("双城十四五粮食产量目标是多少？")
    assert a.value == 43 and "粮食综合生产能力" in (a.note or ""), (a.note, a.trace)
    assert "decide.answer=stands_for" in a.trace


@pytest.mark.parametrize("question, indicator", [
    ("大同区那几个工业园，到2010年工业一年能搞出多少增加值？", "工业增加值"),  # a name split by its question
    ("克拉玛依区“十一五”期间，单位经济产出所消耗的能源计划比“十五”末下降多少？", "单位GDP能耗"),
    ("How many hospital beds per 1,000 residents is Yangquan targeting by 2010?", "每千人口医疗卫生机构床位数"),
    ("By how much is Shuangcheng's PM2.5 to fall by 2025?", "细颗粒物（PM2.5）平均浓度"),  # PM2.5, not PM2.五个
    ("克拉玛依区到2010年，圈里存着的猪能养到多少头？", "生猪存栏"),
    ("二连浩特市2010年口岸对外贸易规模（以美元计）实际完成多少？", "进出口总额"),
    ("二连浩特市“十二五”期末铁路口岸的年通过能力规划达到多少？", "货物吞吐能力"),
    ("How many residents is Karamay District expected to have by 2010?", "总人口"),
    ("克区 2010 农业总产出 目标 不含大农业", "农业总产值"),
    ("克拉玛依区 阳泉 城市集中供暖普及 目标 哪个高", "集中供热率"),
])
def test_other_peoples_words_name_the_indicator(question: str, indicator: str) -> None:
    ask = understand(question, _docs())
    assert [i.name for i in ask.indicators][:1] == [indicator], (ask.text, ask.trace)
    assert ask.unit_hint != "个", ask.unit_hint  # 那几个工业园 counts no unit


def test_an_english_county_level_city_spelled_exactly_is_a_place_and_a_loose_spelling_is_not() -> None:
    """Manzhouli is 满洲里市 (no plan covers it); Going, a loose spelling of 高平, is an English word."""
    from qa.text.places import english_places

    text, unknown, named = english_places("What is Manzhouli's port freight volume target in its 12th Five-Year Plan?",
                                          _docs())
    assert "满洲里市" in text and named == {"满洲里市": "Manzhouli"}, (text, named)
    text, _, named = english_places("Going by the base-year figures, where was urban income highest?", _docs())
    assert named == {} and text.startswith("Going"), (text, named)


def test_a_word_opening_an_english_comparison_is_no_part_of_the_place_after_it() -> None:
    """Among Datong District (Daqing), …: Among opens the question; the place is Datong District."""
    from qa.text.places import english_places

    text, unknown, _ = english_places("Among Datong District (Daqing), Erenhot and Yangquan, which plan aims higher?",
                                      _docs())
    assert unknown == [] and "大同区" in text, (text, unknown)


def test_english_growth_compared_with_a_year_is_the_change_since_then() -> None:
    """By what percentage should the talent pool grow by 2015 compared with 2010: the change over the period, not
    a share (percentage) and not a yearly rate."""
    from qa.answer.engine import read

    ask, _ = read("By what percentage should Erenhot's total talent pool grow by 2015 compared with 2010?", _docs())
    assert (ask.role, ask.yearly) == ("growth", False), (ask.role, ask.yearly, ask.trace)


def test_the_natural_growth_said_as_a_speed_is_the_rate_and_no_growth() -> None:
    """人口自然增速要压在多少以内: the natural growth rate, a level (6‰), not the growth of something."""
    ask = understand("各地规划里出生减去死亡那个人口自然增速要压在多少以内？", _docs())
    assert [i.name for i in ask.indicators] == ["人口自然增长率"] and ask.role != "growth", (ask.indicators, ask.role)


def test_urban_residents_named_anywhere_narrow_the_residents_figure_but_a_district_name_does_not() -> None:
    """…disposable income target … for its urban residents: the urban residents' income; 双城区's 城区 is a place."""
    from qa.answer.engine import read

    ask, _ = read("What per-capita disposable income target does Datong District (Daqing) set for its urban residents?",
                  _docs())
    assert [i.name for i in ask.indicators] == ["城镇居民人均可支配收入"], ask.trace
    ask = understand("哈尔滨市双城区居民人均可支配收入目标", _docs())
    assert [i.name for i in ask.indicators] == ["居民人均可支配收入"], ask.trace
