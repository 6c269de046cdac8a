"""A brief's 摘要: what is specific to this plan, in 3–6 of its own whole sentences, each cited.

Positioning first (定位 / 打造成 / 建设成为 in its goal or positioning sections), then its headline
targets (the sentences that state its main indicators' goals, figures included), then its priorities
(重点 / 主要任务). Ideological boilerplate that every plan of a period shares (以邓小平理论…为指导,
以习近平新时代…, 指导思想 sections) is never picked; sentences are never cut.
"""

from __future__ import annotations

from qa.brief.select import heading_title, is_baseline_section, is_target_section
from qa.brief.view import DocView, Unit
from qa.figures import vocab as V
from qa.models import Citation

SUMMARY_MAX = 400
SUMMARY_MIN_SENTENCES = 3
SUMMARY_MAX_SENTENCES = 6
MAIN_INDICATORS = ("地区生产总值", "财政收入", "一般公共预算收入", "城镇居民人均可支配收入", "农村居民人均纯收入",
                   "固定资产投资", "人均地区生产总值", "城镇化率")

BOILERPLATE = V.rule(
    "summary.boilerplate",
    r"邓小平理论|“三个代表”|三个代表|科学发展观|习近平新时代|新时代中国特色社会主义思想|高举.{0,12}旗帜|"
    r"党的十[一二三四五六七八九]?大|[二三四五六七]中全会|贯彻落实.{0,10}精神|以人民为中心|“五位一体”|“四个全面”|"
    r"解放思想|与时俱进|以.{0,12}为指导|为指针|为指引",
    "words every plan of a period shares: they tell nothing about this plan",
    ("以邓小平理论和“三个代表”重要思想为指导", "以习近平新时代中国特色社会主义思想为指导"),
    ("把双城建设成为哈尔滨的卫星城", "到2025年地区生产总值年均增长5%以上"))
POSITIONING = V.rule("summary.positioning", r"定位|打造成|打造为|建设成为|建成|建设成|发展成为|成为.{2,20}(?:城市|中心|基地|区)",
                     "a sentence that says what the plan wants the region to be",
                     ("把双城建设成为哈尔滨的卫星城", "打造成为区域物流中心"), ("加强基础设施建设",))
POSITION_SECTION = V.rule("summary.position_section", r"定位|总体思路|发展思路|总体要求|战略|奋斗目标|总体目标|发展目标|远景",
                          "sections where a plan states its positioning", ("（二）发展定位", "总体思路"), ("财政",))
PRIORITY = V.rule("summary.priority", r"重点|主要任务|着力|突出|首要|核心", "a sentence about what comes first",
                  ("重点发展现代农业",), ("地区生产总值",))
GUIDING_SECTION = V.rule("summary.guiding_section", r"指导思想|指导方针|基本原则", "sections of shared boilerplate",
                         ("一、指导思想",), ("发展目标",))


def _ok(u: Unit) -> bool:
    """A whole prose sentence of the plan's body that is not shared boilerplate or the record of the past."""
    t = u.text.strip()
    return (u.kind == "prose" and bool(u.section) and 12 <= len(t) <= 160 and t[-1] in "。；！？"
            and not BOILERPLATE.search(t) and not is_baseline_section(u.section)
            and not any(GUIDING_SECTION.search(heading_title(p)) for p in u.section.split(" > ")))


def _fill(picks: list[Unit], pool: list[Unit], upto: int) -> list[Unit]:
    used = sum(len(p.text.strip()) for p in picks)
    for u in pool:
        if len(picks) >= upto:
            break
        if u not in picks and used + len(u.text.strip()) <= SUMMARY_MAX:
            picks.append(u)
            used += len(u.text.strip())
    return picks


def summary(view: DocView) -> tuple[str, list[Citation]]:
    """3–6 whole, cited sentences (at most SUMMARY_MAX characters): positioning, targets, priorities."""
    units = [u for u in view.units if _ok(u)]
    headline = {(s.start, s.end) for s in view.statements
                if s.kind == "target" and s.indicator in MAIN_INDICATORS and is_target_section(s.section)}
    position = [u for u in units if POSITIONING.search(u.text)
                and any(POSITION_SECTION.search(heading_title(p)) for p in u.section.split(" > "))]
    targets = [u for u in units if any(u.start < b and a < u.end for a, b in headline)]
    priorities = [u for u in units if PRIORITY.search(u.text) and not is_target_section(u.section)
                  and "规划" not in heading_title(u.section.split(" > ")[-1])]
    order = position[:2] + targets[:2] + priorities[:2] + position[2:] + targets[2:]
    picks = _fill([], order, SUMMARY_MAX_SENTENCES)
    if len(picks) < SUMMARY_MIN_SENTENCES:  # a plan without those sections: its first plain sentences
        picks = _fill(picks, units, SUMMARY_MIN_SENTENCES)
    picks.sort(key=lambda u: order.index(u) if u in order else len(order) + u.start)
    cites = [view.cite(u.start, u.end, u.section) for u in picks]
    return "".join(u.text.strip() for u in picks), cites
