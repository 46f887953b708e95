"""The model list of one provider: shared by the wizard's step 3 and the provider's Models page.

One POST form carries every action (save, select all/none, refresh, add by ID, continue): each
action first applies the checkboxes the user could see, so nothing chosen is lost, then does its
own work through services.discovery. Filtering (search, kind) is a separate GET form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.timesince import timesince

from llm_providers.catalog.schema import ProviderTemplate
from llm_providers.exceptions import ConfigValidationError, NotFound
from llm_providers.models import ModelFetchState, ProviderConfig
from llm_providers.services import discovery
from llm_providers.services.providers import provider_update

KIND_CHOICES: tuple[tuple[str, str], ...] = (
    ("chat", "Chat"),
    ("embedding", "Embedding"),
    ("image", "Image"),
    ("audio", "Audio"),
    ("moderation", "Moderation"),
    ("rerank", "Rerank"),
    ("other", "Other"),
    ("all", "All kinds"),
)
DEFAULT_KIND = "chat"
ERROR_TITLES = {
    "invalid_credentials": "The API key was rejected",
    "permission_denied": "The key is not allowed to list models",
    "unreachable": "The server could not be reached",
    "timeout": "The server did not answer in time",
    "rate_limited": "The provider is rate limiting us",
    "blocked_url": "This address is blocked",
    "tls_error": "The secure connection failed",
    "not_found": "The model list endpoint was not found",
    "bad_response": "The server answered with something unexpected",
    "secret_unavailable": "The stored key cannot be read",
}
DISPLAY_NAME = "display_name::"
CONTEXT_WINDOW = "context_window::"


@dataclass
class ModelFilters:
    q: str = ""
    kind: str = DEFAULT_KIND

    @classmethod
    def from_query(cls, data: QueryDict) -> ModelFilters:
        kind = data.get("kind") or DEFAULT_KIND
        if kind not in dict(KIND_CHOICES):
            kind = DEFAULT_KIND
        return cls(q=(data.get("q") or "").strip()[:200], kind=kind)

    def keep(self, model: dict[str, Any]) -> bool:
        if self.kind != "all" and model.get("kind") != self.kind:
            return False
        needle = self.q.casefold()
        return not needle or needle in model["id"].casefold() or needle in (model.get("display_name") or "").casefold()

    def querystring(self) -> str:
        query = QueryDict(mutable=True)
        if self.q:
            query["q"] = self.q
        query["kind"] = self.kind
        return query.urlencode()


@dataclass
class Outcome:
    """What a POST to the model list did, for the re-rendered list."""

    result: discovery.ModelListResult
    notice: str = ""
    errors: list[str] = field(default_factory=list)
    add_errors: list[str] = field(default_factory=list)
    add_value: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.add_errors)


def _age(result: discovery.ModelListResult) -> str:
    return timesince(result.fetched_at) if result.fetched_at else ""


def list_context(
    provider: ProviderConfig,
    template: ProviderTemplate,
    filters: ModelFilters,
    *,
    result: discovery.ModelListResult | None = None,
    outcome: Outcome | None = None,
    wizard: bool,
    action_url: str,
    page_url: str,
) -> dict[str, Any]:
    """Everything includes/model_list.html renders."""
    if outcome is not None:
        result = outcome.result
    if result is None:
        result = discovery.get_models(provider)
    ids = {m["id"] for m in result.models}
    # A default that the provider does not offer cannot be kept: suggest the first visible chat model.
    default = provider.default_model if provider.default_model in ids else ""
    if not default:
        default = next((m["id"] for m in result.models if m.get("visible") and m.get("kind") == "chat"), "")
    suggested = default if default != provider.default_model else ""
    rows = [_row(model, default, index) for index, model in enumerate(m for m in result.models if filters.keep(m))]
    changes = result.changes
    if changes is None:
        try:
            changes = provider.fetch_state.last_changes or None
        except ModelFetchState.DoesNotExist:
            changes = None
    error = result.error
    return {
        "provider": provider,
        "template": template,
        "result": result,
        "rows": rows,
        "total": len(result.models),
        "visible_total": sum(1 for m in result.models if m.get("visible") and not m.get("missing_since")),
        "filters": filters,
        "suggested_default": suggested,
        "kind_options": KIND_CHOICES,
        "error": error,
        "error_title": ERROR_TITLES.get(error["code"], "Could not fetch the model list") if error else "",
        "stale_age": _age(result) if result.stale else "",
        "is_fallback": result.source == "fallback",
        "fetching_supported": template.model_fetching.supported,
        "changes": changes if _worth_showing(changes, result) else None,
        "notice": outcome.notice if outcome else "",
        "form_errors": outcome.errors if outcome else [],
        "add_errors": outcome.add_errors if outcome else [],
        "add_value": outcome.add_value if outcome else "",
        "wizard": wizard,
        "action_url": action_url,
        "page_url": page_url,
    }


def _worth_showing(changes: dict[str, list[str]] | None, result: discovery.ModelListResult) -> bool:
    if not changes or not (changes.get("added") or changes.get("removed")):
        return False
    # The very first list makes every model "new": that is not news.
    first_list = not changes.get("removed") and set(changes.get("added", [])) >= {m["id"] for m in result.models}
    return not first_list


def _row(model: dict[str, Any], default: str, index: int) -> dict[str, Any]:
    overrides = model.get("overrides") or {}
    pricing = model.get("pricing") or {}
    return {
        **model,
        "index": index,
        "is_default": model["id"] == default,
        "missing": bool(model.get("missing_since")),
        "override_display_name": overrides.get("display_name", ""),
        "override_context_window": overrides.get("context_window", ""),
        "price_in": pricing.get("input"),
        "price_out": pricing.get("output"),
    }


def _int_or_raw(text: str) -> Any:
    # The service owns the rule ("a positive whole number"); we only turn digits into an int.
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        return text


def apply_choices(
    provider: ProviderConfig, data: QueryDict, models: list[dict[str, Any]], *, action: str, overrides: bool, user: Any
) -> list[str]:
    """Apply visibility (of the rows the user saw), the default model and, on the Models page, overrides."""
    by_id = {m["id"]: m for m in models}
    shown = [model_id for model_id in data.getlist("shown") if model_id in by_id]
    checked = set(data.getlist("visible"))
    current = {m["id"] for m in models if m.get("visible")}
    wanted = (current - set(shown)) | (checked & set(shown))
    if action == "select_all":
        wanted |= set(shown)
    elif action == "select_none":
        wanted -= set(shown)
    errors: list[str] = []
    if wanted != current:
        discovery.set_visible_models(provider, wanted)
    default = data.get("default_model")
    if default is not None and default != provider.default_model and default in by_id:
        try:
            provider_update(provider=provider, expected_version=None, default_model=default, user=user)
        except ConfigValidationError as exc:
            errors.extend(message for messages in exc.fields.values() for message in messages)
    if overrides:
        errors.extend(_apply_overrides(provider, data, shown, by_id))
    return errors


def _apply_overrides(provider: ProviderConfig, data: QueryDict, shown: list[str], by_id: dict[str, dict]) -> list[str]:
    errors: list[str] = []
    for model_id in shown:
        if f"{DISPLAY_NAME}{model_id}" not in data:
            continue
        old = by_id[model_id].get("overrides") or {}
        new = dict(old)
        for prefix, key, convert in (
            (DISPLAY_NAME, "display_name", str.strip),
            (CONTEXT_WINDOW, "context_window", _int_or_raw),
        ):
            value = convert(data.get(f"{prefix}{model_id}", ""))
            if value == "":
                new.pop(key, None)
            else:
                new[key] = value
        if new == old:
            continue
        try:
            discovery.update_model(provider, model_id, overrides=new)
        except (ConfigValidationError, NotFound) as exc:
            detail = "; ".join(m for ms in getattr(exc, "fields", {}).values() for m in ms) or exc.message
            errors.append(f"{model_id}: {detail}")
    return errors


def refresh_notice(result: discovery.ModelListResult) -> str:
    if result.error:
        return "Refresh failed; see the message above."
    changes = result.changes or {}
    added, removed = len(changes.get("added", [])), len(changes.get("removed", []))
    if result.source == "fallback" and not result.error:
        return "This provider has no model list endpoint; the list shows the known models."
    return f"Model list refreshed: {added} new, {removed} gone."


def handle_post(provider: ProviderConfig, data: QueryDict, *, wizard: bool, user: Any) -> tuple[str, Outcome]:
    """Run one model-list action. Returns (action, outcome)."""
    action = data.get("action") or "save"
    result = discovery.get_models(provider)
    errors = apply_choices(provider, data, result.models, action=action, overrides=not wizard, user=user)
    provider.refresh_from_db()
    outcome = Outcome(result=result, errors=errors)
    if action in {"refresh", "retry"}:
        outcome.result = discovery.refresh_models(provider)
        outcome.notice = refresh_notice(outcome.result)
        return action, outcome
    if action == "add":
        model_id = data.get("model_id", "")
        try:
            added = discovery.add_manual_model(provider, model_id)
            outcome.notice = f"Added {added['id']}."
        except ConfigValidationError as exc:
            outcome.add_errors = [m for ms in exc.fields.values() for m in ms]
            outcome.add_value = model_id
    elif action in {"select_all", "select_none"}:
        outcome.notice = "Selected every listed model." if action == "select_all" else "Cleared the listed models."
    elif not errors:
        outcome.notice = "Saved your model choices."
    outcome.result = discovery.get_models(provider)
    return action, outcome
