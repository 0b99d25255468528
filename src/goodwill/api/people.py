"""People and their identities."""

# No postponed annotations in this module: ninja and pydantic read them at runtime.

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Status

from goodwill.api.auth import owner_of
from goodwill.api.pagination import Page, PageParams, paginate
from goodwill.api.schemas import (
    IdentityIn,
    IdentityOut,
    PersonDetail,
    PersonIn,
    PersonPatch,
    PersonRow,
    errors,
)
from goodwill.api.scoping import get_mine, mine
from goodwill.errors import Conflict, UsageError
from goodwill.identity import normalise
from goodwill.people.models import Identity, Person
from goodwill.people.services import (
    create_person,
    identity_payload,
    list_payload,
    person_payload,
    search,
    with_list_details,
)

router = Router(tags=["people"], by_alias=True)

SINGLE_LINE_FIELDS = ("organisation", "position", "location", "how_we_met")


def person_row(person: Person) -> dict[str, Any]:
    return {**list_payload(person), "last_contact": getattr(person, "last_contact", None)}


def identity_row(identity: Identity) -> dict[str, Any]:
    return {
        **identity_payload(identity),
        "id": identity.id,
        "person_id": identity.person_id,
        "label": identity.label,
    }


def checked_identity(request: HttpRequest, channel: str, raw: str) -> str:
    """The normalised value, refused when it is invalid or already someone's."""
    try:
        value = normalise(channel, raw)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    clash = mine(request, Identity).filter(channel=channel, value=value).first()
    if clash is not None:
        raise Conflict(f"{channel} {value} already belongs to #{clash.person_id}")
    return value


@router.get("/people", response={200: Page[PersonRow], **errors(422)})
def list_people(
    request: HttpRequest, paging: Query[PageParams], q: str = "", tag: str = ""
) -> dict[str, Any]:
    found = search(owner_of(request), q, tag)
    return paginate(with_list_details(found), paging, person_row, counted=found)


@router.post("/people", response={201: PersonDetail, **errors(409, 422)})
def create(request: HttpRequest, payload: PersonIn) -> Status[dict[str, Any]]:
    seen: set[tuple[str, str]] = set()
    for identity in payload.identities:
        key = (identity.channel, checked_identity(request, identity.channel, identity.value))
        if key in seen:
            raise Conflict(f"{key[0]} {key[1]} is given twice")
        seen.add(key)
    details = payload.model_dump(exclude={"name", "identities", "tags"})
    person = create_person(
        owner_of(request),
        payload.name,
        identities=[(i.channel, i.value) for i in payload.identities],
        tags=payload.tags,
        **details,
    )
    return Status(201, person_payload(person))


@router.get("/people/{person_id}", response={200: PersonDetail, **errors(404)})
def detail(request: HttpRequest, person_id: int) -> dict[str, Any]:
    return person_payload(get_mine(request, Person, person_id, "person"))


@router.patch("/people/{person_id}", response={200: PersonDetail, **errors(404, 422)})
def edit(request: HttpRequest, person_id: int, payload: PersonPatch) -> dict[str, Any]:
    person = get_mine(request, Person, person_id, "person")
    changes = payload.model_dump(exclude_unset=True)
    if "name" in changes:
        changes["name"] = " ".join(changes["name"].split())
        if not changes["name"]:
            raise UsageError("invalid name: a person needs a name")
    for field in SINGLE_LINE_FIELDS:
        if field in changes:
            changes[field] = changes[field].strip()
    for field, value in changes.items():
        setattr(person, field, value)
    # Remembered so that a later import never overwrites what the user typed.
    person.edited_fields = sorted(set(person.edited_fields or []) | set(changes))
    person.save(update_fields=[*changes, "edited_fields", "updated_at"])
    return person_payload(person)


@router.delete("/people/{person_id}", response={204: None, **errors(404, 409)})
def delete(request: HttpRequest, person_id: int) -> Status[None]:
    person = get_mine(request, Person, person_id, "person")
    if person.is_me:
        raise Conflict(f"#{person.id} is you; your own record cannot be deleted")
    person.delete()
    return Status(204, None)


@router.get("/people/{person_id}/identities", response={200: Page[IdentityOut], **errors(404, 422)})
def identities(request: HttpRequest, person_id: int, paging: Query[PageParams]) -> dict[str, Any]:
    person = get_mine(request, Person, person_id, "person")
    rows = person.identities.order_by("channel", "value", "id")
    return paginate(rows, paging, identity_row)


@router.post("/people/{person_id}/identities", response={201: IdentityOut, **errors(404, 409, 422)})
@transaction.atomic
def add_identity(
    request: HttpRequest, person_id: int, payload: IdentityIn
) -> Status[dict[str, Any]]:
    person = get_mine(request, Person, person_id, "person")
    value = checked_identity(request, payload.channel, payload.value)
    identity = Identity.objects.create(
        owner=owner_of(request),
        person=person,
        channel=payload.channel,
        value=value,
        display=payload.value.strip(),
        label=payload.label.strip(),
    )
    return Status(201, identity_row(identity))


@router.delete("/identities/{identity_id}", response={204: None, **errors(404)})
def delete_identity(request: HttpRequest, identity_id: int) -> Status[None]:
    get_mine(request, Identity, identity_id, "identity").delete()
    return Status(204, None)
