"""API endpoints of the workspaces area: groups, the pooled lookups, introductions, referrals.

A group the caller is not in answers 404, exactly like one that does not exist.
"""

# No postponed annotations in this module: ninja and pydantic read them at runtime.

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Status

from goodwill.api.auth import owner_of
from goodwill.api.schemas import Input, errors
from goodwill.errors import NotFound
from goodwill.workspaces import exchange, services
from goodwill.workspaces.models import Membership, Notification

router = Router(tags=["workspaces"], by_alias=True)
Json = dict[str, Any]


class GroupIn(Input):
    name: str = Field(..., min_length=1, max_length=120)
    description: str = ""


class InvitationIn(Input):
    email: str = ""
    days: int = Field(7, ge=1, le=90)


class JoinIn(Input):
    token: str = Field(..., min_length=1)


class SharingIn(Input):
    level: str | None = None
    never_connector: bool | None = None


class HideIn(Input):
    person: int


class AskIn(Input):
    connector: str = Field(..., min_length=1, description="username, name or #user-id")
    target: str = Field(..., min_length=1, description="the name the connector shares")
    note: str = ""


class AcceptIn(Input):
    email: str = ""


class DeclineIn(Input):
    reason: str = ""


class ReferIn(Input):
    to: str = Field(..., min_length=1)
    what: str = Field(..., min_length=1, max_length=300)


class CloseIn(Input):
    value: str | None = None
    thanks: str = ""
    lost: bool = False


def _member(request: HttpRequest, group_id: int) -> Membership:
    return services.membership(owner_of(request), group_id)


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@router.get("/groups", response={200: Json, **errors()})
def list_groups(request: HttpRequest) -> Json:
    rows = Membership.objects.filter(user=owner_of(request)).select_related("workspace", "user")
    return {"groups": [services.workspace_payload(m) for m in rows]}


@router.post("/groups", response={201: Json, **errors(422)})
def create_group(request: HttpRequest, payload: GroupIn) -> Status[Json]:
    member = services.create(owner_of(request), payload.name, payload.description)
    return Status(201, services.workspace_payload(member))


@router.get("/groups/intros", response={200: Json, **errors()})
def list_intros(request: HttpRequest) -> Json:
    user = owner_of(request)
    return {"requests": [services.intro_payload(i, user) for i in services.requests_for(user)]}


@router.post("/groups/intros/{intro_id}/accept", response={200: Json, **errors(404, 409, 422)})
def accept_intro(request: HttpRequest, intro_id: int, payload: AcceptIn) -> Json:
    user = owner_of(request)
    intro = services.connector_accept(user, intro_id, payload.email, base_url=_base(request))
    return services.intro_payload(intro, user)


@router.post("/groups/intros/{intro_id}/decline", response={200: Json, **errors(404, 409)})
def decline_intro(request: HttpRequest, intro_id: int, payload: DeclineIn) -> Json:
    user = owner_of(request)
    return services.intro_payload(services.connector_decline(user, intro_id, payload.reason), user)


@router.post("/groups/join", response={200: Json, **errors(404, 409)})
def join_group(request: HttpRequest, payload: JoinIn) -> Json:
    member = services.join(owner_of(request), payload.token.rstrip("/").rsplit("/", 1)[-1])
    return services.workspace_payload(member)


@router.post("/groups/referrals/{slip_id}/close", response={200: Json, **errors(404, 409, 422)})
def close_referral(request: HttpRequest, slip_id: int, payload: CloseIn) -> Json:
    slip = exchange.close_referral(
        owner_of(request), slip_id, payload.value, payload.thanks, lost=payload.lost
    )
    return exchange.slip_payload(slip)


@router.get("/groups/notifications", response={200: Json, **errors()})
def notifications(request: HttpRequest) -> Json:
    rows = Notification.objects.filter(user=owner_of(request))[:100]
    return {
        "notifications": [
            {"when": n.created_at.isoformat(), "text": n.text, "read": n.read_at is not None}
            for n in rows
        ]
    }


