"""Place names: how users name a plan's region, and what the places a question names are to the store.

A region's short forms are derived by rule from its name, never listed per plan: 哈尔滨市双城区 → 双城区,
双城; 克拉玛依区 → 克拉玛依, 克区 (a long or transliterated stem shortens to its first character and the
suffix, as 乌鲁木齐市 → 乌市); 二连浩特市 → 二连 (a four-character stem to its first two). ``read_places`` then
sorts a question's place words (``qa.text.gazetteer``) into the plans the store holds, parents of a held
region (大庆市 when only 大庆市大同区 is held), and real places no plan covers (桃源县), so a phrase like 三区
is no place at all. Used at ingest (a plan's province) and at query time, so both read places alike.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from qa.models import Document
from qa.text.gazetteer import SUFFIXES, Place, PlaceMatch, gazetteer

PROVINCES = [
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
    "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆",
]
_SUFFIX = "(?:" + "|".join(SUFFIXES) + ")"
# division names that are also everyday words of plans (阳泉's 城区, 郊区, 矿区): never a place on their own
GENERIC = frozenset({"城区", "郊区", "矿区", "新城区", "老城区", "东区", "西区", "南区", "北区", "市中区", "新区", "市区",
                     "合作市", "项城市", "开发区", "高新区"})


def region_aliases(region: str | None) -> list[str]:
    """Ways a user names a region, by rule: the whole name, its last division, that division's stem, and the
    short forms of a long stem (克拉玛依区 → 克区, 二连浩特市 → 二连)."""
    return list(_aliases(region)) if region else []


@functools.lru_cache(maxsize=1 << 14)
def _aliases(region: str) -> tuple[str, ...]:
    """``region_aliases``, worked out once a region (a library of 1,000 plans asks them on every question)."""
    parts = re.findall(f".+?{_SUFFIX}", region) or [region]
    last = parts[-1]
    out = [region, last]
    suffix = re.search(f"{_SUFFIX}$", last)
    stem = last[: suffix.start()] if suffix else last
    if len(stem) >= 2:
        out.append(stem)
    if suffix and len(stem) >= 3:
        out.append(stem[0] + suffix.group(0))  # 克拉玛依区 → 克区
    if len(stem) >= 4:
        out.append(stem[:2])  # 二连浩特 → 二连
    for parent in parts[:-1]:  # 大庆大同区: the parent city's stem before the district
        p_stem = re.sub(f"{_SUFFIX}$", "", parent)
        if len(p_stem) >= 2:
            out.append(p_stem + last)
    return tuple(dict.fromkeys(out))


def place_words(region: str | None, province: str | None) -> list[str]:
    """Every place name a question about this plan may carry besides the region: its parent city
    (大庆 of 大庆市大同区) and province (黑龙江, 新疆 …), for dropping from the question's indicator words."""
    words = list(region_aliases(region))
    for part in re.findall(f".+?{_SUFFIX}", region or "")[:-1]:
        words += [part, re.sub(f"{_SUFFIX}$", "", part)]
    for p in gazetteer().resolve(region):
        words += [p.name, p.stem]
    if province:
        words.append(province)
    words += [p for p in PROVINCES if len(p) >= 2]
    return [w for w in dict.fromkeys(words) if len(w) >= 2]


def province_of(region: str | None) -> str | None:
    """The province a region lies in, by the gazetteer (大庆市大同区 → 黑龙江), or None when unknown."""
    chain = gazetteer().resolve(region)
    return chain[0].stem if chain and chain[0].level == "province" else None


@dataclass
class PlaceReading:
    """What the place words of a question are to the store."""

    held: list[str] = field(default_factory=list)  # ids of the plans whose region (or a part of it) is named
    parents: list[tuple[str, list[str]]] = field(default_factory=list)  # (a parent named alone, its held regions)
    unknown: list[str] = field(default_factory=list)  # real places no plan covers
    spans: list[tuple[int, int]] = field(default_factory=list)  # every place word's span in the text
    within: list[str] = field(default_factory=list)  # a county named inside a held city (平定县 in 阳泉市)

    def problem(self, docs: dict[str, Document]) -> tuple[str, str] | None:
        """(reason code, the reason in the user's words) when the question is about a place no plan covers."""
        if self.held:
            return None
        names = "、".join(sorted({d.named for d in docs.values()}))
        if self.parents:
            place, children = self.parents[0]
            return ("place_parent", f"本库没有{place}的规划，只有其下辖的{'、'.join(children)}的规划，"
                                    f"不能代表{place}（本库收录的地区：{names}）")
        if self.unknown:
            return "place_not_held", f"没有{self.unknown[0]}的规划（本库收录的地区：{names}）"
        return None


