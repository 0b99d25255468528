"""The e-mail importer: mbox files, single messages (.eml, Maildir, Enron maildir), one archive."""

from __future__ import annotations

import email
import email.policy
import io
import json
import re
import tarfile
import tracemalloc
from collections import Counter
from email.utils import getaddresses
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodwill.errors import ImportFailed
from goodwill.identity import normalise
from goodwill.importers import mail, mailbox_reader
from goodwill.importers.mailparse import addresses, clean_name, normalise_message_id, parse_date
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

FIXTURES = Path(__file__).parent / "fixtures" / "mail"
CASES = sorted(p for p in FIXTURES.iterdir() if not p.name.endswith(".json"))
OWNER = "robin@owner.example"
RECORD_TYPES = (PersonRecord, TieRecord, InteractionRecord, Issue)


def context_for(case: Path) -> Context:
    """``<quirk>.context.json`` may name the owner's addresses and ask for bodies."""
    options = {"me": [OWNER], "store_bodies": False}
    sidecar = case.with_name(f"{case.stem}.context.json")
    if sidecar.exists():
        options.update(json.loads(sidecar.read_text()))
    keys = frozenset(Key("email", normalise("email", a)) for a in options["me"])
    return Context(me_keys=keys, store_bodies=bool(options["store_bodies"]))


def read_case(case: Path) -> list[Record]:
    context = context_for(case)
    if case.is_dir():
        files = sorted(p for p in case.rglob("*") if p.is_file())
        context.names = {str(p): p.relative_to(case).as_posix() for p in files}
        return list(mail.parse_many(files, context))
    if case.suffix == ".mbox":
        return list(mail.parse(case, context))
    return list(mail.EML.parse(case, context))


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_fixture(case):
    records = read_case(case)
    check_golden(records, case.with_name(f"{case.stem}.expected.json"))


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_people_come_before_the_records_that_use_them(case):
    named = {ME}
    for record in read_case(case):
        if isinstance(record, PersonRecord):
            named.add(record.ref)
        elif isinstance(record, InteractionRecord):
            assert {ref for ref, _ in record.participants} <= named
        elif isinstance(record, TieRecord):
            assert {record.a, record.b} <= named
            assert record.a < record.b


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_reimporting_gives_the_same_records(case):
    assert read_case(case) == read_case(case)


# -- identification --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "mbox", "eml"),
    [
        (b"From ann@x.org Mon Jan  1 00:00:00 2024\nFrom: ann@x.org\n\nhi\n", True, False),
        (b"From ann at x.org  Mon Jan  1 00:00:00 2024\nDate: Mon, 1 Jan 2024\n", True, False),
        (b"Message-ID: <a@b>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nFrom: a@b.c\n\nx", False, True),
        (b"Received: from x\n\tby y\nReturn-Path: <a@b.c>\nSubject: s\n", False, True),
        (b"   \r\n\r\nDelivered-To: a@b.c\r\nFrom: a@b.c\r\nTo: b@c.d\r\n", False, True),
        (
            b"BEGIN:VCARD\nVERSION:3.0\nFN:Ann\nEMAIL;TYPE=INTERNET:a@x.org\nEND:VCARD\n",
            False,
            False,
        ),
        (b"BEGIN:VCALENDAR\nPRODID:x\nBEGIN:VEVENT\nORGANIZER:mailto:a@b.c\n", False, False),
        (b"From,To,Subject\nann@x.org,b@c.d,hi\n", False, False),
        (b"From the desk of Ann: a letter.\nDear all,\n", False, False),
        (b"Date: Mon, 1 Jan 2024\nContent-Type: text/html\n\n<html>", False, False),
        (b'{"From": "ann@x.org"}', False, False),
        (b"", False, False),
    ],
)
def test_identify(tmp_path, text, mbox, eml):
    path = tmp_path / "sample"
    path.write_bytes(text)
    assert mail.identify(path) is mbox
    assert mail.EML.identify(path) is eml


