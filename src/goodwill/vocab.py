"""The words the whole product shares: identity channels, tie kinds, interaction kinds.

Plain Python (no Django) so importers, the graph core and insights can use them.
Each vocabulary is an ordered tuple of ``(value, label)`` pairs, usable directly as
Django ``choices``.
"""

from __future__ import annotations

# How a person is recognised on a channel. Values are stored normalised
# (see goodwill.identity.normalise).
IDENTITY_CHANNELS: tuple[tuple[str, str], ...] = (
    ("email", "E-mail"),
    ("phone", "Phone"),
    ("linkedin", "LinkedIn profile"),
    ("facebook", "Facebook name"),
    ("x_id", "X account id"),
    ("x", "X handle"),
    ("mastodon", "Mastodon"),
    ("bluesky_did", "Bluesky DID"),
    ("bluesky", "Bluesky handle"),
    ("website", "Website"),
)

# Where an interaction happened or a relationship lives.
CHANNELS: tuple[tuple[str, str], ...] = (
    ("in_person", "In person"),
    ("phone", "Phone"),
    ("email", "E-mail"),
    ("sms", "Text message"),
    ("linkedin", "LinkedIn"),
    ("facebook", "Facebook"),
    ("x", "X"),
    ("mastodon", "Mastodon"),
    ("bluesky", "Bluesky"),
    ("calendar", "Calendar"),
    ("video", "Video call"),
    ("other", "Other"),
)

TIE_KINDS: tuple[tuple[str, str], ...] = (
    ("connection", "Connection / friend"),
    ("follow", "Follows"),
    ("coworker", "Co-worker"),
    ("family", "Family"),
    ("partner", "Partner"),
    ("knows", "Knows (stated)"),
    ("cooccurrence", "Seen together"),
)
DIRECTED_TIE_KINDS = frozenset({"follow"})

INTERACTION_KINDS: tuple[tuple[str, str], ...] = (
    ("met", "Met"),
    ("call", "Call"),
    ("email", "E-mail"),
    ("message", "Message"),
    ("meeting", "Meeting"),
    ("comment", "Comment"),
    ("like", "Like"),
    ("share", "Share"),
    ("post", "Post"),
    ("event", "Event"),
)

# From the owner's point of view.
DIRECTIONS: tuple[tuple[str, str], ...] = (
    ("out", "From me"),
    ("in", "To me"),
    ("both", "Both ways"),
)

PARTICIPANT_ROLES: tuple[tuple[str, str], ...] = (
    ("from", "From"),
    ("to", "To"),
    ("cc", "Cc"),
    ("organizer", "Organiser"),
    ("attendee", "Attendee"),
    ("with", "With"),
)

TAG_KINDS: tuple[tuple[str, str], ...] = (
    ("tag", "Tag"),
    ("interest", "Interest"),
    ("offer", "Offers"),
    ("need", "Needs"),
)

FAVOUR_DIRECTIONS: tuple[tuple[str, str], ...] = (
    ("given", "I gave"),
    ("received", "I received"),
)

REFERRAL_STATUSES: tuple[tuple[str, str], ...] = (
    ("open", "Open"),
    ("contacted", "Contacted"),
    ("won", "Won"),
    ("lost", "Lost"),
)

CHANNEL_KINDS: tuple[tuple[str, str], ...] = (
    ("platform", "Online platform"),
    ("place", "Place or group"),
)

PERIODS: tuple[tuple[str, str], ...] = (
    ("week", "per week"),
    ("month", "per month"),
)


def values(vocabulary: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """The stored values of a vocabulary, in order."""
    return tuple(value for value, _ in vocabulary)


def label(vocabulary: tuple[tuple[str, str], ...], value: str) -> str:
    """The human label for a stored value (the value itself when unknown)."""
    return dict(vocabulary).get(value, value)
