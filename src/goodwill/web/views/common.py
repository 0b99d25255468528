from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_vary_headers

from goodwill.people.models import Person


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx swap asks for a fragment; restoring history needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def varies_on_htmx(response: HttpResponse) -> HttpResponse:
    # The same URL answers with a fragment or a page, so caches must keep both apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def owned_person(request: HttpRequest, person_id: int) -> Person:
    return get_object_or_404(Person, owner=request.user, pk=person_id)