def test_both_formats_look_like_importers():
    assert (mail.FORMAT, mail.EML.FORMAT) == ("mbox", "eml")
    assert mail.LABEL
    assert mail.EML.LABEL


# -- failures --------------------------------------------------------------------------------
def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ImportFailed, match=r"^gone\.mbox: cannot be read"):
        list(mail.parse(tmp_path / "gone.mbox", Context()))
    with pytest.raises(ImportFailed, match=r"^gone\.eml: cannot be read"):
        list(mail.EML.parse(tmp_path / "gone.eml", Context()))


def test_a_file_that_is_not_an_mbox_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.mbox"
    path.write_text("Dear diary,\n")
    with pytest.raises(ImportFailed, match=r"^notes\.mbox: not an mbox file"):
        list(mail.parse(path, Context()))


def test_a_file_that_is_not_a_message_is_a_clear_error(tmp_path):
    path = tmp_path / "photo.eml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(ImportFailed, match=r"^photo\.eml: not an e-mail message"):
        list(mail.EML.parse(path, Context()))


def test_parse_many_reports_bad_files_and_goes_on(tmp_path):
    good = tmp_path / "good.eml"
    good.write_text("Message-ID: <g@x.org>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nFrom: a@x.org\n")
    junk = tmp_path / "junk"
    junk.write_bytes(b"\x00\x01\x02")
    records = list(mail.parse_many([tmp_path / "missing", junk, good], Context()))
    codes = [r.code for r in records if isinstance(r, Issue)]
    assert codes[:2] == ["unreadable-file", "not-a-message"]
    assert sum(isinstance(r, InteractionRecord) for r in records) == 1


# -- the pieces ------------------------------------------------------------------------------
_TOKENS = st.sampled_from(
    [
        "ann@x.org", "Ann", "Lee", " ", "\t", ",", ", ", '"', "<", ">", "(", ")", ".", "@", ":",
        ";", "[", "]", "\\", "é", "=?utf-8?q?x?=", "O'B", "<b@c.de>", "(Ann Lee)", '"Lee, Ann"',
        "Ann <a@b.c>", "x.y+z@sub.example.org", "a..b@c", "'q@r.s'",
    ]
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(_TOKENS, max_size=12).map("".join) | st.text(max_size=40))
def test_fast_addresses_agree_with_the_standard_library(value):
    if " at " in value:  # pipermail de-obfuscation is ours alone
        return
    expected = [(name, address) for name, address in getaddresses([value]) if address]
    assert addresses(value) == expected


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Lee, Ann", "Ann Lee"),
        ('"Lee, Ann"', "Ann Lee"),
        ('"<script>alert(1)</script>"', "<script>alert(1)</script>"),
        ("Acme, Inc.", "Acme, Inc."),
        ("Smith, Jr.", "Smith, Jr."),
        ("=?utf-8?q?Am=C3=A9lie_Dubois?=", "Amélie Dubois"),
        ("=?x-nope?q?Odd?=", "Odd"),
        ("ann@x.org", ""),
        ("  ", ""),
        ("Ann\x00\x1b[31m Lee", "Ann [31m Lee"),
    ],
)
def test_clean_name(raw, name):
    assert clean_name(raw, "ann@x.org") == name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<Abc.DEF@Example.ORG>", "Abc.DEF@example.org"),
        ("  < abc@x.org >  trailing", "abc@x.org"),
        ("bare@Host", "bare@host"),
        ("<" + "x" * 300 + "@y>", None),
    ],
)
def test_normalise_message_id(raw, expected):
    result = normalise_message_id(raw)
    if expected is None:
        assert result.startswith("h:")
        assert len(result) == 42
    else:
        assert result == expected


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Tue, 11 Sep 2001 15:56:48 -0700 (PDT)", "2001-09-11T15:56:48-07:00"),
        ("11 Sep 2001 15:56 +0000", "2001-09-11T15:56:00+00:00"),
        ("Tuesday, 11 Sep 2001 15:56:48 GMT", "2001-09-11T15:56:48+00:00"),
        ("Wed, 01 Dec 2010 14:26:40 +0100", "2010-12-01T14:26:40+01:00"),
        ("2 Jan 24 08:00 EST", "2024-01-02T08:00:00-05:00"),
        ("Tue, 31 Feb 2001 15:56:48 -0700", None),
        ("RANDOM_Wed, 21 Sep 2016 22:42:07 +0300", "2016-09-21T22:42:07+03:00"),
        ("sometime last week", None),
        ("", None),
    ],
)
def test_parse_date(text, iso):
    parsed = parse_date(text)
    assert (parsed.isoformat() if parsed else None) == iso


