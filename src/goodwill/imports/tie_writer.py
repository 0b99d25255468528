"""Write imported ties in batches: a handful of queries per thousand ties, not five per tie.

Each tie keeps one ``TieSource`` per evidence label; its weight is the sum of its sources'
weights and its since-date the first one any source gave. The outcome is the same as writing
the records one by one, in order. Stored ties are read as plain values and new rows go in with
one prepared statement per batch (``bulk_sql``): an edge list of 88,000 ties would otherwise
spend most of its time building model instances and SQL text.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Sum
from django.utils import timezone

from goodwill.importers.records import TieRecord
from goodwill.imports.bulk_sql import insert_many, prepared, update_many
from goodwill.imports.models import ImportRun
from goodwill.people.models import Tie, TieSource, ordered_pair

BATCH = 2000

Key = tuple[int, int, str]
Resolve = Callable[[str, TieRecord], "int | None"]


@dataclass
class _Pending:
    since: object = None
    sources: dict[str, float] = field(default_factory=dict)


class _Row(NamedTuple):
    """What a flush needs of a stored tie."""

    id: int
    since: object
    weight: float


class TieWriter:
    def __init__(
        self,
        owner_id: int,
        run: ImportRun,
        resolve: Resolve,
        on_created: Callable[[Key], None],
    ) -> None:
        self.owner_id = owner_id
        self.run = run
        self.resolve = resolve
        self.on_created = on_created
        self.buffer: list[TieRecord] = []
        self.created = 0
        self.removed = 0

    def add(self, record: TieRecord) -> None:
        self.buffer.append(record)
        if len(self.buffer) >= BATCH:
            self.flush()

    def remove(self, record: TieRecord) -> None:
        """An unfriending withdraws this source's evidence; a tie left with none goes."""
        self.flush()
        key = self._key(record)
        if key is None:
            return
        tie = Tie.objects.filter(
            owner_id=self.owner_id, a_id=key[0], b_id=key[1], kind=key[2]
        ).first()
        if tie is None:
            return
        tie.sources.filter(kind="import", detail=record.source).delete()
        if not tie.sources.exists():
            tie.delete()
            self.removed += 1

    def _key(self, record: TieRecord) -> Key | None:
        # Refs resolve at write time, so a person merged away meanwhile maps to the kept one.
        a, b = self.resolve(record.a, record), self.resolve(record.b, record)
        if a is None or b is None or a == b:
            return None
        first, second = ordered_pair(a, b, record.kind)
        return first, second, record.kind

    def flush(self) -> None:
        batch, self.buffer = self.buffer, []
        pending: dict[Key, _Pending] = {}
        for record in batch:
            key = self._key(record)
            if key is None:
                continue
            entry = pending.setdefault(key, _Pending())
            entry.since = entry.since or record.since
            entry.sources[record.source] = record.weight
        if not pending:
            return
        ties, created = self._ties(pending)
        self._sources(pending, ties, {row.id for key, row in ties.items() if key not in created})
        self._totals(pending, ties)

    def _ties(self, pending: dict[Key, _Pending]) -> tuple[dict[Key, _Row], set[Key]]:
        """Every pending tie, the missing ones inserted; and the keys of those."""
        found = self._read(pending)
        missing = [k for k in pending if k not in found]
        if missing:
            # A new tie's weight is the sum of its sources, all new (``_totals`` checks it).
            now = prepared(Tie, "created_at", timezone.now())
            insert_many(
                Tie,
                (
                    "owner",
                    "a",
                    "b",
                    "kind",
                    "since",
                    "weight",
                    "strength",
                    "created_at",
                    "updated_at",
                ),
                (
                    (
                        self.owner_id,
                        *k,
                        prepared(Tie, "since", pending[k].since),
                        sum(pending[k].sources.values()),
                        None,
                        now,
                        now,
                    )
                    for k in missing
                ),
            )
            found.update(self._read(set(missing)))
            for key in missing:
                self.on_created(key)
        self.created += len(missing)
        return found, set(missing)

    def _read(self, keys: Collection[Key]) -> dict[Key, _Row]:
        # One flat query (a long OR would overflow SQLite's expression depth); exact keys in Python.
        rows = Tie.objects.filter(
            owner_id=self.owner_id,
            a_id__in={k[0] for k in keys},
            b_id__in={k[1] for k in keys},
            kind__in={k[2] for k in keys},
        ).values_list("a_id", "b_id", "kind", "id", "since", "weight")
        return {(a, b, kind): _Row(*rest) for a, b, kind, *rest in rows if (a, b, kind) in keys}

    def _sources(self, pending: dict[Key, _Pending], ties: dict[Key, _Row], old: set[int]) -> None:
        labels = {label for entry in pending.values() for label in entry.sources}
        known: dict[tuple[int, str], tuple[int, float]] = {}
        if old:
            rows = TieSource.objects.filter(tie_id__in=old, kind="import", detail__in=labels)
            for row_id, tie_id, detail, weight in rows.values_list(
                "id", "tie_id", "detail", "weight"
            ):
                known[(tie_id, detail)] = (row_id, weight)
        new, changed = [], []
        for key, entry in pending.items():
            tie_id = ties[key].id
            for label, weight in entry.sources.items():
                source = known.get((tie_id, label))
                if source is None:
                    new.append((tie_id, "import", label, self.run.pk, weight))
                elif source[1] != weight:
                    changed.append((weight, source[0]))
        now = prepared(TieSource, "created_at", timezone.now())
        names = ("tie", "kind", "detail", "import_run", "weight", "observed_at", "created_at")
        insert_many(TieSource, names, ((*row, None, now) for row in new))
        update_many(TieSource, ("weight",), changed)

    def _totals(self, pending: dict[Key, _Pending], ties: dict[Key, _Row]) -> None:
        by_id = {row.id: key for key, row in ties.items()}
        totals = dict(
            TieSource.objects.filter(tie_id__in=list(by_id))
            .values("tie_id")
            .annotate(total=Sum("weight"))
            .values_list("tie_id", "total")
        )
        now = prepared(Tie, "updated_at", timezone.now())
        changed = []
        for tie_id, key in by_id.items():
            row = ties[key]
            total = float(totals.get(tie_id) or 0.0)
            since = row.since or pending[key].since
            if total != row.weight or since != row.since:
                changed.append((total, prepared(Tie, "since", since), now, tie_id))
        update_many(Tie, ("weight", "since", "updated_at"), changed)
