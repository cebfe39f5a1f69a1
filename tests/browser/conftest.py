"""Real-browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

Playwright's own browser download cannot work here; ``.ci/run`` installs Debian's ``chromium`` and
these tests launch ``/usr/bin/chromium`` (override with ``CHROMIUM``). Screenshots land in
``test-artifacts/``.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-dev-shm-usage"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    """A fresh browser context at phone width (the secretaries' usual screen)."""
    settings.ALLOWED_HOSTS = ["*"]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                  base_url=live_server.url)
    context.set_default_timeout(30_000)  # a loaded 2-core CI machine
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser, live_server, settings):
    settings.ALLOWED_HOSTS = ["*"]
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(30_000)  # a loaded 2-core CI machine
    page = context.new_page()
    yield page
    context.close()


def login(page, username: str, password: str = "pw-test-123") -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
