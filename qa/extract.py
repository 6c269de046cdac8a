"""The extractive engine's rules: typed figures out of plan sentences and table rows.

Each rule is small and works on typed spans: a ``Figure`` is one number with its unit,
qualifier, the label that governs it (the indicator words before it in its clause),
its year and whether it reads as a target or a record of the past, and its span in
cleaned chunk coordinates. ``answer.py`` scores figures against the question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.indicators import NEAR_MISSES, canon_text, canonical_indicators
from qa.models import PLAN_PERIODS

UNITS = (
    "亿美元|万美元|美元|亿元|万元|元/月|元|个百分点|%|‰|万人次|人次|万人|人|万公顷|公顷|万亩|亩|万吨标准煤|吨标准煤|"
    "万吨|吨|亿斤|万斤|平方公里|公里/百平方公里|公里/平方公里|公里|万平方米|平方米|亿千瓦时|万千瓦时|千瓦时|万千瓦|千瓦|兆瓦|"
    "万户|户|万头|头|万只|只|万袋|个|家|所|张|名|座|处|栋|台套|台|辆|倍|岁|立方米|万立方米|天|小时|项|部|册|万|亿"
)
PRE_QUAL = "约|不超过|超过|不低于|不少于|控制在|突破|高于|低于|保持在|稳定在"
POST_QUAL = "以上|左右|以内|以下|之内|多|余"
NUMBER = r"-?\d+(?:,\d{3})*(?:\.\d+)?"  # a number as printed: -40.3, 1,200
# The one vocabulary of bounds for every reader of figures (qa.brief, qa.tables): FIGURE_RE reads
# the common ones above; table cells and brief also read the rarer ones (不超过, ≤ …, 及以上).
BOUND_PRE = f"大于|小于|≥|≤|>|<|{PRE_QUAL}"
BOUND_POST = f"及以上|{POST_QUAL}"
YEAR_NUM = r"19[5-9]\d|20\d\d"  # a plan-era year
PLAN_NAME = r"[八九]五|十[一二三四五六七八九]?五"  # 九五 … 十五五 (keys of qa.models.PLAN_PERIODS)
FIGURE_RE = re.compile(
    rf"(?P<pre>{PRE_QUAL})?(?P<bracket>\[)?(?P<num>{NUMBER})(?P<bracket_end>\])?"
    rf"(?P<unit>{UNITS})?(?P<post>{POST_QUAL})?"
)
YEAR_TOKEN = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)\s*年|“?([八九]五|十[一二三四五六七八九]?五)”?(?:期末|末)")
CLAUSE_SPLIT = re.compile(r"[，,；;。！？!?：:\n]")
GROWTH_LABEL = re.compile(r"(?:增长|增速|递增|增幅|提高|下降|降低|减少|增加|共降|累计降)(?!到|至)")
TARGET_CUES = re.compile(r"到\s*20\d\d|力争|预计|计划|预期|目标|争取|期末|将达|要达|确保|规划|要完成|将完成")
BASELINE_CUES = re.compile(r"(?<!累计)(?<!要)(?<!将)(?<!计划)(?<!力争)(?<!争取)完成|实现了|已达|已经|由.{0,25}(?:增至|增加到|提高到|上升到|发展到)|比.{0,10}增长|现在")
TRANSITION = re.compile(r"增至|增加到|提高到|上升到|发展到|下降到|降低到|减少到|扩大到|达到")
TABLE_NOTE_CUMULATIVE = re.compile(r"\[\s*\]\s*为累计|带\s*\[\s*\]")


@dataclass
class Figure:
    """One number in a sentence or table cell, with everything needed to judge it."""

    value: float
    raw: str  # the number as printed
    unit: str | None
    qualifier: str | None
    label: str  # indicator words governing it
    year: int | None
    kind: str | None  # target | baseline | None
    growth: bool
    start: int  # span of the figure's sentence (or row) in the chunk's cleaned text
    end: int
    sentence: str
    cumulative: bool = False
    pos: int = 0  # where the number starts in its sentence: the words before it scope it
    lead: str = ""  # the sentence a 其中… sentence continues

    @property
    def context(self) -> str:
        """Words that scope the figure beyond its label: the sentence up to it, after what it continues."""
        return self.lead + self.sentence[: self.pos]

    @property
    def text(self) -> str:
        unit = self.unit or ""
        pre = self.qualifier if self.qualifier in PRE_QUAL.split("|") else ""
        post = self.qualifier if self.qualifier in POST_QUAL.split("|") else ""
        out = f"{pre}{self.raw}{unit}{post}"
        return out + ("（累计）" if self.cumulative else "")


def _is_year(m: re.Match[str], text: str) -> bool:
    n = m.group("num")
    return bool(re.fullmatch(r"(19[5-9]\d|20\d\d)", n)) and text[m.end("num") : m.end("num") + 1] in "年～~—-－"


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans in cleaned text (split at 。！？； and line ends)."""
    out = []
    for m in re.finditer(r"[^。！？；!?;\n]+[。！？；!?;]?", text):
        if m.group().strip():
            out.append((m.start(), m.end()))
    return out


