"""Browser tests: pytest-playwright driving Debian's chromium against pytest-django's live server."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.fakes.upstream import FakeUpstream

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _chromium() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        # Never a silent skip: the browser tests are part of the suite.
        pytest.fail("Chromium is not installed: run `make browsers` (apt-get install -y chromium).", pytrace=False)
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": _chromium(),
        # Flags for a sandboxed, offline machine: no background network chatter, no GPU.
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"],
    }  # fmt: skip


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def admin_page(page, live_server, django_user_model):
    """A browser page logged in as a superuser (session cookie from Django's test client)."""
    user = django_user_model.objects.create_superuser("browser-admin", "a@example.com", "browser-pass-123")
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def screenshot():
    """Save a named screenshot into docs/screenshots (used by the README)."""

    def save(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


# ---- shared helpers for the browser tests ----------------------------------------------------------

UI_PATH = "/llm-providers/"
# Completions go through litellm, which imports lazily (~3 s the first time in the process).
TEST_RUN_TIMEOUT = 30_000


@pytest.fixture(autouse=True)
def _no_local_probe(settings):
    """Step 1 and the empty overview probe localhost for running model servers; keep them deterministic."""
    settings.LLM_PROVIDERS_LOCAL_PROBE_TARGETS = []


@pytest.fixture
def fakes():
    """Start fake upstreams (`fakes("groq", api_key=..., models=...)`); every one is stopped after the test."""
    started: list[FakeUpstream] = []

    def start(kind: str | None = None, **kwargs) -> FakeUpstream:
        fake = FakeUpstream.provider(kind, **kwargs) if kind else FakeUpstream()
        started.append(fake.start())
        return fake

    yield start
    for fake in started:
        fake.stop()


def literal(text: str) -> str:
    """`text` as a regex source Playwright can carry (it serialises patterns as /source/, so / is escaped)."""
    return re.escape(text).replace("/", r"\/")


class Wizard:
    """Drives the four wizard steps like a user: accessible names only (roles, labels, headings, text)."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def heading(self, number: int):
        return self.page.get_by_role("heading", name=re.compile(rf"^Step {number} of 4\b"))

    def open(self) -> None:
        self.page.goto(self.base_url + UI_PATH + "new/")
        expect(self.heading(1)).to_be_visible()

    def choose(self, template_name: str) -> None:
        self.page.get_by_role("link", name=f"Set up {template_name}", exact=True).click()
        expect(self.heading(2)).to_be_visible()

    def open_advanced(self) -> None:
        summary = self.page.get_by_text("Advanced settings", exact=True)
        summary.click()
        expect(self.field("API base URL")).to_be_visible()

    def field(self, label: str):
        """A form field by its label ("API key" also finds "API key (required)")."""
        return self.page.get_by_label(re.compile(rf"^{literal(label)}( \(required\))?$"))

    def configure(self, fields: dict[str, str], *, advanced: dict[str, str] | None = None, submit: bool = True) -> None:
        for label, value in fields.items():
            self.field(label).fill(value)
        if advanced:
            self.open_advanced()
            for label, value in advanced.items():
                self.field(label).fill(value)
        if submit:
            self.continue_to(3)

    def continue_to(self, number: int) -> None:
        self.page.get_by_role("button", name=f"Continue to step {number}").click()
        expect(self.heading(number)).to_be_visible()

    def model_row(self, model_id: str):
        """The model table's row of `model_id` (its row header is the id, then any badges)."""
        header = self.page.get_by_role("rowheader", name=re.compile(rf"^{literal(model_id)}( |$)"))
        return self.page.get_by_role("row").filter(has=header)

    def wait_for_test(self, *, ok: bool = True) -> None:
        text = "All checks passed" if ok else "The connection test failed"
        expect(self.page.get_by_text(text)).to_be_visible(timeout=TEST_RUN_TIMEOUT)

    def save(self) -> None:
        self.page.get_by_role("button", name="Save and activate").click()
        expect(self.page.get_by_role("heading", name="Configured providers")).to_be_visible()


@pytest.fixture
def wizard(admin_page, live_server) -> Wizard:
    return Wizard(admin_page, live_server.url)


@pytest.fixture
def dialogs(admin_page) -> list[str]:
    """Every JavaScript dialog (alert/confirm/prompt) the page opens; dismissed and recorded."""
    seen: list[str] = []

    def record(dialog) -> None:
        seen.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    admin_page.on("dialog", record)
    return seen
