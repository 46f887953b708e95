"""The custom LiteLLM provider through the wizard, and a hostile model ID rendered as text everywhere."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from llm_providers.models import ProviderConfig

XSS_ID = "<img src=x onerror=alert(1)>"


def test_custom_litellm_provider_with_model_ids_typed_by_hand(wizard, fakes, dialogs):
    page = wizard.page
    fake = fakes()  # answers chat completions on any path
    wizard.open()
    wizard.choose("Custom LiteLLM provider")

    # The LiteLLM provider name: validated as you type, with LiteLLM's names offered in a datalist.
    provider_field = wizard.field("LiteLLM provider name")
    offered = provider_field.evaluate("input => Array.from(input.list.options, option => option.value)")
    assert {"sambanova", "deepinfra"} <= set(offered), offered[:20]
    provider_field.fill("Samba Nova")
    provider_field.blur()
    expect(page.get_by_text("Use the lowercase provider name as LiteLLM spells it")).to_be_visible()
    expect(provider_field).to_have_attribute("aria-invalid", "true")
    provider_field.fill("sambanova")
    provider_field.blur()
    expect(page.get_by_text("Use the lowercase provider name as LiteLLM spells it")).to_have_count(0)

    wizard.configure(
        {
            "Provider name": "SambaNova",
            "API base URL": fake.url + "/v1",
            "API key": "sn-browser-key-0005",
            "Model IDs": "Meta-Llama-3.3-70B-Instruct\nDeepSeek-R1",
        }
    )

    # Step 3: no list endpoint, so the typed IDs are the list; one more is added by hand.
    expect(page.get_by_text("Custom LiteLLM provider has no model-list endpoint")).to_be_visible()
    expect(wizard.model_row("Meta-Llama-3.3-70B-Instruct")).to_be_visible()
    expect(wizard.model_row("DeepSeek-R1")).to_be_visible()
    page.get_by_label("Add model by ID").fill("Qwen 72B")
    page.get_by_role("button", name="Add model").click()
    expect(page.get_by_text("Model IDs cannot contain spaces.")).to_be_visible()
    page.get_by_label("Add model by ID").fill("Qwen2.5-72B-Instruct")
    page.get_by_role("button", name="Add model").click()
    expect(page.get_by_role("status").filter(has_text="Added Qwen2.5-72B-Instruct.")).to_be_visible()
    page.get_by_label("Kind").select_option(label="All kinds")
    expect(wizard.model_row("Qwen2.5-72B-Instruct")).to_contain_text("Added by hand")
    page.get_by_label("Default model: DeepSeek-R1", exact=True).check()
    wizard.continue_to(4)

    # Step 4: the completion goes through LiteLLM's sambanova provider to the fake.
    wizard.wait_for_test(ok=True)
    expect(page.get_by_role("listitem").filter(has_text="One-token completion")).to_contain_text(
        "DeepSeek-R1 answered a one-token request."
    )
    wizard.save()
    card = page.get_by_role("article", name="SambaNova", exact=True)
    expect(card).to_contain_text("Custom LiteLLM provider")
    expect(card.get_by_role("definition").filter(has_text="DeepSeek-R1")).to_be_visible()
    expect(card).to_contain_text(re.compile(r"Visible models\s*3\b"))

    provider = ProviderConfig.objects.get(name="SambaNova")
    assert provider.settings["litellm_provider_name"] == "sambanova"
    chat = [r for r in fake.requests if r.path == "/v1/chat/completions"]
    assert chat and chat[-1].json()["model"] == "DeepSeek-R1"
    assert chat[-1].headers["authorization"] == "Bearer sn-browser-key-0005"
    assert dialogs == []


def test_a_model_id_with_markup_is_shown_as_text_and_never_runs(wizard, fakes, dialogs):
    page = wizard.page
    key = "gsk_browser_xss_key_0006"
    fake = fakes("groq", models=[XSS_ID, "llama-3.3-70b-versatile"], api_key=key)
    wizard.open()
    wizard.choose("Groq")
    wizard.configure({"API key": key}, advanced={"API base URL": fake.url + "/openai/v1"})

    page.get_by_label("Kind").select_option(label="All kinds")
    row = wizard.model_row(XSS_ID)
    expect(row).to_be_visible()
    expect(row.get_by_role("rowheader")).to_contain_text(XSS_ID)
    expect(row.get_by_role("img")).to_have_count(0)
    page.get_by_label(f"Default model: {XSS_ID}", exact=True).check()
    wizard.continue_to(4)
    expect(page.get_by_text(f"{XSS_ID} answered a one-token request.")).to_be_visible(timeout=30_000)
    wizard.save()

    card = page.get_by_role("article", name="Groq", exact=True)
    expect(card.get_by_role("definition").filter(has_text=XSS_ID)).to_be_visible()
    expect(page.get_by_role("img")).to_have_count(0)
    # The Models page renders the ID in its table and in the override fields' labels.
    card.get_by_role("link", name="Models of Groq").click()
    page.get_by_label("Kind").select_option(label="All kinds")
    expect(page.get_by_label(f"Display name override for {XSS_ID}")).to_be_visible()
    expect(page.get_by_role("img")).to_have_count(0)
    page.wait_for_load_state("networkidle")  # an injected <img src=x> would have failed to load by now
    assert dialogs == []
