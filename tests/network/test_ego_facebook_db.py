"""Oracle: SNAP ego-Facebook imported through the real import path, queried through the payloads,
checked against NetworkX computed from the same file.

The file is the whole combined graph (4,039 people, 88,234 ties), imported with `run_import`
as a user would (about 7 s). Every tie is an
imported "knows" tie, so every strength is the same prior: the strongest chain is a shortest
one, and tie-weighted Adamic-Adar is the plain index times the square of that strength.
"""

from __future__ import annotations

import random

import networkx as nx
import pytest

from goodwill.network import interests, queries, snapshots
from goodwill.people.models import Person
from tests.conftest import shared_data

pytestmark = [pytest.mark.django_db, pytest.mark.shared_data]
SAMPLE = 6


@pytest.fixture(scope="module")
def facebook(django_db_setup, django_db_blocker):
    path = shared_data("snap-ego-facebook", "facebook_combined.txt")
    from django.contrib.auth import get_user_model

    from goodwill.imports.service import run_import

    graph = nx.read_edgelist(path, nodetype=str)
    with django_db_blocker.unblock():
        user = get_user_model().objects.create_user("facebook", "fb@example.org", "pw-fb-12345")
        run_import(user, [path], format="edgelist")
        ids = dict(Person.objects.filter(owner=user, is_me=False).values_list("name", "id"))
    yield user, graph, ids
    with django_db_blocker.unblock():
        user.delete()
    snapshots.forget(user.pk)
    interests.forget()


@pytest.fixture(scope="module")
def sample(facebook):
    _, graph, _ = facebook
    rng = random.Random(4039)
    return rng.sample(sorted(graph.nodes, key=int), SAMPLE * 2)


def ref(ids, label):
    return f"#{ids[label]}"


def test_every_person_and_tie_arrived(facebook):
    user, graph, ids = facebook
    s = snapshots.snapshot_for(user)
    assert len(ids) == graph.number_of_nodes() == 4039
    assert s.m == graph.number_of_edges() == 88234


def test_mutual_counts_match(facebook, sample):
    user, graph, ids = facebook
    hub = max(graph, key=lambda x: (graph.degree(x), x))  # skewed against everyone
    for u, v in [*zip(sample[::2], sample[1::2], strict=True), (hub, sample[0])]:
        p = queries.mutuals_payload(user, ref(ids, u), ref(ids, v))
        common = set(nx.common_neighbors(graph, u, v))
        assert p["shared"] == len(common), (u, v)
        assert {m["id"] for m in p["mutual"]} == {ids[z] for z in common}
        assert p["a"]["count"] == graph.degree(u) - graph.has_edge(u, v)
        assert p["jaccard"] == pytest.approx(
            len(common) / len((set(graph[u]) | set(graph[v])) - {u, v}), abs=1e-4
        )


def test_shortest_hops_match(facebook, sample):
    user, graph, ids = facebook
    for u, v in zip(sample[::2], sample[1::2], strict=True):
        expected = [nx.shortest_path_length(graph, u, v)] if nx.has_path(graph, u, v) else []
        p = queries.intro_payload(user, to=ref(ids, v), source=ref(ids, u), k=1, max_hops=6)
        assert [path["hops"] for path in p["paths"]] == expected, (u, v)
        hops = queries.intro_payload(
            user, to=ref(ids, v), source=ref(ids, u), by="hops", max_hops=6
        )
        assert [path["hops"] for path in hops["paths"]][:1] == expected


def test_two_hop_reach_matches(facebook, sample):
    user, graph, ids = facebook
    for u in sample[:SAMPLE]:
        p = queries.reach_payload(user, [ref(ids, u)])
        within = nx.single_source_shortest_path_length(graph, u, cutoff=2)
        assert p["reach"] == {
            "1": graph.degree(u),
            "2": len(within) - 1,
        }, u


def test_suggestion_scores_are_adamic_adar(facebook, sample):
    user, graph, ids = facebook
    label_of = {person_id: label for label, person_id in ids.items()}
    s = snapshots.snapshot_for(user)
    strength = float(s.weights[0])  # one prior for every tie
    for u in sample[:3]:
        found = queries.suggest_payload(user, for_who=ref(ids, u), k=10)["suggestions"]
        candidates = {v for z in graph[u] for v in graph[z]} - set(graph[u]) - {u}
        oracle = {
            b: score for _, b, score in nx.adamic_adar_index(graph, [(u, v) for v in candidates])
        }
        best = sorted(oracle.values(), reverse=True)[: len(found)]
        for row in found:
            label = label_of[row["id"]]
            assert row["adamic_adar"] == pytest.approx(oracle[label] * strength**2, rel=1e-4)
            assert row["mutual_count"] == len(set(nx.common_neighbors(graph, u, label)))
        assert [row["adamic_adar"] / strength**2 for row in found] == pytest.approx(best, rel=1e-4)
