"""Overtures: reach-outs, whether they were answered, response rates, and when to stop asking.

Pure Python (no Django). An overture is *answered* by the first inbound interaction from that
person after it was sent (a reply, a call from them, a meeting both ways). Some people will
never answer; after ``limit`` unanswered overtures in a row (default 2) they go on the *stop
list* and are never suggested again. One unanswered overture, older than a fortnight, is worth
one more try.

>>> t = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
>>> sent = [OvertureFact(1, 5, "email", "cold message", t, None)]
>>> answers(sent, {5: [t - dt.timedelta(days=1), t + dt.timedelta(days=2)]})
{1: datetime.datetime(2026, 1, 3, 12, 0, tzinfo=datetime.timezone.utc)}
>>> stop_list(sent + [OvertureFact(2, 5, "email", "", t + dt.timedelta(days=9), None)])
{5}
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

STOP_AFTER = 2
RETRY_AFTER_DAYS = 14
NO_APPROACH = "(not said)"


@dataclass(frozen=True)
class OvertureFact:
    id: int
    person_id: int
    channel: str
    approach: str
    sent_at: dt.datetime
    answered_at: dt.datetime | None


def answers(
    overtures: Iterable[OvertureFact], inbound: Mapping[int, Sequence[dt.datetime]]
) -> dict[int, dt.datetime]:
    """For each unanswered overture, the first inbound contact after it (``inbound`` sorted)."""
    found = {}
    for o in overtures:
        if o.answered_at is not None:
            continue
        times = inbound.get(o.person_id, ())
        at = bisect.bisect_right(times, o.sent_at)
        if at < len(times):
            found[o.id] = times[at]
    return found


@dataclass(frozen=True)
class Rate:
    key: str
    sent: int
    answered: int

    @property
    def rate(self) -> float:
        return self.answered / self.sent if self.sent else 0.0


def response_rates(overtures: Iterable[OvertureFact], by: str = "channel") -> list[Rate]:
    """Sent and answered per channel (``by="channel"``) or per approach, best rate first."""
    if by not in {"channel", "approach"}:
        raise ValueError(f"response rates are by channel or approach, not {by!r}")
    sent: dict[str, int] = defaultdict(int)
    answered: dict[str, int] = defaultdict(int)
    for o in overtures:
        key = (o.channel if by == "channel" else o.approach) or NO_APPROACH
        sent[key] += 1
        answered[key] += o.answered_at is not None
    rates = [Rate(k, sent[k], answered[k]) for k in sent]
    return sorted(rates, key=lambda r: (-r.rate, -r.sent, r.key))


def _by_person(overtures: Iterable[OvertureFact]) -> dict[int, list[OvertureFact]]:
    found: dict[int, list[OvertureFact]] = defaultdict(list)
    for o in overtures:
        found[o.person_id].append(o)
    for rows in found.values():
        rows.sort(key=lambda o: (o.sent_at, o.id))
    return found


def unanswered_streak(rows: Sequence[OvertureFact]) -> list[OvertureFact]:
    """The overtures since the person last answered one (``rows`` oldest first)."""
    streak: list[OvertureFact] = []
    for o in rows:
        streak = [] if o.answered_at is not None else [*streak, o]
    return streak


def stop_list(overtures: Iterable[OvertureFact], limit: int = STOP_AFTER) -> set[int]:
    """People with ``limit`` or more unanswered overtures in a row: stop asking them."""
    return {
        person_id
        for person_id, rows in _by_person(overtures).items()
        if len(unanswered_streak(rows)) >= limit
    }


def worth_another_try(
    overtures: Iterable[OvertureFact],
    now: dt.datetime,
    *,
    limit: int = STOP_AFTER,
    wait_days: int = RETRY_AFTER_DAYS,
) -> list[OvertureFact]:
    """The latest overture to each person still below the limit, unanswered for long enough."""
    found = []
    for rows in _by_person(overtures).values():
        streak = unanswered_streak(rows)
        if streak and len(streak) < limit and now - streak[-1].sent_at >= dt.timedelta(wait_days):
            found.append(streak[-1])
    return sorted(found, key=lambda o: (o.sent_at, o.id))
