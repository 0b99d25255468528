"""The graph payloads (goodwill.network.queries) on a small hand-made network and on the demo."""

from __future__ import annotations

import datetime as dt
import itertools

import networkx as nx
import pytest
from django.utils import timezone

from goodwill.activity.services import log_interaction
from goodwill.errors import NotFound, UsageError
from goodwill.network import interests, queries, snapshots
from goodwill.people.models import Person, Tie
from goodwill.people.services import create_person, ensure_me, set_tags, state_tie

pytestmark = pytest.mark.django_db
REF_KEYS = {"id", "name"}


@pytest.fixture(autouse=True)
def fresh_caches():
    snapshots.forget()
    interests.forget()
    yield
    snapshots.forget()
    interests.forget()


def tie(owner, a, b, kind="knows", strength=None):
    made = state_tie(owner, a, b, kind)
    if strength is not None:
        Tie.objects.filter(pk=made.pk).update(strength=strength)
    return made


@pytest.fixture
def small(owner):
    """me - Ann (0.9) - Cat (0.8) - Dan; me - Bob (0.5) - Cat (0.9); Eve blocked, tied to Cat.

    Ann offers proofreading and likes poetry; Bob needs proofreading and likes poetry; Dan
    works at Harbour Lane Press.
    """
    me = ensure_me(owner)
    Person.objects.filter(pk=me.pk).update(name="Me")
    me.refresh_from_db()
    people = {name: create_person(owner, name) for name in ("Ann", "Bob", "Cat", "Dan", "Eve")}
    Person.objects.filter(pk=people["Eve"].pk).update(blocked=True)
    Person.objects.filter(pk=people["Dan"].pk).update(organisation="Harbour Lane Press")
    people["me"] = me
    tie(owner, me, people["Ann"], "family", 0.9)
    tie(owner, me, people["Bob"], "connection", 0.5)
    tie(owner, people["Ann"], people["Cat"], "coworker", 0.8)
    tie(owner, people["Bob"], people["Cat"], "knows", 0.9)
    tie(owner, people["Cat"], people["Dan"], "knows", 0.6)
    tie(owner, people["Cat"], people["Eve"], "knows", 0.9)
    set_tags(people["Ann"], ["proofreading"], kind="offer")
    set_tags(people["Bob"], ["Proofreading"], kind="need")
    set_tags(people["Ann"], ["poetry"], kind="interest")
    set_tags(people["Bob"], ["poetry"], kind="interest")
    set_tags(people["Dan"], ["poetry"], kind="interest")
    set_tags(people["Dan"], ["writers"], kind="tag")
    set_tags(people["Eve"], ["poetry"], kind="interest")
    log_interaction(
        owner, "call", [people["Ann"]], when=timezone.make_aware(dt.datetime(2025, 6, 1))
    )
    return people


def names(refs):
    return [r["name"] for r in refs]


# -- mutuals ------------------------------------------------------------------------------------
def test_mutuals_of_me_and_cat(owner, small):
    p = queries.mutuals_payload(owner, None, "Cat")
    assert p["a"] == {"id": small["me"].id, "name": "Me", "count": 2}
    assert p["b"]["count"] == 4  # Ann, Bob, Dan, Eve
    assert p["shared"] == 2
    assert sorted(names(p["mutual"])) == ["Ann", "Bob"]
    assert p["only_a"] == 0
    assert p["only_b"] == 2
    assert p["jaccard"] == pytest.approx(2 / 4)
    assert p["overlap"] == pytest.approx(1.0)
    assert p["tied"] is False


def test_mutuals_leave_out_bulk_senders(owner, small):
    Person.objects.filter(pk=small["Bob"].pk).update(bulk=True)
    p = queries.mutuals_payload(owner, None, "Cat")
    assert names(p["mutual"]) == ["Ann"]
    assert p["a"]["count"] == 1
    assert p["b"]["count"] == 3


def test_mutuals_refuse_the_same_person_and_unknown_people(owner, other_user, small):
    with pytest.raises(UsageError):
        queries.mutuals_payload(owner, "Ann", "Ann")
    with pytest.raises(NotFound):
        queries.mutuals_payload(owner, None, "Nobody at all")
    theirs = create_person(other_user, "Their Cat")
    with pytest.raises(NotFound):
        queries.mutuals_payload(owner, None, f"#{theirs.id}")


