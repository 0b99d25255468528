"""The soft-sell check against the network: is the recipient a stranger; the post history."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from goodwill.activity.models import Participant, Post
from goodwill.errors import NotFound, UsageError
from goodwill.insights import softsell
from goodwill.people.models import Person, Tie
from goodwill.people.services import ensure_me, resolve
from goodwill.vocab import CHANNELS, label

MAX_DRAFT = 20_000
HISTORY_KINDS = ("post", "reply")  # a share is someone else's words


def is_stranger(owner: AbstractBaseUser, person: Person) -> bool:
    """No tie with me and no interaction ever: a stranger."""
    me = ensure_me(owner)
    if person.id == me.id:
        return False
    tied = Tie.objects.filter(
        Q(a_id=me.id, b_id=person.id) | Q(a_id=person.id, b_id=me.id), owner=owner
    ).exists()
    return not tied and not Participant.objects.filter(person=person).exists()


def check_draft(owner: AbstractBaseUser, text: str, *, to: str | None = None) -> dict[str, Any]:
    """The soft-sell check of a draft, with the stranger check when ``to`` names someone."""
    if not text.strip():
        raise UsageError("the draft is empty")
    if len(text) > MAX_DRAFT:
        raise UsageError(f"the draft is longer than {MAX_DRAFT:,} characters")
    recipient: dict[str, Any] | None = None
    stranger = None
    if to:
        try:
            person = resolve(owner, to)
        except NotFound:
            recipient, stranger = {"id": None, "name": to.strip()}, True
        else:
            recipient, stranger = {"id": person.id, "name": person.name}, is_stranger(owner, person)
    return {**softsell.check(text, stranger=stranger).as_dict(), "to": recipient}


def history(
    owner: AbstractBaseUser, *, threshold: float = softsell.DEFAULT_THRESHOLD
) -> dict[str, Any]:
    """Per channel and month, the share of the owner's own posts that are self-promotion."""
    if not 0.0 <= threshold <= 1.0:
        raise UsageError("the threshold is a share between 0 and 1")
    rows = Post.objects.filter(owner=owner, kind__in=HISTORY_KINDS).values_list(
        "published_at", "channel", "text"
    )
    posts = [softsell.HistoryPost(when, channel, text) for when, channel, text in rows.iterator()]
    channels = softsell.history(posts, threshold=threshold)
    warnings = [
        f"{label(CHANNELS, c.channel)}: {c.share:.0%} of your posts are self-promotion "
        f"(more than {threshold:.0%}); share other people's news more"
        for c in channels
        if c.warning
    ]
    return {
        "threshold": threshold,
        "channels": [
            {
                "channel": c.channel,
                "label": label(CHANNELS, c.channel),
                "posts": c.posts,
                "promotional": c.promotional,
                "share": round(c.share, 4),
                "warning": c.warning,
                "months": [
                    {
                        "month": m.month,
                        "posts": m.posts,
                        "promotional": m.promotional,
                        "share": round(m.share, 4),
                        "warning": m.warning,
                    }
                    for m in c.months
                ],
                "examples": [
                    {
                        "when": p.when.isoformat(),
                        "text": p.text,
                        "score": r.score,
                        "reasons": r.reasons,
                    }
                    for p, r in c.examples
                ],
            }
            for c in channels
        ],
        "warnings": warnings,
    }
