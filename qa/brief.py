"""Structured, cited briefs of plans, in batch, and one indicator compared across plans.

A brief is region, plan period, a short summary made of the plan's own sentences, the
headline indicators (from its 主要指标表 when it has one, else from the sentences of its
发展目标 / 主要目标 sections), and the industries, projects and strategies it names. Every
field carries a ``Citation`` into the original file and the models refuse a value that its
quote does not print (``qa.models.Indicator`` / ``Brief``).

Two engines: ``extractive`` (default, offline, rules only) and ``llm`` (map over sections,
reduce, every item re-grounded in the document before it is kept). ``qa brief`` writes one
JSON and one Markdown per plan plus an index, skips plans whose source and settings did not
change, and reports failing plans one line each without stopping the batch.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError, field_validator

from qa.text.clean import Cleaned
from qa.extract import BOUND_POST, BOUND_PRE, NUMBER, PLAN_NAME, UNITS, YEAR_NUM
from qa.figures.indicators import SYNONYMS
from qa.models import PLAN_PERIODS, Brief, Citation, Document, Indicator
from qa.text.numbers import canonical

if TYPE_CHECKING:
    from qa.config import Settings
    from qa.ingest import SourceFile

BRIEF_VERSION = "brief-5"  # bump when extraction or the file layout changes: every brief is rebuilt
SUMMARY_MAX = 300
MAX_ITEMS = 15
MAX_PROJECTS = 20

BriefItem = Brief.Item


class BriefError(Exception):
    """A one-line reason one plan's brief could not be made."""


# --------------------------------------------------------------------------- names


_ALIAS_CANON = {Indicator.norm(a).lower(): c for c, aliases in SYNONYMS.items() for a in aliases}
_GROWTH_SUFFIX = re.compile(r"(?:年均)?(?:增长率|增长速度|增速|增长)$")


def canonical_name(name: str) -> str | None:
    """The canonical indicator a printed name is (``生产总值`` → 地区生产总值), growth suffix ignored.

    Only a whole-name match counts, so near-misses (人均地区生产总值, 工业增加值占GDP比重)
    never resolve to the indicator they contain.
    """
    n = Indicator.norm(name).lower()
    for cand in (n, _GROWTH_SUFFIX.sub("", n)):
        if cand in _ALIAS_CANON:
            return _ALIAS_CANON[cand]
    return None


def _fmt(v: float | None) -> str:
    return "" if v is None else canonical(format(v, "f"))


# --------------------------------------------------------------------------- document view


@dataclass
class Heading:
    start: int  # cleaned offsets of the heading line
    end: int
    level: int
    title: str
    path: str


@dataclass
class Unit:
    start: int  # cleaned offsets
    end: int
    text: str
    section: str
    kind: str
    line: int  # index of the paragraph (line) it belongs to


@dataclass
class DocView:
    """One plan as the extractors see it: cleaned sentences with sections, headings, offsets."""

    doc: Document
    original: str
    cleaned: Cleaned
    units: list[Unit]
    headings: list[Heading]

    @classmethod
    def of(cls, src: SourceFile, doc: Document | None = None) -> DocView:
        from qa.text.chunk import blocks

        cleaned = src.cleaned
        line_starts = [0] + [m.end() for m in re.finditer("\n", cleaned.text)]
        import bisect

        units: list[Unit] = []
        for b in blocks(cleaned):
            for u in b.units:
                line = bisect.bisect_right(line_starts, u.start) - 1
                units.append(Unit(u.start, u.end, u.text, b.section, b.kind, line))
        return cls(doc or src.doc, src.text, cleaned, units, _outline(cleaned))

    def cite(self, cs: int, ce: int, section: str = "") -> Citation:
        """Citation of cleaned [cs, ce): the original file's exact text there."""
        os_, oe = self.cleaned.orig_span(cs, ce)
        return Citation(doc_id=self.doc.id, section=section, start=os_, end=oe, quote=self.original[os_:oe])

    def locate(self, quote: str, section: str = "") -> Citation | None:
        """Where a quoted passage (spaces and full/half width ignored) is in the document, or None."""
        want = Indicator.norm(quote).strip()
        if len(want) < 2:
            return None
        norm, idx = self._normalized()
        pos = norm.find(want)
        if pos < 0:
            return None
        cs, ce = idx[pos], idx[pos + len(want) - 1] + 1
        return self.cite(cs, ce, section or self.section_at(cs))

    def section_at(self, pos: int) -> str:
        best = ""
        for u in self.units:
            if u.start <= pos:
                best = u.section
            else:
                break
        return best

    _norm_cache: tuple[str, list[int]] | None = None

    def _normalized(self) -> tuple[str, list[int]]:
        if self._norm_cache is None:
            chars: list[str] = []
            idx: list[int] = []
            for i, ch in enumerate(self.cleaned.text):
                if ch.isspace():
                    continue
                chars.append(ch)
                idx.append(i)
            self._norm_cache = ("".join(chars), idx)
        return self._norm_cache


def _outline(cleaned: Cleaned) -> list[Heading]:
    """Heading lines with their section paths (the same outline rules as qa.text.chunk.blocks)."""
    from qa.text.chunk import _lines, heading_level

    stack: list[tuple[int, str]] = []
    out: list[Heading] = []
    for pos, line in _lines(cleaned.text):
        level = heading_level(line) if line.strip() else None
        if level is None:
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        title = line.strip()
        stack.append((level, title))
        lead = len(line) - len(line.lstrip())
        out.append(Heading(pos + lead, pos + lead + len(title), level, title, " > ".join(t for _, t in stack)))
    return out


_HEADING_NUMBER = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[篇章节部分]+\s*|[一二三四五六七八九十]+[、.．]\s*|[（(][一二三四五六七八九十\d]+[)）]\s*"
    r"|\d{1,2}[.、．]\s*|专栏\s*[-—]?\s*\d*\s*)"
)


@lru_cache(maxsize=4096)
def heading_title(text: str) -> str:
    """``二、发展目标`` → 发展目标; ``专栏-3现代产业…`` → 现代产业…"""
    return _HEADING_NUMBER.sub("", text.strip()).strip()


# --------------------------------------------------------------------------- sections


@lru_cache(maxsize=4096)
def is_target_section(section: str) -> bool:
    """发展目标 / 主要目标 / …指标 sections (not 远景目标): where a plan states its targets."""
    parts = [p for p in section.split(" > ") if p]
    for i, part in enumerate(parts):
        t = re.sub(r"[(（][^)）]*[)）]$", "", heading_title(part)).strip()
        if "远景" in part or not re.search(r"(?:目标|指标|指标表)$", t) or len(t) > 20:
            continue
        if i == len(parts) - 1 or not re.search(r"[和与及、，]", t):
            return True
    return False


_BASELINE_WORDS = re.compile(r"基础(?!设施)|回顾|成就|现实|成绩|完成情况")
_OTHER_TOPIC = re.compile(r"目标|指标|指导|原则|形势|任务|思路|战略|机遇|挑战|问题|设想|定位|重点")


@lru_cache(maxsize=4096)
def is_baseline_section(section: str) -> bool:
    """Sections that report where the plan starts from (发展基础, “十五”主要成就, 现实基础 …).

    The deepest heading that speaks of either decides: ``发展基础 > （一）经济发展`` is a
    baseline, ``发展基础、形势与预期 > 三、…发展目标`` is not.
    """
    if is_target_section(section):
        return False
    for part in reversed([p for p in section.split(" > ") if p]):
        if _BASELINE_WORDS.search(part):
            return True
        if _OTHER_TOPIC.search(part):
            return False
    return False


def _category_of(section: str) -> str | None:
    last = section.split(" > ")[-1] if section else ""
    t = re.sub(r"[(（][^)）]*[)）]$", "", heading_title(last))
    t = re.sub(r"(?:类指标|指标|类目标|目标)$", "", t)
    if not t or t in ("发展", "主要", "总体", "奋斗", "规划", "主要发展") or re.search(r"[，、。“”]", t) or len(t) > 8:
        return None
    return t


# --------------------------------------------------------------------------- prose targets
#
# The vocabulary is qa.extract's (UNITS, NUMBER, BOUND_PRE/BOUND_POST, YEAR_NUM, PLAN_NAME): one list of
# units and bounds for the project. The clause walk below stays brief's own, on purpose: a brief row
# needs what a Figure does not carry (the base of 由X提高到Y, a level told from a growth rate or a
# change, breakdowns after 其中, a quote cut to the clauses that state it), and on the seeds'
# target sections extract.sentence_figures agrees with it on 125 of 132 name/value pairs, the other
# 7 with worse names (人口自然 for 人口自然增长率, 固定资产投资五年) that the pinned briefs would lose.

