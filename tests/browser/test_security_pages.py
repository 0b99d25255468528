"""In a real browser: names stay text in charts, and the pages run under the strict policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from goodwill.people.models import Person
from tests.browser.test_graph_pages import circles  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser

PHISHING = '<a href="https://evil.example/win">Claim your prize</a>'


@pytest.mark.usefixtures("circles")
def test_an_organisation_named_with_markup_stays_text_in_the_map_legend(
    open_page, log_in, member, console_errors
):
    people = Person.objects.filter(owner=member, is_me=False).order_by("id")
    Person.objects.filter(id__in=[p.id for p in people]).update(organisation=PHISHING)
    page = log_in(open_page(), start="/map/")
    expect(page.locator("#network-map[data-ready=true]")).to_have_count(1)
    legend = page.locator("#network-map .legend")
    expect(legend).to_contain_text("Claim your prize")
    expect(legend).to_contain_text("<a href")  # shown as the characters typed
    assert page.locator('#network-map a[href*="evil.example"]').count() == 0
    assert console_errors == []


def test_the_admin_and_the_api_docs_run_under_the_content_security_policy(
    open_page, member, console_errors
):
    member.is_staff = member.is_superuser = True
    member.save()
    page = open_page()
    missing = []
    page.on("response", lambda r: r.status == 404 and missing.append(r.url))
    policy = page.goto("/admin/login/").headers["content-security-policy"]
    assert "script-src 'self'" in policy
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill("pw-browser-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    page.goto("/admin/people/person/")
    expect(page.locator("#result_list")).to_be_visible()
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert missing == []
    assert console_errors == []
