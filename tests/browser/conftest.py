"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest
from django.utils import timezone

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}
PASSWORD = "pw-browser-123"

FIRST = ["Ann", "Bilal", "Carmen", "Dmitri", "Elif", "Farah", "Gus", "Hana", "Ivo", "Jess"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Quinn", "Haddad"]
ORGS = ["Bright Books", "Northwind Press", "Leeds Writers Club", "Marsh & Co", ""]
POSITIONS = ["Editor", "Literary agent", "Proofreader", "Designer", ""]
TAGS = ["author", "publisher", "club", "freelance", "friend"]


# Module scope: Playwright's loop must be gone before the rest of the suite runs.
@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium chromium-driver)"
        if os.environ.get("GOODWILL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"GOODWILL_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, so Django would refuse
    # ORM calls from the tests. Set only while the browser runs: a process-wide
    # setting would leak into every other test and into `check --deploy` subprocesses.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


class ConsoleErrors(list):
    """Every console error and uncaught exception a page reports."""

    def watch(self, page) -> None:
        page.on("console", lambda message: message.type == "error" and self.append(message.text))
        page.on("pageerror", lambda error: self.append(str(error)))


@pytest.fixture
def console_errors():
    return ConsoleErrors()


@pytest.fixture
def open_page(browser, live_server, console_errors):
    """Open a fresh browser context at a viewport size; all are closed after the test."""
    contexts = []
    in_flight = [0]

    def started(_request) -> None:
        in_flight[0] += 1

    def ended(_request) -> None:
        in_flight[0] -= 1

    def opener(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        contexts.append(context)
        context.on("request", started)
        context.on("requestfinished", ended)
        context.on("requestfailed", ended)
        page = context.new_page()
        page.set_default_timeout(10_000)
        console_errors.watch(page)
        return page

    yield opener
    # Let requests still in flight (htmx panels that load after the page) finish: the server
    # would otherwise still hold the test database while the next test sets up.
    deadline = time.monotonic() + 15
    while in_flight[0] > 0 and time.monotonic() < deadline and contexts[0].pages:
        contexts[0].pages[0].wait_for_timeout(50)  # lets Playwright deliver the events
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def member(transactional_db, django_user_model):
    """A user with a small, realistic network."""
    from goodwill.activity.services import log_interaction, record_favour, record_overture
    from goodwill.people.services import create_person, ensure_me, state_tie

    user = django_user_model.objects.create_user(
        "ann", "ann@example.org", PASSWORD, first_name="Ann", last_name="Writer"
    )
    ensure_me(user)
    now = timezone.now()
    people = []
    for i in range(60):
        first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
        handle = f"{first}{last}{i}".lower()[:15]
        people.append(
            create_person(
                user,
                f"{first} {last}",
                identities=[("email", f"{handle}@example.org"), ("x", handle)],
                tags=[TAGS[i % len(TAGS)], TAGS[(i * 3 + 1) % len(TAGS)]],
                organisation=ORGS[i % len(ORGS)],
                position=POSITIONS[(i * 7) % len(POSITIONS)],
                location="Leeds" if i % 2 else "York",
            )
        )
    star = create_person(
        user,
        "Zora Whitfield",
        identities=[("email", "zora@whitfield.example"), ("website", "whitfield.example")],
        tags=["publisher", "mentor"],
        organisation="Northwind Press",
        position="Commissioning editor",
        location="Manchester",
        how_we_met="Panel at the Leeds book fair",
        notes="Looking for debut crime novels. Prefers e-mail to calls.",
    )
    for i, other in enumerate(people[:12]):
        state_tie(user, star, other, "connection" if i % 3 else "coworker")
        log_interaction(user, "message", [other], when=now - dt.timedelta(days=5 + i * 9))
    for weeks, kind, subject in [
        (1, "call", "Talked through the launch plan"),
        (6, "meeting", "Coffee near the station"),
        (14, "email", "Sent the first three chapters"),
    ]:
        log_interaction(user, kind, [star], when=now - dt.timedelta(weeks=weeks), subject=subject)
    record_favour(user, "received", star, "Introduced me to her agent")
    record_overture(user, star, channel="email", approach="Asked to read the manuscript")
    user.star = star
    return user


@pytest.fixture
def log_in(member):
    def submit(page, start: str = "/people/"):
        page.goto(start)
        page.get_by_label("Username").fill(member.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"**{start}")
        return page

    return submit
