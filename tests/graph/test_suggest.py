"""People to meet: scores equal NetworkX's, exclusions hold, ranking is deterministic."""

from __future__ import annotations

import doctest
import math

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.graph import suggest as suggest_module
from goodwill.graph.snapshot import BLOCKED, BULK, NEVER_CONNECTOR, Snapshot, from_edges
from goodwill.graph.suggest import pair_scores, prepare_interests, suggest
from tests.conftest import shared_data


def test_doctest():
    assert doctest.testmod(suggest_module).failed == 0


# -- helpers -------------------------------------------------------------------------------------
def facebook(weights: str = "ones") -> tuple[Snapshot, nx.Graph]:
    path = shared_data("snap-ego-facebook", "facebook_combined.txt")
    pairs = np.loadtxt(path, dtype=np.int64).reshape(-1, 2)
    if weights == "ones":
        w = np.ones(pairs.shape[0], np.float32)
    else:
        w = np.random.default_rng(7).uniform(0.05, 1.0, pairs.shape[0]).astype(np.float32)
    s = from_edges(np.arange(4039), pairs[:, 0], pairs[:, 1], w)
    return s, to_nx(s)


def to_nx(s: Snapshot) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(range(s.n))
    for u in range(s.n):
        for v, w in zip(s.neighbours(u).tolist(), s.strengths(u).tolist(), strict=True):
            if u < v:
                g.add_edge(u, v, weight=w)
    return g


def oracle(
    g: nx.Graph, source: int, skip: set[int] = frozenset()
) -> dict[int, tuple[float, float]]:
    """NetworkX's Adamic-Adar and resource allocation for every candidate two hops away."""
    tied = set(g[source]) | {source}
    candidates = sorted({v for z in g[source] if z not in skip for v in g[z]} - tied - skip)
    pairs = [(source, v) for v in candidates]
    aa = {v: x for _, v, x in nx.adamic_adar_index(g, pairs)}
    ra = {v: x for _, v, x in nx.resource_allocation_index(g, pairs)}
    return {v: (aa[v], ra[v]) for v in candidates}


def weighted_oracle(g: nx.Graph, source: int, v: int) -> float:
    return sum(
        g[source][z]["weight"] * g[z][v]["weight"] / math.log(g.degree(z))
        for z in nx.common_neighbors(g, source, v)
    )


def check_against_oracle(s: Snapshot, g: nx.Graph, source: int, k: int) -> None:
    expected = oracle(g, source)
    mine = suggest(s, source, k=k, weighted=False)
    assert len(mine) == min(k, len(expected))
    best = sorted((x[0] for x in expected.values()), reverse=True)[: len(mine)]
    assert [x.score for x in mine] == pytest.approx(best, rel=1e-9)
    for x in mine:
        aa, ra = expected[x.node]
        assert x.adamic_adar == pytest.approx(aa, rel=1e-9)
        assert x.score == pytest.approx(aa, rel=1e-9)
        assert x.resource_allocation == pytest.approx(ra, rel=1e-9)
        assert x.mutual_count == len(list(nx.common_neighbors(g, source, x.node)))
    keys = [(-x.score, x.node) for x in mine]
    assert keys == sorted(keys)


# -- equal to NetworkX ---------------------------------------------------------------------------
graphs = st.lists(
    st.tuples(st.integers(0, 24), st.integers(0, 24), st.floats(0.05, 1.0)), max_size=110
)


@settings(max_examples=60, deadline=None)
@given(graphs, st.integers(0, 24), st.integers(1, 30))
def test_scores_equal_networkx_on_random_graphs(edge_list, source, k):
    a = [u for u, _, _ in edge_list]
    b = [v for _, v, _ in edge_list]
    w = np.array([x for _, _, x in edge_list], dtype=np.float32)
    s = from_edges(range(25), a, b, w)
    g = to_nx(s)
    check_against_oracle(s, g, source, k)
    # Tie-weighted: each mutual friend counts w(s, z) * w(z, v) / log deg(z).
    for x in suggest(s, source, k=k):
        assert x.adamic_adar == pytest.approx(weighted_oracle(g, source, x.node), rel=1e-6)
    # The same numbers for arbitrary pairs.
    others = np.array([v for v in range(25) if v != source])
    scores = pair_scores(s, np.full(24, source), others, weighted=False)
    theirs = [x for _, _, x in nx.adamic_adar_index(g, [(source, v) for v in others.tolist()])]
    assert scores.adamic_adar.tolist() == pytest.approx(theirs, rel=1e-9)


