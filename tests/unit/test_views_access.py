"""Permissions and CSRF for every URL of the HTML interface; the URL list comes from the URLconf itself."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, reverse

from llm_providers import urls as ui_urls
from llm_providers.models import ProviderConfig
from tests.unit.views_support import DEAD_BASE, SENTINEL_KEY, logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_local_probe")]

# The methods each URL accepts. The test below fails when a URL is added without an entry here.
METHODS: dict[str, tuple[str, ...]] = {
    "overview": ("GET",),
    "wizard-choose": ("GET",),
    "wizard-configure": ("GET", "POST"),
    "wizard-models": ("GET", "POST"),
    "wizard-test": ("GET", "POST"),
    "validate-field": ("POST",),
    "edit": ("GET", "POST"),
    "models": ("GET", "POST"),
    "test": ("GET", "POST"),
    "set-default": ("POST",),
    "toggle": ("POST",),
    "delete": ("GET", "POST"),
}
POST_DATA = {"validate-field": {"_field": "api_key", "api_key": "x"}, "wizard-test": {"action": "run"}}
# What a user with only the view permission may open.
VIEW_ONLY_GET = {"overview", "edit", "models", "test"}


def ui_names() -> list[str]:
    return [p.name for p in ui_urls.urlpatterns if isinstance(p, URLPattern)]


def url_for(name: str, provider: ProviderConfig) -> str:
    pattern = next(p for p in ui_urls.urlpatterns if p.name == name)
    kwargs = {}
    for converter in pattern.pattern.converters:
        kwargs[converter] = {"provider_id": provider.pk, "template_id": "groq"}[converter]
    return reverse(f"llm_providers:{name}", kwargs=kwargs)


def cases() -> list[tuple[str, str]]:
    return [(name, method) for name in METHODS for method in METHODS[name]]


@pytest.fixture
def provider(make_provider):
    # A closed local port: a connection test through the UI fails at once, without DNS.
    return make_provider(config={"api_key": SENTINEL_KEY, "api_base": DEAD_BASE})


def test_every_url_is_covered():
    assert sorted(ui_names()) == sorted(METHODS)


@pytest.mark.parametrize(("name", "method"), cases())
def test_anonymous_users_are_sent_to_the_login(client, provider, name, method):
    url = url_for(name, provider)
    response = client.get(url) if method == "GET" else client.post(url, POST_DATA.get(name, {}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("who", ["plain_user", "staff_without_permission"])
@pytest.mark.parametrize(("name", "method"), cases())
def test_users_without_the_app_permissions_get_403(request, provider, who, name, method):
    client = logged_in(request.getfixturevalue(who))
    url = url_for(name, provider)
    response = client.get(url) if method == "GET" else client.post(url, POST_DATA.get(name, {}))
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["admin_user", "staff_user"])
@pytest.mark.parametrize(("name", "method"), cases())
def test_users_with_the_permissions_get_in(request, provider, who, name, method):
    client = logged_in(request.getfixturevalue(who))
    url = url_for(name, provider)
    response = client.get(url) if method == "GET" else client.post(url, POST_DATA.get(name, {}))
    assert response.status_code in (200, 302), (name, method, response.status_code)


@pytest.mark.parametrize(("name", "method"), cases())
def test_view_permission_reads_but_never_writes(django_user_model, provider, name, method):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user("viewer", "v@example.com", "pw-123456789", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_providerconfig"))
    client = logged_in(viewer)
    url = url_for(name, provider)
    if method == "GET":
        expected = 200 if name in VIEW_ONLY_GET else 403
        assert client.get(url).status_code == expected
    else:
        assert client.post(url, POST_DATA.get(name, {})).status_code == 403


@pytest.mark.parametrize("name", [name for name, methods in METHODS.items() if "POST" in methods])
def test_every_post_needs_the_csrf_token(admin_user, provider, name):
    client = logged_in(admin_user, enforce_csrf=True)
    response = client.post(url_for(name, provider), POST_DATA.get(name, {}))
    assert response.status_code == 403
    provider.refresh_from_db()  # still there, unchanged
    assert provider.version == 1


def test_htmx_requests_carry_the_csrf_token_via_hx_headers(admin_user, provider):
    client = logged_in(admin_user, enforce_csrf=True)
    page = client.get(url_for("overview", provider))
    token = page.context["csrf_token"]
    assert f'hx-headers=\'{{"X-CSRFToken": "{token}"}}\'' in page.content.decode()
    response = client.post(
        url_for("toggle", provider),
        {"enabled": "0"},
        headers={"HX-Request": "true", "HX-Target": "provider-grid", "X-CSRFToken": str(token)},
    )
    assert response.status_code == 200
    provider.refresh_from_db()
    assert provider.enabled is False


def test_unknown_provider_is_404(admin_user):
    client = logged_in(admin_user)
    assert client.get("/llm-providers/999/edit/").status_code == 404
    assert client.post("/llm-providers/999/toggle/", {"enabled": "0"}).status_code == 404
