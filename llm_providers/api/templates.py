"""GET templates, GET templates/{template_id}: the provider catalog."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from llm_providers.api.schemas import TemplateOut, TemplateSummaryOut, error_responses
from llm_providers.catalog.loader import all_templates, get_template
from llm_providers.catalog.schema import Category, Difficulty, ProviderTemplate
from llm_providers.exceptions import NotFound

router = Router(tags=["templates"])


def template_or_404(template_id: str) -> ProviderTemplate:
    template = get_template(template_id)
    if template is None:
        raise NotFound(f"No provider template {template_id!r}.")
    return template


def _matches(template: ProviderTemplate, q: str) -> bool:
    needle = q.strip().lower()
    return not needle or any(needle in text.lower() for text in (template.id, template.name, template.description))


@router.get("templates", response={200: list[TemplateSummaryOut], **error_responses()})
def list_templates(
    request: HttpRequest, q: str = "", category: Category | None = None, difficulty: Difficulty | None = None
) -> list[ProviderTemplate]:
    """Catalog order (the original five first); `q` searches id, name and description."""
    return [
        template
        for template in all_templates()
        if _matches(template, q)
        and (category is None or template.category == category)
        and (difficulty is None or template.setup_difficulty == difficulty)
    ]


@router.get("templates/{template_id}", response={200: TemplateOut, **error_responses(404)})
def get_template_detail(request: HttpRequest, template_id: str) -> ProviderTemplate:
    return template_or_404(template_id)