def held_key(docs: dict[str, Document]) -> tuple[tuple[str, str | None], ...]:
    """What every place reading of a library depends on: its plans and their regions (a cache key)."""
    return tuple((d.id, d.region) for d in docs.values())


def _held_forms(docs: dict[str, Document]) -> tuple[dict[str, object], dict[str, list[Place]]]:
    return _held_forms_of(held_key(docs))


@functools.lru_cache(maxsize=8)
def _held_forms_of(held: tuple[tuple[str, str | None], ...]) -> tuple[dict[str, object], dict[str, list[Place]]]:
    """Each held plan's short forms (by rule) → its doc ids, and each plan's division chain; the longer name
    still wins (大同市 is 山西's city, not 大同区). Once a library, not once a question (read-only)."""
    g = gazetteer()
    chains = {doc_id: g.resolve(region) for doc_id, region in held}
    forms: dict[str, set[str]] = {}
    for doc_id, region in held:  # a held plan's short form wins over a namesake it shares (大同 of 大同区, not 大同市)
        for a in region_aliases(region):
            forms.setdefault(a, set()).add(doc_id)
    return {k: sorted(v) for k, v in forms.items()}, chains


def read_places(text: str, docs: dict[str, Document]) -> PlaceReading:
    """The question's place words against the store: held plans, parents of held regions, places none covers."""
    forms, chains = _held_forms(docs)
    out = PlaceReading()
    for m in gazetteer().scan(text, forms):
        if not isinstance(m, PlaceMatch):
            start, end, ids = m
            out.spans.append((start, end))
            out.held += [i for i in ids if i not in out.held]  # type: ignore[union-attr]
            continue
        inside = any(ch and p.within(ch[-1]) for ch in chains.values() for p in m.places)
        if m.text in GENERIC or (len(m.text) == 2 and all(p.level == "county" for p in m.places) and not inside
                                 and m.text not in gazetteer().short):
            continue  # 城区, 和县 are words before they are places (盂县 inside a held 阳泉市 is a place; 珲春 十二五 is one)
        out.spans.append((m.start, m.end))
        own = [i for i, ch in chains.items() if ch and any(p.code == ch[-1].code or p.within(ch[-1]) for p in m.places)]
        if own:  # the region itself, or a county inside a held city (盂县 in 阳泉市)
            out.held += [i for i in own if i not in out.held]
            if not any(p.code == chains[i][-1].code for i in own for p in m.places):
                out.within.append(m.text)
            continue
        parent_of = [i for i, ch in chains.items() if ch and any(ch[-1].within(p) for p in m.places)]
        if parent_of:
            out.parents.append((m.text, sorted({docs[i].region or i for i in parent_of})))
        else:
            out.unknown.append(m.text)
    return out


EN_PLACE = re.compile(
    r"\b(?P<place>[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?|[a-z]{3,})(?:'s)?\s+(?P<kind>(?i:district|city|county|prefecture|province|"
    r"banner|league|region|municipality))\b|\b(?:in|of|for|at)\s+(?P<place2>[A-Z][a-z]{2,}(?:[ -][A-Z][a-z]+)?)"
    r"(?:\s+(?P<kind2>(?i:district|city|county|prefecture|province|banner|league|region|municipality)))?\b"
    r"|\b(?P<place3>[A-Z][a-z]{2,}(?:[ -][A-Z][a-z]+)?)'s\b|\b(?P<place4>[A-Z][a-z]{3,}(?:[ -]?[A-Z][a-z]+)?)\b")
