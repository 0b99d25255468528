"""Mastodon: the CSV exports (following, lists, blocks, mutes) and the archive's ``outbox.json``.

CSV files (Settings → Import and export → Data export), one account per row:

* ``following_accounts.csv`` (``Account address,Show boosts,...``; hand-made follow lists with
  the same header are read the same way) → ``TieRecord(ME, "masto:<handle>", "follow")``;
* ``lists.csv`` (``list name,account``, no header) → the person tagged ``list: <name>``;
* ``blocked_accounts.csv`` (no header) and ``muted_accounts.csv`` → the person, ``blocked``.

Handles are ``user@domain``, normalised (an internationalised domain becomes punycode; the
original text is kept as the key's display). A bare local username has no domain: it is read
with ``Context.options["mastodon_domain"]`` when given, otherwise it is an issue (``no-domain``).
A leading ``@`` is part of a handle, not a spreadsheet formula.

``outbox.json`` (Settings → Import and export → Request your archive) is an ActivityPub
``OrderedCollection``: a ``Create`` of a note is a ``PostRecord`` (``reply`` when it answers
another post) and each person it mentions gets an ``InteractionRecord`` (``comment`` in a reply,
``post`` otherwise); an ``Announce`` (a boost) is a ``PostRecord`` of kind ``share`` and a
``share`` interaction with the boosted post's author. HTML is turned into plain text. The
owner (from ``actor.json`` beside the file, each activity's ``actor`` and ``Context.me_keys``)
is never made a person.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from goodwill.importers.base import sniff_text
from goodwill.importers.csvutil import (
    Row,
    clean,
    clean_block,
    digest,
    first_rows,
    fit_person,
    fold,
    is_blank,
    is_formula,
    make_key,
    parse_datetime,
    read_rows,
)
from goodwill.importers.jsonutil import BrokenJson, object_array_items, read_text, text_field
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

FORMAT = "mastodon"
LABEL = "Mastodon (CSV exports and the archive's outbox.json)"

MAX_OUTBOX_BYTES = 512 * 1024 * 1024
MAX_ACTOR_BYTES = 4 * 1024 * 1024
MAX_HTML_CHARS = 200_000
ID_LIMIT = 300
_CSV_NAMES = {
    "following_accounts.csv": "following",
    "blocked_accounts.csv": "blocked",
    "muted_accounts.csv": "muted",
    "lists.csv": "lists",
}
# Exports always write user@domain; a bare username only appears in hand-made import lists.
_ACCOUNT = re.compile(r"^@?[\w.+-]+@[\w.-]+$")
_USERNAME = re.compile(r"^[\w.-]+$")
_NOTE_TYPES = frozenset({"Note", "Question", "Article", "Page"})
# Where a Mastodon-style server puts an account in its URLs.
_USER_PATH = re.compile(r"^/(?:users/([^/@]+)|@([^/@]+))(?:/|$)")
_BLANK_LINES = re.compile(r"\n{3,}")


# -- identification --------------------------------------------------------------------------
def _csv_kind(name: str) -> str:
    """What a CSV file holds, from its name (``…following_accounts.csv`` and so on)."""
    name = name.lower()
    for suffix, kind in _CSV_NAMES.items():
        if name.endswith(suffix):
            return kind
    return "following"


def _is_header(cells: list[str] | tuple[str, ...]) -> bool:
    return bool(cells) and fold(clean(cells[0])) == "account address"


def identify(path: Path) -> bool:
    name = path.name.lower()
    if name == "outbox.json":
        head = sniff_text(path, 2048)
        return "OrderedCollection" in head and "activitystreams" in head
    if not name.endswith((".csv", ".txt")):
        return False
    rows = [r for r in first_rows(sniff_text(path, 1024), limit=5) if any(c.strip() for c in r)]
    if not rows:
        return False
    if _is_header(rows[0]):
        return True
    kind = _CSV_NAMES.get(name)
    if kind is None:
        return False
    column = 1 if kind == "lists" else 0
    first = rows[0]
    return len(first) > column and _ACCOUNT.match(first[column].strip()) is not None


# -- handles -------------------------------------------------------------------------------------
def _handle_key(raw: str, context: Context) -> Key:
    """The ``mastodon`` key of an account cell; ``ValueError`` names what is wrong."""
    text = clean(raw)
    bare = text.lstrip("@")
    if _USERNAME.match(bare):
        domain = clean(context.options.get("mastodon_domain", "")).lstrip("@")
        if not domain:
            raise _NoDomain(f"{text!r} has no domain (set the mastodon_domain option)")
        return Key("mastodon", make_key("mastodon", f"{bare}@{domain}").value, text)
    return make_key("mastodon", text)


class _NoDomain(ValueError):
    pass


def _from_url(url: str) -> str:
    """``user@host`` for ``https://host/users/user/...`` or ``https://host/@user/...``."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return ""
    match = _USER_PATH.match(parts.path)
    if not host or not match:
        return ""
    return _normal(f"{match.group(1) or match.group(2)}@{host}")


