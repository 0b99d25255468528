"""Tend: cadences per person or tag, the losing-touch list, snoozes and follow-ups after events.

The pure rules live in ``goodwill.insights.tend``; this module gathers what they need from the
database in a handful of queries whatever the size of the network.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Max, Min, Q
from django.utils import timezone

from goodwill.activity.models import Participant
from goodwill.errors import NotFound, UsageError
from goodwill.graph.strength import prior_strength
from goodwill.insights import tend as rules
from goodwill.people.models import Person, Tag, Tie
from goodwill.people.services import ensure_me
from goodwill.practice import memo
from goodwill.practice.models import Cadence, Snooze

MAX_CADENCE_DAYS = 3650
LOSING_TOUCH_SHOWN = 25
# A person with no tie to you and no score yet: as weak as an unknown kind of tie.
UNKNOWN_STRENGTH = 0.3
FEW_PEOPLE = 50


def today_or(day: dt.date | None) -> dt.date:
    return day or timezone.localdate()


def end_of(day: dt.date) -> dt.datetime:
    """The first moment after ``day`` in the current time zone."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


# -- strength: the one place that decides where it comes from ---------------------------------


def strengths(
    owner: AbstractBaseUser, day: dt.date, people: Collection[int] | None = None
) -> dict[int, tuple[float, list[str]]]:
    """Person id → (strength in [0, 1], reasons): your own value when you set one; else the
    scored strength, but never below what the kind of tie implies (a sister you have not
    called for two months is still close, and so still due every couple of weeks)."""
    from goodwill.practice.scoring import strengths as scored

    # Scoring everyone is cheaper than a long list of ids in one query.
    few = people is not None and len(people) <= FEW_PEOPLE
    found = scored(owner, as_of=end_of(day), people=people if few else None)
    wanted = set(people) if people is not None and not few else None
    kinds = _kind_strengths(owner)
    result = {}
    for pid, s in found.items():
        if wanted is not None and pid not in wanted:
            continue
        value, reasons = s.score, list(s.reasons)
        prior = kinds.get(pid)
        if not s.overridden and prior is not None and prior[0] > value:
            value = prior[0]
            reasons.append(f"a {prior[1]} tie: at least {prior[0]:.2f}")
        result[pid] = (value, reasons)
    return result


def _kind_strengths(owner: AbstractBaseUser) -> dict[int, tuple[float, str]]:
    """Per person, the strongest default strength of your ties to them, and that tie's kind."""
    me = ensure_me(owner)
    found: dict[int, tuple[float, str]] = {}
    ties = Tie.objects.filter(Q(a=me) | Q(b=me), owner=owner).values_list(
        "a_id", "b_id", "kind", "weight"
    )
    for a_id, b_id, kind, weight in ties:
        other = b_id if a_id == me.id else a_id
        value = prior_strength(kind, weight)
        if other not in found or value > found[other][0]:
            found[other] = (value, kind)
    return found


# -- gathering -----


def _tended_people(
    owner: AbstractBaseUser, day: dt.date, people: Collection[int] | None = None
) -> list[tuple[int, str, Any]]:
    """(id, name, last contact) of everyone with a contact or a cadence, but me, bulk, blocked."""
    cadenced_tags = Cadence.objects.filter(owner=owner, tag__isnull=False).values("tag_id")
    candidates = Person.objects.filter(owner=owner, is_me=False, bulk=False, blocked=False)
    if people is not None:
        candidates = candidates.filter(id__in=list(people))
    rows = (
        candidates.annotate(
            last=Max(
                "interactions__occurred_at", filter=Q(interactions__occurred_at__lt=end_of(day))
            )
        )
        .filter(Q(last__isnull=False) | Q(cadences__isnull=False) | Q(tags__in=cadenced_tags))
        .values_list("id", "name", "last")
        .distinct()
    )
    return list(rows)


def contacts(
    owner: AbstractBaseUser, day: dt.date | None = None, people: Collection[int] | None = None
) -> list[rules.Contact]:
    """Everyone tended, with strength, last contact, cadences and snoozes (six queries)."""
    day = today_or(day)
    if people is None:
        # The whole list is reused until the data change (see practice.memo).
        return list(memo.remembered(owner, "tend-contacts", day, lambda: _contacts(owner, day)))
    return _contacts(owner, day, people)


