from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Case, F, When
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from goodwill.errors import GoodwillError
from goodwill.people.models import Person, Tie
from goodwill.people.services import ties_of
from goodwill.web.forms import InteractionForm
from goodwill.web.templatetags.goodwill_web import optional_url
from goodwill.web.views.common import owned_person, varies_on_htmx, wants_fragment

TIES_SHOWN = 100
TIMELINE_PAGE_SIZE = 20
LEDGER_ROWS_SHOWN = 50

# Panels other areas provide for a person, loaded once the page has arrived:
# (URL name, heading, where on the page).
PERSON_PANELS = (
    ("person_graph_panel", "Mutual connections and paths", "main"),
    ("person_strength_panel", "Strength", "side"),
    ("person_practice_panel", "Keeping in touch", "side"),
)


def person_panels(person: Person) -> dict[str, list[dict[str, str]]]:
    """The panels whose pages exist, by where they go; none on my own page."""
    placed: dict[str, list[dict[str, str]]] = {"main": [], "side": []}
    if person.is_me:
        return placed
    for name, heading, where in PERSON_PANELS:
        url = optional_url(name, person.id)
        if url:
            placed[where].append({"name": name, "url": url, "heading": heading})
    return placed


def timeline_page(person: Person, number: object = 1) -> Page:
    interactions = person.interactions.order_by("-occurred_at", "-id").prefetch_related(
        "participants"
    )
    return Paginator(interactions, TIMELINE_PAGE_SIZE).get_page(number)


def _ties(person: Person) -> tuple[list[Tie], int]:
    ties = (
        ties_of(person)
        .annotate(other_name=Case(When(a_id=person.id, then=F("b__name")), default=F("a__name")))
        .order_by(Lower("other_name"), "id")
    )
    shown = list(ties[:TIES_SHOWN])
    total = ties.count() if len(shown) == TIES_SHOWN else len(shown)
    for tie in shown:
        tie.other_person = tie.b if tie.a_id == person.id else tie.a
        tie.source_names = sorted({str(s) for s in tie.sources.all()})
        if tie.directed:
            tie.kind_shown = "Follows" if tie.a_id == person.id else "Followed by"
        else:
            tie.kind_shown = tie.get_kind_display()
    return shown, total


def _capped(queryset) -> tuple[list, int]:
    shown = list(queryset[:LEDGER_ROWS_SHOWN])
    total = queryset.count() if len(shown) == LEDGER_ROWS_SHOWN else len(shown)
    return shown, total


def person_context(person: Person, form: InteractionForm | None = None) -> dict:
    ties, ties_total = _ties(person)
    favours, favours_total = _capped(person.favours.order_by("-occurred_on", "-id"))
    overtures, overtures_total = _capped(person.overtures.order_by("-sent_at", "-id"))
    return {
        "person": person,
        "identities": list(person.identities.order_by("channel", "value")),
        "tags": list(person.tags.order_by("kind", "name")),
        "ties": ties,
        "ties_more": ties_total - len(ties),
        "favours": favours,
        "favours_more": favours_total - len(favours),
        "overtures": overtures,
        "overtures_more": overtures_total - len(overtures),
        "timeline": timeline_page(person),
        "form": None if person.is_me else (form or InteractionForm()),
        "panels": person_panels(person),
    }


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = owned_person(request, person_id)
    return render(request, "web/person.html", person_context(person))


@login_required
@require_POST
def person_log(request: HttpRequest, person_id: int) -> HttpResponse:
    person = owned_person(request, person_id)
    if person.is_me:
        raise Http404("interactions are logged with other people")
    form = InteractionForm(request.POST)
    logged = None
    if form.is_valid():
        try:
            logged = form.log(request.user, person)
        except GoodwillError as exc:
            form.add_error(None, str(exc))
    if wants_fragment(request):
        context = {"person": person, "form": InteractionForm() if logged else form}
        if logged:
            context.update(logged=logged, timeline=timeline_page(person))
        return render(request, "web/_log_response.html", context)
    if logged:
        messages.success(request, f"Logged: {logged.get_kind_display()} with {person.name}.")
        return redirect(reverse("person", kwargs={"person_id": person.id}) + "#timeline")
    return render(request, "web/person.html", person_context(person, form))


@login_required
def person_timeline(request: HttpRequest, person_id: int) -> HttpResponse:
    person = owned_person(request, person_id)
    context = {"person": person, "timeline": timeline_page(person, request.GET.get("page"))}
    template = "web/_timeline_items.html" if wants_fragment(request) else "web/timeline.html"
    return varies_on_htmx(render(request, template, context))
