"""The indicator ontology (qa/figures/ontology.json) holds to its promises: complete entries, no name claimed
twice, every row label of every seed's indicator table resolved, near-misses kept apart, English names
and people's names leading to their indicator."""

from __future__ import annotations

import re

import pytest

from qa.figures.ontology import norm, ontology, statement_indicator
from tests.conftest import SEED_FILES

UNIT_FAMILIES = {"money", "usd", "pct", "pp", "permille", "people", "count", "ha", "mu", "t", "jin", "kwh", "kw", "km",
                 "km2", "m2", "m3", "visits", "years", "days", "beds", "other"}


def test_every_entry_is_complete_and_no_name_is_claimed_twice() -> None:
    o = ontology()
    assert len(o.indicators) >= 150
    assert len({i.id for i in o.indicators}) == len(o.indicators)
    assert len({i.name for i in o.indicators}) == len(o.indicators)
    owner: dict[str, str] = {}
    english = [e for ind in o.indicators for e in ind.english]
    assert len(english) == len(set(english)), "an English name is claimed twice"
    for ind in o.indicators:
        assert ind.english, f"{ind.id} has no English name"
        assert ind.unit_family in UNIT_FAMILIES, (ind.id, ind.unit_family)
        assert ind.broader is None or ind.broader in o.by_id, (ind.id, ind.broader)
        for name in ind.names:
            key = norm(name)
            assert owner.setdefault(key, ind.id) == ind.id, f"{name!r} claimed by {owner[key]} and {ind.id}"
        assert not set(map(norm, ind.names)) & set(map(norm, ind.not_)), f"{ind.id} names a near-miss of itself"


def _table_labels(text: str) -> list[str]:
    """The row names of the TAB-separated indicator tables of a plan: '1. 地区生产总值增长率 (%)' → 地区生产总值增长率."""
    out = []
    for line in text.splitlines():
        if line.count("\t") < 3:
            continue
        for cell in line.split("\t"):
            m = re.match(r"^\s*\d+[.、．]\s*(.+?)\s*(?:[（(][^（）()]*[)）])?\s*$", cell)
            if m and re.search(r"[\u4e00-\u9fff]", m.group(1)):
                out.append(re.sub(r"\s+", "", m.group(1)))
    return out


def test_every_indicator_table_label_of_the_seeds_resolves() -> None:
    labels = [(stem, label) for stem, path in SEED_FILES.items() for label in _table_labels(path.read_text("utf-8"))]
    assert len(labels) >= 20  # seed 004's 主要指标表
    missing = [(stem, label) for stem, label in labels if statement_indicator(label, label, None) is None]
    assert not missing, missing


@pytest.mark.parametrize("text, want", [
    ("人均地区生产总值", "人均地区生产总值"), ("规模以上工业增加值", "规模以上工业增加值"),
    ("第三产业增加值占GDP比重", "第三产业增加值占地区生产总值比重"), ("工业增加值", "工业增加值"),
    ("全社会固定资产投资", "固定资产投资"), ("城镇常住居民人均可支配收入", "城镇居民人均可支配收入"),
    ("单位GDP二氧化碳排放降低", "单位GDP二氧化碳排放"),
])
def test_the_longest_name_wins(text: str, want: str) -> None:
    found = ontology().find(text)
    assert found and found[0][2].name == want, found


@pytest.mark.parametrize("spoken, want", [
    ("人均GDP", "人均地区生产总值"), ("农民收入", "农村居民人均纯收入"), ("失业率", "城镇登记失业率"),
    ("绿化率", "绿化覆盖率"), ("社零", "社会消费品零售总额"), ("固投", "固定资产投资"), ("三产比重", "第三产业增加值占地区生产总值比重"),
])
def test_names_people_ask_by_lead_to_the_indicator(spoken: str, want: str) -> None:
    assert ontology().exact(spoken).name == want


def test_every_english_name_reads_back_to_its_indicator() -> None:
    from qa.figures.indicators import english_to_chinese

    for name, ind in ontology().english():
        got = english_to_chinese(f"what is the {name} of the plan")
        found = {i.name for _, _, i in ontology().find(got)}
        assert ind.name in found, (name, got)


def test_a_part_may_stand_in_for_the_whole_never_the_other_way() -> None:
    o = ontology()
    assert o.by_id["general_budget_revenue"].broader == "fiscal_revenue"
    assert o.by_id["industrial_value_added_above_scale"].broader == "industrial_value_added"
    assert all(o.by_id[i.broader].broader != i.id for i in o.indicators if i.broader)




@pytest.mark.parametrize("question, want, never", [
    # a name's words in either number, the closest-standing words winning (not export … value)
    ("What was the value of Erenhot's import and export trade in 2010?", "进出口总额", "(?<!进)出口总额"),
    ("How many domestic and foreign tourists does Erenhot expect per year?", "旅游接待人数", "年均增长"),
    ("By how much should GDP grow annually in Shuangcheng?", "年均增长", "每年"),
    ("What annual GDP growth does Yangquan target?", "年均", "每年"),
    ("Which three tourism brands does Yangquan plan to build?", "三个 旅游 品牌", "three|brand"),
    ("What are the four strategies in Karamay District's 11th five-year plan?", "四个 战略", "strateg"),
    # a verb's form meets the name's (crossed: border crossings; greening: green coverage), a compound does not
    ("How many people crossed the border through Erenhot in 2010?", "出入境人数", "cross"),
    ("Which reported the higher urban greening coverage rate in its base year?", "绿化覆盖率", "城镇化率|greening"),
    ("How much cross-border trade (imports plus exports combined) did Datong plan?", "进出口总额", "出入境"),
    # the name's words nearest each other (the second per, not the one of per year)
    ("By how much per year does Yangquan plan to cut energy consumption per unit of GDP?", "单位GDP能耗", "energy"),
    # the economy's size is its output; kinds of things are counted as 种
    ("How big does Yangquan want its economy to be in 2010?", "经济总量", "economy"),
    ("How big is Karamay District's economy expected to be?", "经济总量", "economy"),
    ("What four kinds of housing supply does Erenhot plan?", "四种", "四个"),
    ("How long are people in Karamay District expected to live on average?", "人均预期寿命", "live"),
    # a question's word standing for a name's: residents for people, harvest for output, grow naturally
    ("Rank the plans by how long they expect residents to live", "人均预期寿命", "residents"),
    ("At what level does Yangquan plan to keep its total grain harvest?", "粮食总产量", "harvest"),
    ("List each plan's cap on how fast the population may grow naturally.", "人口自然增长率", "naturally"),
    # more / fewer in a comparison of plans ranks them; more than is a bound, left alone
    ("Which plan targets more public green space per resident: Erenhot's or Yangquan's?", "更多", "more"),
    ("Does Datong plan more than 50 hospitals?", "more than", "更多"),
])
def test_english_questions_read_as_their_chinese_twins(question: str, want: str, never: str) -> None:
    from qa.figures.indicators import english_to_chinese

    got = english_to_chinese(question)
    assert want in got and not re.search(never, got), got


def test_a_colloquial_name_finds_coal_output() -> None:
    assert ontology().exact("原煤").name == "原煤产量"
