"""Numba kernels behind ``reach`` and ``influence`` (private: the public API is in those modules).

Every kernel works on the snapshot's CSR arrays (``indptr``, ``indices``, ``weights`` as their
uint16 bits, read through ``_kernels_build.half``, and ``flags``), releases the GIL and is
compiled once and cached on disk. None allocates anything proportional to the graph: the caller
lends a :class:`Scratch` (per-node arrays kept for the snapshot's lifetime) so that repeated
queries reuse memory.

Visited sets are *epoch stamps*: ``stamp[v] == epoch`` means "seen in this traversal". Starting
a traversal only increments ``epoch`` (O(1), no clearing); the array is cleared once every
2^31 traversals when the counter would overflow.

Random numbers come from SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number
generators", OOPSLA 2014). Each sample (a cascade, an RR set) seeds its own stream from
``(seed, phase, sample index)``, so results do not depend on how samples are split between
threads, and a seed always gives the same answer.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
from numba import njit as _numba_njit

from goodwill.graph._kernels_build import half
from goodwill.graph.snapshot import BLOCKED, BULK, Snapshot

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
U8 = npt.NDArray[np.uint8]
U16 = npt.NDArray[np.uint16]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]

_F = TypeVar("_F", bound=Callable[..., Any])

#: Nodes that are never audience and never pass a post on.
SILENT = BLOCKED | BULK
# Exact reach labels (uint32): a 10-bit round stamp, a 21-bit sharer rank and a "multi" bit.
_STAMP_SHIFT = 22
_RANK_MASK = (1 << 21) - 1
_STAMP_SILENT = (1 << 10) - 1  # the stamp of silent nodes; queries use 1 .. _STAMP_SILENT - 1
_SILENT_LABEL = np.uint32((_STAMP_SILENT << _STAMP_SHIFT) | 1)
#: The most sharers one exact reach query takes (each needs a distinct rank).
MAX_SHARERS = 1 << 21
#: The most hops one exact reach query takes (a query uses ``hops + 1`` round stamps).
MAX_HOPS = _STAMP_SILENT - 2
_EPOCH_MAX = 2**31 - 2
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2^-53


def _jit(**options: Any) -> Callable[[_F], _F]:
    """``numba.njit`` typed for mypy: the kernel keeps its Python signature."""

    def wrap(fn: _F) -> _F:
        return cast(_F, _numba_njit(**options)(fn))

    return wrap


__all__ = [
    "MAX_HOPS",
    "MAX_SHARERS",
    "SILENT",
    "Scratch",
    "ball_kernel",
    "clear_state",
    "greedy_cover_kernel",
    "ic_kernel",
    "reach_final",
    "reach_rounds",
    "reach_tally",
    "rr_kernel",
    "scratch",
    "workers",
]


# -- workspaces ---------------------------------------------------------------------------------
class Scratch:
    """Per-node arrays lent to one kernel call at a time (allocated lazily, then reused).

    ``stamp``/``epoch`` serve the traversal kernels; ``labels``/``mark``/``label_epoch`` the
    exact reach kernel, which packs a node's round stamp and sharer label into one uint32 so
    that a tie scanned costs one random read of a 4-byte word; ``state`` the 2 bits per node
    of its last round. Named int32 arrays have ``n + 1`` entries.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.stamp = _touched(np.zeros(n, dtype=np.int32))
        self.epoch = 0
        self.label_epoch = 0
        self._labels: U32 | None = None
        self._mark: I32 | None = None
        self._state: U64 | None = None
        self._silent: I32 | None = None
        self._int32: dict[str, I32] = {}
        self._uint32: dict[str, U32] = {}

    @property
    def labels(self) -> U32:
        """uint32[n]: per node ``round << 22 | earliest sharer << 1 | several sharers``."""
        if self._labels is None:
            self._labels = _touched(np.zeros(self.n, dtype=np.uint32))
        return self._labels

    @property
    def mark(self) -> I32:
        """int32[n]: the round stamp in which a reached node was last queued again."""
        if self._mark is None:
            self._mark = _touched(np.zeros(self.n, dtype=np.int32))
        return self._mark

    def state(self, flags: U8) -> tuple[U64, I32]:
        """For ``reach_final``: the 2-bit states (32 nodes per word; silent nodes 3) and the
        silent nodes' indices."""
        if self._state is None or self._silent is None:
            self._silent = np.flatnonzero(flags & SILENT).astype(np.int32)
            self._state = _touched(np.zeros((self.n + 31) // 32, dtype=np.uint64))
            clear_state(self._state, self._silent, self._state.shape[0], self._silent)
        return self._state, self._silent

    def int32(self, name: str) -> I32:
        """A named int32[n + 1] array (contents undefined between calls; the extra slot
        lets ``reach_final`` append without a bounds test)."""
        array = self._int32.get(name)
        if array is None:
            array = _touched(np.zeros(self.n + 1, dtype=np.int32))
            self._int32[name] = array
        return array

    def uint32(self, name: str) -> U32:
        """A named uint32[n] array (contents undefined between calls)."""
        array = self._uint32.get(name)
        if array is None:
            array = _touched(np.zeros(self.n, dtype=np.uint32))
            self._uint32[name] = array
        return array


_A = TypeVar("_A", bound=np.ndarray)


def _touched(array: _A) -> _A:
    """Write every page now: fresh zero pages would otherwise fault in during the first queries."""
    array.fill(0)
    return array


class _Pool:
    """Free workspaces per snapshot; a thread takes one, uses it, and gives it back."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._free: weakref.WeakKeyDictionary[Snapshot, list[Scratch]] = weakref.WeakKeyDictionary()

    def take(self, s: Snapshot) -> Scratch:
        with self._lock:
            free = self._free.setdefault(s, [])
            if free:
                return free.pop()
        return Scratch(s.n)

    def give(self, s: Snapshot, work: Scratch) -> None:
        with self._lock:
            self._free.setdefault(s, []).append(work)


_POOL = _Pool()


class scratch:
    """Borrow a workspace for snapshot ``s`` for the duration of a ``with`` block."""

    def __init__(self, s: Snapshot) -> None:
        self._s = s
        self._work: Scratch | None = None

    def __enter__(self) -> Scratch:
        self._work = _POOL.take(self._s)
        return self._work

    def __exit__(self, *exc: object) -> None:
        if self._work is not None:
            _POOL.give(self._s, self._work)
            self._work = None


def workers() -> int:
    """Threads to spread independent samples over (the CPUs this process may use, up to 8)."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        count = os.cpu_count() or 1
    return max(1, min(count, 8))


# -- small helpers ------------------------------------------------------------------------------
@_jit(cache=True, nogil=True)
def _bump(stamp: I32, epoch: int) -> int:
    """The next epoch (clearing the stamps in the rare case the counter would overflow)."""
    epoch += 1
    if epoch > _EPOCH_MAX:
        stamp[:] = 0
        epoch = 1
    return epoch


@_jit(cache=True, nogil=True, inline="always")
def _mix(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@_jit(cache=True, nogil=True, inline="always")
def _stream(seed: np.uint64, phase: int, index: int) -> np.uint64:
    """The starting state of the random stream of sample ``index`` in ``phase``."""
    z = _mix(seed + _GOLDEN * np.uint64(phase + 1))
    return _mix(z ^ (np.uint64(index) * _GOLDEN))


@_jit(cache=True, nogil=True, inline="always")
def _uniform(state: np.uint64) -> tuple[np.uint64, float]:
    """Advance the stream; return the new state and a uniform draw in [0, 1)."""
    state = state + _GOLDEN
    return state, float(_mix(state) >> np.uint64(11)) * _TO_UNIT


# -- exact reach --------------------------------------------------------------------------------
@_jit(cache=True, nogil=True)
def _next_rounds(labels: U32, mark: I32, flags: U8, silent: int, last: int, rounds: int) -> int:
    """The first of ``rounds`` fresh round stamps after ``last``.

    When the stamps run out (and on first use, ``last == 0``) every label is cleared and the
    silent nodes are marked for good: reached in a round no query uses, with a label that no
    merge can change, so the hot loop never reads ``flags``.
    """
    if last == 0 or last + rounds >= _STAMP_SILENT:
        labels[:] = 0
        mark[:] = 0
        for v in range(flags.shape[0]):
            if flags[v] & silent:
                labels[v] = _SILENT_LABEL
        last = 0
    return last + 1


@_jit(cache=True, nogil=True, inline="always")
def _merge(
    labels: U32, w: int, key: np.uint32, fa: np.int64, fm: np.int64, values: np.uint32
) -> bool:
    """Merge a pushed ``(best, multi)`` into ``w``'s; whether ``w``'s values changed."""
    m = np.int64(key & 1)
    a = np.int64((key >> 1) & _RANK_MASK)
    if m == 1 and fa >= a:
        return False  # silent nodes always end here
    new_a = fa if fa < a else a
    new_m = m | fm | (1 if fa != a else 0)
    if new_a == a and new_m == m:
        return False
    labels[w] = (key & ~values) | np.uint32((new_a << 1) | new_m)
    return True


@_jit(cache=True, nogil=True)
def reach_rounds(
    indptr: I64,
    indices: I32,
    flags: U8,
    silent: int,
    sharers: I64,
    hops: int,
    labels: U32,
    mark: I32,
    last_round: int,
    members: I32,
    front: I32,
    front_labels: U32,
    changed: I32,
) -> tuple[I64, int, int, int, int]:
    """All but the last round of the exact reach search (see ``reach_final``).

    Sharers are known by rank (their position in ``sharers``). After round ``r`` each reached
    node ``v`` carries ``best(v)``, the smallest rank among the sharers within distance ``r``
    of ``v``, and ``multi(v)``, whether there are at least two of them. Both follow from the
    closed neighbourhood's values after round ``r - 1``: the union of neighbour sets has its
    minimum at the smallest minimum, and two or more members when one of the sets has, or
    when two minima differ. Only nodes whose values changed in a round pass them on in the
    next, so the work is that of one multi-source BFS plus a few re-propagated values.

    ``labels[v]`` (uint32) packs ``round << 22 | best << 1 | multi``, where ``round`` is a
    global round stamp (``first + r`` for a node first reached in round ``r`` of this query):
    one 4-byte read per tie scanned tells whether ``v`` was reached and with what. ``mark[v]``
    is the round in which an already reached ``v`` was last queued again (written only when
    its values change). ``last_round`` is the last stamp used (0: fresh labels).

    Runs rounds ``1 .. hops - 1`` and leaves the nodes that pass values on in the last round
    in ``front[:n_front]`` with their values in ``front_labels``. Returns ``(levels, count,
    n_sharers, n_front, first)``: people at each distance so far, members so far
    (``members[:count]``, the distinct non-silent sharers first) and the first round stamp.
    """
    k = sharers.shape[0]
    levels = np.zeros(hops + 1, dtype=np.int64)
    first = _next_rounds(labels, mark, flags, silent, last_round, hops + 1)
    values = np.uint32((1 << _STAMP_SHIFT) - 1)
    stamp = np.uint32(first << _STAMP_SHIFT)
    count = 0
    n_front = 0
    for rank in range(k):
        s = sharers[rank]
        if flags[s] & silent or labels[s] >> _STAMP_SHIFT >= first:
            continue
        labels[s] = stamp | np.uint32(rank << 1)
        members[count] = s
        count += 1
        front[n_front] = s
        n_front += 1
    n_sharers = count
    levels[0] = count
    home = front
    for r in range(1, hops):
        if n_front == 0:
            break
        current = first + r
        stamp = np.uint32(current << _STAMP_SHIFT)
        before = count
        # Values as they were after the previous round: they move one hop per round.
        for i in range(n_front):
            front_labels[i] = labels[front[i]] & values
        n_changed = 0
        for i in range(n_front):
            u = front[i]
            pair = front_labels[i]
            fa = np.int64(pair >> 1)
            fm = np.int64(pair & 1)
            for e in range(indptr[u], indptr[u + 1]):
                w = indices[e]
                key = labels[w]
                reached = key >> _STAMP_SHIFT
                if reached < first:
                    labels[w] = stamp | pair
                    members[count] = w
                    count += 1
                    changed[n_changed] = w
                    n_changed += 1
                elif (
                    _merge(labels, w, key, fa, fm, values)
                    and reached != current
                    and mark[w] != current
                ):
                    mark[w] = current
                    changed[n_changed] = w
                    n_changed += 1
        levels[r] = count - before
        front, changed = changed, front
        n_front = n_changed
    for i in range(n_front):
        u = front[i]
        home[i] = u  # the caller reads the front from the array it passed as ``front``
        front_labels[i] = labels[u] & values
    return levels, count, n_sharers, n_front, first


@_jit(cache=True, nogil=True, inline="always")
def _state(state: U64, w: int) -> int:
    return int((state[w >> 5] >> np.uint64((w & 31) << 1)) & np.uint64(3))


@_jit(cache=True, nogil=True, inline="always")
def _set_state(state: U64, w: int, value: int) -> None:
    shift = np.uint64((w & 31) << 1)
    word = state[w >> 5] & ~(np.uint64(3) << shift)
    state[w >> 5] = word | (np.uint64(value) << shift)


@_jit(cache=True, nogil=True)
def reach_final(
    indptr: I64,
    indices: I32,
    labels: U32,
    final: int,
    front: I32,
    front_labels: U32,
    n_front: int,
    out: I32,
    start: int,
    k: int,
    state: U64,
    order: I32,
) -> tuple[int, I64, I64]:
    """The last round of the exact reach search (most of the work): the values of the front
    move one more hop (round stamp ``final``), and nodes reached for the first time go to
    ``out[start:]``.

    Returns the new end and, for the nodes reached in this round only, how many each sharer
    rank brought in first (``adds``) and alone (``unique``), counted on the way.

    Nothing changed here is passed on, so the round can go in any order: it goes through the
    front by ascending sharer rank (a counting sort), one *group* per rank. Then the first
    push that reaches a node carries its final ``best`` (the group's rank), the nodes a group
    reaches first are ``out[begin:end]``, and a node with two sharers can change no more: it
    is *saturated*. A 2-bit ``state`` per node (256 KB per million people, small enough for
    the core's own cache, where the 4-byte labels are not) says: 0 not reached, 1 merge
    through the label (reached in an earlier round, or by an earlier group alone), 2 reached
    by the current group alone so far, 3 saturated (and silent nodes, for good). A tie to a
    node in state 0, 2 or 3 is handled without a branch: the state word is rewritten
    (``state | 2`` for a push from one sharer, ``3`` from several), the node appended to
    ``out`` and the count moved on only when it was 0; only state 1 (a few per cent of the
    ties of a hub-heavy query) reads the label. When a group ends, its nodes still in state
    2 get their label and state 1. ``state`` is all zero but the silent nodes on entry, and
    so again after ``clear_state``.
    """
    values = np.uint32((1 << _STAMP_SHIFT) - 1)
    stamp = np.uint32(final << _STAMP_SHIFT)
    three = np.uint64(3)
    # Counting sort of the front by sharer rank.
    bucket = np.zeros(k + 1, dtype=np.int64)
    for i in range(n_front):
        bucket[(front_labels[i] >> 1) + 1] += 1
    for r in range(k):
        bucket[r + 1] += bucket[r]
    for i in range(n_front):
        r = front_labels[i] >> 1
        order[bucket[r]] = i
        bucket[r] += 1
    for i in range(start):
        _set_state(state, out[i], 1)
    adds = np.zeros(k, dtype=np.int64)
    unique = np.zeros(k, dtype=np.int64)
    count = start
    group = -1
    begin = count
    alone = 0  # nodes of the current group in state 2
    for j in range(n_front + 1):
        fa = np.int64(front_labels[order[j]] >> 1) if j < n_front else -1
        if fa != group:
            if group >= 0:  # the group is over: its lone nodes now merge through labels
                adds[group] = count - begin
                unique[group] += alone
                for q in range(begin, count):
                    w = out[q]
                    if _state(state, w) == 2:
                        _set_state(state, w, 1)
                        labels[w] = stamp | np.uint32(group << 1)
            if j == n_front:
                break
            group = int(fa)
            begin = count
            alone = 0
        i = order[j]
        several = front_labels[i] & 1
        raise_to = three if several else np.uint64(2)
        u = front[i]
        for e in range(indptr[u], indptr[u + 1]):
            w = indices[e]
            shift = np.uint64((w & 31) << 1)
            word = state[w >> 5]
            current = (word >> shift) & three
            if current == 1:
                key = labels[w]
                m = np.int64(key & 1)
                a = np.int64((key >> 1) & _RANK_MASK)
                new_a = fa if fa < a else a
                new_m = m | np.int64(several) | (1 if fa != a else 0)
                if new_a != a or new_m != m:
                    labels[w] = (key & ~values) | np.uint32((new_a << 1) | new_m)
                if new_m:
                    state[w >> 5] = word | (three << shift)
                    if key >> _STAMP_SHIFT == final and m == 0:
                        unique[a] -= 1  # reached alone by an earlier group: no longer alone
                continue
            state[w >> 5] = word | (raise_to << shift)
            fresh = 1 if current == 0 else 0
            out[count] = w
            count += fresh
            if several:
                alone -= 1 if current == 2 else 0
            else:
                alone += fresh
    return count, adds, unique


@_jit(cache=True, nogil=True)
def clear_state(state: U64, members: I32, count: int, silent_nodes: I32) -> None:
    """Back to "not reached" for ``members[:count]`` (all zero, then the silent nodes, when
    that is cheaper)."""
    if count * 4 > state.shape[0]:
        state[:] = 0
        for i in range(silent_nodes.shape[0]):
            _set_state(state, silent_nodes[i], 3)
    else:
        for i in range(count):
            _set_state(state, members[i], 0)


@_jit(cache=True, nogil=True)
def reach_tally(labels: U32, members: I32, lo: int, hi: int, k: int) -> tuple[I64, I64]:
    """Per sharer rank: the members it brought in first (``adds``) and alone (``unique``)."""
    adds = np.zeros(k, dtype=np.int64)
    unique = np.zeros(k, dtype=np.int64)
    for i in range(lo, hi):
        key = labels[members[i]]
        best = (key >> 1) & _RANK_MASK
        adds[best] += 1
        if key & 1 == 0:
            unique[best] += 1
    return adds, unique


@_jit(cache=True, nogil=True)
def ball_kernel(
    indptr: I64,
    indices: I32,
    flags: U8,
    silent: int,
    sources: I64,
    max_hops: int,
    stamp: I32,
    epoch: int,
    queue: I32,
) -> tuple[int, int, int]:
    """Multi-source BFS over non-silent nodes, ``max_hops`` deep (``-1``: no limit).

    The nodes reached are ``queue[:count]``, the distinct non-silent sources first; returns
    ``(count, n_sources, epoch)``.
    """
    epoch = _bump(stamp, epoch)
    tail = 0
    for i in range(sources.shape[0]):
        s = sources[i]
        if flags[s] & silent or stamp[s] == epoch:
            continue
        stamp[s] = epoch
        queue[tail] = s
        tail += 1
    n_sources = tail
    head = 0
    level_end = tail
    depth = 0
    while head < tail:
        if head == level_end:
            depth += 1
            level_end = tail
        if max_hops >= 0 and depth >= max_hops:
            break
        u = queue[head]
        head += 1
        for e in range(indptr[u], indptr[u + 1]):
            w = indices[e]
            if stamp[w] == epoch or flags[w] & silent:
                continue
            stamp[w] = epoch
            queue[tail] = w
            tail += 1
    return tail, n_sources, epoch


# -- independent cascades -----------------------------------------------------------------------
@_jit(cache=True, nogil=True)
def ic_kernel(
    indptr: I64,
    indices: I32,
    weights: U16,
    scale: float,
    flags: U8,
    silent: int,
    seeds: I64,
    max_hops: int,
    seed: np.uint64,
    first: int,
    count: int,
    stamp: I32,
    epoch: int,
    queue: I32,
) -> tuple[I64, int]:
    """Run ``count`` independent cascades (samples ``first .. first + count - 1``).

    A reached person ``u`` passes the post over each tie once, with probability ``scale *
    weight(u, w)`` (the coin is tossed for every tie of ``u``, reached neighbour or not, so
    that only live ties cost a look-up); ``seeds`` are reached at the start. Returns the
    number of people reached in each cascade (seeds included) and the epoch.
    """
    sizes = np.zeros(count, dtype=np.int64)
    for t in range(count):
        state = _stream(seed, 0, first + t)
        epoch = _bump(stamp, epoch)
        tail = 0
        for i in range(seeds.shape[0]):
            s = seeds[i]
            if flags[s] & silent or stamp[s] == epoch:
                continue
            stamp[s] = epoch
            queue[tail] = s
            tail += 1
        head = 0
        level_end = tail
        depth = 0
        while head < tail:
            if head == level_end:
                depth += 1
                level_end = tail
            if max_hops >= 0 and depth >= max_hops:
                break
            u = queue[head]
            head += 1
            for e in range(indptr[u], indptr[u + 1]):
                # The coin first: a tie that does not pass the post on costs no random read.
                state, draw = _uniform(state)
                if draw >= scale * half(weights[e]):
                    continue
                w = indices[e]
                if stamp[w] == epoch or flags[w] & silent:
                    continue
                stamp[w] = epoch
                queue[tail] = w
                tail += 1
        sizes[t] = tail
    return sizes, epoch


@_jit(cache=True, nogil=True)
def rr_kernel(
    indptr: I64,
    indices: I32,
    weights: U16,
    scale: float,
    flags: U8,
    silent: int,
    roots: I64,
    keep: U8,
    max_hops: int,
    seed: np.uint64,
    phase: int,
    first: int,
    count: int,
    stamp: I32,
    epoch: int,
    queue: I32,
) -> tuple[I32, I64, int, int]:
    """Generate ``count`` reverse-reachable (RR) sets (samples ``first .. first + count - 1``).

    Each picks a root uniformly from ``roots`` and collects everyone who would have passed the
    post to it in one random live-edge world (a reverse BFS that keeps tie ``u - w`` with
    probability ``scale * weight``; ties are symmetric, so reverse and forward coincide), at
    most ``max_hops`` deep. Only members with ``keep[v]`` are stored: a flat int32 buffer and
    ``offsets`` (int64[count + 1]). Returns ``(flat, offsets, scanned, epoch)`` where
    ``scanned`` counts the ties examined (the work done).
    """
    capacity = max(1024, 2 * count)
    flat = np.empty(capacity, dtype=np.int32)
    offsets = np.zeros(count + 1, dtype=np.int64)
    n_roots = roots.shape[0]
    position = 0
    scanned = 0
    for t in range(count):
        state = _stream(seed, phase, first + t)
        state, draw = _uniform(state)
        root = roots[min(int(draw * n_roots), n_roots - 1)]
        epoch = _bump(stamp, epoch)
        stamp[root] = epoch
        queue[0] = root
        head = 0
        tail = 1
        level_end = 1
        depth = 0
        while head < tail:
            if head == level_end:
                depth += 1
                level_end = tail
            if max_hops >= 0 and depth >= max_hops:
                break
            u = queue[head]
            head += 1
            scanned += indptr[u + 1] - indptr[u]
            for e in range(indptr[u], indptr[u + 1]):
                # The coin first: a tie that is not live costs no random read.
                state, draw = _uniform(state)
                if draw >= scale * half(weights[e]):
                    continue
                w = indices[e]
                if stamp[w] == epoch or flags[w] & silent:
                    continue
                stamp[w] = epoch
                queue[tail] = w
                tail += 1
        if position + tail > capacity:
            capacity = max(2 * capacity, position + tail)
            grown = np.empty(capacity, dtype=np.int32)
            grown[:position] = flat[:position]
            flat = grown
        for i in range(tail):
            v = queue[i]
            if keep[v]:
                flat[position] = v
                position += 1
        offsets[t + 1] = position
    return flat[:position].copy(), offsets, scanned, epoch


# -- greedy maximum coverage --------------------------------------------------------------------
@_jit(cache=True, nogil=True)
def greedy_cover_kernel(
    flat: I32, offsets: I64, n: int, k: int, candidates: I64
) -> tuple[I64, I64]:
    """Greedy maximum coverage of the RR sets by ``k`` of the ``candidates``.

    Each step takes the candidate in the most not-yet-covered sets (ties: the smaller node
    index) and marks its sets covered. Returns the chosen nodes and how many sets each newly
    covered. Linear in the total size of the sets plus ``k`` scans of the candidates.
    """
    n_sets = offsets.shape[0] - 1
    gain = np.zeros(n, dtype=np.int64)
    for i in range(flat.shape[0]):
        gain[flat[i]] += 1
    start = np.zeros(n + 1, dtype=np.int64)
    for v in range(n):
        start[v + 1] = start[v] + gain[v]
    fill = start[:n].copy()
    sets_of = np.empty(flat.shape[0], dtype=np.int32)  # set ids: fewer than 2^31 sets
    for r in range(n_sets):
        for i in range(offsets[r], offsets[r + 1]):
            v = flat[i]
            sets_of[fill[v]] = r
            fill[v] += 1
    covered = np.zeros(n_sets, dtype=np.uint8)
    taken = np.zeros(candidates.shape[0], dtype=np.uint8)
    k = min(k, candidates.shape[0])
    chosen = np.empty(k, dtype=np.int64)
    gains = np.empty(k, dtype=np.int64)
    for j in range(k):
        pick = -1
        pick_gain = -1
        for c in range(candidates.shape[0]):
            v = candidates[c]
            if taken[c] == 0 and (
                gain[v] > pick_gain or (gain[v] == pick_gain and v < candidates[pick])
            ):
                pick = c
                pick_gain = gain[v]
        taken[pick] = 1
        v = candidates[pick]
        chosen[j] = v
        gains[j] = pick_gain
        for i in range(start[v], start[v + 1]):
            r = sets_of[i]
            if covered[r]:
                continue
            covered[r] = 1
            for q in range(offsets[r], offsets[r + 1]):
                gain[flat[q]] -= 1
    return chosen, gains
