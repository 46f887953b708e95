from django.core.management.base import BaseCommand

from llm_providers import conf
from llm_providers.services.providers import purge_stale_drafts


class Command(BaseCommand):
    help = "Delete wizard drafts that were abandoned (older than LLM_PROVIDERS_DRAFT_MAX_AGE_HOURS)."

    def handle(self, *args, **options):
        count = purge_stale_drafts(max_age_hours=conf.get("DRAFT_MAX_AGE_HOURS"))
        self.stdout.write(f"Purged {count} abandoned draft(s).")
