"""Which local model servers answer on this machine right now (the wizard's recommendations).

Each target is probed in parallel with a short deadline, the whole probe stays within about one
second, and the answer is cached for a minute so opening the wizard repeatedly costs nothing.
Targets are overridable through LLM_PROVIDERS_LOCAL_PROBE_TARGETS so tests can point them at a fake
server; every call goes through discovery.http, so the URL policy applies as everywhere else.
"""

from __future__ import annotations

import hashlib
import json
import logging
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

from django.conf import settings
from django.core.cache import cache

from llm_providers.exceptions import UpstreamError

logger = logging.getLogger(__name__)

# template id → a cheap GET on the server's default port. `api_base` (optional) pre-fills the form.
DEFAULT_TARGETS: tuple[dict[str, str], ...] = (
    {"template_id": "ollama", "url": "http://127.0.0.1:11434/api/version"},
    {"template_id": "lm_studio", "url": "http://127.0.0.1:1234/v1/models"},
    {"template_id": "localai", "url": "http://127.0.0.1:8080/v1/models"},
    {"template_id": "vllm", "url": "http://127.0.0.1:8000/v1/models"},
)
TOTAL_BUDGET_SECONDS = 1.0
PER_TARGET_SECONDS = 0.8
CONNECT_SECONDS = 0.5
PROBE_MAX_BYTES = 256 * 1024
CACHE_SECONDS = 60
_CACHE_KEY = "llmp:local-probe:v1"


def targets() -> list[dict[str, str]]:
    return [dict(t) for t in getattr(settings, "LLM_PROVIDERS_LOCAL_PROBE_TARGETS", DEFAULT_TARGETS)]


def _answers(url: str) -> bool:
    from llm_providers.discovery import http

    try:
        # Only a 2xx answer counts: another program on the same port (a dev server on 8000) answers 404.
        http.request(
            "GET",
            url,
            connect_timeout=CONNECT_SECONDS,
            deadline=PER_TARGET_SECONDS,
            retries=0,
            max_bytes=PROBE_MAX_BYTES,
        )
    except UpstreamError:
        return False
    return True


def _probe(probe_targets: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    if not probe_targets:
        return {}
    found: dict[str, dict[str, str]] = {}
    # Not a `with` block: its exit would wait for stragglers and break the one-second budget.
    pool = ThreadPoolExecutor(max_workers=len(probe_targets), thread_name_prefix="llmp-probe")
    try:
        futures = {pool.submit(_answers, t["url"]): t for t in probe_targets}
        done, _ = wait(futures, timeout=TOTAL_BUDGET_SECONDS)
        for future in done:
            target = futures[future]
            try:
                if future.result():
                    found[target["template_id"]] = target
            except Exception:  # noqa: BLE001 - a probe bug must never break the wizard page
                logger.exception("local probe of %s failed", target.get("url"))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return found


def running_local_servers() -> dict[str, dict[str, Any]]:
    """{template_id: target} for every local server that answered (cached ~60 s)."""
    probe_targets = targets()
    # Keyed by the target list, so changing the setting never serves another list's answer.
    digest = hashlib.sha256(json.dumps(probe_targets, sort_keys=True).encode()).hexdigest()[:16]
    key = f"{_CACHE_KEY}:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    found = _probe(probe_targets)
    cache.set(key, found, CACHE_SECONDS)
    return found
