"""qa.text.clean on the real seeds: what is removed, what is joined, and the map back to the original."""

from __future__ import annotations

import re
from bisect import bisect_left

import pytest

from qa.text.clean import clean
from qa.text.numbers import halfwidth
from tests.conftest import DOC, SEED_FILES

DOT_LEADER_LINE = re.compile(r"(?:[·.…•]{3,}|\.{2,}|…+)\s*\d{1,4}\s*$")


@pytest.fixture(scope="module")
def cleaned(seed_texts):
    return {doc_id: clean(text) for doc_id, text in seed_texts.items()}


@pytest.mark.parametrize("doc_id", sorted(SEED_FILES))
def test_offset_map_points_into_the_original(doc_id, seed_texts, cleaned):
    """Every cleaned character maps to an original offset; the map never runs backwards."""
    c = cleaned[doc_id]
    original = seed_texts[doc_id]
    assert len(c.omap) == len(c.text) > 0
    assert c.original_len == len(original)
    assert all(0 <= o < len(original) for o in c.omap)
    assert all(a <= b for a, b in zip(c.omap, c.omap[1:], strict=False))
    # a cleaned CJK character is the very character found at its mapped offset
    for i, ch in enumerate(c.text):
        if "\u4e00" <= ch <= "\u9fff":
            assert original[c.omap[i]] == ch, (i, ch, original[c.omap[i]])


@pytest.mark.parametrize("doc_id", sorted(SEED_FILES))
def test_orig_span_of_a_sentence_is_its_original_text(doc_id, seed_texts, cleaned):
    c = cleaned[doc_id]
    original = seed_texts[doc_id]
    for m in list(re.finditer(r"[^。\n]{6,40}。", c.text))[:50]:
        s, e = c.orig_span(m.start(), m.end())
        assert re.sub(r"\s", "", halfwidth(original[s:e])) == re.sub(r"\s", "", m.group())


def test_toc_lines_and_tags_are_gone(seed_texts, cleaned):
    for doc_id, c in cleaned.items():
        assert "<b>" not in c.text and "</b>" not in c.text, doc_id
        for line in c.text.split("\n"):
            assert not DOT_LEADER_LINE.search(line.strip()), (doc_id, line)
    # 004 has a table of contents with dot leaders and <b> tags; 002 one after a 目 录 title
    assert "<b>" in seed_texts[DOC["004"]] and "....." in seed_texts[DOC["004"]]
    for key, heading in [("004", "第一章 继往开来，全面绘就新时代高质量发展新蓝图"),
                         ("002", "第一章 发展基础、形势与预期"), ("002", "第九章 规划实施管理")]:
        assert seed_texts[DOC[key]].count(heading) == 2  # in the contents and in the body
        assert cleaned[DOC[key]].text.count(heading) == 1, (key, heading)
    assert "目 录" not in cleaned[DOC["002"]].text and "目录" not in cleaned[DOC["004"]].text[:2000]


def test_space_inside_figures_is_removed(seed_texts, cleaned):
    assert "17.5 亿元" in seed_texts[DOC["000"]]
    text = cleaned[DOC["000"]].text
    assert "17.5亿元" in text and "17.5 亿元" not in text
    assert "4.8亿元" in text and "4.8 亿元" not in text
    assert "规上工业增加值实现30亿元" in cleaned[DOC["004"]].text


def test_page_break_inside_a_word_is_joined(seed_texts, cleaned):
    original = seed_texts[DOC["004"]]
    i = original.find("雀\n\n巢")
    assert i > 0, "004 seed has the page-break split 雀\\n\\n巢"
    c = cleaned[DOC["004"]]
    assert "鼓励支持雀巢、老村长等骨干企业" in c.text
    j = c.text.find("鼓励支持雀巢") + len("鼓励支持")
    assert c.omap[j] == i and c.omap[j + 1] == i + 3  # both halves still map to the original


def test_page_break_after_a_dash_item_is_joined(seed_texts, cleaned):
    assert "推动经济开发区创\n\n建专属融资平台" in seed_texts[DOC["004"]]
    assert "推动经济开发区创建专属融资平台" in cleaned[DOC["004"]].text


def test_markdown_bold_markers_are_removed(seed_texts, cleaned):
    assert "## **第六章 推进生态保护修复**" in seed_texts[DOC["004"]]
    assert "**" not in cleaned[DOC["004"]].text
    assert "第六章 推进生态保护修复" in cleaned[DOC["004"]].text.split("\n")


def test_no_stray_markdown_emphasis_at_line_ends(cleaned):
    for doc_id, c in cleaned.items():
        for line in c.text.split("\n"):
            assert not line.rstrip().endswith("*"), (doc_id, line)


def test_headings_stay_on_their_own_line(cleaned):
    lines = cleaned[DOC["002"]].text.split("\n")
    assert "第二章 产业发展" in lines and "一、农牧业" in lines
    lines = cleaned[DOC["004"]].text.split("\n")
    assert "第二章 构建以食品产业为核心的现代产业新体系" in lines


def test_crlf_and_fullwidth_digits_keep_offsets():
    original = "某市国民经济和社会发展第十一个五年规划\r\n\r\n到２０１０年，地区生产总值达到４６.５ 亿元。\r\n"
    c = clean(original)
    assert "\r" not in c.text
    assert "到2010年，地区生产总值达到46.5亿元。" in c.text
    k = c.text.index("到2010年")
    s, e = c.orig_span(k, len(c.text))
    assert original[s:e] == "到２０１０年，地区生产总值达到４６.５ 亿元。"


def test_one_line_plan_with_ideographic_gaps_is_split(cleaned, seed_texts):
    """003 glues paragraphs into lines separated by runs of U+3000; they become line breaks."""
    original = seed_texts[DOC["003"]]
    assert "\u3000\u3000" in original
    text = cleaned[DOC["003"]].text
    assert "\u3000" not in text
    assert text.count("\n") > original.count("\n")
    i = bisect_left(cleaned[DOC["003"]].omap, original.index("（一）“十五”主要成就"))
    assert text[i - 1] == "\n"
