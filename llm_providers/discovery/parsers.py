"""Pure parsers: one decoded list-models body in, normalised ModelRecords (and the next page cursor) out.

Every parser takes arbitrary JSON (it comes from a server we do not trust) and either returns
records or raises ParseError — never anything else. A wrong top-level shape is an error (the
base URL probably points at the wrong thing); a single malformed entry is skipped, because one
odd model should not hide the other hundred.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from llm_providers.discovery.records import Kind, ModelRecord
from llm_providers.exceptions import ParseError

MAX_ID_LENGTH = 256
MAX_CURSOR_LENGTH = 2048
# No real model has a 100M-token window; anything bigger (or ≤ 0) is a bug or a hostile server.
MAX_TOKENS = 100_000_000
# Prices above $100k per million tokens are nonsense; drop them rather than show them.
MAX_PRICE_PER_MILLION = 100_000.0

Page = tuple[list[ModelRecord], str | None]

# Ordered: the first matching rule wins ("bge-reranker" is a reranker, not an embedding model).
_KIND_RULES: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("rerank", re.compile(r"rerank")),
    ("embedding", re.compile(r"embed|(^|[/_-])bge-|(^|[/_-])gte-")),
    ("moderation", re.compile(r"moderation|llama-guard|prompt-guard|shieldgemma")),
    ("audio", re.compile(r"whisper|(^|[^a-z])tts([^a-z]|$)|transcribe|audio|realtime|orpheus")),
    ("image", re.compile(r"dall-e|gpt-image|flux|stable-?diffusion|sdxl|imagen|image-generation")),
)
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")

# `type` values seen in list responses (Together, LM Studio /api/v0, ...). Unknown values → id heuristic.
_TYPE_KINDS: dict[str, Kind] = {
    "chat": "chat",
    "language": "chat",
    "code": "chat",
    "llm": "chat",
    "vlm": "chat",
    "embedding": "embedding",
    "embeddings": "embedding",
    "image": "image",
    "moderation": "moderation",
    "rerank": "rerank",
    "audio": "audio",
    "transcribe": "audio",
    "tts": "audio",
}


def classify_kind(model_id: str) -> Kind:
    """Guess the kind from the id alone, for formats that carry no type information."""
    lowered = model_id.lower()
    for kind, pattern in _KIND_RULES:
        if pattern.search(lowered):
            return kind
    return "chat"


# ---------------------------------------------------------------------------------------------
# Tolerant field readers: each returns None (or a neutral value) for anything unexpected.
# ---------------------------------------------------------------------------------------------


def _model_id(value: Any) -> str | None:
    """A usable id: a non-blank string of ≤ 256 chars without control characters (log/HTML safety)."""
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID_LENGTH:
        return None
    if _CONTROL_CHARS.search(value):
        return None
    return value


def _text(value: Any, limit: int = MAX_ID_LENGTH) -> str:
    if not isinstance(value, str):
        return ""
    return _CONTROL_CHARS.sub(" ", value).strip()[:limit]


def token_count(value: Any) -> int | None:
    """A token count in (0, MAX_TOKENS]; bools, strings, NaN and absurd values → None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value <= 0 or value > MAX_TOKENS:
        return None
    return int(value)


