import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from llm_providers.catalog import loader
from llm_providers.catalog.checks import check_templates
from llm_providers.discovery.litellm_catalog import provider_names

BUILTIN_IDS = {
    "openai", "anthropic", "azure_openai", "bedrock", "vertex_ai", "groq", "together_ai", "fireworks_ai",
    "ollama", "lm_studio", "localai", "vllm", "gemini", "mistral", "deepseek", "xai", "openrouter", "cohere",
    "cerebras", "perplexity", "litellm_proxy", "openai_compatible", "custom",
}  # fmt: skip


def test_every_builtin_template_loads_without_problems():
    catalog = loader.load_catalog(check_litellm=True)
    assert catalog.problems == []
    assert set(catalog.templates) == BUILTIN_IDS


def test_templates_use_real_litellm_providers_and_compiling_patterns():
    names = provider_names()
    for template in loader.all_templates():
        assert template.litellm_provider in names, template.id
        for spec in template.config_schema:
            if spec.pattern:
                re.compile(spec.pattern)
                assert spec.pattern_message


def test_every_provider_with_a_list_endpoint_has_fallback_models():
    for template in loader.all_templates():
        if template.model_fetching.supported:
            assert template.fallback_models, template.id
            expected_ttl = 300 if template.category in {"local"} else template.model_fetching.ttl_seconds
            assert template.model_fetching.ttl_seconds == expected_ttl


@pytest.mark.parametrize(
    ("template_id", "category"),
    [("openai", "popular_cloud"), ("groq", "popular_cloud"), ("azure_openai", "enterprise"), ("bedrock", "enterprise"),
     ("vertex_ai", "enterprise"), ("ollama", "local"), ("vllm", "local"), ("litellm_proxy", "custom"),
     ("openai_compatible", "custom"), ("custom", "custom")],
)  # fmt: skip
def test_categories(template_id, category):
    assert loader.get_template(template_id).category == category


def test_cloud_ttl_is_an_hour_and_local_five_minutes():
    assert loader.get_template("groq").model_fetching.ttl_seconds == 3600
    assert loader.get_template("ollama").model_fetching.ttl_seconds == 300


def test_real_base_urls():
    defaults = {t.id: t.field("api_base").default for t in loader.all_templates()}
    assert defaults["groq"] == "https://api.groq.com/openai/v1"
    assert defaults["together_ai"] == "https://api.together.xyz/v1"
    assert defaults["fireworks_ai"] == "https://api.fireworks.ai/inference/v1"
    assert defaults["ollama"] == "http://localhost:11434"


def test_portable_field_names():
    azure = {f.name for f in loader.get_template("azure_openai").config_schema}
    assert {"api_base", "api_key", "api_version", "deployment_name"} <= azure
    bedrock = {f.name for f in loader.get_template("bedrock").config_schema}
    assert {"aws_region_name", "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "api_key"} <= bedrock
    vertex = loader.get_template("vertex_ai")
    assert {"vertex_project", "vertex_location", "vertex_credentials"} <= {f.name for f in vertex.config_schema}
    assert vertex.field("vertex_credentials").secret and vertex.field("vertex_credentials").type == "file"


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def _valid_extra(**changes):
    data = json.loads((loader.BUILTIN_DIR / "groq.json").read_text())
    data.update(id="acme", name="Acme AI")
    data.update(changes)
    return data


def test_extra_template_dir_is_picked_up(settings, tmp_path):
    _write(tmp_path, "acme.json", _valid_extra())
    settings.LLM_PROVIDERS_TEMPLATE_DIRS = [str(tmp_path)]
    assert loader.reload().templates["acme"].name == "Acme AI"
    assert check_templates() == []


@pytest.mark.parametrize(
    ("content", "field", "fragment"),
    [
        ("{not json", "", "not valid JSON"),
        (_valid_extra(config_schema=[{"name": "api_base", "label": "Base", "type": "colour"}]),
         "config_schema.0.type", "Input should be"),
        (_valid_extra(litellm_provider="no_such_provider"), "litellm_provider", "unknown litellm provider"),
        (_valid_extra(id="groq"), "id", "duplicate template id 'groq'"),
    ],
)  # fmt: skip
def test_broken_template_fails_check_naming_file_and_field(settings, tmp_path, content, field, fragment):
    path = _write(tmp_path, "broken.json", content)
    settings.LLM_PROVIDERS_TEMPLATE_DIRS = [str(tmp_path)]
    errors = check_templates()
    assert len(errors) == 1
    message = errors[0].msg
    assert str(path) in message
    assert fragment in message
    if field:
        assert f": {field}:" in message


def test_catalog_command_validates_all_23(capsys):
    call_command("llm_providers_catalog", "--validate")
    out, err = capsys.readouterr()
    assert len(out.strip().splitlines()) == 23
    assert all(line.endswith("valid") for line in out.strip().splitlines())
    assert "23 templates, all valid" in err


def test_catalog_command_fails_on_a_broken_file(settings, tmp_path):
    _write(tmp_path, "broken.json", "[]")
    settings.LLM_PROVIDERS_TEMPLATE_DIRS = [str(tmp_path)]
    with pytest.raises(CommandError, match="1 problem"):
        call_command("llm_providers_catalog", "--validate")


def test_catalog_command_json(capsys):
    call_command("llm_providers_catalog", "--json")
    data = json.loads(capsys.readouterr().out)
    assert [t["id"] for t in data[:5]] == ["openai", "anthropic", "azure_openai", "bedrock", "vertex_ai"]
