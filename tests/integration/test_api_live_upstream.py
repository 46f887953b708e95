"""The admin API against a real local HTTP server that answers like Groq (tests/fakes/upstream.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api_support import API, SENTINEL_KEY, bearer, send
from tests.fakes.upstream import FakeUpstream

pytestmark = pytest.mark.integration


@pytest.fixture
def groq():
    with FakeUpstream.provider("groq", api_key=SENTINEL_KEY) as fake:
        yield fake


def test_wizard_then_provider_lifecycle(groq, staff_user, settings):
    settings.LLM_PROVIDERS_MAX_RETRIES = 0
    client, headers = Client(), bearer(staff_user)
    config = {"api_key": SENTINEL_KEY, "api_base": f"{groq.url}/openai/v1"}
    bodies: list[str] = []

    def call(method: str, path: str, body=None, status: int = 200) -> dict:
        response = send(client, method, API + path, body, headers=headers)
        assert response.status_code == status, response.content
        bodies.append(response.content.decode())
        return response.json()

    # Wizard, before saving: discover and test with the typed values.
    discovered = call("POST", "templates/groq/discover-models", {"config": config})
    assert discovered["source"] == "live" and "qwen/qwen3-32b" in {m["id"] for m in discovered["models"]}
    wrong = call("POST", "templates/groq/test", {"config": {**config, "api_key": "gsk_wrong_key_000000000"}})
    assert wrong["ok"] is False and wrong["error"]["code"] == "invalid_credentials"
    tested = call("POST", "templates/groq/test", {"config": config, "model": "qwen/qwen3-32b"})
    assert tested["ok"] is True, tested
    assert [c["name"] for c in tested["checks"]] == ["url_policy", "reachable", "authenticated", "models", "completion"]
    # The completion check went through litellm to the fake's chat endpoint, with the key.
    chat = [r for r in groq.requests if r.path == "/openai/v1/chat/completions"]
    assert len(chat) == 1 and chat[0].json()["model"] == "qwen/qwen3-32b"
    assert chat[0].headers["authorization"] == f"Bearer {SENTINEL_KEY}"

    created = call("POST", "providers", {"name": "Groq", "template_id": "groq", "config": config}, status=201)
    pid = created["id"]
    models = call("GET", f"providers/{pid}/models")
    assert models["source"] == "live"
    assert call("GET", f"providers/{pid}/models")["source"] == "cache"
    assert groq.calls("/openai/v1/models") == 4  # discover, 2 tests, first read
    assert all(r.headers.get("authorization") == f"Bearer {SENTINEL_KEY}" for r in groq.requests[-1:])

    # The provider goes down: the last good list is served, marked stale, still 200.
    groq.stop()
    down = call("POST", f"providers/{pid}/refresh-models")
    assert down["source"] == "stale" and down["error"]["code"] == "unreachable" and down["models"]
    assert call("POST", f"providers/{pid}/test")["ok"] is False
    groq.start()
    assert call("POST", f"providers/{pid}/refresh-models")["source"] == "live"

    for body in bodies:
        assert SENTINEL_KEY[4:12] not in body
