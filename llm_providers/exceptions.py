"""One exception hierarchy for the whole app.

Every interface (JSON API, HTML views, management commands) maps these to its own
output in exactly one place; services and discovery code only ever raise these.
"""

from __future__ import annotations

from typing import Any


class LLMProvidersError(Exception):
    """Base class. `code` is stable (API clients match on it); `message` is for humans."""

    code = "error"
    http_status = 400
    default_message = "Something went wrong."

    def __init__(self, message: str | None = None, *, details: dict[str, Any] | None = None) -> None:
        self.message = message or self.default_message
        self.details = details or {}
        super().__init__(self.message)


class ConfigValidationError(LLMProvidersError):
    """Field-level validation failure: `fields` maps a field name to a list of messages."""

    code = "validation_error"
    http_status = 422
    default_message = "Some fields are not valid."

    def __init__(self, fields: dict[str, list[str]], message: str | None = None) -> None:
        self.fields = {name: list(msgs) for name, msgs in fields.items()}
        super().__init__(message, details={"fields": self.fields})


class NotFound(LLMProvidersError):
    code = "not_found"
    http_status = 404
    default_message = "Not found."


class ConflictError(LLMProvidersError):
    """Optimistic-concurrency conflict (stale `version`) or a uniqueness clash."""

    code = "conflict"
    http_status = 409
    default_message = "This provider was changed by someone else. Reload it and apply your change again."


class SecretUnavailable(LLMProvidersError):
    """A stored secret cannot be decrypted (the key that encrypted it is gone)."""

    code = "secret_unavailable"
    http_status = 409
    default_message = "The stored credentials cannot be decrypted; enter the API key again."


class TemplateError(LLMProvidersError):
    """A provider template file is broken. Raised by the catalog loader."""

    code = "template_error"
    http_status = 500

    def __init__(self, message: str, *, path: str = "", field: str = "") -> None:
        self.path = path
        self.field = field
        super().__init__(message, details={"path": path, "field": field})


# Upstream error codes: classified once in discovery.http, shown everywhere with the same words.
UPSTREAM_ERROR_CODES = (
    "invalid_credentials",
    "permission_denied",
    "rate_limited",
    "timeout",
    "unreachable",
    "tls_error",
    "not_found",
    "bad_response",
    "upstream_error",
    "blocked_url",
)


class UpstreamError(LLMProvidersError):
    """A provider call failed. `code` is one of UPSTREAM_ERROR_CODES.

    `message` says what happened in plain words, `hint` what to do about it. Neither ever
    contains a secret: messages are built by us, and upstream bodies are scrubbed first.
    """

    http_status = 502

    def __init__(
        self,
        code: str,
        message: str,
        *,
        hint: str = "",
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        if code not in UPSTREAM_ERROR_CODES:
            raise ValueError(f"unknown upstream error code {code!r}")
        self.code = code
        self.hint = hint
        self.status = status
        self.retry_after = retry_after
        super().__init__(message, details={"hint": hint, "status": status, "retry_after": retry_after})

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "hint": self.hint}


class BlockedURL(UpstreamError):
    """The URL policy refused a destination. Raised before any socket is opened."""

    http_status = 400

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__("blocked_url", message, hint=hint)


class ParseError(UpstreamError):
    """A provider answered, but not in the shape its format promises."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__("bad_response", message, hint=hint or "Check that the base URL points at the provider's API.")
