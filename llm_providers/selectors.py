"""Reads: every query the interfaces need, shaped so each page costs a constant number of queries."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from llm_providers import crypto
from llm_providers.exceptions import NotFound, SecretUnavailable
from llm_providers.models import ProviderConfig


def provider_get(provider_id: int | str) -> ProviderConfig:
    try:
        return ProviderConfig.objects.select_related("fetch_state").get(pk=int(provider_id))
    except (ProviderConfig.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"No provider with id {provider_id}.") from None


def provider_list(*, include_drafts: bool = False) -> QuerySet[ProviderConfig]:
    providers = ProviderConfig.objects.select_related("fetch_state").annotate(
        visible_model_count=Count("models", filter=Q(models__visible=True, models__missing_since__isnull=True))
    )
    if not include_drafts:
        providers = providers.filter(status=ProviderConfig.Status.ACTIVE)
    return providers.order_by("-is_default", "name")


def provider_needs_key(provider: ProviderConfig) -> bool:
    """True when stored secrets exist but cannot be decrypted with the configured keys."""
    if not provider.secrets_ciphertext:
        return False
    try:
        crypto.decrypt_secrets(provider.secrets_ciphertext)
    except SecretUnavailable:
        return True
    return False


def default_provider() -> ProviderConfig | None:
    return ProviderConfig.objects.filter(is_default=True, enabled=True).first()
