"""Model lists: persistent cache in the database, TTL, stale/fallback serving, single-flight.

Fresh → served from the database (cachalot makes it a memory read). Expired → one worker
fetches (a lease row makes that true across threads and processes); the others wait briefly,
then serve what is stored. Upstream failure → the last good list, marked stale. No good list
ever → the template's fallback list plus litellm's catalog, marked fallback. A failed or
malformed response never replaces a good list.
"""

from __future__ import annotations

import secrets as _secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from llm_providers import conf, metrics
from llm_providers.catalog.loader import get_template
from llm_providers.catalog.schema import ProviderTemplate
from llm_providers.config_validation import clean_config, effective_settings
from llm_providers.discovery import fetchers
from llm_providers.discovery.records import ModelRecord
from llm_providers.exceptions import ConfigValidationError, NotFound, SecretUnavailable, UpstreamError
from llm_providers.models import MODEL_ID_MAX_LENGTH, ModelFetchState, ProviderConfig, ProviderModel
from llm_providers.services.providers import UNSET, provider_secrets

# Metadata compared to report a model as "changed" after a refresh.
_TRACKED = (
    "display_name",
    "kind",
    "context_window",
    "max_output_tokens",
    "capabilities",
    "pricing",
    "deprecation_date",
)
_OVERRIDABLE = {"display_name": str, "context_window": int, "capabilities": list}


@dataclass
class ModelListResult:
    provider_id: int | None
    source: str  # cache | live | stale | fallback
    fetched_at: datetime | None
    expires_at: datetime | None
    stale: bool
    error: dict[str, str] | None
    models: list[dict[str, Any]] = field(default_factory=list)
    changes: dict[str, list[str]] | None = None

    @property
    def age_seconds(self) -> int | None:
        if self.fetched_at is None:
            return None
        return max(0, int((timezone.now() - self.fetched_at).total_seconds()))

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "provider_id": self.provider_id,
            "source": self.source,
            "fetched_at": self.fetched_at.isoformat() if self.fetched_at else None,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "stale": self.stale,
            "error": self.error,
            "models": self.models,
        }
        if self.changes is not None:
            body["changes"] = self.changes
        return body


# --- reading -------------------------------------------------------------------------------


def _template(provider: ProviderConfig) -> ProviderTemplate:
    template = get_template(provider.template_id)
    if template is None:
        raise NotFound(f"The template {provider.template_id!r} of provider {provider.name!r} is not installed.")
    return template


def _ttl(provider: ProviderConfig, template: ProviderTemplate) -> int:
    return provider.model_ttl_seconds or template.model_fetching.ttl_seconds


def _state(provider: ProviderConfig) -> ModelFetchState:
    # Always read fresh: a provider instance may carry a fetch_state loaded before another
    # worker's fetch (cachalot turns this into a memory read).
    state, _ = ModelFetchState.objects.get_or_create(provider=provider)
    return state


def _row_dict(row: ProviderModel) -> dict[str, Any]:
    overrides = row.overrides or {}
    return {
        "id": row.model_id,
        "display_name": overrides.get("display_name") or row.display_name or row.model_id,
        "kind": row.kind,
        "context_window": overrides.get("context_window", row.context_window),
        "max_output_tokens": row.max_output_tokens,
        "capabilities": overrides.get("capabilities", row.capabilities or []),
        "pricing": row.pricing or {},
        "deprecation_date": row.deprecation_date.isoformat() if row.deprecation_date else None,
        "source": row.source,
        "visible": row.visible,
        "missing_since": row.missing_since.isoformat() if row.missing_since else None,
        "overrides": overrides,
    }


# Per-process memo of serialized model lists. Each provider has a "models stamp" in the shared
# cache that every write replaces (after commit); a memo entry is used only while its stamp is
# current, and for at most _MEMO_SECONDS (bounding staleness if the cache was unreachable
# during a write). It turns a cached read into two small cache lookups instead of 100 rows.
_MEMO: dict[tuple[int, str | None, bool | None], tuple[float, str, list[dict[str, Any]]]] = {}
_MEMO_LOCK = threading.Lock()
_MEMO_SECONDS = 60.0
_MEMO_MAX = 2000


