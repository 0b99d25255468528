"""The import page and the dashboard in a real browser, against a real `goodwill serve
--workers 2` (two web processes and the background worker), so each request may land on
either process and the import runs in the worker."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import shared_data
from tests.multiprocess import PASSWORD, new_site, serve

pytestmark = pytest.mark.browser

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
PANELS_MS = 180_000
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A fresh installation with a small network, served by two processes and a worker."""
    folder = tmp_path_factory.mktemp("served")
    with new_site(folder, users=("ann",)) as site:
        network = folder / "network.csv"
        network.write_text(
            HEADER
            + "".join(
                f"Friend{i},Example,https://www.linkedin.com/in/friend{i},"
                f"friend{i}@example.org,Acme,Editor,01 Jan 2020\n"
                for i in range(12)
            )
        )
        site.gw("--user", "ann", "import", str(network))
        for i in range(3):
            site.gw("--user", "ann", "log", "call", f"friend{i}@example.org", "--on", "2025-01-10")
        server = serve(site, "--workers", "2")
        yield site, server


@pytest.fixture
def open_served(browser, served, console_errors):
    _site, server = served
    contexts = []

    def opener(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, base_url=server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        console_errors.watch(page)
        page.goto("/")
        page.get_by_label("Username").fill("ann")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/")
        return page

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture
def connections_csv():
    return shared_data("social-export-fixtures", "six-hops", "Connections.csv")


@pytest.fixture
def long_words(tmp_path):
    """A file whose name and values have no room to wrap on a phone."""
    path = tmp_path / "Complete_LinkedInDataExport_11-21-2026_Connections_backup.csv"
    path.write_text(f"{HEADER}Ann,Lee,,,,,{'x' * 120}\n")
    return path


def upload(page, path) -> None:
    page.get_by_label("Files").set_input_files(str(path))
    page.get_by_role("button", name="Import", exact=True).click()


def test_the_dashboard_stays_signed_in_across_both_processes(open_served, console_errors):
    page = open_served()
    for _ in range(8):  # each load may be answered by either process
        page.goto("/")
        expect(page.get_by_role("heading", name="Losing touch")).to_be_visible()
        # Generous: the first panels a process serves may compile the graph kernels.
        expect(page.locator(".panel-loading")).to_have_count(0, timeout=PANELS_MS)
        expect(page.locator(".panel-slot")).to_have_count(0, timeout=PANELS_MS)
    page.goto("/people/")
    expect(page.get_by_text("Friend11 Example")).to_be_visible()
    assert console_errors == []


def test_upload_waits_its_turn_then_shows_progress_summary_and_issues(
    open_served, served, connections_csv, console_errors, screenshot
):
    site, _server = served
    page = open_served()
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("More").click()  # Import lives in the "More" menu
    nav.get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import")
    expect(page.get_by_label("Format")).to_have_value("")
    screenshot(page, "import-form-desktop")

    with site.import_turn_held():  # another import holds the one writer's turn
        upload(page, connections_csv)
        expect(page.locator("#import-status")).to_have_text("Waiting")
        expect(page.locator("#import-waiting")).to_contain_text(
            "This import is waiting for its turn."
        )
        page.evaluate("window.stillTheSamePage = true")
        screenshot(page, "import-progress-desktop")

    expect(page.locator("#import-status")).to_have_text("Applied")
    expect(page.locator("#import-format")).to_have_text("LinkedIn export")
    created = page.locator(".stat", has_text="people created")
    expect(created.locator(".stat-value")).to_have_text("4")
    expect(page.locator(".stat", has_text="issues").locator(".stat-value")).to_have_text("1")
    rows = page.locator(".issues-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("rowheader")).to_have_text("Connections.csv:9")
    expect(rows.first).to_contain_text("empty-row")
    assert page.evaluate("window.stillTheSamePage") is True
    screenshot(page, "import-run-desktop")

    page.get_by_role("link", name="Imports", exact=True).click()
    history = page.locator("table tbody tr")
    expect(history.first).to_contain_text("4 new · 0 updated · 0 merged")
    expect(history.first.get_by_role("link", name="Connections.csv")).to_be_visible()
    screenshot(page, "import-desktop")
    assert console_errors == []


def test_an_import_is_cancelled_from_its_page(open_served, served, long_words, console_errors):
    site, _server = served
    page = open_served()
    page.goto("/imports/")
    with site.import_turn_held():
        upload(page, long_words)
        expect(page.locator("#import-status")).to_have_text("Waiting")
        page.get_by_role("button", name="Cancel import").click()
        expect(page.locator("#import-status")).to_have_text("Cancelled")
        expect(page.get_by_text("Cancelled: nothing was saved.")).to_be_visible()
    page.goto("/people/?q=Lee")
    expect(page.get_by_text("Ann Lee")).to_have_count(0)
    assert console_errors == []


def test_phone_layout_of_the_import_pages(
    open_served, connections_csv, long_words, console_errors, screenshot
):
    page = open_served(PHONE)
    page.goto("/imports/")
    assert page.evaluate(NO_OVERFLOW), page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "import-form-phone")

    upload(page, connections_csv)
    expect(page.locator("#import-status")).to_have_text("Applied")
    expect(page.locator(".issues-table tbody tr")).to_have_count(1)
    assert page.evaluate(NO_OVERFLOW), page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "import-run-phone")

    page.goto("/imports/")
    upload(page, long_words)
    expect(page.locator(".issues-table tbody tr")).to_have_count(1)
    assert page.evaluate(NO_OVERFLOW), page.evaluate("document.documentElement.scrollWidth")

    page.goto("/imports/")
    assert page.evaluate(NO_OVERFLOW), page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "import-phone")
    assert console_errors == []