VALUE_RE = re.compile(  # a figure of prose: not a range end (5-8%), a ratio part, a rank (第3) or a rate base (每10万)
    rf"(?<![\d.每第×xX/\-—~～])(?P<num>{NUMBER})(?![\d.])(?P<unit>{UNITS})?(?P<qual>{BOUND_POST})?(?![\-—~～])"
)
_CLAUSE_SPLIT = re.compile(r"[，,；;。！？!?]|(?<!\d)[：:]|[：:](?!\d)")
_RATIO = re.compile(r"\d\s*[：:]\s*\d")
_YEAR_IN = re.compile(rf"(?:到|至|截至|截止到?)?({YEAR_NUM})年(?:底|末|前)?(?:的)?")
_YEAR_BARE = re.compile(rf"(?:{YEAR_NUM})年(?:底|末|前)?(?:的)?")
_PLAN_TIME = "期末|末期|末|期间|时期|期内"
_PLAN_CUE = re.compile(rf"“?({PLAN_NAME})[”“\"]?({_PLAN_TIME})")
_LEAD = re.compile(
    rf"^(?:[、，,：:；;\s—\-－]+|其中|(?:到|至|截至)?(?:{YEAR_NUM})年(?:底|末)?(?:的)?|“?(?:{PLAN_NAME})[”“\"]?(?:{_PLAN_TIME})?"
    r"|今后五年|五年(?:内|间)?|期末|期内|预计|计划|力争|争取|预期|确保|努力|使|将|要|全区|全市|全县|全旗|全省|全州|我区|我市|我县|区域"
    r"|辖区内|可|实现了|实现|完成了|完成|累计|共|要求)"
)
_TRAIL = re.compile(
    r"(?:计划|可|将|要|力争|预计|实现|达到了|达到|达|提高到|提升到|增加到|增长到|增至|上升到|发展到|下降到|降低到|降至|提高至|提升至|增加至|"
    rf"{BOUND_PRE}|维持在|控制|保持|稳定|为|在|完成|年均增长|年均递增|年均提高|"
    r"年均下降|年均增速|平均每年增长|每年|均|的|分别|累计|总计|共计)$"
)
_GROWTH_CUE = re.compile(r"(?:年均|平均每年|每年)(?:增长|递增|增速|提高|上涨|增加)(?:速度)?(?:达到了|达到|为|在|保持在)?$")
_DECLINE_CUE = re.compile(r"(?:年均|平均每年|每年)(?:下降|降低|递减|减少)$")
_CHANGE_CUE = re.compile(r"(?:下降|降低|减少|降|提高|增长|增加|上升|翻)(?:了)?$")
_FROM_CUE = re.compile(r"由(?:现在的|目前的|原来的|原有的|.{0,8}的)?$")
# a bound printed before the figure (不低于5%); 控制在/保持在/稳定在 set a level and are name verbs here
_PRE_QUAL = re.compile(rf"({'|'.join(q for q in BOUND_PRE.split('|') if not q.endswith('在'))})$")
_VERB_START = re.compile(r"^(?:重点|推进|加快|实施|建设|推动|打造|积极|大力|着力|引进|新建|扩建|开展|组织|围绕|通过|依托)")
_SCOPE_WORDS = {"城镇", "农村", "城市", "城乡", "总数", "总量", "合计", "总计", "全年", "人均", "年均", "比重", "其中", "规模"}


@dataclass
class _Found:
    name: str
    first_clause: int
    last_clause: int
    target: tuple[float, str | None, str | None, int | None] | None = None  # value, unit, qualifier, year
    base: tuple[float, str | None, int | None] | None = None
    growth: tuple[float, str | None] | None = None  # value (negative for 下降), qualifier


def clean_name(seg: str) -> str:
    """The indicator name in the text before a figure: time words, scope words and verbs removed."""
    s = seg
    s = re.sub(r"[（(][^（）()]*[)）]$", "", s)
    for _ in range(8):
        before = s
        s = _LEAD.sub("", s)
        s = _TRAIL.sub("", s)
        s = re.sub(r"[（(][^（）()]*[)）]$", "", s)
        s = s.strip(" 　\t、，,：:；;")
        if s == before:
            break
    return s


def _valid_name(name: str) -> bool:
    return (
        2 <= len(name) <= 40
        and bool(re.search(r"[\u4e00-\u9fff]", name))
        and not re.match(r"^[占比较与和及或同由等]", name)
        and not _VERB_START.match(name)
        and name not in _SCOPE_WORDS
        and not re.search(r"[。！？]", name)
        and not re.fullmatch(r"[\d.%]+", name)
    )


def _plan_end(name: str) -> int | None:
    p = PLAN_PERIODS.get(name)
    return p[1] if p else None


def _mask_brackets(text: str) -> str:
    """Text with the inside of （…）/(…)/“…” blanked (same length) so splitting ignores them."""
    out = list(text)
    depth = 0
    quote = False
    for i, ch in enumerate(text):
        if ch in "（(":
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
            continue
        elif ch == "“":
            quote = True
        elif ch == "”" and quote:
            quote = False
            continue
        if (depth or quote) and ch not in "（(“":
            out[i] = "\x00"
    return "".join(out)


def _clauses(text: str) -> list[tuple[int, int]]:
    masked = _mask_brackets(text)
    spans: list[tuple[int, int]] = []
    last = 0
    for m in _CLAUSE_SPLIT.finditer(masked):
        if m.start() > last:
            spans.append((last, m.start()))
        last = m.end()
    if last < len(text):
        spans.append((last, len(text)))
    return spans


def sentence_values(text: str, mode: str, period: tuple[int, int] | None) -> list[_Found]:
    """Indicator statements of one sentence: names carried from clause to clause to the figures they govern.

    ``mode`` is ``target`` (发展目标 sections: levels are targets, 由X提高到Y gives a base) or
    ``baseline`` (发展基础 sections: levels are the starting point).
    """
    ps, pe = period or (None, None)
    found: dict[str, _Found] = {}
    order: list[str] = []
    carried: str | None = None
    year_ctx: int | None = None
    masked_all = _mask_brackets(text)
    in_breakdown = False
    for ci, (cs, ce) in enumerate(_clauses(text)):
        clause = text[cs:ce]
        masked = masked_all[cs:ce].replace("\x00", "□")
        values = [m for m in VALUE_RE.finditer(masked) if m.group("unit")]
        y = _YEAR_IN.search(clause)
        plan_cue = _PLAN_CUE.search(clause)
        if not values:
            if y:
                year_ctx = int(y.group(1))
            elif plan_cue and plan_cue.group(2) in ("期末", "末期", "末"):
                year_ctx = _plan_end(plan_cue.group(1))
            elif re.search(r"期末|今后五年", clause) and pe:
                year_ctx = pe
            continue
        if "分别" in clause or _RATIO.search(clause):
            carried = None
            continue
        prev_end = 0
        prev_ok = True
        for v in values:
            seg = clause[prev_end : v.start()]
            if not prev_ok and prev_end and not re.search(r"[、和及与]", seg):
                continue  # “2个年出栏1万头以上…”: a figure inside a phrase whose head was refused
            prev_end = v.end()
            prev_ok = False
            unit = v.group("unit")
            if unit == "个百分点":
                continue
            value = float(v.group("num").replace(",", ""))
            qual = v.group("qual")
            before = clause[: v.start()]
            if "比" in before and not _FROM_CUE.search(seg):
                # 比2005年增长…, 比“十五”末降低…: a change against a baseline, not a level
                continue
            v_year = None
            ym = None
            for ym in _YEAR_IN.finditer(seg):
                v_year = int(ym.group(1))
            pm = _PLAN_CUE.search(seg)
            if v_year is None and pm and pm.group(2) in ("期末", "末期", "末"):
                v_year = _plan_end(pm.group(1))
            seg_core = _YEAR_BARE.sub("", seg)
            role = "level"
            if _FROM_CUE.search(seg_core):
                role = "from"
                seg_core = _FROM_CUE.sub("", seg_core)
            elif _GROWTH_CUE.search(seg_core):
                role = "growth"
            elif _DECLINE_CUE.search(seg_core):
                role = "growth"
                value = -value
            elif _CHANGE_CUE.search(seg_core) and not re.search(r"(?:到|至|在)$", seg_core):
                continue
            if re.search(r"累计", clause):
                if mode == "baseline":
                    continue
                qual = qual or "累计"
            pq = _PRE_QUAL.search(_GROWTH_CUE.sub("", seg_core))
            if pq and not qual:
                qual = pq.group(1)
            name = clean_name(seg_core)
            if name:
                if not _valid_name(name) or name not in text:
                    carried = None
                    continue
                if re.match(r"^\s*其中", clause):
                    in_breakdown = True
                if in_breakdown and len(name) <= (5 if re.match(r"^\s*其中", clause) else 3):
                    continue  # 其中存栏…, 出栏…, 其中轻纺产业…: a breakdown of the figure before
                carried = name
            elif carried:
                name = carried
            else:
                continue
            prev_ok = True
            year = v_year or year_ctx
            f = found.get(name)
            if f is None:
                f = found[name] = _Found(name, ci, ci)
                order.append(name)
            if mode == "baseline":
                if role != "level":
                    continue
                year = year or (ps - 1 if ps else None)
                if ps and year and not (ps - 6 <= year <= ps - 1):
                    continue
                if f.base is None:
                    f.base = (value, unit, year)
                    f.last_clause = ci
                continue
            if role == "from":
                if f.base is None:
                    f.base = (value, unit, v_year or (ps - 1 if ps else None))
                    f.last_clause = ci
                continue
            if role == "growth":
                if f.growth is None:
                    f.growth = (value, qual)
                    f.last_clause = ci
                continue
            if year is not None and ps and pe and not (ps <= year <= pe):
                continue
            if f.target is None:
                f.target = (value, unit, qual, year or pe)
                f.last_clause = ci
    spans = _clauses(text)
    out = []
    for name in order:
        f = found[name]
        if f.target or f.growth or f.base:
            # start the quote at the name's clause, or the time clause just before it
            first = f.first_clause
            if first > 0:
                pcs, pce = spans[first - 1]
                if not any(m.group("unit") for m in VALUE_RE.finditer(text[pcs:pce])) and (_YEAR_IN.search(text[pcs:pce]) or _PLAN_CUE.search(text[pcs:pce])):
                    first -= 1
            f.first_clause = first
            out.append(f)
    return out


