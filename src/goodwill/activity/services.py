"""Logging what happens: interactions, favours and overtures, shared by CLI, web and API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from goodwill.activity.models import Favour, Interaction, Overture, Participant
from goodwill.errors import UsageError
from goodwill.people.models import Person
from goodwill.vocab import CHANNELS, DIRECTIONS, FAVOUR_DIRECTIONS, INTERACTION_KINDS, values

# What channel an interaction kind happens on when the user does not say.
DEFAULT_CHANNEL = {
    "met": "in_person",
    "meeting": "in_person",
    "event": "in_person",
    "call": "phone",
    "email": "email",
}


def parse_when(text: str | None, *, now: dt.datetime | None = None) -> dt.datetime:
    """Parse a user's date: ``YYYY-MM-DD``, an ISO date-time, ``today`` or ``yesterday``."""
    now = now or timezone.now()
    if text is None or not text.strip():
        return now
    raw = text.strip().lower()
    if raw == "today":
        return now
    if raw == "yesterday":
        return now - dt.timedelta(days=1)
    try:
        if len(raw) == 10:
            day = dt.date.fromisoformat(raw)
            moment = dt.datetime.combine(day, dt.time(12, 0))
        else:
            moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"invalid date {text!r}: use YYYY-MM-DD") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def parse_day(text: str | None) -> dt.date:
    return timezone.localdate(parse_when(text))


def _check(value: str, vocabulary: tuple[tuple[str, str], ...], what: str) -> str:
    if value not in values(vocabulary):
        allowed = ", ".join(values(vocabulary))
        raise UsageError(f"unknown {what} {value!r} (one of: {allowed})")
    return value


@transaction.atomic
def log_interaction(
    owner: AbstractBaseUser,
    kind: str,
    people: Sequence[Person],
    *,
    channel: str | None = None,
    when: dt.datetime | None = None,
    direction: str = "both",
    subject: str = "",
    note: str = "",
) -> Interaction:
    """Record an interaction between the owner and ``people``."""
    _check(kind, INTERACTION_KINDS, "interaction kind")
    channel = _check(channel or DEFAULT_CHANNEL.get(kind, "other"), CHANNELS, "channel")
    _check(direction, DIRECTIONS, "direction")
    if not people:
        raise UsageError("an interaction needs at least one person")
    if any(p.owner_id != owner.pk for p in people):
        raise UsageError("every participant must be one of your people")
    interaction = Interaction.objects.create(
        owner=owner,
        kind=kind,
        channel=channel,
        occurred_at=when or timezone.now(),
        direction=direction,
        subject=subject.strip(),
        note=note.strip(),
    )
    Participant.objects.bulk_create(
        Participant(interaction=interaction, person=p) for p in dict.fromkeys(people)
    )
    return interaction


def record_favour(
    owner: AbstractBaseUser,
    direction: str,
    person: Person,
    what: str,
    *,
    on: dt.date | None = None,
    note: str = "",
) -> Favour:
    _check(direction, FAVOUR_DIRECTIONS, "favour direction")
    if not what.strip():
        raise UsageError("say what the favour was")
    return Favour.objects.create(
        owner=owner,
        person=person,
        direction=direction,
        what=what.strip(),
        occurred_on=on or timezone.localdate(),
        note=note.strip(),
    )


def record_overture(
    owner: AbstractBaseUser,
    person: Person,
    *,
    channel: str | None = None,
    when: dt.datetime | None = None,
    approach: str = "",
    note: str = "",
) -> Overture:
    if person.is_me:
        raise UsageError("an overture goes to someone else")
    return Overture.objects.create(
        owner=owner,
        person=person,
        channel=_check(channel or "other", CHANNELS, "channel"),
        sent_at=when or timezone.now(),
        approach=approach.strip(),
        note=note.strip(),
    )


def interaction_payload(interaction: Interaction, person: Person | None = None) -> dict[str, Any]:
    others = [
        {"id": p.id, "name": p.name}
        for p in sorted(interaction.participants.all(), key=lambda p: p.id)
        if person is None or p.id != person.id
    ]
    return {
        "id": interaction.id,
        "when": interaction.occurred_at.isoformat(),
        "kind": interaction.kind,
        "channel": interaction.channel,
        "direction": interaction.direction,
        "subject": interaction.subject,
        "note": interaction.note,
        "with": others,
    }


def favour_payload(favour: Favour) -> dict[str, Any]:
    return {
        "id": favour.id,
        "direction": favour.direction,
        "what": favour.what,
        "on": favour.occurred_on.isoformat(),
        "acknowledged_on": favour.acknowledged_on.isoformat() if favour.acknowledged_on else None,
        "returned_on": favour.returned_on.isoformat() if favour.returned_on else None,
    }


def overture_payload(overture: Overture) -> dict[str, Any]:
    return {
        "id": overture.id,
        "channel": overture.channel,
        "approach": overture.approach,
        "sent_at": overture.sent_at.isoformat(),
        "answered_at": overture.answered_at.isoformat() if overture.answered_at else None,
    }
