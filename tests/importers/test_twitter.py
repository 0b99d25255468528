"""The X/Twitter archive importer: one fixture per quirk, the real archive, hostile input."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodwill.errors import ImportFailed
from goodwill.importers import twitter
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

FIXTURES = Path(__file__).parent / "fixtures" / "twitter"
NOT_INPUTS = frozenset({"manifest.js"})
RECORD_TYPES = (PersonRecord, TieRecord, InteractionRecord, PostRecord, Issue)


def inputs() -> list[Path]:
    return fixture_inputs(FIXTURES, NOT_INPUTS)


@pytest.mark.parametrize("path", inputs(), ids=lambda p: p.name)
def test_fixture(path):
    check_golden(twitter.parse(path, Context()), expected_for(path))


def test_every_expected_file_has_its_input():
    stems = {p.name.split(".")[0] for p in inputs()}
    orphans = [p.name for p in FIXTURES.glob("*.expected.json") if p.name[:-14] not in stems]
    assert orphans == []


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("follower.js", "window.YTD.follower.part0 = [", True),
        ("following.js", "window.YTD.following.part0 = [", True),
        ("tweets.js", "window.YTD.tweets.part0 = [", True),
        ("tweet.js", "window.YTD.tweet.part0 = [", True),
        ("tweets-part2.js", "window.YTD.tweets.part2 = [", True),
        ("follower-part1.js", "\ufeffwindow.YTD.follower.part1 = [", True),
        ("follower.js", "window.YTD.following.part0 = [", False),  # name and content disagree
        ("like.js", "window.YTD.like.part0 = [", False),
        ("manifest.js", "window.__THAR_CONFIG = {", False),
        ("follower.js", "var followers = [", False),
        ("follower.json", "window.YTD.follower.part0 = [", False),
        ("community-tweet.js", "window.YTD.community_tweet.part0 = [", False),
    ],
)
def test_identify(tmp_path, name, text, expected):
    path = tmp_path / name
    path.write_text(text + "]", encoding="utf-8")
    assert twitter.identify(path) is expected


def test_identify_gzipped_by_the_name_without_gz(tmp_path):
    path = tmp_path / "tweet.js.gz"
    path.write_bytes(gzip.compress(b"window.YTD.tweet.part0 = [ ]"))
    assert twitter.identify(path)
    broken = tmp_path / "follower.js.gz"
    broken.write_bytes(b"\x1f\x8b not really gzip")
    assert not twitter.identify(broken)


def test_the_wrapper_is_never_evaluated(tmp_path):
    path = tmp_path / "follower.js"
    path.write_text("window.YTD.follower.part0 = (function(){ return [] })()", encoding="utf-8")
    with pytest.raises(ImportFailed, match="no list after"):
        list(twitter.parse(path, Context()))


def test_not_an_archive_file_fails_in_one_line(tmp_path):
    path = tmp_path / "tweets.js"
    path.write_text("console.log('hello')", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"^tweets\.js: not an X archive file"):
        list(twitter.parse(path, Context()))
    with pytest.raises(ImportFailed, match="cannot be read"):
        list(twitter.parse(tmp_path / "missing.js", Context()))


def test_owner_from_the_context_without_a_manifest(tmp_path):
    path = tmp_path / "tweets.js"
    shutil.copy(FIXTURES / "tweets.js", path)
    without = list(twitter.parse(path, Context()))
    assert "x:1000" in {r.ref for r in without if isinstance(r, PersonRecord)}
    me = Context(me_keys=frozenset({Key("x", "ownerhandle")}))
    refs = {r.ref for r in twitter.parse(path, me) if isinstance(r, PersonRecord)}
    assert "x:1000" not in refs


def test_bodies_are_kept_only_when_asked(tmp_path):
    records = list(twitter.parse(FIXTURES / "tweets.js", Context(store_bodies=True)))
    bodies = [r.body for r in records if isinstance(r, InteractionRecord)]
    assert bodies[0] == "Lunch with @AnnLee and @bob_s was great"


def test_tweet_time_is_parsed_without_the_locale():
    moment = twitter.tweet_time("Wed Feb 01 23:30:00 +0200 2017")
    assert moment is not None
    assert moment.isoformat() == "2017-02-01T21:30:00+00:00"
    for bad in ("", "Feb 01 2017", "Wed Xyz 01 23:30:00 +0200 2017", "Wed Feb 41 23:30 +0200 2017"):
        assert twitter.tweet_time(bad) is None


# -- the real archive (larsbrinkhoff/twitter-data) ---------------------------------------------
def test_real_followers_and_following():
    folder = shared_data("twitter-archive-larsbrinkhoff")
    followers = list(twitter.parse(folder / "follower.js", Context()))
    following = list(twitter.parse(folder / "following.js", Context()))
    assert not [r for r in followers + following if isinstance(r, Issue)]
    fans = {r.a for r in followers if isinstance(r, TieRecord)}
    idols = {r.b for r in following if isinstance(r, TieRecord)}
    assert len(fans) == 764
    assert len(idols) == 79
    assert len(fans & idols) == 36
    assert all(
        r.b == ME and r.source == "X followers" for r in followers if isinstance(r, TieRecord)
    )


def test_real_tweets_gzipped():
    path = shared_data("twitter-archive-larsbrinkhoff", "tweet.js.gz")
    assert twitter.identify(path)
    records = list(twitter.parse(path, Context()))
    assert not [r for r in records if isinstance(r, Issue)]
    posts = [r for r in records if isinstance(r, PostRecord)]
    assert len(posts) == 1827
    assert Counter(p.kind for p in posts) == {"reply": 1406, "share": 14, "post": 407}
    assert min(p.when for p in posts).date().isoformat() == "2015-03-31"
    assert max(p.when for p in posts).date().isoformat() == "2021-03-22"
    # 638 distinct accounts are mentioned, the owner (3128746474, from manifest.js) among them.
    raw = path.read_bytes()
    text = gzip.decompress(raw).decode("utf-8")
    items = json.loads(text[text.index("=") + 1 :])
    mentioned = {m["id_str"] for i in items for m in i["tweet"]["entities"]["user_mentions"]}
    assert len(mentioned) == 638
    people = {r.ref for r in records if isinstance(r, PersonRecord)}
    assert "x:3128746474" not in people
    assert len(people) == 659  # mentions and replied-to accounts, less the owner and RT'd words
    interactions = [r for r in records if isinstance(r, InteractionRecord)]
    assert Counter(r.kind for r in interactions) == {"comment": 1920, "post": 65, "share": 14}
    assert len({r.external_id for r in interactions}) == len(interactions)


def test_real_archive_files_that_are_not_imported_are_not_claimed():
    folder = shared_data("twitter-archive-larsbrinkhoff")
    for name in ("like.js", "manifest.js", "lists-member.js", "community-tweet.js", "README.txt"):
        assert not twitter.identify(folder / name), name


@pytest.mark.django_db
def test_reimporting_changes_nothing(owner):
    from goodwill.imports.apply import apply_records
    from goodwill.imports.models import ImportRun

    def run():
        source = ImportRun.objects.create(owner=owner, format="twitter", source="tweets.js")
        records = [*twitter.parse(FIXTURES / "tweets.js", Context())]
        records += twitter.parse(FIXTURES / "followers.js", Context())
        return apply_records(owner, source, records)

    first = run()
    assert not [i for i in first.issues if i.code == "unknown-person"]
    assert first.posts == 5
    assert first.interactions == 6
    second = run()
    assert (second.people_created, second.ties, second.interactions, second.posts) == (0, 0, 0, 0)


# -- hostile input ------------------------------------------------------------------------------
def _parse_bytes(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            for record in twitter.parse(path, Context()):
                assert isinstance(record, RECORD_TYPES)
        except ImportFailed as exc:
            message = str(exc)
        else:
            message = ""
        assert "\n" not in message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data):
    _parse_bytes("tweets.js", data)
    _parse_bytes("follower.js", b"window.YTD.follower.part0 = " + data)


_KEYS = st.sampled_from(
    [
        "tweet",
        "follower",
        "following",
        "accountId",
        "id_str",
        "id",
        "created_at",
        "full_text",
        "entities",
        "user_mentions",
        "screen_name",
        "name",
        "in_reply_to_user_id_str",
        "in_reply_to_status_id_str",
        "in_reply_to_screen_name",
    ]
)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["Tue Jan 31 09:01:52 +0000 2017", "RT @ann: x", "4001", "1000"])
)
JSON_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS | st.text(max_size=5), inner),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["tweets", "follower", "following"]), st.lists(JSON_VALUES, max_size=5))
def test_arbitrary_json_items(part, items):
    text = f"window.YTD.{part}.part0 = " + json.dumps(items)
    _parse_bytes(f"{part}.js", text.encode("utf-8"))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_after_the_wrapper(text):
    _parse_bytes("tweets.js", ("window.YTD.tweets.part0 = [" + text).encode("utf-8", "replace"))


def test_deep_nesting_is_an_issue_not_a_crash(tmp_path):
    path = tmp_path / "tweets.js"
    path.write_text("window.YTD.tweets.part0 = [" + "[" * 100_000 + "]" * 100_000 + "]")
    records = list(twitter.parse(path, Context()))
    assert [r.code for r in records if isinstance(r, Issue)] == ["bad-json"]


def test_a_gzip_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(twitter, "MAX_BYTES", 1000)
    path = tmp_path / "tweets.js.gz"
    path.write_bytes(gzip.compress(b"window.YTD.tweets.part0 = [" + b" " * 10_000 + b"]"))
    with pytest.raises(ImportFailed, match="larger than"):
        list(twitter.parse(path, Context()))


def test_lone_surrogates_never_reach_the_records(tmp_path):
    path = tmp_path / "tweets.js"
    tweet = {
        "tweet": {
            "id_str": "1",
            "created_at": "Tue Jan 31 09:01:52 +0000 2017",
            "full_text": "bad \\ud800 half",
            "entities": {
                "user_mentions": [{"id_str": "2", "name": "x\\udfffy", "screen_name": "x"}]
            },
        }
    }
    path.write_text("window.YTD.tweets.part0 = " + json.dumps([tweet]).replace("\\\\", "\\"))
    for record in twitter.parse(path, Context()):
        for value in (getattr(record, "text", ""), getattr(record, "name", "")):
            value.encode("utf-8")  # raises on a lone surrogate
            assert not re.search("[\ud800-\udfff]", value)
