"""Referrals and outcomes: who referred whom to whom, thanks owed, and what brought the work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from goodwill.activity.models import Channel, Outcome, Referral
from goodwill.errors import NotFound, UsageError
from goodwill.people.models import Person
from goodwill.people.services import ensure_me
from goodwill.practice.tend import today_or
from goodwill.vocab import REFERRAL_STATUSES, values

THANKS_OWED_STATUSES = ("won",)


def _ref(person: Person) -> dict[str, Any]:
    return {"id": person.id, "name": person.name}


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def referral_rows(owner: AbstractBaseUser) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(owner=owner)
        .select_related("referrer", "referred", "to", "channel")
        .order_by("-referred_on", "-id")
    )


def thanks_owed(referral: Referral, me_id: int) -> bool:
    """A referral of you (or your work) that was won, and the referrer not yet thanked."""
    return (
        referral.status in THANKS_OWED_STATUSES
        and referral.thanked_on is None
        and referral.referred_id == me_id
        and referral.referrer_id != me_id
    )


def referral_payload(referral: Referral, me_id: int) -> dict[str, Any]:
    return {
        "id": referral.id,
        "referrer": _ref(referral.referrer),
        "referred": _ref(referral.referred),
        "to": _ref(referral.to),
        "what": referral.what,
        "value": _money(referral.value),
        "status": referral.status,
        "referred_on": referral.referred_on.isoformat(),
        "closed_on": referral.closed_on.isoformat() if referral.closed_on else None,
        "thanked_on": referral.thanked_on.isoformat() if referral.thanked_on else None,
        "channel": referral.channel.key if referral.channel else None,
        "thanks_owed": thanks_owed(referral, me_id),
    }


def attribution(owner: AbstractBaseUser) -> dict[str, Any]:
    """Sum of outcome values per person credited and per channel; and per referrer."""
    outcomes = list(
        Outcome.objects.filter(owner=owner)
        .select_related("referral__referrer")
        .prefetch_related("people", "channels")
    )
    by_person: dict[int, dict[str, Any]] = {}
    by_channel: dict[str, dict[str, Any]] = {}
    by_referrer: dict[int, dict[str, Any]] = {}

    def add(
        table: dict[Any, dict[str, Any]], key: Any, label: dict[str, Any], value: Decimal
    ) -> None:
        row = table.setdefault(key, {**label, "outcomes": 0, "value": Decimal(0)})
        row["outcomes"] += 1
        row["value"] += value

    for outcome in outcomes:
        for person in outcome.people.all():
            if not person.is_me:
                add(by_person, person.id, {"person": _ref(person)}, outcome.value)
        for channel in outcome.channels.all():
            add(
                by_channel,
                channel.key,
                {"channel": channel.key, "name": channel.name},
                outcome.value,
            )
        referral = outcome.referral
        if referral is not None and not referral.referrer.is_me:
            add(
                by_referrer,
                referral.referrer_id,
                {"person": _ref(referral.referrer)},
                outcome.value,
            )

    def ranked(table: dict[Any, dict[str, Any]]) -> list[dict[str, Any]]:
        rows = sorted(table.values(), key=lambda r: (-r["value"], -r["outcomes"]))
        return [{**r, "value": _money(r["value"])} for r in rows]

    total = sum((o.value for o in outcomes), Decimal(0))
    return {
        "outcomes": len(outcomes),
        "total_value": _money(total),
        "by_person": ranked(by_person)[:25],
        "by_referrer": ranked(by_referrer)[:25],
        "by_channel": ranked(by_channel),
    }


def referrals_payload(owner: AbstractBaseUser) -> dict[str, Any]:
    me = ensure_me(owner)
    rows = [referral_payload(r, me.id) for r in referral_rows(owner)]
    return {
        "total": len(rows),
        "thanks_owed": [r for r in rows if r["thanks_owed"]],
        "referrals": rows,
        "brought_work": attribution(owner),
    }


def record_referral(
    owner: AbstractBaseUser,
    referrer: Person,
    referred: Person,
    to: Person,
    what: str,
    *,
    value: Decimal | None = None,
    status: str = "open",
    on: dt.date | None = None,
    channel: str | None = None,
    note: str = "",
) -> Referral:
    """Record that ``referrer`` referred ``referred`` to ``to`` for ``what``."""
    people = (referrer, referred, to)
    if any(p.owner_id != owner.pk for p in people):
        raise NotFound("every person in a referral must be one of your people")
    if not what.strip():
        raise UsageError("say what the referral was for")
    if len({p.id for p in people}) < 3:
        raise UsageError("a referral names three different people: who referred whom to whom")
    if status not in values(REFERRAL_STATUSES):
        raise UsageError(
            f"unknown status {status!r} (one of: {', '.join(values(REFERRAL_STATUSES))})"
        )
    if value is not None and value < 0:
        raise UsageError("invalid value: a referral is worth zero or more")
    found_channel = None
    if channel:
        found_channel = Channel.objects.filter(owner=owner, key=channel).first()
        if found_channel is None:
            raise NotFound(f"no channel {channel!r}")
    day = today_or(on)
    return Referral.objects.create(
        owner=owner,
        referrer=referrer,
        referred=referred,
        to=to,
        what=what.strip(),
        value=value,
        status=status,
        referred_on=day,
        closed_on=day if status in {"won", "lost"} else None,
        channel=found_channel,
        note=note.strip(),
    )


def thank_referral(
    owner: AbstractBaseUser, referral_id: int, day: dt.date | None = None
) -> Referral:
    referral = Referral.objects.filter(owner=owner, pk=referral_id).first()
    if referral is None:
        raise NotFound(f"no referral #{referral_id}")
    if referral.thanked_on is None:
        referral.thanked_on = today_or(day)
        referral.save(update_fields=["thanked_on"])
    return referral


def referrers_to_thank(owner: AbstractBaseUser) -> list[Referral]:
    me = ensure_me(owner)
    return [r for r in referral_rows(owner) if thanks_owed(r, me.id)]
