"""Any number of concurrent requests for an expired list cause exactly one upstream fetch."""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from llm_providers.selectors import provider_get
from llm_providers.services.discovery import get_models

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def slow_upstream(fake_upstream, settings):
    # 0.6 s upstream: long enough that every request arrives while the fetch is in flight.
    fake_upstream.set("/v1/models", json={"object": "list", "data": [{"id": f"m{i}"} for i in range(100)]}, delay=0.6)
    settings.LLM_PROVIDERS_SINGLE_FLIGHT_WAIT = 5.0
    return fake_upstream


@pytest.fixture
def provider(make_provider, slow_upstream):
    return make_provider("Local server", "openai_compatible", {"api_base": f"{slow_upstream.url}/v1"})


def test_50_threads_cause_one_upstream_call(provider, slow_upstream):
    sources: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(50)

    def one() -> None:
        try:
            barrier.wait()
            result = get_models(provider_get(provider.pk))
            with lock:
                sources.append(f"{result.source}:{len(result.models)}")
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert slow_upstream.calls("/v1/models") == 1
    assert len(sources) == 50
    assert set(sources) == {"live:100"}


def _database_env() -> dict[str, str]:
    settings_dict = connection.settings_dict
    env = dict(os.environ)
    if settings_dict["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{settings_dict['NAME']}"
    else:
        user, host, port = settings_dict["USER"], settings_dict["HOST"], settings_dict["PORT"] or 5432
        env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{settings_dict['NAME']}"
    return env


def test_two_processes_cause_one_upstream_call(provider, slow_upstream):
    env = _database_env()
    start_at = time.time() + 4.0  # both processes finish Django start-up first
    cmd = [sys.executable, "-m", "tests.integration.single_flight_worker", str(provider.pk), "25", str(start_at)]
    children = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]  # fmt: skip
    outputs = [child.communicate(timeout=60) for child in children]
    for child, (_out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
    sources = [source for out, _ in outputs for source in json.loads(out.strip().splitlines()[-1])]
    assert len(sources) == 50
    assert slow_upstream.calls("/v1/models") == 1
    assert set(sources) <= {"live:100", "cache:100"}
