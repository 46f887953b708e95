"""Who may call the admin API: the one place authentication and permissions are enforced.

Two ways in: `Authorization: Bearer <token>` (see tokens.py) or a staff session cookie (with
CSRF on unsafe methods). Either way the user then goes through `authorize()`, which maps the
HTTP method to the app's model permission. Views never check permissions themselves.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from llm_providers.api import tokens

APP = "llm_providers"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# URL names whose POST creates a provider (needs `add`, not `change`). Routes opt in by url_name.
CREATE_URL_NAMES = frozenset({"providers"})


def required_permission(request: HttpRequest) -> str:
    method = request.method or "GET"
    if method in SAFE_METHODS:
        action = "view"
    elif method == "DELETE":
        action = "delete"
    elif method == "POST" and getattr(request.resolver_match, "url_name", None) in CREATE_URL_NAMES:
        action = "add"
    else:
        action = "change"
    return f"{APP}.{action}_providerconfig"


def authorize(request: HttpRequest, user: Any) -> Any:
    """Return `user` when allowed to make this request; raise PermissionDenied (403) otherwise."""
    if not user.is_active or not (user.is_staff or user.is_superuser):
        raise PermissionDenied("Only active staff users can use this API.")
    permission = required_permission(request)
    if not user.has_perm(permission):
        raise PermissionDenied(f"You need the {permission} permission for this request.")
    return user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = tokens.user_for_token(token.strip())
        if user is None:
            # A token was presented and is wrong: say so instead of falling back to the session.
            raise AuthenticationError(message="The API token is unknown or was revoked.")
        return authorize(request, user)


class StaffSessionAuth(APIKeyCookie):
    """Django session; CSRF checked for unsafe methods, and only once the user is known.

    ninja's APIKeyCookie checks CSRF before knowing who is calling, which turns an anonymous
    POST into a 403; anonymous must be a 401 whatever the method.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise PermissionDenied("CSRF check failed: send the X-CSRFToken header with the csrftoken cookie value.")
        return self.authenticate(request, None)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return authorize(request, request.user)


API_AUTH = [TokenAuth(), StaffSessionAuth()]


def resolve_user(request: HttpRequest) -> Any:
    """Run the same auth chain as ninja does for operations (used by the non-operation views)."""
    for backend in API_AUTH:
        user = backend(request)
        if user:
            request.auth = user  # type: ignore[attr-defined]
            return user
    raise AuthenticationError(message="Authentication required: log in as staff or send a Bearer token.")
