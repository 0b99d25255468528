"""Workspaces as the CLI, the web app and the API use them.

Every function takes the acting user and checks membership first: a workspace the user is not
in answers "not found", exactly like one that does not exist.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from goodwill.errors import Ambiguous, ConfigError, Conflict, NotFound, RateLimited, UsageError
from goodwill.people.models import Identity, Person
from goodwill.workspaces import mail, pool
from goodwill.workspaces.models import (
    LEVEL_RANK,
    LEVELS,
    PENDING_INTRO,
    AuditEntry,
    HiddenContact,
    IntroRequest,
    Invitation,
    Membership,
    Notification,
    Post,
    Workspace,
    digest,
)

INVITATION_DAYS = 7
INTRO_DAYS = 14
_ID_REF = re.compile(r"^#?(\d+)$")


def site_url() -> str:
    """Where links in e-mails point when no web request is at hand (the CLI)."""
    return os.environ.get("GOODWILL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def display_name(user: AbstractBaseUser) -> str:
    return str(user.get_full_name() or user.get_username())  # type: ignore[attr-defined]


# -- finding ---------------------------------------------------------------------------------


def mine(user: AbstractBaseUser) -> QuerySet[Workspace]:
    return Workspace.objects.filter(memberships__user=user).order_by("name", "id")


def membership(user: AbstractBaseUser, workspace_id: int) -> Membership:
    found = (
        Membership.objects.select_related("workspace", "user")
        .filter(user=user, workspace_id=workspace_id)
        .first()
    )
    if found is None:
        raise NotFound(f"no group #{workspace_id}")
    return found


def find(user: AbstractBaseUser, ref: str) -> Membership:
    """A workspace of the user's, named as ``#ID``, an id or its name."""
    text = (ref or "").strip()
    if not text:
        raise UsageError("name a group: #ID or its name")
    if match := _ID_REF.match(text):
        return membership(user, int(match.group(1)))
    hits = list(
        Membership.objects.select_related("workspace", "user")
        .filter(user=user, workspace__name__iexact=text)
        .order_by("workspace_id")
    )
    if not hits:
        raise NotFound(f"no group named {text!r}")
    if len(hits) > 1:
        ids = ", ".join(f"#{m.workspace_id}" for m in hits)
        raise Ambiguous(f"several groups are named {text!r}: {ids}; name one as #ID")
    return hits[0]


def owner_only(member: Membership) -> None:
    if member.role != "owner":
        raise Conflict("only the group's owners can do that")


def other_member(member: Membership, who: str) -> Membership:
    """A fellow member named by user id (``#ID``), username, full name or e-mail."""
    text = (who or "").strip()
    if not text:
        raise UsageError("name a member: their username, name or #ID")
    rows = Membership.objects.select_related("user").filter(workspace=member.workspace)
    if match := _ID_REF.match(text):
        hits = list(rows.filter(user_id=int(match.group(1))))
    else:
        hits = list(rows.filter(Q(user__username__iexact=text) | Q(user__email__iexact=text)))
        if not hits:
            hits = [m for m in rows if display_name(m.user).lower() == text.lower()]
    if not hits:
        raise NotFound(f"no member {text!r} in {member.workspace.name}")
    if len(hits) > 1:
        raise Ambiguous(f"{text!r} names several members; use their username")
    return hits[0]


# -- workspaces, invitations, membership -----------------------------------------------------


@transaction.atomic
def create(user: AbstractBaseUser, name: str, description: str = "") -> Membership:
    name = name.strip()
    if not name:
        raise UsageError("a group needs a name")
    workspace = Workspace.objects.create(
        name=name[:120], description=description.strip(), created_by=user
    )
    return Membership.objects.create(workspace=workspace, user=user, role="owner")


