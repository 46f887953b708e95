"""Cache semantics of the model-list service, with upstream HTTP mocked by `responses`."""

from datetime import timedelta

import pytest
import responses
from django.utils import timezone

from llm_providers import metrics
from llm_providers.catalog.loader import get_template
from llm_providers.exceptions import ConfigValidationError
from llm_providers.models import ModelFetchState, ProviderModel
from llm_providers.services import discovery

pytestmark = pytest.mark.django_db
GROQ_URL = "https://api.groq.com/openai/v1/models"


def groq_body(*ids, context=131072):
    return {
        "object": "list",
        "data": [
            {"id": i, "object": "model", "created": 1748396646, "owned_by": "Meta", "active": True,
             "context_window": context, "max_completion_tokens": 8192}
            for i in ids
        ],
    }  # fmt: skip


def expire(provider):
    ModelFetchState.objects.filter(provider=provider).update(expires_at=timezone.now() - timedelta(seconds=1))
    provider.refresh_from_db()


@pytest.fixture
def groq(make_provider):
    return make_provider()


@responses.activate
def test_first_read_fetches_live_then_serves_from_cache(groq):
    responses.get(GROQ_URL, json=groq_body("llama-3.3-70b-versatile", "whisper-large-v3"))
    first = discovery.get_models(groq)
    assert first.source == "live" and first.error is None and not first.stale
    assert {m["id"] for m in first.models} == {"llama-3.3-70b-versatile", "whisper-large-v3"}
    kinds = {m["id"]: m["kind"] for m in first.models}
    assert kinds == {"llama-3.3-70b-versatile": "chat", "whisper-large-v3": "audio"}
    assert first.expires_at - first.fetched_at == timedelta(seconds=3600)
    groq.refresh_from_db()
    second = discovery.get_models(groq)
    assert second.source == "cache"
    assert len(responses.calls) == 1
    assert responses.calls[0].request.headers["Authorization"] == "Bearer gsk_test_secret_key_0001"


@responses.activate
def test_filters_by_kind_and_visibility(groq):
    responses.get(GROQ_URL, json=groq_body("llama-3.3-70b-versatile", "whisper-large-v3"))
    discovery.get_models(groq)
    assert [m["id"] for m in discovery.get_models(groq, kind="audio").models] == ["whisper-large-v3"]
    # New non-chat models start hidden; chat models start visible.
    assert [m["id"] for m in discovery.get_models(groq, visible=True).models] == ["llama-3.3-70b-versatile"]


@responses.activate
def test_expired_list_is_refetched(groq):
    responses.get(GROQ_URL, json=groq_body("a-model"))
    discovery.get_models(groq)
    expire(groq)
    assert discovery.get_models(groq).source == "live"
    assert len(responses.calls) == 2


@responses.activate
def test_upstream_failure_serves_last_good_list_as_stale_and_never_wipes_it(groq):
    responses.get(GROQ_URL, json=groq_body("good-1", "good-2"))
    discovery.get_models(groq)
    for failure in (
        {"status": 500, "json": {"error": {"message": "boom"}}},
        {"status": 200, "body": "<html>maintenance</html>", "content_type": "text/html"},
        {"status": 200, "json": {"unexpected": True}},
    ):
        responses.replace(responses.GET, GROQ_URL, **failure)
        expire(groq)
        result = discovery.get_models(groq)
        assert result.source == "stale" and result.stale
        assert result.error["code"] in {"upstream_error", "bad_response"}
        assert result.error["message"]
        assert {m["id"] for m in result.models} == {"good-1", "good-2"}
    assert ModelFetchState.objects.get(provider=groq).consecutive_failures == 3


@responses.activate
def test_no_good_list_ever_serves_the_fallback_list(groq):
    responses.get(GROQ_URL, status=401, json={"error": {"message": "Invalid API Key", "code": "invalid_api_key"}})
    result = discovery.get_models(groq)
    assert result.source == "fallback"
    assert result.error["code"] == "invalid_credentials"
    fallback_ids = {m.id for m in get_template("groq").fallback_models}
    assert fallback_ids <= {m["id"] for m in result.models}
    assert "gsk_test_secret_key_0001" not in str(result.to_dict())


@responses.activate
def test_fallback_placeholders_are_replaced_by_the_real_list(groq):
    responses.get(GROQ_URL, status=503)
    discovery.get_models(groq)
    responses.replace(responses.GET, GROQ_URL, json=groq_body("only-real-model"))
    result = discovery.refresh_models(groq)
    assert result.source == "live"
    assert [m["id"] for m in result.models] == ["only-real-model"]


@responses.activate
def test_valid_empty_list_is_stored(make_provider):
    provider = make_provider("Ollama", "ollama", {"api_base": "http://localhost:11434"})
    responses.get("http://localhost:11434/api/tags", json={"models": []})
    result = discovery.get_models(provider)
    assert result.source == "live" and result.models == [] and result.error is None
    assert ModelFetchState.objects.get(provider=provider).has_good_list


