"""Communities find planted blocks; layouts are finite, shaped and deterministic."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from goodwill.graph import communities as communities_module
from goodwill.graph.communities import communities, layout
from goodwill.graph.snapshot import Snapshot, from_edges


def test_doctest():
    assert doctest.testmod(communities_module).failed == 0


def planted(sizes: list[int], p_in: float, p_out: float, seed: int) -> tuple[Snapshot, np.ndarray]:
    """A stochastic block model (node labels shuffled) and its blocks."""
    rng = np.random.default_rng(seed)
    block = np.repeat(np.arange(len(sizes)), sizes)
    n = block.shape[0]
    u, v = np.triu_indices(n, 1)
    p = np.where(block[u] == block[v], p_in, p_out)
    keep = rng.random(u.shape[0]) < p
    label = rng.permutation(n)
    w = rng.uniform(0.2, 1.0, int(keep.sum())).astype(np.float32)
    s = from_edges(np.arange(n), label[u[keep]], label[v[keep]], w)
    truth = np.empty(n, np.int64)
    truth[label] = block
    return s, truth


def adjusted_rand(x: np.ndarray, y: np.ndarray) -> float:
    """Hubert & Arabie's adjusted Rand index from the contingency table."""
    _, xi = np.unique(x, return_inverse=True)
    _, yi = np.unique(y, return_inverse=True)
    table = np.zeros((xi.max() + 1, yi.max() + 1))
    np.add.at(table, (xi, yi), 1)

    def pairs(a: np.ndarray) -> float:
        return float((a * (a - 1) / 2).sum())

    index = pairs(table)
    rows, cols = pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    expected = rows * cols / pairs(np.array([x.shape[0]]))
    return (index - expected) / ((rows + cols) / 2 - expected)


def test_leiden_finds_planted_blocks():
    s, truth = planted([40, 30, 30, 20], 0.35, 0.01, seed=1)
    labels = communities(s)
    assert labels.dtype == np.int32
    assert labels.shape == (s.n,)
    assert adjusted_rand(labels, truth) > 0.95
    # community 0 is the largest
    sizes = np.bincount(labels)
    assert sizes[0] == sizes.max()
    assert list(sizes) == sorted(sizes, reverse=True)


def test_well_separated_blocks_are_recovered_exactly():
    s, truth = planted([25, 25, 25], 0.6, 0.003, seed=4)
    labels = communities(s)
    for block in range(3):
        assert len(set(labels[truth == block].tolist())) == 1
    assert len(set(labels.tolist())) == 3


def test_communities_are_deterministic_and_resolution_matters():
    s, _ = planted([60, 50, 40, 30, 20], 0.2, 0.02, seed=2)
    first = communities(s, seed=3)
    assert np.array_equal(first, communities(s, seed=3))
    fine = communities(s, resolution=4.0, seed=3)
    assert len(set(fine.tolist())) > len(set(first.tolist()))


def test_isolated_people_and_empty_graphs():
    s = from_edges(range(5), [0, 1], [1, 2], np.ones(2, np.float32))
    labels = communities(s)
    assert labels[0] == labels[1] == labels[2]
    assert len({labels[3], labels[4], labels[0]}) == 3
    empty = from_edges([], [], [], np.zeros(0, np.float32))
    assert communities(empty).shape == (0,)
    assert layout(empty, communities(empty)).shape == (0, 2)


def test_force_layout_is_finite_and_deterministic():
    s, _ = planted([20, 20], 0.3, 0.02, seed=5)
    labels = communities(s)
    xy = layout(s, labels, seed=1)
    assert xy.shape == (s.n, 2)
    assert xy.dtype == np.float32
    assert np.isfinite(xy).all()
    assert np.abs(xy).max() <= 1.0 + 1e-6
    assert np.array_equal(xy, layout(s, labels, seed=1))
    assert not np.array_equal(xy, layout(s, labels, seed=2))


def test_community_layout_for_large_graphs():
    s, _ = planted([80, 60, 50, 40, 30, 20], 0.15, 0.004, seed=6)
    labels = communities(s)
    xy = layout(s, labels, seed=0, max_nodes=100)  # forces the community-first method
    assert xy.shape == (s.n, 2)
    assert np.isfinite(xy).all()
    assert np.array_equal(xy, layout(s, labels, seed=0, max_nodes=100))
    # members sit nearer their own community's centre than other communities' centres
    centres = np.array([xy[labels == c].mean(axis=0) for c in range(labels.max() + 1)])
    distance = np.linalg.norm(xy[:, None, :] - centres[None, :, :], axis=2)
    assert (distance.argmin(axis=1) == labels).mean() > 0.95
    # more communities than max_nodes: the small ones are placed beside their anchor or a ring
    xy_small = layout(s, labels, max_nodes=3)
    assert np.isfinite(xy_small).all()
    with pytest.raises(ValueError, match="labels"):
        layout(s, labels[:-1])


def test_isolated_people_get_their_own_place_in_the_community_layout():
    s = from_edges(range(12), [0, 1, 2, 3], [1, 2, 0, 4], np.ones(4, np.float32))
    labels = communities(s)
    xy = layout(s, labels, max_nodes=2)
    assert np.isfinite(xy).all()
    assert len({tuple(p) for p in xy.round(5).tolist()}) == s.n  # nobody on top of another
