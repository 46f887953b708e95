"""Unfinished wizard setups are listed on the overview so they can be resumed."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_overview_lists_unfinished_setups_with_a_continue_link(admin_user, make_provider, settings):
    settings.LLM_PROVIDERS_LOCAL_PROBE_TARGETS = []
    draft = make_provider(name="Groq <b>draft</b>", status="draft")
    make_provider(name="Active one")
    client = Client()
    client.force_login(admin_user)
    html = client.get("/llm-providers/").content.decode()
    assert "Unfinished setups" in html
    assert f'href="/llm-providers/new/groq/configure/?draft={draft.pk}"' in html
    assert "Continue setup of Groq &lt;b&gt;draft&lt;/b&gt;" in html
    assert "Continue setup of Active one" not in html


def test_no_unfinished_setups_section_without_drafts(admin_user, make_provider, settings):
    settings.LLM_PROVIDERS_LOCAL_PROBE_TARGETS = []
    make_provider(name="Active one")
    client = Client()
    client.force_login(admin_user)
    assert "Unfinished setups" not in client.get("/llm-providers/").content.decode()
