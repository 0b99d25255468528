"""Who is calling: a personal bearer token, or the browser's Django session (with CSRF)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from goodwill.api.models import TOKEN_PREFIX, ApiToken, hash_token

# Recording every use would turn each read into a write; a minute's precision is plenty.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


class BearerToken(HttpBearer):
    openapi_description = (
        "A personal API token: `Authorization: Bearer gw_...`. Create one with POST /api/tokens "
        "while logged in; it is shown once."
    )

    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser:
        record = None
        if token.startswith(TOKEN_PREFIX):
            record = (
                ApiToken.objects.select_related("owner").filter(digest=hash_token(token)).first()
            )
        # A token that was sent but does not work is an error, never a silent fall-back
        # to the session: the caller meant to be someone in particular.
        if record is None or not record.owner.is_active:
            raise AuthenticationError(message="invalid or revoked API token")
        _note_use(record)
        request.api_token = record  # type: ignore[attr-defined]
        return cast(AbstractBaseUser, record.owner)


def _note_use(record: ApiToken) -> None:
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        record.last_used_at = now


class SessionCookie(APIKeyCookie):
    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = (
        "The web app's login session. Unsafe methods need the csrftoken cookie's value "
        "in an X-CSRFToken header."
    )

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            # Checked before CSRF so that an anonymous caller always hears 401.
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the csrftoken cookie in X-CSRFToken")
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return self(request)


bearer = BearerToken()
session = SessionCookie()
EITHER = [bearer, session]


def owner_of(request: HttpRequest) -> AbstractBaseUser:
    return cast(AbstractBaseUser, request.auth)  # type: ignore[attr-defined]


def auth_kind(request: HttpRequest) -> str:
    return "token" if getattr(request, "api_token", None) is not None else "session"
