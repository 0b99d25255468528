"""Shared helpers for the CSV-family importers (LinkedIn, Google Contacts, relationships).

Exports are untrusted text, so reading is defensive and streaming:

* bytes are read in blocks of whole lines and decoded as UTF-8 (a BOM is dropped); a line that
  is not UTF-8 is read as cp1252 or latin-1, with one ``encoding-fallback`` issue per file; a
  UTF-16 file (BOM) is decoded as such; a line over ``MAX_LINE_BYTES`` is skipped with a
  ``line-too-long`` issue; ``\n``, ``\r\n`` and old Mac ``\r`` line endings all work;
* rows carry the 1-based line on which they start, so issues name the line a user sees;
* a row the CSV reader rejects becomes a ``bad-row`` issue and reading goes on;
* header cells are compared folded (accents, case and punctuation ignored), so localised and
  slightly reworded headers are found;
* cells are kept as data: control and bidi-override characters are removed, nothing is
  evaluated, and a cell that a spreadsheet would run as a formula is reported (``formula-cell``).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import re
import unicodedata
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import phonenumbers

from goodwill.errors import ImportFailed
from goodwill.identity import normalise
from goodwill.importers.base import sniff
from goodwill.importers.records import Issue, Key, PersonRecord, Where

MAX_LINE_BYTES = 1 << 20
CHUNK_BYTES = 1 << 20
HEADER_SCAN_ROWS = 60
MAX_BAD_ROWS_IN_A_ROW = 1000

# Field sizes the database keeps (goodwill.people.models); longer values are cut with an issue.
PERSON_LIMITS = {
    "name": 200,
    "given_name": 100,
    "family_name": 100,
    "organisation": 200,
    "position": 200,
    "location": 200,
}
TAG_LIMIT = 80
KEY_LIMIT = 320
SUBJECT_LIMIT = 300
MESSAGE_LIMIT = 300
REF_LIMIT = 400  # goodwill.imports.models.SourceRef.ref

_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_PLAIN_NUMBER = re.compile(r"[+-]?[\d\s().,/:+-]*\Z")


@dataclass(frozen=True, slots=True)
class Row:
    """One CSV record and the line it starts on."""

    line: int
    cells: tuple[str, ...]


def issue(code: str, message: str, shown: str, line: int | None = None) -> Issue:
    """An ``Issue`` whose message is one line of at most ``MESSAGE_LIMIT`` characters
    (messages quote the offending value, which may be huge)."""
    message = " ".join(message.split())
    if len(message) > MESSAGE_LIMIT:
        message = message[: MESSAGE_LIMIT - 1] + "…"
    return Issue(code, message, Where(shown, line))


# -- reading ---------------------------------------------------------------------------------
def open_binary(path: Path, shown: str) -> BinaryIO:
    """Open ``path`` for reading or fail with a one-line ``ImportFailed``."""
    try:
        handle = Path(path).open("rb")  # noqa: SIM115 (the caller closes it)
    except IsADirectoryError:
        raise ImportFailed(f"{shown}: is a folder, not a file") from None
    except OSError as exc:
        raise ImportFailed(f"{shown}: cannot be read ({exc.strerror or exc})") from None
    return handle


def _decode_line(raw: bytes) -> str:
    """Decode one line that is not UTF-8: cp1252, else latin-1 (which always works)."""
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _blocks(handle: BinaryIO, shown: str, pending: list[Issue]) -> Iterator[tuple[int, bytes]]:
    """Runs of whole lines (about ``CHUNK_BYTES`` each) and the number of their first line.

    A line longer than ``MAX_LINE_BYTES`` is dropped (a blank line stands in for it) with a
    ``line-too-long`` issue, so memory stays bounded whatever the file holds.
    """
    number, carry, skipping, first = 1, b"", False, True
    while chunk := handle.read(CHUNK_BYTES):
        if first and chunk.startswith(b"\xef\xbb\xbf"):
            chunk = chunk[3:]
        first = False
        if skipping:
            end = chunk.find(b"\n")
            if end < 0:
                continue
            chunk, skipping = b"\n" + chunk[end + 1 :], False
        data = carry + chunk
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            carry = data
            if len(carry) > MAX_LINE_BYTES:
                message = f"a line over {MAX_LINE_BYTES} bytes was skipped"
                pending.append(issue("line-too-long", message, shown, number))
                carry, skipping = b"", True
            continue
        block, carry = data[:cut], data[cut:]
        yield number, block
        number += block.count(b"\n")
    if carry:
        yield number, carry


def decoded_lines(handle: BinaryIO, shown: str, pending: list[Issue]) -> Iterator[str]:
    """Text lines of a byte stream, with their line endings (``\\n``, ``\\r\\n`` or a bare
    ``\\r`` as old Mac files have), decoded block by block.

    UTF-8 (BOM dropped) is expected; a line that is not UTF-8 is read as cp1252 or latin-1 and
    the first such line reported (``encoding-fallback``); UTF-16 with a BOM is decoded as such.
    Problems are appended to ``pending`` for the caller to yield.
    """
    head = handle.read(4)
    handle.seek(0)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        wide = io.TextIOWrapper(handle, encoding="utf-16", errors="replace", newline="")
        while line := wide.readline(MAX_LINE_BYTES):
            yield line
        return
    reported = False
    for first, block in _blocks(handle, shown, pending):
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError:
            raws = block.split(b"\n")
            lines = []
            for offset, raw in enumerate(raws):
                try:
                    lines.append(raw.decode("utf-8"))
                except UnicodeDecodeError:
                    lines.append(_decode_line(raw))
                    if not reported:
                        reported = True
                        message = "the file is not valid UTF-8 from here: read as cp1252/latin-1"
                        pending.append(issue("encoding-fallback", message, shown, first + offset))
            text = "\n".join(lines)
        # newline="" splits on \n, \r\n and a bare \r, and keeps the endings for the CSV reader.
        yield from io.StringIO(text, newline="")


def read_rows(
    path: Path, shown: str, *, delimiter: str = ","
) -> Generator[Row | Issue, None, None]:
    """Every CSV record of ``path`` with its starting line, and the issues met on the way.

    Blank lines come out as rows with no cells, so callers can tell where they are.
    """
    handle = open_binary(path, shown)
    with handle:
        pending: list[Issue] = []
        reader = csv.reader(decoded_lines(handle, shown, pending), delimiter=delimiter)
        previous = 0
        bad_in_a_row = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                pending.append(
                    issue("bad-row", f"unreadable CSV record ({exc})", shown, previous + 1)
                )
                stuck = reader.line_num <= previous
                previous = reader.line_num
                bad_in_a_row += 1
                if stuck or bad_in_a_row > MAX_BAD_ROWS_IN_A_ROW:
                    break
                continue
            except OSError as exc:
                raise ImportFailed(f"{shown}: read error ({exc.strerror or exc})") from None
            bad_in_a_row = 0
            start, previous = previous + 1, reader.line_num
            if pending:
                yield from pending
                pending.clear()
            yield Row(start, tuple(cells))
        yield from pending


def sniff_rows(path: Path, delimiter: str = "") -> list[list[str]]:
    """The first rows of a file's first few KB, for cheap identification (UTF-16 aware);
    the delimiter is guessed when not given."""
    head = sniff(path)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head[: len(head) - len(head) % 2].decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8-sig", errors="replace")
    return first_rows(text, HEADER_SCAN_ROWS, delimiter or sniff_delimiter(text))


def sniff_delimiter(text: str) -> str:
    """The likeliest delimiter (comma, semicolon or tab) of a CSV header line."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def first_rows(text: str, limit: int = HEADER_SCAN_ROWS, delimiter: str = ",") -> list[list[str]]:
    """The first rows of a sniffed text (the last, maybe cut short, line is dropped)."""
    lines = text.splitlines(keepends=True)
    if len(lines) > 1 and not lines[-1].endswith(("\n", "\r")):
        lines = lines[:-1]
    rows: list[list[str]] = []
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        for cells in reader:
            rows.append(cells)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


