"""Run the connection test against saved providers. Exit status 1 if any failed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from llm_providers.management.runner import error_text, report, run_for_each, select_providers
from llm_providers.models import ProviderConfig
from llm_providers.services import connection_test


def run_test(provider: ProviderConfig) -> dict[str, Any]:
    return connection_test.test_provider(provider).to_dict()


def line(row: dict[str, Any]) -> str:
    if row["ok"]:
        return f"ok   {row['name']} ({row['latency_ms']} ms)"
    failed = [c for c in row.get("checks", []) if not c["ok"] and not c.get("skipped")]
    where = f" [{failed[0]['name']}]" if failed else ""
    return f"FAIL {row['name']}{where}: {error_text(row['error'])}"


class Command(BaseCommand):
    help = "Test the connection of one provider (--provider ID) or of every enabled provider."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--provider", type=int, help="Test only this provider id.")
        parser.add_argument("--json", action="store_true", help="Print the results as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = run_for_each(select_providers(options["provider"]), run_test)
        report(rows, as_json=options["json"], stdout=self.stdout, line=line)
