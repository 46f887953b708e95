"""GET templates and GET templates/{template_id}."""

from __future__ import annotations

import pytest
from django.test import Client

from llm_providers.catalog.loader import all_templates
from tests.api_support import API, assert_error, bearer, send


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture
def headers(staff_user) -> dict[str, str]:
    return bearer(staff_user)


def test_list_in_catalog_order(client, headers):
    body = client.get(API + "templates", headers=headers).json()
    assert [t["id"] for t in body] == [t.id for t in all_templates()]
    groq = next(t for t in body if t["id"] == "groq")
    assert groq["supports_model_listing"] is True and groq["category"] == "popular_cloud"
    assert "config_schema" not in groq  # the list is a summary


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=GROQ", {"groq"}),
        ("q=lpu", {"groq"}),  # matches the description
        ("category=local&difficulty=easy", None),
    ],
)
def test_filters(client, headers, query, expected):
    body = client.get(f"{API}templates?{query}", headers=headers).json()
    ids = {t["id"] for t in body}
    if expected is not None:
        assert ids == expected
    else:
        assert ids and all(t["category"] == "local" and t["setup_difficulty"] == "easy" for t in body)


def test_invalid_filter_is_422(client, headers):
    details = assert_error(client.get(API + "templates?category=space", headers=headers), 422, "validation_error")
    assert "category" in details["fields"]


def test_detail_has_the_config_schema(client, headers):
    body = client.get(API + "templates/groq", headers=headers).json()
    api_key = next(f for f in body["config_schema"] if f["name"] == "api_key")
    assert api_key["secret"] is True and api_key["pattern_message"] == "Groq keys start with gsk_"
    assert body["model_fetching"]["format"] == "openai" and body["fallback_models"]


def test_unknown_template_is_404(client, headers):
    assert_error(client.get(API + "templates/nope", headers=headers), 404, "not_found")


def test_missing_body_is_reported_on_body(client, headers):
    details = assert_error(send(client, "POST", API + "templates/groq/test", headers=headers), 422, "validation_error")
    assert details["fields"] == {"body": ["Field required"]}
