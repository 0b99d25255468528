"""The Bluesky repository importer and its CAR / DAG-CBOR reader, on CAR files built here."""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.errors import ImportFailed
from goodwill.importers import bluesky
from goodwill.importers.car import (
    CID,
    CarError,
    Truncated,
    decode_dag_cbor,
    iter_blocks,
    read_header,
)
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
from tests.importers import car_builder as cb
from tests.importers.expected import check_golden

FIXTURES = Path(__file__).parent / "fixtures" / "bluesky"
RECORD_TYPES = (PersonRecord, TieRecord, InteractionRecord, PostRecord, Issue)


@pytest.mark.parametrize("name", sorted(cb.FIXTURES), ids=str)
def test_fixture(name):
    path = FIXTURES / name
    check_golden(bluesky.parse(path, Context()), path.with_suffix(".expected.json"))


@pytest.mark.parametrize("name", sorted(cb.FIXTURES), ids=str)
def test_fixture_files_are_what_the_builder_makes(name):
    path = FIXTURES / name
    made = cb.FIXTURES[name]()
    if os.environ.get("GOODWILL_UPDATE_GOLDEN") == "1":
        path.write_bytes(made)
    assert path.read_bytes() == made, f"rebuild {name} with GOODWILL_UPDATE_GOLDEN=1"


def records_of(data: bytes, context: Context | None = None, name: str = "repo.car") -> list:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return list(bluesky.parse(path, context or Context()))


# -- what the records mean ------------------------------------------------------------------------
def test_both_follow_shapes_and_the_owner_left_out():
    records = records_of(cb.FIXTURES["follows-both-shapes.car"]())
    ties = [r for r in records if isinstance(r, TieRecord)]
    assert [(t.a, t.b, t.kind, t.source) for t in ties] == [
        (ME, f"bsky:{cb.ALICE}", "follow", "Bluesky follows"),
        (ME, f"bsky:{cb.BOB}", "follow", "Bluesky follows"),  # {"did": ..., "declarationCid": ...}
        (ME, f"bsky:{cb.CAROL}", "follow", "Bluesky follows"),
    ]
    assert ties[0].since is not None
    assert ties[0].since.isoformat() == "2024-03-01"
    people = [r for r in records if isinstance(r, PersonRecord)]
    assert people[0].keys == (Key("bluesky_did", cb.ALICE, cb.ALICE),)


def test_posts_replies_likes_reposts_and_blocks():
    records = records_of(cb.FIXTURES["posts-replies-likes.car"]())
    posts = [r for r in records if isinstance(r, PostRecord)]
    assert [p.kind for p in posts] == ["post", "reply", "reply", "share"]
    assert posts[0].text == "Hello @alice.example, see you <script>x</script>"  # data, not markup
    assert posts[2].text == "And a second thought in my own thread"  # control character gone
    assert all(p.external_id.startswith("bafyrei") for p in posts)
    interactions = [
        (r.kind, r.participants[1][0]) for r in records if isinstance(r, InteractionRecord)
    ]
    assert interactions == [
        ("post", f"bsky:{cb.ALICE}"),  # a mention in a post
        ("comment", f"bsky:{cb.BOB}"),  # the reply's parent author
        ("comment", f"bsky:{cb.DAN}"),  # mentioned in the reply
        ("like", f"bsky:{cb.ALICE}"),  # the like of the owner's own post is left out
        ("share", f"bsky:{cb.CAROL}"),
    ]
    blocked = [r for r in records if isinstance(r, PersonRecord) and r.blocked]
    assert [r.ref for r in blocked] == [f"bsky:{cb.DAN}"]


def test_the_owner_from_the_context_when_the_commit_is_missing():
    post = cb.post(
        "a note to myself",
        1,
        reply={"root": cb.strong_ref(cb.OWNER), "parent": cb.strong_ref(cb.OWNER)},
    )
    data = cb.encode(post)
    no_commit = cb.car_v1([cb.cid_of(b"absent root")], [(cb.cid_of(data), data)])
    anonymous = records_of(no_commit)
    assert f"bsky:{cb.OWNER}" in {r.ref for r in anonymous if isinstance(r, PersonRecord)}
    me = Context(me_keys=frozenset({Key("bluesky_did", cb.OWNER)}))
    assert not [r for r in records_of(no_commit, me) if isinstance(r, PersonRecord)]