def prev_plan(period: tuple[int, int] | None) -> str | None:
    if not period:
        return None
    return next((p for p, (_, e) in PLAN_PERIODS.items() if e == period[0] - 1), None)


def sentence_figures(text: str, s: int, e: int, period: tuple[int, int] | None, section: str) -> list[Figure]:
    """Figures of one prose sentence; the label of a bare clause (达143亿元) is inherited."""
    sent = text[s:e]
    figures: list[Figure] = []
    prev = prev_plan(period)
    own = next((p for p, span in PLAN_PERIODS.items() if span == period), None)
    sent_target = bool(TARGET_CUES.search(_without_past_plan_ends(sent, period))) or bool(
        own and re.search(rf"“?{own}”?(?:期间|时期|期内)", sent))  # the plan's own period is its goal
    sent_base = bool(BASELINE_CUES.search(sent)) or _names_prev_end(sent, prev)
    section_target, section_base = section_cues(section)
    last_label = ""
    clause_start = 0
    list_items: list[str] = []
    for clause in CLAUSE_SPLIT.split(sent):
        cpos = sent.find(clause, clause_start)
        clause_start = cpos + len(clause)
        matches = [m for m in FIGURE_RE.finditer(clause) if _meaningful(m, clause)]
        labels, list_items = _respective_labels(clause, matches, list_items)
        cursor = 0
        for j, m in enumerate(matches):
            label = clause[cursor : m.start()].strip()
            tail = _counted_noun(clause, m)
            continues = cursor > 0 and bool(TRANSITION.match(label))  # …由X元增加到现在的Y元
            cursor = m.end()
            if labels is not None:
                if not labels[j]:
                    continue  # 分别 with more figures than items: which is which cannot be told
                label = labels[j]
            else:
                label_core = _subject(re.sub(r"[\d.%]+", "", label))
                if (continues or len(re.findall(r"[\u4e00-\u9fff]", label_core)) <= 4) \
                        and not canonical_indicators(label) and last_label:
                    label = f"{last_label}{label}"
                elif label_core:
                    last_label = label_core
            label += tail
            year = _bind_year(sent[:cpos], clause[: m.start()])
            if year is None and _is_origin(clause, m):
                continue  # 由原来的11个发展到27个: the 11 is where it started, at no stated time
            growth = bool(GROWTH_LABEL.search(clause[max(0, m.start() - 8) : m.start()])
                          or (labels is not None and GROWTH_LABEL.search(label[-8:]))) and (
                m.group("unit") in ("%", "个百分点", "‰", "倍")
            )
            kind = _kind(year, period, sent_target, sent_base, section_target, section_base,
                         sent[: cpos + m.start()], prev)
            if year is None and kind == "target" and period:
                year = period[1]
            elif year is None and kind == "baseline" and period:
                year = period[0] - 1
            raw = m.group("num").replace(",", "")
            qual = m.group("post") or m.group("pre")
            figures.append(Figure(
                value=float(raw), raw=raw, unit=m.group("unit") or _years_unit(m, clause), qualifier=qual,
                label=label, year=year,
                kind=kind, growth=growth, start=s, end=e, sentence=sent,
                cumulative=bool(m.group("bracket")) or (not growth and "累计" in label), pos=cpos + m.start(),
            ))
    return figures


