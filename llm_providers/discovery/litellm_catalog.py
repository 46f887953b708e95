"""litellm's bundled model catalog (context windows, prices, capabilities), read WITHOUT importing litellm.

Importing litellm costs ~3 s and pulls in half of PyPI; the catalog is a plain JSON file inside the
package, so we locate the package with importlib (which does not execute it) and read the file.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import logging
import os
import re
import tempfile
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from llm_providers.discovery.parsers import MAX_ID_LENGTH, iso_date, price_per_million, token_count
from llm_providers.discovery.records import Kind, ModelRecord

logger = logging.getLogger(__name__)

CATALOG_FILE = "model_prices_and_context_window_backup.json"

# A template's litellm provider → the catalog's `litellm_provider` values and key prefixes to try.
# Providers not listed map to themselves.
_PROVIDER_ALIASES: dict[str, tuple[str, ...]] = {
    "ollama_chat": ("ollama_chat", "ollama"),
    "cohere": ("cohere", "cohere_chat"),
    "cohere_chat": ("cohere_chat", "cohere"),
    "bedrock": ("bedrock", "bedrock_converse"),
    "bedrock_converse": ("bedrock_converse", "bedrock"),
    "together": ("together_ai",),
    "fireworks": ("fireworks_ai",),
}
# Providers whose real model ids never contain "/": a slash in their catalog keys marks a pricing
# variant (azure/eu/gpt-4o, bedrock/us-east-1/..., low/1024-x-1024/gpt-image-1), not a model.
_FLAT_ID_PROVIDERS = frozenset(
    {"openai", "azure", "anthropic", "gemini", "mistral", "cohere", "cohere_chat", "deepseek", "xai", "bedrock"}
)
_VARIANT_SEGMENT = re.compile(
    r"^(\d+-x-\d+|max-x-max|\d+-steps|max-steps|low|medium|high|standard|hd|\*|.*commitment.*)$", re.IGNORECASE
)

# Pricing buckets rather than models: litellm's size tiers for Together and its fine-tune templates.
_PSEUDO_ID = re.compile(r"^(together-ai-|ft:)")

_MODE_KINDS: dict[str, Kind] = {
    "chat": "chat",
    "completion": "chat",
    "responses": "chat",
    "embedding": "embedding",
    "image_generation": "image",
    "image_edit": "image",
    "audio_transcription": "audio",
    "audio_speech": "audio",
    "realtime": "audio",
    "moderation": "moderation",
    "rerank": "rerank",
    "video_generation": "other",
    "ocr": "other",
}
# Ordered like parsers' capability lists so enriched and parsed records look alike.
_CAPABILITY_FLAGS: tuple[tuple[str, str], ...] = (
    ("vision", "supports_vision"),
    ("function_calling", "supports_function_calling"),
    ("reasoning", "supports_reasoning"),
    ("structured_output", "supports_response_schema"),
    ("prompt_caching", "supports_prompt_caching"),
)


def _litellm_dir() -> Path | None:
    # find_spec on a top-level name locates the package without executing its __init__.
    spec = importlib.util.find_spec("litellm")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def _catalog() -> dict[str, dict[str, Any]]:
    """The catalog as {key: entry}; empty when litellm or its file is missing (enrichment is best-effort)."""
    directory = _litellm_dir()
    if directory is None:
        logger.warning("litellm is not installed; model metadata enrichment is off")
        return {}
    try:
        raw = json.loads((directory / CATALOG_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        logger.warning("cannot read litellm's model catalog: %s", exc)
        return {}
    if not isinstance(raw, dict):
        return {}
    return {key: entry for key, entry in raw.items() if isinstance(entry, dict) and key != "sample_spec"}


def _providers(litellm_provider: str) -> tuple[str, ...]:
    return _PROVIDER_ALIASES.get(litellm_provider, (litellm_provider,))


def _belongs(entry: dict[str, Any], providers: tuple[str, ...]) -> bool:
    # The catalog also uses sub-provider labels such as "vertex_ai-language-models".
    owner = entry.get("litellm_provider")
    return isinstance(owner, str) and any(owner == p or owner.startswith(f"{p}-") for p in providers)


def _candidate_keys(providers: tuple[str, ...], model_id: str) -> list[str]:
    ids = [model_id]
    if model_id.endswith(":latest"):  # Ollama's default tag: the catalog lists the bare name
        ids.append(model_id.removesuffix(":latest"))
    keys = [f"{p}/{i}" for i in ids for p in providers] + ids
    if "fireworks_ai" in providers and "/" not in model_id:  # short Fireworks ids (fallback lists)
        keys.append(f"fireworks_ai/accounts/fireworks/models/{model_id}")
    keys += [key.lower() for key in keys if key != key.lower()]
    return list(dict.fromkeys(keys))


def catalog_entry(litellm_provider: str, model_id: str) -> dict[str, Any] | None:
    """litellm's entry for a model of this provider, or None. Only entries owned by the provider match,
    so a Groq model that shares an id with an OpenAI one never gets OpenAI's prices."""
    catalog = _catalog()
    providers = _providers(litellm_provider)
    for key in _candidate_keys(providers, model_id):
        entry = catalog.get(key)
        if entry is not None and _belongs(entry, providers):
            return entry
    return None


