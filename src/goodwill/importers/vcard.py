"""vCard address books (.vcf): versions 2.1, 3.0 and 4.0, one card or thousands in a file.

Our own reader, not vobject: on the real exports in ``shared/data/vcard-ez-vcard-fixtures``
vobject rejects two files outright (Android's quoted-printable cards, Lotus Notes) and drops the
quoted-printable continuation lines of four more. This reader copes with all of them:

* it streams the file line by line (CRLF, LF, CR and Apple's ``\\r\\r\\n`` alike; UTF-16 files
  with a BOM), unfolds folded lines and joins quoted-printable soft line breaks;
* it reads 2.1 bare parameters (``TEL;CELL;PREF:``), ``CHARSET=`` and ``ENCODING=``, quoted and
  RFC 6868 caret-escaped parameter values, group prefixes (``item1.EMAIL``) and Apple labels;
* it never keeps photos or other binary values: their lines are skipped as they are read.

Each card becomes a ``PersonRecord`` (``vcard:<first e-mail>``, else ``vcard:<first phone>``,
``vcard-uid:<UID>``, ``vcard-name:<casefolded name>``) and a ``knows`` tie from the owner.
Related people (vCard 4 ``RELATED``, Apple ``X-ABRELATEDNAMES`` with their label, Outlook and
Evolution spouse/manager/assistant fields) become people and ties of their own; someone named
only by text is scoped to the card (``vcard-related:<card ref>/<name>``), because "Mum" on two
cards is rarely one person. A related e-mail, phone or ``urn:uuid`` that belongs to another card
of the same file is tied to that card; those ties come at the end of the file.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import quopri
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from goodwill.errors import ImportFailed
from goodwill.identity import normalise
from goodwill.importers.base import sniff
from goodwill.importers.records import (
    ME,
    Context,
    Issue,
    Key,
    PersonRecord,
    Record,
    TieRecord,
    Where,
)

FORMAT = "vcard"
LABEL = "vCard address book (.vcf)"

ADDRESS_BOOK = "Address book (vCard)"
RELATED_SOURCE = "vCard RELATED"
APPLE_SOURCE = "Apple related names"
OTHER_SOURCE = "vCard related names"

MAX_LINE_BYTES = 1 << 20  # one unfolded property; longer ones are skipped with an issue
MAX_PROPERTIES = 5000  # per card
BINARY_PROPERTIES = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
# Field sizes the database keeps (goodwill.people.models).
LIMITS = {"name": 200, "given_name": 100, "family_name": 100, "organisation": 200}
TEXT_LIMIT = 200
NOTES_LIMIT = 20_000
TAG_LIMIT = 80
KEY_LIMIT = 320
REF_LIMIT = 380
# Groups every Android/Google contact carries: they say nothing about the person.
SYSTEM_CATEGORIES = frozenset({"my contacts", "starred in android"})

_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
_URI_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)

# Relationship words (vCard 4 RELATED types, Apple labels, Outlook fields) to tie kinds.
_PARTNER = {"spouse", "partner", "domesticpartner", "husband", "wife", "fiance", "fiancee"}
_PARTNER |= {"sweetheart", "girlfriend", "boyfriend", "lifepartner", "civilpartner"}
_FAMILY = {"parent", "mother", "father", "mom", "mum", "dad", "child", "son", "daughter", "kin"}
_FAMILY |= {"sibling", "brother", "sister", "relative", "grandparent", "grandmother", "cousin"}
_FAMILY |= {"grandfather", "grandchild", "grandson", "granddaughter", "aunt", "uncle", "niece"}
_FAMILY |= {"nephew", "stepmother", "stepfather", "stepson", "stepdaughter", "family"}
_COWORKER = {"colleague", "coworker", "assistant", "manager", "boss", "agent", "supervisor"}
_COWORKER |= {"employee", "employer", "teammate", "report", "directreport"}
_KIND_RANK = {"partner": 3, "family": 2, "coworker": 1, "knows": 0}

# Single-valued relationship fields of Outlook, Evolution and Thunderbird.
_NAMED_RELATIONS = {
    "X-MS-SPOUSE": "partner",
    "X-EVOLUTION-SPOUSE": "partner",
    "X-SPOUSE": "partner",
    "X-MS-MANAGER": "coworker",
    "X-EVOLUTION-MANAGER": "coworker",
    "X-MANAGER": "coworker",
    "X-MS-ASSISTANT": "coworker",
    "X-EVOLUTION-ASSISTANT": "coworker",
    "X-ASSISTANT": "coworker",
}
_FULLCONTACT_RELATED = "X-FC-RelatedNames:"


# -- reading lines ---------------------------------------------------------------------------


def _open_lines(handle: BinaryIO) -> Iterator[bytes]:
    """Raw lines (with their ends), each at most MAX_LINE_BYTES + 1; UTF-16 is re-encoded."""
    head = handle.read(4)
    handle.seek(0)
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        text = io.TextIOWrapper(handle, encoding="utf-16", errors="replace", newline="")
        while chunk := text.readline(MAX_LINE_BYTES + 1):
            yield chunk.encode("utf-8")
        return
    while raw := handle.readline(MAX_LINE_BYTES + 1):
        yield raw


def physical_lines(handle: BinaryIO) -> Iterator[tuple[int, bytes, bool]]:
    """``(line number, content without line end, too long)`` for every line of a file.

    CRLF, LF and Apple's CR CR LF end a line; a file that uses bare CR is split on it too.
    Content past MAX_LINE_BYTES is dropped and the line flagged.
    """
    number = 0
    long_line = False
    first = True
    for chunk in _open_lines(handle):
        if not chunk.endswith(b"\n") and len(chunk) > MAX_LINE_BYTES:
            if not long_line:
                number += 1
                long_line = True
                yield number, chunk[:MAX_LINE_BYTES], True
            continue
        if long_line:  # the tail of an overlong line
            long_line = False
            continue
        number += 1
        content = chunk.rstrip(b"\n").rstrip(b"\r")
        if first:
            content = content.removeprefix(codecs.BOM_UTF8)
            first = False
        if b"\r" in content:
            for part in content.split(b"\r"):
                yield number, part, False
        else:
            yield number, content, False


def _is_boundary(line: bytes) -> bool:
    upper = line.strip().upper()
    return upper.startswith((b"BEGIN:", b"END:"))


def _property_name(head: bytes) -> str:
    name = re.split(rb"[;:]", head, maxsplit=1)[0]
    return name.rsplit(b".", 1)[-1].strip().upper().decode("ascii", "replace")


def logical_lines(lines: Iterable[tuple[int, bytes, bool]]) -> Iterator[tuple[int, bytes, bool]]:
    """Unfold folded lines and quoted-printable soft breaks: ``(first line, bytes, too long)``.

    The values of binary properties (PHOTO, LOGO, SOUND, KEY) are dropped as they are read.
    """
    start = 0
    parts: list[bytes] = []
    size = 0
    too_long = False
    binary = False
    qp = False

    def begin(number: int, content: bytes, flagged: bool) -> None:
        nonlocal start, parts, size, too_long, binary, qp
        head = content.split(b":", 1)[0]
        binary = _property_name(head) in BINARY_PROPERTIES
        start, too_long = number, flagged and not binary
        qp = b"QUOTED-PRINTABLE" in head.upper()
        parts = [head + b":"] if binary else [content]
        size = len(parts[0])

    for number, content, flagged in lines:
        if parts and qp and parts[-1].rstrip(b" \t").endswith(b"=") and not _is_boundary(content):
            parts[-1] = parts[-1].rstrip(b" \t")[:-1]  # a soft line break
            piece = content
        elif parts and content[:1] in (b" ", b"\t"):
            piece = content[1:]
        else:
            if parts:
                yield start, b"".join(parts), too_long
            if not content.strip():
                parts = []
                continue
            begin(number, content, flagged)
            continue
        if binary:
            continue
        too_long = too_long or flagged or size + len(piece) > MAX_LINE_BYTES
        if not too_long:
            parts.append(piece)
            size += len(piece)
    if parts:
        yield start, b"".join(parts), too_long


# -- properties ------------------------------------------------------------------------------


@dataclass
class Prop:
    line: int
    group: str
    name: str
    params: dict[str, list[str]]
    raw: bytes

    def param(self, name: str) -> str:
        values = self.params.get(name)
        return values[0] if values else ""

    @property
    def types(self) -> set[str]:
        return {t.lower() for t in self.params.get("TYPE", [])}

    def text(self) -> str:
        """The value decoded (quoted-printable, charset) but not yet unescaped."""
        raw = self.raw
        if self.param("ENCODING").upper() in ("QUOTED-PRINTABLE", "QP"):
            raw = quopri.decodestring(raw)
        return _decode(raw, self.param("CHARSET")).replace("\r\n", "\n").replace("\r", "\n")


def _decode(raw: bytes, charset: str) -> str:
    if charset:
        try:
            return raw.decode(codecs.lookup(charset).name)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == sep and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _caret_decode(value: str) -> str:
    """RFC 6868 parameter escapes: ^n newline, ^' double quote, ^^ caret."""
    if "^" not in value:
        return value
    return re.sub(
        r"\^(.)",
        lambda m: {"n": "\n", "N": "\n", "'": '"', "^": "^"}.get(m.group(1), m.group(0)),
        value,
    )


