"""Refresh model lists from the providers' APIs (e.g. from cron). Exit status 1 if any failed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from llm_providers.management.runner import error_text, report, run_for_each, select_providers
from llm_providers.models import ProviderConfig
from llm_providers.services import discovery


def refresh(provider: ProviderConfig) -> dict[str, Any]:
    result = discovery.refresh_models(provider)
    return {
        # Failure = upstream error; the stale or fallback list is still being served.
        "ok": result.error is None,
        "source": result.source,
        "models": len(result.models),
        "changes": result.changes or {"added": [], "removed": [], "changed": []},
        "error": result.error,
    }


def line(row: dict[str, Any]) -> str:
    mark = "ok  " if row["ok"] else "FAIL"
    if "source" not in row:
        return f"{mark} {row['name']}: {error_text(row['error'])}"
    changes = row["changes"]
    summary = f"{row['models']} models ({row['source']}); +{len(changes['added'])} -{len(changes['removed'])}"
    summary += f" ~{len(changes['changed'])}"
    return f"{mark} {row['name']}: {summary}" + (f" — {error_text(row['error'])}" if row["error"] else "")


class Command(BaseCommand):
    help = "Refresh model lists: one provider (--provider ID) or every enabled provider (default, or --all)."

    def add_arguments(self, parser: Any) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--provider", type=int, help="Refresh only this provider id.")
        which.add_argument("--all", action="store_true", help="Refresh every enabled provider (the default).")
        parser.add_argument("--json", action="store_true", help="Print the results as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = run_for_each(select_providers(options["provider"]), refresh)
        report(rows, as_json=options["json"], stdout=self.stdout, line=line)
