"""Reach of a shared post: the unique audience when given people share it.

Two models answer "how many people will see it if these friends share it?":

* :func:`reach` (and :func:`audience`) is exact and deterministic: everyone within ``hops``
  ties of at least one sharer, each person counted once however many sharers know them. With
  ``hops=2`` that is the sharers' friends plus their friends' friends, the audience if every
  friend passed the post on once. It also says what each sharer *adds* in the order given (the
  marginal unique audience, which sums to the total) and whom each reaches *alone*.
* :func:`expected_reach` is the independent-cascade model (Kempe, Kleinberg & Tardos,
  "Maximizing the spread of influence through a social network", KDD 2003): a person who has
  the post passes it to each friend once, independently, with probability
  ``p(u, v) = min(1, base * strength(u, v))`` (:func:`pass_on_probability`). With the default
  ``base = 0.3`` a typical tie (strength 0.2 for a follow to 0.95 for a partner, see
  ``goodwill.graph.strength``) passes a post on with probability 0.06 to 0.29. The expected
  number of people reached is estimated by Monte Carlo with a 95% confidence interval.

Blocked and bulk people (``BLOCKED``, ``BULK`` flags) are never audience and never pass a post
on, in either model; a blocked or bulk sharer shares nothing. ``NEVER_CONNECTOR`` only keeps a
person off introduction paths: sharing is their own choice, so they count here.

Example: Ann and Bob both know Cat; Cat knows Dan; Bob also knows Eve.

>>> import numpy as np
>>> from goodwill.graph.snapshot import from_edges
>>> ann, bob, cat, dan, eve = range(5)
>>> s = from_edges([0, 1, 2, 3, 4], [ann, bob, cat, bob], [cat, cat, dan, eve],
...                np.ones(4, dtype=np.float32))
>>> r = reach(s, np.array([ann, bob]), exclude_sharers=True)
>>> r.levels                      # people at exactly 0, 1 and 2 hops from the sharers
{0: 2, 1: 2, 2: 1}
>>> r.cumulative                  # people within 1 and 2 hops, sharers not counted
{0: 0, 1: 2, 2: 3}
>>> r.adds.tolist(), r.unique.tolist()   # Ann brings Cat and Dan; Bob adds Eve, his alone
([2, 1], [0, 1])
>>> audience(s, np.array([ann, bob]), exclude_sharers=True).tolist()
[2, 3, 4]
>>> expected_reach(s, np.array([ann]), base=1.0).mean    # every tie passes it on
5.0
>>> expected_reach(s, np.array([ann]), base=0.0).mean    # nobody passes it on
1.0
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from goodwill.graph._kernels_reach import (
    MAX_HOPS,
    MAX_SHARERS,
    SILENT,
    Scratch,
    ball_kernel,
    clear_state,
    ic_kernel,
    reach_final,
    reach_rounds,
    reach_tally,
    scratch,
    workers,
)
from goodwill.graph.snapshot import Snapshot

__all__ = [
    "DEFAULT_BASE",
    "DEFAULT_MAX_HOPS",
    "Estimate",
    "Reach",
    "audience",
    "expected_reach",
    "pass_on_probability",
    "reach",
]

#: ``p(u, v) = min(1, DEFAULT_BASE * strength(u, v))`` unless a call says otherwise.
DEFAULT_BASE = 0.3
#: How far a post travels in the product's figures: the sharers' friends and theirs.
DEFAULT_MAX_HOPS = 2
_Z95 = 1.959963984540054  # the two-sided 95% quantile of the standard normal
_PARALLEL_SAMPLES = 64  # fewer samples than this run on the calling thread


@dataclass(frozen=True, eq=False)
class Reach:
    """The exact unique audience of a set of sharers (see :func:`reach`).

    ``levels[d]`` counts the people at exactly ``d`` hops from the nearest sharer (``0``: the
    distinct sharers themselves); ``cumulative[d]`` those within ``d`` hops, sharers included
    unless ``exclude_sharers``; ``total == cumulative[hops]``. ``adds[i]`` is the audience
    sharer ``i`` adds to sharers ``0 .. i - 1`` (so ``adds.sum() == total``); ``unique[i]`` the
    people only sharer ``i`` reaches. Both are aligned with ``sharers``: a repeated, blocked
    or bulk sharer adds 0.
    """

    sharers: npt.NDArray[np.int64]
    levels: dict[int, int]
    cumulative: dict[int, int]
    adds: npt.NDArray[np.int64]
    unique: npt.NDArray[np.int64]
    total: int


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo mean with its 95% confidence interval ``[low, high]`` over ``samples``."""

    mean: float
    low: float
    high: float
    samples: int


