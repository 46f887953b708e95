"""Validate-as-you-type: one field of the generated form, checked by the same rule a submit uses."""

from __future__ import annotations

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from llm_providers import selectors
from llm_providers.catalog.loader import get_template
from llm_providers.exceptions import NotFound
from llm_providers.forms import ProviderConfigForm
from llm_providers.views import presenters
from llm_providers.views.access import HtmxHttpRequest, staff_permission_required


@staff_permission_required(post=("add", "change"))
@require_POST
def validate_field(request: HtmxHttpRequest, template_id: str) -> HttpResponse:
    """Returns the field's error container (includes/field_errors.html) — never the input, so typing is never lost."""
    template = get_template(template_id)
    if template is None:
        raise Http404(f"No provider template {template_id!r}.")
    name = request.POST.get("_field", "")
    if template.field(name) is None:
        return HttpResponseBadRequest("Unknown field.")
    provider = None
    if request.POST.get("_provider"):
        try:
            provider = selectors.provider_get(request.POST["_provider"])
        except NotFound:
            provider = None
        if provider is not None and provider.template_id != template.id:
            provider = None
    env_secret = presenters.env_secret_field(template) if request.POST.get("_env") == "1" else ""
    form = ProviderConfigForm(
        request.POST, request.FILES, template=template, provider=provider, env_secret=env_secret, only=name
    )
    form.is_valid()
    return TemplateResponse(request, "llm_providers/includes/field_errors.html", {"errors": form.row(name).errors})
