"""The indicator ontology: the statistical indicators Chinese plans use, as data (``ontology.json``).

Each indicator has a canonical name (what statements, briefs, comparisons and the export call it), the
names plans print it by (``aliases``), the names people ask by (``colloquial``), English names, a unit
family (money, pct, people …), its nature (``level``: an amount; ``rate``: a ratio that is itself the figure,
城镇化率 55%; ``growth``: a change by definition, 居民消费价格涨幅) and the names of different indicators that
contain its name (``not``: 人均地区生产总值 is not 地区生产总值), and the broader indicator it is part of
(``broader``: 规模以上工业增加值 → 工业增加值), which it may stand in for when a plan states only the part. Questions, statements and table labels are all
resolved through it, so 老百姓收入, 城镇居民人均可支配收入 and "urban disposable income" meet in one place.
tests/test_ontology.py holds it to its promises (every seed's indicator-table label resolves, no alias is
claimed twice, every entry is complete).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from qa.figures import vocab as V

PATH = Path(__file__).with_name("ontology.json")
Nature = Literal["level", "rate", "growth"]


class Indicator(BaseModel):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    aliases: list[str] = Field(default_factory=list, description="other names plans print")
    colloquial: list[str] = Field(default_factory=list, description="names people ask by")
    english: list[str] = Field(default_factory=list, description="English names, lower case")
    unit_family: str
    nature: Nature
    category: str = ""
    not_: list[str] = Field(default_factory=list, alias="not",
                            description="names of other indicators that contain this one's name")
    broader: str | None = Field(None, description="the id of the indicator this one is a part of (一般公共预算收入 "
                                                  "→ 财政收入): it may stand in for it, never the other way round")
    stands_for: str | None = Field(None, description="the id of an indicator this one is read as when a plan states "
                                                     "none of that one (粮食综合生产能力 for 粮食总产量), shown under its "
                                                     "own name; never the other way round")

    model_config = {"populate_by_name": True}

    @functools.cached_property
    def names(self) -> list[str]:
        """Every Chinese name, the canonical one first (worked out once: lookups ask it for every statement)."""
        return list(dict.fromkeys([self.name, *self.aliases, *self.colloquial]))

    @functools.cached_property
    def key(self) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """What a name is compared with (hashable, for caches): id, names, printed names, names it is not."""
        return self.id, tuple(self.names), (self.name, *self.aliases), tuple(self.not_)


def norm(text: str) -> str:
    """Names as compared: half-width, no spaces, tags, brackets' contents of units, lower case."""
    from qa.text.numbers import halfwidth

    t = re.sub(r"</?[a-zA-Z][a-zA-Z0-9]{0,10}\s*/?>|\*\*", "", halfwidth(text))
    return re.sub(r"\s+", "", t).lower()


class Ontology:
    def __init__(self, indicators: list[Indicator]):
        self.indicators = indicators
        self.by_id = {i.id: i for i in indicators}
        self.by_name = {i.name: i for i in indicators}
        self.alias: dict[str, Indicator] = {}
        for ind in indicators:
            for n in ind.names:
                self.alias.setdefault(norm(n), ind)
        # longest alias first: 人均地区生产总值 before 地区生产总值
        self._scan = sorted(self.alias, key=len, reverse=True)
        self._english = sorted(((e.lower(), ind) for ind in indicators for e in ind.english), key=lambda x: -len(x[0]))

    def exact(self, name: str) -> Indicator | None:
        """The indicator ``name`` IS one of the names of (spaces, width and case ignored)."""
        return self.alias.get(norm(name))

    def find(self, text: str) -> list[tuple[int, int, Indicator]]:
        """Indicators named in ``text``: longest names first, no overlaps, in text order (positions in ``norm(text)``)."""
        t = norm(text)
        taken = [False] * len(t)
        out: list[tuple[int, int, Indicator]] = []
        for name in self._scan:
            if name not in t:
                continue
            for m in re.finditer(re.escape(name), t):
                if not any(taken[m.start() : m.end()]):
                    out.append((m.start(), m.end(), self.alias[name]))
                    for i in range(m.start(), m.end()):
                        taken[i] = True
        return sorted(out, key=lambda x: x[0])

    def english(self) -> list[tuple[str, Indicator]]:
        """(English name, indicator), longest first: how an English question is read."""
        return self._english