def _sharer_indices(s: Snapshot, sharers: npt.ArrayLike) -> npt.NDArray[np.int64]:
    nodes = np.asarray(sharers, dtype=np.int64).ravel()
    if nodes.size and (int(nodes.min()) < 0 or int(nodes.max()) >= s.n):
        bad = nodes[(nodes < 0) | (nodes >= s.n)]
        raise IndexError(f"node index {int(bad[0])} is outside 0..{s.n - 1}")
    return nodes


def reach(
    s: Snapshot, sharers: npt.ArrayLike, *, hops: int = 2, exclude_sharers: bool = False
) -> Reach:
    """The exact unique audience of ``sharers`` (node indices) within ``hops`` ties.

    A person is in the audience when some sharer is at most ``hops`` ties away, over paths
    that avoid blocked and bulk people; each person counts once however many sharers reach
    them. With ``exclude_sharers`` the sharers themselves are not counted as audience.

    The work is one multi-source breadth-first search that carries, for every person, the
    earliest sharer (in the given order) within reach and whether there is a second one; that
    gives the marginal ``adds`` (the earliest sharer is the one who brought the person in) and
    the ``unique`` audience (no second sharer) without a search per sharer. The last round,
    most of the work, keeps only 2 bits per person in the cache (see
    ``_kernels_reach.reach_final``): 18.5 ms at p95 for 20 hub-heavy sharers among 1M people
    and 10M ties (``bench/README.md``). ``hops`` is at
    most ``MAX_HOPS`` (1,021) and there are at most ``MAX_SHARERS`` (2,097,152) sharers.
    """
    if not 0 <= hops <= MAX_HOPS:
        raise ValueError(f"hops must be in 0..{MAX_HOPS} (audience() takes any)")
    nodes = _sharer_indices(s, sharers)
    if nodes.shape[0] > MAX_SHARERS:
        raise ValueError(f"at most {MAX_SHARERS:,} sharers at a time")
    with scratch(s) as work:
        levels, adds, unique = _search(s, nodes, hops, exclude_sharers, work)
    by_level = {d: int(levels[d]) for d in range(hops + 1)}
    running = 0 if exclude_sharers else by_level[0]
    cumulative = {0: running}
    for d in range(1, hops + 1):
        running += by_level[d]
        cumulative[d] = running
    return Reach(nodes, by_level, cumulative, adds, unique, running)