def test_scores_equal_networkx_on_ego_facebook():
    s, g = facebook()
    rng = np.random.default_rng(3)
    hubs = np.argsort(-s.degrees())[:3]
    for source in [*hubs.tolist(), *rng.choice(s.n, 12, replace=False).tolist()]:
        check_against_oracle(s, g, int(source), 20)


def test_resource_allocation_ranking_on_ego_facebook():
    s, g = facebook()
    for source in (0, 1912, 2000):
        expected = oracle(g, source)
        mine = suggest(s, source, k=10, weighted=False, structure="resource_allocation")
        best = sorted((x[1] for x in expected.values()), reverse=True)[:10]
        assert [x.score for x in mine] == pytest.approx(best, rel=1e-9)


# -- what is never suggested ---------------------------------------------------------------------
def test_exclusions():
    #   0 - 1 - {2, 3, 4, 5};  0 - 6 (bulk) - 7;  0 - 8 - 9;  1 - 8
    a = [0, 1, 1, 1, 1, 0, 6, 0, 8, 1]
    b = [1, 2, 3, 4, 5, 6, 7, 8, 9, 8]
    flags = {3: BLOCKED, 4: BULK, 6: BULK, 5: NEVER_CONNECTOR}
    s = from_edges(range(10), a, b, np.ones(len(a), np.float32), flags=flags)
    nodes = [x.node for x in suggest(s, 0, k=50)]
    assert 0 not in nodes  # the source
    assert not {1, 6, 8} & set(nodes)  # already tied
    assert not {3, 4} & set(nodes)  # blocked, bulk
    assert 7 not in nodes  # reachable only through a bulk sender
    assert set(nodes) == {2, 5, 9}  # a never-connector may still be met
    nodes = [x.node for x in suggest(s, 0, k=50, exclude=np.array([2, 9]))]
    assert nodes == [5]
    # and the workspace was reset: the full answer comes back
    assert {x.node for x in suggest(s, 0, k=50)} == {2, 5, 9}


def test_blocked_and_bulk_are_no_mutual_friends():
    #  0 - {1 (blocked), 2} - 3
    s = from_edges(range(4), [0, 0, 1, 2], [1, 2, 3, 3], np.ones(4, np.float32), flags={1: BLOCKED})
    (only,) = suggest(s, 0)
    assert (only.node, only.mutual_count, only.top_mutuals) == (3, 1, (2,))


def test_bad_input():
    s = from_edges(range(3), [0], [1], np.ones(1, np.float32))
    with pytest.raises(IndexError):
        suggest(s, 3)
    with pytest.raises(IndexError):
        suggest(s, 0, exclude=[5])
    with pytest.raises(ValueError, match="structure"):
        suggest(s, 0, structure="jaccard")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rows"):
        suggest(s, 0, interests=sp.csr_matrix((2, 4)))
    with pytest.raises(ValueError, match="non-negative"):
        suggest(s, 0, interests=sp.csr_matrix(np.array([[1.0], [-1.0], [0.0]])))
    with pytest.raises(ValueError, match="alpha"):
        suggest(s, 0, alpha=-1.0)
    assert suggest(s, 0, k=0) == []
    assert suggest(s, 2) == []  # nobody around


def test_concurrent_queries_get_their_own_workspace():
    from concurrent.futures import ThreadPoolExecutor

    s, _ = facebook("random")
    sources = list(range(0, 4000, 37))
    alone = [suggest(s, x) for x in sources]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda x: suggest(s, x), sources * 3))
    assert together == alone * 3


# -- ranking and reasons -------------------------------------------------------------------------
def test_ties_break_by_node_index_and_repeat_exactly():
    # 0 - 1 - {9, 4, 7, 2}: four candidates with the same score
    s = from_edges(range(10), [0, 1, 1, 1, 1], [1, 9, 4, 7, 2], np.ones(5, np.float32))
    first = suggest(s, 0, k=3)
    assert [x.node for x in first] == [2, 4, 7]
    assert suggest(s, 0, k=3) == first
    assert [x.node for x in suggest(s, 0, k=10)] == [2, 4, 7, 9]


def test_strength_orders_the_mutual_friends():
    # 0 - {1, 2, 3} - 4; the chain through 2 is strongest, then 3, then 1
    a = [0, 0, 0, 1, 2, 3]
    b = [1, 2, 3, 4, 4, 4]
    w = np.array([0.2, 0.9, 0.6, 0.9, 0.9, 0.6], np.float32)
    s = from_edges(range(5), a, b, w)
    (top,) = suggest(s, 0)
    assert top.top_mutuals == (2, 3, 1)
    assert suggest(s, 0, reasons=1)[0].top_mutuals == (2,)
    assert top.mutual_count == 3


