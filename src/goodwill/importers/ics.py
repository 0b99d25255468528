"""Calendars (.ics): who the owner met, when, and who met whom at the same meetings.

The file is read as a stream of components: each VEVENT (with its alarms) is cut out and parsed
on its own with ``icalendar``, so one broken event becomes an issue with its line number and the
rest of the file goes on, and a large calendar is never held whole. Time zones are resolved per
file, in this order: an IANA name, a Windows name (``Romance Standard Time``), a vendor path
(``/mozilla.org/…/Europe/London``), the file's own VTIMEZONE; otherwise, and for floating times,
UTC. All-day events start at UTC midnight.

What each event becomes:

* every person named as ORGANIZER or ATTENDEE (not rooms or other resources, not the recipients
  of an e-mail alarm) becomes a ``PersonRecord`` with ref ``email:<address>`` (the ``EMAIL``
  parameter wins over an ``mailto:`` proxy address, as iCloud writes them), named by ``CN``;
* one ``InteractionRecord`` per occurrence: kind ``meeting`` (``event`` above LARGE_MEETING other
  people, or for a published event with no attendees), channel ``calendar``, direction ``both``,
  ``external_id`` the UID, or ``UID/<occurrence start>`` for occurrences of a recurring event;
* the owner is a participant of every event: it is the owner's calendar. Attendees whose e-mail is
  in ``context.me_keys`` *are* the owner (ref ``ME``); without me_keys the owner's own address is
  a participant like any other, and the apply step merges it into the owner when it is known;
* people who declined are named but are not participants; an event the owner declined, or with
  nobody but the owner, is no interaction; cancelled events (STATUS:CANCELLED, METHOD:CANCEL) and
  RSVP replies (METHOD:REPLY) produce nothing;
* co-attendance: every pair of other participants of an occurrence gets weight ``1/(n-1)``
  (``n`` participants, owner included; Newman's weighting for collaborations, so a big meeting
  says less about each pair), summed over the file and yielded at the end as ``cooccurrence``
  ties; occurrences with more than MAX_PAIRWISE participants add no pairs.

Recurring events are expanded within ``[context.window_start, context.window_end]``, by default
from two years before to 90 days after the latest DTSTART in the file (never "today", so the
result depends on the file alone), at most MAX_OCCURRENCES per event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import icalendar
from dateutil.rrule import rrulestr

from goodwill.errors import ImportFailed
from goodwill.importers.base import sniff
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
from goodwill.importers.vcard import clean, make_key, physical_lines

try:
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
except ImportError:  # pragma: no cover - older icalendar
    WINDOWS_TO_OLSON = {}

FORMAT = "ics"
LABEL = "Calendar (.ics)"
SOURCE = "Calendar co-attendance"

LARGE_MEETING = 15  # other people; above this a meeting is an "event"
MAX_PAIRWISE = 50  # participants; above this an occurrence adds no co-attendance pairs
MAX_OCCURRENCES = 500  # per recurring event
MAX_EVENT_BYTES = 1 << 20
WINDOW_BACK = dt.timedelta(days=730)
WINDOW_AHEAD = dt.timedelta(days=90)
SUBJECT_LIMIT = 300
EXTERNAL_ID_LIMIT = 300
UTC = dt.UTC

SKIPPED_METHODS = frozenset({"REPLY", "CANCEL", "COUNTER", "DECLINECOUNTER", "REFRESH"})
NOT_PEOPLE = frozenset({"RESOURCE", "ROOM"})
BULK_LOCAL_PARTS = frozenset(
    {
        "noreply",
        "no-reply",
        "donotreply",
        "do-not-reply",
        "notification",
        "notifications",
        "calendar-notification",
        "info",
        "news",
        "newsletter",
        "mailer-daemon",
        "reminder",
        "reminders",
        "bounce",
        "bounces",
    }
)
SKIPPED_PROPERTIES = (b"ATTACH", b"X-ALT-DESC")  # attachments and HTML copies can be huge


# -- components ------------------------------------------------------------------------------


@dataclass
class Chunk:
    kind: str  # "VEVENT", "VTIMEZONE" or "METHOD"
    line: int
    calendar: int  # which VCALENDAR of the file (files are sometimes concatenated)
    lines: list[bytes] = field(default_factory=list)
    size: int = 0


def _marker(content: bytes) -> tuple[str, str]:
    upper = content.strip().upper()
    for word in ("BEGIN", "END"):
        if upper.startswith(word.encode() + b":"):
            return word, upper[len(word) + 1 :].decode("ascii", "replace").strip()
    return "", ""


def components(handle: BinaryIO, shown: str) -> Iterator[Chunk | Issue]:
    """Cut a calendar into its VEVENTs, VTIMEZONEs and METHOD lines, with their line numbers."""
    stack: list[str] = []
    chunk: Chunk | None = None
    depth = 0
    calendars = 0
    bare_events = False  # a lone VEVENT with no VCALENDAR around it is read too
    skipping = False
    for number, content, _ in physical_lines(handle):
        word, name = _marker(content)
        if word == "BEGIN":
            if name == "VCALENDAR" and not stack:
                calendars += 1
            elif chunk is None and (
                (len(stack) == 1 and name in ("VEVENT", "VTIMEZONE"))
                or (not stack and name == "VEVENT")
            ):
                chunk, depth = Chunk(name, number, calendars), len(stack)
                bare_events = bare_events or not stack
            stack.append(name)
        elif word == "END" and name in stack:
            while stack and stack.pop() != name:
                pass
            if chunk is not None and len(stack) == depth and name == chunk.kind:
                chunk.lines.append(content)
                if chunk.size > MAX_EVENT_BYTES:
                    yield Issue("event-too-large", f"a {name} over 1 MiB", Where(shown, chunk.line))
                else:
                    yield chunk
                chunk = None
                continue
        elif len(stack) == 1 and content[:7].upper() == b"METHOD:":
            yield Chunk("METHOD", number, calendars, [content])
        if chunk is not None:
            if content[:1] in (b" ", b"\t"):
                if skipping:
                    continue
            else:
                skipping = content.upper().startswith(SKIPPED_PROPERTIES)
                if skipping:
                    continue
            chunk.size += len(content)
            if chunk.size <= MAX_EVENT_BYTES:
                chunk.lines.append(content)
    if chunk is not None:
        yield Issue(
            "unterminated-component", f"a {chunk.kind} without END", Where(shown, chunk.line)
        )
    if calendars == 0 and not bare_events:
        raise ImportFailed(f"{shown}: no calendar (BEGIN:VCALENDAR) in the file")


def _text(lines: list[bytes]) -> str:
    out = []
    for raw in lines:
        try:
            out.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(raw.decode("cp1252", errors="replace"))
    return "\r\n".join(out) + "\r\n"


# -- time zones ------------------------------------------------------------------------------


def _zone(name: str) -> dt.tzinfo | None:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError, UnicodeError):
        return None


class Zones:
    """TZID to tzinfo for one file: IANA, Windows, vendor-path names, then the file's VTIMEZONEs."""

    def __init__(self, definitions: dict[str, str]) -> None:
        self.definitions = definitions
        self.cache: dict[str, dt.tzinfo | None] = {}

    def get(self, tzid: str) -> dt.tzinfo | None:
        key = tzid.strip().strip('"')
        if key not in self.cache:
            self.cache[key] = self._known(key) or self._defined(key)
        return self.cache[key]

    @staticmethod
    def _known(tzid: str) -> dt.tzinfo | None:
        cleaned = tzid.strip("/")
        candidates = [cleaned, WINDOWS_TO_OLSON.get(cleaned, "")]
        if tzid.startswith("/"):
            parts = cleaned.split("/")
            candidates += ["/".join(parts[i:]) for i in range(1, len(parts))]
        for candidate in candidates:
            if candidate and (zone := _zone(candidate)) is not None:
                return zone
        return None

    def _defined(self, tzid: str) -> dt.tzinfo | None:
        text = self.definitions.get(tzid)
        if text is None:
            return None
        try:
            component: Any = icalendar.Timezone.from_ical(text)
            zone: dt.tzinfo = component.to_tz(lookup_tzid=False)
            return zone
        except Exception:  # a broken VTIMEZONE: fall back to UTC like an unknown one
            return None


