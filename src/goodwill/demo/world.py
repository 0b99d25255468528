"""The population with its accounts and the day it is seen from, plus small shared helpers."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from goodwill.demo.population import Draft
from goodwill.demo.records import ME, Account

# The span of history the demo covers: two years up to the day before ``as_of``.
WINDOW_DAYS = 730
# Pre-orders for the book opened this long before ``as_of``.
PREORDERS_OPENED_DAYS_AGO = 75


@dataclass
class World:
    as_of: dt.date
    people: list[Draft]
    accounts: dict[str, tuple[Account, ...]]
    by_key: dict[str, Draft] = field(init=False)

    def __post_init__(self) -> None:
        self.by_key = {p.key: p for p in self.people}

    def contacts(self) -> list[Draft]:
        """The people the author knows herself, in population order."""
        return [p for p in self.people if p.first_degree and p.key != ME]

    def day(self, days_ago: int) -> dt.date:
        return self.as_of - dt.timedelta(days=days_ago)

    def moment(self, days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
        """A UTC time ``days_ago`` days before ``as_of`` (at least one, so never on or after)."""
        day = self.day(max(1, days_ago))
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)

    def has(self, person: Draft, channel: str) -> bool:
        return any(a.channel == channel for a in self.accounts[person.key])

    def reachable(self, person: Draft) -> set[str]:
        """The channels on which the author and ``person`` can be in touch."""
        found = {"in_person", "video"}
        if self.has(person, "email"):
            found.add("email")
        if self.has(person, "phone"):
            found |= {"phone", "sms"}
        if person.facebook:
            found.add("facebook")
        if person.follows_me or person.followed:
            found.add("x")
        if person.linkedin:
            found.add("linkedin")
        found |= {c for c in ("mastodon", "bluesky") if self.has(person, c)}
        return found

    def active_days(self, person: Draft) -> tuple[int, int]:
        """The span, in days before ``as_of``, in which the two were in touch (oldest, newest)."""
        oldest = WINDOW_DAYS
        if person.profile.met_on is not None:
            oldest = min(oldest, (self.as_of - person.profile.met_on).days)
        newest = person.cold_since or 1
        return oldest, newest


def weighted_sample(
    rng: random.Random, people: Sequence[Draft], count: int, weight: float = 0.05
) -> list[Draft]:
    """``count`` distinct people, closer ones likelier (Efraimidis and Spirakis, 2006)."""
    keyed = sorted(people, key=lambda p: rng.random() ** (1 / (p.closeness + weight)), reverse=True)
    return keyed[:count]