def _without_past_plan_ends(text: str, period: tuple[int, int] | None) -> str:
    """“九五”期末 in a 十一五 plan is a time in the past, not the 期末 of a goal."""
    past = [p for p, (_, end) in PLAN_PERIODS.items() if period and end < period[0]]
    if not past:
        return text
    return re.sub(rf"“?(?:{'|'.join(past)})”?(?:期末|末)", "", text)


COUNTED = ("个", "所", "座", "家", "处", "条", "项", "台", "辆", "名", "张", "栋", "户", "公里", "万平方米", "平方米")


def _counted_noun(clause: str, m: re.Match[str]) -> str:
    """新建改建8个乡镇卫生院: what is counted follows the measure word, so it belongs to the label."""
    if m.group("unit") not in COUNTED:
        return ""
    after = clause[m.end():]
    noun = re.match(r"[\u4e00-\u9fff]{2,12}", after)
    if not noun or re.match(r"(?:以上|左右|以内|以下|之内|多|余)", after):
        return ""
    return noun.group()


def _years_unit(m: re.Match[str], clause: str) -> str | None:
    """受教育年限提高到14年: a small number of 年 is a duration (a calendar year is never below 100)."""
    if not m.group("unit") and clause[m.end() : m.end() + 1] == "年" and float(m.group("num")) < 100 \
            and "年限" in clause[: m.start()]:
        return "年"
    return None


def _is_origin(clause: str, m: re.Match[str]) -> bool:
    """The figure a change starts from: 由(原来的)X … 提高到/发展到 Y."""
    return bool(re.search(r"(?:由|从)[^，,；;]{0,12}$", clause[: m.start()]) and TRANSITION.search(clause[m.end():]))


def _meaningful(m: re.Match[str], clause: str) -> bool:
    """Years are times, not figures; bare numbers are list markers, ratios or codes."""
    if _is_year(m, clause) or clause[max(0, m.start() - 1) : m.start()] == "每":
        return False  # a year is a time; 每10万人 is the base of a rate
    bare = not m.group("unit") and not m.group("bracket") and not m.group("post")
    return not bare or bool(_years_unit(m, clause)) or bool(re.match(r"\s*[:：比]", clause[m.end():]) or re.search(r"提高|下降", clause[: m.start()]))


RESPECTIVELY = re.compile(r"分别(?:为|是|达到|达|实现|增长|下降|提高|降低|增加|占|完成)?")


def list_items(text: str) -> list[str]:
    """一、二、三产业增加值 → 一产业增加值, 二产业增加值, 三产业增加值 (short items share the last one's tail)."""
    text = re.sub(r"^(?:其中|全年)|^(?:到|至|在)?\s*(?:19|20)\d\d\s*年(?:底|末)?", "", text.strip())
    items = [t for t in re.split(r"[、和及与]", text) if t.strip()]
    if len(items) == 1 and "城乡" in text:  # 城乡居民人均可支配收入分别达到x和y
        items = [text.replace("城乡", "城镇", 1), text.replace("城乡", "农村", 1)]
    if len(items) < 2:
        return []
    last = items[-1]
    return [it + last[len(it):] if len(it) <= 3 < len(last) else it for it in items[:-1]] + [last]


