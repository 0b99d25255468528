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
    # The strongest of the duplicates, in half precision (within 0.05% of what was given).
    assert s.strengths(one).tolist() == [float(np.float16(0.7))]
    assert s.strengths(three).tolist() == [float(np.float16(0.4))]
    assert s.strengths(one).tolist() == pytest.approx([0.7], rel=2**-11)
    assert s.has_flag(three, NEVER_CONNECTOR)
    assert s.has_flag(three, BLOCKED)
    assert not s.has_flag(two, BLOCKED)
    assert s.weights.dtype == np.float16
    assert s.nbytes == 3 * 8 + 4 * 8 + 4 * 4 + 4 * 2 + 3


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


def test_people_ids_far_apart_and_unsorted():
    # Ids spread too widely for the dense look-up table go through the binary search.
    people = [10**12, 5, 3 * 10**9, 77]
    s = from_edges(people, [5, 10**12, 77], [77, 3 * 10**9, 5], np.array([0.3, 0.6, 0.9]))
    assert s.ids.tolist() == [5, 77, 3 * 10**9, 10**12]
    assert s.m == 2
    assert s.neighbours(0).tolist() == [1]
    assert s.strengths(1).tolist() == [float(np.float16(0.9))]
    with pytest.raises(KeyError, match="unknown person id 6"):
        from_edges(people, [5], [6], np.ones(1))
    with pytest.raises(KeyError, match="unknown person id 2"):
        from_edges([1, 3], [1, 3], [3, 2], np.ones(2))  # dense table, inside its span
    with pytest.raises(KeyError, match="unknown person id 9"):
        from_edges([], [9], [9], np.ones(1))


def test_half_decode_is_exact_for_every_bit_pattern():
    bits = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16)
    values = bits.view(np.float16).astype(np.float64)
    finite = np.isfinite(values)
    decoded = _decode_all(bits)
    assert np.array_equal(decoded[finite], values[finite])
    assert np.all(np.isinf(decoded[~finite]))


def _decode_all(bits):
    from numba import njit

    from goodwill.graph._kernels_build import half

    @njit
    def run(b):
        out = np.empty(b.shape[0])
        for i in range(b.shape[0]):
            out[i] = half(b[i])
        return out

    return run(bits)


def test_a_snapshot_made_by_hand_gets_the_kernel_dtypes():
    s = snapshot.Snapshot(
        np.array([1, 2]), np.array([0, 1, 2]), np.array([1, 0]), np.array([0.5, 0.5]), [0, 0]
    )
    assert [a.dtype for a in (s.ids, s.indptr, s.indices, s.weights, s.flags)] == [
        np.int64,
        np.int64,
        np.int32,
        np.float16,
        np.uint8,
    ]
    assert s.weight_bits.tolist() == [0x3800, 0x3800]


def test_version_1_files_are_read_and_rounded(tmp_path):
    path = tmp_path / "old.npz"
    np.savez(
        path,
        version=np.int64(1),
        ids=np.array([1, 2], np.int64),
        indptr=np.array([0, 1, 2], np.int64),
        indices=np.array([1, 0], np.int32),
        weights=np.array([0.8, 0.8], np.float32),
        flags=np.zeros(2, np.uint8),
        me=np.int64(0),
    )
    s = load(path)
    assert s.weights.dtype == np.float16
    assert s.strengths(0).tolist() == [float(np.float16(0.8))]
    with np.load(path) as data:
        arrays = dict(data)
    np.savez(path, **{**arrays, "version": np.int64(99)})
    with pytest.raises(ValueError, match="format 99 is outdated"):
        load(path)


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
            graph.add_edge(u, v, weight=max(old, float(np.float16(w))))
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
        assert mine == theirs


def test_strength_prior_doctest():
    from goodwill.graph import strength

    assert doctest.testmod(strength).failed == 0
    assert strength.prior_strength("cooccurrence", 0.0) == strength.FLOOR
    assert strength.prior_strength("cooccurrence", 1e9) == strength.CEILING
