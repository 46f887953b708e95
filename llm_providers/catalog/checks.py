"""`manage.py check` fails on a broken template, naming the file and the field."""

from __future__ import annotations

from django.core import checks

from llm_providers.catalog.loader import load_catalog


@checks.register("llm_providers")
def check_templates(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    catalog = load_catalog(check_litellm=True)
    return [checks.Error(str(problem), id="llm_providers.E001", obj=problem.path) for problem in catalog.problems]
