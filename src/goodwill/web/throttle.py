"""Backoff after failed sign-ins, by account and by address.

After ``GOODWILL_LOGIN_ATTEMPTS`` failures in a row (5 by default) an account, or an address,
must wait ``GOODWILL_LOGIN_LOCKOUT_SECONDS`` (60) before the next try; each further failure
doubles the wait, up to an hour. A success clears the account's count (not the address's, so
one working login cannot reset the guesses made at other accounts). Counts older than a day
start again.
"""

from __future__ import annotations

import datetime as dt
import math
import os

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from goodwill.errors import ConfigError
from goodwill.web.models import LoginThrottle

MAX_WAIT = dt.timedelta(hours=1)
FORGET_AFTER = dt.timedelta(days=1)


def _setting(name: str, default: int) -> int:
    raw = os.environ.get(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1")
    return value


def free_attempts() -> int:
    return _setting("GOODWILL_LOGIN_ATTEMPTS", 5)


def first_wait() -> dt.timedelta:
    return dt.timedelta(seconds=_setting("GOODWILL_LOGIN_LOCKOUT_SECONDS", 60))


def keys(request: HttpRequest | None, username: str) -> list[str]:
    found = [f"account:{username.strip().lower()[:150]}"]
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    if address:
        found.append(f"address:{address[:100]}")
    return found


def wait_seconds(request: HttpRequest | None, username: str) -> int:
    """How long until this account and this address may try again (0: now)."""
    now = timezone.now()
    until = LoginThrottle.objects.filter(
        key__in=keys(request, username), blocked_until__gt=now
    ).values_list("blocked_until", flat=True)
    latest = max(until, default=None)
    return math.ceil((latest - now).total_seconds()) if latest else 0


def failed(request: HttpRequest | None, username: str) -> None:
    for key in keys(request, username):
        _count_failure(key)


def _count_failure(key: str) -> None:
    now = timezone.now()
    for _ in range(3):  # two first failures at once: one creates, the other retries
        try:
            with transaction.atomic():
                row = LoginThrottle.objects.select_for_update().filter(key=key).first()
                if row is None:
                    row = LoginThrottle(key=key, last_failure=now)
                if now - row.last_failure > FORGET_AFTER:
                    row.failures = 0
                row.failures += 1
                row.last_failure = now
                over = row.failures - free_attempts()
                if over >= 0:
                    row.blocked_until = now + min(first_wait() * 2 ** min(over, 20), MAX_WAIT)
                row.save()
                return
        except IntegrityError:
            continue


def succeeded(username: str) -> None:
    LoginThrottle.objects.filter(key__in=keys(None, username)).delete()


def describe(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"
