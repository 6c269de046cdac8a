"""Indicator vocabulary of Chinese plans: canonical names, synonyms and near-misses.

Plans name one indicator many ways (地区生产总值 / GDP / 生产总值) and name different
indicators almost alike (人均地区生产总值, 规模以上工业增加值). Retrieval expands a
question with synonyms; the extractive engine uses the same table to decide that a
span speaks of the indicator asked for, and refuses near-misses.
"""

from __future__ import annotations

import functools
import re

from qa.figures.ontology import ontology

# canonical name -> every name it goes by (plans' and people's), from the ontology (qa/figures/ontology.json)
SYNONYMS: dict[str, list[str]] = {i.name: i.names for i in ontology().indicators}
# indicators that contain another's name but are different things: asked for the
# key, a span that only names one of the values is a near-miss, and vice versa
NEAR_MISSES: dict[str, list[str]] = {i.name: list(i.not_) for i in ontology().indicators if i.not_}

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


# each alias's place in _ALIAS_TO_CANON by its first two characters: a text can only hold the aliases whose head
# it holds, so canon_text checks those few (in the same order) instead of every alias of the ontology
_BY_HEAD: dict[str, list[int]] = {}
for _i, (_alias, _canon) in enumerate(_ALIAS_TO_CANON):
    if _alias != _canon:
        _BY_HEAD.setdefault(_alias[:2], []).append(_i)


def _heads(text: str, after: int) -> list[int]:
    """The aliases (their places after ``after``) whose first two characters (or only one) ``text`` holds."""
    heads = {text[i : i + 2] for i in range(len(text) - 1)} | set(text)  # one character heads a one-character alias
    return sorted(i for h in heads for i in _BY_HEAD.get(h, ()) if i > after)


@functools.lru_cache(maxsize=16384)
def canon_text(text: str) -> str:
    """Write abbreviations out and every indicator alias as its canonical name, so 农民收入 and
    农村居民…, 新农合 and 新型农村合作医疗 compare. (Cached: a pure function the ranking calls per candidate.)
    Aliases are replaced longest first, each only where its canonical name is not printed yet."""
    out = text
    for short, full in ABBREVIATIONS.items():
        if short != full and short in out and full not in out:
            out = out.replace(short, full)
    todo, k = _heads(out, -1), 0
    while k < len(todo):
        i = todo[k]
        alias, canon = _ALIAS_TO_CANON[i]
        k += 1
        if alias in out and canon not in out:
            out = out.replace(alias, canon)
            todo, k = _heads(out, i), 0  # the text changed: the aliases after this one, against the new text
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


