"""Stored provider configurations, their discovered models, fetch state and API tokens."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import models
from django.db.models import Q

# Longest model id stored anywhere (default models, listed and manual models).
MODEL_ID_MAX_LENGTH = 256


class ProviderConfig(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"

    name = models.CharField(max_length=100, unique=True)
    template_id = models.CharField(max_length=64, db_index=True)
    # Non-secret values by config field name (api_base, api_version, ...).
    settings = models.JSONField(default=dict, blank=True)
    # One Fernet token holding {field: value} for every secret field; never decrypted for display.
    secrets_ciphertext = models.TextField(blank=True, default="")
    # {field: "…f00d"} so lists and forms can show which secrets are set without decrypting.
    secret_hints = models.JSONField(default=dict, blank=True)
    enabled = models.BooleanField(default=True)
    is_default = models.BooleanField(default=False)
    default_model = models.CharField(max_length=MODEL_ID_MAX_LENGTH, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # Per-provider override of the template's model-list TTL.
    model_ttl_seconds = models.PositiveIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "LLM provider"
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="llmp_single_default"),
        ]

    def __str__(self) -> str:
        return self.name


class ProviderModel(models.Model):
    """One model of one provider: discovered, from the fallback list, or added by hand."""

    class Source(models.TextChoices):
        API = "api", "Provider API"
        CATALOG = "catalog", "LiteLLM catalog"
        FALLBACK = "fallback", "Fallback list"
        MANUAL = "manual", "Added manually"

    provider = models.ForeignKey(ProviderConfig, on_delete=models.CASCADE, related_name="models")
    model_id = models.CharField(max_length=MODEL_ID_MAX_LENGTH)
    display_name = models.CharField(max_length=256, blank=True, default="")
    kind = models.CharField(max_length=16, default="chat")
    context_window = models.PositiveIntegerField(null=True, blank=True)
    max_output_tokens = models.PositiveIntegerField(null=True, blank=True)
    capabilities = models.JSONField(default=list, blank=True)
    pricing = models.JSONField(default=dict, blank=True)
    deprecation_date = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.API)
    # Admin choices that survive every refresh.
    visible = models.BooleanField(default=True)
    overrides = models.JSONField(default=dict, blank=True)
    # Set when a refresh no longer lists the model; the row is kept so choices survive.
    missing_since = models.DateTimeField(null=True, blank=True)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["model_id"]
        constraints = [models.UniqueConstraint(fields=["provider", "model_id"], name="llmp_unique_model_per_provider")]

    def __str__(self) -> str:
        return f"{self.provider_id}:{self.model_id}"


class ModelFetchState(models.Model):
    """Per-provider state of the model-list cache (the list itself is ProviderModel rows)."""

    provider = models.OneToOneField(
        ProviderConfig, on_delete=models.CASCADE, primary_key=True, related_name="fetch_state"
    )
    # True once an upstream fetch succeeded: from then on a failure serves the stored list as stale.
    has_good_list = models.BooleanField(default=False)
    fetched_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_error_code = models.CharField(max_length=32, blank=True, default="")
    last_error_message = models.TextField(blank=True, default="")
    last_error_hint = models.TextField(blank=True, default="")
    last_error_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    # Until when the provider asked us to back off (429 with Retry-After).
    retry_at = models.DateTimeField(null=True, blank=True)
    last_changes = models.JSONField(default=dict, blank=True)
    # Single-flight lease: one worker process holds it while fetching (atomic conditional UPDATE).
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True, default="")

    def __str__(self) -> str:
        return f"fetch state of {self.provider_id}"


class ApiToken(models.Model):
    """Bearer token for the admin JSON API; only its SHA-256 is stored."""

    user = models.ForeignKey(django_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="llm_api_tokens")
    name = models.CharField(max_length=100, blank=True, default="")
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
