"""Every structured value planqa passes around, as pydantic models.

Anything extracted from a plan carries a ``Citation``: the document, the section, the
character offsets in the ORIGINAL file and the exact quote found there, so each
number a user sees can be checked against its source.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

PLAN_PERIODS: dict[str, tuple[int, int]] = {
    "八五": (1991, 1995),
    "九五": (1996, 2000),
    "十五": (2001, 2005),
    "十一五": (2006, 2010),
    "十二五": (2011, 2015),
    "十三五": (2016, 2020),
    "十四五": (2021, 2025),
    "十五五": (2026, 2030),
}

ABSTAIN_TEXT = "文档未提及"

Kind = Literal["target", "baseline", "fact"]


class Document(BaseModel):
    """One plan file as ingested."""

    id: str
    path: str
    title: str
    region: str | None = None
    province: str | None = None
    plan: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    sha256: str
    chars: int
    encoding: str = "utf-8"
    format: str = Field("txt", description="txt | md | pdf | docx | html: what the canonical text was read from")
    pages: list[tuple[int, int, int, bool]] = Field(
        default_factory=list, description="a PDF's pages: (number, start, end, ocr) spans of the canonical text")
    ocr: bool = False

    @property
    def named(self) -> str:
        """The region as a user reads it, or the file's id when no title page said which region (never None)."""
        return self.region or f"{self.id}（地区不明）"

    def page_at(self, offset: int) -> tuple[int | None, bool]:
        """(page number, read by OCR) of a canonical-text offset; (None, False) for documents without pages."""
        for number, start, end, ocr in self.pages:
            if start <= offset < end:
                return number, ocr
        return None, False


class Chunk(BaseModel):
    """A few sentences of one section; ``text`` is the original file's slice [start, end)."""

    id: str
    doc_id: str
    section: str = ""
    start: int
    end: int
    text: str
    clean: str
    ordinal: int = 0
    kind: Literal["prose", "table", "box"] = "prose"
    units: list[tuple[int, int, int, int]] = Field(
        default_factory=list, description="each sentence or table row: (start, end) in ``clean``, (start, end) "
                                          "in the canonical text, so a sentence is cited exactly")

    @model_validator(mode="after")
    def _offsets(self) -> Chunk:
        if not (0 <= self.start <= self.end) or self.end - self.start != len(self.text):
            raise ValueError(f"chunk {self.id}: offsets {self.start}-{self.end} do not fit its text")
        return self


class Hit(BaseModel):
    """A retrieved chunk with the evidence of how it ranked."""

    chunk: Chunk
    score: float
    rank: int
    bm25_rank: int | None = None
    dense_rank: int | None = None
    region: str | None = None
    plan: str | None = None


class Citation(BaseModel):
    """Where a value came from: ``quote == canonical_text[start:end]`` (the file as ingest read it)."""

    model_config = ConfigDict(frozen=True)

    doc_id: str
    section: str = ""
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str
    chunk_id: str | None = None
    page: int | None = Field(None, description="the PDF page the quote starts on")
    ocr: bool = Field(False, description="the quote was read by OCR from a scanned page")

    @model_validator(mode="after")
    def _span(self) -> Citation:
        if self.end - self.start != len(self.quote):
            raise ValueError(f"citation {self.start}-{self.end} does not match its quote length")
        return self


Role = Literal["level", "growth", "change", "share", "ratio"]


class Statement(BaseModel):
    """One figure a plan states, read once at ingest by ``qa.figures`` and stored with its version.

    Its span (``start``/``end``: the sentence or table row, ``value_start``/``value_end``: the figure
    as printed) is in canonical-text coordinates, so a statement already is a citation. ``role``
    tells a level (亿元) from a yearly growth rate (年均增长8%), a change over the period (降低20%),
    a share (城镇化率55%) and a ratio (三次产业结构 12:45:43, ``parts``); a range keeps ``value_max``.
    ``trace`` names the vocabulary rules (qa.figures.vocab) that made it.
    """

    id: str
    doc_id: str
    chunk_id: str | None = None
    chunk_ids: list[str] = Field(default_factory=list, description="every chunk whose span holds it")
    label: str = Field(description="the indicator words that govern the figure, as the reader joined them")
    indicator: str | None = Field(None, description="canonical indicator (qa.figures.indicators), when known")
    name: str = Field("", description="the label without time, verb and growth words: the indicator as named")
    value: float | None = None
    value_max: float | None = None
    parts: list[float] = Field(default_factory=list)
    raw: str = ""
    text_value: str | None = Field(None, description="a target printed as text (完成市下达指标)")
    unit: str | None = None
    qualifier: str | None = None
    role: Role = "level"
    yearly: bool = False
    year: int | None = None
    kind: Literal["target", "baseline"] | None = None
    cumulative: bool = False
    base_value: float | None = None
    base_unit: str | None = None
    base_year: int | None = None
    section: str = ""
    context: str = Field("", description="words that scope it: heading, paragraph topic, the sentence before 其中")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str
    value_start: int | None = None
    value_end: int | None = None
    source: Literal["prose", "table"] = "prose"
    group: str | None = Field(None, description="statements of one table row share it: doc:start-end of the row")
    category: str | None = None
    binding: Literal["预期性", "约束性"] | None = None
    breakdown: list[str] = Field(default_factory=list, description="the sub-row it is for (城镇, 农村)")
    subrows: list[str] = Field(default_factory=list, description="a table row's sub-rows, named on its own cells")
    page: int | None = None
    ocr: bool = False
    trace: list[str] = Field(default_factory=list)

    @property
    def growth(self) -> bool:
        return self.role in ("growth", "change")

    @property
    def text(self) -> str:
        """The figure as an answer prints it: bound words, value, unit, （累计）."""
        if self.parts or self.value is None:
            return self.raw
        pre = self.qualifier if self.qualifier in PRE_QUALIFIERS else ""
        post = self.qualifier if self.qualifier and not pre else ""
        out = f"{pre}{self.raw}{self.unit or ''}{post}"
        return out + ("（累计）" if self.cumulative else "")

    def citation(self, chunk_id: str | None = None) -> Citation:
        return Citation(doc_id=self.doc_id, section=self.section, start=self.start, end=self.end, quote=self.quote,
                        chunk_id=chunk_id or self.chunk_id, page=self.page, ocr=self.ocr)

    @model_validator(mode="after")
    def _span(self) -> Statement:
        if self.end - self.start != len(self.quote):
            raise ValueError(f"statement {self.id}: span {self.start}-{self.end} does not match its quote")
        return self


