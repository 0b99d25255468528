"""Tie strength (and your own say over it), the soft-sell check and channel return."""

# No postponed annotations in this module: ninja and pydantic read them at runtime.

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from goodwill.api.auth import owner_of
from goodwill.api.schemas import Input, errors
from goodwill.api.scoping import get_mine
from goodwill.people.models import Person
from goodwill.practice import channels, posts, scoring

router = Router(tags=["insights"], by_alias=True)


class StrengthOut(Schema):
    id: int
    name: str
    score: float
    computed: float
    overridden: bool
    reasons: list[str]
    parts: dict[str, float]
    last_contact: str | None


class OverrideIn(Input):
    value: float = Field(..., ge=0.0, le=1.0)
    note: str = Field("", max_length=300)


class CheckPostIn(Input):
    text: str = Field(..., min_length=1, max_length=posts.MAX_DRAFT)
    to: str | None = Field(None, max_length=320)


class RuleOut(Schema):
    rule: str
    weight: float
    reason: str


class CheckPostOut(Schema):
    score: float
    promotional: bool
    reasons: list[str]
    stranger: bool | None
    rules: list[RuleOut]
    to: dict[str, Any] | None


def _strength(request: HttpRequest, person: Person) -> dict[str, Any]:
    owner = owner_of(request)
    return scoring.strength_payload(person, scoring.strength_of(owner, person))


@router.get("/strength/{person_id}", response={200: StrengthOut, **errors(404, 422)})
def strength(request: HttpRequest, person_id: int) -> dict[str, Any]:
    return _strength(request, get_mine(request, Person, person_id, "person"))


@router.put("/strength/{person_id}", response={200: StrengthOut, **errors(404, 422)})
def set_strength(request: HttpRequest, person_id: int, payload: OverrideIn) -> dict[str, Any]:
    person = get_mine(request, Person, person_id, "person")
    scoring.set_override(owner_of(request), person, payload.value, payload.note)
    return _strength(request, person)


@router.delete("/strength/{person_id}", response={200: StrengthOut, **errors(404, 422)})
def clear_strength(request: HttpRequest, person_id: int) -> dict[str, Any]:
    person = get_mine(request, Person, person_id, "person")
    scoring.clear_override(owner_of(request), person)
    return _strength(request, person)


@router.post("/rescore", response={200: dict[str, int], **errors()})
def rescore(request: HttpRequest) -> Status[dict[str, int]]:
    return Status(200, {"ties_updated": scoring.rescore(owner_of(request))})


@router.post("/check-post", response={200: CheckPostOut, **errors(409, 422)})
def check_post(request: HttpRequest, payload: CheckPostIn) -> dict[str, Any]:
    return posts.check_draft(owner_of(request), payload.text, to=payload.to)


@router.get("/post-history", response={200: dict[str, Any], **errors(422)})
def post_history(request: HttpRequest, threshold: float = 0.2) -> dict[str, Any]:
    return posts.history(owner_of(request), threshold=threshold)


@router.get("/roi", response={200: dict[str, Any], **errors(422)})
def roi(request: HttpRequest) -> dict[str, Any]:
    return channels.channel_return(owner_of(request))
