"""Connection tests and wizard discovery over the API.

The model list is mocked with `responses` (requests); the one-token completion really goes through litellm
(httpx) to a local FakeUpstream serving the same base URL.
"""

from __future__ import annotations

import pytest

from tests.api_support import API, SENTINEL_KEY, assert_error, chat_requests, send

LISTING = {"object": "list", "data": [{"id": "llama-3.3-70b-versatile", "object": "model"}]}
CHECK_NAMES = ["url_policy", "reachable", "authenticated", "models", "completion"]
# Some providers echo the key they refused; the answer must never reach the API client.
ECHOING_401 = {"error": {"message": f"Incorrect API key provided: {SENTINEL_KEY}"}}
# OpenAI's and Groq's answer for an unknown model on the chat endpoint.
MODEL_NOT_FOUND = {
    "error": {
        "message": "The model `nope` does not exist or you do not have access to it.",
        "type": "invalid_request_error",
        "code": "model_not_found",
    }
}


@pytest.fixture
def models_url(fake_base) -> str:
    return f"{fake_base}/models"  # answered by `responses`; the fake only sees the completions


@pytest.fixture
def config(fake_base) -> dict[str, str]:
    return {"api_key": SENTINEL_KEY, "api_base": fake_base}


def test_provider_test_passes(staff_client, upstream, completions, make_provider, models_url, config, fake_upstream):
    upstream.get(models_url, json=LISTING)
    provider = make_provider(config=config)
    response = send(staff_client, "POST", f"{API}providers/{provider.pk}/test", {"model": "llama-3.3-70b-versatile"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"ok", "latency_ms", "checks", "error"}
    assert body["ok"] is True and body["error"] is None and body["latency_ms"] >= 0
    assert [c["name"] for c in body["checks"]] == CHECK_NAMES
    assert all({"name", "ok", "detail", "latency_ms"} <= set(c) for c in body["checks"])
    assert completions == ["llama-3.3-70b-versatile"]
    assert SENTINEL_KEY[4:12] not in response.content.decode()
    assert [r.headers["authorization"] for r in chat_requests(fake_upstream)] == [f"Bearer {SENTINEL_KEY}"]


def test_provider_test_without_body_uses_the_default_model(
    staff_client, upstream, completions, make_provider, models_url, config
):
    upstream.get(models_url, json=LISTING)
    provider = make_provider(config=config, default_model="llama-3.3-70b-versatile")
    assert send(staff_client, "POST", f"{API}providers/{provider.pk}/test").json()["ok"] is True
    assert completions == ["llama-3.3-70b-versatile"]


def test_provider_test_failure_is_200_with_error_and_no_key(
    staff_client, upstream, completions, make_provider, models_url, config
):
    upstream.get(models_url, json=ECHOING_401, status=401)
    provider = make_provider(config=config)
    response = send(staff_client, "POST", f"{API}providers/{provider.pk}/test")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False and body["error"]["code"] == "invalid_credentials"
    failed = next(c for c in body["checks"] if not c["ok"])
    assert failed["name"] == "authenticated"
    assert SENTINEL_KEY[4:12] not in response.content.decode()
    assert completions == []


def test_completion_failure_is_reported(
    staff_client, upstream, completions, make_provider, models_url, config, fake_upstream
):
    upstream.get(models_url, json=LISTING)
    fake_upstream.set("/openai/v1/chat/completions", status=404, json=MODEL_NOT_FOUND, method="POST")
    provider = make_provider(config=config)
    response = send(staff_client, "POST", f"{API}providers/{provider.pk}/test", {"model": "nope"})
    body = response.json()
    assert body["ok"] is False and body["error"]["code"] == "not_found"
    assert body["checks"][-1]["name"] == "completion" and body["checks"][-1]["ok"] is False
    assert completions == ["nope"]  # the refusal came from the provider, through litellm
    assert SENTINEL_KEY[4:12] not in response.content.decode()
    assert [r.headers["authorization"] for r in chat_requests(fake_upstream)] == [f"Bearer {SENTINEL_KEY}"]


def test_template_test_before_saving(staff_client, upstream, completions, models_url, config, fake_upstream):
    upstream.get(models_url, json=LISTING)
    response = send(staff_client, "POST", f"{API}templates/groq/test", {"config": config})
    assert response.status_code == 200, response.content
    assert response.json()["ok"] is True
    assert completions == ["openai/gpt-oss-120b"]  # the template's default model
    assert SENTINEL_KEY[4:12] not in response.content.decode()
    assert [r.headers["authorization"] for r in chat_requests(fake_upstream)] == [f"Bearer {SENTINEL_KEY}"]


def test_template_test_validates_config(staff_client):
    details = assert_error(
        send(staff_client, "POST", f"{API}templates/groq/test", {"config": {"api_key": "nope"}}),
        422,
        "validation_error",
    )
    assert details["fields"] == {"api_key": ["Groq keys start with gsk_"]}
    assert_error(send(staff_client, "POST", f"{API}templates/nope/test", {"config": {}}), 404, "not_found")


def test_discover_models_live(staff_client, upstream, models_url, config):
    upstream.get(models_url, json=LISTING)
    response = send(staff_client, "POST", f"{API}templates/groq/discover-models", {"config": config})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["provider_id"] is None and body["source"] == "live" and body["error"] is None
    assert [m["id"] for m in body["models"]] == ["llama-3.3-70b-versatile"]


def test_discover_models_failure_falls_back_and_never_echoes_the_key(staff_client, upstream, models_url, config):
    upstream.get(models_url, json=ECHOING_401, status=401)
    response = send(staff_client, "POST", f"{API}templates/groq/discover-models", {"config": config})
    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "fallback" and body["error"]["code"] == "invalid_credentials" and body["models"]
    assert SENTINEL_KEY[4:12] not in response.content.decode()


def test_discover_models_refuses_a_bad_base_url(staff_client):
    body = {"config": {"api_key": SENTINEL_KEY, "api_base": "http://169.254.169.254/latest"}}
    details = assert_error(
        send(staff_client, "POST", f"{API}templates/groq/discover-models", body), 422, "validation_error"
    )
    assert "api_base" in details["fields"]
    assert_error(send(staff_client, "POST", f"{API}templates/nope/discover-models", {}), 404, "not_found")