PRE_QUALIFIERS = frozenset({"约", "不超过", "超过", "不低于", "不少于", "控制在", "突破", "高于", "低于", "保持在", "稳定在",
                            "大于", "小于", "≥", "≤", ">", "<"})


class Related(BaseModel):
    """A statement close to what was asked, shown beside an abstention: NOT the answer (a growth target
    when a level was asked, another year), cited like any figure."""

    text: str
    label: str
    year: int | None = None
    kind: str | None = None
    role: str | None = None
    citation: Citation
    why: str = "不是答案：与所问最接近的表述"


class ListItem(BaseModel):
    """One item of a list answer (哪些园区), with the span that names it."""

    text: str
    citation: Citation


class CrossRow(BaseModel):
    """One plan's cell of a cross-plan answer: its value of the indicator, or 未提及 (value None)."""

    doc_id: str
    region: str | None = None
    plan: str | None = None
    indicator: str | None = None
    value: float | None = None
    unit: str | None = None
    qualifier: str | None = None
    year: int | None = None
    kind: str | None = None
    role: str | None = None
    text: str = "未提及"
    citation: Citation | None = None


class Answer(BaseModel):
    """A grounded answer, or an explicit abstention (``文档未提及``)."""

    question: str
    text: str
    value: float | None = None
    unit: str | None = None
    qualifier: str | None = None
    year: int | None = None
    kind: Kind | None = None
    indicator: str | None = None
    citations: list[Citation] = Field(default_factory=list)
    abstained: bool = False
    reason: str | None = Field(None, description="why an answer was withheld, machine-readable (qa.answer.decide): "
                                                 "no_figure, other_role, other_year, place_not_held …")
    supported: bool = True
    unsupported_numbers: list[str] = Field(default_factory=list)
    engine: str = "extractive"
    timing_ms: float = 0.0
    note: str | None = None
    statement_id: str | None = Field(None, description="the stored statement the answer is")
    trace: list[str] = Field(default_factory=list, description="the rules that made (or refused) this answer")
    confidence: float | None = Field(None, ge=0.0, le=1.0,
                                     description="how sure the engine is (qa.answer.decide): for an answer that it is right, for an abstention that nothing in the plan answers")
    related: list[Related] = Field(default_factory=list, description="beside an abstention: the closest statements")
    items: list[ListItem] = Field(default_factory=list, description="a list answer's items, each cited")
    table: list[CrossRow] = Field(default_factory=list, description="a cross-plan answer: one row per plan")
    winner: str | None = Field(None, description="a ranking's first plan (doc id)")

    @classmethod
    def abstain(cls, question: str, engine: str, note: str | None = None) -> Answer:
        return cls(question=question, text=ABSTAIN_TEXT, abstained=True, engine=engine, note=note)


