"""Brokering: Burt's measures equal NetworkX's; introductions equal a brute-force oracle."""

from __future__ import annotations

import doctest
import itertools
import math

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.graph import broker as broker_module
from goodwill.graph.broker import brokerage, introductions
from goodwill.graph.snapshot import BLOCKED, BULK, Snapshot, from_edges
from tests.conftest import shared_data

EGOS = (0, 107, 348, 414, 686, 698, 1684, 1912, 3437, 3980)


def test_doctest():
    assert doctest.testmod(broker_module).failed == 0


def to_nx(s: Snapshot) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(range(s.n))
    for u in range(s.n):
        for v, w in zip(s.neighbours(u).tolist(), s.strengths(u).tolist(), strict=True):
            if u < v:
                g.add_edge(u, v, weight=w)
    return g


def same(mine: float, theirs: float) -> bool:
    if math.isnan(theirs):
        return math.isnan(mine)
    return mine == pytest.approx(theirs, rel=1e-6, abs=1e-9)


# -- brokerage against NetworkX ------------------------------------------------------------------
graphs = st.lists(
    st.tuples(st.integers(0, 19), st.integers(0, 19), st.floats(0.05, 1.0)), max_size=80
)


@settings(max_examples=50, deadline=None)
@given(graphs)
def test_brokerage_equals_networkx_on_random_graphs(edge_list):
    a = [u for u, _, _ in edge_list]
    b = [v for _, v, _ in edge_list]
    w = np.array([x for _, _, x in edge_list], dtype=np.float32)
    s = from_edges(range(20), a, b, w)
    g = to_nx(s)
    nodes = list(range(20))
    es_plain = nx.effective_size(g, nodes)
    es_weighted = nx.effective_size(g, nodes, weight="weight")
    c_plain = nx.constraint(g, nodes)
    c_weighted = nx.constraint(g, nodes, weight="weight")
    for node in nodes:
        plain = brokerage(s, node, weighted=False)
        weighted = brokerage(s, node)
        assert same(plain.effective_size, es_plain[node])
        assert same(weighted.effective_size, es_weighted[node])
        assert same(plain.constraint, c_plain[node])
        assert same(weighted.constraint, c_weighted[node])
        degree = g.degree(node)
        if degree:
            assert weighted.efficiency == pytest.approx(weighted.effective_size / degree)
        else:
            assert math.isnan(weighted.efficiency)


def test_brokerage_equals_networkx_on_ego_facebook_egos():
    path = shared_data("snap-ego-facebook", "facebook_combined.txt")
    pairs = np.loadtxt(path, dtype=np.int64).reshape(-1, 2)
    w = np.random.default_rng(5).uniform(0.05, 1.0, pairs.shape[0]).astype(np.float32)
    s = from_edges(np.arange(4039), pairs[:, 0], pairs[:, 1], w)
    g = to_nx(s)
    # NetworkX's all-nodes path (sparse matrices) is fast; its per-node path is cubic in the
    # degree. The all-nodes path of the *weighted* effective size divides by the wrong row
    # maximum (networkx/networkx#8906), so that one is checked per node, on the small egos.
    es_plain = nx.effective_size(g)
    c_weighted = nx.constraint(g, weight="weight")
    c_plain = nx.constraint(g)
    for ego in EGOS:
        mine = brokerage(s, ego)
        plain = brokerage(s, ego, weighted=False)
        assert same(mine.constraint, c_weighted[ego])
        assert same(plain.constraint, c_plain[ego])
        assert same(plain.effective_size, es_plain[ego])
    es_weighted = nx.effective_size(g, [698, 3980], weight="weight")
    for ego, value in es_weighted.items():
        assert same(brokerage(s, ego).effective_size, value)


def test_brokerage_of_a_star_and_a_clique():
    star = from_edges(range(5), [0, 0, 0, 0], [1, 2, 3, 4], np.ones(4, np.float32))
    b = brokerage(star, 0)
    assert (b.effective_size, b.efficiency, b.constraint) == pytest.approx((4.0, 1.0, 0.25))
    pairs = list(itertools.combinations(range(4), 2))
    clique = from_edges(range(4), *zip(*pairs, strict=True), np.ones(6, np.float32))
    b = brokerage(clique, 0)
    assert b.effective_size == pytest.approx(1.0)  # 3 - 2*3/3
    assert b.constraint > 0.9
    with pytest.raises(IndexError):
        brokerage(star, 5)


# -- introductions -------------------------------------------------------------------------------
def brute_force(
    s: Snapshot,
    ego: int,
    x: np.ndarray | None,
    offers: np.ndarray | None,
    needs: np.ndarray | None,
    labels: np.ndarray,
    k: int,
) -> list[tuple[float, int, int]]:
    contacts = [c for c in s.neighbours(ego).tolist() if not s.flags[c] & (BLOCKED | BULK)]
    out = []
    for a, b in itertools.combinations(sorted(contacts), 2):
        if b in s.neighbours(a).tolist():
            continue
        cosine = 0.0
        if x is not None:
            na, nb = np.linalg.norm(x[a]), np.linalg.norm(x[b])
            cosine = float(x[a] @ x[b] / (na * nb)) if na and nb else 0.0
        match = 0.0
        if offers is not None and needs is not None:
            match = float(offers[a] @ needs[b] + offers[b] @ needs[a])
        if cosine <= 0 and match <= 0:
            continue
        score = cosine + 2.0 * match + (0.25 if labels[a] != labels[b] else 0.0)
        out.append((score, a, b))
    out.sort(key=lambda t: (-t[0], t[1], t[2]))
    return out[:k]