def prose_indicators(view: DocView) -> list[Indicator]:
    """Targets stated in sentences of the plan's 发展目标 / 主要目标 sections."""
    doc = view.doc
    period = (doc.period_start, doc.period_end) if doc.period_start and doc.period_end else None
    out: list[Indicator] = []
    seen: set[tuple[str, str, str]] = set()
    line_category: dict[int, str] = {}
    for u in view.units:
        if u.kind == "table" or not is_target_section(u.section):
            continue
        lead = re.fullmatch(r"[—\-－]*\s*([\u4e00-\u9fff]{2,6})[。:：]", u.text.strip())
        if lead:
            line_category[u.line] = lead.group(1)
            continue
        category = line_category.get(u.line) or _category_of(u.section)
        spans = _clauses(u.text)
        for f in sentence_values(u.text, "target", period):
            if f.target is None and f.growth is None:
                continue
            cs = u.start + spans[f.first_clause][0]
            ce = u.start + spans[f.last_clause][1]
            cite = view.cite(cs, ce, u.section)
            ind = _make_indicator(f.name, category, f.target, f.growth, f.base, cite)
            if ind is None:
                continue
            key = (ind.name, _fmt(ind.target_value), _fmt(ind.growth))
            if key in seen:
                continue
            seen.add(key)
            out.append(ind)
    return out


def _canon_exact(name: str) -> str | None:
    """Canonical name only when the printed name IS an alias (not a growth-suffixed one)."""
    return _ALIAS_CANON.get(Indicator.norm(name).lower())


def _make_indicator(printed: str, category: str | None, target, growth, base, citation: Citation) -> Indicator | None:
    """An Indicator named canonically when the printed name is a known alias, as printed otherwise."""
    exact = _canon_exact(printed)
    try:
        return Indicator(
            name=exact or printed,
            canonical=canonical_name(printed),
            category=category,
            base_year=base[2] if base else None,
            base_value=base[0] if base else None,
            target_year=target[3] if target else None,
            target_value=target[0] if target else None,
            growth=growth[0] if growth else None,
            unit=(target[1] if target else None) or (base[1] if base else None),
            qualifier=(target[2] if target else (growth[1] if growth else None)),
            growth_qualifier=growth[1] if growth else None,
            source="prose",
            citation=citation,
        )
    except ValidationError:
        return None


def baseline_values(view: DocView) -> dict[str, tuple[float, str | None, int | None, Citation]]:
    """canonical indicator → (value, unit, year, citation) from the plan's 发展基础 sections."""
    doc = view.doc
    period = (doc.period_start, doc.period_end) if doc.period_start and doc.period_end else None
    out: dict[str, tuple[float, str | None, int | None, Citation]] = {}
    for u in view.units:
        if u.kind == "table" or not is_baseline_section(u.section) or not VALUE_RE.search(u.text):
            continue
        spans = _clauses(u.text)
        for f in sentence_values(u.text, "baseline", period):
            canon = canonical_name(f.name)
            if not f.base or not canon or canon in out or _canon_exact(f.name) != canon:
                continue
            cs = u.start + spans[f.first_clause][0]
            ce = u.start + spans[f.last_clause][1]
            out[canon] = (f.base[0], f.base[1], f.base[2], view.cite(cs, ce, u.section))
    return out


def attach_baselines(indicators: list[Indicator], baselines: dict[str, tuple[float, str | None, int | None, Citation]]
                     ) -> list[Indicator]:
    """Fill a target's missing base value from the 发展基础 sentence of the same indicator and unit."""
    out = []
    for ind in indicators:
        b = baselines.get(ind.canonical or "")
        if (b and ind.base_value is None and ind.target_value is not None and ind.unit == b[1]
                and ind.canonical == _canon_exact(ind.name)):
            try:
                ind = ind.model_copy(update={"base_value": b[0], "base_year": b[2], "base_citation": b[3]})
                ind = Indicator.model_validate(ind.model_dump())
            except ValidationError:
                pass
        out.append(ind)
    return out


def extract_indicators(view: DocView) -> list[Indicator]:
    """Table indicators first, then prose targets the table does not already state."""
    from qa.tables import table_indicators

    table = table_indicators(view.cleaned, view.original, view.doc.id)
    have = {i.canonical or Indicator.norm(i.name) for i in table}
    prose = [i for i in prose_indicators(view) if (i.canonical or Indicator.norm(i.name)) not in have]
    return attach_baselines(table + prose, baseline_values(view))


# --------------------------------------------------------------------------- industries, projects, strategies

_INDUSTRY_SENT = re.compile(
    r"(?:重点|优先|大力|积极|加快|着力|加速)(?:发展|培育|壮大|打造|提升)(?P<name>[\u4e00-\u9fff“”]{2,16}?(?:产业|工业|服务业|农业|物流业|旅游业|制造业))"
    r"(?=[，。；、和及与,]|$)"
)
_INDUSTRY_LIST = re.compile(r"以(?P<list>[\u4e00-\u9fff、“”]{2,60}?)为(?:主导|支柱|支撑)")
_PROJECT_SENT = re.compile(
    r"(?:建设|实施|启动|推进|新建|扩建|加快|抓好|重点建设|开工建设|规划建设)(?P<name>[^，。；、：“”\s]{4,30}?(?:项目|工程))(?![\u4e00-\u9fff]*(?:区|园))"
)
_GENERIC_PROJECT = re.compile(r"^[及和与并]|一批|等|各类|其它|其他|有关|相关|这些|该|此|新项目|重点项目$|^项目|建设项目$|^工程|好$|^的|了")
_STRATEGY = re.compile(
    r"(?:(?:深入|继续|全面|大力|积极|加快|坚定不移地|着力)?(?:实施|坚持|推进|落实|推行|贯彻))(?P<name>(?:“[^”]{2,30}”)?[\u4e00-\u9fff、]{0,14}战略)"
    r"|(?P<quoted>“[^”]{2,30}”(?:[一二三四五六七八九十\d]+大)?战略)"
)
_STRATEGY_STOP = re.compile(r"^(?:发展|总体|这一|该|此|各项|重大|国家|的|和)?战略$")
_STRATEGY_NEXT_STOP = re.compile(r"^(?:布局|目标|部署|性|机遇|地位|重点|意义|高度|眼光|思维|任务|格局|合作|支点|定位|规划|资源|通道|要求|举措|产业|新兴|调整|思想)")


_VERBS_LEAD = re.compile(
    r"^(?:(?:巩固|提升|培育|壮大|升级|发展|大力|打造|全面|优化|整体|加快|推动|创新|拓展|积极|重点|做大|做强|着力|加速|推进|构建|实施|"
    r"深入|继续|坚定不移地|建设|扶持|提高)+)(?=.{2,})"
)


