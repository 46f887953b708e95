"""How each provider answers: list endpoints in their real shapes, auth checks, real bad-key bodies,
and a one-token completion. Bodies follow /work/shared/reference/provider-apis.md (verbatim where
that file quotes a recorded response).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fakes.upstream import RecordedRequest

Reply = tuple[int, dict[str, str], Any]  # status, extra headers, JSON value (bytes are sent as-is)
Handler = Callable[["RecordedRequest"], Reply]
Route = tuple[str | None, re.Pattern[str], Handler]  # method (None: any), full-path regex, handler

KINDS = ("openai", "groq", "together", "fireworks", "ollama", "anthropic", "gemini", "cohere")

# Single recorded model entries, named so that the parser tests quote the very same bodies.
GROQ_QWEN3_32B: dict[str, Any] = {
    "id": "qwen/qwen3-32b",
    "object": "model",
    "created": 1748396646,
    "owned_by": "Alibaba Cloud",
    "active": True,
    "context_window": 131072,
    "public_apps": None,
    "max_completion_tokens": 40960,
}

TOGETHER_LLAMA_3_3_70B: dict[str, Any] = {
    "id": "meta-llama/Llama-3.3-70B-Instruct-Turbo",
    "object": "model",
    "created": 1733443923,
    "type": "chat",
    "running": False,
    "display_name": "Meta Llama 3.3 70B Instruct Turbo",
    "organization": "Meta",
    "link": "https://huggingface.co/meta-llama/Llama-3.3-70B-Instruct",
    "license": "llama3.3",
    "context_length": 131072,
    "config": {
        "chat_template": "…",
        "stop": ["<|eot_id|>"],
        "bos_token": "<|begin_of_text|>",
        "eos_token": "<|eot_id|>",
        "max_output_length": 0,
    },
    "pricing": {"hourly": 0, "input": 0.88, "output": 0.88, "base": 0, "finetune": 0},
}

FIREWORKS_KIMI_K2: dict[str, Any] = {
    "id": "accounts/fireworks/models/kimi-k2-instruct-0905",
    "object": "model",
    "owned_by": "fireworks",
    "created": 1757018994,
    "kind": "HF_BASE_MODEL",
    "supports_chat": True,
    "supports_image_input": False,
    "supports_tools": True,
    "context_length": 262144,
}

FIREWORKS_FLUX_SCHNELL: dict[str, Any] = {
    "id": "accounts/fireworks/models/flux-1-schnell-fp8",
    "object": "model",
    "owned_by": "fireworks",
    "created": 1729000000,
    "supports_chat": False,
}

OLLAMA_GEMMA3_4B: dict[str, Any] = {
    "name": "gemma3:4b",
    "model": "gemma3:4b",
    "modified_at": "2026-04-08T16:14:25.671468202-04:00",
    "size": 3338801804,
    "digest": "a2af6cc3eb7fa8be8504abaf9b04e88f17a119ec3f04a3addf55f92841195f5a",
    "details": {
        "parent_model": "",
        "format": "gguf",
        "family": "gemma3",
        "families": ["gemma3"],
        "parameter_size": "4.3B",
        "quantization_level": "Q4_K_M",
    },
}

ANTHROPIC_CLAUDE_OPUS_4_6: dict[str, Any] = {
    "type": "model",
    "id": "claude-opus-4-6",
    "display_name": "Claude Opus 4.6",
    "created_at": "2026-02-04T00:00:00Z",
    "max_input_tokens": 200000,
    "max_tokens": 128000,
    "capabilities": {
        "batch": {"supported": True},
        "image_input": {"supported": True},
        "pdf_input": {"supported": True},
        "thinking": {"supported": True},
    },
}

ANTHROPIC_CLAUDE_OPUS_4: dict[str, Any] = {
    "type": "model",
    "id": "claude-opus-4-20250514",
    "display_name": "Claude Opus 4",
    "created_at": "2025-05-22T00:00:00Z",
}

COHERE_COMMAND_A: dict[str, Any] = {
    "name": "command-a-03-2025",
    "endpoints": ["generate", "chat", "summarize"],
    "finetuned": False,
    "context_length": 256000,
    "tokenizer_url": "https://storage.googleapis.com/cohere-public/tokenizers/command-a-03-2025.json",
    "default_endpoints": ["chat"],
    "features": ["json_mode", "json_schema", "safety_modes", "strict_tools", "tools"],
    "supports_vision": False,
    "is_deprecated": False,
}

DEFAULT_MODELS: dict[str, list[dict[str, Any]]] = {
    "openai": [
        {"id": "gpt-4o-mini", "object": "model", "created": 1721172741, "owned_by": "system"},
        {"id": "text-embedding-3-small", "object": "model", "created": 1705948997, "owned_by": "system"},
        {"id": "whisper-1", "object": "model", "created": 1677532384, "owned_by": "openai-internal"},
        {
            "id": "ft:gpt-4o-mini-2024-07-18:acme::9xYz123",
            "object": "model",
            "created": 1730000000,
            "owned_by": "user-abc123",
        },
    ],
    "groq": [
        GROQ_QWEN3_32B,
        {
            "id": "meta-llama/llama-guard-4-12b",
            "object": "model",
            "created": 1746743847,
            "owned_by": "Meta",
            "active": True,
            "context_window": 131072,
            "public_apps": None,
            "max_completion_tokens": 1024,
        },
        {
            "id": "whisper-large-v3-turbo",
            "object": "model",
            "created": 1728413088,
            "owned_by": "OpenAI",
            "active": True,
            "context_window": 448,
            "public_apps": None,
            "max_completion_tokens": 448,
        },
    ],
    "together": [
        TOGETHER_LLAMA_3_3_70B,
        {
            "id": "BAAI/bge-large-en-v1.5",
            "object": "model",
            "created": 1706650050,
            "type": "embedding",
            "running": False,
            "display_name": "BAAI-Bge-Large-1p5",
            "organization": "BAAI",
            "link": "https://huggingface.co/BAAI/bge-large-en-v1.5",
            "license": "MIT",
            "context_length": 512,
            "pricing": {"hourly": 0, "input": 0.02, "output": 0.02, "base": 0, "finetune": 0},
        },
    ],
    "fireworks": [
        FIREWORKS_KIMI_K2,
        {
            **FIREWORKS_KIMI_K2,
            "id": "accounts/fireworks/models/llama-v3p1-405b-instruct",
            "created": 1722384000,
            "context_length": 131072,
        },
        FIREWORKS_FLUX_SCHNELL,
    ],
    "ollama": [
        OLLAMA_GEMMA3_4B,
        {
            "name": "gemma3:1b",
            "model": "gemma3:1b",
            "modified_at": "2026-04-08T16:13:40.877754346-04:00",
            "size": 815319791,
            "digest": "8648f39daa8fbf5b18c7b4e6a8fb4990c692751d49917417b8842ca5758e7ffc",
            "details": {
                "parent_model": "",
                "format": "gguf",
                "family": "gemma3",
                "families": ["gemma3"],
                "parameter_size": "999.89M",
                "quantization_level": "Q4_K_M",
            },
        },
        {
            "name": "qwen3.5:2b",
            "model": "qwen3.5:2b",
            "modified_at": "2026-04-08T16:10:59.121986215-04:00",
            "size": 2741192820,
            "digest": "324d162be6ca5629ae4517c8710434d0bd2d665bc94dbad46e9af8fbf8a2f0df",
            "details": {
                "parent_model": "",
                "format": "gguf",
                "family": "qwen35",
                "families": ["qwen35"],
                "parameter_size": "2.3B",
                "quantization_level": "Q8_0",
            },
        },
    ],
    "anthropic": [
        ANTHROPIC_CLAUDE_OPUS_4_6,
        {
            "type": "model",
            "id": "claude-haiku-4-5",
            "display_name": "Claude Haiku 4.5",
            "created_at": "2025-10-15T00:00:00Z",
        },
        ANTHROPIC_CLAUDE_OPUS_4,
    ],
    "gemini": [
        {
            "name": "models/gemini-2.5-flash",
            "version": "001",
            "displayName": "Gemini 2.5 Flash",
            "description": "Stable version of Gemini 2.5 Flash, our mid-size multimodal model that supports up to "
            "1 million tokens.",
            "inputTokenLimit": 1048576,
            "outputTokenLimit": 65536,
            "supportedGenerationMethods": [
                "generateContent",
                "countTokens",
                "createCachedContent",
                "batchGenerateContent",
            ],
            "temperature": 1,
            "topP": 0.95,
            "topK": 64,
            "maxTemperature": 2,
            "thinking": True,
        },
        {
            "name": "models/gemini-embedding-001",
            "version": "001",
            "displayName": "Gemini Embedding 001",
            "description": "Obtain a distributed representation of a text.",
            "inputTokenLimit": 2048,
            "outputTokenLimit": 1,
            "supportedGenerationMethods": ["embedContent", "countTextTokens", "countTokens", "asyncBatchEmbedContent"],
        },
        {
            "name": "models/imagen-4.0-generate-001",
            "version": "001",
            "displayName": "Imagen 4",
            "inputTokenLimit": 480,
            "outputTokenLimit": 8192,
            "supportedGenerationMethods": ["predict"],
        },
    ],
    "cohere": [
        COHERE_COMMAND_A,
        {
            "name": "embed-v4.0",
            "endpoints": ["embed"],
            "finetuned": False,
            "context_length": 128000,
            "tokenizer_url": "https://storage.googleapis.com/cohere-public/tokenizers/embed-v4.0.json",
            "default_endpoints": ["embed"],
            "features": None,
            "supports_vision": True,
            "is_deprecated": False,
        },
        {
            "name": "rerank-v3.5",
            "endpoints": ["rerank"],
            "finetuned": False,
            "context_length": 4096,
            "tokenizer_url": None,
            "default_endpoints": [],
            "features": None,
            "supports_vision": False,
            "is_deprecated": False,
        },
    ],
}

# What `ollama show` reports per model: (context length, capabilities).
_OLLAMA_SHOW = {
    "gemma3:4b": (131072, ["completion", "vision"]),
    "gemma3:1b": (32768, ["completion"]),
    "qwen3.5:2b": (262144, ["completion", "tools", "thinking"]),
}

# Fireworks' error object for a wrong key (the HTTP error tests send it with a 401 and a 403).
FIREWORKS_BAD_KEY_ERROR: dict[str, Any] = {
    "message": "The API key you provided is invalid.",
    "param": None,
    "code": "UNAUTHORIZED",
    "type": "error",
}

# The body and status each provider sends for a wrong key (recorded responses).
BAD_KEY: dict[str, Reply] = {
    "openai": (
        401,
        {"Www-Authenticate": 'Bearer realm="OpenAI API"'},
        {
            "error": {
                "message": "Incorrect API key provided: bad apiKey. You can find your API key at "
                "https://platform.openai.com/account/api-keys.",
                "type": "invalid_request_error",
                "param": None,
                "code": "invalid_api_key",
            }
        },
    ),
    "groq": (
        401,
        {"X-Request-Id": "req_01fake"},
        {"error": {"message": "Invalid API Key", "type": "invalid_request_error", "code": "invalid_api_key"}},
    ),
    "together": (401, {}, {"error": {"message": "Unauthorized"}}),
    "fireworks": (
        401,
        {},
        {"error": FIREWORKS_BAD_KEY_ERROR, "request_id": "f0e1d2c3"},
    ),
    "anthropic": (
        401,
        {"X-Should-Retry": "false"},
        {
            "type": "error",
            "error": {"type": "authentication_error", "message": "invalid x-api-key"},
            "request_id": "req_011CbXcvfEJXcr6SSABkFoMJ",
        },
    ),
    "gemini": (
        400,
        {},
        {
            "error": {
                "code": 400,
                "message": "API key not valid. Please pass a valid API key.",
                "status": "INVALID_ARGUMENT",
                "details": [
                    {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "API_KEY_INVALID",
                        "domain": "googleapis.com",
                        "metadata": {"service": "generativelanguage.googleapis.com"},
                    },
                    {
                        "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                        "locale": "en-US",
                        "message": "API key not valid. Please pass a valid API key.",
                    },
                ],
            }
        },
    ),
    "cohere": (401, {}, {"id": "a0a5b90f-b5ba-452a-96f6-ddec408d3027", "message": "invalid api token"}),
    "ollama": (401, {}, {"error": "unauthorized"}),
}

# Where each provider serves its model list and chat call, relative to the server root.
LIST_PATHS = {
    "openai": "/v1/models",
    "groq": "/openai/v1/models",
    "together": "/v1/models",
    "fireworks": "/inference/v1/models",
    "ollama": "/api/tags",
    "anthropic": "/v1/models",
    "gemini": "/v1beta/models",
    "cohere": "/v1/models",
}


def _json_body(req: RecordedRequest) -> dict[str, Any]:
    try:
        value = json.loads(req.body or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _query(req: RecordedRequest, name: str, default: str = "") -> str:
    values = req.query.get(name)
    return values[0] if values else default


def _title(model_id: str) -> str:
    return model_id.rsplit("/", 1)[-1].replace("-", " ").title()


def build_models(kind: str, models: Iterable[str | dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Entries in the provider's own shape; plain ids get realistic filler fields."""
    if models is None:
        return [dict(m) for m in DEFAULT_MODELS[kind]]
    return [dict(m) if isinstance(m, dict) else _entry(kind, m) for m in models]


