"""Display shapes for the templates: provider cards, catalog cards and groups, recommendations, checks.

Pure functions over already-loaded objects: no queries here, so the pages keep a constant query count.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.timesince import timesince

from llm_providers import selectors
from llm_providers.catalog.schema import ProviderTemplate
from llm_providers.models import ModelFetchState, ProviderConfig

CATEGORIES: tuple[tuple[str, str], ...] = (
    ("popular_cloud", "Popular cloud"),
    ("enterprise", "Enterprise"),
    ("local", "Local / self-hosted"),
    ("custom", "Custom integration"),
)
CATEGORY_LABELS = dict(CATEGORIES)
# Difficulty is always text plus a shape (filled dots), never colour alone.
DIFFICULTIES: tuple[tuple[str, str], ...] = (("easy", "Easy"), ("medium", "Medium"), ("hard", "Hard"))
DIFFICULTY_LABELS = dict(DIFFICULTIES)
DIFFICULTY_ICONS = {"easy": "●○○", "medium": "●●○", "hard": "●●●"}

CHECK_LABELS = {
    "url_policy": "Address allowed",
    "reachable": "Server reachable",
    "authenticated": "Authenticated",
    "models": "Models listed",
    "completion": "One-token completion",
}
STATUS_LABELS = {
    "ok": ("✓", "OK"),
    "error": ("✗", "Error"),
    "stale": ("⟳", "Stale"),
    "needs_key": ("⚿", "Needs key"),
    "unchecked": ("…", "Not checked yet"),
}


@dataclass(frozen=True)
class TemplateCard:
    template: ProviderTemplate

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.template.category, self.template.category)

    @property
    def difficulty_label(self) -> str:
        return DIFFICULTY_LABELS.get(self.template.setup_difficulty, self.template.setup_difficulty)

    @property
    def difficulty_icon(self) -> str:
        return DIFFICULTY_ICONS.get(self.template.setup_difficulty, "")


@dataclass(frozen=True)
class CatalogGroup:
    key: str
    label: str
    cards: list[TemplateCard]


def matches(template: ProviderTemplate, q: str, category: str, difficulty: str) -> bool:
    if category and template.category != category:
        return False
    if difficulty and template.setup_difficulty != difficulty:
        return False
    needle = q.strip().casefold()
    return not needle or needle in template.name.casefold() or needle in template.description.casefold()


def catalog_groups(
    templates: list[ProviderTemplate], *, q: str = "", category: str = "", difficulty: str = ""
) -> list[CatalogGroup]:
    groups = []
    for key, label in CATEGORIES:
        cards = [TemplateCard(t) for t in templates if t.category == key and matches(t, q, category, difficulty)]
        # Recommended first, then by name: the common choices are at the top of each group.
        cards.sort(key=lambda card: (not card.template.recommended, card.template.name.casefold()))
        if cards:
            groups.append(CatalogGroup(key, label, cards))
    return groups


@dataclass(frozen=True)
class Recommendation:
    template: ProviderTemplate
    reason: str  # "local" | "env"
    detail: str
    query: str  # query string for step 2 ("local=1" / "use_env=1")


def env_key_present(template: ProviderTemplate) -> bool:
    return bool(template.api_key_env and os.environ.get(template.api_key_env, "").strip())


def recommendations(templates: list[ProviderTemplate], running: dict[str, dict[str, Any]]) -> list[Recommendation]:
    found: list[Recommendation] = []
    for template in templates:
        if template.id in running:
            found.append(Recommendation(template, "local", f"{template.name} is running on this server.", "local=1"))
        elif env_key_present(template):
            found.append(
                Recommendation(
                    template,
                    "env",
                    f"Key found in the environment ({template.api_key_env}) — use it.",
                    "use_env=1",
                )
            )
    return found


@dataclass(frozen=True)
class ProviderCard:
    provider: ProviderConfig
    template: ProviderTemplate | None
    status: str
    status_detail: str
    last_refresh: datetime | None

    @property
    def status_icon(self) -> str:
        return STATUS_LABELS[self.status][0]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status][1]

    @property
    def name(self) -> str:
        return self.provider.name

    @property
    def template_name(self) -> str:
        return self.template.name if self.template else f"{self.provider.template_id} (not installed)"

    @property
    def monogram(self) -> str:
        return self.template.monogram if self.template else self.provider.name[:2].upper()

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.template.category, "") if self.template else ""


def _fetch_state(provider: ProviderConfig) -> ModelFetchState | None:
    try:
        return provider.fetch_state
    except ModelFetchState.DoesNotExist:
        return None


def provider_status(provider: ProviderConfig) -> tuple[str, str]:
    """(status, detail): needs key > error > stale > ok; 'unchecked' before the first fetch."""
    if selectors.provider_needs_key(provider):
        return "needs_key", "The stored key cannot be decrypted: enter it again."
    state = _fetch_state(provider)
    if state is None:
        return "unchecked", "The model list has not been fetched yet."
    if state.last_error_code:  # a successful fetch clears it, so it always describes the latest attempt
        message = " ".join(part for part in (state.last_error_message, state.last_error_hint) if part)
        return "error", message or "The last refresh failed."
    if state.fetched_at is None:
        return "unchecked", "The model list has not been fetched yet."
    if state.expires_at and state.expires_at <= timezone.now():
        return "stale", f"The model list is from {timesince(state.fetched_at)} ago."
    return "ok", "The model list is up to date."


def provider_card(provider: ProviderConfig, template: ProviderTemplate | None) -> ProviderCard:
    status, detail = provider_status(provider)
    state = _fetch_state(provider)
    return ProviderCard(provider, template, status, detail, state.fetched_at if state else None)


def check_rows(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for check in checks:
        skipped = bool(check.get("skipped"))
        if skipped and not check.get("ok"):
            mark, state = "–", "Not run"
        elif skipped:
            mark, state = "–", "Skipped"
        elif check.get("ok"):
            mark, state = "✓", "Passed"
        else:
            mark, state = "✗", "Failed"
        rows.append(
            {
                "name": check.get("name", ""),
                "label": CHECK_LABELS.get(check.get("name", ""), check.get("name", "")),
                "ok": bool(check.get("ok")),
                "failed": not check.get("ok") and not skipped,
                "skipped": skipped,
                "mark": mark,
                "state": state,
                "detail": check.get("detail", ""),
                "latency_ms": check.get("latency_ms", 0),
            }
        )
    return rows


def env_secret_field(template: ProviderTemplate) -> str:
    """The secret field the server-side environment key fills ('' when none): `api_key`, else the first password."""
    if not env_key_present(template):
        return ""
    spec = template.field("api_key")
    if spec is not None and spec.secret:
        return spec.name
    return next((s.name for s in template.config_schema if s.secret and s.type == "password"), "")
