"""Complete setup of Ollama, Groq, Together AI and Fireworks AI through all four wizard steps, against
local fakes that answer with each provider's real list shape and require the right key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from llm_providers.models import ProviderConfig


@dataclass(frozen=True)
class Case:
    kind: str  # the fake's preset
    card: str  # the catalog card's name ("Set up <card>")
    path: str  # what the provider's base URL adds to the fake's address
    key: str | None  # the key the fake requires (None: no key, like a local Ollama)
    models: list[str]  # what the fake lists
    hidden: str  # a listed chat model the user unticks
    default: str  # the default model the user picks
    base_label: str = "API base URL"
    advanced: bool = True  # cloud providers keep the base URL under "Advanced settings"
    test_and_save: bool = False  # one click on step 3: step 4 tests, then saves by itself


CASES = [
    Case(
        kind="ollama",
        card="Ollama",
        path="",
        key=None,
        models=["gemma3:1b", "llama3.2:3b", "qwen3:4b"],
        hidden="gemma3:1b",
        default="llama3.2:3b",
        base_label="Server URL",
        advanced=False,
    ),
    Case(
        kind="groq",
        card="Groq",
        path="/openai/v1",
        key="gsk_browser_right_key_0001",
        models=["llama-3.3-70b-versatile", "openai/gpt-oss-20b", "qwen/qwen3-32b"],
        hidden="qwen/qwen3-32b",
        default="openai/gpt-oss-20b",
    ),
    Case(
        kind="together",
        card="Together AI",
        path="/v1",
        key="tgp_v1_browser_right_key",
        models=["meta-llama/Llama-3.3-70B-Instruct-Turbo", "Qwen/Qwen2.5-7B-Instruct-Turbo", "deepseek-ai/DeepSeek-V3"],
        hidden="deepseek-ai/DeepSeek-V3",
        default="Qwen/Qwen2.5-7B-Instruct-Turbo",
    ),
    Case(
        kind="fireworks",
        card="Fireworks AI",
        path="/inference/v1",
        key="fw_browser_right_key_0001",
        models=[
            "accounts/fireworks/models/llama-v3p1-8b-instruct",
            "accounts/fireworks/models/kimi-k2-instruct-0905",
            "accounts/fireworks/models/qwen3-235b-a22b",
        ],
        hidden="accounts/fireworks/models/qwen3-235b-a22b",
        default="accounts/fireworks/models/kimi-k2-instruct-0905",
        test_and_save=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.kind for case in CASES])
def test_complete_setup_through_all_four_steps(case: Case, wizard, fakes, screenshot):
    page = wizard.page
    fake = fakes(case.kind, models=case.models, api_key=case.key)
    shoot = screenshot if case.kind == "groq" else (lambda page, name: None)

    # Step 1: choose the provider's card.
    wizard.open()
    shoot(page, "wizard-1-choose")
    wizard.choose(case.card)

    # Step 2: the generated form; the base URL points at the fake.
    base_url = fake.url + case.path
    fields = {"API key": case.key} if case.key else {}
    if case.advanced:
        wizard.configure(fields, advanced={case.base_label: base_url}, submit=False)
    else:
        wizard.configure({case.base_label: base_url, **fields}, submit=False)
    shoot(page, "wizard-2-configure")
    wizard.continue_to(3)

    # Step 3: the live list (every listed model, no fallback), choose models and the default.
    for model_id in case.models:
        expect(wizard.model_row(model_id)).to_be_visible()
    expect(page.get_by_text("Fallback list")).to_have_count(0)
    expect(page.get_by_role("alert")).to_have_count(0)
    page.get_by_label(f"Visible: {case.hidden}", exact=True).uncheck()
    page.get_by_label(f"Default model: {case.default}", exact=True).check()
    shoot(page, "wizard-3-models")
    if case.test_and_save:
        # Step 4 runs the test and, every check having passed, activates the provider.
        page.get_by_role("button", name="Test and save").click()
    else:
        wizard.continue_to(4)

        # Step 4: the test runs by itself and shows every check.
        wizard.wait_for_test(ok=True)
        for check in ("Address allowed", "Server reachable", "Authenticated", "Models listed", "One-token completion"):
            expect(page.get_by_role("listitem").filter(has_text=check)).to_contain_text("Passed")
        expect(page.get_by_role("listitem").filter(has_text="One-token completion")).to_contain_text(case.default)
        shoot(page, "wizard-4-test")
        wizard.save()

    # The overview: the new provider's card, active and default, with the chosen default model.
    expect(page.get_by_text(f"{case.card} is connected and active.")).to_be_visible()
    card = page.get_by_role("article", name=case.card, exact=True)
    expect(card).to_be_visible()
    expect(card).to_contain_text("Default provider")
    expect(card.get_by_role("definition").filter(has_text=case.default)).to_be_visible()
    expect(card).to_contain_text(re.compile(rf"Visible models\s*{len(case.models) - 1}\b"))
    shoot(page, "overview")

    provider = ProviderConfig.objects.get(name=case.card)
    assert provider.status == ProviderConfig.Status.ACTIVE
    assert provider.default_model == case.default
    # The completion went to the fake, with the key the user typed.
    chat = [r for r in fake.requests if r.method == "POST" and r.path.endswith(("/chat/completions", "/api/chat"))]
    assert chat, fake.call_counts
    assert chat[-1].json()["model"] == case.default
    if case.key:
        assert chat[-1].headers["authorization"] == f"Bearer {case.key}"
