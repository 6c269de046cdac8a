"""The prose half of the one reader: typed figures out of plan sentences.

A ``Figure`` is one number (or one ratio) with its unit, qualifier, the label that governs it
(the indicator words before it in its clause, inherited by a bare clause such as 达143亿元), its
year, whether it reads as a goal or a record of the past, growth or level, the start of a change
(由X提高到Y gives a base), and its span in the passage's text. ``qa.figures.reader`` turns
figures into stored ``Statement``s; nothing else reads plan sentences.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace

from qa.figures import vocab as V
from qa.figures.indicators import RATE_NAMES, canonical_indicators
from qa.models import PLAN_PERIODS


@dataclass
class Figure:
    """One figure of a sentence or table row, with everything needed to judge it."""

    value: float | None
    raw: str  # the number as printed (a ratio: its parts joined by :)
    unit: str | None
    qualifier: str | None
    label: str  # indicator words governing it (inherited from the clause before when its own are few)
    year: int | None
    kind: str | None  # target | baseline | None
    growth: bool
    start: int  # span of the figure's sentence (or row) in the passage text
    end: int
    sentence: str
    cumulative: bool = False
    pos: int = 0  # where the number starts in its sentence: the words before it scope it
    length: int = 0  # characters of the figure as printed
    lead: str = ""  # heading, paragraph topic and the sentence a 其中… sentence continues
    parts: list[float] = field(default_factory=list)  # a ratio's parts
    base_value: float | None = None  # 由X提高到Y: X
    base_unit: str | None = None
    base_year: int | None = None
    yearly: bool = False  # 年均/每年: a yearly rate
    trace: list[str] = field(default_factory=list)
    # tables
    category: str | None = None
    binding: str | None = None
    breakdown: list[str] = field(default_factory=list)
    text_value: str | None = None  # a table cell printed as text (完成市下达指标)
    source: str = "prose"
    group: tuple[int, int] | None = None  # a table row's span with its sub-rows: one indicator
    table_unit: str | None = None  # the unit a table row's name prints in parentheses
    own_label: str = ""  # the figure's own clause words, before any inheritance
    subrows: list[str] = field(default_factory=list)  # a table row's sub-row labels (城镇, 农村)

    @property
    def context(self) -> str:
        """Words that scope the figure beyond its label: the sentence up to it, after what it continues."""
        return self.lead + self.sentence[: self.pos]

    @property
    def role(self) -> str:
        if self.parts:
            return "ratio"
        if self.growth:
            return "growth" if self.yearly else "change"
        if self.unit in V.SHARE_UNITS:
            return "share"
        return "level"

    @property
    def text(self) -> str:
        if self.parts:
            return self.raw
        unit = self.unit or ""
        pre = self.qualifier if self.qualifier in V.PRE_QUAL.split("|") else ""
        post = self.qualifier if self.qualifier in V.POST_QUAL.split("|") else ""
        out = f"{pre}{self.raw}{unit}{post}"
        return out + ("（累计）" if self.cumulative else "")


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a passage (split at 。！？； and line ends)."""
    return [(m.start(), m.end()) for m in V.SENTENCE.finditer(text) if m.group().strip()]


def prev_plan(period: tuple[int, int] | None) -> str | None:
    if not period:
        return None
    return next((p for p, (_, e) in PLAN_PERIODS.items() if e == period[0] - 1), None)


def _is_year(m: re.Match[str], text: str) -> bool:
    return bool(V.YEAR_AS_FIGURE.match(m.group("num"))) and text[m.end("num") : m.end("num") + 1] in "年～~—-－"


