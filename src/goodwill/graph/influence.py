"""Which few people to ask to share: influence maximisation with reverse-reachable sets (IMM).

:func:`best_sharers` picks ``k`` people whose sharing maximises the expected reach of a post
under the independent-cascade model of :mod:`goodwill.graph.reach` (a tie passes the post on
with probability ``min(1, base * strength)``). It implements IMM (Tang, Shi & Xiao, "Influence
Maximization in Near-Linear Time: A Martingale Approach", SIGMOD 2015):

* A *reverse-reachable (RR) set* of a person ``v`` chosen uniformly at random is everyone who
  would have passed a post to ``v`` in one random world of live ties (Borgs, Brautbar, Chayes &
  Lucier, SODA 2014). For a seed set ``S``, ``E[sigma(S)] = n * Pr[S meets a random RR set]``,
  so the best sharers are those covering the most RR sets: greedy maximum coverage.
* The number of RR sets is IMM's: a sampling phase finds a lower bound ``LB`` on the optimum
  by trying ``x = n / 2, n / 4, ...`` with ``theta_i = lambda' / x`` sets, ``lambda' = (2 +
  2 eps' / 3) (ln C(n, k) + l ln n + ln log2 n) n / eps'^2``, ``eps' = sqrt(2) eps``, stopping
  when ``n F(S_i) >= (1 + eps') x`` (then ``LB = n F(S_i) / (1 + eps')``); the final phase uses
  ``theta = lambda* / LB`` sets, ``lambda* = 2 n ((1 - 1/e) alpha + beta)^2 / eps^2``,
  ``alpha = sqrt(l ln n + ln 2)``, ``beta = sqrt((1 - 1/e)(ln C(n, k) + l ln n + ln 2))``, with
  ``l`` raised to ``l (1 + ln 2 / ln n)``. The greedy set is then within ``(1 - 1/e - eps)``
  of the optimum with probability at least ``1 - 1/n^l``.
* As W. Chen showed ("An Issue in the Martingale Analysis of the Influence Maximization
  Algorithm IMM", CSoNet 2018), reusing the sampling phase's sets in the final phase breaks
  the martingale argument; the final phase here draws fresh, independent sets.

**Candidates.** ``candidates`` restricts who may be chosen (the Django side passes the owner's
friends). RR sets are still drawn over the whole graph, paths through anyone, but only their
candidate members are stored, and ``C(n, k)`` becomes ``C(|candidates|, k)`` in the bounds:
the guarantee then holds against the best set *of candidates*. Roots are drawn only among the
people a candidate can reach at all (within ``max_hops`` when given): nobody else can be
reached, so this changes no expectation and makes ``n`` (and the work) smaller.

**How far.** By default a cascade counts only people within ``max_hops = 2`` ties of the
sharers (``DEFAULT_MAX_HOPS``), the product's "friends and friends of friends" figure. The
probabilities asked for (0.05 to 0.3 a tie) make unbounded cascades supercritical on real
social graphs: on ego-Facebook five sharers reach 3,200 of 4,039 people, on a 1M-person graph
two thirds of everyone, so many RR sets are a giant component and IMM needs thousands of them
(tens of seconds on email-Enron's 37k people, minutes at 1M). ``max_hops=None`` gives the
unbounded model.

**Memory and work.** RR sets live in one flat int32 buffer with int64 offsets (plus an
inverted index for the greedy step). When storing the ``theta`` sets IMM asks for would exceed
``memory_budget`` bytes, or drawing them would examine more than ``work_budget`` ties, a phase
stops at the budget: the result says so (``capped`` names the budget) and reports the
``epsilon`` that the sets actually drawn support, ``epsilon * sqrt(theta / drawn)``.

Example: a hub (0) with five friends, one of whom (5) has two more; every tie passes it on.

>>> import numpy as np
>>> from goodwill.graph.snapshot import from_edges
>>> a = [0, 0, 0, 0, 0, 5, 5]
>>> b = [1, 2, 3, 4, 5, 6, 7]
>>> s = from_edges(range(8), a, b, np.ones(7, dtype=np.float32))
>>> pick = best_sharers(s, 1, base=1.0, max_hops=1)
>>> pick.nodes.tolist(), round(pick.expected_reach, 1)
([0], 6.0)
>>> best_sharers(s, 1, candidates=[5, 6, 7], base=1.0, max_hops=1).nodes.tolist()
[5]
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from goodwill.graph._kernels_reach import (
    SILENT,
    ball_kernel,
    greedy_cover_kernel,
    rr_kernel,
    scratch,
    workers,
)
from goodwill.graph.reach import DEFAULT_BASE, DEFAULT_MAX_HOPS
from goodwill.graph.snapshot import Snapshot

__all__ = [
    "DEFAULT_MEMORY_BUDGET",
    "DEFAULT_WORK_BUDGET",
    "Selection",
    "best_sharers",
    "imm_sample_sizes",
]

#: Bytes the RR sets may take (flat buffer, inverted index and offsets) before sampling stops.
DEFAULT_MEMORY_BUDGET = 1 << 30
#: Ties examined per phase before sampling stops (about 5-10 s on one 2020s core).
DEFAULT_WORK_BUDGET = 2_000_000_000
_ONE_MINUS_INV_E = 1.0 - 1.0 / math.e
_BATCH_MIN = 64
_BATCH_MAX = 1 << 20
_PARALLEL_SETS = 512  # fewer sets than this are drawn on the calling thread


@dataclass(frozen=True, eq=False)
class Selection:
    """The chosen sharers, in the order greedy picked them.

    ``marginal_gains[i]`` is the expected reach sharer ``i`` adds to sharers ``0 .. i - 1``
    and ``expected_reach`` their sum (both estimated from the RR sets, in people, the sharers
    included). ``rr_sets`` sets were drawn for the final choice, of ``rr_sets_wanted`` that
    IMM asked for; ``capped`` names the budget (``"memory"`` or ``"work"``) that stopped it
    short, empty when none did, and ``epsilon`` is the approximation slack the drawn sets
    support (the one asked for unless capped). ``population`` is the number of people that
    could be reached at all (the ``n`` of the bounds).
    """

    nodes: npt.NDArray[np.int64]
    marginal_gains: npt.NDArray[np.float64]
    expected_reach: float
    rr_sets: int = 0
    rr_sets_wanted: int = 0
    capped: str = ""
    epsilon: float = 0.0
    population: int = 0


@dataclass
class _Sets:
    """RR sets drawn so far in one phase, in chunks (joined only when greedy needs them)."""

    flats: list[npt.NDArray[np.int32]] = field(default_factory=list)
    offsets: list[npt.NDArray[np.int64]] = field(default_factory=list)
    count: int = 0
    stored: int = 0
    scanned: int = 0
    capped: str = ""

    @property
    def nbytes(self) -> int:
        # flat buffer + inverted index (4 bytes each per stored member), offsets, covered flag.
        return 8 * self.stored + 9 * self.count

    def joined(self) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]]:
        if not self.flats:
            return np.zeros(0, np.int32), np.zeros(1, np.int64)
        if len(self.flats) > 1:
            shifts = np.cumsum([0] + [int(f.shape[0]) for f in self.flats[:-1]])
            parts = [self.offsets[0]] + [
                o[1:] + shift for o, shift in zip(self.offsets[1:], shifts[1:], strict=True)
            ]
            self.flats = [np.concatenate(self.flats)]
            self.offsets = [np.concatenate(parts)]
        return self.flats[0], self.offsets[0]


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def imm_sample_sizes(
    n: int, k: int, epsilon: float, ell: float, candidates: int
) -> tuple[float, float, float]:
    """IMM's ``(lambda', lambda*, l)`` for ``n`` reachable people and ``candidates`` choices.

    ``l`` is already raised to ``l (1 + ln 2 / ln n)`` (IMM, Algorithm 3).

    >>> lam1, lam2, l = imm_sample_sizes(1000, 5, 0.2, 1.0, 1000)
    >>> round(lam1 / 1000), round(lam2 / 1000), round(l, 3)
    (1084, 2260, 1.1)
    """
    ell = ell * (1.0 + math.log(2.0) / math.log(n))
    log_c = _log_choose(candidates, k)
    eps1 = math.sqrt(2.0) * epsilon
    lam1 = (
        (2.0 + 2.0 * eps1 / 3.0)
        * (log_c + ell * math.log(n) + math.log(max(math.log2(n), 1.0)))
        * n
        / eps1**2
    )
    alpha = math.sqrt(ell * math.log(n) + math.log(2.0))
    beta = math.sqrt(_ONE_MINUS_INV_E * (log_c + ell * math.log(n) + math.log(2.0)))
    lam2 = 2.0 * n * (_ONE_MINUS_INV_E * alpha + beta) ** 2 / epsilon**2
    return lam1, lam2, ell


class _Sampler:
    """Draws RR sets for one query, spread over threads, within the memory and work budgets."""

    def __init__(
        self,
        s: Snapshot,
        roots: npt.NDArray[np.int64],
        keep: npt.NDArray[np.uint8],
        base: float,
        max_hops: int,
        seed: int,
        budgets: tuple[int, int],
    ) -> None:
        self.s, self.roots, self.keep = s, roots, keep
        self.base, self.max_hops = base, max_hops
        self.seed = np.uint64(seed % 2**64)
        self.memory_budget, self.work_budget = budgets
        self.threads = workers()

    def _draw(
        self, phase: int, first: int, count: int
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64], int]:
        s = self.s
        with scratch(s) as work:
            flat, offsets, scanned, work.epoch = rr_kernel(
                s.indptr,
                s.indices,
                s.weight_bits,
                self.base,
                s.flags,
                SILENT,
                self.roots,
                self.keep,
                self.max_hops,
                self.seed,
                phase,
                first,
                count,
                work.stamp,
                work.epoch,
                work.int32("queue"),
            )
        return flat, offsets, scanned

    def extend(self, sets: _Sets, phase: int, target: int) -> None:
        """Draw sets until there are ``target``, or a budget stops it (``sets.capped``)."""
        while sets.count < target and not sets.capped:
            # Grow batches geometrically, so the first few measure how big and how costly a
            # set is before a large batch is committed, and never plan past a budget.
            memory_room = work_room = float(_BATCH_MAX)
            if sets.count:
                memory_room = (self.memory_budget - sets.nbytes) / max(sets.nbytes / sets.count, 1)
                work_room = (self.work_budget - sets.scanned) / max(sets.scanned / sets.count, 1)
            growth = max(_BATCH_MIN, sets.count)
            batch = int(min(target - sets.count, growth, memory_room, work_room, _BATCH_MAX))
            if batch < 1:
                sets.capped = "memory" if memory_room < 1 else "work"
                break
            self._batch(sets, phase, batch)
            if sets.nbytes > self.memory_budget:
                self._trim(sets)
                sets.capped = "memory"
            elif sets.scanned >= self.work_budget:
                sets.capped = "work"

    def _batch(self, sets: _Sets, phase: int, batch: int) -> None:
        threads = self.threads if batch >= _PARALLEL_SETS else 1
        bounds = np.linspace(sets.count, sets.count + batch, threads + 1).astype(np.int64)
        firsts, counts = bounds[:-1].tolist(), np.diff(bounds).tolist()
        if threads == 1:
            parts = [self._draw(phase, firsts[0], counts[0])]
        else:
            with ThreadPoolExecutor(threads) as pool:
                parts = list(pool.map(lambda f, c: self._draw(phase, f, c), firsts, counts))
        for flat, offsets, scanned in parts:
            sets.flats.append(flat)
            sets.offsets.append(offsets)
            sets.count += int(offsets.shape[0]) - 1
            sets.stored += int(flat.shape[0])
            sets.scanned += scanned

    def _trim(self, sets: _Sets) -> None:
        """Drop the newest sets until the rest fit the budget (a prefix: still unbiased)."""
        flat, offsets = sets.joined()
        spent = 8 * offsets + 9 * np.arange(offsets.shape[0])
        keep = max(int(np.searchsorted(spent, self.memory_budget, side="right")) - 1, 0)
        sets.flats = [flat[: offsets[keep]].copy()]
        sets.offsets = [offsets[: keep + 1].copy()]
        sets.count = keep
        sets.stored = int(offsets[keep])


def _cover(
    sets: _Sets, n: int, k: int, candidates: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    flat, offsets = sets.joined()
    chosen, gains = greedy_cover_kernel(flat, offsets, n, k, candidates)
    return chosen, gains


def best_sharers(
    s: Snapshot,
    k: int,
    *,
    candidates: npt.ArrayLike | None = None,
    epsilon: float = 0.2,
    ell: float = 1.0,
    seed: int = 0,
    base: float = DEFAULT_BASE,
    max_hops: int | None = DEFAULT_MAX_HOPS,
    memory_budget: int = DEFAULT_MEMORY_BUDGET,
    work_budget: int = DEFAULT_WORK_BUDGET,
) -> Selection:
    """The ``k`` people to ask to share, maximising expected reach (IMM; see the module).

    ``candidates`` (node indices; ``None``: anyone) limits who may be chosen; blocked and bulk
    people are never chosen. ``epsilon`` and ``ell`` are IMM's: with probability at least
    ``1 - n^-ell`` the choice reaches at least ``(1 - 1/e - epsilon)`` times the best
    possible (among the candidates) expected audience, unless ``capped``. ``base`` and
    ``max_hops`` define the cascade as in :func:`goodwill.graph.reach.expected_reach`; the
    default counts the audience within two ties of the sharers, like :func:`reach`.
    ``memory_budget`` (bytes held by the RR sets) and ``work_budget`` (ties examined) bound
    each of IMM's two phases. The same ``seed`` gives the same choice, whatever the number of
    threads.
    """
    if k < 0:
        raise ValueError("k must be at least 0")
    if not 0.0 < epsilon < 1.0:
        raise ValueError("epsilon must be in (0, 1)")
    if ell <= 0:
        raise ValueError("ell must be positive")
    if base < 0:
        raise ValueError("base must be at least 0")
    if max_hops is not None and max_hops < 0:
        raise ValueError("max_hops must be at least 0")
    pool = _candidates(s, candidates)
    hops = -1 if max_hops is None else max_hops
    roots = pool if candidates is None else _reachable(s, pool, hops)
    n_roots = int(roots.shape[0])
    k = min(k, int(pool.shape[0]))
    if k == 0:
        return Selection(np.zeros(0, np.int64), np.zeros(0), 0.0, population=n_roots)
    keep = np.zeros(s.n, dtype=np.uint8)
    keep[pool] = 1
    budgets = (memory_budget, work_budget)
    sampler = _Sampler(s, roots, keep, float(base), hops, seed, budgets)
    n = max(n_roots, 2)
    lam1, lam2, ell = imm_sample_sizes(n, k, epsilon, ell, int(pool.shape[0]))
    eps1 = math.sqrt(2.0) * epsilon

    # Sampling phase: a lower bound on the optimum (IMM, Algorithm 2).
    lower = 1.0
    trial = _Sets()
    for i in range(1, max(1, math.ceil(math.log2(n)))):
        x = n / 2.0**i
        sampler.extend(trial, 0, math.ceil(lam1 / x))
        _, gains = _cover(trial, s.n, k, pool)
        covered = n_roots * float(gains.sum()) / max(trial.count, 1)
        if covered >= (1.0 + eps1) * x or trial.capped:
            lower = max(covered / (1.0 + eps1), 1.0)
            break
    del trial

    # Final phase: fresh sets (Chen 2018), as many as lambda* / LB or the budgets allow.
    wanted = math.ceil(lam2 / lower)
    final = _Sets()
    sampler.extend(final, 1, wanted)
    chosen, gains = _cover(final, s.n, k, pool)
    drawn = max(final.count, 1)
    marginal = gains.astype(np.float64) * n_roots / drawn
    slack = epsilon if final.count >= wanted else epsilon * math.sqrt(wanted / drawn)
    return Selection(
        chosen.astype(np.int64),
        marginal,
        float(marginal.sum()),
        rr_sets=final.count,
        rr_sets_wanted=wanted,
        capped=final.capped if final.count < wanted else "",
        epsilon=slack,
        population=n_roots,
    )


def _candidates(s: Snapshot, candidates: npt.ArrayLike | None) -> npt.NDArray[np.int64]:
    """Sorted distinct candidate nodes, blocked and bulk people left out."""
    if candidates is None:
        pool = np.arange(s.n, dtype=np.int64)
    else:
        pool = np.unique(np.asarray(candidates, dtype=np.int64).ravel())
        if pool.size and (int(pool[0]) < 0 or int(pool[-1]) >= s.n):
            bad = pool[(pool < 0) | (pool >= s.n)]
            raise IndexError(f"node index {int(bad[0])} is outside 0..{s.n - 1}")
    allowed: npt.NDArray[np.int64] = pool[(s.flags[pool] & SILENT) == 0]
    return allowed


def _reachable(s: Snapshot, sources: npt.NDArray[np.int64], hops: int) -> npt.NDArray[np.int64]:
    """Everyone a source can reach (``hops`` deep, ``-1``: no limit), sorted."""
    with scratch(s) as work:
        queue = work.int32("queue")
        count, _, work.epoch = ball_kernel(
            s.indptr, s.indices, s.flags, SILENT, sources, hops, work.stamp, work.epoch, queue
        )
        found: npt.NDArray[np.int64] = np.sort(queue[:count]).astype(np.int64)
        return found
