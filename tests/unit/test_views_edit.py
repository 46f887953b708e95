"""Edit, models and test pages of a saved provider; the generated form; secrets never leave the server."""

from __future__ import annotations

import re
import typing

import pytest
import responses

from llm_providers import crypto
from llm_providers.catalog.loader import get_template
from llm_providers.catalog.schema import FieldType
from llm_providers.forms import FIELD_FACTORIES, ProviderConfigForm
from llm_providers.models import ProviderConfig, ProviderModel
from llm_providers.services.providers import provider_update
from tests.unit.views_support import (
    DEAD_BASE,
    GROQ_MODELS_URL,
    SENTINEL_KEY,
    UI,
    XSS,
    assert_full_page,
    assert_no_secret,
    assert_partial,
    htmx,
    listing,
    logged_in,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_local_probe")]


@pytest.fixture
def groq(make_provider):
    return make_provider(config={"api_key": SENTINEL_KEY, "api_base": DEAD_BASE})


def _edit(client, provider, **values):
    data = {"provider_name": provider.name, "api_key": "", "api_base": DEAD_BASE, "version": provider.version}
    data.update(values)
    return client.post(f"{UI}{provider.pk}/edit/", data)


# --- the generated form -------------------------------------------------------------------


def test_every_schema_field_type_has_a_form_field():
    assert set(FIELD_FACTORIES) == set(typing.get_args(FieldType))


@pytest.mark.parametrize(
    ("field_type", "widget"),
    [
        ("text", "TextInput"),
        ("password", "PasswordInput"),
        ("url", "URLInput"),
        ("select", "Select"),
        ("file", "ClearableFileInput"),
        ("textarea", "Textarea"),
        ("number", "NumberInput"),
        ("boolean", "CheckboxInput"),
    ],
)
def test_field_types_render_with_their_widget(field_type, widget):
    from llm_providers.catalog.schema import ConfigField

    extra = {"options": [{"value": "a", "label": "A"}]} if field_type == "select" else {}
    spec = ConfigField(name="x", label="X", type=field_type, secret=field_type == "password", **extra)
    assert type(FIELD_FACTORIES[field_type](spec).widget).__name__ == widget


def test_form_validation_delegates_to_config_validation():
    template = get_template("groq")
    form = ProviderConfigForm({"provider_name": "G", "api_key": "bad", "api_base": "ftp://x"}, template=template)
    assert not form.is_valid()
    assert form.errors["api_key"] == ["Groq keys start with gsk_"]
    assert form.errors["api_base"]


# --- edit ---------------------------------------------------------------------------------


def test_edit_form_masks_the_secret_and_carries_the_version(staff_client, groq):
    response = staff_client.get(f"{UI}{groq.pk}/edit/")
    assert_full_page(response)
    html = response.content.decode()
    assert "•••• b1a0" in html and "Replace" in html
    assert f'name="version" value="{groq.version}"' in html
    assert f'value="{DEAD_BASE}"' in html
    assert f"&quot;_provider&quot;: {groq.pk}" in html  # live validation knows the stored secret
    assert_no_secret(response.content)


def test_edit_with_blank_key_keeps_the_key(staff_client, groq):
    response = _edit(staff_client, groq, provider_name="Groq renamed")
    assert response.status_code == 302, response.content.decode()[:2000]
    groq.refresh_from_db()
    assert groq.name == "Groq renamed"
    assert crypto.decrypt_secrets(groq.secrets_ciphertext) == {"api_key": SENTINEL_KEY}


def test_edit_with_a_new_key_replaces_it(staff_client, groq):
    assert _edit(staff_client, groq, api_key="gsk_new_key_000000000000").status_code == 302
    groq.refresh_from_db()
    assert crypto.decrypt_secrets(groq.secrets_ciphertext) == {"api_key": "gsk_new_key_000000000000"}


def test_edit_errors_are_inline_and_nothing_changes(staff_client, groq):
    response = _edit(staff_client, groq, api_base="http://169.254.169.254/latest")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_api_base_errors"' in html and 'aria-invalid="true"' in html
    assert '<details class="llmp-advanced" open>' in html  # the error is inside the advanced group
    groq.refresh_from_db()
    assert groq.version == 1


def test_edit_changing_the_address_asks_for_the_key_again(staff_client, groq):
    html = _edit(staff_client, groq, api_base="http://127.0.0.1:10/v1").content.decode()
    assert "enter the API key again" in html
    assert_no_secret(html.encode())


def test_version_conflict_keeps_the_entered_values(staff_client, groq):
    provider_update(provider=groq, expected_version=groq.version, name="Changed elsewhere")
    response = _edit(staff_client, groq, provider_name="My new name", version=1)
    assert response.status_code == 200
    html = response.content.decode()
    assert "changed by someone else" in html and 'role="alert"' in html
    assert 'value="My new name"' in html
    assert 'name="version" value="2"' in html  # saving again applies the values on top
    groq.refresh_from_db()
    assert groq.name == "Changed elsewhere"
    again = staff_client.post(
        f"{UI}{groq.pk}/edit/", {"provider_name": "My new name", "api_base": DEAD_BASE, "version": "2"}
    )
    assert again.status_code == 302
    groq.refresh_from_db()
    assert groq.name == "My new name"


def test_optional_secret_can_be_cleared(staff_client, make_provider):
    custom = make_provider(
        name="Sambanova",
        template_id="custom",
        config={"litellm_provider_name": "sambanova", "model_ids": "m1", "api_key": SENTINEL_KEY},
    )
    html = staff_client.get(f"{UI}{custom.pk}/edit/").content.decode()
    assert "Clear the stored API key" in html
    response = staff_client.post(
        f"{UI}{custom.pk}/edit/",
        {
            "provider_name": "Sambanova",
            "litellm_provider_name": "sambanova",
            "model_ids": "m1",
            "clear__api_key": "on",
            "version": custom.version,
        },
    )
    assert response.status_code == 302
    custom.refresh_from_db()
    assert custom.secret_hints == {} and custom.secrets_ciphertext == ""


def test_editing_a_draft_continues_the_wizard(staff_client, make_provider):
    draft = make_provider(name="Draft", status="draft", config={"api_key": SENTINEL_KEY})
    response = staff_client.get(f"{UI}{draft.pk}/edit/")
    assert response["Location"] == f"{UI}new/groq/configure/?draft={draft.pk}"


# --- models -------------------------------------------------------------------------------


def test_models_page_lists_and_saves_overrides(staff_client, groq, upstream):
    upstream.get(GROQ_MODELS_URL, json=listing("llama-3.3-70b-versatile", "qwen/qwen3-32b"))
    page = staff_client.get(f"{UI}{groq.pk}/models/")
    assert_full_page(page)
    html = page.content.decode()
    assert "Display name override for llama-3.3-70b-versatile" in html
    response = staff_client.post(
        f"{UI}{groq.pk}/models/",
        {
            "action": "save",
            "shown": ["llama-3.3-70b-versatile", "qwen/qwen3-32b"],
            "visible": ["qwen/qwen3-32b"],
            "default_model": "qwen/qwen3-32b",
            "display_name::qwen/qwen3-32b": "Qwen (fast)",
            "context_window::qwen/qwen3-32b": "32000",
            "display_name::llama-3.3-70b-versatile": "",
            "context_window::llama-3.3-70b-versatile": "",
        },
    )
    assert response.status_code == 302
    row = ProviderModel.objects.get(provider=groq, model_id="qwen/qwen3-32b")
    assert row.overrides == {"display_name": "Qwen (fast)", "context_window": 32000} and row.visible
    assert not ProviderModel.objects.get(provider=groq, model_id="llama-3.3-70b-versatile").visible
    groq.refresh_from_db()
    assert groq.default_model == "qwen/qwen3-32b"
    assert "Qwen (fast)" in staff_client.get(f"{UI}{groq.pk}/models/").content.decode()


def test_models_page_bad_override_is_reported(staff_client, groq, upstream):
    upstream.get(GROQ_MODELS_URL, json=listing("qwen/qwen3-32b"))
    staff_client.get(f"{UI}{groq.pk}/models/")
    response = staff_client.post(
        f"{UI}{groq.pk}/models/",
        {
            "action": "save",
            "shown": ["qwen/qwen3-32b"],
            "display_name::qwen/qwen3-32b": "",
            "context_window::qwen/qwen3-32b": "-5",
        },
        headers=htmx("model-list"),
    )
    assert_partial(response)
    assert "qwen/qwen3-32b: Enter a positive whole number of tokens." in response.content.decode()


def test_models_page_shows_changes_since_the_last_refresh(staff_client, groq, upstream):
    upstream.get(GROQ_MODELS_URL, json=listing("llama-3.3-70b-versatile", "old-model"))
    staff_client.get(f"{UI}{groq.pk}/models/")
    upstream.replace(responses.GET, GROQ_MODELS_URL, json=listing("llama-3.3-70b-versatile", "new-model"))
    staff_client.post(f"{UI}{groq.pk}/models/", {"action": "refresh"})
    html = staff_client.get(f"{UI}{groq.pk}/models/", {"kind": "all"}).content.decode()
    assert "Changes since the last refresh" in html
    assert "New: <code>new-model</code>" in html and "Gone: <code>old-model</code>" in html
    assert "Gone</span>" in html  # the row is kept and marked


def test_models_partial_and_xss_in_model_ids_and_overrides(staff_client, groq, upstream):
    upstream.get(GROQ_MODELS_URL, json=listing(XSS))
    staff_client.get(f"{UI}{groq.pk}/models/")
    ProviderModel.objects.filter(provider=groq).update(overrides={"display_name": XSS})
    response = staff_client.get(f"{UI}{groq.pk}/models/", headers=htmx("model-list"))
    assert_partial(response)
    html = response.content.decode()
    assert XSS not in html
    assert 'name="display_name::&lt;img src=x onerror=alert(1)&gt;"' in html


# --- test page ----------------------------------------------------------------------------


def test_test_page_runs_and_returns_the_results_partial(staff_client, groq, upstream):
    upstream.get(
        GROQ_MODELS_URL, json={"error": {"message": f"Incorrect API key provided: {SENTINEL_KEY}"}}, status=401
    )
    page = staff_client.get(f"{UI}{groq.pk}/test/")
    assert_full_page(page)
    assert "Run the connection test" in page.content.decode()
    response = staff_client.post(f"{UI}{groq.pk}/test/", headers=htmx("test-results"))
    assert_partial(response)
    html = response.content.decode()
    assert "✗" in html and "Authenticated" in html and "Failed" in html
    assert_no_secret(response.content)
    full = staff_client.post(f"{UI}{groq.pk}/test/")
    assert_full_page(full)
    assert "Run the test again" in full.content.decode()


# --- secrets never leave the server -------------------------------------------------------


def test_no_page_ever_contains_a_stored_secret(admin_user, groq, make_provider, upstream):
    upstream.get(GROQ_MODELS_URL, json=listing("llama-3.3-70b-versatile"))
    draft = make_provider(name="Draft", status="draft", config={"api_key": SENTINEL_KEY, "api_base": DEAD_BASE})
    client = logged_in(admin_user)
    pages = [
        UI,
        f"{UI}new/",
        f"{UI}new/groq/configure/?draft={draft.pk}",
        f"{UI}wizard/{draft.pk}/models/",
        f"{UI}wizard/{draft.pk}/test/",
        f"{UI}{groq.pk}/edit/",
        f"{UI}{groq.pk}/models/",
        f"{UI}{groq.pk}/test/",
        f"{UI}{groq.pk}/delete/",
        "/admin/",
        "/admin/llm_providers/providerconfig/",
        f"/admin/llm_providers/providerconfig/{groq.pk}/change/",
        f"/admin/llm_providers/providerconfig/{draft.pk}/change/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_secret(response.content)
    posts = [
        (f"{UI}{groq.pk}/test/", {}),
        (f"{UI}wizard/{draft.pk}/test/", {"action": "run"}),
        (f"{UI}{groq.pk}/edit/", {"provider_name": "", "api_base": DEAD_BASE, "version": groq.version}),
        (f"{UI}validate/groq/", {"_field": "api_key", "_provider": groq.pk, "api_key": ""}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 200, url
        assert_no_secret(response.content)
    assert not re.search(r"gsk_[A-Za-z0-9_]{8,}", client.get(f"{UI}{groq.pk}/edit/").content.decode())
    assert ProviderConfig.objects.filter(secrets_ciphertext__contains=SENTINEL_KEY).count() == 0
