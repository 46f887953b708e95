"""Helpers shared by the admin API and command tests (plain functions, not fixtures)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.test import Client

if TYPE_CHECKING:
    from tests.fakes.upstream import FakeUpstream, RecordedRequest

API = "/api/admin/llm/"
SENTINEL_KEY = "gsk_SENTINEL_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
# A closed local port: any outbound call fails at once with "connection refused", no DNS.
DEAD_BASE = "http://127.0.0.1:9/openai/v1"


def chat_requests(fake: FakeUpstream) -> list[RecordedRequest]:
    """The chat-completion requests `fake` received (what litellm's one-token check sent)."""
    return [r for r in fake.requests if r.method == "POST" and r.path.endswith("/chat/completions")]


class ChatModels:
    """A live view of the model names `fake` was asked to complete, in order; compares equal to a list."""

    def __init__(self, fake: FakeUpstream) -> None:
        self._fake = fake

    def _models(self) -> list[str]:
        return [r.json()["model"] for r in chat_requests(self._fake)]

    def __eq__(self, other: object) -> bool:
        return self._models() == other

    __hash__ = None  # type: ignore[assignment]

    def __iter__(self) -> Iterator[str]:
        return iter(self._models())

    def __len__(self) -> int:
        return len(self._models())

    def __repr__(self) -> str:
        return repr(self._models())


def bearer(user: Any) -> dict[str, str]:
    """Headers for the Django test client authenticating `user` with a fresh API token."""
    from llm_providers.api.tokens import create_token

    _, raw = create_token(user, name="test")
    return {"Authorization": f"Bearer {raw}"}


def session_client(user: Any, *, enforce_csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client


def send(client: Client, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
    """Any method with an optional JSON body."""
    data = json.dumps(body) if body is not None else ""
    return client.generic(method, path, data=data, content_type="application/json", **kwargs)


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """Assert the error envelope; returns its `details`."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]
    return body["error"]["details"]