@responses.activate
def test_refresh_reports_changes_and_keeps_admin_choices(groq):
    responses.get(GROQ_URL, json=groq_body("stays", "goes", "grows"))
    discovery.get_models(groq)
    discovery.update_model(groq, "stays", visible=False, overrides={"display_name": "My name", "context_window": 1000})
    discovery.add_manual_model(groq, "my-finetune")
    body = groq_body("stays", "grows", "arrives")
    body["data"][1]["context_window"] = 262144
    responses.replace(responses.GET, GROQ_URL, json=body)
    result = discovery.refresh_models(groq)
    assert result.changes == {"added": ["arrives"], "removed": ["goes"], "changed": ["grows"]}
    by_id = {m["id"]: m for m in result.models}
    assert by_id["goes"]["missing_since"] is not None  # kept, marked
    assert by_id["stays"]["visible"] is False
    assert by_id["stays"]["display_name"] == "My name" and by_id["stays"]["context_window"] == 1000
    assert by_id["my-finetune"]["source"] == "manual"
    assert by_id["grows"]["context_window"] == 262144
    assert ModelFetchState.objects.get(provider=groq).last_changes == result.changes


@responses.activate
def test_rate_limited_provider_is_not_called_again_before_retry_at(groq):
    responses.get(GROQ_URL, status=429, headers={"Retry-After": "600"}, json={"error": {"message": "slow down"}})
    first = discovery.get_models(groq)
    assert first.error["code"] == "rate_limited"
    calls = len(responses.calls)
    second = discovery.get_models(groq)
    assert second.source == "fallback" and second.error["code"] == "rate_limited"
    assert len(responses.calls) == calls
    assert ModelFetchState.objects.get(provider=groq).retry_at > timezone.now() + timedelta(seconds=500)


@responses.activate
def test_metrics_count_hits_misses_calls_and_failures(groq):
    responses.get(GROQ_URL, json=groq_body("m"))
    discovery.get_models(groq)
    groq.refresh_from_db()
    for _ in range(3):
        discovery.get_models(groq)
    expire(groq)
    responses.replace(responses.GET, GROQ_URL, status=500)
    discovery.get_models(groq)
    stats = metrics.snapshot()["providers"][str(groq.pk)]
    assert stats["hits"] == 3 and stats["misses"] == 2 and stats["upstream_calls"] == 2
    assert stats["failures"] == {"upstream_error": 1}
    assert stats["hit_rate"] == 0.6


def test_provider_without_list_endpoint_serves_its_fallback_list(make_provider):
    provider = make_provider("Perplexity", "perplexity", {"api_key": "pplx-sentinel-0001"})
    result = discovery.get_models(provider)
    assert result.source == "fallback" and result.error is None
    assert {m.id for m in get_template("perplexity").fallback_models} <= {m["id"] for m in result.models}


def test_custom_provider_lists_its_hand_typed_models(make_provider):
    provider = make_provider("Custom", "custom", {"litellm_provider_name": "openai", "model_ids": "m-one\nm-two\n"})
    ids = {m["id"]: m["source"] for m in discovery.get_models(provider).models}
    assert ids["m-one"] == "manual" and ids["m-two"] == "manual"


@pytest.mark.parametrize(
    ("model_id", "message"),
    [("", "Enter a model ID."), ("has space", "cannot contain spaces"), ("x" * 257, "at most 256"),
     ("dup", "already in the list")],
)  # fmt: skip
def test_manual_model_validation(groq, model_id, message):
    discovery.add_manual_model(groq, "dup")
    with pytest.raises(ConfigValidationError) as info:
        discovery.add_manual_model(groq, model_id)
    assert message in info.value.fields["model_id"][0]
    assert ProviderModel.objects.filter(provider=groq).count() == 1


def test_override_validation(groq):
    discovery.add_manual_model(groq, "m")
    with pytest.raises(ConfigValidationError) as info:
        discovery.update_model(groq, "m", overrides={"context_window": -5, "colour": "red"})
    assert set(info.value.fields) == {"context_window", "colour"}


@responses.activate
def test_discover_models_before_saving_writes_nothing():
    responses.get(GROQ_URL, json=groq_body("live-model"))
    result = discovery.discover_models(get_template("groq"), {"api_key": "gsk_unsaved_key_0002"})
    assert result.source == "live" and [m["id"] for m in result.models] == ["live-model"]
    assert ProviderModel.objects.count() == 0


@responses.activate
def test_every_admin_choice_shows_on_the_next_cached_read(groq):
    responses.get(GROQ_URL, json=groq_body("a", "b"))
    discovery.get_models(groq)
    assert discovery.get_models(groq).source == "cache"  # the list is memoized from here on
    discovery.update_model(groq, "a", visible=False)
    discovery.add_manual_model(groq, "c")
    discovery.set_visible_models(groq, {"b"})
    by_id = {m["id"]: m["visible"] for m in discovery.get_models(groq).models}
    assert by_id == {"a": False, "b": True, "c": False}
