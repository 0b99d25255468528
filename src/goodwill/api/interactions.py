"""The timeline: interactions between the caller and their people."""

# No postponed annotations in this module: ninja and pydantic read them at runtime.

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from goodwill.activity.models import Interaction
from goodwill.activity.services import interaction_payload, log_interaction, parse_when
from goodwill.api.auth import owner_of
from goodwill.api.pagination import Page, PageParams, paginate
from goodwill.api.schemas import InteractionBrief, InteractionFilters, InteractionIn, errors
from goodwill.api.scoping import get_mine, mine
from goodwill.errors import NotFound, UsageError
from goodwill.people.models import Person

router = Router(tags=["interactions"], by_alias=True)


def with_participants(rows: QuerySet[Interaction]) -> QuerySet[Interaction]:
    return rows.prefetch_related(
        Prefetch("participants", queryset=Person.objects.only("id", "name"))
    )


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filtered(request: HttpRequest, filters: InteractionFilters) -> QuerySet[Interaction]:
    rows = mine(request, Interaction)
    if filters.person is not None:
        rows = rows.filter(participants=get_mine(request, Person, filters.person, "person"))
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.since and filters.until and filters.since > filters.until:
        raise UsageError("invalid since/until: since is after until")
    if filters.since:
        rows = rows.filter(occurred_at__gte=start_of(filters.since))
    if filters.until:
        rows = rows.filter(occurred_at__lt=start_of(filters.until + dt.timedelta(days=1)))
    return rows.order_by("-occurred_at", "-id")


@router.get("/interactions", response={200: Page[InteractionBrief], **errors(404, 422)})
def list_interactions(
    request: HttpRequest, paging: Query[PageParams], filters: Query[InteractionFilters]
) -> dict[str, Any]:
    rows = filtered(request, filters)
    return paginate(with_participants(rows), paging, interaction_payload, counted=rows)


@router.post("/interactions", response={201: InteractionBrief, **errors(404, 422)})
def create_interaction(request: HttpRequest, payload: InteractionIn) -> Status[dict[str, Any]]:
    wanted = list(dict.fromkeys(payload.people))
    found = mine(request, Person).in_bulk(wanted)
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise NotFound(f"no person #{missing[0]}")
    interaction = log_interaction(
        owner_of(request),
        payload.kind,
        [found[pk] for pk in wanted],
        channel=payload.channel,
        when=parse_when(payload.when) if payload.when else None,
        direction=payload.direction,
        subject=payload.subject,
        note=payload.note,
    )
    return Status(201, interaction_payload(with_participants(_one(interaction.pk)).get()))


def _one(pk: int) -> QuerySet[Interaction]:
    return Interaction.objects.filter(pk=pk)


@router.get("/interactions/{interaction_id}", response={200: InteractionBrief, **errors(404)})
def interaction_detail(request: HttpRequest, interaction_id: int) -> dict[str, Any]:
    rows = with_participants(Interaction.objects.all())
    return interaction_payload(get_mine(request, rows, interaction_id, "interaction"))


@router.delete("/interactions/{interaction_id}", response={204: None, **errors(404)})
def delete_interaction(request: HttpRequest, interaction_id: int) -> Status[None]:
    get_mine(request, Interaction, interaction_id, "interaction").delete()
    return Status(204, None)
