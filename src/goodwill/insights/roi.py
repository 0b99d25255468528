"""Channel return: per platform or place, who is there, what came of it, and per hour invested.

For each channel the caller counts the people reached there, those matching the channel's
target-market rule, the meaningful (two-way) interactions, the outcomes and referrals attributed
to it and their value; this module turns the hours into hours per year, works out the return per
hour and gives advice, and when effort is spread thin says so in numbers:

>>> a = ChannelFigures("x", "X", hours_per_year=260, people=800, target_people=90, two_way=40,
...                    outcomes=1, referrals=0, value=200)
>>> b = ChannelFigures("in_person", "Speaking club", hours_per_year=130, people=60,
...                    target_people=30, two_way=120, outcomes=6, referrals=4, value=5200)
>>> advice([a, b])[0]
'X takes 67% of your hours for 4% of the return.'

Target-market rules are small boolean expressions over a person's tags and fields:
``tag:book-world OR interest:reading``, ``position~editor AND tag:london``; ``AND`` binds
tighter than ``OR``; ``kind:name`` matches a tag of that kind (tag, interest, offer, need);
``field~text`` matches text inside ``position``, ``organisation`` or ``location``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from goodwill.errors import UsageError

__all__ = [
    "ChannelFigures",
    "Profile",
    "Rule",
    "advice",
    "hours_per_year",
    "parse_rule",
]

PERIODS_PER_YEAR = {"week": 52.0, "month": 12.0}
TAG_KINDS = ("tag", "interest", "offer", "need")
FIELDS = ("position", "organisation", "location")
HEAVY_SHARE = 0.6  # the channels that take this share of the hours are "where the time goes"
SPREAD_CHANNELS = 5


def hours_per_year(hours: float, period: str) -> float:
    """``hours`` per ``period`` (week or month) as hours per year.

    >>> hours_per_year(2.5, "week"), hours_per_year(2, "month")
    (130.0, 24.0)
    """
    if period not in PERIODS_PER_YEAR:
        raise UsageError(f"unknown period {period!r} (week or month)")
    return max(hours, 0.0) * PERIODS_PER_YEAR[period]


@dataclass(frozen=True)
class Profile:
    """What a rule can look at: tags as ``(kind, name)`` and three text fields."""

    tags: frozenset[tuple[str, str]] = frozenset()
    position: str = ""
    organisation: str = ""
    location: str = ""


_TERM = re.compile(r"^(?P<key>[a-z_]+)(?P<op>[:~])(?P<value>.+)$")


@dataclass(frozen=True)
class Rule:
    """Alternatives (OR) of conjunctions (AND) of terms ``(key, op, value)``."""

    alternatives: tuple[tuple[tuple[str, str, str], ...], ...]

    def matches(self, person: Profile) -> bool:
        return any(all(_term(person, *t) for t in conj) for conj in self.alternatives)

    @property
    def empty(self) -> bool:
        return not self.alternatives


def _term(person: Profile, key: str, op: str, value: str) -> bool:
    if op == ":":
        return (key, value) in person.tags
    return value in str(getattr(person, key)).casefold()


def parse_rule(text: str) -> Rule:
    """Parse a target-market rule (an empty rule matches nobody).

    >>> r = parse_rule("tag:publisher OR position~Editor AND tag:london")
    >>> r.matches(Profile(tags=frozenset({("tag", "publisher")})))
    True
    >>> r.matches(Profile(position="Senior editor"))
    False
    """
    alternatives = []
    for part in re.split(r"\s+OR\s+", text.strip()) if text.strip() else []:
        terms = []
        for raw in re.split(r"\s+AND\s+", part.strip()):
            match = _TERM.match(raw.strip())
            if match is None:
                raise UsageError(f"cannot read {raw!r} in the target rule {text!r}")
            key, op, value = match["key"], match["op"], match["value"].strip().casefold()
            if op == ":" and key not in TAG_KINDS:
                raise UsageError(f"unknown tag kind {key!r} (one of: {', '.join(TAG_KINDS)})")
            if op == "~" and key not in FIELDS:
                raise UsageError(f"unknown field {key!r} (one of: {', '.join(FIELDS)})")
            terms.append((key, op, value))
        alternatives.append(tuple(terms))
    return Rule(tuple(alternatives))


@dataclass(frozen=True)
class ChannelFigures:
    key: str
    name: str
    hours_per_year: float
    people: int
    target_people: int
    two_way: int
    outcomes: int
    referrals: int
    value: float
    active: bool = True

    @property
    def value_per_hour(self) -> float:
        return self.value / self.hours_per_year if self.hours_per_year > 0 else 0.0


def _names(channels: Sequence[ChannelFigures]) -> str:
    names = [c.name for c in channels]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def advice(figures: Iterable[ChannelFigures]) -> list[str]:
    """What to do about the spread of hours: the first line is the headline."""
    active = [c for c in figures if c.active and c.hours_per_year > 0]
    hours = sum(c.hours_per_year for c in active)
    value = sum(c.value for c in active)
    if not active or hours <= 0:
        return ["Record the hours you spend on each channel to see where your time pays."]
    lines = []
    by_hours = sorted(active, key=lambda c: (-c.hours_per_year, c.name))
    heavy: list[ChannelFigures] = []
    for channel in by_hours:
        heavy.append(channel)
        if sum(c.hours_per_year for c in heavy) >= HEAVY_SHARE * hours:
            break
    hour_share = sum(c.hours_per_year for c in heavy) / hours
    value_share = sum(c.value for c in heavy) / value if value > 0 else 0.0
    if value_share < hour_share / 2:
        verb = "takes" if len(heavy) == 1 else "take"
        lines.append(
            f"{_names(heavy)} {verb} {hour_share:.0%} of your hours for {value_share:.0%} "
            "of the return."
        )
    best = max(active, key=lambda c: (c.value_per_hour, c.two_way))
    if best.value > 0:
        lines.append(
            f"Focus on {best.name}: {best.value_per_hour:,.0f} per hour from "
            f"{best.two_way} two-way conversations."
        )
    if len(active) >= SPREAD_CHANNELS:
        lines.append(
            f"You are spread over {len(active)} channels; fewer, deeper ones usually bring more."
        )
    for channel in active:
        if channel.people and channel.target_people == 0:
            lines.append(f"None of your target market is on {channel.name} yet.")
        elif channel.value == 0 and channel.two_way == 0:
            lines.append(f"{channel.name} has brought no results or conversations: cut it back?")
    return lines