@router.get("/groups/{group_id}", response={200: Json, **errors(404)})
def group_detail(request: HttpRequest, group_id: int) -> Json:
    return services.workspace_payload(_member(request, group_id))


@router.post("/groups/{group_id}/invitations", response={201: Json, **errors(404, 409, 422)})
def invite(request: HttpRequest, group_id: int, payload: InvitationIn) -> Status[Json]:
    member = _member(request, group_id)
    invitation, link = services.invite(
        member, payload.email, days=payload.days, base_url=_base(request)
    )
    expires = invitation.expires_at.isoformat()
    return Status(201, {"link": link, "email": invitation.email, "expires_at": expires})


@router.put("/groups/{group_id}/sharing", response={200: Json, **errors(404, 422)})
def sharing(request: HttpRequest, group_id: int, payload: SharingIn) -> Json:
    member = services.set_sharing(
        _member(request, group_id), payload.level, payload.never_connector
    )
    return {"level": member.level, "never_connector": member.never_connector}


@router.post("/groups/{group_id}/hidden", response={200: Json, **errors(404)})
def hide(request: HttpRequest, group_id: int, payload: HideIn) -> Json:
    from goodwill.people.models import Person

    member = _member(request, group_id)
    person = Person.objects.filter(owner=member.user, pk=payload.person).first()
    if person is None:
        raise NotFound(f"no person #{payload.person}")
    services.hide(member, person)
    return {"hidden": [{"id": p.id, "name": p.name} for p in services.hidden_people(member)]}


@router.delete("/groups/{group_id}/hidden/{person_id}", response={204: None, **errors(404)})
def unhide(request: HttpRequest, group_id: int, person_id: int) -> Status[None]:
    from goodwill.people.models import Person

    member = _member(request, group_id)
    person = Person.objects.filter(owner=member.user, pk=person_id).first()
    if person is None:
        raise NotFound(f"no person #{person_id}")
    services.hide(member, person, hidden=False)
    return Status(204, None)


@router.get("/groups/{group_id}/who-knows", response={200: Json, **errors(404, 422)})
def who_knows(request: HttpRequest, group_id: int, q: str) -> Json:
    return services.who_knows(_member(request, group_id), q)


@router.get("/groups/{group_id}/reach", response={200: Json, **errors(404, 422)})
def reach(request: HttpRequest, group_id: int, q: str) -> Json:
    return services.reach(_member(request, group_id), q)


@router.get("/groups/{group_id}/members/{user_id}", response={200: Json, **errors(404)})
def member_contacts(request: HttpRequest, group_id: int, user_id: int) -> Json:
    return services.contacts(_member(request, group_id), f"#{user_id}")


@router.post("/groups/{group_id}/intros", response={201: Json, **errors(404, 409, 422)})
def ask(request: HttpRequest, group_id: int, payload: AskIn) -> Status[Json]:
    member = _member(request, group_id)
    intro = services.ask(
        member, payload.connector, payload.target, payload.note, base_url=_base(request)
    )
    return Status(201, services.intro_payload(intro, member.user))


@router.post("/groups/{group_id}/referrals", response={201: Json, **errors(404, 422)})
def refer(request: HttpRequest, group_id: int, payload: ReferIn) -> Status[Json]:
    slip = exchange.refer(_member(request, group_id), payload.to, payload.what)
    return Status(201, exchange.slip_payload(slip))


@router.get("/groups/{group_id}/report", response={200: Json, **errors(404)})
def report(request: HttpRequest, group_id: int) -> Json:
    return exchange.report(_member(request, group_id))


@router.get("/groups/{group_id}/audit", response={200: Json, **errors(404, 409)})
def audit(request: HttpRequest, group_id: int) -> Json:
    return {"entries": services.audit_log(_member(request, group_id))}


@router.delete("/groups/{group_id}/membership", response={204: None, **errors(404, 409)})
def leave(request: HttpRequest, group_id: int) -> Status[None]:
    services.leave(_member(request, group_id))
    return Status(204, None)