def _contacts(
    owner: AbstractBaseUser, day: dt.date, people: Collection[int] | None = None
) -> list[rules.Contact]:
    rows = _tended_people(owner, day, people)
    ids = [r[0] for r in rows]
    scored = strengths(owner, day, ids)
    own = dict(
        Cadence.objects.filter(owner=owner, person__isnull=False).values_list("person_id", "days")
    )
    by_tag = {
        tag_id: (name, days)
        for tag_id, name, days in Cadence.objects.filter(
            owner=owner, tag__isnull=False
        ).values_list("tag_id", "tag__name", "days")
    }
    tagged: dict[int, list[tuple[str, int]]] = defaultdict(list)
    if by_tag:
        links = Person.tags.through.objects.filter(
            tag_id__in=list(by_tag), person__owner=owner
        ).values_list("person_id", "tag_id")
        for person_id, tag_id in links:
            tagged[person_id].append(by_tag[tag_id])
    snoozed = dict(Snooze.objects.filter(owner=owner).values_list("person_id", "until"))
    found = []
    for person_id, name, last in rows:
        strength = scored.get(person_id, (UNKNOWN_STRENGTH, []))[0]
        found.append(
            rules.Contact(
                person_id=person_id,
                name=name,
                strength=strength,
                last_contact=timezone.localdate(last) if last is not None else None,
                cadence_days=own.get(person_id),
                tag_cadences=tuple(sorted(tagged.get(person_id, ()))),
                snoozed_until=snoozed.get(person_id),
            )
        )
    return found


def first_meetings(owner: AbstractBaseUser, day: dt.date | None = None) -> list[rules.FirstMeeting]:
    """People whose first interaction falls in the follow-up window, with what happened since."""
    day = today_or(day)
    start = end_of(day - dt.timedelta(days=rules.FOLLOW_UP_WINDOW_DAYS + 1))
    end = end_of(day)
    new = {
        pid: name
        for pid, name, first in Person.objects.filter(owner=owner, is_me=False, blocked=False)
        .annotate(first=Min("interactions__occurred_at"))
        .filter(first__gte=start, first__lt=end)
        .values_list("id", "name", "first")
    }
    if not new:
        return []
    rows = (
        Participant.objects.filter(person_id__in=list(new), interaction__occurred_at__lt=end)
        .order_by("interaction__occurred_at", "interaction_id")
        .values_list("person_id", "interaction_id", "interaction__kind", "interaction__occurred_at")
    )
    seen: dict[int, list[tuple[int, str, dt.datetime]]] = defaultdict(list)
    for person_id, interaction_id, kind, at in rows:
        seen[person_id].append((interaction_id, kind, at))
    found = []
    for person_id, history in seen.items():
        _first_id, kind, at = history[0]
        found.append(
            rules.FirstMeeting(
                person_id=person_id,
                name=new[person_id],
                met_on=timezone.localdate(at),
                kind=kind,
                followed_up=len(history) > 1,
            )
        )
    return found


# -- changing cadences and snoozes -----


def _checked_days(days: int) -> int:
    if days < 0 or days > MAX_CADENCE_DAYS:
        raise UsageError(f"invalid cadence {days}: give 1 to {MAX_CADENCE_DAYS} days (0 removes)")
    return days


def set_person_cadence(owner: AbstractBaseUser, person: Person, days: int) -> Cadence | None:
    """Set (or with 0 remove) how often to be in touch with one person."""
    if person.owner_id != owner.pk:
        raise NotFound(f"no person #{person.id}")
    if person.is_me:
        raise UsageError("a cadence is for someone other than you")
    if _checked_days(days) == 0:
        Cadence.objects.filter(owner=owner, person=person).delete()
        return None
    cadence, _ = Cadence.objects.update_or_create(
        owner=owner, person=person, defaults={"days": days}
    )
    return cadence


def find_tag(owner: AbstractBaseUser, name: str) -> Tag:
    wanted = name.strip()
    tags = list(Tag.objects.filter(owner=owner, name__iexact=wanted).order_by("kind", "id"))
    if not tags:
        raise NotFound(f"no tag {wanted!r}")
    plain = [t for t in tags if t.kind == "tag"]
    return (plain or tags)[0]


