"""The pooled graph of a workspace, as one member (the viewer) may see it.

People known to several members become one node when their records share an identity key
(the same normalised e-mail, phone, profile or account: the importers' keys). A member is a
node too, recognised by their own record's keys and their account e-mail, so a contact of Ann's
who is Bob becomes Ann - Bob.

What goes in, and so what can come out:

* ``nothing``: none of the member's contacts.
* ``counts``: the member's contacts are only *counted*, by organisation ("Ann knows 3 people at
  Acme"); they are no node, no edge and no name in any answer, so no path, search or list can
  reveal whom the member knows.
* ``names``: the member's ties to their contacts, with names and organisations.
* ``full``: as ``names``, plus positions, places and the ties among the member's contacts.

The viewer's own contacts always count at full detail (they are the viewer's). Hidden contacts,
people the owner marked "never a connector", blocked people and bulk senders never enter.
E-mail addresses, phones, notes and how-we-met never leave the owner's records at any level:
introductions go through the connector.
"""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from goodwill.graph.paths import warm_paths
from goodwill.graph.snapshot import NEVER_CONNECTOR, Snapshot, from_edges
from goodwill.graph.strength import prior_strength
from goodwill.identity import normalise
from goodwill.people.models import Identity, Person, Tie
from goodwill.workspaces.models import LEVEL_RANK, HiddenContact, Membership, Workspace

NAMES = LEVEL_RANK["names"]
FULL = LEVEL_RANK["full"]
COUNTS = LEVEL_RANK["counts"]
# A contact with no recorded tie to its owner is still someone they know, if not well.
UNTIED_STRENGTH = 0.3
MAX_TARGETS = 5
MAX_HITS = 50
# Member to contact to member is two hops, so a path through two members needs six.
MAX_HOPS = 6
# The shortest query word that counts-level members' organisations are matched against.
MIN_COUNTED_WORD = 3


@dataclass(frozen=True)
class Record:
    """One member's record of a person, with the fields that member's level lets others see."""

    member: int  # node of the member who holds it
    person_id: int
    name: str
    organisation: str
    position: str
    location: str


@dataclass
class Pool:
    workspace: Workspace
    viewer: int  # the viewer's node
    memberships: list[Membership]
    snapshot: Snapshot
    records: dict[int, list[Record]] = field(default_factory=dict)
    # Counts-level records: never nodes, never matched by key (an e-mail, a phone) to anyone.
    counted: list[Record] = field(default_factory=list)

    def level(self, member: int) -> int:
        """What a member's records show to the viewer (the viewer sees their own in full)."""
        return FULL if member == self.viewer else self.memberships[member].rank

    def member_name(self, member: int) -> str:
        user = self.memberships[member].user
        return str(user.get_full_name() or user.get_username())

    def member_of(self, user_id: int) -> int:
        for node, membership in enumerate(self.memberships):
            if membership.user_id == user_id:
                return node
        raise KeyError(user_id)

    def is_member(self, node: int) -> bool:
        return node < len(self.memberships)

    def shown(self, node: int, *, others_only: bool = False) -> dict[str, Any] | None:
        """What the viewer may see of a node; ``None`` when nothing (never for path nodes).

        A node holding one of the viewer's own records was joined to other members' records by
        private keys (an e-mail, a phone) the viewer chose: it shows the viewer's own name and
        says which members also know the person, never under which name, or a member's
        contacts would confirm whatever key the viewer typed in. ``others_only`` shows the
        other members' records alone, as if the viewer did not know the person.
        """
        if self.is_member(node):
            membership = self.memberships[node]
            return {"member": membership.user_id, "name": self.member_name(node)}
        records = self.records.get(node, ())
        if others_only:
            records = [r for r in records if r.member != self.viewer]
        visible = [r for r in records if self.level(r.member) >= NAMES]
        if not visible:
            return None
        visible.sort(key=lambda r: (r.member != self.viewer, -self.level(r.member), r.member))
        best = visible[0]
        detailed = self.level(best.member) >= FULL
        viewers = best.member == self.viewer
        return {
            "name": best.name,
            "organisation": best.organisation,
            "position": best.position if detailed else "",
            "location": best.location if detailed else "",
            # Each member's own name for the person: what to ask that member for.
            "known_by": [
                {
                    "member": self.memberships[r.member].user_id,
                    "name": self.member_name(r.member),
                    "knows_as": r.name if r.member == self.viewer or not viewers else "",
                }
                for r in sorted(visible, key=lambda r: (r.member, r.person_id))
            ],
        }