# English questions are read through the ontology's English names (longest first), then these generic words
ENGLISH_WORDS: list[tuple[str, str]] = [
    (r"\bwhich (?:of (?:the|these|those) (?:\w+ )?)?(?:plans?|regions?|places?|cities|city|areas?|districts?|ones?)\b",
     "哪个规划"),
    (r"\b(?:highest|largest|biggest|greatest|fastest|strongest|longest|deepest|steepest|sharpest|heaviest|"
     r"most (?:ambitious|aggressive|demanding))\b", "最高"),
    (r"\b(?:lowest|smallest|slowest|shortest|least|shallowest|mildest|gentlest|most (?:modest|conservative|cautious))\b",
     "最低"),
    (r"\b(?:higher|larger|bigger|greater|faster|longer|deeper|steeper|sharper|heavier|stronger)\b", "更高"),
    (r"\b(?:lower|smaller|slower|shorter|shallower|milder|gentler|weaker)\b", "更低"),
    # which plan targets more green space: a comparison (more than 50%: a bound, left to the figure)
    (r"((?:哪个规划|谁的).{0,80}?)\bmore\b(?!\s+than\b)|\bmore\b(?!\s+than\b)(?=.{0,80}\bor\b)", r"\1更多"),
    (r"((?:哪个规划|谁的).{0,80}?)\b(?:fewer|less)\b(?!\s+than\b)|\b(?:fewer|less)\b(?!\s+than\b)(?=.{0,80}\bor\b)",
     r"\1更少"),
    (r"\bwhose\b", "谁的"),
    (r"\bper (?:resident|person|capita|head|inhabitant|people|citizen)\b", "人均"),
    # compared with the end of the 10th FYP / with 2005: a base, not the year asked (比“十五”末降低20%)
    (r"\b(?:compared (?:with|to)|relative to|from) (?:the )?(?=(?:end|level) of (?:the )?(?:10th|tenth|11th|eleventh|"
     r"12th|twelfth|13th|thirteenth)\b|(?:the )?(?:19|20)\d\d(?:\s+levels?)?\b(?!\s*(?:-|to|until)))", "比"),
    (r"\b(?:vs\.?|versus|compared? (?:with|to))(?=\s)", "对比"),
    (r"\b(?:11th|eleventh)\b(?: five[- ]year plan| fyp)?", "十一五"), (r"\b(?:12th|twelfth)\b(?: five[- ]year plan| fyp)?", "十二五"),
    (r"\b(?:13th|thirteenth)\b(?: five[- ]year plan| fyp)?", "十三五"), (r"\b(?:14th|fourteenth)\b(?: five[- ]year plan| fyp)?", "十四五"),
    (r"\b(?:10th|tenth)\b(?: five[- ]year plan| fyp)?", "十五"), (r"\b(?:15th|fifteenth)\b(?: five[- ]year plan| fyp)?", "十五五"),
    (r"(?<![A-Za-z])(?:by |at |until )?(?:the )?end of (?:the )?(十[一二三四五六七八九]?五)", r"\1期末"),
    (r"\b(?:by |at |until )?(?:the )?end of the (?:plan|period|planning period)\b", "期末"),
    (r"\bbase(?:line)? year\b|\bstarting point\b", "基期"),
    (r"\beconomic growth\b|\bgrowth of (?:the |its |their )?economy\b", "地区生产总值增长"),  # the economy grows by its GDP
    (r"(?:average )?annual(?:ly)? (?:average )?growth(?: rate)?|grow(?:th)? (?:rate )?(?:each|per|a) year|"
     r"grow(?:th|s)? annually|annual(?:ly)? (?:increase|rise)", "年均增长"),
    (r"\b(?:average )?annual(?:ly)?\b(?=(?:\W+\w+){0,3}\W+(?:growth|grow|grows|increase|rise)\b)", "年均"),
    (r"\b(?:per|each|a) year\b|\bannual(?:ly)?\b", "每年"),  # how many tourists a year: a yearly level, not a growth rate
    (r"\b(?:growth rate|growth|increases?|increasing|rises?|rising)\b|\bgr(?:ow|ows|ew|own)\b(?!\s+(?:to|into)\b)", "增长"),
    (r"\b(?:reduc(?:e|tion)|decrease|decline|cut|fall|drop)\b", "下降"),
    # by what percentage should … grow: the size of a change, not a share of a whole
    (r"\bby (?:what|how (?:much|many)) (?:percentage|percent|per cent)(?: points?)?\b", "多少"),
    (r"\bshare\b|\bproportion\b|\bpercentage\b", "比重"),
    (r"\b(?:target(?:ed|s)?|planned|plans?|goal|aim(?:ed)?|expected|projected)\b", "目标"),
    (r"\bactual\b|\bachieved\b|\breached\b", "实现了"),
    (r"\b(?:by|in|for|until|of) (?=(?:19|20)\d\d)", "到"),
    # the nouns of descriptive questions (what are the four strategies → 四个战略是什么)
    *((rf"\b(?:{en}|{n})\s+(?:kinds|types|sorts|categories|forms) of\b", f"{zh}种")  # four kinds of housing: 四种
      for n, (en, zh) in enumerate((("two", "两"), ("three", "三"), ("four", "四"), ("five", "五"), ("six", "六")), 2)),
    (r"\b(?:two|(?<![\d.])2)\b(?=\s+[a-z])", "两个"), (r"\b(?:three|(?<![\d.])3)\b(?=\s+[a-z])", "三个"),
    (r"\b(?:four|(?<![\d.])4)\b(?=\s+[a-z])", "四个"), (r"\b(?:five|(?<![\d.])5)\b(?=\s+[a-z])", "五个"),
    (r"\b(?:six|(?<![\d.])6)\b(?=\s+[a-z])", "六个"),
    (r"\bstrateg(?:y|ies)\b", "战略"), (r"\bbrands?\b", "品牌"), (r"\bindustrial parks?\b", "工业园"),
    (r"\b(?:pillar|leading) industr(?:y|ies)\b", "主导产业"), (r"\bindustr(?:y|ies)\b", "产业"),
    (r"\bprojects?\b", "项目"), (r"\bpositioning\b|\b(?:role|position) (?=of|for|as)", "定位"),
    (r"\btouris(?:m|t)\b", "旅游"), (r"\bbases\b|\bbase\b(?! year)", "基地"),
    # how big is … economy, the size of the economy: the economy's size is its output (经济总量, GDP)
    (r"\b(?:size|scale) of (?:the |its |their )?(?:[a-z]+'s )?econom(?:y|ies)\b|\beconomic (?:size|scale|aggregate)\b",
     "经济总量"),
    (r"(\bhow (?:big|large)\b[^?.]*?)\b(?:the |its |their )?econom(?:y|ies)\b", r"\1经济总量"),
    (r"\bhow (?:much|many|high|large|big)\b", "多少"),
    (r"\bwhat (?:percentage|proportion|share|rate|level|value|figure|amount|number)\b", "多少"),
    # what … rate / capacity / area …: a measured quantity is asked (what water reuse rate does … aim for)
    (r"\bwhat\b(?=(?:\W+(?!are\b|is\b)[\w'-]+){0,5}?\W+(?:rates?|ratios?|capacity|area|output|values?|volume|"
     r"coverage|income|revenue|numbers?|totals?|length|levels?|amounts?|population|density|investment|consumption|"
     r"production|size|scale|percentage|share|proportion|figure|mileage|count|quantity|sales|spending|emissions?)\b)",
     "多少"),
    (r"\bwhich\b", "哪些"),
    (r"\bwhat (?:does|do)\b.*\bmean\b|\bwhat is meant by\b", "是指什么"),
    (r"\bwhat\b", "什么"),
]


