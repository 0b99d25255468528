"""Mutual connections: who two people both know, and who only one of them knows.

For people ``a`` and ``b`` let ``A`` be ``a``'s contacts without ``b`` and ``B`` be ``b``'s
contacts without ``a`` (so a tie between the two never counts as a mutual or as someone the
other could be introduced to). Then

* ``shared = len(A & B)`` — the common neighbours;
* ``jaccard = len(A & B) / len(A | B)`` (Jaccard 1901; 0 when both sets are empty);
* ``overlap = len(A & B) / min(len(A), len(B))`` — the overlap (Szymkiewicz-Simpson)
  coefficient, which is 1 when one circle contains the other (0 when either set is empty);
* ``only_a = len(A - B)`` and ``only_b = len(B - A)`` — for you (``a``) and a friend (``b``),
  ``only_b`` is the new audience the friend could carry your news to.

NetworkX computes the same ``jaccard`` (``nx.jaccard_coefficient``) for two people who are not
tied to each other; for two who are, it counts each in the other's set, and here they are not.

The sets come from intersecting the two sorted neighbour rows: a linear merge when the degrees
are alike, a galloping search (Bentley & Yao 1976) of the shorter row in the longer one when
they are skewed, so a hub costs about ``d_small * log(d_large)``.

>>> import numpy as np
>>> from goodwill.graph.snapshot import from_edges
>>> s = from_edges(range(6), [0, 0, 0, 0, 1, 1, 1], [1, 2, 3, 4, 2, 3, 5],
...                np.ones(7, np.float32))
>>> o = mutuals(s, 0, 1)
>>> (o.a_count, o.b_count, o.shared, o.only_a, o.only_b)
(3, 3, 2, 1, 1)
>>> o.mutual.tolist(), round(o.jaccard, 3), round(o.overlap, 3)
([2, 3], 0.5, 0.667)
>>> only_a(s, 0, 1).tolist(), only_b(s, 0, 1).tolist()
([4], [5])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from goodwill.graph._kernels_paths import _lower_bound, kernel
from goodwill.graph.paths import _workspace
from goodwill.graph.snapshot import Snapshot

__all__ = ["Overlap", "mutual_count", "mutuals", "only_a", "only_b"]

# Intersect by binary search when the smaller list is this many times shorter than the larger.
GALLOP_RATIO = 16


@dataclass(frozen=True, eq=False)
class Overlap:
    """How the circles of ``a`` and ``b`` overlap (see the module docstring for the formulas)."""

    a: int
    b: int
    a_count: int
    b_count: int
    shared: int
    jaccard: float
    overlap: float
    mutual: npt.NDArray[np.int32]
    only_a: int
    only_b: int


def mutuals(s: Snapshot, a: int, b: int) -> Overlap:
    """The overlap between the contacts of ``a`` and ``b``; ``mutual`` is sorted by node index.

    >>> import numpy as np
    >>> from goodwill.graph.snapshot import from_edges
    >>> s = from_edges(range(4), [0, 0, 1], [1, 2, 2], np.ones(3, np.float32))
    >>> o = mutuals(s, 0, 1)  # 0 and 1 are tied; each is left out of the other's set
    >>> o.mutual.tolist(), o.a_count, o.b_count, o.jaccard, o.overlap
    ([2], 1, 1, 1.0, 1.0)
    """
    buffer = _workspace(s).neighbours_buffer()
    shared, degree_a, degree_b, tied = overlap_rows(s.indptr, s.indices, a, b, buffer)
    if shared < 0:
        _check(s, a, b)
    a_count = degree_a - tied
    b_count = degree_b - tied
    union = a_count + b_count - shared
    smaller = min(a_count, b_count)
    return Overlap(  # positional: this is a hot path and keywords cost a third more
        a,
        b,
        a_count,
        b_count,
        shared,
        shared / union if union else 0.0,
        shared / smaller if smaller else 0.0,
        buffer[:shared].copy(),
        a_count - shared,
        b_count - shared,
    )


def mutual_count(s: Snapshot, a: int, b: int) -> int:
    """``mutuals(s, a, b).shared`` without building the list.

    >>> import numpy as np
    >>> from goodwill.graph.snapshot import from_edges
    >>> s = from_edges(range(4), [0, 0, 1, 1], [2, 3, 2, 3], np.ones(4, np.float32))
    >>> mutual_count(s, 0, 1)
    2
    """
    count: int = count_rows(s.indptr, s.indices, a, b)
    if count < 0:
        _check(s, a, b)
    return count


def only_a(s: Snapshot, a: int, b: int) -> npt.NDArray[np.int32]:
    """Contacts of ``a`` that ``b`` does not know (``b`` left out), sorted by node index."""
    _check(s, a, b)
    result: npt.NDArray[np.int32] = difference_rows(s.indptr, s.indices, a, b)
    return result


def only_b(s: Snapshot, a: int, b: int) -> npt.NDArray[np.int32]:
    """Contacts of ``b`` that ``a`` does not know: the new audience ``b`` could reach for ``a``."""
    return only_a(s, b, a)


def _check(s: Snapshot, a: int, b: int) -> None:
    n = s.indptr.shape[0] - 1
    if not (0 <= a < n and 0 <= b < n):
        bad, name = (a, "a") if not 0 <= a < n else (b, "b")
        raise IndexError(f"{name}={bad} is not a node of this snapshot (n={n})")


# -- kernels: sorted-set operations on CSR rows ---------------------------------------------
@kernel
def _gallop(values: Any, start: int, stop: int, key: int) -> int:
    """Like ``_lower_bound`` but probes 1, 2, 4, ... steps ahead first (Bentley & Yao 1976)."""
    step = 1
    lo = start
    hi = start
    while hi < stop and values[hi] < key:
        lo = hi + 1
        hi = start + step
        step <<= 1
    return _lower_bound(values, lo, min(hi, stop), key)


@kernel
def intersect_sorted(a: Any, b: Any, out: Any) -> int:
    """Write the common values of sorted ``a`` and ``b`` into ``out``; return how many.

    A linear merge when the sizes are alike; galloping search of each element of the smaller
    list in the larger one when they are skewed (a hub against an ordinary person).
    """
    if a.shape[0] > b.shape[0]:
        a, b = b, a
    na, nb = a.shape[0], b.shape[0]
    count = 0
    if na == 0:
        return 0
    if na * GALLOP_RATIO < nb:
        j = 0
        for i in range(na):
            j = _gallop(b, j, nb, a[i])
            if j >= nb:
                break
            if b[j] == a[i]:
                out[count] = a[i]
                count += 1
                j += 1
        return count
    i = 0
    j = 0
    while i < na and j < nb:
        x, y = a[i], b[j]
        if x == y:
            out[count] = x
            count += 1
            i += 1
            j += 1
        elif x < y:
            i += 1
        else:
            j += 1
    return count


@kernel
def count_common(a: Any, b: Any) -> int:
    """``len(intersect(a, b))`` without writing the values out."""
    if a.shape[0] > b.shape[0]:
        a, b = b, a
    na, nb = a.shape[0], b.shape[0]
    count = 0
    if na * GALLOP_RATIO < nb:
        j = 0
        for i in range(na):
            j = _gallop(b, j, nb, a[i])
            if j >= nb:
                break
            if b[j] == a[i]:
                count += 1
                j += 1
        return count
    i = 0
    j = 0
    while i < na and j < nb:
        x, y = a[i], b[j]
        if x == y:
            count += 1
            i += 1
            j += 1
        elif x < y:
            i += 1
        else:
            j += 1
    return count


@kernel
def difference_sorted(a: Any, b: Any, skip: int, out: Any) -> int:
    """Write the values of sorted ``a`` that are neither in sorted ``b`` nor ``skip``; count."""
    na, nb = a.shape[0], b.shape[0]
    count = 0
    j = 0
    gallop = nb > na * GALLOP_RATIO
    for i in range(na):
        x = a[i]
        if x == skip:
            continue
        if gallop:
            j = _gallop(b, j, nb, x)
        else:
            while j < nb and b[j] < x:
                j += 1
        if j < nb and b[j] == x:
            continue
        out[count] = x
        count += 1
    return count


@kernel
def overlap_rows(indptr: Any, indices: Any, a: int, b: int, out: Any) -> Any:
    """Write the common neighbours of ``a`` and ``b`` into ``out``; return (how many, degree
    of a, degree of b, 1 if a and b are tied), or a count of -1 when a node is out of range."""
    n = indptr.shape[0] - 1
    if a < 0 or b < 0 or a >= n or b >= n:
        return -1, 0, 0, 0
    row_a = indices[indptr[a] : indptr[a + 1]]
    row_b = indices[indptr[b] : indptr[b + 1]]
    count = intersect_sorted(row_a, row_b, out)
    position = _lower_bound(indices, indptr[a], indptr[a + 1], b)
    tied = 1 if position < indptr[a + 1] and indices[position] == b else 0
    return count, row_a.shape[0], row_b.shape[0], tied


@kernel
def count_rows(indptr: Any, indices: Any, a: int, b: int) -> int:
    """The number of common neighbours of ``a`` and ``b`` (-1 when a node is out of range)."""
    n = indptr.shape[0] - 1
    if a < 0 or b < 0 or a >= n or b >= n:
        return -1
    return count_common(indices[indptr[a] : indptr[a + 1]], indices[indptr[b] : indptr[b + 1]])


@kernel
def difference_rows(indptr: Any, indices: Any, a: int, b: int) -> Any:
    """Neighbours of ``a`` that are neither neighbours of ``b`` nor ``b``."""
    row_a = indices[indptr[a] : indptr[a + 1]]
    out = np.empty(row_a.shape[0], dtype=np.int32)
    count = difference_sorted(row_a, indices[indptr[b] : indptr[b + 1]], b, out)
    return out[:count].copy()
