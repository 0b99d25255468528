"""Reach of a shared post: exact audience against NetworkX, expected reach against oracles."""

from __future__ import annotations

import doctest
import itertools
import random
from collections import deque

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.graph import _kernels_reach, reach
from goodwill.graph.reach import audience, expected_reach, pass_on_probability
from goodwill.graph.snapshot import BLOCKED, BULK, NEVER_CONNECTOR, Snapshot, from_edges
from tests.conftest import shared_data

SILENT = BLOCKED | BULK


def test_doctest():
    assert doctest.testmod(reach).failed == 0


# -- helpers ------------------------------------------------------------------------------------
def snapshot_of(
    n: int, pairs: list[tuple[int, int]], weights=None, flags: dict[int, int] | None = None
) -> Snapshot:
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    w = np.ones(len(pairs), np.float32) if weights is None else np.asarray(weights, np.float32)
    return from_edges(np.arange(n), a, b, w, flags=flags)


def networkx_of(s: Snapshot, *, drop_silent: bool = True) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(range(s.n))
    for u in range(s.n):
        for v, w in zip(s.neighbours(u).tolist(), s.strengths(u).tolist(), strict=True):
            if u < v:
                g.add_edge(u, v, weight=w)
    if drop_silent:
        g.remove_nodes_from([v for v in range(s.n) if s.flags[v] & SILENT])
    return g


def oracle(s: Snapshot, sharers: list[int], hops: int, exclude_sharers: bool):
    """Levels, cumulative, adds and unique from per-sharer NetworkX BFS."""
    g = networkx_of(s)
    balls: list[dict[int, int]] = []
    for node in sharers:
        balls.append(
            nx.single_source_shortest_path_length(g, node, cutoff=hops) if node in g else {}
        )
    valid = {node for node in sharers if node in g}
    distance: dict[int, int] = {}
    for ball in balls:
        for v, d in ball.items():
            distance[v] = min(d, distance.get(v, d))
    levels = dict.fromkeys(range(hops + 1), 0)
    for d in distance.values():
        levels[d] += 1
    counted = {v for v in distance if not (exclude_sharers and v in valid)}
    cumulative = {}
    running = 0 if exclude_sharers else levels[0]
    cumulative[0] = running
    for d in range(1, hops + 1):
        running += levels[d]
        cumulative[d] = running
    seen: set[int] = set()
    adds = []
    for ball in balls:
        new = (set(ball) & counted) - seen
        adds.append(len(new))
        seen |= new
    reached_by: dict[int, set[int]] = {}
    for node, ball in zip(sharers, balls, strict=True):
        for v in ball:
            reached_by.setdefault(v, set()).add(node)
    unique = []
    done: set[int] = set()
    for node in sharers:
        if node in done or node not in valid:
            unique.append(0)
            continue
        done.add(node)
        unique.append(sum(1 for v in counted if reached_by[v] == {node}))
    return levels, cumulative, adds, unique, sorted(counted)


@st.composite
def graphs_with_sharers(draw):
    n = draw(st.integers(1, 30))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    flag_values = st.sampled_from([0, 0, 0, 0, BLOCKED, BULK, NEVER_CONNECTOR])
    flags = {v: draw(flag_values) for v in range(n)}
    sharers = draw(st.lists(st.integers(0, n - 1), max_size=6))
    hops = draw(st.integers(0, 3))
    exclude = draw(st.booleans())
    return snapshot_of(n, pairs, flags=flags), sharers, hops, exclude


# -- exact reach --------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(graphs_with_sharers())
def test_reach_equals_networkx(case):
    s, sharers, hops, exclude = case
    r = reach.reach(s, np.array(sharers, dtype=np.int64), hops=hops, exclude_sharers=exclude)
    levels, cumulative, adds, unique, members = oracle(s, sharers, hops, exclude)
    assert r.levels == levels
    assert r.cumulative == cumulative
    assert r.total == cumulative[hops]
    assert r.adds.tolist() == adds
    assert r.unique.tolist() == unique
    assert int(r.adds.sum()) == r.total
    assert audience(s, sharers, hops=hops, exclude_sharers=exclude).tolist() == members


def load_facebook() -> Snapshot:
    path = shared_data("snap-ego-facebook", "facebook_combined.txt")
    pairs = np.loadtxt(path, dtype=np.int64).reshape(-1, 2)
    n = int(pairs.max()) + 1
    rng = np.random.default_rng(7)
    w = rng.uniform(0.05, 1.0, pairs.shape[0]).astype(np.float32)
    return from_edges(np.arange(n), pairs[:, 0], pairs[:, 1], w)


@pytest.fixture(scope="module")
def facebook() -> Snapshot:
    return load_facebook()