def sentence_figures(text: str, s: int, e: int, period: tuple[int, int] | None, section: str) -> list[Figure]:
    """Figures of one prose sentence; the label of a bare clause (达143亿元) is inherited."""
    sent = text[s:e]
    if V.INSTRUCTION.search(sent):
        return []  # addressed to a reader or a model: not a statement of the plan
    figures: list[Figure] = []
    prev = prev_plan(period)
    own = next((p for p, span in PLAN_PERIODS.items() if span == period), None)
    cue_target = bool(V.TARGET_CUES.search(_without_past_plan_ends(sent, period)))
    cue_own = bool(own and re.search(rf"“?{own}”?(?:期间|时期|期内)", sent))  # the plan's own period is its goal
    sent_target = cue_target or cue_own
    section_target, section_base = section_cues(section)
    # a bare 完成 outside the record of the past is an order (完成封沙育林45万亩), not a result
    sent_base = any(not (m.group(0) == "完成" and not section_base and not sent[m.end():].startswith("了"))
                    for m in V.BASELINE_CUES.finditer(sent)) or _names_prev_end(sent, prev)
    last_label = ""
    items: list[str] = []
    run: list[str] = []  # the subjects of the clauses just before, one figure each (A达x，B达y，分别比…提高p和q)
    for cpos, clause in _clauses(sent):
        ratios = V.RATIO.finditer(clause)
        masked = _mask(clause, ratios)
        matches = [m for m in V.FIGURE.finditer(masked) if _meaningful(m, masked)]
        labels, items = _respective_labels(clause, matches, items, run)
        before_clause = len(figures)
        cursor = 0
        base: tuple[float, str | None, int | None] | None = None
        found: list[tuple[re.Match[str], bool]] = sorted([(m, False) for m in matches] + [(m, True) for m in ratios],
                                                         key=lambda x: x[0].start())
        for m, is_ratio in found:
            trace: list[str] = []
            moved = False  # what an existing figure (原有…) is moved to: where the plan takes it
            label = clause[cursor : m.start()].strip()
            own_label = label
            tail = "" if is_ratio else _counted_noun(clause, m)
            continues = cursor > 0 and bool(V.TRANSITION.match(label))  # …由X元增加到现在的Y元
            cursor = m.end()
            if labels is not None and not is_ratio:
                j = matches.index(m)
                if not labels[j]:
                    continue  # 分别 with more figures than items: which is which cannot be told
                label = labels[j]
                trace.append(V.RESPECTIVELY.name)
            else:
                bare = re.sub(r"(?:19|20)\d\d\s*年(?:底|末)?", "", label)  # 2005年农牧民…: the year whole, not its 年 left
                label_core = subject(re.sub(r"[\d.%]+", "", bare))
                if (continues or len(re.findall(r"[\u4e00-\u9fff]", label_core)) <= 4) \
                        and not canonical_indicators(label) and last_label:
                    lead = V.EXISTING.sub("", last_label) if continues else last_label  # 原有X a 提升至 b: b is X
                    moved = lead != last_label
                    label = f"{lead}{label}"
                    trace.append("label.inherited")
                elif label_core and not V.COMPARISON_LEAD.match(label_core):
                    last_label = label_core  # 比自治区平均水平高33.2%: a comparison of the subject, no new subject
            label += tail
            if tail:
                trace.append(V.COUNTED_NOUN.name)
            year, how = _bind_year(sent[:cpos], clause[: m.start()])
            if how:
                trace.append(how)
            if is_ratio:
                parts = [float(x) for x in re.split(r"\s*[:：]\s*", m.group("parts"))]
                if year is None and V.ORIGIN.search(clause[: m.start()]):
                    base = None
                    trace.append(V.ORIGIN.name)
                    continue
                kind = _kind(year, period, sent_target, sent_base, section_target, section_base,
                             sent[: cpos + m.start()], prev, trace)
                year = year if year is not None else _default_year(kind, period, trace)
                figures.append(Figure(
                    value=None, raw=m.group("parts").replace(" ", ""), unit=None, qualifier=None, label=label,
                    year=year, kind=kind, growth=False, start=s, end=e, sentence=sent, pos=cpos + m.start(),
                    length=m.end() - m.start(), parts=parts, trace=[*trace, V.RATIO.name]))
                continue
            raw = m.group("num").replace(",", "")
            unit = m.group("unit") or _years_unit(m, clause)
            origin = _is_origin(clause, m)
            if origin:
                base = (float(raw), unit, year)
                if year is None:
                    continue  # 由原来的11个发展到27个: the 11 is where it started, at no stated time
                trace.append(V.ORIGIN.name)
            before = _without_rate_names(clause[: m.start()])[-8:]
            growth = bool(V.GROWTH_LABEL.search(before)
                          or (labels is not None and V.GROWTH_LABEL.search(_without_rate_names(label[-8:])))) and (
                m.group("unit") in V.RATE_UNITS
            )
            if growth:
                trace.append(V.GROWTH_LABEL.name)
            elif V.ABSOLUTE_CHANGE.search(before) and m.group("unit"):  # 比2020年增加1170万袋: a change, not a level
                growth = True
                trace.append(V.ABSOLUTE_CHANGE.name)
            kind = _kind(year, period, sent_target, sent_base, section_target, section_base,
                         sent[: cpos + m.start()], prev, trace)
            if kind is None and moved:
                kind = "target"
                trace.append(V.EXISTING.name)
            elif kind is None and V.EXISTING.match(label) and V.TRANSITION.search(clause[m.end():]):
                kind = "baseline"  # 原有处理能力6万吨提升至11万吨: the existing 6万吨 is where the plan starts
                trace.append(V.EXISTING.name + ".origin")
            year = year if year is not None else _default_year(kind, period, trace)
            qual = m.group("post") or m.group("pre")
            if qual:
                trace.append(f"qualifier.{qual}")
            cumulative = bool(m.group("bracket")) or (not growth and "累计" in label)
            if cumulative:
                trace.append(V.CUMULATIVE.name)
            f = Figure(
                value=float(raw), raw=raw, unit=unit, qualifier=qual, label=label, year=year,
                kind=kind, growth=growth, start=s, end=e, sentence=sent, cumulative=cumulative,
                pos=cpos + m.start(), length=m.end() - m.start(), trace=trace, own_label=own_label + tail,
            )
            f.yearly = growth and bool(V.YEARLY.search(label + clause[max(0, m.start() - 8) : m.start()]))
            if base is not None and not _is_origin(clause, m):
                f.base_value, f.base_unit, f.base_year = base
                f.trace.append("base.from_to")
                base = None
            figures.extend(_each_subject(f, labels is not None))
        mine = figures[before_clause:]
        one = len(mine) == 1 and mine[0].value is not None and labels is None
        run = [*run, subject(mine[0].label)] if one else []
    return figures


