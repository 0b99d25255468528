"""The graph questions: mutuals, warm intro paths, reach, sharers, suggestions, the map.

Each endpoint answers the same document as the CLI's ``--json`` (``goodwill.network.queries``).
People are named as in the CLI: ``#12`` (or a bare id), ``me``, an e-mail, a handle or a name.
"""

# No postponed annotations in this module: ninja and pydantic read them at runtime.

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from goodwill.api.auth import owner_of
from goodwill.api.schemas import errors
from goodwill.network import queries

router = Router(tags=["graph"], by_alias=True)

PERSON = "a person: #ID or a bare id, me, an e-mail, a handle or a name"
ANSWERS = {200: dict[str, Any], **errors(404, 409, 422)}


def _who(value: str | None) -> str | None:
    """A bare number names a person by id, as the web app's links do."""
    if value is None:
        return None
    text = value.strip()
    return f"#{text}" if text.isdigit() else text


class MutualsQuery(Schema):
    a: str | None = Field(None, description=PERSON + " (default: you)")
    b: str = Field(..., description=PERSON)


class IntroQuery(Schema):
    to: str | None = Field(None, description="the person to reach: " + PERSON)
    need: str | None = Field(None, description="or anyone matching this need (tags, org, role)")
    source: str | None = Field(None, alias="from", description="start here (default: you)")
    k: int = Field(5, description="alternatives through different first contacts")
    max_hops: int = Field(4, description="at most this many ties in a path (1-6)")
    by: str = Field("strength", description="order: strength (default) or hops")


class ReachQuery(Schema):
    who: list[str] = Field(..., description="the sharers (repeat the parameter)")
    max_hops: int = Field(2, description="1, 2 or 3")


class SuggestQuery(Schema):
    for_who: str | None = Field(None, alias="for", description="for whom (default: you)")
    k: int = 20


@router.get("/mutuals", response=ANSWERS, summary="Who two people both know")
def mutuals(request: HttpRequest, params: Query[MutualsQuery]) -> dict[str, Any]:
    return queries.mutuals_payload(owner_of(request), _who(params.a), _who(params.b) or "")


@router.get("/intro", response=ANSWERS, summary="Warm introduction paths")
def intro(request: HttpRequest, params: Query[IntroQuery]) -> dict[str, Any]:
    return queries.intro_payload(
        owner_of(request),
        to=_who(params.to),
        need=params.need,
        source=_who(params.source),
        k=params.k,
        max_hops=params.max_hops,
        by=params.by,
    )


@router.get("/reach", response=ANSWERS, summary="Unique and expected reach of sharers")
def reach(request: HttpRequest, params: Query[ReachQuery]) -> dict[str, Any]:
    who = [_who(w) or "" for w in params.who]
    return queries.reach_payload(owner_of(request), who, max_hops=params.max_hops)


@router.get("/sharers", response=ANSWERS, summary="Whom to ask to share, for the widest reach")
def sharers(request: HttpRequest, k: int = 5) -> dict[str, Any]:
    return queries.sharers_payload(owner_of(request), k=k)


@router.get("/suggest", response=ANSWERS, summary="People to meet, with reasons")
def suggest(request: HttpRequest, params: Query[SuggestQuery]) -> dict[str, Any]:
    return queries.suggest_payload(owner_of(request), for_who=_who(params.for_who), k=params.k)


@router.get("/introduce", response=ANSWERS, summary="Introductions you could make")
def introduce(request: HttpRequest, k: int = 20) -> dict[str, Any]:
    return queries.introduce_payload(owner_of(request), k=k)


@router.get("/map", response=ANSWERS, summary="Everyone placed on a map, with communities")
def network_map(request: HttpRequest) -> dict[str, Any]:
    return queries.map_payload(owner_of(request))