# how people say the parts of indicator names, and how plans print them (applied to questions only, longest first)
SPOKEN: dict[str, str] = {
    "城里人均": "城镇居民人均", "农村人均": "农村居民人均", "乡下人均": "农村居民人均",  # 城里 + 人均住房
    "一年人均": "人均", "每年人均": "人均", "到手的钱": "收入", "到手": "收入",
    "城里人": "城镇居民", "城市人": "城镇居民", "城里居民": "城镇居民", "市民": "城镇居民", "农村人": "农村居民", "乡下人": "农村居民",
    "老百姓": "居民", "一人一年": "人均", "每人每年": "人均", "一个人一年": "人均", "平均每人": "人均", "每个人": "人均",
    "人均一年": "人均", "挣的钱": "收入", "赚的钱": "收入", "腰包": "收入", "几个亿": "多少亿元", "多少个亿": "多少亿元",
    "几个点": "百分之几", "多少个点": "百分之几", "GDP总量": "GDP", "外贸进出口": "进出口总额", "研发投入": "研发经费",
    "那会儿": "", "那时候": "", "那个时候": "", "那阵子": "", "那阵": "",  # 农民2005年那会儿人均纯收入: time glue
    "城里": "城镇", "乡下": "农村",  # 在城里上班的: what is left of 城里 once 城里人 and 城里人均 are read
    "乡下的人": "农村居民", "农村的人": "农村居民", "城里的人": "城镇居民", "能落下": "纯收入", "落下的钱": "纯收入",
    "手里能支配的钱": "可支配收入", "能支配的钱": "可支配收入", "可以支配的钱": "可支配收入",
    "能活到": "活到", "能挣": "收入", "能赚": "收入",  # 平均能活到多少岁, 一个人一年能挣多少
    "处理比例": "处理率", "处置比例": "处置率", "覆盖比例": "覆盖率", "利用比例": "利用率",  # X的比例 of a process is its X率
    "摊的": "", "摊到的": "", "分摊的": "",  # 平均每个人摊的GDP: a per-head share is the per-capita figure
    "倒腾": "交易",  # 一年要倒腾多少粮食: the grain traded
    "经济盘子": "经济总量", "盘子": "总量",  # 经济盘子要做到多大: the economy's size
    "上大学": "高等教育入学", "念大学": "高等教育入学", "读大学": "高等教育入学",  # 能上大学的比例: 高等教育毛入学率
    "每一千个人": "每千人", "每一千人": "每千人", "每千个人": "每千人", "每一百个人": "每百人", "每一百人": "每百人",
    "每百个人": "每百人", "每一万个人": "每万人", "每一万人": "每万人", "每万个人": "每万人",
    "招牌": "品牌", "牌子": "品牌",  # 想打哪几张特色招牌: the plan's 特色品牌
    "大夫": "医生", "扩张速度": "增速", "扩张的速度": "增速",  # 每千人能有几个大夫; 年均扩张速度
    "脏水": "污水", "牲口": "牲畜", "成交": "交易",  # 城里脏水处理比例; 牛羊这些牲口; 市场一年能成交多少钱
    "圈里养着": "养", "圈里养的": "养", "养着": "养",  # 圈里养着多少头猪: the stock kept (养猪 of 生猪存栏)
    "圈里存着": "存栏", "供暖": "供热",  # 圈里存着的猪: 存栏; 集中供暖 is the plans' 集中供热
    "压能耗": "单位GDP能耗下降", "降能耗": "单位GDP能耗下降",  # 每年压能耗的力度: the yearly cut in energy per unit of GDP
}
_SPOKEN = sorted(SPOKEN, key=len, reverse=True)


def spoken_to_plan(text: str) -> str:
    """A question's spoken words written as plans print them (城里人可支配收入 → 城镇居民可支配收入), and the
    indicators said in spread-out everyday words (vocab.SPOKEN_NAMES) by their names."""
    for w in _SPOKEN:
        if w in text:
            if w.endswith("亿"):  # 几个亿 is money; 多少个亿元以上项目 counts projects
                text = re.sub(re.escape(w) + "(?!元)", SPOKEN[w], text)
            else:
                text = text.replace(w, SPOKEN[w])
    for rule, name in V.SPOKEN_NAMES:  # 树林要盖住全区多大比例 → 森林覆盖率多大比例; 活多少岁 → 人均预期寿命多少
        text = rule.re.sub(lambda m, name=name: name + "".join(re.findall(r"多少|几|多大", m.group())[:1]), text)
    return text


@functools.cache
def ontology() -> Ontology:
    data = json.loads(PATH.read_text(encoding="utf-8"))
    return Ontology([Indicator.model_validate(d) for d in data["indicators"]])


@functools.lru_cache(maxsize=65536)
def statement_indicator(name: str, label: str, stored: str | None) -> Indicator | None:
    """The ontology indicator a statement's name IS (its growth words and brackets ignored), else the one
    indicator its name is mostly made of; None when the name is something the ontology does not hold."""
    from qa.figures import vocab as V

    o = ontology()
    if V.SHARE_OF.search(name) and not o.exact(name):
        return None  # 工业增加值占GDP比重 is a share of 工业增加值, not the indicator itself
    counted = f"{name}数" if name and not name.endswith("数") else ""  # 每千常住人口医疗卫生机构床位 names …床位数
    for cand in (name, V.GROWTH_SUFFIX.sub("", name), re.sub(r"[（(][^（）()]*[)）]", "", name), stored or "", counted):
        if cand and (ind := o.exact(cand)):
            return ind
    for text in (name, label):
        found = o.find(text)
        if len(found) == 1:
            s, e, ind = found[0]
            han = len(re.findall(r"[\u4e00-\u9fffA-Za-z]", text))
            if han and (e - s) / han >= 0.6:
                return ind
    return None