def shared_items(subjects: str) -> list[str]:
    """垃圾、粪便无害化处理率 → 垃圾无害化处理率, 粪便无害化处理率; 全区中小学入学率、巩固率 → …, 全区中小学巩固率:
    subjects listed with 、 that share words, each named whole. The shared words are found by word segmentation,
    so 乡镇、行政村体育设施配备率 keeps 行政村 whole (乡镇体育设施配备率). [] when the words are no such list."""
    from qa.text.pos import tagged

    items = [t.strip() for t in V.LIST_SPLIT.re.split(V.LIST_LEAD.sub("", subjects.strip())) if t.strip()]
    if len(items) < 2:
        return []
    out: list[str] = []
    pending: list[str] = []
    for it in items:
        if len(it) <= 3 and not (out and it.endswith("率")):
            pending.append(it)  # 垃圾 of 垃圾、粪便无害化处理率: it borrows what follows its first word
            continue
        if pending:
            words = [w for w, _ in tagged(it)]
            if len(words) < 2:
                return []
            out += [p + it[len(words[0]):] for p in pending]
            pending = []
        if len(it) <= 3 and out:  # 巩固率 of 中小学入学率、巩固率: it borrows the words before the last one's
            words = [w for w, _ in tagged(out[-1])]
            it = out[-1][: len(out[-1]) - len(words[-1])] + it if len(words) >= 2 else it
        out.append(it)
    last = out[-1][-1:] if out else ""
    return out if not pending and len(out) >= 2 and all(o.endswith(last) for o in out) else []


