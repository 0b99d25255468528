"""Google Contacts CSV, legacy and current layouts: one fixture per quirk, golden beside it."""

from __future__ import annotations

import contextlib
import csv
import io
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodwill.errors import ImportFailed
from goodwill.importers import google_contacts, linkedin, relationships
from goodwill.importers.records import ME, Context, Issue, PersonRecord, TieRecord
from tests.conftest import shared_data
from tests.importers.expected import check_golden
from tests.importers.test_linkedin import assert_well_formed, context_for, fixtures

FIXTURES = Path(__file__).parent / "fixtures" / "google_contacts"


def parse(path: Path, context: Context | None = None):
    return assert_well_formed(google_contacts.parse(path, context or Context()))


@pytest.mark.parametrize("path", fixtures(FIXTURES), ids=lambda p: p.stem)
def test_fixture(path):
    assert google_contacts.identify(path)
    check_golden(parse(path, context_for(path)), path.with_name(path.stem + ".expected.json"))


def test_constellation_specimen():
    path = shared_data("social-export-fixtures", "constellation", "google_contacts.csv")
    assert google_contacts.identify(path)
    assert not linkedin.identify(path)
    records = parse(path)
    assert Counter(type(r).__name__ for r in records) == {"PersonRecord": 2, "TieRecord": 2}
    people = [r for r in records if isinstance(r, PersonRecord)]
    assert [p.ref for p in people] == ["gc:jerry@example.com", "gc:zoe@example.com"]
    assert people[1].name == "Zoë, Smith"
    assert (people[1].given_name, people[1].family_name) == ("Zoë", "Smith")
    assert (people[0].organisation, people[0].position) == ("Example Partners", "Founder")
    assert [k.channel for k in people[0].keys] == ["email", "phone"]
    ties = [r for r in records if isinstance(r, TieRecord)]
    assert all((t.a, t.kind, t.source) == (ME, "knows", "Google Contacts") for t in ties)


def test_multi_values_and_tags():
    records = parse(FIXTURES / "legacy_multi_values.csv")
    grace = records[0]
    assert [k.value for k in grace.keys if k.channel == "email"] == [
        "grace@navy.example",
        "g.hopper@example.org",
        "grace.home@example.net",
    ]
    assert [k.value for k in grace.keys if k.channel == "phone"] == [
        "+12025550143",
        "+442079460958",
    ]
    assert grace.tags == ("starred", "Book club")
    assert ("linkedin", "https://www.linkedin.com/in/grace-hopper") in [
        (k.channel, k.value) for k in grace.keys
    ]


def test_phone_region_option():
    path = FIXTURES / "phone_region.csv"
    us = parse(path, Context(options={"phone_region": "US"}))[0]
    assert us.ref == "gc:+17575550101"


def test_not_google_contacts(tmp_path):
    for path in [
        *fixtures(FIXTURES.parent / "linkedin"),
        *fixtures(FIXTURES.parent / "relationships"),
    ]:
        assert not google_contacts.identify(path), path.name
    for path in fixtures(FIXTURES):
        assert not linkedin.identify(path), path.name
        assert not relationships.identify(path), path.name
        assert not relationships.EDGELIST.identify(path), path.name
    other = tmp_path / "contacts.csv"
    other.write_text("Name,Phone\nAnn,123\n")
    assert not google_contacts.identify(other)
    with pytest.raises(ImportFailed, match=r"contacts\.csv: no Google Contacts header row"):
        list(google_contacts.parse(other, Context()))


CURRENT_HEADER = (
    b"First Name,Middle Name,Last Name,Labels,E-mail 1 - Label,E-mail 1 - Value,"
    b"Phone 1 - Label,Phone 1 - Value,Website 1 - Value,Notes\n"
)
LEGACY_HEADER = (
    b"Name,Given Name,Additional Name,Family Name,Group Membership,"
    b"E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value\n"
)
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(body=st.binary(max_size=600), prefix=st.sampled_from([b"", CURRENT_HEADER, LEGACY_HEADER]))
def test_arbitrary_bytes_never_crash(tmp_path, body, prefix):
    path = tmp_path / "contacts.csv"
    path.write_bytes(prefix + body)
    with contextlib.suppress(ImportFailed):
        parse(path)


@SETTINGS
@given(rows=st.lists(st.lists(st.text(max_size=40), max_size=11), max_size=6))
def test_arbitrary_cells_never_crash(tmp_path, rows):
    for header in (CURRENT_HEADER, LEGACY_HEADER):
        text = io.StringIO()
        csv.writer(text).writerows(rows)
        path = tmp_path / "contacts.csv"
        path.write_bytes(header + text.getvalue().encode("utf-8", "surrogatepass"))
        records = parse(path, Context(options={"phone_region": "US"}))
        assert all(not isinstance(r, Issue) or r.where.line for r in records)


@pytest.mark.django_db
def test_reimport_changes_nothing(owner):
    from tests.importers.test_linkedin import apply_twice

    first, second = apply_twice(owner, google_contacts, fixtures(FIXTURES))
    assert sum(o.people_created for o in first) == 13
    assert sum(o.ties for o in first) == 13
    assert all((o.people_created, o.people_updated, o.ties) == (0, 0, 0) for o in second)
