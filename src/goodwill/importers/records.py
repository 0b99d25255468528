"""What importers yield: small frozen records, never database rows.

An importer reads one export and yields, in order:

* ``PersonRecord`` for every person it mentions, before any record that refers to them;
* ``TieRecord``, ``InteractionRecord``, ``OvertureRecord`` and ``PostRecord`` that refer to
  people by the ``ref`` of their ``PersonRecord``;
* ``Issue`` for every record it could not use (one bad record never stops a batch).

A ``ref`` is stable for the same person in the same kind of source (``"x:12345"``,
``"email:ann@example.org"``), so importing the same file twice names the same people. The owner
of the export is always the ref ``ME``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ME = "me"


@dataclass(frozen=True, slots=True)
class Where:
    """Where a record came from, for issues and evidence: a file and a 1-based line."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True, slots=True)
class Key:
    """An exact identity key: a channel from ``goodwill.vocab.IDENTITY_CHANNELS`` and the
    value already normalised with ``goodwill.identity.normalise``."""

    channel: str
    value: str
    display: str = ""


@dataclass(frozen=True, slots=True)
class PersonRecord:
    ref: str
    name: str
    keys: tuple[Key, ...] = ()
    given_name: str = ""
    family_name: str = ""
    organisation: str = ""
    position: str = ""
    location: str = ""
    notes: str = ""
    tags: tuple[str, ...] = ()
    # Blocked or muted on the source platform: kept, never suggested.
    blocked: bool = False
    # A bulk sender, mailing list or no-reply address: kept out of the relationship map.
    bulk: bool = False
    where: Where | None = None


@dataclass(frozen=True, slots=True)
class TieRecord:
    """A tie between two refs; ``kind`` from ``goodwill.vocab.TIE_KINDS``.

    ``source`` says which export says so (``"LinkedIn Connections.csv"``): it becomes the tie's
    evidence. ``weight`` carries co-occurrence strength; ``removed`` marks an unfriending.
    """

    a: str
    b: str
    kind: str
    source: str
    since: dt.date | None = None
    weight: float = 1.0
    removed: bool = False
    where: Where | None = None


@dataclass(frozen=True, slots=True)
class InteractionRecord:
    """A dated event; participants are ``(ref, role)`` pairs, the owner included as ``ME``."""

    when: dt.datetime
    kind: str
    channel: str
    direction: str
    participants: tuple[tuple[str, str], ...]
    subject: str = ""
    external_id: str = ""
    body: str = ""
    where: Where | None = None


@dataclass(frozen=True, slots=True)
class OvertureRecord:
    """A reach-out by the owner (an invitation sent); ``answered`` when it was accepted."""

    to: str
    when: dt.datetime
    channel: str
    approach: str = ""
    answered: dt.datetime | None = None
    external_id: str = ""
    where: Where | None = None


@dataclass(frozen=True, slots=True)
class PostRecord:
    """Something the owner published (kept for the soft-sell check and reach)."""

    when: dt.datetime
    channel: str
    text: str
    external_id: str
    kind: str = "post"  # post, reply or share
    mentions: tuple[str, ...] = ()
    where: Where | None = None


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem with one record. ``code`` is stable (``bad-email``, ``missing-name``…)."""

    code: str
    message: str
    where: Where
    severity: str = "warning"


Record = PersonRecord | TieRecord | InteractionRecord | OvertureRecord | PostRecord | Issue


@dataclass
class Context:
    """What an importer may know beyond the file: the owner's own keys and the options."""

    me_keys: frozenset[Key] = frozenset()
    store_bodies: bool = False
    # Recurring calendar events are expanded within this window.
    window_start: dt.date | None = None
    window_end: dt.date | None = None
    # How to show a file in issues (``export.zip/Connections.csv``); default: its name.
    names: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)

    def shown(self, path: object) -> str:
        """The name to put in ``Where.file`` for ``path``."""
        text = str(path)
        return self.names.get(text) or text.replace("\\", "/").rsplit("/", 1)[-1]

    def is_me(self, key: Key) -> bool:
        return key in self.me_keys or Key(key.channel, key.value) in self.me_keys