# -- events ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    ref: str
    key: Key | None
    name: str
    role: str
    declined: bool
    bulk: bool


@dataclass
class Event:
    line: int
    uid: str
    start: dt.datetime  # UTC
    local: dt.datetime  # wall time of the start, naive, for recurrence rules
    zone: dt.tzinfo | None
    all_day: bool
    method: str
    summary: str
    body: str
    people: list[Person]
    has_attendees: bool
    sequence: int = 0
    recurrence_id: dt.datetime | None = None
    rrule: Any = None
    rdates: list[dt.datetime] = field(default_factory=list)
    exdates: set[dt.datetime] = field(default_factory=set)


def _first(component: Any, name: str) -> Any:
    value = component.get(name)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _all(component: Any, name: str) -> list[Any]:
    value = component.get(name)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _attr(prop: Any, name: str) -> Any:
    """An attribute of a parsed value, or None (icalendar's broken values raise on access)."""
    try:
        return getattr(prop, name, None)
    except Exception:
        return None


def _params(prop: Any) -> Any:
    return _attr(prop, "params") or {}


def _moment(
    value: Any, tzid: str, zones: Zones
) -> tuple[dt.datetime, dt.datetime, dt.tzinfo | None]:
    """(UTC instant, naive wall time, zone) of a DATE or DATE-TIME value."""
    if isinstance(value, dt.datetime):
        wall = value.replace(tzinfo=None)
        zone = zones.get(tzid) if tzid else value.tzinfo
        return wall.replace(tzinfo=zone or UTC).astimezone(UTC), wall, zone
    if isinstance(value, dt.date):
        wall = dt.datetime(value.year, value.month, value.day)
        return wall.replace(tzinfo=UTC), wall, None
    raise ValueError("not a date")


