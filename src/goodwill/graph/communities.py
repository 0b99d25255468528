"""Communities (Leiden, maximising modularity) and a deterministic 2-D layout for the web map.

``communities`` converts the snapshot to an igraph graph once, with tie strengths as edge
weights, and runs igraph's Leiden implementation (Traag, Waltman & van Eck 2019) with the
modularity objective (Newman & Girvan 2004; with a resolution parameter as in Reichardt &
Bornholdt 2006): ``Q = 1/(2W) Σ_ij (w_ij - gamma s_i s_j / (2W)) δ(c_i, c_j)`` where ``s_i`` is a
person's total tie strength and ``W`` the total strength of all ties. Labels are renumbered so
that community 0 is the largest (ties broken by the smallest node index in it); people without
ties are communities of their own.

``layout`` places people on a plane:

* up to ``max_nodes`` people: Fruchterman-Reingold (1991) with tie strengths as weights, from a
  seeded random start;
* more: the **community graph** (one node per community, edge weight the total strength of the
  ties between two communities) is laid out with Fruchterman-Reingold (at most ``max_nodes``
  communities: the smaller ones are placed next to the big community they are most tied to,
  or on an outer ring when they have no ties to one), and the members of each community are
  placed on a sunflower (Vogel 1979) spiral around its centre, best connected first, in a disc
  whose area grows with the community's size. Members of one community sit together; the
  distance between centres reflects how tied the communities are.

Both are deterministic for a seed: igraph's random numbers come from ``random.Random(seed)``
for the duration of the call.

>>> import numpy as np
>>> from goodwill.graph.snapshot import from_edges
>>> a = [0, 0, 1, 3, 3, 4, 2]
>>> b = [1, 2, 2, 4, 5, 5, 3]
>>> s = from_edges(range(6), a, b, np.ones(7, np.float32))
>>> communities(s).tolist()
[0, 0, 0, 1, 1, 1]
>>> xy = layout(s, communities(s))
>>> xy.shape, xy.dtype.name
((6, 2), 'float32')

References:
    Traag, V. A., Waltman, L. & van Eck, N. J. (2019). From Louvain to Leiden: guaranteeing
    well-connected communities. *Scientific Reports* 9, 5233.
    Newman, M. E. J. & Girvan, M. (2004). Finding and evaluating community structure in
    networks. *Physical Review E* 69, 026113.
    Reichardt, J. & Bornholdt, S. (2006). Statistical mechanics of community detection.
    *Physical Review E* 74, 016110.
    Fruchterman, T. M. J. & Reingold, E. M. (1991). Graph drawing by force-directed placement.
    *Software: Practice and Experience* 21(11), 1129-1164.
    Vogel, H. (1979). A better way to construct the sunflower head. *Mathematical
    Biosciences* 44, 179-189.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import igraph as ig
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from goodwill.graph.snapshot import Snapshot

__all__ = ["communities", "layout", "leiden"]

_rng_lock = threading.Lock()
GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))


@contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """igraph draws from ``random.Random(seed)`` inside the block (then from ``random`` again)."""
    with _rng_lock:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)


def _upper(
    s: Snapshot,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    rows = np.repeat(np.arange(s.n, dtype=np.int64), np.diff(s.indptr))
    keep = rows < s.indices
    return rows[keep], s.indices[keep].astype(np.int64), s.weights[keep].astype(np.float64)


def _graph(n: int, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> Any:
    # igraph reads pairs of Python ints fastest (2-3x faster than from a numpy array here).
    return ig.Graph(n=n, edges=list(zip(a.tolist(), b.tolist(), strict=True)), directed=False)


def leiden(
    n: int,
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
    w: npt.NDArray[np.float64],
    *,
    resolution: float = 1.0,
    seed: int = 0,
    n_iterations: int = 2,
) -> npt.NDArray[np.int32]:
    """Leiden (modularity) labels for ``n`` nodes and weighted edges ``a[k] - b[k]`` (each
    once), renumbered by community size (largest first), then smallest member."""
    if n == 0:
        return np.zeros(0, np.int32)
    graph = _graph(n, a, b)
    with _seeded(seed):
        found = graph.community_leiden(
            objective_function="modularity",
            weights=w if a.shape[0] else None,
            resolution=resolution,
            n_iterations=n_iterations,
        )
    return _renumber(np.asarray(found.membership, dtype=np.int64))


def _renumber(raw: npt.NDArray[np.int64]) -> npt.NDArray[np.int32]:
    count = int(raw.max()) + 1
    sizes = np.bincount(raw, minlength=count)
    first = np.full(count, raw.shape[0], np.int64)
    np.minimum.at(first, raw, np.arange(raw.shape[0]))
    order = np.lexsort((first, -sizes))
    new = np.empty(count, np.int32)
    new[order] = np.arange(count, dtype=np.int32)
    return new[raw]


def communities(
    s: Snapshot, *, resolution: float = 1.0, seed: int = 0, n_iterations: int = 2
) -> npt.NDArray[np.int32]:
    """Community label per node (``int32[n]``, 0 = the largest community).

    Leiden with the modularity objective and tie strengths as weights; ``resolution`` above 1
    gives more, smaller communities. ``n_iterations`` < 0 iterates until no improvement.
    The same snapshot and seed give the same labels.
    """
    a, b, w = _upper(s)
    return leiden(s.n, a, b, w, resolution=resolution, seed=seed, n_iterations=n_iterations)


def layout(
    s: Snapshot,
    labels: npt.ArrayLike,
    *,
    seed: int = 0,
    max_nodes: int = 5000,
    iterations: int = 500,
) -> npt.NDArray[np.float32]:
    """Positions ``float32[n, 2]`` for the web map, roughly within [-1, 1]² (see the module
    docstring for the method); the same inputs and seed give the same positions."""
    labels = np.asarray(labels, dtype=np.int64)
    if labels.shape != (s.n,):
        raise ValueError(f"labels must have one entry per node ({s.n})")
    if s.n == 0:
        return np.zeros((0, 2), np.float32)
    a, b, w = _upper(s)
    if s.n <= max_nodes:
        xy = _force_layout(s.n, a, b, w, seed=seed, iterations=iterations)
        return _fit(xy).astype(np.float32)
    return _community_layout(
        s, labels, a, b, w, seed=seed, max_nodes=max_nodes, iterations=iterations
    )


def _force_layout(
    n: int,
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
    w: npt.NDArray[np.float64],
    *,
    seed: int,
    iterations: int,
) -> npt.NDArray[np.float64]:
    if n == 1:
        return np.zeros((1, 2))
    start = np.random.default_rng(seed).uniform(-1.0, 1.0, (n, 2)) * math.sqrt(n)
    graph = _graph(n, a, b)
    with _seeded(seed):
        found = graph.layout_fruchterman_reingold(
            weights=w if a.shape[0] else None, niter=iterations, seed=start.tolist()
        )
    return np.asarray(found.coords, dtype=np.float64)


def _fit(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Centre at the origin and scale so the farthest point is at distance 1."""
    xy = xy - xy.mean(axis=0)
    radius = float(np.sqrt((xy**2).sum(axis=1)).max()) if xy.size else 0.0
    return xy / radius if radius > 0 else xy