@settings(max_examples=40, deadline=None)
@given(
    graphs,
    st.integers(0, 19),
    st.integers(0, 2**31 - 1),
    st.integers(1, 25),
    st.booleans(),
)
def test_introductions_equal_brute_force(edge_list, ego, seed, k, market):
    a = [u for u, _, _ in edge_list]
    b = [v for _, v, _ in edge_list]
    w = np.array([x for _, _, x in edge_list], dtype=np.float32)
    rng = np.random.default_rng(seed)
    flags = {int(v): BLOCKED for v in rng.choice(20, 2, replace=False)}
    s = from_edges(range(20), a, b, w, flags=flags)
    x = (rng.random((20, 6)) < 0.3) * rng.integers(1, 4, (20, 6)).astype(np.float64)
    offers = (rng.random((20, 4)) < 0.2).astype(np.float64) if market else None
    needs = (rng.random((20, 4)) < 0.2).astype(np.float64) if market else None
    labels = rng.integers(0, 3, 20)
    mine = introductions(
        s, ego, interests=sp.csr_matrix(x), offers=offers, needs=needs, k=k, labels=labels
    )
    everything = brute_force(s, ego, x, offers, needs, labels, 10**6)
    score_of = {(a, b): score for score, a, b in everything}
    assert len(mine) == min(k, len(everything))
    assert [i.score for i in mine] == pytest.approx([t[0] for t in everything[:k]], rel=1e-9)
    for i in mine:
        assert i.score == pytest.approx(score_of[(i.a, i.b)], rel=1e-9)
    keys = [(-i.score, i.a, i.b) for i in mine]
    assert keys == sorted(keys)
    for i in mine:
        assert i.a < i.b
        assert i.b not in s.neighbours(i.a).tolist()
        assert not (s.flags[[i.a, i.b]] & BLOCKED).any()
        assert i.bridge == (labels[i.a] != labels[i.b])
        assert i.score == pytest.approx(i.interest + 2 * i.match + 0.25 * i.bridge)


def test_a_need_offer_match_beats_a_shared_interest_and_reasons_say_why():
    # ego 0 knows 1..4; nobody among 1..4 is tied.
    s = from_edges(range(5), [0, 0, 0, 0], [1, 2, 3, 4], np.ones(4, np.float32))
    interests = sp.csr_matrix(np.array([[0, 0], [1, 0], [1, 0], [0, 1], [0, 0]], np.float64))
    offers = np.zeros((5, 3))
    needs = np.zeros((5, 3))
    offers[3, 2] = 1  # 3 proofreads
    needs[4, 2] = 1  # 4 needs a proofreader
    labels = np.zeros(5, np.int64)
    found = introductions(s, 0, interests=interests, offers=offers, needs=needs, labels=labels)
    assert [(i.a, i.b) for i in found] == [(3, 4), (1, 2)]
    match, shared = found
    assert match.a_offers_b_needs == (2,)
    assert match.b_offers_a_needs == ()
    assert (match.match, match.interest) == (1.0, 0.0)
    assert shared.shared_interests == (0,)
    assert shared.interest == pytest.approx(1.0)
    assert not shared.bridge


def test_the_bridge_bonus_prefers_pairs_across_communities():
    s = from_edges(range(5), [0, 0, 0, 0], [1, 2, 3, 4], np.ones(4, np.float32))
    interests = np.array([[0], [1], [1], [1], [1]], np.float64)
    labels = np.array([0, 0, 0, 1, 1])
    found = introductions(s, 0, interests=interests, labels=labels, k=10)
    bridges = [(i.a, i.b) for i in found if i.bridge]
    assert bridges == [(1, 3), (1, 4), (2, 3), (2, 4)]
    assert [(i.a, i.b) for i in found][:4] == bridges
    assert found[0].score == pytest.approx(1.25)


def test_introductions_find_the_ego_networks_own_communities():
    # two triangles of friends joined only through the ego
    a = [0, 0, 0, 0, 0, 0, 1, 1, 2, 4, 4, 5]
    b = [1, 2, 3, 4, 5, 6, 2, 3, 3, 5, 6, 6]
    s = from_edges(range(7), a, b, np.ones(len(a), np.float32))
    interests = np.ones((7, 1))
    found = introductions(s, 0, interests=interests, k=50)
    assert len(found) == 9  # every pair across the two triangles
    assert all(i.bridge for i in found)
    assert introductions(s, 0) == []  # nothing to go on
    with pytest.raises(ValueError, match="both"):
        introductions(s, 0, offers=np.ones((7, 1)))
