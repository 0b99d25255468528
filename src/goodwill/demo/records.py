"""The frozen records a demo network is made of; plain Python, mirroring the data model.

People are named by a stable ``key`` (``"me"``, ``"partner"``, ``"writers-007"``) so that
every other record can refer to them before any database id exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

ME = "me"
PARTNER = "partner"

# Where each tie's evidence comes from, as TieSource.detail.
FACEBOOK_FRIENDS = "Facebook friends (demo)"
FACEBOOK_MUTUALS = "Facebook mutual friends (demo)"
PARTNER_FACEBOOK_FRIENDS = "Partner's Facebook friends (demo)"
X_FOLLOWERS = "X followers (demo)"
X_FOLLOWING = "X following (demo)"
X_FOLLOW_GRAPH = "X public follow graph (demo)"
LINKEDIN_CONNECTIONS = "LinkedIn connections (demo)"
LINKEDIN_SHARED = "LinkedIn shared connections (demo)"
WORK_HISTORY = "LinkedIn work history (demo)"
FAMILY_TREE = "Family (demo)"
HOUSEHOLD = "Household (demo)"
PARTNERS_CIRCLE = "Partner's circle (demo)"
FRIENDS_NETWORKS = "Friends' networks (demo)"
MAIL_AND_CALENDAR = "E-mail and calendar (demo)"


@dataclass(frozen=True)
class Account:
    """One identity: ``value`` is already normalised, ``display`` is how the source shows it."""

    channel: str
    value: str
    display: str
    label: str = ""


@dataclass(frozen=True)
class Human:
    key: str
    name: str
    given_name: str
    family_name: str
    aliases: tuple[str, ...]
    community: str
    organisation: str
    position: str
    location: str
    how_we_met: str
    met_on: dt.date | None
    notes: str
    tags: tuple[str, ...]
    interests: tuple[str, ...]
    offers: tuple[str, ...]
    needs: tuple[str, ...]
    accounts: tuple[Account, ...]
    # 0 for people the author does not know herself; drives how often they are in touch.
    closeness: float


@dataclass(frozen=True)
class TieRecord:
    """One piece of evidence for a tie; the loader merges records with the same ends and kind.

    For a ``follow`` the tie goes from ``a`` to ``b``; other kinds are undirected.
    """

    a: str
    b: str
    kind: str
    source: str
    since: dt.date | None = None
    weight: float = 1.0


@dataclass(frozen=True)
class Participation:
    key: str
    role: str


@dataclass(frozen=True)
class InteractionRecord:
    at: dt.datetime
    kind: str
    channel: str
    direction: str
    participants: tuple[Participation, ...]
    subject: str = ""
    note: str = ""


@dataclass(frozen=True)
class FavourRecord:
    person: str
    direction: str
    what: str
    on: dt.date
    acknowledged_on: dt.date | None
    returned_on: dt.date | None


@dataclass(frozen=True)
class OvertureRecord:
    person: str
    channel: str
    approach: str
    sent_at: dt.datetime
    answered_at: dt.datetime | None
    note: str


@dataclass(frozen=True)
class ChannelRecord:
    key: str
    name: str
    kind: str
    hours: float
    period: str
    target_rule: str
    active: bool = True


@dataclass(frozen=True)
class ReferralRecord:
    referrer: str
    referred: str
    to: str
    what: str
    value: Decimal | None
    status: str
    referred_on: dt.date
    closed_on: dt.date | None
    thanked_on: dt.date | None
    channel: str | None


@dataclass(frozen=True)
class OutcomeRecord:
    title: str
    value: Decimal
    on: dt.date
    people: tuple[str, ...]
    channels: tuple[str, ...]
    # Index into DemoNetwork.referrals of the referral that brought it.
    referral: int | None
    note: str = ""


@dataclass(frozen=True)
class DemoNetwork:
    seed: int
    as_of: dt.date
    # The author first, then everyone else in a fixed order.
    humans: tuple[Human, ...]
    ties: tuple[TieRecord, ...]
    interactions: tuple[InteractionRecord, ...]
    favours: tuple[FavourRecord, ...]
    overtures: tuple[OvertureRecord, ...]
    channels: tuple[ChannelRecord, ...]
    referrals: tuple[ReferralRecord, ...]
    outcomes: tuple[OutcomeRecord, ...]

    @property
    def me(self) -> Human:
        return self.humans[0]