def _community_layout(
    s: Snapshot,
    labels: npt.NDArray[np.int64],
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
    w: npt.NDArray[np.float64],
    *,
    seed: int,
    max_nodes: int,
    iterations: int,
) -> npt.NDArray[np.float32]:
    # Dense community numbers, ordered by size (largest first), then by label.
    uniq, dense = np.unique(labels, return_inverse=True)
    sizes = np.bincount(dense)
    order = np.lexsort((uniq, -sizes))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.shape[0])
    dense = rank[dense]
    sizes = sizes[order]
    count = sizes.shape[0]
    # The community graph: total strength between communities.
    ca, cb = dense[a], dense[b]
    between = ca != cb
    lo = np.minimum(ca[between], cb[between])
    hi = np.maximum(ca[between], cb[between])
    cg = sp.coo_matrix((w[between], (lo, hi)), shape=(count, count)).tocsr()
    cg.sum_duplicates()
    big = min(count, max_nodes)
    centres = np.zeros((count, 2), np.float64)
    core = cg[:big, :big].tocoo()
    centres[:big] = _fit(
        _force_layout(
            big,
            core.row.astype(np.int64),
            core.col.astype(np.int64),
            np.log1p(core.data),
            seed=seed,
            iterations=iterations,
        )
    )
    # Disc radii: the discs' total area is about a third of the unit disc's.
    radius = np.sqrt(sizes / s.n / 3.0)
    if big < count:
        _place_small(cg, big, count, centres, radius, seed)
    # Members: a sunflower spiral per community, best connected (by strength) at the centre.
    strength = np.bincount(np.concatenate([a, b]), np.concatenate([w, w]), minlength=s.n)
    members = np.lexsort((np.arange(s.n), -strength, dense))
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    position = np.arange(s.n) - np.repeat(first, sizes)
    community = dense[members]
    r = radius[community] * np.sqrt((position + 0.5) / sizes[community])
    theta = position * GOLDEN_ANGLE
    xy = np.empty((s.n, 2), np.float64)
    xy[members, 0] = centres[community, 0] + r * np.cos(theta)
    xy[members, 1] = centres[community, 1] + r * np.sin(theta)
    return _fit(xy).astype(np.float32)


def _place_small(
    cg: sp.csr_matrix,
    big: int,
    count: int,
    centres: npt.NDArray[np.float64],
    radius: npt.NDArray[np.float64],
    seed: int,
) -> None:
    """Put communities beyond the laid-out ``big`` beside the laid-out one they are most tied
    to (at a seeded angle, just outside its disc), or on an outer ring."""
    rng = np.random.default_rng(seed)
    sym = (cg + cg.T).tocsr()
    to_big = sym[big:, :big].tocsr()
    has_tie = np.diff(to_big.indptr) > 0
    anchor = np.full(count - big, -1, np.int64)
    if to_big.nnz:
        best = np.asarray(to_big.argmax(axis=1)).ravel()
        anchor[has_tie] = best[has_tie]
    angle = rng.uniform(0.0, 2.0 * math.pi, count - big)
    tied = anchor >= 0
    offset = radius[anchor[tied]] + radius[big:][tied] + 0.02
    centres[big:][tied] = centres[anchor[tied]] + np.column_stack(
        [offset * np.cos(angle[tied]), offset * np.sin(angle[tied])]
    )
    loose = np.flatnonzero(~tied)
    if loose.size:
        step = np.arange(loose.size)
        ring = 1.15 + 0.1 * np.sqrt(step / loose.size)
        theta = step * GOLDEN_ANGLE
        centres[big + loose] = np.column_stack([ring * np.cos(theta), ring * np.sin(theta)])
