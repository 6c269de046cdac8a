"""The llm brief engine: map over fenced section batches, reduce to the picks, ground every pick again.

Every candidate the model names must come with a verbatim quote that is found in the canonical
text (whitespace and width ignored); an indicator's values must be printed in it
(``qa.models.Indicator``). Table rows come from the stored statements, never from the model.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator

from qa.brief.items import MAX_ITEMS, MAX_PROJECTS, _items
from qa.brief.select import attach_baselines, baseline_values, extract_indicators
from qa.brief.summary import SUMMARY_MAX, summary
from qa.brief.view import BriefError, DocView
from qa.config import Settings
from qa.figures.reader import canonical_name
from qa.models import Brief, Citation, Indicator

MAP_MAX_TOKENS = 2000
REDUCE_MAX_TOKENS = 800
_MAP_LIMIT = 20
SUMMARY_PIECE_MIN = 12  # characters a quoted summary piece needs to be a sentence or clause


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
            continue  # table rows come from the stored statements
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


def llm_brief(view: DocView, settings: Settings, client: Any = None) -> Brief:
    """Map (sections → candidates with verbatim quotes), reduce (pick), then ground every pick."""
    client = client or _llm_client(settings)
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

    indicators = extract_indicators(view)  # the stored statements (table and prose), never the model's figures
    have = {i.canonical or Indicator.norm(i.name) for i in indicators}
    for name, ind, c in chosen("i", picked.indicators):
        grounded = _llm_indicator(name, ind, c)
        if grounded is not None and (grounded.canonical or Indicator.norm(grounded.name)) not in have:
            have.add(grounded.canonical or Indicator.norm(grounded.name))
            indicators.append(grounded)
    text, cites, spans = "", [], set()
    for _s, _, c in chosen("s", picked.summary):
        piece = re.sub(r"\s+", "", c.quote.strip())
        if (c.start, c.end) in spans or len(Indicator.norm(piece)) < SUMMARY_PIECE_MIN:
            continue  # a bare “2010年” or the same sentence twice is no summary
        if not re.search(r"[。！？；…]$", piece):
            piece += "。"  # a clause ends where its quote ends (the check splits the summary there)
        if len(text) + len(Indicator.norm(piece)) > SUMMARY_MAX:
            break
        text += piece
        cites.append(c)
        spans.add((c.start, c.end))
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
