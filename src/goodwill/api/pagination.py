"""One page envelope for every list: ``{"total", "items", "page", "page_size"}``."""

# No postponed annotations in this module: ninja and pydantic read them at runtime.

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import Model, QuerySet
from ninja import Field, Schema

T = TypeVar("T")
M = TypeVar("M", bound=Model)


def default_page_size() -> int:
    return int(getattr(settings, "NINJA_PAGINATION_PER_PAGE", 50))


def max_page_size() -> int:
    return int(getattr(settings, "NINJA_MAX_PER_PAGE_SIZE", 500))


class PageParams(Schema):
    page: int = Field(1, ge=1, description="1-based page number")
    page_size: int | None = Field(
        None, ge=1, description="rows per page (default 50; larger values are cut to 500)"
    )


class Page(Schema, Generic[T]):
    total: int
    items: list[T]
    page: int
    page_size: int


def paginate(
    rows: QuerySet[M],
    params: PageParams,
    to_item: Callable[[M], dict[str, Any]],
    *,
    counted: QuerySet[M] | None = None,
) -> dict[str, Any]:
    """One page of ``rows``; ``counted`` is a cheaper queryset to count when rows are annotated."""
    size = min(params.page_size or default_page_size(), max_page_size())
    start = (params.page - 1) * size
    total = (counted if counted is not None else rows).count()
    items = [to_item(row) for row in rows[start : start + size]] if start < total else []
    return {"total": total, "items": items, "page": params.page, "page_size": size}
