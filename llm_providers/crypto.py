"""Encryption at rest for provider secrets (Fernet/MultiFernet: first key encrypts, all decrypt)."""

from __future__ import annotations

import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.core.exceptions import ImproperlyConfigured

from llm_providers import conf
from llm_providers.exceptions import SecretUnavailable


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("LLM_PROVIDERS_ENCRYPTION_KEYS is empty: set at least one Fernet key.")
    try:
        return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"LLM_PROVIDERS_ENCRYPTION_KEYS holds an invalid Fernet key: {exc}") from None


def fernet() -> MultiFernet:
    return _fernet(tuple(conf.get("ENCRYPTION_KEYS")))


def encrypt_secrets(values: dict[str, str]) -> str:
    """Encrypt a {field: value} dict into one token; an empty dict stores as ''."""
    if not values:
        return ""
    return fernet().encrypt(json.dumps(values, sort_keys=True).encode()).decode()


def decrypt_secrets(token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        return json.loads(fernet().decrypt(token.encode()))
    except (InvalidToken, ValueError):
        raise SecretUnavailable() from None


def rotate(token: str) -> str:
    """Re-encrypt a token with the first key (raises SecretUnavailable if no key can read it)."""
    if not token:
        return ""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise SecretUnavailable() from None


def secret_hint(value: str) -> str:
    """What the UI may show of a secret: its last four characters, and only for long values."""
    if not value:
        return ""
    return f"…{value[-4:]}" if len(value) >= 12 else "…"