def _respective_labels(clause: str, matches: list[re.Match[str]], items: list[str]
                       ) -> tuple[list[str] | None, list[str]]:
    """Labels for “A、B、C分别实现x、y、z” and a following “年均增长p、q和r”; None when no list applies.

    An empty label marks a figure that cannot be paired with its item."""
    resp = RESPECTIVELY.search(clause)
    if resp:
        after = [m for m in matches if m.start() >= resp.end()]
        items = list_items(clause[: resp.start()])
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
    return [m for m in YEAR_TOKEN.finditer(text) if not re.search(r"(?:比|较|是|相当于|为)“?$", text[: m.start()])]


def _bind_year(sentence_before: str, clause_before: str) -> int | None:
    """The year in the figure's own clause binds it; else the sentence's leading year does."""
    own = _years(clause_before)
    if own:
        after = clause_before[own[-1].end() :]
        if TRANSITION.search(after) and re.search(r"\d", after):
            return None  # 由2000年的X增至Y: the year belongs to X
        return _year_of(own[-1])
    # 由2000年的64.3亿元增至2005年的…, 人均68682元: the sentence stands at the year it arrives at
    lead = [m for m in _years(sentence_before) if not re.search(r"(?:由|从)“?$", sentence_before[: m.start()])]
    return _year_of(lead[0]) if lead else None


def _year_of(m: re.Match[str]) -> int | None:
    if m.group(1):
        return int(m.group(1))
    span = PLAN_PERIODS.get(m.group(2))
    return span[1] if span else None


def sentence_kind(sentence: str, section: str) -> str | None:
    """target or baseline for a sentence without figures, from its cues and then its section."""
    return _kind(None, None, bool(TARGET_CUES.search(sentence)), bool(BASELINE_CUES.search(sentence)),
                 *section_cues(section), "", None)


def section_cues(section: str) -> tuple[bool, bool]:
    """(reads as goals, reads as a record) from the innermost heading that tells one from the other:
    发展基础、形势与预期 > 指导思想…和发展目标 > （四）发展目标 is a goal section."""
    for part in reversed(section.split(" > ")):
        t = bool(re.search(r"目标|指标|预期", part))
        b = bool(re.search(r"回顾|成就|基础(?!设施|建设|教育|研究|保障)|现状|现实|成绩", part))
        if t != b:
            return t, b
    return False, False


def _names_prev_end(text: str, prev: str | None) -> bool:
    """“十五”末 as a time (“十五”末全区…), not as a comparison base (比“十五”末降低20%)."""
    if not prev:
        return False
    return any(not re.search(r"(?:比|较)“?$", text[: m.start()])
               for m in re.finditer(rf"“?{prev}”?(?:期末|末)", text))


def _subject(label: str) -> str:
    """The indicator part of a label: drop time phrases, verbs and growth words."""
    label = re.sub(r"^(?:其中|力争|计划|预计|预期|争取|确保)+", "", label.strip())
    label = re.sub(r"(?:到|至|在)?\s*(?:19|20)\d\d\s*年(?:底|末)?的?|“?[八九十一二三四五六七]{1,3}五”?(?:期末|末)的?", "", label)
    for _ in range(3):
        label = re.sub(r"(?:计划|预计|力争|要|将|可)?(?:实现|达到|达|为|完成|超过|突破|控制在|保持在|增至|增加到|提高到)$",
                       "", label)
        label = re.sub(r"(?:年均|平均每年|每年)?(?:增长|递增|增速|增幅|提高|下降|降低)(?:率)?$", "", label)
        label = re.sub(r"(?:由|从|比|的|，|,)$", "", label)
    return label.strip()


def _kind(year: int | None, period: tuple[int, int] | None, sent_target: bool, sent_base: bool,
          section_target: bool, section_base: bool, before: str, prev: str | None) -> str | None:
    if year is not None and period:
        return "target" if year >= period[0] else "baseline"
    if _names_prev_end(before, prev):
        return "baseline"
    if sent_target and not sent_base:
        return "target"
    if sent_base and not sent_target:
        return "baseline"
    if section_target and not section_base:
        return "target"
    if section_base and not section_target:
        return "baseline"
    return None


