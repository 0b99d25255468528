"""A ``Server-Timing`` header on every response: how long the app took to answer, in ms.

Browsers show it in their developer tools and ``bench/web_load.py`` reads it to tell the
server's own time from time spent queueing or on the wire. Put it first in MIDDLEWARE so it
measures every other middleware too.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
        return response
