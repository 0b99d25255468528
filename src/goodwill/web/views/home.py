from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from goodwill.activity.models import Interaction
from goodwill.imports.models import ImportRun
from goodwill.people.models import Person, Tie
from goodwill.web.templatetags.goodwill_web import optional_url

RECENT_DAYS = 30
PREVIEW_ROWS = 10
IMPORT_ROWS = 5

# Panels other areas provide, loaded into the dashboard once it has arrived: (URL name, heading).
HOME_PANELS = (
    ("home_next_panel", "Next actions"),
    ("home_losing_touch_panel", "Losing touch"),
    ("home_thanks_panel", "Thanks owed"),
)

# Shortcuts to the everyday tasks: (URL name, label, what it is for).
SHORTCUTS = (
    ("intro", "Find a warm path", "to someone you would like to meet"),
    ("reach", "Plan a post", "who should share it to reach the most people"),
    ("tend", "Keep in touch", "whom to call before a relationship goes cold"),
    ("ledger", "Give thanks", "favours and referrals you have not returned"),
    ("map", "See your map", "who knows whom, in communities"),
    ("imports", "Import a file", "contacts, connections, mail or calendars"),
)


def _panels() -> list[dict[str, str]]:
    panels = []
    for name, heading in HOME_PANELS:
        url = optional_url(name)
        if url:
            panels.append({"name": name, "url": url, "heading": heading})
    return panels


def _shortcuts() -> list[dict[str, str]]:
    found = []
    for name, label, purpose in SHORTCUTS:
        url = optional_url(name)
        if url:
            found.append({"url": url, "label": label, "purpose": purpose})
    return found


def _losing_touch(owner) -> list[Person]:
    """The people least recently in touch: shown until the practice area provides its panel."""
    return list(
        Person.objects.filter(owner=owner, is_me=False)
        .annotate(last_contact=Max("interactions__occurred_at"))
        .filter(last_contact__isnull=False)
        .order_by("last_contact", "name", "id")[:PREVIEW_ROWS]
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    owner = request.user
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    recent = (
        Interaction.objects.filter(owner=owner)
        .order_by("-occurred_at", "-id")
        .prefetch_related("participants")[:PREVIEW_ROWS]
    )
    panels = _panels()
    has_losing_touch_panel = any(p["name"] == "home_losing_touch_panel" for p in panels)
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
        "panels": panels,
        "losing_touch": None if has_losing_touch_panel else _losing_touch(owner),
        "imports": list(ImportRun.objects.filter(owner=owner)[:IMPORT_ROWS]),
        "shortcuts": _shortcuts(),
    }
    return render(request, "web/home.html", context)
