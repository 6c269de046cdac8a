"""Grounded answers from a model: ``answer_llm`` and its streaming twin ``stream_answer_llm``.

The retrieved chunks are fenced into the answer prompt (``qa/prompts/answer.md``) within the
context budget, the model replies with an ``LLMReply`` (structured output), and the reply becomes an
``Answer`` that cites only chunks the model was shown, with every number checked against the cited
text (``qa.text.numbers.unsupported_numbers``); an answer printing numbers its citations do not is sent
back once for repair. A model whose reply never fits the schema gives an abstention with the reason
(``INVALID_NOTE``); an endpoint that fails raises ``LLMError``.
"""

from __future__ import annotations

import html
import logging
import re
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from qa.llm.client import LLMClient
from qa.llm.errors import InvalidReply, LLMError
from qa.llm.prompts import ANSWER_PROMPT, fill_template, load_prompt, neutralise_fences, pack_hits
from qa.llm.structured import Message, describe_invalid, parse_reply, validation_feedback
from qa.models import ABSTAIN_TEXT, Answer, Citation, Hit, Statement
from qa.text.numbers import canonical, unsupported_numbers

if TYPE_CHECKING:
    from qa.config import Settings

log = logging.getLogger(__name__)

ANSWER_MAX_TOKENS = 800
ANSWER_MAX_CHARS = 160


# What the model is asked to return for one question; prompts/answer.md explains each field.
# (A comment, not a docstring: pydantic would send a docstring as the schema's description.)
# The length limits keep a rambling model from writing until max_tokens (llama.cpp turns them
# into its grammar); a real answer is one or two sentences.
class LLMReply(BaseModel):
    answer: str = Field(max_length=ANSWER_MAX_CHARS)
    chunk_ids: list[str] = Field(max_length=12)
    value: float | None = None
    unit: str | None = Field(None, max_length=16)
    qualifier: str | None = Field(None, max_length=16)
    year: int | None = None
    kind: Literal["target", "baseline", "fact"] | None = None
    statement_id: str | None = Field(None, max_length=8)
    abstained: bool


MAX_CANDIDATES = 8


def candidates_block(statements: Sequence[Statement]) -> tuple[str, dict[str, Statement]]:
    """The extractive engine's best statements as ``<candidate id="s1" chunk="…">`` lines: the same
    figures the extractive engine chose from, by id, so the model can pick one instead of re-reading."""
    by_id: dict[str, Statement] = {}
    lines = []
    for n, st in enumerate(statements[:MAX_CANDIDATES], 1):
        sid = f"s{n}"
        by_id[sid] = st
        kind = {"target": "目标", "baseline": "基期"}.get(st.kind or "", "")
        year = f"{st.year}年" if st.year else ""
        body = neutralise_fences(f"{st.name or st.label}：{st.text}（{year}{kind}）")
        lines.append(f'<candidate id="{sid}" chunk="{html.escape(st.chunk_id or "", quote=True)}">{body}</candidate>')
    return "\n".join(lines), by_id


def build_answer_messages(
    question: str, hits: Sequence[Hit], settings: Settings, candidates: str = ""
) -> tuple[list[Message], dict[str, Hit]]:
    """The chat messages for ``question`` and the chunks that made it into the context, by id."""
    system, user = load_prompt(ANSWER_PROMPT)
    packed = pack_hits(hits, settings.llm.context_tokens)
    values = {"documents": "\n".join(block for _, block in packed), "question": question.strip(),
              "candidates": candidates or "（无）"}
    messages: list[Message] = []
    if system:
        messages.append({"role": "system", "content": fill_template(system, values)})
    messages.append({"role": "user", "content": fill_template(user, values)})
    return messages, {h.chunk.id: h for h, _ in packed}


def _fmt_value(value: float) -> str:
    return canonical(format(value, "f"))


def _build_answer(question: str, reply: LLMReply, by_id: dict[str, Hit], engine: str,
                  statements: dict[str, Statement] | None = None) -> Answer:
    text = reply.answer.strip()
    if reply.abstained or not text or text.startswith(ABSTAIN_TEXT):
        return Answer.abstain(question, engine, note="the model found no answer in the documents")
    citations: list[Citation] = []
    picked = (statements or {}).get((reply.statement_id or "").strip())
    if picked is not None:  # a candidate: its own span is the first citation
        citations.append(picked.citation())
    for cid in dict.fromkeys(reply.chunk_ids):
        hit = by_id.get(cid.strip())
        if hit is None:
            continue
        c = hit.chunk
        citations.append(
            Citation(
                doc_id=c.doc_id, section=c.section, start=c.start, end=c.end, quote=c.text, chunk_id=c.id
            )
        )
    if not citations:
        return Answer.abstain(question, engine, note="the model cited none of the retrieved passages")
    checked = text if reply.value is None else f"{text} {_fmt_value(reply.value)}"
    missing = unsupported_numbers(checked, [c.quote for c in citations])
    return Answer(
        question=question,
        text=text,
        statement_id=picked.id if picked is not None else None,
        value=reply.value,
        unit=reply.unit,
        qualifier=reply.qualifier,
        year=reply.year,
        kind=reply.kind,
        citations=citations,
        supported=not missing,
        unsupported_numbers=missing,
        engine=engine,
        note=f"numbers not printed in the cited text: {', '.join(missing)}" if missing else None,
    )


def repair_message(missing: list[str]) -> str:
    return (
        f"These numbers in your answer are not printed in the documents you cited: {', '.join(missing)}. "
        "Copy every number exactly as printed in a cited document (with its unit and qualifier), "
        f"cite the document that prints it, or answer {ABSTAIN_TEXT} with abstained=true."
    )


