"""GET metrics: the model-list cache counters."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from llm_providers import metrics
from llm_providers.api.schemas import MetricsOut, error_responses

router = Router(tags=["metrics"])


@router.get("metrics", response={200: MetricsOut, **error_responses()})
def get_metrics(request: HttpRequest) -> dict[str, Any]:
    return metrics.snapshot()
