"""A brief's 摘要: what an analyst reads first, in 3–6 cited sentences or clauses of the plan (≤ 450 characters).

1. The plan's aim: the sentence that says what it wants the region to be (定位, 打造“…”, 建成…) — the same
   selector a 定位 question is answered by (``qa.retrieve.sentences``) — never a challenge (制约, 矛盾, 不足),
   the record of the past or the boilerplate every plan of a period shares.
2. Its headline targets with their numbers, read from the stored statements (GDP level and growth, per-capita
   GDP, incomes, fiscal revenue, an environment target), each as the clause that states it (with the words
   naming the indicator), clauses of one sentence joined.
3. Its top priorities: the sentence that names what it develops first (重点发展…, 主导产业).
"""

from __future__ import annotations

import re

from qa.brief.select import heading_title, is_baseline_section, is_target_section
from qa.brief.view import DocView, Unit
from qa.figures import vocab as V
from qa.figures.ontology import statement_indicator
from qa.models import Citation
from qa.retrieve.sentences import BOILERPLATE

SUMMARY_MAX = 450
SUMMARY_MIN_SENTENCES = 3
SUMMARY_MAX_SENTENCES = 6
MAIN_INDICATORS = ("地区生产总值", "财政收入", "一般公共预算收入", "城镇居民人均可支配收入", "农村居民人均纯收入",
                   "固定资产投资", "人均地区生产总值", "城镇化率")

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


CHALLENGE = V.rule("summary.challenge", r"制约|矛盾|不足|短板|瓶颈|困难|差距|薄弱|滞后|突出问题|挑战|不到位|压力|不强|不高",
                   "a sentence about the plan's problems, never its lead", ("成为制约经济发展的主要体制性矛盾",),
                   ("把双城建设成为哈尔滨的卫星城",))
SLOGAN = re.compile(r"(?:建成|打造|建设成为?|定位为|成为|争创|努力建设)“[^”]{4,40}”")
# the headline targets, in the order an analyst reads them (ontology ids), by what they tell: the economy, incomes,
# public money, the environment, then the rest. Each is taken as a level when the plan states one, as a growth rate
# too for GDP, and as a growth rate when that is all the plan states
SIGNATURE = "signature"  # a target that measures the plan's own aim (see _signature)
HEADLINE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("economy", ("gdp", "gdp_per_capita")),
    ("aim", (SIGNATURE,)),
    ("income", ("urban_income", "rural_income", "resident_income")),
    ("public money", ("fiscal_revenue", "general_budget_revenue")),
    ("environment", ("energy_per_gdp", "forest_coverage", "air_quality_days", "so2_emissions", "cod_emissions")),
    ("other", ("tertiary_share", "import_export", "industrial_value_added_above_scale", "fixed_asset_investment",
               "retail_sales", "urbanization_rate")),
)
HEADLINES = tuple(i for _, ids in HEADLINE_GROUPS for i in ids)
_GROUP = {i: g for g, ids in HEADLINE_GROUPS for i in ids}
LEAD_MAX = 130
FIRST_PRIORITY = V.rule("summary.first_priority", r"重点发展|大力发展|优先发展|着力发展|加快发展|主导产业|支柱产业|首位产业|重点培育",
                        "a sentence naming what the plan develops first", ("重点发展食品、装备制造产业",),
                        ("重点开发开放试验区",))


SUB_AREA = re.compile(r"(?:园区|贸易区|开发区|工业园|示范区|小区|功能区|集中区|产业园|新城)[^，。；]{0,12}(?:建设成为|建成|打造|成为)")


def _aim_score(u: Unit, region_words: tuple[str, ...], length: int = 0) -> float:
    """How surely a sentence states the whole plan's aim: a slogan, a positioning section, the region as its
    subject; a park's or a zone's aim (把…贸易区建设成为…) and 主体功能定位 are no plan's aim."""
    from qa.retrieve.sentences import AIM, NOT_AIM

    t = u.text.strip()
    if not AIM.search(t) or NOT_AIM.search(t) or BOILERPLATE.search(t) or CHALLENGE.search(t) \
            or is_baseline_section(u.section):
        return 0.0
    score = 1.0 + (1.0 if SLOGAN.search(t) else 0.0)
    if any(POSITION_SECTION.search(heading_title(p)) for p in u.section.split(" > ")):
        score += 0.5
    if any(re.search(re.escape(w) + r"(?![镇乡村])", t) for w in region_words):  # 大同区, not the town 大同镇
        score += 0.5
    if re.search(r"二〇三五|2035|远景", t):
        score += 0.2  # the long-range aim says what the region is to become
    if SUB_AREA.search(t):
        score -= 1.2
    if re.search(r"(?:把|将|使)(?:" + "|".join(map(re.escape, region_words)) + r")(?![镇乡村])[^，。]{0,4}"
                 r"(?:建设成为?|建成|打造成?为?|发展成为)",
                 t):
        score += 0.3  # 把二连浩特市建成…: the region itself is what is to become something
    if length and u.start < length / 4:
        score += 0.3  # plans state their aim early, before the chapters on each sector
    return max(score, 0.0)


