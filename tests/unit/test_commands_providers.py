"""manage.py llm_providers_refresh_models and llm_providers_test. Upstream mocked with `responses`.

transactional_db: the commands work in threads with their own DB connections, which would not
see rows inside the test's transaction.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.api_support import SENTINEL_KEY, chat_requests
from tests.fakes.upstream import FakeUpstream

LISTING = {"object": "list", "data": [{"id": "llama-3.3-70b-versatile", "object": "model"}]}
OTHER_BASE = "http://127.0.0.2:9/v1"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fast_failures(settings):
    settings.LLM_PROVIDERS_MAX_RETRIES = 0


@pytest.fixture
def chat():
    """A real server for the one-token completion (litellm's httpx call); lists are mocked by `responses`."""
    with FakeUpstream() as fake:
        yield fake


@pytest.fixture
def good_base(chat) -> str:
    return f"{chat.url}/openai/v1"


@pytest.fixture
def providers(make_provider, good_base):
    """One provider whose API answers, one whose API refuses the key, one disabled."""
    good = make_provider(name="Good", config={"api_key": SENTINEL_KEY, "api_base": good_base})
    bad = make_provider(name="Bad", config={"api_key": SENTINEL_KEY, "api_base": OTHER_BASE})
    make_provider(name="Off", config={"api_key": SENTINEL_KEY, "api_base": OTHER_BASE}, enabled=False)
    return good, bad


def _run(name: str, *args: str) -> tuple[str, str, CommandError | None]:
    out, err = StringIO(), StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def _mock(upstream, good_base: str) -> None:
    upstream.add_passthru(good_base.rsplit("/openai", 1)[0])  # the chat endpoint is the real fake
    upstream.get(f"{good_base}/models", json=LISTING)
    upstream.get(f"{OTHER_BASE}/models", json={"error": {"message": f"bad key {SENTINEL_KEY}"}}, status=401)


def test_refresh_all_reports_each_and_fails_when_one_failed(upstream, providers, good_base):
    _mock(upstream, good_base)
    out, err, error = _run("llm_providers_refresh_models", "--json")
    rows = {row["name"]: row for row in json.loads(out)}
    assert set(rows) == {"Good", "Bad"}, "disabled providers are skipped"
    assert rows["Good"]["ok"] is True and rows["Good"]["source"] == "live" and rows["Good"]["models"] == 1
    assert rows["Good"]["changes"]["added"] == ["llama-3.3-70b-versatile"]
    assert rows["Bad"]["ok"] is False and rows["Bad"]["source"] == "fallback"
    assert rows["Bad"]["error"]["code"] == "invalid_credentials"
    assert error is not None and error.returncode == 1 and "Bad" in str(error)
    assert SENTINEL_KEY[4:12] not in out + err


def test_refresh_one_provider_succeeds_with_text_output(upstream, providers, good_base):
    _mock(upstream, good_base)
    good, _ = providers
    out, _, error = _run("llm_providers_refresh_models", "--provider", str(good.pk))
    assert error is None
    assert out.startswith("ok") and "Good" in out and "1 models (live)" in out


def test_refresh_all_flag_and_unknown_provider(upstream, providers, good_base):
    _mock(upstream, good_base)
    out, _, error = _run("llm_providers_refresh_models", "--all")
    assert "FAIL Bad" in out and "invalid_credentials" in out and error is not None
    _, _, error = _run("llm_providers_refresh_models", "--provider", "4242")
    assert error is not None and "4242" in str(error)


def test_refresh_rejects_both_selectors(db):
    with pytest.raises(CommandError):
        call_command("llm_providers_refresh_models", "--all", "--provider", "1")


def test_test_command(upstream, providers, good_base, chat):
    _mock(upstream, good_base)
    good, bad = providers
    out, err, error = _run("llm_providers_test", "--json")
    rows = {row["name"]: row for row in json.loads(out)}
    assert rows["Good"]["ok"] is True and [c["name"] for c in rows["Good"]["checks"]][0] == "url_policy"
    assert rows["Good"]["checks"][-1] == {**rows["Good"]["checks"][-1], "name": "completion", "ok": True}
    assert chat_requests(chat)[0].headers["authorization"] == f"Bearer {SENTINEL_KEY}"
    assert rows["Bad"]["ok"] is False and rows["Bad"]["error"]["code"] == "invalid_credentials"
    assert error is not None and error.returncode == 1
    assert SENTINEL_KEY[4:12] not in out + err

    out, _, error = _run("llm_providers_test", "--provider", str(good.pk))
    assert error is None and out.startswith("ok   Good")
    out, _, error = _run("llm_providers_test", "--provider", str(bad.pk))
    assert error is not None and "FAIL Bad [authenticated]" in out


def test_commands_with_no_providers(db):
    assert "No enabled providers" in _run("llm_providers_test")[0]
    assert _run("llm_providers_refresh_models")[2] is None
