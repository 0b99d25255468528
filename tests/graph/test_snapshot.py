"""The compact snapshot: built once from edges, equal to NetworkX's view of the same ties."""

from __future__ import annotations

import doctest

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.graph import snapshot
from goodwill.graph.snapshot import BLOCKED, NEVER_CONNECTOR, from_edges, load


def test_doctest():
    assert doctest.testmod(snapshot).failed == 0


def test_duplicates_keep_the_strongest_and_self_ties_go():
    s = from_edges(
        [1, 2, 3],
        [1, 2, 1, 2, 3],
        [2, 1, 1, 3, 2],
        np.array([0.2, 0.7, 0.9, 0.4, 0.1], dtype=np.float32),
        me_id=1,
        flags={3: NEVER_CONNECTOR | BLOCKED},
    )
    assert (s.n, s.m, s.me) == (3, 2, 0)
    one, two, three = (s.index_of(i) for i in (1, 2, 3))
    assert s.neighbours(one).tolist() == [two]
    assert s.strengths(one).tolist() == pytest.approx([0.7])
    assert s.strengths(three).tolist() == pytest.approx([0.4])
    assert s.has_flag(three, NEVER_CONNECTOR)
    assert s.has_flag(three, BLOCKED)
    assert not s.has_flag(two, BLOCKED)
    assert s.nbytes == 3 * 8 + 4 * 8 + 4 * 4 + 4 * 4 + 3


def test_unknown_ids_are_errors():
    with pytest.raises(KeyError):
        from_edges([1, 2], [1], [9], np.ones(1, np.float32))
    s = from_edges([1, 2], [1], [2], np.ones(1, np.float32))
    with pytest.raises(KeyError):
        s.index_of(5)
    with pytest.raises(KeyError):
        s.indices_of([1, 5])
    assert s.indices_of([2, 1]).tolist() == [1, 0]


def test_empty_graph():
    s = from_edges([4, 5], [], [], np.zeros(0, np.float32))
    assert (s.n, s.m, s.me) == (2, 0, -1)
    assert s.neighbours(1).tolist() == []


def test_save_and_load_round_trip(tmp_path):
    s = from_edges([1, 2, 3], [1, 2], [2, 3], np.array([0.5, 0.25], np.float32), me_id=2)
    path = tmp_path / "cache" / "graph.npz"
    s.save(path)
    back = load(path)
    assert back.me == s.me
    for name in ("ids", "indptr", "indices", "weights", "flags"):
        assert np.array_equal(getattr(back, name), getattr(s, name))
    path.write_bytes(b"not a snapshot")
    with pytest.raises(ValueError, match="unreadable"):
        load(path)


edges = st.lists(
    st.tuples(st.integers(0, 30), st.integers(0, 30), st.floats(0.01, 1.0)), max_size=120
)


@settings(max_examples=60, deadline=None)
@given(edges)
def test_matches_networkx_on_random_graphs(edge_list):
    people = list(range(31))
    graph = nx.Graph()
    graph.add_nodes_from(people)
    for u, v, w in edge_list:
        if u != v:
            old = graph.get_edge_data(u, v, {}).get("weight", 0.0)
            graph.add_edge(u, v, weight=max(old, np.float32(w)))
    a = [u for u, _, _ in edge_list]
    b = [v for _, v, _ in edge_list]
    w = np.array([x for _, _, x in edge_list], dtype=np.float32)
    s = from_edges(people, a, b, w)
    assert s.m == graph.number_of_edges()
    for node in people:
        index = s.index_of(node)
        mine = dict(
            zip(s.ids[s.neighbours(index)].tolist(), s.strengths(index).tolist(), strict=True)
        )
        theirs = {v: float(d["weight"]) for v, d in graph[node].items()}
        assert mine == pytest.approx(theirs)


def test_strength_prior_doctest():
    from goodwill.graph import strength

    assert doctest.testmod(strength).failed == 0
    assert strength.prior_strength("cooccurrence", 0.0) == strength.FLOOR
    assert strength.prior_strength("cooccurrence", 1e9) == strength.CEILING
