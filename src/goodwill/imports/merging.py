"""One person across sources: merge two records, undo a merge exactly, suggest who to merge.

Exact keys merge on import (``goodwill.imports.apply`` calls ``merge`` with
``automatic=True``); similar names corroborated by something else are suggested for review
(``candidates``), never merged on their own. Every merge is recorded with a snapshot of what
it changed, so ``unmerge`` brings the absorbed person back with the same id and every row as
it was. Merges are undone newest first. You ("me") are always the person kept.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from goodwill.errors import Conflict, NotFound, UsageError
from goodwill.imports import merge_rows as rows
from goodwill.imports.models import ImportRun, Merge, MergeDecision
from goodwill.insights.matching import EXCLUSIVE_CHANNELS, Profile, find_matches
from goodwill.people.models import Identity, Person, Tie
from goodwill.vocab import IDENTITY_CHANNELS

SNAPSHOT_VERSION = 1
HISTORY_SHOWN = 20
# Where an identity's user name is the part people choose to look like their name.
HANDLE_CHANNELS = frozenset({"x", "mastodon", "bluesky"})
KEY_WORDS = {"email": "e-mail", "phone": "phone", "website": "website"}


@dataclass(frozen=True)
class Candidate:
    """Two people who may be one: ``a`` is the one a merge would keep."""

    a: Person
    b: Person
    score: float
    reasons: tuple[str, ...]


def _own(owner: AbstractBaseUser, person: Person) -> Person:
    found = Person.objects.filter(owner=owner, pk=person.pk).first()
    if found is None:
        raise NotFound(f"no person #{person.pk}")
    return found


def merge(
    owner: AbstractBaseUser,
    kept: Person,
    absorbed: Person,
    *,
    reason: str,
    automatic: bool = False,
    import_run: ImportRun | None = None,
) -> Merge:
    """Fold ``absorbed`` into ``kept`` and record how to undo it; "me" is always kept."""
    with transaction.atomic():
        kept, absorbed = _own(owner, kept), _own(owner, absorbed)
        if kept.id == absorbed.id:
            raise UsageError("a person cannot be merged with themselves")
        if absorbed.is_me:
            kept, absorbed = absorbed, kept
        snapshot: rows.Snapshot = {"version": SNAPSHOT_VERSION}
        rows.take_person(snapshot, kept, absorbed)
        rows.take_handed_over(snapshot, kept, absorbed)
        rows.take_memberships(snapshot, kept, absorbed)
        rows.take_decisions(snapshot, kept, absorbed)
        rows.take_ties(snapshot, kept, absorbed)
        gone_id, gone_name = absorbed.id, absorbed.name
        absorbed.delete()
        return Merge.objects.create(
            owner=owner,
            kept=kept,
            absorbed_id=gone_id,
            absorbed_name=gone_name,
            snapshot=snapshot,
            reason=reason[:300],
            automatic=automatic,
            import_run=import_run,
        )


def shared_key_reason(channel: str, value: str) -> str:
    """Why an import merged two people: ``same e-mail ann@example.org``."""
    return f"same {KEY_WORDS.get(channel) or dict(IDENTITY_CHANNELS).get(channel, channel)} {value}"


def unmerge(merge: Merge) -> Person:
    """Undo ``merge`` exactly and return the person it had absorbed, with the same id.

    Refused when a later merge still stands on it (undo that one first) or when a row it
    moved has been moved on since; nothing changes then.
    """
    with transaction.atomic():
        merge = Merge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at is not None:
            raise Conflict(f"merge #{merge.id} was already undone")
        later = Merge.objects.filter(owner_id=merge.owner_id, id__gt=merge.id, undone_at=None)
        blocker = later.filter(kept_id=merge.kept_id) | later.filter(absorbed_id=merge.kept_id)
        blocker = blocker.order_by("-id").first()
        if blocker is not None:
            raise Conflict(
                f"undo merge #{blocker.id} first ({blocker.absorbed_name} into "
                f"#{blocker.kept_id}): merges are undone newest first"
            )
        if not Person.objects.filter(id=merge.kept_id).exists():
            raise Conflict(f"cannot undo merge #{merge.id}: #{merge.kept_id} no longer exists")
        if Person.objects.filter(id=merge.absorbed_id).exists():
            raise Conflict(f"cannot undo merge #{merge.id}: #{merge.absorbed_id} exists again")
        try:
            with transaction.atomic():
                person = _restore(merge.snapshot, merge.kept_id, merge.absorbed_id)
        except rows.Changed as exc:
            ids = ", ".join(f"#{m}" for m in later.order_by("-id").values_list("id", flat=True)[:5])
            hint = f"undo the later merges first ({ids})" if ids else "it was changed since"
            raise Conflict(
                f"cannot undo merge #{merge.id} exactly: {exc} moved on; {hint}"
            ) from exc
        merge.undone_at = timezone.now()
        merge.save(update_fields=["undone_at"])
        return person


def _restore(snapshot: rows.Snapshot, kept_id: int, gone_id: int) -> Person:
    person = rows.give_person(snapshot, kept_id)
    rows.give_handed_over(snapshot, kept_id, gone_id)
    rows.give_memberships(snapshot, kept_id, gone_id)
    rows.give_decisions(snapshot, kept_id, gone_id)
    rows.give_ties(snapshot, kept_id, gone_id)
    return person


def latest_merge_into(owner: AbstractBaseUser, person: Person) -> Merge:
    """The most recent merge into ``person`` that still stands."""
    found = (
        Merge.objects.filter(owner=owner, kept_id=person.id, undone_at=None).order_by("-id").first()
    )
    if found is None:
        raise NotFound(f"nothing was merged into {person.name} (#{person.id})")
    return found


def owned_merge(owner: AbstractBaseUser, merge_id: int) -> Merge:
    found = Merge.objects.filter(owner=owner, pk=merge_id).first()
    if found is None:
        raise NotFound(f"no merge #{merge_id}")
    return found


def mark_distinct(owner: AbstractBaseUser, a: Person, b: Person) -> MergeDecision:
    """Remember that ``a`` and ``b`` are different people: never suggest the pair again."""
    a, b = _own(owner, a), _own(owner, b)
    if a.id == b.id:
        raise UsageError("name two different people")
    first, second = sorted((a.id, b.id))
    decision, _ = MergeDecision.objects.get_or_create(
        owner=owner, a_id=first, b_id=second, defaults={"decision": "distinct"}
    )
    return decision


# -- suggestions ---------------------------------------------------------------------------------
def profiles(owner: AbstractBaseUser) -> list[Profile]:
    """What matching knows of each person, read in three queries."""
    people = Person.objects.filter(owner=owner, bulk=False)
    emails: dict[int, list[str]] = defaultdict(list)
    handles: dict[int, list[str]] = defaultdict(list)
    accounts: dict[int, set[tuple[str, str]]] = defaultdict(set)
    identities = Identity.objects.filter(owner=owner, person__bulk=False)
    for person_id, channel, value in identities.values_list("person_id", "channel", "value"):
        if channel == "email":
            emails[person_id].append(value)
        elif channel in HANDLE_CHANNELS:
            handles[person_id].append(value.split("@")[0].split(".")[0])
        if channel in EXCLUSIVE_CHANNELS:
            accounts[person_id].add((channel, value))
    rows_ = list(people.values_list("id", "name", "organisation", "location", "is_me"))
    me = {pid for pid, *_, is_me in rows_ if is_me}
    neighbours: dict[int, set[int]] = defaultdict(set)
    for a, b in Tie.objects.filter(owner=owner).values_list("a_id", "b_id"):
        if a not in me and b not in me:
            neighbours[a].add(b)
            neighbours[b].add(a)
    return [
        Profile(
            id=pid,
            name=name,
            organisation=organisation,
            location=location,
            emails=tuple(sorted(emails[pid])),
            handles=tuple(sorted(handles[pid])),
            accounts=frozenset(accounts[pid]),
            neighbours=frozenset(neighbours[pid]),
            is_me=is_me,
        )
        for pid, name, organisation, location, is_me in rows_
    ]


def _matching_stamp(owner: AbstractBaseUser) -> str:
    """What matching reads beyond the people and ties that ``practice.memo`` stamps."""
    identities = Identity.objects.filter(owner=owner).aggregate(
        n=Count("id"), last=Max("id"), people=Sum("person_id")
    )
    decisions = MergeDecision.objects.filter(owner=owner).aggregate(n=Count("id"), last=Max("id"))
    # default=str: PostgreSQL sums integers into Decimals.
    return json.dumps([sorted(identities.items()), sorted(decisions.items())], default=str)


def candidates(owner: AbstractBaseUser, limit: int | None = 50) -> list[Candidate]:
    """Pairs worth a look, best first; pairs you said are different people never come back.

    Comparing everyone takes a while on a large network, so the pairs are remembered until
    the people, their identities, ties or your decisions change.
    """
    from goodwill.practice import memo

    def compute() -> list[Any]:
        decided = MergeDecision.objects.filter(owner=owner).values_list("a_id", "b_id")
        return find_matches(profiles(owner), exclude=list(decided), limit=limit)

    key = (limit, _matching_stamp(owner))
    matches = memo.remembered(owner, "merge-candidates", key, compute)
    people = Person.objects.in_bulk({m.a for m in matches} | {m.b for m in matches})
    return [Candidate(people[m.a], people[m.b], m.score, m.reasons) for m in matches]


# -- what the CLI, the web app and the API show --------------------------------------------------
def person_ref(person: Person | None, person_id: int, name: str = "") -> dict[str, Any]:
    if person is None:
        return {"id": person_id, "name": name or None}
    return {"id": person.id, "name": person.name, "organisation": person.organisation}


def candidate_payload(candidate: Candidate) -> dict[str, Any]:
    return {
        "a": person_ref(candidate.a, candidate.a.id),
        "b": person_ref(candidate.b, candidate.b.id),
        "score": candidate.score,
        "reasons": list(candidate.reasons),
    }


def history(owner: AbstractBaseUser, limit: int = HISTORY_SHOWN) -> list[Merge]:
    merges = list(Merge.objects.filter(owner=owner).order_by("-id")[:limit])
    kept = Person.objects.in_bulk({m.kept_id for m in merges})
    for m in merges:
        m.kept_person = kept.get(m.kept_id)  # type: ignore[attr-defined]
    return merges


def merge_payload(merge: Merge) -> dict[str, Any]:
    kept = getattr(merge, "kept_person", None)
    if kept is None and not hasattr(merge, "kept_person"):
        kept = Person.objects.filter(id=merge.kept_id).first()
    return {
        "id": merge.id,
        "kept": person_ref(kept, merge.kept_id),
        "absorbed": {"id": merge.absorbed_id, "name": merge.absorbed_name},
        "reason": merge.reason,
        "automatic": merge.automatic,
        "created_at": merge.created_at.isoformat(),
        "undone_at": merge.undone_at.isoformat() if merge.undone_at else None,
    }
