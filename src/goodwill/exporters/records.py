"""What an export holds: one ``Contact`` per person and one ``Link`` per tie."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Contact:
    """One person with the details worth taking to another address book."""

    id: int
    name: str
    given_name: str = ""
    family_name: str = ""
    is_me: bool = False
    organisation: str = ""
    position: str = ""
    location: str = ""
    how_we_met: str = ""
    notes: str = ""
    aliases: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()  # (kind, name)
    identities: tuple[tuple[str, str], ...] = ()  # (channel, value)
    never_connector: bool = False
    blocked: bool = False
    updated: str = ""  # ISO timestamp

    def channel_values(self, channel: str) -> list[str]:
        return [value for kind, value in self.identities if kind == channel]


@dataclass(frozen=True)
class Link:
    """One tie between two contacts, with the sources that back it."""

    a: int
    b: int
    kind: str
    directed: bool = False
    weight: float = 1.0
    strength: float | None = None
    since: str = ""  # ISO date
    sources: tuple[str, ...] = field(default=())
