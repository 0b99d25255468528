"""Warm introduction paths: the strongest chains of ties from one person to another.

A chain ``source - c - ... - target`` is as warm as the product of its tie strengths (each in
(0, 1]): a request passed along a chain survives each hand-over with the tie's strength, so the
product is the chance it arrives. Ranking by the product is ranking by the shortest path under
the additive cost ``-log(strength)``, the usual transformation for most-reliable paths (see
e.g. Ahuja, Magnanti & Orlin, *Network Flows*, 1993, §4); ties in strength go to fewer hops.

Alternatives go through *different first contacts*: the person you would actually write to is
what distinguishes one introduction from another, so ``warm_paths`` returns the strongest chain
through each of the ``k`` best first contacts (a Yen-style ranking, Yen 1971, restricted to
distinct first hops). Nodes flagged ``NEVER_CONNECTOR`` or ``BLOCKED`` are never used as
intermediate hops; they may be the source or the target.

What is exact. For every first contact ``c`` the returned chain is the strongest simple path
``source, c, ..., target`` with at most ``max_hops`` ties, every tie at least ``min_strength``
strong, no flagged intermediate and the source never revisited; among equally strong chains,
the one with fewer hops. The ``k`` first contacts returned are the ``k`` whose best chains rank
highest by (strength, hops). This holds because the search is exhaustive within the hop limit:
labels are kept per hop count (Bellman-Ford relaxation truncated at the hop limit, so no chain
is lost to the limit as it can be in Dijkstra), and every chain of up to ``max_hops`` ties is
split at some node into a labelled part from each end. Forward labels keep, at each node, the
``k`` strongest walks with distinct first contacts: a first contact evicted there has ``k``
others with stronger chains, so it is not among the ``k`` returned. Labels are walks, but a
walk that repeats a node is never strictly better than the simple path obtained by cutting the
loop out (factors are at most 1), which keeps the same first contact and has fewer hops; so
the best walk is a simple path. The only pruning drops a partial walk whose product, times the
strongest tie that could complete it, is already below the k-th best full chain found: it
cannot change the result. Floating-point products are compared exactly; two chains whose
strengths differ in the last bit may be ordered either way.

How (``warm_paths``): a bidirectional search (as in bidirectional BFS, Pohl 1971). The source
side starts with its first contacts, the target side with the target; each of the
``max_hops - 1`` steps grows, by one hop, the side whose frontier has fewer ties to scan, and
every new label is met with the other side's labels at that node. So the work follows the
smaller neighbourhood: a person with 12 contacts reaching a hub with 6,000 scans the person's
three-hop ball and the hub's own ties, not the hub's two-hop ball (1.6 million ties in the 10M
benchmark graph). Hub-to-hub queries are kept in check by the pruning, which the strong
two-hop chains that hubs share make effective. ``paths_to_any`` labels outward from the whole
target set for ``max_hops - 2`` hops and then tries each first contact and its neighbours;
its work grows with the ties around the targets.

Example: you (0) know Ana (1) well and Ben (2) a little; both know Cy (3), whom you want to
meet; Dee (4), flagged as never to be used as a connector, knows Cy better than anyone.

>>> import numpy as np
>>> from goodwill.graph.snapshot import NEVER_CONNECTOR, from_edges
>>> s = from_edges(range(5), [0, 0, 0, 1, 2, 4], [1, 2, 4, 3, 3, 3],
...                np.array([0.9, 0.5, 1.0, 0.8, 0.9, 1.0], np.float32),
...                flags={4: NEVER_CONNECTOR})
>>> [(p.nodes, round(p.strength, 2)) for p in warm_paths(s, 0, 3)]
[((0, 1, 3), 0.72), ((0, 2, 3), 0.45)]
>>> shortest_hops(s, 0, 3)
2
>>> [p.nodes for p in paths_to_any(s, 0, np.array([2, 3]))]
[(0, 1, 3), (0, 2)]
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from goodwill.graph._kernels_paths import kernel, strongest_chains, warm_chains
from goodwill.graph.snapshot import BLOCKED, NEVER_CONNECTOR, Snapshot

__all__ = ["NOT_A_CONNECTOR", "Path", "paths_to_any", "shortest_hops", "warm_paths"]

NOT_A_CONNECTOR = NEVER_CONNECTOR | BLOCKED
"""Flag bits that keep a person from being an intermediate hop."""

MAX_HOPS_LIMIT = 8


@dataclass(frozen=True)
class Path:
    """One chain of ties, as node indices from the source to the target.

    ``strength`` is the product of ``hop_strengths``; ``hops`` is ``len(nodes) - 1``.
    """

    nodes: tuple[int, ...]
    strength: float
    hops: int
    hop_strengths: tuple[float, ...]

    @property
    def first_contact(self) -> int:
        """The person the source would write to first (the target itself for a direct tie)."""
        return self.nodes[1]

    @property
    def target(self) -> int:
        return self.nodes[-1]


def warm_paths(
    s: Snapshot,
    source: int,
    target: int,
    *,
    k: int = 5,
    max_hops: int = 4,
    min_strength: float = 0.0,
) -> list[Path]:
    """The ``k`` strongest chains from ``source`` to ``target``, through distinct first contacts.

    Ranked by strength (the product of tie strengths), then by hops. ``min_strength`` drops
    every *tie* weaker than it from the search (not a bound on the whole chain's product).
    An empty list when the target is out of reach within ``max_hops``.

    >>> import numpy as np
    >>> from goodwill.graph.snapshot import from_edges
    >>> s = from_edges(range(4), [0, 0, 1, 2, 0], [1, 2, 3, 3, 3],
    ...                np.array([0.9, 0.6, 0.9, 0.6, 0.3], np.float32))
    >>> [(p.nodes, round(p.strength, 2), p.hops) for p in warm_paths(s, 0, 3, k=2)]
    [((0, 1, 3), 0.81, 2), ((0, 2, 3), 0.36, 2)]
    >>> [p.nodes for p in warm_paths(s, 0, 3, min_strength=0.5)]
    [(0, 1, 3), (0, 2, 3)]
    """
    _check_node(s, source, "source")
    _check_node(s, target, "target")
    if source == target:
        raise ValueError("source and target are the same person")
    _check_limits(k, max_hops)
    work = _workspace(s)
    nodes, strengths = warm_chains(
        s.indptr,
        s.indices,
        s.weight_bits,
        s.flags,
        NOT_A_CONNECTOR,
        source,
        target,
        max_hops,
        k,
        float(min_strength),
        work.loc,
        work.loc_b,
    )
    return _as_paths(nodes, strengths)


def paths_to_any(
    s: Snapshot,
    source: int,
    targets: npt.ArrayLike,
    *,
    k: int = 5,
    max_hops: int = 3,
    min_strength: float = 0.0,
) -> list[Path]:
    """Up to ``k`` strong chains from ``source`` to people in ``targets``, each to a different
    target through a different first contact.

    Picked greedily: the strongest chain to any target, then the strongest that reaches a new
    target through a new first contact, and so on (exact for that greedy rule within
    ``max_hops``). A chain ends at the first target it meets: other targets are never
    intermediate hops. The source is ignored if it is in ``targets``.

    >>> import numpy as np
    >>> from goodwill.graph.snapshot import from_edges
    >>> s = from_edges(range(5), [0, 0, 1, 1, 2], [1, 2, 3, 4, 4],
    ...                np.array([0.9, 0.5, 0.9, 0.8, 0.9], np.float32))
    >>> [(p.nodes, round(p.strength, 2)) for p in paths_to_any(s, 0, [3, 4])]
    [((0, 1, 3), 0.81), ((0, 2, 4), 0.45)]
    """
    _check_node(s, source, "source")
    wanted = np.unique(np.asarray(targets, dtype=np.int64))
    if wanted.size and (wanted[0] < 0 or wanted[-1] >= s.n):
        raise IndexError("a target is not a node of this snapshot")
    wanted = wanted[wanted != source].astype(np.int32)
    if wanted.size == 0:
        return []
    return _chains(s, source, wanted, k, max_hops, min_strength, k)


def shortest_hops(s: Snapshot, source: int, target: int, max_hops: int | None = None) -> int | None:
    """The number of ties on a shortest path (plain breadth-first search: strengths and flags
    are ignored); ``None`` when there is none within ``max_hops``.

    >>> import numpy as np
    >>> from goodwill.graph.snapshot import from_edges
    >>> s = from_edges(range(4), [0, 1, 2], [1, 2, 3], np.ones(3, np.float32))
    >>> shortest_hops(s, 0, 3), shortest_hops(s, 0, 3, max_hops=2)
    (3, None)
    """
    _check_node(s, source, "source")
    _check_node(s, target, "target")
    limit = -1 if max_hops is None else max_hops
    if limit < -1:
        raise ValueError("max_hops must be >= 0")
    work = _workspace(s)
    state, queue = work.bfs_arrays()
    hops = int(bfs_hops(s.indptr, s.indices, source, target, limit, state, queue))
    return None if hops < 0 else hops


# -- internals ----------------------------------------------------------------------------------
def _check_node(s: Snapshot, node: int, name: str) -> None:
    if not 0 <= node < s.n:
        raise IndexError(f"{name} {node} is not a node of this snapshot (n={s.n})")


def _chains(
    s: Snapshot,
    source: int,
    targets: npt.NDArray[np.int32],
    k: int,
    max_hops: int,
    min_strength: float,
    k_slots: int,
) -> list[Path]:
    _check_limits(k, max_hops)
    work = _workspace(s)
    nodes, strengths = strongest_chains(
        s.indptr,
        s.indices,
        s.weight_bits,
        s.flags,
        NOT_A_CONNECTOR,
        source,
        targets,
        max_hops,
        k,
        k_slots,
        float(min_strength),
        k_slots > 1,
        work.loc,
        work.tmark,
    )
    return _as_paths(nodes, strengths)


def _check_limits(k: int, max_hops: int) -> None:
    if k < 1:
        raise ValueError("k must be >= 1")
    if not 1 <= max_hops <= MAX_HOPS_LIMIT:
        raise ValueError(f"max_hops must be between 1 and {MAX_HOPS_LIMIT}")


def _as_paths(nodes: npt.NDArray[np.int32], strengths: npt.NDArray[np.float32]) -> list[Path]:
    paths = [_as_path(row, hop_w) for row, hop_w in zip(nodes, strengths, strict=True)]
    paths.sort(key=lambda p: (-p.strength, p.hops, p.first_contact))
    return paths


def _as_path(row: npt.NDArray[np.int32], hop_w: npt.NDArray[np.float32]) -> Path:
    nodes = [int(v) for v in row if v >= 0]
    weights = [float(w) for w in hop_w[: len(nodes) - 1]]
    # Cut loops out of a walk (kept for safety: the best walk is already simple, see above).
    seen: dict[int, int] = {}
    i = 0
    while i < len(nodes):
        earlier = seen.get(nodes[i])
        if earlier is not None:
            del nodes[earlier:i]
            del weights[earlier:i]
            seen = {v: j for j, v in enumerate(nodes[: earlier + 1])}
            i = earlier + 1
            continue
        seen[nodes[i]] = i
        i += 1
    strength = float(np.prod(np.asarray(weights, dtype=np.float64))) if weights else 1.0
    return Path(tuple(nodes), strength, len(nodes) - 1, tuple(weights))


class _Workspace:
    """Scratch arrays of length n that the kernels leave as they found them."""

    def __init__(self, n: int, indptr: npt.NDArray[np.int64]) -> None:
        self.n = n
        self.loc = np.full(n, -1, dtype=np.int32)
        self.loc_b = np.full(n, -1, dtype=np.int32)
        self.tmark = np.zeros(n, dtype=np.int8)
        self._bfs: tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]] | None = None
        self._buffer: npt.NDArray[np.int32] | None = None
        self._longest = int(np.diff(indptr).max()) if n else 0

    def neighbours_buffer(self) -> npt.NDArray[np.int32]:
        """Room for one row of neighbours (the longest)."""
        if self._buffer is None:
            self._buffer = np.empty(self._longest + 1, dtype=np.int32)
        return self._buffer

    def bfs_arrays(self) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
        if self._bfs is None:
            self._bfs = (np.zeros(self.n, dtype=np.int32), np.empty(2 * self.n, dtype=np.int32))
        return self._bfs


_LOCAL = threading.local()


def _workspace(s: Snapshot) -> _Workspace:
    """Scratch arrays for ``s``, one set per thread (a kernel runs start to end in the thread
    that called it, so nothing is shared), dropped with the snapshot."""
    last = getattr(_LOCAL, "last", None)
    if last is not None and last[0]() is s:
        work: _Workspace = last[1]
        return work
    cache: weakref.WeakKeyDictionary[Snapshot, _Workspace] | None = getattr(_LOCAL, "cache", None)
    if cache is None:
        cache = _LOCAL.cache = weakref.WeakKeyDictionary()
    work_or_none = cache.get(s)
    if work_or_none is None:
        work_or_none = cache[s] = _Workspace(s.n, s.indptr)
    _LOCAL.last = (weakref.ref(s), work_or_none)
    return work_or_none


# -- breadth-first search -----------------------------------------------------------------------
@kernel
def bfs_hops(
    indptr: Any, indices: Any, source: int, target: int, max_hops: int, state: Any, queue: Any
) -> int:
    """Hop distance from ``source`` to ``target`` by bidirectional BFS; -1 beyond ``max_hops``.

    Level-synchronous: the side whose frontier has fewer ties to scan expands one level, and
    the first tie that meets the other side gives the distance. ``state`` (int32, length n)
    holds ``level + 1`` for nodes reached from the source and ``-(level + 1)`` for nodes
    reached from the target; it must be all zero on entry and is left all zero. ``queue``
    (int32, length 2n) holds the forward queue in its first half and the backward in its second.
    """
    if source == target:
        return 0
    n = indptr.shape[0] - 1
    limit = max_hops if max_hops >= 0 else n
    state[source] = 1
    state[target] = -1
    queue[0] = source
    queue[n] = target
    f_start, f_stop, b_start, b_stop = 0, 1, n, n + 1
    depth_f, depth_b = 0, 0
    best = -1
    while depth_f + depth_b < limit and f_start < f_stop and b_start < b_stop:
        work_f = 0
        for i in range(f_start, f_stop):
            work_f += indptr[queue[i] + 1] - indptr[queue[i]]
        work_b = 0
        for i in range(b_start, b_stop):
            work_b += indptr[queue[i] + 1] - indptr[queue[i]]
        forward = work_f <= work_b
        start, stop = (f_start, f_stop) if forward else (b_start, b_stop)
        sign = 1 if forward else -1
        level = depth_f if forward else depth_b
        length = stop
        for i in range(start, stop):
            u = queue[i]
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                mark = state[v] * sign
                if mark < 0:
                    # The first meeting is a shortest one: a tie from this level to an older
                    # level of the other side would have been met when that level grew.
                    best = level + 1 + (-mark - 1)
                    break
                if mark == 0:
                    state[v] = sign * (level + 2)
                    queue[length] = v
                    length += 1
            if best >= 0:
                break
        if forward:
            f_start, f_stop, depth_f = stop, length, depth_f + 1
        else:
            b_start, b_stop, depth_b = stop, length, depth_b + 1
        if best >= 0:
            break
    for i in range(0, f_stop):
        state[queue[i]] = 0
    for i in range(n, b_stop):
        state[queue[i]] = 0
    if best > limit:
        return -1
    return best