_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"}


def parse_property(line: int, data: bytes) -> Prop | None:
    """One unfolded content line; None when it has no name/value separator."""
    colon = data.find(b":")
    if colon < 0:
        return None
    if b'"' in data[:colon]:
        head_text = data.decode("latin-1")
        pieces = _split_outside_quotes(head_text, ":")
        if len(pieces) < 2:
            return None
        colon = len(pieces[0])
    head = data[:colon].decode("utf-8", errors="replace")
    raw = data[colon + 1 :]
    name_part, *param_parts = _split_outside_quotes(head, ";")
    group, _, name = name_part.strip().rpartition(".")
    name = name.strip().upper()
    if not name:
        return None
    params: dict[str, list[str]] = {}
    for part in param_parts:
        key, sep, value = part.partition("=")
        key = key.strip().upper()
        if not sep:  # a vCard 2.1 bare parameter
            params.setdefault("ENCODING" if key in _ENCODINGS else "TYPE", []).append(key)
            continue
        for item in _split_outside_quotes(value, ","):
            item = _caret_decode(item.strip().strip('"'))
            # TYPE="work,voice" is a list even in quotes (RFC 6350's own example).
            parts = item.split(",") if key == "TYPE" else [item]
            params.setdefault(key, []).extend(part.strip() for part in parts)
    return Prop(line, group.strip().lower(), name, params, raw)


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def split_unescaped(text: str, sep: str) -> list[str]:
    """Split on ``sep`` where it is not backslash-escaped, then unescape each part."""
    return [unescape(p) for p in re.split(r"(?<!\\)((?:\\\\)*)" + re.escape(sep), text)[::2]]


