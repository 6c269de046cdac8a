"""The table reader (qa.figures.table) and the brief's row indicators (qa.brief.select) on the real
主要指标表 of seed 004 (values checked by reading the file) and on made-up tables.

Every expected value below was read off seeds/004_f77e359f427d9ef6.txt lines 343-367 by hand:
``类别 | 指标 | (sub) | 2020 年 | 2025 年 | 年均增长 | 属性`` and the note ``注：带 [ ] 为累计数据``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.brief.select import table_indicators
from qa.figures.table import column_roles, parse_cell, split_name
from qa.models import Indicator
from tests.conftest import offline_view

ROOT = Path(__file__).resolve().parents[1]
SEED_004 = ROOT / "seeds" / "004_f77e359f427d9ef6.txt"

# number: (category, name, unit, base, target, growth, target/growth text, qualifier, binding)
EXPECTED_004 = {
    1: ("经济发展", "地区生产总值增长率", "%", 0.2, None, 5, None, "以上", "预期性"),
    2: ("经济发展", "工业增加值占GDP比重", "%", 14, 18, None, None, "以上", "预期性"),
    3: ("经济发展", "规模以上工业增加值增长率", "%", 0.4, None, 5, None, "以上", None),
    4: ("经济发展", "固定资产投资增长率", "%", 10.1, None, 10, None, "以上", "预期性"),
    5: ("经济发展", "社会消费品零售总额增长率", "%", -40.3, None, 6, None, "以上", "预期性"),
    6: ("经济发展", "一般公共预算收入增长率", "%", -6.8, None, 5, None, "以上", "预期性"),
    7: ("创新驱动", "国家高新技术企业户数", "户", 18, 30, None, None, "左右", "预期性"),
    8: ("创新驱动", "产业电商园线上线下综合交易额", "亿元", 30, 150, None, None, "累计", "预期性"),
    9: ("民生福祉", "人均可支配收入增长率", "%", None, None, None, "与同期GDP增速基本同步", None, "预期性"),
    10: ("民生福祉", "城镇新增就业人数", "万人", 0.27, 0.8, None, None, None, "约束性"),
    11: ("民生福祉", "每千人口拥有执业(助理)医师数", "名", None, 1.5, None, None, None, "预期性"),
    12: ("民生福祉", "建成区路网密度", "公里/平方公里", 6.3, 8.3, None, None, None, "预期性"),
    13: ("民生福祉", "基本养老保险法定人员覆盖率", "%", 100, 100, None, None, None, "预期性"),
    14: ("民生福祉", "九年义务教育巩固率", "%", 99.8, 99.9, None, None, None, "约束性"),
    15: ("绿色转型", "单位GDP能源消耗降低", "%", None, None, None, "完成市下达指标", None, "约束性"),
    16: ("绿色转型", "单位GDP二氧化碳排放降低", "%", None, None, None, "完成市下达指标", None, "约束性"),
    17: ("绿色转型", "森林覆盖率", "%", 2.9, 3, None, None, None, "约束性"),
    18: ("绿色转型", "城市空气质量优良天数比率", "%", 92, 96, None, None, None, "约束性"),
    19: ("安全保障", "耕地保有量", "万公顷", 23.3, 23.3, None, None, None, "约束性"),
    20: ("安全保障", "粮食综合生产能力", "亿斤", 40, 43, 1.5, None, None, "约束性"),
    21: ("安全保障", "亿元生产总值生产安全事故死亡率下降", "%", None, None, None, "达到哈市要求", None, "约束性"),
}


@pytest.fixture(scope="module")
def seed004():
    return offline_view(SEED_004)


def test_header_decides_the_columns() -> None:
    roles, base, target = column_roles(["类别", "指标", "", "2020 年", "2025 年", "年均增长", "属性"])
    assert roles == ["category", "name", "sub", "base", "target", "growth", "binding"]
    assert (base, target) == (2020, 2025)
    roles, base, target = column_roles(["指标名称", "单位", "2015年目标", "2010年基数", "指标属性"])
    assert roles == ["name", "unit", "target", "base", "binding"]
    assert (base, target) == (2010, 2015)


@pytest.mark.parametrize(
    ("raw", "value", "text", "qualifier", "bracketed"),
    [
        ("5 以上", 5.0, None, "以上", False),
        ("5以上", 5.0, None, "以上", False),
        ("[150]", 150.0, None, None, True),
        ("-40.3", -40.3, None, None, False),
        ("30 左右", 30.0, None, "左右", False),
        ("1.5%", 1.5, None, None, False),
        ("与同期 GDP 增速 基本同步", None, "与同期GDP增速基本同步", None, False),
        ("完成市下达 指标", None, "完成市下达指标", None, False),
    ],
)
def test_cells(raw: str, value: float | None, text: str | None, qualifier: str | None, bracketed: bool) -> None:
    cell = parse_cell(raw)
    assert cell is not None
    assert (cell.value, cell.text, cell.qualifier, cell.bracketed) == (value, text, qualifier, bracketed)


@pytest.mark.parametrize("raw", ["", "  ", "—", "-", "/"])
def test_blank_cells(raw: str) -> None:
    assert parse_cell(raw) is None


def test_name_number_and_unit_from_parentheses() -> None:
    assert split_name("1. 地区生产总值增长率 (%)") == (1, "地区生产总值增长率", "%")
    assert split_name("11. 每千人口拥有执业 (助理) 医师数 (名)") == (11, "每千人口拥有执业(助理)医师数", "名")
    assert split_name("19. 耕地保有量 (万公顷)") == (19, "耕地保有量", "万公顷")
    assert split_name("城镇化率") == (None, "城镇化率", None)


def test_seed_004_table_has_all_21_indicators_as_printed(seed004) -> None:
    table = [s for s in seed004.statements if s.source == "table"]
    assert {s.section for s in table} == {next(s.section for s in table)} and "主要指标表" in table[0].section
    assert {s.year for s in table if "table.base_column" in s.trace} == {2020}
    assert {s.year for s in table if "table.target_column" in s.trace} == {2025}
    assert any(s.cumulative and s.value == 150 for s in table), "the note 注：带 [ ] 为累计数据 marks [150] cumulative"
    inds = table_indicators(seed004)
    assert len(inds) == 21
    for n, ind in enumerate(inds, 1):
        cat, name, unit, base, target, growth, text, qual, binding = EXPECTED_004[n]
        got = (ind.category, ind.name, ind.unit, ind.base_value, ind.target_value, ind.growth,
               ind.target_text or ind.growth_text, ind.qualifier or ind.growth_qualifier, ind.binding)
        assert got == (cat, name, unit, base, target, growth, text, qual, binding), f"indicator {n}"
        assert ind.source == "table"
        assert ind.base_year == (2020 if base is not None else None)
        assert ind.target_year == (2025 if target is not None or ind.target_text else None)


def test_sub_rows_fold_into_indicator_9(seed004) -> None:
    inds = table_indicators(seed004)
    nine = inds[8]
    assert nine.breakdown == ["城镇", "农村"]
    assert nine.growth_text == "与同期GDP增速基本同步"
    assert "城镇" in nine.citation.quote and "农村" in nine.citation.quote


def test_row_citations_are_exact_original_spans(seed004) -> None:
    original = seed004.text
    for ind in table_indicators(seed004):
        c = ind.citation
        assert original[c.start : c.end] == c.quote
        assert "\t" in c.quote  # the row as printed, tabs and all
        # the quote is the row itself: its name (spaces as printed) and its values are in it
        assert Indicator.norm(ind.name) in Indicator.norm(c.quote)
    rows = {i.name: i.citation.quote for i in table_indicators(seed004)}
    assert rows["地区生产总值增长率"] == "经济发展 (6 个)\t1. 地区生产总值增长率 (%)\t\t0.2\t\t5 以上\t预期性"
    assert rows["产业电商园线上线下综合交易额"] == "\t8. 产业电商园线上线下综合交易额 (亿元)\t\t30\t[150]\t\t预期性"


def test_made_up_table_generic_rules() -> None:
    """Another layout: no category column, unit column, 目标 year first, full-width spaces, a note."""
    text = (
        "某县国民经济和社会发展第十三个五年规划纲要\n"
        "第二章 主要指标\n"
        "指标名称\t单位\t2020年目标\t2015年基数\t年均增长\t指标属性\n"
        "1．地区生产总值\t亿元\t120\t80\t8.5\u3000以上\t预期性\n"
        "2．森林覆盖率\t%\t[25]\t22\t—\t约束性\n"
        "\t城镇\t\t\t\t\n"
        "3．单位GDP能耗降低\t%\t完成省下达\u3000任务\t\t\t约束性\n"
        "注：[ ] 内为五年累计数。\n"
        "第三章 产业\n"
    )
    inds = table_indicators(offline_view(text=text))
    assert [i.name for i in inds] == ["地区生产总值", "森林覆盖率", "单位GDP能耗降低"]
    gdp, forest, energy = inds
    assert (gdp.unit, gdp.base_year, gdp.base_value, gdp.target_year, gdp.target_value) == ("亿元", 2015, 80, 2020, 120)
    assert (gdp.growth, gdp.growth_qualifier, gdp.binding, gdp.canonical) == (8.5, "以上", "预期性", "地区生产总值")
    assert (forest.target_value, forest.qualifier, forest.breakdown) == (25, "累计", ["城镇"])
    assert energy.target_text == "完成省下达任务" and energy.binding == "约束性"
    for i in inds:
        assert text[i.citation.start : i.citation.end] == i.citation.quote
