"""Channel return from the database: people, target market, two-way talk, results, per channel.

A fixed number of aggregate queries whatever the size of the network: channels, identities,
interactions in the window, people's tags and fields, outcomes and referrals.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max, Sum
from django.utils import timezone

from goodwill.activity.models import Channel, Outcome, Participant, Referral
from goodwill.insights.roi import ChannelFigures, Profile, advice, hours_per_year, parse_rule
from goodwill.people.models import Identity, Person
from goodwill.practice import memo

WINDOW_DAYS = 365
# Which identities put a person on a channel.
IDENTITY_CHANNELS = {
    "email": ("email",),
    "phone": ("phone",),
    "sms": ("phone",),
    "linkedin": ("linkedin",),
    "facebook": ("facebook",),
    "x": ("x", "x_id"),
    "mastodon": ("mastodon",),
    "bluesky": ("bluesky", "bluesky_did"),
}


def _profiles(owner: AbstractBaseUser) -> dict[int, Profile]:
    tags: dict[int, set[tuple[str, str]]] = defaultdict(set)
    through = Person.tags.through.objects.filter(person__owner=owner)
    for person_id, kind, name in through.values_list("person_id", "tag__kind", "tag__name"):
        tags[person_id].add((kind, name.casefold()))
    people = Person.objects.filter(owner=owner, is_me=False, bulk=False)
    return {
        pid: Profile(frozenset(tags.get(pid, ())), pos.casefold(), org.casefold(), loc.casefold())
        for pid, pos, org, loc in people.values_list("id", "position", "organisation", "location")
    }


def _on_channel(owner: AbstractBaseUser) -> dict[str, set[int]]:
    by_identity: dict[str, set[int]] = defaultdict(set)
    for channel, person_id in Identity.objects.filter(owner=owner).values_list(
        "channel", "person_id"
    ):
        by_identity[channel].add(person_id)
    return {
        key: set().union(*(by_identity.get(i, set()) for i in identities))
        for key, identities in IDENTITY_CHANNELS.items()
    }


def _talk(
    owner: AbstractBaseUser, since: dt.datetime, me_id: int
) -> tuple[dict[str, set[int]], dict[str, int]]:
    """People met on each channel in the window, and its two-way interactions."""
    rows = Participant.objects.filter(
        interaction__owner=owner, interaction__occurred_at__gte=since
    ).exclude(person_id=me_id)
    fields = ("interaction_id", "interaction__channel", "interaction__direction", "person_id")
    ways: dict[tuple[str, int], set[str]] = defaultdict(set)
    items: dict[str, dict[int, tuple[str, list[int]]]] = defaultdict(dict)
    met: dict[str, set[int]] = defaultdict(set)
    for interaction_id, channel, direction, person_id in rows.values_list(*fields).iterator():
        ways[(channel, person_id)].add(direction)
        items[channel].setdefault(interaction_id, (direction, []))[1].append(person_id)
        met[channel].add(person_id)
    two_way: dict[str, int] = defaultdict(int)
    for channel, found in items.items():
        for direction, people in found.values():
            both = any({"in", "out"} <= ways[(channel, p)] for p in people)
            if direction == "both" or both:
                two_way[channel] += 1
    return met, two_way


def _results(
    owner: AbstractBaseUser, since: dt.date
) -> tuple[dict[int, list[Decimal]], dict[int, list[Decimal]]]:
    """Outcome values per channel id (split between the channels named) and referral values."""
    outcomes: dict[int, list[Decimal]] = defaultdict(list)
    shared: dict[int, list[int]] = defaultdict(list)
    rows = Outcome.channels.through.objects.filter(
        outcome__owner=owner, outcome__occurred_on__gte=since
    ).values_list("outcome_id", "channel_id", "outcome__value")
    values: dict[int, Decimal] = {}
    for outcome_id, channel_id, value in rows:
        shared[outcome_id].append(channel_id)
        values[outcome_id] = value or Decimal(0)
    for outcome_id, channel_ids in shared.items():
        for channel_id in channel_ids:
            outcomes[channel_id].append(values[outcome_id] / len(channel_ids))
    with_outcome = set(
        Outcome.objects.filter(owner=owner, referral__isnull=False).values_list(
            "referral_id", flat=True
        )
    )
    referrals: dict[int, list[Decimal]] = defaultdict(list)
    for rid, channel_id, status, value in Referral.objects.filter(
        owner=owner, channel__isnull=False, referred_on__gte=since
    ).values_list("id", "channel_id", "status", "value"):
        won = status == "won" and rid not in with_outcome and value is not None
        referrals[channel_id].append(value if won else Decimal(0))
    return outcomes, referrals


def channel_return(owner: AbstractBaseUser, *, as_of: dt.datetime | None = None) -> dict[str, Any]:
    """The channel-return table and advice (the last 12 months), as the CLI, API and web show it.

    Without ``as_of`` the figures are remembered for the day until anything they read changes.
    """
    if as_of is not None:
        return _channel_return(owner, as_of)
    key = (timezone.localdate().isoformat(), _channel_stamp(owner))
    return dict(memo.remembered(owner, "channel-return", key, lambda: _channel_return(owner)))


def _channel_stamp(owner: AbstractBaseUser) -> str:
    """What the figures read beyond people, ties and interactions (which practice.memo stamps)."""
    parts = [
        list(
            Channel.objects.filter(owner=owner)
            .order_by("id")
            .values_list("id", "key", "name", "hours", "period", "target_rule", "active")
        ),
        Outcome.objects.filter(owner=owner).aggregate(
            n=Count("id"), last=Max("id"), value=Sum("value"), channels=Count("channels")
        ),
        list(
            Referral.objects.filter(owner=owner)
            .order_by("id")
            .values_list("id", "status", "value", "referred_on", "closed_on", "channel_id")
        ),
        Identity.objects.filter(owner=owner).aggregate(n=Count("id"), last=Max("id")),
    ]
    return json.dumps(parts, default=str, sort_keys=True)


def _channel_return(owner: AbstractBaseUser, as_of: dt.datetime | None = None) -> dict[str, Any]:
    from goodwill.people.services import ensure_me

    moment = as_of or timezone.now()
    since = moment - dt.timedelta(days=WINDOW_DAYS)
    me_id = ensure_me(owner).id
    channels = list(Channel.objects.filter(owner=owner).order_by("name"))
    profiles = _profiles(owner)
    listed = _on_channel(owner)
    met, two_way = _talk(owner, since, me_id)
    outcomes, referrals = _results(owner, timezone.localdate(since))
    figures = []
    for channel in channels:
        people = (listed.get(channel.key, set()) | met.get(channel.key, set())) & profiles.keys()
        rule = parse_rule(channel.target_rule)
        target = sum(1 for pid in people if rule.matches(profiles[pid]))
        value = sum(outcomes.get(channel.id, []), Decimal(0)) + sum(
            referrals.get(channel.id, []), Decimal(0)
        )
        figures.append(
            ChannelFigures(
                key=channel.key,
                name=channel.name,
                hours_per_year=hours_per_year(channel.hours, channel.period),
                people=len(people),
                target_people=target,
                two_way=two_way.get(channel.key, 0),
                outcomes=len(outcomes.get(channel.id, [])),
                referrals=len(referrals.get(channel.id, [])),
                value=float(value),
                active=channel.active,
            )
        )
    figures.sort(key=lambda f: (-f.value_per_hour, f.name))
    return {
        "window_days": WINDOW_DAYS,
        "as_of": moment.isoformat(),
        "channels": [
            {
                "key": f.key,
                "name": f.name,
                "active": f.active,
                "hours": round(f.hours_per_year, 1),
                "people": f.people,
                "target_people": f.target_people,
                "two_way": f.two_way,
                "outcomes": f.outcomes,
                "referrals": f.referrals,
                "value": round(f.value, 2),
                "value_per_hour": round(f.value_per_hour, 2),
            }
            for f in figures
        ],
        "advice": advice(figures),
    }
