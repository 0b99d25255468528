"""Brokering: introductions the ego could make, and how much the ego spans structural holes.

**Introductions.** Among the ego's contacts (BLOCKED and BULK people left out), every pair
``(a, b)`` not tied to each other is scored

    ``score = interest_weight · cos(X[a], X[b]) + need_weight · match(a, b)
              + bridge_bonus · [community(a) ≠ community(b)]``

where ``X`` is a person x interest matrix (cosine as in ``suggest``), and with person x
category matrices of offers ``O`` and needs ``N``,
``match(a, b) = O[a] · N[b] + O[b] · N[a]`` (what one offers and the other needs, both ways;
with 0/1 matrices, the number of matching categories). By default one need-offer match
(``need_weight`` 2) counts more than the most similar interests (cosine at most 1). The bonus
rewards a bridge between parts of the ego's world that do not meet (Burt 1992; Granovetter
1973); it only adds to pairs that share an interest or a need-offer match. Communities are the
``labels`` given (e.g. from ``communities``), else Leiden on the ego's own network (the ties
among the contacts). Pairs rank by score desc, then by ``(a, b)`` asc, each with its reasons.

**Brokerage** (Burt 1992), with ``p(i, j) = w(i, j) / Σ_x w(i, x)`` the proportional strength
and ``m(j, q) = w(j, q) / max_x w(j, x)`` the marginal strength:

* effective size ``ES(i) = Σ_{j ∈ Γ(i)} (1 - Σ_{q ∈ Γ(i)} p(i, q) m(j, q))``: the contacts
  less their redundancy. With all strengths equal it is Borgatti's (1997) ``n - 2t/n`` for
  ``n`` contacts with ``t`` ties among them;
* efficiency ``ES(i) / |Γ(i)|``;
* constraint ``C(i) = Σ_{j ∈ Γ(i)} (p(i, j) + Σ_{q ∈ Γ(i), q ≠ j} p(i, q) p(q, j))²``: high when
  the ego's contacts are few or tied to each other (little room to broker).

These equal NetworkX's ``effective_size`` and ``constraint`` with ``weight="weight"`` (and
with ``weight=None`` for ``weighted=False``).

>>> import numpy as np
>>> from goodwill.graph.snapshot import from_edges
>>> s = from_edges(range(4), [0, 0, 0, 1], [1, 2, 3, 2], np.ones(4, np.float32))
>>> b = brokerage(s, 0)
>>> round(b.effective_size, 4), round(b.efficiency, 4), round(b.constraint, 4)
(2.3333, 0.7778, 0.6111)
>>> X = np.array([[0, 0], [1, 0], [0, 0], [1, 1]])
>>> [(i.a, i.b, i.shared_interests) for i in introductions(s, 0, interests=X)]
[(1, 3, (0,))]

References:
    Burt, R. S. (1992). *Structural Holes: The Social Structure of Competition*. Harvard
    University Press.
    Borgatti, S. P. (1997). Structural holes: unpacking Burt's redundancy measures.
    *Connections* 20(1), 35-38.
    Granovetter, M. S. (1973). The strength of weak ties. *American Journal of Sociology*
    78(6), 1360-1380.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from goodwill.graph._kernels_suggest import brokerage_kernel, ego_ties, introductions_kernel
from goodwill.graph.communities import leiden
from goodwill.graph.snapshot import BLOCKED, BULK, Snapshot
from goodwill.graph.suggest import Interests, _borrow, _give_back, _interests

__all__ = ["Brokerage", "Introduction", "brokerage", "introductions"]

SKIP = BLOCKED | BULK
"""Contacts never proposed for an introduction."""

Matrix: TypeAlias = sp.spmatrix | sp.sparray | npt.NDArray[np.floating] | npt.NDArray[np.integer]


@dataclass(frozen=True, slots=True)
class Introduction:
    """Two of the ego's contacts (node indices, ``a < b``) who are not tied but should meet.

    ``shared_interests``: interest columns adding most to the cosine; ``a_offers_b_needs`` and
    ``b_offers_a_needs``: need/offer categories that match (largest products first).
    """

    a: int
    b: int
    score: float
    interest: float
    match: float
    bridge: bool
    shared_interests: tuple[int, ...]
    a_offers_b_needs: tuple[int, ...]
    b_offers_a_needs: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Brokerage:
    """Burt's measures of the ego's network (NaN for someone with no ties)."""

    effective_size: float
    efficiency: float
    constraint: float


def brokerage(s: Snapshot, ego: int, *, weighted: bool = True) -> Brokerage:
    """Effective size, efficiency and constraint of ``ego`` (see the module docstring).

    ``weighted=False`` treats every tie as strength 1 (Borgatti's simplification).
    """
    ego = _check_node(s, ego)
    effective, constraint = brokerage_kernel(
        s.indptr, s.indices, s.weight_bits, ego, bool(weighted)
    )
    degree = s.degree(ego)
    efficiency = effective / degree if degree else float("nan")
    return Brokerage(float(effective), float(efficiency), float(constraint))


def introductions(
    s: Snapshot,
    ego: int,
    *,
    interests: Matrix | Interests | None = None,
    offers: Matrix | None = None,
    needs: Matrix | None = None,
    k: int = 20,
    labels: npt.ArrayLike | None = None,
    interest_weight: float = 1.0,
    need_weight: float = 2.0,
    bridge_bonus: float = 0.25,
    reasons: int = 3,
    seed: int = 0,
) -> list[Introduction]:
    """The ``k`` best introductions ``ego`` could make between their own contacts.

    ``interests``: person x interest (``n`` rows, non-negative); ``offers`` and ``needs``:
    person x category over the same categories (both or neither). ``labels``: a community per
    node; when absent, communities of the ego's own network are found (seeded by ``seed``).
    ``interest_weight``, ``need_weight`` and ``bridge_bonus`` weigh the three parts of the
    score (module docstring); ``reasons`` caps the interests and categories listed per pair.
    Only pairs that share an interest or match a need to an offer are proposed.
    """
    ego = _check_node(s, ego)
    if (offers is None) != (needs is None):
        raise ValueError("give both offers and needs, or neither")
    contacts = s.neighbours(ego).astype(np.int64)
    contacts = contacts[(s.flags[contacts] & SKIP) == 0]
    nc = int(contacts.shape[0])
    if k <= 0 or nc < 2 or (interests is None and offers is None):
        return []
    workspace = _borrow(s)
    lptr, lind, lweight = ego_ties(s.indptr, s.indices, s.weight_bits, contacts, workspace.acc)
    _give_back(s, workspace)
    local_labels = _labels(s, contacts, labels, (lptr, lind, lweight), seed)
    x = (
        _local_rows(_as_csr(_interests(interests, s.n)), contacts)
        if interests is not None
        else None
    )
    o = n = None
    if offers is not None and needs is not None:
        o = _local_rows(_checked(offers, s.n, "offers"), contacts)
        n = _local_rows(_checked(needs, s.n, "needs"), contacts)
        if o.shape[1] != n.shape[1]:
            raise ValueError("offers and needs must have the same categories (columns)")
    xr, xc = _parts(x), _parts(x.tocsc() if x is not None else None)
    orow, ocol = _parts(o), _parts(o.tocsc() if o is not None else None)
    nrow, ncol = _parts(n), _parts(n.tocsc() if n is not None else None)
    k = min(int(k), nc * (nc - 1) // 2)
    out_a = np.empty(k, np.int64)
    out_b = np.empty(k, np.int64)
    out_score = np.empty(k, np.float64)
    out_interest = np.zeros(k, np.float64)
    out_match = np.zeros(k, np.float64)
    found = introductions_kernel(
        lptr,
        lind,
        local_labels,
        x is not None,
        *xr,
        *xc,
        o is not None,
        *orow,
        *ocol,
        *nrow,
        *ncol,
        float(interest_weight),
        float(need_weight),
        float(bridge_bonus),
        k,
        out_a,
        out_b,
        out_score,
        out_interest,
        out_match,
    )
    result = []
    for r in range(found):
        a, b = int(out_a[r]), int(out_b[r])
        result.append(
            Introduction(
                a=int(contacts[a]),
                b=int(contacts[b]),
                score=float(out_score[r]),
                interest=float(out_interest[r]),
                match=float(out_match[r]),
                bridge=bool(local_labels[a] != local_labels[b]),
                shared_interests=_top_common(x, a, x, b, reasons),
                a_offers_b_needs=_top_common(o, a, n, b, reasons),
                b_offers_a_needs=_top_common(o, b, n, a, reasons),
            )
        )
    return result


# -- helpers -------------------------------------------------------------------------------------
def _check_node(s: Snapshot, node: int) -> int:
    node = int(node)
    if not 0 <= node < s.n:
        raise IndexError(f"ego {node} is not a node index of this snapshot (n={s.n})")
    return node


def _as_csr(prepared: Interests) -> sp.csr_matrix:
    return sp.csr_matrix((prepared.data, prepared.indices, prepared.indptr), shape=prepared.shape)


def _checked(matrix: Matrix, n: int, name: str) -> sp.csr_matrix:
    csr = sp.csr_matrix(matrix, dtype=np.float64)
    if csr.shape[0] != n:
        raise ValueError(f"{name} have {csr.shape[0]} rows, the snapshot {n} people")
    if csr.nnz and (not np.all(np.isfinite(csr.data)) or csr.data.min() < 0):
        raise ValueError(f"{name} values must be finite and non-negative")
    return csr


def _local_rows(matrix: sp.csr_matrix, contacts: npt.NDArray[np.int64]) -> sp.csr_matrix:
    local = sp.csr_matrix(matrix[contacts], dtype=np.float64)
    local.sum_duplicates()
    local.eliminate_zeros()
    local.sort_indices()
    return local


Parts: TypeAlias = tuple[npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.float64]]


def _parts(matrix: sp.csr_matrix | sp.csc_matrix | None) -> Parts:
    if matrix is None:
        return np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float64)
    matrix.sort_indices()
    return (
        matrix.indptr.astype(np.int64),
        matrix.indices.astype(np.int32),
        matrix.data.astype(np.float64),
    )


def _labels(
    s: Snapshot,
    contacts: npt.NDArray[np.int64],
    labels: npt.ArrayLike | None,
    ties: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]],
    seed: int,
) -> npt.NDArray[np.int64]:
    """Community of each contact: from ``labels``, else Leiden on the ties among contacts."""
    if labels is not None:
        given = np.asarray(labels, dtype=np.int64)
        if given.shape != (s.n,):
            raise ValueError(f"labels must have one entry per node ({s.n})")
        return given[contacts]
    lptr, lind, lweight = ties
    rows = np.repeat(np.arange(contacts.shape[0], dtype=np.int64), np.diff(lptr))
    upper = rows < lind
    found = leiden(contacts.shape[0], rows[upper], lind[upper], lweight[upper], seed=seed)
    return found.astype(np.int64)


def _top_common(
    left: sp.csr_matrix | None, a: int, right: sp.csr_matrix | None, b: int, limit: int
) -> tuple[int, ...]:
    """Columns present in both rows, by the product of their values (desc), then column."""
    if left is None or right is None or limit <= 0:
        return ()
    la, lb = left.indptr[a], left.indptr[a + 1]
    ra, rb = right.indptr[b], right.indptr[b + 1]
    common, i, j = np.intersect1d(
        left.indices[la:lb], right.indices[ra:rb], assume_unique=True, return_indices=True
    )
    if common.size == 0:
        return ()
    product = left.data[la:lb][i] * right.data[ra:rb][j]
    order = np.lexsort((common, -product))[:limit]
    return tuple(int(c) for c in common[order])
