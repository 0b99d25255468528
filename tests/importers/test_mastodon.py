"""The Mastodon importer: CSV exports and outbox.json, one fixture per quirk, real specimens."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.errors import ImportFailed
from goodwill.importers import mastodon
from goodwill.importers.records import (
    ME,
    Context,
    InteractionRecord,
    Issue,
    Key,
    PersonRecord,
    PostRecord,
    TieRecord,
)
from tests.conftest import shared_data
from tests.importers.expected import check_golden, expected_for, fixture_inputs

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon"
NOT_INPUTS = frozenset({"actor.json"})
RECORD_TYPES = (PersonRecord, TieRecord, InteractionRecord, PostRecord, Issue)


def inputs() -> list[Path]:
    return fixture_inputs(FIXTURES, NOT_INPUTS)


@pytest.mark.parametrize("path", inputs(), ids=lambda p: p.name)
def test_fixture(path):
    check_golden(mastodon.parse(path, Context()), expected_for(path))


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("following_accounts.csv", "Account address,Show boosts\na@b.example,true\n", True),
        ("following_accounts.csv", "Account address, Show boosts\n", True),
        ("anything.txt", "Account address,Show boosts\nbob,true\n", True),
        ("muted_accounts.csv", "Account address,Hide notifications\n", True),
        ("blocked_accounts.csv", "spam@bad.example\n", True),
        ("lists.csv", "Friends,ann@mastodon.social\n", True),
        ("lists.csv", "Name,Email\nAnn,ann@example.org\n", False),
        ("blocked_accounts.csv", "<html>\n", False),
        ("contacts.csv", "spam@bad.example\n", False),
        ("following_accounts.json", "Account address\n", False),
        ("Connections.csv", "First Name,Last Name,URL\n", False),
        ("following_accounts.csv", "", False),
    ],
)
def test_identify_csv(tmp_path, name, text, expected):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert mastodon.identify(path) is expected


def test_identify_outbox(tmp_path):
    assert mastodon.identify(FIXTURES / "outbox.json")
    assert not mastodon.identify(FIXTURES / "actor.json")
    other = tmp_path / "outbox.json"
    other.write_text('{"items": []}')
    assert not mastodon.identify(other)


def test_a_bare_username_uses_the_home_instance_option():
    context = Context(options={"mastodon_domain": "home.example"})
    path = FIXTURES / "bare-username.following_accounts.csv"
    records = list(mastodon.parse(path, context))
    assert [r.code for r in records if isinstance(r, Issue)] == []
    keys = [r.keys[0] for r in records if isinstance(r, PersonRecord)]
    assert keys[:2] == [
        Key("mastodon", "bob@home.example", "bob"),
        Key("mastodon", "carol@home.example", "@carol"),
    ]


def test_the_owner_is_never_a_person():
    me = Context(me_keys=frozenset({Key("mastodon", "ann@mastodon.social")}))
    path = FIXTURES / "space-after-comma.following_accounts.csv"
    refs = [r.ref for r in mastodon.parse(path, me) if isinstance(r, PersonRecord)]
    assert refs == ["masto:bob@fosstodon.org", "masto:cat@hachyderm.io"]


def test_outbox_owner_from_actor_json_alone(tmp_path):
    # Without the activities' actor field, actor.json still tells who the owner is.
    data = json.loads((FIXTURES / "outbox.json").read_text())
    for item in data["orderedItems"]:
        if isinstance(item, dict):
            item.pop("actor", None)
    (tmp_path / "outbox.json").write_text(json.dumps(data))
    refs = {
        r.ref
        for r in mastodon.parse(tmp_path / "outbox.json", Context())
        if isinstance(r, PersonRecord)
    }
    assert "masto:me@home.example" in refs
    shutil.copy(FIXTURES / "actor.json", tmp_path / "actor.json")
    refs = {
        r.ref
        for r in mastodon.parse(tmp_path / "outbox.json", Context())
        if isinstance(r, PersonRecord)
    }
    assert "masto:me@home.example" not in refs


def test_bodies_are_kept_only_when_asked():
    records = mastodon.parse(FIXTURES / "outbox.json", Context(store_bodies=True))
    bodies = [r.body for r in records if isinstance(r, InteractionRecord)]
    assert bodies[0] == "Coffee with @ann and @bob & friends.\n\nSecond\nline"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>a</p><p>b</p>", "a\n\nb"),
        ("x<br/>y", "x\ny"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"),
        ("<script>alert(1)</script>kept", "kept"),
        ("<style>p{}</style><b>bold</b>", "bold"),
        ("<![CDATA[x]]><!-- c --><p", ""),
        ("unclosed <a href='", "unclosed"),
    ],
)
def test_html_to_text(html, text):
    assert mastodon.html_to_text(html) == text


def test_unreadable_files_fail_in_one_line(tmp_path):
    with pytest.raises(ImportFailed, match=r"^following_accounts\.csv: cannot be read"):
        list(mastodon.parse(tmp_path / "following_accounts.csv", Context()))
    with pytest.raises(ImportFailed, match=r"^outbox\.json: cannot be read"):
        list(mastodon.parse(tmp_path / "outbox.json", Context()))


# -- the real specimens -----------------------------------------------------------------------
def test_real_spec_fixtures():
    folder = shared_data("social-export-fixtures", "mastodon-spec-fixtures")
    following = list(mastodon.parse(folder / "following_accounts.csv", Context()))
    assert [r.ref for r in following if isinstance(r, PersonRecord)] == [
        "masto:user@example.com",
        "masto:user@test.com",
    ]
    lists = [
        r for r in mastodon.parse(folder / "lists.csv", Context()) if isinstance(r, PersonRecord)
    ]
    assert [(r.ref, r.tags) for r in lists] == [
        ("masto:gargron@example.com", ("list: Mastodon project",)),
        ("masto:mastodon@example.com", ("list: Mastodon project",)),
        ("masto:foo@example.com", ("list: test",)),
    ]
    bare = list(mastodon.parse(folder / "new-following-imports.txt", Context()))
    assert [(r.code, r.where.line) for r in bare if isinstance(r, Issue)] == [("no-domain", 2)]
    idn = [
        r
        for r in mastodon.parse(folder / "utf8-followers.txt", Context())
        if isinstance(r, PersonRecord)
    ]
    assert idn[0].keys == (Key("mastodon", "nare@xn--69aa8bzb.xn--y9a3aq", "@nare@թութ.հայ"),)
    for name in ("following_accounts.csv", "lists.csv", "new-following-imports.txt"):
        assert mastodon.identify(folder / name), name


def test_real_finnish_users_list():
    path = shared_data(
        "social-export-fixtures", "mastodon-finnish-users-list", "following_accounts.csv"
    )
    assert mastodon.identify(path)
    records = list(mastodon.parse(path, Context()))
    people = [r for r in records if isinstance(r, PersonRecord)]
    ties = [r for r in records if isinstance(r, TieRecord)]
    issues = [r for r in records if isinstance(r, Issue)]
    assert len(people) == 476
    assert len({p.ref for p in people}) == 476
    assert len(ties) == 476
    assert all(t.a == ME and t.source == "Mastodon following" for t in ties)
    assert [i.code for i in issues] == ["duplicate-row"]
    instances = Counter(p.keys[0].value.split("@")[1] for p in people)
    assert len(instances) == 84


@pytest.mark.django_db
def test_reimporting_changes_nothing(owner):
    from goodwill.imports.apply import apply_records
    from goodwill.imports.models import ImportRun

    def run():
        source = ImportRun.objects.create(owner=owner, format="mastodon", source="export")
        records = [*mastodon.parse(FIXTURES / "outbox.json", Context())]
        records += mastodon.parse(FIXTURES / "lists.csv", Context())
        records += mastodon.parse(FIXTURES / "blocked_accounts.csv", Context())
        return apply_records(owner, source, records)

    first = run()
    assert not [i for i in first.issues if i.code == "unknown-person"]
    assert first.posts == 5
    assert first.interactions == 6
    second = run()
    assert (second.people_created, second.ties, second.interactions, second.posts) == (0, 0, 0, 0)


# -- hostile input ------------------------------------------------------------------------------
def _parse_bytes(name: str, data: bytes, context: Context | None = None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            for record in mastodon.parse(path, context or Context()):
                assert isinstance(record, RECORD_TYPES)
        except ImportFailed as exc:
            message = str(exc)
        else:
            message = ""
        assert "\n" not in message


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data):
    for name in ("following_accounts.csv", "lists.csv", "blocked_accounts.csv", "outbox.json"):
        _parse_bytes(name, data)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400), st.sampled_from(["", "home.example", "@bad domain", "ü.example"]))
def test_arbitrary_csv_text(text, domain):
    context = Context(options={"mastodon_domain": domain} if domain else {})
    for name in ("following_accounts.csv", "lists.csv", "muted_accounts.csv"):
        _parse_bytes(name, text.encode("utf-8", "replace"), context)


_KEYS = st.sampled_from(
    ["type", "object", "actor", "published", "content", "tag", "inReplyTo", "id", "name", "href"]
)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=20)
    | st.sampled_from(
        [
            "Create",
            "Announce",
            "Note",
            "Mention",
            "2023-01-05T10:00:00Z",
            "@ann@mastodon.social",
            "https://home.example/users/me/statuses/1",
            "https://[::1/users/x",
            "<p>hi<br>there</p>",
        ]
    )
)
JSON_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS | st.text(max_size=5), inner),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(JSON_VALUES, max_size=6))
def test_arbitrary_activities(items):
    data = {"type": "OrderedCollection", "orderedItems": items}
    _parse_bytes("outbox.json", json.dumps(data).encode("utf-8"))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500))
def test_arbitrary_html(html):
    text = mastodon.html_to_text(html)
    assert isinstance(text, str)