# -- streaming -------------------------------------------------------------------------------
def _split(data: bytes) -> list[tuple[bytes, int, int, int, bool]]:
    return [tuple(m) for m in mailbox_reader.iter_mbox(io.BytesIO(data))]


@pytest.mark.parametrize("case", sorted(FIXTURES.glob("*.mbox")), ids=lambda p: p.name)
@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64])
def test_the_splitter_does_not_care_where_chunks_end(monkeypatch, case, chunk):
    data = case.read_bytes()
    expected = _split(data)
    monkeypatch.setattr(mailbox_reader, "CHUNK", chunk)
    assert _split(data) == expected


@pytest.mark.parametrize("case", sorted(FIXTURES.glob("*.mbox")), ids=lambda p: p.name)
def test_the_splitter_finds_what_the_standard_library_finds(case):
    import mailbox

    def message_id(block: bytes) -> str:
        found = re.search(rb"(?im)^message-id:[ \t]*(.*)$", block)
        return found.group(1).decode("latin-1").strip() if found else ""

    ours = [message_id(m.headers) for m in mailbox_reader.iter_mbox(case.open("rb"))]
    try:
        theirs = [(m["message-id"] or "").strip() for m in mailbox.mbox(case, create=False)]
    except UnicodeDecodeError:  # Python 3.11 decodes the separator line, and fails on it
        assert case.name == "non_ascii_from_line.mbox"
        assert ours == ["<8bit@example.org>", "<utf8@example.dk>"]
        return
    if case.name == "from_quoting.mbox":
        # The stdlib also splits at an unquoted "From " in the middle of a paragraph.
        assert theirs == [ours[0], "", ours[1]]
    else:
        assert ours == theirs


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.integers(min_value=1, max_value=40))
def test_the_splitter_is_chunk_blind_on_any_bytes(data, chunk):
    data = b"From x\n" + data
    expected = _split(data)
    original = mailbox_reader.CHUNK
    mailbox_reader.CHUNK = chunk
    try:
        assert _split(data) == expected
    finally:
        mailbox_reader.CHUNK = original


def test_line_numbers_count_from_the_start_of_the_file():
    data = (FIXTURES / "basic.mbox").read_bytes()
    lines = [m.line for m in mailbox_reader.iter_mbox(io.BytesIO(data))]
    assert lines == [2, 12]


def test_a_huge_body_is_skipped_without_being_held(tmp_path):
    path = tmp_path / "big.mbox"
    with path.open("wb") as out:
        out.write(b"From a@x.org Mon Jan  1 00:00:00 2024\nMessage-ID: <big@x.org>\n")
        out.write(b"Date: Mon, 1 Jan 2024 00:00:00 +0000\nFrom: a@x.org\nTo: b@y.org\n\n")
        line = b"A" * 75 + b"\n"
        for _ in range(400_000):  # 30 MB of body
            out.write(line)
        out.write(b"\nFrom b@y.org Mon Jan  1 00:00:00 2024\nMessage-ID: <after@y.org>\n")
        out.write(b"Date: Mon, 1 Jan 2024 01:00:00 +0000\nFrom: b@y.org\nTo: a@x.org\n\nhi\n")
    tracemalloc.start()
    try:
        records = list(mail.parse(path, Context()))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sum(isinstance(r, InteractionRecord) for r in records) == 2
    assert peak < 8 * 1024 * 1024


