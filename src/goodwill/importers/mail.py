"""E-mail archives: mbox files and single messages (``.eml``, Maildir and Enron maildir files).

Two formats share one pipeline:

* ``mbox`` (this module's ``FORMAT``): a file that starts with a ``From `` line;
* ``eml`` (the ``EML`` importer object below): one RFC 822 message per file, which is how
  Maildir folders (``cur/``, ``new/``) and the CMU Enron layout (``maildir/<user>/<folder>/<N>.``)
  arrive once the folder is expanded into files.

``parse_many(paths, context)`` reads all the files of one import as a single archive, so the
same message filed in several folders (the same Message-ID) is counted once and co-occurrence is
summed over everything; ``parse`` of either format is that over one file.

Only headers are read (see ``mailparse``); bodies are skipped unless ``context.store_bodies``,
and then only the first inline text/plain part is kept (100,000 characters at most), read back
from the file at the end. Memory holds one small summary per message, never a message or body.

What comes out, in order:

* ``Issue`` records found while reading (bad addresses, missing dates, …);
* ``PersonRecord`` for every distinct address but the owner's: ref ``email:<address>``, one
  ``email`` key, the display name most often used for the address (RFC 2047 decoded, quotes
  stripped, ``Last, First`` turned round; Enron's ``X-From``/``X-To`` names count too);
* ``InteractionRecord`` per message: kind and channel ``email``, ``external_id`` the normalised
  Message-ID (a hash of date, sender and subject when there is none), direction ``out`` when the
  owner sent it and ``in`` otherwise, participants ``ME`` plus the others as ``from``/``to``/
  ``cc`` (Bcc counts as ``cc``);
* ``TieRecord`` ``cooccurrence`` between the non-owner people on the same message, weighted
  ``1/(n-1)`` per message for ``n`` such people and summed; none from a message with more than
  50 of them or listing more than 50 recipients, none from list or bulk mail.

The owner is whoever ``context.me_keys`` names (e-mail keys); without them, the address on the
most messages (at least two) is taken, and an ``owner-inferred`` issue names it.

List and bulk mail (``List-Id``, ``List-Unsubscribe``, ``Precedence: bulk|list|junk``,
``Auto-Submitted`` other than ``no``, or a no-reply/daemon/notification/newsletter/bounce sender)
still gives an interaction, but only with ``ME``, the sender and recipients the owner is known to
correspond with. People are marked ``bulk`` when their address is a no-reply one or a list's
posting address (``List-Post``), or when it only ever appears on list or bulk mail that the owner
neither sent nor was personally addressed on: a stranger posting to a mailing list is kept, out
of the relationship map, while someone the owner actually writes to is not.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from collections.abc import Generator, Iterable, Iterator
from itertools import combinations
from pathlib import Path
from typing import BinaryIO, NamedTuple

from goodwill.errors import ImportFailed
from goodwill.identity import normalise
from goodwill.importers.base import sniff
from goodwill.importers.mailbox_reader import (
    MAX_HEADER_BYTES,
    NotMbox,
    RawMessage,
    iter_mbox,
    looks_like_mbox,
    plain_body,
    read_message,
    read_span,
)
from goodwill.importers.mailparse import (
    Headers,
    addresses,
    bulk_reason,
    clean_name,
    clean_text,
    decode_words,
    fallback_id,
    first,
    header_line,
    is_noreply,
    list_post_address,
    normalise_message_id,
    parse_date,
    parse_headers,
)
from goodwill.importers.records import (
    ME,
    Context,
    InteractionRecord,
    Issue,
    Key,
    PersonRecord,
    Record,
    TieRecord,
    Where,
)

__all__ = ["EML", "FORMAT", "LABEL", "identify", "identify_eml", "parse", "parse_eml", "parse_many"]

FORMAT = "mbox"
LABEL = "E-mail archive (mbox)"
EML_FORMAT = "eml"
EML_LABEL = "E-mail message (.eml, Maildir or Enron maildir file)"
SOURCE = "E-mail co-occurrence"
MAX_PAIR_PARTICIPANTS = 50
MIN_OWNER_MESSAGES = 2
MAX_ADDRESS = 320  # what an identity can hold
SUBJECT_LIMIT = 300
ADDRESS_HEADERS = (("from", "from"), ("to", "to"), ("cc", "cc"), ("bcc", "cc"))
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_EXCHANGE_ROUTE = re.compile(r"\s*<[^<>]*>\s*$")


# -- identification --------------------------------------------------------------------------
_MBOX_START = re.compile(rb"From [^\n]*\n(?:[!-9;-~]+:|>?From )")
_HEADER_NAME = re.compile(rb"([!-9;-~]+):")
_MAIL_HEADERS = frozenset(
    b"from to cc bcc date subject message-id received return-path delivered-to mime-version "
    b"x-from x-to reply-to sender content-type in-reply-to references x-mailer user-agent "
    b"dkim-signature x-received authentication-results received-spf list-id thread-topic "
    b"content-transfer-encoding x-original-to envelope-to x-folder x-origin x-filename".split()
)
_STRONG_HEADERS = frozenset(
    b"from received message-id return-path delivered-to x-from x-original-to".split()
)


def identify(path: Path) -> bool:
    """An mbox: the file starts with a ``From `` line followed by a header line."""
    return _MBOX_START.match(sniff(path, 4096)) is not None


def identify_eml(path: Path) -> bool:
    """A single message: the first lines are RFC 822 headers, at least two of them mail
    headers, one of them From, Received, Message-ID, Return-Path, Delivered-To or X-From."""
    head = sniff(path)
    lines = head.lstrip(b" \t\r\n").split(b"\n")[:-1] or []
    if not lines or lines[0].startswith(b"From "):
        return False
    names: set[bytes] = set()
    for line in lines:
        line = line.rstrip(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t"):
            if not names:
                return False
            continue
        match = _HEADER_NAME.match(line)
        if match is None:
            return False
        names.add(match.group(1).lower())
    return len(names & _MAIL_HEADERS) >= 2 and bool(names & _STRONG_HEADERS)


# -- the archive -----------------------------------------------------------------------------
class _Summary(NamedTuple):
    """What is kept of one message between reading and writing records."""

    when: dt.datetime
    external_id: str
    subject: str
    senders: tuple[int, ...]
    to: tuple[int, ...]
    cc: tuple[int, ...]
    bulk: bool
    wide: bool
    file: int
    line: int
    span: tuple[int, int] | None


class _Archive:
    """All the messages of one import, read once; addresses are interned as small ints."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.files: list[Path] = []
        self.shown: list[str] = []
        self.mbox: list[bool] = []
        self.known: dict[str, int] = {}  # raw address as written -> id (-1: not an address)
        self.ids: dict[str, int] = {}  # normalised address -> id
        self.addresses: list[str] = []
        self.displays: list[str] = []
        self.counts: list[int] = []  # messages each address is on
        self.personal_counts: list[int] = []  # … that are not list or bulk mail
        self.first_seen: list[tuple[int, int]] = []
        self.names: dict[int, dict[str, int]] = {}
        self.list_addresses: set[str] = set()
        self.summaries: list[_Summary] = []
        self.seen: set[str] = set()
        self.duplicates = 0

    # -- reading ------------------------------------------------------------------------------
    def read(self, path: Path, *, strict: bool, want_mbox: bool = False) -> Iterator[Issue]:
        index = len(self.files)
        shown = self.context.shown(path)
        self.files.append(path)
        self.shown.append(shown)
        try:
            handle = path.open("rb")
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            if strict:
                raise ImportFailed(f"{shown}: cannot be read ({reason})") from exc
            self.mbox.append(False)
            yield Issue("unreadable-file", f"cannot be read ({reason})", Where(shown), "error")
            return
        with handle:
            try:
                yield from self._read_handle(handle, index, strict=strict, want_mbox=want_mbox)
            except OSError as exc:
                reason = exc.strerror or type(exc).__name__
                if strict:
                    raise ImportFailed(f"{shown}: cannot be read ({reason})") from exc
                yield Issue("unreadable-file", f"cannot be read ({reason})", Where(shown), "error")

    def _read_handle(
        self, handle: BinaryIO, index: int, *, strict: bool, want_mbox: bool
    ) -> Iterator[Issue]:
        head = handle.read(4096)
        handle.seek(0)
        is_mbox = looks_like_mbox(head)
        self.mbox.append(is_mbox)
        shown = self.shown[index]
        if want_mbox and not is_mbox:
            if strict:
                raise ImportFailed(f"{shown}: not an mbox file (it does not start with 'From ')")
            yield Issue("not-a-message", "not an mbox file", Where(shown), "error")
            return
        if is_mbox:
            try:
                for raw in iter_mbox(handle):
                    yield from self._message(raw, index)
            except NotMbox as exc:  # pragma: no cover - looks_like_mbox said it was one
                if strict:
                    raise ImportFailed(f"{shown}: not an mbox file ({exc})") from exc
                yield Issue("not-a-message", f"not an mbox file ({exc})", Where(shown), "error")
            return
        raw = read_message(handle, os.fstat(handle.fileno()).st_size)
        if _HEADER_NAME.search(raw.headers) is None:
            if strict:
                raise ImportFailed(f"{shown}: not an e-mail message (no header lines)")
            yield Issue("not-a-message", "no e-mail header lines", Where(shown), "error")
            return
        yield from self._message(raw, index)

    def _message(self, raw: RawMessage, index: int) -> Iterator[Issue]:
        headers = parse_headers(raw.headers)
        where = Where(self.shown[index], raw.line)
        if raw.truncated:
            yield Issue(
                "long-headers",
                f"the header block is over {MAX_HEADER_BYTES:,} bytes; the rest was skipped",
                where,
            )
        date_text = first(headers, "date")
        message_id = first(headers, "message-id")
        external = normalise_message_id(message_id) if message_id else ""
        if not external:
            external = fallback_id(date_text, first(headers, "from"), first(headers, "subject"))
        if external in self.seen:
            self.duplicates += 1
            return
        when = parse_date(date_text) if date_text.strip() else None
        if when is None:
            label = f"<{external[:80]}>" if message_id.strip() else "a message"
            if date_text.strip():
                yield Issue(
                    "bad-date", f"{label} has an unreadable Date {date_text[:60]!r}; skipped", where
                )
            else:
                yield Issue("no-date", f"{label} has no Date header; skipped", where)
            return
        self.seen.add(external)  # only now: a later, dated copy of an undated one is kept
        yield from self._keep(raw, index, headers, when, external, where)

    def _keep(
        self,
        raw: RawMessage,
        index: int,
        headers: Headers,
        when: dt.datetime,
        external: str,
        where: Where,
    ) -> Iterator[Issue]:
        roles: dict[str, list[int]] = {"from": [], "to": [], "cc": []}
        present: dict[int, None] = {}
        named: set[int] = set()
        recipients: set[int] = set()
        listed = 0
        for header, role in ADDRESS_HEADERS:
            for nth, value in enumerate(headers.get(header, ())):
                found = addresses(value)
                if value.count("@") > sum(n.count("@") + a.count("@") for n, a in found):
                    # An item with an @ that gave no address at all (``broken@``).
                    line = raw.line + header_line(raw.headers, header, nth)
                    shown = _CONTROL.sub("?", value)[:120]
                    yield Issue(
                        "bad-address",
                        f"part of {header.title()} is not an e-mail address: {shown!r}",
                        Where(where.file, line),
                    )
                for name, written in found:
                    ident = self._address(written, index, raw.line)
                    if ident < 0:
                        line = raw.line + header_line(raw.headers, header, nth)
                        shown = _CONTROL.sub("?", written)[:120]
                        yield Issue(
                            "bad-address",
                            f"{shown!r} in {header.title()} is not an e-mail address",
                            Where(where.file, line),
                        )
                        continue
                    if role != "from":
                        listed += header != "bcc"
                        recipients.add(ident)
                    if name:
                        named.add(ident)
                        self._name(ident, name)
                    if ident not in present:
                        present[ident] = None
                        roles[role].append(ident)
        if not present:
            yield Issue("no-address", "a message without any usable address; skipped", where)
            return
        self._enron_names(headers, roles, named)
        reason = bulk_reason(headers)
        senders = roles["from"]
        if not reason and senders and is_noreply(self.addresses[senders[0]]):
            reason = "no-reply sender"
        for ident in present:
            self.counts[ident] += 1
            if not reason:
                self.personal_counts[ident] += 1
        posting = list_post_address(headers)
        if posting:
            with contextlib.suppress(ValueError):
                self.list_addresses.add(normalise("email", posting))
        wide = listed > MAX_PAIR_PARTICIPANTS or len(present) > MAX_PAIR_PARTICIPANTS + 1
        if wide:
            count = max(listed, len(recipients))
            yield Issue(
                "many-recipients",
                f"lists {count:,} recipients ({len(recipients):,} distinct): too wide to say "
                "who knows whom, so it gives no co-occurrence ties",
                where,
                "info",
            )
        subject = clean_text(decode_words(first(headers, "subject")[: SUBJECT_LIMIT * 4]))
        subject = subject[:SUBJECT_LIMIT]
        span = (raw.start, raw.end) if self.context.store_bodies else None
        self.summaries.append(
            _Summary(
                when,
                external,
                subject,
                tuple(senders),
                tuple(roles["to"]),
                tuple(roles["cc"]),
                bool(reason),
                wide,
                index,
                raw.line,
                span,
            )
        )

    def _address(self, written: str, index: int, line: int) -> int:
        ident = self.known.get(written)
        if ident is not None:
            return ident
        try:
            if len(written) > MAX_ADDRESS or _CONTROL.search(written):
                raise ValueError(written)
            address = normalise("email", written)
        except ValueError:
            self.known[written] = -1
            return -1
        ident = self.ids.get(address)
        if ident is None:
            ident = len(self.addresses)
            self.ids[address] = ident
            self.addresses.append(address)
            self.displays.append(written.strip().strip("<>").strip())
            self.counts.append(0)
            self.personal_counts.append(0)
            self.first_seen.append((index, line))
        if len(self.known) < 1_000_000:
            self.known[written] = ident
        return ident

    def _name(self, ident: int, name: str) -> None:
        name = name[:500]
        counter = self.names.setdefault(ident, {})
        if name in counter or len(counter) < 50:
            counter[name] = counter.get(name, 0) + 1

    def _enron_names(self, headers: Headers, roles: dict[str, list[int]], named: set[int]) -> None:
        """Enron's ``X-From``/``X-To`` carry the names its ``From``/``To`` leave out."""
        for header, role in (("x-from", "from"), ("x-to", "to")):
            ids = roles[role]
            value = first(headers, header)
            if len(ids) != 1 or ids[0] in named or not value:
                continue
            if value.count("<") > 1 or value.count(",") > 1 or ";" in value:
                continue
            self._name(ids[0], _EXCHANGE_ROUTE.sub("", value))

    # -- writing ------------------------------------------------------------------------------
    def records(self) -> Iterator[Record]:
        where = Where(self.shown[0]) if self.shown else Where("")
        if self.duplicates:
            many = self.duplicates != 1
            yield Issue(
                "duplicate-messages",
                f"{self.duplicates:,} {'messages' if many else 'message'} appeared more than once "
                f"(the same Message-ID) and {'were' if many else 'was'} counted once",
                where,
                "info",
            )
        owner = yield from self._owner(where)
        bulk = self._bulk_people(owner)
        refs = [f"email:{address}" for address in self.addresses]
        for ident, address in enumerate(self.addresses):
            if ident in owner:
                continue
            file_index, line = self.first_seen[ident]
            yield PersonRecord(
                ref=refs[ident],
                name=self._best_name(ident),
                keys=(Key("email", address, self.displays[ident]),),
                bulk=bulk[ident],
                where=Where(self.shown[file_index], line),
            )
        # Pairs are counted on ranks in ref order, so sorting the keys sorts the ties.
        order = sorted(range(len(refs)), key=refs.__getitem__)
        rank = [0] * len(refs)
        for position, ident in enumerate(order):
            rank[ident] = position
        pairs: dict[int, float] = {}
        bodies = _Bodies(self) if self.context.store_bodies else None
        for summary in self.summaries:
            yield self._interaction(summary, owner, bulk, refs, bodies)
            if not summary.bulk and not summary.wide:
                _count_pairs(summary, owner, bulk, rank, pairs)
        if bodies is not None:
            bodies.close()
        size = max(len(refs), 1)
        for key in sorted(pairs):
            a, b = divmod(key, size)
            yield TieRecord(
                refs[order[a]], refs[order[b]], "cooccurrence", SOURCE, weight=round(pairs[key], 6)
            )

    def _owner(self, where: Where) -> Generator[Issue, None, frozenset[int]]:
        """The owner's address ids (a generator so it can report how it chose them)."""
        if any(key.channel == "email" for key in self.context.me_keys):
            return frozenset(
                i for i, a in enumerate(self.addresses) if self.context.is_me(Key("email", a))
            )
        candidates = [
            i
            for i, address in enumerate(self.addresses)
            if not is_noreply(address) and address not in self.list_addresses
        ]
        if not candidates:
            return frozenset()
        best = min(
            candidates,
            key=lambda i: (-self.personal_counts[i], -self.counts[i], self.addresses[i]),
        )
        total = len(self.summaries)
        if self.counts[best] < MIN_OWNER_MESSAGES:
            yield Issue(
                "owner-unknown",
                "no address is on enough messages to tell whose archive this is; "
                "name your own e-mail addresses to link the messages to you",
                where,
            )
            return frozenset()
        yield Issue(
            "owner-inferred",
            f"took {self.addresses[best]} as the archive's owner (on {self.counts[best]:,} of "
            f"{total:,} messages); name your own e-mail addresses to change this",
            where,
        )
        return frozenset({best})

    def _bulk_people(self, owner: frozenset[int]) -> list[bool]:
        personal = bytearray(len(self.addresses))
        for s in self.summaries:
            if not s.bulk:
                for ident in (*s.senders, *s.to, *s.cc):
                    personal[ident] = 1
            elif s.senders and s.senders[0] in owner:
                for ident in (*s.to, *s.cc):
                    personal[ident] = 1
            elif len(s.to) + len(s.cc) > 1 and any(i in owner for i in (*s.to, *s.cc)):
                # Named personally beside a list address: a reply-all to the owner.
                for ident in s.senders:
                    personal[ident] = 1
        return [
            not personal[i] or is_noreply(a) or a in self.list_addresses
            for i, a in enumerate(self.addresses)
        ]

    def _best_name(self, ident: int) -> str:
        tally: dict[str, int] = {}
        address = self.addresses[ident]
        for raw, count in self.names.get(ident, {}).items():
            name = clean_name(raw, address)
            if name:
                tally[name] = tally.get(name, 0) + count
        if not tally:
            return ""
        return max(tally.items(), key=lambda item: item[1])[0]

    def _interaction(
        self,
        s: _Summary,
        owner: frozenset[int],
        bulk: list[bool],
        refs: list[str],
        bodies: _Bodies | None,
    ) -> InteractionRecord:
        sent = any(ident in owner for ident in s.senders)
        if sent:
            me_role = "from"
        elif any(ident in owner for ident in s.cc) and not any(i in owner for i in s.to):
            me_role = "cc"
        else:
            me_role = "to"
        participants = [(ME, me_role)]
        for role, ids in (("from", s.senders), ("to", s.to), ("cc", s.cc)):
            for ident in ids:
                if ident in owner or (role != "from" and bulk[ident]):
                    continue
                participants.append((refs[ident], role))
        body = bodies.text(s) if bodies is not None else ""
        return InteractionRecord(
            when=s.when,
            kind="email",
            channel="email",
            direction="out" if sent else "in",
            participants=tuple(participants),
            subject=s.subject,
            external_id=s.external_id,
            body=body,
            where=Where(self.shown[s.file], s.line),
        )


