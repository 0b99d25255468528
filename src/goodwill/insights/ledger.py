"""The reciprocity ledger: favours given and received, thanks owed, and ways to give back.

Pure Python (no Django). The balance with a person is favours given minus favours received:
negative means they have done more for you than you for them. A received favour with no
acknowledgement is flagged "say thank you", oldest first.

Ideas to give back, for people you owe, come from what is known about them:

- *share*: they publish somewhere you follow them (X, Mastodon, Bluesky, LinkedIn), or
  you have mentioned them in a post before;
- *refer*: something they offer matches something another of your people needs
  (``proofreading`` meets ``a proofreader``: words are compared by a crude stem);
- *introduce*: someone they should meet, when the graph suggests one.

>>> f = [FavourFact(1, 7, "received", "Read my draft", dt.date(2026, 1, 5), None, None)]
>>> balances(f)[7].balance, [x.id for x in to_thank(f)]
(-1, [1])
>>> offer_matches("proofreading", "a proofreader"), offer_matches("web design", "an editor")
(True, False)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

STOP_WORDS = frozenset({"a", "an", "the", "new", "to", "for", "of", "and", "some"})
SUFFIXES = ("ings", "ing", "ers", "er", "ions", "ion", "s")
MIN_STEM = 4
SHARE_CHANNELS = {"x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky", "linkedin": "LinkedIn"}


@dataclass(frozen=True)
class FavourFact:
    id: int
    person_id: int
    direction: str  # "given" or "received"
    what: str
    on: dt.date
    acknowledged_on: dt.date | None
    returned_on: dt.date | None


@dataclass
class Balance:
    person_id: int
    given: int = 0
    received: int = 0
    unthanked: int = 0
    unreturned: int = 0
    last_on: dt.date | None = None

    @property
    def balance(self) -> int:
        return self.given - self.received


def balances(favours: Iterable[FavourFact]) -> dict[int, Balance]:
    """Per person: favours each way, thanks owed, and received favours not yet returned."""
    found: dict[int, Balance] = {}
    for f in favours:
        b = found.setdefault(f.person_id, Balance(f.person_id))
        if f.direction == "given":
            b.given += 1
        else:
            b.received += 1
            b.unthanked += f.acknowledged_on is None
            b.unreturned += f.returned_on is None
        b.last_on = f.on if b.last_on is None else max(b.last_on, f.on)
    return found


def to_thank(favours: Iterable[FavourFact]) -> list[FavourFact]:
    """Received favours never acknowledged, the longest waiting first."""
    owed = [f for f in favours if f.direction == "received" and f.acknowledged_on is None]
    return sorted(owed, key=lambda f: (f.on, f.id))


def owed_most(found: Mapping[int, Balance]) -> list[Balance]:
    """People who have done more for you than you for them, the biggest debt first."""
    owing = [b for b in found.values() if b.balance < 0]
    return sorted(owing, key=lambda b: (b.balance, -(b.last_on or dt.date.min).toordinal()))


def _stems(text: str) -> set[str]:
    stems = set()
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in STOP_WORDS:
            continue
        for suffix in SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
                word = word[: -len(suffix)]
                break
        if len(word) >= MIN_STEM:
            stems.add(word)
    return stems


def offer_matches(offer: str, need: str) -> bool:
    """Whether an offer meets a need: they share a content word, compared by stem."""
    return bool(_stems(offer) & _stems(need))


@dataclass(frozen=True)
class Idea:
    kind: str  # "share", "refer" or "introduce"
    text: str
    other_id: int | None = None
    other_name: str = ""


@dataclass(frozen=True)
class PersonFacts:
    """What is known about one person that could suggest a way to give back."""

    person_id: int
    name: str
    offers: tuple[str, ...] = ()
    channels: tuple[tuple[str, str], ...] = ()  # (channel, shown handle)
    last_mention: tuple[str, dt.date, str] | None = None  # (channel, date, text)
    introduce_to: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Need:
    person_id: int
    name: str
    need: str


@dataclass
class GiveBack:
    person_id: int
    name: str
    ideas: list[Idea] = field(default_factory=list)


def give_back_ideas(facts: PersonFacts, needs: Sequence[Need], limit: int = 3) -> list[Idea]:
    """Up to ``limit`` concrete ways to return a favour to one person."""
    ideas: list[Idea] = []
    if facts.last_mention is not None:
        channel, on, said = facts.last_mention
        label = SHARE_CHANNELS.get(channel, channel)
        quoted = said if len(said) <= 60 else said[:57] + "..."
        text = (
            f"Share or reply to {facts.name}'s latest post on {label} "
            f"(you last mentioned them on {on.isoformat()}: \u201c{quoted}\u201d)"
        )
        ideas.append(Idea("share", text))
    elif facts.channels:
        channel, handle = facts.channels[0]
        label = SHARE_CHANNELS.get(channel, channel)
        ideas.append(Idea("share", f"Share {facts.name}'s latest post on {label} ({handle})"))
    for offer in facts.offers:
        for need in needs:
            if need.person_id != facts.person_id and offer_matches(offer, need.need):
                ideas.append(
                    Idea(
                        "refer",
                        f"Refer {need.name}, who needs {need.need}, to {facts.name} "
                        f"(offers {offer})",
                        need.person_id,
                        need.name,
                    )
                )
                break
        if sum(i.kind == "refer" for i in ideas) >= 1:
            break
    for other_id, other_name in facts.introduce_to[:1]:
        ideas.append(
            Idea(
                "introduce",
                f"Introduce {facts.name} to {other_name}",
                other_id,
                other_name,
            )
        )
    return ideas[:limit]
