"""Request and response shapes of the admin API (they also generate the OpenAPI document).

Inputs only type-check here; the services are the authority on what a valid value is. The
few length bounds below mirror database column limits, so an oversized value is a 422 rather
than a database error.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from llm_providers.catalog.schema import Category, ConfigField, Difficulty, FallbackModel, ModelFetching
from llm_providers.models import MODEL_ID_MAX_LENGTH

DB_INT_MAX = 2**31 - 1


# --- errors --------------------------------------------------------------------------------


class ErrorBody(Schema):
    code: str
    message: str
    details: dict[str, Any] = {}


class ErrorOut(Schema):
    error: ErrorBody


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Document the envelope for these statuses; 401/403/422 are possible on every operation."""
    return {status: ErrorOut for status in sorted({401, 403, 422, *statuses})}


# --- templates -----------------------------------------------------------------------------


class TemplateSummaryOut(Schema):
    id: str
    name: str
    description: str
    category: Category
    setup_difficulty: Difficulty
    recommended: bool
    logo: str
    monogram: str
    docs_url: str
    api_key_url: str
    api_key_env: str
    litellm_provider: str
    default_model: str
    supports_model_listing: bool

    @staticmethod
    def resolve_supports_model_listing(obj: Any) -> bool:
        return obj.model_fetching.supported


class TemplateOut(TemplateSummaryOut):
    config_schema: list[ConfigField]
    model_fetching: ModelFetching
    fallback_models: list[FallbackModel]


# --- providers -----------------------------------------------------------------------------


class SecretStateOut(Schema):
    set: bool
    hint: str


class ModelCacheOut(Schema):
    fetched_at: datetime | None
    expires_at: datetime | None
    last_error_code: str | None


class ProviderOut(Schema):
    id: int
    name: str
    template_id: str
    config: dict[str, Any]
    secrets: dict[str, SecretStateOut]
    enabled: bool
    is_default: bool
    default_model: str
    status: str
    version: int
    needs_key: bool
    model_ttl_seconds: int | None
    created_at: datetime
    updated_at: datetime
    model_cache: ModelCacheOut


class ProviderCreateIn(Schema):
    name: str
    template_id: str
    config: dict[str, Any] = {}
    default_model: str = Field("", max_length=MODEL_ID_MAX_LENGTH)


class ProviderPatchIn(Schema):
    """Partial update. Omitted fields keep their value; in `config`, a secret set to null is cleared."""

    version: int = Field(..., ge=1, le=DB_INT_MAX, description="The version you read; a stale one gives 409.")
    name: str | None = None
    config: dict[str, Any] | None = None
    default_model: str | None = Field(None, max_length=MODEL_ID_MAX_LENGTH)
    enabled: bool | None = None
    status: str | None = None
    model_ttl_seconds: int | None = Field(None, le=DB_INT_MAX, description="null restores the template's TTL.")


class SetDefaultIn(Schema):
    model: str | None = Field(None, max_length=MODEL_ID_MAX_LENGTH)


# --- models --------------------------------------------------------------------------------


class UpstreamErrorOut(Schema):
    code: str
    message: str
    hint: str = ""


class ModelOut(Schema):
    id: str
    display_name: str
    kind: str
    context_window: int | None
    max_output_tokens: int | None
    capabilities: list[str]
    pricing: dict[str, float]
    deprecation_date: str | None
    source: str
    visible: bool
    missing_since: datetime | None
    overrides: dict[str, Any]


class ModelListOut(Schema):
    provider_id: int | None
    source: Literal["cache", "live", "stale", "fallback"]
    fetched_at: datetime | None
    expires_at: datetime | None
    stale: bool
    error: UpstreamErrorOut | None
    models: list[ModelOut]


class ChangesOut(Schema):
    added: list[str]
    removed: list[str]
    changed: list[str]


class RefreshOut(ModelListOut):
    changes: ChangesOut


class ModelPatchIn(Schema):
    visible: bool | None = None
    overrides: dict[str, Any] | None = Field(
        None, description="display_name, context_window, capabilities; null clears."
    )


class ManualModelIn(Schema):
    model_id: str


# --- connection tests ----------------------------------------------------------------------


class TestIn(Schema):
    model: str | None = Field(None, max_length=MODEL_ID_MAX_LENGTH)


class TemplateTestIn(TestIn):
    config: dict[str, Any] = {}


class DiscoverIn(Schema):
    config: dict[str, Any] = {}


class CheckOut(Schema):
    name: str
    ok: bool
    detail: str
    latency_ms: int
    skipped: bool = False


class TestResultOut(Schema):
    ok: bool
    latency_ms: int
    checks: list[CheckOut]
    error: UpstreamErrorOut | None


# --- metrics -------------------------------------------------------------------------------


class MetricsOut(Schema):
    totals: dict[str, Any]
    providers: dict[str, dict[str, Any]]
