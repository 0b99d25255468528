"""vCard importer: one golden file per quirk, the real exports in shared/data, hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodwill.errors import ImportFailed
from goodwill.importers import vcard
from goodwill.importers.records import (
    ME,
    Context,
    Issue,
    Key,
    PersonRecord,
    Record,
    TieRecord,
)
from tests.conftest import shared_data
from tests.importers.expected import check_golden

FIXTURES = Path(__file__).parent / "fixtures" / "vcard"
SPECIMENS = "vcard-ez-vcard-fixtures"


def records(path: Path, context: Context | None = None) -> list[Record]:
    return list(vcard.parse(path, context or Context()))


def cards(recs: list[Record]) -> dict[str, PersonRecord]:
    """The people that are cards of the address book (the owner knows each of them)."""
    known = {r.b for r in recs if isinstance(r, TieRecord) and r.a == ME}
    return {r.ref: r for r in recs if isinstance(r, PersonRecord) and r.ref in known}


def keys(person: PersonRecord, channel: str) -> list[str]:
    return [k.value for k in person.keys if k.channel == channel]


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.vcf")), ids=lambda p: p.stem)
def test_quirk(path: Path) -> None:
    assert vcard.identify(path)
    check_golden(records(path), path.with_name(path.stem + ".expected.json"))


# -- the quirks, spelled out (the golden files hold the rest) --------------------------------


def test_quoted_printable_soft_breaks_and_charsets() -> None:
    (person,) = cards(records(FIXTURES / "qp_soft_breaks.vcf")).values()
    assert person.name == "Jürgen Müller"
    assert (person.given_name, person.family_name) == ("Jürgen", "Müller")
    assert person.organisation == "Café Grüne GmbH"
    assert person.position == "Head of R&D"
    assert person.notes == "Met at the Zürich meetup, likes long walks\nand coffee"
    assert keys(person, "phone") == ["+49301234567"]


def test_apple_related_names_become_people_and_ties() -> None:
    recs = records(FIXTURES / "apple_related_names.vcf")
    ties = {(t.b.rsplit("/", 1)[-1], t.kind) for t in recs if isinstance(t, TieRecord)}
    assert ties == {
        ("vcard:ann.lee@example.org", "knows"),
        ("sam lee", "partner"),
        ("maria lee", "family"),
        ("tom okafor", "knows"),
        ("priya", "coworker"),
        ("unlabelled person", "knows"),
    }
    sources = {t.source for t in recs if isinstance(t, TieRecord) and t.a != ME}
    assert sources == {"Apple related names"}


def test_vcard4_related_resolves_cards_of_the_same_file() -> None:
    recs = records(FIXTURES / "related_v4.vcf")
    ties = {(t.a, t.b, t.kind) for t in recs if isinstance(t, TieRecord) and t.a != ME}
    jane, bob = "vcard:jane@example.com", "vcard:bob@example.com"
    carl = "vcard:+447700900456"
    assert (jane, bob, "coworker") in ties
    assert (bob, jane, "partner") in ties
    assert (jane, carl, "knows") in ties
    assert (jane, f"vcard-related:{jane}/john doe", "partner") in ties
    assert (jane, f"vcard-related:{jane}/margaret doe", "family") in ties
    assert (jane, "vcard:+442079460001", "coworker") in ties
    codes = [r.code for r in recs if isinstance(r, Issue)]
    assert sorted(codes) == ["bad-related", "unresolved-related"]
    # "me" names the card's own other self: no tie.
    assert not any("jane.other" in t[1] for t in ties)


def test_every_card_is_someone_the_owner_knows() -> None:
    recs = records(FIXTURES / "related_v4.vcf")
    from_me = [t for t in recs if isinstance(t, TieRecord) and t.a == ME]
    assert {t.kind for t in from_me} == {"knows"}
    assert {t.source for t in from_me} == {"Address book (vCard)"}
    assert len(from_me) == 3


def test_people_come_before_the_records_that_name_them() -> None:
    for path in sorted(FIXTURES.glob("*.vcf")):
        named = {ME}
        for rec in records(path):
            if isinstance(rec, PersonRecord):
                named.add(rec.ref)
            elif isinstance(rec, TieRecord):
                assert {rec.a, rec.b} <= named, (path.name, rec)


def test_bad_phone_is_an_issue_and_the_card_is_kept() -> None:
    recs = records(FIXTURES / "bad_phone.vcf")
    issues = [(r.code, r.where.line) for r in recs if isinstance(r, Issue)]
    assert issues == [("bad-phone", 4), ("bad-phone", 5), ("bad-email", 7), ("bad-phone", 12)]
    people = cards(recs)
    assert keys(people["vcard:+442079460958"], "phone") == ["+442079460958"]
    assert people["vcard-name:only a bad number"].keys == ()


def test_cards_without_a_name() -> None:
    recs = records(FIXTURES / "no_name.vcf")
    missing = [r for r in recs if isinstance(r, Issue)]
    assert [(r.code, r.where.line) for r in missing] == [("missing-name", 1)]
    names = {p.ref: p.name for p in cards(recs).values()}
    assert names == {
        "vcard:anonymous@example.net": "",
        "vcard-name:chidi emeka okafor": "Chidi Emeka Okafor",
        "vcard:+441614960000": "Acme Plumbing",
        "vcard-name:bunny": "Bunny",
    }


def test_a_broken_card_is_an_issue_and_reading_goes_on() -> None:
    recs = records(FIXTURES / "broken_card.vcf")
    issues = [(r.code, r.where.line) for r in recs if isinstance(r, Issue)]
    assert issues == [
        ("stray-line", 1),
        ("unterminated-card", 7),
        ("bad-line", 14),
        ("stray-line", 17),
        ("unterminated-card", 18),
    ]
    assert set(cards(recs)) == {"vcard:first@example.com", "vcard:third@example.com"}


def test_folded_lines_and_mixed_line_ends() -> None:
    (person,) = cards(records(FIXTURES / "folded_lines.vcf")).values()
    assert person.name == "Dr. Kwame Mensah"
    assert keys(person, "email") == ["kwame.mensah@example.com"]
    assert person.notes == (
        "First line\nsecond line with a comma, and a semicolon; continued after a tab fold"
    )
    assert person.location == "Accra, Ghana"
    assert person.tags == ("clients", "Speakers")


def test_web_addresses_become_the_most_specific_key() -> None:
    (person,) = cards(records(FIXTURES / "social_urls.vcf")).values()
    found = {(k.channel, k.value) for k in person.keys}
    assert found == {
        ("linkedin", "https://www.linkedin.com/in/ann-social-123"),
        ("x", "annsocial"),
        ("x", "ann_x"),
        ("x", "annother"),
        ("mastodon", "ann@mastodon.social"),
        ("bluesky", "ann.bsky.social"),
        ("website", "facebook.com/ann.social"),
        ("website", "ann-social.example.org/blog"),
    }


def test_hostile_text_is_kept_as_inert_data() -> None:
    recs = records(FIXTURES / "hostile_text.vcf")
    people = cards(recs)
    eve = people["vcard:eve@example.com"]
    assert eve.name == "<script>alert('x')</script> Eve liaM"
    assert "\x00" not in eve.notes
    assert "\u202e" not in eve.name
    assert eve.organisation == "=cmd|' /C calc'!A0"
    long_name = people["vcard:long@example.com"].name
    assert len(long_name) <= 200
    assert long_name.endswith("Very")


def test_encodings() -> None:
    (zoe,) = cards(records(FIXTURES / "utf16_bom.vcf")).values()
    assert zoe.name == "Zoë Ångström"
    (jose,) = cards(records(FIXTURES / "latin1_no_charset.vcf")).values()
    assert (jose.name, jose.family_name) == ("José Núñez", "Núñez")
    (mac,) = cards(records(FIXTURES / "cr_only.vcf")).values()
    assert keys(mac, "email") == ["oldmac@example.com"]


def test_photos_are_skipped_without_harm() -> None:
    people = cards(records(FIXTURES / "photos.vcf"))
    assert sorted(people) == [
        "vcard:photo21@example.com",
        "vcard:photo30@example.com",
        "vcard:photo40@example.com",
    ]


def test_the_owners_own_card_ties_their_family_to_the_owner() -> None:
    me = Key("email", "jane@example.com")
    recs = records(FIXTURES / "related_v4.vcf", Context(me_keys=frozenset({me})))
    assert "vcard:jane@example.com" not in {r.ref for r in recs if isinstance(r, PersonRecord)}
    ties = {(t.a, t.b, t.kind) for t in recs if isinstance(t, TieRecord)}
    assert (ME, f"vcard-related:{ME}/john doe", "partner") in ties
    assert ("vcard:bob@example.com", ME, "partner") in ties
    assert (ME, ME, "knows") not in ties


def test_identify_is_specific(tmp_path: Path) -> None:
    other = tmp_path / "contacts.vcf"
    other.write_text("name,email\nAnn,ann@example.org\n")
    assert not vcard.identify(other)
    calendar = tmp_path / "cal.ics"
    calendar.write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    assert not vcard.identify(calendar)
    late = tmp_path / "export.vcf"
    late.write_text("\n\nBEGIN:VCARD\nFN:A\nEND:VCARD\n")
    assert vcard.identify(late)


def test_unreadable_and_empty_files_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match=r"missing\.vcf"):
        records(tmp_path / "missing.vcf")
    empty = tmp_path / "empty.vcf"
    empty.write_bytes(b"")
    with pytest.raises(ImportFailed, match="no vCard"):
        records(empty)


def test_huge_photo_lines_are_streamed(tmp_path: Path) -> None:
    path = tmp_path / "huge.vcf"
    with path.open("wb") as out:
        out.write(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big Photo\r\nPHOTO;ENCODING=b:")
        out.write(b"A" * (3 << 20))  # one 3 MiB line, longer than any property may be
        out.write(b"\r\n " + b"B" * 1000 + b"\r\nNOTE:" + b"n" * (2 << 20) + b"\r\n")
        out.write(b"EMAIL:big@example.com\r\nEND:VCARD\r\n")
    recs = records(path)
    assert [r.code for r in recs if isinstance(r, Issue)] == ["line-too-long"]
    assert keys(cards(recs)["vcard:big@example.com"], "email") == ["big@example.com"]


# -- the real exports -------------------------------------------------------------------------

# file: (cards, {ref: (name, e-mails, phones)} for a few of them)
REAL = {
    "John_Doe_ANDROID.vcf": (6, {
        "vcard:john.doe@company.com": ("", ["john.doe@company.com"], []),
        "vcard:bob@company.com": ("Ñ Ñ Ñ Ñ", ["bob@company.com"], ["+44123456"]),
        "vcard:henry@company.com": ("ÑÑÑÑ", ["henry@company.com"], ["+4455556666"]),
    }),
    "John_Doe_BLACK_BERRY.vcf": (1, {
        "vcard:+96123456789": ("John Doe", [], ["+96123456789"]),
    }),
    "John_Doe_EVOLUTION.vcf": (1, {
        "vcard:john.doe@ibm.com": (
            "Mr. John Richter, James Doe Sr.", ["john.doe@ibm.com"],
            ["+449056661234", "+449055551234"],
        ),
    }),
    "John_Doe_GMAIL.vcf": (1, {
        "vcard:john.doe@ibm.com": (
            "Mr. John Richter, James Doe Sr.", ["john.doe@ibm.com"],
            ["+449055551234", "+449056661234"],
        ),
    }),
    "John_Doe_IPHONE.vcf": (1, {
        "vcard:john.doe@ibm.com": (
            "Mr. John Richter James Doe Sr.", ["john.doe@ibm.com"],
            ["+449055551234", "+449056661234", "+449057771234", "+449058881234",
             "+449059991234", "+449051111234", "+449052221234"],
        ),
    }),
    "John_Doe_LOTUS_NOTES.vcf": (1, {
        "vcard:john.doe@ibm.com": (
            "Mr. Doe John I Johny", ["john.doe@ibm.com", "billy_bob@gmail.com"],
            ["+12125557777"],
        ),
    }),
    "John_Doe_MAC_ADDRESS_BOOK.vcf": (1, {
        "vcard:john.doe@ibm.com": (
            "Mr. John Richter,James Doe Sr.", ["john.doe@ibm.com"],
            ["+449057771234", "+449056661234", "+449055551234", "+449058881234",
             "+449059991234", "+449051111234", "+449052221234"],
        ),
    }),
    "John_Doe_MS_OUTLOOK.vcf": (1, {
        "vcard:john.doe@ibm.cm": (
            "Mr. John Richter James Doe Sr.", ["john.doe@ibm.cm"],
            ["+449055551234", "+449056661234"],
        ),
    }),
    "fullcontact.vcf": (1, {
        "vcard:home@example.com": (
            "Prefix FirstName MiddleName LastName Suffix",
            ["home@example.com", "work@example.com", "school@example.com",
             "other@example.com", "custom@example.com"],
            [f"+44555555111{i}" for i in range(1, 10)],
        ),
    }),
    "gmail-list.vcf": (3, {
        "vcard:asmithk@gmail.com": ("Arnold Smith", ["asmithk@gmail.com"], []),
        "vcard:chrisy55d@yahoo.com": ("Chris Beatle", ["chrisy55d@yahoo.com"], []),
        "vcard:dwhite@gmail.com": ("Doug White", ["dwhite@gmail.com"], []),
    }),
    "gmail-single.vcf": (1, {
        "vcard:gdartmouth@hotmail.com": (
            "Greg Dartmouth", ["gdartmouth@hotmail.com"], ["+445555551111", "+445555552222"],
        ),
    }),
    "gmail-single2.vcf": (1, {
        "vcard:email@example.com": (
            "VCard Test",
            ["email@example.com", "homeemail@example.com", "workemail@example.com",
             "otheremail@example.com", "customcategory@example.com"],
            [f"+4455555511{i:02d}" for i in range(11, 22)],
        ),
    }),
    "issue114.vcf": (1, {
        "vcard:dummy.dummy@dummy.com": (
            "Dummy, Dummy", ["dummy.dummy@dummy.com"], ["+49123456789", "+49987654321"],
        ),
    }),
    "outlook-2003.vcf": (1, {
        "vcard:jdoe@hotmail.com": ("John Doe III", ["jdoe@hotmail.com"], []),
    }),
    "outlook-2007.vcf": (1, {
        "vcard:mike.angstadt@gmail.com": (
            "Mr. Michael Angstadt Jr.", ["mike.angstadt@gmail.com"],
            ["+441115551111", "+441115552222", "+441115554444", "+441115553333"],
        ),
    }),
    "rfc2426-example.vcf": (2, {
        "vcard:frank_dawson@lotus.com": (
            "Frank Dawson", ["frank_dawson@lotus.com", "fdawson@earthlink.net"],
            ["+19196769515", "+19196769564"],
        ),
        "vcard:howes@netscape.com": (
            "Tim Howes", ["howes@netscape.com"], ["+14159373419", "+14155284164"],
        ),
    }),
    "rfc6350-example.vcf": (1, {
        "vcard:simon.perreault@viagenie.ca": (
            "Simon Perreault", ["simon.perreault@viagenie.ca"],
            ["+14186569254", "+14182626501"],
        ),
    }),
    "thunderbird-MoreFunctionsForAddressBook-extension.vcf": (1, {
        "vcard:doe.john@hotmail.com": (
            "John Doe",
            ["doe.john@hotmail.com", "additional-email@company.com",
             "additional-email1@company.com", "additional-email2@company.com",
             "additional-email3@company.com"],
            ["+445555551111", "+445555552222", "+445555555555", "+445555553333",
             "+445555554444"],
        ),
    }),
}  # fmt: skip


@pytest.mark.shared_data
@pytest.mark.parametrize("name", sorted(REAL))
def test_real_export(name: str) -> None:
    path = shared_data(SPECIMENS, name)
    assert vcard.identify(path)
    count, facts = REAL[name]
    people = cards(records(path))
    assert len(people) == count
    for ref, (full_name, emails, phones) in facts.items():
        person = people[ref]
        assert person.name == full_name
        assert keys(person, "email") == emails
        assert keys(person, "phone") == phones


@pytest.mark.shared_data
def test_real_exports_all_read() -> None:
    folder = shared_data(SPECIMENS)
    files = sorted(folder.glob("*.vcf"))
    assert len(files) == 18
    assert sum(len(cards(records(f))) for f in files) == 26


@pytest.mark.shared_data
def test_real_related_names_and_details() -> None:
    recs = records(shared_data(SPECIMENS, "gmail-single2.vcf"))
    kinds = sorted(t.kind for t in recs if isinstance(t, TieRecord) and t.a != ME)
    assert kinds == ["coworker"] * 2 + ["family"] * 7 + ["knows"] * 4 + ["partner"] * 3
    john = cards(records(shared_data(SPECIMENS, "John_Doe_EVOLUTION.vcf")))
    person = john["vcard:john.doe@ibm.com"]
    assert (person.organisation, person.position) == ("IBM", "Money Counter")
    assert person.location == "Albaney, United States of America"
    assert person.tags == ("VIP",)
    issues = [
        r for r in records(shared_data(SPECIMENS, "outlook-2003.vcf")) if isinstance(r, Issue)
    ]
    assert [i.code for i in issues] == ["bad-phone"] * 4


# -- hostile input ----------------------------------------------------------------------------


def _parse_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.vcf"
    path.write_bytes(data)
    try:
        out = list(vcard.parse(path, Context()))
    except ImportFailed:
        return
    kinds = (PersonRecord, TieRecord, Issue)
    assert all(isinstance(r, kinds) for r in out)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes(tmp_path: Path, data: bytes) -> None:
    _parse_bytes(tmp_path, data)


_LINES = st.sampled_from(
    [
        "BEGIN:VCARD", "END:VCARD", "begin:vcard", "VERSION:2.1", "VERSION:4.0", "FN:Ann",
        "N:;;;;", "N:a;b;c;d;e;f;g", "EMAIL:ann@example.org", "EMAIL;PREF:@@", "TEL;CELL:+44 20",
        "TEL:tel:", "item1.X-ABLabel:_$!<Spouse>!$_", "item1.X-ABRELATEDNAMES:Sam", "RELATED:",
        "RELATED;TYPE=friend:urn:uuid:", "RELATED;VALUE=uri:mailto:",
        "NOTE;ENCODING=QUOTED-PRINTABLE:=", "NOTE;QUOTED-PRINTABLE;CHARSET=x-unknown:=E9=",
        "ORG:;", "ADR:;;;;;;;;;", "CATEGORIES:,,\\,",
        "PHOTO;ENCODING=b:AAAA", " folded", "\tfolded", "", ":", ";;;:", "URL:http://[", "URL:@",
        "X-SOCIALPROFILE;type=twitter:", "IMPP:", 'TEL;TYPE="a:b":1', "X-FCENCODED-ZZ:x", "UID:",
        "X-FCENCODED-582D46432D52656C617465644E616D65733A4D6F74686572:Mum",
    ]
)  # fmt: skip


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(st.one_of(_LINES, st.text(max_size=40)), max_size=40),
    end=st.sampled_from(["\r\n", "\n", "\r", "\r\r\n"]),
)
def test_card_like_text(tmp_path: Path, lines: list[str], end: str) -> None:
    _parse_bytes(tmp_path, end.join(lines).encode("utf-8", "surrogatepass"))


# -- through the apply step -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.vcf")), ids=lambda p: p.stem)
def test_applies_cleanly_and_a_reimport_changes_nothing(owner, path: Path) -> None:
    from goodwill.imports.apply import apply_records
    from goodwill.imports.models import ImportRun

    def run() -> dict[str, int]:
        import_run = ImportRun.objects.create(owner=owner, format="vcard", source=path.name)
        outcome = apply_records(owner, import_run, records(path))
        assert not [i for i in outcome.issues if i.code == "unknown-person"]
        return outcome.counts()

    first = run()
    assert first["people_created"] >= 1
    again = run()
    assert (again["people_created"], again["people_updated"], again["ties"]) == (0, 0, 0)
