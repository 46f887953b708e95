"""Managing configured providers: edit without retyping the key, default, enable/disable, delete, models by hand."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from llm_providers.models import ProviderConfig
from llm_providers.services.providers import provider_create, provider_secrets, provider_set_default

UI = "/llm-providers/"
KEY = "gsk_browser_kept_key_0004"


def groq_provider(name: str, fake, **kwargs) -> ProviderConfig:
    return provider_create(
        name=name, template_id="groq", config={"api_key": KEY, "api_base": fake.url + "/openai/v1"}, **kwargs
    )


def card(page: Page, name: str):
    return page.get_by_role("article", name=name, exact=True)


def test_edit_without_retyping_the_key_keeps_it(admin_page, live_server, fakes):
    page = admin_page
    fake = fakes("groq", models=["llama-kept-key-70b", "llama-kept-key-8b"], api_key=KEY)
    groq_provider("Groq staging", fake, default_model="llama-kept-key-70b")

    page.goto(live_server.url + UI)
    page.get_by_role("link", name="Edit Groq staging").click()
    expect(page.get_by_role("heading", name="Edit Groq staging")).to_be_visible()
    # The key is stored: masked, never in the page, and its input stays folded away.
    expect(page.get_by_text("Stored:")).to_be_visible()
    expect(page.get_by_text("leave it as is to keep it")).to_be_visible()
    assert KEY not in page.content()
    expect(page.get_by_label(re.compile(r"^API key"))).to_be_hidden()

    page.get_by_label(re.compile(r"^Provider name")).fill("Groq production")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved Groq production.")).to_be_visible()
    expect(card(page, "Groq production")).to_be_visible()
    assert provider_secrets(ProviderConfig.objects.get(name="Groq production"))["api_key"] == KEY

    # A model refresh still authenticates against the fake that requires the key.
    listed_before = fake.calls("/openai/v1/models")
    card(page, "Groq production").get_by_role("link", name="Models of Groq production").click()
    page.get_by_role("button", name="Refresh the model list").click()
    expect(page.get_by_role("status").filter(has_text="Model list refreshed")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("rowheader", name=re.compile(r"^llama-kept-key-8b"))).to_be_visible()
    assert fake.calls("/openai/v1/models") > listed_before
    assert fake.requests[-1].headers["authorization"] == f"Bearer {KEY}"

    # So does the connection test (key accepted, one-token completion).
    page.goto(live_server.url + UI)
    page.get_by_role("link", name="Test Groq production").click()
    page.get_by_role("button", name="Run the connection test").click()
    expect(page.get_by_text("All checks passed")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("listitem").filter(has_text="Authenticated")).to_contain_text("Passed")
    chat = [r for r in fake.requests if r.path == "/openai/v1/chat/completions"]
    assert chat and chat[-1].headers["authorization"] == f"Bearer {KEY}"


def test_set_default_enable_disable_and_delete(admin_page, live_server, fakes):
    page = admin_page
    fake = fakes("groq", api_key=KEY)
    alpha = groq_provider("Alpha", fake, default_model="qwen/qwen3-32b")
    provider_set_default(provider=alpha)
    groq_provider("Beta", fake, default_model="qwen/qwen3-32b")

    page.goto(live_server.url + UI)
    expect(card(page, "Alpha")).to_contain_text("Default provider")
    expect(card(page, "Beta")).not_to_contain_text("Default provider")
    expect(card(page, "Alpha").get_by_role("button", name=re.compile("^Make default"))).to_have_count(0)

    # Make Beta the default: the grid updates in place and announces it.
    card(page, "Beta").get_by_role("button", name="Make default for Beta").click()
    notice = page.get_by_role("status").filter(has_text="Beta is now the default provider.")
    expect(notice).to_be_visible()
    expect(notice).to_be_focused()
    expect(card(page, "Beta")).to_contain_text("Default provider")
    expect(card(page, "Alpha")).not_to_contain_text("Default provider")
    expect(card(page, "Alpha").get_by_role("button", name="Make default for Alpha")).to_be_visible()
    assert ProviderConfig.objects.get(name="Beta").is_default

    # Disable Alpha, then enable it again.
    card(page, "Alpha").get_by_role("button", name="Disable Alpha").click()
    expect(page.get_by_role("status").filter(has_text="Alpha is disabled.")).to_be_visible()
    expect(card(page, "Alpha")).to_contain_text("Disabled")
    expect(card(page, "Alpha").get_by_role("button", name="Make default for Alpha")).to_have_count(0)
    assert not ProviderConfig.objects.get(name="Alpha").enabled
    card(page, "Alpha").get_by_role("button", name="Enable Alpha").click()
    expect(page.get_by_role("status").filter(has_text="Alpha is enabled.")).to_be_visible()
    expect(card(page, "Alpha")).not_to_contain_text("Disabled")
    expect(card(page, "Alpha").get_by_role("button", name="Disable Alpha")).to_be_visible()
    assert ProviderConfig.objects.get(name="Alpha").enabled

    # Delete asks first, naming the provider (and warning that it is the default); "No" keeps it.
    card(page, "Beta").get_by_role("link", name="Delete Beta").click()
    expect(page.get_by_text("Delete the provider Beta?")).to_be_visible()
    expect(page.get_by_text("Beta is the default provider")).to_be_visible()
    page.get_by_role("link", name="No, keep it").click()
    expect(card(page, "Beta")).to_be_visible()
    card(page, "Beta").get_by_role("link", name="Delete Beta").click()
    page.get_by_role("button", name="Yes, delete Beta").click()
    expect(page.get_by_text("Deleted Beta.")).to_be_visible()
    expect(card(page, "Beta")).to_have_count(0)
    expect(card(page, "Alpha")).to_be_visible()
    assert list(ProviderConfig.objects.values_list("name", flat=True)) == ["Alpha"]


def test_add_a_model_by_id_on_the_models_page(admin_page, live_server, fakes):
    page = admin_page
    fake = fakes("groq", models=["llama-3.3-70b-versatile"], api_key=KEY)
    provider = groq_provider("Groq manual", fake)

    page.goto(live_server.url + UI + f"{provider.pk}/models/")
    expect(page.get_by_role("heading", name="Models of Groq manual")).to_be_visible()
    field = page.get_by_label("Add model by ID")

    # An ID with a space: the message says why, next to the field, which keeps the text and the focus.
    field.fill("my fine tune")
    page.get_by_role("button", name="Add model").click()
    expect(page.get_by_text("Model IDs cannot contain spaces.")).to_be_visible()
    expect(field).to_have_value("my fine tune")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("Model IDs cannot contain spaces"))
    expect(field).to_be_focused()

    field.fill("ft:llama-3.3-70b:acme:v1")
    field.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Added ft:llama-3.3-70b:acme:v1.")).to_be_visible()
    page.get_by_label("Kind").select_option(label="All kinds")
    row_header = page.get_by_role("rowheader", name=re.compile(r"^ft:llama-3\.3-70b:acme:v1 "))
    expect(row_header).to_contain_text("Added by hand")
    expect(page.get_by_label("Visible: ft:llama-3.3-70b:acme:v1")).to_be_checked()
    assert provider.models.filter(model_id="ft:llama-3.3-70b:acme:v1", source="manual").exists()
