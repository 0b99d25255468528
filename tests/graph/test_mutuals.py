"""Mutual connections agree with NetworkX on random graphs and on SNAP ego-Facebook."""

from __future__ import annotations

import doctest

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.graph import mutuals as mutuals_module
from goodwill.graph.mutuals import mutual_count, mutuals, only_a, only_b
from goodwill.graph.snapshot import Snapshot, from_edges
from tests.conftest import shared_data


def test_doctest():
    assert doctest.testmod(mutuals_module).failed == 0


def snapshot_and_nx(n: int, pairs: list[tuple[int, int]]) -> tuple[Snapshot, nx.Graph]:
    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    s = from_edges(np.arange(n), a, b, np.ones(len(pairs), np.float32))
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from((x, y) for x, y in pairs if x != y)
    return s, g


def assert_agrees(s: Snapshot, g: nx.Graph, a: int, b: int) -> None:
    o = mutuals(s, a, b)
    set_a = set(g[a]) - {b}
    set_b = set(g[b]) - {a}
    common = sorted(nx.common_neighbors(g, a, b)) if a != b else sorted(set_a)
    assert o.mutual.tolist() == common
    assert o.shared == len(common) == mutual_count(s, a, b)
    assert (o.a_count, o.b_count) == (len(set_a), len(set_b))
    assert (o.only_a, o.only_b) == (len(set_a - set_b), len(set_b - set_a))
    assert only_a(s, a, b).tolist() == sorted(set_a - set_b)
    assert only_b(s, a, b).tolist() == sorted(set_b - set_a)
    smaller = min(len(set_a), len(set_b))
    assert o.overlap == pytest.approx(len(common) / smaller if smaller else 0.0)
    # NetworkX counts a and b in each other's sets when they are tied: compare without the tie.
    h = g
    if g.has_edge(a, b):
        h = g.copy()
        h.remove_edge(a, b)
    if a != b and (set_a or set_b):
        ((_, _, expected),) = nx.jaccard_coefficient(h, [(a, b)])
        assert o.jaccard == pytest.approx(expected)
    elif a != b:
        assert o.jaccard == 0.0


@st.composite
def graphs_and_pairs(draw: st.DrawFn) -> tuple[int, list[tuple[int, int]], list[tuple[int, int]]]:
    n = draw(st.integers(2, 40))
    node = st.integers(0, n - 1)
    edges = draw(st.lists(st.tuples(node, node), max_size=150))
    queries = draw(st.lists(st.tuples(node, node), min_size=1, max_size=8))
    return n, edges, queries


@settings(max_examples=120, deadline=None)
@given(graphs_and_pairs())
def test_random_graphs_agree_with_networkx(case):
    n, edges, queries = case
    s, g = snapshot_and_nx(n, edges)
    for a, b in queries:
        assert_agrees(s, g, a, b)


def test_skewed_degrees_use_the_galloping_path():
    # A hub tied to everyone against people with a handful of ties: both code paths agree.
    n = 2000
    hub_edges = [(0, i) for i in range(1, n)]
    rng = np.random.default_rng(3)
    small = [(int(x), int(y)) for x, y in rng.integers(1, n, size=(3000, 2))]
    s, g = snapshot_and_nx(n, hub_edges + small)
    for b in rng.integers(1, n, size=30).tolist():
        assert_agrees(s, g, 0, int(b))
        assert_agrees(s, g, int(b), 0)


def test_tied_pair_and_same_person():
    s, _ = snapshot_and_nx(4, [(0, 1), (0, 2), (1, 2), (2, 3)])
    o = mutuals(s, 0, 1)
    assert (o.a_count, o.b_count, o.shared, o.only_a, o.only_b) == (1, 1, 1, 0, 0)
    assert o.jaccard == 1.0
    assert mutuals(s, 2, 2).shared == 3


def test_isolated_people_have_empty_overlap():
    s, _ = snapshot_and_nx(3, [(0, 1)])
    o = mutuals(s, 2, 0)
    assert (o.shared, o.jaccard, o.overlap, o.only_a, o.only_b) == (0, 0.0, 0.0, 0, 1)


def test_unknown_node_is_an_error():
    s, _ = snapshot_and_nx(3, [(0, 1)])
    with pytest.raises(IndexError):
        mutuals(s, 0, 3)
    with pytest.raises(IndexError):
        only_a(s, -1, 0)


def load_facebook() -> tuple[Snapshot, nx.Graph]:
    path = shared_data("snap-ego-facebook", "facebook_combined.txt")
    pairs = np.loadtxt(path, dtype=np.int64).reshape(-1, 2)
    n = int(pairs.max()) + 1
    s = from_edges(np.arange(n), pairs[:, 0], pairs[:, 1], np.ones(len(pairs), np.float32))
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(pairs.tolist())
    return s, g


@pytest.mark.shared_data
def test_ego_facebook_sample_agrees_with_networkx():
    s, g = load_facebook()
    assert (s.n, s.m) == (4039, 88234)
    rng = np.random.default_rng(11)
    hubs = np.argsort(-s.degrees())[:40]
    sources = np.concatenate([rng.choice(hubs, 15), rng.integers(0, s.n, 35)])
    neighbours = [int(rng.choice(s.neighbours(int(a)))) for a in sources[:10]]
    targets = np.concatenate([neighbours, rng.integers(0, s.n, 40)])
    for a, b in zip(sources.tolist(), targets.tolist(), strict=True):
        assert_agrees(s, g, a, b)
