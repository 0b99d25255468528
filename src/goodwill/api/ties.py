"""Ties between people, with the evidence for each."""

# No postponed annotations in this module: ninja and pydantic read them at runtime.

from typing import Any

from django.db.models import Case, CharField, F, Prefetch, Q, QuerySet, When
from django.db.models.functions import Lower
from django.http import HttpRequest
from ninja import Query, Router, Status

from goodwill.api.auth import owner_of
from goodwill.api.pagination import Page, PageParams, paginate
from goodwill.api.schemas import PersonTie, TieFilters, TieIn, TieOut, errors
from goodwill.api.scoping import get_mine, mine
from goodwill.people.models import Person, Tie, TieSource
from goodwill.people.services import state_tie, tie_payload, ties_of

router = Router(tags=["ties"], by_alias=True)


def with_tie_details(ties: QuerySet[Tie]) -> QuerySet[Tie]:
    return ties.select_related("a", "b").prefetch_related(
        Prefetch("sources", queryset=TieSource.objects.order_by("id"))
    )


def tie_row(tie: Tie) -> dict[str, Any]:
    return {
        "id": tie.id,
        "kind": tie.kind,
        "directed": tie.directed,
        "a": {"id": tie.a.id, "name": tie.a.name},
        "b": {"id": tie.b.id, "name": tie.b.name},
        "strength": tie.strength,
        "since": tie.since,
        "sources": sorted({str(s) for s in tie.sources.all()}),
    }


@router.get("/people/{person_id}/ties", response={200: Page[PersonTie], **errors(404, 422)})
def ties_of_person(
    request: HttpRequest, person_id: int, paging: Query[PageParams]
) -> dict[str, Any]:
    person = get_mine(request, Person, person_id, "person")
    # Ordered like the person page: by the name at the other end.
    other_name = Case(
        When(a_id=person.id, then=F("b__name")), default=F("a__name"), output_field=CharField()
    )
    rows = ties_of(person).annotate(other_name=other_name).order_by(Lower("other_name"), "id")
    return paginate(rows, paging, lambda t: {"tie_id": t.id, **tie_payload(t, person)})


@router.get("/ties", response={200: Page[TieOut], **errors(404, 422)})
def list_ties(
    request: HttpRequest, paging: Query[PageParams], filters: Query[TieFilters]
) -> dict[str, Any]:
    rows = mine(request, Tie)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.person is not None:
        person = get_mine(request, Person, filters.person, "person")
        rows = rows.filter(Q(a=person) | Q(b=person))
    return paginate(with_tie_details(rows.order_by("id")), paging, tie_row, counted=rows)


@router.post("/ties", response={201: TieOut, **errors(404, 422)})
def create_tie(request: HttpRequest, payload: TieIn) -> Status[dict[str, Any]]:
    a = get_mine(request, Person, payload.a, "person")
    b = get_mine(request, Person, payload.b, "person")
    tie = state_tie(owner_of(request), a, b, payload.kind)
    return Status(201, tie_row(with_tie_details(Tie.objects.filter(pk=tie.pk)).get()))


@router.get("/ties/{tie_id}", response={200: TieOut, **errors(404)})
def tie_detail(request: HttpRequest, tie_id: int) -> dict[str, Any]:
    return tie_row(get_mine(request, with_tie_details(Tie.objects.all()), tie_id, "tie"))


@router.delete("/ties/{tie_id}", response={204: None, **errors(404)})
def delete_tie(request: HttpRequest, tie_id: int) -> Status[None]:
    get_mine(request, Tie, tie_id, "tie").delete()
    return Status(204, None)
