"""Each person's accounts: Facebook name, X handle and id, LinkedIn URL, e-mail, phone...

Values are normalised with ``goodwill.identity.normalise`` (so the loader stores them as
they are) and unique per channel across the whole network, as the database requires.
Everything is fictional: e-mail and web domains end in ``.example``; phones come from
the ranges kept for drama (UK 07700 900xxx, 0117 496 0xxx, 020 7946 0xxx; US 555-01xx).
"""

from __future__ import annotations

import random
import re

from goodwill.demo.names import MIDDLE_NAMES, NICKNAMES, ascii_fold
from goodwill.demo.population import FRIENDS_OF_FRIENDS, Draft
from goodwill.demo.profiles import AUTHOR, PAST_JOBS
from goodwill.demo.records import ME, PARTNER, Account
from goodwill.identity import normalise

MAIL_PROVIDERS = ("mailbox.example", "inbox.example", "post.example", "letterbox.example")
MASTODON_SERVERS = ("writing.example", "bookstodon.example", "toot.example")
# Chance of an e-mail address on file, by community.
EMAIL_SHARE = {
    "family": 0.95,
    "writers": 1.0,
    "speakers": 0.8,
    "press": 0.9,
    "agency": 0.9,
    "council": 0.9,
    "neighbours": 0.7,
    "school": 0.5,
    "university": 0.6,
    "book-world": 0.95,
    "friends": 0.95,
    "professional": 0.6,
    "acquaintances": 0.2,
    "online": 0.05,
    FRIENDS_OF_FRIENDS: 0.1,
}
# Share with a Mastodon or a Bluesky account, by community; the rest have neither.
FEDIVERSE_SHARE = {"writers": 0.3, "book-world": 0.3, "online": 0.1}
US_AREA_CODES = ("212", "312", "415", "617", "202")
AUTHORS_PHONE = "07700 900461"


class Registry:
    """Hands out identity values that no one else in the network has."""

    def __init__(self) -> None:
        self._taken: set[tuple[str, str]] = set()

    def claim(self, channel: str, display: str) -> str | None:
        """The normalised value of ``display``, or None when someone already has it."""
        value = normalise(channel, display)
        if (channel, value) in self._taken:
            return None
        self._taken.add((channel, value))
        return value


class Phones:
    """Fictional numbers, each handed out once."""

    def __init__(self, rng: random.Random) -> None:
        self._mobile = [f"07700 900{n:03d}" for n in range(1000)]
        self._mobile.remove(AUTHORS_PHONE)
        self._home = [f"0117 496 0{n:03d}" for n in range(1000)]
        self._home += [f"020 7946 0{n:03d}" for n in range(1000)]
        self._us = [f"+1 {area} 555 01{n:02d}" for area in US_AREA_CODES for n in range(100)]
        for pool in (self._mobile, self._home, self._us):
            rng.shuffle(pool)

    def take(self, kind: str) -> str:
        return {"mobile": self._mobile, "home": self._home, "us": self._us}[kind].pop()


def _slug(text: str, sep: str = "") -> str:
    return re.sub(r"[^a-z0-9]+", sep, ascii_fold(text).lower()).strip(sep)


