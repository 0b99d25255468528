"""Build, cache and reuse the compact graph snapshot of one owner's people and ties.

The snapshot is rebuilt only when the data change: a stamp of (people count, latest person
change, ties count, latest tie change) is compared first (two cheap aggregate queries), then an
in-memory copy, then the copy on disk in ``DATA_DIR/cache``.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max, Q, Sum

from goodwill.graph.snapshot import BLOCKED, BULK, NEVER_CONNECTOR, Snapshot, from_edges, load
from goodwill.graph.strength import prior_strength
from goodwill.people.models import Person, Tie

_memory: dict[int, tuple[str, Snapshot]] = {}
_lock = threading.Lock()


def stamp(owner: AbstractBaseUser) -> str:
    # The flag sums also catch a flag set with QuerySet.update(), which leaves updated_at alone.
    people = Person.objects.filter(owner=owner).aggregate(
        n=Count("id"),
        last=Max("updated_at"),
        never=Sum("id", filter=Q(never_connector=True)),
        blocked=Sum("id", filter=Q(blocked=True)),
        bulk=Sum("id", filter=Q(bulk=True)),
    )
    ties = Tie.objects.filter(owner=owner).aggregate(n=Count("id"), last=Max("updated_at"))
    parts = [
        people["n"],
        people["last"],
        people["never"],
        people["blocked"],
        people["bulk"],
        ties["n"],
        ties["last"],
    ]
    return json.dumps([str(p) for p in parts])


def build(owner: AbstractBaseUser) -> Snapshot:
    """A fresh snapshot from the database (scored strength, else the kind's prior)."""
    people = list(
        Person.objects.filter(owner=owner).values_list(
            "id", "is_me", "never_connector", "blocked", "bulk"
        )
    )
    ids = np.fromiter((p[0] for p in people), dtype=np.int64, count=len(people))
    flags = {}
    me_id = None
    for person_id, is_me, never_connector, blocked, bulk in people:
        bits = (
            (NEVER_CONNECTOR if never_connector else 0)
            | (BLOCKED if blocked else 0)
            | (BULK if bulk else 0)
        )
        if bits:
            flags[person_id] = bits
        if is_me:
            me_id = person_id
    rows = Tie.objects.filter(owner=owner).values_list("a_id", "b_id", "kind", "weight", "strength")
    a, b, w = [], [], []
    for a_id, b_id, kind, weight, strength in rows.iterator(chunk_size=20_000):
        a.append(a_id)
        b.append(b_id)
        w.append(strength if strength is not None else prior_strength(kind, weight))
    return from_edges(
        ids,
        np.array(a, np.int64),
        np.array(b, np.int64),
        np.array(w, np.float32),
        me_id=me_id,
        flags=flags,
    )


def _cache_paths(owner: AbstractBaseUser) -> tuple[Path, Path]:
    folder = Path(settings.DATA_DIR) / "cache"
    return folder / f"graph-{owner.pk}.npz", folder / f"graph-{owner.pk}.stamp"


def snapshot_for(owner: AbstractBaseUser) -> Snapshot:
    """The owner's current snapshot, rebuilt only when their people or ties have changed."""
    current = stamp(owner)
    with _lock:
        cached = _memory.get(owner.pk)
        if cached is not None and cached[0] == current:
            return cached[1]
        data_path, stamp_path = _cache_paths(owner)
        snapshot = None
        if stamp_path.exists() and stamp_path.read_text() == current:
            try:
                snapshot = load(data_path)
            except ValueError:
                snapshot = None
        if snapshot is None:
            snapshot = build(owner)
            snapshot.save(data_path)
            stamp_path.write_text(current)
        _memory[owner.pk] = (current, snapshot)
        return snapshot


def forget(owner_id: int | None = None) -> None:
    """Drop in-memory copies (tests; after restoring a backup)."""
    with _lock:
        if owner_id is None:
            _memory.clear()
        else:
            _memory.pop(owner_id, None)