def _each_subject(f: Figure, respective: bool) -> list[Figure]:
    """One figure a list of subjects reaches together (A、B均达100%) is a figure of each of them."""
    m = None if respective else V.ALL_SAME.search(f.label)
    names = shared_items(f.label[: m.start()]) if m else []
    if not names:
        return [f]
    verb = f.label[m.start():]
    return [replace(f, label=n + verb, own_label=n + verb, trace=[*f.trace, V.ALL_SAME.name]) for n in names]


def _clauses(sent: str) -> list[tuple[int, str]]:
    """(offset, text) of each clause; the colons of a ratio (12:45:43) split nothing."""
    masked = list(sent)
    for m in V.RATIO.finditer(sent):
        for i in range(m.start(), m.end()):
            if masked[i] in ":：":
                masked[i] = "□"
    out: list[tuple[int, str]] = []
    last = 0
    for m in V.CLAUSE_SPLIT.re.finditer("".join(masked)):
        out.append((last, sent[last : m.start()]))
        last = m.end()
    out.append((last, sent[last:]))
    return out


def _without_rate_names(text: str) -> str:
    """人口自然增长率控制在6‰: the growth word is part of an indicator's name, and 6‰ is its level."""
    for name in RATE_NAMES:
        text = text.replace(name, "□" * len(name))
    return text


def _mask(clause: str, ratios: list[re.Match[str]]) -> str:
    """The clause with ratio parts blanked, so 12:45:43 is one ratio and no three figures."""
    out = list(clause)
    for m in ratios:
        for i in range(m.start(), m.end()):
            out[i] = "□"
    return "".join(out)


def _default_year(kind: str | None, period: tuple[int, int] | None, trace: list[str]) -> int | None:
    """No year in the sentence: a goal of this plan is for its last year, a record for the year before it."""
    if not period:
        return None
    if kind == "target":
        trace.append("year.plan_end")
        return period[1]
    if kind == "baseline":
        trace.append("year.plan_start")
        return period[0] - 1
    return None


def _without_past_plan_ends(text: str, period: tuple[int, int] | None) -> str:
    """“九五”期末 in a 十一五 plan is a time in the past, not the 期末 of a goal."""
    past = [p for p, (_, end) in PLAN_PERIODS.items() if period and end < period[0]]
    if not past:
        return text
    return re.sub(rf"“?(?:{'|'.join(past)})”?(?:期末|末)", "", text)


def _counted_noun(clause: str, m: re.Match[str]) -> str:
    """新建改建8个乡镇卫生院: what is counted follows the measure word, so it belongs to the label."""
    if m.group("unit") not in V.COUNTED:
        return ""
    after = clause[m.end():]
    noun = V.COUNTED_NOUN.match(after)
    if not noun or V.COUNTED_STOP.match(after):
        return ""
    return noun.group()


def _years_unit(m: re.Match[str], clause: str) -> str | None:
    """受教育年限提高到14年: a small number of 年 is a duration (a calendar year is never below 100)."""
    if not m.group("unit") and clause[m.end() : m.end() + 1] == "年" and float(m.group("num")) < 100 \
            and V.YEARS_UNIT.search(clause[: m.start()]):
        return "年"
    return None


def _is_origin(clause: str, m: re.Match[str]) -> bool:
    """The figure a change starts from: 由(原来的)X … 提高到/发展到 Y."""
    return bool(V.ORIGIN.search(clause[: m.start()]) and V.TRANSITION.search(clause[m.end():]))


def _meaningful(m: re.Match[str], clause: str) -> bool:
    """Years are times, not figures; bare numbers are list markers, ratios or codes."""
    if _is_year(m, clause) or V.RATE_BASE.search(clause[max(0, m.start() - 1) : m.start()]):
        return False  # a year is a time; 每10万人 is the base of a rate
    if m.group("num").startswith("-") and V.RANGE_END.search(clause[: m.start()]):
        return False  # 1-2 个, 8-10%: the end of a range, not a negative figure
    bare = not m.group("unit") and not m.group("bracket") and not m.group("post")
    return not bare or bool(_years_unit(m, clause)) or bool(
        V.BARE_RATIO_NEXT.match(clause[m.end():]) or V.BARE_CHANGE_BEFORE.search(clause[: m.start()]))


