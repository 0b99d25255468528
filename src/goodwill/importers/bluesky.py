"""Bluesky: the repository export (a CAR file, from ``com.atproto.sync.getRepo``).

Every block of the CAR file is read and the DAG-CBOR records among them are recognised by
their ``$type`` (the Merkle search tree that indexes them is not needed):

* ``app.bsky.graph.follow`` → ``PersonRecord("bsky:<did>")`` and ``TieRecord(ME, ref, "follow")``
  (the subject is a DID string, or in the oldest repositories ``{"did": ..., ...}``);
* ``app.bsky.feed.post`` → a ``PostRecord`` (``reply`` when it answers a post), with a
  ``comment`` interaction with the parent post's author and one per mentioned account (``post``
  when the post is not a reply);
* ``app.bsky.feed.repost`` → a ``PostRecord`` of kind ``share`` and a ``share`` interaction;
* ``app.bsky.feed.like`` → a ``like`` interaction with the liked post's author;
* ``app.bsky.graph.block`` → the person, ``blocked``.

The owner's DID is the ``did`` of the commit block (the CAR root) or a ``bluesky_did`` among
``Context.me_keys``; the owner is never made a person. Records are content-addressed, so the
block's CID is a stable id for posts and interactions across re-exports.

A file that is not a CAR file fails; damage after the header keeps what was read before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from goodwill.errors import ImportFailed
from goodwill.importers.base import sniff
from goodwill.importers.car import (
    DAG_CBOR,
    BadBlock,
    Block,
    CarError,
    Header,
    decode_dag_cbor,
    iter_blocks,
    read_header,
    sniff_header,
)
from goodwill.importers.csvutil import clean_block, digest, make_key, parse_datetime
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

FORMAT = "bluesky"
LABEL = "Bluesky repository export (CAR)"

MENTION = "app.bsky.richtext.facet#mention"
ID_LIMIT = 300  # the longest external id the database keeps


def identify(path: Path) -> bool:
    return path.name.lower().endswith(".car") and sniff_header(sniff(path, 4096)) is not None


@dataclass
class _State:
    shown: str
    context: Context
    owners: set[str] = field(default_factory=set)
    known: set[str] = field(default_factory=set)
    followed: set[str] = field(default_factory=set)


def parse(path: Path, context: Context) -> Iterator[Record]:
    shown = context.shown(path)
    state = _State(shown, context, {k.value for k in context.me_keys if k.channel == "bluesky_did"})
    with _open(path, shown) as handle:
        header = _header(handle, shown)
        state.owners |= _commit_dids(handle, header)
        handle.seek(header.start)
        try:
            for block in iter_blocks(handle, header):
                yield from _block(block, state)
        except CarError as exc:
            code = "truncated" if "cut short" in str(exc) or "ends" in str(exc) else "bad-car"
            message = f"{exc}; the rest of the file was not read"
            yield Issue(code, message, Where(shown), severity="error")
        except OSError as exc:
            raise ImportFailed(f"{shown}: read error ({exc.strerror or exc})") from None


def _open(path: Path, shown: str) -> BinaryIO:
    try:
        return path.open("rb")
    except IsADirectoryError:
        raise ImportFailed(f"{shown}: is a folder, not a file") from None
    except OSError as exc:
        raise ImportFailed(f"{shown}: cannot be read ({exc.strerror or exc})") from None


def _header(handle: BinaryIO, shown: str) -> Header:
    try:
        return read_header(handle)
    except (CarError, OSError) as exc:
        raise ImportFailed(f"{shown}: not a readable CAR file ({exc})") from None


def _commit_dids(handle: BinaryIO, header: Header) -> set[str]:
    """The ``did`` of the root commit, found in a first pass (the commit may come anywhere)."""
    roots = {root.raw for root in header.roots}
    try:
        for block in iter_blocks(handle, header):
            if isinstance(block, Block) and block.cid.raw in roots:
                commit = decode_dag_cbor(block.data)
                did = _did(commit.get("did")) if isinstance(commit, dict) else ""
                return {did} if did else set()
    except (CarError, OSError):
        pass  # the second pass reports the damage
    return set()


def _did(value: object) -> str:
    try:
        return make_key("bluesky_did", value).value if isinstance(value, str) else ""
    except ValueError:
        return ""


def _author(uri: object) -> str:
    """The DID in ``at://did:plc:…/collection/rkey`` (empty when there is none)."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return ""
    return _did(uri[5:].split("/", 1)[0])


def _block(block: Block | BadBlock, state: _State) -> Iterator[Record]:
    where = Where(state.shown)
    if isinstance(block, BadBlock):
        yield Issue("bad-block", f"byte {block.offset}: {block.problem}", where)
        return
    if block.cid.codec != DAG_CBOR:
        return
    if block.verified is False:
        message = f"byte {block.offset}: the block does not match its CID; skipped"
        yield Issue("bad-hash", message, where)
        return
    try:
        value = decode_dag_cbor(block.data)
    except CarError as exc:
        yield Issue("bad-cbor", f"byte {block.offset}: {exc}", where)
        return
    kind = value.get("$type") if isinstance(value, dict) else None
    handler = _HANDLERS.get(kind) if isinstance(kind, str) else None
    if handler is not None and isinstance(value, dict):
        yield from handler(value, str(block.cid), block.offset, state)


