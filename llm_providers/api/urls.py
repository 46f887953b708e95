"""Mounted by the project at /api/admin/llm/ via include("llm_providers.api.urls")."""

from django.urls import path, re_path

from llm_providers.api.app import api, api_not_found, guarded

urlpatterns = [
    path("", api.urls),
    # Anything else under the API: the same auth, then a 404 envelope (never Django's HTML page).
    re_path(r"^.*$", guarded(api_not_found, methods=None), name="api-not-found"),
]
