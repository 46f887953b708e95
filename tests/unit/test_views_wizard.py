"""The setup wizard through the test client: steps, partials, drafts, validation, models, test and save.

Model lists are mocked with `responses` (the HTTP boundary of requests); the one-token completion really goes
through litellm (httpx) to a local FakeUpstream serving the same base URL.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import responses
from cachalot.api import cachalot_disabled
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from llm_providers import crypto
from llm_providers.models import ProviderConfig, ProviderModel
from llm_providers.views.wizard import SESSION_DRAFT
from tests.api_support import chat_requests
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
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_local_probe")]


def _groq_form(**overrides: str) -> dict[str, str]:
    data = {"provider_name": "Groq", "api_key": SENTINEL_KEY, "api_base": DEAD_BASE}
    data.update(overrides)
    return data


def _draft(client, **overrides) -> ProviderConfig:
    response = client.post(f"{UI}new/groq/configure/", _groq_form(**overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    return ProviderConfig.objects.get(name=overrides.get("provider_name", "Groq"))


# --- step 1 -------------------------------------------------------------------------------


def test_step1_full_page_groups_cards_by_category(staff_client):
    response = staff_client.get(f"{UI}new/")
    assert_full_page(response)
    html = response.content.decode()
    assert "Step 1 of 4: Choose a provider" in html
    assert 'aria-current="step"' in html
    for heading in ("Popular cloud", "Enterprise", "Local / self-hosted", "Custom integration"):
        assert f">{heading}</h3>" in html
    assert "Set up Groq" in html and "Setup: Easy" in html and "Recommended" in html
    assert 'hx-trigger="input changed delay:40ms, search" hx-sync="#wizard-body:replace"' in html


def test_step1_search_returns_only_the_card_grid(staff_client):
    response = staff_client.get(f"{UI}new/", {"q": "GROQ"}, headers=htmx("catalog-cards"))
    assert_partial(response)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="catalog-cards"')
    assert "Set up Groq" in html and "Set up Anthropic" not in html
    assert 'id="catalog-count" hx-swap-oob="true"' in html


def test_step1_search_matches_descriptions_and_filters_combine(staff_client):
    html = staff_client.get(f"{UI}new/", {"q": "lpu"}).content.decode()  # in Groq's description only
    assert "Set up Groq" in html and "Set up OpenAI" not in html
    html = staff_client.get(f"{UI}new/", {"category": "local", "difficulty": "easy"}).content.decode()
    assert "Set up Ollama" in html and "Set up Groq" not in html
    html = staff_client.get(f"{UI}new/", {"q": "no such provider xyz"}).content.decode()
    assert "No provider matches these filters." in html


def test_step1_wizard_body_partial_for_step_swaps(staff_client):
    response = staff_client.get(f"{UI}new/", headers=htmx("wizard-body"))
    assert_partial(response)
    assert response.content.decode().lstrip().startswith('<div id="wizard-body"')
    assert "Vary" in response and "HX-Request" in response["Vary"]


def test_step1_recommends_environment_keys_without_showing_them(staff_client, monkeypatch):
    monkeypatch.setenv("GROQ_API_KEY", SENTINEL_KEY)
    html = staff_client.get(f"{UI}new/").content.decode()
    assert "Key found in the environment (GROQ_API_KEY)" in html
    assert "Use the key from the environment for Groq" in html
    assert_no_secret(html.encode())


def test_step1_recommends_running_local_servers(staff_client, settings, fake_upstream):
    fake_upstream.set("/api/version", json={"version": "0.6.0"})
    settings.LLM_PROVIDERS_LOCAL_PROBE_TARGETS = [
        {"template_id": "ollama", "url": f"{fake_upstream.url}/api/version", "api_base": fake_upstream.url},
        {"template_id": "lm_studio", "url": "http://127.0.0.1:9/v1/models"},  # closed port: not running
    ]
    html = staff_client.get(f"{UI}new/").content.decode()
    assert "Connect to the running Ollama" in html
    assert "Connect to the running LM Studio" not in html
    # The recommendation pre-fills the probed address.
    html = staff_client.get(f"{UI}new/ollama/configure/", {"local": "1"}).content.decode()
    assert f'value="{fake_upstream.url}"' in html


def test_step1_purges_abandoned_drafts(staff_client, make_provider):
    make_provider(name="Old draft", status="draft")
    ProviderConfig.objects.filter(name="Old draft").update(updated_at=timezone.now() - timedelta(hours=25))
    make_provider(name="Fresh draft", status="draft")
    staff_client.get(f"{UI}new/")
    assert list(ProviderConfig.objects.values_list("name", flat=True)) == ["Fresh draft"]


def test_step1_query_count_does_not_grow_with_the_catalog(staff_client, settings, tmp_path):
    with cachalot_disabled():  # count real queries, not cache hits
        _check_step1_query_count(staff_client, settings, tmp_path)


def _check_step1_query_count(client, settings, tmp_path):
    client.get(f"{UI}new/")  # warm the session and permission caches
    with CaptureQueriesContext(connection) as before:
        client.get(f"{UI}new/")
    extra = tmp_path / "templates"
    extra.mkdir()
    base = (settings.BASE_DIR / "llm_providers/catalog/templates/groq.json").read_text()
    for n in range(10):
        (extra / f"extra{n}.json").write_text(
            base.replace('"id": "groq"', f'"id": "extra{n}"').replace('"name": "Groq"', f'"name": "Extra {n}"')
        )
    settings.LLM_PROVIDERS_TEMPLATE_DIRS = [str(extra)]
    from llm_providers.catalog import loader

    loader.reload()
    with CaptureQueriesContext(connection) as after:
        html = client.get(f"{UI}new/").content.decode()
    assert "Set up Extra 9" in html
    assert len(after) == len(before), [q["sql"] for q in after]


# --- step 2 -------------------------------------------------------------------------------


def test_step2_renders_the_generated_form(staff_client):
    response = staff_client.get(f"{UI}new/groq/configure/")
    assert_full_page(response)
    html = response.content.decode()
    assert "Step 2 of 4: Configure" in html
    assert 'name="provider_name"' in html and 'value="Groq"' in html
    assert 'type="password" name="api_key"' in html and 'placeholder="gsk_..."' in html
    assert "(required)" in html and "Get an API key" in html and "https://console.groq.com/keys" in html
    # api_base is advanced: inside the collapsed <details>.
    advanced = html.split('<details class="llmp-advanced"', 1)[1].split("</details>", 1)[0]
    assert 'name="api_base"' in advanced and "open" not in advanced.split(">", 1)[0]
    # Live validation is wired per field, targeting its own error container.
    assert 'hx-post="/llm-providers/validate/groq/"' in html
    assert 'aria-describedby="id_api_key_help id_api_key_errors"' in html
    assert 'id="id_api_key_errors"' in html


def test_step2_suggests_a_unique_name(staff_client, make_provider):
    make_provider(name="Groq")
    html = staff_client.get(f"{UI}new/groq/configure/").content.decode()
    assert 'value="Groq 2"' in html


def test_step2_post_creates_an_encrypted_draft_and_keeps_only_its_id_in_the_session(staff_client):
    draft = _draft(staff_client)
    assert draft.status == "draft"
    assert SENTINEL_KEY not in draft.secrets_ciphertext
    assert crypto.decrypt_secrets(draft.secrets_ciphertext) == {"api_key": SENTINEL_KEY}
    assert draft.secret_hints == {"api_key": "…b1a0"}
    session = staff_client.session
    assert session[SESSION_DRAFT] == draft.pk
    assert SENTINEL_KEY not in str(dict(session.items()))


def test_step2_errors_are_shown_inline_and_nothing_is_saved(staff_client):
    response = staff_client.post(f"{UI}new/groq/configure/", _groq_form(api_key="not-a-groq-key"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Groq keys start with gsk_" in html
    assert 'aria-invalid="true"' in html
    assert not ProviderConfig.objects.exists()
    assert "not-a-groq-key" not in html  # a secret is never echoed, not even a wrong one


def test_step2_htmx_submit_swaps_to_step3_with_a_pushed_url(staff_client):
    response = staff_client.post(f"{UI}new/groq/configure/", _groq_form(), headers=htmx("wizard-body"))
    assert response.status_code == 200
    draft = ProviderConfig.objects.get()
    assert f'"/llm-providers/wizard/{draft.pk}/models/"' in response["HX-Location"]
    assert '"target": "#wizard-body"' in response["HX-Location"]


def test_step2_htmx_validation_error_returns_the_step_partial(staff_client):
    response = staff_client.post(f"{UI}new/groq/configure/", _groq_form(api_key=""), headers=htmx("wizard-body"))
    assert_partial(response)
    assert "This field is required." in response.content.decode()


def test_back_to_step2_keeps_values_and_masks_the_secret(staff_client):
    draft = _draft(staff_client, api_base=DEAD_BASE)
    response = staff_client.get(f"{UI}new/groq/configure/", {"draft": draft.pk})
    html = response.content.decode()
    assert f'value="{DEAD_BASE}"' in html
    assert "•••• b1a0" in html and "Replace" in html
    assert_no_secret(response.content)
    # Without ?draft the session's draft of this template is resumed too (refresh-safe).
    assert "•••• b1a0" in staff_client.get(f"{UI}new/groq/configure/").content.decode()


def test_step2_resubmit_with_blank_key_keeps_it_and_updates_the_draft(staff_client):
    draft = _draft(staff_client)
    response = staff_client.post(
        f"{UI}new/groq/configure/",
        {"draft": draft.pk, "provider_name": "Groq fast", "api_key": "", "api_base": DEAD_BASE},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "Groq fast"
    assert crypto.decrypt_secrets(draft.secrets_ciphertext) == {"api_key": SENTINEL_KEY}
    assert ProviderConfig.objects.count() == 1


def test_step2_use_environment_key_fills_the_secret_server_side(staff_client, monkeypatch):
    monkeypatch.setenv("GROQ_API_KEY", SENTINEL_KEY)
    offer = staff_client.get(f"{UI}new/groq/configure/")
    assert "Use the key from GROQ_API_KEY" in offer.content.decode()
    assert_no_secret(offer.content)
    response = staff_client.get(f"{UI}new/groq/configure/", {"use_env": "1"})
    html = response.content.decode()
    assert "Key found in the server environment" in html and "GROQ_API_KEY" in html
    assert_no_secret(response.content)
    response = staff_client.post(
        f"{UI}new/groq/configure/", {"use_env": "1", "provider_name": "Groq", "api_key": "", "api_base": DEAD_BASE}
    )
    assert response.status_code == 302
    draft = ProviderConfig.objects.get()
    assert crypto.decrypt_secrets(draft.secrets_ciphertext) == {"api_key": SENTINEL_KEY}


def test_step2_unknown_template_is_404(staff_client):
    assert staff_client.get(f"{UI}new/nope/configure/").status_code == 404


def test_custom_template_offers_litellm_provider_names(staff_client):
    html = staff_client.get(f"{UI}new/custom/configure/").content.decode()
    assert 'list="id_litellm_provider_name_options"' in html
    assert '<datalist id="id_litellm_provider_name_options">' in html
    assert '<option value="openai">' in html
    assert 'name="model_ids"' in html and "<textarea" in html


def test_file_fields_accept_an_upload_or_pasted_json(staff_client):
    html = staff_client.get(f"{UI}new/vertex_ai/configure/").content.decode()
    assert 'type="file" name="vertex_credentials"' in html
    assert 'name="vertex_credentials__text"' in html
    assert 'enctype="multipart/form-data"' in html


def test_file_upload_is_read_and_stored_encrypted(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = staff_client.post(
        f"{UI}new/vertex_ai/configure/",
        {"provider_name": "Vertex", "vertex_project": "my-project", "vertex_credentials__text": "{not json"},
    )
    assert "This file is not valid JSON" in bad.content.decode()
    upload = SimpleUploadedFile("key.json", b'{"type": "service_account", "private_key": "SECRETKEYDATA"}')
    response = staff_client.post(
        f"{UI}new/vertex_ai/configure/",
        {"provider_name": "Vertex", "vertex_project": "my-project", "vertex_credentials": upload},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = ProviderConfig.objects.get(name="Vertex")
    assert "SECRETKEYDATA" in crypto.decrypt_secrets(draft.secrets_ciphertext)["vertex_credentials"]
    page = staff_client.get(f"{UI}new/vertex_ai/configure/", {"draft": draft.pk})
    assert b"SECRETKEYDATA" not in page.content and "Stored: " in page.content.decode()


# --- validate-as-you-type -----------------------------------------------------------------


def test_validate_field_returns_only_the_error_list(staff_client):
    response = staff_client.post(
        f"{UI}validate/groq/", {"_field": "api_key", "api_key": "nope"}, headers=htmx("id_api_key_errors")
    )
    assert_partial(response)
    assert response.content.decode().strip() == '<ul class="errorlist"><li>Groq keys start with gsk_</li></ul>'
    ok = staff_client.post(f"{UI}validate/groq/", {"_field": "api_key", "api_key": SENTINEL_KEY})
    assert ok.status_code == 200 and ok.content.strip() == b""
    assert_no_secret(ok.content)


def test_validate_field_uses_the_same_rule_as_submit(staff_client):
    blocked = staff_client.post(f"{UI}validate/groq/", {"_field": "api_base", "api_base": "http://169.254.169.254/v1"})
    message = re.search(r"<li>(.*?)</li>", blocked.content.decode()).group(1)
    submitted = staff_client.post(f"{UI}new/groq/configure/", _groq_form(api_base="http://169.254.169.254/v1"))
    assert message in submitted.content.decode()


def test_validate_field_knows_stored_secrets(staff_client, make_provider):
    provider = make_provider(config={"api_key": SENTINEL_KEY})
    blank = {"_field": "api_key", "api_key": ""}
    assert b"This field is required." in staff_client.post(f"{UI}validate/groq/", blank).content
    assert staff_client.post(f"{UI}validate/groq/", {**blank, "_provider": provider.pk}).content.strip() == b""


def test_validate_field_rejects_unknown_fields(staff_client):
    assert staff_client.post(f"{UI}validate/groq/", {"_field": "nope"}).status_code == 400


# --- step 3 -------------------------------------------------------------------------------


def test_step3_full_page_lists_models_directly(staff_client, upstream):
    upstream.get(GROQ_MODELS_URL, json=listing("llama-3.3-70b-versatile", "whisper-large-v3-turbo"))
    draft = _draft(staff_client)
    response = staff_client.get(f"{UI}wizard/{draft.pk}/models/")
    assert_full_page(response)
    html = response.content.decode()
    assert "Step 3 of 4: Models" in html
    assert "llama-3.3-70b-versatile" in html
    assert "whisper-large-v3-turbo" not in html  # audio: hidden by the default chat filter
    assert "Visible: llama-3.3-70b-versatile" in html and "Default model: llama-3.3-70b-versatile" in html


def test_step3_htmx_swap_shows_loading_then_the_list_partial(staff_client, upstream):
    upstream.get(GROQ_MODELS_URL, json=listing("llama-3.3-70b-versatile"))
    draft = _draft(staff_client)
    url = f"{UI}wizard/{draft.pk}/models/"
    body = staff_client.get(url, headers=htmx("wizard-body"))
    assert_partial(body)
    html = body.content.decode()
    assert "Fetching models from Groq…" in html and 'hx-trigger="load"' in html and 'aria-live="polite"' in html
    assert len(upstream.calls) == 0  # nothing fetched until the list asks
    listed = staff_client.get(url, {"kind": "chat"}, headers=htmx("model-list"))
    assert_partial(listed)
    assert listed.content.decode().lstrip().startswith('<div id="model-list"')
    assert "llama-3.3-70b-versatile" in listed.content.decode()


def test_step3_kind_and_search_filters(staff_client, upstream):
    upstream.get(GROQ_MODELS_URL, json=listing("llama-3.3-70b-versatile", "qwen/qwen3-32b", "whisper-large-v3-turbo"))
    draft = _draft(staff_client)
    url = f"{UI}wizard/{draft.pk}/models/"

    def shown(params):
        html = staff_client.get(url, params, headers=htmx("model-list")).content.decode()
        return re.findall(r'name="shown" value="([^"]+)"', html)

    assert shown({"q": "QWEN"}) == ["qwen/qwen3-32b"]
    assert shown({"kind": "audio"}) == ["whisper-large-v3-turbo"]
    assert shown({"kind": "all"}) == ["llama-3.3-70b-versatile", "qwen/qwen3-32b", "whisper-large-v3-turbo"]


def test_step3_failure_banner_and_fallback_list(staff_client, upstream):
    upstream.get(GROQ_MODELS_URL, json={"error": {"message": "Invalid API Key"}}, status=401)
    draft = _draft(staff_client)
    html = staff_client.get(f"{UI}wizard/{draft.pk}/models/").content.decode()
    assert 'role="alert"' in html and "The API key was rejected" in html
    assert "Retry" in html and "Fallback list" in html
    assert "openai/gpt-oss-120b" in html  # from the template's fallback models


def test_step3_stale_list_says_how_old_it_is(staff_client, upstream):
    upstream.get(GROQ_MODELS_URL, json=listing("llama-3.3-70b-versatile"))
    draft = _draft(staff_client)
    staff_client.get(f"{UI}wizard/{draft.pk}/models/")
    past = timezone.now() - timedelta(minutes=12)
    draft.fetch_state.__class__.objects.filter(pk=draft.pk).update(fetched_at=past, expires_at=past)
    upstream.replace(responses.GET, GROQ_MODELS_URL, status=503, json={"error": "down"})
    html = staff_client.get(f"{UI}wizard/{draft.pk}/models/").content.decode()
    assert "Showing the list from 12\xa0minutes ago." in html


def test_step3_add_model_by_id_validates_inline(staff_client, upstream):
    upstream.get(GROQ_MODELS_URL, json=listing("llama-3.3-70b-versatile"))
    draft = _draft(staff_client)
    url = f"{UI}wizard/{draft.pk}/models/"
    bad = staff_client.post(url, {"action": "add", "model_id": "has space"}, headers=htmx("model-list"))
    assert_partial(bad)
    assert "Model IDs cannot contain spaces." in bad.content.decode()
    assert 'value="has space"' in bad.content.decode()
    dup = staff_client.post(url, {"action": "add", "model_id": "llama-3.3-70b-versatile"})
    assert "is already in the list." in dup.content.decode()
    good = staff_client.post(url, {"action": "add", "model_id": "my-fine-tune"})
    assert good.status_code == 302
    assert ProviderModel.objects.filter(provider=draft, model_id="my-fine-tune", source="manual").exists()


def test_step3_choices_select_all_none_and_continue(staff_client, upstream):
    upstream.get(GROQ_MODELS_URL, json=listing("llama-3.3-70b-versatile", "qwen/qwen3-32b"))
    draft = _draft(staff_client)
    url = f"{UI}wizard/{draft.pk}/models/"
    staff_client.get(url)
    shown = ["llama-3.3-70b-versatile", "qwen/qwen3-32b"]
    staff_client.post(url, {"action": "select_none", "shown": shown})
    assert not ProviderModel.objects.filter(provider=draft, visible=True).exists()
    staff_client.post(url, {"action": "select_all", "shown": shown})
    assert ProviderModel.objects.filter(provider=draft, visible=True).count() == 2
    response = staff_client.post(
        url, {"action": "continue", "shown": shown, "visible": ["qwen/qwen3-32b"], "default_model": "qwen/qwen3-32b"}
    )
    assert response.status_code == 302 and response["Location"] == f"{UI}wizard/{draft.pk}/test/"
    draft.refresh_from_db()
    assert draft.default_model == "qwen/qwen3-32b"
    assert list(ProviderModel.objects.filter(provider=draft, visible=True).values_list("model_id", flat=True)) == [
        "qwen/qwen3-32b"
    ]


def test_step3_refresh_reports_changes(staff_client, upstream):
    upstream.get(GROQ_MODELS_URL, json=listing("llama-3.3-70b-versatile"))
    draft = _draft(staff_client)
    url = f"{UI}wizard/{draft.pk}/models/"
    staff_client.get(url)
    upstream.replace(responses.GET, GROQ_MODELS_URL, json=listing("qwen/qwen3-32b"))
    html = staff_client.post(url, {"action": "refresh"}, headers=htmx("model-list")).content.decode()
    assert "Model list refreshed: 1 new, 1 gone." in html
    assert "Changes since the last refresh" in html and "qwen/qwen3-32b" in html


def test_model_ids_are_escaped_everywhere(staff_client, upstream):
    upstream.get(GROQ_MODELS_URL, json=listing(XSS))
    draft = _draft(staff_client)
    html = staff_client.get(f"{UI}wizard/{draft.pk}/models/").content.decode()
    assert XSS not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'value="&lt;img src=x onerror=alert(1)&gt;"' in html  # inside attributes too


# --- step 4 and save ----------------------------------------------------------------------


def test_step4_runs_the_test_and_saving_activates(staff_client, upstream, completions, fake_base, fake_upstream):
    upstream.get(f"{fake_base}/models", json=listing("llama-3.3-70b-versatile"))
    draft = _draft(staff_client, api_base=fake_base)
    url = f"{UI}wizard/{draft.pk}/test/"
    page = staff_client.get(url)
    assert_full_page(page)
    html = page.content.decode()
    assert "Step 4 of 4: Test and save" in html
    assert 'hx-trigger="load"' in html and "Run the connection test" in html
    results = staff_client.post(url, {"action": "run"}, headers=htmx("test-results"))
    assert_partial(results)
    html = results.content.decode()
    for label in ("Address allowed", "Server reachable", "Authenticated", "Models listed", "One-token completion"):
        assert label in html
    assert "All checks passed" in html and "Save and activate" in html
    assert 'id="test-actions" class="llmp-test-actions" method="post"' in html and 'hx-swap-oob="true"' in html
    assert completions == ["openai/gpt-oss-120b"]
    assert_no_secret(results.content)
    assert [r.headers["authorization"] for r in chat_requests(fake_upstream)] == [f"Bearer {SENTINEL_KEY}"]
    saved = staff_client.post(url, {"action": "save"})
    assert saved.status_code == 302 and saved["Location"] == UI
    draft.refresh_from_db()
    assert draft.status == "active" and draft.is_default  # the first provider becomes the default
    assert SESSION_DRAFT not in staff_client.session
    overview = staff_client.get(UI).content.decode()
    assert "Groq is connected and active." in overview


def test_step4_failed_test_needs_save_anyway(staff_client, upstream, completions, fake_base):
    upstream.get(f"{fake_base}/models", json={"error": {"message": "Invalid API Key"}}, status=401)
    draft = _draft(staff_client, api_base=fake_base)
    url = f"{UI}wizard/{draft.pk}/test/"
    html = staff_client.post(url, {"action": "run"}).content.decode()
    assert "The connection test failed" in html and "✗" in html and "Save anyway" in html
    assert completions == []  # stopped at the refused key, before any completion
    refused = staff_client.post(url, {"action": "save"})
    assert refused.status_code == 200 and "Save anyway" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    saved = staff_client.post(url, {"action": "save_anyway"}, headers=htmx("test-results"))
    assert saved["HX-Redirect"] == UI
    draft.refresh_from_db()
    assert draft.status == "active"


def test_steps_3_and_4_of_a_saved_provider_go_back_to_the_overview(staff_client, make_provider):
    provider = make_provider()
    for step in ("models", "test"):
        response = staff_client.get(f"{UI}wizard/{provider.pk}/{step}/")
        assert response.status_code == 302 and response["Location"] == UI


def test_full_flow_through_the_client(staff_client, upstream, completions, fake_base, fake_upstream):
    """Step 1 → 2 (draft, encrypted key) → 3 → 4 → save, exactly as a browser without JS would."""
    upstream.get(f"{fake_base}/models", json=listing("llama-3.3-70b-versatile", "qwen/qwen3-32b"))
    assert "Set up Groq" in staff_client.get(f"{UI}new/").content.decode()
    step3 = staff_client.post(f"{UI}new/groq/configure/", _groq_form(provider_name="Groq main", api_base=fake_base))
    draft = ProviderConfig.objects.get(name="Groq main")
    assert step3["Location"] == f"{UI}wizard/{draft.pk}/models/"
    assert crypto.decrypt_secrets(draft.secrets_ciphertext)["api_key"] == SENTINEL_KEY
    models_page = staff_client.get(step3["Location"])
    assert "qwen/qwen3-32b" in models_page.content.decode()
    step4 = staff_client.post(
        step3["Location"],
        {
            "action": "continue",
            "shown": ["llama-3.3-70b-versatile", "qwen/qwen3-32b"],
            "visible": ["qwen/qwen3-32b"],
            "default_model": "qwen/qwen3-32b",
        },
    )
    assert step4["Location"] == f"{UI}wizard/{draft.pk}/test/"
    run = staff_client.post(step4["Location"], {"action": "run"})
    assert completions == ["qwen/qwen3-32b"]
    assert_no_secret(run.content)
    assert [r.headers["authorization"] for r in chat_requests(fake_upstream)] == [f"Bearer {SENTINEL_KEY}"]
    done = staff_client.post(step4["Location"], {"action": "save"})
    assert done["Location"] == UI
    draft.refresh_from_db()
    assert draft.status == "active" and draft.default_model == "qwen/qwen3-32b"
    assert_no_secret(staff_client.get(UI).content)


def test_test_and_save_activates_when_every_check_passes(staff_client, upstream, completions, fake_base):
    upstream.get(f"{fake_base}/models", json=listing("llama-3.3-70b-versatile"))
    draft = _draft(staff_client, api_base=fake_base)
    models_url = f"{UI}wizard/{draft.pk}/models/"
    step4 = staff_client.post(
        models_url,
        {"action": "test_and_save", "shown": ["llama-3.3-70b-versatile"], "visible": ["llama-3.3-70b-versatile"]},
    )
    assert step4["Location"] == f"{UI}wizard/{draft.pk}/test/?then=save"
    page = staff_client.get(step4["Location"]).content.decode()
    assert '"then": "save"' in page and 'name="then" value="save"' in page
    done = staff_client.post(
        step4["Location"].split("?")[0], {"action": "run", "then": "save"}, headers=htmx("test-results")
    )
    assert done["HX-Redirect"] == UI
    assert completions == ["openai/gpt-oss-120b"]
    draft.refresh_from_db()
    assert draft.status == "active"


def test_test_and_save_keeps_the_draft_when_the_test_fails(staff_client, upstream, completions, fake_base):
    upstream.get(f"{fake_base}/models", json={"error": {"message": "Invalid API Key"}}, status=401)
    draft = _draft(staff_client, api_base=fake_base)
    response = staff_client.post(f"{UI}wizard/{draft.pk}/test/", {"action": "run", "then": "save"})
    html = response.content.decode()
    assert response.status_code == 200 and "Save anyway" in html and "✗" in html
    draft.refresh_from_db()
    assert draft.status == "draft"