def _entry(kind: str, model_id: str) -> dict[str, Any]:
    if kind == "openai":
        return {"id": model_id, "object": "model", "created": 1721172741, "owned_by": "system"}
    if kind == "groq":
        return {**GROQ_QWEN3_32B, "id": model_id, "owned_by": "Groq", "max_completion_tokens": 32768}
    if kind == "together":
        return {
            "id": model_id,
            "object": "model",
            "created": 1733443923,
            "type": "chat",
            "running": False,
            "display_name": _title(model_id),
            "organization": model_id.split("/")[0],
            "link": "",
            "license": "",
            "context_length": 131072,
            "pricing": {"hourly": 0, "input": 0.2, "output": 0.2, "base": 0, "finetune": 0},
        }
    if kind == "fireworks":
        full = model_id if model_id.startswith("accounts/") else f"accounts/fireworks/models/{model_id}"
        return {**FIREWORKS_KIMI_K2, "id": full, "context_length": 131072}
    if kind == "ollama":
        family = re.sub(r"[^a-z]", "", model_id.split(":")[0].lower()) or "llama"
        return {
            "name": model_id,
            "model": model_id,
            "modified_at": "2026-04-08T16:00:00.000000000-04:00",
            "size": 815319791,
            "digest": hashlib.sha256(model_id.encode()).hexdigest(),
            "details": {
                "parent_model": "",
                "format": "gguf",
                "family": family,
                "families": [family],
                "parameter_size": "1B",
                "quantization_level": "Q4_K_M",
            },
        }
    if kind == "anthropic":
        return {"type": "model", "id": model_id, "display_name": _title(model_id), "created_at": "2025-05-22T00:00:00Z"}
    if kind == "gemini":
        return {
            "name": f"models/{model_id}",
            "version": "001",
            "displayName": _title(model_id),
            "description": f"{_title(model_id)} model.",
            "inputTokenLimit": 1048576,
            "outputTokenLimit": 65536,
            "supportedGenerationMethods": ["generateContent", "countTokens"],
        }
    if kind == "cohere":
        return {
            "name": model_id,
            "endpoints": ["generate", "chat", "summarize"],
            "finetuned": False,
            "context_length": 128000,
            "tokenizer_url": None,
            "default_endpoints": ["chat"],
            "features": ["tools"],
            "supports_vision": False,
            "is_deprecated": False,
        }
    raise ValueError(f"unknown provider kind {kind!r}")


