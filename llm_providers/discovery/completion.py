"""The one-token completion check, through litellm (imported lazily: it costs ~3 s)."""

from __future__ import annotations

import os
from typing import Any

from llm_providers import conf
from llm_providers.catalog.schema import ProviderTemplate
from llm_providers.discovery.http import scrub
from llm_providers.exceptions import UpstreamError

_STATUS_CODES = {
    401: ("invalid_credentials", "The provider rejected the API key.", "Check the key, or create a new one."),
    403: ("permission_denied", "The key is not allowed to use this model.", "Check the key's permissions."),
    404: ("not_found", "The model or endpoint was not found.", "Check the model ID and the base URL."),
    429: ("rate_limited", "Rate limited by the provider.", "Wait a moment and test again."),
}


def _litellm():
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True
    return litellm


def completion_kwargs(
    template: ProviderTemplate, settings: dict[str, Any], secrets: dict[str, str], model: str
) -> dict:
    """The litellm.completion() arguments for this provider (no network)."""
    provider = template.litellm_provider
    if template.id == "custom":
        provider = (settings.get("litellm_provider_name") or provider).strip()
    kwargs: dict[str, Any] = {}
    api_base = settings.get("api_base") or ""
    base_field = template.field("api_base")
    # Pass the base only when it differs from the provider default: litellm knows the default
    # paths better than a joined URL would (Gemini, Anthropic).
    if api_base and (base_field is None or api_base != (base_field.default or "")):
        kwargs["api_base"] = api_base
    if secrets.get("api_key"):
        kwargs["api_key"] = secrets["api_key"]
    if template.id == "azure_openai":
        model = settings.get("deployment_name") or model
        kwargs["api_version"] = settings.get("api_version")
    for name in ("aws_access_key_id", "aws_secret_access_key", "aws_session_token"):
        if secrets.get(name):
            kwargs[name] = secrets[name]
    if settings.get("aws_region_name"):
        kwargs["aws_region_name"] = settings["aws_region_name"]
    for name in ("vertex_project", "vertex_location"):
        if settings.get(name):
            kwargs[name] = settings[name]
    if secrets.get("vertex_credentials"):
        kwargs["vertex_credentials"] = secrets["vertex_credentials"]
    prefix = f"{provider}/"
    kwargs["model"] = model if model.startswith(prefix) else prefix + model
    return kwargs


def one_token(template: ProviderTemplate, settings: dict[str, Any], secrets: dict[str, str], model: str) -> None:
    """Send `ping` with max_tokens=1. Raises UpstreamError (classified, scrubbed) on failure."""
    kwargs = completion_kwargs(template, settings, secrets, model)
    litellm = _litellm()
    try:
        litellm.completion(
            messages=[{"role": "user", "content": "ping"}],
            max_tokens=1,
            timeout=float(conf.get("DEADLINE")) * 2,
            num_retries=0,
            **kwargs,
        )
    except Exception as exc:  # litellm raises many types; classify them all here, once
        raise _classify(exc, secrets) from None


def _classify(exc: Exception, secrets: dict[str, str]) -> UpstreamError:
    status = getattr(exc, "status_code", None)
    name = type(exc).__name__
    upstream = scrub(str(getattr(exc, "message", "") or exc), secrets.values())[:300]
    if status in _STATUS_CODES:
        code, message, hint = _STATUS_CODES[status]
        return UpstreamError(code, f"{message} ({upstream})" if upstream else message, hint=hint, status=status)
    if "Timeout" in name:
        return UpstreamError("timeout", "The completion did not answer in time.", hint="Try again, or a smaller model.")
    if "APIConnectionError" in name or "ConnectError" in upstream:
        return UpstreamError(
            "unreachable", f"Could not reach the provider: {upstream}", hint="Check the base URL and that it runs."
        )
    if isinstance(status, int) and status >= 500:
        return UpstreamError(
            "upstream_error", f"The provider failed: {upstream}", hint="Try again later.", status=status
        )
    return UpstreamError(
        "bad_response", f"The completion failed: {upstream}", hint="Check the model ID.", status=status
    )
