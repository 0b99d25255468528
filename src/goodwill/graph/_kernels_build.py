"""Numba kernels behind ``snapshot.from_edges`` and the half-precision tie strengths.

Private: the public API is ``goodwill.graph.snapshot``.

Building the CSR is two counting sorts and no comparison sort: the directed entries (each tie
once per direction) are bucketed by column, then, reading the buckets in ascending column
order, scattered into their rows, so that every row comes out sorted by neighbour. Duplicate
ties are then neighbours in their row and one compaction pass keeps the strongest. The work is
linear in the number of ties given (plus the people), about four passes over the entries.

Strengths are stored as IEEE half precision (``float16``) so that a tie costs 12 bytes instead
of 16. Numba has no ``float16`` on the CPU, so kernels read ``weights.view(np.uint16)`` and
decode each value with :func:`half` (exact: every half is a float32). The kernels inline it,
and numba's on-disk cache only follows a kernel's own file: after changing ``half``, touch the
``_kernels_*.py`` files that use it so that they are compiled again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
from llvmlite import ir
from numba import njit as _numba_njit
from numba import types
from numba.extending import intrinsic

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]

_F = TypeVar("_F", bound=Callable[..., Any])


def _jit(**options: Any) -> Callable[[_F], _F]:
    """``numba.njit`` typed for mypy: the kernel keeps its Python signature."""

    def wrap(fn: _F) -> _F:
        return cast(_F, _numba_njit(**options)(fn))

    return wrap


__all__ = ["DENSE_SPAN", "build_csr", "half", "positions_dense", "positions_sorted"]

#: Person ids are looked up in a dense table when their span is at most this many per person.
DENSE_SPAN = 8


def _float32_from_bits(typingctx: Any, bits: Any) -> Any:
    """numba intrinsic: the float32 whose IEEE bits are the low 32 bits of an integer."""
    if not isinstance(bits, types.Integer):
        return None

    width = int(cast(Any, bits).bitwidth)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        word = args[0]
        if width > 32:
            word = builder.trunc(word, ir.IntType(32))
        elif width < 32:
            word = builder.zext(word, ir.IntType(32))
        return builder.bitcast(word, ir.FloatType())

    return types.float32(bits), codegen


float32_from_bits = cast(Callable[[Any], float], intrinsic(_float32_from_bits))


@_jit(cache=True, nogil=True, inline="always")
def half(bits: Any) -> float:
    """The value of a float16 given as its 16 bits (a uint16): exact, as a float64.

    A normal half becomes a float32 by moving its exponent and fraction up 13 bits and
    re-biasing the exponent (+112, that is ``0x38000000``); subnormals are ``fraction *
    2^-24``. No branch: both are computed and one is picked.
    """
    h = np.uint32(bits)
    exponent = h & np.uint32(0x7C00)
    normal = float32_from_bits(((h & np.uint32(0x7FFF)) << np.uint32(13)) + np.uint32(0x38000000))
    subnormal = float(h & np.uint32(0x3FF)) * 2.0**-24
    value: float = np.float64(normal) if exponent != 0 else subnormal
    if exponent == np.uint32(0x7C00):
        value = np.inf
    return -value if h & np.uint32(0x8000) else value


@_jit(cache=True, nogil=True)
def positions_dense(ids: I64, wanted: I64, out: I32) -> int:
    """Node index of every wanted id via a table over ``ids[0] .. ids[-1]``; the position of
    the first unknown id, or -1 when all are known. ``ids`` is sorted and not empty."""
    low = ids[0]
    span = ids[ids.shape[0] - 1] - low + 1
    table = np.full(span, -1, dtype=np.int32)
    for i in range(ids.shape[0]):
        table[ids[i] - low] = i
    for k in range(wanted.shape[0]):
        offset = wanted[k] - low
        if offset < 0 or offset >= span:
            return k
        position = table[offset]
        if position < 0:
            return k
        out[k] = position
    return -1


@_jit(cache=True, nogil=True)
def positions_sorted(ids: I64, wanted: I64, out: I32) -> int:
    """As :func:`positions_dense`, by binary search (for ids spread over a wide range)."""
    n = ids.shape[0]
    for k in range(wanted.shape[0]):
        key = wanted[k]
        lo, hi = 0, n
        while lo < hi:
            mid = (lo + hi) >> 1
            if ids[mid] < key:
                lo = mid + 1
            else:
                hi = mid
        if lo >= n or ids[lo] != key:
            return k
        out[k] = lo
    return -1


@_jit(cache=True, nogil=True)
def build_csr(n: int, src: I32, dst: I32, w: F32) -> tuple[I64, I32, F32]:
    """The undirected CSR of ties ``src[k] - dst[k]`` (node indices) of strength ``w[k]``.

    Self-ties are dropped; a pair given more than once (either way round) keeps its largest
    strength. Returns ``(indptr, indices, weights)`` with each row sorted by neighbour.
    """
    m = src.shape[0]
    by_col = np.zeros(n + 1, dtype=np.int64)
    for k in range(m):
        u, v = src[k], dst[k]
        if u != v:
            by_col[u + 1] += 1
            by_col[v + 1] += 1
    for v in range(n):
        by_col[v + 1] += by_col[v]
    total = by_col[n]
    # Pass 1: bucket the directed entries by column (the row each came from, and its strength).
    fill = by_col[:n].copy()
    col_rows = np.empty(total, dtype=np.int32)
    col_w = np.empty(total, dtype=np.float32)
    for k in range(m):
        u, v = src[k], dst[k]
        if u == v:
            continue
        p = fill[v]
        col_rows[p] = u
        col_w[p] = w[k]
        fill[v] = p + 1
        p = fill[u]
        col_rows[p] = v
        col_w[p] = w[k]
        fill[u] = p + 1
    # Row sizes equal column sizes (the entries are symmetric), so rows start where columns do.
    # Pass 2: columns in ascending order, each entry to its row: rows come out sorted.
    for v in range(n):
        fill[v] = by_col[v]
    indices = np.empty(total, dtype=np.int32)
    weights = np.empty(total, dtype=np.float32)
    for v in range(n):
        for p in range(by_col[v], by_col[v + 1]):
            r = col_rows[p]
            q = fill[r]
            indices[q] = v
            weights[q] = col_w[p]
            fill[r] = q + 1
    # Pass 3: duplicates are adjacent now; keep the strongest of each run, compacting in place.
    indptr = np.zeros(n + 1, dtype=np.int64)
    out = 0
    for r in range(n):
        start, stop = by_col[r], by_col[r + 1]
        p = start
        while p < stop:
            v = indices[p]
            best = weights[p]
            p += 1
            while p < stop and indices[p] == v:
                if weights[p] > best:
                    best = weights[p]
                p += 1
            indices[out] = v
            weights[out] = best
            out += 1
        indptr[r + 1] = out
    if out == total:
        return indptr, indices, weights
    return indptr, indices[:out].copy(), weights[:out].copy()
