"""Sentences of the live plans, for questions answered by a sentence rather than a figure.

Every stored sentence unit of every chunk, with its bigrams, and per plan the inverse document frequency of
each bigram, so a question's rare words (国际经济合作走廊, 西门塔尔) weigh more than the words every sentence
of a plan uses (发展, 建设). ``aim_cue`` says whether a sentence states what the plan wants the region to be
(定位, 打造成, 建设成为 …): the one selector behind a 定位 question and a brief's opening sentence.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from qa.figures import vocab as V
from qa.models import Chunk, Citation

AIM = V.rule("sentence.aim", r"定位|打造成|打造为|建设成为|建设成|建成为|发展成为|努力成为|奋力建设|成为.{2,20}(?:城市|中心|基地|区|之都|门户)"
                             r"|总体目标|奋斗目标|目标定位|之都|新区|为主题|主题是|为主线",
             "a sentence that says what the plan wants the region to be (its positioning, its overall aim)",
             ("把双城建设成为哈尔滨的卫星城", "打造成为区域物流中心", "高品质食品工业之都"), ("加强基础设施建设",))
BOILERPLATE = V.rule(
    "sentence.boilerplate",
    r"邓小平理论|“三个代表”|三个代表|科学发展观|习近平新时代|新时代中国特色社会主义思想|高举.{0,12}旗帜|"
    r"党的十[一二三四五六七八九]?大|[二三四五六七]中全会|贯彻落实.{0,10}精神|以人民为中心|“五位一体”|“四个全面”|"
    r"解放思想|与时俱进|以.{0,12}为指导|为指针|为指引",
    "words every plan of a period shares: they tell nothing about this plan",
    ("以邓小平理论和“三个代表”重要思想为指导", "以习近平新时代中国特色社会主义思想为指导"),
    ("把双城建设成为哈尔滨的卫星城", "到2025年地区生产总值年均增长5%以上"))


def bigrams(text: str) -> frozenset[str]:
    runs = re.findall(r"[\u4e00-\u9fff]+|[A-Za-z]+|\d+", text)
    out: set[str] = set()
    for r in runs:
        if len(r) == 1 or not re.match(r"[\u4e00-\u9fff]", r):
            out.add(r.lower())
        else:
            out.update(r[i : i + 2] for i in range(len(r) - 1))
    return frozenset(out)


@dataclass(frozen=True, eq=False)
class Sentence:
    chunk: Chunk
    index: int  # the unit of the chunk
    text: str  # as cleaned
    grams: frozenset[str]

    @property
    def doc_id(self) -> str:
        return self.chunk.doc_id

    @property
    def section(self) -> str:
        return self.chunk.section

    def citation(self, last: Sentence | None = None) -> Citation:
        """This sentence (through ``last``, a later unit of the same chunk) as a citation of the canonical text."""
        c = self.chunk
        s, e = c.units[self.index][2], c.units[(last or self).index][3]
        return Citation(doc_id=c.doc_id, section=c.section, start=s, end=e, quote=c.text[s - c.start : e - c.start],
                        chunk_id=c.id)


class SentenceIndex:
    """The sentences of the live chunks, each canonical span once, and each plan's bigram weights."""

    def __init__(self, chunks: list[Chunk]):
        self.by_doc: dict[str, list[Sentence]] = {}
        seen: set[tuple[str, int, int]] = set()
        for c in chunks:
            for i, (cs, ce, os_, oe) in enumerate(c.units):
                if (c.doc_id, os_, oe) in seen:
                    continue
                seen.add((c.doc_id, os_, oe))
                text = c.clean[cs:ce]
                self.by_doc.setdefault(c.doc_id, []).append(Sentence(c, i, text, bigrams(text)))
        self._idf: dict[str, dict[str, float]] = {}

    def idf(self, doc_id: str) -> dict[str, float]:
        if doc_id not in self._idf:
            sents = self.by_doc.get(doc_id, [])
            df: dict[str, int] = {}
            for s in sents:
                for g in s.grams:
                    df[g] = df.get(g, 0) + 1
            n = max(len(sents), 1)
            self._idf[doc_id] = {g: math.log((n + 1) / (k + 0.5)) for g, k in df.items()}
        return self._idf[doc_id]

    def match(self, want: frozenset[str], s: Sentence) -> float:
        """Weighted share of the asked bigrams the sentence holds (rare ones weigh more)."""
        if not want:
            return 0.0
        idf = self.idf(s.doc_id)
        top = math.log(len(self.by_doc.get(s.doc_id, [])) + 2)
        # fsum: a set's order changes with each process's string hashing, and a plain sum's rounding with it
        total = math.fsum(idf.get(g, top) for g in want)
        return math.fsum(idf.get(g, top) for g in want & s.grams) / total if total else 0.0

    def of_chunk(self, chunk_id: str) -> list[Sentence]:
        """The sentences a chunk holds first (a sentence carried into the next chunk is its first chunk's)."""
        if not hasattr(self, "_by_chunk"):
            self._by_chunk: dict[str, list[Sentence]] = {}
            for sents in self.by_doc.values():
                for x in sents:
                    self._by_chunk.setdefault(x.chunk.id, []).append(x)
        return self._by_chunk.get(chunk_id, [])

    def after(self, s: Sentence, n: int) -> list[Sentence]:
        """The ``n`` sentences that follow ``s`` in its document, whichever chunk holds them."""
        if not hasattr(self, "_pos"):
            self._pos: dict[int, int] = {id(x): i for sents in self.by_doc.values() for i, x in enumerate(sents)}
        sents = self.by_doc.get(s.doc_id, [])
        i = self._pos.get(id(s))
        return [] if i is None else sents[i + 1 : i + 1 + n]

    def neighbours(self, s: Sentence) -> list[Sentence]:
        """The sentences of the same chunk after ``s`` (what a definition ending in a colon lists)."""
        return [x for x in self.by_doc.get(s.doc_id, []) if x.chunk.id == s.chunk.id and x.index > s.index]


NOT_AIM = V.rule("sentence.not_aim", r"主体功能(?:定位|区)?|功能定位|开发区域|(?:[\u4e00-\u9fff]{2})?功能区",
                 "planning vocabulary that looks like an aim but names zoning (主体功能定位): no aim word of its own",
                 ("明确主体功能定位", "消费功能区"), ("把我市建设成为晋东明珠城市",))


def aim_cue(s: Sentence) -> bool:
    """An aim word outside the zoning words (立足哈尔滨卫星城定位，建设…消费功能区 says an aim; 明确主体功能定位 none)."""
    return bool(AIM.search(NOT_AIM.sub("，", s.text))) and not BOILERPLATE.search(s.text)