def invite(
    member: Membership, email: str = "", *, days: int = INVITATION_DAYS, base_url: str = ""
) -> tuple[Invitation, str]:
    """A new invitation and its link (shown once; only its hash is stored)."""
    owner_only(member)
    if days < 1:
        raise UsageError("an invitation lasts at least one day")
    token = secrets.token_urlsafe(24)
    invitation = Invitation.objects.create(
        workspace=member.workspace,
        created_by=member.user,
        email=email.strip(),
        token_digest=digest(token),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    link = (base_url or site_url()) + reverse("workspace_join", args=[token])
    if invitation.email:
        mail.send(
            invitation.email,
            f"Join {member.workspace.name} on goodwill",
            f"{display_name(member.user)} invites you to the group {member.workspace.name}.\n\n"
            f"Join here (the link works until {invitation.expires_at:%d %b %Y}):\n{link}\n",
        )
    return invitation, link


def invitation_for(token: str) -> Invitation:
    found = (
        Invitation.objects.select_related("workspace").filter(token_digest=digest(token)).first()
    )
    if found is None:
        raise NotFound("this invitation link is not valid")
    if found.accepted_at is not None:
        raise Conflict("this invitation has already been used")
    if found.expired:
        raise Conflict(f"this invitation expired on {found.expires_at:%d %b %Y}; ask for a new one")
    return found


@transaction.atomic
def join(user: AbstractBaseUser, token: str) -> Membership:
    invitation = invitation_for(token)
    existing = Membership.objects.filter(workspace=invitation.workspace, user=user).first()
    if existing is not None:
        return existing
    # Claimed only if still unclaimed: of two people joining at once, one gets it.
    claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_by=user, accepted_at=timezone.now()
    )
    if not claimed:
        mine = Membership.objects.filter(workspace=invitation.workspace, user=user).first()
        if mine is not None:  # the same person, twice at once (a double click)
            return mine
        raise Conflict("this invitation has just been used by someone else; ask for a new one")
    try:
        with transaction.atomic():
            joined = Membership.objects.create(workspace=invitation.workspace, user=user)
    except IntegrityError:
        raise Conflict(f"you are already a member of {invitation.workspace.name}") from None
    for owner in invitation.workspace.memberships.filter(role="owner").select_related("user"):
        notify(
            owner.user,
            invitation.workspace,
            f"{display_name(user)} joined {invitation.workspace.name}",
            reverse("workspace", args=[invitation.workspace.id]),
        )
    return joined


def set_sharing(
    member: Membership, level: str | None = None, never_connector: bool | None = None
) -> Membership:
    if level is not None:
        if level not in LEVEL_RANK:
            allowed = ", ".join(value for value, _ in LEVELS)
            raise UsageError(f"unknown sharing level {level!r} (one of: {allowed})")
        member.level = level
    if never_connector is not None:
        member.never_connector = never_connector
    member.save(update_fields=["level", "never_connector"])
    return member


def hide(member: Membership, person: Person, hidden: bool = True) -> None:
    if person.owner_id != member.user_id or person.is_me:
        raise NotFound(f"no person #{person.id}")
    if hidden:
        HiddenContact.objects.get_or_create(membership=member, person=person)
    else:
        HiddenContact.objects.filter(membership=member, person=person).delete()


def hidden_people(member: Membership) -> QuerySet[Person]:
    return Person.objects.filter(
        id__in=HiddenContact.objects.filter(membership=member).values("person_id")
    ).order_by("name", "id")


@transaction.atomic
def _drop(member: Membership) -> None:
    """A member's data leaves with them: posts, hidden list, pending requests."""
    workspace, user = member.workspace, member.user
    Post.objects.filter(workspace=workspace, member=user).delete()
    IntroRequest.objects.filter(workspace=workspace, status__in=PENDING_INTRO).filter(
        Q(requester=user) | Q(connector=user)
    ).update(status="cancelled", decided_at=timezone.now())
    member.delete()
    if not workspace.memberships.exists():
        workspace.delete()


def leave(member: Membership) -> None:
    others = member.workspace.memberships.exclude(pk=member.pk)
    if member.role == "owner" and others.exists() and not others.filter(role="owner").exists():
        raise Conflict("you are the only owner: make another member an owner first")
    _drop(member)


def remove(member: Membership, who: str) -> Membership:
    owner_only(member)
    target = other_member(member, who)
    if target.pk == member.pk:
        raise UsageError("to leave the group yourself, use leave")
    _drop(target)
    notify(target.user, None, f"You were removed from {member.workspace.name}", "")
    return target


def promote(member: Membership, who: str) -> Membership:
    owner_only(member)
    target = other_member(member, who)
    target.role = "owner"
    target.save(update_fields=["role"])
    return target


# -- notifications and the audit log -------------------------------------------------------


