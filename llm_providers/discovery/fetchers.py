"""Fetch a provider's live model list: build the URL and auth for its template, follow pages, parse, enrich.

All network I/O goes through `discovery.http.request`, which enforces the URL policy, the time and
size budgets, and turns every failure into a classified UpstreamError. This module only decides
*what* to ask for.
"""

from __future__ import annotations

import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from llm_providers import conf
from llm_providers.catalog.schema import ProviderTemplate
from llm_providers.discovery import http, litellm_catalog, parsers
from llm_providers.discovery.records import ModelRecord
from llm_providers.exceptions import ConfigValidationError, UpstreamError

logger = logging.getLogger(__name__)

# A hostile or buggy server must not keep us paging forever or fill memory.
MAX_PAGES = 20
MAX_MODELS = 5000
# Ollama needs one /api/show per model: bounded fan-out, bounded count, bounded total time.
OLLAMA_SHOW_WORKERS = 4
OLLAMA_MAX_SHOWS = 200

ANTHROPIC_VERSION = "2023-06-01"
DEFAULT_AZURE_API_VERSION = "2024-10-21"
DEFAULT_AWS_REGION = "us-east-1"

# (page-size parameter, page size, cursor parameter) per paginated format.
_PAGINATION: dict[str, tuple[str, str, str]] = {
    "anthropic": ("limit", "1000", "after_id"),
    "gemini": ("pageSize", "1000", "pageToken"),
    "cohere": ("page_size", "1000", "page_token"),
}
_KEYED_STYLES = ("bearer", "x_api_key", "azure_api_key", "google_api_key")
# The region becomes part of a hostname, so nothing but lowercase letters, digits and dashes.
_REGION = re.compile(r"[a-z]{2}(-[a-z0-9]+)+")


def _setting(template: ProviderTemplate, settings: dict[str, Any], name: str) -> str:
    """A non-secret setting, falling back to the template field's default; always a stripped string."""
    value = settings.get(name)
    if value in (None, ""):
        config_field = template.field(name)
        value = config_field.default if config_field is not None else None
    return str(value).strip() if value not in (None, "") else ""


def join_url(base: str, endpoint: str) -> str:
    """base + endpoint with exactly one slash between them."""
    if not endpoint:
        return base
    return f"{base.rstrip('/')}/{endpoint.lstrip('/')}"


class BotocoreSigV4Auth(requests.auth.AuthBase):
    """A requests auth hook that signs the prepared request with AWS SigV4 via botocore.

    Signing happens on the final prepared request (URL with query string), so whatever http.request
    adds before sending is covered; only Host and the x-amz-* headers are signed, which is all AWS needs.
    """

    def __init__(self, access_key: str, secret_key: str, session_token: str | None, region: str, service: str):
        self.access_key = access_key
        self.secret_key = secret_key
        self.session_token = session_token or None
        self.region = region
        self.service = service

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        # botocore is imported here: it is only needed for Bedrock and costs ~100 ms.
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        body = request.body or b""
        aws_request = AWSRequest(
            method=request.method or "GET",
            url=request.url,
            data=body,
            headers={"Host": urlsplit(request.url or "").netloc},
        )
        credentials = Credentials(self.access_key, self.secret_key, self.session_token)
        SigV4Auth(credentials, self.service, self.region).add_auth(aws_request)
        for name, value in aws_request.headers.items():
            if name.lower() in ("authorization", "x-amz-date", "x-amz-security-token"):
                request.headers[name] = value
        return request

    def __repr__(self) -> str:  # never show the keys in logs or tracebacks
        return f"BotocoreSigV4Auth(region={self.region!r}, service={self.service!r})"


def _missing_key() -> UpstreamError:
    return UpstreamError("invalid_credentials", "No API key is set for this provider.", hint="Enter the API key.")


def _aws_region(template: ProviderTemplate, settings: dict[str, Any]) -> str:
    region = _setting(template, settings, "aws_region_name") or DEFAULT_AWS_REGION
    if not _REGION.fullmatch(region):
        raise ConfigValidationError({"aws_region_name": ["Enter an AWS region code such as us-east-1."]})
    return region


@dataclass
class _Plan:
    """What to request: base URL, list URL, headers, query params and an optional requests auth object."""

    base: str
    url: str
    headers: dict[str, str]
    params: dict[str, str] = field(default_factory=dict)
    auth: Any = None


def _plan(template: ProviderTemplate, settings: dict[str, Any], secrets: dict[str, str]) -> _Plan:
    fetching = template.model_fetching
    style = fetching.auth
    api_key = (secrets.get("api_key") or "").strip()
    headers = {"Accept": "application/json"}
    params: dict[str, str] = {}
    auth: Any = None
    base = _setting(template, settings, "api_base")

    if style in _KEYED_STYLES and not api_key:
        raise _missing_key()
    if style == "bearer" or (style == "optional_bearer" and api_key):
        headers["Authorization"] = f"Bearer {api_key}"
    elif style == "x_api_key":
        headers["x-api-key"] = api_key
        headers["anthropic-version"] = ANTHROPIC_VERSION
    elif style == "azure_api_key":
        headers["api-key"] = api_key
        params["api-version"] = _setting(template, settings, "api_version") or DEFAULT_AZURE_API_VERSION
    elif style == "google_api_key":
        headers["x-goog-api-key"] = api_key  # a header, not ?key=, so the key never lands in URLs or logs
    elif style == "aws_sigv4":
        region = _aws_region(template, settings)
        base = base or f"https://bedrock.{region}.amazonaws.com"
        if api_key:  # a Bedrock API key is a plain bearer token
            headers["Authorization"] = f"Bearer {api_key}"
        else:
            access_key = (secrets.get("aws_access_key_id") or settings.get("aws_access_key_id") or "").strip()
            secret_key = (secrets.get("aws_secret_access_key") or "").strip()
            if not access_key or not secret_key:
                raise UpstreamError(
                    "invalid_credentials",
                    "No AWS credentials are set for this provider.",
                    hint="Enter an access key pair or a Bedrock API key.",
                )
            auth = BotocoreSigV4Auth(access_key, secret_key, secrets.get("aws_session_token"), region, "bedrock")

    organization = _setting(template, settings, "organization") if template.field("organization") else ""
    if organization:
        headers["OpenAI-Organization"] = organization
    if not base:
        raise ConfigValidationError({"api_base": ["Enter the provider's base URL."]})
    return _Plan(base, join_url(base, fetching.endpoint), headers, params, auth)


