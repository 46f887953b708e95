"""Loads provider templates from the built-in directory and LLM_PROVIDERS_TEMPLATE_DIRS.

The catalog is plain data behind an explicit loader (no import-time registry). Loading is
cached per process; `reload()` exists for tests and for the `--validate` command.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from llm_providers import conf
from llm_providers.catalog.schema import ProviderTemplate

BUILTIN_DIR = Path(__file__).resolve().parent / "templates"

# The original five come first, in this order, for integrations that list providers.
LEGACY_ORDER = ("openai", "anthropic", "azure_openai", "bedrock", "vertex_ai")


@dataclass(frozen=True)
class TemplateProblem:
    path: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: {self.field}" if self.field else self.path
        return f"{where}: {self.message}"


@dataclass
class Catalog:
    templates: dict[str, ProviderTemplate] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    problems: list[TemplateProblem] = field(default_factory=list)

    def ordered(self) -> list[ProviderTemplate]:
        legacy = [self.templates[i] for i in LEGACY_ORDER if i in self.templates]
        rest = sorted((t for t in self.templates.values() if t.id not in LEGACY_ORDER), key=lambda t: t.name.lower())
        return legacy + rest


def _template_files() -> list[Path]:
    files = sorted(BUILTIN_DIR.glob("*.json"))
    for directory in conf.get("TEMPLATE_DIRS"):
        files.extend(sorted(Path(directory).glob("*.json")))
    return files


def _problems_from_validation(path: str, exc: ValidationError) -> list[TemplateProblem]:
    problems = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error["loc"])
        problems.append(TemplateProblem(path, location, error["msg"]))
    return problems


def load_catalog(*, check_litellm: bool = False) -> Catalog:
    catalog = Catalog()
    known_providers = None
    if check_litellm:
        from llm_providers.discovery.litellm_catalog import provider_names

        known_providers = provider_names()
    for path in _template_files():
        where = str(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            catalog.problems.append(TemplateProblem(where, "", f"not valid JSON: {exc}"))
            continue
        try:
            template = ProviderTemplate.model_validate(data)
        except ValidationError as exc:
            catalog.problems.extend(_problems_from_validation(where, exc))
            continue
        if template.id in catalog.templates:
            first = catalog.sources[template.id]
            catalog.problems.append(
                TemplateProblem(where, "id", f"duplicate template id {template.id!r} (also in {first})")
            )
            continue
        if known_providers is not None and template.litellm_provider not in known_providers:
            catalog.problems.append(
                TemplateProblem(where, "litellm_provider", f"unknown litellm provider {template.litellm_provider!r}")
            )
            continue
        catalog.templates[template.id] = template
        catalog.sources[template.id] = where
    return catalog


@lru_cache(maxsize=1)
def _cached_catalog() -> Catalog:
    return load_catalog()


def get_catalog() -> Catalog:
    return _cached_catalog()


def reload() -> Catalog:
    _cached_catalog.cache_clear()
    return _cached_catalog()


def get_template(template_id: str) -> ProviderTemplate | None:
    return get_catalog().templates.get(template_id)


def all_templates() -> list[ProviderTemplate]:
    return get_catalog().ordered()