def notify(
    user: AbstractBaseUser,
    workspace: Workspace | None,
    text: str,
    link: str,
    *,
    body: str = "",
    base_url: str = "",
) -> Notification:
    note = Notification.objects.create(user=user, workspace=workspace, text=text[:300], link=link)
    address = getattr(user, "email", "")
    if address:
        full_link = (base_url or site_url()) + link if link else ""
        mail.send(address, text, (body or text) + (f"\n\n{full_link}\n" if full_link else "\n"))
    return note


def audit(member: Membership, action: str, detail: str = "") -> None:
    AuditEntry.objects.create(
        workspace=member.workspace, actor=member.user, action=action, detail=detail[:300]
    )


def audit_log(member: Membership, limit: int = 200) -> list[dict[str, Any]]:
    owner_only(member)
    rows = AuditEntry.objects.filter(workspace=member.workspace).select_related("actor")
    return [
        {
            "when": e.created_at.isoformat(),
            "who": display_name(e.actor) if e.actor else "(gone)",
            "action": e.action,
            "detail": e.detail,
        }
        for e in rows[:limit]
    ]


# -- lookups in the pool (each one audited) -------------------------------------------------


def counted_lookups_per_hour() -> int:
    raw = os.environ.get("GOODWILL_GROUP_LOOKUPS_PER_HOUR", "30")
    try:
        return max(1, int(raw))
    except ValueError:
        raise ConfigError(
            f"GOODWILL_GROUP_LOOKUPS_PER_HOUR={raw!r} is not a whole number"
        ) from None


def _limit_counted_lookups(member: Membership, built: pool.Pool) -> None:
    """Counts-level members' numbers answer at most so many lookups an hour, per member."""
    if not any(m.level == "counts" and m.user_id != member.user_id for m in built.memberships):
        return
    since = timezone.now() - dt.timedelta(hours=1)
    done = AuditEntry.objects.filter(
        workspace=member.workspace, actor=member.user, action="who-knows", created_at__gte=since
    ).count()
    limit = counted_lookups_per_hour()
    if done >= limit:
        audit(member, "who-knows-limit", "")
        raise RateLimited(
            f"at most {limit} who-knows lookups an hour in a group where members share only "
            "counts; try again later"
        )


def who_knows(member: Membership, text: str) -> dict[str, Any]:
    built = pool.build(member.workspace, member.user)
    _limit_counted_lookups(member, built)
    audit(member, "who-knows", text)
    return _strip_nodes(pool.who_knows(built, text))


def reach(member: Membership, text: str) -> dict[str, Any]:
    audit(member, "reach", text)
    return pool.reach(pool.build(member.workspace, member.user), text)


def contacts(member: Membership, who: str) -> dict[str, Any]:
    other = other_member(member, who)
    audit(member, "contacts", display_name(other.user))
    built = pool.build(member.workspace, member.user)
    node = built.member_of(other.user_id)
    payload = pool.member_contacts(built, node)
    overlap = pool.member_overlap(built, node) if node != built.viewer else None
    if overlap is not None:
        payload["overlap"] = overlap
    return payload


def _strip_nodes(payload: dict[str, Any]) -> dict[str, Any]:
    # Node numbers are an artefact of one build; they mean nothing to a caller.
    for person in payload.get("people", []):
        person.pop("node", None)
    return payload


# -- double opt-in introductions -------------------------------------------------------------


def _intro_link(intro: IntroRequest) -> str:
    return reverse("workspace_request", args=[intro.id])


@transaction.atomic
def ask(
    member: Membership, connector_ref: str, target: str, note: str = "", *, base_url: str = ""
) -> IntroRequest:
    """Ask a fellow member to introduce you to someone they know (and share by name)."""
    connector = other_member(member, connector_ref)
    if connector.pk == member.pk:
        raise UsageError("ask another member: you cannot introduce yourself")
    if connector.never_connector:
        raise Conflict(f"{display_name(connector.user)} does not make introductions")
    built = pool.build(member.workspace, member.user)
    record = pool.record_of(built, built.member_of(connector.user_id), target)
    audit(member, "ask", f"{display_name(connector.user)} → {target.strip()}"[:300])
    if record is None:
        # The same answer whether the person is absent, hidden or not shared by name.
        raise NotFound(f"{display_name(connector.user)} shares no one named {target.strip()!r}")
    intro = IntroRequest.objects.create(
        workspace=member.workspace,
        requester=member.user,
        connector=connector.user,
        target_person_id=record.person_id,
        target_name=record.name,
        note=note.strip(),
        expires_at=timezone.now() + dt.timedelta(days=INTRO_DAYS),
    )
    notify(
        connector.user,
        member.workspace,
        f"{display_name(member.user)} asks you to introduce them to {record.name}",
        _intro_link(intro),
        body=f"Their note: {intro.note or '(none)'}\n\nAccept or decline in goodwill:",
        base_url=base_url,
    )
    return intro


