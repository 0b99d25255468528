"""Two years of being in touch: one-to-one contact, group meetings, threads and posts.

Closer people are in touch more often (a Poisson process whose rate grows with
closeness); relationships that went cold stop at some point; people met lately start
late. Each kind of contact happens on a channel both people are actually on.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from itertools import combinations

from goodwill.demo import profiles
from goodwill.demo.population import Draft
from goodwill.demo.records import (
    MAIL_AND_CALENDAR,
    PARTNER,
    InteractionRecord,
    Participation,
    TieRecord,
)
from goodwill.demo.world import PREORDERS_OPENED_DAYS_AGO, WINDOW_DAYS, World, weighted_sample

_JOBS = (("message", "linkedin", 4), ("comment", "linkedin", 3), ("like", "linkedin", 2))
_OLD_FRIENDS = (("comment", "facebook", 4), ("message", "facebook", 3), ("like", "facebook", 2))
# How each community keeps in touch: (kind, channel, weight).
MIXES: dict[str, tuple[tuple[str, str, int], ...]] = {
    "partner": (("met", "in_person", 5), ("call", "phone", 2), ("message", "sms", 3)),
    "family": (
        ("call", "phone", 3), ("message", "sms", 3), ("met", "in_person", 2),
        ("message", "facebook", 1), ("email", "email", 1),
    ),
    "writers": (
        ("met", "in_person", 2), ("email", "email", 4), ("message", "facebook", 2),
        ("comment", "facebook", 1), ("message", "x", 1), ("call", "video", 1),
        ("comment", "mastodon", 1), ("comment", "bluesky", 1),
    ),
    "speakers": (
        ("met", "in_person", 3), ("message", "linkedin", 3), ("email", "email", 2),
        ("comment", "linkedin", 2),
    ),
    "press": (*_JOBS, ("email", "email", 2), ("met", "in_person", 1)),
    "agency": (*_JOBS, ("email", "email", 1), ("met", "in_person", 1)),
    "council": (*_JOBS, ("email", "email", 1)),
    "neighbours": (("met", "in_person", 6), ("message", "sms", 3), ("comment", "facebook", 1)),
    "school": (*_OLD_FRIENDS, ("met", "in_person", 1)),
    "university": (*_OLD_FRIENDS, ("met", "in_person", 1), ("message", "sms", 1)),
    "book-world": (
        ("email", "email", 3), ("message", "x", 2), ("comment", "x", 2), ("share", "x", 1),
        ("like", "x", 1), ("met", "in_person", 1), ("call", "video", 1),
        ("comment", "bluesky", 1), ("share", "mastodon", 1),
    ),
    "friends": (
        ("met", "in_person", 4), ("message", "sms", 3), ("comment", "facebook", 2),
        ("call", "phone", 1), ("like", "facebook", 1),
    ),
    "professional": (*_JOBS, ("email", "email", 1)),
    "acquaintances": (
        ("like", "facebook", 5), ("comment", "facebook", 4), ("message", "facebook", 1),
    ),
    "online": (("like", "x", 5), ("comment", "x", 3), ("share", "x", 2), ("message", "x", 1)),
}  # fmt: skip
# The same few subjects recur, as they do in a real inbox.
EMAIL_SUBJECTS: dict[str, tuple[str, ...]] = {
    "writers": ("Chapter notes", "Critique for Tuesday", "Anthology call", "Submission deadline"),
    "book-world": ("Review copy", "Launch event?", "Podcast guest spot", "Blurb request"),
    "family": ("Christmas plans", "Photos from the weekend", "Mum's birthday"),
    "friends": ("This weekend?", "Photos", "Book club pick"),
    "speakers": ("Evaluation notes", "Agenda for Wednesday", "Area contest"),
    "professional": ("Workshop enquiry", "Speaking at our conference", "Editing project"),
}
GENERIC_SUBJECTS = ("Catching up", "Quick question", "Thank you!", "Coffee soon?")
MEETING_SUBJECTS = ("Coffee", "Lunch", "Drinks", "A walk", "Dinner", "Catch-up")
PROMOTIONAL_POSTS = (
    "Pre-orders for {book} are open: link in bio",
    "Six weeks until {book} is out. Pre-order your copy today!",
    "Signed copies of {book} to pre-order now: thank you {name} for hosting the launch",
    "Cover reveal! {book} is coming. Pre-order now",
)
SOCIAL_POSTS = (
    "Congratulations to {name} on the new book!",
    "Thank you {name} for a lovely chat on the podcast",
    "{name}'s workshop on dialogue was brilliant",
    "Five crime novels I loved this year, with thanks to {name} for two of them",
    "Looking for recommendations: who are your favourite South West booksellers, {name}?",
    "Proud to have heard {name} speak this week",
)
GROUP_THREAD_COMMUNITIES = {
    "writers": 4,
    "book-world": 4,
    "family": 2,
    "friends": 2,
    "speakers": 1,
    "press": 1,
    "agency": 1,
}
GROUP_THREADS = 170
LAUNCH_BOOST = 2.0
POSTS = 60
LAUNCH_POSTS = 30


def rate_per_year(person: Draft) -> float:
    """How many times a year the author is in touch with ``person``."""
    return 0.5 + 32 * math.pow(person.closeness, 2.5)


def _direction(rng: random.Random, kind: str) -> str:
    if kind in {"met", "meeting", "event", "call"}:
        return "both"
    if kind in {"email", "message"}:
        return rng.choices(("out", "in", "both"), (4, 4, 2))[0]
    return rng.choices(("in", "out"), (6, 4))[0]


ROLE_FOR = {"out": "to", "in": "from", "both": "with"}


def _subject(rng: random.Random, kind: str, community: str) -> str:
    if kind == "email":
        return rng.choice(EMAIL_SUBJECTS.get(community, GENERIC_SUBJECTS))
    if kind == "met":
        return rng.choice(MEETING_SUBJECTS)
    return ""


def _hour(rng: random.Random, kind: str) -> int:
    if kind == "met":
        return rng.randint(11, 21)
    if kind in {"email", "call", "meeting"}:
        return rng.randint(8, 18)
    return rng.randint(7, 23)


def _contact(
    rng: random.Random, world: World, person: Draft, community: str, days_ago: float
) -> InteractionRecord:
    reachable = world.reachable(person)
    mix = [m for m in MIXES[community] if m[1] in reachable] or list(MIXES[community])
    kind, channel, _ = rng.choices(mix, [weight for *_, weight in mix])[0]
    direction = _direction(rng, kind)
    return InteractionRecord(
        at=world.moment(int(days_ago), _hour(rng, kind), rng.randrange(60)),
        kind=kind,
        channel=channel,
        direction=direction,
        participants=(Participation(person.key, ROLE_FOR[direction]),),
        subject=_subject(rng, kind, community),
    )


def one_to_one(rng: random.Random, world: World, person: Draft) -> list[InteractionRecord]:
    """Contact with one person over the time they were in touch (a Poisson process)."""
    community = "partner" if person.key == PARTNER else person.community
    boost = LAUNCH_BOOST if community in {"book-world", "online"} else 1.0
    per_day = boost * rate_per_year(person) / 365
    oldest, newest = world.active_days(person)
    found = []
    days_ago = oldest - rng.expovariate(per_day)
    while days_ago >= newest:
        # Since pre-orders opened the book world has been livelier: events are drawn at the
        # boosted rate and, before then, only the usual share of them is kept (thinning).
        if days_ago <= PREORDERS_OPENED_DAYS_AGO or rng.random() < 1 / boost:
            found.append(_contact(rng, world, person, community, days_ago))
        days_ago -= rng.expovariate(per_day)
    return found


def _still_in_touch(world: World, person: Draft, days_ago: int) -> bool:
    oldest, newest = world.active_days(person)
    return newest <= days_ago <= oldest


def club_meetings(
    rng: random.Random, world: World, community: str, *, weekday: int, hour: int, minute: int
) -> list[InteractionRecord]:
    """A fortnightly meeting (the writers' critique evening, the speaking club night)."""
    members = [p for p in world.contacts() if p.community == community]
    first = WINDOW_DAYS
    while world.day(first).weekday() != weekday:
        first -= 1
    found = []
    for number, days_ago in enumerate(range(first, 0, -14)):
        present = [p for p in members if _still_in_touch(world, p, days_ago)]
        if not present:
            continue
        organiser = present[0]
        attending = [p for p in present[1:] if rng.random() < 0.35 + 0.5 * p.closeness]
        if community == "writers":
            # Winter evenings move online.
            channel = "video" if world.day(days_ago).month in {1, 2} else "in_person"
            kind, subject = "meeting", "Critique evening"
        else:
            channel = "in_person"
            kind, subject = "event", "Contest night" if number % 13 == 6 else "Club meeting"
        found.append(
            InteractionRecord(
                at=world.moment(days_ago, hour, minute),
                kind=kind,
                channel=channel,
                direction="both",
                participants=(
                    Participation(organiser.key, "organizer"),
                    *(Participation(p.key, "attendee") for p in attending),
                ),
                subject=subject,
            )
        )
    return found


def group_threads(rng: random.Random, world: World) -> list[InteractionRecord]:
    """E-mail threads and small meetings with a few people at once."""
    communities = sorted(GROUP_THREAD_COMMUNITIES)
    weights = [GROUP_THREAD_COMMUNITIES[c] for c in communities]
    found = []
    for _ in range(GROUP_THREADS):
        community = rng.choices(communities, weights)[0]
        days_ago = rng.randint(1, WINDOW_DAYS)
        members = [
            p
            for p in world.contacts()
            if p.community == community and _still_in_touch(world, p, days_ago)
        ]
        people = weighted_sample(rng, members, rng.randint(2, 4))
        if len(people) < 2:
            continue
        if rng.random() < 0.25:
            kind, channel, direction = "meeting", rng.choice(("video", "in_person")), "both"
            roles = ["attendee"] * len(people)
            subject = "Launch planning" if community == "book-world" else "Planning call"
        else:
            kind, channel, direction = "email", "email", _direction(rng, "email")
            roles = [ROLE_FOR[direction]] + ["cc"] * (len(people) - 1)
            subject = _subject(rng, "email", community)
        found.append(
            InteractionRecord(
                at=world.moment(days_ago, _hour(rng, kind), rng.randrange(60)),
                kind=kind,
                channel=channel,
                direction=direction,
                participants=tuple(
                    Participation(p.key, role) for p, role in zip(people, roles, strict=True)
                ),
                subject=subject,
            )
        )
    return found


def posts(rng: random.Random, world: World) -> list[InteractionRecord]:
    """The author's own posts, each tagging someone; more of them sell the book lately."""
    on: dict[str, list[Draft]] = {
        "facebook": [p for p in world.contacts() if p.facebook],
        "x": [p for p in world.contacts() if p.followed],
        "linkedin": [p for p in world.contacts() if p.linkedin],
    }
    found = []
    for number in range(POSTS + LAUNCH_POSTS):
        launch = number >= POSTS
        days_ago = rng.randint(1, PREORDERS_OPENED_DAYS_AGO if launch else WINDOW_DAYS)
        channel = rng.choices(("facebook", "x", "linkedin"), (3, 4, 2))[0]
        tagged = weighted_sample(rng, on[channel], 1)[0]
        selling = days_ago <= PREORDERS_OPENED_DAYS_AGO and rng.random() < 0.55
        text = rng.choice(PROMOTIONAL_POSTS if selling else SOCIAL_POSTS)
        found.append(
            InteractionRecord(
                at=world.moment(days_ago, rng.randint(7, 21), rng.randrange(60)),
                kind="post",
                channel=channel,
                direction="out",
                participants=(Participation(tagged.key, "to"),),
                subject=text.format(
                    book=profiles.BOOK,
                    name=tagged.name.full,
                ),
            )
        )
    return found


def build_interactions(rng: random.Random, world: World) -> list[InteractionRecord]:
    found = []
    for person in world.contacts():
        found += one_to_one(rng, world, person)
    # Writers meet on Tuesday evenings, the speaking club on Wednesdays (times in UTC).
    found += club_meetings(rng, world, "writers", weekday=1, hour=18, minute=30)
    found += club_meetings(rng, world, "speakers", weekday=2, hour=18, minute=0)
    found += group_threads(rng, world)
    found += posts(rng, world)
    return found


def co_occurrence(interactions: list[InteractionRecord]) -> list[TieRecord]:
    """People on the same thread or in the same small meeting are likely to know each other."""
    together: Counter[tuple[str, str]] = Counter()
    for interaction in interactions:
        keys = sorted(p.key for p in interaction.participants)
        if interaction.kind in {"email", "meeting"} and 2 <= len(keys) <= 6:
            together.update(combinations(keys, 2))
    return [
        TieRecord(a, b, "cooccurrence", MAIL_AND_CALENDAR, weight=float(count))
        for (a, b), count in sorted(together.items())
    ]
