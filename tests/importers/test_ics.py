"""Calendar importer: one golden file per quirk, the real invites in shared/data, hostile input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodwill.errors import ImportFailed
from goodwill.importers import ics
from goodwill.importers.records import (
    ME,
    Context,
    InteractionRecord,
    Issue,
    Key,
    PersonRecord,
    Record,
    TieRecord,
)
from tests.conftest import shared_data
from tests.importers.expected import check_golden

FIXTURES = Path(__file__).parent / "fixtures" / "ics"
UTC = dt.UTC


def records(path: Path, context: Context | None = None) -> list[Record]:
    return list(ics.parse(path, context or Context()))


def of(recs: list[Record], kind: type) -> list:  # type: ignore[type-arg]
    return [r for r in recs if isinstance(r, kind)]


def weights(recs: list[Record]) -> dict[tuple[str, str], float]:
    return {(t.a, t.b): t.weight for t in of(recs, TieRecord)}


def write_calendar(tmp_path: Path, body: str, method: str = "REQUEST") -> Path:
    path = tmp_path / "cal.ics"
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\nMETHOD:{method}\n{body}END:VCALENDAR\n"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    return path


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.ics")), ids=lambda p: p.stem)
def test_quirk(path: Path) -> None:
    assert ics.identify(path)
    check_golden(records(path), path.with_name(path.stem + ".expected.json"))


# -- the quirks, spelled out ------------------------------------------------------------------


def test_coattendance_weights_add_up_over_the_file() -> None:
    recs = records(FIXTURES / "coattendance.ics")
    ann, bob, cat = "email:ann@example.org", "email:bob@example.org", "email:cat@example.org"
    # "Planning": 4 participants (owner included) → 1/3 a pair; "Ann and Bob": 3 → 1/2;
    # Dan declined, so he is no participant and forms no pair.
    assert weights(recs) == {(ann, bob): 0.833333, (ann, cat): 0.333333, (bob, cat): 0.333333}
    assert {t.kind for t in of(recs, TieRecord)} == {"cooccurrence"}
    assert {t.source for t in of(recs, TieRecord)} == {"Calendar co-attendance"}
    planning = of(recs, InteractionRecord)[0]
    assert planning.participants == (
        (ME, "attendee"),
        (ann, "organizer"),
        (bob, "attendee"),
        (cat, "attendee"),
    )
    assert (planning.kind, planning.channel, planning.direction) == ("meeting", "calendar", "both")
    assert "email:dan@example.org" in {p.ref for p in of(recs, PersonRecord)}


def test_owner_keys_make_the_owner_a_participant_and_not_a_pair() -> None:
    me = Key("email", "ann@example.org")
    recs = records(FIXTURES / "coattendance.ics", Context(me_keys=frozenset({me})))
    assert "email:ann@example.org" not in {p.ref for p in of(recs, PersonRecord)}
    first = of(recs, InteractionRecord)[0]
    assert first.participants[0] == (ME, "organizer")
    # The owner is still one of the three participants of "Planning": 1/(3-1).
    assert weights(recs) == {("email:bob@example.org", "email:cat@example.org"): 0.5}


def test_an_event_the_owner_declined_is_no_interaction(tmp_path: Path) -> None:
    path = write_calendar(
        tmp_path,
        "BEGIN:VEVENT\nUID:x\nDTSTART:20240101T100000Z\n"
        "ATTENDEE;PARTSTAT=DECLINED:mailto:me@example.org\nATTENDEE:mailto:a@example.org\n"
        "END:VEVENT\n",
    )
    me = Key("email", "me@example.org")
    recs = records(path, Context(me_keys=frozenset({me})))
    assert of(recs, InteractionRecord) == []
    assert [p.ref for p in of(recs, PersonRecord)] == ["email:a@example.org"]


def test_recurrence_exdate_overrides_and_cancelled_occurrences() -> None:
    recs = records(FIXTURES / "recurring_weekly.ics")
    standups = [
        (i.when, i.subject, i.external_id)
        for i in of(recs, InteractionRecord)
        if i.external_id.startswith("weekly@")
    ]
    assert [(w.isoformat(), s) for w, s, _ in standups] == [
        ("2024-03-14T09:30:00+00:00", "Stand-up"),  # GMT
        ("2024-04-11T08:30:00+00:00", "Stand-up"),  # BST: the wall time stays 09:30
        ("2024-04-18T08:30:00+00:00", "Stand-up"),
        ("2024-03-28T14:00:00+00:00", "Stand-up (moved)"),  # the override (BST starts 31 March)
    ]
    assert standups[-1][2] == "weekly@example.org/2024-03-28T09:30:00+00:00"
    lunches = [
        i.when.date().isoformat() for i in of(recs, InteractionRecord) if "lunch" in i.subject
    ]
    assert lunches == ["2024-03-01", "2024-03-15", "2024-04-01", "2024-05-01"]
    codes = [(r.code, r.where.line) for r in of(recs, Issue)]
    assert codes == [("recurrence-unsupported", 40)]


def test_time_zones() -> None:
    recs = records(FIXTURES / "timezones.ics")
    when = {i.subject: i.when.isoformat() for i in of(recs, InteractionRecord)}
    assert when == {
        "Windows zone name": "2024-06-10T07:00:00+00:00",
        "Zone defined in the file": "2024-06-10T03:30:00+00:00",
        "Vendor path": "2024-06-10T13:00:00+00:00",
        "Unknown zone is UTC": "2024-06-10T09:00:00+00:00",
        "Floating time is UTC": "2024-06-10T09:00:00+00:00",
        "All day": "2024-06-10T00:00:00+00:00",
    }
    assert of(recs, Issue) == []


def test_attendee_quirks() -> None:
    recs = records(FIXTURES / "attendee_quirks.ics")
    people = {p.ref: p for p in of(recs, PersonRecord)}
    assert set(people) == {
        "email:ben@example.org",  # the EMAIL parameter, not the iCloud proxy address
        "email:karim@example.org",
        "email:staff@example.org",
        "email:babe@example.org",
    }  # no room, no projector, no alarm recipient
    assert people["email:karim@example.org"].name == ""
    assert people["email:babe@example.org"].name == 'George Herman "Babe" Ruth'
    assert people["email:staff@example.org"].bulk
    (meeting,) = of(recs, InteractionRecord)
    assert meeting.subject == "<b>Quirks</b>, all of them"
    assert ("email:ben@example.org", "organizer") in meeting.participants
    assert [r.code for r in of(recs, Issue)] == ["bad-email"]


def test_published_feeds_cancellations_and_replies() -> None:
    feed = records(FIXTURES / "published_feed.ics")
    (meetup,) = of(feed, InteractionRecord)
    assert (meetup.kind, meetup.subject) == ("event", "Monthly meetup")
    assert of(feed, PersonRecord)[0].bulk
    assert records(FIXTURES / "cancel_method.ics") == []
    assert records(FIXTURES / "reply_method.ics") == []


def test_broken_events_are_issues_and_reading_goes_on() -> None:
    recs = records(FIXTURES / "broken_events.ics")
    issues = [(r.code, r.where.line) for r in of(recs, Issue)]
    assert issues == [
        ("missing-start", 4),
        ("missing-start", 9),
        ("bad-email", 20),
        ("unterminated-component", 28),
        ("bad-recurrence", 20),
    ]
    assert [i.subject for i in of(recs, InteractionRecord)] == ["Still read"]


def test_broken_values_do_not_stop_the_event(tmp_path: Path) -> None:
    path = write_calendar(
        tmp_path,
        "BEGIN:VEVENT\nUID:r\nDTSTART:20240101T100000Z\nRDATE:19370403T2300001206T160000\n"
        "EXDATE:nonsense\nRECURRENCE-ID:nonsense\nATTENDEE:mailto:a@example.org\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:s\nDTSTART:garbage\nATTENDEE:mailto:b@example.org\nEND:VEVENT\n",
    )
    recs = records(path)
    assert [i.when.isoformat() for i in of(recs, InteractionRecord)] == [
        "2024-01-01T10:00:00+00:00"
    ]
    assert [r.code for r in of(recs, Issue)] == ["missing-start"]


def test_duplicate_uids() -> None:
    recs = records(FIXTURES / "duplicate_uids.ics")
    found = [(i.subject, i.external_id) for i in of(recs, InteractionRecord)]
    assert found == [
        ("Final version", "same@example.org"),
        ("Reused UID, day one", "reused@example.org/2024-03-02T10:00:00+00:00"),
        ("Reused UID, day two", "reused@example.org/2024-03-03T10:00:00+00:00"),
        ("No UID", ""),
    ]


def test_recurrence_is_capped_within_the_window(tmp_path: Path) -> None:
    path = write_calendar(
        tmp_path,
        "BEGIN:VEVENT\nUID:daily\nDTSTART:20200101T090000Z\nRRULE:FREQ=DAILY\n"
        "ATTENDEE:mailto:a@example.org\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:later\nDTSTART:20220101T090000Z\nATTENDEE:mailto:b@example.org\n"
        "END:VEVENT\n",
    )
    recs = records(path)
    daily = [i for i in of(recs, InteractionRecord) if i.external_id.startswith("daily/")]
    assert len(daily) == ics.MAX_OCCURRENCES == 500
    assert daily[0].when == dt.datetime(2020, 1, 2, 9, tzinfo=UTC)  # 730 days before 2022-01-01
    assert [(r.code, r.where.line) for r in of(recs, Issue)] == [("recurrence-capped", 4)]


def test_an_explicit_window(tmp_path: Path) -> None:
    path = write_calendar(
        tmp_path,
        "BEGIN:VEVENT\nUID:daily\nDTSTART:20200101T090000Z\nRRULE:FREQ=DAILY\n"
        "ATTENDEE:mailto:a@example.org\nEND:VEVENT\n",
    )
    window = Context(window_start=dt.date(2021, 3, 1), window_end=dt.date(2021, 3, 10))
    found = [i.when.date() for i in of(records(path, window), InteractionRecord)]
    assert found == [dt.date(2021, 3, d) for d in range(1, 11)]


def test_a_large_meeting_is_an_event_with_damped_pairs(tmp_path: Path) -> None:
    attendees = "".join(f"ATTENDEE:mailto:p{i:02d}@example.org\n" for i in range(16))
    path = write_calendar(
        tmp_path, f"BEGIN:VEVENT\nUID:all\nDTSTART:20240101T100000Z\n{attendees}END:VEVENT\n"
    )
    recs = records(path)
    assert of(recs, InteractionRecord)[0].kind == "event"
    assert len(of(recs, TieRecord)) == 16 * 15 // 2
    assert {t.weight for t in of(recs, TieRecord)} == {round(1 / 16, 6)}


def test_people_come_before_the_records_that_name_them() -> None:
    for path in sorted(FIXTURES.glob("*.ics")):
        named = {ME}
        for rec in records(path):
            if isinstance(rec, PersonRecord):
                named.add(rec.ref)
            elif isinstance(rec, TieRecord):
                assert {rec.a, rec.b} <= named
            elif isinstance(rec, InteractionRecord):
                assert {ref for ref, _ in rec.participants} <= named


def test_bodies_only_when_asked(tmp_path: Path) -> None:
    path = write_calendar(
        tmp_path,
        "BEGIN:VEVENT\nUID:b\nDTSTART:20240101T100000Z\nDESCRIPTION:Agenda\\nItem one\n"
        "ATTENDEE:mailto:a@example.org\nEND:VEVENT\n",
    )
    assert of(records(path), InteractionRecord)[0].body == ""
    kept = of(records(path, Context(store_bodies=True)), InteractionRecord)[0]
    assert kept.body == "Agenda\nItem one"


def test_identify_is_specific(tmp_path: Path) -> None:
    card = tmp_path / "card.ics"
    card.write_text("BEGIN:VCARD\nEND:VCARD\n")
    assert not ics.identify(card)
    text = tmp_path / "notes.txt"
    text.write_text("BEGIN:VEVENT\n")
    assert not ics.identify(text)
    assert ics.identify(write_calendar(tmp_path, ""))


def test_unreadable_and_foreign_files_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match=r"missing\.ics"):
        records(tmp_path / "missing.ics")
    other = tmp_path / "other.ics"
    other.write_text("just some text\n")
    with pytest.raises(ImportFailed, match="no calendar"):
        records(other)


# -- the real invites -------------------------------------------------------------------------

# file: (interactions, people, issues)
REAL = {
    ("ics-icalendar-fixtures", "alarm_google_acknowledged.ics"): (0, 0, 0),
    ("ics-icalendar-fixtures", "alarm_google_future.ics"): (0, 0, 0),
    ("ics-icalendar-fixtures", "alarm_thunderbird_future.ics"): (0, 0, 0),
    ("ics-icalendar-fixtures", "docs_tutorials_example.ics"): (1, 3, 0),
    ("ics-icalendar-fixtures", "event_with_rsvp.ics"): (0, 0, 1),
    ("ics-icalendar-fixtures", "issue_156_RDATE_with_PERIOD_TZID_khal.ics"): (1, 1, 0),
    ("ics-icalendar-fixtures", "issue_156_RDATE_with_PERIOD_TZID_khal_2.ics"): (1, 1, 0),
    ("ics-icalendar-fixtures", "issue_27_multiple_periods_in_freebusy_multiple_freebusies.ics"): (
        0, 0, 0,
    ),
    ("ics-icalendar-fixtures", "property_params.ics"): (1, 3, 0),
    ("ics-icalendar-fixtures", "rfc_6868.ics"): (0, 0, 1),
    ("ics-icalendar-fixtures", "rfc_7256_multi_value_parameters.ics"): (0, 0, 2),
    ("nylas-sync-engine-fixtures", "ics/bogus_sequence_number.ics"): (1, 2, 0),
    ("nylas-sync-engine-fixtures", "ics/event_with_no_participants.ics"): (1, 1, 0),
    ("nylas-sync-engine-fixtures", "ics/event_without_sequence.ics"): (1, 1, 0),
    ("nylas-sync-engine-fixtures", "ics/gcal_recur.ics"): (13, 5, 0),
    ("nylas-sync-engine-fixtures", "ics/gcal_v1.ics"): (1, 2, 0),
    ("nylas-sync-engine-fixtures", "ics/gcal_v2.ics"): (1, 2, 0),
    ("nylas-sync-engine-fixtures", "ics/google_cancelled1.ics"): (1, 2, 0),
    ("nylas-sync-engine-fixtures", "ics/google_cancelled2.ics"): (0, 0, 0),
    ("nylas-sync-engine-fixtures", "ics/icloud_cancelled1.ics"): (1, 2, 0),
    ("nylas-sync-engine-fixtures", "ics/icloud_cancelled2.ics"): (0, 0, 0),
    ("nylas-sync-engine-fixtures", "ics/icloud_oneday_event.ics"): (1, 2, 0),
    ("nylas-sync-engine-fixtures", "ics/invalid_rsvp.ics"): (0, 0, 0),
    ("nylas-sync-engine-fixtures", "ics/invalid_rsvp2.ics"): (0, 0, 0),
    ("nylas-sync-engine-fixtures", "ics/invite.ics"): (22, 5, 0),
    ("nylas-sync-engine-fixtures", "ics/invite_w_rsvps1.ics"): (1, 3, 0),
    ("nylas-sync-engine-fixtures", "ics/invite_w_rsvps2.ics"): (0, 0, 0),
    ("nylas-sync-engine-fixtures", "ics/invite_w_rsvps3.ics"): (0, 0, 0),
    ("nylas-sync-engine-fixtures", "ics/invite_w_rsvps_4.ics"): (0, 0, 0),
    ("nylas-sync-engine-fixtures", "ics/iphone_through_exchange.ics"): (1, 2, 0),
    ("nylas-sync-engine-fixtures", "ics/meetup_infinite.ics"): (1, 1, 0),
    ("nylas-sync-engine-fixtures", "ics/multiple_events.ics"): (2, 1, 0),
    ("nylas-sync-engine-fixtures", "ics/multiple_summaries.ics"): (1, 2, 0),
    ("nylas-sync-engine-fixtures", "ics/self_sent_v1.ics"): (1, 3, 0),
    ("nylas-sync-engine-fixtures", "ics/self_sent_v2.ics"): (1, 3, 0),
    ("nylas-sync-engine-fixtures", "ics/windows_event.ics"): (1, 2, 0),
}  # fmt: skip


@pytest.mark.shared_data
@pytest.mark.parametrize("where", sorted(REAL), ids=lambda w: w[1])
def test_real_calendar(where: tuple[str, str]) -> None:
    path = shared_data(*where)
    assert ics.identify(path)
    recs = records(path)
    counts = (len(of(recs, InteractionRecord)), len(of(recs, PersonRecord)), len(of(recs, Issue)))
    assert counts == REAL[where]


@pytest.mark.shared_data
def test_real_calendars_all_read() -> None:
    paths = [*shared_data("ics-icalendar-fixtures").glob("*.ics")]
    paths += shared_data("nylas-sync-engine-fixtures", "ics").glob("*.ics")
    assert len(paths) == 36
    assert {(p.parent.name, p.name) for p in paths} >= {
        (w[0] if "/" not in w[1] else "ics", w[1].rsplit("/", 1)[-1]) for w in REAL
    }


@pytest.mark.shared_data
def test_real_details() -> None:
    recur = records(shared_data("nylas-sync-engine-fixtures", "ics", "gcal_recur.ics"))
    first = of(recur, InteractionRecord)[0]
    assert first.when == dt.datetime(2015, 1, 12, 21, 30, tzinfo=UTC)  # 13:30 in Los Angeles
    assert first.subject == "Weekly Planning Meeting"
    assert first.external_id == "flg2h6nam1cb1uqetgfkslrfrc@google.com/2015-01-12T21:30:00+00:00"
    # five people, weekly until 90 days after the only DTSTART: 13 occurrences x 1/5
    assert set(weights(recur).values()) == {2.6}
    windows = records(shared_data("nylas-sync-engine-fixtures", "ics", "windows_event.ics"))
    assert of(windows, InteractionRecord)[0].when == dt.datetime(2015, 2, 20, 8, 30, tzinfo=UTC)
    icloud = records(shared_data("nylas-sync-engine-fixtures", "ics", "icloud_oneday_event.ics"))
    people = {p.ref: p.name for p in of(icloud, PersonRecord)}
    assert people == {"email:benbitdiddle@icloud.com": "Ben Bitdiddle", "email:karim@nilas.com": ""}
    invite = records(shared_data("nylas-sync-engine-fixtures", "ics", "invite.ics"))
    refs = {r for i in of(invite, InteractionRecord) for r, _ in i.participants}
    assert "email:benbitdit@example.com" not in refs  # declined


# -- hostile input ----------------------------------------------------------------------------


def _parse_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.ics"
    path.write_bytes(data)
    try:
        out = list(ics.parse(path, Context()))
    except ImportFailed:
        return
    assert all(isinstance(r, PersonRecord | TieRecord | InteractionRecord | Issue) for r in out)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    _parse_bytes(tmp_path, data)


_LINES = st.sampled_from(
    [
        "BEGIN:VCALENDAR", "END:VCALENDAR", "BEGIN:VEVENT", "END:VEVENT", "BEGIN:VALARM",
        "END:VALARM", "BEGIN:VTIMEZONE", "END:VTIMEZONE", "TZID:X", "TZOFFSETTO:+0100",
        "TZOFFSETFROM:+9999", "BEGIN:STANDARD", "END:STANDARD", "METHOD:PUBLISH", "METHOD:CANCEL",
        "UID:u", "DTSTART:20240101T100000Z", "DTSTART;VALUE=DATE:20240101", "DTSTART:99999999",
        "DTSTART;TZID=X:20240101T100000", "DTSTART;TZID=../../etc:20240101T100000",
        "RRULE:FREQ=DAILY", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31", "RRULE:FREQ=SECONDLY",
        "RRULE:FREQ=WEEKLY;UNTIL=20240201", "RRULE:", "RDATE:20240105T100000Z", "EXDATE:x",
        "RECURRENCE-ID:20240102T100000Z", "STATUS:CANCELLED", "ATTENDEE:mailto:a@example.org",
        "ATTENDEE;CN=B:mailto:b@example.org", "ORGANIZER:mailto:", "ATTENDEE;EMAIL=x:urn:uuid:1",
        "ATTENDEE;PARTSTAT=DECLINED:mailto:c@example.org", "SUMMARY:s", " folded", "", ":",
        "SEQUENCE:x", "DESCRIPTION:\\n",
    ]
)  # fmt: skip


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(st.one_of(_LINES, st.text(max_size=30)), max_size=40))
def test_calendar_like_text(tmp_path: Path, lines: list[str]) -> None:
    _parse_bytes(tmp_path, "\r\n".join(lines).encode("utf-8", "surrogatepass"))


# -- through the apply step -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.ics")), ids=lambda p: p.stem)
def test_applies_cleanly_and_a_reimport_changes_nothing(owner, path: Path) -> None:
    from goodwill.imports.apply import apply_records
    from goodwill.imports.models import ImportRun

    def run() -> dict[str, int]:
        import_run = ImportRun.objects.create(owner=owner, format="ics", source=path.name)
        outcome = apply_records(owner, import_run, records(path))
        assert not [i for i in outcome.issues if i.code == "unknown-person"]
        return outcome.counts()

    first = run()
    again = run()
    assert (again["people_created"], again["ties"], again["interactions"]) == (0, 0, 0)
    assert first["interactions"] == len(of(records(path), InteractionRecord))
