"""The graph API endpoints: the CLI's documents over HTTP, private to their owner."""

from __future__ import annotations

import pytest

from goodwill.network import interests, snapshots
from goodwill.people.models import Person
from goodwill.people.services import create_person, ensure_me, state_tie

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_caches():
    snapshots.forget()
    interests.forget()
    yield
    snapshots.forget()
    interests.forget()


@pytest.fixture
def trio(owner):
    """me - Ann - Cat, me - Bob - Cat; Ann and Bob both like chess."""
    me = ensure_me(owner)
    ann, bob, cat = (create_person(owner, n) for n in ("Ann", "Bob", "Cat"))
    for a, b in ((me, ann), (me, bob), (ann, cat), (bob, cat)):
        state_tie(owner, a, b)
    from goodwill.people.services import set_tags

    set_tags(ann, ["chess"], kind="interest")
    set_tags(bob, ["chess"], kind="interest")
    return {"me": me, "Ann": ann, "Bob": bob, "Cat": cat}


ENDPOINTS = [
    "/api/mutuals?b=Cat",
    "/api/intro?to=Cat",
    "/api/reach?who=Ann&who=Bob",
    "/api/sharers?k=1",
    "/api/suggest",
    "/api/introduce",
    "/api/map",
]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_callers_get_401(client, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response.json()["ok"] is False


def test_owner_gets_every_document(owner_client, trio):
    mutuals = owner_client.get("/api/mutuals", {"b": "Cat"}).json()
    assert mutuals["shared"] == 2
    assert {m["name"] for m in mutuals["mutual"]} == {"Ann", "Bob"}
    intro = owner_client.get("/api/intro", {"to": trio["Cat"].id, "k": 5}).json()
    assert [[p["name"] for p in path["people"]][1] for path in intro["paths"]] == ["Ann", "Bob"]
    assert intro["paths"][0]["steps"][0]["evidence"] == ["stated by you"]
    source = owner_client.get("/api/intro", {"to": "Cat", "from": "Ann"}).json()
    assert source["from"]["name"] == "Ann"
    assert source["paths"][0]["hops"] == 1
    reach = owner_client.get("/api/reach?who=Ann&who=Bob").json()
    assert reach["reach"] == {"1": 2, "2": 2}
    assert [s["name"] for s in owner_client.get("/api/sharers?k=1").json()["sharers"]] in (
        ["Ann"],
        ["Bob"],
    )
    suggest = owner_client.get("/api/suggest").json()
    assert [s["name"] for s in suggest["suggestions"]] == ["Cat"]
    for_ann = owner_client.get("/api/suggest", {"for": "Ann", "k": 3}).json()
    assert for_ann["for"]["name"] == "Ann"
    assert [s["name"] for s in for_ann["suggestions"]] == ["Bob"]
    introduce = owner_client.get("/api/introduce").json()
    pair = introduce["pairs"][0]
    assert {pair["a"]["name"], pair["b"]["name"]} == {"Ann", "Bob"}
    assert "both interested in chess" in pair["reasons"]
    network_map = owner_client.get("/api/map").json()
    assert network_map["total_nodes"] == 4
    assert len(network_map["edges"]) == 4


def test_another_users_people_are_not_found(other_client, trio):
    cat = trio["Cat"].id
    for url in (f"/api/mutuals?b={cat}", f"/api/intro?to={cat}", f"/api/reach?who={cat}",
                f"/api/suggest?for={cat}"):  # fmt: skip
        response = other_client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"ok": False, "error": f"no person #{cat}", "status": 404}
    # Their own network is empty apart from them: nothing of the owner's shows.
    assert other_client.get("/api/map").json()["total_nodes"] == 1
    assert other_client.get("/api/suggest").json()["suggestions"] == []


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("/api/intro", "name a person to reach, or describe a need"),
        ("/api/intro?to=Cat&k=0", "k must be between 1 and 100"),
        ("/api/intro?to=Cat&max_hops=12", "max_hops must be between 1 and 6"),
        ("/api/sharers?k=99", "k must be between 1 and 25"),
        ("/api/reach?who=Ann&max_hops=5", "max_hops must be between 1 and 3"),
        ("/api/mutuals", "b"),
        ("/api/intro?to=Cat&k=many", "k"),
    ],
)
def test_bad_requests_answer_422(owner_client, trio, url, fragment):
    response = owner_client.get(url)
    assert response.status_code == 422
    body = response.json()
    assert body["ok"] is False
    assert body["status"] == 422
    assert fragment in body["error"]


def test_an_ambiguous_name_answers_409(owner_client, owner, trio):
    create_person(owner, "Cat Two")
    assert owner_client.get("/api/mutuals?b=Ca").status_code == 409
    assert Person.objects.filter(owner=owner, name__startswith="Cat").count() == 2
