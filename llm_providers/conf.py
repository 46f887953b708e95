"""App settings, all prefixed LLM_PROVIDERS_, read lazily so tests can override them."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Fernet keys, newest first: the first encrypts, all decrypt.
    "ENCRYPTION_KEYS": [],
    # Extra directories holding provider template JSON files.
    "TEMPLATE_DIRS": [],
    # Local model servers are a core use case, so loopback/private networks are allowed by default.
    "ALLOW_PRIVATE_NETWORKS": True,
    # Hosts (names or IPs) always allowed, even when they resolve to a refused range (never metadata).
    "ALLOWED_HOSTS": [],
    # Outbound HTTP budget for one fetch or test call.
    "CONNECT_TIMEOUT": 3.0,
    "DEADLINE": 5.0,
    "MAX_RESPONSE_BYTES": 10 * 1024 * 1024,
    "MAX_RETRIES": 1,
    # How long a request waits for another worker's in-flight fetch before serving stale/fallback.
    "SINGLE_FLIGHT_WAIT": 2.0,
    # Wizard drafts older than this are purged.
    "DRAFT_MAX_AGE_HOURS": 24,
}


def get(name: str) -> Any:
    return getattr(settings, f"LLM_PROVIDERS_{name}", DEFAULTS[name])
