"""How strong is a relationship? A transparent score in [0, 1], always with its reasons.

The score adds three parts, each in [0, 1]:

* **activity** (weight ``Weights.activity``): every interaction counts by its kind (a meeting
  more than a call, a call more than a personal message, then an e-mail, a comment, a like;
  ``KIND_WEIGHTS``) and fades with age, halving every ``half_life_days``. The faded sum is
  multiplied by a **balance** factor (one-way traffic is weak): ``b`` is the share of the faded
  weight that is matched in the other direction (two-way kinds such as a meeting count as
  matched), and the factor is ``(0.2 + 0.8 b) ** balance_exponent``. The result ``e`` becomes
  ``1 - exp(-e / saturation)``, so the first few recent meetings matter most.
* **duration** (``Weights.duration``): years known, full at ``DURATION_FULL_YEARS``.
* **mutual friends** (``Weights.mutual``): ``1 - exp(-m / MUTUAL_SCALE)`` for ``m`` people
  both sides know.

The user's own judgement (an override) outranks all of it; the computed score is kept beside it.

>>> as_of = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
>>> lunch = Touch(as_of - dt.timedelta(days=10), "meeting", "both")
>>> s = score(Evidence(touches=(lunch,), known_since=dt.date(2021, 5, 1), mutual_friends=4), as_of)
>>> round(s.score, 2), s.reasons[0]
(0.48, '1 meeting in the last year')
>>> score(Evidence(override=0.9, override_note="my sister"), as_of).score
0.9

The weights were chosen by ``bench/tie_strength.py``: on CollegeMsg and the Enron sample, the
score at a time ``t`` ranks the people someone messages in the next 30 days above the people they
do not (AUC), better than recency or frequency alone; see ``bench/tie_strength.md``.
References: Granovetter (1973), *The strength of weak ties*; Gilbert & Karahalios (2009),
*Predicting tie strength with social media* (recency, intensity, duration and mutual friends as
predictors).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "DURATION_FULL_YEARS",
    "KIND_WEIGHTS",
    "MUTUAL_SCALE",
    "TWO_WAY_KINDS",
    "Evidence",
    "Parts",
    "Strength",
    "Touch",
    "Weights",
    "balance",
    "decay",
    "score",
    "score_all",
]

# What one interaction is worth, by kind: meeting > call > personal message > e-mail > comment
# > like. "met" is meeting someone (in person); an event is being at the same one.
KIND_WEIGHTS: Mapping[str, float] = {
    "meeting": 1.0,
    "met": 1.0,
    "call": 0.8,
    "event": 0.5,
    "message": 0.5,
    "email": 0.35,
    "share": 0.2,
    "comment": 0.15,
    "post": 0.05,
    "like": 0.05,
}
# Kinds that are two-way by nature whatever the recorded direction says.
TWO_WAY_KINDS = frozenset({"meeting", "met", "call", "event"})
BALANCE_FLOOR = 0.2
DURATION_FULL_YEARS = 5.0
MUTUAL_SCALE = 10.0
RECENT_DAYS = 365
DAY_SECONDS = 86_400.0

_KIND_NAMES = {
    "meeting": ("meeting", "meetings"),
    "met": ("time met", "times met"),
    "call": ("call", "calls"),
    "event": ("event together", "events together"),
    "message": ("message", "messages"),
    "email": ("e-mail", "e-mails"),
    "share": ("share", "shares"),
    "comment": ("comment", "comments"),
    "post": ("post", "posts"),
    "like": ("like", "likes"),
}


@dataclass(frozen=True)
class Weights:
    """The knobs of the score (defaults chosen by ``bench/tie_strength.py``)."""

    half_life_days: float = 14.0
    balance_exponent: float = 0.5
    saturation: float = 1.0
    activity: float = 0.7
    duration: float = 0.1
    mutual: float = 0.2
    kinds: Mapping[str, float] = field(default_factory=lambda: dict(KIND_WEIGHTS))


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Touch:
    """One interaction with the person: when, what kind, and which way (out, in, both)."""

    when: dt.datetime
    kind: str
    direction: str = "both"


@dataclass(frozen=True)
class Evidence:
    """Everything the score looks at for one person."""

    touches: Sequence[Touch] = ()
    known_since: dt.date | None = None
    mutual_friends: int = 0
    override: float | None = None
    override_note: str = ""


@dataclass(frozen=True)
class Parts:
    """The three parts of the computed score, each in [0, 1], and the balance factor."""

    activity: float
    balance: float
    duration: float
    mutual: float


@dataclass(frozen=True)
class Strength:
    """A score in [0, 1] with its reasons; ``computed`` is the score before any override."""

    score: float
    computed: float
    overridden: bool
    reasons: tuple[str, ...]
    parts: Parts
    last_contact: dt.datetime | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "score": round(self.score, 4),
            "computed": round(self.computed, 4),
            "overridden": self.overridden,
            "reasons": list(self.reasons),
            "parts": {
                "activity": round(self.parts.activity, 4),
                "balance": round(self.parts.balance, 4),
                "duration": round(self.parts.duration, 4),
                "mutual": round(self.parts.mutual, 4),
            },
            "last_contact": self.last_contact.isoformat() if self.last_contact else None,
        }


def decay(age_days: float, half_life_days: float) -> float:
    """How much an interaction ``age_days`` old still counts: halves every ``half_life_days``.

    >>> decay(30, 30)
    0.5
    """
    return float(0.5 ** (max(age_days, 0.0) / half_life_days))


def balance(out_weight: float, in_weight: float, both_weight: float) -> float:
    """The share of the traffic that is matched the other way, in [0, 1] (1 when none at all).

    >>> balance(10, 0, 0), balance(5, 5, 0), balance(1, 0, 3)
    (0.0, 1.0, 0.75)
    """
    total = out_weight + in_weight + both_weight
    if total <= 0:
        return 1.0
    return (both_weight + 2.0 * min(out_weight, in_weight)) / total


def _activity(
    touches: Iterable[Touch], as_of: dt.datetime, weights: Weights
) -> tuple[float, float]:
    """The faded, balance-weighted activity in [0, 1], and the balance share."""
    sums = {"out": 0.0, "in": 0.0, "both": 0.0}
    for touch in touches:
        age = (as_of - touch.when).total_seconds() / DAY_SECONDS
        if age < 0:
            continue
        way = "both" if touch.kind in TWO_WAY_KINDS else touch.direction
        worth = weights.kinds.get(touch.kind, 0.1) * decay(age, weights.half_life_days)
        sums[way if way in sums else "both"] += worth
    share = balance(sums["out"], sums["in"], sums["both"])
    factor = (BALANCE_FLOOR + (1.0 - BALANCE_FLOOR) * share) ** weights.balance_exponent
    effective = (sums["out"] + sums["in"] + sums["both"]) * factor
    return 1.0 - math.exp(-effective / weights.saturation), share


def _years(since: dt.date | None, as_of: dt.datetime) -> float:
    if since is None:
        return 0.0
    return max((as_of.date() - since).days, 0) / 365.25


def _plural(count: int, kind: str) -> str:
    one, many = _KIND_NAMES.get(kind, (kind, kind + "s"))
    return f"{count} {one if count == 1 else many}"


def _joined(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _recent_reason(touches: Sequence[Touch], as_of: dt.datetime) -> str:
    start = as_of - dt.timedelta(days=RECENT_DAYS)
    counts = Counter(t.kind for t in touches if start <= t.when <= as_of)
    if not counts:
        return "no interactions in the last year"
    ordered = sorted(counts.items(), key=lambda kc: (-KIND_WEIGHTS.get(kc[0], 0.0), kc[0]))
    shown = [_plural(n, kind) for kind, n in ordered[:3]]
    rest = sum(n for _, n in ordered[3:])
    if rest:
        shown.append(f"{rest} other{'s' if rest != 1 else ''}")
    return f"{_joined(shown)} in the last year"


def _direction_reason(touches: Sequence[Touch], as_of: dt.datetime) -> str | None:
    ways = Counter(
        "both" if t.kind in TWO_WAY_KINDS else t.direction for t in touches if t.when <= as_of
    )
    total = sum(ways.values())
    if not total:
        return None
    if ways["out"] and not ways["in"] and not ways["both"]:
        return "one-way: only from you"
    if ways["in"] and not ways["out"] and not ways["both"]:
        return "one-way: only from them"
    share = balance(ways["out"], ways["in"], ways["both"])
    if share >= 0.5:
        return "both ways"
    lopsided = "you" if ways["out"] > ways["in"] else "them"
    larger = max(ways["out"], ways["in"])
    return f"mostly from {lopsided} ({larger} of {total})"


def _last_reason(last: dt.datetime, as_of: dt.datetime) -> str:
    days = (as_of - last).days
    if days <= 0:
        return "last contact today"
    if days == 1:
        return "last contact yesterday"
    if days < 60:
        return f"last contact {days} days ago"
    if days < 730:
        return f"last contact {days // 30} months ago"
    return f"last contact {days // 365} years ago"


def _reasons(evidence: Evidence, as_of: dt.datetime, last: dt.datetime | None) -> list[str]:
    touches = [t for t in evidence.touches if t.when <= as_of]
    reasons = [_recent_reason(touches, as_of)] if touches else ["no interactions recorded"]
    direction = _direction_reason(touches, as_of)
    if direction:
        reasons.append(direction)
    if last is not None:
        reasons.append(_last_reason(last, as_of))
    if evidence.known_since is not None and evidence.known_since <= as_of.date():
        reasons.append(f"known since {evidence.known_since.year}")
    m = evidence.mutual_friends
    reasons.append(f"{m} mutual friend{'s' if m != 1 else ''}" if m else "no mutual friends")
    return reasons


def score(evidence: Evidence, as_of: dt.datetime, weights: Weights = DEFAULT_WEIGHTS) -> Strength:
    """The strength of one relationship at ``as_of`` (interactions after it are ignored)."""
    activity, share = _activity(evidence.touches, as_of, weights)
    duration = min(1.0, _years(evidence.known_since, as_of) / DURATION_FULL_YEARS)
    mutual = 1.0 - math.exp(-max(evidence.mutual_friends, 0) / MUTUAL_SCALE)
    total = weights.activity + weights.duration + weights.mutual
    computed = (
        weights.activity * activity + weights.duration * duration + weights.mutual * mutual
    ) / total
    computed = min(1.0, max(0.0, computed))
    past = [t.when for t in evidence.touches if t.when <= as_of]
    last = max(past) if past else None
    reasons = _reasons(evidence, as_of, last)
    final, overridden = computed, False
    if evidence.override is not None:
        final, overridden = min(1.0, max(0.0, evidence.override)), True
        note = f" ({evidence.override_note})" if evidence.override_note else ""
        reasons.insert(0, f"set by you to {final:.2f}{note}; computed {computed:.2f}")
    return Strength(
        score=final,
        computed=computed,
        overridden=overridden,
        reasons=tuple(reasons),
        parts=Parts(activity=activity, balance=share, duration=duration, mutual=mutual),
        last_contact=last,
    )


def score_all(
    evidence: Mapping[int, Evidence], as_of: dt.datetime, weights: Weights = DEFAULT_WEIGHTS
) -> dict[int, Strength]:
    """Score every person in ``evidence`` (keyed by any id)."""
    return {key: score(item, as_of, weights) for key, item in evidence.items()}