def _number(value: Any) -> float | None:
    """A finite, non-negative number; numeric strings are accepted (OpenRouter sends prices as strings)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if len(value) > 64:
            return None
        try:
            value = float(value)
        except ValueError:
            return None
    if not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # a huge JSON integer
        return None
    if not math.isfinite(number) or number < 0:
        return None
    return number


def price_per_million(value: Any, *, per_token: bool) -> float | None:
    number = _number(value)
    if number is None:
        return None
    per_million = number * 1_000_000 if per_token else number
    if per_million > MAX_PRICE_PER_MILLION:
        return None
    return round(per_million, 9)  # drop float noise such as 0.15000000000000002


def _pricing(input_value: Any, output_value: Any, *, per_token: bool) -> dict[str, float]:
    pricing: dict[str, float] = {}
    for key, value in (("input", input_value), ("output", output_value)):
        price = price_per_million(value, per_token=per_token)
        if price is not None:
            pricing[key] = price
    return pricing


def iso_date(value: Any) -> str | None:
    """An ISO date (YYYY-MM-DD) from an ISO date/datetime string or a unix timestamp."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if not 0 < value < 253_402_300_799:  # up to 9999-12-31
        return None
    return datetime.fromtimestamp(value, tz=UTC).date().isoformat()


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    """The string members of a list (anything else → empty list)."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str)]


def _lower_strings(value: Any) -> set[str]:
    return {item.lower() for item in _strings(value)}


def _flag(container: dict[str, Any], key: str) -> bool:
    """True only for a literal JSON true (or {"supported": true}, Anthropic's capability shape)."""
    value = container.get(key)
    if isinstance(value, dict):
        value = value.get("supported")
    return value is True


def _capabilities(**flags: bool) -> list[str]:
    """Capability names in a stable order, for the flags that are set."""
    return [name for name, present in flags.items() if present]


def _cursor(value: Any) -> str | None:
    if isinstance(value, str) and value and len(value) <= MAX_CURSOR_LENGTH:
        return value
    return None


# ---------------------------------------------------------------------------------------------
# Top-level shape checks and the shared entry loop.
# ---------------------------------------------------------------------------------------------


def _top_list(body: Any, key: str, format_name: str) -> list[Any]:
    if not isinstance(body, dict):
        raise ParseError(f"The {format_name} model list is not a JSON object.")
    entries = body.get(key)
    if not isinstance(entries, list):
        raise ParseError(f"The {format_name} model list has no '{key}' array.")
    return entries


def _collect(entries: Iterable[Any], parse_entry: Callable[[dict[str, Any]], ModelRecord | None]) -> list[ModelRecord]:
    """Parse each dict entry, skipping malformed ones and duplicate ids (first occurrence wins)."""
    records: list[ModelRecord] = []
    seen: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        record = parse_entry(entry)
        if record is None or record.id in seen:
            continue
        seen.add(record.id)
        records.append(record)
    return records


def _modalities_kind(output_modalities: set[str]) -> Kind | None:
    """Kind from an output-modalities list (OpenRouter, newer Groq); None when it says nothing."""
    if not output_modalities:
        return None
    if output_modalities & {"embeddings", "embedding"}:
        return "embedding"
    if "text" in output_modalities:
        return "chat"
    if "image" in output_modalities:
        return "image"
    if "audio" in output_modalities:
        return "audio"
    return "other"


# ---------------------------------------------------------------------------------------------
# openai: {"object": "list", "data": [...]} plus the extra fields compatible servers add.
# ---------------------------------------------------------------------------------------------


def _openai_kind(entry: dict[str, Any], model_id: str) -> Kind:
    heuristic = classify_kind(model_id)
    entry_type = entry.get("type")
    if isinstance(entry_type, str) and entry_type.lower() in _TYPE_KINDS:  # LM Studio v0, Together-like
        return _TYPE_KINDS[entry_type.lower()]
    mistral_caps = entry.get("capabilities")
    if isinstance(mistral_caps, dict) and "completion_chat" in mistral_caps:
        if mistral_caps["completion_chat"] is True:
            return "chat"
        if mistral_caps.get("moderation") is True or mistral_caps.get("classification") is True:
            return "moderation"
        if mistral_caps.get("audio_transcription") is True or mistral_caps.get("audio_speech") is True:
            return "audio"
        # Explicitly not a chat model: trust a specific heuristic, otherwise "other" (OCR, FIM-only).
        return heuristic if heuristic != "chat" else "other"
    if "supports_chat" in entry and isinstance(entry["supports_chat"], bool):  # Fireworks
        if entry["supports_chat"]:
            return "chat"
        return heuristic if heuristic != "chat" else "other"
    by_modalities = _modalities_kind(_lower_strings(entry.get("output_modalities")))
    if by_modalities is not None and by_modalities != "chat":
        return by_modalities
    return heuristic


def _openai_entry(entry: dict[str, Any]) -> ModelRecord | None:
    model_id = _model_id(entry.get("id"))
    if model_id is None:
        return None
    if entry.get("active") is False:  # Groq: listed but not callable
        return None
    caps = _dict(entry.get("capabilities"))  # Mistral booleans / LM Studio v1 booleans
    input_modalities = _lower_strings(entry.get("input_modalities"))
    context = (
        token_count(entry.get("context_window"))  # Groq
        or token_count(entry.get("context_length"))  # Fireworks, OpenRouter-ish, newer Groq
        or token_count(entry.get("max_model_len"))  # vLLM
        or token_count(entry.get("max_context_length"))  # Mistral, LM Studio v0
    )
    pricing_block = _dict(entry.get("pricing"))
    return ModelRecord(
        id=model_id,
        display_name=_text(entry.get("display_name")) or _text(entry.get("name")),
        kind=_openai_kind(entry, model_id),
        context_window=context,
        max_output_tokens=token_count(entry.get("max_completion_tokens"))
        or token_count(entry.get("max_output_length")),
        capabilities=_capabilities(
            vision=_flag(caps, "vision")
            or entry.get("supports_image_input") is True
            or "image" in input_modalities
            or entry.get("type") == "vlm",
            function_calling=_flag(caps, "function_calling")
            or _flag(caps, "trained_for_tool_use")
            or entry.get("supports_tools") is True,
            # LM Studio describes reasoning as {"allowed_options": [...]} rather than a boolean.
            reasoning=_flag(caps, "reasoning") or _dict(caps.get("reasoning")).get("allowed_options") is not None,
        ),
        # OpenRouter-style per-token strings, when an OpenAI-compatible gateway passes them through.
        pricing=_pricing(pricing_block.get("prompt"), pricing_block.get("completion"), per_token=True),
        deprecation_date=iso_date(entry.get("deprecation")),
    )


def parse_openai(body: Any) -> Page:
    return _collect(_top_list(body, "data", "OpenAI-compatible"), _openai_entry), None


# ---------------------------------------------------------------------------------------------
# openrouter: data[] with per-token string prices and architecture modalities.
# ---------------------------------------------------------------------------------------------


def _openrouter_entry(entry: dict[str, Any]) -> ModelRecord | None:
    model_id = _model_id(entry.get("id"))
    if model_id is None:
        return None
    architecture = _dict(entry.get("architecture"))
    pricing = _dict(entry.get("pricing"))
    top_provider = _dict(entry.get("top_provider"))
    parameters = _lower_strings(entry.get("supported_parameters"))
    kind = _modalities_kind(_lower_strings(architecture.get("output_modalities"))) or classify_kind(model_id)
    return ModelRecord(
        id=model_id,
        display_name=_text(entry.get("name")),
        kind=kind,
        context_window=token_count(entry.get("context_length")) or token_count(top_provider.get("context_length")),
        max_output_tokens=token_count(top_provider.get("max_completion_tokens")),
        capabilities=_capabilities(
            vision="image" in _lower_strings(architecture.get("input_modalities")),
            function_calling="tools" in parameters,
            reasoning=bool(parameters & {"reasoning", "include_reasoning"}),
            structured_output="structured_outputs" in parameters,
        ),
        # "-1" marks router pseudo-models with variable prices; _number drops negatives.
        pricing=_pricing(pricing.get("prompt"), pricing.get("completion"), per_token=True),
        deprecation_date=iso_date(entry.get("expiration_date")),
    )


def parse_openrouter(body: Any) -> Page:
    return _collect(_top_list(body, "data", "OpenRouter"), _openrouter_entry), None


# ---------------------------------------------------------------------------------------------
# together: a bare JSON array; `type` is authoritative; prices are already per million.
# ---------------------------------------------------------------------------------------------


def _together_entry(entry: dict[str, Any]) -> ModelRecord | None:
    model_id = _model_id(entry.get("id"))
    if model_id is None:
        return None
    entry_type = entry.get("type")
    kind = _TYPE_KINDS.get(entry_type.lower()) if isinstance(entry_type, str) else None
    pricing_block = _dict(entry.get("pricing"))
    pricing = _pricing(pricing_block.get("input"), pricing_block.get("output"), per_token=False)
    if pricing and not any(pricing.values()):
        pricing = {}  # all zeros means "dedicated endpoint only", not "free"
    return ModelRecord(
        id=model_id,
        display_name=_text(entry.get("display_name")),
        kind=kind or classify_kind(model_id),
        context_window=token_count(entry.get("context_length")),
        max_output_tokens=token_count(_dict(entry.get("config")).get("max_output_length")),
        pricing=pricing,
    )


def parse_together(body: Any) -> Page:
    if isinstance(body, dict) and isinstance(body.get("data"), list):
        body = body["data"]  # some proxies wrap Together's array in the OpenAI envelope
    if not isinstance(body, list):
        raise ParseError("The Together model list is not a JSON array.")
    return _collect(body, _together_entry), None


# ---------------------------------------------------------------------------------------------
# ollama: /api/tags, then per-model /api/show merged in.
# ---------------------------------------------------------------------------------------------


def _ollama_entry(entry: dict[str, Any]) -> ModelRecord | None:
    model_id = _model_id(entry.get("name")) or _model_id(entry.get("model"))
    if model_id is None:
        return None
    details = _dict(entry.get("details"))
    family = details.get("family")
    kind = classify_kind(model_id)
    if kind == "chat" and isinstance(family, str) and family.lower().endswith("bert"):
        kind = "embedding"  # nomic-bert, bert: encoder-only families only embed
    record = ModelRecord(
        id=model_id, display_name=model_id, kind=kind, context_window=token_count(details.get("context_length"))
    )
    capabilities = entry.get("capabilities")  # newer Ollama puts them in /api/tags too
    return _apply_ollama_capabilities(record, capabilities) if isinstance(capabilities, list) else record


def _apply_ollama_capabilities(record: ModelRecord, raw: Any) -> ModelRecord:
    caps = _lower_strings(raw)
    if not caps:
        return record
    kind = record.kind
    if "completion" in caps:  # Ollama's own word beats our id heuristic
        kind = "chat"
    elif "embedding" in caps:
        kind = "embedding"
    elif "image" in caps:
        kind = "image"
    return replace(
        record,
        kind=kind,
        capabilities=_capabilities(
            vision="vision" in caps,
            function_calling="tools" in caps,
            reasoning="thinking" in caps,
        ),
    )


def parse_ollama(body: Any) -> Page:
    return _collect(_top_list(body, "models", "Ollama"), _ollama_entry), None


def merge_ollama_show(record: ModelRecord, body: Any) -> ModelRecord:
    """Merge a POST /api/show answer into a /api/tags record (context length, capabilities)."""
    if not isinstance(body, dict):
        raise ParseError("The Ollama model details are not a JSON object.")
    model_info = _dict(body.get("model_info"))
    architecture = model_info.get("general.architecture")
    context = None
    if isinstance(architecture, str):
        context = token_count(model_info.get(f"{architecture}.context_length"))
    if context is None:  # some builds omit general.architecture: take any "<arch>.context_length"
        context = next(
            (token_count(v) for k, v in model_info.items() if str(k).endswith(".context_length") and token_count(v)),
            None,
        )
    merged = replace(record, context_window=context or record.context_window)
    if "capabilities" in body:
        merged = _apply_ollama_capabilities(merged, body["capabilities"])
    return merged


# ---------------------------------------------------------------------------------------------
# anthropic: data[] + has_more/last_id pages.
# ---------------------------------------------------------------------------------------------


def _anthropic_entry(entry: dict[str, Any]) -> ModelRecord | None:
    model_id = _model_id(entry.get("id"))
    if model_id is None:
        return None
    caps = _dict(entry.get("capabilities"))
    return ModelRecord(
        id=model_id,
        display_name=_text(entry.get("display_name")),
        kind="chat",  # every entry is a Messages-API model
        context_window=token_count(entry.get("max_input_tokens")),
        max_output_tokens=token_count(entry.get("max_tokens")),
        capabilities=_capabilities(
            vision=_flag(caps, "image_input"),
            reasoning=_flag(caps, "thinking"),
            structured_output=_flag(caps, "structured_outputs"),
        ),
        deprecation_date=iso_date(entry.get("deprecated_at")),
    )


def parse_anthropic(body: Any) -> Page:
    entries = _top_list(body, "data", "Anthropic")
    records = _collect(entries, _anthropic_entry)
    cursor = None
    if body.get("has_more") is True:
        # last_id is the documented cursor; the last entry's id is the same thing if it is missing.
        cursor = _cursor(body.get("last_id")) or (records[-1].id if records else None)
    return records, cursor


# ---------------------------------------------------------------------------------------------
# gemini: models[] + nextPageToken; the kind comes from supportedGenerationMethods.
# ---------------------------------------------------------------------------------------------


def _gemini_kind(methods: set[str], model_id: str) -> Kind:
    heuristic = classify_kind(model_id)
    if "generatecontent" in methods:
        # TTS and image-output Gemini variants also speak generateContent.
        return heuristic if heuristic in ("audio", "image") else "chat"
    if methods & {"embedcontent", "embedtext", "batchembedcontents", "asyncbatchembedcontent"}:
        return "embedding"
    if "predict" in methods:
        return "image" if heuristic in ("chat", "image") else heuristic  # Imagen
    if "bidigeneratecontent" in methods:
        return "audio"  # Live API models
    return "other"  # predictLongRunning (Veo video), generateAnswer (AQA), ...


def _gemini_entry(entry: dict[str, Any]) -> ModelRecord | None:
    name = entry.get("name")
    if isinstance(name, str) and name.startswith("models/"):
        name = name[len("models/") :]
    model_id = _model_id(name)
    if model_id is None:
        return None
    methods = _lower_strings(entry.get("supportedGenerationMethods"))
    return ModelRecord(
        id=model_id,
        display_name=_text(entry.get("displayName")),
        kind=_gemini_kind(methods, model_id),
        context_window=token_count(entry.get("inputTokenLimit")),
        max_output_tokens=token_count(entry.get("outputTokenLimit")),
        capabilities=_capabilities(reasoning=entry.get("thinking") is True),
    )


def parse_gemini(body: Any) -> Page:
    records = _collect(_top_list(body, "models", "Gemini"), _gemini_entry)
    return records, _cursor(body.get("nextPageToken"))


# ---------------------------------------------------------------------------------------------
# cohere: models[] with endpoints[] + next_page_token.
# ---------------------------------------------------------------------------------------------


def _cohere_kind(endpoints: set[str], model_id: str) -> Kind:
    if endpoints & {"chat", "generate", "summarize"}:
        return "chat"
    if "embed" in endpoints:
        return "embedding"
    if "rerank" in endpoints:
        return "rerank"
    if endpoints:
        return "other"  # classify-only and other special-purpose models
    return classify_kind(model_id)


def _cohere_entry(entry: dict[str, Any]) -> ModelRecord | None:
    model_id = _model_id(entry.get("name"))
    if model_id is None:
        return None
    features = _lower_strings(entry.get("features"))
    return ModelRecord(
        id=model_id,
        display_name=model_id,
        kind=_cohere_kind(_lower_strings(entry.get("endpoints")), model_id),
        context_window=token_count(entry.get("context_length")),
        capabilities=_capabilities(
            vision=entry.get("supports_vision") is True,
            function_calling=bool(features & {"tools", "strict_tools"}),
            structured_output=bool(features & {"json_schema", "json_mode"}),
        ),
    )


def parse_cohere(body: Any) -> Page:
    records = _collect(_top_list(body, "models", "Cohere"), _cohere_entry)
    return records, _cursor(body.get("next_page_token"))


# ---------------------------------------------------------------------------------------------
# azure_openai: /openai/models — capabilities booleans, lifecycle and deprecation timestamps.
# ---------------------------------------------------------------------------------------------


def _azure_entry(entry: dict[str, Any]) -> ModelRecord | None:
    model_id = _model_id(entry.get("id"))
    if model_id is None:
        return None
    status = entry.get("status")
    if isinstance(status, str) and status != "succeeded":
        return None  # a fine-tune still running (or failed) cannot serve requests
    caps = entry.get("capabilities")
    heuristic = classify_kind(model_id)
    if isinstance(caps, dict):
        if caps.get("inference") is False:
            return None  # listed for fine-tuning only; it cannot be called
        if caps.get("chat_completion") is True or caps.get("completion") is True:
            kind: Kind = "chat"
        elif caps.get("embeddings") is True:
            kind = "embedding"
        else:
            kind = heuristic if heuristic != "chat" else "other"  # dall-e, whisper, ...
    else:
        kind = heuristic  # the v1 API returns the plain OpenAI shape
    return ModelRecord(
        id=model_id,
        kind=kind,
        deprecation_date=iso_date(_dict(entry.get("deprecation")).get("inference")),
    )


def parse_azure_openai(body: Any) -> Page:
    return _collect(_top_list(body, "data", "Azure OpenAI"), _azure_entry), None


# ---------------------------------------------------------------------------------------------
# bedrock: ListFoundationModels modelSummaries[].
# ---------------------------------------------------------------------------------------------


def _bedrock_kind(outputs: set[str]) -> Kind:
    if "embedding" in outputs:
        return "embedding"
    if "text" in outputs:
        return "chat"
    if "image" in outputs:
        return "image"
    if outputs & {"speech", "audio"}:
        return "audio"
    return "other"


def _bedrock_entry(entry: dict[str, Any]) -> ModelRecord | None:
    model_id = _model_id(entry.get("modelId"))
    if model_id is None:
        return None
    inference_types = _lower_strings(entry.get("inferenceTypesSupported"))
    if inference_types == {"provisioned"}:
        return None  # only callable after buying provisioned throughput
    outputs = _lower_strings(entry.get("outputModalities"))
    kind = _bedrock_kind(outputs) if outputs else classify_kind(model_id)
    return ModelRecord(
        id=model_id,
        display_name=_text(entry.get("modelName")),
        kind=kind,
        capabilities=_capabilities(vision=kind == "chat" and "image" in _lower_strings(entry.get("inputModalities"))),
    )


def parse_bedrock(body: Any) -> Page:
    return _collect(_top_list(body, "modelSummaries", "Bedrock"), _bedrock_entry), None


PARSERS: dict[str, Callable[[Any], Page]] = {
    "openai": parse_openai,
    "openrouter": parse_openrouter,
    "together": parse_together,
    "ollama": parse_ollama,
    "anthropic": parse_anthropic,
    "gemini": parse_gemini,
    "cohere": parse_cohere,
    "azure_openai": parse_azure_openai,
    "bedrock": parse_bedrock,
}


def parse(format_name: str, body: Any) -> Page:
    """Dispatch to the parser for a template's `model_fetching.format`."""
    try:
        parser = PARSERS[format_name]
    except KeyError:
        raise ValueError(f"no parser for list format {format_name!r}") from None
    return parser(body)
