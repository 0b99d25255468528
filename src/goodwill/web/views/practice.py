"""Pages and fragments of the practice area: tend, ledger, overtures, referrals, next actions,
reminders, the calendar feed, and the panels the dashboard and the person page load."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from goodwill.activity.models import Channel, Favour, Overture
from goodwill.errors import GoodwillError, UsageError
from goodwill.people.services import resolve
from goodwill.practice import ledger, next_actions, overtures, referrals, reminders, tend
from goodwill.practice.models import DIGEST_FREQUENCIES
from goodwill.vocab import REFERRAL_STATUSES
from goodwill.web.views.common import owned_person, varies_on_htmx, wants_fragment
from goodwill.worker import tasks

PANEL_ROWS = 5


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """After a form post: back to the page it came from when that is one of ours."""
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(fallback)


def _int(text: str | None, what: str) -> int:
    try:
        return int(text or "")
    except ValueError:
        raise UsageError(f"invalid {what}: give a whole number") from None


def _date(text: str | None, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise UsageError(f"invalid {what}: use YYYY-MM-DD") from None


# -- tend -----


@login_required
def tend_page(request: HttpRequest) -> HttpResponse:
    context = {"tend": tend.tend_payload(request.user)}
    return render(request, "web/practice/tend.html", context)


@login_required
@require_POST
def set_cadence(request: HttpRequest) -> HttpResponse:
    try:
        days = _int(request.POST.get("days"), "number of days")
        if request.POST.get("person"):
            person = owned_person(request, _int(request.POST.get("person"), "person"))
            tend.set_person_cadence(request.user, person, days)
            target = person.name
        else:
            tend.set_tag_cadence(request.user, request.POST.get("tag", ""), days)
            target = f"everyone tagged {request.POST.get('tag', '').strip()}"
    except GoodwillError as exc:
        messages.error(request, str(exc))
    else:
        shown = f"every {days} days" if days else "the default from tie strength"
        messages.success(request, f"Cadence for {target}: {shown}.")
    return _back(request, "tend")


@login_required
@require_POST
def snooze_person(request: HttpRequest) -> HttpResponse:
    person = owned_person(request, _int(request.POST.get("person"), "person"))
    try:
        raw = request.POST.get("until", "").strip()
        until = _date(raw, "date") if raw else None
        tend.snooze(request.user, person, until)
    except GoodwillError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Snoozed {person.name} until {until.isoformat()}."
            if until
            else f"{person.name} is back on your reminders.",
        )
    return _back(request, "tend")


# -- ledger -----


@login_required
def ledger_page(request: HttpRequest) -> HttpResponse:
    payload = ledger.ledger_payload(request.user)
    payload["owed"] = [b for b in payload["balances"] if b["balance"] < 0]
    return render(request, "web/practice/ledger.html", {"ledger": payload})


@login_required
@require_POST
def thank_favour(request: HttpRequest, favour_id: int) -> HttpResponse:
    favour = (
        Favour.objects.filter(owner=request.user, pk=favour_id).select_related("person").first()
    )
    if favour is None:
        raise Http404("no such favour")
    try:
        ledger.thank(request.user, favour_id=favour.id)
    except GoodwillError as exc:
        notice, ok = str(exc), False
    else:
        notice, ok = f"Thanked {favour.person.name} for: {favour.what}.", True
    if wants_fragment(request):
        context = {"notice": notice, "ok": ok}
        return varies_on_htmx(render(request, "web/practice/_done.html", context))
    (messages.success if ok else messages.error)(request, notice)
    return _back(request, "ledger")


# -- overtures and referrals -----


@login_required
def overtures_page(request: HttpRequest) -> HttpResponse:
    return render(
        request, "web/practice/overtures.html", {"o": overtures.overtures_payload(request.user)}
    )


@login_required
def referrals_page(request: HttpRequest) -> HttpResponse:
    form = {"status": "open"}
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in REFERRAL_FIELDS}
        try:
            value = None
            if form["value"]:
                try:
                    value = Decimal(form["value"])
                except InvalidOperation:
                    raise UsageError("invalid value: give an amount like 250 or 99.50") from None
            people = [resolve(request.user, form[k]) for k in ("referrer", "referred", "to")]
            found = referrals.record_referral(
                request.user, people[0], people[1], people[2], form["what"], value=value,
                status=form["status"] or "open",
                channel=form["channel"] or None,
            )  # fmt: skip
        except GoodwillError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Recorded referral #{found.id}: {found.what}.")
            return redirect("referrals")
    context = {
        "r": referrals.referrals_payload(request.user),
        "form": form,
        "statuses": REFERRAL_STATUSES,
        "channels": list(Channel.objects.filter(owner=request.user).values_list("key", "name")),
    }
    return render(request, "web/practice/referrals.html", context)


REFERRAL_FIELDS = ("referrer", "referred", "to", "what", "value", "status", "channel")


# -- next actions -----


@login_required
def next_page(request: HttpRequest) -> HttpResponse:
    actions = next_actions.next_actions(request.user)
    return render(request, "web/practice/next.html", {"actions": actions})


@login_required
@require_POST
def action_done(request: HttpRequest) -> HttpResponse:
    try:
        done = next_actions.mark_done(request.user, request.POST.get("key", ""))
    except GoodwillError as exc:
        notice, ok, status = str(exc), False, exc.http_status
    else:
        notice, ok, status = f"Done: {done['done']}.", True, 200
    if wants_fragment(request):
        response = render(request, "web/practice/_done.html", {"notice": notice, "ok": ok})
        # 404 for another user's ids; an htmx swap still shows the one line.
        response.status_code = 404 if status == 404 else 200
        return varies_on_htmx(response)
    if status == 404:
        raise Http404(notice)
    (messages.success if ok else messages.error)(request, notice)
    return _back(request, "next_actions")


# -- reminders -----


NEW_FEED_KEY = "goodwill-new-feed-token"


@login_required
def reminders_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "regenerate":
                _, token = reminders.regenerate_token(request.user)
                # Shown on the next page only: just its hash is kept.
                request.session[NEW_FEED_KEY] = token
                messages.success(request, "A new feed address: any old one no longer works.")
            elif action == "digest":
                reminders.set_digest(
                    request.user, request.POST.get("digest", ""), request.POST.get("email", "")
                )
                messages.success(request, "Digest settings saved.")
            elif action == "send":
                # Building it scores the whole network: the worker does that, not this request.
                to = reminders.recipient(request.user, reminders.settings_for(request.user))
                tasks.send_digest.enqueue(request.user.pk)
                messages.success(request, f"The digest is on its way to {to}.")
            else:
                raise UsageError("unknown action")
        except GoodwillError as exc:
            messages.error(request, str(exc))
        return redirect("reminders")
    found = reminders.settings_for(request.user)
    token = request.session.pop(NEW_FEED_KEY, None)
    feed = token and request.build_absolute_uri(reverse("calendar_feed", kwargs={"token": token}))
    context = {
        "settings": found,
        "feed_url": feed,
        "frequencies": DIGEST_FREQUENCIES,
        "cadences": tend.cadences_payload(request.user),
    }
    return render(request, "web/practice/reminders.html", context)


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private .ics feed: no login, the secret token in the URL is the key."""
    if request.method not in {"GET", "HEAD"}:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    owner = reminders.owner_for_token(token)
    if owner is None:
        raise Http404("no such feed")
    response = HttpResponse(reminders.calendar(owner), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="goodwill.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


# -- fragments -----


@login_required
def person_practice_panel(request: HttpRequest, person_id: int) -> HttpResponse:
    person = owned_person(request, person_id)
    context: dict[str, object] = {"person": person}
    if not person.is_me:
        found = ledger.favour_facts(request.user, person)
        stopped = person.id in overtures.stop_list(request.user)
        sent = Overture.objects.filter(owner=request.user, person=person)
        context.update(
            due=tend.person_tend(request.user, person),
            given=sum(f.direction == "given" for f in found),
            received=sum(f.direction == "received" for f in found),
            unthanked=[f for f in found if f.direction == "received" and f.acknowledged_on is None],
            overtures_sent=sent.count(),
            overtures_answered=sent.exclude(answered_at=None).count(),
            stopped=stopped,
            snoozed=person.snoozes.filter(owner=request.user).first(),
        )
    return varies_on_htmx(render(request, "web/practice/_person_panel.html", context))


@login_required
def home_next_panel(request: HttpRequest) -> HttpResponse:
    actions = next_actions.next_actions(request.user, limit=PANEL_ROWS)
    return varies_on_htmx(render(request, "web/practice/_next_panel.html", {"actions": actions}))


@login_required
def home_losing_touch_panel(request: HttpRequest) -> HttpResponse:
    payload = tend.tend_payload(request.user, limit=PANEL_ROWS)
    return varies_on_htmx(render(request, "web/practice/_losing_panel.html", {"tend": payload}))


@login_required
def home_thanks_panel(request: HttpRequest) -> HttpResponse:
    owed = ledger.ledger_payload(request.user, with_introductions=False)["to_thank"]
    context = {
        "favours": owed[:PANEL_ROWS],
        "favours_more": max(0, len(owed) - PANEL_ROWS),
        "referrals": referrals.referrers_to_thank(request.user)[:PANEL_ROWS],
    }
    return varies_on_htmx(render(request, "web/practice/_thanks_panel.html", context))
