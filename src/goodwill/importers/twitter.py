"""X/Twitter archive: ``follower.js``, ``following.js`` and ``tweets.js`` (``tweet.js``).

Each archive file is JavaScript of the shape ``window.YTD.<type>.part<N> = [ ... ]``. It is
never evaluated: everything after the first ``=`` is read as JSON, one array item at a time so
that an issue names the line the item starts on and a damaged file keeps what came before the
damage. Big archives are split (``tweets-part1.js``); each part is a file of its own. A file
may be gzipped (``tweet.js.gz``): it is recognised by its name without ``.gz``.

* followers: ``PersonRecord("x:<id>")`` and ``TieRecord("x:<id>", ME, "follow")``;
* following: ``TieRecord(ME, "x:<id>", "follow")``;
* tweets: a ``PostRecord`` per tweet (``reply``, ``share`` for ``RT @``, else ``post``) and, for
  each account the owner addressed, an ``InteractionRecord`` (``comment`` in a reply, ``post``
  for a mention in a post, ``share`` for the author of a retweet). Mentions inside a retweet are
  the original author's words, so they make no people.

The owner's account comes from ``manifest.js`` beside the file (``window.__THAR_CONFIG``) and
from ``Context.me_keys``; the owner is never made a person (self-replies are threads).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from goodwill.errors import ImportFailed
from goodwill.identity import normalise
from goodwill.importers.base import sniff
from goodwill.importers.csvutil import clean, clean_block, fit_person
from goodwill.importers.jsonutil import BrokenJson, array_items, read_text, safe_text, text_field
from goodwill.importers.records import (
    ME,
    Context,
    InteractionRecord,
    Issue,
    Key,
    PersonRecord,
    PostRecord,
    Record,
    TieRecord,
    Where,
)

FORMAT = "twitter"
LABEL = "X/Twitter archive (follower.js, following.js, tweets.js)"

MAX_BYTES = 512 * 1024 * 1024  # one archive part, unpacked
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
_NAME = re.compile(r"^(follower|following|tweets?)(?:-part\d+)?\.js$", re.IGNORECASE)
_PREFIX = re.compile(r"\s*window\.YTD\.(\w+)\.part\d+\s*=\s*")
_PARTS = {"follower": "follower", "following": "following", "tweet": "tweets", "tweets": "tweets"}
_RETWEET = re.compile(r"^RT @(\w{1,15})")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_SPACE = " \t\r\n"


# -- identification --------------------------------------------------------------------------
def _part_of(name: str) -> str | None:
    if name.lower().endswith(".gz"):
        name = name[:-3]
    match = _NAME.match(name)
    return _PARTS[match.group(1).lower()] if match else None


def _head(path: Path) -> str:
    head = sniff(path, 1024)
    if head.startswith(b"\x1f\x8b"):
        try:
            with gzip.open(path, "rb") as handle:
                head = handle.read(1024)
        except (OSError, EOFError, zlib.error):
            return ""
    return head.decode("utf-8-sig", errors="replace")


def identify(path: Path) -> bool:
    part = _part_of(path.name)
    if part is None:
        return False
    match = _PREFIX.match(_head(path))
    return match is not None and _PARTS.get(match.group(1).lower()) == part


# -- the owner ---------------------------------------------------------------------------------
@dataclass
class _Owner:
    ids: set[str] = field(default_factory=set)
    handles: set[str] = field(default_factory=set)

    def is_me(self, account_id: str, handle: str) -> bool:
        return account_id in self.ids or (bool(handle) and handle in self.handles)


def _owner(path: Path, context: Context) -> _Owner:
    owner = _Owner()
    for key in context.me_keys:
        if key.channel == "x_id":
            owner.ids.add(key.value)
        elif key.channel == "x":
            owner.handles.add(key.value)
    manifest = path.parent / "manifest.js"
    try:
        if manifest.is_file() and manifest.stat().st_size <= MAX_MANIFEST_BYTES:
            text = manifest.read_text(encoding="utf-8-sig", errors="replace")
            config = json.loads(text[text.index("=") + 1 :])
            info = config.get("userInfo", {}) if isinstance(config, dict) else {}
            account_id = _account_id(info.get("accountId"))
            handle = _handle(info.get("userName"))
            owner.ids.update([account_id] if account_id else [])
            owner.handles.update([handle] if handle else [])
    except (OSError, ValueError, RecursionError, AttributeError):
        pass  # the manifest only helps; without it the owner is known from the context
    return owner


def _account_id(value: object) -> str:
    """A normalised X id (tweets' ids too); ids are 64-bit, so more than 20 digits is junk."""
    text = text_field(value)
    if len(text.strip()) > 20:
        return ""
    try:
        return normalise("x_id", text)
    except ValueError:
        return ""


def _handle(value: object) -> str:
    try:
        return normalise("x", text_field(value))
    except ValueError:
        return ""


def _account(account_id: str, handle: object, name: object) -> _Account:
    normalised = _handle(handle)
    shown = text_field(handle).strip().lstrip("@") if normalised else ""
    return _Account(account_id, normalised, safe_text(clean(text_field(name))), shown)


# -- parsing ---------------------------------------------------------------------------------
def parse(path: Path, context: Context) -> Iterator[Record]:
    shown = context.shown(path)
    text, issues = read_text(path, shown, MAX_BYTES)
    yield from issues
    match = _PREFIX.match(text)
    if match is None:
        raise ImportFailed(f"{shown}: not an X archive file (no 'window.YTD.' assignment)")
    part = _PARTS.get(match.group(1).lower())
    if part is None:
        raise ImportFailed(f"{shown}: the X archive part {match.group(1)!r} is not imported")
    if not text[match.end() :].lstrip(_SPACE).startswith("["):
        raise ImportFailed(f"{shown}: the X archive file holds no list after '='")
    owner = _owner(path, context)
    items = _items(text, match.end(), shown)
    if part == "tweets":
        yield from _tweets(items, shown, owner, context)
    else:
        yield from _accounts(items, part, shown, owner)


def _items(text: str, pos: int, shown: str) -> Iterator[tuple[int, int, Any] | Issue]:
    try:
        yield from array_items(text, pos)
    except BrokenJson as exc:
        message = f"{exc}; the rest of the file was not read"
        yield Issue("bad-json", message, Where(shown, exc.line), severity="error")


def _accounts(
    items: Iterator[tuple[int, int, Any] | Issue], part: str, shown: str, owner: _Owner
) -> Iterator[Record]:
    seen: set[str] = set()
    for entry in items:
        if isinstance(entry, Issue):
            yield entry
            continue
        _, line, item = entry
        where = Where(shown, line)
        body = item.get(part) if isinstance(item, dict) else None
        if not isinstance(body, dict):
            yield Issue("bad-record", f"not a {{{part!r}: {{...}}}} entry", where)
            continue
        account_id = _account_id(body.get("accountId"))
        if not account_id:
            yield Issue("bad-id", f"not an X account id: {_short(body.get('accountId'))}", where)
            continue
        if owner.is_me(account_id, ""):
            continue
        ref = f"x:{account_id}"
        if ref in seen:
            yield Issue("duplicate-row", f"account {account_id} is listed twice", where)
            continue
        seen.add(ref)
        yield PersonRecord(ref, "", (Key("x_id", account_id, account_id),), where=where)
        if part == "follower":
            yield TieRecord(ref, ME, "follow", "X followers", where=where)
        else:
            yield TieRecord(ME, ref, "follow", "X following", where=where)


def _short(value: object) -> str:
    return repr(value)[:60]


@dataclass(frozen=True, slots=True)
class _Account:
    account_id: str
    handle: str
    name: str
    shown_handle: str


def _tweets(
    items: Iterator[tuple[int, int, Any] | Issue], shown: str, owner: _Owner, context: Context
) -> Iterator[Record]:
    known: set[str] = set()
    for entry in items:
        if isinstance(entry, Issue):
            yield entry
            continue
        _, line, item = entry
        yield from _tweet(item, Where(shown, line), owner, context, known)


def _tweet(
    item: Any, where: Where, owner: _Owner, context: Context, known: set[str]
) -> Iterator[Record]:
    tweet = item.get("tweet", item) if isinstance(item, dict) else None
    if not isinstance(tweet, dict):
        yield Issue("bad-record", "not a tweet object", where)
        return
    tweet_id = _account_id(tweet.get("id_str") or tweet.get("id"))
    if not tweet_id:
        yield Issue("bad-id", f"not a tweet id: {_short(tweet.get('id_str'))}", where)
        return
    when = tweet_time(text_field(tweet.get("created_at")))
    if when is None:
        message = f"tweet {tweet_id}: unreadable date {_short(tweet.get('created_at'))}"
        yield Issue("bad-date", message, where)
        return
    text = safe_text(clean_block(text_field(tweet.get("full_text") or tweet.get("text"))))
    replied = bool(
        text_field(tweet.get("in_reply_to_status_id_str"))
        or text_field(tweet.get("in_reply_to_user_id_str"))
    )
    retweet = _RETWEET.match(text)
    kind = "reply" if replied else "share" if retweet else "post"
    accounts, problems = _addressed(tweet, kind, retweet, owner)
    for problem in problems:
        yield Issue("bad-mention", f"tweet {tweet_id}: {problem}", where)
    for account in accounts:
        ref = f"x:{account.account_id}"
        if ref not in known:
            known.add(ref)
            yield from _person(ref, account, where)
    refs = tuple(f"x:{a.account_id}" for a in accounts)
    yield PostRecord(when, "x", text, tweet_id, kind, refs, where)
    interaction = {"reply": "comment", "share": "share", "post": "post"}[kind]
    for account in accounts:
        yield InteractionRecord(
            when,
            interaction,
            "x",
            "out",
            ((ME, "from"), (f"x:{account.account_id}", "to")),
            external_id=f"tw:{tweet_id}:{account.account_id}",
            body=text if context.store_bodies else "",
            where=where,
        )


def _person(ref: str, account: _Account, where: Where) -> Iterator[Record]:
    keys = [Key("x_id", account.account_id, account.account_id)]
    if account.handle:
        keys.append(Key("x", account.handle, "@" + account.shown_handle))
    record, problems = fit_person(PersonRecord(ref, account.name, tuple(keys), where=where))
    yield from problems
    yield record


def _addressed(
    tweet: dict[str, Any], kind: str, retweet: re.Match[str] | None, owner: _Owner
) -> tuple[list[_Account], list[str]]:
    """The accounts a tweet addresses (owner left out), and problems with its mentions."""
    found: dict[str, _Account] = {}
    problems: list[str] = []
    entities = tweet.get("entities")
    mentions = entities.get("user_mentions") if isinstance(entities, dict) else None
    for mention in mentions if isinstance(mentions, list) else []:
        if not isinstance(mention, dict):
            problems.append("a mention is not an object")
            continue
        account_id = _account_id(mention.get("id_str") or mention.get("id"))
        if not account_id:
            problems.append(f"mention without an account id: {_short(mention.get('id_str'))}")
            continue
        account = _account(account_id, mention.get("screen_name"), mention.get("name"))
        found.setdefault(account_id, account)
    reply_to = _account_id(tweet.get("in_reply_to_user_id_str") or tweet.get("in_reply_to_user_id"))
    if reply_to and reply_to not in found:
        found[reply_to] = _account(reply_to, tweet.get("in_reply_to_screen_name"), "")
    accounts = [a for a in found.values() if not owner.is_me(a.account_id, a.handle)]
    if kind == "share" and retweet is not None:
        author = retweet.group(1).lower()
        accounts = [a for a in accounts if a.handle == author][:1]
    return accounts, problems


def tweet_time(text: str) -> dt.datetime | None:
    """``Tue Jan 31 09:01:52 +0000 2017`` as an aware datetime (no locale involved)."""
    parts = text.split()
    if len(parts) != 6:
        return None
    _, month, day, clock, offset, year = parts
    try:
        hour, minute, second = (int(p) for p in clock.split(":"))
        sign = -1 if offset.startswith("-") else 1
        zone = dt.timezone(sign * dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])))
        moment = dt.datetime(
            int(year), _MONTHS[month.lower()], int(day), hour, minute, second, tzinfo=zone
        )
    except (ValueError, KeyError, OverflowError):
        return None
    return moment.astimezone(dt.UTC)
