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
    """Where a value came from: ``quote == original_text[start:end]``."""

    model_config = ConfigDict(frozen=True)

    doc_id: str
    section: str = ""
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str
    chunk_id: str | None = None

    @model_validator(mode="after")
    def _span(self) -> Citation:
        if self.end - self.start != len(self.quote):
            raise ValueError(f"citation {self.start}-{self.end} does not match its quote length")
        return self


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
    supported: bool = True
    unsupported_numbers: list[str] = Field(default_factory=list)
    engine: str = "extractive"
    timing_ms: float = 0.0
    note: str | None = None

    @classmethod
    def abstain(cls, question: str, engine: str, note: str | None = None) -> Answer:
        return cls(question=question, text=ABSTAIN_TEXT, abstained=True, engine=engine, note=note)
