"""The descriptor list existing integrations read: `fetch_available_well_known_llms()`.

Its shape predates the template catalog and is kept as it was; every built-in template now
produces one descriptor, the original five first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from llm_providers.catalog.loader import all_templates
from llm_providers.catalog.schema import ProviderTemplate

_CORE_FIELDS = {"api_key", "api_base", "api_version", "deployment_name"}


@dataclass(frozen=True)
class WellKnownLLMProviderDescriptor:
    name: str
    display_name: str
    api_key_required: bool
    api_base_required: bool
    api_version_required: bool
    deployment_name_required: bool
    custom_config_keys: list[str] = field(default_factory=list)
    llm_names: list[str] = field(default_factory=list)
    default_model: str | None = None
    default_api_base: str | None = None


def _required(template: ProviderTemplate, name: str) -> bool:
    spec = template.field(name)
    return bool(spec and spec.required)


def descriptor_for(template: ProviderTemplate) -> WellKnownLLMProviderDescriptor:
    base = template.field("api_base")
    return WellKnownLLMProviderDescriptor(
        name=template.id,
        display_name=template.name,
        api_key_required=_required(template, "api_key"),
        api_base_required=_required(template, "api_base"),
        api_version_required=_required(template, "api_version"),
        deployment_name_required=_required(template, "deployment_name"),
        custom_config_keys=[f.name for f in template.config_schema if f.name not in _CORE_FIELDS],
        llm_names=[m.id for m in template.fallback_models],
        default_model=template.default_model or None,
        default_api_base=(base.default if base and base.default else None),
    )


def fetch_available_well_known_llms() -> list[WellKnownLLMProviderDescriptor]:
    return [descriptor_for(template) for template in all_templates()]