def _stamp_key(provider_id: int) -> str:
    return f"llmp:models-stamp:{provider_id}"


def _models_changed(provider_id: int) -> None:
    # Now (this process and any reader must stop trusting its memo) and again after commit
    # (a reader that took the first new stamp may have memoized the rows from before commit).
    def bump() -> None:
        cache.set(_stamp_key(provider_id), uuid.uuid4().hex, None)

    bump()
    transaction.on_commit(bump)


def _stored_models(provider: ProviderConfig, *, kind: str | None = None, visible: bool | None = None) -> list[dict]:
    """The stored list as dicts. Callers must not mutate the result (it may be shared)."""
    key = (provider.pk, kind, visible)
    stamp = cache.get(_stamp_key(provider.pk))  # read before the rows: see _models_changed
    now = time.monotonic()
    if stamp:
        memo = _MEMO.get(key)
        if memo and memo[1] == stamp and memo[0] > now:
            return memo[2]
    rows = ProviderModel.objects.filter(provider=provider)
    if kind:
        rows = rows.filter(kind=kind)
    if visible is not None:
        rows = rows.filter(visible=visible)
    models = [_row_dict(row) for row in rows]
    if stamp:
        with _MEMO_LOCK:
            if len(_MEMO) >= _MEMO_MAX:
                _MEMO.clear()
            _MEMO[key] = (now + _MEMO_SECONDS, stamp, models)
    else:
        cache.add(_stamp_key(provider.pk), uuid.uuid4().hex, None)
    return models


def _error_dict(state: ModelFetchState) -> dict[str, str] | None:
    if not state.last_error_code:
        return None
    return {"code": state.last_error_code, "message": state.last_error_message, "hint": state.last_error_hint}


def _result(provider: ProviderConfig, state: ModelFetchState, source: str, **filters: Any) -> ModelListResult:
    error = None if source in {"cache", "live"} else _error_dict(state)
    return ModelListResult(
        provider_id=provider.pk,
        source=source,
        fetched_at=state.fetched_at,
        expires_at=state.expires_at,
        stale=source == "stale",
        error=error,
        models=_stored_models(provider, **filters),
    )


def get_models(provider: ProviderConfig, *, kind: str | None = None, visible: bool | None = None) -> ModelListResult:
    template = _template(provider)
    state = _state(provider)
    filters = {"kind": kind, "visible": visible}
    if not template.model_fetching.supported:
        metrics.record(provider.pk, "hits")
        _ensure_fallback_rows(provider, template)
        return _result(provider, state, "fallback", **filters)
    now = timezone.now()
    if state.has_good_list and state.expires_at and state.expires_at > now:
        metrics.record(provider.pk, "hits")
        return _result(provider, state, "cache", **filters)
    metrics.record(provider.pk, "misses")
    if state.retry_at and state.retry_at > now:
        # The provider told us to back off: don't call it again before it said we may.
        return _serve_without_fetch(provider, template, state, filters)
    outcome = _single_flight_fetch(provider, template, state)
    return _outcome_result(provider, template, outcome, filters)


def refresh_models(provider: ProviderConfig) -> ModelListResult:
    """Fetch now, whatever the TTL says; the result carries the changes. Never raises UpstreamError."""
    template = _template(provider)
    state = _state(provider)
    if not template.model_fetching.supported:
        _ensure_fallback_rows(provider, template)
        result = _result(provider, state, "fallback")
        result.changes = {"added": [], "removed": [], "changed": []}
        return result
    outcome = _single_flight_fetch(provider, template, state)
    result = _outcome_result(provider, template, outcome, {})
    result.changes = outcome.changes or {"added": [], "removed": [], "changed": []}
    return result


# --- fetching ------------------------------------------------------------------------------


@dataclass
class _Outcome:
    state: ModelFetchState
    fetched: bool  # this call (or the worker it waited for) stored a fresh list
    changes: dict[str, list[str]] | None = None


def _outcome_result(provider, template, outcome: _Outcome, filters) -> ModelListResult:
    if outcome.fetched:
        return _result(provider, outcome.state, "live", **filters)
    return _serve_without_fetch(provider, template, outcome.state, filters)