# ---- authentication ---------------------------------------------------------------------------


def _presented_key(kind: str, req: RecordedRequest) -> str | None:
    if kind == "anthropic":
        return req.headers.get("x-api-key")
    if kind == "gemini":
        return _query(req, "key") or req.headers.get("x-goog-api-key")
    auth = req.headers.get("authorization", "")
    return auth[len("Bearer ") :] if auth.startswith("Bearer ") else None


def _guarded(kind: str, api_key: str | None, handler: Handler) -> Handler:
    """Answer with the provider's real bad-key error unless the request carries `api_key`."""
    if api_key is None:
        return handler

    def guarded(req: RecordedRequest) -> Reply:
        if _presented_key(kind, req) != api_key:
            return BAD_KEY[kind]
        if kind == "anthropic" and not req.headers.get("anthropic-version"):
            return (
                400,
                {},
                {
                    "type": "error",
                    "error": {"type": "invalid_request_error", "message": "anthropic-version: header is required"},
                },
            )
        return handler(req)

    return guarded


# ---- model lists ------------------------------------------------------------------------------


def _page(entries: list[dict[str, Any]], start: int, size: int) -> tuple[list[dict[str, Any]], int | None]:
    page = entries[start : start + size]
    return page, (start + size if start + size < len(entries) else None)


