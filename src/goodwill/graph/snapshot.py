"""The one compact graph every query runs on: an undirected CSR of people and tie strengths.

A ``Snapshot`` holds, for ``n`` people and ``m`` distinct undirected ties:

* ``ids``      int64[n]    node index -> the person's database id (sorted ascending);
* ``indptr``   int64[n+1]  row pointers: the neighbours of node ``i`` are
                           ``indices[indptr[i]:indptr[i+1]]`` (sorted ascending);
* ``indices``  int32[2m]   neighbour node indices (each tie stored once per direction);
* ``weights``  float32[2m] tie strength in (0, 1], aligned with ``indices``;
* ``flags``    uint8[n]    ``NEVER_CONNECTOR`` | ``BLOCKED`` | ``BULK`` bits per node;
* ``me``       int         the owner's node index (-1 when the owner is not in the graph).

That is 8 bytes per stored direction, so 16 bytes per tie, plus 9 bytes per person. Conversion
from edge lists happens here and only here (``from_edges``); every query module takes a
``Snapshot``.

Example:

>>> import numpy as np
>>> s = from_edges(np.array([10, 20, 30]), np.array([10, 20]), np.array([20, 30]),
...                np.array([0.5, 0.9], dtype=np.float32), me_id=10)
>>> s.n, s.m, s.me
(3, 2, 0)
>>> s.neighbours(s.index_of(20)).tolist()
[0, 2]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

NEVER_CONNECTOR = 1
BLOCKED = 2
BULK = 4

FORMAT_VERSION = 1


@dataclass(frozen=True, eq=False)
class Snapshot:
    ids: npt.NDArray[np.int64]
    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int32]
    weights: npt.NDArray[np.float32]
    flags: npt.NDArray[np.uint8]
    me: int = -1

    @property
    def n(self) -> int:
        """Number of people (nodes)."""
        return int(self.ids.shape[0])

    @property
    def m(self) -> int:
        """Number of distinct undirected ties."""
        return int(self.indices.shape[0] // 2)

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
        return self.weights[self.indptr[node] : self.indptr[node + 1]]

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
    """Read a snapshot written by ``Snapshot.save``; ``ValueError`` when it is stale or damaged."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except (OSError, EOFError, ValueError, AttributeError) as exc:
        raise ValueError(f"{path}: unreadable snapshot ({exc})") from exc
    wanted = {"version", "ids", "indptr", "indices", "weights", "flags", "me"}
    if not wanted <= arrays.keys():
        raise ValueError(f"{path}: unreadable snapshot (missing {sorted(wanted - arrays.keys())})")
    if int(arrays["version"]) != FORMAT_VERSION:
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
    """
    ids = np.unique(np.asarray(person_ids, dtype=np.int64))
    n = int(ids.shape[0])
    a_ids = np.asarray(a, dtype=np.int64)
    b_ids = np.asarray(b, dtype=np.int64)
    w = np.asarray(weights, dtype=np.float32)
    if not (a_ids.shape == b_ids.shape == w.shape):
        raise ValueError("a, b and weights must have the same length")
    empty = Snapshot(
        ids,
        np.zeros(n + 1, np.int64),
        np.zeros(0, np.int32),
        np.zeros(0, np.float32),
        np.zeros(n, np.uint8),
    )
    src = _positions(ids, a_ids) if a_ids.size else np.zeros(0, np.int64)
    dst = _positions(ids, b_ids) if b_ids.size else np.zeros(0, np.int64)
    keep = src != dst
    src, dst, w = src[keep], dst[keep], w[keep]
    low, high = np.minimum(src, dst), np.maximum(src, dst)
    # Strongest weight per pair: sort by pair then weight descending, keep the first.
    order = np.lexsort((-w, high, low))
    low, high, w = low[order], high[order], w[order]
    first = np.ones(low.shape[0], dtype=bool)
    first[1:] = (low[1:] != low[:-1]) | (high[1:] != high[:-1])
    low, high, w = low[first], high[first], w[first]
    rows = np.concatenate([low, high])
    cols = np.concatenate([high, low])
    both = np.concatenate([w, w])
    order = np.lexsort((cols, rows))
    rows, cols, both = rows[order], cols[order], both[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    node_flags = np.zeros(n, dtype=np.uint8)
    for person_id, bits in (flags or {}).items():
        position = int(np.searchsorted(ids, person_id))
        if position < n and ids[position] == person_id:
            node_flags[position] |= bits
    me = -1
    if me_id is not None:
        position = int(np.searchsorted(ids, me_id))
        me = position if position < n and ids[position] == me_id else -1
    if rows.size == 0:
        return Snapshot(empty.ids, empty.indptr, empty.indices, empty.weights, node_flags, me)
    return Snapshot(ids, indptr, cols.astype(np.int32), both.astype(np.float32), node_flags, me)


def _positions(ids: npt.NDArray[np.int64], wanted: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    positions = np.searchsorted(ids, wanted)
    clipped = np.minimum(positions, max(ids.shape[0] - 1, 0))
    bad = (positions >= ids.shape[0]) | (ids[clipped] != wanted) if ids.size else wanted == wanted
    if np.any(bad):
        raise KeyError(f"tie to an unknown person id {int(wanted[np.argmax(bad)])}")
    return positions.astype(np.int64)