def test_bodies_are_kept_only_when_asked():
    records = records_of(cb.FIXTURES["posts-replies-likes.car"](), Context(store_bodies=True))
    bodies = [r.body for r in records if isinstance(r, InteractionRecord)]
    assert bodies[1] == "Quite right."
    assert bodies[3] == ""  # a like has no words


@pytest.mark.django_db
def test_reimporting_changes_nothing(owner):
    from goodwill.imports.apply import apply_records
    from goodwill.imports.models import ImportRun

    def run():
        source = ImportRun.objects.create(owner=owner, format="bluesky", source="repo.car")
        records = [*bluesky.parse(FIXTURES / "posts-replies-likes.car", Context())]
        records += bluesky.parse(FIXTURES / "follows-both-shapes.car", Context())
        return apply_records(owner, source, records)

    first = run()
    assert not [i for i in first.issues if i.code == "unknown-person"]
    assert (first.people_created, first.ties, first.posts, first.interactions) == (4, 3, 4, 5)
    second = run()
    assert (second.people_created, second.ties, second.interactions, second.posts) == (0, 0, 0, 0)


# -- identification and failure ---------------------------------------------------------------
def test_identify(tmp_path):
    assert bluesky.identify(FIXTURES / "carv2.car")
    assert bluesky.identify(FIXTURES / "posts-replies-likes.car")
    renamed = tmp_path / "repo.bin"
    renamed.write_bytes((FIXTURES / "carv2.car").read_bytes())
    assert not bluesky.identify(renamed)
    for junk in (
        b"",
        b"\x00",
        b"not a car",
        b"\x0a" + b"\xa1" * 20,
        cb.varint(5) + cb.encode({"a": 1})[:5],
    ):
        path = tmp_path / "junk.car"
        path.write_bytes(junk)
        assert not bluesky.identify(path), junk


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff" * 20,  # a header length varint that never ends
        cb.varint(2**40) + b"\xa0",  # a header length far past the limit
        cb.varint(3) + b"\xa0",  # a header cut short
        cb.varint(1) + b"\xa0",  # an empty map: no version, no roots
        cb.varint(len(cb.encode({"version": 1, "roots": [1]})))
        + cb.encode({"version": 1, "roots": [1]}),
        cb.varint(len(cb.encode({"version": 3, "roots": []})))
        + cb.encode({"version": 3, "roots": []}),
        cb.varint(11)
        + cb.encode({"version": 2})
        + b"\x00" * 10,  # CARv2 with no room for its header
        cb.varint(11)
        + cb.encode({"version": 2})
        + bytes(16)
        + (9).to_bytes(8, "little")
        + bytes(16),
    ],
)
def test_a_bad_header_fails_in_one_line(data):
    with pytest.raises(ImportFailed, match=r"^repo\.car: not a readable CAR file \(") as caught:
        records_of(data)
    assert "\n" not in str(caught.value)


def test_an_oversize_section_length_is_bounded():
    good = cb.FIXTURES["follows-both-shapes.car"]()
    header_size = good[0] + 1
    huge = good[:header_size] + cb.varint(2**62) + b"\x01\x71"
    records = records_of(huge)
    assert [(r.code, r.severity) for r in records if isinstance(r, Issue)] == [("bad-car", "error")]
    assert "not believable" in records[-1].message
    runaway = good[:header_size] + b"\xff" * 12
    assert [r.code for r in records_of(runaway) if isinstance(r, Issue)] == ["bad-car"]


def test_truncation_anywhere_keeps_what_came_before():
    whole = cb.FIXTURES["posts-replies-likes.car"]()
    header_size = whole[0] + 1
    for cut in range(len(whole)):
        try:
            records = records_of(whole[:cut])
        except ImportFailed:
            assert cut < header_size  # only a cut header fails the file
            continue
        assert all(isinstance(r, RECORD_TYPES) for r in records)


