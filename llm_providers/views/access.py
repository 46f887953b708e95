"""The ONE permission gate of the HTML interface, plus the HTMX-aware request type.

Anonymous users go to the admin login; everyone else needs `is_staff` and the app's model
permissions (view for reads, add/change/delete for writes), otherwise 403. Our NotFound maps to
404 here too, so every view maps the app's exceptions the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django_htmx.middleware import HtmxDetails

from llm_providers.exceptions import NotFound

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
Perms = str | tuple[str, ...]


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _codenames(actions: Perms) -> tuple[str, ...]:
    names = (actions,) if isinstance(actions, str) else actions
    return tuple(f"llm_providers.{name}_providerconfig" for name in names)


def has_any_perm(user: Any, actions: Perms) -> bool:
    """True when the user holds at least one of the permissions (a change permission implies view, as in the admin)."""
    names = _codenames(actions)
    if "llm_providers.view_providerconfig" in names:
        names = (*names, "llm_providers.change_providerconfig")
    return any(user.has_perm(name) for name in names)


def staff_permission_required(
    *, get: Perms = "view", post: Perms = "change"
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Guard a view: `get` names the permission(s) for safe methods, `post` for everything else (any of)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            needed = get if request.method in SAFE_METHODS else post
            if not (user.is_active and user.is_staff and has_any_perm(user, needed)):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404(exc.message) from None

        return wrapper

    return decorator