def _list_handler(kind: str, entries: list[dict[str, Any]], page_size: int | None) -> Handler:
    cap = page_size or 10**9

    def openai_style(req: RecordedRequest) -> Reply:
        return 200, {}, {"object": "list", "data": entries}

    def together(req: RecordedRequest) -> Reply:
        return 200, {}, entries  # a bare array: Together's list endpoint has no envelope

    def ollama(req: RecordedRequest) -> Reply:
        return 200, {}, {"models": entries}

    def anthropic(req: RecordedRequest) -> Reply:
        limit = min(int(_query(req, "limit", "20") or 20), 1000, cap)
        ids = [e["id"] for e in entries]
        after = _query(req, "after_id")
        start = ids.index(after) + 1 if after in ids else 0
        page, following = _page(entries, start, limit)
        return (
            200,
            {"request-id": "req_fake"},
            {
                "data": page,
                "has_more": following is not None,
                "first_id": page[0]["id"] if page else None,
                "last_id": page[-1]["id"] if page else None,
            },
        )

    def gemini(req: RecordedRequest) -> Reply:
        size = min(int(_query(req, "pageSize", "50") or 50), 1000, cap)
        token = _query(req, "pageToken")
        start = int(base64.urlsafe_b64decode(token.encode()).decode()) if token else 0
        page, following = _page(entries, start, size)
        body: dict[str, Any] = {"models": page}
        if following is not None:
            body["nextPageToken"] = base64.urlsafe_b64encode(str(following).encode()).decode()
        return 200, {}, body

    def cohere(req: RecordedRequest) -> Reply:
        endpoint = _query(req, "endpoint")
        selected = [e for e in entries if not endpoint or endpoint in (e.get("endpoints") or [])]
        size = min(int(_query(req, "page_size", "20") or 20), 1000, cap)
        token = _query(req, "page_token")
        page, following = _page(selected, int(token) if token.isdigit() else 0, size)
        return 200, {}, {"models": page, "next_page_token": str(following) if following is not None else None}

    return {"together": together, "ollama": ollama, "anthropic": anthropic, "gemini": gemini, "cohere": cohere}.get(
        kind, openai_style
    )


