"""The Facebook DYI importer: one fixture per quirk and layout, the real specimen, hostile input."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.errors import ImportFailed
from goodwill.importers import facebook
from goodwill.importers.records import (
    ME,
    Context,
    Issue,
    Key,
    OvertureRecord,
    PersonRecord,
    TieRecord,
)
from tests.conftest import shared_data
from tests.importers.expected import check_golden

FIXTURES = Path(__file__).parent / "fixtures" / "facebook"
RECORD_TYPES = (PersonRecord, TieRecord, OvertureRecord, Issue)


def inputs() -> list[Path]:
    return sorted(p for p in FIXTURES.glob("*.json") if not p.name.endswith(".expected.json"))


@pytest.mark.parametrize("path", inputs(), ids=lambda p: p.name)
def test_fixture(path):
    check_golden(facebook.parse(path, Context()), path.with_suffix(".expected.json"))


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("friends.json", '{"friends": [', True),
        ("friends.json", '{\n  "friends_v2": [', True),
        ("your_friends.json", '{"friends_v2": [', True),
        ("removed_friends.json", '{"deleted_friends_v2": [', True),
        ("sent_friend_requests.json", '{"sent_requests_v2": [', True),
        ("received_friend_requests.json", '{"received_requests_v2": [', True),
        ("who_you_follow.json", '{"following_v3": [', True),
        ("following.json", '{"following": [', True),
        ("anything_renamed.json", '{"friends_v2": [', True),  # versioned keys are specific
        ("data.json", '{"friends": [', False),  # an unversioned key needs a DYI file name
        ("followers_1.json", '{"followers": [', False),  # Instagram-like, not Facebook
        ("profile_information.json", '{"profile_v2": {', False),
        ("your_friends.json", '{"title": "x", "friends_v2": [', False),  # not the first key
        ("your_friends.csv", '{"friends_v2": [', False),
        ("your_friends.json", "[]", False),
    ],
)
def test_identify(tmp_path, name, text, expected):
    path = tmp_path / name
    path.write_text(text + "]}", encoding="utf-8")
    assert facebook.identify(path) is expected


@pytest.mark.parametrize(
    ("raw", "repaired"),
    [
        ("Ren\u00c3\u00a9e", "Renée"),
        ("\u00f0\u009f\u0098\u0080", "\U0001f600"),
        ("Renée", "Renée"),  # clean UTF-8 stays
        ("山田", "山田"),  # beyond latin-1: untouched
        ("plain ascii", "plain ascii"),
        ("\u00c3", "\u00c3"),  # a lone lead byte does not decode: untouched
    ],
)
def test_repair(raw, repaired):
    assert facebook.repair(raw) == repaired


def test_real_specimen_hatchling():
    path = shared_data("social-export-fixtures", "hatchling", "your_friends.json")
    assert facebook.identify(path)
    records = list(facebook.parse(path, Context()))
    people = [r for r in records if isinstance(r, PersonRecord)]
    ties = [r for r in records if isinstance(r, TieRecord)]
    assert len(people) == 10
    assert len(ties) == 10
    assert not [r for r in records if isinstance(r, Issue)]
    names = {p.name for p in people}
    assert {"Elena Petrová", "Ingrid Björnsdóttir", "José María Vázquez"} <= names
    assert all(t.a == ME and t.kind == "connection" for t in ties)
    assert ties[0].since == dt.date(2007, 9, 25)
    assert min(t.since for t in ties if t.since).year == 2007
    assert max(t.since for t in ties if t.since).year == 2011
    assert people[4].keys == (Key("facebook", "elena petrová", "Elena Petrová"),)


def test_real_specimen_profile_is_not_claimed():
    folder = shared_data("social-export-fixtures", "hatchling")
    assert not facebook.identify(folder / "profile_information.json")
    assert not facebook.identify(folder / "friends_scraped.json")


def test_the_owner_is_skipped(tmp_path):
    path = tmp_path / "your_friends.json"
    path.write_text(json.dumps({"friends_v2": [{"name": "Jane Doe"}, {"name": "Ann Lee"}]}))
    me = Context(me_keys=frozenset({Key("facebook", "jane doe")}))
    refs = [r.ref for r in facebook.parse(path, me) if isinstance(r, PersonRecord)]
    assert refs == ["fb:ann lee"]


def test_unreadable_file_is_one_line(tmp_path):
    with pytest.raises(ImportFailed, match=r"^nothing\.json: cannot be read"):
        list(facebook.parse(tmp_path / "nothing.json", Context()))
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(ImportFailed, match="is a folder"):
        list(facebook.parse(tmp_path / "folder.json", Context()))


def test_not_json_at_all_is_an_issue(tmp_path):
    path = tmp_path / "your_friends.json"
    path.write_text("<html>not json</html>")
    records = list(facebook.parse(path, Context()))
    assert [(r.code, r.where.line) for r in records if isinstance(r, Issue)] == [("bad-json", 1)]


@pytest.mark.django_db
def test_reimporting_changes_nothing(owner):
    from goodwill.imports.apply import apply_records
    from goodwill.imports.models import ImportRun

    def run():
        source = ImportRun.objects.create(owner=owner, format="facebook", source="friends")
        records = []
        for name in ("friends-v2-layout.json", "sent-requests.json", "following-v3.json"):
            records += facebook.parse(FIXTURES / name, Context())
        return apply_records(owner, source, records)

    first = run()
    assert not [i for i in first.issues if i.code == "unknown-person"]
    assert (first.people_created, first.ties, first.overtures) == (6, 4, 1)
    second = run()
    assert (second.people_created, second.ties, second.overtures) == (0, 0, 0)


# -- hostile input ------------------------------------------------------------------------------
def _parse_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "your_friends.json"
        path.write_bytes(data)
        try:
            for record in facebook.parse(path, Context()):
                assert isinstance(record, RECORD_TYPES)
        except ImportFailed as exc:
            message = str(exc)
        else:
            message = ""
        assert "\n" not in message


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data):
    _parse_bytes(data)
    _parse_bytes(b'{"friends_v2": [' + data)


_KEYS = st.sampled_from(["name", "timestamp", "contact_info", "friends_v2", "sent_requests_v2"])
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["Ren\u00c3\u00a9e", "a@b.example", "+442079460958"])
)
JSON_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS | st.text(max_size=5), inner),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["friends", "friends_v2", "deleted_friends_v2", "sent_requests_v2", "x"]),
    st.lists(JSON_VALUES, max_size=5),
)
def test_arbitrary_json_entries(key, entries):
    _parse_bytes(json.dumps({key: entries}).encode("utf-8"))
