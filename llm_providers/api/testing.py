"""Connection tests (saved provider, or unsaved wizard values) and wizard model discovery.

The results come from the services, which build every message themselves: no key is echoed.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from llm_providers import selectors
from llm_providers.api.providers import PROVIDER
from llm_providers.api.schemas import DiscoverIn, ModelListOut, TemplateTestIn, TestIn, TestResultOut, error_responses
from llm_providers.api.templates import template_or_404
from llm_providers.services import connection_test, discovery

router = Router(tags=["testing"])


@router.post(f"{PROVIDER}/test", response={200: TestResultOut, **error_responses(404)})
def test_provider(request: HttpRequest, provider_id: int, payload: TestIn | None = None) -> dict[str, Any]:
    model = payload.model if payload else None
    return connection_test.test_provider(selectors.provider_get(provider_id), model=model).to_dict()


@router.post("templates/{template_id}/test", response={200: TestResultOut, **error_responses(404)})
def test_template_config(request: HttpRequest, template_id: str, payload: TemplateTestIn) -> dict[str, Any]:
    template = template_or_404(template_id)
    return connection_test.test_config(template, payload.config, model=payload.model).to_dict()


@router.post("templates/{template_id}/discover-models", response={200: ModelListOut, **error_responses(404)})
def discover_models(request: HttpRequest, template_id: str, payload: DiscoverIn) -> dict[str, Any]:
    return discovery.discover_models(template_or_404(template_id), payload.config).to_dict()
