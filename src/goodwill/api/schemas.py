"""What goes in and comes out of the API. Inputs refuse unknown fields and unknown words."""

# No postponed annotations in this module: ninja and pydantic read them at runtime.

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from goodwill.vocab import (
    CHANNELS,
    DIRECTIONS,
    IDENTITY_CHANNELS,
    INTERACTION_KINDS,
    TAG_KINDS,
    TIE_KINDS,
    values,
)

# Literal over a tuple expands to its members, so the vocabularies stay the single source.
IdentityChannel = Literal[values(IDENTITY_CHANNELS)]  # type: ignore[valid-type]
Channel = Literal[values(CHANNELS)]  # type: ignore[valid-type]
TieKind = Literal[values(TIE_KINDS)]  # type: ignore[valid-type]
InteractionKind = Literal[values(INTERACTION_KINDS)]  # type: ignore[valid-type]
Direction = Literal[values(DIRECTIONS)]  # type: ignore[valid-type]
TagKind = Literal[values(TAG_KINDS)]  # type: ignore[valid-type]


class Input(Schema):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(Schema):
    ok: bool = False
    error: str
    status: int


class PersonRef(Schema):
    id: int
    name: str


# People and identities


class IdentityIn(Input):
    channel: IdentityChannel
    value: str = Field(..., min_length=1, max_length=320)
    label: str = Field("", max_length=40)


class IdentityBrief(Schema):
    channel: str
    value: str
    display: str


class IdentityOut(IdentityBrief):
    id: int
    person_id: int
    label: str


class TagOut(Schema):
    name: str
    kind: TagKind


class PersonIn(Input):
    name: str = Field(..., min_length=1, max_length=200)
    organisation: str = Field("", max_length=200)
    position: str = Field("", max_length=200)
    location: str = Field("", max_length=200)
    how_we_met: str = Field("", max_length=300)
    met_on: dt.date | None = None
    notes: str = ""
    never_connector: bool = False
    identities: list[IdentityIn] = []
    tags: list[str] = []


class PersonPatch(Input):
    """Only the fields sent are changed, and each is remembered as edited by hand."""

    name: str = Field("", min_length=1, max_length=200)
    organisation: str = Field("", max_length=200)
    position: str = Field("", max_length=200)
    location: str = Field("", max_length=200)
    how_we_met: str = Field("", max_length=300)
    notes: str = ""
    never_connector: bool = False


class PersonRow(Schema):
    id: int
    name: str
    organisation: str
    identities: list[IdentityBrief]
    tags: list[str]
    last_contact: dt.datetime | None


class PersonTieBrief(Schema):
    id: int = Field(..., description="the person at the other end")
    name: str
    kind: TieKind
    strength: float | None
    since: dt.date | None
    sources: list[str]
    direction: Literal["in", "out"] | None = Field(None, description="for directed kinds")


class PersonTie(PersonTieBrief):
    tie_id: int


class InteractionBrief(Schema):
    id: int
    when: dt.datetime
    kind: InteractionKind
    channel: Channel
    direction: Direction
    subject: str
    note: str
    with_: list[PersonRef] = Field(..., alias="with")


class FavourOut(Schema):
    id: int
    direction: Literal["given", "received"]
    what: str
    on: dt.date
    acknowledged_on: dt.date | None
    returned_on: dt.date | None


class OvertureOut(Schema):
    id: int
    channel: Channel
    approach: str
    sent_at: dt.datetime
    answered_at: dt.datetime | None


class PersonDetail(Schema):
    id: int
    name: str
    is_me: bool
    organisation: str
    position: str
    location: str
    how_we_met: str
    met_on: dt.date | None
    notes: str
    tags: list[TagOut]
    identities: list[IdentityBrief]
    ties: list[PersonTieBrief]
    interactions: list[InteractionBrief]
    favours: list[FavourOut]
    overtures: list[OvertureOut]


# Ties


class TieIn(Input):
    a: int
    b: int
    kind: TieKind = "knows"


class TieOut(Schema):
    id: int
    kind: TieKind
    directed: bool
    a: PersonRef
    b: PersonRef
    strength: float | None
    since: dt.date | None
    sources: list[str]


class TieFilters(Schema):
    kind: TieKind | None = None
    person: int | None = Field(None, description="only ties with this person at either end")


# Interactions


class InteractionIn(Input):
    kind: InteractionKind
    people: list[int] = Field(..., min_length=1, description="ids of the people involved")
    channel: Channel | None = Field(None, description="default depends on the kind")
    when: str | None = Field(None, description="YYYY-MM-DD, an ISO date-time, today, yesterday")
    direction: Direction = "both"
    subject: str = Field("", max_length=300)
    note: str = ""


class InteractionFilters(Schema):
    person: int | None = Field(None, description="only interactions with this person")
    kind: InteractionKind | None = None
    channel: Channel | None = None
    since: dt.date | None = Field(None, description="on or after this day")
    until: dt.date | None = Field(None, description="on or before this day")


# Tokens and the caller


class TokenIn(Input):
    name: str = Field(..., min_length=1, max_length=80)


class TokenOut(Schema):
    id: int
    name: str
    hint: str = Field(..., description="the token's last characters")
    created_at: dt.datetime
    last_used_at: dt.datetime | None


class TokenCreated(TokenOut):
    token: str = Field(..., description="the raw token: shown this once, never stored")


class MeOut(Schema):
    id: int
    username: str
    email: str
    person_id: int
    name: str
    auth: Literal["session", "token"]


def errors(*statuses: int) -> dict[int, Any]:
    """Response declarations for the error statuses an operation can answer with."""
    return dict.fromkeys((401, *statuses), ErrorOut)
