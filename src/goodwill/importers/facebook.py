"""Facebook "Download Your Information" (JSON): friends, removed friends, requests, following.

The export has had several layouts; each file is one JSON object whose first member names
what it holds, and that member decides what the file means:

=====================================================  =====================================
file (layouts seen)                                    records
=====================================================  =====================================
``friends/friends.json`` (``friends``),                ``TieRecord(ME, ref, "connection")``
``friends_and_followers/friends.json`` and             with ``since`` the friendship date
``connections/friends/your_friends.json``
(``friends_v2``)
``removed_friends.json`` (``deleted_friends_v2``,      the same tie, ``removed=True`` (no date)
``removed_friends_v2``)
``sent_friend_requests.json`` (``sent_requests_v2``)   ``OvertureRecord`` (a friend request)
``received_friend_requests.json``                      the person only
(``received_requests_v2``)
``who_you_follow.json`` / ``following.json``           ``TieRecord(ME, ref, "follow")``
(``following_v3``, ``following_v2``, ``following``)
``followers.json`` (``followers_v2``, ``followers``)   ``TieRecord(ref, ME, "follow")``
=====================================================  =====================================

Facebook gives only a name, so the one key is the name on the ``facebook`` channel and the
ref is ``fb:<normalised name>``; two friends with the same name are one person here (an issue
says so). Real exports write non-ASCII text as UTF-8 bytes escaped one by one
(``"\\u00c3\\u00a9"`` for ``é``): such text is repaired, clean text is left alone.

``profile_information.json`` (the owner's own profile) is not identified: the owner is never in
their own friend lists, and the owner's keys come from ``Context.me_keys``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from goodwill.importers.base import sniff_text
from goodwill.importers.csvutil import clean, fit_person, make_key
from goodwill.importers.jsonutil import BrokenJson, object_array_items, read_text, safe_text
from goodwill.importers.records import (
    ME,
    Context,
    Issue,
    Key,
    OvertureRecord,
    PersonRecord,
    Record,
    TieRecord,
    Where,
)

FORMAT = "facebook"
LABEL = "Facebook (Download Your Information, JSON)"

MAX_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class _Layout:
    what: str  # friend, removed, sent, received, following, follower
    source: str  # the evidence label for ties
    # The file names the unversioned, generic keys are trusted in; None: any ``.json`` name.
    names: frozenset[str] | None = None


_OLD_NAMES = frozenset(
    {
        "friends.json",
        "your_friends.json",
        "removed_friends.json",
        "deleted_friends.json",
        "sent_friend_requests.json",
        "received_friend_requests.json",
        "friend_requests_received.json",
        "friend_requests_sent.json",
        "who_you_follow.json",
        "following.json",
        "followers.json",
    }
)
_FRIENDS = "Facebook friends"
_LAYOUTS: dict[str, _Layout] = {
    "friends": _Layout("friend", _FRIENDS, _OLD_NAMES),
    "friends_v2": _Layout("friend", _FRIENDS),
    "deleted_friends": _Layout("removed", _FRIENDS, _OLD_NAMES),
    "deleted_friends_v2": _Layout("removed", _FRIENDS),
    "removed_friends_v2": _Layout("removed", _FRIENDS),
    "sent_requests": _Layout("sent", "", _OLD_NAMES),
    "sent_requests_v2": _Layout("sent", ""),
    "received_requests": _Layout("received", "", _OLD_NAMES),
    "received_requests_v2": _Layout("received", ""),
    "following": _Layout("following", "Facebook following", _OLD_NAMES),
    "following_v2": _Layout("following", "Facebook following"),
    "following_v3": _Layout("following", "Facebook following"),
    "followers": _Layout("follower", "Facebook followers", _OLD_NAMES),
    "followers_v2": _Layout("follower", "Facebook followers"),
}
_FIRST_KEY = re.compile(r'\s*\{\s*"(\w+)"\s*:\s*\[')
# 1970 to 2200: anything else is not a Facebook timestamp.
_MAX_TIMESTAMP = 7_258_118_400


def identify(path: Path) -> bool:
    name = path.name.lower()
    if not name.endswith(".json"):
        return False
    match = _FIRST_KEY.match(sniff_text(path, 1024))
    layout = _LAYOUTS.get(match.group(1)) if match else None
    return layout is not None and (layout.names is None or name in layout.names)


def repair(text: str) -> str:
    """Undo Facebook's mojibake: UTF-8 bytes written as one ``\\u00XX`` escape per byte.

    ``"Ren\\u00c3\\u00a9e"`` (``RenÃ©e``) becomes ``Renée``; text that does not round-trip
    (clean UTF-8, or characters beyond latin-1) is returned unchanged.
    """
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return text


def parse(path: Path, context: Context) -> Iterator[Record]:
    shown = context.shown(path)
    text, issues = read_text(path, shown, MAX_BYTES)
    yield from issues
    seen: set[tuple[str, str]] = set()
    try:
        for key, index, line, item in object_array_items(text, frozenset(_LAYOUTS)):
            where = Where(shown, line)
            yield from _entry(_LAYOUTS[key], f"{key}[{index}]", item, where, context, seen)
    except BrokenJson as exc:
        message = f"{exc}; the rest of the file was not read"
        yield Issue("bad-json", message, Where(shown, exc.line), severity="error")


def _entry(
    layout: _Layout,
    label: str,
    item: Any,
    where: Where,
    context: Context,
    seen: set[tuple[str, str]],
) -> Iterator[Record]:
    raw = item.get("name") if isinstance(item, dict) else None
    name = safe_text(clean(repair(raw))) if isinstance(raw, str) else ""
    if not name:
        yield Issue("missing-name", f"{label}: an entry without a name", where)
        return
    try:
        key = make_key("facebook", name)
    except ValueError as exc:
        yield Issue("bad-name", f"{label}: {exc}", where)
        return
    if context.is_me(key):
        return
    ref = f"fb:{key.value}"
    if (layout.what, ref) in seen:
        message = f"{label}: {name!r} is listed twice; Facebook gives only names, so kept as one"
        yield Issue("duplicate-name", message, where)
        return
    seen.add((layout.what, ref))
    when, problem = _timestamp(item.get("timestamp"))
    if problem:
        yield Issue("bad-date", f"{label}: {problem}", where)
    keys = (key, *_contact_keys(item.get("contact_info")))
    person, problems = fit_person(PersonRecord(ref, name, keys, where=where))
    yield from problems
    yield person
    since = when.date() if when else None
    if layout.what == "friend":
        yield TieRecord(ME, ref, "connection", layout.source, since, where=where)
    elif layout.what == "removed":
        # The date is when the friendship ended, not when it began.
        yield TieRecord(ME, ref, "connection", layout.source, removed=True, where=where)
    elif layout.what == "following":
        yield TieRecord(ME, ref, "follow", layout.source, since, where=where)
    elif layout.what == "follower":
        yield TieRecord(ref, ME, "follow", layout.source, since, where=where)
    elif layout.what == "sent" and when is not None:
        yield OvertureRecord(ref, when, "facebook", "friend request", where=where)
    elif layout.what == "sent":
        yield Issue("bad-date", f"{label}: a friend request without a date was not kept", where)


def _timestamp(value: object) -> tuple[dt.datetime | None, str]:
    """A Unix timestamp as an aware datetime; 0 or absent means unknown, anything odd a problem."""
    if value is None or value == 0:
        return None, ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, f"the timestamp {str(value)[:40]!r} is not a number"
    if not 0 < value < _MAX_TIMESTAMP:
        return None, f"the timestamp {value} is out of range"
    return dt.datetime.fromtimestamp(int(value), dt.UTC), ""


def _contact_keys(value: object) -> tuple[Key, ...]:
    """Old exports put an e-mail address (or phone number) beside some friends."""
    if not isinstance(value, str):
        return ()
    text = clean(repair(value))
    channel = "email" if "@" in text else "phone" if text.startswith("+") else ""
    try:
        return (make_key(channel, text),) if channel else ()
    except ValueError:
        return ()
