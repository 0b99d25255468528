from __future__ import annotations

from django import template

from goodwill.people.models import Identity

register = template.Library()

SHORT_CHANNEL = {
    "email": "Email",
    "phone": "Phone",
    "linkedin": "in",
    "facebook": "FB",
    "x_id": "X id",
    "x": "X",
    "mastodon": "Masto",
    "bluesky_did": "DID",
    "bluesky": "Bsky",
    "website": "Web",
}


@register.filter
def channel_short(channel: str) -> str:
    return SHORT_CHANNEL.get(channel, channel)


def _mastodon_url(value: str) -> str:
    user, _, domain = value.partition("@")
    return f"https://{domain}/@{user}"


_LINKS = {
    "email": lambda v: f"mailto:{v}",
    "phone": lambda v: f"tel:{v}",
    "linkedin": lambda v: v,
    "x": lambda v: f"https://x.com/{v}",
    "mastodon": _mastodon_url,
    "bluesky": lambda v: f"https://bsky.app/profile/{v}",
    "website": lambda v: f"https://{v}",
}


@register.filter
def identity_link(identity: Identity) -> str:
    """Where the identity leads (a profile, mailto: or tel:), or "" when nowhere."""
    make = _LINKS.get(identity.channel)
    return make(identity.value) if make else ""


@register.filter
def except_person(people, person) -> list:
    return [p for p in people if p.id != person.id]
