from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Exists, F, Max, OuterRef, Prefetch, Q, Subquery, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from goodwill.activity.models import Participant
from goodwill.graph.strength import prior_strength
from goodwill.people import services
from goodwill.people.models import Identity, Person, Tag, Tie
from goodwill.web.forms import (
    DIRECTORY_CHANNELS,
    LAST_CONTACT,
    SORTS,
    STRENGTH_BANDS,
    DirectoryForm,
    PersonForm,
)
from goodwill.web.views.common import varies_on_htmx, wants_fragment

PAGE_SIZE = 50
IDENTITIES_SHOWN = 3
TAG_CHOICES_SHOWN = 300
STRONG, MEDIUM = 0.6, 0.3
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _tag_names(owner) -> list[str]:
    names = (
        Tag.objects.filter(owner=owner, people__isnull=False)
        .values_list("name", flat=True)
        .distinct()
        .order_by("name")
    )
    return list(names[:TAG_CHOICES_SHOWN])


@dataclass(frozen=True)
class Row:
    """One person in the directory, before their details are fetched."""

    id: int
    name: str
    last_contact: dt.datetime | None
    strength: float | None


def my_strengths(owner) -> dict[int, float]:
    """The strength of my strongest tie with each person I am tied to, in one query: its
    scored strength, else the prior for its kind (as the graph snapshot has it)."""
    me = Person.objects.filter(owner=owner, is_me=True).values("id")[:1]
    ties = (
        Tie.objects.filter(owner=owner)
        .filter(Q(a_id=Subquery(me)) | Q(b_id=Subquery(me)))
        .annotate(other=Case(When(a_id=Subquery(me), then=F("b_id")), default=F("a_id")))
        .values_list("other", "kind", "weight", "strength")
    )
    strongest: dict[int, float] = {}
    for other, kind, weight, strength in ties:
        score = strength if strength is not None else prior_strength(kind, weight)
        if score > strongest.get(other, -1.0):
            strongest[other] = score
    return strongest


def last_contacts(owner) -> dict[int, dt.datetime]:
    """When I was last in touch with each person, in one grouped query."""
    latest = (
        Participant.objects.filter(interaction__owner=owner)
        .values_list("person_id")
        .annotate(last=Max("interaction__occurred_at"))
        .order_by()
    )
    return dict(latest)


def directory_rows(owner, filters: dict[str, str]) -> list[Row]:
    """Everyone matching the filters, in the chosen order: one query for the people (with any
    strength set by hand), one for my ties, and one for last contacts when the filters or the
    order need them (otherwise only the page's rows get theirs, see ``page_people``)."""
    people = services.search(owner, filters["q"], filters["tag"])
    if channel := filters["channel"]:
        channels = DIRECTORY_CHANNELS[channel][1]
        people = people.filter(
            Exists(Identity.objects.filter(person_id=OuterRef("pk"), channel__in=channels))
        )
    found = people.values_list("id", "name", "strength_override__value")
    ties = my_strengths(owner)
    needs_contact = bool(filters["contact"]) or filters["sort"] == "recent"
    latest = last_contacts(owner) if needs_contact else {}
    rows = [
        Row(pid, name, latest.get(pid), override if override is not None else ties.get(pid))
        for pid, name, override in found
    ]
    return sort_rows(filter_rows(rows, filters), filters["sort"])


def filter_rows(rows: list[Row], filters: dict[str, str]) -> list[Row]:
    """Keep the rows in the strength band and last-contact window asked for."""
    band = filters["strength"]
    if band:
        rows = [r for r in rows if strength_band(r.strength) == ("" if band == "none" else band)]
    contact = filters["contact"]
    if contact == "never":
        return [r for r in rows if r.last_contact is None]
    if contact:
        year_ago = timezone.now() - dt.timedelta(days=365)
        if contact == "over_year":
            return [r for r in rows if r.last_contact is not None and r.last_contact < year_ago]
        since = timezone.now() - dt.timedelta(days=int(contact))
        return [r for r in rows if r.last_contact is not None and r.last_contact >= since]
    return rows


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    rows = sorted(rows, key=lambda r: (r.name.casefold(), r.name, r.id))
    if sort == "recent":
        # Sorts are stable: by name within the same moment, never contacted last.
        return sorted(rows, key=lambda r: r.last_contact or EPOCH, reverse=True)
    if sort == "strength":
        return sorted(rows, key=lambda r: -1.0 if r.strength is None else r.strength, reverse=True)
    return rows


def page_people(rows: list[Row]) -> list[Person]:
    """The people of one page with what a row shows: identities, tags and the two figures."""
    by_id = {r.id: r for r in rows}
    people = (
        Person.objects.filter(id__in=by_id)
        .annotate(last=Max("interactions__occurred_at"))
        .prefetch_related(
            Prefetch("identities", queryset=Identity.objects.order_by("channel", "value")),
            Prefetch("tags", queryset=Tag.objects.order_by("kind", "name")),
        )
    )
    fetched = {p.id: p for p in people}
    shown = []
    for row in rows:
        person = fetched.get(row.id)
        if person is None:
            continue  # deleted in between
        person.last_contact = person.last
        identities = list(person.identities.all())
        person.identities_shown = identities[:IDENTITIES_SHOWN]
        person.identities_more = len(identities) - len(person.identities_shown)
        person.tag_list = list(person.tags.all())
        person.strength = row.strength
        person.band = strength_band(row.strength)
        shown.append(person)
    return shown


def strength_band(strength: float | None) -> str:
    if strength is None:
        return ""
    if strength >= STRONG:
        return "strong"
    return "medium" if strength >= MEDIUM else "weak"


def _label(choices: tuple[tuple[str, str], ...], value: str) -> str:
    return dict(choices).get(value, "")


def describe_filters(filters: dict[str, str]) -> list[str]:
    """The active filters in words, for the result count and the table caption."""
    words = []
    if filters["q"]:
        words.append(f"matching “{filters['q']}”")
    if filters["tag"]:
        words.append(f"tagged {filters['tag']}")
    if filters["channel"]:
        words.append(f"on {DIRECTORY_CHANNELS[filters['channel']][0]}")
    if filters["strength"]:
        words.append(_label(STRENGTH_BANDS, filters["strength"]).split(" (")[0].lower())
    if filters["contact"]:
        words.append(f"last contact: {_label(LAST_CONTACT, filters['contact']).lower()}")
    return words


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    form = DirectoryForm(request.GET)
    filters = form.filters()
    page = Paginator(directory_rows(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = page_people(list(page.object_list))
    context = {
        "page": page,
        "query": filters["q"],
        "tag": filters["tag"],
        "filters": filters,
        "filtered": describe_filters(filters),
        "form": form,
        "fragment": wants_fragment(request),
    }
    if context["fragment"]:
        return varies_on_htmx(render(request, "web/_people_results.html", context))
    context["tags"] = _tag_names(request.user)
    context["sorts"] = SORTS
    return varies_on_htmx(render(request, "web/people.html", context))


@login_required
def person_add(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = PersonForm(data, owner=request.user)
    if form.is_valid():
        person = form.save()
        if person is not None:
            messages.success(request, f"Added {person.name}.")
            return redirect("person", person_id=person.id)
    return render(request, "web/person_add.html", {"form": form})


@login_required
def me(request: HttpRequest) -> HttpResponse:
    return redirect("person", person_id=services.ensure_me(request.user).id)