# -- intro --------------------------------------------------------------------------------------
def test_intro_paths_through_different_first_contacts_with_evidence(owner, small):
    p = queries.intro_payload(owner, to="Dan")
    assert p["target"]["name"] == "Dan"
    assert p["need"] is None
    chains = [names(path["people"]) for path in p["paths"]]
    assert chains == [["Me", "Ann", "Cat", "Dan"], ["Me", "Bob", "Cat", "Dan"]]
    best = p["paths"][0]
    assert best["hops"] == 3
    assert best["strength"] == pytest.approx(0.9 * 0.8 * 0.6, abs=1e-3)
    assert [s["strength"] for s in best["steps"]] == pytest.approx([0.9, 0.8, 0.6], abs=1e-3)
    assert best["evidence"] == [["stated by you"]] * 3
    first = best["steps"][0]
    assert first["from"]["name"] == "Me"
    assert first["to"]["name"] == "Ann"
    assert first["last_contact"] == "2025-06-01"  # my last call with Ann
    # Between two others: the tie's own latest date (recorded today here).
    assert best["steps"][1]["last_contact"] == timezone.now().date().isoformat()
    assert p["paths"][1]["steps"][0]["last_contact"] is None  # never contacted Bob


def test_intro_skips_never_connectors_and_blocked_people(owner, small):
    Person.objects.filter(pk=small["Ann"].pk).update(never_connector=True)
    p = queries.intro_payload(owner, to="Dan")
    assert [names(path["people"]) for path in p["paths"]] == [["Me", "Bob", "Cat", "Dan"]]
    # As an edit does: a saved change moves updated_at, so the snapshot is rebuilt.
    Person.objects.filter(pk=small["Cat"].pk).update(blocked=True, updated_at=timezone.now())
    assert queries.intro_payload(owner, to="Dan")["paths"] == []


def test_intro_respects_the_hop_limit_and_orders_by_hops(owner, small):
    assert queries.intro_payload(owner, to="Dan", max_hops=2)["paths"] == []
    tie(owner, small["me"], small["Dan"], "connection", 0.1)
    by_strength = queries.intro_payload(owner, to="Dan")["paths"]
    by_hops = queries.intro_payload(owner, to="Dan", by="hops")["paths"]
    assert by_strength[-1]["hops"] == 1
    assert by_hops[0]["hops"] == 1
    assert by_hops[0]["evidence"] == [["stated by you"]]


def test_intro_to_anyone_matching_a_need(owner, small):
    p = queries.intro_payload(owner, need="someone at Harbour Lane Press")
    assert p["target"] is None
    assert p["matches"] == 1
    # One path per matching person: the strongest, here through Ann.
    assert [names(path["people"]) for path in p["paths"]] == [["Me", "Ann", "Cat", "Dan"]]
    offers = queries.intro_payload(owner, need="proofreading", source="Cat")
    # Ann offers it; Bob only needs it, which is no match.
    assert offers["matches"] == 1
    assert [names(path["people"]) for path in offers["paths"]] == [["Cat", "Ann"]]
    assert queries.intro_payload(owner, need="astronaut")["paths"] == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "name a person"),
        ({"to": "Dan", "k": 0}, "k must be"),
        ({"to": "Dan", "max_hops": 9}, "max_hops must be"),
        ({"to": "Dan", "by": "fame"}, "by must be"),
        ({"to": "me"}, "same person"),
    ],
)
def test_intro_usage_errors(owner, small, kwargs, message):
    with pytest.raises(UsageError, match=message):
        queries.intro_payload(owner, **kwargs)


# -- reach and sharers --------------------------------------------------------------------------
def test_reach_counts_unique_audience_and_what_each_sharer_adds(owner, small):
    p = queries.reach_payload(owner, ["Ann", "Bob"])
    # Within 1 hop of Ann or Bob (sharers not counted): me, Cat. Within 2: also Dan (Eve is
    # blocked, never audience).
    assert p["reach"] == {"1": 2, "2": 3}
    assert [(s["name"], s["adds"]) for s in p["sharers"]] == [("Ann", 3), ("Bob", 0)]
    assert p["expected_low"] <= p["expected"] <= p["expected_high"]
    assert 0 <= p["expected"] <= 3
    with pytest.raises(UsageError):
        queries.reach_payload(owner, [])
    with pytest.raises(UsageError):
        queries.reach_payload(owner, ["Ann"], max_hops=0)


