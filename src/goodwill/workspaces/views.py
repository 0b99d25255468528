"""Web pages of group workspaces. Another group's pages answer 404, as if they did not exist."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from goodwill.activity.services import parse_day
from goodwill.errors import GoodwillError, NotFound
from goodwill.people.services import resolve
from goodwill.web.views.common import varies_on_htmx, wants_fragment
from goodwill.workspaces import exchange, services
from goodwill.workspaces.models import LEVELS, Membership, Notification, Post, ReferralSlip

View = Callable[..., HttpResponse]


def _member(request: HttpRequest, workspace_id: int) -> Membership:
    try:
        return services.membership(request.user, workspace_id)  # type: ignore[arg-type]
    except NotFound:
        raise Http404("no such group") from None


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _back(request: HttpRequest, member: Membership, error: Exception | None = None) -> HttpResponse:
    if error is not None:
        messages.error(request, str(error))
    return redirect("workspace", member.workspace_id)


@login_required
def workspaces(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            created = services.create(
                request.user,  # type: ignore[arg-type]
                request.POST.get("name", ""),
                request.POST.get("description", ""),
            )
        except GoodwillError as exc:
            messages.error(request, str(exc))
            return redirect("workspaces")
        messages.success(request, f"Created the group {created.workspace.name}.")
        return redirect("workspace", created.workspace_id)
    rows = (
        Membership.objects.filter(user=request.user)
        .select_related("workspace")
        .order_by("workspace__name", "workspace_id")
    )
    pending = services.requests_for(request.user).filter(  # type: ignore[arg-type]
        connector=request.user, status="asked"
    )
    unread = Notification.objects.filter(user=request.user, read_at=None).count()
    context = {"memberships": rows, "pending": pending[:20], "unread": unread}
    return render(request, "workspaces/list.html", context)


@login_required
def workspace(request: HttpRequest, workspace_id: int) -> HttpResponse:
    member = _member(request, workspace_id)
    slips = ReferralSlip.objects.filter(workspace=member.workspace).select_related(
        "giver", "receiver"
    )
    posts = Post.objects.filter(workspace=member.workspace).select_related("member")
    context = {
        "member": member,
        "workspace": member.workspace,
        "members": services.members_payload(member),
        "levels": LEVELS,
        "hidden": services.hidden_people(member)[:100],
        "slips": slips[:30],
        "posts": posts[:30],
        "matches": exchange.matches(member)[:10],
        "today": timezone.localdate(),
    }
    return render(request, "workspaces/detail.html", context)


@login_required
@require_POST
def sharing(request: HttpRequest, workspace_id: int) -> HttpResponse:
    member = _member(request, workspace_id)
    try:
        services.set_sharing(
            member,
            request.POST.get("level", member.level),
            request.POST.get("never_connector") == "on",
        )
    except GoodwillError as exc:
        return _back(request, member, exc)
    messages.success(request, f"Sharing saved: {member.get_level_display()}.")
    return _back(request, member)


@login_required
@require_POST
def hide(request: HttpRequest, workspace_id: int) -> HttpResponse:
    member = _member(request, workspace_id)
    try:
        person = resolve(request.user, request.POST.get("who", ""))  # type: ignore[arg-type]
        hidden = request.POST.get("action", "hide") != "show"
        services.hide(member, person, hidden)
    except GoodwillError as exc:
        return _back(request, member, exc)
    verb = "is hidden from" if hidden else "is shared again with"
    messages.success(request, f"{person.name} {verb} {member.workspace.name}.")
    return _back(request, member)


def _lookup(
    request: HttpRequest, workspace_id: int, name: str, run: Callable[..., dict[str, Any]]
) -> HttpResponse:
    member = _member(request, workspace_id)
    query = request.GET.get("q", "").strip()
    result, error = None, ""
    if query:
        try:
            result = run(member, query)
        except GoodwillError as exc:
            error = str(exc)
    context = {"member": member, "workspace": member.workspace, "q": query}
    context.update(result=result, error=error)
    template = f"workspaces/_{name}.html" if wants_fragment(request) else f"workspaces/{name}.html"
    return varies_on_htmx(render(request, template, context))


@login_required
def who_knows(request: HttpRequest, workspace_id: int) -> HttpResponse:
    return _lookup(request, workspace_id, "who_knows", services.who_knows)


@login_required
def reach(request: HttpRequest, workspace_id: int) -> HttpResponse:
    return _lookup(request, workspace_id, "reach", services.reach)


@login_required
def member_page(request: HttpRequest, workspace_id: int, user_id: int) -> HttpResponse:
    member = _member(request, workspace_id)
    try:
        shared = services.contacts(member, f"#{user_id}")
    except NotFound:
        raise Http404("no such member") from None
    context = {"member": member, "workspace": member.workspace, "shared": shared}
    return render(request, "workspaces/member.html", context)


@login_required
def ask(request: HttpRequest, workspace_id: int) -> HttpResponse:
    member = _member(request, workspace_id)
    data = request.POST if request.method == "POST" else request.GET
    form = {k: data.get(k, "") for k in ("connector", "target", "note")}
    error = ""
    if request.method == "POST":
        try:
            intro = services.ask(
                member, form["connector"], form["target"], form["note"], base_url=_base(request)
            )
        except GoodwillError as exc:
            error = str(exc)
        else:
            messages.success(
                request, f"Asked {intro.connector.get_full_name() or intro.connector}."
            )
            return redirect("workspace_request", intro.id)
    others = [m for m in services.members_payload(member) if m["member"] != member.user_id]
    context = {"member": member, "workspace": member.workspace, "form": form, "error": error}
    context["connectors"] = [m for m in others if not m["never_connector"]]
    context["selected"] = None
    if form["connector"]:
        with contextlib.suppress(GoodwillError):
            context["selected"] = services.other_member(member, form["connector"]).user_id
    return render(request, "workspaces/ask.html", context, status=422 if error else 200)


@login_required
@require_POST
def invite(request: HttpRequest, workspace_id: int) -> HttpResponse:
    member = _member(request, workspace_id)
    try:
        invitation, link = services.invite(
            member, request.POST.get("email", ""), base_url=_base(request)
        )
    except GoodwillError as exc:
        return _back(request, member, exc)
    context = {"member": member, "workspace": member.workspace, "invitation": invitation}
    context["link"] = link
    return render(request, "workspaces/invite.html", context)


@login_required
def join(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_for(token)
    except GoodwillError as exc:
        return render(request, "workspaces/join.html", {"error": str(exc)}, status=410)
    if request.method == "POST":
        try:
            joined = services.join(request.user, token)  # type: ignore[arg-type]
        except GoodwillError as exc:  # someone else joined with it since the page was shown
            return render(request, "workspaces/join.html", {"error": str(exc)}, status=409)
        messages.success(request, f"Welcome to {joined.workspace.name}.")
        return redirect("workspace", joined.workspace_id)
    return render(request, "workspaces/join.html", {"invitation": invitation, "token": token})


@login_required
@require_POST
def leave(request: HttpRequest, workspace_id: int) -> HttpResponse:
    member = _member(request, workspace_id)
    try:
        services.leave(member)
    except GoodwillError as exc:
        return _back(request, member, exc)
    messages.success(request, f"You left {member.workspace.name}; your contacts left with you.")
    return redirect("workspaces")


@login_required
@require_POST
def remove(request: HttpRequest, workspace_id: int, user_id: int) -> HttpResponse:
    member = _member(request, workspace_id)
    try:
        gone = services.remove(member, f"#{user_id}")
    except NotFound:
        raise Http404("no such member") from None
    except GoodwillError as exc:
        return _back(request, member, exc)
    messages.success(request, f"Removed {services.display_name(gone.user)}.")
    return _back(request, member)


@login_required
def requests(request: HttpRequest) -> HttpResponse:
    rows = services.requests_for(request.user)[:100]  # type: ignore[arg-type]
    return render(request, "workspaces/requests.html", {"requests": rows})


@login_required
def request_detail(request: HttpRequest, intro_id: int) -> HttpResponse:
    try:
        intro = services.request_for(request.user, intro_id)  # type: ignore[arg-type]
    except NotFound:
        raise Http404("no such request") from None
    context = {"intro": intro, "is_connector": intro.connector_id == request.user.pk}
    return render(request, "workspaces/request.html", context)


@login_required
@require_POST
def request_answer(request: HttpRequest, intro_id: int, choice: str) -> HttpResponse:
    try:
        if choice == "accept":
            services.connector_accept(
                request.user,  # type: ignore[arg-type]
                intro_id,
                request.POST.get("email", ""),
                base_url=_base(request),
            )
            messages.success(request, "Accepted: the person has been asked by e-mail.")
        else:
            services.connector_decline(
                request.user,  # type: ignore[arg-type]
                intro_id,
                request.POST.get("reason", ""),
            )
            messages.success(request, "Declined. Your reason stays private to you.")
    except NotFound:
        raise Http404("no such request") from None
    except GoodwillError as exc:
        messages.error(request, str(exc))
    return redirect("workspace_request", intro_id)


def intro_answer(request: HttpRequest, token: str, choice: str) -> HttpResponse:
    """The person to be introduced answers from the e-mail's link: no account needed."""
    if choice not in ("accept", "decline"):
        raise Http404("no such answer")
    context: dict[str, Any] = {"choice": choice, "token": token}
    try:
        intro = services.intro_for_token(token)
        context["intro"] = intro
        if request.method == "POST":
            services.target_answer(token, choice == "accept")
            context["done"] = True
        else:
            services.answerable(intro)
    except GoodwillError as exc:
        context["error"] = str(exc)
    status = 410 if context.get("error") and "intro" in context else 200
    if context.get("error") and "intro" not in context:
        status = 404
    return render(request, "workspaces/intro_answer.html", context, status=status)