# -- cells -----------------------------------------------------------------------------------
def fold(text: str) -> str:
    """Casefolded text without accents, for comparing names and header cells."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def header_key(text: str) -> str:
    """A header cell folded to letters and digits: ``"E-Mail-Adresse"`` -> ``"emailadresse"``."""
    return re.sub(r"[\W_]+", "", fold(clean(text)))


def map_header(cells: Sequence[str], aliases: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Which column holds each field: ``{"first_name": 0, ...}`` (the first match wins)."""
    wanted = {header_key(alias): name for name, names in aliases.items() for alias in names}
    found: dict[str, int] = {}
    for index, text in enumerate(cells):
        name = wanted.get(header_key(text))
        if name is not None and name not in found:
            found[name] = index
    return found


def _keep(char: str, newlines: bool) -> bool:
    if char in _BIDI_CONTROLS:
        return False
    if unicodedata.category(char) != "Cc":
        return True
    return newlines and char in "\n\t"


def clean(text: str) -> str:
    """One-line text: control characters removed, whitespace collapsed, NFC."""
    kept = text if text.isprintable() else "".join(c if _keep(c, False) else " " for c in text)
    return unicodedata.normalize("NFC", " ".join(kept.split()))


def clean_block(text: str) -> str:
    """Multi-line text (message bodies, notes): newlines and tabs kept, other controls removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(c for c in text if _keep(c, True))
    return unicodedata.normalize("NFC", kept.strip())


def cell(cells: Sequence[str], index: int | None) -> str:
    """A cleaned cell, or ``""`` when the column is absent or the row too short."""
    if index is None or index >= len(cells):
        return ""
    return clean(cells[index])


def raw_cell(cells: Sequence[str], index: int | None) -> str:
    """A cell as written (for multi-line text), or ``""`` when absent."""
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def is_formula(text: str) -> bool:
    """Would a spreadsheet run this cell as a formula? Plain numbers and phones are exempt."""
    if not text or text[0] not in "=+-@":
        return False
    return text[0] == "=" or _PLAIN_NUMBER.match(text) is None


def formula_issues(
    row: Row, columns: Mapping[str, int], header: Sequence[str], shown: str
) -> Iterator[Issue]:
    """One ``formula-cell`` issue per used cell that a spreadsheet would evaluate."""
    for index in sorted(set(columns.values())):
        value = cell(row.cells, index)
        if is_formula(value):
            name = clean(header[index]) if index < len(header) else f"column {index + 1}"
            yield issue(
                "formula-cell",
                f"{name!r} starts with {value[0]!r}: kept as text, never evaluated",
                shown,
                row.line,
            )


def is_blank(row: Row) -> bool:
    return not any(c.strip() for c in row.cells)


# -- identities and records ------------------------------------------------------------------
def make_key(channel: str, raw: str, display: str = "") -> Key:
    """A normalised ``Key``; raises ``ValueError`` when ``raw`` is not valid on ``channel``."""
    value = normalise(channel, raw)
    if len(value) > KEY_LIMIT:
        raise ValueError(f"{channel} value longer than {KEY_LIMIT} characters")
    return Key(channel, value, clean(display or raw)[:KEY_LIMIT])


def phone_key(raw: str, region: str = "") -> Key:
    """A phone ``Key``; a national number is read in ``region`` (ISO code) when one is given,
    otherwise in ``goodwill.identity``'s default region."""
    text = raw
    if region and len(raw) < 64:
        try:
            number = phonenumbers.parse(raw, region.upper())
            text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            text = raw
    return make_key("phone", text, raw)


