"""Fetchers against mocked HTTP (`responses`): URLs, auth per style, pagination, Ollama merge, SigV4, enrichment."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import responses
from responses import matchers

from llm_providers.catalog.schema import ProviderTemplate
from llm_providers.discovery import fetchers
from llm_providers.discovery.fetchers import fallback_models, fetch_models
from llm_providers.exceptions import ConfigValidationError, ParseError, UpstreamError


def make_template(
    *,
    format: str,
    auth: str,
    endpoint: str,
    api_base: str | None,
    litellm_provider: str = "openai",
    extra_fields: list[dict[str, Any]] | None = None,
    fallback: list[dict[str, Any]] | None = None,
    category: str = "custom",
) -> ProviderTemplate:
    fields = [
        {"name": "api_base", "label": "Base URL", "type": "url", "default": api_base},
        {"name": "api_key", "label": "API key", "type": "password", "secret": True},
        *(extra_fields or []),
    ]
    return ProviderTemplate.model_validate(
        {
            "id": "test_provider",
            "name": "Test Provider",
            "description": "A provider for tests.",
            "category": category,
            "setup_difficulty": "easy",
            "litellm_provider": litellm_provider,
            "config_schema": fields,
            "model_fetching": {"supported": True, "format": format, "endpoint": endpoint, "auth": auth},
            "fallback_models": fallback or [{"id": "fallback-model"}],
        }
    )


GROQ = make_template(
    format="openai",
    auth="bearer",
    endpoint="/models",
    api_base="https://api.groq.com/openai/v1",
    litellm_provider="groq",
)


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


# --- bearer / URL building / enrichment ---------------------------------------------------------


def test_bearer_request_parses_and_enriches(rsps):
    rsps.get(
        "https://api.groq.com/openai/v1/models",
        json={
            "object": "list",
            "data": [
                {"id": "openai/gpt-oss-120b", "object": "model", "owned_by": "OpenAI"},  # no metadata in the API
                {"id": "qwen/qwen3-32b", "object": "model", "active": True, "context_window": 131072},
            ],
        },
        match=[matchers.header_matcher({"Authorization": "Bearer gsk_secret_0001"})],
    )
    records = {r.id: r for r in fetch_models(GROQ, {}, {"api_key": "gsk_secret_0001"})}
    gpt = records["openai/gpt-oss-120b"]
    # Filled from litellm's catalog (groq/openai/gpt-oss-120b).
    assert gpt.context_window == 131072
    assert gpt.max_output_tokens == 65536
    assert gpt.pricing == {"input": 0.15, "output": 0.6}
    assert gpt.source == "api"
    assert records["qwen/qwen3-32b"].context_window == 131072


def test_api_base_setting_overrides_the_default_without_double_slashes(rsps):
    rsps.get("https://proxy.example.com/groq/v1/models", json={"data": [{"id": "m"}]})
    records = fetch_models(GROQ, {"api_base": "https://proxy.example.com/groq/v1/"}, {"api_key": "gsk_secret_0001"})
    assert [r.id for r in records] == ["m"]
    assert rsps.calls[0].request.url == "https://proxy.example.com/groq/v1/models"


def test_missing_required_key_fails_without_a_request(rsps):
    with pytest.raises(UpstreamError) as excinfo:
        fetch_models(GROQ, {}, {})
    assert excinfo.value.code == "invalid_credentials"
    assert len(rsps.calls) == 0


@pytest.mark.parametrize(("secrets", "expected"), [({}, None), ({"api_key": "lm-token-123"}, "Bearer lm-token-123")])
def test_optional_bearer(rsps, secrets, expected):
    template = make_template(
        format="openai", auth="optional_bearer", endpoint="/models", api_base="http://10.0.0.5:1234/v1"
    )
    rsps.get("http://10.0.0.5:1234/v1/models", json={"object": "list", "data": [{"id": "qwen/qwen3.5-9b"}]})
    fetch_models(template, {}, secrets)
    assert rsps.calls[0].request.headers.get("Authorization") == expected


def test_upstream_errors_propagate(rsps):
    rsps.get(
        "https://api.groq.com/openai/v1/models",
        status=401,
        json={"error": {"message": "Invalid API Key", "type": "invalid_request_error", "code": "invalid_api_key"}},
    )
    with pytest.raises(UpstreamError) as excinfo:
        fetch_models(GROQ, {}, {"api_key": "gsk_secret_0001"})
    assert excinfo.value.code == "invalid_credentials"


def test_html_answer_is_a_parse_error(rsps):
    rsps.get(
        "https://api.groq.com/openai/v1/models", body="<html><body>Welcome</body></html>", content_type="text/html"
    )
    with pytest.raises(ParseError):
        fetch_models(GROQ, {}, {"api_key": "gsk_secret_0001"})


def test_template_without_list_endpoint_is_a_programming_error():
    template = ProviderTemplate.model_validate(
        {
            "id": "perplexity",
            "name": "Perplexity",
            "description": "No list endpoint.",
            "category": "popular_cloud",
            "setup_difficulty": "easy",
            "litellm_provider": "perplexity",
            "config_schema": [{"name": "api_base", "label": "Base URL", "type": "url"}],
            "model_fetching": {"supported": False},
        }
    )
    with pytest.raises(ValueError):
        fetch_models(template, {}, {"api_key": "pplx-123"})


# --- anthropic: x-api-key + after_id pages -------------------------------------------------------

ANTHROPIC = make_template(
    format="anthropic",
    auth="x_api_key",
    endpoint="/v1/models",
    api_base="https://api.anthropic.com",
    litellm_provider="anthropic",
)


def test_anthropic_headers_and_after_id_pagination(rsps):
    url = "https://api.anthropic.com/v1/models"
    headers = matchers.header_matcher({"x-api-key": "sk-ant-secret-1", "anthropic-version": "2023-06-01"})
    rsps.get(
        url,
        json={
            "data": [{"type": "model", "id": "claude-opus-4-6", "display_name": "Claude Opus 4.6"}],
            "has_more": True,
            "first_id": "claude-opus-4-6",
            "last_id": "claude-opus-4-6",
        },
        match=[headers, matchers.query_param_matcher({"limit": "1000"})],
    )
    rsps.get(
        url,
        json={
            "data": [{"type": "model", "id": "claude-sonnet-4-5", "display_name": "Claude Sonnet 4.5"}],
            "has_more": False,
            "first_id": "claude-sonnet-4-5",
            "last_id": "claude-sonnet-4-5",
        },
        match=[headers, matchers.query_param_matcher({"limit": "1000", "after_id": "claude-opus-4-6"})],
    )
    records = fetch_models(ANTHROPIC, {}, {"api_key": "sk-ant-secret-1"})
    assert [r.id for r in records] == ["claude-opus-4-6", "claude-sonnet-4-5"]
    assert len(rsps.calls) == 2
    assert "Authorization" not in rsps.calls[0].request.headers


# --- gemini: x-goog-api-key header + pageToken ----------------------------------------------------

GEMINI = make_template(
    format="gemini",
    auth="google_api_key",
    endpoint="/v1beta/models",
    api_base="https://generativelanguage.googleapis.com",
    litellm_provider="gemini",
)


def test_gemini_key_in_header_never_in_url_and_page_token(rsps):
    key = "AIzaSyD-secret-key-123456"
    url = "https://generativelanguage.googleapis.com/v1beta/models"
    rsps.get(
        url,
        json={
            "models": [{"name": "models/gemini-2.5-flash", "supportedGenerationMethods": ["generateContent"]}],
            "nextPageToken": "page-2/+token=",
        },
        match=[matchers.header_matcher({"x-goog-api-key": key}), matchers.query_param_matcher({"pageSize": "1000"})],
    )
    rsps.get(
        url,
        json={"models": [{"name": "models/gemini-embedding-001", "supportedGenerationMethods": ["embedContent"]}]},
        match=[matchers.query_param_matcher({"pageSize": "1000", "pageToken": "page-2/+token="})],
    )
    records = fetch_models(GEMINI, {}, {"api_key": key})
    assert [(r.id, r.kind) for r in records] == [("gemini-2.5-flash", "chat"), ("gemini-embedding-001", "embedding")]
    for call in rsps.calls:
        assert key not in call.request.url
        assert "key=" not in call.request.url
    # Enriched from the catalog: the API body carried no limits.
    assert records[0].context_window == 1048576


# --- cohere: bearer + next_page_token -------------------------------------------------------------


def test_cohere_page_token(rsps):
    template = make_template(
        format="cohere",
        auth="bearer",
        endpoint="/v1/models",
        api_base="https://api.cohere.com",
        litellm_provider="cohere",
    )
    url = "https://api.cohere.com/v1/models"
    rsps.get(
        url,
        json={"models": [{"name": "command-a-03-2025", "endpoints": ["chat"]}], "next_page_token": "t2"},
        match=[
            matchers.header_matcher({"Authorization": "Bearer co-secret-1234"}),
            matchers.query_param_matcher({"page_size": "1000"}),
        ],
    )
    rsps.get(
        url,
        json={"models": [{"name": "embed-v4.0", "endpoints": ["embed"]}], "next_page_token": None},
        match=[matchers.query_param_matcher({"page_size": "1000", "page_token": "t2"})],
    )
    records = fetch_models(template, {}, {"api_key": "co-secret-1234"})
    assert [(r.id, r.kind) for r in records] == [("command-a-03-2025", "chat"), ("embed-v4.0", "embedding")]
    assert records[0].context_window == 256000  # from the catalog (cohere_chat entry)


# --- pagination limits ---------------------------------------------------------------------------


def test_page_cap_against_a_server_that_never_stops(rsps):
    counter = {"n": 0}

    def endless(request):
        counter["n"] += 1
        body = {"models": [{"name": f"models/m-{counter['n']}"}], "nextPageToken": f"token-{counter['n']}"}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    rsps.add_callback(
        responses.GET, re.compile(r"https://generativelanguage\.googleapis\.com/v1beta/models.*"), endless
    )
    records = fetch_models(GEMINI, {}, {"api_key": "AIza-secret-key-123"})
    assert len(rsps.calls) == fetchers.MAX_PAGES == 20
    assert len(records) == 20


def test_repeated_cursor_stops_paging(rsps):
    rsps.get(
        re.compile(r"https://api\.cohere\.com/v1/models.*"),
        json={"models": [{"name": "command-r", "endpoints": ["chat"]}], "next_page_token": "same"},
    )
    template = make_template(format="cohere", auth="bearer", endpoint="/v1/models", api_base="https://api.cohere.com")
    records = fetch_models(template, {}, {"api_key": "co-secret-1234"})
    assert [r.id for r in records] == ["command-r"]
    assert len(rsps.calls) == 2  # the first page, then the page for "same", which repeats it


def test_model_count_cap(rsps, monkeypatch):
    monkeypatch.setattr(fetchers, "MAX_MODELS", 3)
    rsps.get("https://api.groq.com/openai/v1/models", json={"data": [{"id": f"m{i}"} for i in range(10)]})
    records = fetch_models(GROQ, {}, {"api_key": "gsk_secret_0001"})
    assert [r.id for r in records] == ["m0", "m1", "m2"]


# --- ollama: /api/tags + /api/show ---------------------------------------------------------------

OLLAMA = make_template(
    format="ollama",
    auth="optional_bearer",
    endpoint="/api/tags",
    api_base="http://localhost:11434",
    litellm_provider="ollama_chat",
)


def test_ollama_tags_and_show_merge_with_one_failure(rsps):
    rsps.get(
        "http://localhost:11434/api/tags",
        json={
            "models": [
                {"name": "gemma3:4b", "model": "gemma3:4b", "details": {"family": "gemma3"}},
                {"name": "broken:latest", "model": "broken:latest", "details": {"family": "llama"}},
                {"name": "nomic-embed-text:latest", "details": {"family": "nomic-bert"}},
            ]
        },
    )
    show = "http://localhost:11434/api/show"
    rsps.post(
        show,
        json={
            "model_info": {"general.architecture": "gemma3", "gemma3.context_length": 131072},
            "capabilities": ["completion", "vision"],
        },
        match=[matchers.json_params_matcher({"model": "gemma3:4b"})],
    )
    rsps.post(
        show,
        status=500,
        json={"error": "failed to load model"},
        match=[matchers.json_params_matcher({"model": "broken:latest"})],
    )
    rsps.post(
        show,
        json={
            "model_info": {"general.architecture": "nomic-bert", "nomic-bert.context_length": 2048},
            "capabilities": ["embedding"],
        },
        match=[matchers.json_params_matcher({"model": "nomic-embed-text:latest"})],
    )
    records = fetch_models(OLLAMA, {}, {})
    assert [r.id for r in records] == ["gemma3:4b", "broken:latest", "nomic-embed-text:latest"]
    gemma, broken, nomic = records
    assert (gemma.context_window, gemma.capabilities, gemma.kind) == (131072, ["vision"], "chat")
    assert broken.context_window is None and broken.capabilities == []
    assert (nomic.kind, nomic.context_window) == ("embedding", 2048)
    assert all("Authorization" not in call.request.headers for call in rsps.calls)


# --- azure: api-key + api-version ----------------------------------------------------------------


def test_azure_api_key_header_and_api_version(rsps):
    template = make_template(
        format="azure_openai",
        auth="azure_api_key",
        endpoint="/openai/models",
        api_base=None,
        litellm_provider="azure",
        extra_fields=[{"name": "api_version", "label": "API version", "type": "text", "default": "2024-10-21"}],
    )
    rsps.get(
        "https://acme.openai.azure.com/openai/models",
        json={"data": [{"id": "gpt-4o", "status": "succeeded", "capabilities": {"chat_completion": True}}]},
        match=[
            matchers.header_matcher({"api-key": "azure-secret-1"}),
            matchers.query_param_matcher({"api-version": "2024-10-21"}),
        ],
    )
    records = fetch_models(template, {"api_base": "https://acme.openai.azure.com"}, {"api_key": "azure-secret-1"})
    assert [r.id for r in records] == ["gpt-4o"]
    assert records[0].deprecation_date == "2027-04-14"  # from the catalog's azure/gpt-4o


def test_missing_base_url_is_a_config_error(rsps):
    template = make_template(format="openai", auth="optional_bearer", endpoint="/models", api_base=None)
    with pytest.raises(ConfigValidationError) as excinfo:
        fetch_models(template, {}, {})
    assert "api_base" in excinfo.value.fields


# --- bedrock: SigV4 or Bearer ---------------------------------------------------------------------

BEDROCK = make_template(
    format="bedrock",
    auth="aws_sigv4",
    endpoint="/foundation-models",
    api_base=None,
    litellm_provider="bedrock",
    extra_fields=[
        {"name": "aws_region_name", "label": "Region", "type": "text", "default": "us-east-1"},
        {"name": "aws_access_key_id", "label": "Access key", "type": "password", "secret": True},
        {"name": "aws_secret_access_key", "label": "Secret key", "type": "password", "secret": True},
        {"name": "aws_session_token", "label": "Session token", "type": "password", "secret": True},
    ],
)
BEDROCK_BODY = {
    "modelSummaries": [
        {
            "modelId": "anthropic.claude-3-5-sonnet-20240620-v1:0",
            "modelName": "Claude 3.5 Sonnet",
            "providerName": "Anthropic",
            "inputModalities": ["TEXT", "IMAGE"],
            "outputModalities": ["TEXT"],
            "inferenceTypesSupported": ["ON_DEMAND"],
            "modelLifecycle": {"status": "ACTIVE"},
        },
        {
            "modelId": "amazon.titan-embed-text-v2:0",
            "modelName": "Titan Text Embeddings V2",
            "outputModalities": ["EMBEDDING"],
            "inferenceTypesSupported": ["ON_DEMAND"],
        },
    ]
}


def test_bedrock_request_is_sigv4_signed(rsps):
    rsps.get("https://bedrock.eu-west-1.amazonaws.com/foundation-models", json=BEDROCK_BODY)
    secrets = {
        "aws_access_key_id": "AKIAIOSFODNN7EXAMPLE",
        "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "aws_session_token": "session-token-abc",
    }
    records = fetch_models(BEDROCK, {"aws_region_name": "eu-west-1"}, secrets)
    headers = rsps.calls[0].request.headers
    authorization = headers["Authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/")
    assert "/eu-west-1/bedrock/aws4_request" in authorization
    assert re.search(r"SignedHeaders=[a-z;-]*host", authorization)
    assert re.search(r"Signature=[0-9a-f]{64}$", authorization)
    assert re.fullmatch(r"\d{8}T\d{6}Z", headers["X-Amz-Date"])
    assert headers["X-Amz-Security-Token"] == "session-token-abc"
    assert secrets["aws_secret_access_key"] not in authorization
    found = {r.id: r for r in records}
    sonnet = found["anthropic.claude-3-5-sonnet-20240620-v1:0"]
    assert (sonnet.kind, sonnet.capabilities, sonnet.context_window) == ("chat", ["vision"], 200000)
    assert found["amazon.titan-embed-text-v2:0"].kind == "embedding"


def test_bedrock_api_key_uses_bearer(rsps):
    rsps.get(
        "https://bedrock.us-east-1.amazonaws.com/foundation-models",
        json=BEDROCK_BODY,
        match=[matchers.header_matcher({"Authorization": "Bearer bedrock-api-key-1"})],
    )
    assert len(fetch_models(BEDROCK, {}, {"api_key": "bedrock-api-key-1"})) == 2


def test_bedrock_region_cannot_inject_a_host(rsps):
    with pytest.raises(ConfigValidationError):
        fetch_models(BEDROCK, {"aws_region_name": "evil.example.com/x"}, {"api_key": "bedrock-api-key-1"})
    assert len(rsps.calls) == 0


def test_bedrock_without_credentials(rsps):
    with pytest.raises(UpstreamError) as excinfo:
        fetch_models(BEDROCK, {}, {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE"})
    assert excinfo.value.code == "invalid_credentials"


# --- fallback ------------------------------------------------------------------------------------


def test_fallback_models_merge_template_and_catalog():
    template = make_template(
        format="openai",
        auth="bearer",
        endpoint="/models",
        api_base="https://api.groq.com/openai/v1",
        litellm_provider="groq",
        category="popular_cloud",
        fallback=[
            {"id": "openai/gpt-oss-120b", "display_name": "GPT-OSS 120B"},
            {"id": "llama-3.3-70b-versatile", "display_name": "Llama 3.3 70B", "context_window": 131072},
        ],
    )
    records = fallback_models(template)
    ids = [r.id for r in records]
    assert ids[:2] == ["openai/gpt-oss-120b", "llama-3.3-70b-versatile"]
    assert len(ids) == len(set(ids))
    first = records[0]
    assert (first.source, first.display_name, first.context_window) == ("fallback", "GPT-OSS 120B", 131072)
    catalog_only = {r.id: r for r in records[2:]}
    assert "whisper-large-v3" in catalog_only
    assert catalog_only["whisper-large-v3"].source == "catalog"
    assert catalog_only["whisper-large-v3"].kind == "audio"


def test_fallback_for_self_hosted_servers_is_the_template_list_only():
    from llm_providers.catalog.loader import get_template
    from llm_providers.discovery.fetchers import fallback_models

    for template_id in ("localai", "openai_compatible", "vllm"):
        template = get_template(template_id)
        assert [r.id for r in fallback_models(template)] == [m.id for m in template.fallback_models]
    groq = get_template("groq")
    assert len(fallback_models(groq)) > len(groq.fallback_models)  # cloud: plus litellm's catalog
