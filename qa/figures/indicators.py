"""Indicator vocabulary of Chinese plans: canonical names, synonyms and near-misses.

Plans name one indicator many ways (地区生产总值 / GDP / 生产总值) and name different
indicators almost alike (人均地区生产总值, 规模以上工业增加值). Retrieval expands a
question with synonyms; the extractive engine uses the same table to decide that a
span speaks of the indicator asked for, and refuses near-misses.
"""

from __future__ import annotations

import functools
import re

# canonical name -> ways plans write it (longest first matters only for display)
SYNONYMS: dict[str, list[str]] = {
    "地区生产总值": ["地区生产总值", "生产总值", "GDP", "gdp", "国内生产总值", "经济总量"],
    "人均地区生产总值": ["人均地区生产总值", "人均生产总值", "人均GDP", "人均gdp"],
    "一般公共预算收入": ["一般公共预算收入", "一般预算收入", "地方一般预算收入", "公共财政预算收入"],
    "财政收入": ["财政收入", "财政总收入", "地方财政收入", "全口径财政收入"],
    "社会消费品零售总额": ["社会消费品零售总额", "社会商品零售总额", "社会消费品零售额", "社消零"],
    "城镇居民人均可支配收入": ["城镇居民人均可支配收入", "城镇居民可支配收入", "城镇居民收入", "城镇常住居民人均可支配收入",
                    "城区居民人均可支配收入"],
    "农村居民人均纯收入": ["农村居民人均纯收入", "农民人均纯收入", "农村人均纯收入", "农牧民人均纯收入",
                   "农村居民人均可支配收入", "农民收入", "农民人均收入"],
    "工业增加值": ["工业增加值", "工业经济增加值"],
    "规模以上工业增加值": ["规模以上工业增加值", "规上工业增加值"],
    "规模以上工业总产值": ["规模以上工业总产值", "规上工业总产值"],
    "固定资产投资": ["固定资产投资", "全社会固定资产投资"],
    "第一产业增加值": ["第一产业增加值", "一产增加值"],
    "第二产业增加值": ["第二产业增加值", "二产增加值"],
    "第三产业增加值": ["第三产业增加值", "服务业增加值", "三产增加值"],
    "进出口总额": ["进出口总额", "进出口贸易额", "外贸进出口总额", "对外贸易总额"],
    "森林覆盖率": ["森林覆盖率"],
    "绿化覆盖率": ["绿化覆盖率"],
    "林木覆盖率": ["林木覆盖率"],
    "城镇化率": ["城镇化率", "城镇化水平", "城市化率", "城市化水平"],
    "城镇登记失业率": ["城镇登记失业率", "城镇人口登记失业率", "登记失业率", "失业率"],
    "人口自然增长率": ["人口自然增长率"],
    "人均预期寿命": ["人均预期寿命", "人均期望寿命", "平均预期寿命", "人口平均预期寿命", "人均寿命", "人口预期寿命",
               "居民平均期望寿命", "居民平均寿命", "平均期望寿命", "居民预期寿命", "平均寿命"],
    "单位GDP能耗": ["单位GDP能源消耗", "单位GDP能耗", "万元GDP能耗", "万元地区生产总值能耗",
                "单位地区生产总值能耗", "单位生产总值能耗", "万元生产总值能耗", "万元地区生产总值综合能耗",
                "万元生产总值综合能耗", "单位地区生产总值综合能耗", "万元GDP综合能耗", "单位GDP综合能耗",
                "单位地区生产总值能源消耗", "万元地区生产总值能源消耗"],
}

# indicators that contain another's name but are different things: asked for the
# key, a span that only names one of the values is a near-miss, and vice versa
NEAR_MISSES: dict[str, list[str]] = {
    "地区生产总值": ["人均地区生产总值", "人均生产总值", "人均GDP", "单位GDP", "单位地区生产总值", "万元GDP",
               "亿元生产总值", "万元生产总值", "占GDP", "占地区生产总值", "占生产总值"],
    "工业增加值": ["规模以上工业增加值", "规上工业增加值"],
    "社会消费品零售总额": [],
    "森林覆盖率": ["绿化覆盖率", "林木覆盖率", "林草覆盖率"],
    "绿化覆盖率": ["森林覆盖率"],
    "城镇居民人均可支配收入": ["农村居民", "农民", "农牧民"],
    "农村居民人均纯收入": ["城镇居民"],
}

# indicators whose value is a level although their name holds a growth word (人口自然增长率控制在6‰:
# 6‰ is where the rate stands, not a growth of something), and every name plans print them by
LEVEL_RATES = ("人口自然增长率",)
RATE_NAMES: tuple[str, ...] = tuple(sorted({a for c in LEVEL_RATES for a in SYNONYMS.get(c, [c])}, key=len,
                                           reverse=True))

_ALIAS_TO_CANON: list[tuple[str, str]] = sorted(
    ((alias, canon) for canon, aliases in SYNONYMS.items() for alias in aliases),
    key=lambda x: -len(x[0]),
)