def test_unreadable_file(tmp_path):
    with pytest.raises(ImportFailed, match=r"^gone\.car: cannot be read"):
        list(bluesky.parse(tmp_path / "gone.car", Context()))


# -- the DAG-CBOR decoder ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\x9f\xff", "indefinite"),  # indefinite-length array
        (b"\x5f\xff", "indefinite"),
        (b"\xa1\x01\x02", "not text"),  # integer map key
        (b"\xa2\x61a\x01\x61a\x02", "repeats"),
        (b"\xc1\x00", "tag 1"),  # a date tag
        (b"\xd8\x2a\x41\x01", "no CID"),  # tag 42 without the 0x00 prefix
        (b"\xf7", "simple value"),  # undefined
        (b"\x9b" + b"\xff" * 8, "cut short"),  # an array claiming 2**64 items
        (b"\x7a\xff\xff\xff\xff", "cut short"),  # a string claiming 4 GiB
        (b"\x62\xc3\x28", "not UTF-8"),
        (b"\x81" * 100 + b"\x00", "nested deeper"),
        (b"\x01\x02", "left after"),
        (b"", "cut short"),
    ],
)
def test_decoder_is_strict(data, problem):
    with pytest.raises(CarError, match=problem):
        decode_dag_cbor(data)


def test_decoder_reads_what_the_builder_writes():
    cid = cb.cid_of(b"x")
    value = {"a": [1, -2, 2**40, -(2**63), b"\x00\x01", "é", None, True, False, 1.5], "cid": cid}
    assert decode_dag_cbor(cb.encode(value)) == value
    assert str(cid).startswith("bafyrei")
    v0 = CID(b"\x12\x20" + bytes(32))
    assert str(v0).startswith("Qm")
    assert len(str(v0)) == 46


def test_blocks_are_streamed_in_order():
    data = cb.FIXTURES["commit-last.car"]()
    handle = io.BytesIO(data)
    header = read_header(handle)
    blocks = list(iter_blocks(handle, header))
    assert len(blocks) == 4
    assert blocks[-1].cid == header.roots[0]
    assert all(b.verified for b in blocks)


def test_a_truncated_section_raises_truncated():
    data = cb.FIXTURES["truncated.car"]()
    handle = io.BytesIO(data)
    header = read_header(handle)
    with pytest.raises(Truncated):
        list(iter_blocks(handle, header))


_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.binary(max_size=20)
    | st.text(max_size=20)
    | st.builds(cb.cid_of, st.binary(max_size=8))
)
DAG_VALUES = st.recursive(
    _LEAVES,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(DAG_VALUES)
def test_round_trip(value):
    assert decode_dag_cbor(cb.encode(value)) == value


# -- hostile input --------------------------------------------------------------------------------
def _survives(data: bytes) -> None:
    try:
        for record in records_of(data):
            assert isinstance(record, RECORD_TYPES)
    except ImportFailed as exc:
        message = str(exc)
    else:
        message = ""
    assert "\n" not in message


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_arbitrary_bytes(data):
    _survives(data)
    with contextlib.suppress(CarError):
        decode_dag_cbor(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_after_a_good_header(data):
    good = cb.FIXTURES["follows-both-shapes.car"]()
    _survives(good[: good[0] + 1] + data)


_TYPES = st.sampled_from(
    [
        "app.bsky.graph.follow",
        "app.bsky.feed.post",
        "app.bsky.feed.like",
        "app.bsky.feed.repost",
        "app.bsky.graph.block",
        "app.bsky.actor.profile",
    ]
)
_FIELDS = st.sampled_from(
    ["subject", "createdAt", "text", "reply", "parent", "uri", "did", "facets", "features", "$type"]
)
_ANY = st.recursive(
    _LEAVES
    | st.sampled_from(
        [cb.ALICE, cb.OWNER, "did:plc:", cb.uri(cb.BOB), "at://x", cb.at(1), "2024-13-45"]
    )
    | _TYPES,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(_FIELDS | st.text(max_size=4), inner, max_size=5)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_TYPES, st.dictionaries(_FIELDS, _ANY, max_size=5)), max_size=6))
def test_arbitrary_records(records):
    _survives(cb.repo([{**fields, "$type": kind} for kind, fields in records]))
