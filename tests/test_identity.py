"""Identity normalisation: the same account always gets the same key."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodwill import identity
from goodwill.identity import CHANNELS, guess_channel, normalise


def test_doctests():
    assert doctest.testmod(identity).failed == 0


@pytest.mark.parametrize(
    ("channel", "raw", "expected"),
    [
        ("email", "<Ann.Lee@Example.COM>", "ann.lee@example.com"),
        ("email", "mailto:bob@example.org", "bob@example.org"),
        ("phone", "+1 (202) 555-0143", "+12025550143"),
        ("phone", "0044 20 7946 0958", "+442079460958"),
        ("phone", "tel:07700 900123", "+447700900123"),
        (
            "linkedin",
            "linkedin.com/in/Ann-Lee-123?trk=abc",
            "https://www.linkedin.com/in/ann-lee-123",
        ),
        ("linkedin", "https://uk.linkedin.com/in/ann/", "https://www.linkedin.com/in/ann"),
        ("facebook", "  Zoë   Smith ", "zoë smith"),
        ("x_id", "000123", "123"),
        ("x", "https://x.com/AnnLee/status/1", "annlee"),
        ("mastodon", "https://mastodon.social/@Ann", "ann@mastodon.social"),
        ("mastodon", "@nare@թութ.հայ", "nare@xn--69aa8bzb.xn--y9a3aq"),
        ("bluesky", "@Ann.bsky.social", "ann.bsky.social"),
        ("bluesky_did", "did:plc:ABC123xyz", "did:plc:abc123xyz"),
        ("website", "WWW.Example.org/blog/", "example.org/blog"),
    ],
)
def test_normalise_examples(channel, raw, expected):
    assert normalise(channel, raw) == expected


@pytest.mark.parametrize(
    ("channel", "raw"),
    [
        ("email", "not-an-email"),
        ("email", "a@b"),
        ("phone", "12"),
        ("linkedin", "https://example.com/in/ann"),
        ("x_id", "12ab"),
        ("x", "@this_handle_is_far_too_long"),
        ("mastodon", "ann"),
        ("bluesky_did", "did:key:zzz"),
        ("nosuch", "value"),
        ("email", "   "),
    ],
)
def test_normalise_rejects(channel, raw):
    with pytest.raises(ValueError):
        normalise(channel, raw)


@given(channel=st.sampled_from(CHANNELS), raw=st.text(max_size=60))
def test_normalise_is_idempotent_and_never_crashes(channel, raw):
    try:
        once = normalise(channel, raw)
    except ValueError:
        return
    assert normalise(channel, once) == once


@pytest.mark.parametrize(
    ("raw", "channel"),
    [
        ("ann@example.org", "email"),
        ("@ann@mastodon.social", "mastodon"),
        ("@ann", "x"),
        ("did:plc:abc", "bluesky_did"),
        ("+44 20 7946 0958", "phone"),
        ("Ann Lee", None),
    ],
)
def test_guess_channel(raw, channel):
    assert guess_channel(raw) == channel


def test_phone_region_reads_national_numbers():
    assert normalise("phone", "905-555-1234", region="us") == "+19055551234"
    assert normalise("phone", "020 7946 0958") == "+442079460958"
