"""Validates submitted config values against a template's config_schema, field by field.

Shared by the services (the authority), the generated forms (inline validation as you type)
and the wizard's pre-save test endpoints, so one rule never has two implementations.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from llm_providers.catalog.schema import ConfigField, ProviderTemplate
from llm_providers.exceptions import BlockedURL

# Sentinel a caller passes for a secret field to remove the stored value.
CLEAR = object()


@dataclass
class CleanedConfig:
    settings: dict[str, Any] = field(default_factory=dict)  # non-secret values to store
    secrets: dict[str, str] = field(default_factory=dict)  # secret values to (re)place
    cleared: set[str] = field(default_factory=set)  # secret fields to remove
    errors: dict[str, list[str]] = field(default_factory=dict)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_value(spec: ConfigField, value: Any) -> Any:
    """Coerce and check one non-blank value; raise ValueError with a user-facing message."""
    kind = spec.type
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"true", "1", "yes", "on"}:
            return True
        if text in {"false", "0", "no", "off", ""}:
            return False
        raise ValueError("Choose yes or no.")
    if kind == "number":
        if isinstance(value, bool):
            raise ValueError("Enter a number.")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError("Enter a number.") from None
        return int(number) if number.is_integer() else number
    if not isinstance(value, str):
        raise ValueError("Enter text.")
    text = value.strip()
    if kind == "url":
        return clean_url(text)
    if kind == "select":
        allowed = [option.value for option in spec.options]
        if text not in allowed:
            raise ValueError(f"Choose one of: {', '.join(allowed)}.")
    if kind == "file":
        # Files are JSON documents (service-account credentials): check they parse.
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"This file is not valid JSON ({exc.msg} at line {exc.lineno}).") from None
        if not isinstance(parsed, dict):
            raise ValueError("This file must contain a JSON object.")
    if spec.pattern and not re.search(spec.pattern, text):
        raise ValueError(spec.pattern_message)
    if kind in {"text", "password"} and "\n" in text:
        raise ValueError("Enter a single line.")
    return text


def clean_url(text: str) -> str:
    from llm_providers.discovery.url_policy import check_url

    url = text.rstrip("/")
    try:
        check_url(url)
    except BlockedURL as exc:
        raise ValueError(exc.message) from None
    return url


def clean_config(
    template: ProviderTemplate,
    values: dict[str, Any],
    *,
    partial: bool,
    stored_secrets: frozenset[str] | set[str] = frozenset(),
) -> CleanedConfig:
    """Validate `values` for `template`.

    partial=True (updates): omitted fields keep their stored value; for secrets, an omitted
    or blank value keeps the stored one, CLEAR removes it. partial=False (creation): every
    required field must be present.
    """
    result = CleanedConfig()
    known = {spec.name for spec in template.config_schema}
    for name in values:
        if name not in known:
            result.errors.setdefault(name, []).append(f"Unknown field for {template.name}.")
    for spec in template.config_schema:
        present = spec.name in values
        value = values.get(spec.name)
        if spec.secret:
            _clean_secret(spec, value, present, stored_secrets, result)
            continue
        if not present and partial:
            continue
        if _is_blank(value):
            # Blank means "use the template default"; effective_settings() fills it in at use.
            if spec.required and spec.default in (None, ""):
                result.errors.setdefault(spec.name, []).append("This field is required.")
            else:
                result.settings[spec.name] = ""
            continue
        try:
            result.settings[spec.name] = clean_value(spec, value)
        except ValueError as exc:
            result.errors.setdefault(spec.name, []).append(str(exc))
    return result


def _clean_secret(
    spec: ConfigField, value: Any, present: bool, stored: frozenset[str] | set[str], result: CleanedConfig
) -> None:
    if value is CLEAR:
        if spec.required:
            result.errors.setdefault(spec.name, []).append("This field is required; enter a new value instead.")
        else:
            result.cleared.add(spec.name)
        return
    if not present or _is_blank(value):
        if spec.required and spec.name not in stored:
            result.errors.setdefault(spec.name, []).append("This field is required.")
        return
    try:
        result.secrets[spec.name] = clean_value(spec, value)
    except ValueError as exc:
        result.errors.setdefault(spec.name, []).append(str(exc))


def effective_settings(template: ProviderTemplate, stored: dict[str, Any]) -> dict[str, Any]:
    """Stored settings with template defaults filled in for anything missing or blank."""
    merged: dict[str, Any] = {}
    for spec in template.config_schema:
        if spec.secret:
            continue
        value = stored.get(spec.name)
        merged[spec.name] = spec.default if _is_blank(value) else value
    return merged