def _clause(text: str, at: int, start: int, must: str | None = None) -> tuple[int, int]:
    """The clause of ``text`` around offset ``at`` (between ，；。), widened left until it names ``must``."""
    left = max(text.rfind(ch, 0, at) for ch in "，；。：,;") + 1
    right = min((i for i in (text.find(ch, at) for ch in "，；。,;") if i >= 0), default=len(text))
    while must and must not in text[left:right] and left > 0:
        prev = max(text.rfind(ch, 0, left - 1) for ch in "，；。：,;") + 1
        if text[prev:left].count("。") or prev == left:
            break
        left = prev
    return start + left, start + right


def _signature(name: str, aim: str, region_words: tuple[str, ...] = ()) -> bool:
    """A target that measures the plan's own aim: 食品工业占GDP比重 for a plan that wants to be 食品工业之都 (the
    region's own name, which the aim and many names print, says nothing)."""
    for w in sorted(region_words, key=len, reverse=True):
        name, aim = name.replace(w, " "), aim.replace(w, " ")
    bare = re.sub(r"占.*|比重|增加值|产值|[（(].*|\s", "", name)
    return len(bare) >= 4 and any(bare[i : i + 4] in aim for i in range(len(bare) - 3))


def _target_pieces(view: DocView, aim: str = "", region_words: tuple[str, ...] = ()) -> list[tuple[int, int, str, int]]:
    """(start, end, section, rank) of the clauses stating the plan's headline targets, from its statements; the
    rank is the place of its most important target in HEADLINES (the target that measures the plan's aim ranks
    with the economy's)."""
    period = (view.doc.period_start, view.doc.period_end)
    by_ind: dict[str, list] = {}
    for st in view.statements:
        if st.kind != "target" or st.value is None or st.source != "prose" or st.value_start is None \
                or is_baseline_section(st.section):
            continue
        ind = statement_indicator(st.name or st.label, st.label, st.indicator)
        if ind is not None and ind.id in HEADLINES:
            by_ind.setdefault(ind.id, []).append(st)
        elif aim and _signature(st.name or st.label, aim, region_words):
            by_ind.setdefault(SIGNATURE, []).append(st)
    picked: list[tuple[int, int, str, int]] = []
    for ind_id in HEADLINES:
        sts = by_ind.get(ind_id, [])
        # a level, share, rate or the period's total change (能耗降低20%) says where the plan ends; a yearly rate
        # is added for GDP, and stands in only when the plan states nothing else
        levels = [x for x in sts if x.role in ("level", "share", "rate", "change")]
        growths = [x for x in sts if x.role == "growth"]
        chosen = levels[:1] if levels else []
        if growths and (ind_id == "gdp" or not levels):
            chosen = [*chosen, growths[0]]
        if not chosen and sts:
            chosen = sts[:1]
        for st in chosen:
            st = min([x for x in sts if x.role == st.role],
                     key=lambda x: (x.year not in (period[1], None), not is_target_section(x.section), x.start))
            ind = statement_indicator(st.name or st.label, st.label, st.indicator)
            names = [n for n in (ind.names if ind else [st.name or st.label]) if n in st.quote]
            a, b = _clause(st.quote, st.value_start - st.start, st.start, names[0] if names else None)
            if not any(x[0] <= a and b <= x[1] for x in picked):
                picked.append((a, b, st.section, HEADLINES.index(ind_id)))
    # clauses of one sentence become one piece, as important as its most important target
    picked.sort()
    merged: list[tuple[int, int, str, int]] = []
    for a, b, sec, rank in picked:
        if merged and "。" not in view.text[merged[-1][1] : a] and a - merged[-1][1] < 40:
            last = merged[-1]
            merged[-1] = (last[0], max(b, last[1]), last[2], min(rank, last[3]))
        else:
            merged.append((a, b, sec, rank))
    return merged


