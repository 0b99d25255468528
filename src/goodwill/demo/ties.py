"""Who is tied to whom: the author's own lists, and the communities around her.

Ties inside a community are dense and ties between communities sparse (a stochastic
block model), so the map has real clusters; friends of friends and the partner's own
friends give it a second degree that no export of the author's alone would show.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator, Sequence

from goodwill.demo import records as r
from goodwill.demo.population import (
    BY_KEY,
    COMMUNITIES,
    FRIENDS_OF_FRIENDS,
    PARTNERS_FRIENDS,
    Draft,
)

# (community, community): (density, kind, evidence) for the pairs that mix more than most.
CROSS: dict[tuple[str, str], tuple[float, str, str]] = {
    ("writers", "book-world"): (0.04, "knows", r.FRIENDS_NETWORKS),
    ("writers", "speakers"): (0.01, "knows", r.FRIENDS_NETWORKS),
    ("press", "book-world"): (0.03, "knows", r.FRIENDS_NETWORKS),
    ("press", "agency"): (0.01, "coworker", r.WORK_HISTORY),
    ("agency", "council"): (0.005, "coworker", r.WORK_HISTORY),
    ("school", "university"): (0.02, "knows", r.FRIENDS_NETWORKS),
    ("friends", "school"): (0.02, "knows", r.FRIENDS_NETWORKS),
    ("friends", "university"): (0.02, "knows", r.FRIENDS_NETWORKS),
    ("friends", "neighbours"): (0.02, "knows", r.FRIENDS_NETWORKS),
    ("family", "neighbours"): (0.01, "knows", r.FRIENDS_NETWORKS),
    ("family", "friends"): (0.02, "knows", r.FRIENDS_NETWORKS),
    ("acquaintances", "friends"): (0.03, "connection", r.FACEBOOK_MUTUALS),
    ("professional", "agency"): (0.01, "connection", r.LINKEDIN_SHARED),
    ("professional", "council"): (0.008, "connection", r.LINKEDIN_SHARED),
    ("professional", "speakers"): (0.006, "connection", r.LINKEDIN_SHARED),
}
# Between any other two communities of people she knows.
BACKGROUND_DENSITY = 0.0015
# Strangers who follow her mostly follow the book world too.
ONLINE_FOLLOWS = {"book-world": 0.01, "writers": 0.01}
BOOK_WORLD_FOLLOWS = 0.1
PARTNERS_CIRCLE_DENSITY = 0.12
PARTNERS_CIRCLE_TO_SHARED = 0.04
# Pair lists longer than this are sampled by count rather than pair by pair (fast and fair).
ENUMERATE_UP_TO = 20_000
INTRA_SOURCE = {"online": r.X_FOLLOW_GRAPH, "professional": r.LINKEDIN_SHARED}


def sample_pairs(
    rng: random.Random,
    left: Sequence[str],
    right: Sequence[str] | None,
    density: float,
    *,
    directed: bool = False,
) -> list[tuple[str, str]]:
    """Pairs tied with probability ``density``: inside ``left``, or from ``left`` to ``right``."""
    total = len(left) * (len(left) - 1) // 2 if right is None else len(left) * len(right)
    if total <= ENUMERATE_UP_TO:
        chosen = [pair for pair in _all_pairs(left, right) if rng.random() < density]
    else:
        chosen = _sample_by_count(rng, left, right, density, total)
    if directed:
        # Half the sampled pairs point the other way.
        chosen = [(b, a) if rng.random() < 0.5 else (a, b) for a, b in chosen]
    return chosen


def _all_pairs(left: Sequence[str], right: Sequence[str] | None) -> Iterator[tuple[str, str]]:
    if right is None:
        return ((a, b) for i, a in enumerate(left) for b in left[i + 1 :])
    return ((a, b) for a in left for b in right)


def _sample_by_count(
    rng: random.Random,
    left: Sequence[str],
    right: Sequence[str] | None,
    density: float,
    total: int,
) -> list[tuple[str, str]]:
    expected = density * total
    count = max(0, min(total, round(rng.gauss(expected, math.sqrt(expected * (1 - density))))))
    other = right if right is not None else left
    seen: set[tuple[str, str]] = set()
    chosen: list[tuple[str, str]] = []
    while len(chosen) < count:
        a, b = rng.choice(left), rng.choice(other)
        key = (a, b) if right is not None or a < b else (b, a)
        if a != b and key not in seen:
            seen.add(key)
            chosen.append(key)
    return chosen


def _since(rng: random.Random, as_of: dt.date, person: Draft, stranger: bool) -> dt.date:
    """When a platform tie began: after they met, or (for strangers) mostly lately."""
    if stranger:
        days_ago = min(4000, 1 + int(rng.expovariate(1 / 600)))
        return as_of - dt.timedelta(days=days_ago)
    start = person.profile.met_on or as_of - dt.timedelta(days=int(rng.uniform(3, 15) * 365))
    start = max(start, as_of - dt.timedelta(days=16 * 365))
    return min(start + dt.timedelta(days=rng.randint(0, 600)), as_of - dt.timedelta(days=1))


def my_ties(rng: random.Random, as_of: dt.date, people: Sequence[Draft]) -> Iterator[r.TieRecord]:
    """The author's own lists: friends, followers, follows, connections, family and so on."""
    for person in people:
        if person.key == r.ME:
            continue
        stranger = person.community == "online"
        if person.key == r.PARTNER:
            yield r.TieRecord(r.ME, person.key, "partner", r.HOUSEHOLD, person.profile.met_on)
        spec = BY_KEY.get(person.community)
        if spec is not None and spec.my_tie is not None and person.key != r.PARTNER:
            source = f"{spec.label} (demo)"
            yield r.TieRecord(r.ME, person.key, spec.my_tie, source, person.profile.met_on)
        if person.facebook:
            since = _since(rng, as_of, person, False)
            yield r.TieRecord(r.ME, person.key, "connection", r.FACEBOOK_FRIENDS, since)
        if person.follows_me:
            since = _since(rng, as_of, person, stranger)
            yield r.TieRecord(person.key, r.ME, "follow", r.X_FOLLOWERS, since)
        if person.followed:
            since = _since(rng, as_of, person, stranger)
            yield r.TieRecord(r.ME, person.key, "follow", r.X_FOLLOWING, since)
        if person.linkedin:
            since = _since(rng, as_of, person, False)
            yield r.TieRecord(r.ME, person.key, "connection", r.LINKEDIN_CONNECTIONS, since)