def set_tag_cadence(owner: AbstractBaseUser, tag_name: str, days: int) -> Cadence | None:
    """Set (or with 0 remove) the cadence for everyone with a tag."""
    tag = find_tag(owner, tag_name)
    if _checked_days(days) == 0:
        Cadence.objects.filter(owner=owner, tag=tag).delete()
        return None
    cadence, _ = Cadence.objects.update_or_create(owner=owner, tag=tag, defaults={"days": days})
    return cadence


def snooze(
    owner: AbstractBaseUser, person: Person, until: dt.date | None, day: dt.date | None = None
) -> Snooze | None:
    """Leave a person off reminders until a date; ``None`` wakes them now."""
    if person.owner_id != owner.pk:
        raise NotFound(f"no person #{person.id}")
    if until is None:
        Snooze.objects.filter(owner=owner, person=person).delete()
        return None
    if until <= today_or(day):
        raise UsageError(f"invalid date {until.isoformat()}: a snooze ends in the future")
    found, _ = Snooze.objects.update_or_create(
        owner=owner, person=person, defaults={"until": until}
    )
    return found


# -- payloads -----


def due_payload(due: rules.Due) -> dict[str, Any]:
    return {
        "person": {"id": due.person_id, "name": due.name},
        "strength": round(due.strength, 4),
        "cadence_days": due.cadence_days,
        "cadence_from": due.cadence_from,
        "last_contact": due.last_contact.isoformat() if due.last_contact else None,
        "days_since": due.days_since,
        "due_on": due.due_on.isoformat(),
        "overdue_days": due.overdue_days,
        "stake": round(due.stake, 4),
        "snoozed_until": due.snoozed_until.isoformat() if due.snoozed_until else None,
        "reasons": due.reasons,
    }


def meeting_payload(meeting: rules.FirstMeeting) -> dict[str, Any]:
    return {
        "person": {"id": meeting.person_id, "name": meeting.name},
        "met_on": meeting.met_on.isoformat(),
        "kind": meeting.kind,
    }


def cadences_payload(owner: AbstractBaseUser) -> dict[str, Any]:
    rows = Cadence.objects.filter(owner=owner).select_related("person", "tag")
    return {
        "people": [
            {"person": {"id": c.person.id, "name": c.person.name}, "days": c.days}
            for c in sorted(rows, key=lambda c: c.id)
            if c.person is not None
        ],
        "tags": [
            {"tag": c.tag.name, "days": c.days}
            for c in sorted(rows, key=lambda c: c.id)
            if c.tag is not None
        ],
        "defaults": [
            {"name": name, "days": days, "min_strength": lowest}
            for lowest, days, name in rules.DEFAULT_CADENCES
        ],
    }


def tend_payload(
    owner: AbstractBaseUser, day: dt.date | None = None, *, limit: int | None = LOSING_TOUCH_SHOWN
) -> dict[str, Any]:
    """The losing-touch list (most at stake first), follow-ups due, and the cadences in force."""
    day = today_or(day)
    everyone = contacts(owner, day)
    losing = rules.losing_touch(everyone, day)
    snoozed = [c for c in everyone if c.snoozed_until is not None and c.snoozed_until > day]
    return {
        "as_of": day.isoformat(),
        "tended": len(everyone),
        "losing_touch_total": len(losing),
        "losing_touch": [due_payload(d) for d in (losing if limit is None else losing[:limit])],
        "follow_ups": [
            meeting_payload(m) for m in rules.follow_ups(first_meetings(owner, day), day)
        ],
        "snoozed": [
            {"person": {"id": c.person_id, "name": c.name}, "until": c.snoozed_until.isoformat()}
            for c in sorted(snoozed, key=lambda c: (c.snoozed_until, c.person_id))
            if c.snoozed_until is not None
        ],
        "cadences": cadences_payload(owner),
    }


def person_tend(
    owner: AbstractBaseUser, person: Person, day: dt.date | None = None
) -> dict[str, Any]:
    """One person's cadence and where they stand (for the person page)."""
    day = today_or(day)
    found = contacts(owner, day, people=[person.id])
    if not found:
        strength = strengths(owner, day, [person.id]).get(person.id, (UNKNOWN_STRENGTH, []))[0]
        contact = rules.Contact(person.id, person.name, strength, None)
        due = rules.assess(contact, day)
        payload = due_payload(due)
        payload.update(due_on=None, overdue_days=None, stake=0.0)
        payload["reasons"] = [due.reasons[0], "no contact yet"]
        return payload
    return due_payload(rules.assess(found[0], day))
