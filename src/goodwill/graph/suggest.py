"""People to meet: friends of friends and people with shared interests, ranked with reasons.

For a source person ``s`` and a candidate ``v`` who is not ``s`` and not yet tied to ``s``, with
``Γ(x)`` the people tied to ``x``, ``w(x, y)`` a tie's strength and ``X`` a person x interest
matrix (non-negative):

* **Adamic-Adar** (Adamic & Adar 2003): ``AA(s, v) = Σ_{z ∈ Γ(s) ∩ Γ(v)} 1 / log |Γ(z)|``.
  A mutual friend who knows few people says more than one who knows everybody.
* **Resource allocation** (Zhou, Lü & Zhang 2009): ``RA(s, v) = Σ_{z ∈ Γ(s) ∩ Γ(v)} 1 / |Γ(z)|``.
* **Tie-weighted** forms (``weighted=True``, the default): each common neighbour's term is
  multiplied by the strength of the two-step chain ``w(s, z) · w(z, v)`` (both in (0, 1]), so a
  mutual friend you barely know counts for little. With all strengths 1 these are the plain
  indices above (and NetworkX's ``adamic_adar_index`` / ``resource_allocation_index``).
* **Interest similarity**: the cosine ``X[s] · X[v] / (‖X[s]‖ ‖X[v]‖)`` (Salton & McGill 1983),
  in [0, 1]. It also finds people in the snapshot who share interests (a group, a tag) without
  being friends of friends.

The ranking score is ``structure + alpha · interest`` where ``structure`` is AA (default) or RA.
Candidates are ranked by score, descending, then by node index, ascending (deterministic).
BLOCKED and BULK people are never suggested and never count as mutual friends (a mailing list
is no friend); the source, people already tied to the source and an explicit ``exclude`` list
are never suggested.

Each query walks the source's ties and their ties once (and, with interests, the people
holding each of the source's interests) in a compiled kernel, adding into a dense accumulator
that is reset through a touched list: nothing proportional to the graph is allocated per query.
The accumulator and touched list (12 bytes per person) are kept per snapshot and lent to one
query at a time, so concurrent queries in threads each get their own. The best ``k`` are kept
in a bounded heap during one pass over the touched people (a candidate that cannot enter is
rejected with one comparison; no array of all candidates is gathered, which argpartition would
need), and only those ``k`` get their components, mutual friends and shared interests.

Example: Ann (1) knows Bob (2) and Cat (3); Bob and Cat both know Dan (4); Cat knows Eve (5).

>>> import numpy as np
>>> from goodwill.graph.snapshot import from_edges
>>> s = from_edges([1, 2, 3, 4, 5], [1, 1, 2, 3, 3], [2, 3, 4, 4, 5],
...                np.array([0.9, 0.5, 0.8, 0.4, 0.7], np.float32), me_id=1)
>>> top = suggest(s, s.me, weighted=False)
>>> [(int(s.ids[x.node]), x.mutual_count, [int(s.ids[z]) for z in x.top_mutuals]) for x in top]
[(4, 2, [2, 3]), (5, 1, [3])]
>>> import math
>>> math.isclose(top[0].adamic_adar, 1 / math.log(2) + 1 / math.log(3))
True

References:
    Adamic, L. A. & Adar, E. (2003). Friends and neighbors on the Web. *Social Networks*
    25(3), 211-230.
    Zhou, T., Lü, L. & Zhang, Y.-C. (2009). Predicting missing links via local information.
    *European Physical Journal B* 71, 623-630.
    Salton, G. & McGill, M. J. (1983). *Introduction to Modern Information Retrieval*.
    McGraw-Hill (the cosine measure).
"""

from __future__ import annotations

import math
import threading
import weakref
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from goodwill.graph._kernels_suggest import pair_scores_kernel, suggest_kernel
from goodwill.graph.snapshot import BLOCKED, BULK, Snapshot

__all__ = [
    "Interests",
    "PairScores",
    "Suggestion",
    "pair_scores",
    "prepare_interests",
    "suggest",
]

SKIP = BLOCKED | BULK
"""People never suggested and never counted as a mutual friend."""

