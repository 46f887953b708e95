"""Small HTTP helpers shared by the HTML views: page vs partial rendering and HTMX-aware navigation."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django_htmx.http import HttpResponseClientRedirect, HttpResponseLocation

from llm_providers.views.access import HtmxHttpRequest


def htmx_target(request: HtmxHttpRequest) -> str:
    """The id of the element an HTMX request will swap ('' for normal requests)."""
    return (request.htmx.target or "") if request.htmx else ""


def render_page(
    request: HtmxHttpRequest, template_name: str, context: dict[str, Any], *, partial: str = "", status: int = 200
) -> TemplateResponse:
    """The full page (inside the admin shell), or only `partial` of the same template for HTMX."""
    if partial:
        return TemplateResponse(request, f"{template_name}#{partial}", context, status=status)
    # The admin's context gives the shared header, user tools, theme toggle and site titles.
    full = {**admin.site.each_context(request), "is_nav_sidebar_enabled": False, **context}
    return TemplateResponse(request, template_name, full, status=status)


def navigate(request: HtmxHttpRequest, url: str, *, target: str = "#wizard-body") -> HttpResponse:
    """After a successful POST: HTMX swaps the next step in and pushes its URL; without JS, a redirect."""
    if request.htmx:
        return HttpResponseLocation(url, target=target, swap="outerHTML")
    return redirect(url)


def leave(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """A full page load (new page with its messages), for HTMX and normal requests alike."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
