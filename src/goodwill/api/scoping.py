"""Every lookup goes through the caller: another user's id is simply not found."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from goodwill.api.auth import owner_of
from goodwill.errors import NotFound

M = TypeVar("M", bound=Model)


def mine(request: HttpRequest, rows: type[M] | QuerySet[M]) -> QuerySet[M]:
    queryset = rows.objects.all() if isinstance(rows, type) else rows  # type: ignore[attr-defined]
    return queryset.filter(owner=owner_of(request))


def get_mine(request: HttpRequest, rows: type[M] | QuerySet[M], pk: int, what: str) -> M:
    found = mine(request, rows).filter(pk=pk).first()
    if found is None:
        # Same answer whether the row is someone else's or absent: existence is not leaked.
        raise NotFound(f"no {what} #{pk}")
    return found