def _ollama_show(entries: list[dict[str, Any]]) -> Handler:
    def show(req: RecordedRequest) -> Reply:
        body = _json_body(req)
        name = str(body.get("model") or body.get("name") or "")
        entry = next((e for e in entries if name in (e.get("name"), e.get("model"))), None)
        if entry is None:
            return 404, {}, {"error": f"model '{name}' not found"}
        default_caps = ["embedding"] if "embed" in name else ["completion"]
        context, capabilities = _OLLAMA_SHOW.get(name, (8192, default_caps))
        details = entry.get("details", {})
        arch = details.get("family", "llama")
        return (
            200,
            {},
            {
                "modelfile": f'# Modelfile generated by "ollama show"\nFROM {name}\n',
                "parameters": 'stop "<end_of_turn>"',
                "template": "{{ .Prompt }}",
                "details": details,
                "model_info": {
                    "general.architecture": arch,
                    "general.parameter_count": 999885952,
                    f"{arch}.context_length": context,
                    f"{arch}.embedding_length": 1152,
                },
                "capabilities": capabilities,
                "modified_at": entry.get("modified_at", "2026-04-08T16:00:00-04:00"),
            },
        )

    return show


def _ollama_openai_models(entries: list[dict[str, Any]]) -> Handler:
    def models(req: RecordedRequest) -> Reply:
        data = [{"id": e["name"], "object": "model", "created": 1775678065, "owned_by": "library"} for e in entries]
        return 200, {}, {"object": "list", "data": data}

    return models