def _items(found: Iterable[tuple[str, Citation, str | None]], limit: int) -> list[Brief.Item]:
    out: list[Brief.Item] = []
    seen: set[str] = set()
    for name, cite, text in found:
        key = Indicator.norm(name).replace("“", "").replace("”", "")
        if key in seen:
            continue
        try:
            out.append(Brief.Item(name=name, text=text, citation=cite))
        except ValidationError:
            continue
        seen.add(key)
        if len(out) >= limit:
            break
    return out


def _heading_cite(view: DocView, h: Heading) -> Citation:
    return view.cite(h.start, h.end, h.path)


def industries(view: DocView) -> list[Brief.Item]:
    """Industries the plan develops: headings of its 产业 chapters, then 重点发展…产业 phrases."""
    found: list[tuple[str, Citation, str | None]] = []
    for h in view.headings:
        parts = h.path.split(" > ")
        parents = parts[:-1][-2:]
        if not any("产业" in p for p in parents) or h.level >= 6:
            continue
        title = heading_title(h.title)
        if re.search(r"布局|机制|保障|措施|环境|体制|改革|空间|开发区|园区|战略|项目|结构", title):
            continue
        if re.search(r"(?:产业|业|物流门户|物流|旅游|电子商务(?:应用)?|经济)(?:发展)?$", title):
            found.append((_VERBS_LEAD.sub("", title) or title, _heading_cite(view, h), None))
    for u in view.units:
        if is_baseline_section(u.section):
            continue
        for m in _INDUSTRY_LIST.finditer(u.text):
            if not re.search(r"产业|工业|农业|服务业", u.text):
                continue
            for part in re.split(r"[、和及与]", m.group("list")):
                part = part.strip("“”")
                part = _VERBS_LEAD.sub("", part)
                if 2 <= len(part) <= 12 and not re.search(r"[为以是的等]$|公司|企业|集团|政府|市场|产品$", part):
                    found.append((part, view.cite(u.start, u.end, u.section), None))
        for m in _INDUSTRY_SENT.finditer(u.text):
            name = m.group("name").strip("“”")
            cs = u.start + m.start("name")
            found.append((name, view.cite(u.start, u.end, u.section), u.text.strip()[:120] if cs else None))
    return _items(found, MAX_ITEMS)


def projects(view: DocView) -> list[Brief.Item]:
    """Projects: items of 专栏 boxes about 项目/工程, then named “建设…项目/工程” phrases."""
    found: list[tuple[str, Citation, str | None]] = []
    for u in view.units:
        parts = u.section.split(" > ")
        box = next((p for p in reversed(parts) if p.startswith("专栏")), None)
        if u.kind == "box" and box and re.search(r"项目|工程", box):
            m = re.match(r"^\s*(?:\d{1,2}[.、．]|[（(]\d+[)）])\s*([^：:；;。]{2,40})[：:；;。]?", u.text)
            if m:
                name = m.group(1).strip()
                found.append((name, view.cite(u.start, u.end, u.section), None))
    for u in view.units:
        if u.kind == "box" or is_baseline_section(u.section):
            continue
        for m in _PROJECT_SENT.finditer(u.text):
            name = re.sub(r"^(?:实施|建设|推进|启动|加快|新建|扩建|抓好)+", "", m.group("name"))
            if _GENERIC_PROJECT.search(name) or len(name) < 5:
                continue
            found.append((name, view.cite(u.start, u.end, u.section), None))
    return _items(found, MAX_PROJECTS)


def strategies(view: DocView) -> list[Brief.Item]:
    """Strategies: 实施“四大战略”, 科教兴区战略 … as printed, headings first."""
    found: list[tuple[str, Citation, str | None]] = []
    pool: list[tuple[str, int, int, str]] = [(h.title, h.start, h.end, h.path) for h in view.headings]
    pool += [(u.text, u.start, u.end, u.section) for u in view.units]
    pool.sort(key=lambda x: x[1])
    for text, start, end, section in pool:
        for m in _STRATEGY.finditer(text):
            name = (m.group("name") or m.group("quoted") or "").lstrip("、")
            name = _VERBS_LEAD.sub("", name) if not name.startswith("“") else name
            if not name or _STRATEGY_STOP.match(name) or _STRATEGY_NEXT_STOP.match(text[m.end() :]):
                continue
            if len(name) < 4:
                continue
            found.append((name, view.cite(start, end, section), None))
    return _items(found, MAX_ITEMS)


# --------------------------------------------------------------------------- summary


def _first_unit(view: DocView, pattern: str) -> Unit | None:
    for u in view.units:
        if u.kind != "prose" or not u.section:
            continue
        last = heading_title(u.section.split(" > ")[-1])
        parents = [heading_title(p) for p in u.section.split(" > ")]
        matched = re.search(pattern, last) or any(re.fullmatch(pattern, p) for p in parents)
        if matched and len(u.text.strip()) >= 12:
            return u
    return None


def _piece(view: DocView, u: Unit, room: int) -> tuple[str, Citation] | None:
    """The unit's text, cut at a clause end to fit ``room`` characters (marked ……)."""
    text = u.text.strip()
    lead = u.text.find(text)
    if len(text) <= room:
        return text, view.cite(u.start + lead, u.start + lead + len(text), u.section)
    cut = max((m.start() for m in re.finditer(r"[，；,]", text[: room - 2])), default=-1)
    if cut < 12:
        return None
    body = text[:cut]
    return body + "……", view.cite(u.start + lead, u.start + lead + cut, u.section)


