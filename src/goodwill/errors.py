"""The one small exception tree every layer raises and every interface translates.

The CLI turns these into one-line messages and exit codes; the API into the
JSON error shape ``{"ok": false, "error": ..., "status": ...}``.
"""

from __future__ import annotations


class GoodwillError(Exception):
    """Base class: a failure we can explain to the user in one line."""

    exit_code = 1
    http_status = 400


class ConfigError(GoodwillError):
    """The configuration (data folder, database URL, secret) cannot be used."""


class UsageError(GoodwillError):
    """The request itself is malformed (bad date, unknown choice)."""

    exit_code = 2
    http_status = 422


class NotFound(GoodwillError):
    """Nothing matches what was named."""

    http_status = 404


class Ambiguous(GoodwillError):
    """A name matches several people; the message lists the candidates."""

    http_status = 409


class Conflict(GoodwillError):
    """The change clashes with what exists (an identity that belongs to someone else)."""

    http_status = 409


class RateLimited(GoodwillError):
    """Too many requests of one kind in a while: try again later."""

    http_status = 429


class ImportFailed(GoodwillError):
    """A file could not be imported at all (unreadable, unknown format)."""
