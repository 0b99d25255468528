"""Tending relationships: how often to be in touch, who is overdue, and what is at stake.

Pure Python (no Django). A *cadence* is the number of days the owner wants between contacts
with a person. It comes, first match wins, from

1. a cadence the owner set for that person,
2. the shortest cadence set for any of their tags (e.g. ``close`` 14, ``friends`` 60), or
3. a default from tie strength: at least 0.6 is *close* (14 days), at least 0.35 a *friend*
   (60 days), anything else *network* (180 days).

Any interaction resets the clock. A person is *losing touch* once the days since the last
contact reach the cadence; the list is ordered by what is at stake,
``strength * min(days since / cadence, 2)``, so a close friend slightly overdue comes before
an acquaintance long forgotten (a silence past twice the cadence adds no more urgency).

>>> today = dt.date(2026, 3, 1)
>>> ann = Contact(1, "Ann", 0.8, dt.date(2026, 1, 1))
>>> due = assess(ann, today)
>>> due.cadence_days, due.days_since, due.overdue_days, round(due.stake, 2)
(14, 59, 45, 1.6)
>>> [d.name for d in losing_touch([ann, Contact(2, "Bo", 0.2, dt.date(2026, 2, 20))], today)]
['Ann']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# (lowest strength, days, name), strongest first.
DEFAULT_CADENCES: tuple[tuple[float, int, str], ...] = (
    (0.6, 14, "close"),
    (0.35, 60, "friend"),
    (0.0, 180, "network"),
)
RATIO_CAP = 2.0
# Someone with a cadence but no contact at all is due now, as if exactly one cadence had passed.
NEVER_RATIO = 1.0
FOLLOW_UP_WINDOW_DAYS = 21
FOLLOW_UP_KINDS = frozenset({"met", "meeting", "event"})


def default_cadence(strength: float) -> tuple[int, str]:
    """The cadence in days, and its name, that a tie of this strength gets by default."""
    for lowest, days, name in DEFAULT_CADENCES:
        if strength >= lowest:
            return days, name
    return DEFAULT_CADENCES[-1][1], DEFAULT_CADENCES[-1][2]


@dataclass(frozen=True)
class Contact:
    """What tending needs to know about one person."""

    person_id: int
    name: str
    strength: float
    last_contact: dt.date | None
    cadence_days: int | None = None
    tag_cadences: tuple[tuple[str, int], ...] = ()
    snoozed_until: dt.date | None = None


@dataclass(frozen=True)
class Due:
    """Where one person stands against their cadence on a given day."""

    person_id: int
    name: str
    strength: float
    cadence_days: int
    cadence_from: str
    last_contact: dt.date | None
    days_since: int | None
    due_on: dt.date
    overdue_days: int
    ratio: float
    stake: float
    snoozed_until: dt.date | None
    reasons: list[str] = field(default_factory=list)

    @property
    def is_due(self) -> bool:
        return self.overdue_days >= 0


def cadence_for(contact: Contact) -> tuple[int, str]:
    """The cadence that applies, and where it comes from (for the reasons shown)."""
    if contact.cadence_days is not None:
        return contact.cadence_days, "set by you"
    if contact.tag_cadences:
        tag, days = min(contact.tag_cadences, key=lambda t: (t[1], t[0]))
        return days, f"tag {tag}"
    days, name = default_cadence(contact.strength)
    return days, f"{name} (tie strength {contact.strength:.2f})"


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def assess(contact: Contact, today: dt.date) -> Due:
    days, source = cadence_for(contact)
    if contact.last_contact is None:
        days_since = None
        due_on = today
        ratio = NEVER_RATIO
        said = "no contact yet"
    else:
        days_since = max(0, (today - contact.last_contact).days)
        due_on = contact.last_contact + dt.timedelta(days=days)
        ratio = days_since / days
        said = f"last contact {_days(days_since)} ago ({contact.last_contact.isoformat()})"
    overdue = (today - due_on).days
    stake = contact.strength * min(ratio, RATIO_CAP)
    reasons = [f"every {days} days: {source}", said]
    if overdue > 0:
        reasons.append(f"{_days(overdue)} overdue")
    elif overdue == 0:
        reasons.append("due today")
    else:
        reasons.append(f"due in {_days(-overdue)}")
    if contact.snoozed_until is not None and contact.snoozed_until > today:
        reasons.append(f"snoozed until {contact.snoozed_until.isoformat()}")
    return Due(
        person_id=contact.person_id,
        name=contact.name,
        strength=contact.strength,
        cadence_days=days,
        cadence_from=source,
        last_contact=contact.last_contact,
        days_since=days_since,
        due_on=due_on,
        overdue_days=overdue,
        ratio=ratio,
        stake=stake,
        snoozed_until=contact.snoozed_until,
        reasons=reasons,
    )


def _snoozed(contact: Contact, today: dt.date) -> bool:
    return contact.snoozed_until is not None and contact.snoozed_until > today


def losing_touch(
    contacts: Iterable[Contact], today: dt.date, *, include_snoozed: bool = False
) -> list[Due]:
    """Everyone due or overdue, most at stake first (snoozed people left out unless asked)."""
    found = [assess(c, today) for c in contacts if include_snoozed or not _snoozed(c, today)]
    due = [d for d in found if d.is_due]
    return sorted(due, key=lambda d: (-d.stake, -d.overdue_days, d.name, d.person_id))


def upcoming(contacts: Iterable[Contact], today: dt.date, horizon_days: int = 30) -> list[Due]:
    """Everyone coming due within the horizon (snoozed people from the day the snooze ends)."""
    end = today + dt.timedelta(days=horizon_days)
    found = []
    for contact in contacts:
        due = assess(contact, today)
        when = max(due.due_on, today)
        if contact.snoozed_until is not None and contact.snoozed_until > when:
            when = contact.snoozed_until
        if when <= end:
            found.append((when, due))
    found.sort(key=lambda pair: (pair[0], -pair[1].stake, pair[1].person_id))
    return [due for _, due in found]


@dataclass(frozen=True)
class FirstMeeting:
    """The first time the owner met someone, and whether they got in touch again since."""

    person_id: int
    name: str
    met_on: dt.date
    kind: str
    followed_up: bool


def follow_ups(
    meetings: Sequence[FirstMeeting], today: dt.date, window_days: int = FOLLOW_UP_WINDOW_DAYS
) -> list[FirstMeeting]:
    """New people met in person recently with no contact since: follow up while it is fresh."""
    start = today - dt.timedelta(days=window_days)
    found = [
        m
        for m in meetings
        if m.kind in FOLLOW_UP_KINDS and start <= m.met_on <= today and not m.followed_up
    ]
    return sorted(found, key=lambda m: (m.met_on, m.person_id))
