"""Fast, forgiving extraction of the few e-mail headers the mail importer needs.

The header block of a message is scanned as bytes with one regular expression that only stops at
the wanted names (``From``, ``To``, ``Cc``, ``Bcc``, ``Date``, ``Message-ID``, ``Subject``, the
list and bulk markers, Enron's ``X-From``/``X-To``); every other header and the whole body are
skipped without being decoded. Values are unfolded (RFC 5322 §2.2.3) and decoded as UTF-8, or
Latin-1 when that fails, so no byte sequence can raise.

Addresses take a fast path for the common shapes (``a@b.c``, ``Name <a@b.c>``,
``"Last, First" <a@b.c>``) that gives exactly what ``email.utils.getaddresses`` gives (a test
checks it on random input); anything else (comments, groups, escapes) goes to ``getaddresses``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from email.header import decode_header, make_header
from email.utils import getaddresses, parsedate_tz

__all__ = [
    "Headers",
    "addresses",
    "bulk_reason",
    "clean_name",
    "clean_text",
    "decode_words",
    "fallback_id",
    "first",
    "header_line",
    "is_noreply",
    "list_post_address",
    "normalise_message_id",
    "parse_date",
    "parse_headers",
]

WANTED = (
    "from",
    "to",
    "cc",
    "bcc",
    "date",
    "message-id",
    "subject",
    "list-id",
    "list-unsubscribe",
    "list-post",
    "precedence",
    "auto-submitted",
    "x-from",
    "x-to",
)
_HEADER = re.compile(
    rb"\n(" + b"|".join(re.escape(n.encode()) for n in WANTED) + rb"):([^\n]*(?:\n[ \t][^\n]*)*)",
    re.IGNORECASE,
)
_FOLD = re.compile(rb"\r?\n|\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff]")
_SPACES = re.compile(r"[\s\x00-\x1f\x7f-\x9f\ud800-\udfff\ufeff]+")
MESSAGE_ID_LIMIT = 250
NAME_LIMIT = 200


# Unfolded, decoded values by lower-cased header name, in order of appearance.
Headers = dict[str, list[str]]
_NAMES = {name.encode(): name for name in WANTED}
_NAMES.update({name.title().encode(): name for name in WANTED})
_NAMES.update({b"Message-ID": "message-id", b"CC": "cc", b"List-ID": "list-id"})


def parse_headers(block: bytes) -> Headers:
    """The wanted headers of one header block (see the module doc)."""
    found: Headers = {}
    for name, raw in _HEADER.findall(b"\n" + block):
        if b"\n" in raw:
            raw = _FOLD.sub(b"", raw)
        raw = raw.strip()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        key = _NAMES.get(name) or name.decode("ascii").lower()
        values = found.get(key)
        if values is None:
            found[key] = [text]
        else:
            values.append(text)
    return found


def header_line(block: bytes, name: str, nth: int = 0) -> int:
    """How many lines into ``block`` the ``nth`` header called ``name`` starts (0 for the
    first line): worked out again only when there is something to report."""
    seen = 0
    for match in _HEADER.finditer(b"\n" + block):
        if match.group(1).decode("ascii").lower() == name:
            if seen == nth:
                return block.count(b"\n", 0, match.start())
            seen += 1
    return 0


def first(headers: Headers, name: str) -> str:
    values = headers.get(name)
    return values[0] if values else ""


# -- addresses -------------------------------------------------------------------------------
_ADDR = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+"
_WORD = r'[^\s()<>@,;:\\"\[\]]+'
_BODY = (
    rf'"([^"\\\r\n]*)"[ \t]*<({_ADDR})>'
    rf"|({_WORD}(?:[ \t]+{_WORD})*)?[ \t]*<({_ADDR})>"
    rf"|({_ADDR})(?:[ \t]*\(([^()\\\r\n]*)\))?"
)
# One item of an address list: a known shape, or anything else up to the next comma.
_ITEM = re.compile(rf"[ \t]*(?:{_BODY}|([^,]+))?[ \t]*(?:,|\Z)")
_OBFUSCATED = re.compile(
    r"([A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+) at ([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)


def _fast_addresses(value: str) -> tuple[list[tuple[str, str]], int]:
    """The leading items in the common shapes, parsed exactly as ``getaddresses`` would, and
    where the first item it is unsure of starts (``len(value)`` when it read them all).

    ``_ITEM`` matches at every position (its last alternative takes anything up to a comma),
    so ``findall`` meets the items one after the other. A quote, bracket or parenthesis
    belongs to one alternative only and a top-level comma ends an item, so an item in a known
    shape can only be read one way.
    """
    items = _ITEM.findall(value)
    found: list[tuple[str, str]] = []
    if not any(item[6] for item in items):
        for quoted, qaddr, phrase, paddr, bare, comment, _ in items:
            if bare:
                found.append((comment, bare))
            elif qaddr:
                found.append((quoted, qaddr))
            elif paddr:
                found.append((" ".join(phrase.split()), paddr))
        return found, len(value)
    # Up to the first unsure item. The rest restarts after the last item that held an
    # address: after an empty item the stdlib drops a comment that opens the next one.
    position, safe, end = 0, 0, len(value)
    while position < end:
        match = _ITEM.match(value, position)
        if match is None or match.end() == position or match.group(7):
            break
        position = match.end()
        quoted, qaddr, phrase, paddr, bare, comment, _ = match.groups("")
        if bare or qaddr or paddr:
            if bare:
                found.append((comment, bare))
            elif qaddr:
                found.append((quoted, qaddr))
            else:
                found.append((" ".join(phrase.split()), paddr))
            safe = position
    return found, safe if position < end else end


def addresses(value: str) -> list[tuple[str, str]]:
    """``(display name, address)`` pairs of one address header; empty addresses dropped.

    Items after the first one the fast path is unsure of go to ``getaddresses`` (items are
    independent once a top-level comma ends one, so the result is the same). Pipermail's
    obfuscated ``ann at example.org`` is read as ``ann@example.org`` when that rest holds no
    ``@`` at all.
    """
    found, position = _fast_addresses(value)
    if position >= len(value):
        return found
    rest = value[position:]
    if "@" not in rest and " at " in rest:
        rest = _OBFUSCATED.sub(r"\1@\2", rest)
    try:
        pairs = getaddresses([rest])
    except Exception:  # hostile nesting can exhaust the stdlib parser (RecursionError…)
        return found
    found.extend((name, address) for name, address in pairs if address)
    return found


# -- dates -----------------------------------------------------------------------------------
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_DATE = re.compile(
    r"\s*(?:[A-Za-z]{3,9},?\s+)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{4})\s+"
    r"(\d{1,2}):(\d\d)(?::(\d\d))?\s+([+-])(\d\d)(\d\d)(?:\s|$)"
)
_ZONES: dict[int, dt.tzinfo] = {}


def _zone(seconds: int) -> dt.tzinfo:
    zone = _ZONES.get(seconds)
    if zone is None:
        zone = dt.UTC if seconds == 0 else dt.timezone(dt.timedelta(seconds=seconds))
        _ZONES[seconds] = zone
    return zone


def parse_date(value: str) -> dt.datetime | None:
    """An aware datetime for an RFC 5322 date (UTC when it gives no zone); ``None`` if unusable."""
    match = _DATE.match(value)
    try:
        if match is not None and match.group(2).lower() in _MONTHS:
            day, month, year, hour, minute, second, sign, zh, zm = match.groups()
            offset = (int(zh) * 3600 + int(zm) * 60) * (-1 if sign == "-" else 1)
            return dt.datetime(
                int(year),
                _MONTHS[month.lower()],
                int(day),
                int(hour),
                int(minute),
                int(second or 0),
                tzinfo=_zone(offset),
            )
        parts = parsedate_tz(value)
        if parts is None:
            return None
        year, month_no, day_no, hour_no, minute_no, second_no = parts[:6]
        offset = parts[9] or 0
        if abs(offset) >= 86400:
            offset = 0
        return dt.datetime(
            year, month_no, day_no, hour_no, minute_no, min(second_no, 59), tzinfo=_zone(offset)
        )
    except (ValueError, OverflowError, TypeError, IndexError):
        return None


# -- identifiers ------------------------------------------------------------------------------
_BRACKETED = re.compile(r"<([^<>]*)>")


def _digest(*parts: str) -> str:
    text = "\x1f".join(parts).encode("utf-8", errors="surrogatepass")
    return "h:" + hashlib.sha256(text).hexdigest()[:40]


def normalise_message_id(value: str) -> str:
    """``<Abc@Example.ORG>`` → ``Abc@example.org``: no brackets or spaces, domain lower-cased.

    Very long identifiers (over 250 characters) become a hash so they fit an external id.
    """
    match = _BRACKETED.search(value)
    core = match.group(1) if match else value
    core = "".join(_CONTROL.sub("", core).split())
    if "@" in core:
        local, _, domain = core.rpartition("@")
        core = f"{local}@{domain.lower()}"
    if len(core) > MESSAGE_ID_LIMIT:
        return _digest("message-id", core)
    return core


def fallback_id(date: str, sender: str, subject: str) -> str:
    """A stable id for a message without a Message-ID, from its date, sender and subject."""
    return _digest(" ".join(date.split()), " ".join(sender.split()).lower(), subject.strip())


# -- text ------------------------------------------------------------------------------------
def clean_text(text: str) -> str:
    """Control characters and runs of white space become one space; ends trimmed."""
    return " ".join(_SPACES.sub(" ", text).split())


def decode_words(text: str) -> str:
    """Decode RFC 2047 encoded words (``=?utf-8?q?Ann_L=C3=A9e?=``); plain text is unchanged."""
    if "=?" not in text:
        return text
    try:
        return str(make_header(decode_header(text)))
    except Exception:  # unknown charsets, broken base64: decode what can be decoded
        pass
    try:
        parts = decode_header(text)
    except Exception:
        return text
    out: list[str] = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            out.append(chunk)
            continue
        try:
            out.append(chunk.decode(charset or "raw-unicode-escape", errors="replace"))
        except LookupError:
            out.append(chunk.decode("utf-8", errors="replace"))
    return "".join(out)


_NOT_FLIPPED = re.compile(
    r"inc|ltd|llc|gmbh|co|corp|plc|sa|ag|bv|nv|llp|lp|jr|sr|ii|iii|iv|phd|md|esq", re.IGNORECASE
)


def clean_name(raw: str, address: str = "") -> str:
    """A display name fit to show: decoded, quotes stripped, ``Last, First`` turned round.

    A "name" that is only an address (``"ann@x.org" <ann@x.org>``) counts as no name.
    """
    text = clean_text(decode_words(raw))
    text = text.strip("\"'").strip()
    if not text or ("@" in text and (" " not in text or text.casefold() == address)):
        return ""
    if text.count(",") == 1:
        last, given = (part.strip() for part in text.split(","))
        if (
            last
            and given
            and not _NOT_FLIPPED.fullmatch(given.replace(".", ""))
            and "@" not in text
        ):
            text = f"{given} {last}"
    return text[:NAME_LIMIT]


# -- bulk and list mail ----------------------------------------------------------------------
_NOREPLY = re.compile(
    r"(?:^|[-+])(?:no-?reply|do-?not-?reply|mailer-daemon|postmaster|notifications?|"
    r"newsletters?|bounces?)(?:$|[-+])"
)
_MAILTO = re.compile(r"<mailto:([^<>?\s]+)", re.IGNORECASE)


def is_noreply(address: str) -> bool:
    """No-reply, daemon, notification, newsletter and bounce addresses (by their local part)."""
    local = address.rpartition("@")[0].lower().replace("_", "-").replace(".", "-")
    return _NOREPLY.search(local) is not None


def list_post_address(headers: Headers) -> str:
    """The posting address a mailing list names in ``List-Post`` (``""`` when none)."""
    match = _MAILTO.search(first(headers, "list-post"))
    return match.group(1) if match else ""


def bulk_reason(headers: Headers) -> str:
    """Why a message is list or bulk mail (``""`` for person-to-person mail)."""
    for name in ("list-id", "list-unsubscribe"):
        if name in headers:
            return f"{name} header"
    precedence = first(headers, "precedence").strip().lower()
    if precedence in {"bulk", "list", "junk"}:
        return f"Precedence: {precedence}"
    auto = first(headers, "auto-submitted").strip().lower()
    if auto and not auto.startswith("no"):
        return "Auto-Submitted header"
    return ""