def _keys(identities: list[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(channel, value) for channel, value in identities if value}


class _Unifier:
    """Union-find over nodes, fed by identity keys."""

    def __init__(self) -> None:
        self.parent: list[int] = []
        self.by_key: dict[tuple[str, str], int] = {}

    def new(self) -> int:
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, node: int) -> int:
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def place(self, keys: set[tuple[str, str]], node: int | None = None) -> int:
        found = {self.find(self.by_key[k]) for k in keys if k in self.by_key}
        if node is None:
            node = min(found) if found else self.new()
        for other in found:
            root, child = sorted((self.find(node), other))
            self.parent[child] = root  # lower node wins: members stay members
        node = self.find(node)
        for key in keys:
            self.by_key.setdefault(key, node)
        return node


def _contacts(memberships: list[Membership], users: set[int]) -> Any:
    hidden = HiddenContact.objects.filter(
        membership__in=[m for m in memberships if m.user_id in users]
    ).values("person_id")
    return (
        Person.objects.filter(owner_id__in=users, is_me=False)
        .filter(never_connector=False, blocked=False, bulk=False)
        .exclude(id__in=hidden)
    )


def build(workspace: Workspace, viewer: AbstractBaseUser) -> Pool:
    """The pool as ``viewer`` (a member) may see it."""
    memberships = list(workspace.memberships.select_related("user").order_by("id"))
    pool = Pool(workspace, -1, memberships, from_edges([], [], [], []))
    pool.viewer = pool.member_of(viewer.pk)
    linked = {m.user_id for i, m in enumerate(memberships) if pool.level(i) >= NAMES}
    counted = {m.user_id for i, m in enumerate(memberships) if pool.level(i) == COUNTS}
    node_of_user = {m.user_id: i for i, m in enumerate(memberships)}

    unifier = _Unifier()
    for _ in memberships:
        unifier.new()
    me_keys: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for user_id, channel, value in Identity.objects.filter(
        owner_id__in=node_of_user, person__is_me=True
    ).values_list("owner_id", "channel", "value"):
        me_keys[user_id].append((channel, value))
    for i, m in enumerate(memberships):
        keys = _keys(me_keys[m.user_id])
        if m.user.email:
            with contextlib.suppress(ValueError):
                keys.add(("email", normalise("email", m.user.email)))
        unifier.place(keys, i)

    people = list(
        _contacts(memberships, linked | counted).values_list(
            "id", "owner_id", "name", "organisation", "position", "location"
        )
    )
    keys_of: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for person_id, channel, value in Identity.objects.filter(
        owner_id__in=linked | counted, person__is_me=False
    ).values_list("person_id", "channel", "value"):
        keys_of[person_id].append((channel, value))
    placed: dict[int, int] = {}
    for person_id, owner_id, name, organisation, position, location in people:
        record = Record(node_of_user[owner_id], person_id, name, organisation, position, location)
        if owner_id in counted:
            pool.counted.append(record)
            continue
        keys = _keys(keys_of[person_id]) or {("person", str(person_id))}
        placed[person_id] = unifier.place(keys)
    for person_id, owner_id, name, organisation, position, location in people:
        if person_id in placed:
            node = unifier.find(placed[person_id])
            placed[person_id] = node
            record = Record(
                node_of_user[owner_id], person_id, name, organisation, position, location
            )
            pool.records.setdefault(node, []).append(record)
    pool.snapshot = _graph(pool, unifier, placed, linked, node_of_user)
    return pool


