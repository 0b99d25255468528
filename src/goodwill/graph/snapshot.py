"""The one compact graph every query runs on: an undirected CSR of people and tie strengths.

A ``Snapshot`` holds, for ``n`` people and ``m`` distinct undirected ties:

* ``ids``      int64[n]    node index -> the person's database id (sorted ascending);
* ``indptr``   int64[n+1]  row pointers: the neighbours of node ``i`` are
                           ``indices[indptr[i]:indptr[i+1]]`` (sorted ascending);
* ``indices``  int32[2m]   neighbour node indices (each tie stored once per direction);
* ``weights``  float16[2m] tie strength in (0, 1], aligned with ``indices``;
* ``flags``    uint8[n]    ``NEVER_CONNECTOR`` | ``BLOCKED`` | ``BULK`` bits per node;
* ``me``       int         the owner's node index (-1 when the owner is not in the graph).

That is 6 bytes per stored direction, so 12 bytes per tie, plus 17 bytes per person (13.7
bytes per tie at 1M people and 10M ties). Conversion from edge lists happens here and only
here (``from_edges``); every query module takes a ``Snapshot``.

Strengths are half precision: 11 significant bits, so a stored strength is within 0.05% of
the given one (0.8 is kept as 0.7998, 0.95 as 0.9502, 0.5 exactly), equal strengths stay
equal and a stronger tie is never stored as weaker (rounding is monotone). Strengths are
estimates shown with two decimals, so nothing a person sees changes; what can change is the
order of two ties whose strengths differ by less than that. Numpy reads ``weights`` as floats
(``float16``; widen with ``astype`` before long sums); numba kernels read
``weights.view(np.uint16)`` through ``_kernels_build.half``.

Example:

>>> import numpy as np
>>> s = from_edges(np.array([10, 20, 30]), np.array([10, 20]), np.array([20, 30]),
...                np.array([0.5, 0.9], dtype=np.float32), me_id=10)
>>> s.n, s.m, s.me
(3, 2, 0)
>>> s.neighbours(s.index_of(20)).tolist()
[0, 2]
>>> s.strengths(s.index_of(20)).tolist()   # 0.9 in half precision
[0.5, 0.89990234375]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from goodwill.graph._kernels_build import DENSE_SPAN, build_csr, positions_dense, positions_sorted

NEVER_CONNECTOR = 1
BLOCKED = 2
BULK = 4

#: 2: half-precision strengths (version 1, float32, is still read and converted).
FORMAT_VERSION = 2
_READABLE = (1, 2)


@dataclass(frozen=True, eq=False)
class Snapshot:
    ids: npt.NDArray[np.int64]
    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int32]
    weights: npt.NDArray[np.float16]
    flags: npt.NDArray[np.uint8]
    me: int = -1

    def __post_init__(self) -> None:
        # Kernels are compiled for these dtypes: convert anything else once, here.
        wanted = {
            "ids": np.int64,
            "indptr": np.int64,
            "indices": np.int32,
            "weights": np.float16,
            "flags": np.uint8,
        }
        for name, dtype in wanted.items():
            array = getattr(self, name)
            if not isinstance(array, np.ndarray) or array.dtype != dtype:
                object.__setattr__(self, name, np.ascontiguousarray(array, dtype=dtype))

    @property
    def n(self) -> int:
        """Number of people (nodes)."""
        return int(self.ids.shape[0])

    @property
    def m(self) -> int:
        """Number of distinct undirected ties."""
        return int(self.indices.shape[0] // 2)

    @property
    def weight_bits(self) -> npt.NDArray[np.uint16]:
        """``weights`` as their raw 16 bits (no copy), the form numba kernels read."""
        return self.weights.view(np.uint16)

    def index_of(self, person_id: int) -> int:
        """The node index of a person id; ``KeyError`` when the person is not in the graph."""
        position = int(np.searchsorted(self.ids, person_id))
        if position >= self.n or int(self.ids[position]) != person_id:
            raise KeyError(person_id)
        return position

    def indices_of(self, person_ids: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Node indices for many person ids at once (``KeyError`` on the first unknown)."""
        wanted = np.asarray(person_ids, dtype=np.int64)
        positions = np.searchsorted(self.ids, wanted)
        clipped = np.minimum(positions, max(self.n - 1, 0))
        if self.n == 0 or not np.array_equal(self.ids[clipped], wanted):
            missing = wanted[(positions >= self.n) | (self.ids[clipped] != wanted)]
            raise KeyError(int(missing[0]) if missing.size else wanted)
        return positions.astype(np.int64)

    def neighbours(self, node: int) -> npt.NDArray[np.int32]:
        return self.indices[self.indptr[node] : self.indptr[node + 1]]

    def strengths(self, node: int) -> npt.NDArray[np.float32]:
        """The strengths of ``node``'s ties (aligned with ``neighbours``), as float32."""
        return self.weights[self.indptr[node] : self.indptr[node + 1]].astype(np.float32)

    def degree(self, node: int) -> int:
        return int(self.indptr[node + 1] - self.indptr[node])

    def degrees(self) -> npt.NDArray[np.int64]:
        return np.diff(self.indptr)

    def has_flag(self, node: int, flag: int) -> bool:
        return bool(self.flags[node] & flag)

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays."""
        arrays = (self.ids, self.indptr, self.indices, self.weights, self.flags)
        return sum(int(a.nbytes) for a in arrays)

    # -- persistence ------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write the snapshot (uncompressed, so ``load`` can memory-map it)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp.npz")
        np.savez(
            temporary,
            version=np.int64(FORMAT_VERSION),
            ids=self.ids,
            indptr=self.indptr,
            indices=self.indices,
            weights=self.weights,
            flags=self.flags,
            me=np.int64(self.me),
        )
        temporary.replace(path)  # atomic: a reader never sees half a file


def load(path: Path) -> Snapshot:
    """Read a snapshot written by ``Snapshot.save``; ``ValueError`` when it is stale or damaged.

    A version-1 file (float32 strengths) is read and its strengths rounded to half precision.
    """
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except (OSError, EOFError, ValueError, AttributeError) as exc:
        raise ValueError(f"{path}: unreadable snapshot ({exc})") from exc
    wanted = {"version", "ids", "indptr", "indices", "weights", "flags", "me"}
    if not wanted <= arrays.keys():
        raise ValueError(f"{path}: unreadable snapshot (missing {sorted(wanted - arrays.keys())})")
    if int(arrays["version"]) not in _READABLE:
        raise ValueError(f"{path}: snapshot format {int(arrays['version'])} is outdated")
    return Snapshot(
        ids=arrays["ids"],
        indptr=arrays["indptr"],
        indices=arrays["indices"],
        weights=arrays["weights"],
        flags=arrays["flags"],
        me=int(arrays["me"]),
    )


def from_edges(
    person_ids: npt.ArrayLike,
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    weights: npt.ArrayLike,
    *,
    me_id: int | None = None,
    flags: dict[int, int] | None = None,
) -> Snapshot:
    """Build a snapshot from ties given as person ids (``a[k]``, ``b[k]``, ``weights[k]``).

    Ties are undirected here: a pair given several times (or both ways, or as several kinds)
    keeps its strongest weight. Self-ties are dropped; ties to ids not in ``person_ids`` are
    an error (``KeyError``). ``flags`` maps person ids to flag bits.

    The work is linear in the ties (two counting sorts, see ``_kernels_build.build_csr``):
    about 2 s for 10M ties on one core.
    """
    ids = np.asarray(person_ids, dtype=np.int64).ravel()
    if ids.size > 1 and not bool(np.all(ids[1:] > ids[:-1])):
        ids = np.unique(ids)
    n = int(ids.shape[0])
    a_ids = np.asarray(a, dtype=np.int64).ravel()
    b_ids = np.asarray(b, dtype=np.int64).ravel()
    w = np.ascontiguousarray(weights, dtype=np.float32).ravel()
    if not (a_ids.shape == b_ids.shape == w.shape):
        raise ValueError("a, b and weights must have the same length")
    src = _positions(ids, a_ids)
    dst = _positions(ids, b_ids)
    indptr, indices, strongest = build_csr(n, src, dst, w)
    node_flags = np.zeros(n, dtype=np.uint8)
    for person_id, bits in (flags or {}).items():
        position = int(np.searchsorted(ids, person_id))
        if position < n and ids[position] == person_id:
            node_flags[position] |= bits
    me = -1
    if me_id is not None:
        position = int(np.searchsorted(ids, me_id))
        me = position if position < n and ids[position] == me_id else -1
    return Snapshot(ids, indptr, indices, strongest.astype(np.float16), node_flags, me)


def _positions(ids: npt.NDArray[np.int64], wanted: npt.NDArray[np.int64]) -> npt.NDArray[np.int32]:
    """Node indices (int32) of person ids; ``KeyError`` on the first unknown one."""
    out = np.empty(wanted.shape[0], dtype=np.int32)
    if wanted.size == 0:
        return out
    if ids.size == 0:
        raise KeyError(f"tie to an unknown person id {int(wanted[0])}")
    span = int(ids[-1]) - int(ids[0]) + 1
    dense = span <= DENSE_SPAN * ids.shape[0] + 1024
    bad = positions_dense(ids, wanted, out) if dense else positions_sorted(ids, wanted, out)
    if bad >= 0:
        raise KeyError(f"tie to an unknown person id {int(wanted[bad])}")
    return out
