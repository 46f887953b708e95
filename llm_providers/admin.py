"""Read-mostly Django admin: lists and shows providers and API tokens, never a secret.

Every write goes through the services (validation, encryption, versioning, signals), so the admin
has no add/change/delete forms; each provider links to the app's own edit page instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from llm_providers.forms import secret_mask
from llm_providers.models import ApiToken, ProviderConfig
from llm_providers.views.presenters import STATUS_LABELS, provider_status


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProviderConfig)
class ProviderConfigAdmin(_ReadOnly):
    list_display = ("name", "template_id", "enabled", "is_default", "status", "health", "manage_link")
    list_filter = ("status", "enabled", "template_id")
    search_fields = ("name", "template_id", "default_model")
    list_select_related = ("fetch_state",)
    # secrets_ciphertext is never shown, not even encrypted; secret_hints are shown masked.
    fields = (
        "manage_link",
        "name",
        "template_id",
        "status",
        "enabled",
        "is_default",
        "default_model",
        "settings",
        "stored_secrets",
        "model_ttl_seconds",
        "version",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
    )
    readonly_fields = fields

    @admin.display(description="Health")
    def health(self, obj: ProviderConfig) -> str:
        status, _detail = provider_status(obj)
        icon, label = STATUS_LABELS[status]
        return f"{icon} {label}"

    @admin.display(description="Stored secrets")
    def stored_secrets(self, obj: ProviderConfig) -> str:
        if not obj.secret_hints:
            return "None"
        return format_html_join(
            ", ", "{} {}", ((name, secret_mask(hint)) for name, hint in sorted(obj.secret_hints.items()))
        )

    @admin.display(description="Manage")
    def manage_link(self, obj: ProviderConfig) -> str:
        if obj.status == ProviderConfig.Status.DRAFT:
            url = f"{reverse('llm_providers:wizard-configure', args=[obj.template_id])}?draft={obj.pk}"
            return format_html('<a href="{}">Continue setup</a>', url)
        return format_html('<a href="{}">Edit in LLM providers</a>', reverse("llm_providers:edit", args=[obj.pk]))


@admin.register(ApiToken)
class ApiTokenAdmin(_ReadOnly):
    list_display = ("prefix", "name", "user", "created_at", "last_used_at")
    search_fields = ("prefix", "name", "user__username")
    list_select_related = ("user",)
    # token_hash is never shown: the prefix identifies a token well enough.
    fields = ("prefix", "name", "user", "created_at", "last_used_at")
    readonly_fields = fields
