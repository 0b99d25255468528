"""The web shell in a real browser: log in, search, log an interaction, phone layout."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def test_search_open_log_and_log_out(open_page, log_in, member, console_errors, screenshot):
    page = log_in(open_page())
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(50)
    screenshot(page, "people-desktop")

    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Search").press_sequentially("whitf", delay=40)
    expect(rows).to_have_count(1)
    expect(page.locator("#result-count")).to_contain_text("1 person found")
    assert page.evaluate("window.stillTheSamePage") is True
    assert "q=whitf" in page.url

    page.get_by_role("link", name="Zora Whitfield").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zora Whitfield")
    timeline = page.locator("#timeline")
    expect(timeline.locator(".entry")).to_have_count(3)

    page.evaluate("window.stillTheSamePage = true")
    form = page.locator("#log-form")
    form.get_by_label("Kind").select_option("meeting")
    form.get_by_label("Direction").select_option("out")
    form.get_by_label("Subject").fill("Pitched the anthology")
    form.get_by_label("Note").fill("She will ask the board.")
    form.get_by_role("button", name="Log interaction").click()

    expect(timeline.locator(".entry").first).to_contain_text("Pitched the anthology")
    expect(timeline.locator(".entry")).to_have_count(4)
    expect(page.locator("#log-form [role=status]")).to_contain_text("Logged: Meeting")
    expect(form.get_by_label("Subject")).to_have_value("")
    assert page.evaluate("window.stillTheSamePage") is True
    screenshot(page, "person-desktop")

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    screenshot(page, "login-desktop")
    assert console_errors == []


def test_phone_layout_has_no_horizontal_overflow(
    open_page, log_in, member, console_errors, screenshot
):
    page = log_in(open_page(PHONE))
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.locator("#results tbody tr")).to_have_count(50)
    assert page.evaluate(NO_OVERFLOW), page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "people-phone")

    page.goto(f"/people/{member.star.id}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zora Whitfield")
    assert page.evaluate(NO_OVERFLOW), page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "person-phone")

    page.goto("/")
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "home-phone")
    assert console_errors == []


def test_home_and_add_person(open_page, log_in, member, console_errors, screenshot):
    page = log_in(open_page(), start="/")
    expect(page.get_by_role("heading", name="Losing touch")).to_be_visible()
    screenshot(page, "home-desktop")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Add person").click()
    page.get_by_label("Name").fill("Quentin Blake")
    page.get_by_label("E-mail").fill("not-an-address")
    page.get_by_role("button", name="Add person").click()
    email = page.get_by_label("E-mail")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_email_error")).to_contain_text("Not an e-mail address")
    screenshot(page, "add-person-error-desktop")

    email.fill("quentin@example.org")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quentin Blake")
    assert console_errors == []


def test_keyboard_user_can_skip_to_content(open_page, log_in, console_errors):
    page = log_in(open_page(), start="/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert console_errors == []