def fit_person(record: PersonRecord) -> tuple[PersonRecord, list[Issue]]:
    """Cut fields to what the database keeps, with one ``field-truncated`` issue per field."""
    changes: dict[str, object] = {}
    problems: list[Issue] = []
    where = record.where or Where("")
    for name, limit in PERSON_LIMITS.items():
        value = getattr(record, name)
        if len(value) > limit:
            changes[name] = value[:limit].rstrip()
            problems.append(Issue("field-truncated", f"{name} cut to {limit} characters", where))
    if any(len(tag) > TAG_LIMIT for tag in record.tags):
        changes["tags"] = tuple(dict.fromkeys(t[:TAG_LIMIT].rstrip() for t in record.tags))
        problems.append(Issue("field-truncated", f"a tag cut to {TAG_LIMIT} characters", where))
    if not changes:
        return record, problems
    return dataclasses.replace(record, **changes), problems  # type: ignore[arg-type]


def bounded_ref(ref: str) -> str:
    """``ref`` itself, or when longer than the database keeps, its start and a stable hash."""
    if len(ref) <= REF_LIMIT:
        return ref
    return f"{ref[: REF_LIMIT - 42]}#{digest(ref)}"


def digest(*parts: object) -> str:
    """A short stable hash of ``parts`` for external ids."""
    joined = "\x1f".join(str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:40]