def requests_for(user: AbstractBaseUser) -> QuerySet[IntroRequest]:
    return (
        IntroRequest.objects.filter(Q(requester=user) | Q(connector=user))
        .select_related("workspace", "requester", "connector")
        .order_by("-created_at", "-id")
    )


def request_for(user: AbstractBaseUser, intro_id: int) -> IntroRequest:
    found = requests_for(user).filter(pk=intro_id).first()
    if found is None or not found.workspace.memberships.filter(user=user).exists():
        raise NotFound(f"no introduction request #{intro_id}")
    return found


def _pending(intro: IntroRequest, status: str) -> None:
    if intro.expired:
        raise Conflict(f"this introduction request expired on {intro.expires_at:%d %b %Y}")
    if intro.status != status:
        raise Conflict(f"this introduction request is already {intro.get_status_display().lower()}")


def _target_email(intro: IntroRequest, given: str) -> str:
    if given.strip():
        return given.strip()
    known = (
        Identity.objects.filter(person_id=intro.target_person_id, channel="email")
        .order_by("id")
        .values_list("value", flat=True)
        .first()
    )
    if not known:
        raise UsageError(f"give an e-mail address for {intro.target_name}")
    return known


@transaction.atomic
def connector_accept(
    user: AbstractBaseUser, intro_id: int, email: str = "", *, base_url: str = ""
) -> IntroRequest:
    intro = request_for(user, intro_id)
    if intro.connector_id != user.pk:
        raise NotFound(f"no introduction request #{intro_id}")
    _pending(intro, "asked")
    intro.target_email = _target_email(intro, email)
    token = secrets.token_urlsafe(24)
    intro.target_token_digest = digest(token)
    intro.status = "forwarded"
    intro.answered_at = timezone.now()
    intro.save()
    base = base_url or site_url()
    requester, connector = display_name(intro.requester), display_name(intro.connector)
    mail.send(
        intro.target_email,
        f"{connector} would like to introduce you to {requester}",
        f"Hello {intro.target_name},\n\n{connector} (of {intro.workspace.name}) would like to "
        f"introduce you to {requester}.\n\n{requester} writes: {intro.note or '(no note)'}\n\n"
        f"Accept: {base}{reverse('workspace_intro_answer', args=[token, 'accept'])}\n"
        f"Decline: {base}{reverse('workspace_intro_answer', args=[token, 'decline'])}\n\n"
        f"Nothing happens unless you accept. The links work until "
        f"{intro.expires_at:%d %b %Y}.\n",
    )
    notify(
        intro.requester,
        intro.workspace,
        f"{connector} agreed to introduce you to {intro.target_name}; waiting for their answer",
        _intro_link(intro),
        base_url=base_url,
    )
    return intro


@transaction.atomic
def connector_decline(user: AbstractBaseUser, intro_id: int, reason: str = "") -> IntroRequest:
    intro = request_for(user, intro_id)
    if intro.connector_id != user.pk:
        raise NotFound(f"no introduction request #{intro_id}")
    _pending(intro, "asked")
    intro.status = "declined"
    intro.connector_reason = reason.strip()
    intro.decided_at = intro.answered_at = timezone.now()
    intro.save()
    notify(
        intro.requester,
        intro.workspace,
        f"{display_name(intro.connector)} could not introduce you to {intro.target_name}",
        _intro_link(intro),
    )
    return intro


def answerable(intro: IntroRequest) -> None:
    """Raise when the person introduced can no longer answer (expired or already answered)."""
    _pending(intro, "forwarded")


def intro_for_token(token: str) -> IntroRequest:
    found = (
        IntroRequest.objects.select_related("workspace", "requester", "connector")
        .filter(target_token_digest=digest(token))
        .exclude(target_token_digest="")
        .first()
    )
    if found is None:
        raise NotFound("this introduction link is not valid")
    return found