Structure = Literal["adamic_adar", "resource_allocation"]
InterestMatrix: TypeAlias = (
    sp.spmatrix | sp.sparray | npt.NDArray[np.floating] | npt.NDArray[np.integer]
)
"""A person x interest matrix: scipy sparse (CSR preferred) or a dense array."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One person to meet, with what the score is made of and the material for reasons.

    ``top_mutuals`` are node indices of the strongest mutual friends (by ``w(s, z) · w(z, v)``,
    strongest first); ``shared_interests`` are column indices of the interest matrix that add
    most to the cosine (largest first).
    """

    node: int
    score: float
    adamic_adar: float
    resource_allocation: float
    interest: float
    mutual_count: int
    top_mutuals: tuple[int, ...]
    shared_interests: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class Interests:
    """A person x interest matrix prepared for queries: rows scaled to unit length (so a dot
    product is the cosine), in CSR (per person) and CSC (per interest) form."""

    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int32]
    data: npt.NDArray[np.float64]
    col_indptr: npt.NDArray[np.int64]
    col_indices: npt.NDArray[np.int32]
    col_data: npt.NDArray[np.float64]
    shape: tuple[int, int]


@dataclass(frozen=True, eq=False)
class PairScores:
    """Scores of given pairs, aligned with the pairs (arrays of the same length)."""

    score: npt.NDArray[np.float64]
    adamic_adar: npt.NDArray[np.float64]
    resource_allocation: npt.NDArray[np.float64]
    interest: npt.NDArray[np.float64]
    mutual_count: npt.NDArray[np.int64]


def prepare_interests(matrix: InterestMatrix | Interests, n: int | None = None) -> Interests:
    """Validate and normalise a person x interest matrix once, for many queries.

    ``matrix`` has one row per node of the snapshot (``n`` rows when ``n`` is given) and
    non-negative entries (1 for "has this tag", or a weight). ``ValueError`` otherwise.
    """
    if isinstance(matrix, Interests):
        if n is not None and matrix.shape[0] != n:
            raise ValueError(f"interests have {matrix.shape[0]} rows, the snapshot {n} people")
        return matrix
    csr = sp.csr_matrix(matrix, dtype=np.float64, copy=True)
    if n is not None and csr.shape[0] != n:
        raise ValueError(f"interests have {csr.shape[0]} rows, the snapshot {n} people")
    if csr.nnz and (not np.all(np.isfinite(csr.data)) or csr.data.min() < 0):
        raise ValueError("interest values must be finite and non-negative")
    csr.sum_duplicates()
    csr.eliminate_zeros()
    csr.sort_indices()
    norms = np.sqrt(np.asarray(csr.multiply(csr).sum(axis=1)).ravel())
    row_of = np.repeat(np.arange(csr.shape[0]), np.diff(csr.indptr))
    csr.data /= norms[row_of]
    csc = csr.tocsc()
    csc.sort_indices()
    return Interests(
        csr.indptr.astype(np.int64),
        csr.indices.astype(np.int32),
        csr.data,
        csc.indptr.astype(np.int64),
        csc.indices.astype(np.int32),
        csc.data.astype(np.float64),
        (int(csr.shape[0]), int(csr.shape[1])),
    )


_NO_PTR = np.zeros(1, np.int64)
_NO_IND = np.zeros(0, np.int32)
_NO_VAL = np.zeros(0, np.float64)
_NO_NODES = np.zeros(0, np.int64)

# Prepared interest matrices by the id of the matrix given, while it lives (sparse matrices
# are unhashable, so no WeakKeyDictionary); the shape and nnz guard against reuse of an id.
_prepared: dict[int, tuple[weakref.ref[object], tuple[int, ...], int, Interests]] = {}
_prepared_lock = threading.Lock()


def _interests(matrix: InterestMatrix | Interests, n: int) -> Interests:
    if isinstance(matrix, Interests) or not sp.issparse(matrix):
        return prepare_interests(matrix, n)
    sparse: Any = matrix
    key = id(sparse)
    with _prepared_lock:
        hit = _prepared.get(key)
    if hit is not None:
        ref, shape, nnz, prepared = hit
        if shape == sparse.shape and nnz == sparse.nnz and ref() is sparse:
            return prepare_interests(prepared, n)
    prepared = prepare_interests(sparse, n)
    with _prepared_lock:
        _prepared[key] = (weakref.ref(sparse), tuple(sparse.shape), int(sparse.nnz), prepared)
    weakref.finalize(sparse, _forget, key)
    return prepared


