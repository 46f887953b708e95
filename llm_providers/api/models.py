"""A provider's model list: read (cached), refresh, per-model choices, manual models."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from llm_providers import selectors
from llm_providers.api.providers import PROVIDER
from llm_providers.api.schemas import (
    ManualModelIn,
    ModelListOut,
    ModelOut,
    ModelPatchIn,
    RefreshOut,
    error_responses,
)
from llm_providers.discovery.records import Kind
from llm_providers.services import discovery
from llm_providers.services.providers import UNSET

router = Router(tags=["models"])


@router.get(f"{PROVIDER}/models", response={200: ModelListOut, **error_responses(404)})
def list_models(
    request: HttpRequest, provider_id: int, kind: Kind | None = None, visible: bool | None = None
) -> HttpResponse:
    """Served from the cache while fresh; an upstream failure is reported in `error`, still 200."""
    provider = selectors.provider_get(provider_id)
    body = discovery.get_models(provider, kind=kind, visible=visible).to_dict()
    # The hottest endpoint: serialise directly instead of re-validating hundreds of records
    # through the response schema (the shape is the same ModelListOut, which the OpenAPI
    # document declares and the schemathesis test checks).
    return HttpResponse(json.dumps(body, separators=(",", ":")), content_type="application/json")


@router.post(f"{PROVIDER}/refresh-models", response={200: RefreshOut, **error_responses(404)})
def refresh_models(request: HttpRequest, provider_id: int) -> dict[str, Any]:
    return discovery.refresh_models(selectors.provider_get(provider_id)).to_dict()


@router.post(f"{PROVIDER}/models", response={201: ModelOut, **error_responses(404)})
def add_model(request: HttpRequest, provider_id: int, payload: ManualModelIn) -> Status[dict[str, Any]]:
    return Status(201, discovery.add_manual_model(selectors.provider_get(provider_id), payload.model_id))


# Model ids contain slashes ("accounts/fireworks/models/x"): the `path` converter accepts them.
@router.patch(f"{PROVIDER}/models/{{path:model_id}}", response={200: ModelOut, **error_responses(404)})
def update_model(request: HttpRequest, provider_id: int, model_id: str, payload: ModelPatchIn) -> dict[str, Any]:
    sent = payload.model_fields_set
    return discovery.update_model(
        selectors.provider_get(provider_id),
        model_id,
        visible=payload.visible if payload.visible is not None else UNSET,
        overrides=payload.overrides if "overrides" in sent else UNSET,  # null clears every override
    )
