"""Warm paths and hop counts agree with NetworkX: brute force on small random graphs,
Dijkstra on -log(strength) and BFS on SNAP ego-Facebook."""

from __future__ import annotations

import doctest
import itertools
import math
from concurrent.futures import ThreadPoolExecutor

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.graph import paths as paths_module
from goodwill.graph.paths import Path, paths_to_any, shortest_hops, warm_paths
from goodwill.graph.snapshot import BLOCKED, BULK, NEVER_CONNECTOR, Snapshot, from_edges
from tests.conftest import shared_data

REL = 1e-9


def test_doctest():
    assert doctest.testmod(paths_module).failed == 0


# -- helpers ------------------------------------------------------------------------------------
def build(
    n: int, pairs: list[tuple[int, int]], weights: list[float], flags: dict[int, int]
) -> tuple[Snapshot, nx.Graph]:
    s = from_edges(
        np.arange(n),
        np.array([p[0] for p in pairs], dtype=np.int64),
        np.array([p[1] for p in pairs], dtype=np.int64),
        np.array(weights, dtype=np.float32),
        flags=flags,
    )
    g = nx.Graph()
    g.add_nodes_from(range(n))
    # The same ties as the snapshot (strongest kept, float32 strengths).
    for u in range(n):
        for v, w in zip(s.neighbours(u).tolist(), s.strengths(u).tolist(), strict=True):
            g.add_edge(u, v, weight=w, cost=-math.log(w))
    return s, g


def is_bad(s: Snapshot, v: int) -> bool:
    return bool(s.flags[v] & (NEVER_CONNECTOR | BLOCKED))


def assert_valid(
    s: Snapshot,
    g: nx.Graph,
    p: Path,
    source: int,
    targets: set[int],
    max_hops: int,
    min_strength: float,
) -> None:
    assert p.nodes[0] == source
    assert p.nodes[-1] in targets
    assert len(set(p.nodes)) == len(p.nodes), "paths are simple"
    assert p.hops == len(p.nodes) - 1 <= max_hops
    assert len(p.hop_strengths) == p.hops
    for (u, v), w in zip(itertools.pairwise(p.nodes), p.hop_strengths, strict=True):
        assert g[u][v]["weight"] == pytest.approx(w)
        assert w >= min_strength
    assert p.strength == pytest.approx(math.prod(p.hop_strengths), rel=REL)
    for v in p.nodes[1:-1]:
        assert not is_bad(s, v), "flagged people are never intermediate hops"
        assert v not in targets


def candidates(
    s: Snapshot, g: nx.Graph, source: int, targets: set[int], max_hops: int, min_strength: float
) -> list[tuple[float, int, int, int]]:
    """Every allowed simple path as (strength, hops, first contact, target), by brute force."""
    found = []
    for t in targets:
        for nodes in nx.all_simple_paths(g, source, t, cutoff=max_hops):
            inner = nodes[1:-1]
            if any(is_bad(s, v) or v in targets for v in inner):
                continue
            ws = [g[u][v]["weight"] for u, v in itertools.pairwise(nodes)]
            if min(ws) < min_strength:
                continue
            found.append((math.prod(ws), len(nodes) - 1, nodes[1], t))
    found.sort(key=lambda c: (-c[0], c[1]))
    return found


def greedy(found: list[tuple[float, int, int, int]], k: int, distinct_targets: bool):
    picked: list[tuple[float, int, int, int]] = []
    for cand in found:
        if len(picked) == k:
            break
        if any(cand[2] == p[2] or (distinct_targets and cand[3] == p[3]) for p in picked):
            continue
        picked.append(cand)
    return picked


