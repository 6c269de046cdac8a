"""qa.answer.keys: the question's key words (content words few of a plan's figure names print) and the
urban/rural sides, on names as plans print them."""

from __future__ import annotations

import pytest

from qa.answer.keys import KEY_MAX_NAMES, content_words, key_words, other_side

NAMES = ["高中毛入学率", "高中阶段毛入学率", "幼儿园入园率", "城镇登记失业率", "城镇化率", "城镇居民可支配收入",
         "城镇新增就业人数", "病床数", "乡村公路沥青、水泥路面铺装率", "森林覆盖率", "每千人拥有医生数"]


def test_a_word_few_names_print_is_a_key_and_names_them() -> None:
    keys = key_words(content_words("娃娃来念高中比例"), NAMES)
    assert keys == {"高中": frozenset({"高中毛入学率", "高中阶段毛入学率"})}


def test_words_that_say_what_kind_of_figure_or_when_are_never_keys() -> None:
    assert content_words("以后多大比例能够覆盖率") == ()
    assert key_words(content_words("每千人能摊上病床"), NAMES) == {"病床": frozenset({"病床数"})}  # 每千人 is a rate's base


def test_a_word_many_names_print_is_no_key() -> None:
    assert sum("城镇" in n for n in NAMES) > KEY_MAX_NAMES
    assert "城镇" not in key_words(content_words("城镇里的比例"), NAMES)


def test_a_synonym_printed_counts_through_the_thesaurus_only_when_asked() -> None:
    assert "柏油" in key_words(content_words("村里的路都铺上柏油"), NAMES)  # 柏油 and 沥青 are one group of 词林
    assert "柏油" not in key_words(content_words("村里的路都铺上柏油"), NAMES, thesaurus=False)


@pytest.mark.parametrize(("question", "name", "other"), [
    ("在城镇上班人均能拿收入", "农牧民人均纯收入", True),
    ("乡下人一年挣多少", "城镇居民可支配收入", True),
    ("在城镇上班人均能拿收入", "城镇居民可支配收入", False),
    ("城乡居民收入", "农牧民人均纯收入", False),  # 城乡 names both sides
    ("人均收入", "农牧民人均纯收入", False),  # no side asked
])
def test_the_other_side_of_an_urban_rural_pair_is_another_indicator(question: str, name: str, other: bool) -> None:
    assert other_side(question, name) is other


@pytest.mark.parametrize(("asked", "name", "swapped"), [
    ("规模以上工业企业数", "规模以上食品企业", True),  # one sector's firms are no count of all industrial firms
    ("文化投入占区财政支出比重", "政府科技投入占到全区财政支出的比重", True),
    ("文化投入占区财政支出比重", "对文化的投入要占到区财政支出", False),
    ("旅游业收入", "旅游收入", False),  # the same sector, said shorter
    ("城镇居民人均可支配收入", "城区居民人均可支配收入", False),  # no sector word asked
])
def test_a_name_that_puts_another_sector_for_the_asked_one_is_another_figure(asked: str, name: str, swapped: bool) -> None:
    from qa.answer.keys import swapped_sector

    assert swapped_sector(asked, name) is swapped