# ---- one-token completions ----------------------------------------------------------------------


def chat_completion(req: RecordedRequest) -> Reply:
    model = _json_body(req).get("model", "fake-model")
    return (
        200,
        {},
        {
            "id": "chatcmpl-fake0001",
            "object": "chat.completion",
            "created": 1760000000,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "pong"},
                    "logprobs": None,
                    "finish_reason": "length",
                }
            ],
            "usage": {"prompt_tokens": 8, "completion_tokens": 1, "total_tokens": 9},
            # Real OpenAI and Groq answers carry these; litellm's Groq adapter reads service_tier.
            "service_tier": "default",
            "system_fingerprint": "fp_fake0001",
        },
    )


def ollama_chat(req: RecordedRequest) -> Reply:
    body = _json_body(req)
    reply = {
        "model": body.get("model", "gemma3:1b"),
        "created_at": "2026-04-08T20:20:00.000000Z",
        "message": {"role": "assistant", "content": "pong"},
        "done_reason": "length",
        "done": True,
        "total_duration": 120000000,
        "load_duration": 1000000,
        "prompt_eval_count": 8,
        "prompt_eval_duration": 1000000,
        "eval_count": 1,
        "eval_duration": 1000000,
    }
    if req.path == "/api/generate":
        reply.pop("message")
        reply["response"] = "pong"
    if body.get("stream", True):  # Ollama streams NDJSON unless told not to
        return 200, {"Content-Type": "application/x-ndjson"}, (json.dumps(reply) + "\n").encode()
    return 200, {}, reply


def anthropic_message(req: RecordedRequest) -> Reply:
    return (
        200,
        {},
        {
            "id": "msg_fake0001",
            "type": "message",
            "role": "assistant",
            "model": _json_body(req).get("model", "claude-haiku-4-5"),
            "content": [{"type": "text", "text": "pong"}],
            "stop_reason": "max_tokens",
            "stop_sequence": None,
            "usage": {"input_tokens": 8, "output_tokens": 1},
        },
    )


def gemini_generate(req: RecordedRequest) -> Reply:
    model = req.path.rsplit("/", 1)[-1].split(":", 1)[0]
    return (
        200,
        {},
        {
            "candidates": [
                {"content": {"parts": [{"text": "pong"}], "role": "model"}, "finishReason": "MAX_TOKENS", "index": 0}
            ],
            "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2},
            "modelVersion": model,
        },
    )


def cohere_chat(req: RecordedRequest) -> Reply:
    return (
        200,
        {},
        {
            "id": "5a4b3c2d-fake",
            "finish_reason": "MAX_TOKENS",
            "message": {"role": "assistant", "content": [{"type": "text", "text": "pong"}]},
            "usage": {
                "billed_units": {"input_tokens": 1, "output_tokens": 1},
                "tokens": {"input_tokens": 8, "output_tokens": 1},
            },
        },
    )


