"""The wizard's local-server probe: parallel, within about a second, cached, overridable targets."""

from __future__ import annotations

import time

import pytest

from llm_providers.services import local_probe


def test_answering_servers_are_found_and_the_answer_is_cached(settings, fake_upstream):
    fake_upstream.set("/api/version", json={"version": "0.6.0"})
    settings.LLM_PROVIDERS_LOCAL_PROBE_TARGETS = [
        {"template_id": "ollama", "url": f"{fake_upstream.url}/api/version"},
        {"template_id": "vllm", "url": f"{fake_upstream.url}/nothing-here"},  # 404: some other program
    ]
    found = local_probe.running_local_servers()
    assert set(found) == {"ollama"}
    assert local_probe.running_local_servers() == found
    assert fake_upstream.calls("/api/version") == 1  # the second answer came from the cache


def test_slow_servers_do_not_hold_the_page(settings, fake_upstream):
    fake_upstream.set("/slow", json={}, delay=3)
    fake_upstream.set("/fast", json={})
    settings.LLM_PROVIDERS_LOCAL_PROBE_TARGETS = [
        {"template_id": "lm_studio", "url": f"{fake_upstream.url}/slow"},
        {"template_id": "localai", "url": f"{fake_upstream.url}/fast"},
        {"template_id": "vllm", "url": "http://127.0.0.1:9/v1/models"},  # closed port
    ]
    started = time.monotonic()
    found = local_probe.running_local_servers()
    assert time.monotonic() - started < 1.5
    assert set(found) == {"localai"}


def test_no_targets_means_no_probe(settings):
    settings.LLM_PROVIDERS_LOCAL_PROBE_TARGETS = []
    assert local_probe.running_local_servers() == {}


@pytest.mark.parametrize("template_id", ["ollama", "lm_studio", "localai", "vllm"])
def test_default_targets_cover_the_local_templates(template_id):
    from llm_providers.catalog.loader import get_template

    targets = {t["template_id"]: t["url"] for t in local_probe.DEFAULT_TARGETS}
    assert targets[template_id].startswith("http://127.0.0.1:")
    assert get_template(template_id) is not None
