"""Tie strength from the database: gather each person's evidence in a few queries, then score.

``strengths(owner)`` answers every person at once (five aggregate queries whatever the size of
the network); ``rescore(owner)`` writes the scores onto the owner's own ties so the graph
snapshot (paths, reach) uses them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from goodwill.activity.models import Participant
from goodwill.errors import UsageError
from goodwill.graph.strength import prior_strength
from goodwill.insights.strength import Evidence, Strength, Touch, score
from goodwill.people.models import Person, Tie
from goodwill.people.services import ensure_me
from goodwill.practice import memo
from goodwill.practice.models import StrengthOverride

RESCORE_BATCH = 1000


def _touches(
    owner: AbstractBaseUser, me_id: int, as_of: dt.datetime, people: Collection[int] | None
) -> dict[int, list[Touch]]:
    rows = Participant.objects.filter(
        interaction__owner=owner, interaction__occurred_at__lte=as_of
    ).exclude(person_id=me_id)
    if people is not None:
        rows = rows.filter(person_id__in=people)
    found: dict[int, list[Touch]] = defaultdict(list)
    fields = (
        "person_id",
        "interaction__occurred_at",
        "interaction__kind",
        "interaction__direction",
    )
    for person_id, when, kind, direction in rows.values_list(*fields).iterator(chunk_size=5000):
        found[person_id].append(Touch(when, kind, direction))
    return found


def _neighbours(owner: AbstractBaseUser, me_id: int) -> tuple[dict[int, set[int]], set[int]]:
    """Everyone's undirected neighbours (any tie kind) and the set of mine."""
    adjacency: dict[int, set[int]] = defaultdict(set)
    for a_id, b_id in (
        Tie.objects.filter(owner=owner).values_list("a_id", "b_id").iterator(chunk_size=20_000)
    ):
        adjacency[a_id].add(b_id)
        adjacency[b_id].add(a_id)
    return adjacency, adjacency.get(me_id, set())


def _ties_since(owner: AbstractBaseUser, me_id: int) -> dict[int, dt.date]:
    earliest: dict[int, dt.date] = {}
    rows = Tie.objects.filter(Q(a_id=me_id) | Q(b_id=me_id), owner=owner, since__isnull=False)
    for a_id, b_id, since in rows.values_list("a_id", "b_id", "since"):
        other = b_id if a_id == me_id else a_id
        if other not in earliest or since < earliest[other]:
            earliest[other] = since
    return earliest


def _earliest(*days: dt.date | None) -> dt.date | None:
    present = [d for d in days if d is not None]
    return min(present) if present else None


def evidence_for(
    owner: AbstractBaseUser,
    *,
    as_of: dt.datetime | None = None,
    people: Collection[int] | None = None,
) -> dict[int, Evidence]:
    """Each person's evidence (every person but me, or only ``people``), as of ``as_of``."""
    as_of = as_of or timezone.now()
    me_id = ensure_me(owner).id
    persons = Person.objects.filter(owner=owner, is_me=False)
    if people is not None:
        persons = persons.filter(id__in=people)
    met = dict(persons.values_list("id", "met_on"))
    touches = _touches(owner, me_id, as_of, people)
    adjacency, mine = _neighbours(owner, me_id)
    since = _ties_since(owner, me_id)
    overrides = {
        o.person_id: o
        for o in StrengthOverride.objects.filter(owner=owner, person_id__in=list(met))
    }
    evidence = {}
    for person_id, met_on in met.items():
        mine_touches = touches.get(person_id, [])
        first = min((t.when for t in mine_touches), default=None)
        override = overrides.get(person_id)
        evidence[person_id] = Evidence(
            touches=tuple(mine_touches),
            known_since=_earliest(
                met_on, since.get(person_id), timezone.localdate(first) if first else None
            ),
            mutual_friends=len((adjacency.get(person_id, set()) & mine) - {me_id, person_id}),
            override=override.value if override else None,
            override_note=override.note if override else "",
        )
    return evidence


def strengths(
    owner: AbstractBaseUser,
    *,
    as_of: dt.datetime | None = None,
    people: Collection[int] | None = None,
) -> dict[int, Strength]:
    """Person id → strength (score and reasons) for every person but me, or only ``people``."""
    moment = as_of or timezone.now()

    def compute() -> dict[int, Strength]:
        found = evidence_for(owner, as_of=moment, people=people)
        return {person_id: score(item, moment) for person_id, item in found.items()}

    if people is not None:
        return compute()
    # Everyone at once (the dashboard, tend, next actions): reused until the data change.
    # Without a date, "now" is remembered to the minute: decay over a minute is negligible,
    # and anything logged meanwhile changes the stamp.
    key = as_of or moment.replace(second=0, microsecond=0)
    return dict(memo.remembered(owner, "strengths", key, compute))


def strength_of(
    owner: AbstractBaseUser, person: Person, *, as_of: dt.datetime | None = None
) -> Strength:
    """One person's strength (you have no strength with yourself)."""
    if person.owner_id != owner.pk:
        raise UsageError("not your person")
    if person.is_me:
        raise UsageError("a relationship needs someone other than you")
    return strengths(owner, as_of=as_of, people=[person.id])[person.id]


def strength_payload(person: Person, strength: Strength) -> dict[str, Any]:
    return {"id": person.id, "name": person.name, **strength.as_dict()}


@transaction.atomic
def set_override(owner: AbstractBaseUser, person: Person, value: float, note: str = "") -> None:
    if person.is_me:
        raise UsageError("a relationship needs someone other than you")
    if not 0.0 <= value <= 1.0:
        raise UsageError(f"a strength is between 0 and 1, not {value:g}")
    StrengthOverride.objects.update_or_create(
        owner=owner, person=person, defaults={"value": value, "note": note.strip()[:300]}
    )


def clear_override(owner: AbstractBaseUser, person: Person) -> bool:
    deleted, _ = StrengthOverride.objects.filter(owner=owner, person=person).delete()
    return deleted > 0


@transaction.atomic
def rescore(owner: AbstractBaseUser, *, as_of: dt.datetime | None = None) -> int:
    """Write the strength the graph should use onto every tie between me and someone.

    Your override wins outright. Otherwise the tie keeps at least the strength its kind implies
    (a partner, a family member, a co-worker): a quiet spell makes a relationship *cold* for
    tending, but it does not make a sister a weak link on a path to someone. History can only
    raise it. Returns how many ties changed.
    """
    me_id = ensure_me(owner).id
    scores = strengths(owner, as_of=as_of)
    now = timezone.now()
    changed = []
    for tie in Tie.objects.filter(Q(a_id=me_id) | Q(b_id=me_id), owner=owner).only(
        "id", "a_id", "b_id", "kind", "weight", "strength", "updated_at"
    ):
        found = scores.get(tie.b_id if tie.a_id == me_id else tie.a_id)
        if found is None:
            continue
        scored = (
            found.score
            if found.overridden
            else max(found.score, prior_strength(tie.kind, tie.weight))
        )
        value = round(scored, 4)
        if tie.strength is None or abs(tie.strength - value) > 1e-6:
            tie.strength = value
            # The graph snapshot notices changes by the ties' latest update time.
            tie.updated_at = now
            changed.append(tie)
    Tie.objects.bulk_update(changed, ["strength", "updated_at"], batch_size=RESCORE_BATCH)
    return len(changed)