def _when(record: dict[str, object]) -> dt.datetime | None:
    created = record.get("createdAt")
    return parse_datetime(created) if isinstance(created, str) else None


def _person(did: str, state: _State, blocked: bool = False) -> Iterator[Record]:
    if did not in state.known or blocked:
        state.known.add(did)
        key = Key("bluesky_did", did, did)
        yield PersonRecord(f"bsky:{did}", "", (key,), blocked=blocked, where=Where(state.shown))


def _follow(record: dict[str, object], cid: str, offset: int, state: _State) -> Iterator[Record]:
    subject = record.get("subject")
    did = _did(subject.get("did") if isinstance(subject, dict) else subject)
    if not did:
        yield Issue("bad-did", f"byte {offset}: a follow without a DID", Where(state.shown))
        return
    if did in state.owners or did in state.followed:
        return
    state.followed.add(did)
    yield from _person(did, state)
    when = _when(record)
    since = when.date() if when else None
    yield TieRecord(ME, f"bsky:{did}", "follow", "Bluesky follows", since, where=Where(state.shown))


def _block_record(
    record: dict[str, object], cid: str, offset: int, state: _State
) -> Iterator[Record]:
    did = _did(record.get("subject"))
    if not did:
        yield Issue("bad-did", f"byte {offset}: a block without a DID", Where(state.shown))
    elif did not in state.owners:
        yield from _person(did, state, blocked=True)


def _post(record: dict[str, object], cid: str, offset: int, state: _State) -> Iterator[Record]:
    where = Where(state.shown)
    when = _when(record)
    if when is None:
        yield Issue("bad-date", f"byte {offset}: a post without a readable createdAt", where)
        return
    text_value = record.get("text")
    text = clean_block(text_value) if isinstance(text_value, str) else ""
    reply = record.get("reply")
    parent = reply.get("parent") if isinstance(reply, dict) else None
    replied = _author(parent.get("uri")) if isinstance(parent, dict) else ""
    people = [replied] if replied else []
    people += [did for did in _mentions(record.get("facets")) if did not in people]
    people = [did for did in people if did not in state.owners]
    for did in people:
        yield from _person(did, state)
    kind = "reply" if reply is not None else "post"
    yield PostRecord(when, "bluesky", text, cid, kind, tuple(f"bsky:{d}" for d in people), where)
    body = text if state.context.store_bodies else ""
    interaction = "comment" if kind == "reply" else "post"
    yield from _interactions(when, interaction, cid, people, body, where)


def _mentions(facets: object) -> list[str]:
    found: list[str] = []
    for facet in facets if isinstance(facets, list) else []:
        features = facet.get("features") if isinstance(facet, dict) else None
        for feature in features if isinstance(features, list) else []:
            if isinstance(feature, dict) and feature.get("$type") == MENTION:
                did = _did(feature.get("did"))
                if did and did not in found:
                    found.append(did)
    return found


def _subject(record: dict[str, object]) -> tuple[str, str]:
    """The ``at://`` URI a like or repost points at, and its author's DID."""
    subject = record.get("subject")
    uri = subject.get("uri") if isinstance(subject, dict) else None
    return (uri, _author(uri)) if isinstance(uri, str) else ("", "")


def _like(record: dict[str, object], cid: str, offset: int, state: _State) -> Iterator[Record]:
    yield from _pointer(record, cid, offset, state, "like")


def _repost(record: dict[str, object], cid: str, offset: int, state: _State) -> Iterator[Record]:
    yield from _pointer(record, cid, offset, state, "share")


def _pointer(
    record: dict[str, object], cid: str, offset: int, state: _State, kind: str
) -> Iterator[Record]:
    """A like or a repost: an interaction with the author of the post it points at."""
    where = Where(state.shown)
    what = "like" if kind == "like" else "repost"
    when = _when(record)
    uri, did = _subject(record)
    if when is None:
        yield Issue("bad-date", f"byte {offset}: a {what} without a readable createdAt", where)
        return
    if not did:
        yield Issue("bad-record", f"byte {offset}: a {what} of no readable post", where)
        return
    people = [] if did in state.owners else [did]
    for found in people:
        yield from _person(found, state)
    if kind == "share":
        refs = tuple(f"bsky:{d}" for d in people)
        yield PostRecord(when, "bluesky", uri, cid, "share", refs, where)
    yield from _interactions(when, kind, cid, people, "", where)


def _interactions(
    when: dt.datetime, kind: str, cid: str, dids: list[str], body: str, where: Where
) -> Iterator[Record]:
    for did in dids:
        yield InteractionRecord(
            when,
            kind,
            "bluesky",
            "out",
            ((ME, "from"), (f"bsky:{did}", "to")),
            external_id=_external(cid, did),
            body=body,
            where=where,
        )


def _external(cid: str, did: str) -> str:
    joined = f"{cid}:{did}"
    return joined if len(joined) <= ID_LIMIT else f"h:{digest(cid, did)}"


_HANDLERS = {
    "app.bsky.graph.follow": _follow,
    "app.bsky.graph.block": _block_record,
    "app.bsky.feed.post": _post,
    "app.bsky.feed.like": _like,
    "app.bsky.feed.repost": _repost,
}
