"""Numba kernels behind ``suggest`` and ``broker`` (private: the public API is in those modules).

Every kernel works on the snapshot's CSR arrays (``indptr``, ``indices``, ``weights`` as their
uint16 bits, read through ``_kernels_build.half``, and ``flags``) and, for interests, on a row-
normalised CSR matrix and its CSC transpose. They release the GIL, allocate nothing proportional
to the graph (the caller lends a workspace) and are compiled once and cached on disk.

Two conventions keep the hot loop to one random read-modify-write per visited tie:

* the accumulator ``acc`` is all zeros between queries; a query first writes ``-inf`` at the
  source, its neighbours and the excluded nodes, so they can never become candidates (adding a
  finite number to ``-inf`` keeps it ``-inf``) and the loop needs no membership test;
* a node enters the ``touched`` list the first time its accumulator leaves zero (every
  contribution is strictly positive: tie strengths are in (0, 1] and interest values are
  positive), and exactly the touched entries are reset at the end.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
from numba import njit as _numba_njit

from goodwill.graph._kernels_build import half

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
U8 = npt.NDArray[np.uint8]
U16 = npt.NDArray[np.uint16]

_F = TypeVar("_F", bound=Callable[..., Any])


def njit(**options: Any) -> Callable[[_F], _F]:
    """``numba.njit`` with the options given, typed for mypy (the kernel keeps its signature)."""

    def wrap(fn: _F) -> _F:
        return cast(_F, _numba_njit(**options)(fn))

    return wrap


__all__ = [
    "brokerage_kernel",
    "ego_ties",
    "introductions_kernel",
    "pair_scores_kernel",
    "suggest_kernel",
]


# -- a bounded heap of the best k (score desc, then key asc) ------------------------------------
@njit(cache=True, nogil=True)
def _worse(score_a: float, key_a: int, score_b: float, key_b: int) -> bool:
    """Whether entry a ranks below entry b (lower score, or equal score and larger key)."""
    return score_a < score_b or (score_a == score_b and key_a > key_b)


@njit(cache=True, nogil=True)
def _sift_down(hs: F64, hk: I64, i: int, size: int) -> None:
    """Restore the heap below position ``i`` (the worst entry at the root)."""
    while True:
        left = 2 * i + 1
        if left >= size:
            return
        child = left
        right = left + 1
        if right < size and _worse(hs[right], hk[right], hs[left], hk[left]):
            child = right
        if not _worse(hs[child], hk[child], hs[i], hk[i]):
            return
        hs[i], hs[child] = hs[child], hs[i]
        hk[i], hk[child] = hk[child], hk[i]
        i = child


@njit(cache=True, nogil=True)
def _heap_offer(hs: F64, hk: I64, size: int, k: int, score: float, key: int) -> int:
    """Offer ``(score, key)`` to a heap whose root is its worst entry; return the new size."""
    if size < k:
        i = size
        hs[i] = score
        hk[i] = key
        while i > 0:
            parent = (i - 1) // 2
            if not _worse(hs[i], hk[i], hs[parent], hk[parent]):
                break
            hs[i], hs[parent] = hs[parent], hs[i]
            hk[i], hk[parent] = hk[parent], hk[i]
            i = parent
        return size + 1
    if _worse(hs[0], hk[0], score, key):
        hs[0] = score
        hk[0] = key
        _sift_down(hs, hk, 0, size)
    return size


@njit(cache=True, nogil=True)
def _sort_heap(hs: F64, hk: I64, size: int) -> None:
    """Sort the heap in place, best first (score desc, then key asc), by popping the worst."""
    for end in range(size - 1, 0, -1):
        hs[0], hs[end] = hs[end], hs[0]
        hk[0], hk[end] = hk[end], hk[0]
        _sift_down(hs, hk, 0, end)


# -- small helpers -------------------------------------------------------------------------------
@njit(cache=True, nogil=True)
def _find(indices: I32, lo: int, hi: int, target: int) -> int:
    """Position of ``target`` in the sorted slice ``indices[lo:hi]``, or -1."""
    while lo < hi:
        mid = (lo + hi) >> 1
        value = indices[mid]
        if value < target:
            lo = mid + 1
        elif value > target:
            hi = mid
        else:
            return mid
    return -1


@njit(cache=True, nogil=True)
def _keep_best(best_v: F64, best_i: I64, count: int, limit: int, value: float, item: int) -> int:
    """Insert ``(value, item)`` into a short list sorted by value desc, then item asc."""
    if limit == 0:
        return 0
    if count == limit and not _worse(best_v[count - 1], best_i[count - 1], value, item):
        return count
    pos = count if count < limit else limit - 1
    while pos > 0 and _worse(best_v[pos - 1], best_i[pos - 1], value, item):
        if pos < limit:
            best_v[pos] = best_v[pos - 1]
            best_i[pos] = best_i[pos - 1]
        pos -= 1
    best_v[pos] = value
    best_i[pos] = item
    return count + 1 if count < limit else count


@njit(cache=True, nogil=True)
def _mutuals(
    indptr: I64,
    indices: I32,
    weights: U16,
    flags: U8,
    acc: F64,
    u: int,
    v: int,
    weighted: bool,
    skip_mid: int,
    use_marks: bool,
    best_v: F64,
    best_i: I64,
    limit: int,
) -> tuple[float, float, int, int]:
    """Adamic-Adar, resource allocation, the count and the strongest common neighbours of u, v.

    Walks the shorter of the two rows and binary-searches the other. With ``use_marks`` (inside
    ``suggest``, before the reset) ``acc[z] == -inf`` pre-filters members of u's row.
    """
    u0, u1 = indptr[u], indptr[u + 1]
    v0, v1 = indptr[v], indptr[v + 1]
    aa = 0.0
    ra = 0.0
    count = 0
    kept = 0
    if u1 - u0 <= v1 - v0:
        for p in range(u0, u1):
            z = indices[p]
            if flags[z] & skip_mid:
                continue
            q = _find(indices, v0, v1, z)
            if q < 0:
                continue
            dz = indptr[z + 1] - indptr[z]
            if dz < 2:  # only when u == v: no common neighbour of two people
                continue
            strength = float(half(weights[p])) * float(half(weights[q]))
            path = strength if weighted else 1.0
            aa += path / math.log(dz)
            ra += path / dz
            count += 1
            kept = _keep_best(best_v, best_i, kept, limit, strength, z)
    else:
        for q in range(v0, v1):
            z = indices[q]
            if flags[z] & skip_mid:
                continue
            if use_marks and acc[z] != -np.inf:
                continue
            p = _find(indices, u0, u1, z)
            if p < 0:
                continue
            dz = indptr[z + 1] - indptr[z]
            if dz < 2:  # only when u == v: no common neighbour of two people
                continue
            strength = float(half(weights[p])) * float(half(weights[q]))
            path = strength if weighted else 1.0
            aa += path / math.log(dz)
            ra += path / dz
            count += 1
            kept = _keep_best(best_v, best_i, kept, limit, strength, z)
    return aa, ra, count, kept


@njit(cache=True, nogil=True)
def _row_dot(
    xptr: I64,
    xind: I32,
    xval: F64,
    u: int,
    v: int,
    best_v: F64,
    best_i: I64,
    limit: int,
) -> tuple[float, int]:
    """Dot product of two rows of a sorted CSR matrix, and the columns contributing most."""
    a, a1 = xptr[u], xptr[u + 1]
    b, b1 = xptr[v], xptr[v + 1]
    total = 0.0
    kept = 0
    while a < a1 and b < b1:
        fa = xind[a]
        fb = xind[b]
        if fa < fb:
            a += 1
        elif fa > fb:
            b += 1
        else:
            product = xval[a] * xval[b]
            total += product
            kept = _keep_best(best_v, best_i, kept, limit, product, fa)
            a += 1
            b += 1
    return total, kept


# -- people to meet ------------------------------------------------------------------------------
@njit(cache=True, nogil=True)
def suggest_kernel(
    indptr: I64,
    indices: I32,
    weights: U16,
    flags: U8,
    source: int,
    weighted: bool,
    resource: bool,
    skip_mid: int,
    skip_candidate: int,
    has_interests: bool,
    xptr: I64,
    xind: I32,
    xval: F64,
    cptr: I64,
    cind: I32,
    cval: F64,
    alpha: float,
    exclude: I64,
    acc: F64,
    touched: I32,
    k: int,
    n_reasons: int,
    out_node: I64,
    out_score: F64,
    out_aa: F64,
    out_ra: F64,
    out_interest: F64,
    out_count: I64,
    out_mutuals: I64,
    out_shared: I64,
) -> int:
    """Top ``k`` people for ``source`` into the ``out_*`` arrays; returns how many were found."""
    neg = -np.inf
    s0, s1 = indptr[source], indptr[source + 1]
    acc[source] = neg
    for p in range(s0, s1):
        acc[indices[p]] = neg
    for i in range(exclude.shape[0]):
        acc[exclude[i]] = neg

    # Friends of friends: every common neighbour z adds (strength of s-z-v) / log deg(z)
    # (or / deg(z) for resource allocation).
    nt = 0
    for p in range(s0, s1):
        z = indices[p]
        if flags[z] & skip_mid:
            continue
        z0, z1 = indptr[z], indptr[z + 1]
        dz = z1 - z0
        if dz < 2:
            continue
        base = 1.0 / dz if resource else 1.0 / math.log(dz)
        if weighted:
            base *= half(weights[p])
            for q in range(z0, z1):
                v = indices[q]
                x = acc[v]
                if x == 0.0:
                    touched[nt] = v
                    nt += 1
                acc[v] = x + base * half(weights[q])
        else:
            for q in range(z0, z1):
                v = indices[q]
                x = acc[v]
                if x == 0.0:
                    touched[nt] = v
                    nt += 1
                acc[v] = x + base

    # Shared interests: walk the interest -> people index from the source's interests.
    if has_interests and alpha > 0.0:
        for a in range(xptr[source], xptr[source + 1]):
            f = xind[a]
            xs = alpha * xval[a]
            for b in range(cptr[f], cptr[f + 1]):
                v = cind[b]
                x = acc[v]
                if x == 0.0:
                    touched[nt] = v
                    nt += 1
                acc[v] = x + xs * cval[b]

    hs = np.empty(max(k, 1), np.float64)
    hk = np.empty(max(k, 1), np.int64)
    size = 0
    for i in range(nt):
        v = touched[i]
        if flags[v] & skip_candidate:
            continue
        score = acc[v]
        if size == k and not _worse(hs[0], hk[0], score, v):
            continue  # the common case, decided without a call
        size = _heap_offer(hs, hk, size, k, score, v)
    _sort_heap(hs, hk, size)

    best_v = np.empty(max(n_reasons, 1), np.float64)
    best_i = np.empty(max(n_reasons, 1), np.int64)
    for r in range(size):
        v = hk[r]
        out_node[r] = v
        out_score[r] = hs[r]
        aa, ra, count, kept = _mutuals(
            indptr,
            indices,
            weights,
            flags,
            acc,
            source,
            v,
            weighted,
            skip_mid,
            True,
            best_v,
            best_i,
            n_reasons,
        )
        out_aa[r] = aa
        out_ra[r] = ra
        out_count[r] = count
        for j in range(kept):
            out_mutuals[r, j] = best_i[j]
        if has_interests:
            dot, kept = _row_dot(xptr, xind, xval, source, v, best_v, best_i, n_reasons)
            out_interest[r] = dot
            for j in range(kept):
                out_shared[r, j] = best_i[j]

    for i in range(nt):
        acc[touched[i]] = 0.0
    for p in range(s0, s1):
        acc[indices[p]] = 0.0
    for i in range(exclude.shape[0]):
        acc[exclude[i]] = 0.0
    acc[source] = 0.0
    return size


@njit(cache=True, nogil=True)
def pair_scores_kernel(
    indptr: I64,
    indices: I32,
    weights: U16,
    flags: U8,
    us: I64,
    vs: I64,
    weighted: bool,
    skip_mid: int,
    has_interests: bool,
    xptr: I64,
    xind: I32,
    xval: F64,
    out_aa: F64,
    out_ra: F64,
    out_count: I64,
    out_interest: F64,
) -> None:
    """Adamic-Adar, resource allocation, common-neighbour count and cosine for given pairs."""
    best_v = np.empty(1, np.float64)
    best_i = np.empty(1, np.int64)
    dummy = np.empty(0, np.float64)
    for i in range(us.shape[0]):
        u = us[i]
        v = vs[i]
        aa, ra, count, _ = _mutuals(
            indptr,
            indices,
            weights,
            flags,
            dummy,
            u,
            v,
            weighted,
            skip_mid,
            False,
            best_v,
            best_i,
            0,
        )
        out_aa[i] = aa
        out_ra[i] = ra
        out_count[i] = count
        if has_interests:
            dot, _ = _row_dot(xptr, xind, xval, u, v, best_v, best_i, 0)
            out_interest[i] = dot


# -- introductions the ego could make ------------------------------------------------------------
@njit(cache=True, nogil=True)
def ego_ties(
    indptr: I64, indices: I32, weights: U16, contacts: I64, acc: F64
) -> tuple[I64, I64, F64]:
    """The ties among ``contacts`` (sorted node indices) as a local CSR: row pointers, local
    column indices and strengths. ``acc`` is a zeroed workspace (n entries), marked with
    ``local index + 1`` for the duration of the call and zeroed again."""
    nc = contacts.shape[0]
    total = 0
    for a in range(nc):
        acc[contacts[a]] = a + 1.0
        total += indptr[contacts[a] + 1] - indptr[contacts[a]]
    cols = np.empty(total, np.int64)
    strength = np.empty(total, np.float64)
    lptr = np.zeros(nc + 1, np.int64)
    used = 0
    for a in range(nc):
        node = contacts[a]
        for p in range(indptr[node], indptr[node + 1]):
            mark = acc[indices[p]]
            if mark > 0.0:
                cols[used] = int(mark) - 1
                strength[used] = half(weights[p])
                used += 1
        lptr[a + 1] = used
    for a in range(nc):
        acc[contacts[a]] = 0.0
    return lptr, cols[:used].copy(), strength[:used].copy()


@njit(cache=True, nogil=True)
def introductions_kernel(
    lptr: I64,
    lind: I64,
    labels: I64,
    has_interests: bool,
    xptr: I64,
    xind: I32,
    xval: F64,
    cptr: I64,
    cind: I32,
    cval: F64,
    has_market: bool,
    optr: I64,
    oind: I32,
    oval: F64,
    ocptr: I64,
    ocind: I32,
    ocval: F64,
    nptr: I64,
    nind: I32,
    nval: F64,
    ncptr: I64,
    ncind: I32,
    ncval: F64,
    interest_weight: float,
    need_weight: float,
    bridge_bonus: float,
    k: int,
    out_a: I64,
    out_b: I64,
    out_score: F64,
    out_interest: F64,
    out_match: F64,
) -> int:
    """Best ``k`` untied pairs (a < b) of contacts, in local contact numbering.

    ``lptr``/``lind``: the ties among the contacts (local CSR, from ``ego_ties``). Local
    matrices (rows = contacts) are row-normalised interests ``x`` with CSC ``c``; offers ``o``
    and needs ``n`` with their CSC forms. For each contact a it accumulates, over the later
    contacts b, the cosine and the need-offer match in both directions.
    """
    nc = labels.shape[0]
    interest = np.zeros(nc, np.float64)
    match = np.zeros(nc, np.float64)
    seen = np.zeros(nc, np.uint8)
    tied = np.full(nc, -1, np.int64)
    touched = np.empty(nc, np.int64)
    hs = np.empty(max(k, 1), np.float64)
    hk = np.empty(max(k, 1), np.int64)
    size = 0
    for a in range(nc):
        for p in range(lptr[a], lptr[a + 1]):
            tied[lind[p]] = a
        nt = 0
        if has_interests:
            for i in range(xptr[a], xptr[a + 1]):
                f = xind[i]
                xa = xval[i]
                for j in range(cptr[f], cptr[f + 1]):
                    b = cind[j]
                    if b <= a:
                        continue
                    if seen[b] == 0:
                        seen[b] = 1
                        touched[nt] = b
                        nt += 1
                    interest[b] += xa * cval[j]
        if has_market:
            # a offers what b needs
            for i in range(optr[a], optr[a + 1]):
                f = oind[i]
                oa = oval[i]
                for j in range(ncptr[f], ncptr[f + 1]):
                    b = ncind[j]
                    if b <= a:
                        continue
                    if seen[b] == 0:
                        seen[b] = 1
                        touched[nt] = b
                        nt += 1
                    match[b] += oa * ncval[j]
            # b offers what a needs
            for i in range(nptr[a], nptr[a + 1]):
                f = nind[i]
                na = nval[i]
                for j in range(ocptr[f], ocptr[f + 1]):
                    b = ocind[j]
                    if b <= a:
                        continue
                    if seen[b] == 0:
                        seen[b] = 1
                        touched[nt] = b
                        nt += 1
                    match[b] += na * ocval[j]
        for i in range(nt):
            b = touched[i]
            if tied[b] != a:
                score = interest_weight * interest[b] + need_weight * match[b]
                if labels[a] != labels[b]:
                    score += bridge_bonus
                key = a * nc + b
                if (interest[b] > 0.0 or match[b] > 0.0) and (
                    size < k or _worse(hs[0], hk[0], score, key)
                ):
                    size = _heap_offer(hs, hk, size, k, score, key)
        for i in range(nt):
            b = touched[i]
            seen[b] = 0
            interest[b] = 0.0
            match[b] = 0.0
    _sort_heap(hs, hk, size)
    for r in range(size):
        out_a[r] = hk[r] // nc
        out_b[r] = hk[r] % nc
        out_score[r] = hs[r]
    # the components of the winners, recomputed exactly
    best_v = np.empty(1, np.float64)
    best_i = np.empty(1, np.int64)
    for r in range(size):
        a = out_a[r]
        b = out_b[r]
        if has_interests:
            out_interest[r] = _row_dot(xptr, xind, xval, a, b, best_v, best_i, 0)[0]
        if has_market:
            forward = _cross_dot(optr, oind, oval, nptr, nind, nval, a, b)
            backward = _cross_dot(optr, oind, oval, nptr, nind, nval, b, a)
            out_match[r] = forward + backward
    return size


@njit(cache=True, nogil=True)
def _cross_dot(
    optr: I64, oind: I32, oval: F64, nptr: I64, nind: I32, nval: F64, a: int, b: int
) -> float:
    """Σ_f offers[a, f] · needs[b, f] over sorted rows."""
    i, i1 = optr[a], optr[a + 1]
    j, j1 = nptr[b], nptr[b + 1]
    total = 0.0
    while i < i1 and j < j1:
        if oind[i] < nind[j]:
            i += 1
        elif oind[i] > nind[j]:
            j += 1
        else:
            total += oval[i] * nval[j]
            i += 1
            j += 1
    return total


# -- brokerage -----------------------------------------------------------------------------------
@njit(cache=True, nogil=True)
def brokerage_kernel(
    indptr: I64, indices: I32, weights: U16, ego: int, weighted: bool
) -> tuple[float, float]:
    """Burt's effective size and constraint of ``ego`` (NaN for an isolated ego).

    With ``p[i, q] = w[i, q] / Σ_x w[i, x]`` and ``m[j, q] = w[j, q] / max_x w[j, x]``:
    effective size = Σ_j (1 - Σ_q p[ego, q] m[j, q]); constraint = Σ_j (p[ego, j] +
    Σ_q p[ego, q] p[q, j])², with j and q over the ego's contacts.
    """
    e0, e1 = indptr[ego], indptr[ego + 1]
    d = e1 - e0
    if d == 0:
        return np.nan, np.nan
    total = 0.0
    for p in range(e0, e1):
        total += half(weights[p]) if weighted else 1.0
    # strength (row sum) and strongest tie of every contact
    strength = np.empty(d, np.float64)
    strongest = np.empty(d, np.float64)
    for i in range(d):
        j = indices[e0 + i]
        s = 0.0
        top = 0.0
        for q in range(indptr[j], indptr[j + 1]):
            w = half(weights[q]) if weighted else 1.0
            s += w
            if w > top:
                top = w
        strength[i] = s
        strongest[i] = top
    effective = 0.0
    constraint = 0.0
    for i in range(d):
        pj = e0 + i
        j = indices[pj]
        p_ej = (half(weights[pj]) if weighted else 1.0) / total
        redundancy = 0.0
        indirect = 0.0
        j0, j1 = indptr[j], indptr[j + 1]
        # common contacts q of ego and j
        if j1 - j0 <= d:
            for qj in range(j0, j1):
                q = indices[qj]
                pe = _find(indices, e0, e1, q)
                if pe < 0:
                    continue
                w_jq = half(weights[qj]) if weighted else 1.0
                w_eq = half(weights[pe]) if weighted else 1.0
                p_eq = w_eq / total
                redundancy += p_eq * w_jq / strongest[i]
                indirect += p_eq * w_jq / strength[pe - e0]
        else:
            for pe in range(e0, e1):
                q = indices[pe]
                qj = _find(indices, j0, j1, q)
                if qj < 0:
                    continue
                w_jq = half(weights[qj]) if weighted else 1.0
                w_eq = half(weights[pe]) if weighted else 1.0
                p_eq = w_eq / total
                redundancy += p_eq * w_jq / strongest[i]
                indirect += p_eq * w_jq / strength[pe - e0]
        effective += 1.0 - redundancy
        constraint += (p_ej + indirect) ** 2
    return effective, constraint
