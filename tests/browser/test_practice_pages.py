"""Whom to thank and whom to call, in a real browser: the dashboard's panels and one-click done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def sister(member):
    """Someone close to the member, last called two months ago: overdue on a 14-day cadence."""
    from goodwill.activity.services import log_interaction
    from goodwill.people.services import create_person, ensure_me, state_tie

    person = create_person(member, "Ida Writer", identities=[("email", "ida@example.org")])
    state_tie(member, ensure_me(member), person, kind="family")
    log_interaction(member, "call", [person], when=timezone.now() - dt.timedelta(days=60))
    return person


def test_the_dashboard_says_whom_to_thank_and_whom_to_call(
    open_page, log_in, member, sister, console_errors, screenshot
):
    from goodwill.activity.models import Favour, Interaction

    page = log_in(open_page(), start="/")
    thanks = page.locator("section[aria-labelledby=thanks-panel-heading]")
    expect(thanks).to_contain_text("Introduced me to her agent")
    losing = page.locator("section[aria-labelledby=losing-panel-heading]")
    expect(losing.get_by_role("link", name="Ida Writer")).to_be_visible()
    worth = page.get_by_role("region", name="Worth doing this week")
    expect(worth).to_contain_text("Thank Zora Whitfield")
    screenshot(page, "dashboard-panels")

    # One click thanks Zora: the action leaves the list and the favour is acknowledged.
    worth.get_by_role("button", name="Done : Thank Zora Whitfield").click()
    expect(worth.get_by_role("button", name="Done : Thank Zora Whitfield")).to_have_count(0)
    assert Favour.objects.get(owner=member, person=member.star).acknowledged_on is not None

    # Calling Ida from the list of next actions logs an interaction with her.
    page.reload()
    expect(page.locator("section[aria-labelledby=thanks-panel-heading]")).to_contain_text(
        "No thanks owed"
    )
    reach_out = (
        page.get_by_role("region", name="Worth doing this week")
        .locator("li")
        .filter(has_text="Ida Writer")
    )
    before = Interaction.objects.filter(owner=member, participants=sister).count()
    reach_out.get_by_role("button").click()
    # The row turns into a short confirmation in place.
    expect(reach_out.get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Ida Writer")).to_be_visible()
    assert Interaction.objects.filter(owner=member, participants=sister).count() == before + 1
    assert console_errors == []
