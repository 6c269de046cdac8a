"""Place names: how users name a plan's region (哈尔滨市双城区 → 双城区, 双城) and the provinces.

Used when a document is described at ingest and when a question is scoped or stripped of place
words at query time, so both read places the same way.
"""

from __future__ import annotations

import re

PROVINCES = [
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
    "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆",
]



def place_words(region: str | None, province: str | None) -> list[str]:
    """Every place name a question about this plan may carry besides the region: its parent city
    (大庆 of 大庆市大同区) and province (黑龙江, 新疆 …), for dropping from the question's indicator words."""
    words = list(region_aliases(region))
    for part in re.findall(r".+?(?:自治区|自治州|自治县|新区|省|市|州|地区|盟|县|区|旗)", region or "")[:-1]:
        words += [part, re.sub(r"(?:自治区|自治州|自治县|新区|省|市|州|地区|盟|县|区|旗)$", "", part)]
    if province:
        words.append(province)
    words += [p for p in PROVINCES if len(p) >= 2]
    return [w for w in dict.fromkeys(words) if len(w) >= 2]


def region_aliases(region: str | None) -> list[str]:
    """Ways a user names a region: 哈尔滨市双城区 → 哈尔滨市双城区, 双城区, 双城."""
    if not region:
        return []
    parts = re.findall(r".+?(?:自治区|自治州|自治县|新区|省|市|州|地区|盟|县|区|旗)", region) or [region]
    last = parts[-1]
    out = [region, last]
    stem = re.sub(r"(?:自治区|自治州|自治县|新区|省|市|州|地区|盟|县|区|旗)$", "", last)
    if len(stem) >= 2:
        out.append(stem)
    return list(dict.fromkeys(out))
