"""Descriptive answers (qa/answer/describe.py) on the real seeds: definitions, lists, each item cited."""

from __future__ import annotations

from typing import Any

import pytest

from qa.answer import answer_question
from qa.answer.describe import _head_after


@pytest.fixture(scope="module")
def ask(ready_store: Any) -> Any:
    from qa.retrieve.retriever import Retriever

    retriever = Retriever(ready_store)
    return lambda q: answer_question(q, ready_store, retriever=retriever)


@pytest.mark.parametrize("question, term, head", [
    ("“商贸活区”战略是指什么？", "商贸活区", "战略"), ("“两廊”是指什么？", "两廊", ""),
    ("“14558”工程指的是什么", "14558", "工程"), ("“两廊”在哪里", "两廊", ""),
])
def test_the_noun_after_a_quoted_term(question: str, term: str, head: str) -> None:
    assert _head_after(question, term) == head


def test_a_term_defined_with_the_noun_the_question_puts_after_it(ask: Any, seed_texts: dict[str, str]) -> None:
    """The plan writes 商贸活区战略是指…, the question “商贸活区”战略是指什么: that sentence is the definition."""
    a = ask("克拉玛依区的“商贸活区”战略是指什么？")
    assert not a.abstained and "现代商贸体系" in a.text
    c = a.citations[0]
    assert seed_texts[c.doc_id][c.start:c.end] == c.quote and "商贸活区战略是指" in c.quote


def test_a_list_asked_with_zhuyao_baokuo_is_read_as_a_list(ask: Any) -> None:
    """主要包括哪些 is question glue, not part of the noun: the plan's list answers, without its 即."""
    a = ask("克拉玛依区要培育和壮大的五大支柱产业体系主要包括哪些？")
    assert not a.abstained and a.items
    assert any(i.text == "建筑建材产业体系" for i in a.items)
    assert not any(i.text.startswith("即") for i in a.items)


@pytest.mark.parametrize("question", ["阳泉要打造哪三大旅游品牌？", "阳泉要打造哪三个旅游品牌？"])
def test_san_da_is_a_count_like_san_ge(ask: Any, question: str) -> None:
    """哪三大 asks like 哪三个 (plans name their 三大品牌, 四大战略): the noun is 旅游品牌, not 大旅游品牌."""
    a = ask(question)
    assert not a.abstained and all(b in a.text for b in ("藏山", "娘子关", "百团大战")), a.text


@pytest.mark.parametrize("question", ["克区旅游那个三元一线，三元是指啥", "克拉玛依区旅游“三元一线”里的三元指的是啥？"])
def test_the_part_of_a_slogan_asked_is_defined_by_the_sentence_after_it(ask: Any, question: str,
                                                                         seed_texts: dict[str, str]) -> None:
    """The term is the part named before 是指 (三元 of 三元一线); the plan names the slogan in one sentence and
    says “三元”是指：… in the next, which the next chunk holds: that sentence answers, cited exactly."""
    a = ask(question)
    assert not a.abstained and "生态观光休闲游" in a.text and "石油工业文化游" in a.text, (a.text, a.note)
    c = a.citations[0]
    assert seed_texts[c.doc_id][c.start : c.end] == c.quote and "“三元”是指" in c.quote


def test_a_descriptive_english_question_is_matched_by_its_chinese_words(ask: Any) -> None:
    a = ask("Which three tourism brands is Yangquan going to build during the 11th FYP?")
    assert not a.abstained and all(x in a.text for x in ("藏山", "娘子关", "百团大战")), (a.text, a.trace)


@pytest.mark.parametrize("question", ["大同区十五那会儿搞起来的是哪三个工业园？",
                                      "Which three industrial parks form the backbone of Datong District's industrial economy?"])
def test_a_list_asked_by_count_and_noun_is_the_run_of_such_items(ask: Any, seed_texts: dict[str, str],
                                                                  question: str) -> None:
    """哪三个工业园: the sentence listing three items that each end on 工业园, and exactly those items, each cited."""
    a = ask(question)
    assert [i.text for i in a.items] == ["轻纺工业园", "纸业包装工业园", "玉米工业园"], a.text
    for i in a.items:
        c = i.citation
        assert seed_texts[c.doc_id][c.start : c.end] == i.text


def test_a_list_the_plan_counts_with_the_noun_asked_is_its_items(ask: Any, seed_texts: dict[str, str]) -> None:
    """“轻纺、纸业、玉米”三个产业 answers 哪三个产业; 培植三个产业 (the count without the items) does not."""
    a = ask("大同区说要培植三个产业，是哪三个？")
    assert [i.text for i in a.items] == ["轻纺", "纸业", "玉米"], (a.text, a.trace)
    assert "describe.list_counted" in a.trace
    for i in a.items:
        c = i.citation
        assert seed_texts[c.doc_id][c.start : c.end] == i.text


@pytest.mark.parametrize("question, items", [
    ("阳泉要建设的“四个阳泉”除了“富裕阳泉”还有啥？", ["富裕阳泉", "文明阳泉", "生态阳泉", "诚信阳泉"]),
    ("双城搞“菜篮子”工程要打造的那几个特色品牌是啥？", ["酒乡", "乳城", "菜区"]),
])
def test_a_list_asked_with_those_several_or_besides_is_the_plans_quoted_run(ask: Any, seed_texts: dict[str, str],
                                                                            question: str, items: list[str]) -> None:
    """那几个…, 除了…还有啥 ask for a list, not a count; a run of quoted items (“酒乡”“乳城”“菜区”) is that list."""
    a = ask(question)
    assert [i.text for i in a.items] == items, (a.text, a.trace)
    for i in a.items:
        c = i.citation
        assert seed_texts[c.doc_id][c.start : c.end] == i.text


