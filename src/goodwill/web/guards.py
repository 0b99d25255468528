"""Request guards and response headers that every page and API call gets.

* A NUL character anywhere in a request (path, query, form field, JSON string) is refused
  with 400: PostgreSQL cannot store one, and no name or note needs one.
* A request body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (``GOODWILL_MAX_REQUEST_MB``,
  2.5 MB by default; uploaded files on the import page have their own limit) is refused
  with 413 before anything reads it.
* Answers to a signed-in request (session or token) are ``Cache-Control: private``: no shared
  cache may keep one person's network for another.
* A Content-Security-Policy: scripts only from this server, nothing framed, no plugins.

API paths answer in the API's one error shape; pages in plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.cache import patch_cache_control

# 'unsafe-inline' styles only: Plotly and htmx set style attributes; no inline script runs.
DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
NUL_MESSAGE = "a NUL character (\\0) is not allowed in a request"


def _refuse(request: HttpRequest, message: str, status: int) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"ok": False, "error": message, "status": status}, status=status)
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _too_big(request: HttpRequest) -> bool:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None or request.content_type == "multipart/form-data":
        return False
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > limit


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    if request.content_type == "multipart/form-data":
        return False  # uploads: the view sets its upload limit before the body is read
    if request.content_type == "application/x-www-form-urlencoded":
        return any("\x00" in value for values in request.POST.lists() for value in values[1])
    body = request.body
    return b"\x00" in body or b"\\u0000" in body.lower()


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self._checked(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        if "HTTP_AUTHORIZATION" in request.META or request.user.is_authenticated:
            patch_cache_control(response, private=True)
        return response

    def _checked(self, request: HttpRequest) -> HttpResponseBase:
        limit_mb = (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) / 1024 / 1024
        too_big = f"the request body is larger than {limit_mb:g} MB"
        if _too_big(request):
            return _refuse(request, too_big, 413)
        try:
            if _has_nul(request):
                return _refuse(request, NUL_MESSAGE, 400)
        except RequestDataTooBig:  # a body sent without its length
            return _refuse(request, too_big, 413)
        return self.get_response(request)
