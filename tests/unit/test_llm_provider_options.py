from llm_providers.llm_provider_options import WellKnownLLMProviderDescriptor, fetch_available_well_known_llms


def test_original_five_first_then_every_template():
    descriptors = fetch_available_well_known_llms()
    assert [d.name for d in descriptors[:5]] == ["openai", "anthropic", "azure_openai", "bedrock", "vertex_ai"]
    assert len(descriptors) == 23
    assert all(isinstance(d, WellKnownLLMProviderDescriptor) for d in descriptors)


def test_descriptor_shape():
    by_name = {d.name: d for d in fetch_available_well_known_llms()}
    azure = by_name["azure_openai"]
    assert azure.display_name == "Azure OpenAI"
    assert azure.api_key_required and azure.api_base_required
    assert azure.api_version_required and azure.deployment_name_required
    groq = by_name["groq"]
    assert groq.api_key_required and not groq.api_base_required and not groq.api_version_required
    assert groq.default_model in groq.llm_names
    bedrock = by_name["bedrock"]
    assert "aws_region_name" in bedrock.custom_config_keys
    assert "api_key" not in bedrock.custom_config_keys
    ollama = by_name["ollama"]
    assert ollama.api_base_required and not ollama.api_key_required
