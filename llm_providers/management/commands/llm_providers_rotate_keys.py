from django.core.management.base import BaseCommand, CommandError

from llm_providers.services.providers import rotate_encryption_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every provider's secrets with the first key of LLM_PROVIDERS_ENCRYPTION_KEYS. "
        "Afterwards the older keys can be removed."
    )

    def handle(self, *args, **options):
        rotated, unreadable = rotate_encryption_keys()
        self.stdout.write(f"Re-encrypted the secrets of {rotated} provider(s).")
        if unreadable:
            raise CommandError(
                "No configured key decrypts these providers (enter their keys again): " + ", ".join(unreadable)
            )
