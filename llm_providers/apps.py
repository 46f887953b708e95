from django.apps import AppConfig


class LLMProvidersConfig(AppConfig):
    name = "llm_providers"
    verbose_name = "LLM providers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from llm_providers.catalog import checks  # noqa: F401  (registers the system check)