def _moments(prop: Any, zones: Zones) -> Iterator[dt.datetime]:
    """The instants of an RDATE or EXDATE property (periods give their start)."""
    tzid = str(_params(prop).get("TZID", ""))
    for item in _attr(prop, "dts") or []:
        value = _attr(item, "dt")
        value = value[0] if isinstance(value, tuple) else value
        try:
            yield _moment(value, tzid, zones)[0]
        except ValueError:
            continue


def _is_bulk(address: str) -> bool:
    local = address.split("@", 1)[0]
    return local in BULK_LOCAL_PARTS or local.startswith(("noreply", "no-reply", "donotreply"))


class EventReader:
    def __init__(self, context: Context, shown: str, zones: Zones) -> None:
        self.context = context
        self.shown = shown
        self.zones = zones

    def issue(self, code: str, message: str, line: int, severity: str = "warning") -> Issue:
        return Issue(code, message, Where(self.shown, line), severity)

    def read(self, chunk: Chunk, method: str) -> Iterator[Event | Issue]:
        try:
            with warnings.catch_warnings():  # e.g. a vendor-path TZID: we resolve zones ourselves
                warnings.simplefilter("ignore")
                component = icalendar.Event.from_ical(_text(chunk.lines))
        except Exception as exc:  # icalendar raises several kinds on broken input
            yield self.issue("bad-event", f"an event that cannot be read: {exc}"[:300], chunk.line)
            return
        status = str(_first(component, "STATUS") or "").upper()
        start_prop = _first(component, "DTSTART")
        try:
            start, local, zone = _moment(
                _attr(start_prop, "dt"),
                str(_params(start_prop).get("TZID", "")),
                self.zones,
            )
        except (ValueError, OverflowError):
            yield self.issue("missing-start", "an event with no readable start", chunk.line)
            return
        people, problems = self._people(component, chunk.line)
        yield from problems
        event = Event(
            line=chunk.line,
            uid=clean(str(_first(component, "UID") or "")),
            start=start,
            local=local,
            zone=zone,
            all_day=not isinstance(_attr(start_prop, "dt"), dt.datetime),
            method="CANCEL" if status == "CANCELLED" else method,
            summary=clean(str(_first(component, "SUMMARY") or ""))[:SUBJECT_LIMIT],
            body=clean(str(_first(component, "DESCRIPTION") or ""), keep_newlines=True)
            if self.context.store_bodies
            else "",
            people=people,
            has_attendees=bool(_all(component, "ATTENDEE")),
        )
        try:
            event.sequence = int(str(_first(component, "SEQUENCE") or 0))
        except ValueError:
            event.sequence = 0
        recurrence = _first(component, "RECURRENCE-ID")
        if recurrence is not None:
            try:
                tzid = str(_params(recurrence).get("TZID", ""))
                event.recurrence_id = _moment(_attr(recurrence, "dt"), tzid, self.zones)[0]
            except (ValueError, OverflowError):
                event.recurrence_id = None
        if event.recurrence_id is None:
            event.rrule = _first(component, "RRULE")
            for prop in _all(component, "RDATE"):
                event.rdates.extend(_moments(prop, self.zones))
            for prop in _all(component, "EXDATE"):
                event.exdates.update(_moments(prop, self.zones))
        yield event

    def _people(self, component: Any, line: int) -> tuple[list[Person], list[Issue]]:
        people: dict[str, Person] = {}
        problems: list[Issue] = []
        props = [("organizer", p) for p in _all(component, "ORGANIZER")]
        props += [("attendee", p) for p in _all(component, "ATTENDEE")]
        for role, prop in props:
            params = _params(prop)
            if str(params.get("CUTYPE", "")).upper() in NOT_PEOPLE:
                continue
            name = clean(str(params.get("CN", "")))
            value = str(prop).strip()
            candidates = [str(params.get("EMAIL", "")), value]
            key = None
            for candidate in candidates:
                try:
                    key = make_key("email", candidate)
                    break
                except ValueError:
                    continue
            if key is None:
                shown = value[:80] or name[:80]
                problems.append(
                    self.issue("bad-email", f"{role} {shown!r} has no usable e-mail", line)
                )
                continue
            if name.casefold() == key.value or name.casefold() == value.casefold():
                name = ""
            ref = ME if self.context.is_me(key) else f"email:{key.value}"
            declined = str(params.get("PARTSTAT", "")).upper() == "DECLINED"
            bulk = _is_bulk(key.value) or str(params.get("CUTYPE", "")).upper() == "GROUP"
            person = Person(ref, key, name, role, declined, bulk)
            if ref in people:
                old = people[ref]
                person = Person(
                    ref, old.key, old.name or name, old.role, old.declined and declined, old.bulk
                )
            people[ref] = person
        return list(people.values()), problems


