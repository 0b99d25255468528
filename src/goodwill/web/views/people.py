from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from goodwill.people import services
from goodwill.people.models import Tag
from goodwill.web.forms import PersonForm
from goodwill.web.views.common import varies_on_htmx, wants_fragment

PAGE_SIZE = 50
TAG_CHOICES_SHOWN = 300


def _tag_names(owner) -> list[str]:
    names = (
        Tag.objects.filter(owner=owner, people__isnull=False)
        .values_list("name", flat=True)
        .distinct()
        .order_by("name")
    )
    return list(names[:TAG_CHOICES_SHOWN])


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    tag = request.GET.get("tag", "").strip()
    found = services.with_list_details(services.search(request.user, query, tag))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "tag": tag, "fragment": wants_fragment(request)}
    if context["fragment"]:
        return varies_on_htmx(render(request, "web/_people_results.html", context))
    context["tags"] = _tag_names(request.user)
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
