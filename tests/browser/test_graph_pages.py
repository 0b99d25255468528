"""The graph pages in a real browser: the map, the intro finder, the reach planner, suggestions."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from goodwill.people.services import ensure_me, set_tags, state_tie
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def circles(member):
    """The member's people in two circles, me tied to the first, Zora tied into both."""
    from goodwill.people.models import Person

    me = ensure_me(member)
    mine = Person.objects.filter(owner=member, is_me=False).exclude(id=member.star.id)
    people = list(mine.order_by("id"))
    writers, climbers = people[:30], people[30:]
    for circle in (writers, climbers):
        for i, person in enumerate(circle):
            state_tie(member, person, circle[(i + 1) % len(circle)])
            state_tie(member, person, circle[(i + 5) % len(circle)])
    for person in writers[::2]:
        state_tie(member, me, person)
    for person in writers[:3] + climbers[:3]:
        set_tags(person, ["crime fiction"], kind="interest")
    return me


def test_the_map_finds_a_person_and_opens_their_page(
    open_page, log_in, member, circles, console_errors, screenshot
):
    page = log_in(open_page(), start="/map/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Network map")
    expect(page.locator("#network-map[data-ready=true]")).to_have_count(1)
    expect(page.locator("#network-map .legend")).to_contain_text("You")
    expect(page.get_by_role("table")).to_contain_text("Zora Whitfield")
    screenshot(page, "map")

    page.get_by_label("Find a person on the map").fill("whitfield")
    page.get_by_role("button", name="Find", exact=True).click()
    status = page.locator("#map-status")
    expect(status).to_contain_text("Zora Whitfield")
    expect(page.locator("#network-map")).to_have_attribute("data-focus", str(member.star.id))
    page.get_by_label("closeness to you").check()

    page.get_by_label("Find a person on the map").fill("nobody like this")
    page.get_by_role("button", name="Find", exact=True).click()
    expect(status).to_contain_text("No one called “nobody like this” is on the map.")
    page.get_by_label("Find a person on the map").fill("Zora")
    page.get_by_label("Find a person on the map").press("Enter")
    status.get_by_role("link", name="Open Zora Whitfield's page").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zora Whitfield")

    # Clicking a person on the map opens their page (Plotly hands the click to map.js).
    page.go_back()
    expect(page.locator("#network-map[data-ready=true]")).to_have_count(1)
    page.evaluate(
        "id => document.getElementById('network-map').emit('plotly_click', "
        "{points: [{customdata: id}]})",
        member.star.id,
    )
    page.wait_for_url(f"**/people/{member.star.id}/")
    page.wait_for_load_state("networkidle")  # nothing in flight when the database is flushed
    assert console_errors == []


def test_the_intro_finder_swaps_in_chains(
    open_page, log_in, member, circles, console_errors, screenshot
):
    page = log_in(open_page(), start="/intro/")
    page.evaluate("window.stillTheSamePage = true")
    to = page.get_by_label("To whom")
    to.press_sequentially("Zora", delay=40)
    expect(page.locator("#people-options option")).to_have_count(1)
    to.fill("Zora Whitfield")
    page.get_by_role("button", name="Find introductions").click()
    results = page.locator("#intro-results")
    expect(results).to_contain_text("Warm paths from you to Zora Whitfield")
    expect(results.locator(".chain").first).to_contain_text("2 hops")
    expect(results.locator(".chain").first).to_contain_text("stated by you")
    assert page.evaluate("window.stillTheSamePage") is True
    assert parse_qs(urlparse(page.url).query)["to"] == ["Zora Whitfield"]
    screenshot(page, "intro")

    to.fill("Nobody Atall")
    page.get_by_role("button", name="Find introductions").click()
    expect(page.get_by_role("alert")).to_contain_text("no person matches 'Nobody Atall'")
    expect(page.locator("#people-options option")).to_have_count(0)
    page.wait_for_load_state("networkidle")  # nothing in flight when the database is flushed
    assert console_errors == []


def test_the_reach_planner_chooses_and_charts(
    open_page, log_in, member, circles, console_errors, screenshot
):
    page = log_in(open_page(), start="/reach/")
    page.get_by_label("How many to choose").fill("3")
    page.get_by_role("button", name="Choose for me").click()
    results = page.locator("#reach-results")
    expect(results).to_contain_text("Who would see it", timeout=60_000)  # may compile kernels
    expect(results.locator(".reach-table tbody tr")).to_have_count(3)
    expect(results.locator(".reach-plot .main-svg").first).to_be_visible()
    lines = page.get_by_label("Who would share it").input_value().splitlines()
    assert len(lines) == 3
    assert all(line.startswith("#") for line in lines)
    screenshot(page, "reach")

    page.get_by_label("Who would share it").fill(lines[0])
    page.get_by_role("button", name="Show reach").click()
    expect(results.locator(".reach-table tbody tr")).to_have_count(1)
    expect(results.locator(".reach-plot .main-svg").first).to_be_visible()
    page.wait_for_load_state("networkidle")  # nothing in flight when the database is flushed
    assert console_errors == []


def test_suggestions_and_introductions(
    open_page, log_in, member, circles, console_errors, screenshot
):
    page = log_in(open_page(), start="/suggest/")
    cards = page.locator(".suggestion")
    expect(cards.first).to_contain_text("mutual friend")
    screenshot(page, "suggest")
    page.get_by_role("link", name="Introductions you could make").click()
    expect(page.get_by_role("heading", name="You as a bridge")).to_be_visible()
    page.wait_for_load_state("networkidle")  # nothing in flight when the database is flushed
    assert console_errors == []


def test_graph_pages_fit_a_phone(open_page, log_in, member, circles, console_errors, screenshot):
    page = log_in(open_page(PHONE), start="/map/")
    expect(page.locator("#network-map[data-ready=true]")).to_have_count(1)
    assert page.evaluate(NO_OVERFLOW), page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "map-phone")
    for path in ("/intro/?to=Zora+Whitfield", "/reach/?action=choose", "/suggest/"):
        page.goto(path, timeout=60_000)  # the first reach query may compile its kernels
        expect(page.locator(".results")).not_to_be_empty()
        assert page.evaluate(NO_OVERFLOW), (path, page.evaluate("document.body.scrollWidth"))
    screenshot(page, "suggest-phone")
    page.wait_for_load_state("networkidle")  # nothing in flight when the database is flushed
    assert console_errors == []