def _count_pairs(
    s: _Summary, owner: frozenset[int], bulk: list[bool], rank: list[int], pairs: dict[int, float]
) -> None:
    """Add ``1/(n-1)`` for every pair of the message's ``n`` non-owner, non-bulk people."""
    members = sorted(
        {rank[i] for i in (*s.senders, *s.to, *s.cc) if i not in owner and not bulk[i]}
    )
    if not 2 <= len(members) <= MAX_PAIR_PARTICIPANTS:
        return
    weight = 1.0 / (len(members) - 1)
    size = len(rank)
    for a, b in combinations(members, 2):
        key = a * size + b
        pairs[key] = pairs.get(key, 0.0) + weight


class _Bodies:
    """Reads message bodies back from their files, one open file at a time."""

    def __init__(self, archive: _Archive) -> None:
        self.archive = archive
        self.index = -1
        self.handle: BinaryIO | None = None

    def text(self, s: _Summary) -> str:
        if s.span is None:
            return ""
        try:
            if self.index != s.file or self.handle is None:
                self.close()
                self.handle = self.archive.files[s.file].open("rb")
                self.index = s.file
            raw = read_span(self.handle, *s.span)
            return plain_body(raw, unquote_from=self.archive.mbox[s.file])
        except Exception:  # a body we cannot decode never stops the import
            return ""

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