@st.composite
def cases(draw: st.DrawFn):
    n = draw(st.sampled_from([2, 3, 5, 7, 9, 11, 11, 11]))
    node = st.integers(0, n - 1)
    # A random tree (long chains, which the hop limit bites on) plus a few extra ties (cycles,
    # alternatives), or a graph of random ties only (often disconnected).
    tree = [(i, draw(st.integers(max(0, i - 3), i - 1))) for i in range(1, n)]
    extra = draw(st.lists(st.tuples(node, node), max_size=draw(st.sampled_from([3, n, 30]))))
    pairs = (tree if draw(st.integers(0, 3)) or not extra else []) + extra
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    rng.shuffle(labels := np.arange(n))
    pairs = [(int(labels[a]), int(labels[b])) for a, b in pairs]
    # Continuous strengths: ties between different chains have probability zero here (ties are
    # tested on purpose below), so the oracle's order is unambiguous.
    weights = rng.uniform(0.05, 1.0, len(pairs)).tolist()
    flagged = draw(st.lists(node, max_size=2))
    flags = {v: draw(st.sampled_from([NEVER_CONNECTOR, BLOCKED, BULK])) for v in flagged}
    source = draw(node)
    target = (source + draw(st.integers(1, max(1, n - 1)))) % n
    k = draw(st.integers(1, 4))
    max_hops = draw(st.sampled_from([1, 2, 3, 4, 4, 5, 5]))
    min_strength = draw(st.sampled_from([0.0, 0.0, 0.0, 0.2]))
    return n, pairs, weights, flags, source, target, k, max_hops, min_strength


# -- warm_paths ---------------------------------------------------------------------------------
@settings(max_examples=250, deadline=None)
@given(cases())
def test_warm_paths_are_the_best_per_first_contact(case):
    n, pairs, weights, flags, source, target, k, max_hops, min_strength = case
    if source == target:
        return
    s, g = build(n, pairs, weights, flags)
    got = warm_paths(s, source, target, k=k, max_hops=max_hops, min_strength=min_strength)
    found = candidates(s, g, source, {target}, max_hops, min_strength)
    expected = greedy(found, k, distinct_targets=False)
    assert [p.first_contact for p in got] == [c[2] for c in expected]
    for p, (strength, hops, _, _) in zip(got, expected, strict=True):
        assert_valid(s, g, p, source, {target}, max_hops, min_strength)
        assert p.strength == pytest.approx(strength, rel=REL)
        assert p.hops == hops


@settings(max_examples=120, deadline=None)
@given(cases(), st.integers(1, 4))
def test_paths_to_any_is_the_greedy_pick(case, n_targets):
    n, pairs, weights, flags, source, _, k, max_hops, min_strength = case
    s, g = build(n, pairs, weights, flags)
    targets = sorted({(source + 1 + 3 * i) % n for i in range(n_targets)} - {source})
    got = paths_to_any(
        s, source, np.array(targets), k=k, max_hops=max_hops, min_strength=min_strength
    )
    found = candidates(s, g, source, set(targets), max_hops, min_strength)
    expected = greedy(found, k, distinct_targets=True)
    assert [(p.first_contact, p.target) for p in got] == [(c[2], c[3]) for c in expected]
    for p, (strength, hops, _, _) in zip(got, expected, strict=True):
        assert_valid(s, g, p, source, set(targets), max_hops, min_strength)
        assert p.strength == pytest.approx(strength, rel=REL)
        assert p.hops == hops


def test_equal_strength_goes_to_fewer_hops():
    # Every tie is 1.0: the rank is by hops alone, and each first contact shows its shortest.
    pairs = [(0, 1), (0, 2), (0, 3), (1, 9), (1, 4), (4, 9), (2, 5), (5, 9), (3, 6), (6, 7), (7, 9)]
    s, _ = build(10, pairs, [1.0] * len(pairs), {})
    got = warm_paths(s, 0, 9)
    assert [p.nodes for p in got] == [(0, 1, 9), (0, 2, 5, 9), (0, 3, 6, 7, 9)]
    assert [p.strength for p in got] == [1.0, 1.0, 1.0]
    assert [p.nodes for p in warm_paths(s, 0, 9, max_hops=3)] == [(0, 1, 9), (0, 2, 5, 9)]


