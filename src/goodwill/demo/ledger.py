"""Favours given and received, and the author's reach-outs ahead of the launch.

Some favours were never thanked for (the product should notice); some overtures were
never answered, and after a few tries she stopped asking.
"""

from __future__ import annotations

import datetime as dt
import random

from goodwill.demo.population import Draft
from goodwill.demo.records import FavourRecord, InteractionRecord, OvertureRecord, Participation
from goodwill.demo.world import World, weighted_sample

RECEIVED: dict[str, tuple[str, ...]] = {
    "writers": (
        "Critiqued the first three chapters",
        "Beta-read the whole manuscript",
        "Wrote a quote for the cover",
        "Recommended my editing to a client",
    ),
    "book-world": (
        "Shared my cover reveal",
        "Reviewed an advance copy",
        "Offered a launch event slot",
        "Introduced me to a podcast host",
        "Featured me in a newsletter",
    ),
    "speakers": (
        "Gave detailed feedback on my talk",
        "Recommended me as a speaker",
        "Coached me before the area contest",
    ),
    "family": ("Looked after the house during a festival", "Proofread the acknowledgements"),
    "friends": ("Took my author photos", "Built my author website", "Shared the pre-order link"),
    "neighbours": ("Fed the cat while I was away", "Took in parcels of proofs"),
}
GIVEN: dict[str, tuple[str, ...]] = {
    "writers": (
        "Critiqued their short story",
        "Beta-read their novel",
        "Introduced them to my editor",
        "Shared their anthology call",
    ),
    "book-world": (
        "Reviewed their book",
        "Spoke at their event for free",
        "Shared their podcast episode",
        "Introduced them to a local author",
    ),
    "speakers": ("Evaluated their speech", "Mentored them for the contest"),
    "family": ("Edited a wedding speech", "Helped with a CV"),
    "friends": ("Proofread their CV", "Recommended them for a job", "Edited a wedding speech"),
    "neighbours": ("Watered the garden", "Collected their post"),
}
OTHER_RECEIVED = (
    "Wrote a LinkedIn recommendation",
    "Shared my pre-order post",
    "Passed on an editing job",
)
OTHER_GIVEN = ("Wrote a LinkedIn recommendation", "Recommended them for a job", "Shared their post")
FAVOURS = 150

# What the author asked for, by the role of the person asked.
ASKS = {
    "podcaster": "a guest slot on the podcast",
    "reviewer": "a review of the advance copy",
    "blogger": "a stop on the blog tour",
    "bookseller": "a launch event in the shop",
    "librarian": "an author talk at the library",
    "festival": "a festival slot",
    "journalist": "a feature ahead of the launch",
    "event-organiser": "a speaking slot at their conference",
}
# Chance that one try gets an answer, by approach: warm beats cold.
APPROACHES = {
    "warm introduction": 0.6,
    "event follow-up": 0.5,
    "comment first": 0.4,
    "reply to their post": 0.35,
    "cold message": 0.15,
}
OVERTURE_TARGETS = 65
MAX_TRIES = 4


def build_favours(rng: random.Random, world: World) -> list[FavourRecord]:
    candidates = [p for p in world.contacts() if p.community != "online"]
    found = []
    for person in weighted_sample(rng, candidates, FAVOURS, weight=0.02):
        received = rng.random() < 0.55
        options = (RECEIVED if received else GIVEN).get(
            person.community, OTHER_RECEIVED if received else OTHER_GIVEN
        )
        oldest, newest = world.active_days(person)
        on = world.day(rng.randint(newest, max(newest, oldest)))
        recent = (world.as_of - on).days < 60
        # She thanks most people, but recent favours are still easy to forget.
        thanked = rng.random() < (0.45 if recent and received else 0.7)
        acknowledged = on + dt.timedelta(days=rng.randint(0, 14)) if thanked else None
        returned = on + dt.timedelta(days=rng.randint(10, 200)) if rng.random() < 0.3 else None
        found.append(
            FavourRecord(
                person=person.key,
                direction="received" if received else "given",
                what=rng.choice(options),
                on=on,
                acknowledged_on=acknowledged
                if acknowledged and acknowledged < world.as_of
                else None,
                returned_on=returned if returned and returned < world.as_of else None,
            )
        )
    return sorted(found, key=lambda f: (f.on, f.person))


def _ask(person: Draft) -> str | None:
    return next((ASKS[t] for t in person.profile.tags if t in ASKS), None)


def _channel(world: World, person: Draft) -> str:
    reachable = world.reachable(person)
    return next(c for c in ("email", "x", "linkedin", "facebook", "in_person") if c in reachable)


def build_overtures(
    rng: random.Random, world: World
) -> tuple[list[OvertureRecord], list[InteractionRecord]]:
    """Reach-outs to the people who could help the launch, and the replies that came."""
    asked = [(p, ask) for p in world.contacts() if (ask := _ask(p)) is not None]
    approaches = sorted(APPROACHES)
    overtures, interactions = [], []
    for person, ask in rng.sample(asked, min(OVERTURE_TARGETS, len(asked))):
        channel = _channel(world, person)
        kind = "email" if channel == "email" else "message"
        approach = rng.choice(approaches)
        days_ago = rng.randint(20, 300)
        for attempt in range(rng.randint(1, MAX_TRIES)):
            subject = f"{ask[0].upper()}{ask[1:]}?" if attempt == 0 else f"Following up: {ask}"
            sent = world.moment(days_ago, rng.randint(8, 17), rng.randrange(60))
            interactions.append(
                InteractionRecord(
                    at=sent,
                    kind=kind,
                    channel=channel,
                    direction="out",
                    participants=(Participation(person.key, "to"),),
                    subject=subject,
                )
            )
            # Replies come a day to a week later; one due on or after as_of has not come yet.
            reply_days_ago = days_ago - rng.randint(1, 7)
            answered = None
            replied = rng.random() < APPROACHES[approach] * (0.7 + person.closeness)
            if replied and reply_days_ago >= 1:
                answered = world.moment(reply_days_ago, rng.randint(8, 21), rng.randrange(60))
            overtures.append(
                OvertureRecord(
                    person=person.key,
                    channel=channel,
                    approach=approach,
                    sent_at=sent,
                    answered_at=answered,
                    note=f"Asked about {ask}" if attempt == 0 else "Followed up",
                )
            )
            if answered is not None:
                interactions.append(
                    InteractionRecord(
                        at=answered,
                        kind=kind,
                        channel=channel,
                        direction="in",
                        participants=(Participation(person.key, "from"),),
                        subject=f"Re: {subject}",
                    )
                )
                break
            days_ago -= rng.randint(7, 21)
            if days_ago < 1:
                break
    return overtures, interactions
