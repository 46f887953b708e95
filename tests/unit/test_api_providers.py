"""Provider CRUD over the admin API: shapes, validation, optimistic locking, secret handling."""

from __future__ import annotations

import pytest
from django.test import Client

from llm_providers.models import ProviderConfig
from llm_providers.services.providers import provider_secrets
from tests.api_support import API, SENTINEL_KEY, assert_error, bearer, chat_requests, send

OTHER_KEY = "gsk_replacement_key_0123456789abcdef"


def _create(client: Client, **overrides):
    body = {"name": "Groq", "template_id": "groq", "config": {"api_key": SENTINEL_KEY}, **overrides}
    return send(client, "POST", API + "providers", body)


def test_create_returns_201_with_the_provider_and_only_a_secret_hint(staff_client):
    response = _create(staff_client, default_model="llama-3.3-70b-versatile")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Groq" and body["template_id"] == "groq"
    assert body["secrets"] == {"api_key": {"set": True, "hint": "…" + SENTINEL_KEY[-4:]}}
    assert body["config"] == {"api_base": "https://api.groq.com/openai/v1"}
    assert body["default_model"] == "llama-3.3-70b-versatile"
    assert body["enabled"] is True and body["is_default"] is False and body["needs_key"] is False
    assert body["status"] == "active" and body["version"] == 1
    assert body["model_cache"] == {"fetched_at": None, "expires_at": None, "last_error_code": None}
    assert {"id", "created_at", "updated_at", "model_ttl_seconds"} <= set(body)
    assert SENTINEL_KEY not in response.content.decode()
    assert provider_secrets(ProviderConfig.objects.get(pk=body["id"])) == {"api_key": SENTINEL_KEY}


def test_create_field_errors_come_from_the_template(staff_client):
    details = assert_error(_create(staff_client, config={"api_key": "sk-wrong"}), 422, "validation_error")
    assert details["fields"] == {"api_key": ["Groq keys start with gsk_"]}
    details = assert_error(_create(staff_client, config={}), 422, "validation_error")
    assert "api_key" in details["fields"]
    assert not ProviderConfig.objects.exists()


def test_create_unknown_template_and_duplicate_name(staff_client, make_provider):
    details = assert_error(_create(staff_client, template_id="nope"), 422, "validation_error")
    assert "template_id" in details["fields"]
    make_provider(name="Groq")
    details = assert_error(_create(staff_client, name="groq"), 422, "validation_error")
    assert "name" in details["fields"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"template_id": "groq"}, "name"),
        ({"name": "x"}, "template_id"),
        ({"name": ["x"], "template_id": "groq"}, "name"),
        ({"name": "x", "template_id": "groq", "config": "not an object"}, "config"),
        ({"name": "x", "template_id": "groq", "default_model": "m" * 300}, "default_model"),
    ],
)
def test_request_body_errors_are_422_with_fields(staff_client, body, field):
    details = assert_error(send(staff_client, "POST", API + "providers", body), 422, "validation_error")
    assert field in details["fields"], details


def test_malformed_json_is_400_bad_request(staff_client):
    response = staff_client.post(API + "providers", data="{not json", content_type="application/json")
    assert_error(response, 400, "bad_request")


def test_list_and_get(staff_client, make_provider):
    groq = make_provider(name="Groq")
    make_provider(name="Draft", status="draft")
    listed = staff_client.get(API + "providers").json()
    assert [p["name"] for p in listed] == ["Groq"]
    assert [p["name"] for p in staff_client.get(API + "providers?include_drafts=true").json()] == ["Draft", "Groq"]
    assert staff_client.get(f"{API}providers/{groq.pk}").json()["id"] == groq.pk


@pytest.mark.parametrize("provider_id", ["999", "99999999999999999999999"])
def test_unknown_provider_is_404(staff_client, provider_id):
    for method in ("GET", "PATCH", "DELETE"):
        assert_error(send(staff_client, method, f"{API}providers/{provider_id}", {"version": 1}), 404, "not_found")


def test_unknown_path_and_method_use_the_envelope(staff_client):
    assert_error(staff_client.get(API + "nothing/here"), 404, "not_found")
    response = send(staff_client, "PUT", API + "providers", {})
    details = assert_error(response, 405, "method_not_allowed")
    assert "GET" in details["allowed"] and "POST" in details["allowed"]


def test_delete(staff_client, make_provider):
    provider = make_provider()
    response = staff_client.delete(f"{API}providers/{provider.pk}")
    assert response.status_code == 204 and response.content == b""
    assert_error(staff_client.get(f"{API}providers/{provider.pk}"), 404, "not_found")


