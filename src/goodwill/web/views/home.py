from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from goodwill.activity.models import Interaction
from goodwill.people.models import Person, Tie

RECENT_DAYS = 30
PREVIEW_ROWS = 10


@login_required
def home(request: HttpRequest) -> HttpResponse:
    owner = request.user
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    recent = (
        Interaction.objects.filter(owner=owner)
        .order_by("-occurred_at", "-id")
        .prefetch_related("participants")[:PREVIEW_ROWS]
    )
    losing_touch = (
        Person.objects.filter(owner=owner, is_me=False)
        .annotate(last_contact=Max("interactions__occurred_at"))
        .filter(last_contact__isnull=False)
        .order_by("last_contact", "name", "id")[:PREVIEW_ROWS]
    )
    context = {
        "counts": {
            "people": Person.objects.filter(owner=owner, is_me=False).count(),
            "ties": Tie.objects.filter(owner=owner).count(),
            "recent_interactions": Interaction.objects.filter(
                owner=owner, occurred_at__gte=since
            ).count(),
        },
        "recent_days": RECENT_DAYS,
        "recent": recent,
        "losing_touch": losing_touch,
    }
    return render(request, "web/home.html", context)