def _serve_without_fetch(provider, template, state: ModelFetchState, filters) -> ModelListResult:
    if state.has_good_list:
        return _result(provider, state, "stale", **filters)
    _ensure_fallback_rows(provider, template)
    return _result(provider, state, "fallback", **filters)


def _lease_seconds() -> float:
    return float(conf.get("DEADLINE")) * 3 + 5  # long enough for a paginated fetch, short if a worker dies


def _acquire_lease(provider_id: int) -> str | None:
    """Atomic conditional UPDATE: exactly one caller across threads and processes wins."""
    token = _secrets.token_hex(8)
    now = timezone.now()
    won = ModelFetchState.objects.filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now), pk=provider_id).update(
        lease_until=now + timedelta(seconds=_lease_seconds()), lease_token=token
    )
    return token if won else None


def _release_lease(provider_id: int, token: str) -> None:
    ModelFetchState.objects.filter(pk=provider_id, lease_token=token).update(lease_until=None, lease_token="")


def _single_flight_fetch(provider: ProviderConfig, template: ProviderTemplate, state: ModelFetchState) -> _Outcome:
    before = state.fetched_at
    token = _acquire_lease(provider.pk)
    if token is None:
        return _wait_for_other_worker(provider, before)
    try:
        # Double-check under the lease: another worker may have stored a list between our read
        # of the state and winning the lease; fetching again would be a second upstream call.
        current = ModelFetchState.objects.get(pk=provider.pk)
        if current.fetched_at != before and current.fetched_at is not None:
            return _Outcome(state=current, fetched=True, changes=current.last_changes or None)
        return _fetch_and_store(provider, template)
    finally:
        _release_lease(provider.pk, token)


def _wait_for_other_worker(provider: ProviderConfig, before: datetime | None) -> _Outcome:
    deadline = time.monotonic() + float(conf.get("SINGLE_FLIGHT_WAIT"))
    while time.monotonic() < deadline:
        time.sleep(0.05)
        state = ModelFetchState.objects.get(pk=provider.pk)
        if state.fetched_at != before and state.fetched_at is not None:
            return _Outcome(state=state, fetched=True)
        if state.lease_until is None:
            # The other worker finished without a new list (it failed): serve what is stored.
            return _Outcome(state=state, fetched=False)
    return _Outcome(state=ModelFetchState.objects.get(pk=provider.pk), fetched=False)


def _fetch_and_store(provider: ProviderConfig, template: ProviderTemplate) -> _Outcome:
    metrics.record(provider.pk, "upstream_calls")
    now = timezone.now()
    try:
        secrets = provider_secrets(provider)
        records = fetchers.fetch_models(template, effective_settings(template, provider.settings), secrets)
    except SecretUnavailable as exc:
        return _store_failure(provider, template, "invalid_credentials", exc.message, "Enter the API key again.", None)
    except UpstreamError as exc:
        return _store_failure(provider, template, exc.code, exc.message, exc.hint, exc.retry_after)
    with transaction.atomic():
        changes = _store_records(provider, records, now)
        ttl = _ttl(provider, template)
        ModelFetchState.objects.filter(pk=provider.pk).update(
            has_good_list=True,
            fetched_at=now,
            expires_at=now + timedelta(seconds=ttl),
            last_error_code="",
            last_error_message="",
            last_error_hint="",
            consecutive_failures=0,
            retry_at=None,
            last_changes=changes,
        )
    return _Outcome(state=ModelFetchState.objects.get(pk=provider.pk), fetched=True, changes=changes)


def _store_failure(provider, template, code: str, message: str, hint: str, retry_after: float | None) -> _Outcome:
    metrics.record(provider.pk, f"failure:{code}")
    now = timezone.now()
    retry_at = now + timedelta(seconds=min(retry_after, 24 * 3600)) if retry_after else None
    ModelFetchState.objects.filter(pk=provider.pk).update(
        last_error_code=code,
        last_error_message=message,
        last_error_hint=hint,
        last_error_at=now,
        consecutive_failures=F("consecutive_failures") + 1,
        retry_at=retry_at,
    )
    return _Outcome(state=ModelFetchState.objects.get(pk=provider.pk), fetched=False)


