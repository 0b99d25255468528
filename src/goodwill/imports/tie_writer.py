"""Write imported ties in batches: a handful of queries per thousand ties, not five per tie.

Each tie keeps one ``TieSource`` per evidence label; its weight is the sum of its sources'
weights and its since-date the first one any source gave. The outcome is the same as writing
the records one by one, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils import timezone

from goodwill.importers.records import TieRecord
from goodwill.imports.models import ImportRun
from goodwill.people.models import Tie, TieSource, ordered_pair

BATCH = 2000

Key = tuple[int, int, str]
Resolve = Callable[[str, TieRecord], "int | None"]


@dataclass
class _Pending:
    since: object = None
    sources: dict[str, float] = field(default_factory=dict)


class TieWriter:
    def __init__(
        self,
        owner_id: int,
        run: ImportRun,
        resolve: Resolve,
        on_created: Callable[[Tie], None],
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
        ties = self._ties(pending)
        self._sources(pending, ties)
        self._totals(pending, ties)

    def _ties(self, pending: dict[Key, _Pending]) -> dict[Key, Tie]:
        # One flat query (a long OR would overflow SQLite's expression depth); exact keys in Python.
        candidates = Tie.objects.filter(
            owner_id=self.owner_id,
            a_id__in={k[0] for k in pending},
            b_id__in={k[1] for k in pending},
            kind__in={k[2] for k in pending},
        )
        found = {
            (t.a_id, t.b_id, t.kind): t for t in candidates if (t.a_id, t.b_id, t.kind) in pending
        }
        missing = [
            Tie(owner_id=self.owner_id, a_id=k[0], b_id=k[1], kind=k[2], since=pending[k].since)
            for k in pending
            if k not in found
        ]
        for tie in Tie.objects.bulk_create(missing):
            found[(tie.a_id, tie.b_id, tie.kind)] = tie
            self.on_created(tie)
        self.created += len(missing)
        return found

    def _sources(self, pending: dict[Key, _Pending], ties: dict[Key, Tie]) -> None:
        tie_ids = [t.id for t in ties.values()]
        labels = {label for entry in pending.values() for label in entry.sources}
        known = {
            (s.tie_id, s.detail): s
            for s in TieSource.objects.filter(tie_id__in=tie_ids, kind="import", detail__in=labels)
        }
        new, changed = [], []
        for key, entry in pending.items():
            tie = ties[key]
            for label, weight in entry.sources.items():
                source = known.get((tie.id, label))
                if source is None:
                    new.append(
                        TieSource(
                            tie=tie, kind="import", detail=label, import_run=self.run, weight=weight
                        )
                    )
                elif source.weight != weight:
                    source.weight = weight
                    changed.append(source)
        TieSource.objects.bulk_create(new)
        TieSource.objects.bulk_update(changed, ["weight"])

    def _totals(self, pending: dict[Key, _Pending], ties: dict[Key, Tie]) -> None:
        by_id = {t.id: (key, t) for key, t in ties.items()}
        totals = dict(
            TieSource.objects.filter(tie_id__in=list(by_id))
            .values("tie_id")
            .annotate(total=Sum("weight"))
            .values_list("tie_id", "total")
        )
        now = timezone.now()
        changed = []
        for tie_id, (key, tie) in by_id.items():
            total = float(totals.get(tie_id) or 0.0)
            since = tie.since or pending[key].since
            if total != tie.weight or since != tie.since:
                tie.weight, tie.since, tie.updated_at = total, since, now
                changed.append(tie)
        Tie.objects.bulk_update(changed, ["weight", "since", "updated_at"])
