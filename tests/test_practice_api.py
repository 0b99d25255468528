"""The practice API: the owner's documents, another user's ids not found, anonymous 401."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from goodwill.activity.models import Favour, Interaction
from goodwill.activity.services import record_favour
from tests.practice.world import TODAY, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(owner):
    return build(owner)


def send(client, method, url, body=None):
    if method == "get":
        return client.get(url)
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(url, data=data, content_type="application/json")


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["ok"] is False
    assert body["status"] == status
    return body["error"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/practice/tend"),
        ("get", "/api/practice/ledger"),
        ("get", "/api/practice/overtures"),
        ("get", "/api/practice/referrals"),
        ("get", "/api/practice/next"),
        ("get", "/api/practice/reminders"),
        ("post", "/api/practice/next/done"),
        ("put", "/api/practice/cadences"),
    ],
)
def test_anonymous_callers_get_401(method, url):
    assert "authentication required" in error(send(Client(), method, url, {}), 401)


def test_tend_cadence_and_snooze(owner_client, world):
    payload = ok(owner_client.get(f"/api/practice/tend?as_of={TODAY}"))
    assert [m["person"]["id"] for m in payload["follow_ups"]] == [world.cy.id]
    cadences = ok(
        send(owner_client, "put", "/api/practice/cadences", {"person": world.bo.id, "days": 30})
    )
    assert cadences["people"] == [{"person": {"id": world.bo.id, "name": "Bo Chen"}, "days": 30}]
    rows = ok(owner_client.get(f"/api/practice/tend?as_of={TODAY}&all=true"))["losing_touch"]
    assert next(r for r in rows if r["person"]["id"] == world.bo.id)["overdue_days"] == 70
    one = ok(owner_client.get(f"/api/practice/people/{world.bo.id}?as_of={TODAY}"))
    assert one["cadence_from"] == "set by you"
    snoozed = ok(
        send(
            owner_client,
            "post",
            "/api/practice/snoozes",
            {"person": world.bo.id, "until": "2099-01-01"},
        )
    )
    assert snoozed["until"] == "2099-01-01"
    both = {"person": world.bo.id, "tag": "friends", "days": 3}
    assert "not both" in error(send(owner_client, "put", "/api/practice/cadences", both), 422)
    too_long = {"person": world.bo.id, "days": 9999}
    assert "days" in error(send(owner_client, "put", "/api/practice/cadences", too_long), 422)


def test_ledger_thank_and_next_done(owner_client, world):
    favour = record_favour(world.owner, "received", world.ann, "Read my draft", on=TODAY)
    ledger = ok(owner_client.get(f"/api/practice/ledger?as_of={TODAY}"))
    assert [f["id"] for f in ledger["to_thank"]] == [favour.id]
    thanked = ok(owner_client.post(f"/api/practice/favours/{favour.id}/thank"))
    assert thanked["thanked"][0]["id"] == favour.id
    assert "already acknowledged" in error(
        owner_client.post(f"/api/practice/favours/{favour.id}/thank"), 422
    )
    actions = ok(owner_client.get(f"/api/practice/next?as_of={TODAY}"))["actions"]
    key = next(a["key"] for a in actions if a["kind"] == "follow_up")
    done = ok(send(owner_client, "post", "/api/practice/next/done", {"key": key}))
    assert done == {"key": key, "kind": "follow_up", "done": "logged a follow-up to Cy Park"}
    assert "invalid action" in error(
        send(owner_client, "post", "/api/practice/next/done", {"key": "x"}), 422
    )


def test_overtures_and_referrals(owner_client, world):
    assert ok(owner_client.get("/api/practice/overtures"))["total"] == 0
    body = {
        "referrer": world.ann.id,
        "referred": world.me.id,
        "to": world.bo.id,
        "what": "Keynote",
        "value": "450.00",
        "status": "won",
    }
    made = ok(send(owner_client, "post", "/api/practice/referrals", body), 201)
    assert (made["value"], made["thanks_owed"]) == ("450.00", True)
    listed = ok(owner_client.get("/api/practice/referrals"))
    assert [r["id"] for r in listed["thanks_owed"]] == [made["id"]]
    assert (
        ok(owner_client.post(f"/api/practice/referrals/{made['id']}/thank"))["thanks_owed"] is False
    )
    bad = {**body, "status": "maybe"}
    assert "status" in error(send(owner_client, "post", "/api/practice/referrals", bad), 422)


def test_reminders_settings_and_new_token(owner_client, world):
    none_yet = ok(owner_client.get("/api/practice/reminders"))
    assert (none_yet["feed"], none_yet["feed_url"]) == (False, None)
    first = ok(owner_client.post("/api/practice/reminders/token"))
    assert first["feed_url"].startswith("http://testserver/feed/")
    assert first["feed"] is True
    later = ok(owner_client.get("/api/practice/reminders"))
    assert (later["feed"], later["feed_url"]) == (True, None)  # shown once
    assert ok(owner_client.post("/api/practice/reminders/token"))["feed_url"] != first["feed_url"]
    weekly = ok(
        send(
            owner_client,
            "put",
            "/api/practice/reminders",
            {"digest": "weekly", "email": "x@example.org"},
        )
    )
    assert (weekly["digest"], weekly["digest_email"]) == ("weekly", "x@example.org")


def test_another_users_ids_are_not_found(other_client, world):
    favour = record_favour(world.owner, "received", world.ann, "Read my draft", on=TODAY)
    assert (
        error(other_client.post(f"/api/practice/favours/{favour.id}/thank"), 404)
        == f"no favour #{favour.id}"
    )
    assert (
        error(other_client.get(f"/api/practice/ledger?person={world.ann.id}"), 404)
        == f"no person #{world.ann.id}"
    )
    assert error(other_client.get(f"/api/practice/people/{world.ann.id}"), 404)
    cadence = {"person": world.ann.id, "days": 5}
    error(send(other_client, "put", "/api/practice/cadences", cadence), 404)
    error(
        send(
            other_client,
            "post",
            "/api/practice/snoozes",
            {"person": world.ann.id, "until": "2099-01-01"},
        ),
        404,
    )
    error(
        send(other_client, "post", "/api/practice/next/done", {"key": f"reach_out:{world.ann.id}"}),
        404,
    )
    body = {"referrer": world.ann.id, "referred": world.me.id, "to": world.bo.id, "what": "x"}
    error(send(other_client, "post", "/api/practice/referrals", body), 404)
    assert Favour.objects.get(pk=favour.id).acknowledged_on is None
    assert not Interaction.objects.filter(kind="message").exists()
    # The other user's own documents hold nothing of the owner's.
    assert ok(other_client.get("/api/practice/tend"))["losing_touch"] == []
    assert ok(other_client.get("/api/practice/ledger"))["favours"] == []