def _record_fields(record: ModelRecord) -> dict[str, Any]:
    return {
        "display_name": record.display_name or "",
        "kind": record.kind,
        "context_window": record.context_window,
        "max_output_tokens": record.max_output_tokens,
        "capabilities": sorted(set(record.capabilities)),
        "pricing": record.pricing or {},
        "deprecation_date": _parse_date(record.deprecation_date),
    }


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _store_records(provider: ProviderConfig, records: list[ModelRecord], now: datetime) -> dict[str, list[str]]:
    """Upsert the fetched list; returns {"added", "removed", "changed"} model ids."""
    existing = {row.model_id: row for row in ProviderModel.objects.filter(provider=provider)}
    seen: set[str] = set()
    added, changed, to_create, to_update = [], [], [], []
    for record in records:
        if record.id in seen:
            continue
        seen.add(record.id)
        values = _record_fields(record)
        row = existing.get(record.id)
        if row is None:
            to_create.append(
                ProviderModel(
                    provider=provider, model_id=record.id, source="api", visible=record.kind == "chat", **values
                )
            )
            added.append(record.id)
            continue
        was_api = row.source == "api"
        differs = any(getattr(row, name) != value for name, value in values.items())
        if was_api and differs:
            changed.append(record.id)
        elif not was_api and row.source != "manual":
            added.append(record.id)  # was a fallback placeholder, now really listed
        if differs or row.missing_since or row.source not in {"api", "manual"}:
            for name, value in values.items():
                setattr(row, name, value)
            row.missing_since = None
            if row.source != "manual":
                row.source = "api"
            row.updated_at = now
            to_update.append(row)
    removed = []
    placeholders = []
    for model_id, row in existing.items():
        if model_id in seen or row.source == "manual":
            continue
        if row.source in {"fallback", "catalog"}:
            placeholders.append(row.pk)  # never really listed: drop quietly
        elif row.missing_since is None:
            row.missing_since = now
            row.updated_at = now
            to_update.append(row)
            removed.append(model_id)
    _models_changed(provider.pk)
    ProviderModel.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        ProviderModel.objects.bulk_update(
            to_update, [*_TRACKED, "missing_since", "source", "updated_at"], batch_size=500
        )
    if placeholders:
        ProviderModel.objects.filter(pk__in=placeholders).delete()
    return {"added": sorted(added), "removed": sorted(removed), "changed": sorted(changed)}


def _fallback_records(provider: ProviderConfig, template: ProviderTemplate) -> list[ModelRecord]:
    records = fetchers.fallback_models(template)
    manual_ids = _manual_ids_from_settings(template, provider.settings)
    return records + [ModelRecord(id=model_id, source="manual") for model_id in manual_ids]


def _manual_ids_from_settings(template: ProviderTemplate, settings: dict[str, Any]) -> list[str]:
    # Templates such as `custom` take model ids typed by hand, one per line.
    if template.field("model_ids") is None:
        return []
    text = settings.get("model_ids") or ""
    ids = (line.strip() for line in str(text).splitlines())
    return [model_id for model_id in ids if model_id and len(model_id) <= MODEL_ID_MAX_LENGTH]


def _ensure_fallback_rows(provider: ProviderConfig, template: ProviderTemplate) -> None:
    """Store the fallback list once, so visibility choices made on it persist."""
    records = _fallback_records(provider, template)
    existing = set(ProviderModel.objects.filter(provider=provider).values_list("model_id", flat=True))
    missing = [r for r in records if r.id not in existing]
    if not missing:
        return
    rows, seen = [], set(existing)
    for record in missing:
        if record.id in seen:
            continue
        seen.add(record.id)
        rows.append(
            ProviderModel(
                provider=provider,
                model_id=record.id,
                source=record.source,
                visible=record.kind == "chat" and record.source != "catalog",
                **_record_fields(record),
            )
        )
    _models_changed(provider.pk)
    ProviderModel.objects.bulk_create(rows, ignore_conflicts=True)


# --- wizard (before saving) ---------------------------------------------------------------


