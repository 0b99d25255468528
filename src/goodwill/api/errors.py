"""The API's one error shape, ``{"ok": false, "error": ..., "status": ...}``, for every failure."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from goodwill.errors import GoodwillError

logger = logging.getLogger("goodwill.api")

# Where ninja says a bad value came from; the field name is what the caller needs.
_PARAM_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})
# Our operations name their body and query schemas like this; the names mean nothing to callers.
_PARAM_NAMES = frozenset({"payload", "filters", "paging"})


def error_body(message: str, status: int) -> dict[str, Any]:
    return {"ok": False, "error": message, "status": status}


def field_name(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _PARAM_SOURCES:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in _PARAM_NAMES:
        parts = parts[1:]
    return ".".join(parts) or "request"


def validation_message(errors: list[dict[str, Any]]) -> str:
    if not errors:
        return "invalid request"
    described = [f"{field_name(e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in errors]
    return "invalid " + "; ".join(described)


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, message: str, status: int) -> HttpResponse:
        response = api.create_response(request, error_body(message, status), status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="goodwill"'
        return response

    @api.exception_handler(GoodwillError)
    def goodwill_error(request: HttpRequest, exc: GoodwillError) -> HttpResponse:
        return respond(request, str(exc) or type(exc).__name__, exc.http_status)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, validation_message(exc.errors), 422)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = exc.message if exc.message != "Unauthorized" else "authentication required"
        return respond(request, message, 401)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, exc.message, exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # Django's own messages name models and lookups; say nothing more than this.
        return respond(request, "not found", 404)

    @api.exception_handler(ObjectDoesNotExist)
    def no_object(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return respond(request, "not found", 404)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, "the request body is too large", 413)

    @api.exception_handler(IntegrityError)
    def integrity(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        # Two requests racing to create the same row: the database's constraint wins.
        logger.warning("integrity error on %s %s: %s", request.method, request.path, exc)
        return respond(request, "conflicts with an existing record", 409)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("unexpected error on %s %s", request.method, request.path)
        return respond(request, "internal error", 500)