# -- occurrences -----------------------------------------------------------------------------


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _external(uid: str, moment: dt.datetime | None) -> str:
    if not uid:
        return ""
    if len(uid) > EXTERNAL_ID_LIMIT - 40:
        uid = "h:" + hashlib.sha256(uid.encode("utf-8")).hexdigest()[:40]
    return f"{uid}/{_iso(moment)}" if moment is not None else uid


def _rule_text(rule: Any, event: Event) -> str:
    """The RRULE as dateutil reads it, UNTIL moved to the event's wall time."""
    parts = dict(rule)
    until = (parts.get("UNTIL") or [None])[0]
    if isinstance(until, dt.datetime) and until.tzinfo is not None:
        parts["UNTIL"] = [until.astimezone(event.zone or UTC).replace(tzinfo=None)]
    elif isinstance(until, dt.date) and not isinstance(until, dt.datetime):
        parts["UNTIL"] = [dt.datetime.combine(until, dt.time(23, 59, 59))]
    recur: Any = icalendar.prop.vRecur(parts)
    text: str = recur.to_ical().decode("ascii", "replace")
    return text


class Expander:
    """The occurrences of one recurring event inside the window."""

    def __init__(self, low: dt.datetime, high: dt.datetime, shown: str) -> None:
        self.low, self.high, self.shown = low, high, shown

    def occurrences(
        self, event: Event, overridden: set[dt.datetime]
    ) -> tuple[list[dt.datetime], list[Issue]]:
        found: set[dt.datetime] = set()
        issues: list[Issue] = []
        if self.low <= event.start <= self.high:
            found.add(event.start)
        found.update(r for r in event.rdates if self.low <= r <= self.high)
        rule = event.rrule
        if rule is not None:
            issues += self._expand(event, rule, found)
        kept = sorted(m for m in found if m not in event.exdates and m not in overridden)
        if len(kept) > MAX_OCCURRENCES:
            kept = kept[:MAX_OCCURRENCES]
            issues.append(self._capped(event))
        return kept, issues

    def _capped(self, event: Event) -> Issue:
        message = f"only the first {MAX_OCCURRENCES} occurrences of {event.summary[:60]!r} kept"
        return Issue("recurrence-capped", message, Where(self.shown, event.line), "info")

    def _expand(self, event: Event, rule: Any, found: set[dt.datetime]) -> list[Issue]:
        where = Where(self.shown, event.line)
        if not isinstance(rule, icalendar.prop.vRecur):
            return [Issue("bad-recurrence", "an RRULE that cannot be read", where)]
        freq = str((rule.get("FREQ") or [""])[0]).upper()
        if freq in ("SECONDLY", "MINUTELY", "HOURLY"):
            message = f"FREQ={freq} is not expanded; only the first occurrence is kept"
            return [Issue("recurrence-unsupported", message, where, "info")]
        try:
            recurrence = rrulestr(_rule_text(rule, event), dtstart=event.local, ignoretz=True)
            low = self.low.astimezone(event.zone or UTC).replace(tzinfo=None)
            for count, wall in enumerate(recurrence.xafter(low, inc=True), 1):
                moment = wall.replace(tzinfo=event.zone or UTC).astimezone(UTC)
                if moment > self.high or count > MAX_OCCURRENCES + 1:
                    break
                found.add(moment)
        except (ValueError, TypeError, OverflowError) as exc:
            return [Issue("bad-recurrence", f"an RRULE that cannot be used: {exc}"[:300], where)]
        return []


