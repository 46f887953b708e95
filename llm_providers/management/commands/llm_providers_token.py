"""Bearer tokens for the admin API: create (printed once), list, revoke."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from llm_providers.api import tokens
from llm_providers.models import ApiToken


class Command(BaseCommand):
    help = "Manage API tokens: create --user NAME [--name LABEL] | list | revoke PREFIX"

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token; it is printed once and only its hash is stored.")
        create.add_argument("--user", required=True, help="Username the token acts as.")
        create.add_argument("--name", default="", help="A label, e.g. what uses the token.")
        sub.add_parser("list", help="List tokens (prefix, user, label, dates).")
        revoke = sub.add_parser("revoke", help="Delete the token with this prefix.")
        revoke.add_argument("prefix", help="The token prefix shown by `list`, e.g. llmp_AbC1234.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _create(self, options: dict[str, Any]) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: options["user"]})
        except user_model.DoesNotExist:
            raise CommandError(f"No user named {options['user']!r}.") from None
        if not (user.is_active and (user.is_staff or user.is_superuser)):
            self.stderr.write(f"Warning: {user} is not active staff; the API will answer 403 to this token.")
        token, raw = tokens.create_token(user, name=options["name"][:100])
        self.stdout.write(raw)
        self.stderr.write(f"Token {token.prefix}… created for {user}. Copy it now: it cannot be shown again.")

    def _list(self, options: dict[str, Any]) -> None:
        rows = ApiToken.objects.select_related("user").order_by("created_at")
        if not rows:
            self.stdout.write("No tokens.")
        for token in rows:
            used = token.last_used_at.isoformat(timespec="seconds") if token.last_used_at else "never"
            created = token.created_at.isoformat(timespec="seconds")
            self.stdout.write(f"{token.prefix}  {token.user}  {token.name or '-'}  created {created}  last used {used}")

    def _revoke(self, options: dict[str, Any]) -> None:
        if not tokens.revoke_token(options["prefix"]):
            raise CommandError(f"No token with prefix {options['prefix']!r}.")
        self.stdout.write(f"Revoked {options['prefix']}.")
