"""Model discovery and the admin JSON API, against a local fake upstream.

Prints: cached GET .../models on one gunicorn sync worker (p50/p99, requests/s), SQL queries per
cached request, the cold-fetch overhead over the upstream's own latency, refreshing 10 slow
providers, 50 concurrent cold requests over HTTP, and the cache hit rate over 10,000 reads.
"""

from __future__ import annotations

import concurrent.futures
import time

import requests
from common import gunicorn, percentiles, prepare_environment, report, wrk

prepare_environment()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from llm_providers import metrics  # noqa: E402
from llm_providers.api.tokens import create_token  # noqa: E402
from llm_providers.models import ProviderConfig  # noqa: E402
from llm_providers.services.discovery import get_models  # noqa: E402
from llm_providers.services.providers import provider_create  # noqa: E402
from tests.fakes.upstream import FakeUpstream  # noqa: E402

MODELS = {"object": "list", "data": [{"id": f"model-{i:03d}", "object": "model"} for i in range(100)]}


def main() -> None:
    admin = get_user_model().objects.create_superuser("bench", "", "bench-pass-123")
    _, token = create_token(admin, name="bench")
    auth = {"Authorization": f"Bearer {token}"}
    with FakeUpstream() as fake:
        fake.set("/v1/models", json=MODELS)
        provider = provider_create(name="Bench", template_id="openai_compatible", config={"api_base": f"{fake.url}/v1"})
        path = f"/api/admin/llm/providers/{provider.pk}/models"

        client = Client(HTTP_HOST="127.0.0.1")
        cold = client.get(path, headers=auth)  # fetches and stores the list
        assert cold.status_code == 200 and len(cold.json()["models"]) == 100, cold.content[:300]
        with CaptureQueriesContext(connection) as first:
            assert client.get(path, headers=auth).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            assert client.get(path, headers=auth).status_code == 200
        report("SQL queries per cached GET .../models (1st, then warm)", {"first": len(first), "warm": len(warm)},
               "constant, small")  # fmt: skip

        with gunicorn("--workers", "1") as base:
            requests.get(base + path, headers=auth, timeout=10).raise_for_status()
            result = wrk(base + path, headers=auth, seconds=10)
            report("cached GET .../models, 100 models, 1 sync worker, 1 conn", result,
                   "p50<=2ms p99<=10ms >=600 rps")  # fmt: skip
            result8 = wrk(base + path, headers=auth, seconds=10, connections=8)
            report("cached GET .../models, 1 sync worker, 8 connections", result8)

            refresh = base + f"/api/admin/llm/providers/{provider.pk}/refresh-models"
            direct, through = [], []
            for _ in range(40):
                started = time.perf_counter()
                requests.get(f"{fake.url}/v1/models", timeout=10).raise_for_status()
                direct.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                requests.post(refresh, headers=auth, timeout=10).raise_for_status()
                through.append((time.perf_counter() - started) * 1000)
            upstream_ms, api_ms = percentiles(direct)["p50_ms"], percentiles(through)["p50_ms"]
            overhead = {"upstream_ms": upstream_ms, "api_ms": api_ms, "overhead_ms": round(api_ms - upstream_ms, 2)}
            report("cold fetch: upstream alone vs through the API (p50)", overhead, "overhead <= 20ms")

        cold_provider = provider_create(
            name="Cold", template_id="openai_compatible", config={"api_base": f"{fake.url}/cold/v1"}
        )
        fake.set("/cold/v1/models", json=MODELS, delay=0.5)
        with gunicorn("--workers", "2", "--worker-class", "gthread", "--threads", "25") as base:
            url = base + f"/api/admin/llm/providers/{cold_provider.pk}/models"
            requests.get(base + "/api/admin/llm/templates", headers=auth, timeout=10)  # warm the workers
            with concurrent.futures.ThreadPoolExecutor(50) as pool:
                statuses = list(pool.map(lambda _: requests.get(url, headers=auth, timeout=30).status_code, range(50)))
            report("50 concurrent cold GETs (2 workers x 25 threads)",
                   {"upstream_calls": fake.calls("/cold/v1/models"), "ok": statuses.count(200)},
                   "1 upstream call")  # fmt: skip

        metrics_before = metrics.provider_snapshot(provider.pk)
        provider.refresh_from_db()
        for _ in range(10_000):
            get_models(provider)
        after = metrics.provider_snapshot(provider.pk)
        hits = after["hits"] - metrics_before["hits"]
        misses = after["misses"] - metrics_before["misses"]
        report("hit rate over 10,000 reads (default TTL)", {"hit_rate": round(hits / (hits + misses), 4)}, ">= 0.99")

        # Only the 10 slow providers remain for the refresh measurement.
        ProviderConfig.objects.all().delete()
        for index in range(10):
            fake.set(f"/slow{index}/v1/models", json=MODELS, delay=0.5)
            provider_create(name=f"Slow {index}", template_id="openai_compatible",
                            config={"api_base": f"{fake.url}/slow{index}/v1"})  # fmt: skip

        started = time.perf_counter()
        call_command("llm_providers_refresh_models", "--all", stdout=open("/dev/null", "w"))  # noqa: SIM115
        elapsed = time.perf_counter() - started
        report("refresh 10 providers whose upstream takes 500 ms each", {"seconds": round(elapsed, 2)}, "<= 1 s")


if __name__ == "__main__":
    main()