# -- dates -----------------------------------------------------------------------------------
_MONTH_NAMES = (
    "jan january janvier janv januar enero ene janeiro",
    "feb february fevrier fevr fev februar febrero fevereiro",
    "mar march mars marz maerz marzo marco",
    "apr april avril avr abril abr",
    "may mai mayo maio",
    "jun june juin juni junio junho",
    "jul july juillet juil juli julio julho",
    "aug august aout agosto ago",
    "sep sept september septembre septiembre setiembre setembro set",
    "oct october octobre okt oktober octubre outubro out",
    "nov november novembre noviembre novembro",
    "dec december decembre dez dezember dic diciembre dezembro",
)
MONTHS: dict[str, int] = {
    name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()
}
_FILLER = frozenset({"de", "del", "of", "the", "am", "le", "el", "em"})
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|er|eme|o|a)$")
_TIME = re.compile(
    r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?\s*(?P<ampm>[ap]\.?\s?m\.?)?",
    re.IGNORECASE,
)


def _year(token: str) -> int:
    value = int(token)
    return value + 2000 if len(token) == 2 else value


def _date_from_tokens(tokens: list[str], slashed: bool) -> dt.date:
    names = [t for t in tokens if t in MONTHS]
    numbers = [t for t in tokens if t.isdigit()]
    if len(names) == 1 and len(numbers) == 2 and len(tokens) == 3:
        month = MONTHS[names[0]]
        if len(numbers[0]) == 4 or int(numbers[0]) > 31:
            year, day = _year(numbers[0]), int(numbers[1])
        else:
            day, year = int(numbers[0]), _year(numbers[1])
        return dt.date(year, month, day)
    if len(numbers) == 3 and len(tokens) == 3:
        first, second, third = numbers
        if len(first) == 4:
            return dt.date(int(first), int(second), int(third))
        if len(third) not in (2, 4):
            raise ValueError("no year")
        a, b = int(first), int(second)
        # Slashes are American (LinkedIn writes 1/15/24) unless the first number cannot be a month.
        if slashed and a <= 12:
            return dt.date(_year(third), a, b)
        return dt.date(_year(third), b, a)
    raise ValueError("not a date")


def _date_tokens(text: str) -> list[str]:
    tokens = []
    for token in re.split(r"[\s/.,\-]+", fold(text)):
        if not token or token in _FILLER:
            continue
        ordinal = _ORDINAL.match(token)
        tokens.append(ordinal.group(1) if ordinal else token)
    return tokens


def parse_date(text: str) -> dt.date | None:
    """A calendar date in any of the shapes exports use, or ``None``.

    ``15 Jan 2023``, ``15 janv. 2023``, ``15. März 2023``, ``15 de ene. de 2023``,
    ``Jan 15, 2023``, ``2023-01-15``, ``15.01.2023``, ``1/15/24``.
    """
    raw = clean(text)
    if not raw or len(raw) > 60:
        return None
    raw = _TIME.sub(" ", raw)
    raw = re.sub(r"\b(utc|gmt|z)\b", " ", raw, flags=re.IGNORECASE)
    try:
        value = _date_from_tokens(_date_tokens(raw), "/" in raw)
    except (ValueError, OverflowError):
        return None
    return value if 1900 <= value.year <= 2200 else None


def parse_datetime(text: str) -> dt.datetime | None:
    """A moment (timezone-aware; UTC when the export gives none), or ``None``.

    ``2024-05-15 10:30:00``, ``2024-05-15 10:30:00 UTC``, ``2024-05-15T10:30:00Z``,
    ``1/15/24, 10:30 AM``, or a bare date (midnight).
    """
    raw = clean(text)
    if not raw or len(raw) > 60:
        return None
    iso = re.sub(r"\s*(?:UTC|GMT)$", "", raw, flags=re.IGNORECASE)
    moment: dt.datetime | None
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        moment = _loose_datetime(raw)
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment if 1900 <= moment.year <= 2200 else None


def _loose_datetime(raw: str) -> dt.datetime | None:
    day = parse_date(raw)
    if day is None:
        return None
    match = _TIME.search(raw)
    if match is None:
        return dt.datetime(day.year, day.month, day.day)
    hour, minute = int(match["h"]), int(match["m"])
    second = int(match["s"] or 0)
    ampm = (match["ampm"] or "").lower().replace(".", "").replace(" ", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        return dt.datetime(day.year, day.month, day.day, hour, minute, second)
    except ValueError:
        return None
