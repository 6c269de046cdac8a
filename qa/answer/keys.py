"""Key words: the content words of a question that a plan prints in the names of few of its figures.

A question in other people's words names no ontology indicator (二连的娃娃将来念高中的比例, 每一千个人能摊上几张
病床), and its words fit the plan's names poorly as a whole (高中毛入学率 fits 娃娃来念高中比例 0.03). But one
of its words may be printed by the names of only one or two of the plan's figures (高中, 病床, 水泥): that word
says what the question is about, whatever the rest of it says. Such a figure is then read as the asked one
(``lookup.KEY_FIT``, a loose reading the answer names), and the decision still needs it to lead every other
figure clearly and to agree on role, year, kind and unit. Words are jieba's, compared through the thesaurus
(柏油 meets 沥青); words that say what kind of figure is asked (比例, 多少, 规模: ``vocab.KEY_GENERIC``) never
count, and a word many names print (工业, 城镇) is no key.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from qa.figures import vocab as V
from qa.figures.indicators import canon_text
from qa.text.thesaurus import normalize

KEY_MAX_NAMES = 3  # a word printed by more of a plan's figure names does not say which one is asked


@functools.lru_cache(maxsize=4096)
def content_words(core: str) -> tuple[str, ...]:
    """The question's words of two Chinese characters or more that say what it is about (jieba's cut)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.ERROR)
    words = (w for w in jieba.lcut(core) if re.fullmatch(r"[\u4e00-\u9fff]{2,}", w))
    return tuple(dict.fromkeys(w for w in words if not V.KEY_GENERIC.search(w)))


def key_words(words: Iterable[str], names: Iterable[str], thesaurus: bool = True) -> dict[str, frozenset[str]]:
    """Each of the question's content words that 1..``KEY_MAX_NAMES`` of the plan's figure names print, with
    those names (a synonym printed counts when ``thesaurus``)."""
    unique = {n for n in names if n}
    out: dict[str, frozenset[str]] = {}
    for w in words:
        nw = normalize(w) if thesaurus else w
        hit = frozenset(n for n in unique if w in n or (thesaurus and nw in normalize(n)))
        if 1 <= len(hit) <= KEY_MAX_NAMES:
            out[w] = hit
    return out


def other_side(question: str, name: str) -> bool:
    """The question asks one side of an urban/rural pair and the name states only the other (在城镇上班的…收入
    and 农牧民人均纯收入): another indicator, however many words they share."""
    (qu, qr), (nu, nr) = _sides(question), _sides(name)
    return qu != qr and nu != nr and qu != nu


@functools.lru_cache(maxsize=65536)
def _sides(text: str) -> tuple[bool, bool]:
    """(urban, rural) named; cached: a question is checked against every figure of its plans."""
    plain = text.replace("城乡", "")  # 城乡居民 names both sides
    return bool(V.URBAN_SIDE.search(plain)), bool(V.RURAL_SIDE.search(plain))


SECTOR = V.rule("lookup.sector", r"工业|农业|牧业|林业|渔业|服务业|建筑业|旅游业?|商贸|物流|科技|文化|教育|卫生|体育",
                "the sector a name is of: a name that puts another sector for the asked one is another figure",
                ("规模以上工业企业数", "文化投入", "政府科技投入"), ("规模以上食品企业", "地区生产总值"))


def swapped_sector(asked: str, name: str) -> bool:
    """The asked name's sector (工业 of 规模以上工业企业数) is missing from a name that prints words of its own in its
    place (规模以上食品企业): a part of another sector, not the asked figure."""
    asked, name = canon_text(asked), canon_text(name)  # 农业增加值 is 第一产业增加值: the same sector, said otherwise
    lost = [w for w in SECTOR.re.findall(asked) if w not in name]
    own = set(re.findall(r"[\u4e00-\u9fff]", name)) - set(asked)
    return bool(lost) and len(own) >= 2


ENTITY_HEAD = V.rule("lookup.entity_head", r"(?:企业|公司|项目|园区|基地|合作社|协会|户|家)$",
                     "a name that ends on counted things (外贸进出口企业: how many firms) is not the amount asked of their "
                     "activity (外贸进出口规模), unless the question names those things too",
                     ("外贸进出口企业", "农业产业化龙头企业", "重点项目"), ("进出口总额", "企业利润", "项目投资"))


def counted_things(asked: str, name: str) -> bool:
    """The name counts things (…企业, …项目) the question does not name: another figure than the one asked."""
    m = ENTITY_HEAD.search(name)
    return m is not None and m.group() not in asked and len(name) > len(m.group()) + 1


def purpose_after(quote: str, offset: int) -> str:
    """What money is for when the sentence says it after the figure (计划投资16.8亿元用于城乡建设，其中7.6亿元用于
    公共设施建设; ``offset``: where the figure ends in the quote): then it, not the words before, says what it is."""
    m = V.PURPOSE_AFTER.match(quote[offset:])
    return m.group(1) if m else ""
