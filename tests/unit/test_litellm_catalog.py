"""litellm's bundled catalog, read without importing litellm.

Concrete numbers come from the catalog shipped with the pinned litellm (pyproject: litellm==1.109.3);
a deliberate litellm bump may need them updated.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from llm_providers.discovery.litellm_catalog import catalog_entry, catalog_models, enrich, provider_names
from llm_providers.discovery.records import ModelRecord

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **extra_env}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the module must work without Django configured
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_reading_the_catalog_does_not_import_litellm():
    result = run_python(
        "import llm_providers.discovery.litellm_catalog as c, sys\n"
        "c.catalog_entry('groq', 'llama-3.1-8b-instant')\n"
        "assert c.catalog_entry('openai', 'gpt-4o-mini') is not None\n"
        "from llm_providers.discovery.records import ModelRecord\n"
        "c.enrich(ModelRecord(id='gpt-4o-mini'), 'openai')\n"
        "assert c.catalog_models('anthropic')\n"
        "assert 'litellm' not in sys.modules, 'litellm was imported'\n"
    )
    assert result.returncode == 0, result.stderr


def test_catalog_entry_tries_prefixed_and_bare_keys():
    assert catalog_entry("groq", "openai/gpt-oss-120b")["max_input_tokens"] == 131072  # key "groq/openai/..."
    assert catalog_entry("anthropic", "claude-sonnet-4-5")["litellm_provider"] == "anthropic"  # bare key
    assert catalog_entry("gemini", "gemini-2.5-flash")["max_input_tokens"] == 1048576


def test_catalog_entry_only_matches_the_providers_own_entries():
    # "gpt-4o-mini" exists, but as an OpenAI model: a Groq model of that name must not get its prices.
    assert catalog_entry("openai", "gpt-4o-mini") is not None
    assert catalog_entry("groq", "gpt-4o-mini") is None
    assert catalog_entry("openai", "no-such-model-xyz") is None


def test_catalog_entry_provider_aliases():
    # ollama_chat models are listed under ollama/, and ":latest" is Ollama's default tag.
    assert catalog_entry("ollama_chat", "llama3:latest")["max_input_tokens"] == 8192
    # Cohere chat models are owned by "cohere_chat" in the catalog.
    assert catalog_entry("cohere", "command-a-03-2025")["max_input_tokens"] == 256000
    # Fireworks ids are full account paths; short fallback ids get the path added.
    full = catalog_entry("fireworks_ai", "accounts/fireworks/models/llama-v3p1-405b-instruct")
    assert full is not None
    assert catalog_entry("fireworks_ai", "llama-v3p1-405b-instruct") == full


def test_enrich_fills_missing_fields():
    enriched = enrich(ModelRecord(id="gpt-4o-mini"), "openai")
    assert enriched.context_window == 128000
    assert enriched.max_output_tokens == 16384
    assert enriched.pricing == {"input": 0.15, "output": 0.6}
    assert enriched.capabilities == ["vision", "function_calling", "structured_output", "prompt_caching"]
    assert enriched.source == "api"


def test_enrich_never_overwrites_what_the_api_said():
    record = ModelRecord(
        id="gpt-4o-mini",
        display_name="Mine",
        context_window=1000,
        max_output_tokens=10,
        capabilities=["vision"],
        pricing={"input": 9.0},
        deprecation_date="2030-01-01",
    )
    assert enrich(record, "openai") == record


def test_enrich_deprecation_date_and_kind_from_mode():
    assert enrich(ModelRecord(id="gpt-4o"), "azure").deprecation_date == "2027-04-14"
    # "chat" is the default, so the catalog's mode may correct it; any other kind came from the API.
    assert enrich(ModelRecord(id="text-embedding-3-small"), "openai").kind == "embedding"
    assert enrich(ModelRecord(id="text-embedding-3-small", kind="other"), "openai").kind == "other"


def test_enrich_unknown_model_returns_the_record_unchanged():
    record = ModelRecord(id="my-private-finetune")
    assert enrich(record, "openai") is record
    assert enrich(ModelRecord(id="anything"), "no_such_provider") == ModelRecord(id="anything")


def test_enrich_does_not_mutate_its_input():
    record = ModelRecord(id="gpt-4o-mini")
    enrich(record, "openai")
    assert record == ModelRecord(id="gpt-4o-mini")


def test_catalog_models_for_anthropic():
    models = catalog_models("anthropic")
    ids = [m.id for m in models]
    assert "claude-sonnet-4-5" in ids
    assert len(ids) == len(set(ids))
    assert all(m.source == "catalog" for m in models)
    sonnet = next(m for m in models if m.id == "claude-sonnet-4-5")
    assert sonnet.context_window == 200000 and sonnet.pricing["input"] == 3.0


def test_catalog_models_strip_the_prefix_but_keep_org_paths():
    groq = {m.id: m for m in catalog_models("groq")}
    assert "openai/gpt-oss-120b" in groq
    assert not any(i.startswith("groq/") for i in groq)
    assert groq["whisper-large-v3"].kind == "audio"
    fireworks = [m.id for m in catalog_models("fireworks_ai")]
    assert "accounts/fireworks/models/llama-v3p1-405b-instruct" in fireworks


def test_catalog_models_skip_pricing_variants():
    azure = [m.id for m in catalog_models("azure")]
    assert "gpt-4o" in azure
    assert not any("/" in i for i in azure)  # azure/eu/gpt-4o, azure/standard/1024-x-1024/dall-e-3
    openai = [m.id for m in catalog_models("openai")]
    assert "gpt-image-1" in openai
    assert not any(i.startswith(("low/", "1024-x-1024/", "ft:")) for i in openai)
    assert not any(i.startswith("together-ai-") for i in (m.id for m in catalog_models("together_ai")))


def test_catalog_models_unknown_provider_is_empty():
    assert catalog_models("hosted_vllm") == []


@pytest.fixture
def fresh_provider_names():
    provider_names.cache_clear()
    yield
    provider_names.cache_clear()


def test_provider_names_reads_the_per_version_cache_file(settings, tmp_path, fresh_provider_names):
    settings.LLM_PROVIDERS_CACHE_DIR = str(tmp_path)
    version = importlib.metadata.version("litellm")
    (tmp_path / f"llm_providers-litellm-providers-{version}.json").write_text(json.dumps(["alpha", "beta"]))
    assert provider_names() == frozenset({"alpha", "beta"})


def test_provider_names_builds_the_cache_from_litellm(tmp_path):
    # In a child process (importing litellm takes seconds and we keep it out of this one).
    result = run_python(
        "import json, sys\n"
        "from llm_providers.discovery.litellm_catalog import provider_names\n"
        "names = provider_names()\n"
        "print(json.dumps(sorted(names)))\n",
        TMPDIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    names = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert {"openai", "groq", "ollama_chat", "hosted_vllm", "bedrock", "anthropic"} <= names
    cached = list(tmp_path.glob("llm_providers-litellm-providers-*.json"))
    assert len(cached) == 1
    assert set(json.loads(cached[0].read_text())) == names