@login_required
@require_POST
def refer(request: HttpRequest, workspace_id: int) -> HttpResponse:
    member = _member(request, workspace_id)
    try:
        slip = exchange.refer(member, request.POST.get("to", ""), request.POST.get("what", ""))
    except GoodwillError as exc:
        return _back(request, member, exc)
    messages.success(request, f"Referral slip #{slip.id} given to {slip.receiver}.")
    return _back(request, member)


@login_required
@require_POST
def referral_close(request: HttpRequest, slip_id: int) -> HttpResponse:
    try:
        slip = exchange.close_referral(
            request.user,  # type: ignore[arg-type]
            slip_id,
            request.POST.get("value"),
            request.POST.get("thanks", ""),
            lost=request.POST.get("outcome") == "lost",
        )
    except NotFound:
        raise Http404("no such referral") from None
    except GoodwillError as exc:
        messages.error(request, str(exc))
        return redirect("workspaces")
    messages.success(request, f"Referral slip #{slip.id} recorded as {slip.get_status_display()}.")
    return redirect("workspace", slip.workspace_id)


@login_required
@require_POST
def post(request: HttpRequest, workspace_id: int) -> HttpResponse:
    member = _member(request, workspace_id)
    try:
        exchange.post(member, request.POST.get("kind", ""), request.POST.get("text", ""))
    except GoodwillError as exc:
        return _back(request, member, exc)
    messages.success(request, "Posted.")
    return _back(request, member)


