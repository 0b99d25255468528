"""The JSON API: one NinjaAPI wiring the routers, both ways of signing in, and the error shape."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, re_path, reverse
from ninja import NinjaAPI

from goodwill.api import (
    graph,
    insights,
    interactions,
    merges,
    people,
    practice,
    ties,
    tokens,
    workspaces,
)
from goodwill.api.auth import EITHER
from goodwill.api.errors import error_body, install_error_handlers

DESCRIPTION = """\
The goodwill JSON API: your people, how they are recognised, the ties between them and your
interactions with them. Everything is private to the signed-in user; another user's ids answer 404.

**Signing in.** Either the web app's session cookie (unsafe methods need the `csrftoken` cookie's
value in an `X-CSRFToken` header) or a personal token, `Authorization: Bearer gw_...`, created with
`POST /api/tokens` while logged in (the raw token is shown once).

**Lists** take `page` (from 1) and `page_size` (default 50, at most 500; larger values are cut to
500) and answer `{"total": N, "items": [...], "page": p, "page_size": s}`.

**Errors** always answer `{"ok": false, "error": "<one line>", "status": <HTTP status>}`:
400 a NUL character in the request, 401 not signed in, 403 CSRF check failed, 404 not found
(or not yours), 409 conflict (a duplicate identity, deleting yourself), 413 a body over
`GOODWILL_MAX_REQUEST_MB`, 422 invalid input (the message names the field), 429 too many lookups,
500 internal error. Answers are `Cache-Control: private`.
"""


class GoodwillAPI(NinjaAPI):
    @property
    def urls(self) -> tuple[list[Any], str, str]:
        # Django answers wrong methods and unknown paths itself, in HTML; keep the one shape.
        patterns, app_name, namespace = super().urls
        reshaped = [_reshaped(p) for p in patterns]
        reshaped.append(re_path(r"^.+$", _unknown_path))
        return reshaped, app_name, namespace


def _reshaped(pattern: Any) -> Any:
    if not isinstance(pattern, URLPattern):
        return pattern
    if pattern.name == "api-root":
        # Ninja reverses this name to find its own prefix, so only the view changes.
        return URLPattern(pattern.pattern, _unknown_path, pattern.default_args, pattern.name)
    return _json_405(pattern)


def _json_error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return api.create_response(request, error_body(message, status), status=status)


def _json_405(pattern: URLPattern) -> URLPattern:
    view = pattern.callback

    def view_with_json_405(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = _json_error(
                request, f"method {request.method} not allowed (allowed: {allowed})", 405
            )
            response["Allow"] = allowed
        return response

    view_with_json_405.csrf_exempt = True  # type: ignore[attr-defined]
    return URLPattern(pattern.pattern, view_with_json_405, pattern.default_args, pattern.name)


def _unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    docs = reverse(f"{api.urls_namespace}:openapi-view")
    return _json_error(request, f"no API endpoint {request.path} (see {docs})", 404)


api = GoodwillAPI(
    title="goodwill",
    version="1",
    description=DESCRIPTION,
    auth=EITHER,
)
install_error_handlers(api)
api.add_router("", people.router)
api.add_router("", ties.router)
api.add_router("", interactions.router)
api.add_router("", tokens.router)
api.add_router("", merges.router)
api.add_router("", graph.router)
api.add_router("", insights.router)
api.add_router("", practice.router)
api.add_router("", workspaces.router)