def test_shared_interests_rank_above_strangers():
    # 0 knows 1; 1 knows 2 and 3. 4 and 5 are strangers; 4 shares 0's interests.
    s = from_edges(range(6), [0, 1, 1], [1, 2, 3], np.ones(3, np.float32))
    interests = sp.csr_matrix(
        np.array(
            [
                [1, 1, 0, 0],  # 0: writing, cycling
                [0, 0, 0, 0],
                [1, 0, 0, 0],  # 2: writing
                [0, 0, 0, 1],
                [1, 1, 0, 0],  # 4: writing, cycling (not a friend of a friend)
                [0, 0, 1, 1],  # 5: nothing in common with 0
            ],
            dtype=np.float64,
        )
    )
    plain = [x.node for x in suggest(s, 0)]
    assert plain == [2, 3]
    mixed = suggest(s, 0, interests=interests, alpha=1.0)
    nodes = [x.node for x in mixed]
    assert 5 not in nodes
    assert nodes.index(4) < nodes.index(3)  # shared interests beat a stranger
    assert nodes[0] == 2  # a friend of a friend who also shares an interest
    by_node = {x.node: x for x in mixed}
    assert by_node[4].interest == pytest.approx(1.0)
    assert by_node[4].mutual_count == 0
    assert by_node[4].shared_interests == (0, 1)
    assert by_node[2].interest == pytest.approx(1 / math.sqrt(2))
    assert by_node[2].shared_interests == (0,)
    for x in mixed:
        assert x.score == pytest.approx(x.adamic_adar + x.interest)
    # a prepared matrix gives the same answer; alpha 0 leaves interests out of the score
    assert suggest(s, 0, interests=prepare_interests(interests), alpha=1.0) == mixed
    no_alpha = suggest(s, 0, interests=interests, alpha=0.0)
    assert [x.node for x in no_alpha] == [2, 3]
    assert no_alpha[0].interest == pytest.approx(1 / math.sqrt(2))


def test_pair_scores_include_the_interest_cosine():
    s = from_edges(range(3), [0, 1], [1, 2], np.ones(2, np.float32))
    x = np.array([[3.0, 4.0], [0.0, 0.0], [4.0, 3.0]])
    scores = pair_scores(s, [0, 0], [2, 1], interests=x, alpha=0.5)
    assert scores.interest.tolist() == pytest.approx([24 / 25, 0.0])
    assert scores.score.tolist() == pytest.approx([1 / math.log(2) + 0.5 * 24 / 25, 0.0])


# -- link prediction, quickly (bench/link_prediction.py measures it properly) --------------------
def test_hidden_ties_score_above_non_ties_on_ego_facebook():
    path = shared_data("snap-ego-facebook", "facebook_combined.txt")
    pairs = np.loadtxt(path, dtype=np.int64).reshape(-1, 2)
    rng = np.random.default_rng(11)
    hidden = rng.random(pairs.shape[0]) < 0.1
    train = pairs[~hidden]
    s = from_edges(np.arange(4039), train[:, 0], train[:, 1], np.ones(train.shape[0], np.float32))
    g = to_nx(s)
    known = set(map(tuple, np.sort(pairs, axis=1).tolist()))
    positives = pairs[hidden][rng.choice(int(hidden.sum()), 1500, replace=False)]
    negatives = []
    while len(negatives) < 1500:
        u, v = rng.choice(4039, 2, replace=False).tolist()
        if (min(u, v), max(u, v)) not in known:
            negatives.append((u, v))
    negatives = np.array(negatives)
    pos = pair_scores(s, positives[:, 0], positives[:, 1], weighted=False).score
    neg = pair_scores(s, negatives[:, 0], negatives[:, 1], weighted=False).score
    auc = np.mean(pos[:, None] > neg[None, :]) + 0.5 * np.mean(pos[:, None] == neg[None, :])
    assert auc > 0.5
    theirs = [x for _, _, x in nx.adamic_adar_index(g, [tuple(p) for p in positives[:200]])]
    assert pos[:200].tolist() == pytest.approx(theirs, rel=1e-9)
    # some hidden ties come back among the top 10
    hidden_of: dict[int, set[int]] = {}
    for u, v in pairs[hidden].tolist():
        hidden_of.setdefault(u, set()).add(v)
        hidden_of.setdefault(v, set()).add(u)
    sources = rng.choice(sorted(hidden_of), 100, replace=False)
    hits = [len({x.node for x in suggest(s, int(u), k=10)} & hidden_of[int(u)]) for u in sources]
    assert np.mean(hits) / 10 > 0.0
