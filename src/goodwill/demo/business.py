"""Where the author spends her hours, and what has come of it: referrals and outcomes.

The numbers are chosen so the channel-return table has a story to tell: X takes the
most hours and brings little paid work; the speaking club and LinkedIn bring the gigs
and editing jobs; pre-orders come mostly from people who shared her posts.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from goodwill.demo.population import Draft
from goodwill.demo.records import ME, ChannelRecord, OutcomeRecord, ReferralRecord
from goodwill.demo.world import PREORDERS_OPENED_DAYS_AGO, WINDOW_DAYS, World, weighted_sample

CHANNELS = (
    ChannelRecord(
        "facebook", "Facebook", "platform", 3.0, "week", "tag:book-world OR interest:reading"
    ),
    ChannelRecord(
        "x", "X", "platform", 5.0, "week", "tag:book-world OR tag:reviewer OR tag:podcaster"
    ),
    ChannelRecord(
        "linkedin", "LinkedIn", "platform", 2.0, "week", "tag:event-organiser OR position~editor"
    ),
    ChannelRecord(
        "in_person", "Speaking club", "place", 2.5, "week", "tag:speaking-club OR position~events"
    ),
    ChannelRecord(
        "email", "Newsletter and e-mail", "platform", 1.5, "week", "tag:book-world OR tag:author"
    ),
    ChannelRecord("bluesky", "Bluesky", "platform", 0.5, "week", "tag:book-world"),
    ChannelRecord("mastodon", "Mastodon", "platform", 2.0, "month", "tag:book-world", False),
)
CHANNEL_NAMES = {c.key: c.name for c in CHANNELS}
# Where a referral from someone in this community reaches her.
REFERRAL_CHANNEL = {
    "speakers": "in_person",
    "writers": "email",
    "book-world": "x",
    "friends": "facebook",
    "press": "linkedin",
    "agency": "linkedin",
    "council": "linkedin",
    "professional": "linkedin",
}
# What someone with this tag can offer her, and what it pays (None: unpaid, but worth it).
OPPORTUNITIES: dict[str, tuple[str, int | None, int | None]] = {
    "podcaster": ("Guest on {org}", None, None),
    "bookseller": ("Launch event at {org}", None, None),
    "librarian": ("Author talk at {org}", 100, 200),
    "festival": ("Panel at {org}", 150, 300),
    "journalist": ("Interview in {org}", None, None),
    "event-organiser": ("Keynote at the {org} conference", 400, 900),
}
EDITING_JOB = ("Editing a manuscript for {given}", 600, 1800)
# Her friends' offers, and the needs they meet.
MATCHES = {
    "proofreading": "a proofreader",
    "beta reading": "beta readers",
    "critique": "beta readers",
}
INBOUND_REFERRALS = 22
OUTBOUND_REFERRALS = 10
BOOK_PRICE = Decimal("9.99")
STATUSES = (("won", 45), ("lost", 15), ("contacted", 20), ("open", 20))


def _money(rng: random.Random, low: int | None, high: int | None) -> Decimal | None:
    if low is None or high is None:
        return None
    return Decimal(rng.randrange(low, high + 1, 25)).quantize(Decimal("0.01"))


def _opportunity(person: Draft) -> tuple[str, int | None, int | None] | None:
    for tag in person.profile.tags:
        if tag in OPPORTUNITIES:
            return OPPORTUNITIES[tag]
    if "an editor" in person.profile.needs:
        return EDITING_JOB
    return None


def _dates(
    rng: random.Random, world: World, status: str
) -> tuple[dt.date, dt.date | None, dt.date | None]:
    """When it was referred, closed and thanked for; open ones are recent."""
    if status in {"open", "contacted"}:
        return world.day(rng.randint(1, 100)), None, None
    referred = world.day(rng.randint(61, WINDOW_DAYS))
    closed = referred + dt.timedelta(days=rng.randint(10, 60))
    thanked = None
    if rng.random() < (0.7 if status == "won" else 0.3):
        thanked = min(closed + dt.timedelta(days=rng.randint(0, 7)), world.day(1))
    return referred, closed, thanked


def _status(rng: random.Random) -> str:
    return rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]


def inbound_referrals(rng: random.Random, world: World) -> list[ReferralRecord]:
    """People who passed her name on to someone with a stage, a slot or a manuscript."""
    holders = [(p, o) for p in world.people if p.key != ME and (o := _opportunity(p))]
    referrers = [p for p in world.contacts() if p.community in REFERRAL_CHANNEL]
    found = []
    for to, (what, low, high) in rng.sample(holders, min(INBOUND_REFERRALS, len(holders))):
        if to.anchor is not None:
            # A friend of a friend is reached through the friend.
            referrer = world.by_key[to.anchor]
        else:
            referrer = weighted_sample(rng, [p for p in referrers if p is not to], 1)[0]
        status = _status(rng)
        referred_on, closed_on, thanked_on = _dates(rng, world, status)
        found.append(
            ReferralRecord(
                referrer=referrer.key,
                referred=ME,
                to=to.key,
                what=what.format(org=to.profile.organisation or "their event", given=to.name.given),
                value=_money(rng, low, high),
                status=status,
                referred_on=referred_on,
                closed_on=closed_on,
                thanked_on=thanked_on,
                channel=REFERRAL_CHANNEL.get(referrer.community, "email"),
            )
        )
    return found


def outbound_referrals(rng: random.Random, world: World) -> list[ReferralRecord]:
    """Work she passed to friends who offer what someone else needs."""
    offering = [p for p in world.contacts() if any(o in MATCHES for o in p.profile.offers)]
    found = []
    for referred in rng.sample(offering, min(OUTBOUND_REFERRALS, len(offering))):
        offer = next(o for o in referred.profile.offers if o in MATCHES)
        needing = [
            p
            for p in world.people
            if MATCHES[offer] in p.profile.needs and p.key not in {ME, referred.key}
        ]
        if not needing:
            continue
        to = rng.choice(needing)
        status = _status(rng)
        referred_on, closed_on, thanked_on = _dates(rng, world, status)
        found.append(
            ReferralRecord(
                referrer=ME,
                referred=referred.key,
                to=to.key,
                what=f"{offer.capitalize()} for {to.name.given}",
                value=_money(rng, 100, 800),
                status=status,
                referred_on=referred_on,
                closed_on=closed_on,
                thanked_on=thanked_on,
                channel="email",
            )
        )
    return found


def referral_outcomes(referrals: list[ReferralRecord]) -> list[OutcomeRecord]:
    """Every referral that came good for her is an outcome, credited to the people in it."""
    found = []
    for index, referral in enumerate(referrals):
        if referral.status != "won" or referral.referred != ME or referral.closed_on is None:
            continue
        found.append(
            OutcomeRecord(
                title=referral.what,
                value=referral.value or Decimal("0.00"),
                on=referral.closed_on,
                people=(referral.referrer, referral.to),
                channels=(referral.channel,) if referral.channel else (),
                referral=index,
            )
        )
    return found


def direct_outcomes(rng: random.Random, world: World) -> list[OutcomeRecord]:
    """Gigs and jobs that came straight from a contact, without a go-between."""
    found = []
    for community, channel, title, low, high, count in (
        ("speakers", "in_person", "Talk for {org}", 150, 450, 5),
        ("professional", "linkedin", "Editing job for {org}", 400, 2000, 5),
        ("press", "linkedin", "Editing job for {org}", 400, 1500, 2),
        ("book-world", "x", "Writing workshop at {org}", 250, 400, 2),
    ):
        members = [p for p in world.contacts() if p.community == community]
        for person in weighted_sample(rng, members, count):
            found.append(
                OutcomeRecord(
                    title=title.format(org=person.profile.organisation or "a local business"),
                    value=_money(rng, low, high) or Decimal("0.00"),
                    on=world.day(rng.randint(1, WINDOW_DAYS)),
                    people=(person.key,),
                    channels=(channel,),
                    referral=None,
                )
            )
    return found


def preorders(rng: random.Random, world: World) -> list[OutcomeRecord]:
    """Pre-orders since they opened, by the channel that brought them and who shared."""
    sharers = {
        "facebook": [p for p in world.contacts() if p.facebook],
        "x": [p for p in world.contacts() if p.follows_me],
        "linkedin": [p for p in world.contacts() if p.linkedin],
        "email": [p for p in world.contacts() if world.has(p, "email")],
        "in_person": [p for p in world.contacts() if p.community == "speakers"],
    }
    copies = {"facebook": (20, 45), "x": (5, 15), "linkedin": (4, 12), "email": (25, 60)}
    copies["in_person"] = (10, 25)
    found = []
    for channel, (low, high) in copies.items():
        count = rng.randint(low, high)
        found.append(
            OutcomeRecord(
                title=f"{count} pre-orders via {CHANNEL_NAMES[channel]}",
                value=BOOK_PRICE * count,
                on=world.day(rng.randint(1, PREORDERS_OPENED_DAYS_AGO)),
                people=tuple(p.key for p in weighted_sample(rng, sharers[channel], 3)),
                channels=(channel,),
                referral=None,
                note=f"Copies at £{BOOK_PRICE}",
            )
        )
    return found


def build_business(
    rng: random.Random, world: World
) -> tuple[list[ReferralRecord], list[OutcomeRecord]]:
    referrals = sorted(
        inbound_referrals(rng, world) + outbound_referrals(rng, world),
        key=lambda r: (r.referred_on, r.referrer, r.to),
    )
    outcomes = referral_outcomes(referrals) + direct_outcomes(rng, world) + preorders(rng, world)
    return referrals, sorted(outcomes, key=lambda o: (o.on, o.title))