def _person_in(owner: AbstractBaseUser, name: str, email: str) -> Person:
    """The owner's person with this e-mail, created when they have none."""
    from goodwill.identity import normalise
    from goodwill.people.services import create_person

    try:
        key = normalise("email", email) if email else ""
    except ValueError:
        key = ""
    if key:
        hit = Identity.objects.filter(owner=owner, channel="email", value=key).first()
        if hit is not None:
            return hit.person
    return create_person(owner, name, identities=[("email", email)] if key else [])


@transaction.atomic
def target_answer(token: str, accept: bool) -> IntroRequest:
    intro = intro_for_token(token)
    _pending(intro, "forwarded")
    intro.decided_at = timezone.now()
    requester, connector = display_name(intro.requester), display_name(intro.connector)
    if not accept:
        intro.status = "refused"
        intro.save()
        for user in (intro.requester, intro.connector):
            notify(
                user,
                intro.workspace,
                f"{intro.target_name} declined the introduction to {requester}",
                _intro_link(intro),
            )
        return intro
    intro.status = "introduced"
    intro.draft = (
        f"Subject: Introducing {requester} and {intro.target_name}\n\n"
        f"Hello {intro.target_name} and {requester},\n\n"
        f"I'm glad you both said yes. {requester}: {intro.target_name} is someone I know "
        f"and trust. {intro.target_name}: {requester} is a fellow member of "
        f"{intro.workspace.name}, who writes: {intro.note or '(no note)'}\n\n"
        f"I'll leave you two to it.\n{connector}\n"
    )
    intro.save()
    _log_on_timelines(intro)
    notify(
        intro.connector,
        intro.workspace,
        f"{intro.target_name} accepted: your introduction to {requester} is drafted",
        _intro_link(intro),
        body=f"The draft, ready to send to {intro.target_email}:\n\n{intro.draft}",
    )
    notify(
        intro.requester,
        intro.workspace,
        f"{intro.target_name} accepted: {connector} will introduce you",
        _intro_link(intro),
    )
    return intro


def _log_on_timelines(intro: IntroRequest) -> None:
    from goodwill.activity.services import log_interaction

    requester, connector = intro.requester, intro.connector
    subject = f"Introduction: {display_name(requester)} and {intro.target_name}"
    target_here = intro.target_person
    to_requester = _person_in(connector, display_name(requester), requester.email)
    people = [to_requester] + ([target_here] if target_here is not None else [])
    log_interaction(connector, "email", people, subject=subject, direction="out")
    to_connector = _person_in(requester, display_name(connector), connector.email)
    target_there = _person_in(requester, intro.target_name, intro.target_email)
    log_interaction(requester, "email", [to_connector, target_there], subject=subject)


def intro_payload(intro: IntroRequest, viewer: AbstractBaseUser) -> dict[str, Any]:
    """What the viewer may see: the reason and e-mail only to the connector."""
    payload: dict[str, Any] = {
        "id": intro.id,
        "group": {"id": intro.workspace_id, "name": intro.workspace.name},
        "requester": {"member": intro.requester_id, "name": display_name(intro.requester)},
        "connector": {"member": intro.connector_id, "name": display_name(intro.connector)},
        "target": intro.target_name,
        "note": intro.note,
        "status": intro.shown_status,
        "expires_at": intro.expires_at.isoformat(),
        "created_at": intro.created_at.isoformat(),
    }
    if viewer.pk == intro.connector_id:
        payload["reason"] = intro.connector_reason
        payload["target_email"] = intro.target_email
        payload["draft"] = intro.draft
    return payload


# -- the group page and the weekly report ---------------------------------------------------


def members_payload(member: Membership) -> list[dict[str, Any]]:
    rows = member.workspace.memberships.select_related("user").order_by("id")
    return [
        {
            "member": m.user_id,
            "username": m.user.get_username(),
            "name": display_name(m.user),
            "role": m.role,
            "level": m.level,
            "never_connector": m.never_connector,
        }
        for m in rows
    ]


def workspace_payload(member: Membership) -> dict[str, Any]:
    return {
        "id": member.workspace_id,
        "name": member.workspace.name,
        "description": member.workspace.description,
        "role": member.role,
        "level": member.level,
        "never_connector": member.never_connector,
        "members": members_payload(member),
    }
