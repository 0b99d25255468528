"""What each person does, where, how the author met them and what they care about.

One small function per community. Dates are counted back from ``as_of`` so that the
author's life (school, university, three past jobs, the writers' group) stays coherent
whatever day the demo is built.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

HOME = "Bristol, UK"
STREET = "Elmdale Road"
WRITERS_GROUP = "Harbourside Writers"
SPEAKING_CLUB = "Riverside Speakers"
SCHOOL = "Kingsmead School, Exeter"
UNIVERSITY = "University of Leeds"
PARTNER_FIRM = "Lantern Architects"
AUTHOR = ("Nadia", "Brennan")
PARTNER = ("Daniel", "Osei")
BOOK = "The Lighthouse Ledger"
# The book is out six weeks after the day the demo is seen from.
LAUNCH_IN_DAYS = 42

# The author's past jobs: (organisation, tag, started and left, in years before as_of, roles).
PAST_JOBS: dict[str, tuple[str, str, int, int, tuple[str, ...]]] = {
    "press": (
        "Harbour Lane Press",
        "harbour-lane-press",
        21,
        15,
        (
            "Editorial assistant",
            "Commissioning editor",
            "Production editor",
            "Publicity manager",
            "Rights manager",
            "Sales director",
            "Designer",
            "Managing editor",
        ),
    ),
    "agency": (
        "Brightline Communications",
        "brightline",
        15,
        9,
        (
            "Account manager",
            "Account director",
            "Copywriter",
            "PR executive",
            "Creative director",
            "Social media manager",
            "Strategist",
        ),
    ),
    "council": (
        "Westmoor District Council",
        "westmoor-council",
        9,
        4,
        (
            "Communications officer",
            "Press officer",
            "Web editor",
            "Policy officer",
            "Head of communications",
            "Engagement officer",
        ),
    ),
}

OCCUPATIONS = (
    "Teacher", "Nurse", "GP", "Accountant", "Architect", "Software developer", "Civil engineer",
    "Solicitor", "Pharmacist", "Physiotherapist", "Graphic designer", "Chef", "Electrician",
    "Project manager", "Social worker", "Midwife", "Data analyst", "Photographer", "Carpenter",
    "Vet", "Dentist", "Lecturer", "Police officer", "Musician", "Gardener", "Civil servant",
    "Charity manager", "Estate agent", "Translator", "Web designer", "Retired", "Student",
)  # fmt: skip
BUSINESS_ROLES = (
    "Marketing manager", "Recruiter", "HR director", "Learning and development lead",
    "Events manager", "Conference producer", "Founder", "Consultant", "Head of content",
    "Brand manager", "Operations director", "Sales manager", "Training manager", "CEO",
)  # fmt: skip
COMPANY_WORDS = (
    "Northwind", "Bluebell", "Kestrel", "Meridian", "Oakleaf", "Brightwater", "Copperfield",
    "Granite", "Halcyon", "Juniper", "Larkspur", "Marlow", "Quayside", "Redcliffe", "Saltmarsh",
    "Thistle", "Westgate", "Avonmore", "Fernhill", "Ashcombe", "Blackthorn", "Cobalt", "Harbour",
)  # fmt: skip
COMPANY_KINDS = (
    "Consulting", "Analytics", "Digital", "Engineering", "Health", "Logistics", "Studio",
    "Partners", "Solutions", "Group", "Labs", "Foods", "Energy", "Legal", "Accountancy",
)  # fmt: skip
TOWNS = (
    "Bristol", "Bath", "Wells", "Frome", "Stroud", "Totnes", "Malvern", "Clevedon", "Chepstow",
    "Minehead", "Taunton", "Glastonbury", "Bridport", "Exeter", "Cardiff", "Swindon",
)  # fmt: skip
UK_PLACES = (
    "Bristol, UK", "Bath, UK", "London, UK", "Cardiff, UK", "Exeter, UK", "Manchester, UK",
    "Leeds, UK", "Birmingham, UK", "Edinburgh, UK", "Glasgow, UK", "Brighton, UK", "Oxford, UK",
)  # fmt: skip
WORLD_PLACES = (
    "London, UK", "Manchester, UK", "Dublin, Ireland", "New York, USA", "Toronto, Canada",
    "Melbourne, Australia", "Lagos, Nigeria", "Mumbai, India", "Berlin, Germany",
    "Edinburgh, UK", "Chicago, USA", "Auckland, New Zealand", "Cape Town, South Africa",
    "Austin, USA", "Glasgow, UK", "Vancouver, Canada",
)  # fmt: skip
INTERESTS = (
    "reading", "hiking", "cycling", "gardening", "cooking", "running", "photography", "film",
    "theatre", "music", "travel", "yoga", "football", "climbing", "birdwatching", "history",
    "crime fiction", "poetry", "science fiction", "board games", "wild swimming", "baking",
    "podcasts", "public speaking", "marketing", "small business", "local history", "jazz",
)  # fmt: skip
WRITER_ROLES = (
    "Novelist", "Poet", "Short-story writer", "Memoirist", "Children's author", "Screenwriter",
    "Freelance journalist", "Copywriter", "Playwright",
)  # fmt: skip
BOOK_WORLD_MEETINGS = ("Followed each other on X", "Introduced by a friend", "London Book Fair")
FRIEND_MEETINGS = (
    "Book club", "Running club", "Yoga class", "Friends from London days",
    "Met at a friend's wedding", "Choir", "Allotment next door",
)  # fmt: skip
# Blank for most: strangers' profiles say little.
ONLINE_BIOS = (
    "", "", "", "Reader", "Book blogger", "Aspiring novelist", "Teacher", "Writer", "Librarian",
    "Student", "Bookseller", "Crime fiction fan", "Marketing",
)  # fmt: skip
PODCASTS = (
    "Between the Pages", "The Slush Pile", "Shelf Life", "Margins", "Dog-Eared",
    "The First Draft", "Inkwell", "Spine Tingles", "Chapter and Verse", "Read Between",
)  # fmt: skip


@dataclass(frozen=True)
class Profile:
    organisation: str = ""
    position: str = ""
    location: str = ""
    how_we_met: str = ""
    met_on: dt.date | None = None
    tags: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    notes: str = ""


def years_ago(as_of: dt.date, rng: random.Random, low: float, high: float) -> dt.date:
    return as_of - dt.timedelta(days=int(rng.uniform(low, high) * 365.25))


def company(rng: random.Random) -> str:
    return f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)}"


def _interests(rng: random.Random, *extra: str) -> tuple[str, ...]:
    picked = rng.sample(INTERESTS, rng.randint(1, 3))
    return tuple(dict.fromkeys([*extra, *picked]))


def _maybe(rng: random.Random, chance: float, *choices: str) -> tuple[str, ...]:
    return (rng.choice(choices),) if rng.random() < chance else ()


def family(rng: random.Random, as_of: dt.date) -> Profile:
    return Profile(
        organisation=company(rng) if rng.random() < 0.4 else "",
        position=rng.choice(OCCUPATIONS),
        location=rng.choice(("Exeter, UK", "Cork, Ireland", HOME, "Cardiff, UK", "London, UK")),
        how_we_met="Family",
        tags=("family",),
        interests=_interests(rng),
    )


def writers(rng: random.Random, as_of: dt.date) -> Profile:
    genre = rng.choice(("crime fiction", "poetry", "memoir", "historical fiction", "fantasy"))
    return Profile(
        organisation=rng.choice(("", "", "Freelance", company(rng))),
        position=rng.choice(WRITER_ROLES),
        location=HOME,
        how_we_met=f"{WRITERS_GROUP}, the fortnightly critique group",
        met_on=years_ago(as_of, rng, 0.5, 6),
        tags=("writers-group", "author"),
        interests=_interests(rng, "writing", genre),
        offers=_maybe(rng, 0.6, "beta reading", "critique", "proofreading", "cover design"),
        needs=_maybe(rng, 0.6, "beta readers", "a literary agent", "book reviews", "a proofreader"),
    )


def speakers(rng: random.Random, as_of: dt.date) -> Profile:
    role = rng.choice(BUSINESS_ROLES + OCCUPATIONS[:12])
    organiser = role in {"Events manager", "Conference producer", "Training manager"}
    return Profile(
        organisation=company(rng),
        position=role,
        location=rng.choice((HOME, HOME, "Bath, UK")),
        how_we_met=f"{SPEAKING_CLUB}, the speaking club",
        met_on=years_ago(as_of, rng, 0.3, 3),
        tags=("speaking-club", *(("event-organiser",) if organiser else ())),
        interests=_interests(rng, "public speaking"),
        offers=_maybe(rng, 0.3, "speaking coaching", "event hosting", "mentoring"),
        needs=("guest speakers",) if organiser else _maybe(rng, 0.3, "speaking practice"),
    )


def _coworkers(job: str) -> Callable[[random.Random, dt.date], Profile]:
    organisation, tag, started, left, roles = PAST_JOBS[job]

    def coworker(rng: random.Random, as_of: dt.date) -> Profile:
        # Most former colleagues have moved on since.
        stayed = rng.random() < 0.4
        return Profile(
            organisation=organisation if stayed else company(rng),
            position=rng.choice(roles) if stayed else rng.choice(BUSINESS_ROLES),
            location=rng.choice(UK_PLACES),
            how_we_met=f"Worked together at {organisation}",
            met_on=years_ago(as_of, rng, left, started),
            tags=("former-colleague", tag),
            interests=_interests(rng),
            offers=_maybe(rng, 0.2, "marketing", "web design", "publicity"),
        )

    return coworker


def neighbours(rng: random.Random, as_of: dt.date) -> Profile:
    return Profile(
        position=rng.choice(OCCUPATIONS),
        location=f"{STREET}, Bristol, UK",
        how_we_met=f"Neighbours on {STREET}",
        met_on=years_ago(as_of, rng, 1, 8),
        tags=("neighbour",),
        interests=_interests(rng, "gardening"),
        offers=_maybe(rng, 0.2, "dog sitting", "tools to lend", "lifts to the station"),
    )


def school(rng: random.Random, as_of: dt.date) -> Profile:
    return Profile(
        organisation=company(rng) if rng.random() < 0.5 else "",
        position=rng.choice(OCCUPATIONS + BUSINESS_ROLES),
        location=rng.choice(UK_PLACES),
        how_we_met=f"{SCHOOL}, left in {as_of.year - 25}",
        met_on=years_ago(as_of, rng, 30, 32),
        tags=("school",),
        interests=_interests(rng),
    )


def university(rng: random.Random, as_of: dt.date) -> Profile:
    return Profile(
        organisation=company(rng) if rng.random() < 0.6 else "",
        position=rng.choice(OCCUPATIONS + BUSINESS_ROLES),
        location=rng.choice(UK_PLACES),
        how_we_met=f"{UNIVERSITY}, English, graduated {as_of.year - 22}",
        met_on=years_ago(as_of, rng, 24.5, 25),
        tags=("university",),
        interests=_interests(rng, "reading"),
    )


# role tag: (position, organisation pattern, offers, needs)
BOOK_ROLES: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "editor": ("Commissioning editor", "{word} Books", ("editing",), ("new voices",)),
    "agent": ("Literary agent", "{family} Literary Agency", ("representation",), ()),
    "bookseller": ("Bookshop owner", "The {word} Bookshop", ("launch events",), ("local authors",)),
    "reviewer": ("Book reviewer", "The {town} Review", ("book reviews",), ("advance copies",)),
    "blogger": ("Book blogger", "{word} Reads", ("book reviews",), ("advance copies",)),
    "podcaster": ("Podcast host", "{podcast}", ("podcast guest slots",), ("podcast guests",)),
    "librarian": ("Librarian", "{town} Library", ("library talks",), ("author visits",)),
    "festival": ("Programme director", "{town} Literary Festival", ("festival slots",),
                 ("speakers",)),
    "publicist": ("Book publicist", "{word} PR", ("publicity",), ("clients",)),
    "author": ("Author", "", ("blurbs",), ("book reviews",)),
    "journalist": ("Books editor", "{town} Evening Post", ("press coverage",), ("stories",)),
}  # fmt: skip
BOOK_ROLE_WEIGHTS = {
    "editor": 10, "agent": 6, "bookseller": 12, "reviewer": 10, "blogger": 14, "podcaster": 8,
    "librarian": 8, "festival": 6, "publicist": 5, "author": 30, "journalist": 4,
}  # fmt: skip


def book_world_role(rng: random.Random) -> str:
    roles = sorted(BOOK_ROLE_WEIGHTS)
    return rng.choices(roles, [BOOK_ROLE_WEIGHTS[r] for r in roles])[0]


def book_world(rng: random.Random, as_of: dt.date, role: str | None = None) -> Profile:
    role = role or book_world_role(rng)
    position, pattern, offers, needs = BOOK_ROLES[role]
    town = rng.choice(TOWNS)
    organisation = pattern.format(
        word=rng.choice(COMPANY_WORDS),
        family=rng.choice(("Hartley & Shaw", "Marlow Kemp", "Ashcombe", "Fernhill & Reid")),
        town=town,
        podcast=rng.choice(PODCASTS),
    )
    how = rng.choice(
        (f"{town} Literary Festival", f"Book launch in {rng.choice(TOWNS)}", *BOOK_WORLD_MEETINGS)
    )
    return Profile(
        organisation=organisation,
        position=position,
        location=rng.choice((HOME, *UK_PLACES, "Dublin, Ireland", "New York, USA")),
        how_we_met=how,
        met_on=years_ago(as_of, rng, 0.2, 6),
        tags=("book-world", role),
        interests=_interests(rng, "reading", rng.choice(("crime fiction", "literary fiction"))),
        offers=offers,
        needs=needs,
    )


def friends(rng: random.Random, as_of: dt.date) -> Profile:
    how = rng.choice(FRIEND_MEETINGS)
    return Profile(
        organisation=company(rng) if rng.random() < 0.4 else "",
        position=rng.choice(OCCUPATIONS),
        location=rng.choice((HOME, HOME, HOME, *UK_PLACES)),
        how_we_met=how,
        met_on=years_ago(as_of, rng, 2, 15),
        tags=("friend",),
        interests=_interests(rng),
        offers=_maybe(rng, 0.25, "photography", "web design", "accounting", "legal advice"),
        needs=_maybe(rng, 0.2, "a proofreader", "a new job", "a house sitter"),
    )


def professional(rng: random.Random, as_of: dt.date) -> Profile:
    role = rng.choice(BUSINESS_ROLES)
    organiser = role in {"Events manager", "Conference producer", "Training manager"}
    return Profile(
        organisation=company(rng),
        position=role,
        location=rng.choice(UK_PLACES),
        how_we_met=rng.choice(("Conference", "LinkedIn", "Client at Brightline", "Workshop")),
        met_on=years_ago(as_of, rng, 1, 12),
        tags=("linkedin", *(("event-organiser",) if organiser else ())),
        interests=_interests(rng, "marketing"),
        offers=_maybe(rng, 0.3, "recruitment", "marketing", "web design", "photography"),
        needs=("conference speakers",)
        if organiser
        else _maybe(rng, 0.2, "a copywriter", "an editor", "a workshop facilitator"),
    )


def acquaintances(rng: random.Random, as_of: dt.date) -> Profile:
    return Profile(
        position=rng.choice(OCCUPATIONS) if rng.random() < 0.6 else "",
        location=rng.choice(UK_PLACES),
        how_we_met=rng.choice(("Friend of a friend", "Met at a party", "Festival campsite")),
        met_on=years_ago(as_of, rng, 1, 10),
        tags=("acquaintance",),
        interests=_interests(rng),
    )


def online(rng: random.Random, as_of: dt.date) -> Profile:
    bio = rng.choice(ONLINE_BIOS)
    return Profile(
        position=bio,
        location=rng.choice(("", "", *WORLD_PLACES)),
        tags=("x-follower",),
        interests=_interests(rng, "reading") if rng.random() < 0.5 else (),
    )


def partner_world(rng: random.Random, as_of: dt.date) -> Profile:
    colleague = rng.random() < 0.4
    return Profile(
        organisation=PARTNER_FIRM if colleague else company(rng) if rng.random() < 0.4 else "",
        position="Architect" if colleague else rng.choice(OCCUPATIONS),
        location=rng.choice((HOME, HOME, *UK_PLACES)),
        tags=("partners-friend",),
        interests=_interests(rng),
        notes=f"{PARTNER[0]}'s {'colleague' if colleague else 'friend'}",
    )


def second_degree(rng: random.Random, as_of: dt.date) -> Profile:
    return Profile(
        organisation=company(rng) if rng.random() < 0.5 else "",
        position=rng.choice(OCCUPATIONS + BUSINESS_ROLES),
        location=rng.choice(UK_PLACES),
        interests=_interests(rng),
        offers=_maybe(rng, 0.15, "photography", "web design", "mentoring"),
        needs=_maybe(rng, 0.15, "an editor", "a proofreader", "a speaker"),
    )


PROFILES: dict[str, Callable[[random.Random, dt.date], Profile]] = {
    "family": family,
    "writers": writers,
    "speakers": speakers,
    "press": _coworkers("press"),
    "agency": _coworkers("agency"),
    "council": _coworkers("council"),
    "neighbours": neighbours,
    "school": school,
    "university": university,
    "book-world": book_world,
    "friends": friends,
    "professional": professional,
    "acquaintances": acquaintances,
    "online": online,
    "partners-friends": partner_world,
    "friends-of-friends": second_degree,
}
