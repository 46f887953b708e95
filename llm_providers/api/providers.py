"""Provider CRUD and set-default. Thin: the services validate and write; this only shapes JSON."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from llm_providers import selectors
from llm_providers.api.converters import PROVIDER_ID
from llm_providers.api.schemas import ProviderCreateIn, ProviderOut, ProviderPatchIn, SetDefaultIn, error_responses
from llm_providers.catalog.loader import get_template
from llm_providers.config_validation import CLEAR, effective_settings
from llm_providers.models import ModelFetchState, ProviderConfig
from llm_providers.services import providers as services

router = Router(tags=["providers"])
PROVIDER = f"providers/{{{PROVIDER_ID}:provider_id}}"


def provider_body(provider: ProviderConfig) -> dict[str, Any]:
    """The API view of a provider. Secrets appear only as {"set", "hint"}; values are never decrypted."""
    template = get_template(provider.template_id)
    if template is not None:
        config = effective_settings(template, provider.settings)
        secret_names = [spec.name for spec in template.secret_fields]
    else:  # template uninstalled: show what is stored
        config = dict(provider.settings)
        secret_names = sorted(provider.secret_hints)
    hints = provider.secret_hints or {}
    try:
        state: ModelFetchState | None = provider.fetch_state
    except ModelFetchState.DoesNotExist:
        state = None
    return {
        "id": provider.pk,
        "name": provider.name,
        "template_id": provider.template_id,
        "config": config,
        "secrets": {name: {"set": name in hints, "hint": hints.get(name, "")} for name in secret_names},
        "enabled": provider.enabled,
        "is_default": provider.is_default,
        "default_model": provider.default_model,
        "status": provider.status,
        "version": provider.version,
        "needs_key": selectors.provider_needs_key(provider),
        "model_ttl_seconds": provider.model_ttl_seconds,
        "created_at": provider.created_at,
        "updated_at": provider.updated_at,
        "model_cache": {
            "fetched_at": state.fetched_at if state else None,
            "expires_at": state.expires_at if state else None,
            "last_error_code": (state.last_error_code or None) if state else None,
        },
    }


@router.get("providers", response={200: list[ProviderOut], **error_responses()}, url_name="providers")
def list_providers(request: HttpRequest, include_drafts: bool = False) -> list[dict[str, Any]]:
    return [provider_body(provider) for provider in selectors.provider_list(include_drafts=include_drafts)]


# url_name "providers" is what auth.CREATE_URL_NAMES keys on: POST here needs `add`, not `change`.
@router.post("providers", response={201: ProviderOut, **error_responses()}, url_name="providers")
def create_provider(request: HttpRequest, payload: ProviderCreateIn) -> Status[dict[str, Any]]:
    provider = services.provider_create(
        name=payload.name,
        template_id=payload.template_id,
        config=payload.config,
        default_model=payload.default_model,
        user=request.auth,
    )
    return Status(201, provider_body(selectors.provider_get(provider.pk)))


@router.get(PROVIDER, response={200: ProviderOut, **error_responses(404)})
def get_provider(request: HttpRequest, provider_id: int) -> dict[str, Any]:
    return provider_body(selectors.provider_get(provider_id))


@router.patch(PROVIDER, response={200: ProviderOut, **error_responses(404, 409)})
def update_provider(request: HttpRequest, provider_id: int, payload: ProviderPatchIn) -> dict[str, Any]:
    provider = selectors.provider_get(provider_id)
    sent = payload.model_fields_set
    changes: dict[str, Any] = {
        # null for these means "not sent": none of them can be cleared.
        key: getattr(payload, key)
        for key in ("name", "default_model", "enabled", "status")
        if key in sent and getattr(payload, key) is not None
    }
    if "model_ttl_seconds" in sent:  # null restores the template's TTL
        changes["model_ttl_seconds"] = payload.model_ttl_seconds
    provider = services.provider_update(
        provider=provider,
        expected_version=payload.version,
        config=_config_changes(provider, payload.config),
        user=request.auth,
        **changes,
    )
    return provider_body(selectors.provider_get(provider.pk))


def _config_changes(provider: ProviderConfig, config: dict[str, Any] | None) -> dict[str, Any] | None:
    """JSON has no sentinel: a secret field sent as null means "remove the stored value"."""
    if not config:
        return config
    template = get_template(provider.template_id)
    secret_names = {spec.name for spec in template.secret_fields} if template else set()
    return {name: CLEAR if value is None and name in secret_names else value for name, value in config.items()}


@router.delete(PROVIDER, response={204: None, **error_responses(404)})
def delete_provider(request: HttpRequest, provider_id: int) -> Status[None]:
    services.provider_delete(provider=selectors.provider_get(provider_id), user=request.auth)
    return Status(204, None)


@router.post(f"{PROVIDER}/set-default", response={200: ProviderOut, **error_responses(404)})
def set_default(request: HttpRequest, provider_id: int, payload: SetDefaultIn | None = None) -> dict[str, Any]:
    model = payload.model if payload else None
    provider = services.provider_set_default(
        provider=selectors.provider_get(provider_id), model=model, user=request.auth
    )
    return provider_body(selectors.provider_get(provider.pk))
