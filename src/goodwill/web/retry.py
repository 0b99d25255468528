"""Try a request again when SQLite's one writer was busy for longer than the busy timeout.

Several processes (web processes, the worker, the CLI) share one SQLite writer. A write waits
up to ``GOODWILL_SQLITE_BUSY_MS`` for its turn; if it still finds the database locked, the view
is run again after a short pause, but only when nothing it wrote can have been kept (no write
statement had succeeded on the connection), so a retried request never does anything twice.
Put it last in MIDDLEWARE: it calls the view itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponseBase

ATTEMPTS = 3
PAUSE_SECONDS = 0.25
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def is_locked(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and "database is locked" in str(exc).lower()


class _WriteWatch:
    """Notes whether any write statement has succeeded on the connection."""

    def __init__(self) -> None:
        self.wrote = False

    def __call__(self, execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        result = execute(sql, *args)
        if sql.lstrip()[:7].upper().startswith(WRITES):
            self.wrote = True
        return result


class RetryWhenLockedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponseBase],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if connection.vendor != "sqlite":
            return None
        for attempt in range(1, ATTEMPTS + 1):
            watch = _WriteWatch()
            try:
                with connection.execute_wrapper(watch):
                    return view(request, *args, **kwargs)
            except OperationalError as exc:
                if not is_locked(exc) or watch.wrote or attempt == ATTEMPTS:
                    raise
                if connection.in_atomic_block:
                    raise  # an outer transaction (a test's) cannot be started over
            time.sleep(PAUSE_SECONDS * attempt)
        return None  # not reached
