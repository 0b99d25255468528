"""The merges API for the owner, another user and an anonymous caller."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from goodwill.imports.merging import merge
from goodwill.imports.models import Merge, MergeDecision
from goodwill.people.models import Person
from goodwill.people.services import create_person

pytestmark = pytest.mark.django_db

JSON = "application/json"
ERROR_KEYS = {"ok", "error", "status"}
MERGE_KEYS = {"id", "kept", "absorbed", "reason", "automatic", "created_at", "undone_at"}


@dataclass
class World:
    sam: Person
    samuel: Person
    cy: Person
    done: Merge


@pytest.fixture
def world(owner: Any) -> World:
    sam = create_person(owner, "Sam Lee", organisation="Acme")
    samuel = create_person(owner, "Samuel Lee", organisation="Acme Ltd")
    cy = create_person(owner, "Cy Lee")
    gone = create_person(owner, "Cy L. Lee")
    done = merge(owner, cy, gone, reason="reviewed by you")
    return World(sam, samuel, cy, done)


@pytest.fixture
def anon() -> Client:
    return Client()


def assert_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert (body["ok"], body["status"]) == (False, status)
    assert body["error"]
    assert "\n" not in body["error"]
    return body


@dataclass(frozen=True)
class Endpoint:
    method: str
    url: Callable[[World], str]
    body: Callable[[World], dict[str, Any]] | None
    ok: int
    names_owner_rows: bool = True

    def hit(self, client: Client, world: World) -> Any:
        if self.method == "get":
            return client.get(self.url(world))
        payload = json.dumps(self.body(world) if self.body else {})
        return client.post(self.url(world), payload, content_type=JSON)


ENDPOINTS = {
    "candidates": Endpoint("get", lambda w: "/api/merges/candidates", None, 200, False),
    "list merges": Endpoint("get", lambda w: "/api/merges", None, 200, False),
    "merge": Endpoint(
        "post", lambda w: "/api/merges", lambda w: {"kept": w.sam.id, "absorbed": w.samuel.id}, 201
    ),
    "merge detail": Endpoint("get", lambda w: f"/api/merges/{w.done.id}", None, 200),
    "undo": Endpoint("post", lambda w: f"/api/merges/{w.done.id}/undo", None, 200),
    "distinct": Endpoint(
        "post", lambda w: "/api/merges/distinct", lambda w: {"a": w.sam.id, "b": w.samuel.id}, 201
    ),
}
OWNED = [name for name, e in ENDPOINTS.items() if e.names_owner_rows]


@pytest.mark.parametrize("name", ENDPOINTS)
def test_owner_succeeds(owner_client: Client, world: World, name: str) -> None:
    response = ENDPOINTS[name].hit(owner_client, world)
    assert response.status_code == ENDPOINTS[name].ok, response.content
    assert response.json()


@pytest.mark.parametrize("name", OWNED)
def test_other_user_gets_404_and_changes_nothing(
    other_client: Client, world: World, name: str
) -> None:
    assert assert_error(ENDPOINTS[name].hit(other_client, world), 404)["error"].startswith("no ")
    assert Person.objects.filter(id=world.samuel.id).exists()
    world.done.refresh_from_db()
    assert world.done.undone_at is None
    assert not MergeDecision.objects.exists()


@pytest.mark.parametrize("name", ENDPOINTS)
def test_anonymous_gets_401(anon: Client, world: World, name: str) -> None:
    assert_error(ENDPOINTS[name].hit(anon, world), 401)


def test_other_users_lists_are_empty(other_client: Client, world: World) -> None:
    assert other_client.get("/api/merges").json()["total"] == 0
    assert other_client.get("/api/merges/candidates").json() == {"candidates": []}


def test_candidates_shape(owner_client: Client, world: World) -> None:
    [found] = owner_client.get("/api/merges/candidates?limit=5").json()["candidates"]
    assert found["a"] == {"id": world.sam.id, "name": "Sam Lee", "organisation": "Acme"}
    assert found["b"]["id"] == world.samuel.id
    assert 0 < found["score"] <= 1
    assert "both at Acme" in found["reasons"]
    assert_error(owner_client.get("/api/merges/candidates?limit=0"), 422)


def test_merge_list_and_undo(owner_client: Client, world: World) -> None:
    created = ENDPOINTS["merge"].hit(owner_client, world).json()
    assert set(created) == MERGE_KEYS
    assert created["kept"] == {"id": world.sam.id, "name": "Sam Lee"}
    assert created["absorbed"] == {"id": world.samuel.id, "name": "Samuel Lee"}
    assert (created["reason"], created["automatic"]) == ("reviewed by you", False)
    page = owner_client.get("/api/merges").json()
    assert [m["id"] for m in page["items"]] == [created["id"], world.done.id]
    undone = owner_client.post(f"/api/merges/{created['id']}/undo").json()
    assert undone["restored"] == {"id": world.samuel.id, "name": "Samuel Lee"}
    assert undone["merge"]["undone_at"] is not None
    assert_error(owner_client.post(f"/api/merges/{created['id']}/undo"), 409)


def test_undo_out_of_order_is_409(owner_client: Client, world: World) -> None:
    later = {"kept": world.sam.id, "absorbed": world.cy.id}
    second = owner_client.post("/api/merges", later, content_type=JSON).json()
    body = assert_error(owner_client.post(f"/api/merges/{world.done.id}/undo"), 409)
    assert f"undo merge #{second['id']} first" in body["error"]


def test_bad_merges(owner_client: Client, world: World) -> None:
    same = {"kept": world.sam.id, "absorbed": world.sam.id}
    assert_error(owner_client.post("/api/merges", same, content_type=JSON), 422)
    extra = {"kept": world.sam.id, "absorbed": world.samuel.id, "why": "x"}
    assert_error(owner_client.post("/api/merges", extra, content_type=JSON), 422)
    assert_error(owner_client.get("/api/merges/999999"), 404)


def test_other_user_cannot_merge_their_person_into_the_owners(
    other_user: Any, other_client: Client, world: World
) -> None:
    theirs = create_person(other_user, "Sam Lee")
    body = {"kept": theirs.id, "absorbed": world.sam.id}
    assert_error(other_client.post("/api/merges", body, content_type=JSON), 404)
    assert Person.objects.filter(id=world.sam.id).exists()