def community_ties(rng: random.Random, people: Sequence[Draft]) -> Iterator[r.TieRecord]:
    """Dense inside each community, sparse between them."""
    members = {c.key: [p.key for p in people if p.community == c.key] for c in COMMUNITIES}
    for spec in COMMUNITIES:
        source = INTRA_SOURCE.get(spec.key, f"{spec.label} (demo)")
        directed = spec.tie_kind == "follow"
        for a, b in sample_pairs(rng, members[spec.key], None, spec.density, directed=directed):
            yield r.TieRecord(a, b, spec.tie_kind, source)
    offline = [c.key for c in COMMUNITIES if c.key != "online"]
    for i, first in enumerate(offline):
        for second in offline[i + 1 :]:
            density, kind, source = CROSS.get(
                (first, second),
                CROSS.get((second, first), (BACKGROUND_DENSITY, "knows", r.FRIENDS_NETWORKS)),
            )
            for a, b in sample_pairs(rng, members[first], members[second], density):
                yield r.TieRecord(a, b, kind, source)
    for community, density in ONLINE_FOLLOWS.items():
        pairs = sample_pairs(rng, members["online"], members[community], density, directed=True)
        for a, b in pairs:
            yield r.TieRecord(a, b, "follow", r.X_FOLLOW_GRAPH)
    on_x = [p.key for p in people if p.community == "book-world" and (p.follows_me or p.followed)]
    for a, b in sample_pairs(rng, on_x, None, BOOK_WORLD_FOLLOWS, directed=True):
        yield r.TieRecord(a, b, "follow", r.X_FOLLOW_GRAPH)


def partner_ties(rng: random.Random, people: Sequence[Draft]) -> Iterator[r.TieRecord]:
    """The partner's own friends (62 of them shared with the author) and the in-laws."""
    for person in people:
        if person.partner_friend:
            yield r.TieRecord(r.PARTNER, person.key, "connection", r.PARTNER_FACEBOOK_FRIENDS)
        if person.community == "family" and person.key != r.PARTNER:
            yield r.TieRecord(r.PARTNER, person.key, "family", r.FAMILY_TREE)
    circle = [p.key for p in people if p.community == PARTNERS_FRIENDS]
    shared = [p.key for p in people if p.partner_friend and p.community != PARTNERS_FRIENDS]
    for a, b in sample_pairs(rng, circle, None, PARTNERS_CIRCLE_DENSITY):
        yield r.TieRecord(a, b, "knows", r.PARTNERS_CIRCLE)
    for a, b in sample_pairs(rng, circle, shared, PARTNERS_CIRCLE_TO_SHARED):
        yield r.TieRecord(a, b, "knows", r.PARTNERS_CIRCLE)


def second_degree_ties(rng: random.Random, people: Sequence[Draft]) -> Iterator[r.TieRecord]:
    """Friends of friends hang off the contact who brought them, and near that community."""
    by_key = {p.key: p for p in people}
    members: dict[str, list[str]] = {}
    for person in people:
        members.setdefault(person.community, []).append(person.key)
    brought: dict[str, list[str]] = {}
    for person in people:
        if person.community != FRIENDS_OF_FRIENDS or person.anchor is None:
            continue
        anchor = by_key[person.anchor]
        yield r.TieRecord(anchor.key, person.key, "knows", r.FRIENDS_NETWORKS)
        circle = [k for k in members[anchor.community] if k != anchor.key]
        for other in rng.sample(circle, min(len(circle), rng.randint(1, 4))):
            yield r.TieRecord(other, person.key, "knows", r.FRIENDS_NETWORKS)
        for sibling in brought.setdefault(anchor.key, []):
            if rng.random() < 0.4:
                yield r.TieRecord(sibling, person.key, "knows", r.FRIENDS_NETWORKS)
        brought[anchor.key].append(person.key)


def build_ties(rng: random.Random, as_of: dt.date, people: Sequence[Draft]) -> list[r.TieRecord]:
    return [
        *my_ties(rng, as_of, people),
        *partner_ties(rng, people),
        *community_ties(rng, people),
        *second_degree_ties(rng, people),
    ]
