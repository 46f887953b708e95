"""Model-list endpoints: cached reads, refresh, per-model choices, manual models. Upstream mocked with `responses`."""

from __future__ import annotations

import pytest

from llm_providers.models import ProviderModel
from tests.api_support import API, assert_error, send

GROQ_MODELS = "https://api.groq.com/openai/v1/models"
LISTING = {
    "object": "list",
    "data": [
        {"id": "llama-3.3-70b-versatile", "object": "model", "context_window": 131072},
        {"id": "meta-llama/Llama-3.3-70B", "object": "model"},
        {"id": "whisper-large-v3", "object": "model"},
    ],
}
RECORD_KEYS = {
    "id",
    "display_name",
    "kind",
    "context_window",
    "max_output_tokens",
    "capabilities",
    "pricing",
    "deprecation_date",
    "source",
    "visible",
    "missing_since",
    "overrides",
}


@pytest.fixture
def provider(make_provider):
    return make_provider()


def _models_url(provider, suffix: str = "models") -> str:
    return f"{API}providers/{provider.pk}/{suffix}"


def test_get_models_live_then_cache(staff_client, upstream, provider):
    upstream.get(GROQ_MODELS, json=LISTING)
    body = staff_client.get(_models_url(provider)).json()
    assert set(body) == {"provider_id", "source", "fetched_at", "expires_at", "stale", "error", "models"}
    assert body["provider_id"] == provider.pk and body["source"] == "live" and body["stale"] is False
    assert body["error"] is None and body["fetched_at"] and body["expires_at"]
    assert {m["id"] for m in body["models"]} == {m["id"] for m in LISTING["data"]}
    assert all(set(m) == RECORD_KEYS for m in body["models"])
    assert staff_client.get(_models_url(provider)).json()["source"] == "cache"
    assert len(upstream.calls) == 1
    summary = staff_client.get(f"{API}providers/{provider.pk}").json()["model_cache"]
    assert summary["fetched_at"] and summary["last_error_code"] is None


def test_get_models_filters(staff_client, upstream, provider):
    upstream.get(GROQ_MODELS, json=LISTING)
    staff_client.get(_models_url(provider))
    ProviderModel.objects.filter(provider=provider, model_id="llama-3.3-70b-versatile").update(visible=False)
    hidden = staff_client.get(_models_url(provider) + "?visible=false").json()["models"]
    # Non-chat models start hidden; the admin hid the other one.
    assert [m["id"] for m in hidden] == ["llama-3.3-70b-versatile", "whisper-large-v3"]
    kinds = {m["kind"] for m in staff_client.get(_models_url(provider) + "?kind=chat").json()["models"]}
    assert kinds == {"chat"}
    details = assert_error(staff_client.get(_models_url(provider) + "?kind=banana"), 422, "validation_error")
    assert "kind" in details["fields"]


def test_upstream_failure_without_a_good_list_serves_fallback_with_200(staff_client, upstream, provider):
    upstream.get(GROQ_MODELS, json={"error": {"message": "Invalid API Key"}}, status=401)
    response = staff_client.get(_models_url(provider))
    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "fallback" and body["error"]["code"] == "invalid_credentials"
    assert set(body["error"]) == {"code", "message", "hint"}
    assert body["models"], "the template's fallback list is served"
    assert (
        staff_client.get(f"{API}providers/{provider.pk}").json()["model_cache"]["last_error_code"]
        == "invalid_credentials"
    )


def test_refresh_reports_changes_and_then_stale_on_failure(staff_client, upstream, provider):
    upstream.get(GROQ_MODELS, json=LISTING)
    first = send(staff_client, "POST", _models_url(provider, "refresh-models")).json()
    assert first["source"] == "live"
    assert sorted(first["changes"]["added"]) == sorted(m["id"] for m in LISTING["data"])
    upstream.replace("GET", GROQ_MODELS, json={"object": "list", "data": LISTING["data"][:2]})
    second = send(staff_client, "POST", _models_url(provider, "refresh-models")).json()
    assert second["changes"] == {"added": [], "removed": ["whisper-large-v3"], "changed": []}
    upstream.replace("GET", GROQ_MODELS, status=503, body="down")
    response = send(staff_client, "POST", _models_url(provider, "refresh-models"))
    assert response.status_code == 200
    third = response.json()
    assert third["source"] == "stale" and third["stale"] is True and third["error"]["code"]
    assert third["changes"] == {"added": [], "removed": [], "changed": []}


def test_patch_model_with_slashes_in_its_id(staff_client, upstream, provider):
    upstream.get(GROQ_MODELS, json=LISTING)
    staff_client.get(_models_url(provider))
    url = _models_url(provider, "models/meta-llama/Llama-3.3-70B")
    response = send(staff_client, "PATCH", url, {"visible": False, "overrides": {"display_name": "Llama (EU)"}})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == "meta-llama/Llama-3.3-70B" and body["visible"] is False
    assert body["display_name"] == "Llama (EU)" and body["overrides"] == {"display_name": "Llama (EU)"}
    # Omitted keeps; null clears the overrides.
    body = send(staff_client, "PATCH", url, {"overrides": None}).json()
    assert body["visible"] is False and body["overrides"] == {}
    assert send(staff_client, "PATCH", url, {"visible": True}).json()["visible"] is True


def test_patch_model_errors(staff_client, upstream, provider):
    upstream.get(GROQ_MODELS, json=LISTING)
    staff_client.get(_models_url(provider))
    assert_error(send(staff_client, "PATCH", _models_url(provider, "models/accounts/x/models/y"), {}), 404, "not_found")
    url = _models_url(provider, "models/llama-3.3-70b-versatile")
    details = assert_error(send(staff_client, "PATCH", url, {"overrides": {"pricing": 1}}), 422, "validation_error")
    assert "pricing" in details["fields"]
    details = assert_error(send(staff_client, "PATCH", url, {"visible": "maybe"}), 422, "validation_error")
    assert "visible" in details["fields"]


def test_add_manual_model(staff_client, provider):
    response = send(staff_client, "POST", _models_url(provider), {"model_id": "accounts/fireworks/models/x"})
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "manual" and response.json()["visible"] is True
    url = _models_url(provider, "models/accounts/fireworks/models/x")
    assert send(staff_client, "PATCH", url, {"visible": False}).status_code == 200


@pytest.mark.parametrize("model_id", ["", "has space", "tab\tinside", "x" * 257, "dup/model"])
def test_add_manual_model_is_validated(staff_client, provider, model_id):
    send(staff_client, "POST", _models_url(provider), {"model_id": "dup/model"})
    details = assert_error(
        send(staff_client, "POST", _models_url(provider), {"model_id": model_id}), 422, "validation_error"
    )
    assert details["fields"]["model_id"]


def test_models_of_unknown_provider_are_404(staff_client):
    assert_error(staff_client.get(f"{API}providers/424242/models"), 404, "not_found")
    assert_error(send(staff_client, "POST", f"{API}providers/424242/refresh-models"), 404, "not_found")


def test_metrics_count_cache_hits(staff_client, upstream, provider):
    upstream.get(GROQ_MODELS, json=LISTING)
    staff_client.get(_models_url(provider))
    staff_client.get(_models_url(provider))
    body = staff_client.get(API + "metrics").json()
    stats = body["providers"][str(provider.pk)]
    assert stats["hits"] == 1 and stats["misses"] == 1 and stats["upstream_calls"] == 1
    assert body["totals"]["hit_rate"] == 0.5
