"""The evidence behind ties on a path: where each tie was seen and how recent it is.

Fetched for all the pairs of a result at once: one query for the ties with their sources, one
for the last interaction with each person tied to the owner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Max, Q

from goodwill.activity.models import Participant
from goodwill.people.models import Tie, TieSource
from goodwill.vocab import TIE_KINDS

_TIE_LABELS = dict(TIE_KINDS)
_SOURCE_LABELS = dict(TieSource.KINDS)

Pair = tuple[int, int]


@dataclass
class TieEvidence:
    """What is known about the ties between two people (any kinds, either direction)."""

    sources: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    since: dt.date | None = None
    seen: dt.date | None = None  # the latest observation or change of a tie between them

    def lines(self) -> list[str]:
        """The evidence as short lines: the sources, else the kinds of tie."""
        return self.sources or [_TIE_LABELS.get(k, k) for k in self.kinds]


def _key(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


def tie_evidence(owner: AbstractBaseUser, pairs: Iterable[Pair]) -> dict[Pair, TieEvidence]:
    """Evidence per pair of person ids (keys ordered low id first); one query."""
    wanted = {_key(a, b) for a, b in pairs if a != b}
    found: dict[Pair, TieEvidence] = {pair: TieEvidence() for pair in wanted}
    if not wanted:
        return found
    condition = reduce(or_, (Q(a_id=a, b_id=b) | Q(a_id=b, b_id=a) for a, b in sorted(wanted)))
    rows = (
        Tie.objects.filter(owner=owner)
        .filter(condition)
        .values_list(
            "a_id",
            "b_id",
            "kind",
            "since",
            "updated_at",
            "sources__kind",
            "sources__detail",
            "sources__observed_at",
        )
        .order_by("id", "sources__id")
    )
    for a, b, kind, since, updated, source_kind, detail, observed in rows:
        evidence = found[_key(a, b)]
        if kind not in evidence.kinds:
            evidence.kinds.append(kind)
        line = detail or (_SOURCE_LABELS.get(source_kind, "") if source_kind else "")
        if line and line not in evidence.sources:
            evidence.sources.append(line)
        if since is not None and (evidence.since is None or since < evidence.since):
            evidence.since = since
        seen = (observed or updated).date()
        if evidence.seen is None or seen > evidence.seen:
            evidence.seen = seen
    return found


def last_contacts(owner: AbstractBaseUser, person_ids: Iterable[int]) -> dict[int, dt.date]:
    """The date of the owner's latest interaction with each person (absent when none)."""
    wanted = sorted(set(person_ids))
    if not wanted:
        return {}
    rows = (
        Participant.objects.filter(interaction__owner=owner, person_id__in=wanted)
        .values("person_id")
        .annotate(last=Max("interaction__occurred_at"))
        .values_list("person_id", "last")
    )
    return {person_id: last.date() for person_id, last in rows if last is not None}
