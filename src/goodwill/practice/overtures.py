"""Overtures: first e-mails detected as reach-outs, answers noticed, response rates, stop list.

``refresh(owner)`` is cheap and idempotent: it records a first outbound e-mail to someone as an
overture (approach ``first e-mail``) and marks unanswered overtures answered by the first
inbound interaction after them (within ``ANSWER_WINDOW_DAYS``). Imports and logging call it;
the pages and commands that show overtures call it too, so nothing depends on the order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Min

from goodwill.activity.models import Overture, Participant
from goodwill.insights import overtures as rules
from goodwill.people.models import Person
from goodwill.practice import memo

FIRST_EMAIL = "first e-mail"
ANSWER_WINDOW_DAYS = 30
# An overture already recorded this close to a first e-mail is that e-mail.
SAME_OVERTURE = dt.timedelta(days=1)
INBOUND = ("in", "both")


def facts(owner: AbstractBaseUser) -> list[rules.OvertureFact]:
    rows = Overture.objects.filter(owner=owner).values_list(
        "id", "person_id", "channel", "approach", "sent_at", "answered_at"
    )
    return [rules.OvertureFact(*row) for row in rows]


@transaction.atomic
def detect_first_emails(owner: AbstractBaseUser) -> int:
    """Record each person's first interaction, when it was an e-mail from you, as an overture."""
    firsts = dict(
        Person.objects.filter(owner=owner, is_me=False, bulk=False)
        .annotate(first=Min("interactions__occurred_at"))
        .filter(first__isnull=False)
        .values_list("id", "first")
    )
    opening = Participant.objects.filter(
        interaction__owner=owner, interaction__kind="email", interaction__direction="out"
    ).values_list("person_id", "interaction_id", "interaction__occurred_at")
    candidates = {
        person_id: (interaction_id, at)
        for person_id, interaction_id, at in opening
        if firsts.get(person_id) == at
    }
    if not candidates:
        return 0
    known: dict[int, list[dt.datetime]] = defaultdict(list)
    for person_id, sent in Overture.objects.filter(
        owner=owner, person_id__in=list(candidates)
    ).values_list("person_id", "sent_at"):
        known[person_id].append(sent)
    new = [
        Overture(
            owner=owner,
            person_id=person_id,
            channel="email",
            approach=FIRST_EMAIL,
            sent_at=at,
            external_id=f"first-email:{interaction_id}",
        )
        for person_id, (interaction_id, at) in candidates.items()
        if not any(abs(sent - at) <= SAME_OVERTURE for sent in known[person_id])
    ]
    Overture.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def mark_answered(owner: AbstractBaseUser) -> int:
    """Mark overtures answered by a later inbound interaction; returns how many changed."""
    open_ = [f for f in facts(owner) if f.answered_at is None]
    if not open_:
        return 0
    inbound: dict[int, list[dt.datetime]] = defaultdict(list)
    rows = (
        Participant.objects.filter(
            person_id__in={f.person_id for f in open_},
            interaction__owner=owner,
            interaction__direction__in=INBOUND,
        )
        .order_by("interaction__occurred_at")
        .values_list("person_id", "interaction__occurred_at")
    )
    for person_id, at in rows:
        inbound[person_id].append(at)
    window = dt.timedelta(days=ANSWER_WINDOW_DAYS)
    sent = {f.id: f.sent_at for f in open_}
    found = {
        overture_id: at
        for overture_id, at in rules.answers(open_, inbound).items()
        if at - sent[overture_id] <= window
    }
    for overture_id, at in found.items():
        Overture.objects.filter(pk=overture_id, answered_at=None).update(answered_at=at)
    return len(found)


def refresh(owner: AbstractBaseUser) -> dict[str, int]:
    """Detect first e-mails, then notice answers. The hook for imports and logging.

    Skipped (answering zeros) while nothing it reads has changed since the last run.
    """
    ran: list[bool] = []

    def run() -> dict[str, int]:
        ran.append(True)
        return {"detected": detect_first_emails(owner), "answered": mark_answered(owner)}

    found = memo.remembered(owner, "overtures-refresh", None, run)
    if ran and any(found.values()):
        # The run changed overtures, and so the stamp: remember the state after it, so the
        # next visit finds nothing to do.
        memo.remembered(owner, "overtures-refresh", None, lambda: {"detected": 0, "answered": 0})
    return found if ran else {"detected": 0, "answered": 0}


def stop_list(owner: AbstractBaseUser, limit: int = rules.STOP_AFTER) -> set[int]:
    """Ids of people with ``limit`` unanswered overtures in a row: never suggest them again."""
    return rules.stop_list(facts(owner), limit)


def _rate_payload(rate: rules.Rate) -> dict[str, Any]:
    return {
        "key": rate.key,
        "sent": rate.sent,
        "answered": rate.answered,
        "rate": round(rate.rate, 4),
    }


def overtures_payload(owner: AbstractBaseUser, *, recent: int = 50) -> dict[str, Any]:
    """Response rates by channel and approach, the stop list and the latest overtures."""
    refresh(owner)
    found = facts(owner)
    stopped = rules.stop_list(found)
    names = dict(
        Person.objects.filter(owner=owner, id__in={f.person_id for f in found}).values_list(
            "id", "name"
        )
    )
    latest = sorted(found, key=lambda f: (f.sent_at, f.id), reverse=True)[:recent]
    answered = sum(f.answered_at is not None for f in found)
    return {
        "total": len(found),
        "answered": answered,
        "rate": round(answered / len(found), 4) if found else 0.0,
        "by_channel": [_rate_payload(r) for r in rules.response_rates(found, "channel")],
        "by_approach": [_rate_payload(r) for r in rules.response_rates(found, "approach")],
        "stop_after": rules.STOP_AFTER,
        "stopped": [
            {"id": pid, "name": names.get(pid, "")}
            for pid in sorted(stopped, key=lambda p: (names.get(p, ""), p))
        ],
        "recent": [
            {
                "id": f.id,
                "person": {"id": f.person_id, "name": names.get(f.person_id, "")},
                "channel": f.channel,
                "approach": f.approach,
                "sent_at": f.sent_at.isoformat(),
                "answered_at": f.answered_at.isoformat() if f.answered_at else None,
            }
            for f in latest
        ],
    }
