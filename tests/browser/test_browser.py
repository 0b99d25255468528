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

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("More").click()
    nav.get_by_role("link", name="Add person").click()
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


def test_filter_the_directory_live(open_page, log_in, member, console_errors, screenshot):
    page = log_in(open_page())
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(50)
    page.evaluate("window.stillTheSamePage = true")

    # Twelve people are tied to Zora, none to me: every strength is "no tie".
    page.get_by_label("Strength").select_option("none")
    expect(page.locator("#result-count")).to_contain_text("61 people found")
    page.get_by_label("Last contact").select_option("30")
    expect(page.locator("#result-count")).to_contain_text("last contact: in the last 30 days")
    # Zora (a call a week ago) and the four messaged 5, 14, 23 days ago.
    expect(rows).to_have_count(4)
    page.get_by_label("Sort by").select_option("recent")
    expect(rows.first).to_contain_text("Ann Okafor")  # messaged 5 days ago
    expect(rows.nth(1)).to_contain_text("Zora Whitfield")  # called a week ago
    page.get_by_label("Channel").select_option("website")
    expect(rows).to_have_count(1)
    assert "channel=website" in page.url
    assert "sort=recent" in page.url
    assert page.evaluate("window.stillTheSamePage") is True
    screenshot(page, "people-filtered-desktop")

    page.reload()
    expect(page.get_by_label("Channel")).to_have_value("website")
    expect(rows).to_have_count(1)
    assert console_errors == []


def test_the_more_menu_works_from_the_keyboard(open_page, log_in, member, console_errors):
    page = log_in(open_page(), start="/")
    summary = page.locator("details.nav-more-menu > summary")
    summary.focus()
    page.keyboard.press("Enter")
    menu = page.locator("details.nav-more-menu")
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    page.mouse.click(5, 600)
    expect(menu).not_to_have_attribute("open", "")
    assert console_errors == []


def test_dashboard_and_person_page_load_their_panels(open_page, log_in, member, console_errors):
    page = log_in(open_page(), start="/")
    expect(page.locator(".panel-loading")).to_have_count(0)
    expect(page.locator(".panel-slot")).to_have_count(0)
    page.goto(f"/people/{member.star.id}/")
    expect(page.locator(".panel-loading")).to_have_count(0)
    expect(page.locator(".panel-slot")).to_have_count(0)
    assert console_errors == []


def test_a_panel_that_fails_says_so(open_page, log_in, member):
    page = open_page()
    page.route("**/panels/next/", lambda route: route.fulfill(status=500, body="broken"))
    log_in(page, start="/")
    if not page.locator("#panel-home_next_panel").count():
        pytest.skip("the practice area's next-actions panel is not built")
    expect(page.locator("#panel-home_next_panel .panel-loading")).to_have_text(
        "This panel could not be loaded; reload the page to try again."
    )
    # The other panels still arrive.
    expect(page.locator(".panel-slot")).to_have_count(1)
