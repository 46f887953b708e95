"""The providers overview (cards, actions, query count) and the read-mostly Django admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cachalot.api import cachalot_disabled
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from llm_providers.models import ModelFetchState, ProviderConfig, ProviderModel
from tests.unit.views_support import (
    SENTINEL_KEY,
    UI,
    XSS,
    assert_full_page,
    assert_no_secret,
    assert_partial,
    htmx,
    logged_in,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_local_probe")]


@pytest.fixture
def groq(make_provider):
    return make_provider(config={"api_key": SENTINEL_KEY})


def test_empty_state_invites_the_first_provider(staff_client):
    response = staff_client.get(UI)
    assert_full_page(response)
    html = response.content.decode()
    assert "Add your first provider" in html
    assert "Set up Groq" in html  # a recommended template
    assert 'href="/llm-providers/new/"' in html


def test_empty_state_recommends_environment_keys(staff_client, monkeypatch):
    monkeypatch.setenv("GROQ_API_KEY", SENTINEL_KEY)
    response = staff_client.get(UI)
    assert "Key found in the environment (GROQ_API_KEY)" in response.content.decode()
    assert_no_secret(response.content)


def test_card_shows_the_provider_at_a_glance(staff_client, groq):
    ProviderModel.objects.create(provider=groq, model_id="llama-3.3-70b-versatile", visible=True)
    ProviderModel.objects.create(provider=groq, model_id="hidden-model", visible=False)
    fetched = timezone.now() - timedelta(minutes=5)
    ModelFetchState.objects.filter(pk=groq.pk).update(
        has_good_list=True, fetched_at=fetched, expires_at=timezone.now() + timedelta(hours=1)
    )
    html = staff_client.get(UI).content.decode()
    card = html.split(f'id="provider-{groq.pk}"', 1)[1].split("</article>", 1)[0]
    assert ">Groq</h3>" in card and "Popular cloud" in card
    assert "✓</span> OK" in card
    assert "<code>openai/gpt-oss-120b</code>" in card
    assert "<dt>Visible models</dt>\n    <dd>1</dd>" in card
    assert "5\xa0minutes ago" in card
    for action in ("Edit", "Models", "Test", "Make default", "Disable", "Delete"):
        assert f">{action}<" in card


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (
            {"last_error_code": "invalid_credentials", "last_error_message": "The provider rejected the API key."},
            "The provider rejected the API key.",
        ),
        (
            {
                "has_good_list": True,
                "fetched_at": timezone.now() - timedelta(hours=3),
                "expires_at": timezone.now() - timedelta(hours=2),
            },
            "Stale",
        ),
    ],
)
def test_card_status_error_and_stale(staff_client, groq, state, expected):
    ModelFetchState.objects.filter(pk=groq.pk).update(**state)
    assert expected in staff_client.get(UI).content.decode()


def test_card_status_needs_key_when_the_secret_cannot_be_decrypted(staff_client, groq):
    ProviderConfig.objects.filter(pk=groq.pk).update(secrets_ciphertext="gAAAAABnot-a-valid-token")
    html = staff_client.get(UI).content.decode()
    assert "Needs key" in html and "enter it again" in html


def test_grid_partial_for_htmx(staff_client, groq):
    response = staff_client.get(UI, headers=htmx("provider-grid"))
    assert_partial(response)
    assert response.content.decode().lstrip().startswith('<section id="provider-grid"')
    assert "HX-Request" in response["Vary"]


def test_set_default_htmx_returns_the_grid_with_a_notice(staff_client, groq, make_provider):
    other = make_provider(name="Other", config={"api_key": SENTINEL_KEY})
    response = staff_client.post(f"{UI}{other.pk}/default/", headers=htmx("provider-grid"))
    assert_partial(response)
    assert "Other is now the default provider." in response.content.decode()
    other.refresh_from_db()
    assert other.is_default


def test_set_default_without_js_redirects_with_a_message(staff_client, groq):
    response = staff_client.post(f"{UI}{groq.pk}/default/", follow=True)
    assert response.redirect_chain == [(UI, 302)]
    assert "Groq is now the default provider." in response.content.decode()


def test_disable_then_set_default_is_refused_with_a_message(staff_client, groq):
    staff_client.post(f"{UI}{groq.pk}/toggle/", {"enabled": "0", "version": groq.version})
    groq.refresh_from_db()
    assert groq.enabled is False
    html = staff_client.post(f"{UI}{groq.pk}/default/", headers=htmx("provider-grid")).content.decode()
    assert 'role="alert"' in html and "Enable this provider" in html
    staff_client.post(f"{UI}{groq.pk}/toggle/", {"enabled": "1"})
    groq.refresh_from_db()
    assert groq.enabled is True


def test_toggle_with_a_stale_version_reports_the_conflict(staff_client, groq):
    html = staff_client.post(f"{UI}{groq.pk}/toggle/", {"enabled": "0", "version": "99"}, follow=True).content.decode()
    assert "changed by someone else" in html
    groq.refresh_from_db()
    assert groq.enabled is True


def test_delete_asks_for_confirmation_naming_the_provider(staff_client, groq):
    page = staff_client.get(f"{UI}{groq.pk}/delete/")
    assert_full_page(page)
    assert "Delete the provider <strong>Groq</strong>?" in page.content.decode()
    assert "Yes, delete Groq" in page.content.decode()
    assert ProviderConfig.objects.filter(pk=groq.pk).exists()
    done = staff_client.post(f"{UI}{groq.pk}/delete/", follow=True)
    assert "Deleted Groq." in done.content.decode()
    assert not ProviderConfig.objects.filter(pk=groq.pk).exists()


def test_overview_query_count_is_constant(staff_client, make_provider):
    with cachalot_disabled():  # count real queries, not cache hits
        _check_overview_query_count(staff_client, make_provider)


def _check_overview_query_count(client, make_provider):
    make_provider(name="P0", config={"api_key": SENTINEL_KEY})
    client.get(UI)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(UI).status_code == 200
    for n in range(1, 10):
        provider = make_provider(name=f"P{n}", config={"api_key": SENTINEL_KEY})
        ProviderModel.objects.create(provider=provider, model_id="m", visible=True)
    with CaptureQueriesContext(connection) as ten:
        html = client.get(UI).content.decode()
    assert html.count('<article class="llmp-card') == 10
    assert len(ten) == len(one), [q["sql"] for q in ten.captured_queries]
    assert len(one) <= 5  # session, user, user + group permissions, providers


def test_names_are_escaped(staff_client, make_provider):
    make_provider(name=XSS, config={"api_key": SENTINEL_KEY})
    html = staff_client.get(UI).content.decode()
    assert XSS not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_drafts_are_not_listed_as_configured_providers(staff_client, make_provider):
    draft = make_provider(name="Half done", status="draft", config={"api_key": SENTINEL_KEY})
    html = staff_client.get(UI).content.decode()
    assert '<article class="llmp-card' not in html  # not a configured provider
    assert "Add your first provider" in html
    # …but offered for resumption under "Unfinished setups".
    assert f"?draft={draft.pk}" in html and "Continue setup of Half done" in html


# --- Django admin -------------------------------------------------------------------------


def test_admin_changelist_and_change_page_never_show_secrets(admin_user, groq):
    client = logged_in(admin_user)
    changelist = client.get("/admin/llm_providers/providerconfig/")
    assert changelist.status_code == 200
    html = changelist.content.decode()
    assert "Groq" in html and "Edit in LLM providers" in html
    assert_no_secret(changelist.content)
    change = client.get(f"/admin/llm_providers/providerconfig/{groq.pk}/change/")
    assert change.status_code == 200
    html = change.content.decode()
    assert "api_key •••• b1a0" in html
    assert groq.secrets_ciphertext not in html and "secrets_ciphertext" not in html
    assert 'name="name"' not in html  # read-only: no form inputs for the provider
    assert_no_secret(change.content)


def test_admin_has_no_add_or_delete_for_providers(admin_user, groq):
    client = logged_in(admin_user)
    assert client.get("/admin/llm_providers/providerconfig/add/").status_code == 403
    assert client.get(f"/admin/llm_providers/providerconfig/{groq.pk}/delete/").status_code == 403


def test_admin_api_tokens_are_read_only_without_the_hash(admin_user):
    from llm_providers.api.tokens import create_token

    token, raw = create_token(admin_user, name="ci")
    client = logged_in(admin_user)
    html = client.get(f"/admin/llm_providers/apitoken/{token.pk}/change/").content.decode()
    assert token.prefix in html
    assert token.token_hash not in html and raw not in html
    assert client.get("/admin/llm_providers/apitoken/add/").status_code == 403


def test_admin_index_links_the_app(admin_user, staff_without_permission):
    html = logged_in(admin_user).get("/admin/").content.decode()
    assert '<div class="llmp-admin-link">' in html and 'href="/llm-providers/"' in html
    assert "llmp-admin-link" not in logged_in(staff_without_permission).get("/admin/").content.decode()
