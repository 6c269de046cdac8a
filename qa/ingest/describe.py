"""What a plan is: title, region, province and plan period, read from the document's own opening lines."""

from __future__ import annotations

import re
from pathlib import Path

from qa.models import PLAN_PERIODS, Document
from qa.text.clean import Cleaned
from qa.text.places import PROVINCES

CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def cn_number(s: str) -> int:
    """十一 → 11, 十四 → 14, 十 → 10 (enough for plan numbers)."""
    if s.isdigit():
        return int(s)
    if s.startswith("十"):
        return 10 + (CN_DIGITS.get(s[1:], 0) if len(s) > 1 else 0)
    if "十" in s:
        a, _, b = s.partition("十")
        return CN_DIGITS.get(a, 0) * 10 + (CN_DIGITS.get(b, 0) if b else 0)
    return CN_DIGITS.get(s, 0)


PLAN_RE = re.compile(r"第([一二三四五六七八九十\d]{1,3})个五年|“?([一二三四五六七八九十]{1,3})五”?(?:规划|计划|时期|期间)")
REGION_RE = re.compile(
    r"^[《“]?((?:[\u4e00-\u9fff]{1,12}?(?:省|自治区|市|自治州|州|地区|盟|县|自治县|区|旗|新区)){1,3})"
    r"(?=国民经济|经济和社会|经济社会|第[一二三四五六七八九十]+个五年|“?十)"
)

def plan_of(text: str) -> str | None:
    for m in PLAN_RE.finditer(text):
        n = cn_number(m.group(1)) if m.group(1) else cn_number(m.group(2))
        name = {10: "十五"}.get(n) or (f"十{'一二三四五六七八九'[n - 11]}五" if 11 <= n <= 19 else None)
        if name:
            return name
    return None


def describe(doc_id: str, path: Path, cleaned: Cleaned, sha: str, encoding: str) -> Document:
    """Title, region and plan period read from the document's own opening lines."""
    lines = [ln.strip() for ln in cleaned.text.split("\n")[:8] if ln.strip()]
    title_parts: list[str] = []
    for ln in lines:
        title_parts.append(ln)
        if re.search(r"(规划|纲要|计划)$", ln) or len("".join(title_parts)) > 60:
            break
    title = "".join(title_parts)[:80] if title_parts else path.stem
    head = cleaned.text[:3000]
    plan = plan_of(title) or plan_of(head)
    region = None
    m = REGION_RE.match(title)
    if m:
        region = m.group(1)
    period = PLAN_PERIODS.get(plan or "")
    counts = {p: cleaned.text.count(p) for p in PROVINCES}
    best = max(counts, key=counts.__getitem__)
    province = None
    if region and any(region.startswith(p) for p in PROVINCES):
        province = next(p for p in PROVINCES if region.startswith(p))
    elif counts[best] >= 5 and sorted(counts.values())[-2] * 3 <= counts[best]:
        province = best
    return Document(
        id=doc_id, path=str(path), title=title, region=region, province=province, plan=plan,
        period_start=period[0] if period else None, period_end=period[1] if period else None,
        sha256=sha, chars=len(cleaned.text), encoding=encoding,
    )