@login_required
@require_POST
def meet(request: HttpRequest, workspace_id: int) -> HttpResponse:
    member = _member(request, workspace_id)
    try:
        on = parse_day(request.POST.get("on") or "today")
        exchange.meet(member, request.POST.get("with", ""), on, request.POST.get("note", ""))
    except GoodwillError as exc:
        return _back(request, member, exc)
    messages.success(request, "One-to-one recorded.")
    return _back(request, member)


@login_required
def report(request: HttpRequest, workspace_id: int) -> HttpResponse:
    member = _member(request, workspace_id)
    context = {"member": member, "workspace": member.workspace}
    context["report"] = exchange.report(member)
    return render(request, "workspaces/report.html", context)


@login_required
def audit(request: HttpRequest, workspace_id: int) -> HttpResponse:
    member = _member(request, workspace_id)
    if member.role != "owner":
        raise Http404("no such page")
    context = {"member": member, "workspace": member.workspace}
    context["entries"] = services.audit_log(member)
    return render(request, "workspaces/audit.html", context)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    rows = list(Notification.objects.filter(user=request.user).select_related("workspace")[:100])
    unread = [n.id for n in rows if n.read_at is None]
    if unread:
        Notification.objects.filter(id__in=unread).update(read_at=timezone.now())
    context = {"notifications": rows, "unread": set(unread)}
    return render(request, "workspaces/notifications.html", context)
