"""Typed shape of a provider template. Templates are data: one JSON file per provider."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Category = Literal["popular_cloud", "enterprise", "local", "custom"]
Difficulty = Literal["easy", "medium", "hard"]
FieldType = Literal["text", "password", "url", "select", "file", "textarea", "number", "boolean"]
ModelKind = Literal["chat", "embedding", "image", "audio", "moderation", "rerank", "other"]

# Names of the list-model response formats the discovery engine can parse.
# `none` means the provider has no usable list endpoint (catalog + fallback only).
ListFormat = Literal[
    "openai",  # {"object": "list", "data": [...]} — OpenAI and every compatible server
    "openrouter",  # openai shape with pricing/context fields
    "together",  # bare JSON array
    "ollama",  # /api/tags enriched by /api/show
    "anthropic",  # has_more / after_id pages
    "gemini",  # models[] + nextPageToken pages
    "cohere",  # models[] + next_page_token pages
    "azure_openai",  # /openai/models?api-version=
    "bedrock",  # ListFoundationModels, SigV4
    "none",
]
AuthStyle = Literal[
    "bearer",  # Authorization: Bearer <api_key>
    "optional_bearer",  # Bearer only when an api_key is set (local servers, OpenRouter)
    "x_api_key",  # x-api-key + anthropic-version
    "azure_api_key",  # api-key header
    "google_api_key",  # x-goog-api-key header
    "aws_sigv4",  # AWS Signature V4 (or Bearer when a Bedrock API key is set)
    "none",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SelectOption(_Strict):
    value: str
    label: str


class ConfigField(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    type: FieldType
    required: bool = False
    default: Any = None
    placeholder: str = ""
    help_text: str = ""
    options: list[SelectOption] = []
    pattern: str | None = None
    pattern_message: str = ""
    secret: bool = False
    advanced: bool = False

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"pattern does not compile: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ConfigField:
        if self.type == "select" and not self.options:
            raise ValueError("a select field needs options")
        if self.type != "select" and self.options:
            raise ValueError("only select fields take options")
        if self.pattern and not self.pattern_message:
            raise ValueError("a pattern needs a pattern_message that tells the user the expected format")
        if self.type == "password" and not self.secret:
            raise ValueError("password fields must be secret")
        return self


class ModelFetching(_Strict):
    supported: bool
    format: ListFormat = "none"
    endpoint: str = ""  # path appended to api_base, e.g. "/models" or "/api/tags"
    auth: AuthStyle = "none"
    ttl_seconds: int = Field(default=3600, ge=10, le=7 * 24 * 3600)

    @model_validator(mode="after")
    def _consistent(self) -> ModelFetching:
        if self.supported and (self.format == "none" or not self.endpoint):
            raise ValueError("a provider with a list endpoint needs a format and an endpoint")
        if self.endpoint and not self.endpoint.startswith("/"):
            raise ValueError("endpoint must start with '/'")
        return self


class FallbackModel(_Strict):
    id: str = Field(min_length=1, max_length=256)
    display_name: str = ""
    kind: ModelKind = "chat"
    context_window: int | None = None
    max_output_tokens: int | None = None
    capabilities: list[str] = []


class ProviderTemplate(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    description: str
    category: Category
    setup_difficulty: Difficulty
    litellm_provider: str
    logo: str = ""  # path under static/, empty → generated monogram
    docs_url: str = ""
    api_key_url: str = ""
    api_key_env: str = ""  # the conventional env variable, e.g. GROQ_API_KEY (wizard recommendation)
    recommended: bool = False
    config_schema: list[ConfigField]
    model_fetching: ModelFetching
    fallback_models: list[FallbackModel] = []
    default_model: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> ProviderTemplate:
        names = [f.name for f in self.config_schema]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate config field names: {', '.join(duplicates)}")
        if "api_base" not in names:
            raise ValueError("every template needs an api_base field")
        fallback_ids = [m.id for m in self.fallback_models]
        if self.model_fetching.supported and not fallback_ids:
            raise ValueError("a provider with a list endpoint needs fallback_models (served when it is down)")
        if self.default_model and fallback_ids and self.default_model not in fallback_ids:
            raise ValueError(f"default_model {self.default_model!r} is not among fallback_models")
        return self

    def field(self, name: str) -> ConfigField | None:
        return next((f for f in self.config_schema if f.name == name), None)

    @property
    def secret_fields(self) -> list[ConfigField]:
        return [f for f in self.config_schema if f.secret]

    @property
    def monogram(self) -> str:
        words = [w for w in re.split(r"[\s\-_]+", self.name) if w]
        return "".join(w[0] for w in words[:2]).upper() or self.id[:2].upper()
