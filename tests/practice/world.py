"""A small network of the owner's, dated around one fixed day, for the practice tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from goodwill.activity.services import log_interaction
from goodwill.people.models import Person
from goodwill.people.services import create_person, ensure_me, set_tags, state_tie

TODAY = dt.date(2026, 3, 1)


def at(days_ago: int, hour: int = 12, today: dt.date = TODAY) -> dt.datetime:
    day = today - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@dataclass
class World:
    owner: object
    me: Person
    ann: Person  # partner: close, last call 20 days ago
    bo: Person  # a connection seen 100 days ago
    cy: Person  # met at an event 3 days ago, nothing since
    di: Person  # needs a proofreader


def build(owner, today: dt.date = TODAY) -> World:
    """The network as it stands on ``today`` (pages use the real today)."""
    me = ensure_me(owner)
    ann = create_person(owner, "Ann Lee", identities=[("x", "@annlee")], tags=["friends"])
    bo = create_person(owner, "Bo Chen", identities=[("email", "bo@example.org")])
    cy = create_person(owner, "Cy Park")
    di = create_person(owner, "Di Shaw")
    state_tie(owner, me, ann, "partner")
    state_tie(owner, me, bo, "connection")
    set_tags(ann, ["proofreading"], "offer")
    set_tags(di, ["a proofreader"], "need")
    log_interaction(owner, "call", [ann], when=at(20, today=today))
    log_interaction(owner, "email", [bo], direction="in", when=at(100, today=today))
    log_interaction(owner, "event", [cy], when=at(3, today=today))
    return World(owner, me, ann, bo, cy, di)