def clean(text: str, *, keep_newlines: bool = False) -> str:
    """Text kept as data: control and bidi-override characters removed, spaces collapsed."""
    text = unicodedata.normalize("NFC", text).translate(_BIDI)
    if keep_newlines:
        lines = (
            "".join(c for c in ln if c == "\t" or unicodedata.category(c) != "Cc")
            for ln in text.split("\n")
        )
        return "\n".join(ln.rstrip() for ln in lines).strip()
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return " ".join(text.split())


# -- keys -----------------------------------------------------------------------------------

_NOT_MASTODON = {"medium.com", "youtube.com", "tiktok.com", "threads.net", "threads.com"}
_X_HOSTS = {"twitter.com", "x.com", "mobile.twitter.com"}
_X_RESERVED = {"home", "intent", "share", "i", "search", "hashtag", "explore", "settings"}


def make_key(channel: str, raw: str) -> Key:
    """A normalised key with the original text as display; ValueError when it is not valid."""
    value = normalise(channel, raw)
    if len(value) > KEY_LIMIT:
        raise ValueError(f"{channel} value too long")
    return Key(channel, value, clean(raw)[:KEY_LIMIT])


def url_key(raw: str) -> Key:
    """A web address as the most specific key it is: LinkedIn, X, Bluesky, Mastodon or website."""
    text = raw.strip()
    parts = urlsplit(text if "://" in text else "https://" + text)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    segments = [unquote(s) for s in parts.path.split("/") if s]
    candidates: list[tuple[str, str]] = []
    if host == "linkedin.com" or host.endswith(".linkedin.com"):
        candidates.append(("linkedin", text))
    elif host in _X_HOSTS and segments and segments[0].lower() not in _X_RESERVED:
        candidates.append(("x", segments[0]))
    elif host == "bsky.app" and len(segments) >= 2 and segments[0] == "profile":
        handle = segments[1]
        candidates.append(("bluesky_did" if handle.startswith("did:") else "bluesky", handle))
    elif segments and segments[0].startswith("@") and host not in _NOT_MASTODON:
        candidates.append(("mastodon", f"{segments[0]}@{host}"))
    candidates.append(("website", text))
    for channel, value in candidates:
        try:
            key = make_key(channel, value)
        except ValueError:
            continue
        return Key(key.channel, key.value, clean(raw)[:KEY_LIMIT])
    raise ValueError(f"not a web address: {raw!r}")


