import json

from django.core.management.base import BaseCommand, CommandError

from llm_providers.catalog.loader import load_catalog


class Command(BaseCommand):
    help = "List the provider templates; --validate checks every file (including litellm provider names)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the templates as JSON.")
        parser.add_argument("--validate", action="store_true", help="Validate every template file.")

    def handle(self, *args, **options):
        catalog = load_catalog(check_litellm=options["validate"])
        templates = catalog.ordered()
        if options["json"]:
            self.stdout.write(json.dumps([t.model_dump(mode="json") for t in templates], indent=2))
        else:
            for template in templates:
                status = "valid" if options["validate"] else ""
                self.stdout.write(
                    f"{template.id:<20} {template.name:<28} {template.category:<14} "
                    f"{template.setup_difficulty:<7} {template.litellm_provider:<15} {status}".rstrip()
                )
        for problem in catalog.problems:
            self.stderr.write(self.style.ERROR(str(problem)))
        if options["validate"]:
            if catalog.problems:
                raise CommandError(f"{len(catalog.problems)} problem(s) in the provider templates.")
            self.stderr.write(self.style.SUCCESS(f"{len(templates)} templates, all valid."))