def _finish(
    question: str,
    reply: LLMReply,
    messages: list[Message],
    by_id: dict[str, Hit],
    client: LLMClient,
    settings: Settings,
    t0: float,
    params: dict,
    statements: dict[str, Statement] | None = None,
) -> Answer:
    engine = f"llm:{settings.llm.model}"
    answer = _build_answer(question, reply, by_id, engine, statements)
    first = list(answer.unsupported_numbers) if not answer.abstained else []
    if not answer.abstained and answer.unsupported_numbers:
        log.info(
            "answer prints unsupported numbers %s; asking the model to repair once",
            answer.unsupported_numbers,
        )
        repair = [
            *messages,
            {"role": "assistant", "content": reply.model_dump_json()},
            {"role": "user", "content": repair_message(answer.unsupported_numbers)},
        ]
        try:
            fixed = client.structured(repair, LLMReply, **params)
        except LLMError as err:
            answer = answer.model_copy(update={"note": f"{answer.note}; the repair failed: {err}"})
        else:
            answer = _build_answer(question, fixed, by_id, engine, statements)
    if first:  # the model's reply printed numbers its cited passages do not: say so, whatever the repair did
        answer.trace = [*answer.trace, f"llm.unsupported_numbers={','.join(first)}", "llm.repair_asked"]
    answer.timing_ms = round((time.perf_counter() - t0) * 1000, 1)
    return answer


def _params(params: dict) -> dict:
    return {"temperature": 0, "max_tokens": ANSWER_MAX_TOKENS, **params}


INVALID_NOTE = "the model's reply never matched the answer format"


def _unreadable(question: str, engine: str, err: InvalidReply, attempts: int, t0: float) -> Answer:
    """The abstention a user gets when the model answered, but never in the required format."""
    answer = Answer.abstain(
        question,
        engine,
        note=f"{INVALID_NOTE} after {attempts} attempts ({err.problem}): "
        "no answer is shown; use a stronger model (QA_MODEL) or raise QA_LLM_VALIDATION_RETRIES",
    )
    answer.timing_ms = round((time.perf_counter() - t0) * 1000, 1)
    return answer


def answer_llm(
    question: str, hits: list[Hit], settings: Settings, client: LLMClient | None = None,
    candidates: Sequence[Statement] = (), **params: Any
) -> Answer:
    """A grounded answer from the model over ``hits``: cited chunks only, numbers checked.

    A reply that never fits ``LLMReply`` is an abstention whose note says why (the model's
    fault, not the user's); an endpoint that cannot be reached, times out or refuses the
    request raises ``LLMError`` with one line saying what to do.
    """
    t0 = time.perf_counter()
    engine = f"llm:{settings.llm.model}"
    if not hits:
        return Answer.abstain(question, engine, note="no passages were retrieved")
    client = client or LLMClient(settings)
    block, statements = candidates_block(candidates)
    messages, by_id = build_answer_messages(question, hits, settings, block)
    params = _params(params)
    try:
        reply = client.structured(messages, LLMReply, **params)
    except InvalidReply as err:
        return _unreadable(question, engine, err, err.attempts, t0)
    return _finish(question, reply, messages, by_id, client, settings, t0, params, statements)


def _partial_string(buf: str, key: str) -> str:
    """The decoded prefix of the JSON string value of ``key`` in a JSON text still being written."""
    m = re.search(r'"' + re.escape(key) + r'"\s*:\s*"', buf)
    if not m:
        return ""
    out: list[str] = []
    i = m.end()
    escapes = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}
    while i < len(buf):
        ch = buf[i]
        if ch == '"':
            break
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        if i + 1 >= len(buf):
            break
        esc = buf[i + 1]
        if esc != "u":
            out.append(escapes.get(esc, esc))
            i += 2
            continue
        try:
            cp = int(buf[i + 2 : i + 6], 16) if len(buf) >= i + 6 else None
        except ValueError:
            break
        if cp is None:
            break
        if 0xD800 <= cp < 0xDC00:  # surrogate pair: wait for the low half
            if len(buf) < i + 12:
                break
            try:
                low = int(buf[i + 8 : i + 12], 16)
            except ValueError:
                break
            out.append(chr(0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00)))
            i += 12
            continue
        out.append(chr(cp))
        i += 6
    return "".join(out)


def stream_answer_llm(
    question: str, hits: list[Hit], settings: Settings, client: LLMClient | None = None,
    candidates: Sequence[Statement] = (), **params: Any
) -> Iterator[str | Answer]:
    """Text deltas of the answer as the model writes it, then the validated ``Answer`` (always last).

    The deltas are a preview: the final ``Answer`` is what counts (it may abstain or be marked
    unsupported after the citation and number checks, or differ after a repair).
    """
    t0 = time.perf_counter()
    engine = f"llm:{settings.llm.model}"
    if not hits:
        yield Answer.abstain(question, engine, note="no passages were retrieved")
        return
    client = client or LLMClient(settings)
    block, statements = candidates_block(candidates)
    messages, by_id = build_answer_messages(question, hits, settings, block)
    params = _params(params)
    raw = ""
    shown = ""
    for delta in client.stream_structured(messages, LLMReply, **params):
        raw += delta
        text = _partial_string(raw, "answer")
        if len(text) > len(shown) and text.startswith(shown):
            yield text[len(shown) :]
            shown = text
    try:
        reply = parse_reply(raw, LLMReply)
    except ValueError as err:
        retry = [
            *messages,
            {"role": "assistant", "content": raw},
            {"role": "user", "content": validation_feedback(describe_invalid(err))},
        ]
        try:
            reply = client.structured(retry, LLMReply, **params)
        except InvalidReply as again:
            yield _unreadable(question, engine, again, again.attempts + 1, t0)  # + the streamed try
            return
    yield _finish(question, reply, messages, by_id, client, settings, t0, params, statements)