def summary(view: DocView) -> tuple[str, list[Citation]]:
    """Opening sentences of 发展目标 and 指导思想, the plan's own words, at most 300 characters."""
    picks = [
        _first_unit(view, r"(?:发展|主要|总体|奋斗)目标|目标$"),
        _first_unit(view, r"指导思想"),
    ]
    text, cites = "", []
    for i, u in enumerate(p for p in picks if p is not None):
        room = (SUMMARY_MAX // 2 if i == 0 else SUMMARY_MAX) - len(text)
        got = _piece(view, u, room) if room > 20 else None
        if got:
            text += got[0]
            cites.append(got[1])
    if not text:
        for u in view.units[:8]:
            got = _piece(view, u, SUMMARY_MAX)
            if got and u.kind == "prose" and len(u.text) > 30:
                return got[0], [got[1]]
    return text, cites


# --------------------------------------------------------------------------- the engines


def extractive_brief(src: SourceFile, doc: Document | None = None) -> Brief:
    view = DocView.of(src, doc)
    d = view.doc
    text, cites = summary(view)
    return Brief(
        doc_id=d.id, title=d.title, region=d.region, province=d.province, plan=d.plan,
        period_start=d.period_start, period_end=d.period_end, summary=text, summary_citations=cites,
        indicators=extract_indicators(view), industries=industries(view), projects=projects(view),
        strategies=strategies(view), engine="extractive",
    )


# ---- llm


MAP_MAX_TOKENS = 2000
REDUCE_MAX_TOKENS = 800
_MAP_LIMIT = 20


# The length limits keep a rambling model from writing until max_tokens (llama.cpp turns them
# into its grammar); longer lists than the limit are cut, not refused.
class LLMIndicator(BaseModel):
    name: str = Field(max_length=60, description="indicator name as printed")
    quote: str = Field(max_length=400, description="the sentence or clause that states it, copied verbatim")
    category: str | None = Field(None, max_length=20)
    base_year: int | None = None
    base_value: float | None = None
    target_year: int | None = None
    target_value: float | None = None
    growth: float | None = Field(None, description="average annual growth in percent")
    growth_text: str | None = Field(None, max_length=60)
    unit: str | None = Field(None, max_length=16)
    qualifier: str | None = Field(None, max_length=16, description="以上, 左右, 以内, 累计 … as printed")
    binding: str | None = Field(None, max_length=8, description="预期性 or 约束性 when printed")


class LLMItem(BaseModel):
    name: str = Field(max_length=60, description="as printed")
    quote: str = Field(max_length=400, description="the sentence that names it, copied verbatim")


def _clip(value: Any) -> Any:
    return value[:_MAP_LIMIT] if isinstance(value, list) else value


# What the model returns for one group of sections (prompts/brief_map.md). Comments, not docstrings:
# pydantic would send a docstring to the model as the schema's description.
class MapReply(BaseModel):
    indicators: list[LLMIndicator] = Field(default_factory=list, max_length=_MAP_LIMIT)
    industries: list[LLMItem] = Field(default_factory=list, max_length=_MAP_LIMIT)
    projects: list[LLMItem] = Field(default_factory=list, max_length=_MAP_LIMIT)
    strategies: list[LLMItem] = Field(default_factory=list, max_length=_MAP_LIMIT)
    summary_sentences: list[str] = Field(default_factory=list, max_length=3,
                                         description="verbatim sentences that sum the plan up")

    @field_validator("indicators", "industries", "projects", "strategies", mode="before")
    @classmethod
    def _cut(cls, v: Any) -> Any:
        return _clip(v)

    @field_validator("summary_sentences", mode="before")
    @classmethod
    def _cut_summary(cls, v: Any) -> Any:
        return v[:3] if isinstance(v, list) else v


# Ids of the candidates to keep, best first (prompts/brief_reduce.md).
class ReduceReply(BaseModel):
    summary: list[str] = Field(default_factory=list, max_length=3, description="ids (s…) of 1-3 summary sentences")
    indicators: list[str] = Field(default_factory=list, max_length=40, description="ids (i…) of headline indicators")
    industries: list[str] = Field(default_factory=list, max_length=MAX_ITEMS, description="ids (n…)")
    projects: list[str] = Field(default_factory=list, max_length=MAX_PROJECTS, description="ids (p…)")
    strategies: list[str] = Field(default_factory=list, max_length=MAX_ITEMS, description="ids (t…)")

    @field_validator("summary", "indicators", "industries", "projects", "strategies", mode="before")
    @classmethod
    def _cut(cls, v: Any, info: Any) -> Any:
        limit = {"summary": 3, "indicators": 40, "projects": MAX_PROJECTS}.get(info.field_name, MAX_ITEMS)
        return v[:limit] if isinstance(v, list) else v


def _llm_client(settings: Settings) -> Any:
    try:
        from qa.llm import LLMClient, load_prompt  # noqa: F401
    except ImportError as e:  # pragma: no cover - the module is part of the project
        raise BriefError(f"the llm engine is unavailable: qa.llm cannot be imported ({e})") from None
    if not settings.llm.llm_available and not settings.llm.replay:
        raise BriefError(
            "the llm engine needs a model endpoint: set OPENAI_BASE_URL (or OPENAI_API_KEY) and QA_MODEL, "
            "or use --engine extractive"
        )
    return LLMClient(settings)


def _prompt(name: str) -> tuple[str, str]:
    """A prompt of the package (qa/prompts/, package data: found by any install, from any cwd)."""
    from qa.llm import LLMError, load_prompt

    try:
        return load_prompt(name)
    except LLMError as e:
        raise BriefError(str(e)) from None


def _fence(sid: str, section: str, text: str) -> str:
    """One section as ``<document id=.. section=..>``; its text cannot close or open a fence."""
    import html

    from qa.llm import neutralise_fences

    body = neutralise_fences(text)
    return f'<document id="{sid}" section="{html.escape(section, quote=True)}">\n{body}\n</document>'


def section_batches(view: DocView, budget: int) -> list[str]:
    """The document's prose, section by section, packed into fenced batches of at most ``budget`` tokens."""
    from qa.text.tokens import count_tokens, truncate_to_tokens

    groups: list[tuple[str, str]] = []
    for u in view.units:
        if u.kind == "table":
            continue  # tables are parsed exactly by qa.tables
        if groups and groups[-1][0] == u.section:
            groups[-1] = (u.section, groups[-1][1] + u.text)
        else:
            groups.append((u.section, u.text))
    batches: list[str] = []
    cur: list[str] = []
    used = 0
    for i, (section, text) in enumerate(groups):
        block = _fence(f"s{i}", section, text)
        n = count_tokens(block)
        if n > budget:
            block = _fence(f"s{i}", section, truncate_to_tokens(text, max(budget - 60, 50)))
            n = count_tokens(block)
        if cur and used + n > budget:
            batches.append("\n".join(cur))
            cur, used = [], 0
        cur.append(block)
        used += n
    if cur:
        batches.append("\n".join(cur))
    return batches


def _messages(prompt: str, **values: str) -> list[dict[str, str]]:
    """System instructions and the user turn; placeholders filled in one pass, so a section that
    prints ``{region}`` stays as printed."""
    from qa.llm import fill_template

    system, user = _prompt(prompt)
    system, user = fill_template(system, values), fill_template(user, values)
    msgs = [{"role": "system", "content": system}] if system else []
    return msgs + [{"role": "user", "content": user}]


def llm_brief(src: SourceFile, settings: Settings, doc: Document | None = None, client: Any = None) -> Brief:
    """Map (sections → candidates with verbatim quotes), reduce (pick), then ground every pick."""
    from qa.tables import table_indicators

    client = client or _llm_client(settings)
    view = DocView.of(src, doc)
    d = view.doc
    meta = {"region": d.region or "", "plan": d.plan or "", "period": f"{d.period_start or ''}-{d.period_end or ''}"}
    cands: dict[str, list[tuple[str, Any, Citation]]] = {"s": [], "i": [], "n": [], "p": [], "t": []}
    budget = max(500, int(settings.llm.context_tokens))
    from qa.llm import InvalidReply, neutralise_fences

    batches = section_batches(view, budget)
    unreadable = 0
    for batch in batches:
        # an LLMError other than InvalidReply (the endpoint is down, refuses us, times out)
        # propagates: this brief fails with that line, the batch goes on with the next plan
        try:
            reply = client.structured(_messages("brief_map.md", sections=batch, **meta), MapReply,
                                      max_tokens=MAP_MAX_TOKENS, temperature=0)
        except InvalidReply:
            unreadable += 1  # a reply that never fit the schema: this batch contributes nothing
            continue
        for ind in reply.indicators:
            c = view.locate(ind.quote)
            if c is not None:
                cands["i"].append((ind.name, ind, c))
        for key, items in (("n", reply.industries), ("p", reply.projects), ("t", reply.strategies)):
            for it in items:
                c = view.locate(it.quote)
                if c is not None and Indicator.norm(it.name) in Indicator.norm(c.quote):
                    cands[key].append((it.name, it, c))
        for s in reply.summary_sentences:
            c = view.locate(s)
            if c is not None:
                cands["s"].append((s, s, c))
    listing = {
        k: [{"id": f"{k}{n}", "name": name, "quote": c.quote[:160]} for n, (name, _, c) in enumerate(v)]
        for k, v in cands.items()
    }
    if batches and unreadable == len(batches):
        raise BriefError(f"the model's replies never matched the brief schema ({unreadable} section batches)")
    candidates = neutralise_fences(json.dumps(listing, ensure_ascii=False, indent=1))  # quotes are data
    try:
        picked = client.structured(_messages("brief_reduce.md", candidates=candidates, **meta),
                                   ReduceReply, max_tokens=REDUCE_MAX_TOKENS, temperature=0)
    except InvalidReply:
        picked = ReduceReply()  # keep every grounded candidate, in document order

    def chosen(key: str, ids: list[str]) -> list[tuple[str, Any, Citation]]:
        out = []
        for i in ids:
            m = re.fullmatch(rf"{key}(\d+)", i.strip())
            if m and int(m.group(1)) < len(cands[key]):
                out.append(cands[key][int(m.group(1))])
        return out or cands[key]

    indicators = table_indicators(view.cleaned, view.original, d.id)
    have = {i.canonical or Indicator.norm(i.name) for i in indicators}
    for name, ind, c in chosen("i", picked.indicators):
        grounded = _llm_indicator(name, ind, c)
        if grounded is not None and (grounded.canonical or Indicator.norm(grounded.name)) not in have:
            have.add(grounded.canonical or Indicator.norm(grounded.name))
            indicators.append(grounded)
    text, cites = "", []
    for _s, _, c in chosen("s", picked.summary):
        piece = c.quote.strip()
        if len(text) + len(Indicator.norm(piece)) > SUMMARY_MAX:
            break
        text += re.sub(r"\s+", "", piece)
        cites.append(c)
    if not text:
        text, cites = summary(view)

    def items(key: str, limit: int) -> list[Brief.Item]:
        return _items(((name, c, None) for name, _, c in chosen(key, getattr(picked, _REDUCE_FIELD[key]))), limit)

    return Brief(
        doc_id=d.id, title=d.title, region=d.region, province=d.province, plan=d.plan,
        period_start=d.period_start, period_end=d.period_end, summary=text, summary_citations=cites,
        indicators=attach_baselines(indicators, baseline_values(view)), industries=items("n", MAX_ITEMS),
        projects=items("p", MAX_PROJECTS), strategies=items("t", MAX_ITEMS),
        engine=f"llm:{settings.llm.model or 'replay'}",
    )


_REDUCE_FIELD = {"n": "industries", "p": "projects", "t": "strategies"}


def _llm_indicator(name: str, ind: LLMIndicator, c: Citation) -> Indicator | None:
    binding = ind.binding if ind.binding in ("预期性", "约束性") else None
    try:
        return Indicator(
            name=name.strip(), canonical=canonical_name(name), category=ind.category, base_year=ind.base_year,
            base_value=ind.base_value, target_year=ind.target_year, target_value=ind.target_value,
            growth=ind.growth, growth_text=ind.growth_text, unit=ind.unit, qualifier=ind.qualifier,
            binding=binding, source="llm", citation=c,
        )
    except ValidationError:
        return None  # a value its quote does not print: dropped, never shown


# --------------------------------------------------------------------------- validation


def verify_citations(brief: Brief, original_text: str) -> list[str]:
    """Problems with the brief's citations against the original file (empty list = all exact)."""
    problems = []
    for c in brief.citations():
        if c.doc_id != brief.doc_id:
            problems.append(f"{c.doc_id}[{c.start}:{c.end}] cites another document")
        elif c.end > len(original_text) or original_text[c.start : c.end] != c.quote:
            problems.append(f"{c.doc_id}[{c.start}:{c.end}] quote differs from the original text")
    return problems


def check_brief(brief: Brief, original_text: str) -> Brief:
    """Re-validate (models) and verify every citation; raises BriefError when anything is ungrounded."""
    try:
        brief = Brief.model_validate(brief.model_dump())
    except ValidationError as e:
        raise BriefError(f"brief does not validate: {_first_error(e)}") from None
    problems = verify_citations(brief, original_text)
    if problems:
        raise BriefError(f"{len(problems)} citation(s) do not match the source: {problems[0]}")
    return brief


def _first_error(e: ValidationError) -> str:
    errs = e.errors()
    if not errs:
        return str(e).splitlines()[0]
    loc = ".".join(str(p) for p in errs[0].get("loc", ()))
    return f"{loc}: {errs[0].get('msg', 'invalid')}"[:300]


def make_brief(src: SourceFile, settings: Settings, engine: str, doc: Document | None = None) -> Brief:
    if engine == "llm":
        brief = llm_brief(src, settings, doc)
    elif engine == "extractive":
        brief = extractive_brief(src, doc)
    else:
        raise BriefError(f"unknown engine {engine!r} (extractive | llm)")
    return check_brief(brief, src.text)


# --------------------------------------------------------------------------- Markdown


def _cell(s: object) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ").strip()


def _one_line_quote(q: str) -> str:
    return re.sub(r"\s+", " ", q).strip()


def _with_qualifier(value: str, qualifier: str | None) -> str:
    if not qualifier:
        return value
    if qualifier in ("以上", "以下", "左右", "以内", "及以上"):
        return f"{value} {qualifier}"
    return f"{qualifier} {value}"


def render_markdown(brief: Brief) -> str:
    notes: list[Citation] = []

    def ref(c: Citation) -> str:
        notes.append(c)
        return f"[^{len(notes)}]"

    period = f"{brief.period_start}–{brief.period_end}" if brief.period_start else ""
    lines = [f"# {brief.title or brief.doc_id}", ""]
    region = brief.region or "（未识别）"
    if brief.province:
        region += f"（{brief.province}）"
    lines += [f"- 地区：{region}", f"- 规划：{brief.plan or '（未识别）'} {period}".rstrip(),
              f"- 文件：`{brief.doc_id}` · 引擎：{brief.engine}", ""]
    lines += ["## 摘要", ""]
    if brief.summary:
        lines += [brief.summary + "".join(ref(c) for c in brief.summary_citations), ""]
    else:
        lines += ["（文档未提供可引用的总体表述）", ""]
    lines += ["## 主要指标", ""]
    if brief.indicators:
        lines += ["| # | 类别 | 指标 | 基期 | 目标 | 年均增长 | 单位 | 属性 | 来源 |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for n, i in enumerate(brief.indicators, 1):
            base = f"{_fmt(i.base_value)}（{i.base_year}）" if i.base_value is not None and i.base_year else _fmt(i.base_value)
            if i.target_value is not None:
                target = _with_qualifier(_fmt(i.target_value), i.qualifier)
                target += f"（{i.target_year}）" if i.target_year else ""
            else:
                target = i.target_text or ""
            growth = (_with_qualifier(f"{_fmt(i.growth)}%", i.growth_qualifier)
                      if i.growth is not None else (i.growth_text or ""))
            name = i.name + (f"（{'、'.join(i.breakdown)}）" if i.breakdown else "")
            src = ref(i.citation) + (ref(i.base_citation) if i.base_citation else "")
            lines.append("| " + " | ".join(_cell(x) for x in (n, i.category or "", name, base, target, growth,
                                                               i.unit or "", i.binding or "", src)) + " |")
        lines.append("")
    else:
        lines += ["（未找到可引用的指标）", ""]
    for title, items in (("产业", brief.industries), ("重点项目", brief.projects), ("发展战略", brief.strategies)):
        lines += [f"## {title}", ""]
        lines += [f"- {it.name}{ref(it.citation)}" for it in items] or ["（未找到）"]
        lines.append("")
    if notes:
        lines += ["## 引文", ""]
        for n, c in enumerate(notes, 1):
            where = f"{c.section} " if c.section else ""
            lines.append(f"[^{n}]: {where}[{c.start}:{c.end}] 「{_one_line_quote(c.quote)}」")
        lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- batch


@dataclass
class DocResult:
    doc_id: str
    status: str  # written | unchanged | failed
    error: str | None = None
    brief: Brief | None = None
    seconds: float = 0.0


@dataclass
class BatchReport:
    out: Path
    results: list[DocResult] = field(default_factory=list)
    seconds: float = 0.0

    def ids(self, status: str) -> list[str]:
        return [r.doc_id for r in self.results if r.status == status]

    @property
    def written(self) -> list[str]:
        return self.ids("written")

    @property
    def unchanged(self) -> list[str]:
        return self.ids("unchanged")

    @property
    def failed(self) -> dict[str, str]:
        return {r.doc_id: r.error or "" for r in self.results if r.status == "failed"}


def _formats(spec: str | Sequence[str]) -> list[str]:
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    fmts = sorted({f.strip().lower() for f in items if f.strip()})
    bad = [f for f in fmts if f not in ("json", "md")]
    if bad or not fmts:
        raise BriefError(f"--format takes json, md or json,md (got {','.join(items) or 'nothing'})")
    return fmts


def state_key(sha256: str, engine: str, model: str | None, formats: Sequence[str], chunks: str | None = None) -> str:
    """What a brief file depends on; ``chunks`` is the stored chunk version its citations' chunk ids name."""
    blob = json.dumps({"version": BRIEF_VERSION, "sha256": sha256, "engine": engine,
                       "model": model if engine == "llm" else None, "formats": sorted(formats), "chunks": chunks},
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


# --------------------------------------------------------------------------- chunk ids

ChunkSpan = tuple[int, int, str]  # original-file span of a stored chunk, and its id

_STORES: dict[tuple[str, str], Any] = {}
_STORES_LOCK = threading.Lock()


def _store_of(settings: Settings) -> Any | None:
    """The settings' store (one per location, shared by a batch's threads), or None when there is none yet."""
    from qa.store.chroma import Store

    if not settings.store.chroma_url and not Path(settings.store.chroma_dir).is_dir():
        return None  # never create a store just to brief a file
    key = (settings.store.chroma_url or str(settings.store.chroma_dir), settings.store.collection)
    with _STORES_LOCK:
        if key not in _STORES:
            _STORES[key] = Store(settings)
        return _STORES[key]


def stored_version(doc_id: str, sha256: str, settings: Settings) -> tuple[str, int] | None:
    """(live version, chunk count) of the document when the store holds this very file, else None."""
    from qa.store.chroma import StoreError

    try:
        store = _store_of(settings)
        manifest = store.manifest() if store is not None else None
    except StoreError:
        return None
    if manifest is None:
        return None
    doc, version = manifest.docs.get(doc_id), manifest.versions.get(doc_id)
    if doc is None or version is None or doc.sha256 != sha256:
        return None  # not ingested, or ingested from other contents: its chunks are not this file's
    return version, manifest.counts.get(doc_id, 0)


def stored_chunks(doc_id: str, version: str, count: int, settings: Settings) -> list[ChunkSpan]:
    """The spans and ids of one stored version's chunks, in order ([] when the store cannot say)."""
    from qa.store.chroma import Manifest, StoreError

    store = _store_of(settings)
    if store is None:
        return []
    try:
        chunks = store.live_chunks(Manifest(versions={doc_id: version}, counts={doc_id: count}))
    except StoreError:
        return []
    return [(c.start, c.end, c.id) for c in chunks]


def with_chunk_ids(brief: Brief, spans: Sequence[ChunkSpan]) -> Brief:
    """Every citation that lies inside a stored chunk names it (the first one, where overlapping
    chunks both hold it); a span across a chunk boundary keeps ``chunk_id`` None."""
    if not spans:
        return brief

    def cite(c: Citation | None) -> Citation | None:
        if c is None:
            return None
        cid = next((i for s, e, i in spans if s <= c.start and c.end <= e), None)
        return c.model_copy(update={"chunk_id": cid})

    def items(xs: list[Brief.Item]) -> list[Brief.Item]:
        return [x.model_copy(update={"citation": cite(x.citation)}) for x in xs]

    return brief.model_copy(update={
        "summary_citations": [cite(c) for c in brief.summary_citations],
        "indicators": [i.model_copy(update={"citation": cite(i.citation), "base_citation": cite(i.base_citation)})
                       for i in brief.indicators],
        "industries": items(brief.industries), "projects": items(brief.projects), "strategies": items(brief.strategies),
    })


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_brief_file(path: Path, original_text: str | None = None) -> tuple[Brief, dict[str, Any]]:
    """(brief, state) of a brief JSON, validated (and its citations checked when the source is given)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        brief = Brief.model_validate(data["brief"])
        state = dict(data.get("state") or {})
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise BriefError(f"{path}: not a valid brief ({str(e).splitlines()[0][:200]})") from None
    if original_text is not None:
        problems = verify_citations(brief, original_text)
        if problems:
            raise BriefError(f"{path}: {problems[0]}")
    return brief, state


def _state_path(out: Path, doc_id: str) -> Path:
    return out / ".state" / f"{doc_id}.json"


def _is_current(out: Path, doc_id: str, key: str, formats: list[str], original: str) -> Brief | None:
    json_path, md_path = out / f"{doc_id}.json", out / f"{doc_id}.md"
    if "md" in formats and not md_path.is_file():
        return None
    try:
        if "json" in formats:
            brief, state = read_brief_file(json_path, original)
        else:
            state = json.loads(_state_path(out, doc_id).read_text(encoding="utf-8"))
            brief = None
    except (BriefError, OSError, ValueError):
        return None
    if state.get("key") != key:
        return None
    return brief or Brief(doc_id=doc_id)


def _source_path(doc: Document, settings: Settings) -> Path:
    """The document's original file (a relative path is tried from the cwd, then beside QA_HOME)."""
    path = Path(doc.path)
    candidates = [path] if path.is_absolute() else [path, Path(settings.home).resolve().parent / path]
    for p in candidates:
        if p.is_file():
            return p
    raise BriefError(f"source file {doc.path} is missing (re-run `qa ingest`)")


def brief_one(doc: Document, settings: Settings, out: Path, engine: str, formats: list[str]) -> DocResult:
    """Make (or keep) one plan's brief files; never raises for a problem of this document."""
    from qa.ingest import IngestError, read_source

    t0 = time.perf_counter()
    try:
        path = _source_path(doc, settings)
        src = read_source(path, settings.store.max_file_mb)
        stored = stored_version(doc.id, src.sha256, settings)
        key = state_key(src.sha256, engine, settings.llm.model, formats, stored[0] if stored else None)
        current = _is_current(out, doc.id, key, formats, src.text)
        if current is not None:
            return DocResult(doc.id, "unchanged", brief=current if current.indicators or current.summary else None,
                             seconds=time.perf_counter() - t0)
        fresh = src.doc.model_copy(update={"id": doc.id})
        brief = make_brief(src, settings, engine, fresh)
        if stored:
            brief = with_chunk_ids(brief, stored_chunks(doc.id, *stored, settings))
        state = {"key": key, "version": BRIEF_VERSION, "sha256": src.sha256, "engine": engine,
                 "chunks": stored[0] if stored else None,
                 "model": settings.llm.model if engine == "llm" else None, "formats": formats, "source": str(path),
                 "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        if "md" in formats:
            _write_atomic(out / f"{doc.id}.md", render_markdown(brief))
        if "json" in formats:
            text = json.dumps({"state": state, "brief": brief.model_dump(mode="json")}, ensure_ascii=False, indent=1)
            _write_atomic(out / f"{doc.id}.json", text)
            read_brief_file(out / f"{doc.id}.json", src.text)  # what was written reads back valid
        else:
            header = brief.model_dump(mode="json", include={"doc_id", "title", "region", "province", "plan",
                                                            "period_start", "period_end", "engine"})
            state.update(brief_header=header, indicators=len(brief.indicators))
            _write_atomic(_state_path(out, doc.id), json.dumps(state, ensure_ascii=False))
        return DocResult(doc.id, "written", brief=brief, seconds=time.perf_counter() - t0)
    except (BriefError, IngestError, OSError) as e:
        return DocResult(doc.id, "failed", error=str(e).splitlines()[0] if str(e) else type(e).__name__,
                         seconds=time.perf_counter() - t0)
    except Exception as e:  # one document's surprise (LLMError, a bug) must not stop the batch
        msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
        return DocResult(doc.id, "failed", error=f"{type(e).__name__}: {msg}"[:400],
                         seconds=time.perf_counter() - t0)


def _index_entry(brief: Brief, state: dict[str, Any], out: Path, json_name: str | None) -> dict[str, Any]:
    return {
        "doc_id": brief.doc_id, "title": brief.title, "region": brief.region, "province": brief.province,
        "plan": brief.plan, "period_start": brief.period_start, "period_end": brief.period_end,
        "indicators": len(brief.indicators), "engine": brief.engine, "status": "ok", "json": json_name,
        "md": f"{brief.doc_id}.md" if (out / f"{brief.doc_id}.md").is_file() else None,
        "generated_at": state.get("generated_at"),
    }


def write_index(out: Path, report: BatchReport, formats: list[str]) -> None:
    """index.json / index.md: every valid brief in ``out`` (JSON, or Markdown with its state) plus failures."""
    entries: dict[str, dict[str, Any]] = {}
    for p in sorted(out.glob("*.json")):
        if p.name == "index.json":
            continue
        try:
            brief, state = read_brief_file(p)
        except BriefError:
            continue
        entries[brief.doc_id] = _index_entry(brief, state, out, p.name)
    for p in sorted((out / ".state").glob("*.json")):  # Markdown-only briefs keep their header in the state
        try:
            state = json.loads(p.read_text(encoding="utf-8"))
            head = Brief.model_validate(state.get("brief_header") or {})
        except (OSError, ValueError):
            continue
        if head.doc_id not in entries and (out / f"{head.doc_id}.md").is_file():
            entries[head.doc_id] = {**_index_entry(head, state, out, None), "indicators": state.get("indicators")}
    for r in report.results:
        if r.status == "failed":
            e = entries.setdefault(r.doc_id, {"doc_id": r.doc_id})
            e.update(status="failed", error=r.error)
    rows = sorted(entries.values(), key=lambda e: e["doc_id"])
    _write_atomic(out / "index.json", json.dumps({"version": BRIEF_VERSION, "briefs": rows}, ensure_ascii=False,
                                                 indent=1))
    lines = ["# 规划简报索引", "", "| 文件 | 地区 | 规划 | 期间 | 指标数 | 状态 | 简报 |", "|---|---|---|---|---|---|---|"]
    for e in rows:
        period = f"{e.get('period_start')}–{e.get('period_end')}" if e.get("period_start") else ""
        links = " · ".join(f"[{k}]({e[k]})" for k in ("md", "json") if e.get(k))
        status = "✓" if e.get("status") == "ok" else f"✗ {e.get('error', '')}"
        lines.append("| " + " | ".join(_cell(x) for x in (e["doc_id"], e.get("region") or "", e.get("plan") or "",
                                                           period, e.get("indicators", ""), status, links)) + " |")
    _write_atomic(out / "index.md", "\n".join(lines) + "\n")


def run_batch(docs: Sequence[Document], settings: Settings, out: Path, engine: str = "extractive",
              formats: str | Sequence[str] = ("json", "md"), jobs: int = 1, progress: bool = False,
              on_result: Callable[[DocResult], None] | None = None) -> BatchReport:
    """Brief every document (``jobs`` threads); failures are collected, never raised."""
    t0 = time.perf_counter()
    fmts = _formats(formats)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    report = BatchReport(out)
    bar = None
    if progress and docs:
        from tqdm import tqdm

        bar = tqdm(total=len(docs), unit="plan", desc="brief", dynamic_ncols=True, file=sys.stderr,
                   disable=None)  # a bar on a terminal; nothing in logs and pipes
    lock = threading.Lock()

    def done(r: DocResult) -> None:
        with lock:
            report.results.append(r)
            if bar is not None:
                bar.update(1)
            if on_result is not None:
                if bar is not None and not bar.disable:
                    with bar.external_write_mode(file=sys.stderr):
                        on_result(r)
                else:
                    on_result(r)

    if jobs <= 1 or len(docs) <= 1:
        for d in docs:
            done(brief_one(d, settings, out, engine, fmts))
    else:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(brief_one, d, settings, out, engine, fmts) for d in docs]
            for fut in as_completed(futures):
                done(fut.result())
    if bar is not None:
        bar.close()
    order = {d.id: n for n, d in enumerate(docs)}
    report.results.sort(key=lambda r: order.get(r.doc_id, len(order)))
    write_index(out, report, fmts)
    report.seconds = time.perf_counter() - t0
    return report


def select_documents(available: dict[str, Document], names: Sequence[str], all_docs: bool
                     ) -> tuple[list[Document], list[str]]:
    """Documents named by id or file name (or all of them), and the names that match none."""
    if all_docs:
        return [available[k] for k in sorted(available)], []
    picked: list[Document] = []
    unknown: list[str] = []
    for name in names:
        n = name.strip()
        match = available.get(n)
        if match is None:
            for d in available.values():
                p = Path(d.path)
                if n in (p.name, p.stem) or (Path(n).exists() and Path(n).resolve() == p.resolve()):
                    match = d
                    break
        if match is None:
            unknown.append(name)
        elif match not in picked:
            picked.append(match)
    return picked, unknown


def run_cli(args: Any, settings: Settings) -> int:
    """``qa brief``: exit code = number of failed documents (capped at 100)."""
    from qa.store.chroma import Store

    names = list(getattr(args, "docs", []) or [])
    if not names and not getattr(args, "all", False):
        print("qa brief: error: name documents (id or file name) or pass --all", file=sys.stderr)
        return 2
    engine = getattr(args, "engine", None) or settings.engine or "extractive"
    try:
        formats = _formats(getattr(args, "format", "json,md") or "json,md")
        if engine == "llm":
            _llm_client(settings)
        elif engine != "extractive":
            raise BriefError(f"unknown engine {engine!r} (extractive | llm)")
    except BriefError as e:
        print(f"qa brief: error: {e}", file=sys.stderr)
        return 2 if "format" in str(e) else 1
    available = Store(settings).manifest().docs
    if not available:
        print("qa brief: error: the store is empty: run `qa ingest` first", file=sys.stderr)
        return 1
    docs, unknown = select_documents(available, names, getattr(args, "all", False))
    for name in unknown:
        print(f"qa brief: {name}: error: no such document in the store (ids: {', '.join(sorted(available))})",
              file=sys.stderr)
    out = Path(getattr(args, "out", None) or "briefs")

    def report_line(r: DocResult) -> None:
        if r.status == "failed":
            print(f"qa brief: {r.doc_id}: error: {r.error}", file=sys.stderr)

    jobs = max(1, int(getattr(args, "jobs", 1) or 1))
    report = run_batch(docs, settings, out, engine, formats, jobs, progress=True, on_result=report_line)
    print(f"briefs: {len(report.written)} written, {len(report.unchanged)} unchanged, "
          f"{len(report.failed) + len(unknown)} failed in {report.seconds:.1f}s → {out}/index.md")
    return min(len(report.failed) + len(unknown), 100)


# --------------------------------------------------------------------------- compare


class CompareRow(BaseModel):
    """One plan's value of one indicator, with the quote it comes from."""

    doc_id: str
    region: str | None = None
    province: str | None = None
    plan: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    indicator: str
    canonical: str | None = None
    category: str | None = None
    base_year: int | None = None
    base_value: float | None = None
    target_year: int | None = None
    target_value: float | None = None
    target_text: str | None = None
    growth: float | None = None
    growth_text: str | None = None
    unit: str | None = None
    qualifier: str | None = None
    growth_qualifier: str | None = None
    binding: str | None = None
    source: str = "prose"
    quote: str
    citation: Citation
    base_citation: Citation | None = None


_INDICATOR_CACHE: dict[tuple[str, str], list[Indicator]] = {}
_CACHE_LOCK = threading.Lock()


def document_indicators(doc: Document, settings: Settings) -> list[Indicator]:
    """The extractive indicators of one stored document (cached by file content)."""
    from qa.ingest import read_source

    src = read_source(_source_path(doc, settings), settings.store.max_file_mb)
    key = (doc.id, src.sha256 + BRIEF_VERSION)
    with _CACHE_LOCK:
        if key in _INDICATOR_CACHE:
            return _INDICATOR_CACHE[key]
    found = extract_indicators(DocView.of(src, src.doc.model_copy(update={"id": doc.id})))
    with _CACHE_LOCK:
        _INDICATOR_CACHE[key] = found
    return found


def resolve_indicator(query: str) -> tuple[str | None, str]:
    """(canonical indicator or None, normalized query)."""
    return canonical_name(query) if _canon_exact(query) else None, Indicator.norm(query).lower()


def _matches(ind: Indicator, canon: str | None, norm_query: str) -> bool:
    if canon is not None:
        return ind.canonical == canon
    return Indicator.norm(ind.name).lower() == norm_query


def _rank(ind: Indicator) -> tuple[int, int, int]:
    return (0 if ind.source == "table" else 1, 0 if ind.target_value is not None else 1,
            0 if ind.canonical and ind.canonical == _canon_exact(ind.name) else 1)


def compare(indicator: str, settings: Settings, docs: Iterable[Document] | None = None) -> list[CompareRow]:
    """One row per stored plan that states ``indicator`` (synonyms resolved, near-misses refused)."""
    if docs is None:
        from qa.store.chroma import Store

        docs = Store(settings).manifest().docs.values()
    canon, norm_query = resolve_indicator(indicator)
    rows: list[CompareRow] = []
    for doc in sorted(docs, key=lambda d: d.id):
        try:
            found = [i for i in document_indicators(doc, settings) if _matches(i, canon, norm_query)]
        except Exception:  # an unreadable file has no row; `qa brief` reports it
            continue
        if not found:
            continue
        best = sorted(found, key=_rank)[0]
        rows.append(CompareRow(
            doc_id=doc.id, region=doc.region, province=doc.province, plan=doc.plan, period_start=doc.period_start,
            period_end=doc.period_end, indicator=best.name, canonical=best.canonical, category=best.category,
            base_year=best.base_year, base_value=best.base_value, target_year=best.target_year,
            target_value=best.target_value, target_text=best.target_text, growth=best.growth,
            growth_text=best.growth_text, unit=best.unit, qualifier=best.qualifier,
            growth_qualifier=best.growth_qualifier, binding=best.binding, source=best.source,
            quote=best.citation.quote, citation=best.citation, base_citation=best.base_citation,
        ))
    return rows


COMPARE_COLUMNS = ["region", "plan", "indicator", "base_year", "base_value", "target_year", "target_value",
                   "growth", "growth_qualifier", "unit", "qualifier", "quote"]


def _row_values(r: CompareRow) -> list[str]:
    has_target = r.target_value is not None or r.target_text is not None
    target = _fmt(r.target_value) if r.target_value is not None else (r.target_text or "")
    growth = _fmt(r.growth) if r.growth is not None else (r.growth_text or "")
    return [r.region or "", r.plan or "", r.indicator, str(r.base_year or ""), _fmt(r.base_value),
            str(r.target_year or ""), target, growth, r.growth_qualifier or "", r.unit or "",
            (r.qualifier or "") if has_target else "", _one_line_quote(r.quote)]


def render_compare(rows: list[CompareRow], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(COMPARE_COLUMNS)
        for r in rows:
            w.writerow(_row_values(r))
        return buf.getvalue().rstrip("\n")
    head = ["地区", "规划", "指标", "基期", "基期值", "目标年", "目标值", "年均增长", "增长限定", "单位", "目标限定", "引文"]
    body = [_row_values(r) for r in rows]
    for b in body:
        b[-1] = b[-1][:60] + ("…" if len(b[-1]) > 60 else "")

    def width(s: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)

    widths = [max(width(x) for x in col) for col in zip(head, *body, strict=False)]
    lines = []
    for row in [head, *body]:
        lines.append("  ".join(x + " " * (w - width(x)) for x, w in zip(row, widths, strict=False)).rstrip())
    return "\n".join(lines)


def compare_cli(args: Any, settings: Settings) -> int:
    fmt = getattr(args, "format", "table") or "table"
    rows = compare(args.indicator, settings)
    if not rows and fmt == "table":
        print(f"no plan in the store states {args.indicator}", file=sys.stderr)
        return 0
    print(render_compare(rows, fmt))
    return 0
