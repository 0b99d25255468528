"""API endpoints of the practice area: tend, cadences, snoozes, ledger, overtures, referrals,
next actions and reminders. Answers are the same documents the CLI prints with --json."""

# No postponed annotations in this module: ninja and pydantic read them at runtime.

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Status

from goodwill.activity.models import Favour
from goodwill.api.auth import owner_of
from goodwill.api.schemas import Input, errors
from goodwill.api.scoping import get_mine
from goodwill.errors import UsageError
from goodwill.people.models import Person
from goodwill.people.services import ensure_me
from goodwill.practice import ledger, next_actions, overtures, referrals, reminders, tend
from goodwill.vocab import REFERRAL_STATUSES, values

router = Router(tags=["practice"], by_alias=True)

ReferralStatus = Literal[values(REFERRAL_STATUSES)]  # type: ignore[valid-type]
Document = dict[str, Any]


class CadenceIn(Input):
    person: int | None = None
    tag: str | None = Field(None, max_length=80)
    days: int = Field(..., ge=0, le=tend.MAX_CADENCE_DAYS, description="0 removes the cadence")


class SnoozeIn(Input):
    person: int
    until: dt.date | None = Field(None, description="null wakes the person now")


class ReferralIn(Input):
    referrer: int
    referred: int
    to: int
    what: str = Field(..., min_length=1, max_length=300)
    value: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    status: ReferralStatus = "open"
    on: dt.date | None = None
    channel: str | None = None
    note: str = ""


class DoneIn(Input):
    key: str = Field(..., min_length=1, max_length=120)
    note: str = ""


class DigestIn(Input):
    digest: Literal["off", "daily", "weekly"]
    email: str | None = Field(None, max_length=254)


@router.get("/practice/tend", response={200: Document, **errors(422)})
def tend_list(request: HttpRequest, as_of: dt.date | None = None, all: bool = False) -> Document:
    """Who you are losing touch with (most at stake first), follow-ups due, and cadences."""
    return tend.tend_payload(
        owner_of(request), as_of, limit=None if all else tend.LOSING_TOUCH_SHOWN
    )


@router.get("/practice/people/{person_id}", response={200: Document, **errors(404)})
def person_practice(request: HttpRequest, person_id: int, as_of: dt.date | None = None) -> Document:
    """One person's cadence and where they stand."""
    person = get_mine(request, Person, person_id, "person")
    if person.is_me:
        raise UsageError("a cadence is for someone other than you")
    return tend.person_tend(owner_of(request), person, as_of)


@router.put("/practice/cadences", response={200: Document, **errors(404, 422)})
def put_cadence(request: HttpRequest, payload: CadenceIn) -> Document:
    """Set (or with 0 days remove) the cadence for a person or for everyone with a tag."""
    owner = owner_of(request)
    if (payload.person is None) == (payload.tag is None):
        raise UsageError("give person or tag, not both")
    if payload.person is not None:
        person = get_mine(request, Person, payload.person, "person")
        tend.set_person_cadence(owner, person, payload.days)
    else:
        tend.set_tag_cadence(owner, payload.tag or "", payload.days)
    return tend.cadences_payload(owner)


@router.post("/practice/snoozes", response={200: Document, **errors(404, 422)})
def put_snooze(request: HttpRequest, payload: SnoozeIn) -> Document:
    person = get_mine(request, Person, payload.person, "person")
    tend.snooze(owner_of(request), person, payload.until)
    return {
        "person": {"id": person.id, "name": person.name},
        "until": payload.until.isoformat() if payload.until else None,
    }


@router.get("/practice/ledger", response={200: Document, **errors(404, 422)})
def ledger_list(
    request: HttpRequest, person: int | None = None, as_of: dt.date | None = None
) -> Document:
    """Favours both ways, thanks owed, balances per person and ideas to give back."""
    found = get_mine(request, Person, person, "person") if person is not None else None
    return ledger.ledger_payload(owner_of(request), found, day=as_of)


@router.post("/practice/favours/{favour_id}/thank", response={200: Document, **errors(404, 422)})
def thank_favour(request: HttpRequest, favour_id: int) -> Document:
    favour = get_mine(request, Favour, favour_id, "favour")
    return ledger.thanked_payload(ledger.thank(owner_of(request), favour_id=favour.id))


@router.get("/practice/overtures", response={200: Document, **errors()})
def overture_rates(request: HttpRequest) -> Document:
    """Response rates per channel and approach, the stop list and the latest overtures."""
    return overtures.overtures_payload(owner_of(request))


@router.get("/practice/referrals", response={200: Document, **errors()})
def referral_list(request: HttpRequest) -> Document:
    """Referrals, thanks owed, and the people and channels that brought the work."""
    return referrals.referrals_payload(owner_of(request))


@router.post("/practice/referrals", response={201: Document, **errors(404, 422)})
def create_referral(request: HttpRequest, payload: ReferralIn) -> Status[Document]:
    owner = owner_of(request)
    people = [
        get_mine(request, Person, pk, "person")
        for pk in (payload.referrer, payload.referred, payload.to)
    ]
    found = referrals.record_referral(
        owner,
        people[0],
        people[1],
        people[2],
        payload.what,
        value=payload.value,
        status=payload.status,
        on=payload.on,
        channel=payload.channel,
        note=payload.note,
    )
    return Status(201, referrals.referral_payload(found, ensure_me(owner).id))


@router.post("/practice/referrals/{referral_id}/thank", response={200: Document, **errors(404)})
def thank_referral(request: HttpRequest, referral_id: int) -> Document:
    owner = owner_of(request)
    found = referrals.thank_referral(owner, referral_id)
    return referrals.referral_payload(found, ensure_me(owner).id)


@router.get("/practice/next", response={200: Document, **errors(422)})
def next_list(request: HttpRequest, as_of: dt.date | None = None) -> Document:
    """The handful of things worth doing this week, each with a key to mark it done."""
    return next_actions.next_payload(owner_of(request), as_of)


@router.post("/practice/next/done", response={200: Document, **errors(404, 422)})
def next_done(request: HttpRequest, payload: DoneIn) -> Document:
    """Mark a next action done: it is logged where it belongs (a message, a thank-you)."""
    return next_actions.mark_done(owner_of(request), payload.key, note=payload.note)


def _reminders(request: HttpRequest, found: Any, token: str | None = None) -> Document:
    path = reverse("calendar_feed", kwargs={"token": token}) if token else None
    return reminders.settings_payload(found, request.build_absolute_uri(path) if path else None)


@router.get("/practice/reminders", response={200: Document, **errors()})
def reminder_settings(request: HttpRequest) -> Document:
    """The digest settings, and whether a calendar feed exists (its URL is shown once)."""
    return _reminders(request, reminders.settings_for(owner_of(request)))


@router.put("/practice/reminders", response={200: Document, **errors(422)})
def set_reminders(request: HttpRequest, payload: DigestIn) -> Document:
    return _reminders(
        request, reminders.set_digest(owner_of(request), payload.digest, payload.email)
    )


@router.post("/practice/reminders/token", response={200: Document, **errors()})
def new_feed_token(request: HttpRequest) -> Document:
    """A new secret calendar feed URL, shown in this answer only; any old URL stops working."""
    return _reminders(request, *reminders.regenerate_token(owner_of(request)))
