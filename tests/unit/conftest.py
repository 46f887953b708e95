"""Fixtures shared by the unit tests of the HTML views and the admin API."""

from __future__ import annotations

import pytest
import responses
from django.test import Client

from tests.api_support import ChatModels
from tests.unit.views_support import logged_in


@pytest.fixture
def no_local_probe(settings):
    """No local-server probe on the pages (use with `pytest.mark.usefixtures`)."""
    settings.LLM_PROVIDERS_LOCAL_PROBE_TARGETS = []


@pytest.fixture
def staff_client(staff_user) -> Client:
    """A test client with a session logged in as `staff_user` (who holds the app's permissions)."""
    return logged_in(staff_user)


@pytest.fixture
def upstream():
    """The provider's HTTP API as seen by requests; unregistered URLs fail at once."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def fake_base(fake_upstream) -> str:
    """An api_base (an IP literal: no DNS pre-flight) on the real fake: `responses` answers its /models,
    the fake answers the completions."""
    return f"{fake_upstream.url}/openai/v1"


@pytest.fixture
def completions(fake_upstream) -> ChatModels:
    """The models the fake was asked to complete through litellm; compares equal to a list of names."""
    return ChatModels(fake_upstream)