def test_sharers_are_my_friends(owner, small):
    p = queries.sharers_payload(owner, k=2)
    assert sorted(names(p["sharers"])) == ["Ann", "Bob"]
    assert p["expected_low"] <= p["expected_reach"] <= p["expected_high"]
    with pytest.raises(UsageError):
        queries.sharers_payload(owner, k=0)


# -- suggest and introduce ----------------------------------------------------------------------
def test_suggest_friends_of_friends_and_shared_interests_never_blocked(owner, small):
    p = queries.suggest_payload(owner, for_who="Ann")
    assert p["for"]["name"] == "Ann"
    by_name = {s["name"]: s for s in p["suggestions"]}
    # Ann knows me and Cat; Bob (2 mutual friends, both like poetry) and Dan (via Cat); Eve
    # is blocked.
    assert set(by_name) == {"Bob", "Dan"}
    bob = by_name["Bob"]
    # Strongest chain first: Ann-Cat-Bob is 0.8 * 0.9, Ann-me-Bob 0.9 * 0.5.
    assert bob["mutual_count"] == 2
    assert names(bob["mutuals"]) == ["Cat", "Me"]
    assert bob["shared_interests"] == ["poetry"]
    assert bob["reasons"] == ["2 mutual friends including Cat and Me", "both interested in poetry"]
    dan = by_name["Dan"]
    assert dan["reasons"] == ["1 mutual friend including Cat", "both interested in poetry"]
    assert p["suggestions"][0]["score"] >= p["suggestions"][-1]["score"]


def test_suggest_for_me_excludes_people_i_know(owner, small):
    p = queries.suggest_payload(owner)
    # Ann and Bob are known already, Eve is blocked, Dan shares nothing with me.
    assert names(p["suggestions"]) == ["Cat"]
    cat = p["suggestions"][0]
    assert cat["reasons"][0] == "2 mutual friends including Ann and Bob"


def test_suggest_stops_after_two_unanswered_overtures(owner, small):
    from goodwill.activity.services import record_overture

    for day in (1, 20):
        when = timezone.make_aware(dt.datetime(2025, 7, day))
        record_overture(owner, small["Cat"], channel="email", when=when)
    assert queries.suggest_payload(owner)["suggestions"] == []
    # Suggestions for someone else still see Cat's ties; only Cat is never offered to me.
    assert "Bob" in names(queries.suggest_payload(owner, for_who="Ann")["suggestions"])


def test_introduce_pairs_an_offer_with_a_need(owner, small):
    p = queries.introduce_payload(owner)
    assert len(p["pairs"]) == 1
    pair = p["pairs"][0]
    assert {pair["a"]["name"], pair["b"]["name"]} == {"Ann", "Bob"}
    assert "Ann offers proofreading, which Bob needs" in pair["reasons"]
    assert "both interested in poetry" in pair["reasons"]
    assert p["brokerage"]["degree"] == 2
    assert p["brokerage"]["effective_size"] == pytest.approx(2.0)
    tie(owner, small["Ann"], small["Bob"])
    assert queries.introduce_payload(owner)["pairs"] == []


# -- the map ------------------------------------------------------------------------------------
def test_map_places_everyone_but_bulk(owner, small):
    Person.objects.filter(pk=small["Eve"].pk).update(bulk=True)
    p = queries.map_payload(owner)
    assert p["total_nodes"] == 5 == len(p["nodes"])
    assert "Eve" not in names(p["nodes"])
    assert [n["name"] for n in p["nodes"] if n["is_me"]] == ["Me"]
    index = {n["name"]: i for i, n in enumerate(p["nodes"])}
    pairs = {frozenset((i, j)) for i, j, _ in p["edges"]}
    assert frozenset((index["Ann"], index["Cat"])) in pairs
    assert len(p["edges"]) == 5
    assert sum(c["size"] for c in p["communities"]) == 5
    assert {n["community"] for n in p["nodes"]} == {c["id"] for c in p["communities"]}
    ann = p["nodes"][index["Ann"]]
    assert ann["strength"] == pytest.approx(0.9, abs=1e-3)
    assert ann["degree"] == 2


