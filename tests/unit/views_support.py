"""Helpers shared by the HTML view tests (plain functions and constants; shared fixtures live in conftest.py)."""

from __future__ import annotations

from typing import Any

from django.test import Client

UI = "/llm-providers/"
SENTINEL_KEY = "gsk_SENTINEL_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
# The parts of the key a leak could show: the whole key, its distinctive middle, the Fernet-free raw value.
SENTINEL_FRAGMENTS = (SENTINEL_KEY, SENTINEL_KEY[4:20], "9f8e7d6c5b4a3928")
# An IP literal (no DNS pre-flight); `responses` answers in place of the closed port.
DEAD_BASE = "http://127.0.0.1:9/openai/v1"
GROQ_MODELS_URL = f"{DEAD_BASE}/models"
XSS = "<img src=x onerror=alert(1)>"
HTMX = {"HX-Request": "true"}


def htmx(target: str) -> dict[str, str]:
    return {"HX-Request": "true", "HX-Target": target}


def logged_in(user: Any, *, enforce_csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client


def listing(*ids: str) -> dict[str, Any]:
    """An OpenAI-shaped /models answer."""
    return {"object": "list", "data": [{"id": model_id, "object": "model", "owned_by": "test"} for model_id in ids]}


def assert_no_secret(content: bytes) -> None:
    text = content.decode()
    for fragment in SENTINEL_FRAGMENTS:
        assert fragment not in text, f"secret fragment {fragment!r} leaked"


def assert_full_page(response: Any) -> None:
    assert response.status_code == 200, response.content[:800]
    assert b"<html" in response.content


def assert_partial(response: Any) -> None:
    assert response.status_code == 200, response.content[:800]
    assert b"<html" not in response.content and b"<body" not in response.content