def ollama_version(req: RecordedRequest) -> Reply:
    return 200, {}, {"version": "0.12.3"}


def not_found(req: RecordedRequest) -> Reply:
    """OpenAI's answer for an unknown path: lets tests see the 'base URL needs /v1' case."""
    return (
        404,
        {},
        {
            "error": {
                "message": f"Invalid URL ({req.method} {req.path})",
                "type": "invalid_request_error",
                "param": None,
                "code": None,
            }
        },
    )


# ---- route tables -------------------------------------------------------------------------------


def _route(method: str | None, path: str, handler: Handler) -> Route:
    return method, re.compile(re.escape(path)), handler


def routes_for(
    kind: str,
    models: Iterable[str | dict[str, Any]] | None = None,
    api_key: str | None = None,
    page_size: int | None = None,
) -> list[Route]:
    """The routes one provider serves; everything else answers 404 like the real service."""
    if kind not in KINDS:
        raise ValueError(f"unknown provider kind {kind!r}; choose one of {', '.join(KINDS)}")
    entries = build_models(kind, models)
    listing = _guarded(kind, api_key, _list_handler(kind, entries, page_size))
    chat = _guarded(kind, api_key, chat_completion)
    base = LIST_PATHS[kind].rsplit("/models", 1)[0] if kind not in ("ollama", "gemini") else ""
    if kind == "ollama":
        return [
            _route("GET", "/api/tags", listing),
            _route("POST", "/api/show", _guarded(kind, api_key, _ollama_show(entries))),
            _route("GET", "/api/version", ollama_version),
            _route("POST", "/api/chat", _guarded(kind, api_key, ollama_chat)),
            _route("POST", "/api/generate", _guarded(kind, api_key, ollama_chat)),
            _route("GET", "/v1/models", _guarded(kind, api_key, _ollama_openai_models(entries))),
            _route("POST", "/v1/chat/completions", chat),
        ]
    if kind == "anthropic":
        return [
            _route("GET", "/v1/models", listing),
            _route("POST", "/v1/messages", _guarded(kind, api_key, anthropic_message)),
        ]
    if kind == "gemini":
        generate = _guarded(kind, api_key, gemini_generate)
        return [
            _route("GET", "/v1beta/models", listing),
            _route("GET", "/v1/models", listing),
            (("POST", re.compile(r"/v1(?:beta)?/models/[^/]+:generateContent"), generate)),
        ]
    if kind == "cohere":
        return [
            _route("GET", "/v1/models", listing),
            _route("POST", "/v2/chat", _guarded(kind, api_key, cohere_chat)),
            _route("POST", "/compatibility/v1/chat/completions", chat),
        ]
    return [_route("GET", LIST_PATHS[kind], listing), _route("POST", f"{base}/chat/completions", chat)]


def default_routes() -> list[Route]:
    """Several providers at once, on the paths where they do not collide; no key checks.

    /v1/models answers in OpenAI's shape, or Anthropic's when the request carries anthropic-version
    (as every Anthropic client does). Together and Cohere also live at /v1/models: use their presets.
    """
    openai_list = _list_handler("openai", build_models("openai", None), None)
    anthropic_list = _list_handler("anthropic", build_models("anthropic", None), None)

    def v1_models(req: RecordedRequest) -> Reply:
        return anthropic_list(req) if req.headers.get("anthropic-version") else openai_list(req)

    routes = [_route("GET", "/v1/models", v1_models), _route("POST", "/v1/messages", anthropic_message)]
    for kind in ("groq", "fireworks", "gemini"):
        routes += [r for r in routes_for(kind) if r[1].pattern != re.escape("/v1/models")]
    routes += [r for r in routes_for("ollama") if r[1].pattern != re.escape("/v1/models")]
    routes.append(("POST", re.compile(r"(?:/.*)?/chat/completions"), chat_completion))
    return routes