EN_NOT_PLACES = frozenset({"The", "China", "Chinese", "Plan", "Five", "Year", "What", "How", "Which", "When", "Where",
                           "Does", "Did", "Will", "Was", "Were", "Are", "Is", "According", "Under", "During", "Between",
                           "Compare", "List", "Give", "Tell", "Please", "Target", "Goal", "Total", "Average", "Annual",
                           "Per", "Urban", "Rural", "Gross", "Regional", "Local", "National", "Eleventh", "Twelfth",
                           "Fourteenth", "Thirteenth", "Tenth", "Fifteenth", "Period", "Plan's", "District", "City",
                           "County", "Province", "Region", "Mongolia", "Inner", "Russia", "Beijing-Tianjin",
                           # words that open a question before the places it compares (Among Datong District …)
                           "Among", "Across", "Both", "Comparing", "Rank", "Ranking", "Whose", "Who", "Name", "Show", "Sort"})
EN_NOT_PLACES_LOWER = frozenset({"the", "this", "that", "which", "what", "each", "every", "rural", "urban", "central",
                                 "whole", "entire", "industrial", "new", "development", "economic", "per", "same"})
EN_SUFFIX = {"district": "区", "city": "市", "county": "县", "prefecture": "州", "province": "省", "banner": "旗",
             "league": "盟", "region": "区", "municipality": "市"}


def _pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin  # only for questions with Latin letters

    return "".join(lazy_pinyin(text)).lower()


def _near(key: str, held: dict[str, str], least: float) -> str | None:
    """A held region whose pinyin an English exonym spells loosely (Harbin ~ haerbin, Karamay ~ kelamayi,
    Erenhot ~ erlianhaote): same first letter, most letters in order."""
    from difflib import SequenceMatcher

    best = max(((SequenceMatcher(None, key, k).ratio(), h) for k, h in held.items() if k[:1] == key[:1]),
               default=(0.0, None))
    return best[1] if best[0] >= least else None


def english_places(text: str, docs: dict[str, Document]) -> tuple[str, list[str], dict[str, str]]:
    """An English question with the place names it spells in pinyin written in Chinese (Datong district →
    大同区, Daqing → 大庆市, Shanxi Province → 山西省), and the capitalised place names (X city/district …) that
    are no division at all (Mars City), and the names it wrote as they were spelled (上海市 → Shanghai). Held plans'
    short forms are tried first."""
    if not re.search(r"[A-Za-z][a-z]{2,}", text):  # GDP, CPI in a Chinese question spell no place
        return text, [], {}
    held: dict[str, str] = {}
    for d in docs.values():
        for a in region_aliases(d.region):
            stem = re.sub(f"{_SUFFIX}$", "", a)
            if len(stem) >= 2:
                held.setdefault(_pinyin(stem), a)
    by_pinyin, cities = gazetteer().by_pinyin, gazetteer().cities_by_pinyin
    unknown: list[str] = []
    named: dict[str, str] = {}
    out = text
    for m in EN_PLACE.finditer(text):
        name = next(g for g in (m.group("place"), m.group("place2"), m.group("place3"), m.group("place4")) if g)
        kind = (m.group("kind") or m.group("kind2") or "").lower()
        name = re.sub(r"^(?:In|Of|For|At|The|And|To|By|From|With)\s+", "", name)  # "In Datong District"
        words = name.split()
        if len(words) > 1 and words[0] in EN_NOT_PLACES:
            words = words[1:]  # "Between Karamay District", "Between Erenhot's": the place follows
        name = " ".join(words)
        if name in EN_NOT_PLACES or words[0] in EN_NOT_PLACES or name.lower() in EN_NOT_PLACES_LOWER:
            continue
        if len(words) > 1 and words[-1].lower() in EN_SUFFIX:  # "of Datong District": the kind came with the name
            kind, name = words[-1].lower(), " ".join(words[:-1])
        key = re.sub(r"[\s'-]+", "", name).lower()
        zh = held.get(key) or (by_pinyin[key][0].name if key in by_pinyin else None) \
            or (cities[key][0].name if key in cities else None) or _near(key, held, 0.64) \
            or _near(key, {k: v[0].name for k, v in by_pinyin.items()}, 0.8)
        if zh is not None:
            named[zh] = name
            out = re.sub(rf"\b{re.escape(name)}(?:\s+(?i:{kind}))?\b" if kind else rf"\b{re.escape(name)}\b", zh, out,
                         count=1)
        elif kind and name[:1].isupper():  # "wants city residents": a lower-case word no gazetteer spells is no name
            unknown.append(f"{name} {kind}")
    return out, unknown, named