# -- the demo: payloads against NetworkX on the same ties ---------------------------------------
@pytest.fixture(scope="module")
def demo_graph(demo_owner, django_db_blocker):
    with django_db_blocker.unblock():
        g = nx.Graph()
        g.add_nodes_from(Person.objects.filter(owner=demo_owner).values_list("id", flat=True))
        g.add_edges_from(Tie.objects.filter(owner=demo_owner).values_list("a_id", "b_id"))
        me = Person.objects.get(owner=demo_owner, is_me=True).id
    return g, me


def test_demo_mutuals_and_suggestions_match_networkx(demo_owner, demo_graph):
    g, me = demo_graph
    friends = sorted(g[me])
    for friend in friends[:: max(1, len(friends) // 5)]:
        p = queries.mutuals_payload(demo_owner, None, f"#{friend}")
        common = set(g[me]) & set(g[friend])
        assert {m["id"] for m in p["mutual"]} == common
        assert p["a"]["count"] == len(set(g[me]) - {friend})
    for s in queries.suggest_payload(demo_owner, k=10)["suggestions"]:
        assert s["id"] not in g[me]
        assert s["id"] != me
        assert s["mutual_count"] == len(set(g[me]) & set(g[s["id"]]))


def test_demo_reach_matches_networkx(demo_owner, demo_graph):
    g, me = demo_graph
    sharers = sorted(g[me])[:3]
    p = queries.reach_payload(demo_owner, [f"#{x}" for x in sharers])
    near = set().union(*(g[x] for x in sharers)) - set(sharers)
    within_two = set(near).union(*(g[x] for x in near)) - set(sharers)
    assert p["reach"] == {"1": len(near), "2": len(within_two)}
    assert sum(s["adds"] for s in p["sharers"]) == len(within_two)


def test_demo_intro_paths_are_real_chains(demo_owner, demo_graph, django_assert_max_num_queries):
    g, me = demo_graph
    target = max(
        (x for x in g if x != me and x not in g[me] and nx.has_path(g, me, x)),
        key=lambda x: (nx.shortest_path_length(g, me, x), -x),
    )
    queries.intro_payload(demo_owner, to=f"#{target}")  # warm the snapshot
    with django_assert_max_num_queries(10):
        p = queries.intro_payload(demo_owner, to=f"#{target}", k=5)
    assert p["paths"], "the demo is connected"
    assert p["paths"][0]["hops"] >= nx.shortest_path_length(g, me, target)
    firsts = [path["people"][1]["id"] for path in p["paths"]]
    assert len(set(firsts)) == len(firsts)
    for path in p["paths"]:
        ids = [r["id"] for r in path["people"]]
        assert ids[0] == me
        assert ids[-1] == target
        assert all(g.has_edge(u, v) for u, v in itertools.pairwise(ids))
        assert all(step["evidence"] for step in path["steps"])
    strengths = [path["strength"] for path in p["paths"]]
    assert strengths == sorted(strengths, reverse=True)


def test_demo_sharers_introduce_and_map(demo_owner, demo_graph, django_assert_max_num_queries):
    g, me = demo_graph
    sharers = queries.sharers_payload(demo_owner, k=3)
    assert len(sharers["sharers"]) == 3
    assert all(s["id"] in g[me] for s in sharers["sharers"])
    pairs = queries.introduce_payload(demo_owner, k=10)["pairs"]
    assert pairs
    for pair in pairs:
        a, b = pair["a"]["id"], pair["b"]["id"]
        assert a in g[me]
        assert b in g[me]
        assert not g.has_edge(a, b)
        assert pair["reasons"]
    queries.map_payload(demo_owner)
    with django_assert_max_num_queries(6):
        p = queries.map_payload(demo_owner)
    assert p["total_nodes"] == g.number_of_nodes()
    assert len(p["nodes"]) == min(g.number_of_nodes(), 2500)
    assert all(0 <= i < len(p["nodes"]) and 0 <= j < len(p["nodes"]) for i, j, _ in p["edges"])
    assert len(p["communities"]) > 1