def test_direct_tie_is_a_path_and_never_connectors_only_end_paths():
    pairs = [(0, 1), (1, 2), (0, 3), (3, 2), (0, 2)]
    s, _ = build(4, pairs, [0.9, 0.9, 1.0, 1.0, 0.2], {3: NEVER_CONNECTOR, 2: BLOCKED})
    got = warm_paths(s, 0, 2)
    assert [p.nodes for p in got] == [(0, 1, 2), (0, 2)]
    assert [p.nodes for p in warm_paths(s, 3, 2)] == [(3, 2), (3, 0, 1, 2)]  # a flagged source


def test_unreachable_and_bad_arguments():
    s, _ = build(4, [(0, 1), (2, 3)], [0.5, 0.5], {})
    assert warm_paths(s, 0, 3) == []
    assert paths_to_any(s, 0, []) == []
    assert paths_to_any(s, 0, [0]) == []
    with pytest.raises(ValueError, match="same person"):
        warm_paths(s, 1, 1)
    with pytest.raises(ValueError):
        warm_paths(s, 0, 1, k=0)
    with pytest.raises(ValueError):
        warm_paths(s, 0, 1, max_hops=0)
    with pytest.raises(IndexError):
        warm_paths(s, 0, 4)
    with pytest.raises(IndexError):
        paths_to_any(s, 0, [9])


# -- shortest_hops ------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(cases())
def test_hops_agree_with_networkx_bfs(case):
    n, pairs, weights, flags, source, target, _, max_hops, _ = case
    s, g = build(n, pairs, weights, flags)
    try:
        expected: int | None = nx.shortest_path_length(g, source, target)
    except nx.NetworkXNoPath:
        expected = None
    assert shortest_hops(s, source, target) == expected
    limited = expected if expected is not None and expected <= max_hops else None
    assert shortest_hops(s, source, target, max_hops) == limited


# -- SNAP ego-Facebook --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def facebook() -> tuple[Snapshot, nx.Graph, nx.Graph]:
    path = shared_data("snap-ego-facebook", "facebook_combined.txt")
    edges = np.loadtxt(path, dtype=np.int64).reshape(-1, 2)
    rng = np.random.default_rng(5)
    weights = rng.uniform(0.05, 1.0, len(edges))
    n = int(edges.max()) + 1
    flagged = rng.choice(n, 80, replace=False).tolist()
    flagged_set = set(flagged)
    s = from_edges(
        np.arange(n),
        edges[:, 0],
        edges[:, 1],
        weights.astype(np.float32),
        flags=dict.fromkeys(flagged, NEVER_CONNECTOR),
    )
    g = nx.Graph()
    allowed = nx.Graph()  # flagged people can be neither hop nor end: for unlimited Dijkstra
    for u in range(n):
        for v, w in zip(s.neighbours(u).tolist(), s.strengths(u).tolist(), strict=True):
            g.add_edge(u, v, weight=w, cost=-math.log(w))
            if u not in flagged_set and v not in flagged_set:
                allowed.add_edge(u, v, weight=w, cost=-math.log(w))
    return s, g, allowed


