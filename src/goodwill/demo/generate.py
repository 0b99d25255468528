"""Build the demo network: pure Python, deterministic from the seed and the day it is seen from.

>>> import datetime as dt
>>> network = generate(7, as_of=dt.date(2026, 3, 1))
>>> network.me.name
'Nadia Brennan'
>>> network == generate(7, as_of=dt.date(2026, 3, 1))
True

Each stage draws from its own random stream, named after the stage, so that changing
how (say) favours are drawn leaves the people and their ties as they were.
"""

from __future__ import annotations

import datetime as dt
import random

from goodwill.demo.accounts import assign_accounts
from goodwill.demo.activity import build_interactions, co_occurrence
from goodwill.demo.business import CHANNELS, build_business
from goodwill.demo.ledger import build_favours, build_overtures
from goodwill.demo.population import Draft, build_population
from goodwill.demo.records import Account, DemoNetwork, Human
from goodwill.demo.ties import build_ties
from goodwill.demo.world import World

__all__ = ["DemoNetwork", "generate"]


def _stream(seed: int, stage: str) -> random.Random:
    return random.Random(f"goodwill-demo/{seed}/{stage}")


def _human(person: Draft, accounts: tuple[Account, ...]) -> Human:
    profile = person.profile
    return Human(
        key=person.key,
        name=person.name.full,
        given_name=person.name.given,
        family_name=person.name.family,
        aliases=tuple(person.aliases),
        community=person.community,
        organisation=profile.organisation,
        position=profile.position,
        location=profile.location,
        how_we_met=profile.how_we_met,
        met_on=profile.met_on,
        notes=profile.notes,
        tags=profile.tags,
        interests=profile.interests,
        offers=profile.offers,
        needs=profile.needs,
        accounts=accounts,
        closeness=person.closeness,
    )


def generate(seed: int = 7, *, as_of: dt.date) -> DemoNetwork:
    """The whole demo network for ``seed``, with two years of history up to ``as_of``."""
    people = build_population(_stream(seed, "people"), as_of)
    world = World(as_of, people, assign_accounts(_stream(seed, "accounts"), people))
    ties = build_ties(_stream(seed, "ties"), as_of, people)
    interactions = build_interactions(_stream(seed, "interactions"), world)
    overtures, replies = build_overtures(_stream(seed, "overtures"), world)
    interactions = sorted(interactions + replies, key=lambda i: i.at)
    referrals, outcomes = build_business(_stream(seed, "business"), world)
    return DemoNetwork(
        seed=seed,
        as_of=as_of,
        humans=tuple(_human(p, world.accounts[p.key]) for p in people),
        ties=tuple(ties + co_occurrence(interactions)),
        interactions=tuple(interactions),
        favours=tuple(build_favours(_stream(seed, "favours"), world)),
        overtures=tuple(sorted(overtures, key=lambda o: (o.sent_at, o.person))),
        channels=CHANNELS,
        referrals=tuple(referrals),
        outcomes=tuple(outcomes),
    )