def social_key(prop: Prop, value: str) -> Key | None:
    """X-SOCIALPROFILE / IMPP / X-TWITTER values we can recognise; None otherwise."""
    text = value.strip()
    kind = " ".join([*prop.types, prop.param("X-SERVICE-TYPE").lower(), prop.name.lower()])
    try:
        if text.lower().startswith(("http://", "https://")):
            return url_key(text)
        handle = prop.param("X-USER") or re.sub(r"^x-apple:", "", text, flags=re.IGNORECASE)
        if "twitter" in kind or kind.split()[-1] == "x":
            return make_key("x", handle)
        if "mastodon" in kind:
            return make_key("mastodon", handle)
        if "bluesky" in kind:
            return make_key("bluesky", handle)
        if "linkedin" in kind:
            return make_key("linkedin", text)
    except ValueError:
        return None
    return None


# -- one card -------------------------------------------------------------------------------


def relation_kind(words: Iterable[str]) -> str | None:
    """The strongest tie kind that the relationship words name; None for the card's own self."""
    best = "knows"
    for word in words:
        match = _APPLE_LABEL.match(word.strip())
        plain = unicodedata.normalize("NFKD", match.group(1) if match else word)
        token = re.sub(r"[^a-z]", "", plain.lower())
        if token == "me":
            return None
        kind = (
            "partner"
            if token in _PARTNER
            else "family"
            if token in _FAMILY
            else "coworker"
            if token in _COWORKER
            else "knows"
        )
        if _KIND_RANK[kind] > _KIND_RANK[best]:
            best = kind
    return best


@dataclass
class Related:
    """A person a card names: by text, or by a key (e-mail, phone, web) or another card's UID."""

    kind: str
    source: str
    line: int
    name: str = ""
    key: Key | None = None
    uid: str = ""


@dataclass
class Card:
    start: int
    props: list[Prop] = field(default_factory=list)


def _uid_key(uid: str) -> str:
    """UIDs compare without case and without a ``urn:uuid:`` prefix."""
    return uid.strip().lower().removeprefix("urn:uuid:")


def _ref(prefix: str, value: str) -> str:
    ref = f"{prefix}:{value}"
    if len(ref) > REF_LIMIT:
        ref = f"{prefix}:h:{hashlib.sha256(value.encode('utf-8')).hexdigest()[:40]}"
    return ref


