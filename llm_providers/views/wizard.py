"""The four-step setup wizard: choose → configure → models → test and save.

Every step has its own URL, so a refresh keeps the step and Back/Forward work. Step 2 stores what
was entered in a DRAFT provider (secrets encrypted at rest by the services); the session only
remembers the draft's id and whether its last connection test passed — never a secret.
Each step renders as a full page, or as the `wizard-body` partial when HTMX swaps steps.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from llm_providers import conf, selectors
from llm_providers.catalog.loader import all_templates, get_template
from llm_providers.catalog.schema import ProviderTemplate
from llm_providers.exceptions import ConfigValidationError, NotFound
from llm_providers.forms import NAME_FIELD, CatalogFilterForm, ProviderConfigForm
from llm_providers.models import ProviderConfig
from llm_providers.services import connection_test, local_probe
from llm_providers.services.providers import (
    provider_create,
    provider_set_default,
    provider_update,
    purge_stale_drafts,
)
from llm_providers.views import model_list, presenters
from llm_providers.views.access import HtmxHttpRequest, staff_permission_required
from llm_providers.views.rendering import htmx_target, leave, navigate, render_page

SESSION_DRAFT = "llm_providers:wizard_draft"
SESSION_TESTS = "llm_providers:wizard_tests"
TITLE = "Add an LLM provider"


@dataclass(frozen=True)
class Step:
    number: int
    title: str


STEPS = (Step(1, "Choose a provider"), Step(2, "Configure"), Step(3, "Models"), Step(4, "Test and save"))


def _step_context(number: int, **extra: Any) -> dict[str, Any]:
    return {"title": TITLE, "step": STEPS[number - 1], "steps": STEPS, "step_count": len(STEPS), **extra}


def _partial(request: HtmxHttpRequest) -> str:
    return "wizard-body" if htmx_target(request) == "wizard-body" else ""


def _template_or_404(template_id: str) -> ProviderTemplate:
    template = get_template(template_id)
    if template is None:
        raise Http404(f"No provider template {template_id!r}.")
    return template


# --- step 1 --------------------------------------------------------------------------------


@staff_permission_required(get="add", post="add")
@require_GET
@vary_on_headers("HX-Request", "HX-Target")
def wizard_choose(request: HtmxHttpRequest) -> HttpResponse:
    templates = all_templates()
    filters = CatalogFilterForm(
        request.GET or None, categories=list(presenters.CATEGORIES), difficulties=list(presenters.DIFFICULTIES)
    )
    groups = presenters.catalog_groups(
        templates, q=filters.value("q"), category=filters.value("category"), difficulty=filters.value("difficulty")
    )
    context = _step_context(
        1, filter_form=filters, groups=groups, result_count=sum(len(group.cards) for group in groups)
    )
    if htmx_target(request) == "catalog-cards":
        # Typing in the search box: only the card grid changes (no probe, no purge per keystroke);
        # the result count travels out of band into its live region.
        context["oob"] = True
        return render_page(request, "llm_providers/wizard/choose.html", context, partial="catalog-cards")
    purge_stale_drafts(max_age_hours=conf.get("DRAFT_MAX_AGE_HOURS"))
    context["recommendations"] = presenters.recommendations(templates, local_probe.running_local_servers())
    return render_page(request, "llm_providers/wizard/choose.html", context, partial=_partial(request))


# --- step 2 --------------------------------------------------------------------------------


def _draft_for(request: HtmxHttpRequest, template: ProviderTemplate) -> ProviderConfig | None:
    """The draft named in the request (?draft= / hidden field), else this session's draft of this template."""
    explicit = request.POST.get("draft") or request.GET.get("draft")
    candidate = explicit or request.session.get(SESSION_DRAFT)
    if not candidate:
        return None
    try:
        draft = selectors.provider_get(candidate)
    except NotFound:
        if explicit:
            raise
        return None
    if draft.template_id != template.id:
        if explicit:
            raise Http404("This draft belongs to another provider template.")
        return None
    return draft