def discover_models(template: ProviderTemplate, config: dict[str, Any]) -> ModelListResult:
    """Fetch a template's models for unsaved config values. Writes nothing."""
    cleaned = clean_config(template, config, partial=False)
    url_errors = {k: v for k, v in cleaned.errors.items() if k == "api_base"}
    if url_errors:
        raise ConfigValidationError(url_errors)
    settings = effective_settings(template, cleaned.settings)
    fallback = [_record_dict(r) for r in fetchers.fallback_models(template)]
    if not template.model_fetching.supported:
        return ModelListResult(None, "fallback", None, None, False, None, fallback)
    now = timezone.now()
    try:
        records = fetchers.fetch_models(template, settings, cleaned.secrets)
    except UpstreamError as exc:
        return ModelListResult(None, "fallback", None, None, False, exc.as_dict(), fallback)
    return ModelListResult(None, "live", now, None, False, None, [_record_dict(r) for r in records])


def _record_dict(record: ModelRecord) -> dict[str, Any]:
    values = _record_fields(record)
    deprecation = values.pop("deprecation_date")
    return {
        "id": record.id,
        **values,
        "display_name": record.display_name or record.id,
        "deprecation_date": deprecation.isoformat() if deprecation else None,
        "source": record.source,
        "visible": record.kind == "chat",
        "missing_since": None,
        "overrides": {},
    }


# --- admin choices -------------------------------------------------------------------------


def validate_model_id(model_id: Any) -> str:
    if not isinstance(model_id, str) or not model_id.strip():
        raise ConfigValidationError({"model_id": ["Enter a model ID."]})
    if any(ch.isspace() for ch in model_id.strip()) or model_id != model_id.strip():
        raise ConfigValidationError({"model_id": ["Model IDs cannot contain spaces."]})
    if len(model_id) > MODEL_ID_MAX_LENGTH:
        raise ConfigValidationError({"model_id": [f"Use at most {MODEL_ID_MAX_LENGTH} characters."]})
    return model_id


def add_manual_model(provider: ProviderConfig, model_id: Any) -> dict[str, Any]:
    model_id = validate_model_id(model_id)
    if ProviderModel.objects.filter(provider=provider, model_id=model_id).exists():
        raise ConfigValidationError({"model_id": [f"{model_id} is already in the list."]})
    row = ProviderModel.objects.create(provider=provider, model_id=model_id, source="manual", visible=True)
    _models_changed(provider.pk)
    return _row_dict(row)


def update_model(provider: ProviderConfig, model_id: str, *, visible: Any = UNSET, overrides: Any = UNSET) -> dict:
    try:
        row = ProviderModel.objects.get(provider=provider, model_id=model_id)
    except ProviderModel.DoesNotExist:
        raise NotFound(f"{provider.name} has no model {model_id!r}.") from None
    fields = ["updated_at"]
    if visible is not UNSET:
        row.visible = bool(visible)
        fields.append("visible")
    if overrides is not UNSET:
        row.overrides = _clean_overrides(overrides)
        fields.append("overrides")
    row.save(update_fields=fields)
    _models_changed(provider.pk)
    return _row_dict(row)


def set_visible_models(provider: ProviderConfig, visible_ids: set[str]) -> int:
    """Make exactly these models visible (the wizard's checkboxes). Returns how many are visible."""
    with transaction.atomic():
        _models_changed(provider.pk)
        ProviderModel.objects.filter(provider=provider).exclude(model_id__in=visible_ids).update(visible=False)
        return ProviderModel.objects.filter(provider=provider, model_id__in=visible_ids).update(visible=True)


def _clean_overrides(overrides: Any) -> dict[str, Any]:
    if overrides is None:
        return {}
    if not isinstance(overrides, dict):
        raise ConfigValidationError({"overrides": ["Send an object of overrides."]})
    cleaned, errors = {}, {}
    for name, value in overrides.items():
        expected = _OVERRIDABLE.get(name)
        if expected is None:
            errors[name] = [f"Only {', '.join(_OVERRIDABLE)} can be overridden."]
        elif value is None or value == "":
            continue  # blank removes the override
        elif expected is int and (isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 10**8):
            errors[name] = ["Enter a positive whole number of tokens."]
        elif expected is list and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            errors[name] = ["Send a list of capability names."]
        elif expected is str and (not isinstance(value, str) or len(value) > 256):
            errors[name] = ["Enter a name of at most 256 characters."]
        else:
            cleaned[name] = value.strip() if isinstance(value, str) else value
    if errors:
        raise ConfigValidationError(errors)
    return cleaned