def list_items(text: str) -> list[str]:
    """一、二、三产业增加值 → 一产业增加值, 二产业增加值, 三产业增加值 (short items share the last one's tail)."""
    text = V.LIST_LEAD.sub("", text.strip())
    items = [t for t in V.LIST_SPLIT.re.split(text) if t.strip()]
    if len(items) == 1 and V.URBAN_RURAL.search(text):  # 城乡居民人均可支配收入分别达到x和y
        items = [text.replace("城乡", "城镇", 1), text.replace("城乡", "农村", 1)]
    if len(items) < 2:
        return []
    last = items[-1]
    return [it + last[len(it):] if len(it) <= 3 < len(last) else it for it in items[:-1]] + [last]


def _respective_labels(clause: str, matches: list[re.Match[str]], items: list[str], run: list[str]
                       ) -> tuple[list[str] | None, list[str]]:
    """Labels for “A、B、C分别实现x、y、z”, a following “年均增长p、q和r”, and “A达x，B达y，分别比…提高p和q”
    (the subjects of the clauses before, one figure each); None when no list applies.

    An empty label marks a figure that cannot be paired with its item."""
    resp = V.RESPECTIVELY.search(clause)
    if resp:
        after = [m for m in matches if m.start() >= resp.end()]
        own = list_items(clause[: resp.start()])
        if len(own) < 2 and len(items) != len(after) and len(run) == len(after) >= 2 and len(after) == len(matches):
            said = clause[: after[0].start()].replace("分别", "")  # 比“十五”末期提高, 年均增长: what each subject does
            moves = list(V.GROWTH_LABEL.finditer(said))
            verb = ("年均" if V.YEARLY.search(said) else "") + (moves[-1].group() if moves else "")
            return [subj + verb for subj in run], list(run)
        # 城乡居民收入分别达到x元和y元，比“十二五”期末分别增长p和q: the second 分别 names no list of its own
        items = items if len(own) < 2 and len(items) == len(after) >= 2 else own
        verb = clause[resp.start() + 2 : resp.end()]
        pairs = len(after) == len(items) and len(items) >= 2
        labels = [(items[after.index(m)] + verb if pairs else "") if m in after else None for m in matches]
        if any(lbl is None for lbl in labels):
            return None, items  # figures before 分别 keep their own labels
        return labels, items
    if items and len(matches) == len(items) >= 2:
        head = clause[: matches[0].start()].strip()
        if len(re.findall(r"[\u4e00-\u9fff]", head)) <= 6 and not canonical_indicators(head):
            return [item + head for item in items], items
    return None, []


def _years(text: str) -> list[re.Match[str]]:
    """Year mentions that set a time; 比2005年 / 是2000年的 are comparison bases and do not."""
    return [m for m in V.YEAR_TOKEN.finditer(text) if not V.COMPARISON_BEFORE.search(text[: m.start()])]


def _bind_year(sentence_before: str, clause_before: str) -> tuple[int | None, str | None]:
    """The year in the figure's own clause binds it; else the sentence's leading year does."""
    own = _years(clause_before)
    if own:
        after = clause_before[own[-1].end() :]
        if V.TRANSITION.search(after) and re.search(r"\d", after):
            return None, "year.belongs_to_origin"  # 由2000年的X增至Y: the year belongs to X
        return _year_of(own[-1]), "year.own_clause"
    # 由2000年的64.3亿元增至2005年的…, 人均68682元: the sentence stands at the year it arrives at
    lead = [m for m in _years(sentence_before) if not V.FROM_BEFORE.search(sentence_before[: m.start()])]
    return (_year_of(lead[0]), "year.sentence") if lead else (None, None)