def suggest_name(base: str) -> str:
    """The template's name, numbered when taken ("Groq", "Groq 2", …): a default the user can change."""
    taken = {
        name.casefold() for name in ProviderConfig.objects.filter(name__istartswith=base).values_list("name", flat=True)
    }
    if base.casefold() not in taken:
        return base
    return next(f"{base} {n}" for n in range(2, len(taken) + 3) if f"{base} {n}".casefold() not in taken)


@staff_permission_required(get="add", post="add")
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request", "HX-Target")
def wizard_configure(request: HtmxHttpRequest, template_id: str) -> HttpResponse:
    template = _template_or_404(template_id)
    draft = _draft_for(request, template)
    if draft is not None and draft.status != ProviderConfig.Status.DRAFT:
        return redirect("llm_providers:edit", provider_id=draft.pk)
    data = request.POST if request.method == "POST" else request.GET
    # "Use the key from the environment": the server reads it at save time; it never reaches the browser.
    env_secret = presenters.env_secret_field(template) if data.get("use_env") == "1" else ""
    options = {
        "template": template,
        "provider": draft,
        "env_secret": env_secret,
        "validate_url": reverse("llm_providers:validate-field", args=[template.id]),
    }
    if request.method == "POST":
        form = ProviderConfigForm(request.POST, request.FILES, **options)
        if form.is_valid():
            config = dict(form.config)
            if env_secret and env_secret not in config:
                config[env_secret] = os.environ.get(template.api_key_env, "").strip()
            try:
                draft = _save_draft(request, template, draft, form.name_value, config)
            except ConfigValidationError as exc:
                form.add_service_errors(exc.fields)
            else:
                request.session[SESSION_DRAFT] = draft.pk
                return navigate(request, reverse("llm_providers:wizard-models", args=[draft.pk]))
    else:
        form = ProviderConfigForm(initial=_new_initial(request, template) if draft is None else None, **options)
    # Offer the environment key when one exists and the user has not chosen it (or stored a key) yet.
    env_available = not env_secret and draft is None and bool(presenters.env_secret_field(template))
    context = _step_context(
        2, template=template, form=form, draft=draft, use_env=bool(env_secret), env_available=env_available
    )
    return render_page(request, "llm_providers/wizard/configure.html", context, partial=_partial(request))


def _new_initial(request: HtmxHttpRequest, template: ProviderTemplate) -> dict[str, Any]:
    initial: dict[str, Any] = {NAME_FIELD: suggest_name(template.name)}
    if request.GET.get("local") == "1":
        target = local_probe.running_local_servers().get(template.id) or {}
        if target.get("api_base"):
            initial["api_base"] = target["api_base"]
    return initial


def _save_draft(
    request: HtmxHttpRequest, template: ProviderTemplate, draft: ProviderConfig | None, name: str, config: dict
) -> ProviderConfig:
    if draft is None:
        return provider_create(
            name=name, template_id=template.id, config=config, status=ProviderConfig.Status.DRAFT, user=request.user
        )
    return provider_update(provider=draft, expected_version=None, name=name, config=config, user=request.user)


# --- steps 3 and 4 -------------------------------------------------------------------------


def _draft_or_none(provider_id: int) -> ProviderConfig | None:
    provider = selectors.provider_get(provider_id)
    return provider if provider.status == ProviderConfig.Status.DRAFT else None


def _already_saved(request: HtmxHttpRequest) -> HttpResponse:
    messages.info(request, "This provider is already set up; manage it here.")
    return leave(request, reverse("llm_providers:overview"))