class Indicator(BaseModel):
    """One target of a plan (a row of its 主要指标表 or a sentence of its 发展目标), with its source.

    Every value must be printed in the quote that cites it: ``target_value`` and ``growth``
    (and ``base_value`` unless ``base_citation`` is given) are checked with ``qa.text.numbers``, the
    name (or one of its synonyms) and any text cell must appear in the quote (spaces ignored).
    """

    name: str
    canonical: str | None = Field(None, description="canonical indicator (qa.figures.indicators) when the name is a known one")
    category: str | None = Field(None, description="经济发展, 民生福祉 … when the plan gives one")
    base_year: int | None = None
    base_value: float | None = None
    target_year: int | None = None
    target_value: float | None = None
    target_text: str | None = Field(None, description="a target printed as text, e.g. 完成市下达指标")
    growth: float | None = Field(None, description="average annual growth (negative for 年均下降)")
    growth_text: str | None = Field(None, description="growth printed as text, e.g. 与同期GDP增速基本同步")
    unit: str | None = None
    qualifier: str | None = Field(None, description="以上, 左右, 以内, 累计 … of the target (of the growth when no target)")
    growth_qualifier: str | None = None
    binding: Literal["预期性", "约束性"] | None = None
    breakdown: list[str] = Field(default_factory=list, description="sub-rows such as 城镇, 农村")
    source: Literal["table", "prose", "llm"] = "prose"
    citation: Citation
    base_citation: Citation | None = Field(None, description="where the base value is printed, when elsewhere")

    @staticmethod
    def norm(text: str) -> str:
        """Text as compared for grounding: half-width, no tags or ``**``, no whitespace."""
        import re

        from qa.text.numbers import halfwidth

        return re.sub(r"\s+", "", re.sub(r"</?[a-zA-Z][a-zA-Z0-9]{0,10}\s*/?>|\*\*", "", halfwidth(text)))

    @staticmethod
    def printed(value: float, quote: str) -> bool:
        """``value`` (sign ignored) is one of the figures printed in ``quote``."""
        from qa.text.numbers import canonical, numbers_in

        want = canonical(format(abs(value), "f"))
        return any(n.lstrip("-") == want for n in numbers_in(quote))

    @model_validator(mode="after")
    def _grounded(self) -> Indicator:
        from qa.figures.indicators import aliases

        quote = self.citation.quote
        q = Indicator.norm(quote)
        names = [self.name] + (aliases(self.canonical) if self.canonical else [])
        if not self.name.strip() or not any(Indicator.norm(n) and Indicator.norm(n) in q for n in names):
            raise ValueError(f"indicator {self.name!r}: its name is not in the cited quote")
        if self.target_value is None and self.target_text is None and self.growth is None and self.growth_text is None:
            raise ValueError(f"indicator {self.name!r}: no target, growth or text value")
        for field, value in (("target_value", self.target_value), ("growth", self.growth)):
            if value is not None and not Indicator.printed(value, quote):
                raise ValueError(f"indicator {self.name!r}: {field} {value:g} is not printed in the cited quote")
        if self.base_value is not None:
            base_quote = self.base_citation.quote if self.base_citation else quote
            if not Indicator.printed(self.base_value, base_quote):
                raise ValueError(f"indicator {self.name!r}: base_value {self.base_value:g} is not printed in its quote")
        for field, text in (("target_text", self.target_text), ("growth_text", self.growth_text)):
            if text is not None and Indicator.norm(text) not in q:
                raise ValueError(f"indicator {self.name!r}: {field} {text!r} is not in the cited quote")
        return self


class Brief(BaseModel):
    """A structured, cited brief of one plan. Nothing in it is unsupported by its citations."""

    class Item(BaseModel):
        """An industry, project or strategy named by the plan; ``name`` is printed in the quote."""

        name: str
        text: str | None = Field(None, description="the sentence or heading it was found in, when useful")
        citation: Citation

        @model_validator(mode="after")
        def _grounded(self) -> Brief.Item:
            if not self.name.strip() or Indicator.norm(self.name) not in Indicator.norm(self.citation.quote):
                raise ValueError(f"item {self.name!r} is not in its cited quote")
            return self

    doc_id: str
    title: str | None = None
    region: str | None = None
    province: str | None = None
    plan: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    summary: str = Field("", max_length=420)
    summary_citations: list[Citation] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    industries: list[Brief.Item] = Field(default_factory=list)
    projects: list[Brief.Item] = Field(default_factory=list)
    strategies: list[Brief.Item] = Field(default_factory=list)
    engine: str = "extractive"

    def citations(self) -> list[Citation]:
        out = list(self.summary_citations)
        for ind in self.indicators:
            out.append(ind.citation)
            if ind.base_citation is not None:
                out.append(ind.base_citation)
        for item in [*self.industries, *self.projects, *self.strategies]:
            out.append(item.citation)
        return out

    @model_validator(mode="after")
    def _grounded(self) -> Brief:
        import re

        from qa.text.numbers import unsupported_numbers

        for c in self.citations():
            if c.doc_id != self.doc_id:
                raise ValueError(f"citation of {c.doc_id!r} in the brief of {self.doc_id!r}")
        if self.summary.strip():
            quotes = [Indicator.norm(c.quote) for c in self.summary_citations]
            if not quotes:
                raise ValueError("the summary has no citations")
            for piece in re.split(r"……|…|。|！|？|；", self.summary):
                p = Indicator.norm(piece).strip("，、：")
                if p and not any(p in q for q in quotes):
                    raise ValueError(f"summary sentence {piece[:40]!r} is not in its cited quotes")
            missing = unsupported_numbers(self.summary, [c.quote for c in self.summary_citations])
            if missing:
                raise ValueError(f"summary numbers not in its citations: {', '.join(missing)}")
        return self