def test_an_endless_header_block_is_cut_and_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(mailbox_reader, "MAX_HEADER_BYTES", 4096)
    path = tmp_path / "long.mbox"
    path.write_bytes(
        b"From a@x.org Mon Jan  1 00:00:00 2024\nMessage-ID: <long@x.org>\n"
        b"Date: Mon, 1 Jan 2024 00:00:00 +0000\nFrom: a@x.org\nTo: b@y.org\n"
        + b"X-Junk: "
        + b"j" * 20_000
        + b"\n\nbody\n"
    )
    records = list(mail.parse(path, Context()))
    assert [r.code for r in records if isinstance(r, Issue)][:1] == ["long-headers"]
    assert sum(isinstance(r, InteractionRecord) for r in records) == 1


# -- hostile input ---------------------------------------------------------------------------
_PIECES = st.sampled_from(
    [
        b"From x Mon Jan  1 00:00:00 2024\n", b"\n", b"\r\n", b"From: ", b"To: ", b"Cc: ",
        b"Date: ", b"Message-ID: ", b"Subject: ", b"List-Id: l\n", b"Mon, 1 Jan 2024 00:00 +0000",
        b"a@b.c", b"<a@b.c>", b", ", b"\t", b" ", b"=?utf-8?q?=C3=A9?=", b"\xff\xfe", b"(((",
        b'"', b"\x00", b">From ", b"--b\n", b"Content-Type: multipart/mixed; boundary=b\n",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=40).map(b"".join) | st.binary(max_size=400), st.booleans())
def test_any_bytes_give_records_or_a_clear_failure(tmp_path_factory, data, bodies):
    path = tmp_path_factory.mktemp("fuzz") / "input"
    path.write_bytes(data)
    context = Context(store_bodies=bodies)
    for parse in (mail.parse, mail.EML.parse):
        try:
            records = list(parse(path, context))
        except ImportFailed as exc:
            failure = str(exc)
        else:
            failure = ""
            assert all(isinstance(r, RECORD_TYPES) for r in records)
        assert failure == "" or failure.startswith("input: ")
    assert all(isinstance(r, RECORD_TYPES) for r in mail.parse_many([path], context))


# -- real specimens --------------------------------------------------------------------------
NOREPLY_WORDS = ("noreply", "donotreply", "mailerdaemon", "postmaster", "notification",
                 "newsletter", "bounce")  # fmt: skip


def _noreply(address: str) -> bool:
    local = re.sub(r"[-_.+]", "", address.split("@")[0].lower())
    return any(word in local for word in NOREPLY_WORDS)


@pytest.fixture(scope="session")
def enron_files(tmp_path_factory):
    archive = shared_data("enron-maildir-sample", "enron_maildir_badeer-r_blair-l.tar.gz")
    root = tmp_path_factory.mktemp("enron")
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="data")
    return sorted(p for p in root.rglob("*") if p.is_file())


def _expected_from_stdlib(files: list[Path]) -> dict[str, object]:
    """The same figures, computed independently with ``email`` and plain loops."""
    messages = {}
    for path in files:
        with path.open("rb") as handle:
            msg = email.message_from_binary_file(handle, policy=email.policy.compat32)
        mid = normalise_message_id(str(msg["message-id"] or ""))
        if mid in messages or not msg["date"]:
            continue

        def people(*names: str, msg: email.message.Message = msg) -> list[str]:
            found = []
            for _, address in getaddresses([str(v) for n in names for v in msg.get_all(n, [])]):
                if address:
                    found.append(normalise("email", address))
            return found

        senders, to_cc = people("from"), people("to", "cc")
        everyone = list(dict.fromkeys(senders + to_cc + people("bcc")))
        bulk = any(msg[h] for h in ("list-id", "list-unsubscribe", "precedence", "auto-submitted"))
        bulk = bulk or bool(senders and _noreply(senders[0]))
        messages[mid] = (everyone, bulk, len(to_cc))
    counts = Counter(a for everyone, _, _ in messages.values() for a in everyone)
    owner = min(counts, key=lambda a: (-counts[a], a))
    weights: Counter[tuple[str, str]] = Counter()
    for everyone, bulk, listed in messages.values():
        members = sorted(a for a in everyone if a != owner and not _noreply(a))
        if bulk or listed > 50 or len(everyone) > 51 or not 2 <= len(members) <= 50:
            continue
        for pair in combinations(members, 2):
            weights[pair] += 1 / (len(members) - 1)
    return {
        "interactions": len(messages),
        "addresses": len(counts),
        "owner": owner,
        "ties": len(weights),
        "weight": sum(weights.values()),
    }


