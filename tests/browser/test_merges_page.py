"""The merge review page in a real browser: merge, undo and "different people" by htmx."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from goodwill.imports.models import Merge, MergeDecision
from goodwill.people.models import Person
from goodwill.people.services import create_person
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def pair(member):
    sam = create_person(
        member, "Sam Lee", identities=[("email", "sam@acme.example")], organisation="Acme"
    )
    samuel = create_person(
        member, "Samuel Lee", identities=[("x", "@samlee")], organisation="Acme Ltd"
    )
    return sam, samuel


def test_merge_undo_and_different_people(open_page, log_in, pair, console_errors, screenshot):
    sam, samuel = pair
    page = log_in(open_page(), start="/")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("More").click()  # Merges lives in the "More" menu
    nav.get_by_role("link", name="Merges").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merges")
    expect(page.get_by_text("both at Acme")).to_be_visible()
    screenshot(page, "merges-desktop")

    page.get_by_role("button", name="Same person — merge").click()
    expect(page.get_by_text("Merged Samuel Lee into Sam Lee.")).to_be_visible()
    assert not Person.objects.filter(id=samuel.id).exists()
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Undone: Samuel Lee")).to_be_visible()
    assert Person.objects.filter(id=samuel.id).exists()
    assert Merge.objects.get().undone_at is not None

    page.get_by_role("button", name="Different people").click()
    expect(page.get_by_text("are different people")).to_be_visible()
    expect(page.get_by_role("button", name="Same person — merge")).to_have_count(0)
    assert MergeDecision.objects.filter(a=sam, b=samuel).exists()
    assert console_errors == []


def test_the_page_fits_a_phone(open_page, log_in, pair, console_errors, screenshot):
    page = log_in(open_page(PHONE), start="/merges/")
    expect(page.get_by_role("button", name="Same person — merge")).to_be_visible()
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, "merges-phone")
    assert console_errors == []
