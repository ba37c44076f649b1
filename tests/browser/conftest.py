"""Browser tests: Playwright driving the system's Chromium (Debian package `chromium`).

Where Chromium is missing they skip with the reason, except in CI (CI=true), where that fails.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A Vietnamese PC's Chromium: date fields read dd/mm/yyyy, as the user guide's screenshots should
# show (with Debian's chromium-l10n, which .ci/run installs; without it, Chromium speaks English).
VIETNAMESE_PC = {**os.environ, "LANGUAGE": "vi"}

# Playwright's sync API runs an event loop in this thread; the Django calls the tests make
# around it (fixtures, queries) are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _without_favicon_requests(new_context):
    """Contexts that answer Chromium's own /favicon.ico requests themselves (pages without an
    icon link, such as the admin's). Such a request runs in the live server while the test's next
    page loads; on SQLite in memory both share one connection, and two session saves at once
    break each other's savepoints."""

    def make(**options):
        context = new_context(**options)
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        return context

    return make


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, env=VIETNAMESE_PC
        )
        browser.new_context = _without_favicon_requests(browser.new_context)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(chromium):
    """A page in a 360x740 window, like a cheap Android phone."""
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save a screenshot under test-artifacts/ (not committed) for a person to look at."""

    def save(page, name: str, *, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.wait_for_load_state("load")  # its stylesheets, after a click (test_accessibility)
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return save


# -- the journeys of each role (test_journeys.py) and the user guide's screenshots -------------

DESKTOP = {"width": 1280, "height": 800}
PASSWORD = "correct-horse-battery"  # every persona's, see tests/conftest.py
GUIDE_SCREENSHOTS = Path(__file__).resolve().parents[2] / "static" / "guide"


@pytest.fixture
def log_in(chromium, live_server):
    """Open a desktop window, log in through the form as a persona, and return the page,
    which stands on that persona's start page."""
    contexts = []

    def open_as(username: str, *, viewport: dict = DESKTOP):
        context = chromium.new_context(viewport=viewport, locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/dang-nhap/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def guide_screenshot():
    """The screenshot of a role's main page for the user guide and the README.

    With SCREENSHOTS=1 it replaces static/guide/<slug>.png (committed); otherwise it goes to
    test-artifacts/, so that an ordinary run leaves the tree clean. Either way the PNG is
    reduced to a palette of 256 colours, which keeps a screenshot of text under 150 KB.
    """

    def save(page, slug: str) -> Path:
        if os.environ.get("SCREENSHOTS") == "1":
            path = GUIDE_SCREENSHOTS / f"{slug}.png"
        else:
            ARTIFACTS.mkdir(exist_ok=True)
            path = ARTIFACTS / f"guide-{slug}.png"
        page.wait_for_load_state("load")  # its stylesheets, after a click (test_accessibility)
        page.screenshot(path=str(path), full_page=False, animations="disabled", caret="hide")
        _shrink_png(path)
        return path

    return save


def _shrink_png(path: Path) -> None:
    from PIL import Image

    with Image.open(path) as image:
        palette = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    palette.save(path, optimize=True)


def lines_of_text(locator) -> int:
    """How many lines the element's text takes on the screen (the tops of a range's rectangles)."""
    return locator.evaluate(
        """e => {
          const range = document.createRange();
          range.selectNodeContents(e);
          return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
        }"""
    )
