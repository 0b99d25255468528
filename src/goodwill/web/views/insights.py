"""Tie strength on a person's page, the soft-sell check, and channel return with a chart."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from goodwill.errors import GoodwillError
from goodwill.practice import channels, posts, scoring
from goodwill.web.views.common import owned_person, varies_on_htmx, wants_fragment

OVERRIDE_STEPS = ("0", "0.25", "0.5", "0.75", "1")


def _panel(request: HttpRequest, person, error: str = "") -> HttpResponse:
    context = {"person": person, "error": error, "steps": OVERRIDE_STEPS}
    if not person.is_me:
        context["strength"] = scoring.strength_payload(
            person, scoring.strength_of(request.user, person)
        )
    return render(request, "web/insights/_strength_panel.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_strength_panel(request: HttpRequest, person_id: int) -> HttpResponse:
    person = owned_person(request, person_id)
    error = ""
    if request.method == "POST" and not person.is_me:
        try:
            if "clear" in request.POST:
                scoring.clear_override(request.user, person)
            else:
                value = float(request.POST.get("value", ""))
                scoring.set_override(request.user, person, value, request.POST.get("note", ""))
        except ValueError:
            error = "Give a strength between 0 and 1."
        except GoodwillError as exc:
            error = str(exc)
    return _panel(request, person, error)


@login_required
@require_http_methods(["GET", "POST"])
def check_post(request: HttpRequest) -> HttpResponse:
    text = request.POST.get("text", "") if request.method == "POST" else ""
    to = request.POST.get("to", "").strip() if request.method == "POST" else ""
    result, error = None, ""
    if text.strip():
        try:
            result = posts.check_draft(request.user, text, to=to or None)
        except GoodwillError as exc:
            error = str(exc)
    context = {"text": text, "to": to, "result": result, "error": error}
    if wants_fragment(request):
        return varies_on_htmx(render(request, "web/insights/_check_result.html", context))
    found = posts.history(request.user)
    chart = [
        {
            "name": c["label"],
            "x": [m["month"] for m in c["months"]],
            "y": [m["share"] for m in c["months"]],
        }
        for c in found["channels"]
    ]
    context.update(history=found, chart=chart)
    return varies_on_htmx(render(request, "web/insights/check_post.html", context))


@login_required
def channel_return(request: HttpRequest) -> HttpResponse:
    found = channels.channel_return(request.user)
    chart = {
        "names": [c["name"] for c in found["channels"]],
        "per_hour": [c["value_per_hour"] for c in found["channels"]],
        "hours": [c["hours"] for c in found["channels"]],
    }
    context = {"roi": found, "chart": chart}
    return render(request, "web/insights/channels.html", context)
