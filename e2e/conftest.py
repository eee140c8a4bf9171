"""Browser journeys: Debian's chromium driven by Playwright against pytest-django's live server."""

import os
import re

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test (factories) are still synchronous and safe here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Anything not served by the live server (map tiles, product photos) is cut off: the
# journeys never depend on the network.
EXTERNAL = re.compile(r"^https?://(?!localhost[:/]|127\.0\.0\.1[:/])")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must run the browser journeys.")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 390, "height": 844}, device_scale_factor=1
    )
    context.route(EXTERNAL, lambda route: route.abort())
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def page_without_javascript(browser):
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    context.route(EXTERNAL, lambda route: route.abort())
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()