@functools.cache
def _english() -> list[tuple[re.Pattern[str], str]]:
    names = [(re.compile(r"\b" + re.escape(_no_commas(e)).replace(r"\ ", r"[\s-]+").replace("'", "'?") + r"\b", re.I), ind.name)
             for e, ind in ontology().english()]
    return names + [(re.compile(p, re.I), zh) for p, zh in ENGLISH_WORDS]


MAX_NAME_GAP = 4  # other words a name's words may have between them (income … for urban residents)
_EN_STOP = frozenset({"of", "the", "and", "for", "in", "to", "a", "an", "by", "on", "s"})


def _stem(word: str) -> str:
    """exports → export, industries → industry: a name's words match a question's in either number."""
    w = word.lower()
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


# a question's word that stands for a name's word (how long residents live: people; the grain harvest: output)
EN_SAME = {"resident": ("people", "person"), "inhabitant": ("people", "person"), "citizen": ("people", "person"),
           "person": ("people",), "people": ("person",),
           "harvest": ("output",), "naturally": ("natural",), "grow": ("growth",), "produce": ("production", "output"),
           "enrollment": ("enrolment",), "enrolment": ("enrollment",),  # the two spellings
           "city": ("urban",), "mine": ("mined",)}  # city residents' income: the urban residents' of the names


def _forms(word: str) -> set[str]:
    """The names' words a question's word may stand for: itself in either number, and a verb's form for the name's
    (greening → green, crossed → crossing of border crossings); the bare cross of cross-border stays itself."""
    w = _stem(word)
    out = {w, *EN_SAME.get(w, ())}
    if len(w) > 5 and w.endswith(("ing", "ed")):
        root = w[: -3 if w.endswith("ing") else -2]
        out |= {root, root + "ing"}
    return out


def _tokens(text: str) -> list[str]:
    return [_stem(w) for w in re.findall(r"[a-z0-9&]+", _no_commas(text.lower())) if w not in _EN_STOP]


def _no_commas(text: str) -> str:
    """1,000 and 1000 are one number, in a question and in a name alike (beds per 1,000 residents)."""
    return re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)


def _english_names(text: str) -> str:
    """The ontology's English names found word by word in any order (per-capita disposable income … for urban
    residents → 城镇居民人均可支配收入): each name's words are replaced by its Chinese name, most words first."""
    words = list(re.finditer(r"[A-Za-z0-9&]+", text))
    free = {i for i, w in enumerate(words) if w.group().lower() not in _EN_STOP}
    by_word: dict[str, list[int]] = {}
    for i in sorted(free):
        for form in _forms(words[i].group()):
            by_word.setdefault(form, []).append(i)
    names = {(tuple(_tokens(e)), ind.name) for e, ind in ontology().english() if len(_tokens(e)) >= 1}
    put: dict[int, str] = {}
    drop: set[int] = set()
    while True:
        # the name with the most words found, then the one whose words stand closest together (import and
        # export trade is 进出口, not the export … value two words of it and a later one would make)
        best: tuple[int, int, str, tuple[str, ...], list[int]] | None = None
        for toks, zh in names:
            if len(toks) == 1 and len(toks[0]) < 3:
                continue
            # each of the first word's places anchors a reading; the name's other words are taken nearest to it
            # (how much per year … energy consumption per unit of GDP: the second per, not the first)
            for anchor in (i for i in by_word.get(toks[0], []) if i in free):
                picked = [anchor]
                for t in toks[1:]:
                    pos = min((i for i in by_word.get(t, []) if i in free and i not in picked),
                              key=lambda i: abs(i - anchor), default=None)
                    if pos is None:
                        break
                    picked.append(pos)
                else:
                    gaps = max(picked) - min(picked) + 1 - len(picked)
                    if gaps > MAX_NAME_GAP:  # trading volume … trade zone: words of two phrases are no name
                        continue
                    key = (-len(toks), gaps, zh, toks, picked)
                    if best is None or key[:4] < best[:4]:
                        best = key
        if best is None:
            break
        picked = best[4]
        put[min(picked)] = best[2]
        drop.update(picked)
        free -= set(picked)
    if not put:
        return text
    out, last = [], 0
    for i, w in enumerate(words):
        if i in drop:
            between = text[last : w.start()]
            if i - 1 in drop and re.fullmatch(r"[\s,.'-]*", between):
                between = ""  # per 10,000 yuan of GDP is one name: no comma or space of it stays behind
            out.append(between + put.get(i, ""))
            last = w.end()
    out.append(text[last:])
    return "".join(out)


