"""The caller, and the personal tokens they use to reach the API from scripts."""

# No postponed annotations in this module: ninja and pydantic read them at runtime.

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from goodwill.api.auth import auth_kind, owner_of, session
from goodwill.api.models import ApiToken
from goodwill.api.pagination import Page, PageParams, paginate
from goodwill.api.schemas import MeOut, TokenCreated, TokenIn, TokenOut, errors
from goodwill.api.scoping import get_mine, mine
from goodwill.people.services import ensure_me

router = Router(tags=["account"], by_alias=True)


def token_row(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "name": token.name,
        "hint": token.hint,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
    }


@router.get("/me", response={200: MeOut, **errors()})
def me(request: HttpRequest) -> dict[str, Any]:
    user = owner_of(request)
    person = ensure_me(user)
    return {
        "id": user.pk,
        "username": user.get_username(),
        "email": getattr(user, "email", "") or "",
        "person_id": person.id,
        "name": person.name,
        "auth": auth_kind(request),
    }


@router.get("/tokens", response={200: Page[TokenOut], **errors(422)})
def list_tokens(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    return paginate(mine(request, ApiToken).order_by("-created_at", "-id"), paging, token_row)


# Session only: a leaked token must not be able to mint more tokens.
@router.post("/tokens", auth=[session], response={201: TokenCreated, **errors(403, 422)})
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    token, raw = ApiToken.issue(owner_of(request), " ".join(payload.name.split()))
    return Status(201, {**token_row(token), "token": raw})


@router.delete("/tokens/{token_id}", response={204: None, **errors(404)})
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    get_mine(request, ApiToken, token_id, "token").delete()
    return Status(204, None)