# -- the importer -----------------------------------------------------------------------------


def identify(path: Path) -> bool:
    text = sniff(path, 4096).decode("utf-8-sig", errors="replace").lstrip().upper()
    if text.startswith("BEGIN:VCALENDAR"):
        return True
    if path.suffix.lower() not in (".ics", ".ical", ".ifb"):
        return False
    return text.startswith("BEGIN:VEVENT") or "\nBEGIN:VCALENDAR" in text


def _window(context: Context, events: list[Event]) -> tuple[dt.datetime, dt.datetime]:
    latest = max((e.start for e in events), default=dt.datetime(2000, 1, 1, tzinfo=UTC)).date()
    first = context.window_start or latest - WINDOW_BACK
    last = context.window_end or latest + WINDOW_AHEAD
    low = dt.datetime.combine(first, dt.time.min, tzinfo=UTC)
    return low, dt.datetime.combine(last, dt.time.max, tzinfo=UTC)


class Calendar:
    """All the events of one file, turned into records in a deterministic order."""

    def __init__(self, context: Context, shown: str) -> None:
        self.context = context
        self.shown = shown
        self.pairs: dict[tuple[str, str], float] = {}
        self.pair_lines: dict[tuple[str, str], int] = {}

    def records(self, events: list[Event]) -> Iterator[Record]:
        usable = [e for e in events if e.method not in SKIPPED_METHODS]
        cancelled = {(e.uid, e.recurrence_id) for e in events if e.method == "CANCEL" and e.uid}
        yield from self._people(usable)
        expander = Expander(*_window(self.context, usable), self.shown)
        overridden: dict[str, set[dt.datetime]] = {}
        for e in events:
            if e.recurrence_id is not None:
                overridden.setdefault(e.uid, set()).add(e.recurrence_id)
        masters: dict[str, list[Event]] = {}
        for e in usable:
            if e.recurrence_id is None:
                masters.setdefault(e.uid, []).append(e)
        for event in usable:
            if (event.uid, event.recurrence_id) in cancelled:
                continue
            if event.recurrence_id is not None:
                moments = [(event.start, _external(event.uid, event.recurrence_id))]
            elif event.rrule is not None or event.rdates:
                found, issues = expander.occurrences(event, overridden.get(event.uid, set()))
                yield from issues
                moments = [(m, _external(event.uid, m)) for m in found]
            elif not event.uid:
                moments = [(event.start, "")]
            else:
                twins = masters.get(event.uid, [])
                if len({t.start for t in twins}) > 1:
                    moments = [(event.start, _external(event.uid, event.start))]
                elif event is max(twins, key=lambda t: t.sequence, default=event):
                    moments = [(event.start, _external(event.uid, None))]
                else:
                    continue
            yield from self._interactions(event, moments)
        for pair in sorted(self.pairs):
            weight = round(self.pairs[pair], 6)
            where = Where(self.shown, self.pair_lines[pair])
            yield TieRecord(pair[0], pair[1], "cooccurrence", SOURCE, weight=weight, where=where)

    def _people(self, events: list[Event]) -> Iterator[PersonRecord]:
        names: dict[str, str] = {}
        first: dict[str, tuple[Person, int]] = {}
        for event in events:
            for person in event.people:
                if person.ref == ME:
                    continue
                first.setdefault(person.ref, (person, event.line))
                if person.name and not names.get(person.ref):
                    names[person.ref] = person.name
        for ref, (person, line) in first.items():
            keys = (person.key,) if person.key else ()
            yield PersonRecord(
                ref=ref,
                name=names.get(ref, "")[:200],
                keys=keys,
                bulk=person.bulk,
                where=Where(self.shown, line),
            )

    def _interactions(
        self, event: Event, moments: list[tuple[dt.datetime, str]]
    ) -> Iterator[InteractionRecord]:
        me = next((p for p in event.people if p.ref == ME), None)
        if me is not None and me.declined:
            return
        others = [p for p in event.people if p.ref != ME and not p.declined]
        if not others:
            return
        many = len(others) > LARGE_MEETING
        published = event.method == "PUBLISH" and not event.has_attendees
        kind = "event" if many or published else "meeting"
        participants = ((ME, me.role if me else "attendee"), *((p.ref, p.role) for p in others))
        where = Where(self.shown, event.line)
        for moment, external in moments:
            yield InteractionRecord(
                when=moment,
                kind=kind,
                channel="calendar",
                direction="both",
                participants=participants,
                subject=event.summary,
                external_id=external,
                body=event.body,
                where=where,
            )
            self._count_pairs(others, event.line)

    def _count_pairs(self, others: list[Person], line: int) -> None:
        refs = sorted({p.ref for p in others if not p.bulk})
        size = len(others) + 1
        if len(refs) < 2 or size > MAX_PAIRWISE:
            return
        weight = 1.0 / (size - 1)
        for i, a in enumerate(refs):
            for b in refs[i + 1 :]:
                self.pairs[(a, b)] = self.pairs.get((a, b), 0.0) + weight
                self.pair_lines.setdefault((a, b), line)