# --- PATCH ----------------------------------------------------------------------------------


def _patch(client: Client, provider: ProviderConfig, **body):
    body.setdefault("version", provider.version)
    return send(client, "PATCH", f"{API}providers/{provider.pk}", body)


def test_patch_updates_fields_and_bumps_version(staff_client, make_provider):
    provider = make_provider()
    response = _patch(staff_client, provider, name="Groq EU", enabled=False, default_model="llama-3.1-8b-instant")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["enabled"], body["default_model"]) == ("Groq EU", False, "llama-3.1-8b-instant")
    assert body["version"] == provider.version + 1


def test_patch_requires_version(staff_client, make_provider):
    provider = make_provider()
    details = assert_error(
        send(staff_client, "PATCH", f"{API}providers/{provider.pk}", {"name": "x"}), 422, "validation_error"
    )
    assert "version" in details["fields"]


def test_patch_with_stale_version_is_409_and_overwrites_nothing(staff_client, make_provider):
    provider = make_provider()
    assert _patch(staff_client, provider, name="First").status_code == 200  # version 1 → 2
    response = _patch(staff_client, provider, version=1, name="Second", config={"api_key": OTHER_KEY})
    details = assert_error(response, 409, "conflict")
    assert details["current_version"] == 2
    provider.refresh_from_db()
    assert provider.name == "First" and provider.version == 2
    assert provider_secrets(provider)["api_key"] == "gsk_test_secret_key_0001"


def test_patch_secret_omitted_keeps_it(staff_client, make_provider):
    provider = make_provider(config={"api_key": SENTINEL_KEY})
    response = _patch(staff_client, provider, config={"api_base": "https://api.groq.com/openai/v1"})
    assert response.status_code == 200, response.content
    assert response.json()["secrets"]["api_key"]["set"] is True
    provider.refresh_from_db()
    assert provider_secrets(provider) == {"api_key": SENTINEL_KEY}


def test_patch_secret_new_value_replaces_it(staff_client, make_provider):
    provider = make_provider(config={"api_key": SENTINEL_KEY})
    response = _patch(staff_client, provider, config={"api_key": OTHER_KEY})
    assert response.status_code == 200, response.content
    assert response.json()["secrets"]["api_key"] == {"set": True, "hint": "…" + OTHER_KEY[-4:]}
    provider.refresh_from_db()
    assert provider_secrets(provider) == {"api_key": OTHER_KEY}


def test_patch_secret_null_clears_but_a_required_one_is_422(staff_client, make_provider):
    provider = make_provider(config={"api_key": SENTINEL_KEY})
    details = assert_error(_patch(staff_client, provider, config={"api_key": None}), 422, "validation_error")
    assert "api_key" in details["fields"]
    provider.refresh_from_db()
    assert provider_secrets(provider) == {"api_key": SENTINEL_KEY} and provider.version == 1


def test_patch_secret_null_clears_an_optional_secret(staff_client, make_provider):
    provider = make_provider(
        name="Local", template_id="openai_compatible", config={"api_base": "http://127.0.0.1:9/v1", "api_key": "k" * 20}
    )
    response = _patch(staff_client, provider, config={"api_key": None})
    assert response.status_code == 200, response.content
    assert response.json()["secrets"]["api_key"] == {"set": False, "hint": ""}
    provider.refresh_from_db()
    assert provider_secrets(provider) == {}


def test_patch_non_secret_field_errors(staff_client, make_provider):
    provider = make_provider()
    details = assert_error(_patch(staff_client, provider, config={"unknown_field": 1}), 422, "validation_error")
    assert "unknown_field" in details["fields"]
    details = assert_error(_patch(staff_client, provider, status="archived"), 422, "validation_error")
    assert "status" in details["fields"]
    details = assert_error(_patch(staff_client, provider, model_ttl_seconds=1), 422, "validation_error")
    assert "model_ttl_seconds" in details["fields"]


def test_patch_model_ttl_null_restores_the_template_default(staff_client, make_provider):
    provider = make_provider()
    assert _patch(staff_client, provider, model_ttl_seconds=600).json()["model_ttl_seconds"] == 600
    provider.refresh_from_db()
    assert _patch(staff_client, provider, model_ttl_seconds=None).json()["model_ttl_seconds"] is None


# --- set-default ---------------------------------------------------------------------------