def _normal(handle: str) -> str:
    try:
        return make_key("mastodon", handle).value
    except ValueError:
        return ""


# -- CSV files -----------------------------------------------------------------------------------
def parse(path: Path, context: Context) -> Iterator[Record]:
    if path.name.lower().endswith(".json"):
        yield from _outbox(path, context)
        return
    shown = context.shown(path)
    kind = _csv_kind(path.name)
    if kind == "following":
        rows = [r for r in first_rows(sniff_text(path, 1024), limit=5) if any(r)]
        if rows and _is_header(rows[0]) and "hide notifications" in fold(" ".join(rows[0])):
            kind = "muted"
    seen: set[tuple[str, str]] = set()
    started = False
    for entry in read_rows(path, shown):
        if isinstance(entry, Issue):
            yield entry
            continue
        if is_blank(entry):
            continue
        if not started and (_is_header(entry.cells) or _is_lists_header(entry.cells)):
            started = True
            continue
        started = True
        yield from _row(entry, kind, shown, context, seen)


def _is_lists_header(cells: tuple[str, ...]) -> bool:
    return [fold(clean(c)) for c in cells[:2]] == ["list name", "account"]


def _row(
    row: Row, kind: str, shown: str, context: Context, seen: set[tuple[str, str]]
) -> Iterator[Record]:
    where = Where(shown, row.line)
    cells = [clean(c) for c in row.cells]
    list_name = ""
    if kind == "lists":
        if len(cells) < 2 or not cells[0]:
            yield Issue("bad-row", "expected 'list name,account'", where)
            return
        list_name, account = cells[0], cells[1]
        if is_formula(list_name):
            message = f"the list name starts with {list_name[0]!r}: kept as text, never evaluated"
            yield Issue("formula-cell", message, where)
    else:
        account = cells[0] if cells else ""
    try:
        key = _handle_key(account, context)
    except _NoDomain as exc:
        yield Issue("no-domain", str(exc), where)
        return
    except ValueError as exc:
        if is_formula(account) and not account.startswith("@"):
            message = f"the account starts with {account[0]!r}: kept as text, never evaluated"
            yield Issue("formula-cell", message, where)
        yield Issue("bad-account", str(exc), where)
        return
    if context.is_me(key):
        return
    if (list_name, key.value) in seen:
        yield Issue("duplicate-row", f"{key.value} is listed again", where)
        return
    seen.add((list_name, key.value))
    ref = f"masto:{key.value}"
    tags = (f"list: {list_name}",) if list_name else ()
    blocked = kind in ("blocked", "muted")
    person = PersonRecord(ref, "", (key,), tags=tags, blocked=blocked, where=where)
    person, problems = fit_person(person)
    yield from problems
    yield person
    if kind == "following":
        yield TieRecord(ME, ref, "follow", "Mastodon following", where=where)


# -- the archive's outbox.json --------------------------------------------------------------------
class _Text(HTMLParser):
    """Plain text of a post's HTML: tags dropped, line breaks kept, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in ("p", "div", "li", "blockquote"):
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The text of untrusted HTML, never its markup."""
    html = html[:MAX_HTML_CHARS]
    # A tag left open at the end would come out as text: drop it.
    if html.rfind("<") > html.rfind(">"):
        html = html[: html.rfind("<")]
    parser = _Text()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):
        pass  # keep what was read before the parser gave up
    text = clean_block("".join(parser.parts))
    return _BLANK_LINES.sub("\n\n", text).strip()


@dataclass
class _Owner:
    """Who the owner is, and how handles were written (the outbox's reading state)."""

    handles: set[str] = field(default_factory=set)
    shown: dict[str, str] = field(default_factory=dict)


def _owner(path: Path, context: Context) -> _Owner:
    owner = _Owner({k.value for k in context.me_keys if k.channel == "mastodon"})
    actor = path.parent / "actor.json"
    try:
        if actor.is_file() and actor.stat().st_size <= MAX_ACTOR_BYTES:
            data = json.loads(actor.read_text(encoding="utf-8-sig", errors="replace"))
            if isinstance(data, dict):
                user = text_field(data.get("preferredUsername"))
                host = urlsplit(text_field(data.get("id"))).hostname or ""
                handle = _normal(f"{user}@{host}") if user and host else ""
                owner.handles.update({handle} - {""})
    except (OSError, ValueError, RecursionError):
        pass  # actor.json only helps: each activity names its actor too
    return owner


def _outbox(path: Path, context: Context) -> Iterator[Record]:
    shown = context.shown(path)
    text, issues = read_text(path, shown, MAX_OUTBOX_BYTES)
    yield from issues
    owner = _owner(path, context)
    known: set[str] = set()
    try:
        for _, index, line, item in object_array_items(text, frozenset({"orderedItems"})):
            where = Where(shown, line)
            yield from _activity(item, index, where, owner, context, known)
    except BrokenJson as exc:
        message = f"{exc}; the rest of the file was not read"
        yield Issue("bad-json", message, Where(shown, exc.line), severity="error")