# -- entry points ----------------------------------------------------------------------------
def _run(paths: Iterable[Path], context: Context, *, strict: bool, mbox: bool) -> Iterator[Record]:
    archive = _Archive(context)
    for path in paths:
        yield from archive.read(Path(path), strict=strict, want_mbox=mbox)
    yield from archive.records()


def parse_many(paths: Iterable[Path], context: Context) -> Iterator[Record]:
    """All the message files (and mbox files) of one import, read as one archive.

    An unreadable file or one that is not a message gives an issue, not a failure.
    """
    return _run(paths, context, strict=False, mbox=False)


def parse(path: Path, context: Context) -> Iterator[Record]:
    """One mbox file."""
    return _run([path], context, strict=True, mbox=True)


def parse_eml(path: Path, context: Context) -> Iterator[Record]:
    """One message file: ``parse_many`` over it alone."""
    return _run([path], context, strict=True, mbox=False)


class _EmlImporter:
    """The ``eml`` format, for the registry next to this module's ``mbox``."""

    FORMAT = EML_FORMAT
    LABEL = EML_LABEL

    def identify(self, path: Path) -> bool:
        return identify_eml(path)

    def parse(self, path: Path, context: Context) -> Iterator[Record]:
        return parse_eml(path, context)

    def parse_many(self, paths: Iterable[Path], context: Context) -> Iterator[Record]:
        return parse_many(paths, context)


EML = _EmlImporter()
