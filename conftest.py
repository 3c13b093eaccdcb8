"""Suite-wide fixtures: Playwright in Debian's Chromium for the browser tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium; a missing browser fails under CI and skips elsewhere."""
    if not CHROMIUM.exists():
        message = "Debian's Chromium (/usr/bin/chromium) is not installed"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
    # itself (fixtures) stay synchronous and are safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    # Irreversible steps ask for confirmation (data-confirm); the journeys confirm them, and
    # record what was asked so that a test can check the question was put.
    page.confirmations = []

    def confirm(dialog):
        page.confirmations.append(dialog.message)
        dialog.accept()

    page.on("dialog", confirm)
    yield page
    context.close()