def _fetch_pages(plan: _Plan, format_name: str) -> list[ModelRecord]:
    """GET every page (bounded), parse each, keep the first occurrence of every id."""
    parse = parsers.PARSERS[format_name]
    size_param, size, cursor_param = _PAGINATION.get(format_name, ("", "", ""))
    params = dict(plan.params)
    if size_param:
        params[size_param] = size
    records: list[ModelRecord] = []
    seen_ids: set[str] = set()
    seen_cursors: set[str] = set()
    cursor: str | None = None
    for page in range(MAX_PAGES):
        page_params = {**params, cursor_param: cursor} if cursor else params
        response = http.request("GET", plan.url, headers=plan.headers, params=page_params, auth=plan.auth)
        page_records, next_cursor = parse(response.json())
        for record in page_records:
            if record.id not in seen_ids:
                seen_ids.add(record.id)
                records.append(record)
        if len(records) >= MAX_MODELS:
            if len(records) > MAX_MODELS or (cursor_param and next_cursor):
                logger.warning("model list of %s truncated at %d models", plan.url, MAX_MODELS)
            return records[:MAX_MODELS]
        if not cursor_param or not next_cursor or next_cursor in seen_cursors:
            return records
        if page == MAX_PAGES - 1:
            logger.warning("model list of %s still had pages after %d; stopped", plan.url, MAX_PAGES)
        seen_cursors.add(next_cursor)
        cursor = next_cursor
    return records


def _merge_ollama_details(plan: _Plan, records: list[ModelRecord]) -> list[ModelRecord]:
    """POST /api/show for each model (4 at a time); one failure leaves that model as /api/tags described it."""
    show_url = join_url(plan.base, "/api/show")
    headers = {**plan.headers, "Content-Type": "application/json"}
    # All shows share one budget so 200 slow models cannot stretch a page load to minutes.
    stop_at = time.monotonic() + 2 * float(conf.get("DEADLINE"))

    def show(record: ModelRecord) -> ModelRecord:
        if time.monotonic() > stop_at:
            return record
        try:
            response = http.request("POST", show_url, headers=headers, json_body={"model": record.id})
            return parsers.merge_ollama_show(record, response.json())
        except UpstreamError as exc:  # ParseError included
            logger.info("ollama /api/show failed for %s: %s", record.id, exc.code)
            return record

    head, tail = records[:OLLAMA_MAX_SHOWS], records[OLLAMA_MAX_SHOWS:]
    with ThreadPoolExecutor(max_workers=OLLAMA_SHOW_WORKERS) as pool:
        detailed = list(pool.map(show, head))  # map keeps the /api/tags order
    return detailed + tail


def fetch_models(template: ProviderTemplate, settings: dict[str, Any], secrets: dict[str, str]) -> list[ModelRecord]:
    """The provider's live model list, parsed, de-duplicated and enriched from litellm's catalog.

    Raises UpstreamError (already classified by http.request, or ParseError for a bad body),
    ConfigValidationError for an unusable base URL or region, ValueError for a template with no list endpoint.
    """
    fetching = template.model_fetching
    if not fetching.supported or fetching.format == "none":
        raise ValueError(f"template {template.id!r} has no model list endpoint")
    plan = _plan(template, settings, secrets)
    records = _fetch_pages(plan, fetching.format)
    if fetching.format == "ollama" and records:
        records = _merge_ollama_details(plan, records)
    return _enrich_all(records, template.litellm_provider)


def _enrich_all(records: list[ModelRecord], litellm_provider: str) -> list[ModelRecord]:
    return [litellm_catalog.enrich(record, litellm_provider) for record in records]


def fallback_models(template: ProviderTemplate) -> list[ModelRecord]:
    """The template's own fallback list (source "fallback") then litellm's catalog models for the
    provider (source "catalog") not already listed — served when the live list is unavailable."""
    records = [
        ModelRecord(
            id=model.id,
            display_name=model.display_name,
            kind=model.kind,
            context_window=model.context_window,
            max_output_tokens=model.max_output_tokens,
            capabilities=list(model.capabilities),
            source="fallback",
        )
        for model in template.fallback_models
    ]
    if template.category in {"local", "custom"}:
        # A self-hosted or custom server serves whatever it hosts: litellm's catalog for its
        # protocol (e.g. every OpenAI model for an OpenAI-compatible server) would mislead.
        return _enrich_all(records, template.litellm_provider)
    seen = {record.id for record in records}
    for record in litellm_catalog.catalog_models(template.litellm_provider):
        if record.id not in seen:
            seen.add(record.id)
            records.append(record)
    return _enrich_all(records, template.litellm_provider)
