"""What the wizard says when things go wrong: a rejected key, a provider that is down."""

from __future__ import annotations

from playwright.sync_api import expect

GROQ_KEY = "gsk_browser_right_key_0002"
LIVE_ONLY = ["llama-live-only-70b", "mixtral-live-only-8x7b"]  # not in Groq's fallback list


def test_bad_key_shows_a_plain_message_and_the_fallback_list_then_fixing_the_key_shows_the_live_list(wizard, fakes):
    page = wizard.page
    fake = fakes("groq", models=LIVE_ONLY, api_key=GROQ_KEY)
    wizard.open()
    wizard.choose("Groq")
    wizard.configure({"API key": "gsk_this_key_is_wrong"}, advanced={"API base URL": fake.url + "/openai/v1"})

    # Plain words about the key, and the list below is labelled as the fallback.
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The API key was rejected")
    expect(alert).to_contain_text("The provider rejected the API key (HTTP 401)")
    expect(alert).to_contain_text("Check the key")
    expect(alert).not_to_contain_text("gsk_this_key_is_wrong")
    expect(alert.get_by_role("button", name="Retry fetching the model list")).to_be_visible()
    expect(page.get_by_text("Fallback list: the live list could not be fetched")).to_be_visible()
    expect(wizard.model_row("llama-3.3-70b-versatile")).to_be_visible()  # a known Groq model
    expect(wizard.model_row(LIVE_ONLY[0])).to_have_count(0)

    # Step back, replace the stored key (it is masked, never shown), continue: the live list.
    page.get_by_role("link", name="Back to step 2").click()
    expect(wizard.heading(2)).to_be_visible()
    expect(page.get_by_text("Stored:")).to_be_visible()
    expect(page.get_by_text("gsk_this_key_is_wrong")).to_have_count(0)
    page.get_by_text("Replace the stored API key").click()  # the summary reads "Replace" on screen
    wizard.field("API key").fill(GROQ_KEY)
    wizard.continue_to(3)

    for model_id in LIVE_ONLY:
        expect(wizard.model_row(model_id)).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_text("Fallback list")).to_have_count(0)
    expect(wizard.model_row("llama-3.3-70b-versatile")).to_have_count(0)
    assert fake.requests[-1].headers["authorization"] == f"Bearer {GROQ_KEY}"


def test_provider_down_during_step_3_shows_unreachable_and_retry_brings_the_live_list(wizard, fakes):
    page = wizard.page
    fake = fakes("groq", models=LIVE_ONLY, api_key=GROQ_KEY)
    wizard.open()
    wizard.choose("Groq")
    wizard.configure({"API key": GROQ_KEY}, advanced={"API base URL": fake.url + "/openai/v1"}, submit=False)

    fake.stop()  # the provider goes down just as the user continues
    wizard.continue_to(3)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The server could not be reached")
    retry = alert.get_by_role("button", name="Retry fetching the model list")
    expect(retry).to_be_visible()
    expect(page.get_by_text("Fallback list: the live list could not be fetched")).to_be_visible()
    expect(wizard.model_row(LIVE_ONLY[0])).to_have_count(0)

    fake.start()  # same port: the provider is back
    retry.click()
    for model_id in LIVE_ONLY:
        expect(wizard.model_row(model_id)).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_text("Fallback list")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Model list refreshed")).to_be_visible()
