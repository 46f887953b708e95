"""Parsers: realistic bodies (from docs/reference provider-apis.md), malformed input, and a property test."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm_providers.discovery import parsers
from llm_providers.discovery.parsers import classify_kind, merge_ollama_show, parse
from llm_providers.discovery.records import KINDS, ModelRecord
from llm_providers.exceptions import ParseError
from tests.fakes.providers import (
    ANTHROPIC_CLAUDE_OPUS_4,
    ANTHROPIC_CLAUDE_OPUS_4_6,
    COHERE_COMMAND_A,
    FIREWORKS_FLUX_SCHNELL,
    FIREWORKS_KIMI_K2,
    GROQ_QWEN3_32B,
    OLLAMA_GEMMA3_4B,
    TOGETHER_LLAMA_3_3_70B,
)


def by_id(records: list[ModelRecord]) -> dict[str, ModelRecord]:
    return {r.id: r for r in records}


# --- openai ----------------------------------------------------------------------------------


def test_openai_plain_list_classifies_by_id():
    body = {
        "object": "list",
        "data": [
            {"id": "gpt-4o-mini", "object": "model", "created": 1721172741, "owned_by": "system"},
            {"id": "text-embedding-3-small", "object": "model", "created": 1705948997, "owned_by": "system"},
            {"id": "whisper-1", "object": "model", "created": 1677532384, "owned_by": "openai-internal"},
            {"id": "dall-e-3", "object": "model", "created": 1698785189, "owned_by": "system"},
            {"id": "omni-moderation-latest", "object": "model", "created": 1731689265, "owned_by": "system"},
            {"id": "ft:gpt-4o-mini-2024-07-18:acme::9xYz123", "object": "model", "created": 1730000000},
        ],
    }
    records, cursor = parse("openai", body)
    assert cursor is None
    assert [(r.id, r.kind) for r in records] == [
        ("gpt-4o-mini", "chat"),
        ("text-embedding-3-small", "embedding"),
        ("whisper-1", "audio"),
        ("dall-e-3", "image"),
        ("omni-moderation-latest", "moderation"),
        ("ft:gpt-4o-mini-2024-07-18:acme::9xYz123", "chat"),
    ]
    assert records[0] == ModelRecord(id="gpt-4o-mini")  # nothing invented


def test_openai_groq_fields_and_inactive_models():
    body = {
        "object": "list",
        "data": [
            GROQ_QWEN3_32B,
            {
                "id": "meta-llama/llama-guard-4-12b",
                "object": "model",
                "owned_by": "Meta",
                "active": True,
                "context_window": 131072,
                "max_completion_tokens": 1024,
            },
            {
                "id": "whisper-large-v3-turbo",
                "object": "model",
                "owned_by": "OpenAI",
                "active": True,
                "context_window": 448,
                "max_completion_tokens": 448,
            },
            {"id": "retired-model", "object": "model", "active": False, "context_window": 8192},
        ],
    }
    records = by_id(parse("openai", body)[0])
    assert set(records) == {"qwen/qwen3-32b", "meta-llama/llama-guard-4-12b", "whisper-large-v3-turbo"}
    assert records["qwen/qwen3-32b"].context_window == 131072
    assert records["qwen/qwen3-32b"].max_output_tokens == 40960
    assert records["meta-llama/llama-guard-4-12b"].kind == "moderation"
    assert records["whisper-large-v3-turbo"].kind == "audio"


def test_openai_fireworks_fields():
    body = {
        "object": "list",
        "data": [
            FIREWORKS_KIMI_K2,
            {
                "id": "accounts/fireworks/models/qwen2p5-vl-32b-instruct",
                "object": "model",
                "supports_chat": True,
                "supports_image_input": True,
                "supports_tools": False,
                "context_length": 128000,
            },
            FIREWORKS_FLUX_SCHNELL,
            {"id": "accounts/fireworks/models/some-base", "object": "model", "supports_chat": False},
        ],
    }
    records = by_id(parse("openai", body)[0])
    kimi = records["accounts/fireworks/models/kimi-k2-instruct-0905"]
    assert (kimi.kind, kimi.context_window, kimi.capabilities) == ("chat", 262144, ["function_calling"])
    assert records["accounts/fireworks/models/qwen2p5-vl-32b-instruct"].capabilities == ["vision"]
    assert records["accounts/fireworks/models/flux-1-schnell-fp8"].kind == "image"
    assert records["accounts/fireworks/models/some-base"].kind == "other"


def test_openai_mistral_capabilities_and_deprecation():
    body = {
        "object": "list",
        "data": [
            {
                "id": "codestral-2405",
                "object": "model",
                "created": 1747519742,
                "owned_by": "mistralai",
                "capabilities": {
                    "completion_chat": True,
                    "completion_fim": True,
                    "function_calling": True,
                    "fine_tuning": True,
                    "vision": False,
                    "classification": False,
                },
                "name": "codestral-2405",
                "description": "Official codestral-2405 Mistral AI model",
                "max_context_length": 32768,
                "aliases": [],
                "deprecation": "2025-06-30T12:00:00Z",
                "type": "base",
            },
            {
                "id": "pixtral-large-latest",
                "capabilities": {"completion_chat": True, "function_calling": True, "vision": True},
                "max_context_length": 131072,
                "deprecation": None,
            },
            {
                "id": "mistral-embed",
                "capabilities": {"completion_chat": False, "function_calling": False, "vision": False},
                "max_context_length": 8192,
            },
            {"id": "mistral-moderation-latest", "capabilities": {"completion_chat": False, "moderation": True}},
            {"id": "mistral-ocr-latest", "capabilities": {"completion_chat": False, "ocr": True}},
        ],
    }
    records = by_id(parse("openai", body)[0])
    codestral = records["codestral-2405"]
    assert codestral.kind == "chat"
    assert codestral.context_window == 32768
    assert codestral.capabilities == ["function_calling"]
    assert codestral.deprecation_date == "2025-06-30"
    assert codestral.display_name == "codestral-2405"
    assert records["pixtral-large-latest"].capabilities == ["vision", "function_calling"]
    assert records["pixtral-large-latest"].deprecation_date is None
    assert records["mistral-embed"].kind == "embedding"
    assert records["mistral-moderation-latest"].kind == "moderation"
    assert records["mistral-ocr-latest"].kind == "other"


def test_openai_vllm_max_model_len_and_lm_studio_types():
    vllm = {
        "object": "list",
        "data": [
            {
                "id": "meta-llama/Llama-3.1-8B-Instruct",
                "object": "model",
                "owned_by": "vllm",
                "root": "meta-llama/Llama-3.1-8B-Instruct",
                "parent": None,
                "max_model_len": 131072,
                "permission": [{"id": "modelperm-1", "object": "model_permission"}],
            },
            {"id": "my-lora", "object": "model", "parent": "meta-llama/Llama-3.1-8B-Instruct", "max_model_len": None},
        ],
    }
    records = by_id(parse("openai", vllm)[0])
    assert records["meta-llama/Llama-3.1-8B-Instruct"].context_window == 131072
    assert records["my-lora"].context_window is None

    lm_studio_v0 = {
        "object": "list",
        "data": [
            {"id": "qwen2-vl-7b-instruct", "type": "vlm", "max_context_length": 32768},
            {"id": "meta-llama-3.1-8b-instruct", "type": "llm", "max_context_length": 131072},
            {"id": "text-embedding-nomic-embed-text-v1.5", "type": "embeddings", "max_context_length": 2048},
        ],
    }
    records = by_id(parse("openai", lm_studio_v0)[0])
    assert records["qwen2-vl-7b-instruct"].capabilities == ["vision"]
    assert records["meta-llama-3.1-8b-instruct"].kind == "chat"
    assert records["text-embedding-nomic-embed-text-v1.5"].kind == "embedding"


def test_openai_deepseek_and_localai_minimal_entries():
    body = {"object": "list", "data": [{"id": "deepseek-chat", "object": "model"}, {"id": "tts-1", "object": "model"}]}
    records = by_id(parse("openai", body)[0])
    assert records["deepseek-chat"].kind == "chat"
    assert records["tts-1"].kind == "audio"


# --- openrouter ------------------------------------------------------------------------------


OPENROUTER_BODY = {
    "data": [
        {
            "id": "01-ai/yi-large",
            "canonical_slug": "01-ai/yi-large",
            "hugging_face_id": None,
            "name": "01.AI: Yi Large",
            "created": 1719273600,
            "description": "...",
            "context_length": 32768,
            "architecture": {
                "modality": "text->text",
                "input_modalities": ["text"],
                "output_modalities": ["text"],
                "tokenizer": "Yi",
                "instruct_type": None,
            },
            "pricing": {
                "prompt": "0.000003",
                "completion": "0.000003",
                "request": "0",
                "image": "0",
                "web_search": "0",
                "internal_reasoning": "0",
            },
            "top_provider": {"context_length": 32768, "max_completion_tokens": 4096, "is_moderated": False},
            "per_request_limits": None,
            "supported_parameters": ["max_tokens", "temperature", "response_format", "structured_outputs"],
        },
        {
            "id": "openai/gpt-4o-mini",
            "name": "OpenAI: GPT-4o-mini",
            "context_length": 128000,
            "architecture": {"input_modalities": ["text", "image", "file"], "output_modalities": ["text"]},
            "pricing": {"prompt": "0.00000015", "completion": "0.0000006"},
            "supported_parameters": ["tools", "tool_choice", "include_reasoning"],
        },
        {
            "id": "google/gemini-2.5-flash-image",
            "architecture": {"input_modalities": ["text", "image"], "output_modalities": ["image"]},
            "pricing": {"prompt": "-1", "completion": "abc"},
        },
    ]
}


def test_openrouter_prices_per_million_and_modalities():
    records = by_id(parse("openrouter", OPENROUTER_BODY)[0])
    yi = records["01-ai/yi-large"]
    assert yi.display_name == "01.AI: Yi Large"
    assert yi.pricing == {"input": 3.0, "output": 3.0}
    assert (yi.context_window, yi.max_output_tokens) == (32768, 4096)
    assert yi.capabilities == ["structured_output"]
    mini = records["openai/gpt-4o-mini"]
    assert mini.pricing == {"input": 0.15, "output": 0.6}
    assert mini.capabilities == ["vision", "function_calling", "reasoning"]
    image = records["google/gemini-2.5-flash-image"]
    assert image.kind == "image"
    assert image.pricing == {}  # "-1" and garbage prices are dropped


# --- together --------------------------------------------------------------------------------


def test_together_bare_array_with_types_and_prices():
    body = [
        {**TOGETHER_LLAMA_3_3_70B, "config": {"chat_template": "…", "stop": ["<|eot_id|>"], "max_output_length": 0}},
        {
            "id": "BAAI/bge-large-en-v1.5",
            "type": "embedding",
            "display_name": "BAAI-Bge-Large-1p5",
            "context_length": 512,
            "pricing": {"hourly": 0, "input": 0.02, "output": 0.02, "base": 0, "finetune": 0},
        },
        {"id": "Salesforce/Llama-Rank-V1", "type": "rerank", "pricing": {"input": 0, "output": 0}},
        {"id": "black-forest-labs/FLUX.1-schnell", "type": "image"},
        {"id": "mystery/model", "type": "brand-new-type"},
    ]
    records = by_id(parse("together", body)[0])
    llama = records["meta-llama/Llama-3.3-70B-Instruct-Turbo"]
    assert (llama.kind, llama.context_window, llama.pricing) == ("chat", 131072, {"input": 0.88, "output": 0.88})
    assert llama.display_name == "Meta Llama 3.3 70B Instruct Turbo"
    assert llama.max_output_tokens is None  # 0 means unknown
    assert records["BAAI/bge-large-en-v1.5"].kind == "embedding"
    assert records["Salesforce/Llama-Rank-V1"].kind == "rerank"
    assert records["Salesforce/Llama-Rank-V1"].pricing == {}  # all-zero = dedicated only, not free
    assert records["black-forest-labs/FLUX.1-schnell"].kind == "image"
    assert records["mystery/model"].kind == "chat"


def test_together_rejects_an_object():
    with pytest.raises(ParseError):
        parse("together", {"models": []})


# --- ollama ----------------------------------------------------------------------------------


OLLAMA_TAGS = {
    "models": [
        OLLAMA_GEMMA3_4B,
        {
            "name": "nomic-embed-text:latest",
            "model": "nomic-embed-text:latest",
            "details": {"family": "nomic-bert", "families": ["nomic-bert"]},
        },
        {"name": "all-minilm:latest", "details": {"family": "bert"}},
        {"model": "qwen3.5:2b", "details": {"family": "qwen35", "context_length": 262144}},
    ]
}


def test_ollama_tags():
    records, cursor = parse("ollama", OLLAMA_TAGS)
    assert cursor is None
    assert [(r.id, r.kind) for r in records] == [
        ("gemma3:4b", "chat"),
        ("nomic-embed-text:latest", "embedding"),
        ("all-minilm:latest", "embedding"),
        ("qwen3.5:2b", "chat"),
    ]
    assert records[0].display_name == "gemma3:4b"
    assert records[3].context_window == 262144


def test_ollama_show_merge():
    record = ModelRecord(id="llava:latest", display_name="llava:latest")
    show = {
        "modelfile": "# Modelfile",
        "details": {"family": "llama"},
        "model_info": {
            "general.architecture": "llama",
            "general.parameter_count": 8030261248,
            "llama.context_length": 8192,
            "llama.embedding_length": 4096,
        },
        "capabilities": ["completion", "vision", "tools", "thinking"],
    }
    merged = merge_ollama_show(record, show)
    assert merged.context_window == 8192
    assert merged.kind == "chat"
    assert merged.capabilities == ["vision", "function_calling", "reasoning"]
    assert record.context_window is None  # the input is not mutated

    embed = merge_ollama_show(
        ModelRecord(id="mxbai:latest"),
        {"model_info": {"bert.context_length": 512}, "capabilities": ["embedding"]},
    )
    assert (embed.kind, embed.context_window) == ("embedding", 512)


def test_ollama_show_with_junk_keeps_record():
    record = ModelRecord(id="m", context_window=4096)
    merged = merge_ollama_show(record, {"model_info": {"general.architecture": 7, "x.context_length": -1}})
    assert merged == record
    with pytest.raises(ParseError):
        merge_ollama_show(record, ["not", "an", "object"])


# --- anthropic -------------------------------------------------------------------------------


def test_anthropic_fields_and_last_page():
    body = {
        "data": [
            {
                **ANTHROPIC_CLAUDE_OPUS_4_6,
                "capabilities": {
                    "batch": {"supported": True},
                    "image_input": {"supported": True},
                    "structured_outputs": {"supported": True},
                    "thinking": {"supported": True, "types": {"adaptive": {"supported": True}}},
                },
            },
            ANTHROPIC_CLAUDE_OPUS_4,
        ],
        "has_more": False,
        "first_id": "claude-opus-4-6",
        "last_id": "claude-opus-4-20250514",
    }
    records, cursor = parse("anthropic", body)
    assert cursor is None
    opus = records[0]
    assert (opus.display_name, opus.context_window, opus.max_output_tokens) == ("Claude Opus 4.6", 200000, 128000)
    assert opus.capabilities == ["vision", "reasoning", "structured_output"]
    assert records[1] == ModelRecord(id="claude-opus-4-20250514", display_name="Claude Opus 4")


def test_anthropic_has_more_gives_last_id_cursor():
    body = {"data": [{"id": "a"}, {"id": "b"}], "has_more": True, "first_id": "a", "last_id": "b"}
    assert parse("anthropic", body)[1] == "b"
    # Without last_id the last entry's id is the same cursor.
    assert parse("anthropic", {"data": [{"id": "a"}, {"id": "c"}], "has_more": True})[1] == "c"
    assert parse("anthropic", {"data": [], "has_more": True})[1] is None


# --- gemini ----------------------------------------------------------------------------------


GEMINI_BODY = {
    "models": [
        {
            "name": "models/gemini-2.5-flash",
            "version": "001",
            "displayName": "Gemini 2.5 Flash",
            "inputTokenLimit": 1048576,
            "outputTokenLimit": 65536,
            "supportedGenerationMethods": ["generateContent", "countTokens", "createCachedContent"],
            "temperature": 1,
            "thinking": True,
        },
        {
            "name": "models/gemini-embedding-001",
            "displayName": "Gemini Embedding 001",
            "inputTokenLimit": 2048,
            "outputTokenLimit": 1,
            "supportedGenerationMethods": ["embedContent", "countTextTokens", "countTokens"],
        },
        {
            "name": "models/imagen-4.0-generate-001",
            "displayName": "Imagen 4",
            "inputTokenLimit": 480,
            "supportedGenerationMethods": ["predict"],
        },
        {"name": "models/veo-3.0-generate-001", "supportedGenerationMethods": ["predictLongRunning"]},
        {"name": "models/gemini-2.5-flash-preview-tts", "supportedGenerationMethods": ["generateContent"]},
        {"name": "models/aqa", "supportedGenerationMethods": ["generateAnswer"]},
    ],
    "nextPageToken": "Chdtb2RlbHMvZ2VtaW5pLTIuNS1wcm8=",
}


def test_gemini_kinds_limits_and_cursor():
    records, cursor = parse("gemini", GEMINI_BODY)
    assert cursor == "Chdtb2RlbHMvZ2VtaW5pLTIuNS1wcm8="
    kinds = {r.id: r.kind for r in records}
    assert kinds == {
        "gemini-2.5-flash": "chat",
        "gemini-embedding-001": "embedding",
        "imagen-4.0-generate-001": "image",
        "veo-3.0-generate-001": "other",
        "gemini-2.5-flash-preview-tts": "audio",
        "aqa": "other",
    }
    flash = records[0]
    assert (flash.display_name, flash.context_window, flash.max_output_tokens) == ("Gemini 2.5 Flash", 1048576, 65536)
    assert flash.capabilities == ["reasoning"]


def test_gemini_last_page_has_no_token():
    assert parse("gemini", {"models": []}) == ([], None)
    assert parse("gemini", {"models": [], "nextPageToken": ""})[1] is None


# --- cohere ----------------------------------------------------------------------------------


COHERE_BODY = {
    "models": [
        COHERE_COMMAND_A,
        {
            "name": "embed-v4.0",
            "endpoints": ["embed"],
            "context_length": 128000,
            "features": None,
            "supports_vision": True,
        },
        {"name": "rerank-v3.5", "endpoints": ["rerank"], "context_length": 4096, "features": None},
        {"name": "classifier-x", "endpoints": ["classify"]},
    ],
    "next_page_token": None,
}


def test_cohere_endpoints_features_and_cursor():
    records, cursor = parse("cohere", COHERE_BODY)
    assert cursor is None
    found = by_id(records)
    command = found["command-a-03-2025"]
    assert (command.kind, command.context_window) == ("chat", 256000)
    assert command.capabilities == ["function_calling", "structured_output"]
    assert (found["embed-v4.0"].kind, found["embed-v4.0"].capabilities) == ("embedding", ["vision"])
    assert found["rerank-v3.5"].kind == "rerank"
    assert found["classifier-x"].kind == "other"
    assert parse("cohere", {"models": [], "next_page_token": "tok-2"})[1] == "tok-2"


# --- azure_openai ----------------------------------------------------------------------------


def test_azure_openai_capabilities_and_deprecation():
    body = {
        "data": [
            {
                "status": "succeeded",
                "capabilities": {
                    "fine_tune": True,
                    "inference": True,
                    "completion": True,
                    "chat_completion": False,
                    "embeddings": False,
                },
                "lifecycle_status": "generally-available",
                "deprecation": {"fine_tune": 1677662127, "inference": 1709284527},
                "id": "curie",
                "created_at": 1646126127,
                "object": "model",
            },
            {
                "status": "succeeded",
                "capabilities": {"inference": True, "chat_completion": True, "embeddings": False},
                "deprecation": {"inference": 1798761600},
                "id": "gpt-4o-2024-11-20",
            },
            {
                "status": "succeeded",
                "capabilities": {"inference": True, "chat_completion": False, "embeddings": True},
                "id": "text-embedding-3-large",
            },
            {"status": "succeeded", "capabilities": {"inference": True}, "id": "dall-e-3"},
            {"status": "succeeded", "capabilities": {"inference": False, "fine_tune": True}, "id": "babbage-002-ft"},
            {"status": "running", "capabilities": {"inference": True, "chat_completion": True}, "id": "ft-in-progress"},
        ],
        "object": "list",
    }
    records = by_id(parse("azure_openai", body)[0])
    assert set(records) == {"curie", "gpt-4o-2024-11-20", "text-embedding-3-large", "dall-e-3"}
    assert (records["curie"].kind, records["curie"].deprecation_date) == ("chat", "2024-03-01")
    assert records["gpt-4o-2024-11-20"].deprecation_date == "2027-01-01"
    assert records["text-embedding-3-large"].kind == "embedding"
    assert records["dall-e-3"].kind == "image"


# --- bedrock ---------------------------------------------------------------------------------


BEDROCK_BODY = {
    "modelSummaries": [
        {
            "modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0",
            "modelId": "anthropic.claude-3-5-sonnet-20240620-v1:0",
            "modelName": "Claude 3.5 Sonnet",
            "providerName": "Anthropic",
            "inputModalities": ["TEXT", "IMAGE"],
            "outputModalities": ["TEXT"],
            "responseStreamingSupported": True,
            "customizationsSupported": [],
            "inferenceTypesSupported": ["ON_DEMAND"],
            "modelLifecycle": {"status": "ACTIVE"},
        },
        {
            "modelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0",
            "modelId": "amazon.titan-embed-text-v2:0",
            "modelName": "Titan Text Embeddings V2",
            "providerName": "Amazon",
            "inputModalities": ["TEXT"],
            "outputModalities": ["EMBEDDING"],
            "responseStreamingSupported": False,
            "inferenceTypesSupported": ["ON_DEMAND"],
            "modelLifecycle": {"status": "ACTIVE"},
        },
        {
            "modelId": "stability.sd3-5-large-v1:0",
            "modelName": "SD3.5 Large",
            "inputModalities": ["TEXT", "IMAGE"],
            "outputModalities": ["IMAGE"],
            "inferenceTypesSupported": ["ON_DEMAND"],
        },
        {
            "modelId": "anthropic.claude-3-sonnet-20240229-v1:0:28k",
            "outputModalities": ["TEXT"],
            "inferenceTypesSupported": ["PROVISIONED"],
        },
        {
            "modelId": "anthropic.claude-3-7-sonnet-20250219-v1:0",
            "modelName": "Claude 3.7 Sonnet",
            "outputModalities": ["TEXT"],
            "inferenceTypesSupported": ["INFERENCE_PROFILE"],
            "modelLifecycle": {"status": "LEGACY"},
        },
    ]
}


def test_bedrock_summaries():
    records = by_id(parse("bedrock", BEDROCK_BODY)[0])
    assert set(records) == {
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "amazon.titan-embed-text-v2:0",
        "stability.sd3-5-large-v1:0",
        "anthropic.claude-3-7-sonnet-20250219-v1:0",
    }
    sonnet = records["anthropic.claude-3-5-sonnet-20240620-v1:0"]
    assert (sonnet.display_name, sonnet.kind, sonnet.capabilities) == ("Claude 3.5 Sonnet", "chat", ["vision"])
    assert records["amazon.titan-embed-text-v2:0"].kind == "embedding"
    image = records["stability.sd3-5-large-v1:0"]
    assert (image.kind, image.capabilities) == ("image", [])


# --- shared behaviour ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("format_name", "body"),
    [
        ("openai", {"object": "list"}),
        ("openai", {"data": {"id": "x"}}),
        ("openai", [{"id": "x"}]),
        ("openai", "<html>nope</html>"),
        ("openrouter", {"models": []}),
        ("together", None),
        ("ollama", {"data": []}),
        ("anthropic", {"data": None}),
        ("gemini", {"models": "gemini-pro"}),
        ("cohere", 42),
        ("azure_openai", {}),
        ("bedrock", {"models": []}),
    ],
)
def test_wrong_top_level_shape_is_a_parse_error(format_name, body):
    with pytest.raises(ParseError) as excinfo:
        parse(format_name, body)
    assert excinfo.value.code == "bad_response"


def test_malformed_entries_are_skipped_and_ids_deduplicated():
    body = {
        "data": [
            {"id": "good"},
            "a string entry",
            None,
            {"object": "model"},
            {"id": ""},
            {"id": "   "},
            {"id": 12345},
            {"id": ["list"]},
            {"id": "x" * 257},
            {"id": "y" * 256},
            {"id": "bad\nid"},
            {"id": "good", "context_window": 4096},
        ]
    }
    records = parse("openai", body)[0]
    assert [r.id for r in records] == ["good", "y" * 256]
    assert records[0].context_window is None  # first occurrence wins


@pytest.mark.parametrize("value", [-1, 0, 10**12, float("nan"), float("inf"), True, "131072", 1e300, 2**70])
def test_absurd_context_windows_become_none(value):
    records = parse("openai", {"data": [{"id": "m", "context_window": value, "max_completion_tokens": value}]})[0]
    assert (records[0].context_window, records[0].max_output_tokens) == (None, None)


def test_context_window_float_is_truncated_to_int():
    records = parse("openai", {"data": [{"id": "m", "context_length": 8192.0}]})[0]
    assert records[0].context_window == 8192 and isinstance(records[0].context_window, int)


@pytest.mark.parametrize(
    ("model_id", "kind"),
    [
        ("text-embedding-3-large", "embedding"),
        ("nomic-embed-text", "embedding"),
        ("BAAI/bge-reranker-v2-m3", "rerank"),
        ("rerank-v3.5", "rerank"),
        ("whisper-large-v3", "audio"),
        ("gpt-4o-mini-tts", "audio"),
        ("playai-tts", "audio"),
        ("gpt-4o-transcribe", "audio"),
        ("gpt-4o-realtime-preview", "audio"),
        ("gpt-image-1", "image"),
        ("black-forest-labs/FLUX.1-dev", "image"),
        ("stabilityai/stable-diffusion-xl-base-1.0", "image"),
        ("imagen-3.0-generate-002", "image"),
        ("text-moderation-latest", "moderation"),
        ("meta-llama/Llama-Guard-4-12B", "moderation"),
        ("meta-llama/llama-prompt-guard-2-86m", "moderation"),
        ("gpt-4o", "chat"),
        ("claude-sonnet-4-5", "chat"),
        ("mattts-model", "chat"),  # "tts" inside a word is not text-to-speech
    ],
)
def test_classify_kind(model_id, kind):
    assert classify_kind(model_id) == kind


def test_unknown_format_is_a_programming_error():
    with pytest.raises(ValueError):
        parse("none", {})


# --- property test: arbitrary JSON never raises anything but ParseError -------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.text(alphabet="ab/:\n", min_size=250, max_size=260)  # around the 256-char id limit
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
# Keys every parser reads, so generated entries actually reach the field readers.
ENTRY_KEYS = sorted(
    {
        "id",
        "name",
        "model",
        "modelId",
        "type",
        "display_name",
        "displayName",
        "modelName",
        "context_window",
        "context_length",
        "max_model_len",
        "max_context_length",
        "max_completion_tokens",
        "max_output_length",
        "max_input_tokens",
        "max_tokens",
        "inputTokenLimit",
        "outputTokenLimit",
        "capabilities",
        "pricing",
        "architecture",
        "top_provider",
        "supported_parameters",
        "supportedGenerationMethods",
        "endpoints",
        "features",
        "details",
        "deprecation",
        "deprecated_at",
        "expiration_date",
        "status",
        "active",
        "supports_chat",
        "supports_tools",
        "supports_image_input",
        "supports_vision",
        "thinking",
        "config",
        "input_modalities",
        "output_modalities",
        "inputModalities",
        "outputModalities",
        "inferenceTypesSupported",
    }
)
# Most generated entries carry a usable id, otherwise they are skipped before any field is read.
plausible_ids = st.text(min_size=1, max_size=20).filter(str.strip) | json_scalars
entries = st.builds(
    lambda fields, ids: {**fields, **ids},
    st.dictionaries(st.sampled_from(ENTRY_KEYS), json_values, max_size=8),
    st.fixed_dictionaries({}, optional={key: plausible_ids for key in ("id", "name", "model", "modelId")}),
)
TOP_KEYS = {
    "openai": "data",
    "openrouter": "data",
    "ollama": "models",
    "anthropic": "data",
    "gemini": "models",
    "cohere": "models",
    "azure_openai": "data",
    "bedrock": "modelSummaries",
}


def shaped_bodies(format_name: str) -> st.SearchStrategy:
    items = st.lists(entries | json_values, max_size=6)
    if format_name == "together":
        return items
    cursor_keys = st.sampled_from(["has_more", "last_id", "nextPageToken", "next_page_token"])
    return st.builds(
        lambda key_items, extra: {TOP_KEYS[format_name]: key_items, **extra},
        items,
        st.dictionaries(cursor_keys, json_values, max_size=3),
    )


@pytest.mark.parametrize("format_name", sorted(parsers.PARSERS))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_parsers_only_raise_parse_error(format_name, data):
    body = data.draw(json_values | shaped_bodies(format_name))
    try:
        records, cursor = parse(format_name, body)
    except ParseError:
        return
    assert cursor is None or isinstance(cursor, str)
    ids = [r.id for r in records]
    assert len(ids) == len(set(ids))
    for record in records:
        assert isinstance(record.id, str) and 0 < len(record.id) <= 256
        assert record.kind in KINDS
        assert record.context_window is None or 0 < record.context_window <= parsers.MAX_TOKENS
        assert all(isinstance(v, float) for v in record.pricing.values())


@settings(max_examples=80, deadline=None)
@given(
    body=json_values
    | st.builds(lambda info, caps: {"model_info": info, "capabilities": caps}, json_values, json_values)
)
def test_merge_ollama_show_only_raises_parse_error(body):
    try:
        merged = merge_ollama_show(ModelRecord(id="m"), body)
    except ParseError:
        return
    assert merged.id == "m"
