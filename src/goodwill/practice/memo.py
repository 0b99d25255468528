"""Remember whole-network results until the data behind them change.

Scoring every relationship or gathering everyone to tend reads thousands of rows; the dashboard
asks for both on every visit. A stamp of everything they depend on (people, ties, interactions,
overtures, overrides, cadences, snoozes; participants only change with their interaction or in
a merge, which changes the people) costs a few small queries, so a result is reused exactly as
long as it would come out the same.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max

from goodwill.activity.models import Interaction, Overture
from goodwill.network.snapshots import stamp as network_stamp
from goodwill.practice.models import Cadence, Snooze, StrengthOverride

T = TypeVar("T")
MAX_ENTRIES = 64

_lock = threading.Lock()
# Stamps taken once for a stretch of reading (see ``reading``), per owner.
_held: ContextVar[Mapping[int, str] | None] = ContextVar("goodwill_memo_held", default=None)
_entries: OrderedDict[tuple[int, str, Hashable], tuple[str, Any]] = OrderedDict()


def stamp(owner: AbstractBaseUser) -> str:
    """A digest of every row the cached results read."""
    interactions = Interaction.objects.filter(owner=owner).aggregate(
        n=Count("id"), last=Max("id"), touched=Max("created_at")
    )
    overtures = Overture.objects.filter(owner=owner).aggregate(
        n=Count("id"), last=Max("id"), answered=Count("answered_at")
    )
    parts = [
        network_stamp(owner),
        sorted((k, str(v)) for k, v in overtures.items()),
        sorted((k, str(v)) for k, v in interactions.items()),
        [list(map(str, row)) for row in _small(StrengthOverride, owner, "person_id", "value")],
        [list(map(str, row)) for row in _small(Cadence, owner, "person_id", "tag_id", "days")],
        [list(map(str, row)) for row in _small(Snooze, owner, "person_id", "until")],
    ]
    return hashlib.sha1(json.dumps(parts).encode(), usedforsecurity=False).hexdigest()


def _small(model: Any, owner: AbstractBaseUser, *fields: str) -> list[tuple[Any, ...]]:
    # These tables hold what one person set by hand: a few rows, read whole.
    return list(model.objects.filter(owner=owner).order_by("id").values_list("id", *fields))


@contextmanager
def reading(owner: AbstractBaseUser) -> Iterator[None]:
    """Inside, the data are only read: take the stamp once for every remembered result."""
    held = _held.get() or {}
    token = _held.set({**held, int(owner.pk): stamp(owner)})
    try:
        yield
    finally:
        _held.reset(token)


def remembered(owner: AbstractBaseUser, name: str, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or its earlier result for the same owner, name, key and data."""
    current = (_held.get() or {}).get(int(owner.pk)) or stamp(owner)
    slot = (int(owner.pk), name, key)
    with _lock:
        found = _entries.get(slot)
        if found is not None and found[0] == current:
            _entries.move_to_end(slot)
            return found[1]  # type: ignore[no-any-return]
    value = compute()
    with _lock:
        _entries[slot] = (current, value)
        _entries.move_to_end(slot)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def forget() -> None:
    """Drop every remembered result (tests)."""
    with _lock:
        _entries.clear()
