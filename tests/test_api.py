"""The JSON API: every endpoint for the owner, another user and an anonymous visitor."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from goodwill.activity.models import Interaction
from goodwill.activity.services import log_interaction
from goodwill.api.models import ApiToken
from goodwill.people.models import Identity, Person, Tie
from goodwill.people.services import create_person, ensure_me, state_tie

pytestmark = pytest.mark.django_db

JSON = "application/json"
ERROR_KEYS = {"ok", "error", "status"}


@dataclass
class World:
    ann: Person
    bob: Person
    cara: Person
    email: Identity
    tie: Tie
    call: Interaction
    token: ApiToken
    raw_token: str


@pytest.fixture
def world(owner: Any) -> World:
    ann = create_person(
        owner,
        "Ann Lee",
        identities=[("email", "Ann.Lee@Example.org")],
        tags=["books"],
        organisation="Acme",
    )
    bob = create_person(owner, "Bob Roy", identities=[("x", "@bobroy")])
    cara = create_person(owner, "Cara Diaz")
    tie = state_tie(owner, ann, bob, "knows")
    call = log_interaction(owner, "call", [ann], subject="catch-up")
    token, raw = ApiToken.issue(owner, "script")
    return World(ann, bob, cara, ann.identities.get(), tie, call, token, raw)


@pytest.fixture
def anon() -> Client:
    # conftest's `client` is the very object owner_client logs in, so anonymous gets its own.
    return Client()


@pytest.fixture
def token_client(world: World) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {world.raw_token}")


def call(client: Client, method: str, url: str, body: Any = None) -> Any:
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, json.dumps(body or {}), content_type=JSON)


def assert_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["ok"] is False
    assert body["status"] == status
    assert isinstance(body["error"], str)
    assert body["error"]
    assert "\n" not in body["error"]
    return body


@dataclass(frozen=True)
class Endpoint:
    method: str
    url: Callable[[World], str]
    body: Callable[[World], dict[str, Any]] | None
    ok: int
    # False where the endpoint names none of the owner's rows (lists, creating, /me).
    names_owner_rows: bool = True

    def hit(self, client: Client, world: World) -> Any:
        return call(client, self.method, self.url(world), self.body(world) if self.body else None)


ENDPOINTS = {
    "list people": Endpoint("get", lambda w: "/api/people", None, 200, False),
    "create person": Endpoint(
        "post", lambda w: "/api/people", lambda w: {"name": "Dee"}, 201, False
    ),
    "person": Endpoint("get", lambda w: f"/api/people/{w.ann.id}", None, 200),
    "edit person": Endpoint(
        "patch", lambda w: f"/api/people/{w.ann.id}", lambda w: {"location": "Leeds"}, 200
    ),
    "delete person": Endpoint("delete", lambda w: f"/api/people/{w.ann.id}", None, 204),
    "identities": Endpoint("get", lambda w: f"/api/people/{w.ann.id}/identities", None, 200),
    "add identity": Endpoint(
        "post",
        lambda w: f"/api/people/{w.ann.id}/identities",
        lambda w: {"channel": "x", "value": "@annlee"},
        201,
    ),
    "delete identity": Endpoint("delete", lambda w: f"/api/identities/{w.email.id}", None, 204),
    "person ties": Endpoint("get", lambda w: f"/api/people/{w.ann.id}/ties", None, 200),
    "list ties": Endpoint("get", lambda w: "/api/ties", None, 200, False),
    "create tie": Endpoint(
        "post", lambda w: "/api/ties", lambda w: {"a": w.ann.id, "b": w.cara.id}, 201
    ),
    "tie": Endpoint("get", lambda w: f"/api/ties/{w.tie.id}", None, 200),
    "delete tie": Endpoint("delete", lambda w: f"/api/ties/{w.tie.id}", None, 204),
    "list interactions": Endpoint("get", lambda w: "/api/interactions", None, 200, False),
    "log interaction": Endpoint(
        "post", lambda w: "/api/interactions", lambda w: {"kind": "met", "people": [w.ann.id]}, 201
    ),
    "interaction": Endpoint("get", lambda w: f"/api/interactions/{w.call.id}", None, 200),
    "delete interaction": Endpoint("delete", lambda w: f"/api/interactions/{w.call.id}", None, 204),
    "me": Endpoint("get", lambda w: "/api/me", None, 200, False),
    "list tokens": Endpoint("get", lambda w: "/api/tokens", None, 200, False),
    "create token": Endpoint("post", lambda w: "/api/tokens", lambda w: {"name": "ci"}, 201, False),
    "revoke token": Endpoint("delete", lambda w: f"/api/tokens/{w.token.id}", None, 204),
}
OWNED = [name for name, e in ENDPOINTS.items() if e.names_owner_rows]
# Minting tokens takes a login session, so that a leaked token cannot make more.
BEARER_OK = [name for name in ENDPOINTS if name != "create token"]


# Who may do what


@pytest.mark.parametrize("name", ENDPOINTS)
def test_owner_succeeds(owner_client: Client, world: World, name: str) -> None:
    response = ENDPOINTS[name].hit(owner_client, world)
    assert response.status_code == ENDPOINTS[name].ok, response.content
    if response.status_code != 204:
        assert response.json()


@pytest.mark.parametrize("name", OWNED)
def test_other_user_gets_404_and_changes_nothing(
    other_client: Client, owner_client: Client, world: World, name: str
) -> None:
    body = assert_error(ENDPOINTS[name].hit(other_client, world), 404)
    assert body["error"].startswith("no ")
    assert owner_client.get(f"/api/people/{world.ann.id}").json()["location"] == ""
    assert Identity.objects.filter(id=world.email.id).exists()
    assert Tie.objects.filter(id=world.tie.id).exists()
    assert Interaction.objects.filter(id=world.call.id).exists()
    assert ApiToken.objects.filter(id=world.token.id).exists()


@pytest.mark.parametrize("name", ENDPOINTS)
def test_anonymous_gets_401(anon: Client, world: World, name: str) -> None:
    response = ENDPOINTS[name].hit(anon, world)
    assert_error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("name", BEARER_OK)
def test_bearer_token_works(token_client: Client, world: World, name: str) -> None:
    assert ENDPOINTS[name].hit(token_client, world).status_code == ENDPOINTS[name].ok


def test_bearer_token_cannot_mint_tokens(token_client: Client, world: World) -> None:
    assert_error(ENDPOINTS["create token"].hit(token_client, world), 401)


@pytest.mark.parametrize(
    ("path", "key", "theirs"),
    [
        ("/api/people", "name", "Zed Other"),
        ("/api/ties", "kind", "family"),
        ("/api/interactions", "kind", "email"),
        ("/api/tokens", "name", "their token"),
    ],
)
def test_other_users_lists_hold_only_their_rows(
    other_user: Any, other_client: Client, world: World, path: str, key: str, theirs: str
) -> None:
    zed = create_person(other_user, "Zed Other")
    state_tie(other_user, ensure_me(other_user), zed, "family")
    log_interaction(other_user, "email", [zed])
    ApiToken.issue(other_user, "their token")
    page = other_client.get(path).json()
    assert page["total"] == 1
    assert [row[key] for row in page["items"]] == [theirs]


def test_other_user_cannot_use_owners_people_in_ties_or_interactions(
    other_client: Client, other_user: Any, world: World
) -> None:
    mine = create_person(other_user, "Zed Other")
    tie = {"a": mine.id, "b": world.ann.id}
    assert_error(other_client.post("/api/ties", tie, content_type=JSON), 404)
    logged = {"kind": "call", "people": [mine.id, world.ann.id]}
    assert_error(other_client.post("/api/interactions", logged, content_type=JSON), 404)
    assert_error(other_client.get(f"/api/interactions?person={world.ann.id}"), 404)
    assert_error(other_client.get(f"/api/ties?person={world.ann.id}"), 404)
    assert not Interaction.objects.filter(owner=other_user).exists()


# Tokens


def test_bad_and_revoked_tokens_are_401(world: World, owner_client: Client) -> None:
    for header in ("Bearer gw_not-a-real-token", "Bearer nonsense", "Bearer "):
        body = assert_error(Client(HTTP_AUTHORIZATION=header).get("/api/people"), 401)
        assert body["error"] in {"invalid or revoked API token", "authentication required"}
    good = Client(HTTP_AUTHORIZATION=f"Bearer {world.raw_token}")
    assert good.get("/api/people").status_code == 200
    assert owner_client.delete(f"/api/tokens/{world.token.id}").status_code == 204
    assert_error(good.get("/api/people"), 401)


def test_a_bad_token_never_falls_back_to_the_session(owner_client: Client, world: World) -> None:
    response = owner_client.get("/api/people", HTTP_AUTHORIZATION="Bearer gw_wrong")
    assert assert_error(response, 401)["error"] == "invalid or revoked API token"


def test_token_of_an_inactive_user_is_401(owner: Any, world: World, token_client: Client) -> None:
    owner.is_active = False
    owner.save()
    assert_error(token_client.get("/api/me"), 401)


def test_last_used_is_written_at_most_once_a_minute(world: World, token_client: Client) -> None:
    recently = timezone.now() - dt.timedelta(seconds=20)
    ApiToken.objects.filter(pk=world.token.pk).update(last_used_at=recently)
    token_client.get("/api/me")
    assert ApiToken.objects.get(pk=world.token.pk).last_used_at == recently
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    ApiToken.objects.filter(pk=world.token.pk).update(last_used_at=long_ago)
    token_client.get("/api/me")
    assert ApiToken.objects.get(pk=world.token.pk).last_used_at > long_ago


def test_create_token_returns_the_raw_token_once(owner_client: Client, owner: Any) -> None:
    created = owner_client.post("/api/tokens", {"name": " laptop "}, content_type=JSON).json()
    assert created["token"].startswith("gw_")
    assert created["name"] == "laptop"
    assert created["token"].endswith(created["hint"])
    listed = owner_client.get("/api/tokens").json()["items"]
    assert [t["id"] for t in listed] == [created["id"]]
    assert "token" not in listed[0]
    assert created["token"] not in json.dumps(listed)
    me = Client(HTTP_AUTHORIZATION=f"Bearer {created['token']}").get("/api/me").json()
    assert me["username"] == owner.username
    assert me["auth"] == "token"


def test_me_describes_the_caller(owner_client: Client, owner: Any) -> None:
    me = owner_client.get("/api/me").json()
    assert me["username"] == "owner"
    assert me["person_id"] == ensure_me(owner).id
    assert me["auth"] == "session"


# CSRF


@pytest.fixture
def csrf_client(owner: Any) -> Client:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    return strict


def test_session_post_without_csrf_is_rejected(csrf_client: Client, owner: Any) -> None:
    assert csrf_client.get("/api/people").status_code == 200
    for method, url, body in [
        ("post", "/api/people", {"name": "Dee"}),
        ("post", "/api/tokens", {"name": "sneaky"}),
        ("patch", f"/api/people/{ensure_me(owner).id}", {"notes": "x"}),
    ]:
        assert "CSRF" in assert_error(call(csrf_client, method, url, body), 403)["error"]
    assert not Person.objects.filter(name="Dee").exists()
    assert not ApiToken.objects.exists()


def test_session_post_with_csrf_token_succeeds(csrf_client: Client) -> None:
    # The docs page hands out the CSRF cookie, as Swagger UI needs it for "try it out".
    csrf_client.get("/api/docs")
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(
        "/api/people", {"name": "Dee"}, content_type=JSON, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201


def test_anonymous_unsafe_request_is_401_not_403() -> None:
    assert_error(Client(enforce_csrf_checks=True).post("/api/people", {}, content_type=JSON), 401)


def test_bearer_needs_no_csrf(world: World) -> None:
    strict = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {world.raw_token}")
    assert strict.post("/api/people", {"name": "Dee"}, content_type=JSON).status_code == 201


# One error shape


def test_error_shape_is_identical_for_every_status(
    owner_client: Client, owner: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    responses = {
        401: Client().get("/api/people"),
        404: owner_client.get("/api/people/999999"),
        405: owner_client.put("/api/people", "{}", content_type=JSON),
        409: owner_client.post(
            f"/api/people/{world.bob.id}/identities",
            {"channel": "email", "value": "ann.lee@example.org"},
            content_type=JSON,
        ),
        422: owner_client.post(
            "/api/interactions", {"kind": "dance", "people": [1]}, content_type=JSON
        ),
    }

    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret database detail")

    monkeypatch.setattr("goodwill.api.people.person_payload", explode)
    crashing = Client(raise_request_exception=False)
    crashing.force_login(owner)
    responses[500] = crashing.get(f"/api/people/{world.ann.id}")
    for status, response in responses.items():
        assert_error(response, status)
        assert response["Content-Type"].startswith(JSON)
    assert responses[500].json()["error"] == "internal error"
    assert b"secret" not in responses[500].content


def test_unknown_api_path_is_404_in_the_shape(owner_client: Client) -> None:
    assert_error(owner_client.get("/api/nowhere/at/all"), 404)
    assert_error(owner_client.get("/api/people/"), 404)
    assert "/api/docs" in assert_error(owner_client.get("/api/"), 404)["error"]


def test_malformed_json_is_400_in_the_shape(owner_client: Client) -> None:
    assert_error(owner_client.post("/api/people", "{nope", content_type=JSON), 400)


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/people", {}, "name"),
        ("/api/people", {"name": "X", "bogus": 1}, "bogus"),
        ("/api/people", {"name": "X", "identities": [{"channel": "fax", "value": "1"}]}, "channel"),
        ("/api/interactions", {"kind": "dance", "people": [1]}, "kind"),
        ("/api/interactions", {"kind": "call", "people": [1], "channel": "pigeon"}, "channel"),
        ("/api/interactions", {"kind": "call", "people": []}, "people"),
        ("/api/ties", {"a": 1, "b": 2, "kind": "nemesis"}, "kind"),
    ],
)
def test_invalid_input_is_422_naming_the_field(
    owner_client: Client, url: str, body: dict[str, Any], field: str
) -> None:
    body_out = assert_error(owner_client.post(url, body, content_type=JSON), 422)
    assert field in body_out["error"]


@pytest.mark.parametrize(
    "query", ["kind=dance", "channel=pigeon", "since=soon", "since=2024-02-01&until=2024-01-01"]
)
def test_bad_interaction_filters_are_422(owner_client: Client, query: str) -> None:
    assert_error(owner_client.get(f"/api/interactions?{query}"), 422)


def test_bad_values_from_services_are_422(owner_client: Client, world: World) -> None:
    bad_email = {"channel": "email", "value": "not-an-email"}
    url = f"/api/people/{world.ann.id}/identities"
    refused = assert_error(owner_client.post(url, bad_email, content_type=JSON), 422)
    assert "e-mail" in refused["error"]
    bad_when = {"kind": "call", "people": [world.ann.id], "when": "next tuesday"}
    assert_error(owner_client.post("/api/interactions", bad_when, content_type=JSON), 422)
    self_tie = {"a": world.ann.id, "b": world.ann.id}
    assert_error(owner_client.post("/api/ties", self_tie, content_type=JSON), 422)


# People


def test_create_person_normalises_identities_and_tags(owner_client: Client) -> None:
    body = {
        "name": "  Dee   Moss ",
        "organisation": "Press",
        "identities": [{"channel": "email", "value": "Dee@Example.ORG"}],
        "tags": ["Editors", "editors"],
    }
    created = owner_client.post("/api/people", body, content_type=JSON).json()
    assert created["name"] == "Dee Moss"
    assert created["identities"][0]["value"] == "dee@example.org"
    assert [t["name"] for t in created["tags"]] == ["editors"]
    assert Person.objects.get(id=created["id"]).edited_fields == ["name", "organisation"]


def test_create_person_with_a_taken_identity_is_409(owner_client: Client, world: World) -> None:
    taken = [{"channel": "email", "value": "ANN.LEE@example.org"}]
    body = {"name": "Imposter", "identities": taken}
    error = assert_error(owner_client.post("/api/people", body, content_type=JSON), 409)["error"]
    assert f"#{world.ann.id}" in error
    twice = {"name": "Dee", "identities": [{"channel": "x", "value": "@dee"}] * 2}
    assert_error(owner_client.post("/api/people", twice, content_type=JSON), 409)
    assert not Person.objects.filter(name__in=["Imposter", "Dee"]).exists()


def test_person_detail_has_the_documented_shape(owner_client: Client, world: World) -> None:
    person = owner_client.get(f"/api/people/{world.ann.id}").json()
    assert {"id", "name", "identities", "ties", "interactions"} <= set(person)
    assert person["ties"] == [
        {
            "id": world.bob.id,
            "name": "Bob Roy",
            "kind": "knows",
            "strength": None,
            "since": None,
            "sources": ["stated by you"],
            "direction": None,
        }
    ]
    assert person["interactions"][0]["subject"] == "catch-up"
    assert person["interactions"][0]["with"] == []


def test_search_people_by_query_and_tag(owner_client: Client, world: World) -> None:
    def names(query: str) -> list[str]:
        return [p["name"] for p in owner_client.get(f"/api/people?{query}").json()["items"]]

    assert names("q=acme") == ["Ann Lee"]
    assert names("q=annlee") == []
    assert names("q=ann.lee@example") == ["Ann Lee"]
    assert names("tag=books") == ["Ann Lee"]
    assert names("") == ["Ann Lee", "Bob Roy", "Cara Diaz"]
    everyone = owner_client.get("/api/people").json()
    assert everyone["items"][0]["last_contact"] is not None


def test_patch_edits_fields_and_remembers_them(owner_client: Client, world: World) -> None:
    assert sorted(world.ann.edited_fields) == ["name", "organisation"]
    url = f"/api/people/{world.ann.id}"
    changes = {"location": " Leeds ", "never_connector": True, "notes": "likes tea"}
    person = owner_client.patch(url, changes, content_type=JSON).json()
    assert person["location"] == "Leeds"
    assert person["organisation"] == "Acme"
    world.ann.refresh_from_db()
    assert world.ann.never_connector is True
    assert world.ann.edited_fields == [
        "location",
        "name",
        "never_connector",
        "notes",
        "organisation",
    ]


@pytest.mark.parametrize(
    "body", [{"name": "   "}, {"name": None}, {"organisation": None}, {"is_me": True}]
)
def test_patch_refuses_bad_edits(owner_client: Client, world: World, body: dict[str, Any]) -> None:
    assert_error(owner_client.patch(f"/api/people/{world.ann.id}", body, content_type=JSON), 422)
    world.ann.refresh_from_db()
    assert world.ann.name == "Ann Lee"
    assert not world.ann.is_me


def test_me_cannot_be_deleted(owner_client: Client, owner: Any) -> None:
    me = ensure_me(owner)
    error = assert_error(owner_client.delete(f"/api/people/{me.id}"), 409)["error"]
    assert "your own record" in error
    assert Person.objects.filter(id=me.id).exists()


def test_deleting_a_person_removes_them(owner_client: Client, world: World) -> None:
    assert owner_client.delete(f"/api/people/{world.ann.id}").status_code == 204
    assert_error(owner_client.get(f"/api/people/{world.ann.id}"), 404)
    assert not Tie.objects.filter(id=world.tie.id).exists()


# Identities


def test_identities_add_list_and_delete(owner_client: Client, world: World) -> None:
    url = f"/api/people/{world.ann.id}/identities"
    added = owner_client.post(
        url, {"channel": "x", "value": "@AnnLee", "label": "work"}, content_type=JSON
    ).json()
    assert added == {
        "id": added["id"],
        "person_id": world.ann.id,
        "channel": "x",
        "value": "annlee",
        "display": "@AnnLee",
        "label": "work",
    }
    listed = owner_client.get(url).json()
    assert listed["total"] == 2
    assert [i["channel"] for i in listed["items"]] == ["email", "x"]
    assert owner_client.delete(f"/api/identities/{added['id']}").status_code == 204
    assert owner_client.get(url).json()["total"] == 1


def test_duplicate_identity_is_409_naming_its_owner(owner_client: Client, world: World) -> None:
    body = {"channel": "x", "value": "https://x.com/BobRoy"}
    response = owner_client.post(f"/api/people/{world.cara.id}/identities", body, content_type=JSON)
    assert assert_error(response, 409)["error"] == f"x bobroy already belongs to #{world.bob.id}"


def test_same_identity_may_belong_to_two_users(
    other_client: Client, other_user: Any, world: World
) -> None:
    theirs = create_person(other_user, "Their Ann")
    body = {"channel": "email", "value": "ann.lee@example.org"}
    url = f"/api/people/{theirs.id}/identities"
    assert other_client.post(url, body, content_type=JSON).status_code == 201


# Ties


def test_ties_create_list_filter_and_delete(owner_client: Client, world: World) -> None:
    created = owner_client.post(
        "/api/ties", {"a": world.cara.id, "b": world.bob.id, "kind": "follow"}, content_type=JSON
    ).json()
    assert created["a"]["name"] == "Cara Diaz"
    assert created["directed"] is True
    assert created["sources"] == ["stated by you"]
    again = {"a": world.cara.id, "b": world.bob.id, "kind": "follow"}
    assert owner_client.post("/api/ties", again, content_type=JSON).json()["id"] == created["id"]
    assert owner_client.get("/api/ties").json()["total"] == 2
    follows = owner_client.get("/api/ties?kind=follow").json()
    assert [t["id"] for t in follows["items"]] == [created["id"]]
    of_ann = owner_client.get(f"/api/ties?person={world.ann.id}").json()
    assert [t["id"] for t in of_ann["items"]] == [world.tie.id]
    assert owner_client.delete(f"/api/ties/{created['id']}").status_code == 204
    assert owner_client.get("/api/ties").json()["total"] == 1


def test_person_ties_name_the_other_end_and_the_tie(
    owner: Any, owner_client: Client, world: World
) -> None:
    state_tie(owner, world.cara, world.ann, "follow")
    page = owner_client.get(f"/api/people/{world.ann.id}/ties").json()
    assert page["total"] == 2
    assert [(t["name"], t["tie_id"], t["direction"]) for t in page["items"]] == [
        ("Bob Roy", world.tie.id, None),
        ("Cara Diaz", Tie.objects.get(kind="follow").id, "in"),
    ]


# Interactions


def test_log_interaction_and_read_it_back(owner_client: Client, world: World) -> None:
    body = {
        "kind": "meeting",
        "people": [world.bob.id, world.ann.id, world.bob.id],
        "when": "2024-03-05",
        "direction": "out",
        "subject": "launch plan",
    }
    created = owner_client.post("/api/interactions", body, content_type=JSON).json()
    assert created["channel"] == "in_person"
    assert created["when"].startswith("2024-03-05")
    assert [p["id"] for p in created["with"]] == sorted([world.ann.id, world.bob.id])
    fetched = owner_client.get(f"/api/interactions/{created['id']}").json()
    assert fetched == created


def test_log_interaction_with_an_unknown_person_is_404(owner_client: Client, world: World) -> None:
    body = {"kind": "call", "people": [world.ann.id, 987654]}
    refused = assert_error(owner_client.post("/api/interactions", body, content_type=JSON), 404)
    assert refused["error"] == "no person #987654"
    assert Interaction.objects.count() == 1


def test_interaction_filters(owner: Any, owner_client: Client, world: World) -> None:
    when = dt.datetime(2024, 1, 10, 9, tzinfo=dt.UTC)
    old = log_interaction(owner, "email", [world.bob], when=when)
    log_interaction(owner, "message", [world.bob], channel="linkedin", when=when.replace(day=20))

    def ids(query: str) -> list[int]:
        return [i["id"] for i in owner_client.get(f"/api/interactions?{query}").json()["items"]]

    assert ids(f"person={world.ann.id}") == [world.call.id]
    assert ids("kind=email") == [old.id]
    assert len(ids("channel=linkedin")) == 1
    assert ids("since=2024-01-01&until=2024-01-10") == [old.id]
    assert len(ids("since=2024-01-11&until=2024-12-31")) == 1
    assert len(ids("until=2024-01-31")) == 2


# Pagination and query counts


@pytest.fixture
def crowd(owner: Any) -> list[Person]:
    people = [
        create_person(
            owner,
            f"Person {n:02d}",
            identities=[("email", f"p{n}@example.org"), ("x", f"@p{n}")],
            tags=["crowd", f"t{n % 3}"],
        )
        for n in range(35)
    ]
    for left, right in itertools.pairwise(people):
        state_tie(owner, left, right, "knows")
        state_tie(owner, people[0], right, "coworker")
        log_interaction(owner, "email", [left, right], subject="thread")
    for n in range(31):
        ApiToken.issue(owner, f"token {n}")
    return people


def test_pagination_envelope(owner_client: Client, crowd: list[Person]) -> None:
    first = owner_client.get("/api/people?page_size=10").json()
    assert set(first) == {"total", "items", "page", "page_size"}
    assert (first["total"], len(first["items"]), first["page"], first["page_size"]) == (
        35,
        10,
        1,
        10,
    )
    pages = [owner_client.get(f"/api/people?page_size=10&page={n}").json() for n in (1, 2, 3, 4)]
    names = [p["name"] for page in pages for p in page["items"]]
    assert names == sorted(p.name for p in crowd)
    assert len(pages[3]["items"]) == 5
    beyond = owner_client.get("/api/people?page_size=10&page=5").json()
    assert (beyond["total"], beyond["items"]) == (35, [])


def test_page_size_defaults_and_limits(owner_client: Client, crowd: list[Person]) -> None:
    assert owner_client.get("/api/interactions").json()["page_size"] == 50
    capped = owner_client.get("/api/interactions?page_size=100000").json()
    assert capped["page_size"] == 500
    assert len(capped["items"]) == capped["total"] == 34
    for query in ("page=0", "page_size=0", "page=-1", "page_size=many"):
        assert_error(owner_client.get(f"/api/people?{query}"), 422)


@pytest.mark.parametrize(
    ("path", "at_least", "max_queries"),
    [
        ("/api/people", 35, 6),
        ("/api/people?q=person&tag=crowd", 35, 6),
        ("/api/ties", 60, 5),
        ("/api/ties?kind=knows", 34, 5),
        ("/api/interactions", 34, 5),
        ("/api/tokens", 31, 4),
        ("PERSON/ties", 34, 6),
        ("PERSON/identities", 2, 5),
    ],
)
def test_lists_use_a_bounded_number_of_queries(
    owner_client: Client,
    crowd: list[Person],
    django_assert_max_num_queries: Any,
    path: str,
    at_least: int,
    max_queries: int,
) -> None:
    url = path.replace("PERSON", f"/api/people/{crowd[0].id}")
    url += ("&" if "?" in url else "?") + "page_size=500"
    # The session and its user are two of these; the rest is count, page and prefetches.
    with django_assert_max_num_queries(max_queries):
        page = owner_client.get(url).json()
    assert page["total"] >= at_least
    assert len(page["items"]) == page["total"]


# OpenAPI and docs


def test_openapi_lists_the_paths_and_auth_schemes(anon: Client) -> None:
    schema = anon.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "goodwill"
    assert schema["info"]["version"] == "1"
    assert "page_size" in schema["info"]["description"]
    for path in (
        "/api/people",
        "/api/people/{person_id}",
        "/api/people/{person_id}/identities",
        "/api/identities/{identity_id}",
        "/api/people/{person_id}/ties",
        "/api/ties",
        "/api/ties/{tie_id}",
        "/api/interactions",
        "/api/interactions/{interaction_id}",
        "/api/me",
        "/api/tokens",
        "/api/tokens/{token_id}",
    ):
        assert path in schema["paths"], path
    schemes = schema["components"]["securitySchemes"]
    assert schemes["BearerToken"]["scheme"] == "bearer"
    assert schemes["SessionCookie"]["in"] == "cookie"
    error = schema["paths"]["/api/people"]["get"]["responses"]["401"]
    assert error["content"][JSON]["schema"]["$ref"].endswith("/ErrorOut")


def test_docs_page_uses_only_local_assets(anon: Client) -> None:
    response = anon.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    assert all(a.startswith("/static/") for a in assets), assets
    for asset in assets:
        assert anon.get(asset).status_code == 200, asset
