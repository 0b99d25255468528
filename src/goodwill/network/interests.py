"""People x tag matrices for the graph queries, built once per snapshot and tag state.

* interests: one column per Tag of kind "interest" or "tag" (a group, an employer, a role);
* offers and needs: one column per category, the union of the (case-folded) names of the
  owner's "offer" and "need" tags, so an offer of "proofreading" meets a need of "Proofreading".

Rows are snapshot node indices. The matrices are rebuilt when the snapshot changes or when tags
are added, removed or attached (``tag_stamp``); person and tie changes already give a new
snapshot.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max

from goodwill.graph.snapshot import Snapshot
from goodwill.graph.suggest import Interests, prepare_interests
from goodwill.people.models import Person, Tag

INTEREST_KINDS = ("interest", "tag")

_Through = Person.tags.through


@dataclass(frozen=True, eq=False)
class TagMatrices:
    """What ``suggest`` and ``introductions`` take, with the names behind every column."""

    interests: Interests
    interest_names: tuple[str, ...]
    interest_kinds: tuple[str, ...]
    offers: sp.csr_matrix
    needs: sp.csr_matrix
    categories: tuple[str, ...]
    # Node index -> names of the person's plain tags (kind "tag"), for map labels.
    plain_tags: dict[int, list[str]]


def tag_stamp(owner: AbstractBaseUser) -> str:
    """Changes whenever a tag is created, deleted, attached or detached (one query)."""
    links = _Through.objects.filter(tag__owner=owner).aggregate(
        n=Count("id"), last=Max("id"), tags=Count("tag_id", distinct=True), top=Max("tag_id")
    )
    return f"{links['n']}:{links['last']}:{links['tags']}:{links['top']}"


class SnapshotCache:
    """One value per owner, valid while the snapshot object and an extra key are unchanged."""

    def __init__(self) -> None:
        self._values: dict[int, tuple[weakref.ref[Snapshot], Any, Any]] = {}
        self._lock = threading.Lock()

    def get(self, owner_id: int, s: Snapshot, key: Any) -> Any:
        with self._lock:
            held = self._values.get(owner_id)
        if held is not None and held[0]() is s and held[1] == key:
            return held[2]
        return None

    def put(self, owner_id: int, s: Snapshot, key: Any, value: Any) -> None:
        with self._lock:
            self._values[owner_id] = (weakref.ref(s), key, value)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


_cache = SnapshotCache()


def matrices_for(owner: AbstractBaseUser, s: Snapshot) -> TagMatrices:
    """The owner's tag matrices for snapshot ``s`` (cached; three queries when rebuilt)."""
    key = tag_stamp(owner)
    found: TagMatrices | None = _cache.get(owner.pk, s, key)
    if found is None:
        found = build(owner, s)
        _cache.put(owner.pk, s, key, found)
    return found


def build(owner: AbstractBaseUser, s: Snapshot) -> TagMatrices:
    tags = {t[0]: t[1:] for t in Tag.objects.filter(owner=owner).values_list("id", "kind", "name")}
    links = list(_Through.objects.filter(tag__owner=owner).values_list("person_id", "tag_id"))
    people = np.array([p for p, _ in links], dtype=np.int64)
    rows = _rows(s, people)
    interest_ids = sorted(t for t, (kind, _) in tags.items() if kind in INTEREST_KINDS)
    interest_column = {t: c for c, t in enumerate(interest_ids)}
    categories = sorted(
        {name.casefold() for kind, name in tags.values() if kind in ("offer", "need")}
    )
    category_column = {name: c for c, name in enumerate(categories)}
    cells: dict[str, tuple[list[int], list[int]]] = {k: ([], []) for k in ("i", "offer", "need")}
    plain: dict[int, list[str]] = {}
    for row, (_, tag_id) in zip(rows.tolist(), links, strict=True):
        if row < 0:
            continue
        kind, name = tags[tag_id]
        if kind in INTEREST_KINDS:
            cells["i"][0].append(row)
            cells["i"][1].append(interest_column[tag_id])
            if kind == "tag":
                plain.setdefault(row, []).append(name)
        elif kind in ("offer", "need"):
            cells[kind][0].append(row)
            cells[kind][1].append(category_column[name.casefold()])
    return TagMatrices(
        interests=prepare_interests(_matrix(cells["i"], s.n, len(interest_ids)), s.n),
        interest_names=tuple(tags[t][1] for t in interest_ids),
        interest_kinds=tuple(tags[t][0] for t in interest_ids),
        offers=_matrix(cells["offer"], s.n, len(categories)),
        needs=_matrix(cells["need"], s.n, len(categories)),
        categories=tuple(categories),
        plain_tags=plain,
    )


def _rows(s: Snapshot, person_ids: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Node index per person id, -1 for a person the snapshot does not hold."""
    if s.n == 0 or person_ids.size == 0:
        return np.full(person_ids.shape[0], -1, dtype=np.int64)
    positions = np.searchsorted(s.ids, person_ids)
    clipped = np.minimum(positions, s.n - 1)
    return np.where(s.ids[clipped] == person_ids, clipped, -1)


def _matrix(cells: tuple[list[int], list[int]], n: int, columns: int) -> sp.csr_matrix:
    rows, cols = cells
    data = np.ones(len(rows), dtype=np.float64)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(n, max(columns, 1)))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def forget() -> None:
    """Drop cached matrices (tests)."""
    _cache.clear()