def is_english(text: str) -> bool:
    """A question written in English (place names may already be in Chinese)."""
    return len(re.findall(r"[A-Za-z]{3,}", text)) >= 2 and len(re.findall(r"[\u4e00-\u9fff]", text)) <= len(text) / 3


# a plan's numbered slogans (一核两廊三区多点, 四大中心) asked in English: numerals and the nouns such slogans count
EN_NUMERALS = {"one": "一", "two": "两", "three": "三", "four": "四", "five": "五", "six": "六", "seven": "七",
               "eight": "八", "nine": "九", "ten": "十", "multiple": "多", "many": "多", "several": "多"}
EN_SLOGAN_NOUNS = {"core": "核", "corridor": "廊", "zone": "区", "area": "区", "belt": "带", "axis": "轴", "axe": "轴",
                   "point": "点", "center": "中心", "centre": "中心", "ring": "环", "circle": "圈", "cluster": "群",
                   "base": "基地", "park": "园", "line": "线", "wing": "翼", "pole": "极", "hub": "枢纽", "chain": "链",
                   "platform": "平台", "highland": "高地", "district": "区", "network": "网"}
_QUOTED_EN = re.compile(r"(?:(?<=\s)|^)[“\"‘']([A-Za-z][A-Za-z ,\-]{2,80}?)[”\"’'](?:\s*[（(]([\u4e00-\u9fff]{2,12})[)）])?")


def _slogan(english: str) -> str | None:
    """'one core, two corridors, three zones, multiple points' → 一核两廊三区多点; None unless every word is a
    numeral followed by a noun such slogans count."""
    words = [w for w in re.split(r"[\s,\-]+", english.lower()) if w and w != "and"]
    if len(words) < 2 or len(words) % 2:
        return None
    out = []
    for num, noun in zip(words[::2], words[1::2], strict=True):
        zh = EN_SLOGAN_NOUNS.get(_stem(noun)) or EN_SLOGAN_NOUNS.get(noun.rstrip("s"))
        if num not in EN_NUMERALS or zh is None:
            return None
        out.append(EN_NUMERALS[num] + zh)
    return "".join(out)


def _quoted_terms(text: str) -> str:
    """An English question's quoted term written as the plan's: its own Chinese when the user gave it in brackets
    (“strengthening the midstream” (做强中游)), or a numbered slogan ('one core' → “一核”)."""
    slogans: list[str] = []

    def put(m: re.Match[str]) -> str:
        zh = m.group(2) or _slogan(m.group(1))
        if zh and not m.group(2):
            slogans.append(zh)
        return f"“{zh}”" if zh else m.group()

    out = _QUOTED_EN.sub(put, text)
    # sand-fixing afforestation (封沙育林): the user's own Chinese stands for the English words right before it
    out = re.sub(r"(?:\b(?!(?:for|of|in|on|the|a|an|to|and|by|with|does|do|is|are)\b)[A-Za-z][A-Za-z'-]*\s+){1,3}"
                 r"[（(]([\u4e00-\u9fff]{2,12})[)）]", r"\1", out)

    def part(m: re.Match[str]) -> str:  # what are the two cores (of the “两核一带四区” quoted before): “两核”
        zh = _slogan(m.group())
        return f"“{zh}”" if zh and any(zh in s for s in slogans) else m.group()

    nums, nouns = "|".join(EN_NUMERALS), "|".join(EN_SLOGAN_NOUNS)
    return re.sub(rf"\b(?:{nums})\s+(?:{nouns})(?:e?s)?\b", part, out, flags=re.I) if slogans else out


def english_to_chinese(text: str) -> str:
    """An English question with its indicator words written in Chinese (GDP → 地区生产总值 …), so an
    English question answers the same as its Chinese twin; Chinese text is returned unchanged."""
    if not is_english(text):
        return text
    out = _english_names(_quoted_terms(_no_commas(text)))
    for pat, zh in _english():
        out = pat.sub(zh, out)
    return re.sub(r"(到(?:19|20)\d\d)(?![\d年])", r"\1年", out)  # 到2025 → 到2025年 (not PM2.5's 2)
