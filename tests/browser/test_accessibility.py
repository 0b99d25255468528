"""An automated accessibility scan (axe-core) of every main page, and the phone layout.

axe-core's script comes from the ``axe-playwright-python`` wheel, which bundles it (no download
at run time); the scan runs inside Chromium on each page once its htmx panels have loaded, and
fails on any serious or critical violation of WCAG 2.1 A/AA.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from goodwill.web.templatetags.goodwill_web import optional_url
from tests.browser.conftest import DESKTOP

pytestmark = pytest.mark.browser

PHONE_TALL = {"width": 375, "height": 812}
NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
BLOCKING = {"serious", "critical"}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
# Pages other areas provide: scanned when their URL name resolves.
OPTIONAL_PAGES = [
    "map",
    "intro",
    "reach",
    "suggest",
    "introduce",
    "tend",
    "ledger",
    "channels",
    "check_post",
    "overtures",
    "referrals",
    "next_actions",
    "reminders",
    "workspaces",
]


@pytest.fixture(scope="module")
def axe_script() -> str:
    package = pytest.importorskip(
        "axe_playwright_python", reason="needs axe-playwright-python (it bundles axe-core)"
    )
    return (Path(package.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def main_pages(member) -> dict[str, str]:
    pages = {
        "home": reverse("home"),
        "people": reverse("people"),
        "people filtered": reverse("people") + "?strength=medium&sort=recent",
        "person": reverse("person", args=[member.star.id]),
        "add person": reverse("person_add"),
        "log": reverse("log"),
        "imports": reverse("imports"),
        "merges": reverse("merges"),
    }
    for name in OPTIONAL_PAGES:
        if url := optional_url(name):
            pages[name] = url
    return pages


def settle(page) -> None:
    """Wait until the page and every panel it loads with htmx have arrived."""
    page.wait_for_load_state("networkidle")
    expect(page.locator(".panel-loading")).to_have_count(0)


def blocking_violations(page, script: str) -> list[str]:
    page.evaluate(script)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    found = []
    for violation in results["violations"]:
        if violation["impact"] in BLOCKING:
            targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


def test_every_main_page_passes_the_axe_scan(open_page, log_in, member, axe_script, console_errors):
    page = log_in(open_page(DESKTOP), start="/")
    problems = {}
    for name, url in main_pages(member).items():
        page.goto(url)
        settle(page)
        if found := blocking_violations(page, axe_script):
            problems[name] = found
    assert problems == {}
    assert console_errors == []


def test_the_more_menu_passes_the_scan_when_open(open_page, log_in, member, axe_script):
    page = log_in(open_page(DESKTOP), start="/")
    page.locator("details.nav-more-menu > summary").click()
    expect(page.locator("details.nav-more-menu")).to_have_attribute("open", "")
    assert blocking_violations(page, axe_script) == []


def test_key_pages_fit_a_phone_without_sideways_scrolling(
    open_page, log_in, member, console_errors, screenshot
):
    page = log_in(open_page(PHONE_TALL), start="/")
    too_wide = {}
    for name, url in main_pages(member).items():
        page.goto(url)
        settle(page)
        if not page.evaluate(NO_OVERFLOW):
            too_wide[name] = page.evaluate("document.documentElement.scrollWidth")
        if name in {"home", "people", "person"}:
            screenshot(page, f"{name.replace(' ', '-')}-phone-375")
    assert too_wide == {}
    # The navigation's "More" menu opens within the screen.
    page.goto("/")
    page.locator("details.nav-more-menu > summary").click()
    menu = page.locator("details.nav-more-menu > ul")
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 375
    assert page.evaluate(NO_OVERFLOW)
    assert console_errors == []