def test_reach_on_ego_facebook(facebook):
    s = facebook
    g = networkx_of(s)
    rng = np.random.default_rng(3)
    hubs = np.argsort(-s.degrees())[:40]
    for trial in range(12):
        size = int(rng.integers(1, 21))
        pool = hubs if trial % 3 == 0 else np.arange(s.n)
        sharers = rng.choice(pool, size).tolist()
        r = reach.reach(s, sharers, hops=2)
        union: dict[int, int] = {}
        for node in sharers:
            for v, d in nx.single_source_shortest_path_length(g, node, cutoff=2).items():
                union[v] = min(d, union.get(v, d))
        assert r.total == len(union)
        assert r.levels == {d: sum(1 for x in union.values() if x == d) for d in range(3)}
        assert int(r.adds.sum()) == r.total
        if trial < 4:  # the full oracle (per-sharer adds and unique) on a few
            _, _, adds, unique, _ = oracle(s, sharers, 2, False)
            assert (r.adds.tolist(), r.unique.tolist()) == (adds, unique)


def test_back_to_back_queries_on_one_workspace(facebook):
    """The last round's per-node states are reset after every query (by a full clear after a
    large query, node by node after a small one): many queries in a row on one snapshot with
    silent people, each against per-sharer balls."""
    rng = np.random.default_rng(11)
    silent = rng.choice(facebook.n, 200, replace=False)
    flags = {int(v): BLOCKED if i % 2 else BULK for i, v in enumerate(silent)}
    s = from_edges(
        facebook.ids,
        np.repeat(np.arange(facebook.n), np.diff(facebook.indptr)),
        facebook.indices,
        facebook.weights,
        flags=flags,
    )
    hubs = np.argsort(-s.degrees())[:40]
    low = np.flatnonzero(s.degrees() == 1)
    for trial in range(30):
        pool = (hubs, low, np.arange(s.n))[trial % 3]
        sharers = rng.choice(pool, int(rng.integers(1, 12))).tolist()
        sharers += sharers[:1] + silent[:1].tolist()  # a repeat and a silent sharer
        hops = int(rng.integers(1, 4))
        r = reach.reach(s, sharers, hops=hops)
        k = len(sharers)
        first = np.full(s.n, k)
        reached_by = np.zeros(s.n, dtype=np.int64)
        for rank, node in enumerate(sharers):
            if node in sharers[:rank]:
                continue
            ball = audience(s, [node], hops=hops)
            first[ball] = np.minimum(first[ball], rank)
            reached_by[ball] += 1
        inside = reached_by > 0
        assert r.total == int(inside.sum())
        assert r.adds.tolist() == np.bincount(first[inside], minlength=k)[:k].tolist()
        alone = inside & (reached_by == 1)
        assert r.unique.tolist() == np.bincount(first[alone], minlength=k)[:k].tolist()
        assert (r.adds[-1], r.unique[-1]) == (0, 0)  # the silent sharer


def test_blocked_and_bulk_are_not_audience_and_do_not_relay():
    # 0 - 1 - 2 - 3 and 0 - 4 - 5: 1 is blocked, 4 bulk, 5 never-connector.
    s = snapshot_of(
        6,
        [(0, 1), (1, 2), (2, 3), (0, 4), (4, 5)],
        flags={1: BLOCKED, 4: BULK, 5: NEVER_CONNECTOR},
    )
    assert reach.reach(s, [0], hops=3).total == 1
    r = reach.reach(s, [1, 2], hops=1)
    assert r.adds.tolist() == [0, 2]  # the blocked sharer shares nothing
    assert reach.reach(s, [5], hops=1).total == 1
    assert expected_reach(s, [0], base=1.0).mean == 1.0


def test_duplicate_sharers_add_nothing_and_order_matters():
    s = snapshot_of(5, [(0, 1), (1, 2), (3, 4)])
    r = reach.reach(s, [1, 0, 1, 3], hops=1)
    assert r.adds.tolist() == [3, 0, 0, 2]
    assert r.unique.tolist() == [1, 0, 0, 2]  # 2 only through 1; 3 and 4 only through 3
    assert reach.reach(s, [0, 1], hops=1).adds.tolist() == [2, 1]


def test_errors():
    s = snapshot_of(3, [(0, 1)])
    with pytest.raises(ValueError, match="hops"):
        reach.reach(s, [0], hops=-1)
    with pytest.raises(IndexError):
        reach.reach(s, [3])
    with pytest.raises(IndexError):
        audience(s, [-1])
    with pytest.raises(ValueError, match="samples"):
        expected_reach(s, [0], samples=0)
    with pytest.raises(ValueError, match="base"):
        pass_on_probability(0.5, base=-1.0)
    assert reach.reach(s, []).total == 0
    assert expected_reach(s, []).mean == 0.0


def test_workspaces_are_reused_and_epochs_wrap(facebook):
    s = facebook
    with _kernels_reach.scratch(s) as first:
        pass
    with _kernels_reach.scratch(s) as again:
        assert again is first
    sharers = [0, 107, 348]
    expected = reach.reach(s, sharers).total
    members = audience(s, sharers).tolist()
    first.epoch = 2**31 - 3  # the next few queries cross the wrap-around
    first.label_epoch = 1020
    for _ in range(4):
        assert reach.reach(s, sharers).total == expected
        assert audience(s, sharers).tolist() == members
    assert first.epoch < 10
    assert first.label_epoch < 20
    with pytest.raises(ValueError, match="hops"):
        reach.reach(s, sharers, hops=2000)