# the short forms people type for the long forms plans print (not indicators of their own)
ABBREVIATIONS: dict[str, str] = {
    "新农合": "新型农村合作医疗", "居委会": "居民委员会", "村委会": "村民委员会", "直选": "直接选举",
    "电脑": "计算机", "固投": "固定资产投资", "社零": "社会消费品零售总额", "规上": "规模以上",
    "一产": "第一产业", "二产": "第二产业", "三产": "第三产业", "R&D": "研究与开发", "研发": "研究与开发",
    "高企": "高新技术企业",
}


@functools.lru_cache(maxsize=16384)
def canon_text(text: str) -> str:
    """Write abbreviations out and every indicator alias as its canonical name, so 农民收入 and
    农村居民…, 新农合 and 新型农村合作医疗 compare. (Cached: a pure function the scorer calls per candidate.)"""
    out = text
    for short, full in ABBREVIATIONS.items():
        if short != full and short in out and full not in out:
            out = out.replace(short, full)
    for alias, canon in _ALIAS_TO_CANON:
        if alias != canon and alias in out and canon not in out:
            out = out.replace(alias, canon)
    return out


def canonical_indicators(text: str) -> list[str]:
    """Canonical indicators named in ``text``, longest alias first, without overlaps."""
    return list(_canonical_indicators(text))


@functools.lru_cache(maxsize=16384)
def _canonical_indicators(text: str) -> tuple[str, ...]:
    found: list[tuple[int, int, str]] = []
    taken = [False] * len(text)
    for alias, canon in _ALIAS_TO_CANON:
        if alias not in text:
            continue
        for m in re.finditer(re.escape(alias), text):
            if not any(taken[m.start() : m.end()]):
                found.append((m.start(), m.end(), canon))
                for i in range(m.start(), m.end()):
                    taken[i] = True
    found.sort()
    return tuple(dict.fromkeys(c for _, _, c in found))


def aliases(canon: str) -> list[str]:
    return SYNONYMS.get(canon, [canon])


def expand_query(text: str) -> str:
    """Append the other names of every indicator the question names (GDP → 地区生产总值 …)."""
    extra: list[str] = []
    for canon in canonical_indicators(text):
        extra.extend(a for a in SYNONYMS[canon][:3] if a not in text)
    return text + (" " + " ".join(extra) if extra else "")


def _norm(text: str) -> str:
    from qa.text.numbers import halfwidth

    return re.sub(r"\s+", "", re.sub(r"</?[a-zA-Z][a-zA-Z0-9]{0,10}\s*/?>|\*\*", "", halfwidth(text))).lower()


_EXACT: dict[str, str] = {_norm(a): c for c, names in SYNONYMS.items() for a in names}


def alias_canon(name: str) -> str | None:
    """The canonical indicator when ``name`` is one of its printed names (spaces and width ignored)."""
    return _EXACT.get(_norm(name))


# English questions about the main indicators are read through their Chinese names (longest first)
ENGLISH: list[tuple[str, str]] = [
    (r"(?:gdp|gross domestic product) per capita|per[- ]capita (?:gdp|gross domestic product)", "人均地区生产总值"),
    (r"(?:regional |local )?(?:gdp|gross (?:regional|domestic) product)", "地区生产总值"),
    (r"(?:per[- ]capita )?disposable income of urban residents|urban (?:residents'? )?(?:per[- ]capita )?"
     r"(?:disposable )?income", "城镇居民人均可支配收入"),
    (r"(?:per[- ]capita )?net income of (?:rural residents|farmers)|(?:rural|farmers'?) (?:residents'? )?"
     r"(?:per[- ]capita )?(?:net |disposable )?income", "农村居民人均纯收入"),
    (r"urbani[sz]ation(?: rate| level)?", "城镇化率"),
    (r"forest(?:ry)? (?:coverage|cover)(?: rate)?", "森林覆盖率"),
    (r"(?:registered )?(?:urban )?unemployment(?: rate)?", "城镇登记失业率"),
    (r"(?:fiscal|government|public) (?:revenue|income)|revenue", "财政收入"),
    (r"(?:fixed[- ]asset|fixed capital) investment", "固定资产投资"),
    (r"(?:total )?retail sales(?: of consumer goods)?", "社会消费品零售总额"),
    (r"(?:average )?annual(?:ly)? (?:average )?growth(?: rate)?|grow(?:th)? (?:rate )?(?:each|per|a) year|"
     r"annual(?:ly)?", "年均增长"),
    (r"growth rate|growth", "增长"),
    (r"\b(?:target(?:ed)?|planned|goal|aim(?:ed)?|expected|projected)\b", "目标"),
    (r"\b(?:by|in|for|until) (?=(?:19|20)\d\d)", "到"),
    (r"\bhow (?:much|many|high)\b|\bwhat\b", "多少"),
]
_ENGLISH = [(re.compile(p, re.I), zh) for p, zh in ENGLISH]


def english_to_chinese(text: str) -> str:
    """An English question with its indicator words written in Chinese (GDP → 地区生产总值 …), so an
    English question answers the same as its Chinese twin; Chinese text is returned unchanged."""
    if not re.search(r"[A-Za-z]{3,}", text) or re.search(r"[\u4e00-\u9fff]{4,}", text):
        return text
    out = text
    for pat, zh in _ENGLISH:
        out = pat.sub(zh, out)
    return re.sub(r"(?<=\d)\s*(?=[^\d\s年])", "年", out, count=1) if re.search(r"到(?:19|20)\d\d(?!年)", out) else out