class CardReader:
    """Turns the properties of one card into records; remembers what later cards may refer to."""

    def __init__(self, context: Context, shown: str) -> None:
        self.context = context
        self.shown = shown
        self.by_key: dict[tuple[str, str], str] = {}
        self.by_uid: dict[str, str] = {}
        self.pending: list[tuple[str, Related]] = []
        self.named: set[str] = set()

    def where(self, line: int) -> Where:
        return Where(self.shown, line)

    def issue(self, code: str, message: str, line: int, severity: str = "warning") -> Issue:
        return Issue(code, message, self.where(line), severity)

    def read(self, card: Card) -> Iterator[Record]:
        props = card.props
        labels = {p.group: p.text() for p in props if p.name == "X-ABLABEL" and p.group}
        first: dict[str, Prop] = {}
        for p in props:
            first.setdefault(p.name, p)
        issues: list[Issue] = []
        keys = self._keys(props, issues)
        n = split_unescaped(first["N"].text(), ";") if "N" in first else []
        n = [clean(" ".join(c.split(","))) for c in n] + [""] * (5 - len(n))
        name = self._name(first, n)
        yield from issues
        if not name and not keys:
            yield self.issue("missing-name", "a card with no name, e-mail or phone", card.start)
            return
        is_me = any(self.context.is_me(k) for k in keys)
        uid = clean(unescape(first["UID"].text())) if "UID" in first else ""
        ref = ME if is_me else self._card_ref(keys, uid, name)
        for key in keys:
            self.by_key.setdefault((key.channel, key.value), ref)
        if uid:
            self.by_uid.setdefault(_uid_key(uid), ref)
        if not is_me:
            yield PersonRecord(
                ref=ref,
                name=name[: LIMITS["name"]].rstrip(),
                keys=tuple(keys),
                given_name=n[1][: LIMITS["given_name"]],
                family_name=n[0][: LIMITS["family_name"]],
                organisation=self._organisation(first),
                position=clean(unescape(first["TITLE"].text()))[:TEXT_LIMIT]
                if "TITLE" in first
                else "",
                location=self._location(props),
                notes=self._notes(props),
                tags=self._tags(props),
                where=self.where(card.start),
            )
            yield TieRecord(ME, ref, "knows", ADDRESS_BOOK, where=self.where(card.start))
        yield from self._related(ref, self._relations(props, labels))

    # - fields -

    def _keys(self, props: list[Prop], issues: list[Issue]) -> list[Key]:
        keys: dict[tuple[str, str], Key] = {}
        for p in props:
            value = unescape(p.text()).strip()
            if not value:
                continue
            try:
                if p.name == "EMAIL":
                    key: Key | None = make_key("email", value)
                elif p.name == "TEL":
                    key = make_key("phone", value)
                elif p.name == "URL":
                    key = url_key(value)
                elif p.name in ("X-SOCIALPROFILE", "IMPP", "X-TWITTER"):
                    key = social_key(p, value)
                elif p.name == "X-GOODWILL-ACCOUNT" and p.types:
                    # goodwill's own export: an account other address books cannot use.
                    key = make_key(min(p.types), value)
                else:
                    continue
            except ValueError as exc:
                code = {"EMAIL": "bad-email", "TEL": "bad-phone"}.get(p.name, "bad-url")
                issues.append(self.issue(code, str(exc), p.line))
                continue
            if key is not None:
                keys.setdefault((key.channel, key.value), key)
        return list(keys.values())

    @staticmethod
    def _name(first: dict[str, Prop], n: list[str]) -> str:
        if "FN" in first and (fn := clean(unescape(first["FN"].text()))):
            return fn
        if built := " ".join(part for part in (n[1], n[2], n[0]) if part):
            return built
        for other, sep in (("NICKNAME", ","), ("ORG", ";")):
            if other in first and (text := clean(split_unescaped(first[other].text(), sep)[0])):
                return text
        return ""

    @staticmethod
    def _organisation(first: dict[str, Prop]) -> str:
        if "ORG" not in first:
            return ""
        return clean(split_unescaped(first["ORG"].text(), ";")[0])[: LIMITS["organisation"]]

    @staticmethod
    def _location(props: list[Prop]) -> str:
        addresses = [p for p in props if p.name == "ADR"]
        addresses.sort(key=lambda p: ("pref" not in p.types and not p.param("PREF"), p.line))
        for p in addresses:
            parts = [clean(c) for c in split_unescaped(p.text(), ";")] + [""] * 7
            place = parts[3] or parts[4]
            if place or parts[6]:
                return ", ".join(x for x in (place, parts[6]) if x)[:TEXT_LIMIT]
        return ""

    @staticmethod
    def _notes(props: list[Prop]) -> str:
        notes = [clean(unescape(p.text()), keep_newlines=True) for p in props if p.name == "NOTE"]
        return "\n\n".join(n for n in notes if n)[:NOTES_LIMIT]

    @staticmethod
    def _tags(props: list[Prop]) -> tuple[str, ...]:
        tags: dict[str, str] = {}
        for p in props:
            if p.name != "CATEGORIES":
                continue
            for item in re.split(r"\\?,", p.text()):
                tag = clean(unescape(item))[:TAG_LIMIT]
                if tag and tag.casefold() not in SYSTEM_CATEGORIES:
                    tags.setdefault(tag.casefold(), tag)
        return tuple(tags.values())

    def _card_ref(self, keys: list[Key], uid: str, name: str) -> str:
        for channel in ("email", "phone"):
            for key in keys:
                if key.channel == channel:
                    return _ref("vcard", key.value)
        if uid:
            return _ref("vcard-uid", uid)
        if name:
            return _ref("vcard-name", name.casefold())
        return _ref("vcard", keys[0].value)

    # - related people -

    def _relations(self, props: list[Prop], labels: dict[str, str]) -> Iterator[Related]:
        for p in props:
            if p.name == "RELATED":
                kind = relation_kind(p.params.get("TYPE", []))
                source = RELATED_SOURCE
            elif p.name == "X-ABRELATEDNAMES":
                kind = relation_kind([labels.get(p.group, "")])
                source = APPLE_SOURCE
            elif p.name in _NAMED_RELATIONS:
                kind, source = _NAMED_RELATIONS[p.name], OTHER_SOURCE
            elif p.name.startswith("X-FCENCODED-"):
                try:
                    decoded = bytes.fromhex(p.name[12:]).decode("utf-8")
                except ValueError:
                    continue
                if not decoded.startswith(_FULLCONTACT_RELATED):
                    continue
                kind = relation_kind([decoded[len(_FULLCONTACT_RELATED) :]])
                source = OTHER_SOURCE
            else:
                continue
            if kind is not None:
                yield from self._target(p, kind, source)

    def _target(self, p: Prop, kind: str, source: str) -> Iterator[Related]:
        value = unescape(p.text()).strip()
        lower = value.lower()
        if not value:
            return
        if p.name != "RELATED" or p.param("VALUE").lower() == "text":
            if text := clean(value):
                yield Related(kind, source, p.line, name=text)
            return
        try:
            if lower.startswith("urn:uuid:"):
                yield Related(kind, source, p.line, uid=value[9:].strip())
            elif lower.startswith("mailto:"):
                yield Related(kind, source, p.line, key=make_key("email", value))
            elif lower.startswith("tel:"):
                yield Related(kind, source, p.line, key=make_key("phone", value))
            elif lower.startswith(("http://", "https://")):
                yield Related(kind, source, p.line, key=url_key(value))
            elif not _URI_SCHEME.match(value) or " " in value:
                yield Related(kind, source, p.line, name=clean(value))
            else:
                raise ValueError(f"a related person we cannot read: {value[:80]!r}")
        except ValueError as exc:
            yield Related("", source, p.line, name=str(exc))

    def _related(self, ref: str, relations: Iterator[Related]) -> Iterator[Record]:
        seen: set[tuple[str, str, str]] = set()
        for rel in relations:
            if not rel.kind:
                yield self.issue("bad-related", rel.name, rel.line, "info")
                continue
            if rel.name:
                target = _ref("vcard-related", f"{ref}/{rel.name.casefold()}")
                if (target, rel.kind, rel.source) in seen:
                    continue
                seen.add((target, rel.kind, rel.source))
                yield PersonRecord(target, rel.name[:200], where=self.where(rel.line))
                yield TieRecord(ref, target, rel.kind, rel.source, where=self.where(rel.line))
            else:
                self.pending.append((ref, rel))

    def finish(self) -> Iterator[Record]:
        """Ties to people named by key or UID, now that every card of the file is known."""
        done: set[tuple[str, str, str, str]] = set()
        for ref, rel in self.pending:
            if rel.key is not None:
                target = self.by_key.get((rel.key.channel, rel.key.value))
                if target is None:
                    target = _ref("vcard", rel.key.value)
                    if target not in self.named:
                        self.named.add(target)
                        yield PersonRecord(target, "", (rel.key,), where=self.where(rel.line))
            else:
                found = self.by_uid.get(_uid_key(rel.uid))
                if found is None:
                    message = f"RELATED names card {rel.uid[:80]!r}, which is not in this file"
                    yield self.issue("unresolved-related", message, rel.line, "info")
                    continue
                target = found
            if target != ref and (ref, target, rel.kind, rel.source) not in done:
                done.add((ref, target, rel.kind, rel.source))
                yield TieRecord(ref, target, rel.kind, rel.source, where=self.where(rel.line))