def _search(
    s: Snapshot, nodes: npt.NDArray[np.int64], hops: int, exclude: bool, work: Scratch
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Levels, adds and unique: the rounds, the last round, then the tally of every member."""
    members, labels = work.int32("members"), work.labels
    front, front_labels = work.int32("front"), work.uint32("front_labels")
    levels, count, n_sharers, n_front, first = reach_rounds(
        s.indptr,
        s.indices,
        s.flags,
        SILENT,
        nodes,
        hops,
        labels,
        work.mark,
        work.label_epoch,
        members,
        front,
        front_labels,
        work.int32("changed"),
    )
    work.label_epoch = first + hops
    k = len(nodes)
    if hops > 0 and n_front > 0:
        state, silent_nodes = work.state(s.flags)
        end, final_adds, final_unique = reach_final(
            s.indptr,
            s.indices,
            labels,
            first + hops,
            front,
            front_labels,
            n_front,
            members,
            count,
            k,
            state,
            work.int32("order"),
        )
        clear_state(state, members, end, silent_nodes)
        levels[hops] = end - count
    adds, unique = reach_tally(labels, members, n_sharers if exclude else 0, count, k)
    if hops > 0 and n_front > 0:
        adds += final_adds
        unique += final_unique
    return levels, adds, unique


def audience(
    s: Snapshot, sharers: npt.ArrayLike, *, hops: int = 2, exclude_sharers: bool = False
) -> npt.NDArray[np.int32]:
    """The people (sorted node indices) within ``hops`` ties of a sharer: who could see it."""
    if hops < 0:
        raise ValueError("hops must be at least 0")
    nodes = _sharer_indices(s, sharers)
    with scratch(s) as work:
        queue = work.int32("members")
        count, n_sources, work.epoch = ball_kernel(
            s.indptr, s.indices, s.flags, SILENT, nodes, hops, work.stamp, work.epoch, queue
        )
        start = n_sources if exclude_sharers else 0
        return np.sort(queue[start:count])


def pass_on_probability(
    strength: npt.ArrayLike, base: float = DEFAULT_BASE
) -> npt.NDArray[np.float64]:
    """The chance a tie of this ``strength`` passes a post on: ``min(1, base * strength)``.

    >>> pass_on_probability([0.2, 0.6, 0.95]).round(3).tolist()
    [0.06, 0.18, 0.285]
    """
    if base < 0:
        raise ValueError("base must be at least 0")
    return np.minimum(1.0, base * np.asarray(strength, dtype=np.float64))


def expected_reach(
    s: Snapshot,
    sharers: npt.ArrayLike,
    *,
    samples: int = 1000,
    seed: int = 0,
    max_hops: int | None = None,
    base: float = DEFAULT_BASE,
    exclude_sharers: bool = False,
) -> Estimate:
    """Expected number of people reached under the independent-cascade model.

    Each of ``samples`` cascades starts with the sharers holding the post; every person who
    gets it passes it to each friend once, with probability ``min(1, base * strength)``, and
    at most ``max_hops`` ties from the sharers (``None``: no limit). The estimate is the mean
    size over the cascades (sharers included unless ``exclude_sharers``) and its 95% interval
    is the normal approximation ``mean ± 1.96 * sd / sqrt(samples)`` (the sizes are bounded,
    so the central limit theorem applies). The same ``seed`` gives the same answer, whatever
    the number of threads the samples are spread over.

    The product's figure is ``max_hops=DEFAULT_MAX_HOPS`` (2), as for :func:`reach` and the
    default of :func:`goodwill.graph.influence.best_sharers`: with the default ``base`` an
    unbounded cascade on a dense social graph is supercritical and reaches most of it.
    """
    if samples < 1:
        raise ValueError("samples must be at least 1")
    if base < 0:
        raise ValueError("base must be at least 0")
    if max_hops is not None and max_hops < 0:
        raise ValueError("max_hops must be at least 0")
    nodes = _sharer_indices(s, sharers)
    hops = -1 if max_hops is None else max_hops
    random_seed = np.uint64(seed % 2**64)

    def run(first: int, count: int) -> npt.NDArray[np.int64]:
        with scratch(s) as work:
            sizes, work.epoch = ic_kernel(
                s.indptr,
                s.indices,
                s.weight_bits,
                float(base),
                s.flags,
                SILENT,
                nodes,
                hops,
                random_seed,
                first,
                count,
                work.stamp,
                work.epoch,
                work.int32("queue"),
            )
        return sizes

    threads = workers() if samples >= _PARALLEL_SAMPLES else 1
    bounds = np.linspace(0, samples, threads + 1).astype(np.int64).tolist()
    if threads == 1:
        sizes = run(0, samples)
    else:
        with ThreadPoolExecutor(threads) as pool:
            parts = list(pool.map(run, bounds[:-1], np.diff(bounds).tolist()))
        sizes = np.concatenate(parts)
    values = sizes.astype(np.float64)
    if exclude_sharers:
        values -= _distinct_active(s, nodes)
    mean = float(values.mean())
    half = _Z95 * float(values.std(ddof=1)) / math.sqrt(samples) if samples > 1 else 0.0
    return Estimate(mean, mean - half, mean + half, samples)


def _distinct_active(s: Snapshot, nodes: npt.NDArray[np.int64]) -> int:
    distinct = np.unique(nodes)
    return int(np.count_nonzero((s.flags[distinct] & SILENT) == 0))