def test_the_noun_counted_is_the_one_after_the_count_not_the_verb_the_question_ends_on(ask: Any) -> None:
    """哪三个园区撑起来的: 园区 is listed (printed …工业园 three times), 撑起来 is no noun."""
    a = ask("大同区“十五”时期的工业主要靠哪三个园区支撑？")
    assert [i.text for i in a.items] == ["轻纺工业园", "纸业包装工业园", "玉米工业园"], (a.text, a.trace)


def test_an_english_count_with_no_noun_takes_the_items_the_plan_counts(ask: Any) -> None:
    """Which six … belts: 万寿菊、药材、无籽西瓜、瓜菜、苗木、芝麻六大特色种植带, the lead verb cut from the first item."""
    a = ask("Which six special planting belts will Datong District develop in the 11th Five-Year Plan?")
    assert [i.text for i in a.items] == ["万寿菊", "药材", "无籽西瓜", "瓜菜", "苗木", "芝麻"], (a.text, a.trace)


@pytest.mark.parametrize("question, says", [
    ("In Shuangcheng's 'one core, two corridors, three zones, multiple points' layout, what is the 'one core'?",
     "双城中心城区"),  # a numbered slogan asked in English is the plan's “一核两廊三区多点”, the part asked its “一核”
    ("In Erenhot's “two cores, one belt, four zones” tourism layout, what are the two cores?", "恐龙文化旅游区"),
    ("For Datong District's light-textile industrial park, what does “strengthening the midstream” (做强中游) consist of?",
     "粗纺纱"),  # the user's own Chinese in brackets is the term
    ("什么是双城“一核两廊三区多点”中的“一核”？", "双城中心城区"),  # asked before its terms: the slogan's part
    ("Which 'four centers' does Karamay District aim to become for Karamay City and northern Xinjiang?", "金融"),
    # 四中心 from English, printed “四大中心”: the plan's way of counting is the term
])
def test_a_term_asked_in_english_order_or_words_is_the_plans_term(ask: Any, question: str, says: str) -> None:
    a = ask(question)
    assert not a.abstained and says in a.text, (a.text, a.trace)


def test_english_slogans_are_written_as_the_plans_only_when_every_word_is_a_counted_noun() -> None:
    from qa.figures.indicators import _quoted_terms

    assert _quoted_terms("the 'one core, two corridors' layout, what are the two corridors?") == \
        "the “一核两廊” layout, what are the “两廊”?"
    assert _quoted_terms("what does 'green development' mean?") == "what does 'green development' mean?"
    assert _quoted_terms("Shuangcheng's two cores") == "Shuangcheng's two cores"  # nothing quoted: left as it is
    assert _quoted_terms("plans to enclose for sand-fixing afforestation (封沙育林)?") == "plans to enclose for 封沙育林?"


def test_a_year_asked_picks_the_sentence_about_that_year(ask: Any) -> None:
    """到2035年建成什么样: the plan prints the year as 二〇三五年; a sentence about 2025 is not the answer."""
    from qa.figures.vocab import years_in

    assert years_in("到二〇三五年，建成；2025年") == {2035, 2025} and years_in("“十五”末") == set()
    a = ask("双城到2035年想建成个啥样的地方？")
    assert not a.abstained and "二〇三五" in a.citations[0].quote, a.text


def test_an_english_question_about_what_a_region_wants_to_become_is_about_its_aim(ask: Any) -> None:
    a = ask("What is the two-part slogan describing what Shuangcheng wants to become in its 14th Five-Year Plan?")
    assert "describe.aim" in a.trace and "高品质食品工业之都" in a.text, (a.text, a.trace)


def test_the_aspect_a_question_names_picks_the_sentences_under_that_heading(ask) -> None:
    """在提升城乡功能品质方面…定位: the plan's positioning under 二、提升城乡功能品质 (立足哈尔滨卫星城定位), not its
    overall slogan; that sentence's 消费功能区 is zoning beside an aim word, not instead of one."""
    a = ask("双城在提升城乡功能品质方面给自己的定位是什么？")
    assert not a.abstained and "卫星城" in a.text, a.text
    b = ask("双城十四五的发展定位是什么？")  # no aspect named: the plan's own positioning
    assert not b.abstained and "食品工业之都" in b.text, b.text


def test_a_list_asked_by_its_classifier_is_answered_by_the_sentence_that_counts_with_it(ask) -> None:
    """哪几种房子来供应: the plan's 商品房、经济适用房、公租房、廉租房四种供应模式 answers it, though it never says 房子
    (before: 文档未提及, no passage about 房子来供应); 高速公路有哪几条 still has no passage in that plan."""
    a = ask("二连以后住房主要靠哪几种房子来供应？")
    assert not a.abstained and all(w in a.text for w in ("商品房", "经济适用房", "公租房", "廉租房")), a.text
    b = ask("二连浩特的高速公路有哪几条？")
    assert b.abstained and b.reason == "no_passage", b.text