def _forget(key: int) -> None:
    with _prepared_lock:
        _prepared.pop(key, None)


# Workspaces (a zeroed float64 accumulator and a touched list, n entries each) are lent per
# query from a pool per snapshot, so concurrent queries in threads never share one.
@dataclass
class _Workspace:
    acc: npt.NDArray[np.float64]
    touched: npt.NDArray[np.int32]


_pools: weakref.WeakKeyDictionary[Snapshot, list[_Workspace]] = weakref.WeakKeyDictionary()
_pools_lock = threading.Lock()


def _borrow(s: Snapshot) -> _Workspace:
    with _pools_lock:
        pool = _pools.setdefault(s, [])
        if pool:
            return pool.pop()
    return _Workspace(np.zeros(s.n, np.float64), np.empty(s.n, np.int32))


def _give_back(s: Snapshot, workspace: _Workspace) -> None:
    with _pools_lock:
        _pools.setdefault(s, []).append(workspace)


def _check_node(s: Snapshot, node: int, what: str) -> int:
    node = int(node)
    if not 0 <= node < s.n:
        raise IndexError(f"{what} {node} is not a node index of this snapshot (n={s.n})")
    return node


def suggest(
    s: Snapshot,
    source: int,
    *,
    k: int = 20,
    interests: InterestMatrix | Interests | None = None,
    alpha: float = 1.0,
    exclude: npt.ArrayLike | None = None,
    weighted: bool = True,
    structure: Structure = "adamic_adar",
    reasons: int = 3,
) -> list[Suggestion]:
    """The ``k`` people ``source`` would most likely want to meet, best first.

    Parameters
    ----------
    s : Snapshot
    source : node index of the person asking.
    k : how many suggestions at most.
    interests : person x interest matrix (``n`` rows, non-negative), e.g. tags and group
        memberships; a ``scipy.sparse`` matrix (prepared once and remembered while it lives) or
        an ``Interests`` from ``prepare_interests``. ``None``: mutual friends only.
    alpha : weight (>= 0) of the interest cosine, itself in [0, 1], added to the structural
        score; 0 leaves interests out of the ranking (they are still reported).
    exclude : node indices never to suggest (dismissed suggestions, pending requests).
    weighted : multiply each mutual friend's term by ``w(s, z) · w(z, v)``.
    structure : ``"adamic_adar"`` (default) or ``"resource_allocation"`` in the score.
    reasons : how many top mutual friends and shared interests to report per suggestion.

    Returns a list of ``Suggestion``, ranked by score desc, then node index asc.
    """
    source = _check_node(s, source, "source")
    if structure not in ("adamic_adar", "resource_allocation"):
        raise ValueError(f"unknown structure {structure!r}")
    if not alpha >= 0.0 or not math.isfinite(alpha):
        raise ValueError(f"alpha must be finite and >= 0, not {alpha}")
    if k <= 0:
        return []
    prepared = _interests(interests, s.n) if interests is not None else None
    excluded = _NO_NODES
    if exclude is not None:
        excluded = np.asarray(exclude, dtype=np.int64).ravel()
        if excluded.size and (excluded.min() < 0 or excluded.max() >= s.n):
            raise IndexError("exclude holds a node index outside this snapshot")
    reasons = max(int(reasons), 0)
    k = min(int(k), s.n)
    out_node = np.empty(k, np.int64)
    out_score = np.empty(k, np.float64)
    out_aa = np.empty(k, np.float64)
    out_ra = np.empty(k, np.float64)
    out_interest = np.zeros(k, np.float64)
    out_count = np.empty(k, np.int64)
    out_mutuals = np.full((k, reasons), -1, np.int64)
    out_shared = np.full((k, reasons), -1, np.int64)
    # Should the kernel raise, the workspace (maybe dirty) is dropped, not lent again.
    workspace = _borrow(s)
    found = suggest_kernel(
        s.indptr,
        s.indices,
        s.weight_bits,
        s.flags,
        source,
        bool(weighted),
        structure == "resource_allocation",
        SKIP,
        SKIP,
        prepared is not None,
        prepared.indptr if prepared is not None else _NO_PTR,
        prepared.indices if prepared is not None else _NO_IND,
        prepared.data if prepared is not None else _NO_VAL,
        prepared.col_indptr if prepared is not None else _NO_PTR,
        prepared.col_indices if prepared is not None else _NO_IND,
        prepared.col_data if prepared is not None else _NO_VAL,
        float(alpha),
        excluded,
        workspace.acc,
        workspace.touched,
        k,
        reasons,
        out_node,
        out_score,
        out_aa,
        out_ra,
        out_interest,
        out_count,
        out_mutuals,
        out_shared,
    )
    _give_back(s, workspace)
    # Plain lists first: building the results from numpy scalars would cost more than the query.
    counts = out_count[:found].tolist()
    mutuals = [
        row[: min(c, reasons)] for row, c in zip(out_mutuals[:found].tolist(), counts, strict=True)
    ]
    shared = [_valid(row) for row in out_shared[:found].tolist()] if prepared is not None else None
    return [
        Suggestion(
            node, score, aa, ra, cosine, count, tuple(mutuals[r]), shared[r] if shared else ()
        )
        for r, (node, score, aa, ra, cosine, count) in enumerate(
            zip(
                out_node[:found].tolist(),
                out_score[:found].tolist(),
                out_aa[:found].tolist(),
                out_ra[:found].tolist(),
                out_interest[:found].tolist(),
                counts,
                strict=True,
            )
        )
    ]


