"""The insights API: strength and overrides, the soft-sell check, post history, channel return."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from goodwill.activity.services import log_interaction
from goodwill.people.services import create_person
from goodwill.practice.models import StrengthOverride

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann(owner):
    person = create_person(owner, "Ann Lee")
    log_interaction(owner, "call", [person], when=timezone.now() - timezone.timedelta(days=2))
    return person


def send(client: Client, method: str, url: str, body: dict | None = None):
    call = getattr(client, method)
    if body is None:
        return call(url)
    return call(url, data=json.dumps(body), content_type="application/json")


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    found = response.json()
    assert found["ok"] is False
    assert found["status"] == status
    assert found["error"]
    return found


def person_endpoints(person_id: int) -> list[tuple[str, str, dict | None]]:
    url = f"/api/strength/{person_id}"
    return [("get", url, None), ("put", url, {"value": 0.4}), ("delete", url, None)]


def test_strength_owner(owner_client, ann):
    found = owner_client.get(f"/api/strength/{ann.id}").json()
    assert found["id"] == ann.id
    assert found["reasons"][0] == "1 call in the last year"
    assert set(found["parts"]) == {"activity", "balance", "duration", "mutual"}
    put = send(owner_client, "put", f"/api/strength/{ann.id}", {"value": 0.9, "note": "old friend"})
    assert put.status_code == 200
    assert put.json()["score"] == 0.9
    assert put.json()["overridden"]
    cleared = owner_client.delete(f"/api/strength/{ann.id}").json()
    assert not cleared["overridden"]
    assert cleared["score"] == found["score"]


def test_strength_other_user_gets_404_and_changes_nothing(other_client, ann):
    for method, url, body in person_endpoints(ann.id):
        assert_error(send(other_client, method, url, body), 404)
    assert not StrengthOverride.objects.exists()


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/strength/1", None),
        ("put", "/api/strength/1", {"value": 0.5}),
        ("delete", "/api/strength/1", None),
        ("post", "/api/rescore", {}),
        ("post", "/api/check-post", {"text": "hello"}),
        ("get", "/api/post-history", None),
        ("get", "/api/roi", None),
    ],
)
def test_anonymous_gets_401(method, url, body):
    assert_error(send(Client(), method, url, body), 401)


def test_bad_input_is_422(owner_client, ann):
    found = assert_error(send(owner_client, "put", f"/api/strength/{ann.id}", {"value": 2}), 422)
    assert "value" in found["error"]
    assert_error(send(owner_client, "post", "/api/check-post", {"text": ""}), 422)
    assert_error(send(owner_client, "post", "/api/check-post", {"text": "hi", "bogus": 1}), 422)
    assert_error(owner_client.get("/api/post-history?threshold=3"), 422)


def test_check_post_and_the_stranger_check_stays_private(owner_client, other_client, ann):
    body = {"text": "Pre-order my book today! https://example.com", "to": f"#{ann.id}"}
    mine = send(owner_client, "post", "/api/check-post", body).json()
    assert mine["promotional"]
    assert mine["stranger"] is False
    assert mine["to"] == {"id": ann.id, "name": "Ann Lee"}
    assert [r["rule"] for r in mine["rules"]][:2] == ["link", "call_to_action"]
    # To another user Ann is nobody: a stranger, and her name is not revealed.
    theirs = send(other_client, "post", "/api/check-post", body).json()
    assert theirs["stranger"] is True
    assert theirs["to"] == {"id": None, "name": f"#{ann.id}"}


def test_rescore_and_history_and_roi_are_per_user(owner_client, other_client, ann):
    assert send(owner_client, "post", "/api/rescore", {}).json() == {"ties_updated": 0}
    assert owner_client.get("/api/post-history").json()["channels"] == []
    assert other_client.get("/api/roi").json()["channels"] == []


def test_roi_on_the_demo(demo_client):
    found = demo_client.get("/api/roi").json()
    assert len(found["channels"]) == 7
    assert found["advice"]