def _external(*parts: str) -> str:
    joined = ":".join(parts)
    return joined if len(joined) <= ID_LIMIT else f"h:{digest(*parts)}"


def _url(value: object) -> str:
    if isinstance(value, dict):
        value = value.get("id")
    return text_field(value).strip()


def _activity(
    item: Any, index: int, where: Where, owner: _Owner, context: Context, known: set[str]
) -> Iterator[Record]:
    label = f"orderedItems[{index}]"
    if not isinstance(item, dict):
        yield Issue("bad-record", f"{label}: not an activity object", where)
        return
    kind = item.get("type")
    if kind not in ("Create", "Announce"):
        return
    actor = _from_url(_url(item.get("actor")))
    if actor:
        owner.handles.add(actor)
    note = item.get("object")
    if kind == "Create" and not (isinstance(note, dict) and note.get("type") in _NOTE_TYPES):
        yield Issue("bad-record", f"{label}: a Create without a note in it", where)
        return
    source = note if isinstance(note, dict) else item
    when = parse_datetime(text_field(source.get("published") or item.get("published")))
    if when is None:
        yield Issue("bad-date", f"{label}: no readable 'published' date", where)
        return
    if kind == "Announce":
        yield from _boost(item, when, where, owner, known)
    else:
        assert isinstance(note, dict)
        yield from _note(item, note, when, where, owner, context, known)


def _boost(
    item: dict[str, Any], when: dt.datetime, where: Where, owner: _Owner, known: set[str]
) -> Iterator[Record]:
    boosted = _url(item.get("object"))
    post_id = _url(item.get("id")) or boosted
    if not post_id:
        yield Issue("bad-record", "a boost without an id", where)
        return
    author = _from_url(boosted)
    people = [author] if author and author not in owner.handles else []
    yield from _people(people, known, where, owner.shown)
    yield PostRecord(when, "mastodon", boosted, _external(post_id), "share", _refs(people), where)
    yield from _interactions(when, "share", post_id, people, "", where)


def _note(
    item: dict[str, Any],
    note: dict[str, Any],
    when: dt.datetime,
    where: Where,
    owner: _Owner,
    context: Context,
    known: set[str],
) -> Iterator[Record]:
    post_id = _url(note.get("id")) or _url(item.get("id"))
    content = note.get("content")
    if not isinstance(content, str) and isinstance(note.get("contentMap"), dict):
        content = next(iter(note["contentMap"].values()), "")
    text = html_to_text(text_field(content))
    if not post_id:
        post_id = f"h:{digest(when.isoformat(), text)}"
    reply_to = _url(note.get("inReplyTo"))
    people = [h for h in _mentioned(note.get("tag"), owner.shown) if h not in owner.handles]
    replied = _from_url(reply_to) if reply_to else ""
    if replied and replied not in owner.handles and replied not in people:
        people.append(replied)
    kind = "reply" if reply_to else "post"
    yield from _people(people, known, where, owner.shown)
    yield PostRecord(when, "mastodon", text, _external(post_id), kind, _refs(people), where)
    body = text if context.store_bodies else ""
    interaction = "comment" if reply_to else "post"
    yield from _interactions(when, interaction, post_id, people, body, where)


def _mentioned(tags: object, shown: dict[str, str]) -> list[str]:
    """Handles of the ``Mention`` tags of a note, in order, each once.

    How each was written (``dan@bücher.example``) goes into ``shown`` for the key's display.
    """
    found: list[str] = []
    for tag in tags if isinstance(tags, list) else []:
        if not isinstance(tag, dict) or tag.get("type") != "Mention":
            continue
        name = text_field(tag.get("name")).strip().lstrip("@")
        href = text_field(tag.get("href"))
        if "@" in name:
            handle = _normal(name)
        elif name:
            host = _host(href)
            handle = _normal(f"{name}@{host}") if host else ""
        else:
            handle = ""
        handle = handle or _from_url(href)
        if handle and handle not in found:
            found.append(handle)
            if "@" in name:
                shown.setdefault(handle, clean(name)[:320])
    return found


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _refs(handles: list[str]) -> tuple[str, ...]:
    return tuple(f"masto:{h}" for h in handles)


def _people(
    handles: list[str], known: set[str], where: Where, shown: dict[str, str]
) -> Iterator[Record]:
    for handle in handles:
        if handle not in known:
            known.add(handle)
            key = Key("mastodon", handle, shown.get(handle, handle))
            yield PersonRecord(f"masto:{handle}", "", (key,), where=where)


def _interactions(
    when: dt.datetime, kind: str, post_id: str, handles: list[str], body: str, where: Where
) -> Iterator[Record]:
    for handle in handles:
        yield InteractionRecord(
            when,
            kind,
            "mastodon",
            "out",
            ((ME, "from"), (f"masto:{handle}", "to")),
            external_id=_external("masto", post_id, handle),
            body=body,
            where=where,
        )
