"""The practice pages and fragments for the owner, another user and an anonymous visitor."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from goodwill.activity.models import Favour
from goodwill.activity.services import record_favour
from goodwill.practice import reminders
from goodwill.practice.models import Cadence, Snooze
from tests.practice.world import build

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PAGES = ["tend", "ledger", "overtures", "referrals", "next_actions", "reminders"]
PANELS = ["home_next_panel", "home_losing_touch_panel", "home_thanks_panel"]


@pytest.fixture
def world(owner):
    return build(owner, timezone.localdate())


@pytest.mark.parametrize(
    ("name", "kwargs", "method"),
    [(p, {}, "get") for p in PAGES + PANELS]
    + [
        ("person_practice_panel", {"person_id": 1}, "get"),
        ("next_action_done", {}, "post"),
        ("tend_cadence", {}, "post"),
        ("tend_snooze", {}, "post"),
        ("ledger_thank", {"favour_id": 1}, "post"),
    ],
)
def test_anonymous_is_sent_to_login(name, kwargs, method):
    url = reverse(name, kwargs=kwargs)
    response = getattr(Client(), method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_for_the_owner_with_bounded_queries(
    owner_client, world, name, django_assert_max_num_queries
):
    record_favour(world.owner, "received", world.ann, "Read my draft")
    with django_assert_max_num_queries(60):
        response = owner_client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "<h1>" in html


def test_pages_show_the_owners_practice(owner_client, world):
    record_favour(world.owner, "received", world.ann, "Read my draft")
    assert "Cy Park" in owner_client.get(reverse("tend")).content.decode()  # a follow-up
    ledger = owner_client.get(reverse("ledger")).content.decode()
    assert "Read my draft" in ledger
    assert "Refer Di Shaw, who needs a proofreader, to Ann Lee" in ledger
    assert "Follow up with Cy Park" in owner_client.get(reverse("next_actions")).content.decode()
    first = owner_client.get(reverse("reminders")).content.decode()
    assert "Make my feed address" in first
    owner_client.post(reverse("reminders"), {"action": "regenerate"})
    shown = owner_client.get(reverse("reminders")).content.decode()
    token = shown.split("/feed/")[1].split(".ics")[0]
    found = reminders.settings_for(world.owner)
    assert found.feed_digest == reminders.token_digest(token)  # only the hash is kept
    again = owner_client.get(reverse("reminders")).content.decode()
    assert token not in again  # shown once
    assert "Your feed is set up" in again


@pytest.mark.parametrize("name", PANELS)
def test_dashboard_panels_are_small_fragments(
    owner_client, world, name, django_assert_max_num_queries
):
    record_favour(world.owner, "received", world.ann, "Read my draft")
    # The first visit computes everything (and checks the stamps that tell whether a remembered
    # result is still good); a second visit with nothing changed reuses the results.
    with django_assert_max_num_queries(60):
        owner_client.get(reverse(name), **HTMX)
    with django_assert_max_num_queries(35):
        response = owner_client.get(reverse(name), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "<section" in html


def test_the_person_panel_is_the_owners_only(owner_client, other_client, world):
    url = reverse("person_practice_panel", kwargs={"person_id": world.ann.id})
    html = owner_client.get(url, **HTMX).content.decode()
    assert "Keeping in touch" in html
    assert "Every " in html
    assert other_client.get(url, **HTMX).status_code == 404


def test_done_by_htmx_swaps_the_item_and_logs_it(owner_client, world):
    key = f"follow_up:meeting:{world.cy.id}"
    response = owner_client.post(reverse("next_action_done"), {"key": key}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith("<li")
    assert "Done: logged a follow-up to Cy Park." in html
    assert key not in owner_client.get(reverse("next_actions")).content.decode()
    plain = owner_client.post(reverse("next_action_done"), {"key": "bogus"})
    assert plain.status_code == 302


def test_another_user_cannot_act_on_the_owners_people(other_client, world):
    favour = record_favour(world.owner, "received", world.ann, "Read my draft")
    assert (
        other_client.post(reverse("ledger_thank", kwargs={"favour_id": favour.id})).status_code
        == 404
    )
    done = other_client.post(
        reverse("next_action_done"), {"key": f"reach_out:{world.ann.id}"}, **HTMX
    )
    assert done.status_code == 404
    assert (
        other_client.post(reverse("tend_cadence"), {"person": world.ann.id, "days": 5}).status_code
        == 404
    )
    assert (
        other_client.post(
            reverse("tend_snooze"), {"person": world.ann.id, "until": "2099-01-01"}
        ).status_code
        == 404
    )
    assert Favour.objects.get(pk=favour.id).acknowledged_on is None
    assert not Cadence.objects.exists()
    assert not Snooze.objects.exists()


def test_forms_set_cadences_snoozes_and_thanks(owner_client, world):
    favour = record_favour(world.owner, "received", world.ann, "Read my draft")
    response = owner_client.post(reverse("tend_cadence"), {"tag": "friends", "days": "21"})
    assert response.status_code == 302
    assert Cadence.objects.get(owner=world.owner).days == 21
    back = reverse("person", kwargs={"person_id": world.bo.id})
    response = owner_client.post(
        reverse("tend_snooze"), {"person": world.bo.id, "until": "2099-05-01", "next": back}
    )
    assert response["Location"] == back
    assert Snooze.objects.get(person=world.bo).until.isoformat() == "2099-05-01"
    response = owner_client.post(
        reverse("tend_cadence"), {"tag": "nobody", "days": "21"}, follow=True
    )
    assert "no tag &#x27;nobody&#x27;" in response.content.decode()
    html = owner_client.post(
        reverse("ledger_thank", kwargs={"favour_id": favour.id}), **HTMX
    ).content.decode()
    assert "Thanked Ann Lee for: Read my draft." in html


def test_record_a_referral_from_the_page(owner_client, world):
    data = {
        "referrer": "Ann Lee",
        "referred": "me",
        "to": "Bo Chen",
        "what": "Keynote",
        "value": "300",
        "status": "won",
    }
    response = owner_client.post(reverse("referrals"), data, follow=True)
    assert "Recorded referral" in response.content.decode()
    response = owner_client.post(reverse("referrals"), {**data, "to": "Nobody Here"})
    assert response.status_code == 200
    assert "Keynote" in response.content.decode()


def test_the_calendar_feed_needs_only_its_secret_token(owner_client, world):
    _, token = reminders.regenerate_token(world.owner)
    response = Client().get(reverse("calendar_feed", kwargs={"token": token}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")
    assert b"Follow up with Cy Park" in response.content
    assert Client().get(reverse("calendar_feed", kwargs={"token": "x" * 32})).status_code == 404
    owner_client.post(reverse("reminders"), {"action": "regenerate"})
    assert Client().get(reverse("calendar_feed", kwargs={"token": token})).status_code == 404
    assert Client().post(reverse("calendar_feed", kwargs={"token": token})).status_code == 405


def test_send_the_digest_now_is_sent_by_the_worker(owner_client, world, mailoutbox):
    from goodwill.worker.runner import run_pending

    response = owner_client.post(reverse("reminders"), {"action": "send"}, follow=True)
    to = world.owner.email
    assert f"The digest is on its way to {to}." in response.content.decode()
    assert mailoutbox == []  # the request only queued it
    assert run_pending() == 1
    [message] = mailoutbox
    assert message.to == [to]
