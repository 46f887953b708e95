"""Property-based run over the OpenAPI document: no input may produce a 5xx.

The schema comes from `api.get_openapi_schema()` (no request, so no auth needed at import);
requests go to Django's WSGI app in-process with an admin's bearer token. Outbound provider
calls are intercepted by `responses` (nothing registered: every call fails at once, as if
the provider were down), so this needs no sockets.
"""

from __future__ import annotations

import pytest
import responses
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from llm_providers.api.app import api
from tests.api_support import DEAD_BASE, bearer

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
application = get_wsgi_application()


@pytest.fixture
def target(admin_user, make_provider) -> tuple[dict[str, str], int]:
    """An admin's bearer headers and the id of a provider with a stored key."""
    provider = make_provider(name="Groq", config={"api_key": "gsk_schemathesis_key_0001", "api_base": DEAD_BASE})
    make_provider(name="Local", template_id="ollama", config={})
    return bearer(admin_user), provider.pk


@pytest.fixture(autouse=True)
def _keep_test_transaction():
    """Django's test Client detaches these; a raw WSGI call would close the test's DB connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_outbound_http(settings):
    settings.LLM_PROVIDERS_MAX_RETRIES = 0  # a failed call is final at once: no backoff sleeps
    with responses.RequestsMock(assert_all_requests_are_fired=False):
        yield


SETTINGS = hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@schema.parametrize()
@SETTINGS
def test_no_server_errors(case, target, db):
    headers, _ = target
    case.call_and_validate(app=application, headers=headers, checks=[not_a_server_error])


@schema.parametrize()
@SETTINGS
def test_no_server_errors_on_existing_resources(case, target, db):
    """Random ids mostly hit 404s; here the ids name a real provider and template, so bodies reach the services."""
    headers, provider_id = target
    params = case.path_parameters or {}
    if "provider_id" in params:
        params["provider_id"] = provider_id
    if "template_id" in params:
        params["template_id"] = "groq"
    case.call_and_validate(app=application, headers=headers, checks=[not_a_server_error])