def _scan(path: Path, shown: str) -> tuple[dict[int, str], dict[str, str]]:
    """First pass: each calendar's METHOD and the file's VTIMEZONE definitions by TZID."""
    methods: dict[int, str] = {}
    zones: dict[str, str] = {}
    with path.open("rb") as handle:
        for item in components(handle, shown):
            if not isinstance(item, Chunk):
                continue
            if item.kind == "METHOD":
                methods.setdefault(item.calendar, _text(item.lines)[7:].strip().upper())
            elif item.kind == "VTIMEZONE":
                for raw in item.lines:
                    if raw[:5].upper() == b"TZID:":
                        tzid = raw[5:].decode("utf-8", "replace").strip().strip('"')
                        zones.setdefault(tzid, _text(item.lines))
    return methods, zones


def parse(path: Path, context: Context) -> Iterator[Record]:
    shown = context.shown(path)
    try:
        methods, definitions = _scan(path, shown)
        reader = EventReader(context, shown, Zones(definitions))
        events: list[Event] = []
        with path.open("rb") as handle:
            for item in components(handle, shown):
                if isinstance(item, Issue):
                    yield item
                elif item.kind == "VEVENT":
                    method = methods.get(item.calendar, "")
                    for read in reader.read(item, method):
                        if isinstance(read, Issue):
                            yield read
                        else:
                            events.append(read)
    except OSError as exc:
        raise ImportFailed(f"{shown}: cannot read the file ({exc.strerror or exc})") from exc
    yield from Calendar(context, shown).records(events)