def _valid(items: list[int]) -> tuple[int, ...]:
    """The filled part of a row padded with -1."""
    return tuple(items[: items.index(-1)] if -1 in items else items)


def pair_scores(
    s: Snapshot,
    u: npt.ArrayLike,
    v: npt.ArrayLike,
    *,
    interests: InterestMatrix | Interests | None = None,
    alpha: float = 1.0,
    weighted: bool = True,
    structure: Structure = "adamic_adar",
) -> PairScores:
    """The scores ``suggest`` gives, for arbitrary pairs ``(u[i], v[i])`` (like NetworkX's
    ``adamic_adar_index(G, ebunch)``); no exclusions apply (tied pairs get scores too).

    >>> import numpy as np
    >>> from goodwill.graph.snapshot import from_edges
    >>> s = from_edges([1, 2, 3], [1, 2], [2, 3], np.ones(2, np.float32))
    >>> pair_scores(s, [0], [2]).mutual_count.tolist()
    [1]
    """
    us = np.asarray(u, dtype=np.int64).ravel()
    vs = np.asarray(v, dtype=np.int64).ravel()
    if us.shape != vs.shape:
        raise ValueError("u and v must have the same length")
    for nodes in (us, vs):
        if nodes.size and (nodes.min() < 0 or nodes.max() >= s.n):
            raise IndexError("a pair holds a node index outside this snapshot")
    if structure not in ("adamic_adar", "resource_allocation"):
        raise ValueError(f"unknown structure {structure!r}")
    prepared = _interests(interests, s.n) if interests is not None else None
    aa = np.empty(us.shape[0], np.float64)
    ra = np.empty(us.shape[0], np.float64)
    count = np.empty(us.shape[0], np.int64)
    cosine = np.zeros(us.shape[0], np.float64)
    pair_scores_kernel(
        s.indptr,
        s.indices,
        s.weight_bits,
        s.flags,
        us,
        vs,
        bool(weighted),
        SKIP,
        prepared is not None,
        prepared.indptr if prepared is not None else _NO_PTR,
        prepared.indices if prepared is not None else _NO_IND,
        prepared.data if prepared is not None else _NO_VAL,
        aa,
        ra,
        count,
        cosine,
    )
    structural = ra if structure == "resource_allocation" else aa
    return PairScores(structural + alpha * cosine, aa, ra, cosine, count)