# -- the importer -----------------------------------------------------------------------------


def _head_text(path: Path) -> str:
    head = sniff(path, 4096)
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return head.decode("utf-16", errors="replace")
    return head.decode("utf-8-sig", errors="replace")


def identify(path: Path) -> bool:
    text = _head_text(path).lstrip().upper()
    if text.startswith("BEGIN:VCARD"):
        return True
    return path.suffix.lower() in (".vcf", ".vcard") and "\nBEGIN:VCARD" in text


def cards(lines: Iterable[tuple[int, bytes, bool]], shown: str) -> Iterator[Card | Issue]:
    """Group unfolded lines into cards; what cannot be read becomes an issue."""
    card: Card | None = None
    stray = False
    for line, data, too_long in lines:
        marker = data.strip().upper()
        if marker == b"BEGIN:VCARD":
            if card is not None:
                yield Issue(
                    "unterminated-card", "a card without END:VCARD", Where(shown, card.start)
                )
            card, stray = Card(line), False
        elif marker == b"END:VCARD" and card is not None:
            yield card
            card = None
        elif card is None:
            if not stray:
                yield Issue("stray-line", "text outside any card", Where(shown, line), "info")
            stray = True
        elif too_long:
            yield Issue("line-too-long", "a property too long to read", Where(shown, line))
        elif len(card.props) >= MAX_PROPERTIES:
            if len(card.props) == MAX_PROPERTIES:
                yield Issue("card-too-large", "too many properties", Where(shown, line))
                card.props.append(Prop(line, "", "X-IGNORED", {}, b""))
        elif (prop := parse_property(line, data)) is None:
            yield Issue("bad-line", "a line with no name:value", Where(shown, line))
        else:
            card.props.append(prop)
    if card is not None:
        yield Issue("unterminated-card", "a card without END:VCARD", Where(shown, card.start))


def parse(path: Path, context: Context) -> Iterator[Record]:
    shown = context.shown(path)
    reader = CardReader(context, shown)
    found = False
    try:
        with path.open("rb") as handle:
            for item in cards(logical_lines(physical_lines(handle)), shown):
                if isinstance(item, Issue):
                    yield item
                    continue
                found = True
                yield from reader.read(item)
    except OSError as exc:
        raise ImportFailed(f"{shown}: cannot read the file ({exc.strerror or exc})") from exc
    if not found:
        raise ImportFailed(f"{shown}: no vCard (BEGIN:VCARD … END:VCARD) in the file")
    yield from reader.finish()
