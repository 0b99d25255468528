"""One person across sources: who may be the same, merging, undoing, and "different people"."""

# No postponed annotations in this module: ninja and pydantic read them at runtime.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from goodwill.api.auth import owner_of
from goodwill.api.pagination import Page, PageParams, paginate
from goodwill.api.schemas import Input, PersonRef, errors
from goodwill.api.scoping import get_mine, mine
from goodwill.imports import merging
from goodwill.imports.models import Merge
from goodwill.people.models import Person

router = Router(tags=["merges"], by_alias=True)

REVIEWED = "reviewed by you"
MAX_CANDIDATES = 500


class CandidatePerson(PersonRef):
    organisation: str


class CandidateOut(Schema):
    a: CandidatePerson = Field(..., description="the one a merge would keep")
    b: CandidatePerson
    score: float = Field(..., description="0..1; higher is more likely the same person")
    reasons: list[str]


class CandidateList(Schema):
    candidates: list[CandidateOut]


class CandidateParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_CANDIDATES)


class MergedPerson(Schema):
    id: int
    name: str | None = Field(..., description="null when the person no longer exists")


class MergeOut(Schema):
    id: int
    kept: MergedPerson
    absorbed: MergedPerson
    reason: str
    automatic: bool = Field(..., description="true for an exact-key merge made by an import")
    created_at: dt.datetime
    undone_at: dt.datetime | None


class MergeIn(Input):
    kept: int = Field(..., description="the person who stays (you always do)")
    absorbed: int = Field(..., description="the person folded into them")


class UndoOut(Schema):
    merge: MergeOut
    restored: PersonRef


class DistinctIn(Input):
    a: int
    b: int


class DistinctOut(Schema):
    a: PersonRef
    b: PersonRef
    decision: str


def merge_row(merge: Merge) -> dict[str, Any]:
    row = merging.merge_payload(merge)
    row["kept"] = {"id": row["kept"]["id"], "name": row["kept"]["name"]}
    return row


@router.get("/merges/candidates", response={200: CandidateList, **errors(422)})
def merge_candidates(request: HttpRequest, params: Query[CandidateParams]) -> dict[str, Any]:
    found = merging.candidates(owner_of(request), limit=params.limit)
    return {"candidates": [merging.candidate_payload(c) for c in found]}


@router.get("/merges", response={200: Page[MergeOut], **errors(422)})
def list_merges(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    rows = mine(request, Merge).order_by("-id")
    return paginate(rows, paging, merge_row)


@router.post("/merges", response={201: MergeOut, **errors(404, 422)})
def create_merge(request: HttpRequest, payload: MergeIn) -> Status[dict[str, Any]]:
    kept = get_mine(request, Person, payload.kept, "person")
    absorbed = get_mine(request, Person, payload.absorbed, "person")
    done = merging.merge(owner_of(request), kept, absorbed, reason=REVIEWED)
    return Status(201, merge_row(done))


@router.get("/merges/{int:merge_id}", response={200: MergeOut, **errors(404)})
def merge_detail(request: HttpRequest, merge_id: int) -> dict[str, Any]:
    return merge_row(get_mine(request, Merge, merge_id, "merge"))


@router.post("/merges/{int:merge_id}/undo", response={200: UndoOut, **errors(404, 409)})
def undo_merge(request: HttpRequest, merge_id: int) -> dict[str, Any]:
    done = get_mine(request, Merge, merge_id, "merge")
    restored = merging.unmerge(done)
    done.refresh_from_db()
    return {"merge": merge_row(done), "restored": {"id": restored.id, "name": restored.name}}


@router.post("/merges/distinct", response={201: DistinctOut, **errors(404, 422)})
def mark_distinct(request: HttpRequest, payload: DistinctIn) -> Status[dict[str, Any]]:
    a = get_mine(request, Person, payload.a, "person")
    b = get_mine(request, Person, payload.b, "person")
    decision = merging.mark_distinct(owner_of(request), a, b)
    people = {"a": {"id": a.id, "name": a.name}, "b": {"id": b.id, "name": b.name}}
    return Status(201, {**people, "decision": decision.decision})
