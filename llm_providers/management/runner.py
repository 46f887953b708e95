"""Shared by the refresh/test commands: pick providers, run one job per provider in a bounded pool."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.core.management.base import CommandError, OutputWrapper
from django.db import connections

from llm_providers import selectors
from llm_providers.exceptions import LLMProvidersError
from llm_providers.models import ProviderConfig

# Each job is mostly waiting on a provider's API; a few threads overlap that without
# flooding the database with connections.
MAX_WORKERS = 16  # I/O-bound (waiting on providers), so more threads than cores is right


def select_providers(provider_id: int | None) -> list[ProviderConfig]:
    """One provider by id, or every enabled, active (non-draft) provider."""
    if provider_id is not None:
        try:
            return [selectors.provider_get(provider_id)]
        except LLMProvidersError as exc:
            raise CommandError(exc.message) from None
    return list(selectors.provider_list().filter(enabled=True))


def run_for_each(
    providers: list[ProviderConfig], job: Callable[[ProviderConfig], dict[str, Any]]
) -> list[dict[str, Any]]:
    """`job(provider)` → a row with at least "ok"; rows come back in the providers' order."""

    def run(provider: ProviderConfig) -> dict[str, Any]:
        try:
            row = job(provider)
        except LLMProvidersError as exc:
            row = {"ok": False, "error": {"code": exc.code, "message": exc.message, "hint": ""}}
        finally:
            # Each worker thread opened its own connection; don't leave it to the garbage collector.
            connections.close_all()
        return {"provider_id": provider.pk, "name": provider.name, **row}

    if not providers:
        return []
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(providers))) as pool:
        return list(pool.map(run, providers))


def report(
    rows: list[dict[str, Any]], *, as_json: bool, stdout: OutputWrapper, line: Callable[[dict[str, Any]], str]
) -> None:
    """Print the rows (JSON or one line each), then fail the command if any row failed."""
    if as_json:
        stdout.write(json.dumps(rows, indent=2, default=str))
    else:
        if not rows:
            stdout.write("No enabled providers.")
        for row in rows:
            stdout.write(line(row))
    failed = [row["name"] for row in rows if not row["ok"]]
    if failed:
        raise CommandError(f"{len(failed)} of {len(rows)} failed: {', '.join(failed)}", returncode=1)


def error_text(error: dict[str, Any] | None) -> str:
    if not error:
        return ""
    text = f"{error.get('code')}: {error.get('message')}"
    return f"{text} {error['hint']}" if error.get("hint") else text