# -- expected reach -----------------------------------------------------------------------------
def exact_expected(s: Snapshot, sharers: list[int], base: float, max_hops: int | None) -> float:
    """Sum over every live-edge world of its probability times the people reached."""
    g = networkx_of(s)
    edges = list(g.edges(data="weight"))
    total = 0.0
    for live in itertools.product((False, True), repeat=len(edges)):
        probability = 1.0
        world = nx.Graph()
        world.add_nodes_from(g)
        for (u, v, w), on in zip(edges, live, strict=True):
            p = min(1.0, base * w)
            probability *= p if on else 1.0 - p
            if on:
                world.add_edge(u, v)
        reached: set[int] = set()
        for node in sharers:
            if node in world:
                reached |= set(nx.single_source_shortest_path_length(world, node, max_hops))
        total += probability * len(reached)
    return total


def python_monte_carlo(s, sharers, base, samples, seed, max_hops=None):
    """An independent, simple cascade simulation (pure Python, its own random numbers)."""
    rng = random.Random(seed)
    sizes = []
    for _ in range(samples):
        depth = {v: 0 for v in sharers if not s.flags[v] & SILENT}
        queue = deque(depth)
        while queue:
            u = queue.popleft()
            if max_hops is not None and depth[u] >= max_hops:
                continue
            for v, w in zip(s.neighbours(u).tolist(), s.strengths(u).tolist(), strict=True):
                if v not in depth and not s.flags[v] & SILENT and rng.random() < base * w:
                    depth[v] = depth[u] + 1
                    queue.append(v)
        sizes.append(len(depth))
    values = np.asarray(sizes, dtype=np.float64)
    return values.mean(), values.std(ddof=1) / np.sqrt(samples)


@pytest.mark.parametrize("graph_seed", [1, 2, 3])
@pytest.mark.parametrize("max_hops", [None, 1, 2])
def test_expected_reach_matches_exact_enumeration(graph_seed, max_hops):
    rng = np.random.default_rng(graph_seed)
    n = 7
    pairs = [(int(a), int(b)) for a, b in rng.integers(0, n, (11, 2)) if a != b]
    s = snapshot_of(n, pairs, weights=rng.uniform(0.2, 1.0, len(pairs)), flags={6: BULK})
    sharers = [0, 1]
    exact = exact_expected(s, sharers, 0.6, max_hops)
    est = expected_reach(s, sharers, samples=4000, seed=graph_seed, base=0.6, max_hops=max_hops)
    assert est.low <= est.mean <= est.high
    assert abs(est.mean - exact) <= est.high - est.low  # within two half-widths (~4 sd)


@pytest.mark.parametrize("graph_seed", [4, 5])
def test_expected_reach_agrees_with_a_python_monte_carlo(graph_seed):
    g = nx.gnm_random_graph(60, 150, seed=graph_seed)
    rng = np.random.default_rng(graph_seed)
    s = snapshot_of(60, list(g.edges()), weights=rng.uniform(0.1, 1.0, g.number_of_edges()))
    sharers = [0, 5, 9]
    ours = expected_reach(s, sharers, samples=3000, seed=11, base=0.5)
    mean, stderr = python_monte_carlo(s, sharers, 0.5, 3000, seed=graph_seed)
    half = (ours.high - ours.low) / 2
    assert abs(ours.mean - mean) <= 2.0 * np.hypot(half, 1.96 * stderr)


def test_expected_reach_extremes_equal_exact_reach(facebook):
    s = facebook
    sharers = [0, 1912, 3000]
    for hops in (1, 2, 3):
        everyone = expected_reach(s, sharers, samples=20, base=1e6, max_hops=hops)
        exact = reach.reach(s, sharers, hops=hops).total
        assert everyone.mean == everyone.low == everyone.high == exact
    component = len(audience(s, sharers, hops=s.n))
    assert expected_reach(s, sharers, samples=5, base=1e6).mean == component
    nobody = expected_reach(s, sharers, samples=50, base=0.0)
    assert (nobody.mean, nobody.low, nobody.high) == (3.0, 3.0, 3.0)
    excluded = expected_reach(s, sharers, samples=50, base=0.0, exclude_sharers=True)
    assert excluded.mean == 0.0


def test_expected_reach_is_deterministic_for_a_seed_whatever_the_threads(facebook, monkeypatch):
    s = facebook
    one = expected_reach(s, [0, 10], samples=300, seed=5)
    assert expected_reach(s, [0, 10], samples=300, seed=5) == one
    monkeypatch.setattr(reach, "workers", lambda: 3)
    assert expected_reach(s, [0, 10], samples=300, seed=5) == one
    assert expected_reach(s, [0, 10], samples=300, seed=6) != one
    assert one.samples == 300
    assert one.low < one.mean < one.high