def facebook_pairs(s: Snapshot, allowed: nx.Graph, count: int, seed: int) -> list[tuple[int, int]]:
    rng = np.random.default_rng(seed)
    nodes = np.array(sorted(allowed.nodes))
    degree = s.degrees()[nodes]
    hubs = nodes[np.argsort(-degree)[: len(nodes) // 100]]
    out = []
    while len(out) < count:
        a = int(rng.choice(hubs)) if len(out) % 4 == 0 else int(rng.choice(nodes))
        b = int(rng.choice(nodes))
        if a != b:
            out.append((a, b))
    return out


def layered(allowed: nx.Graph, flagged: set[int], max_hops: int) -> nx.DiGraph:
    """The hop-expanded graph: node (v, h) is v reached in h hops from a target; only targets
    (h = 0) and unflagged people pass a chain on. Dijkstra on it is exact within the limit."""
    out = nx.DiGraph()
    arcs = [(u, v, d["cost"]) for u, v, d in allowed.edges(data=True)]
    arcs += [(v, u, c) for u, v, c in arcs]
    for h in range(max_hops):
        out.add_weighted_edges_from(
            (((u, h), (v, h + 1), c) for u, v, c in arcs if h == 0 or u not in flagged),
            weight="cost",
        )
    return out


@pytest.mark.shared_data
def test_ego_facebook_best_paths_are_exact_within_the_hop_limit(facebook):
    s, g, allowed = facebook
    flagged = {v for v in range(s.n) if is_bad(s, v)}
    max_hops = 4
    hops_graph = layered(g, flagged, max_hops)
    pairs = facebook_pairs(s, allowed, 50, seed=1)
    targets = sorted({b for _, b in pairs})[:10]
    checked = 0
    for target in targets:
        cost, route = nx.single_source_dijkstra(hops_graph, (target, 0), weight="cost")
        sources = [a for a, _ in facebook_pairs(s, allowed, 5, seed=target) if a != target]
        for source in sources:
            got = warm_paths(s, source, target, k=5, max_hops=max_hops)
            reach = [cost[(source, h)] for h in range(1, max_hops + 1) if (source, h) in cost]
            if not reach:
                assert got == []
                continue
            assert got[0].strength == pytest.approx(math.exp(-min(reach)), rel=1e-7)
            assert len({p.first_contact for p in got}) == len(got)
            for p in got:
                assert_valid(s, g, p, source, {target}, max_hops, 0.0)
                # The best chain for this first contact, unless the oracle's passes the source.
                c = p.first_contact
                if c == target:
                    continue
                options = [
                    (cost[(c, h)], route[(c, h)]) for h in range(1, max_hops) if (c, h) in cost
                ]
                best_cost, best_route = min(options)
                bound = g[source][c]["weight"] * math.exp(-best_cost)
                assert p.strength <= bound * (1 + 1e-7)
                if all(v != source for v, _ in best_route):
                    checked += 1
                    assert p.strength == pytest.approx(bound, rel=1e-7)
    assert checked >= 100


@pytest.mark.shared_data
def test_ego_facebook_against_unlimited_dijkstra_and_bfs(facebook):
    s, g, allowed = facebook
    for source, target in facebook_pairs(s, allowed, 50, seed=7):
        cost, route = nx.bidirectional_dijkstra(allowed, source, target, weight="cost")
        got = warm_paths(s, source, target, k=1, max_hops=6)
        if got:
            assert got[0].strength <= math.exp(-cost) * (1 + 1e-7)
        if len(route) - 1 <= 6:
            assert got[0].strength == pytest.approx(math.exp(-cost), rel=1e-7)
        assert shortest_hops(s, source, target) == nx.shortest_path_length(g, source, target)
        assert shortest_hops(s, source, target, 3) == (
            nx.shortest_path_length(g, source, target)
            if nx.shortest_path_length(g, source, target) <= 3
            else None
        )


@pytest.mark.shared_data
def test_ego_facebook_paths_to_any_and_threads(facebook):
    s, g, allowed = facebook
    rng = np.random.default_rng(9)
    targets = rng.choice(s.n, 60, replace=False)
    for source, _ in facebook_pairs(s, allowed, 10, seed=3):
        got = paths_to_any(s, source, targets, k=5, max_hops=3)
        assert len({p.first_contact for p in got}) == len(got)
        assert len({p.target for p in got}) == len(got)
        wanted = set(targets.tolist()) - {source}
        for p in got:
            assert_valid(s, g, p, source, wanted, 3, 0.0)
        assert [p.strength for p in got] == sorted((p.strength for p in got), reverse=True)
    # Concurrent queries (the kernels release the GIL) give the same answers as one at a time.
    pairs = facebook_pairs(s, allowed, 40, seed=4)
    alone = [warm_paths(s, a, b) for a, b in pairs]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda ab: warm_paths(s, *ab), pairs))
    assert together == alone
