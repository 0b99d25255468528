"""The import page in a real browser: upload, live progress, then the summary and issues."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect

from goodwill.imports import service
from tests.browser.conftest import PHONE
from tests.conftest import shared_data

pytestmark = pytest.mark.browser

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def connections_csv():
    return shared_data("social-export-fixtures", "six-hops", "Connections.csv")


@pytest.fixture
def long_words(tmp_path):
    """A file whose name and values have no room to wrap on a phone."""
    path = tmp_path / "Complete_LinkedInDataExport_11-21-2026_Connections_backup.csv"
    header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
    path.write_text(f"{header}\nAnn,Lee,,,,,{'x' * 120}\n")
    return path


@pytest.fixture
def held_import(monkeypatch):
    """Imports wait before reading records until the test lets them go on."""
    go_on = threading.Event()
    read = service._counted

    def held(records, progress):
        go_on.wait(20)
        yield from read(records, progress)

    monkeypatch.setattr(service, "_counted", held)
    yield go_on
    go_on.set()


def upload(page, path) -> None:
    page.get_by_label("Files").set_input_files(str(path))
    page.get_by_role("button", name="Import", exact=True).click()


def test_upload_shows_progress_then_summary_and_issues(
    open_page, log_in, connections_csv, held_import, console_errors, screenshot
):
    page = log_in(open_page(), start="/")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("More").click()  # Import lives in the "More" menu
    nav.get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import")
    expect(page.get_by_label("Format")).to_have_value("")
    screenshot(page, "import-form-desktop")

    upload(page, connections_csv)
    expect(page.get_by_role("heading", name="Importing…")).to_be_visible()
    expect(page.locator("#import-status")).to_have_text("Importing…")
    page.evaluate("window.stillTheSamePage = true")
    screenshot(page, "import-progress-desktop")

    held_import.set()
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
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("4 new · 0 updated · 0 merged")
    expect(history.first.get_by_role("link", name="Connections.csv")).to_be_visible()
    screenshot(page, "import-desktop")
    assert console_errors == []


def test_phone_layout_of_the_import_pages(
    open_page, log_in, connections_csv, long_words, console_errors, screenshot
):
    page = log_in(open_page(PHONE), start="/imports/")
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
    expect(page.locator("table tbody tr")).to_have_count(2)
    assert page.evaluate(NO_OVERFLOW), page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "import-phone")
    assert console_errors == []
