"""The NinjaAPI instance and the one place where every error becomes the JSON envelope.

    {"error": {"code": "...", "message": "...", "details": {...}}}

Services raise LLMProvidersError subclasses (code/http_status/message/details); ninja and
Django raise their own. Each kind is mapped exactly once below, so no view builds an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from llm_providers.api import metrics, models, providers, templates, testing
from llm_providers.api.auth import API_AUTH, resolve_user
from llm_providers.exceptions import LLMProvidersError

logger = logging.getLogger(__name__)

NAMESPACE = "llm_providers_api"
HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_error",
    429: "rate_limited",
}
DOCS_METHODS = frozenset({"GET", "HEAD"})


def error_response(
    request: HttpRequest, status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return api.create_response(request, body, status=status)


class AdminLLMApi(NinjaAPI):
    """NinjaAPI whose non-operation URLs (root, 405s) also answer with the envelope."""

    def _get_urls(self) -> list[Any]:
        patterns = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern) and pattern.name == "api-root":
                # ninja's root view raises a bare Http404; ours lists where the docs are.
                pattern = path("", guarded(api_index), name="api-root")
            elif isinstance(pattern, URLPattern):
                pattern.callback = _enveloped_405(pattern.callback)
            patterns.append(pattern)
        return patterns


def _enveloped_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers an unsupported method with a plain-text 405; rewrap it (keeping Allow)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            response = error_response(
                request, 405, "method_not_allowed", f"{request.method} is not allowed here.", {"allowed": allowed}
            )
            response["Allow"] = allowed
        return response

    return wrapper


def guarded(
    view: Callable[..., HttpResponse], *, methods: frozenset[str] | None = DOCS_METHODS
) -> Callable[..., HttpResponse]:
    """Same auth as the operations, for plain views (docs page, OpenAPI JSON, index, 404).

    `methods`: the methods the view answers (None: any); others get a 405 envelope.
    """

    @csrf_exempt  # StaffSessionAuth checks CSRF itself, and answers with the envelope
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            resolve_user(request)
            if methods is not None and request.method not in methods:
                allowed = ", ".join(sorted(methods))
                response = error_response(
                    request, 405, "method_not_allowed", f"{request.method} is not allowed here.", {"allowed": allowed}
                )
                response["Allow"] = allowed
                return response
            return view(request, *args, **kwargs)
        except Exception as exc:  # mapped by the same handlers as the operations
            return api.on_exception(request, exc)

    return wrapper


def api_index(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return api.create_response(
        request,
        {"openapi": reverse(f"{NAMESPACE}:openapi-json"), "docs": reverse(f"{NAMESPACE}:openapi-view")},
        status=200,
    )


def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Catch-all for unknown paths under the API (mounted last in urls.py)."""
    raise Http404(f"No API endpoint at {request.path}.")


api = AdminLLMApi(
    title="LLM providers admin API",
    version="1",
    description="Manage LLM provider connections, their model lists and connection tests. See docs/api.md.",
    urls_namespace=NAMESPACE,
    auth=API_AUTH,
    # ninja 1.7 ships Swagger UI in its static files; with "ninja" in INSTALLED_APPS the page
    # loads them from STATIC_URL (no CDN). The decorator puts the page behind the API's auth.
    docs=Swagger(),
    docs_decorator=guarded,
)
for _module in (templates, providers, models, testing, metrics):
    api.add_router("", _module.router)


# --- the error mapping ---------------------------------------------------------------------


@api.exception_handler(LLMProvidersError)
def _app_error(request: HttpRequest, exc: LLMProvidersError) -> HttpResponse:
    return error_response(request, exc.http_status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def _request_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(error.get("msg", "Invalid value."))
    return error_response(request, 422, "validation_error", "Some fields are not valid.", {"fields": fields})


def _field_name(loc: tuple | list) -> str:
    """("body", "payload", "config", "api_key") → "config.api_key"; ("query", "kind") → "kind".

    ninja puts the source first and, for bodies, the view's parameter name second; neither means
    anything to a client. A missing or non-object body is reported on "body".
    """
    parts = [str(part) for part in loc]
    if parts and parts[0] == "body":
        return ".".join(parts[2:]) or "body"
    return ".".join(parts[1:]) or "__all__"


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = exc.message
    if message == "Unauthorized":  # ninja's default when no auth backend accepted the request
        message = "Authentication required: log in as staff or send a Bearer token."
    return error_response(request, 401, "unauthorized", message)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", str(exc) or "You do not have permission to do this.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = HTTP_ERROR_CODES.get(exc.status_code, "error")
    return error_response(request, exc.status_code, code, exc.message)


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Logged with the traceback; the client only learns that it was our fault.
    logger.exception("Unhandled error in the admin API: %s %s", request.method, request.path)
    return error_response(request, 500, "internal_error", "Something went wrong on the server.")
