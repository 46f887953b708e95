"""Create, update, delete and set-default for provider configurations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from llm_providers import crypto
from llm_providers.catalog.loader import get_template
from llm_providers.catalog.schema import ProviderTemplate
from llm_providers.config_validation import clean_config, effective_settings
from llm_providers.exceptions import ConfigValidationError, ConflictError, SecretUnavailable
from llm_providers.models import MODEL_ID_MAX_LENGTH, ModelFetchState, ProviderConfig
from llm_providers.signals import provider_changed

UNSET: Any = object()
NAME_MAX = 100


def _template_or_error(template_id: str) -> ProviderTemplate:
    template = get_template(template_id)
    if template is None:
        raise ConfigValidationError({"template_id": [f"Unknown provider template {template_id!r}."]})
    return template


def _clean_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ConfigValidationError({"name": ["Enter a name for this provider."]})
    name = name.strip()
    if len(name) > NAME_MAX:
        raise ConfigValidationError({"name": [f"Use at most {NAME_MAX} characters."]})
    return name


def _check_name_free(name: str, *, exclude_pk: int | None = None) -> None:
    clash = ProviderConfig.objects.filter(name__iexact=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ConfigValidationError({"name": [f"A provider named {name!r} already exists."]})


def _clean_model_id(value: Any, field: str) -> str:
    model = value.strip() if isinstance(value, str) else ""
    if value not in (None, "") and not isinstance(value, str):
        raise ConfigValidationError({field: ["Enter a model ID."]})
    if len(model) > MODEL_ID_MAX_LENGTH:
        raise ConfigValidationError({field: [f"Use at most {MODEL_ID_MAX_LENGTH} characters."]})
    return model


def _emit(action: str, provider: ProviderConfig | None, provider_id: int, user: Any, changes: dict) -> None:
    transaction.on_commit(
        lambda: provider_changed.send(
            sender=ProviderConfig, provider=provider, provider_id=provider_id, action=action, user=user, changes=changes
        )
    )


def _user_or_none(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


@transaction.atomic
def provider_create(
    *,
    name: str,
    template_id: str,
    config: dict[str, Any],
    default_model: str = "",
    status: str = ProviderConfig.Status.ACTIVE,
    enabled: bool = True,
    user: Any = None,
) -> ProviderConfig:
    template = _template_or_error(template_id)
    errors: dict[str, list[str]] = {}
    try:
        name = _clean_name(name)
        _check_name_free(name)
    except ConfigValidationError as exc:
        errors.update(exc.fields)
    cleaned = clean_config(template, config, partial=False)
    errors.update(cleaned.errors)
    try:
        default_model = _clean_model_id(default_model or template.default_model, "default_model")
    except ConfigValidationError as exc:
        errors.update(exc.fields)
    if errors:
        raise ConfigValidationError(errors)
    provider = ProviderConfig(
        name=name,
        template_id=template.id,
        settings=cleaned.settings,
        secrets_ciphertext=crypto.encrypt_secrets(cleaned.secrets),
        secret_hints={key: crypto.secret_hint(value) for key, value in cleaned.secrets.items()},
        default_model=default_model,
        status=status,
        enabled=enabled,
        created_by=_user_or_none(user),
        updated_by=_user_or_none(user),
    )
    try:
        provider.save()
    except IntegrityError:
        raise ConfigValidationError({"name": [f"A provider named {name!r} already exists."]}) from None
    ModelFetchState.objects.create(provider=provider)
    _emit("create", provider, provider.pk, user, {"fields": sorted(cleaned.settings) + sorted(cleaned.secrets)})
    return provider


@transaction.atomic
def provider_update(
    *,
    provider: ProviderConfig,
    expected_version: int | None,
    name: Any = UNSET,
    config: dict[str, Any] | None = None,
    default_model: Any = UNSET,
    enabled: Any = UNSET,
    status: Any = UNSET,
    model_ttl_seconds: Any = UNSET,
    user: Any = None,
) -> ProviderConfig:
    """Apply a partial update. Refused with ConflictError when `expected_version` is stale.

    Secrets: omitted keeps, a new value replaces, config_validation.CLEAR removes.
    Changing api_base while a secret is stored requires re-entering every stored secret, so a
    key is never sent to a host the admin did not confirm with it.
    """
    template = _template_or_error(provider.template_id)
    if expected_version is not None and expected_version != provider.version:
        raise ConflictError(details={"current_version": provider.version})
    changes: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    updates: dict[str, Any] = {}

    if name is not UNSET:
        try:
            new_name = _clean_name(name)
            if new_name != provider.name:
                _check_name_free(new_name, exclude_pk=provider.pk)
                updates["name"] = new_name
        except ConfigValidationError as exc:
            errors.update(exc.fields)

    stored_secret_names = set(provider.secret_hints)
    if config:
        cleaned = clean_config(template, config, partial=True, stored_secrets=stored_secret_names)
        errors.update(cleaned.errors)
        old_base = effective_settings(template, provider.settings).get("api_base") or ""
        new_settings = {**provider.settings, **cleaned.settings}
        new_base = effective_settings(template, new_settings).get("api_base") or ""
        if new_base != old_base:
            for secret_name in sorted(stored_secret_names - set(cleaned.secrets) - cleaned.cleared):
                label = template.field(secret_name).label if template.field(secret_name) else secret_name
                errors.setdefault(secret_name, []).append(
                    f"The base URL changed: enter the {label} again to send it to {new_base or 'the new address'}."
                )
        if not errors:
            if cleaned.settings:
                updates["settings"] = new_settings
                changes["settings"] = sorted(cleaned.settings)
            if cleaned.secrets or cleaned.cleared:
                updates.update(_merge_secrets(provider, cleaned.secrets, cleaned.cleared))
                changes["secrets"] = sorted(set(cleaned.secrets) | cleaned.cleared)
    if default_model is not UNSET:
        try:
            updates["default_model"] = _clean_model_id(default_model, "default_model")
        except ConfigValidationError as exc:
            errors.update(exc.fields)
    if enabled is not UNSET:
        updates["enabled"] = bool(enabled)
        if not enabled and provider.is_default:
            updates["is_default"] = False
    if status is not UNSET:
        if status not in ProviderConfig.Status.values:
            errors["status"] = [f"Status must be one of: {', '.join(ProviderConfig.Status.values)}."]
        else:
            updates["status"] = status
    if model_ttl_seconds is not UNSET:
        if model_ttl_seconds is not None and (not isinstance(model_ttl_seconds, int) or model_ttl_seconds < 10):
            errors["model_ttl_seconds"] = ["Use a whole number of seconds, at least 10."]
        else:
            updates["model_ttl_seconds"] = model_ttl_seconds
    if errors:
        raise ConfigValidationError(errors)
    if not updates:
        return provider

    updates["updated_by"] = _user_or_none(user)
    updates["updated_at"] = timezone.now()
    # Compare-and-set on the version: a concurrent writer makes this match zero rows.
    matched = ProviderConfig.objects.filter(pk=provider.pk, version=provider.version).update(
        version=F("version") + 1, **updates
    )
    if not matched:
        raise ConflictError()
    provider.refresh_from_db()
    if "settings" in updates or "secrets_ciphertext" in updates:
        # New address or credentials: the cached model list no longer says anything about them.
        ModelFetchState.objects.filter(provider=provider).update(expires_at=None)
    changes.update({key: True for key in updates if key not in {"settings", "secrets_ciphertext", "secret_hints"}})
    _emit("update", provider, provider.pk, user, changes)
    return provider


def _merge_secrets(provider: ProviderConfig, new: dict[str, str], cleared: set[str]) -> dict[str, Any]:
    try:
        current = crypto.decrypt_secrets(provider.secrets_ciphertext)
    except SecretUnavailable:
        # Unreadable: keep nothing of it; the new values become the whole secret set.
        current = {}
    merged = {key: value for key, value in current.items() if key not in cleared}
    merged.update(new)
    hints = {key: crypto.secret_hint(value) for key, value in merged.items()}
    return {"secrets_ciphertext": crypto.encrypt_secrets(merged), "secret_hints": hints}


@transaction.atomic
def provider_delete(*, provider: ProviderConfig, user: Any = None) -> None:
    provider_id = provider.pk
    name = provider.name
    provider.delete()
    _emit("delete", None, provider_id, user, {"name": name})


@transaction.atomic
def provider_set_default(*, provider: ProviderConfig, model: str | None = None, user: Any = None) -> ProviderConfig:
    """Make this the default provider (and optionally set its default model)."""
    if not provider.enabled:
        raise ConfigValidationError({"enabled": ["Enable this provider before making it the default."]})
    updates: dict[str, Any] = {"is_default": True, "updated_at": timezone.now(), "updated_by": _user_or_none(user)}
    if model is not None:
        model = _clean_model_id(model, "model")
        if not model:
            raise ConfigValidationError({"model": ["Choose a model."]})
        updates["default_model"] = model
    ProviderConfig.objects.filter(is_default=True).exclude(pk=provider.pk).update(
        is_default=False, version=F("version") + 1
    )
    ProviderConfig.objects.filter(pk=provider.pk).update(version=F("version") + 1, **updates)
    provider.refresh_from_db()
    _emit("set_default", provider, provider.pk, user, {"default_model": provider.default_model})
    return provider


def provider_secrets(provider: ProviderConfig) -> dict[str, str]:
    """Decrypted secrets for outbound calls only. Raises SecretUnavailable."""
    return crypto.decrypt_secrets(provider.secrets_ciphertext)


def purge_stale_drafts(*, max_age_hours: int) -> int:
    cutoff = timezone.now() - timedelta(hours=max_age_hours)
    stale = ProviderConfig.objects.filter(status=ProviderConfig.Status.DRAFT, updated_at__lt=cutoff)
    count = 0
    for provider in stale:
        provider_delete(provider=provider)
        count += 1
    return count


def rotate_encryption_keys() -> tuple[int, list[str]]:
    """Re-encrypt every provider's secrets with the first key. Returns (rotated, unreadable names)."""
    rotated, unreadable = 0, []
    for provider in ProviderConfig.objects.exclude(secrets_ciphertext="").only("pk", "name", "secrets_ciphertext"):
        try:
            token = crypto.rotate(provider.secrets_ciphertext)
        except SecretUnavailable:
            unreadable.append(provider.name)
            continue
        ProviderConfig.objects.filter(pk=provider.pk).update(secrets_ciphertext=token)
        rotated += 1
    return rotated, unreadable