def _year_of(m: re.Match[str]) -> int | None:
    if m.group(1):
        return int(m.group(1))
    if m.group(3):
        return V.cn_year(m.group(3))
    span = PLAN_PERIODS.get(m.group(2))
    return span[1] if span else None


def sentence_kind(sentence: str, section: str) -> str | None:
    """target or baseline for a sentence without figures, from its cues and then its section."""
    return _kind(None, None, bool(V.TARGET_CUES.search(sentence)), bool(V.BASELINE_CUES.search(sentence)),
                 *section_cues(section), "", None, [])


@functools.lru_cache(maxsize=8192)
def section_cues(section: str) -> tuple[bool, bool]:
    """(reads as goals, reads as a record) from the innermost heading that tells one from the other:
    发展基础、形势与预期 > 指导思想…和发展目标 > （四）发展目标 is a goal section."""
    for part in reversed(section.split(" > ")):
        t = bool(V.SECTION_GOAL.search(part))
        b = bool(V.SECTION_RECORD.search(part))
        if t != b:
            return t, b
    return False, False


def _names_prev_end(text: str, prev: str | None) -> bool:
    """“十五”末 as a time (“十五”末全区…), not as a comparison base (比“十五”末降低20%)."""
    if not prev:
        return False
    return any(not V.PREV_BASE.search(text[: m.start()]) for m in re.finditer(rf"“?{prev}”?(?:期末|末)", text))


def subject(label: str) -> str:
    """The indicator part of a label: drop time phrases, verbs and growth words."""
    label = V.LABEL_LEAD.sub("", label.strip())
    label = V.LABEL_TIME.sub("", label)
    for _ in range(3):
        label = V.LABEL_VERB.sub("", label)
        if not label.endswith(RATE_NAMES):  # 人口自然增长率 keeps its 增长率
            label = V.LABEL_GROWTH.sub("", label)
        label = V.LABEL_JOIN.sub("", label)
    return label.strip()


def _kind(year: int | None, period: tuple[int, int] | None, sent_target: bool, sent_base: bool,
          section_target: bool, section_base: bool, before: str, prev: str | None, trace: list[str]) -> str | None:
    def out(kind: str | None, why: str) -> str | None:
        trace.append(why)
        return kind

    if year is not None and period:
        return out("target" if year >= period[0] else "baseline", "kind.by_year")
    if _names_prev_end(before, prev):
        return out("baseline", V.PAST_PLAN_END.name)
    if sent_target and not sent_base:
        return out("target", V.TARGET_CUES.name)
    if sent_base and not sent_target:
        return out("baseline", V.BASELINE_CUES.name)
    if section_target and not section_base:
        return out("target", V.SECTION_GOAL.name)
    if section_base and not section_target:
        return out("baseline", V.SECTION_RECORD.name)
    if not sent_base and not section_base and V.GOAL_MOVE.search(before):
        return out("target", V.GOAL_MOVE.name)  # 规模以上食品企业发展到50户，产值达到150亿元 in a chapter of plans
    return None


def passage_figures(text: str, period: tuple[int, int] | None, section: str) -> list[Figure]:
    """Every figure of a prose passage (one section's text), with the words that scope each."""
    out: list[Figure] = []
    prev = topic = ""
    heading = section.split(" > ")[-1]  # （三）加快国际航空港建设 scopes the figures under it
    for s, e in sentences(text):
        sent = text[s:e]
        if s == 0 or text[s - 1] == "\n":
            # a paragraph's short first sentence names its subject: 做强太阳升粮食加工贸易区。…到2010年，年粮食交易量达150万吨
            topic = sent if len(sent) <= V.TOPIC_MAX else ""
        figs = sentence_figures(text, s, e, period, section)
        lead = heading + (topic if topic != sent else "") + (prev if sent.lstrip().startswith("其中") else "")
        for f in figs:
            f.lead = lead
        out.extend(figs)
        prev = sent
    return out
