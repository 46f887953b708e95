"""Step 1: search and filters over the catalog, and the wizard driven with the keyboard only."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from llm_providers.models import ProviderConfig


def card(page: Page, name: str) -> Locator:
    return page.get_by_role("article", name=name, exact=True)


def test_search_shows_matching_cards_and_hides_the_others(wizard):
    page = wizard.page
    wizard.open()
    expect(card(page, "OpenAI")).to_be_visible()
    expect(page.get_by_text("23 providers shown")).to_be_visible()

    page.get_by_label("Search providers").press_sequentially("groq")
    expect(card(page, "OpenAI")).to_have_count(0)
    expect(card(page, "Groq")).to_be_visible()
    expect(page.get_by_text("1 provider shown")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]q=groq\b"))
    # The search box keeps focus and its text while the cards change under it.
    expect(page.get_by_label("Search providers")).to_be_focused()
    expect(page.get_by_label("Search providers")).to_have_value("groq")

    # Matches descriptions too, case-insensitively.
    page.get_by_label("Search providers").fill("LPUs")
    expect(card(page, "Groq")).to_be_visible()
    expect(page.get_by_text("1 provider shown")).to_be_visible()

    page.get_by_label("Search providers").fill("no-such-provider-xyz")
    expect(page.get_by_text("No provider matches these filters.")).to_be_visible()
    expect(page.get_by_text("0 providers shown")).to_be_visible()
    page.get_by_role("link", name="Show all providers").click()
    expect(card(page, "OpenAI")).to_be_visible()
    expect(page.get_by_text("23 providers shown")).to_be_visible()


def test_category_and_difficulty_filters_combine(wizard):
    page = wizard.page
    wizard.open()

    page.get_by_label("Category").select_option(label="Local / self-hosted")
    expect(page.get_by_role("heading", name="Popular cloud")).to_have_count(0)
    expect(page.get_by_role("heading", name="Local / self-hosted")).to_be_visible()
    expect(card(page, "Groq")).to_have_count(0)
    for name in ("Ollama", "LM Studio", "LocalAI", "vLLM"):
        expect(card(page, name)).to_be_visible()
    expect(page.get_by_text("4 providers shown")).to_be_visible()

    page.get_by_label("Setup difficulty").select_option(label="Medium")
    expect(card(page, "Ollama")).to_have_count(0)
    expect(card(page, "LM Studio")).to_have_count(0)
    expect(card(page, "LocalAI")).to_be_visible()
    expect(card(page, "vLLM")).to_be_visible()
    expect(page.get_by_text("2 providers shown")).to_be_visible()

    page.get_by_label("Category").select_option(label="All categories")
    page.get_by_label("Setup difficulty").select_option(label="Hard")
    for name in ("Custom LiteLLM provider", "AWS Bedrock", "Google Vertex AI"):
        expect(card(page, name)).to_be_visible()
    expect(card(page, "Groq")).to_have_count(0)
    expect(page.get_by_text("3 providers shown")).to_be_visible()

    # The filters live in the URL: a reload (or a shared link) shows the same cards.
    page.reload()
    expect(page.get_by_label("Setup difficulty")).to_have_value("hard")
    expect(card(page, "AWS Bedrock")).to_be_visible()
    expect(card(page, "Groq")).to_have_count(0)


def tab_to(page: Page, target: Locator, *, limit: int = 80) -> None:
    """Press Tab until `target` has the focus, like a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} never received focus after {limit} Tab presses")


def test_the_wizard_with_the_keyboard_only_and_focus_on_each_new_step(wizard, fakes):
    page = wizard.page
    key = "gsk_keyboard_key_0003"
    fake = fakes("groq", models=["llama-3.3-70b-versatile"], api_key=key)
    wizard.open()

    # Step 1 → 2: search, Tab to the card's button, Enter. The new step's heading takes the focus.
    tab_to(page, page.get_by_label("Search providers"))
    page.keyboard.type("groq")
    expect(page.get_by_text("1 provider shown")).to_be_visible()
    # "gro" already shows one provider: wait for the answer to the whole query (it sets the URL).
    expect(page).to_have_url(re.compile(r"[?&]q=groq(&|$)"))
    tab_to(page, page.get_by_role("link", name="Set up Groq"))
    page.keyboard.press("Enter")
    expect(wizard.heading(2)).to_be_focused()
    expect(page).to_have_url(re.compile(r"/new/groq/configure/$"))

    # Step 2 → 3: the key, the advanced section (a disclosure opened with Enter), submit with Enter.
    tab_to(page, wizard.field("API key"))
    page.keyboard.type(key)
    tab_to(page, page.get_by_text("Advanced settings", exact=True))
    page.keyboard.press("Enter")
    tab_to(page, wizard.field("API base URL"))
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(fake.url + "/openai/v1")
    page.keyboard.press("Enter")
    expect(wizard.heading(3)).to_be_focused()
    expect(wizard.model_row("llama-3.3-70b-versatile")).to_be_visible()
    expect(wizard.heading(3)).to_be_focused()  # the list loading in does not steal the focus

    # Step 3 → 4, then the finished test's summary takes the focus; save with Enter.
    tab_to(page, page.get_by_role("button", name="Continue to step 4"))
    page.keyboard.press("Enter")
    expect(wizard.heading(4)).to_be_focused()
    summary = page.get_by_text("All checks passed")
    expect(summary).to_be_visible(timeout=30_000)
    expect(summary).to_be_focused()
    tab_to(page, page.get_by_role("button", name="Save and activate"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Configured providers")).to_be_visible()
    expect(card(page, "Groq")).to_contain_text("llama-3.3-70b-versatile")
    assert ProviderConfig.objects.get(name="Groq").status == ProviderConfig.Status.ACTIVE
