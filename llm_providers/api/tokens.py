"""Bearer tokens for the admin API: only a SHA-256 of each token is stored.

Used by the auth class and by the `llm_providers_token` command, so both share one format.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from llm_providers.models import ApiToken

TOKEN_PREFIX = "llmp_"
PREFIX_LENGTH = 12  # ApiToken.prefix max_length: "llmp_" + 7 random characters
# Writing last_used_at on every request would turn each read into a DB write (and a cachalot
# invalidation); once a minute is precise enough to spot unused tokens.
TOUCH_INTERVAL = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_token(user: Any, *, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for `user`; returns (row, raw token). The raw token is never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, token_hash=hash_token(raw), prefix=raw[:PREFIX_LENGTH])
    return token, raw


def user_for_token(raw: str) -> Any | None:
    """The active user owning `raw`, or None for an unknown/revoked token or an inactive user."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
    if token is None or not token.user.is_active:
        return None
    _touch(token)
    return token.user


def _touch(token: ApiToken) -> None:
    now = timezone.now()
    cutoff = now - TOUCH_INTERVAL
    if token.last_used_at is not None and token.last_used_at > cutoff:
        return
    # Conditional UPDATE: concurrent requests in the same minute write once between them.
    ApiToken.objects.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=cutoff), pk=token.pk).update(
        last_used_at=now
    )


def revoke_token(prefix: str) -> int:
    """Delete tokens whose prefix is exactly `prefix` (never a partial match). Returns how many."""
    if not prefix:
        return 0
    deleted, _ = ApiToken.objects.filter(prefix=prefix).delete()
    return deleted
