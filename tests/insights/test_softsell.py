"""The soft-sell check: rules on drafts, and the real X archive imported as posts."""

from __future__ import annotations

import datetime as dt
import doctest

import pytest

from goodwill.insights import softsell
from goodwill.insights.softsell import HistoryPost, check
from tests.conftest import shared_data

ARCHIVE = ("twitter-archive-larsbrinkhoff", "tweet.js.gz")


def test_doctests():
    assert doctest.testmod(softsell).failed == 0


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        (
            "Pre-order my new novel today: $4.99 this week only!",
            {"call_to_action", "price", "self_promotion"},
        ),
        ("DM me for 20% off my coaching programme", {"call_to_action", "price", "self_promotion"}),
        (
            "Sign up for my webinar, link in bio #writing #books #amreading #authors",
            {"call_to_action", "self_promotion", "hashtags"},
        ),
        (
            "HUGE LAUNCH TODAY: MY NEW COURSE, DON'T MISS IT",
            {"capitals", "call_to_action", "self_promotion"},
        ),
    ],
)
def test_sales_pitches_are_promotional(text, rules):
    found = check(text)
    assert found.promotional
    assert {f.rule for f in found.rules} == rules
    assert len(found.reasons) == len(rules)


@pytest.mark.parametrize(
    "text",
    [
        "Loved your talk on Tuesday. What got you into letterpress?",
        "The consortium was formed to buy the latest PDP-10.",  # "buy" in passing
        "Great thread on indexing: https://example.org/indexing",  # one link
        "I'd like to sign up for a slot on the PDP-7.",
    ],
)
def test_conversation_is_not_promotional(text):
    assert not check(text).promotional


def test_tone_is_reported_but_is_not_selling():
    found = check("You are such an idiot, nobody cares about your opinion")
    assert not found.promotional
    assert [f.rule for f in found.rules] == ["tone"]
    assert found.reasons[0].startswith("hostile or sneering tone")


def test_a_pitch_to_a_stranger_scores_higher():
    text = "Check out my book https://example.com/book"
    known, stranger = check(text, stranger=False), check(text, stranger=True)
    assert stranger.score > known.score
    assert stranger.reasons[-1].startswith("sent to a stranger")
    assert check("Hello, how are you?", stranger=True).score == 0.0  # no pitch, no penalty


def test_history_warns_above_the_threshold_per_month():
    may, june = dt.datetime(2024, 5, 3), dt.datetime(2024, 6, 3)
    posts = [HistoryPost(may, "x", "Buy my book now!")] + [
        HistoryPost(june, "x", f"Reading group notes, part {i}") for i in range(5)
    ]
    (x,) = softsell.history(posts, threshold=0.2)
    assert [(m.month, m.posts, m.promotional, m.warning) for m in x.months] == [
        ("2024-05", 1, 1, True),
        ("2024-06", 5, 0, False),
    ]
    assert x.share == pytest.approx(1 / 6)
    assert not x.warning
    assert softsell.history(posts, threshold=0.1)[0].warning


# --- the real X archive ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def archive_history(django_db_setup, django_db_blocker):
    """The archive imported once for a throwaway user; its post history as the web shows it."""
    from django.contrib.auth import get_user_model

    from goodwill.activity.models import Post
    from goodwill.imports.service import run_import
    from goodwill.practice.posts import history

    path = shared_data(*ARCHIVE)
    with django_db_blocker.unblock():
        user = get_user_model().objects.create_user("lars-archive", password="pw-archive-123")
        try:
            run_import(user, [path], format="twitter")
            texts = dict(Post.objects.filter(owner=user).values_list("external_id", "text"))
            yield history(user), texts
        finally:
            user.delete()


@pytest.mark.django_db
def test_real_archive_is_conversational(archive_history):
    found, texts = archive_history
    (x,) = found["channels"]
    assert x["channel"] == "x"
    # 1,827 tweets, of which the retweets ("share") are someone else's words.
    assert 1500 < x["posts"] < len(texts) == 1827
    assert x["promotional"] == 0
    assert x["share"] == 0.0
    assert not x["warning"]
    assert found["warnings"] == []
    assert len(x["months"]) > 24


@pytest.mark.django_db
def test_real_archive_tweets_get_the_inspected_reasons(archive_history):
    _, texts = archive_history
    black_friday = check(texts["1200386900210700288"])  # a joke "Black Friday offer!"
    assert {f.rule for f in black_friday.rules} == {"link", "price"}
    assert not black_friday.promotional
    talk = check(texts["1187348601049104384"])  # "…giving a talk… Message me"
    assert [f.reason for f in talk.rules] == ['call to action: "Message me"']
    bucks = check(texts["1135784821052063744"])  # "16 bucks well spent! Good book…"
    assert bucks.reasons[1] == 'price or sale words: "16 bucks"'
    stuffed = check(texts["1072377343627399168"])  # an RT with seven hashtags
    assert "hashtag stuffing (7 hashtags)" in stuffed.reasons
    assert not stuffed.promotional
    # Plain replies about old computers trip nothing at all.
    assert check(texts["1067327024275079168"]).promotional is False
