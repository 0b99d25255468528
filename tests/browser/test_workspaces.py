"""A double opt-in introduction end to end in Chromium: ask, the connector accepts, the person
introduced says yes from the e-mail's link without an account, and the draft is ready."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from goodwill.workspaces.models import IntroRequest
from tests.browser.conftest import PHONE
from tests.workspaces.specimen import ALL_SECRETS, build_group

pytestmark = pytest.mark.browser

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def group(transactional_db, django_user_model):
    return build_group(django_user_model)


def sign_in(page, username: str, start: str):
    page.goto(start)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"pw-{username}-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{start}")
    return page


def test_double_opt_in_introduction(group, open_page, console_errors, screenshot):
    workspace = f"/groups/{group.workspace.id}/"
    vic = sign_in(open_page(), "vic", workspace)
    vic.get_by_label("Who knows someone at, or named…").fill("Northwind")
    vic.get_by_role("button", name="Who knows").click()
    expect(vic.get_by_role("rowheader", name="Zora W.")).to_be_visible()
    screenshot(vic, "group-who-knows")
    assert not [m for m in ALL_SECRETS if m in vic.content()]
    vic.get_by_role("link", name="ask for an introduction to Zora Whitfield").click()
    expect(vic.get_by_label("Whom you would like to meet")).to_have_value("Zora Whitfield")
    vic.get_by_label("Why (they will read this)").fill("I write crime set in Leeds")
    vic.get_by_role("button", name="Send request").click()
    expect(vic.locator("#intro-status")).to_have_text("Waiting for the connector")
    intro = IntroRequest.objects.get()

    ann = sign_in(open_page(), "ann", f"/groups/requests/{intro.id}/")
    ann.get_by_role("button", name="Accept and ask Zora Whitfield").click()
    expect(ann.locator("#intro-status")).to_have_text("Waiting for the person to be introduced")
    [to_zora] = [m for m in mail.outbox if "northwind.example" in m.to[0]]
    accept = re.search(r"http://\S+/accept/", to_zora.body).group(0)

    zora = open_page()  # no account: the link is enough
    zora.goto(accept)
    expect(zora.get_by_text("would like to introduce you to Vic Vale")).to_be_visible()
    zora.get_by_role("button", name="Yes, introduce us").click()
    expect(zora.get_by_text("will introduce you to Vic Vale")).to_be_visible()

    ann.reload()
    expect(ann.locator("#intro-status")).to_have_text("Both accepted: introduced")
    expect(ann.get_by_text("Hello Zora Whitfield and Vic Vale")).to_be_visible()
    vic.goto("/groups/notifications/")
    expect(
        vic.get_by_role("link", name="Zora Whitfield accepted: Ann Archer will introduce you")
    ).to_be_visible()
    assert console_errors == []


def test_group_page_fits_a_phone(group, open_page, console_errors, screenshot):
    page = sign_in(open_page(PHONE), "ann", f"/groups/{group.workspace.id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leeds Writers")
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "group-phone")
    assert console_errors == []
