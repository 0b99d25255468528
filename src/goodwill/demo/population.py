"""Who is in the demo: the author, her partner, her communities and their friends.

Each community says how big it is, how close its members are to the author, how densely
they know each other and which share of them are her Facebook friends, X followers,
people she follows on X and LinkedIn connections. Shares are exact quotas, not coin
flips, so every seed lands near the same platform sizes (about 350, 800 and 500).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass, field

from goodwill.demo import profiles
from goodwill.demo.names import Name, NameDrawer, variant
from goodwill.demo.profiles import Profile
from goodwill.demo.records import ME, PARTNER


@dataclass(frozen=True)
class Community:
    key: str
    # Names the community in tie evidence: "<label> (demo)".
    label: str
    size: int
    # Mean closeness to the author, 0..1; 0 for people she does not know herself.
    closeness: float
    # Chance that two members are tied: high inside, which is what makes it a community.
    density: float
    tie_kind: str
    # Her own tie to every member, whatever the platforms say (family, coworker, knows).
    my_tie: str | None
    facebook: float
    followers: float
    following: float
    linkedin: float
    # How many of its members who are her Facebook friends are also her partner's.
    partner_shares: int = 0


LABELS = {
    "family": "Family",
    "writers": "Harbourside Writers",
    "speakers": "Riverside Speakers",
    "press": "Harbour Lane Press",
    "agency": "Brightline Communications",
    "council": "Westmoor District Council",
    "neighbours": "Elmdale Road neighbours",
    "school": "Kingsmead School",
    "university": "University of Leeds",
    "book-world": "Book trade",
    "friends": "Friends",
    "professional": "LinkedIn network",
    "acquaintances": "Facebook acquaintances",
    "online": "X followers",
}
_Row = tuple[str, int, float, float, str, str | None, float, float, float, float, int]
_ROWS: tuple[_Row, ...] = (
    # key         size  close density tie kind     my tie      fb    foll  fing  li    shared
    ("family",        18, 0.75, 0.55,  "family",     "family",   0.85, 0.10, 0.10, 0.15, 13),
    ("writers",       20, 0.60, 0.70,  "knows",      "knows",    0.80, 0.60, 0.60, 0.50, 2),
    ("speakers",      30, 0.45, 0.35,  "knows",      "knows",    0.60, 0.20, 0.10, 0.80, 2),
    ("press",         30, 0.25, 0.30,  "coworker",   "coworker", 0.50, 0.30, 0.20, 0.90, 0),
    ("agency",        35, 0.25, 0.25,  "coworker",   "coworker", 0.40, 0.30, 0.20, 0.90, 0),
    ("council",       25, 0.22, 0.30,  "coworker",   "coworker", 0.40, 0.10, 0.05, 0.80, 0),
    ("neighbours",    20, 0.45, 0.35,  "knows",      "knows",    0.75, 0.05, 0.00, 0.10, 12),
    ("school",        20, 0.20, 0.30,  "knows",      "knows",    0.90, 0.20, 0.10, 0.40, 3),
    ("university",    25, 0.30, 0.25,  "knows",      "knows",    0.85, 0.30, 0.20, 0.60, 4),
    ("book-world",   130, 0.28, 0.08,  "knows",      None,       0.30, 0.75, 0.70, 0.55, 0),
    ("friends",       50, 0.55, 0.15,  "knows",      "knows",    0.95, 0.25, 0.20, 0.30, 24),
    ("professional", 230, 0.10, 0.02,  "connection", None,       0.05, 0.10, 0.05, 1.00, 0),
    ("acquaintances", 85, 0.12, 0.06,  "connection", None,       1.00, 0.10, 0.05, 0.05, 2),
    ("online",       620, 0.04, 0.008, "follow",     None,       0.03, 1.00, 0.15, 0.03, 0),
)  # fmt: skip
COMMUNITIES = tuple(Community(row[0], LABELS[row[0]], *row[1:]) for row in _ROWS)
BY_KEY = {c.key: c for c in COMMUNITIES}
# Where she knows the people of a community from, when she has no tie of her own to them.
HOME_PLATFORM = {
    "book-world": "follows_me",
    "professional": "linkedin",
    "acquaintances": "facebook",
    "online": "follows_me",
}

# Second degree: people the author does not know herself.
PARTNERS_FRIENDS = "partners-friends"
PARTNER_ONLY_FRIENDS = 53
FRIENDS_OF_FRIENDS = "friends-of-friends"
# Communities whose members bring friends of their own into the map, and how many each.
FRIENDS_BROUGHT = {
    "family": 1.0,
    "writers": 2.0,
    "speakers": 1.0,
    "press": 0.8,
    "agency": 0.8,
    "council": 0.6,
    "neighbours": 0.6,
    "university": 0.6,
    "friends": 1.5,
    "book-world": 0.6,
}
# Book-world people known only through a friend: the warm introductions worth asking for.
INTRODUCTION_TARGETS = ("agent", "podcaster", "festival", "editor", "journalist", "bookseller")


@dataclass
class Draft:
    """A person while the network is being built; frozen into a Human at the end."""

    key: str
    name: Name
    community: str
    profile: Profile
    closeness: float
    aliases: list[str] = field(default_factory=list)
    facebook: bool = False
    follows_me: bool = False
    followed: bool = False
    linkedin: bool = False
    partner_friend: bool = False
    # For a friend of a friend: the contact they are known through.
    anchor: str | None = None
    # For a relationship gone cold: how many days ago the contact stopped.
    cold_since: int | None = None

    @property
    def first_degree(self) -> bool:
        return self.closeness > 0


def _closeness(rng: random.Random, mean: float) -> float:
    return round(min(1.0, max(0.02, rng.gauss(mean, 0.15))), 3)


def _author_and_partner(as_of: dt.date) -> list[Draft]:
    me = Draft(
        key=ME,
        name=Name(*profiles.AUTHOR),
        community="me",
        closeness=1.0,
        profile=Profile(
            organisation="Independent author",
            position="Author and freelance editor",
            location=profiles.HOME,
            tags=("author", "editor"),
            interests=("crime fiction", "public speaking", "wild swimming", "reading"),
            offers=("editing", "talks", "writing workshops"),
            needs=("book reviews", "podcast guest slots", "bookshop events", "pre-orders"),
            notes=f"Debut novel {profiles.BOOK} is out on "
            f"{(as_of + dt.timedelta(days=profiles.LAUNCH_IN_DAYS)).isoformat()}.",
        ),
    )
    partner = Draft(
        key=PARTNER,
        name=Name(*profiles.PARTNER),
        community="family",
        closeness=1.0,
        facebook=True,
        follows_me=True,
        followed=True,
        linkedin=True,
        profile=Profile(
            organisation=profiles.PARTNER_FIRM,
            position="Architect",
            location=profiles.HOME,
            how_we_met="Partner",
            met_on=as_of - dt.timedelta(days=int(11.5 * 365.25)),
            tags=("family", "partner"),
            interests=("cycling", "jazz", "architecture"),
        ),
    )
    return [me, partner]


def _family_name(rng: random.Random, drawer: NameDrawer) -> Name:
    # Half the family are Brennans, a quarter the partner's Oseis (the in-laws).
    roll = rng.random()
    if roll < 0.5:
        return drawer.draw(family=profiles.AUTHOR[1])
    if roll < 0.75:
        return drawer.draw(origin="west_african", family=profiles.PARTNER[1])
    return drawer.draw()


def _community(
    rng: random.Random, drawer: NameDrawer, spec: Community, as_of: dt.date
) -> list[Draft]:
    members = []
    for index in range(1, spec.size + 1):
        name = _family_name(rng, drawer) if spec.key == "family" else drawer.draw()
        members.append(
            Draft(
                key=f"{spec.key}-{index:03d}",
                name=name,
                community=spec.key,
                profile=profiles.PROFILES[spec.key](rng, as_of),
                closeness=_closeness(rng, spec.closeness),
            )
        )
    for flag, share in (
        ("facebook", spec.facebook),
        ("follows_me", spec.followers),
        ("followed", spec.following),
        ("linkedin", spec.linkedin),
    ):
        for member in rng.sample(members, round(share * spec.size)):
            setattr(member, flag, True)
    on_facebook = [m for m in members if m.facebook]
    for member in rng.sample(on_facebook, min(spec.partner_shares, len(on_facebook))):
        member.partner_friend = True
    if spec.my_tie is None:
        # Everyone in her map is tied to her somehow: the community's own platform at least.
        for member in members:
            if not (member.facebook or member.follows_me or member.followed or member.linkedin):
                setattr(member, HOME_PLATFORM[spec.key], True)
    return members


def _partners_friends(rng: random.Random, drawer: NameDrawer, as_of: dt.date) -> list[Draft]:
    return [
        Draft(
            key=f"{PARTNERS_FRIENDS}-{index:03d}",
            name=drawer.draw(),
            community=PARTNERS_FRIENDS,
            profile=profiles.partner_world(rng, as_of),
            closeness=0.0,
            partner_friend=True,
        )
        for index in range(1, PARTNER_ONLY_FRIENDS + 1)
    ]


def _friends_of_friends(
    rng: random.Random, drawer: NameDrawer, contacts: list[Draft], as_of: dt.date
) -> list[Draft]:
    found: list[Draft] = []
    for contact in contacts:
        mean = FRIENDS_BROUGHT.get(contact.community, 0.0)
        count = int(mean) + (rng.random() < mean - int(mean))
        for _ in range(count):
            if contact.community in {"writers", "book-world"} and rng.random() < 0.25:
                role = rng.choice(INTRODUCTION_TARGETS)
                profile = profiles.book_world(rng, as_of, role=role)
            else:
                profile = profiles.second_degree(rng, as_of)
            profile = dataclasses.replace(
                profile, how_we_met="", met_on=None, notes=f"Friend of {contact.name.full}"
            )
            found.append(
                Draft(
                    key=f"{FRIENDS_OF_FRIENDS}-{len(found) + 1:03d}",
                    name=drawer.draw(),
                    community=FRIENDS_OF_FRIENDS,
                    profile=profile,
                    closeness=0.0,
                    anchor=contact.key,
                )
            )
    return found


def _gone_cold(rng: random.Random, contacts: list[Draft]) -> None:
    """Some once-close relationships have not been tended for a long while."""
    for person in contacts:
        if 0.25 <= person.closeness <= 0.85 and rng.random() < 0.18:
            person.cold_since = rng.randint(240, 600)


def _plant_namesakes(rng: random.Random, drawer: NameDrawer, contacts: list[Draft]) -> None:
    """A few contacts share a name or nearly do, as in any real address book."""
    others = [p for p in contacts if p.community != "family"]
    rng.shuffle(others)
    for original, namesake in zip(others[:3], others[3:6], strict=True):
        namesake.name = original.name
    similar = [v for p in others[6:60] if (v := variant(p.name)) is not None][:4]
    for name, namesake in zip(similar, others[60:], strict=False):
        drawer.claim(name)
        namesake.name = name


def build_population(rng: random.Random, as_of: dt.date) -> list[Draft]:
    """Everyone in the demo, the author first, in a fixed order for a given seed."""
    drawer = NameDrawer(rng, reserved=(" ".join(profiles.AUTHOR), " ".join(profiles.PARTNER)))
    people = _author_and_partner(as_of)
    contacts = [d for spec in COMMUNITIES for d in _community(rng, drawer, spec, as_of)]
    _plant_namesakes(rng, drawer, contacts)
    _gone_cold(rng, contacts)
    people += contacts
    people += _partners_friends(rng, drawer, as_of)
    people += _friends_of_friends(rng, drawer, contacts, as_of)
    return people
