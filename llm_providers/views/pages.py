"""Manage configured providers: overview cards, edit, models, test, set default, enable/disable, delete."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from llm_providers import selectors
from llm_providers.catalog.loader import all_templates, get_template
from llm_providers.catalog.schema import ProviderTemplate
from llm_providers.exceptions import ConfigValidationError, ConflictError
from llm_providers.forms import VERSION_FIELD, ProviderConfigForm
from llm_providers.models import ProviderConfig
from llm_providers.services import connection_test, local_probe
from llm_providers.services.providers import provider_delete, provider_set_default, provider_update
from llm_providers.views import model_list, presenters
from llm_providers.views.access import HtmxHttpRequest, staff_permission_required
from llm_providers.views.rendering import htmx_target, render_page

OVERVIEW = "llm_providers/overview.html"


def template_or_404(provider: ProviderConfig) -> ProviderTemplate:
    template = get_template(provider.template_id)
    if template is None:
        raise Http404(f"The template {provider.template_id!r} is not installed.")
    return template


def _overview_context(notice: str = "", notice_level: str = "success") -> dict:
    # One query: provider_list annotates the visible-model count and joins the fetch state;
    # drafts (unfinished wizard setups) come in the same query and are listed apart.
    providers = list(selectors.provider_list(include_drafts=True))
    active = [p for p in providers if p.status != ProviderConfig.Status.DRAFT]
    drafts = sorted(
        (p for p in providers if p.status == ProviderConfig.Status.DRAFT), key=lambda p: p.updated_at, reverse=True
    )
    cards = [presenters.provider_card(p, get_template(p.template_id)) for p in active]
    context = {"title": "LLM providers", "cards": cards, "notice": notice, "notice_level": notice_level}
    context["drafts"] = [(draft, get_template(draft.template_id)) for draft in drafts]
    if not cards:
        templates = all_templates()
        context["recommendations"] = presenters.recommendations(templates, local_probe.running_local_servers())
        context["popular"] = [presenters.TemplateCard(t) for t in templates if t.recommended]
    return context


@staff_permission_required(get="view")
@require_GET
@vary_on_headers("HX-Request", "HX-Target")
def overview(request: HtmxHttpRequest) -> HttpResponse:
    partial = "provider-grid" if htmx_target(request) == "provider-grid" else ""
    return render_page(request, OVERVIEW, _overview_context(), partial=partial)


def _after_card_action(request: HtmxHttpRequest, notice: str, *, error: bool = False) -> HttpResponse:
    """HTMX: the refreshed card grid with an inline notice. Without JS: back to the overview with a message."""
    if request.htmx:
        context = _overview_context(notice, "error" if error else "success")
        return render_page(request, OVERVIEW, context, partial="provider-grid")
    (messages.error if error else messages.success)(request, notice)
    return redirect("llm_providers:overview")


@staff_permission_required(post="change")
@require_POST
def provider_set_default_view(request: HtmxHttpRequest, provider_id: int) -> HttpResponse:
    provider = selectors.provider_get(provider_id)
    try:
        provider_set_default(provider=provider, user=request.user)
    except ConfigValidationError as exc:
        return _after_card_action(request, _first_message(exc), error=True)
    return _after_card_action(request, f"{provider.name} is now the default provider.")


@staff_permission_required(post="change")
@require_POST
def provider_toggle(request: HtmxHttpRequest, provider_id: int) -> HttpResponse:
    provider = selectors.provider_get(provider_id)
    enable = request.POST.get("enabled") == "1"
    try:
        provider_update(
            provider=provider, expected_version=_int(request.POST.get("version")), enabled=enable, user=request.user
        )
    except ConflictError as exc:
        return _after_card_action(request, exc.message, error=True)
    except ConfigValidationError as exc:
        return _after_card_action(request, _first_message(exc), error=True)
    return _after_card_action(request, f"{provider.name} is {'enabled' if enable else 'disabled'}.")


@staff_permission_required(get="delete", post="delete")
@require_http_methods(["GET", "POST"])
def provider_delete_view(request: HtmxHttpRequest, provider_id: int) -> HttpResponse:
    provider = selectors.provider_get(provider_id)
    if request.method == "POST":
        name = provider.name
        provider_delete(provider=provider, user=request.user)
        messages.success(request, f"Deleted {name}.")
        return redirect("llm_providers:overview")
    return render_page(
        request, "llm_providers/provider_delete.html", {"title": f"Delete {provider.name}?", "provider": provider}
    )


@staff_permission_required(get="view", post="change")
@require_http_methods(["GET", "POST"])
def provider_edit(request: HtmxHttpRequest, provider_id: int) -> HttpResponse:
    provider = selectors.provider_get(provider_id)
    if provider.status == ProviderConfig.Status.DRAFT:
        # Unfinished setups continue in the wizard, which knows the remaining steps.
        return redirect(f"{reverse('llm_providers:wizard-configure', args=[provider.template_id])}?draft={provider.pk}")
    template = template_or_404(provider)
    options = {
        "template": template,
        "provider": provider,
        "validate_url": reverse("llm_providers:validate-field", args=[template.id]),
        "with_version": True,
    }
    if request.method == "POST":
        form = ProviderConfigForm(request.POST, request.FILES, **options)
        if form.is_valid():
            try:
                provider_update(
                    provider=provider,
                    expected_version=form.version_value,
                    name=form.name_value,
                    config=form.config,
                    user=request.user,
                )
            except ConflictError as exc:
                _show_conflict(request, form, provider, exc)
            except ConfigValidationError as exc:
                form.add_service_errors(exc.fields)
            else:
                messages.success(request, f"Saved {form.name_value}.")
                return redirect("llm_providers:overview")
    else:
        form = ProviderConfigForm(**options)
    context = {"title": f"Edit {provider.name}", "provider": provider, "template": template, "form": form}
    return render_page(request, "llm_providers/provider_edit.html", context)


def _show_conflict(
    request: HtmxHttpRequest, form: ProviderConfigForm, provider: ProviderConfig, exc: ConflictError
) -> None:
    """Keep everything the user entered; carry the current version so saving again applies it on top."""
    current = selectors.provider_get(provider.pk)
    data = form.data.copy()
    data[VERSION_FIELD] = str(current.version)
    form.data = data
    form.provider = current
    form.add_error(
        None,
        f"{exc.message} Your values are kept below (secrets must be entered again); "
        "check them and save again to apply them on top of the other change.",
    )


@staff_permission_required(get="view", post="change")
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request", "HX-Target")
def provider_models(request: HtmxHttpRequest, provider_id: int) -> HttpResponse:
    provider = selectors.provider_get(provider_id)
    template = template_or_404(provider)
    page_url = reverse("llm_providers:models", args=[provider.pk])
    filters = model_list.ModelFilters.from_query(request.POST if request.method == "POST" else request.GET)
    outcome = None
    if request.method == "POST":
        _action, outcome = model_list.handle_post(provider, request.POST, wizard=False, user=request.user)
        if not request.htmx and not outcome.failed:
            messages.success(request, outcome.notice)
            return redirect(f"{page_url}?{filters.querystring()}")
    context = model_list.list_context(
        provider, template, filters, outcome=outcome, wizard=False, action_url=page_url, page_url=page_url
    )
    if htmx_target(request) == "model-list":
        return TemplateResponse(request, "llm_providers/includes/model_list.html", context)
    return render_page(
        request, "llm_providers/provider_models.html", {"title": f"Models of {provider.name}", **context}
    )


@staff_permission_required(get="view", post="change")
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request", "HX-Target")
def provider_test(request: HtmxHttpRequest, provider_id: int) -> HttpResponse:
    provider = selectors.provider_get(provider_id)
    result = connection_test.test_provider(provider) if request.method == "POST" else None
    context = {
        "title": f"Test {provider.name}",
        "provider": provider,
        "result": result,
        "checks": presenters.check_rows(result.checks) if result else [],
        "run_url": reverse("llm_providers:test", args=[provider.pk]),
    }
    partial = "test-results" if htmx_target(request) == "test-results" else ""
    return render_page(request, "llm_providers/provider_test.html", context, partial=partial)


def _first_message(exc: ConfigValidationError) -> str:
    return next((m for ms in exc.fields.values() for m in ms), exc.message)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None
