import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Make sure a local admin account exists (for `make run`). Uses ADMIN_PASSWORD or prints a generated one once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("ADMIN_USERNAME", "admin"))

    def handle(self, *args, **options):
        User = get_user_model()  # noqa: N806
        username = options["username"]
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Admin account {username!r} exists (set ADMIN_PASSWORD and delete it to reset).")
            return
        password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        if os.environ.get("ADMIN_PASSWORD"):
            self.stdout.write(f"Created admin account {username!r} with the password from ADMIN_PASSWORD.")
        else:
            self.stdout.write(self.style.WARNING(f"Created admin account {username!r} with password: {password}"))
            self.stdout.write("This password is shown only once.")
