from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import NoReverseMatch, reverse

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


# Navigation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NavItem:
    label: str
    name: str
    # Other URL names (or name prefixes ending in "_") that belong to this destination.
    also: tuple[str, ...] = ()
    path: str = ""
    staff_only: bool = False

    def url(self) -> str:
        if self.path:
            return self.path
        return optional_url(self.name)

    def is_current(self, current: str) -> bool:
        if not current:
            return False
        if current == self.name:
            return True
        return any(current == a or (a.endswith("_") and current.startswith(a)) for a in self.also)


PRIMARY_NAV = (
    NavItem("Home", "home"),
    NavItem("People", "people", ("person", "person_timeline", "me")),
    NavItem("Map", "map"),
    NavItem("Intros", "intro"),
    NavItem("Reach", "reach"),
    NavItem("Tend", "tend"),
    NavItem("Ledger", "ledger"),
    NavItem("Groups", "workspaces", ("workspace_",)),
)

MORE_NAV = (
    NavItem("Next actions", "next_actions"),
    NavItem("People to meet", "suggest"),
    NavItem("Introduce", "introduce"),
    NavItem("Channels", "channels"),
    NavItem("Check a post", "check_post"),
    NavItem("Overtures", "overtures"),
    NavItem("Referrals", "referrals"),
    NavItem("Reminders", "reminders"),
    NavItem("Add person", "person_add"),
    NavItem("Log", "log"),
    NavItem("Import", "imports", ("import_run",)),
    NavItem("Merges", "merges"),
    NavItem("API docs", "api_docs", path="/api/docs"),
    NavItem("Admin", "admin:index", staff_only=True),
)


@register.simple_tag
def optional_url(name: str, *args: object) -> str:
    """The URL of ``name``, or "" while no page of that name exists (yet)."""
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


def _links(items: tuple[NavItem, ...], current: str, staff: bool) -> list[NavLink]:
    links = []
    for item in items:
        if item.staff_only and not staff:
            continue
        url = item.url()
        if url:
            links.append(NavLink(item.label, url, item.is_current(current)))
    return links


@register.simple_tag(takes_context=True)
def nav_links(context: template.Context, group: str) -> list[NavLink]:
    """The destinations of one part of the main navigation that exist, marking the current one."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = (match.url_name or "") if match is not None else ""
    user = getattr(request, "user", None)
    staff = bool(getattr(user, "is_staff", False))
    return _links(PRIMARY_NAV if group == "primary" else MORE_NAV, current, staff)


@register.filter
def any_current(links: list[NavLink]) -> bool:
    return any(link.current for link in links)