@staff_permission_required(get="add", post="add")
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request", "HX-Target")
def wizard_models(request: HtmxHttpRequest, provider_id: int) -> HttpResponse:
    provider = _draft_or_none(provider_id)
    if provider is None:
        return _already_saved(request)
    template = _template_or_404(provider.template_id)
    page_url = reverse("llm_providers:wizard-models", args=[provider.pk])
    filters = model_list.ModelFilters.from_query(request.POST if request.method == "POST" else request.GET)
    outcome = None
    if request.method == "POST":
        action, outcome = model_list.handle_post(provider, request.POST, wizard=True, user=request.user)
        if action in {"continue", "test_and_save"} and not outcome.failed:
            next_url = reverse("llm_providers:wizard-test", args=[provider.pk])
            return navigate(request, next_url + ("?then=save" if action == "test_and_save" else ""))
        if not request.htmx and not outcome.failed:
            messages.success(request, outcome.notice)
            return redirect(f"{page_url}?{filters.querystring()}")
    target = htmx_target(request)
    list_options = {"wizard": True, "action_url": page_url, "page_url": page_url}
    if target == "model-list":
        context = model_list.list_context(provider, template, filters, outcome=outcome, **list_options)
        return TemplateResponse(request, "llm_providers/includes/model_list.html", context)
    context = _step_context(
        3,
        provider=provider,
        template=template,
        filters=filters,
        page_url=page_url,
        kind_options=model_list.KIND_CHOICES,
    )
    if target == "wizard-body" and outcome is None:
        # Swapped in by HTMX: show the loading state at once, the list loads itself (hx-trigger="load").
        context["deferred"] = True
    else:
        context.update(model_list.list_context(provider, template, filters, outcome=outcome, **list_options))
    context["back_url"] = f"{reverse('llm_providers:wizard-configure', args=[template.id])}?draft={provider.pk}"
    return render_page(request, "llm_providers/wizard/models.html", context, partial=_partial(request))


def _test_passed(request: HtmxHttpRequest, provider: ProviderConfig) -> bool:
    last = request.session.get(SESSION_TESTS, {}).get(str(provider.pk))
    # A test of an older version of the draft says nothing about this one.
    return bool(last and last.get("ok") and last.get("version") == provider.version)


def _remember_test(request: HtmxHttpRequest, provider: ProviderConfig, ok: bool) -> None:
    tests = dict(request.session.get(SESSION_TESTS, {}))
    tests[str(provider.pk)] = {"ok": ok, "version": provider.version}
    request.session[SESSION_TESTS] = tests


@staff_permission_required(get="add", post="add")
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request", "HX-Target")
def wizard_test(request: HtmxHttpRequest, provider_id: int) -> HttpResponse:
    provider = _draft_or_none(provider_id)
    if provider is None:
        return _already_saved(request)
    template = _template_or_404(provider.template_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    # "Test and save" from step 3: activate as soon as a run passes; a failure still needs "Save anyway".
    save_when_passed = (request.POST if request.method == "POST" else request.GET).get("then") == "save"
    context = _step_context(
        4,
        provider=provider,
        template=template,
        run_url=reverse("llm_providers:wizard-test", args=[provider.pk]),
        back_url=reverse("llm_providers:wizard-models", args=[provider.pk]),
        result=None,
        checks=[],
        save_error="",
        save_when_passed=save_when_passed,
    )
    if action == "run":
        result = connection_test.test_provider(provider)
        _remember_test(request, provider, result.ok)
        if result.ok and save_when_passed:
            return _activate(request, provider)
        context.update(result=result, checks=presenters.check_rows(result.checks))
    elif action in {"save", "save_anyway"}:
        if action == "save" and not _test_passed(request, provider):
            context["save_error"] = (
                "The connection test has not passed for these settings. Run it again, "
                "or choose “Save anyway” to save the provider as it is."
            )
        else:
            return _activate(request, provider)
    if htmx_target(request) == "test-results":
        context["oob"] = True  # the action buttons follow the outcome (Save vs Save anyway)
        return render_page(request, "llm_providers/wizard/test.html", context, partial="test-results")
    return render_page(request, "llm_providers/wizard/test.html", context, partial=_partial(request))


def _activate(request: HtmxHttpRequest, provider: ProviderConfig) -> HttpResponse:
    provider = provider_update(
        provider=provider, expected_version=None, status=ProviderConfig.Status.ACTIVE, user=request.user
    )
    if selectors.default_provider() is None and provider.enabled:
        # The first provider becomes the default, so the app is usable right after the wizard.
        provider_set_default(provider=provider, user=request.user)
    if request.session.get(SESSION_DRAFT) == provider.pk:
        del request.session[SESSION_DRAFT]
    tests = dict(request.session.get(SESSION_TESTS, {}))
    tests.pop(str(provider.pk), None)
    request.session[SESSION_TESTS] = tests
    messages.success(request, f"{provider.name} is connected and active.")
    return leave(request, reverse("llm_providers:overview"))
