"""Connection tests: address allowed → reachable → authenticated → models listed → one-token completion."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from llm_providers.catalog.loader import get_template
from llm_providers.catalog.schema import ProviderTemplate
from llm_providers.config_validation import clean_config, effective_settings
from llm_providers.discovery import completion, fetchers, url_policy
from llm_providers.exceptions import ConfigValidationError, NotFound, SecretUnavailable, UpstreamError
from llm_providers.models import ProviderConfig
from llm_providers.services.providers import provider_secrets

CHECKS = ("url_policy", "reachable", "authenticated", "models", "completion")
_NETWORK_CODES = {"unreachable", "timeout", "tls_error", "blocked_url"}
_AUTH_CODES = {"invalid_credentials", "permission_denied"}


@dataclass
class TestResult:
    ok: bool
    latency_ms: int
    checks: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, str] | None = None

    __test__ = False  # not a pytest test class

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "latency_ms": self.latency_ms, "checks": self.checks, "error": self.error}


class _Run:
    def __init__(self) -> None:
        self.checks: list[dict[str, Any]] = []
        self.error: dict[str, str] | None = None

    def add(self, name: str, ok: bool, detail: str, started: float | None = None, *, skipped: bool = False) -> None:
        latency = int((time.perf_counter() - started) * 1000) if started is not None else 0
        self.checks.append({"name": name, "ok": ok, "detail": detail, "latency_ms": latency, "skipped": skipped})

    def fail(self, name: str, exc: UpstreamError, started: float) -> None:
        detail = f"{exc.message} {exc.hint}".strip()
        self.add(name, False, detail, started)
        if self.error is None:
            self.error = exc.as_dict()

    def skip_rest(self, reason: str) -> None:
        done = {check["name"] for check in self.checks}
        for name in CHECKS:
            if name not in done:
                self.add(name, False, f"Not run: {reason}", skipped=True)


def _run(
    template: ProviderTemplate, settings: dict[str, Any], secrets: dict[str, str], model: str, completion_check: bool
) -> TestResult:
    total_started = time.perf_counter()
    run = _Run()
    api_base = settings.get("api_base") or ""

    started = time.perf_counter()
    try:
        if api_base:
            url_policy.check_url(api_base)
            url_policy.check_resolved(api_base)
        run.add("url_policy", True, f"{api_base or 'The provider default address'} is allowed.", started)
    except UpstreamError as exc:
        run.fail("url_policy", exc, started)
        run.skip_rest("the address is not allowed.")
        return _finish(run, total_started)

    if template.model_fetching.supported:
        started = time.perf_counter()
        try:
            records = fetchers.fetch_models(template, settings, secrets)
        except UpstreamError as exc:
            if exc.code in _NETWORK_CODES:
                run.fail("reachable", exc, started)
                run.skip_rest("the server could not be reached.")
                return _finish(run, total_started)
            run.add("reachable", True, "The server answered.", started)
            if exc.code in _AUTH_CODES:
                run.fail("authenticated", exc, started)
                run.skip_rest("the credentials were refused.")
                return _finish(run, total_started)
            run.add("authenticated", True, "The credentials were accepted.", started)
            run.fail("models", exc, started)
        else:
            run.add("reachable", True, "The server answered.", started)
            run.add("authenticated", True, "The credentials were accepted.", started)
            chat = sum(1 for r in records if r.kind == "chat")
            detail = f"{len(records)} models listed ({chat} chat)." if records else "The list is empty."
            if not records and template.id == "ollama":
                detail += " Pull a model first, e.g. `ollama pull llama3.2`."
            run.add("models", True, detail, started)
    else:
        for name in ("reachable", "authenticated", "models"):
            run.add(
                name, True, "This provider has no model-list endpoint; the completion check covers it.", skipped=True
            )

    if not completion_check:
        run.add("completion", True, "Skipped on request.", skipped=True)
    elif not model:
        run.add("completion", False, "Choose a default model to run a one-token completion.", skipped=True)
    else:
        started = time.perf_counter()
        try:
            completion.one_token(template, settings, secrets, model)
            run.add("completion", True, f"{model} answered a one-token request.", started)
        except UpstreamError as exc:
            run.fail("completion", exc, started)
    return _finish(run, total_started)


def _finish(run: _Run, started: float) -> TestResult:
    ok = all(check["ok"] for check in run.checks if not check["skipped"]) and run.error is None
    return TestResult(ok=ok, latency_ms=int((time.perf_counter() - started) * 1000), checks=run.checks, error=run.error)


def test_provider(provider: ProviderConfig, *, model: str | None = None, completion: bool = True) -> TestResult:
    template = get_template(provider.template_id)
    if template is None:
        raise NotFound(f"The template {provider.template_id!r} is not installed.")
    settings = effective_settings(template, provider.settings)
    try:
        secrets = provider_secrets(provider)
    except SecretUnavailable as exc:
        run = _Run()
        run.error = {"code": exc.code, "message": exc.message, "hint": "Edit the provider and enter the key again."}
        run.add("url_policy", False, exc.message)
        run.skip_rest("the stored key cannot be read.")
        return _finish(run, time.perf_counter())
    return _run(template, settings, secrets, (model or provider.default_model or "").strip(), completion)


def test_config(
    template: ProviderTemplate, config: dict[str, Any], *, model: str | None = None, completion: bool = True
) -> TestResult:
    """Test unsaved values (the wizard before saving)."""
    cleaned = clean_config(template, config, partial=False)
    if cleaned.errors:
        raise ConfigValidationError(cleaned.errors)
    settings = effective_settings(template, cleaned.settings)
    return _run(template, settings, cleaned.secrets, (model or template.default_model or "").strip(), completion)