def _headline_choice(pieces: list[tuple[int, int, str, int]], room: int) -> list[tuple[int, int, str, int]]:
    """The target clauses the 摘要 has room for: the most important of each group first (an economy, an income, a
    public-money and an environment target when the plan states them), then the rest by importance."""
    ranked = sorted(pieces, key=lambda p: p[3])
    chosen: list[tuple[int, int, str, int]] = []
    seen: set[str] = set()
    for p in ranked:
        group = _GROUP[HEADLINES[p[3]]]
        if group != "other" and group not in seen and len(chosen) < room:
            chosen.append(p)
            seen.add(group)
    for p in ranked:
        if len(chosen) >= room:
            break
        if p not in chosen:
            chosen.append(p)
    return chosen


def _aim_clauses(units: list[Unit], region_words: tuple[str, ...], n: int) -> list[tuple[float, int, int, str]]:
    """The clause of a guiding sentence that states the plan's overall aim (以全面奔小康、建设新大同为目标): the
    sentence is boilerplate every plan shares, its aim clause is not."""
    from qa.retrieve.sentences import AIM, NOT_AIM

    out = []
    for u in units:
        if not BOILERPLATE.search(u.text) or is_baseline_section(u.section):
            continue
        pos = 0
        for piece in re.split(r"(?<=[，；])", u.text):
            t = piece.strip("，；。 ")
            if 6 <= len(t) <= 60 and (AIM.search(t) or "为目标" in t) and not BOILERPLATE.search(t) \
                    and not NOT_AIM.search(t):
                at = u.text.find(t, pos)
                score = 1.6 + (0.3 if u.start < n / 4 else 0.0) + (0.3 if any(w in t for w in region_words) else 0)
                out.append((score, u.start + at, u.start + at + len(t), u.section))
            pos += len(piece)
    return out


def summary(view: DocView) -> tuple[str, list[Citation]]:
    """The aim, the headline targets with their numbers, the top priorities: 3–6 cited pieces, ≤ SUMMARY_MAX."""
    units = [u for u in view.units if _ok(u)]
    pieces: list[tuple[int, int, str]] = []
    from qa.text.places import region_aliases

    region_words = (*region_aliases(view.doc.region), "我区", "我市", "我县", "我旗", "全区", "全市", "全县", "本区")
    n = len(view.text)
    aims = sorted((u for u in units if _aim_score(u, region_words, n) > 0),
                  key=lambda u: (-_aim_score(u, region_words, n), u.start))
    clauses = sorted(_aim_clauses(view.units, region_words, n), key=lambda c: (-c[0], c[1]))
    best_sentence = _aim_score(aims[0], region_words, n) if aims else 0.0
    if clauses and clauses[0][0] >= best_sentence:
        _, a, b, sec = clauses[0]
        pieces.append((a, b, sec))
    elif aims:
        u = aims[0]
        if len(u.text.strip()) > LEAD_MAX:  # the clause that states the aim, not the whole long sentence
            m = SLOGAN.search(u.text) or POSITIONING.search(u.text)
            a, b = _clause(u.text, m.start() if m else 0, u.start)
            pieces.append((a, b, u.section))
        else:
            pieces.append((u.start, u.end, u.section))
    aim = "".join(view.text[a:b] for a, b, _ in pieces)
    targets = _headline_choice(_target_pieces(view, aim, region_words), SUMMARY_MAX_SENTENCES - 1 - len(pieces))
    pieces += [p[:3] for p in sorted(targets)]
    prio = [u for u in units if FIRST_PRIORITY.search(u.text) and not CHALLENGE.search(u.text)
            and len(u.text.strip()) <= 150 and re.search(r"产业|工业|农业|服务业|物流|旅游", u.text)
            and u.text.count("、") >= 1 and "\n" not in u.text.strip()]
    prio.sort(key=lambda u: (not any("产业" in heading_title(p) for p in u.section.split(" > ")), u.start))
    if prio:
        pieces.append((prio[0].start, prio[0].end, prio[0].section))
    out: list[Citation] = []
    text = ""
    for a, b, sec in pieces:
        c = view.cite(a, b, sec)
        piece = c.quote.strip().rstrip("，,；;。") + "。"
        if len(text) + len(piece) > SUMMARY_MAX:
            continue
        text += piece
        out.append(c)
    if len(out) < SUMMARY_MIN_SENTENCES:  # a plan without those sections: its first plain goal sentences
        for u in units:
            if len(out) >= SUMMARY_MIN_SENTENCES or CHALLENGE.search(u.text):
                continue
            piece = u.text.strip().rstrip("，,；;。") + "。"
            if len(text) + len(piece) <= SUMMARY_MAX and all(u.start != c.start for c in out):
                text += piece
                out.append(view.cite(u.start, u.end, u.section))
    return text, out