def _graph(
    pool: Pool,
    unifier: _Unifier,
    placed: dict[int, int],
    linked: set[int],
    node_of_user: dict[int, int],
) -> Snapshot:
    full = {m.user_id for i, m in enumerate(pool.memberships) if pool.level(i) >= FULL}
    strongest: dict[tuple[int, int], float] = {}
    me_ids = dict(
        Person.objects.filter(owner_id__in=linked, is_me=True).values_list("id", "owner_id")
    )
    ties = Tie.objects.filter(owner_id__in=linked).filter(
        Q(a_id__in=me_ids) | Q(b_id__in=me_ids) | Q(owner_id__in=full)
    )
    for owner_id, a_id, b_id, kind, weight, strength in ties.values_list(
        "owner_id", "a_id", "b_id", "kind", "weight", "strength"
    ):
        w = strength if strength is not None else prior_strength(kind, weight)
        ends = []
        for person_id in (a_id, b_id):
            if person_id in me_ids:
                ends.append(node_of_user[owner_id])
            elif person_id in placed:
                ends.append(placed[person_id])
        if len(ends) == 2 and ends[0] != ends[1]:
            pair = (min(ends), max(ends))
            strongest[pair] = max(strongest.get(pair, 0.0), float(w))
    for node, records in pool.records.items():
        for record in records:
            pair = (min(record.member, node), max(record.member, node))
            if pair[0] != pair[1]:
                strongest.setdefault(pair, UNTIED_STRENGTH)
    flags = {i: NEVER_CONNECTOR for i, m in enumerate(pool.memberships) if m.never_connector}
    a = np.array([p[0] for p in strongest], np.int64)
    b = np.array([p[1] for p in strongest], np.int64)
    w = np.array(list(strongest.values()), np.float32)
    nodes = np.unique(np.array([unifier.find(i) for i in range(len(unifier.parent))], np.int64))
    all_nodes = np.union1d(nodes, np.arange(len(pool.memberships), dtype=np.int64))
    return from_edges(all_nodes, a, b, w, me_id=pool.viewer, flags=flags)


# -- queries ---------------------------------------------------------------------------------


def _matches(record: Record, words: list[str], rank: int) -> bool:
    if rank == COUNTS:
        # Whole words only, and no short ones: a hidden organisation cannot be spelled out
        # letter by letter from the counts.
        tokens = set(_tokens(record.organisation))
        return all(len(word) >= MIN_COUNTED_WORD and word in tokens for word in words)
    fields = [record.organisation, record.name]
    if rank >= FULL:
        fields += [record.position, record.location]
    text = " ".join(fields).lower()
    return all(word in text for word in words)


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _words(text: str) -> list[str]:
    words = _tokens(text)
    if not words:
        from goodwill.errors import UsageError

        raise UsageError("say whom to look for: a name or an organisation")
    return words


def who_knows(pool: Pool, text: str) -> dict[str, Any]:
    """Members who know someone matching ``text``, and the people found, at the shared detail."""
    words = _words(text)
    per_member: dict[int, set[int]] = defaultdict(set)
    people: list[dict[str, Any]] = []
    for node, records in sorted(pool.records.items()):
        hits = [r for r in records if _matches(r, words, pool.level(r.member))]
        for r in hits:
            per_member[r.member].add(node)
        if pool.is_member(node) or not any(pool.level(r.member) >= NAMES for r in hits):
            continue  # members are listed anyway
        # Found through another member's record only: shown as that member knows the person,
        # never joined to the viewer's own record of them (that would confirm a private key).
        others_only = not any(r.member == pool.viewer for r in hits)
        shown = pool.shown(node, others_only=others_only)
        if shown:
            people.append({"node": node, **shown})
    counted: dict[int, int] = defaultdict(int)
    for r in pool.counted:
        if _matches(r, words, COUNTS):
            counted[r.member] += 1
    members = [
        {
            "member": pool.memberships[m].user_id,
            "name": pool.member_name(m),
            "count": len(per_member.get(m, ())) + counted.get(m, 0),
            "level": pool.memberships[m].level,
        }
        for m in range(len(pool.memberships))
        if per_member.get(m) or counted.get(m)
    ]
    members.sort(key=lambda row: (-row["count"], row["name"]))
    people.sort(key=lambda row: (-len(row["known_by"]), row["name"].lower()))
    return {"query": text, "members": members, "people": people[:MAX_HITS], "total": len(people)}


