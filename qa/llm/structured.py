"""Structured output: the JSON schema a model is asked for, and reading its reply.

``json_schema`` is what is sent (in ``response_format`` and in the system message, since not every
server enforces the former), ``parse_reply`` reads a reply into the pydantic model (a code fence
around the JSON is tolerated), and ``describe_invalid`` / ``validation_feedback`` turn a reply that
does not fit into the short message sent back to the model. The asking itself, with its bounded
retries, is ``LLMClient.structured``.
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from qa.llm.errors import one_line

M = TypeVar("M", bound=BaseModel)
Message = dict[str, Any]

SCHEMA_INSTRUCTION = (
    "Reply with exactly one JSON object, no prose and no code fence, that matches this JSON schema:"
)


def _untitled(schema: Any) -> Any:
    """The schema without pydantic's generated "title" keys (noise that costs prompt tokens)."""
    if isinstance(schema, list):
        return [_untitled(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for k, v in schema.items():
        if k == "title" and isinstance(v, str):
            continue
        if k in ("properties", "$defs", "definitions") and isinstance(v, dict):
            out[k] = {name: _untitled(sub) for name, sub in v.items()}
        else:
            out[k] = _untitled(v)
    return out


def json_schema(model_cls: type[BaseModel]) -> dict:
    """The JSON schema sent for ``model_cls`` (in response_format and in the system message)."""
    return _untitled(model_cls.model_json_schema())


def with_schema(messages: list[Message], schema: dict) -> list[Message]:
    """The conversation with the schema in its system message (added once)."""
    note = f"{SCHEMA_INSTRUCTION}\n{json.dumps(schema, ensure_ascii=False, separators=(',', ':'))}"
    if messages and messages[0].get("role") == "system":
        content = str(messages[0].get("content") or "")
        if note in content:
            return messages
        return [{**messages[0], "content": f"{content}\n\n{note}".strip()}, *messages[1:]]
    return [{"role": "system", "content": note}, *messages]


def response_format(mode: str, schema: dict, name: str) -> dict:
    """The ``response_format`` of one mode: OpenAI's json_schema, or JSON mode with the schema (llama.cpp)."""
    if mode == "json_schema":
        safe = re.sub(r"[^A-Za-z0-9_-]", "_", name)[:64] or "reply"
        return {"type": "json_schema", "json_schema": {"name": safe, "schema": schema, "strict": False}}
    return {"type": "json_object", "schema": schema}


def validation_feedback(problem: str) -> str:
    return (
        f"Your previous reply was not valid: {problem}. "
        "Reply again with only one JSON object that matches the schema."
    )


def parse_reply(text: str, model_cls: type[M]) -> M:
    """The reply as ``model_cls``; raises pydantic's ValidationError (a ValueError) when it does not fit."""
    body = text.strip()
    fence = re.match(r"^```[a-zA-Z]*\s*(.*?)\s*```$", body, re.S)
    if fence:
        body = fence.group(1)
    return model_cls.model_validate_json(body)


def describe_invalid(err: Exception) -> str:
    """What is wrong with a reply, in one short line (the first few validation errors)."""
    if isinstance(err, ValidationError):
        parts = []
        for e in err.errors()[:5]:
            loc = ".".join(str(p) for p in e.get("loc", ())) or "reply"
            parts.append(f"{loc}: {e.get('msg', 'invalid')}")
        return one_line("; ".join(parts), 300)
    return one_line(str(err), 300)
