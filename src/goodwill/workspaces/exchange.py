"""Referral slips and thanks for closed business, one-to-ones, asks and offers matched across
members, and the weekly group report."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from goodwill.errors import Conflict, NotFound, UsageError
from goodwill.workspaces import mail
from goodwill.workspaces.models import (
    POST_KINDS,
    IntroRequest,
    Meeting,
    Membership,
    Post,
    ReferralSlip,
)
from goodwill.workspaces.services import display_name, notify, other_member

STOPWORDS = frozenset(
    "a an and for the to of in on with who someone anyone need looking can help my our "  # noqa: SIM905
    "your from into about have has will would like".split()
)


# -- referrals, one-to-ones, asks and offers ------------------------------------------------


def parse_value(text: str | None) -> Decimal | None:
    if text is None or str(text).strip() == "":
        return None
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        raise UsageError(f"not an amount: {text!r}") from None
    if value < 0 or not value.is_finite():
        raise UsageError(f"not an amount: {text!r}")
    return value.quantize(Decimal("0.01"))


def refer(member: Membership, to: str, what: str) -> ReferralSlip:
    receiver = other_member(member, to)
    if receiver.pk == member.pk:
        raise UsageError("a referral slip goes to another member")
    if not what.strip():
        raise UsageError("say what the referral is")
    slip = ReferralSlip.objects.create(
        workspace=member.workspace, giver=member.user, receiver=receiver.user, what=what.strip()
    )
    notify(
        receiver.user,
        member.workspace,
        f"{display_name(member.user)} gave you a referral: {slip.what}",
        reverse("workspace", args=[member.workspace_id]),
    )
    return slip


def close_referral(
    user: AbstractBaseUser, slip_id: int, value: str | None, thanks: str = "", lost: bool = False
) -> ReferralSlip:
    slip = ReferralSlip.objects.filter(pk=slip_id, receiver=user).select_related("giver").first()
    if slip is None or not slip.workspace.memberships.filter(user=user).exists():
        raise NotFound(f"no referral slip #{slip_id} given to you")
    if slip.status != "open":
        raise Conflict(f"referral slip #{slip_id} is already {slip.get_status_display().lower()}")
    slip.status = "lost" if lost else "closed"
    slip.value = None if lost else parse_value(value)
    slip.thanks = thanks.strip()
    slip.closed_at = timezone.now()
    slip.save()
    if not lost:
        worth = f" worth {slip.value}" if slip.value is not None else ""
        notify(
            slip.giver,
            slip.workspace,
            f"Thank you from {display_name(user)}: your referral closed{worth}",
            reverse("workspace", args=[slip.workspace_id]),
            body=slip.thanks or "",
        )
    return slip


def slip_payload(slip: ReferralSlip) -> dict[str, Any]:
    return {
        "id": slip.id,
        "giver": display_name(slip.giver),
        "receiver": display_name(slip.receiver),
        "what": slip.what,
        "status": slip.status,
        "value": str(slip.value) if slip.value is not None else None,
        "thanks": slip.thanks,
        "created_at": slip.created_at.isoformat(),
    }


def meet(member: Membership, with_: str, on: dt.date | None = None, note: str = "") -> Meeting:
    other = other_member(member, with_)
    if other.pk == member.pk:
        raise UsageError("a one-to-one is with another member")
    return Meeting.objects.create(
        workspace=member.workspace,
        a=member.user,
        b=other.user,
        met_on=on or timezone.localdate(),
        note=note.strip(),
    )


def post(member: Membership, kind: str, text: str) -> Post:
    if kind not in dict(POST_KINDS):
        raise UsageError(f"unknown kind {kind!r} (one of: ask, offer)")
    if not text.strip():
        raise UsageError(f"say what the {kind} is")
    return Post.objects.create(
        workspace=member.workspace, member=member.user, kind=kind, text=text.strip()[:300]
    )


def _terms(text: str) -> set[str]:
    words = re.findall(r"[a-z]{3,}", text.lower())
    return {w.rstrip("s") for w in words if w not in STOPWORDS}


def matches(member: Membership) -> list[dict[str, Any]]:
    """Asks and offers by different members that share meaningful words."""
    posts = list(Post.objects.filter(workspace=member.workspace).select_related("member"))
    asks = [p for p in posts if p.kind == "ask"]
    offers = [p for p in posts if p.kind == "offer"]
    found = []
    for a in asks:
        for o in offers:
            common = _terms(a.text) & _terms(o.text)
            if a.member_id != o.member_id and common:
                found.append(
                    {
                        "ask": {"id": a.id, "member": display_name(a.member), "text": a.text},
                        "offer": {"id": o.id, "member": display_name(o.member), "text": o.text},
                        "words": sorted(common),
                    }
                )
    found.sort(key=lambda m: (-len(m["words"]), m["ask"]["id"], m["offer"]["id"]))
    return found


def report(member: Membership, days: int = 7) -> dict[str, Any]:
    workspace = member.workspace
    since = timezone.now() - dt.timedelta(days=days)
    intros = Counter(
        i.shown_status
        for i in IntroRequest.objects.filter(workspace=workspace, created_at__gte=since)
    )
    slips = ReferralSlip.objects.filter(workspace=workspace)
    given = slips.filter(created_at__gte=since).select_related("giver")
    closed = slips.filter(closed_at__gte=since, status="closed")
    givers = Counter(display_name(s.giver) for s in given)
    return {
        "group": {"id": workspace.id, "name": workspace.name},
        "since": since.date().isoformat(),
        "days": days,
        "members": workspace.memberships.count(),
        "joined": workspace.memberships.filter(joined_at__gte=since).count(),
        "introductions": dict(sorted(intros.items())),
        "referrals_given": given.count(),
        "referrals_closed": closed.count(),
        "closed_value": str(
            Decimal(closed.aggregate(total=Sum("value"))["total"] or 0).quantize(Decimal("0.01"))
        ),
        "top_givers": [{"name": n, "referrals": c} for n, c in givers.most_common(5)],
        "one_to_ones": Meeting.objects.filter(workspace=workspace, created_at__gte=since).count(),
        "asks": Post.objects.filter(workspace=workspace, kind="ask", created_at__gte=since).count(),
        "offers": Post.objects.filter(
            workspace=workspace, kind="offer", created_at__gte=since
        ).count(),
        "matches": len(matches(member)),
    }


def report_text(payload: dict[str, Any]) -> str:
    intros = ", ".join(f"{n} {s}" for s, n in payload["introductions"].items()) or "none"
    givers = ", ".join(f"{g['name']} ({g['referrals']})" for g in payload["top_givers"]) or "none"
    return (
        f"{payload['group']['name']}: the week since {payload['since']}\n"
        f"Members: {payload['members']} ({payload['joined']} new)\n"
        f"Introductions asked: {intros}\n"
        f"Referrals given: {payload['referrals_given']}; closed: {payload['referrals_closed']} "
        f"worth {payload['closed_value']}\n"
        f"Top givers: {givers}\n"
        f"One-to-ones: {payload['one_to_ones']}; asks: {payload['asks']}; offers: "
        f"{payload['offers']}; matches: {payload['matches']}\n"
    )


def send_report(member: Membership, days: int = 7) -> int:
    """E-mail the report to every member with an address; returns how many were sent."""
    text = report_text(report(member, days))
    sent = 0
    for m in member.workspace.memberships.select_related("user"):
        if m.user.email and mail.send(
            m.user.email, f"{member.workspace.name}: weekly report", text
        ):
            sent += 1
    return sent