def test_enron_maildir(enron_files):
    assert len(enron_files) == 3936
    expected = _expected_from_stdlib(enron_files)
    records = list(mail.parse_many(enron_files, Context()))
    people = [r for r in records if isinstance(r, PersonRecord)]
    interactions = [r for r in records if isinstance(r, InteractionRecord)]
    ties = [r for r in records if isinstance(r, TieRecord)]
    issues = Counter(r.code for r in records if isinstance(r, Issue))

    assert expected["interactions"] == len(interactions) == 3936
    assert len({r.external_id for r in interactions}) == 3936
    assert expected["addresses"] == len(people) + 1 == 2215  # the owner is ME, not a person
    assert expected["owner"] == "lynn.blair@enron.com"
    inferred = [r for r in records if isinstance(r, Issue) and r.code == "owner-inferred"]
    assert len(inferred) == 1
    assert "lynn.blair@enron.com" in inferred[0].message
    assert len(ties) == expected["ties"]
    assert sum(t.weight for t in ties) == pytest.approx(expected["weight"], abs=1e-3)
    assert set(issues) <= {"owner-inferred", "many-recipients"}
    assert Counter(r.direction for r in interactions) == {"in": 2824, "out": 1112}
    by_ref = {p.ref: p for p in people}
    assert by_ref["email:newsletter@quickinspirations.com"].bulk
    assert by_ref["email:rick.dietz@enron.com"].name == "Rick Dietz"


def test_enron_with_the_owner_given(enron_files):
    context = Context(me_keys=frozenset({Key("email", "lynn.blair@enron.com")}))
    records = list(mail.parse_many(enron_files, context))
    assert not [r for r in records if isinstance(r, Issue) and r.code.startswith("owner")]
    assert sum(isinstance(r, PersonRecord) for r in records) == 2214


def test_perceval_mbox_files():
    folder = shared_data("mbox-perceval-fixtures")
    files = sorted(folder.glob("*.mbox"))
    assert len(files) == 10
    split = sum(len(list(mailbox_reader.iter_mbox(f.open("rb")))) for f in files)
    assert split == 22
    for path in files:  # each imports on its own, the encoding problems included
        assert all(isinstance(r, RECORD_TYPES) for r in mail.parse(path, Context()))
    records = list(mail.parse_many(files, Context()))
    issues = Counter(r.code for r in records if isinstance(r, Issue))
    interactions = [r for r in records if isinstance(r, InteractionRecord)]
    # 22 messages, 4 of which repeat the Message-ID of an earlier one in mbox_no_fields (two of
    # those have no usable Date); "RANDOM_Wed, 21 Sep 2016 …" is read as the stdlib reads it.
    assert issues == {"duplicate-messages": 1, "owner-inferred": 1}
    assert len(interactions) == 18
    people = {r.ref: r for r in records if isinstance(r, PersonRecord)}
    assert people["email:christian@example.org"].name == "Christian Aistleitner"
    assert people["email:goran@domain.com"].name == "Göran Lastname"


@pytest.fixture(scope="session")
def notmuch_files(tmp_path_factory):
    archive = shared_data(
        "notmuch-test-corpora", "notmuch_corpora_default_lkml_threading_broken.tar.gz"
    )
    root = tmp_path_factory.mktemp("notmuch")
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="data")
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_specimens_are_identified(enron_files, notmuch_files):
    raw = sorted(shared_data("nylas-sync-engine-fixtures", "raw_messages").iterdir())
    for path in [*enron_files, *notmuch_files, *raw]:
        assert mail.EML.identify(path), path
        assert not mail.identify(path), path
    for path in shared_data("mbox-perceval-fixtures").glob("*.mbox"):
        assert mail.identify(path), path
        assert not mail.EML.identify(path), path
    for path in shared_data("nylas-sync-engine-fixtures", "ics").iterdir():
        assert not mail.identify(path)
        assert not mail.EML.identify(path)


