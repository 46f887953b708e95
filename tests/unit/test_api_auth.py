"""Authentication and authorisation of the admin API.

The matrix is generated from the URLconf: every pattern under /api/admin/llm/ and each of its
methods (from the OpenAPI document; plain views answer GET), so a new route is covered without
touching this file.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import responses
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from django.utils import timezone

from llm_providers.api.app import api
from llm_providers.api.tokens import create_token, hash_token, user_for_token
from llm_providers.models import ApiToken
from tests.api_support import API, DEAD_BASE, SENTINEL_KEY, assert_error, bearer, send, session_client

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
UNKNOWN_PATH = "no-such-endpoint"
SAMPLE_VALUES = {"template_id": "groq", "model_id": "meta-llama/Llama-3.3-70B"}


def _under_api(route: str) -> bool:
    url = "/" + route
    return url.startswith(API) or API.startswith(url)


def _walk(patterns: list, prefix: str = "") -> list[tuple[str, URLPattern]]:
    """(route, pattern) for every leaf under /api/admin/llm/; regex patterns get a sample path."""
    found = []
    for pattern in patterns:
        if not _under_api(prefix + str(pattern.pattern).lstrip("^")):
            continue
        if isinstance(pattern.pattern, RegexPattern):
            sample = UNKNOWN_PATH
            assert re.match(pattern.pattern.regex, sample), f"give {pattern.pattern} a sample path in this test"
            piece = sample
        else:
            piece = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found.extend(_walk(pattern.url_patterns, prefix + piece))
        elif ("/" + prefix + piece).startswith(API):
            found.append((prefix + piece, pattern))
    return found


def _api_routes() -> list[tuple[str, str]]:
    """(route with <params>, METHOD) for every API URL pattern, each once."""
    openapi_paths = api.get_openapi_schema()["paths"]
    matrix: dict[tuple[str, str], None] = {}
    for route, _pattern in _walk(get_resolver().url_patterns):
        openapi_key = "/" + PARAM.sub(lambda m: "{" + m["name"] + "}", route)
        methods = [m.upper() for m in openapi_paths.get(openapi_key, {})] or ["GET"]
        for method in methods:
            matrix[(route, method)] = None
    return list(matrix)


MATRIX = _api_routes()


def _fill(route: str, provider_id: int) -> str:
    def value(match: re.Match) -> str:
        if match["converter"] == "llmp_id":
            return str(provider_id)
        return SAMPLE_VALUES.get(match["name"], "x")

    return "/" + PARAM.sub(value, route)


def test_matrix_covers_every_operation():
    routes = {route for route, _ in MATRIX}
    assert len(MATRIX) >= 17
    assert any(route.endswith(UNKNOWN_PATH) for route in routes), "the catch-all 404 is covered too"
    assert any("openapi.json" in route for route in routes) and any(route.endswith("docs") for route in routes)


@pytest.mark.parametrize(("route", "method"), MATRIX, ids=[f"{m} {r}" for r, m in MATRIX])
def test_authorisation_matrix(route, method, make_provider, admin_user, plain_user, staff_without_permission, settings):
    settings.LLM_PROVIDERS_MAX_RETRIES = 0
    provider = make_provider(config={"api_key": SENTINEL_KEY, "api_base": DEAD_BASE})
    path = _fill(route, provider.pk)
    # No URL registered: any outbound call an admin request makes fails at once, without a socket.
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        assert_error(send(Client(), method, path), 401, "unauthorized")
        for user in (plain_user, staff_without_permission):
            assert_error(send(session_client(user), method, path), 403, "forbidden")
            assert_error(send(Client(), method, path, headers=bearer(user)), 403, "forbidden")
        for client, headers in ((session_client(admin_user), {}), (Client(), bearer(admin_user))):
            response = send(client, method, path, headers=headers)
            assert response.status_code not in (401, 403), (response.status_code, response.content[:300])
            assert response.status_code < 500


@pytest.mark.parametrize(
    ("method", "path", "permission"),
    [
        ("GET", "providers", "view_providerconfig"),
        ("POST", "providers", "add_providerconfig"),
        ("PATCH", "providers/{id}", "change_providerconfig"),
        ("POST", "providers/{id}/refresh-models", "change_providerconfig"),
        ("DELETE", "providers/{id}", "delete_providerconfig"),
    ],
)
def test_each_method_needs_its_own_permission(method, path, permission, make_provider, django_user_model):
    from django.contrib.auth.models import Permission

    provider = make_provider()
    url = API + path.replace("{id}", str(provider.pk))
    all_perms = ["view_providerconfig", "add_providerconfig", "change_providerconfig", "delete_providerconfig"]
    others = django_user_model.objects.create_user("others", is_staff=True)
    only = django_user_model.objects.create_user("only", is_staff=True)
    for codename in all_perms:
        perm = Permission.objects.get(codename=codename, content_type__app_label="llm_providers")
        (only if codename == permission else others).user_permissions.add(perm)
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        details_free = send(session_client(others), method, url, {"version": provider.version})
        assert_error(details_free, 403, "forbidden")
        assert permission in details_free.json()["error"]["message"]
        assert send(session_client(only), method, url, {"version": provider.version}).status_code not in (401, 403)


def test_inactive_or_non_staff_user_with_permissions_is_forbidden(staff_user, django_user_model):
    staff_user.is_active = False
    staff_user.save()
    _, raw = create_token(staff_user)
    assert_error(Client().get(API + "providers", headers={"Authorization": f"Bearer {raw}"}), 401, "unauthorized")
    staff_user.is_active = True
    staff_user.is_staff = False
    staff_user.save()
    assert_error(Client().get(API + "providers", headers={"Authorization": f"Bearer {raw}"}), 403, "forbidden")


def test_superuser_need_not_be_staff(admin_user):
    admin_user.is_staff = False
    admin_user.save()
    assert session_client(admin_user).get(API + "providers").status_code == 200


def test_no_login_redirect_for_anonymous_html_client():
    response = Client().get(API + "providers", HTTP_ACCEPT="text/html")
    assert_error(response, 401, "unauthorized")
    assert "Location" not in response


# --- bearer tokens ------------------------------------------------------------------------


def test_bearer_token_authenticates_and_is_stored_hashed(staff_user):
    token, raw = create_token(staff_user, name="ci")
    assert raw.startswith("llmp_") and token.prefix == raw[:12]
    assert token.token_hash == hash_token(raw) and raw not in token.token_hash
    response = Client().get(API + "providers", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize(
    "header",
    ["Bearer llmp_unknown-token", "Bearer ", "Bearer not-even-our-format", "Basic dXNlcjpwYXNz", "Token abc"],
)
def test_unknown_or_malformed_token_is_401(staff_user, header):
    assert_error(Client().get(API + "providers", headers={"Authorization": header}), 401, "unauthorized")


def test_revoked_token_is_401(staff_user):
    headers = bearer(staff_user)
    assert Client().get(API + "providers", headers=headers).status_code == 200
    ApiToken.objects.all().delete()
    assert_error(Client().get(API + "providers", headers=headers), 401, "unauthorized")


def test_wrong_token_does_not_fall_back_to_the_session(staff_user):
    client = session_client(staff_user)
    assert client.get(API + "providers").status_code == 200
    response = client.get(API + "providers", headers={"Authorization": "Bearer llmp_wrong"})
    assert_error(response, 401, "unauthorized")


def test_last_used_at_written_at_most_once_a_minute(staff_user, django_assert_num_queries):
    token, raw = create_token(staff_user)
    assert token.last_used_at is None
    assert user_for_token(raw) == staff_user
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    # Within the minute: a read only, no UPDATE.
    with django_assert_num_queries(1):
        user_for_token(raw)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    user_for_token(raw)
    token.refresh_from_db()
    assert token.last_used_at > first


# --- CSRF --------------------------------------------------------------------------------


def test_session_post_without_csrf_token_is_403_envelope(staff_user):
    client = session_client(staff_user, enforce_csrf=True)
    body = {"name": "Groq", "template_id": "groq", "config": {"api_key": SENTINEL_KEY}}
    details = send(client, "POST", API + "providers", body)
    assert_error(details, 403, "forbidden")
    assert "CSRF" in details.json()["error"]["message"]
    # Safe methods need no token.
    assert client.get(API + "providers").status_code == 200


def test_session_post_with_csrf_token_passes(staff_user):
    client = session_client(staff_user, enforce_csrf=True)
    client.get(API + "docs")  # the docs page renders a CSRF token for "Try it out", which sets the cookie
    csrf = client.cookies["csrftoken"].value
    body = {"name": "Groq", "template_id": "groq", "config": {"api_key": SENTINEL_KEY}}
    response = send(client, "POST", API + "providers", body, headers={"X-CSRFToken": csrf})
    assert response.status_code == 201, response.content


def test_bearer_post_needs_no_csrf(staff_user):
    client = Client(enforce_csrf_checks=True)
    body = {"name": "Groq", "template_id": "groq", "config": {"api_key": SENTINEL_KEY}}
    response = send(client, "POST", API + "providers", body, headers=bearer(staff_user))
    assert response.status_code == 201, response.content


def test_anonymous_post_is_401_even_with_csrf_enforced():
    assert_error(send(Client(enforce_csrf_checks=True), "POST", API + "providers", {}), 401, "unauthorized")


# --- docs --------------------------------------------------------------------------------


def test_docs_page_needs_auth_and_loads_no_external_assets(staff_user):
    assert_error(Client().get(API + "docs"), 401, "unauthorized")
    response = session_client(staff_user).get(API + "docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "docs must not load anything from a CDN"


def test_openapi_json_lists_every_endpoint(staff_user):
    response = Client().get(API + "openapi.json", headers=bearer(staff_user))
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert f"{API}providers/{{provider_id}}/models/{{model_id}}" in paths
    assert set(paths[f"{API}providers"]) == {"get", "post"}


def test_docs_views_refuse_unsafe_methods(admin_user):
    response = send(Client(), "POST", API + "openapi.json", {}, headers=bearer(admin_user))
    assert_error(response, 405, "method_not_allowed")


def test_api_index_links_docs(admin_user):
    body = session_client(admin_user).get(API).json()
    assert body == {"openapi": f"{API}openapi.json", "docs": f"{API}docs"}