def _path_payload(pool: Pool, nodes: tuple[int, ...], strength: float) -> dict[str, Any]:
    hops = []
    for node in nodes:
        shown = pool.shown(node)
        if shown is None:  # cannot happen: every edge comes from a record the viewer may see
            raise AssertionError("a path node without a visible record")
        shown = {k: v for k, v in shown.items() if k != "known_by"}
        hops.append(shown)
    return {"hops": len(nodes) - 1, "strength": round(strength, 4), "people": hops}


def reach(pool: Pool, text: str, *, k: int = 3, max_hops: int = MAX_HOPS) -> dict[str, Any]:
    """Warm paths from the viewer, through members and shared contacts, to people matching."""
    found = who_knows(pool, text)["people"][:MAX_TARGETS]
    targets = []
    for person in found:
        node = person["node"]
        if node == pool.viewer:
            continue
        paths = warm_paths(pool.snapshot, pool.viewer, node, k=k, max_hops=max_hops)
        targets.append(
            {
                "name": person["name"],
                "organisation": person["organisation"],
                "paths": [_path_payload(pool, p.nodes, p.strength) for p in paths],
            }
        )
    return {"query": text, "targets": targets}


def member_overlap(pool: Pool, other: int) -> dict[str, Any] | None:
    """The viewer's contacts in common with another member who shares names or more.

    ``None`` for a member who shares only counts: whom they know is matched by nobody's keys.
    """
    if pool.level(other) < NAMES:
        return None
    mine = {n for n, rs in pool.records.items() if any(r.member == pool.viewer for r in rs)}
    theirs = {n for n, rs in pool.records.items() if any(r.member == other for r in rs)}
    shared = sorted(mine & theirs)
    return {
        "member": pool.memberships[other].user_id,
        "name": pool.member_name(other),
        "level": pool.memberships[other].level,
        "shared": len(shared),
        "mutual": [
            {"name": s["name"], "organisation": s["organisation"]}
            for s in (pool.shown(n) for n in shared)
            if s is not None
        ][:MAX_HITS],
    }


def member_contacts(pool: Pool, member: int) -> dict[str, Any]:
    """What a member shares: counts by organisation, and names where the level allows."""
    level = pool.level(member)
    own = [r for rs in pool.records.values() for r in rs if r.member == member]
    own += [r for r in pool.counted if r.member == member]
    by_org: dict[str, int] = defaultdict(int)
    # Counts only means one number: a list of organisations would name what was not shared.
    for r in own if level >= NAMES else ():
        by_org[r.organisation.strip() or "(no organisation)"] += 1
    organisations = sorted(by_org.items(), key=lambda item: (-item[1], item[0].lower()))
    people = []
    if level >= NAMES:
        people = sorted(
            (
                {
                    "name": r.name,
                    "organisation": r.organisation,
                    "position": r.position if level >= FULL else "",
                    "location": r.location if level >= FULL else "",
                }
                for r in own
            ),
            key=lambda row: (row["name"].lower(), row["organisation"].lower()),
        )
    return {
        "member": pool.memberships[member].user_id,
        "name": pool.member_name(member),
        "level": pool.memberships[member].level if member != pool.viewer else "full",
        "count": len(own),
        "organisations": [{"organisation": o, "count": c} for o, c in organisations[:MAX_HITS]],
        "people": people,
    }


def record_of(pool: Pool, connector: int, name: str) -> Record | None:
    """The connector's shared record of a person named ``name`` (exact, then unique partial)."""
    wanted = name.strip().lower()
    records = [
        r
        for rs in pool.records.values()
        for r in rs
        if r.member == connector and pool.level(connector) >= NAMES
    ]
    exact = [r for r in records if r.name.lower() == wanted]
    if exact:
        return exact[0]
    partial = [r for r in records if wanted and wanted in r.name.lower()]
    return partial[0] if len(partial) == 1 else None