def _kind_from_mode(mode: Any) -> Kind | None:
    return _MODE_KINDS.get(mode) if isinstance(mode, str) else None


def _catalog_pricing(entry: dict[str, Any]) -> dict[str, float]:
    pricing: dict[str, float] = {}
    for name, key in (("input", "input_cost_per_token"), ("output", "output_cost_per_token")):
        price = price_per_million(entry.get(key), per_token=True)
        if price is not None:
            pricing[name] = price
    return pricing


def _record_from_entry(record: ModelRecord, entry: dict[str, Any]) -> ModelRecord:
    """Fill the fields `record` leaves empty from a catalog entry; never overwrite what the API said."""
    updates: dict[str, Any] = {}
    if record.context_window is None:
        context = token_count(entry.get("max_input_tokens")) or token_count(entry.get("max_tokens"))
        if context is not None:
            updates["context_window"] = context
    if record.max_output_tokens is None and token_count(entry.get("max_output_tokens")) is not None:
        updates["max_output_tokens"] = token_count(entry.get("max_output_tokens"))
    if not record.pricing:
        pricing = _catalog_pricing(entry)
        if pricing:
            updates["pricing"] = pricing
    if record.deprecation_date is None and iso_date(entry.get("deprecation_date")) is not None:
        updates["deprecation_date"] = iso_date(entry.get("deprecation_date"))
    if not record.capabilities:
        capabilities = [name for name, flag in _CAPABILITY_FLAGS if entry.get(flag) is True]
        if capabilities:
            updates["capabilities"] = capabilities
    # "chat" is both the default and the heuristic's fallback, so it is the one kind we treat as unknown.
    mode_kind = _kind_from_mode(entry.get("mode"))
    if record.kind == "chat" and mode_kind is not None and mode_kind != "chat":
        updates["kind"] = mode_kind
    return replace(record, **updates) if updates else record


def enrich(record: ModelRecord, litellm_provider: str) -> ModelRecord:
    """A copy of `record` with missing metadata filled from litellm's catalog (unchanged if unknown)."""
    entry = catalog_entry(litellm_provider, record.id)
    return _record_from_entry(record, entry) if entry is not None else record


def _model_id_from_key(key: str, providers: tuple[str, ...]) -> str | None:
    model_id = key
    for provider in providers:
        if key.startswith(f"{provider}/"):
            model_id = key[len(provider) + 1 :]
            break
    if "/" in model_id:
        if any(p in _FLAT_ID_PROVIDERS for p in providers):
            return None
        if any(_VARIANT_SEGMENT.match(segment) for segment in model_id.split("/")[:-1]):
            return None
    if not model_id or len(model_id) > MAX_ID_LENGTH or _PSEUDO_ID.match(model_id):
        return None
    return model_id


def catalog_models(litellm_provider: str) -> list[ModelRecord]:
    """Every model litellm knows for this provider (source "catalog"), ids without the provider prefix."""
    providers = _providers(litellm_provider)
    records: dict[str, ModelRecord] = {}
    for key, entry in _catalog().items():
        kind = _kind_from_mode(entry.get("mode"))
        if kind is None or not _belongs(entry, providers):
            continue  # search tools, guardrails, vector stores: not models you pick
        model_id = _model_id_from_key(key, providers)
        if model_id is None or model_id in records:
            continue
        records[model_id] = _record_from_entry(ModelRecord(id=model_id, kind=kind, source="catalog"), entry)
    return list(records.values())


# ---------------------------------------------------------------------------------------------
# litellm's provider list: only available by importing litellm, so do it once per litellm version.
# ---------------------------------------------------------------------------------------------


def _cache_dir() -> Path:
    try:
        from django.conf import settings

        configured = getattr(settings, "LLM_PROVIDERS_CACHE_DIR", None) if settings.configured else None
    except ImportError:  # pragma: no cover - Django is a hard dependency of the app
        configured = None
    return Path(configured) if configured else Path(tempfile.gettempdir())


def _import_provider_names() -> list[str]:
    # Never fetch the cost map over the network while importing.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    return sorted({str(getattr(p, "value", p)) for p in litellm.provider_list})


@lru_cache(maxsize=1)
def provider_names() -> frozenset[str]:
    """litellm's provider names, e.g. {"openai", "groq", "ollama_chat", ...} (cached on disk per version)."""
    try:
        version = importlib.metadata.version("litellm")
    except importlib.metadata.PackageNotFoundError:
        return frozenset()
    path = _cache_dir() / f"llm_providers-litellm-providers-{version}.json"
    try:
        names = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(names, list) and names and all(isinstance(n, str) for n in names):
            return frozenset(names)
    except (OSError, ValueError):
        pass  # no cache yet (or a corrupt one): rebuild below
    names = _import_provider_names()
    _write_atomically(path, json.dumps(names))
    return frozenset(names)


def _write_atomically(path: Path, text: str) -> None:
    """Write-then-rename, so a concurrent reader never sees half a file; failure only costs the cache."""
    tmp_name = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8") as tmp:
            tmp_name = tmp.name
            tmp.write(text)
        os.replace(tmp_name, path)
    except OSError as exc:
        logger.warning("cannot cache litellm's provider list in %s: %s", path.parent, exc)
        if tmp_name:
            Path(tmp_name).unlink(missing_ok=True)
