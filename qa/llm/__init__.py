"""The one way planqa talks to a language model: any OpenAI-compatible endpoint.

What each module holds (so each concern has one place):

* ``client``: ``LLMClient``, chat, streaming and structured output with retries and backoff;
* ``errors``: ``LLMError`` and its kinds, and how a transport failure reads in one line;
* ``cache``: the disk cache of calls keyed by model, messages and parameters, and replay from it;
* ``secrets``: the API key and URL credentials kept out of logs, cache files and errors;
* ``structured``: the JSON schema a reply must match, parsing it, the feedback on a bad one;
* ``prompts``: the prompt files (package data in ``qa/prompts/``), templates and document fences;
* ``answer``: ``answer_llm`` / ``stream_answer_llm``, grounded answers with their numbers checked.

This package re-exports the names the rest of planqa imports (``from qa.llm import LLMClient``),
and imports nothing heavy: the ``openai`` SDK is imported only when a request is made.
"""

from qa.llm.answer import (
    ANSWER_MAX_CHARS,
    ANSWER_MAX_TOKENS,
    INVALID_NOTE,
    LLMReply,
    answer_llm,
    build_answer_messages,
    repair_message,
    stream_answer_llm,
)
from qa.llm.cache import cache_dir_for
from qa.llm.client import DEFAULT_BASE_URL, LLMClient
from qa.llm.errors import CacheMiss, InvalidReply, LLMError
from qa.llm.prompts import (
    ANSWER_PROMPT,
    fill_template,
    load_prompt,
    neutralise_fences,
    pack_hits,
    prompt_names,
)
from qa.llm.secrets import redact_secrets
from qa.llm.structured import SCHEMA_INSTRUCTION, json_schema, validation_feedback

__all__ = [
    "ANSWER_MAX_CHARS",
    "ANSWER_MAX_TOKENS",
    "ANSWER_PROMPT",
    "DEFAULT_BASE_URL",
    "INVALID_NOTE",
    "SCHEMA_INSTRUCTION",
    "CacheMiss",
    "InvalidReply",
    "LLMClient",
    "LLMError",
    "LLMReply",
    "answer_llm",
    "build_answer_messages",
    "cache_dir_for",
    "fill_template",
    "json_schema",
    "load_prompt",
    "neutralise_fences",
    "pack_hits",
    "prompt_names",
    "redact_secrets",
    "repair_message",
    "stream_answer_llm",
    "validation_feedback",
]
