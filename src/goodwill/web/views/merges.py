"""Review who may be one person: merge, say "different people", and undo past merges."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from goodwill.errors import GoodwillError
from goodwill.imports import merging
from goodwill.imports.models import Merge
from goodwill.people.models import Identity, Person
from goodwill.web.views.common import owned_person, varies_on_htmx, wants_fragment

CANDIDATES_SHOWN = 30
HISTORY_SHOWN = 30
REVIEWED = "reviewed by you"


def _with_identities(found: list[merging.Candidate]) -> list[dict]:
    """The candidates for the page, each person with their identities (one query for all)."""
    ids = {c.a.id for c in found} | {c.b.id for c in found}
    ordered = Identity.objects.order_by("channel", "value")
    people = Person.objects.prefetch_related(Prefetch("identities", queryset=ordered)).in_bulk(ids)
    return [
        {
            "a": people[c.a.id],
            "b": people[c.b.id],
            "people": (people[c.a.id], people[c.b.id]),
            "score": c.score,
            "reasons": c.reasons,
        }
        for c in found
    ]


def review_context(request: HttpRequest, notice: str = "", error: str = "") -> dict:
    found = merging.candidates(request.user, limit=CANDIDATES_SHOWN)
    return {
        "candidates": _with_identities(found),
        "history": merging.history(request.user, limit=HISTORY_SHOWN),
        "notice": notice,
        "error": error,
    }


def _answer(request: HttpRequest, notice: str = "", error: str = "") -> HttpResponse:
    if wants_fragment(request):
        context = review_context(request, notice, error)
        return varies_on_htmx(render(request, "web/_merges_review.html", context))
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect("merges")


@login_required
def merges(request: HttpRequest) -> HttpResponse:
    return varies_on_htmx(render(request, "web/merges.html", review_context(request)))


def _pair(request: HttpRequest) -> tuple[Person, Person]:
    try:
        a, b = int(request.POST.get("a", "")), int(request.POST.get("b", ""))
    except ValueError:
        raise Http404("name two people") from None
    return owned_person(request, a), owned_person(request, b)


@login_required
@require_POST
def merge_pair(request: HttpRequest) -> HttpResponse:
    kept, absorbed = _pair(request)
    try:
        done = merging.merge(request.user, kept, absorbed, reason=REVIEWED)
    except GoodwillError as exc:
        return _answer(request, error=str(exc))
    kept_name = done.kept.name
    return _answer(request, notice=f"Merged {done.absorbed_name} into {kept_name}.")


@login_required
@require_POST
def distinct_pair(request: HttpRequest) -> HttpResponse:
    a, b = _pair(request)
    try:
        merging.mark_distinct(request.user, a, b)
    except GoodwillError as exc:
        return _answer(request, error=str(exc))
    return _answer(request, notice=f"Noted: {a.name} and {b.name} are different people.")


@login_required
@require_POST
def undo_merge(request: HttpRequest, merge_id: int) -> HttpResponse:
    done = get_object_or_404(Merge, owner=request.user, pk=merge_id)
    try:
        restored = merging.unmerge(done)
    except GoodwillError as exc:
        return _answer(request, error=str(exc))
    return _answer(request, notice=f"Undone: {restored.name} is a person of their own again.")