class AccountMaker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.registry = Registry()
        self.phones = Phones(rng)

    def _add(self, found: list[Account], channel: str, display: str, label: str = "") -> bool:
        value = self.registry.claim(channel, display)
        if value is not None:
            found.append(Account(channel, value, display, label))
        return value is not None

    def facebook(self, person: Draft, found: list[Account]) -> None:
        given, family = person.name.given, person.name.family
        nicknames = NICKNAMES.get(given, ())
        if nicknames and self.rng.random() < 0.4:
            given = self.rng.choice(nicknames)
        display = f"{given} {family}"
        # Namesakes on Facebook tell themselves apart with a middle name.
        while not self._add(found, "facebook", display):
            display = f"{given} {self.rng.choice(MIDDLE_NAMES)} {family}"
        if display != person.name.full:
            person.aliases.append(display)

    def x(self, person: Draft, found: list[Account]) -> None:
        given, family = (_slug(part).title() for part in (person.name.given, person.name.family))
        suffix = "Writes" if "author" in person.profile.tags else "Reads"
        patterns = (
            f"{given}{family}",
            f"{given}_{family}",
            f"{given}{family}{self.rng.randint(1, 99)}",
            f"{family}{given[:1]}",
            f"The{given}{family}",
            f"{given}{suffix}",
            f"{given[:1]}{family}_{self.rng.randint(10, 999)}",
        )
        handle = self.rng.choice(patterns)[:15]
        while not self._add(found, "x", "@" + handle):
            handle = f"{handle[:11]}{self.rng.randint(100, 9999)}"
        # Old accounts have short numeric ids; newer ones are 19-digit snowflakes.
        old = self.rng.random() < 0.4
        low, high = (10**7, 10**10) if old else (10**18, 19 * 10**17)
        while not self._add(found, "x_id", str(self.rng.randrange(low, high))):
            pass

    def linkedin(self, person: Draft, found: list[Account]) -> None:
        slug = _slug(person.name.full, "-")
        if self.rng.random() < 0.65:
            slug += f"-{self.rng.getrandbits(28):07x}"
        while not self._add(found, "linkedin", f"https://www.linkedin.com/in/{slug}"):
            slug += f"-{self.rng.randint(1, 99)}"

    def _email_address(self, person: Draft, domain: str) -> str:
        given, family = _slug(person.name.given), _slug(person.name.family)
        local = self.rng.choice(
            (f"{given}.{family}", f"{given}{family}", f"{given[:1]}.{family}", f"{given}")
        )
        if self.rng.random() < 0.3:
            local = local.title()
        return f"{local}@{domain}"

    def emails(self, person: Draft, found: list[Account]) -> None:
        share = EMAIL_SHARE.get(person.community, 0.0)
        if person.key == PARTNER:
            share = 1.0
        if self.rng.random() >= share:
            return
        organisation = person.profile.organisation
        if organisation and person.community in {"book-world", "professional", "speakers"}:
            self._email(person, found, f"{_slug(organisation)}.example", "work")
            return
        self._email(person, found, self.rng.choice(MAIL_PROVIDERS), "home")
        if person.community in PAST_JOBS and self.rng.random() < 0.5:
            employer = PAST_JOBS[person.community][0]
            self._email(person, found, f"{_slug(employer)}.example", "work (old)")

    def _email(self, person: Draft, found: list[Account], domain: str, label: str) -> None:
        address = self._email_address(person, domain)
        while not self._add(found, "email", address, label):
            local, _, host = address.partition("@")
            address = f"{local}{self.rng.randint(1, 99)}@{host}"

    def phone(self, person: Draft, found: list[Account]) -> None:
        chance = 0.9 if person.closeness >= 0.4 else 0.4 if person.closeness >= 0.25 else 0.04
        if person.key == PARTNER:
            chance = 1.0
        if self.rng.random() >= chance:
            return
        if "USA" in person.profile.location:
            self._add(found, "phone", self.phones.take("us"), "mobile")
            return
        self._add(found, "phone", self.phones.take("mobile"), "mobile")
        if person.closeness >= 0.6 and self.rng.random() < 0.3:
            self._add(found, "phone", self.phones.take("home"), "home")

    def fediverse(self, person: Draft, found: list[Account]) -> None:
        if self.rng.random() >= FEDIVERSE_SHARE.get(person.community, 0.0):
            return
        user = _slug(person.name.full)[:20]
        if self.rng.random() < 0.5:
            server = self.rng.choice(MASTODON_SERVERS)
            while not self._add(found, "mastodon", f"@{user}@{server}"):
                user += str(self.rng.randint(0, 9))
        else:
            while not self._add(found, "bluesky", f"@{user}.bsky.social"):
                user += str(self.rng.randint(0, 9))

    def website(self, person: Draft, found: list[Account]) -> None:
        if "author" in person.profile.tags and self.rng.random() < 0.3:
            self._add(found, "website", f"https://{_slug(person.name.full)}.example")

    def author(self) -> tuple[Account, ...]:
        found: list[Account] = []
        given, family = AUTHOR
        for channel, display, label in (
            ("email", f"{given}@{given}{family}.example".lower(), "work"),
            ("email", f"{given}.{family}@mailbox.example", "home"),
            ("phone", AUTHORS_PHONE, "mobile"),
            ("facebook", f"{given} {family}", ""),
            ("x", f"@{given}Writes", ""),
            ("x_id", "1290461870215", ""),
            ("linkedin", f"https://www.linkedin.com/in/{given}-{family}".lower(), ""),
            ("bluesky", f"@{given}{family}.bsky.social".lower(), ""),
            ("website", f"https://{given}{family}.example".lower(), ""),
        ):
            self._add(found, channel, display, label)
        return tuple(found)

    def make(self, person: Draft) -> tuple[Account, ...]:
        found: list[Account] = []
        if (
            person.facebook
            or person.partner_friend
            or (person.community == FRIENDS_OF_FRIENDS and self.rng.random() < 0.5)
        ):
            self.facebook(person, found)
        if person.follows_me or person.followed:
            self.x(person, found)
        if person.linkedin:
            self.linkedin(person, found)
        self.emails(person, found)
        self.phone(person, found)
        self.fediverse(person, found)
        self.website(person, found)
        return tuple(found)


def assign_accounts(rng: random.Random, people: list[Draft]) -> dict[str, tuple[Account, ...]]:
    """Every person's accounts by key, the author's claimed first so no one shares them."""
    maker = AccountMaker(rng)
    accounts = {ME: maker.author()}
    for person in people:
        if person.key != ME:
            accounts[person.key] = maker.make(person)
    return accounts