def test_notmuch_corpora(notmuch_files):
    files = notmuch_files
    assert len(files) == 279
    records = list(mail.parse_many(files, Context()))
    interactions = [r for r in records if isinstance(r, InteractionRecord)]
    people = [r for r in records if isinstance(r, PersonRecord)]
    issues = Counter(r.code for r in records if isinstance(r, Issue))
    assert len(interactions) == 244  # 279 files, 35 of them repeats of a Message-ID
    assert issues == {"duplicate-messages": 1, "owner-inferred": 1, "bad-address": 1}
    assert len(people) == 215
    bulk = {p.ref for p in people if p.bulk}
    assert len(bulk) == 191
    assert "email:linux-kernel@vger.kernel.org" in bulk
    assert "email:notmuch@notmuchmail.org" in bulk


def test_nylas_raw_messages():
    folder = shared_data("nylas-sync-engine-fixtures", "raw_messages")
    files = sorted(folder.iterdir())
    assert len(files) == 12
    for path in files:  # nothing crashes, one by one
        assert all(isinstance(r, RECORD_TYPES) for r in mail.EML.parse(path, Context()))
    records = list(mail.parse_many(files, Context()))
    issues = Counter(r.code for r in records if isinstance(r, Issue))
    # 12 files: 4 without a Date (two of them copies of one message), 2 repeats of another.
    assert issues == {"no-date": 4, "bad-address": 1, "duplicate-messages": 1, "owner-unknown": 1}
    assert sum(isinstance(r, InteractionRecord) for r in records) == 6


def test_the_message_with_4096_recipients():
    path = shared_data(
        "nylas-sync-engine-fixtures", "raw_messages", "raw_message_with_many_recipients"
    )
    records = list(mail.EML.parse(path, Context(store_bodies=True)))
    issues = [r for r in records if isinstance(r, Issue)]
    assert [i.code for i in issues] == ["many-recipients", "owner-unknown"]
    assert "4,096 recipients (1 distinct)" in issues[0].message
    assert not [r for r in records if isinstance(r, TieRecord)]
    (interaction,) = [r for r in records if isinstance(r, InteractionRecord)]
    assert interaction.participants == ((ME, "to"), ("email:tp@ai.mit.edu", "from"))
    assert "Integrated Information Theory" in interaction.body


# -- into the database -----------------------------------------------------------------------
@pytest.mark.django_db
def test_an_archive_applies_cleanly_and_a_reimport_changes_nothing(owner):
    from goodwill.activity.models import Interaction
    from goodwill.imports.apply import apply_records
    from goodwill.imports.models import ImportRun
    from goodwill.people.models import Person, Tie

    files = [FIXTURES / "bulk_list.mbox", FIXTURES / "cooccurrence.mbox"]
    context = Context(me_keys=frozenset({Key("email", OWNER)}))

    def run() -> tuple[object, ...]:
        import_run = ImportRun.objects.create(owner=owner, format="mbox", source="test")
        outcome = apply_records(owner, import_run, mail.parse_many(files, context))
        people = Person.objects.filter(owner=owner)
        return (
            outcome.interactions,
            sorted(people.values_list("name", "bulk")),
            sorted(Tie.objects.filter(owner=owner).values_list("a__name", "b__name", "weight")),
            Interaction.objects.filter(owner=owner).count(),
        )

    first = run()
    assert first[0] == 10
    assert first[3] == 10
    assert ("Dana Poster", True) in first[1]
    assert ("Frank Reply", False) in first[1]
    second = run()
    assert second[0] == 0
    assert second[1:] == first[1:]