def table_figures(header: str, row: str, row_start: int, row_end: int, period: tuple[int, int] | None,
                  cumulative_note: bool) -> list[Figure]:
    """Figures of one table row; the header row decides what each column means."""
    heads = header.split("\t")
    cells = row.split("\t")
    label_idx = next((i for i, h in enumerate(heads) if "指标" in h or "项目" in h or "名称" in h), 1)
    label = " ".join(c for c in cells[: label_idx + 1] if c.strip()) if len(cells) > label_idx else row
    name = cells[label_idx] if len(cells) > label_idx else ""
    unit_m = re.search(r"[(（]([^()（）]+)[)）]\s*$", name.strip())
    unit = unit_m.group(1) if unit_m else None
    figures: list[Figure] = []
    for i, cell in enumerate(cells):
        if i <= label_idx or i >= len(heads) or not cell.strip():
            continue
        head = heads[i]
        m = re.fullmatch(
            rf"\s*(?P<pre>{PRE_QUAL})?(?P<b>\[)?(?P<num>-?\d+(?:\.\d+)?)\]?\s*(?P<u>%|{UNITS})?(?P<post>{POST_QUAL})?\s*",
            cell,
        )
        if not m:
            continue
        ym = re.search(r"(19[5-9]\d|20\d\d)", head)
        year = int(ym.group(1)) if ym else None
        growth = bool(re.search(r"增长|增速|年均", head))
        kind = None
        if year is not None and period:
            kind = "target" if year >= period[0] else "baseline"
        elif growth:
            kind = "target"
            year = period[1] if period else None
        cell_unit = m.group("u") or ("%" if growth else unit)
        raw = m.group("num")
        figures.append(Figure(
            value=float(raw), raw=raw, unit=cell_unit, qualifier=m.group("post") or m.group("pre"),
            label=label, year=year, kind=kind, growth=growth, start=row_start, end=row_end, sentence=row,
            cumulative=bool(m.group("b")) and cumulative_note,
        ))
    return figures


def chunk_figures(clean: str, is_table: bool, period: tuple[int, int] | None, section: str) -> list[Figure]:
    """Every figure in a chunk's cleaned text (table chunks start with their header row)."""
    if is_table:
        lines = clean.split("\n")
        header = lines[0]
        note = bool(TABLE_NOTE_CUMULATIVE.search(clean))
        out: list[Figure] = []
        pos = len(header) + 1
        category = ""
        for line in lines[1:]:
            cells = line.split("\t")
            if cells and cells[0].strip():
                category = cells[0].strip()
            if "\t" in line:
                row = line if (cells and cells[0].strip()) or not category else line
                out.extend(table_figures(header, row, pos, pos + len(line), period, note))
            pos += len(line) + 1
        return out
    out = []
    prev = topic = ""
    heading = section.split(" > ")[-1]  # （三）加快国际航空港建设 scopes the figures under it
    for s, e in sentences(clean):
        sent = clean[s:e]
        if s == 0 or clean[s - 1] == "\n":
            # a paragraph's short first sentence names its subject: 做强太阳升粮食加工贸易区。…到2010年，年粮食交易量达150万吨
            topic = sent if len(sent) <= TOPIC_MAX else ""
        figs = sentence_figures(clean, s, e, period, section)
        lead = heading + (topic if topic != sent else "") + (prev if sent.lstrip().startswith("其中") else "")
        for f in figs:
            f.lead = lead
        out.extend(figs)
        prev = sent
    return out


TOPIC_MAX = 30  # characters: longer opening sentences are statements, not a paragraph's subject


def near_miss(question: str, asked: list[str], label: str) -> bool:
    """The label names a different indicator that merely contains the asked one's name."""
    label_canon = canonical_indicators(label)
    question_canon = canon_text(question)
    for a in asked:
        for miss in NEAR_MISSES.get(a, []):
            if miss in label and miss not in question and miss not in question_canon:
                return True
    return bool(asked and label_canon and not set(asked) & set(label_canon))