def test_set_default(staff_client, make_provider):
    first, second = make_provider(name="A"), make_provider(name="B")
    response = send(staff_client, "POST", f"{API}providers/{first.pk}/set-default", {"model": "llama-3.1-8b-instant"})
    assert response.status_code == 200, response.content
    assert response.json()["is_default"] is True and response.json()["default_model"] == "llama-3.1-8b-instant"
    send(staff_client, "POST", f"{API}providers/{second.pk}/set-default", {})
    first.refresh_from_db()
    assert first.is_default is False
    assert staff_client.get(API + "providers").json()[0]["name"] == "B"  # the default is listed first


def test_set_default_on_disabled_provider_is_422(staff_client, make_provider):
    provider = make_provider(enabled=False)
    details = assert_error(
        send(staff_client, "POST", f"{API}providers/{provider.pk}/set-default", {}), 422, "validation_error"
    )
    assert "enabled" in details["fields"]


# --- secrets never leave ---------------------------------------------------------------------


def _substrings(secret: str, size: int = 8) -> list[str]:
    return [secret[i : i + size] for i in range(len(secret) - size + 1)]


def test_secret_never_in_any_response_body_or_log(staff_user, caplog, fake_upstream):
    import responses

    # Model lists are answered by `responses`; the completion checks go through litellm to the real fake.
    base = f"{fake_upstream.url}/openai/v1"
    caplog.set_level("DEBUG")
    client = Client()
    headers = bearer(staff_user)
    bodies: list[str] = []

    def call(method: str, path: str, body=None) -> dict:
        response = send(client, method, API + path, body, headers=headers)
        assert response.status_code < 500, response.content
        bodies.append(response.content.decode())
        return response.json() if response.content else {}

    with responses.RequestsMock(assert_all_requests_are_fired=False) as upstream:
        listing = {"object": "list", "data": [{"id": "llama-3.3-70b-versatile", "object": "model"}]}
        upstream.get(f"{base}/models", json=listing)
        config = {"api_key": SENTINEL_KEY, "api_base": base}
        created = call("POST", "providers", {"name": "Groq", "template_id": "groq", "config": config})
        pid = created["id"]
        call("GET", "providers")
        call("GET", f"providers/{pid}")
        updated = call("PATCH", f"providers/{pid}", {"version": created["version"], "name": "Groq 2"})
        call("PATCH", f"providers/{pid}", {"version": updated["version"], "config": {"api_key": "bad"}})  # 422
        call("POST", f"providers/{pid}/set-default", {"model": "llama-3.3-70b-versatile"})
        assert call("GET", f"providers/{pid}/models")["source"] == "live"
        call("POST", f"providers/{pid}/refresh-models")
        assert call("POST", f"providers/{pid}/test", {"model": "llama-3.3-70b-versatile"})["ok"] is True
        assert call("POST", "templates/groq/test", {"config": config})["ok"] is True
        assert call("POST", "templates/groq/discover-models", {"config": config})["source"] == "live"
        # A provider that echoes the refused key in its error body.
        refused = {"error": {"message": f"Incorrect API key provided: {SENTINEL_KEY}"}}
        upstream.replace("GET", f"{base}/models", json=refused, status=401)
        assert call("POST", f"providers/{pid}/refresh-models")["error"]["code"] == "invalid_credentials"
        assert call("POST", f"providers/{pid}/test")["ok"] is False
        assert call("POST", "templates/groq/test", {"config": config})["ok"] is False
        call("POST", "templates/groq/discover-models", {"config": config})
        call("GET", "metrics")
    # The two passing tests really ran the completion, with the key, through litellm.
    chats = chat_requests(fake_upstream)
    assert [r.json()["model"] for r in chats] == ["llama-3.3-70b-versatile", "openai/gpt-oss-120b"]
    assert [r.headers["authorization"] for r in chats] == [f"Bearer {SENTINEL_KEY}"] * 2
    haystacks = [*bodies, caplog.text]
    for needle in [SENTINEL_KEY, *_substrings(SENTINEL_KEY)]:
        for haystack in haystacks:
            assert needle not in haystack, f"{needle!r} leaked into {haystack[:300]!r}"


def test_list_costs_a_constant_number_of_queries(staff_client, make_provider, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_provider(name="P0")
    with CaptureQueriesContext(connection) as one:
        assert len(staff_client.get(API + "providers").json()) == 1
    for i in range(1, 6):
        make_provider(name=f"P{i}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(staff_client.get(API + "providers").json()) == 6
