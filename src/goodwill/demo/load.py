"""Write the demo network to the database for one user, replacing any earlier demo.

Everything happens in one transaction: a failure leaves the user's data as it was.
Rows are inserted in the generator's order with ``bulk_create``, so a fresh database
gets the same ids for the same seed, and the whole demo loads in a few seconds.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone

from goodwill.activity.models import (
    Channel,
    Favour,
    Interaction,
    Outcome,
    Overture,
    Participant,
    Referral,
)
from goodwill.demo.generate import generate
from goodwill.demo.records import DemoNetwork, Human, TieRecord
from goodwill.imports.models import ImportRun
from goodwill.people.models import Identity, Person, Tag, Tie, TieSource, ordered_pair
from goodwill.people.services import ensure_me

Progress = Callable[[str, int, int], None]
M = TypeVar("M", bound=models.Model)
BATCH = 1000
# A person's labels, as the generator names them and as Tag.kind stores them.
TAG_FIELDS = (("tags", "tag"), ("interests", "interest"), ("offers", "offer"), ("needs", "need"))
STAGES = ("people", "ties", "history", "business")


@dataclass(frozen=True)
class DemoSummary:
    username: str
    password: str
    seed: int
    as_of: dt.date
    # Rows written, by what they are ("people", "ties", "tie sources", ...).
    counts: dict[str, int]
    ties_by_kind: dict[str, int] = field(default_factory=dict)


def build_demo(
    seed: int = 7,
    *,
    as_of: dt.date | None = None,
    username: str = "demo",
    password: str = "demo",
    progress: Progress | None = None,
) -> DemoSummary:
    """Create (or reuse) ``username`` and give them the demo network for ``seed``.

    Everything the user owned before (people, ties, history, imports) is replaced; no
    other user's rows are touched. ``progress(stage, done, total)`` is called before the
    first stage and after each one (``done`` and ``total`` count stages).
    """
    network = generate(seed, as_of=as_of or timezone.localdate())
    with transaction.atomic():
        user = _demo_user(username, password, network.me)
        _clear(user)
        writer = _Writer(user, network)
        steps = (writer.people, writer.ties, writer.history, writer.business)
        for done, (stage, step) in enumerate(zip(STAGES, steps, strict=True)):
            if progress is not None:
                progress(stage, done, len(STAGES))
            step()
        if progress is not None:
            progress("done", len(STAGES), len(STAGES))
    return DemoSummary(
        username=username,
        password=password,
        seed=seed,
        as_of=network.as_of,
        counts=writer.counts,
        ties_by_kind=dict(sorted(Counter(t.kind for t in writer.tie_rows).items())),
    )


def _demo_user(username: str, password: str, author: Human) -> AbstractBaseUser:
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model(username=username)
    user.first_name, user.last_name = author.given_name, author.family_name
    user.set_password(password)
    user.save()
    return user


def _ids(queryset: Any) -> list[int]:
    return list(queryset.values_list("id", flat=True))


def _delete_where(model: Any, column: str, ids: list[int], chunk: int = 5000) -> None:
    # Literal id lists keep each DELETE on an index; a join in a subquery made PostgreSQL
    # scan the link tables once per row on fresh, unanalysed tables.
    for start in range(0, len(ids), chunk):
        model.objects.filter(**{f"{column}__in": ids[start : start + chunk]}).delete()


def _clear(user: AbstractBaseUser) -> None:
    """Delete the user's network, children first, keeping the user and their own person."""
    outcomes = _ids(Outcome.objects.filter(owner=user))
    _delete_where(Outcome.people.through, "outcome_id", outcomes)
    _delete_where(Outcome.channels.through, "outcome_id", outcomes)
    for model in (Outcome, Referral, Favour, Overture):
        model.objects.filter(owner=user).delete()
    _delete_where(Participant, "interaction_id", _ids(Interaction.objects.filter(owner=user)))
    Interaction.objects.filter(owner=user).delete()
    Channel.objects.filter(owner=user).delete()
    _delete_where(TieSource, "tie_id", _ids(Tie.objects.filter(owner=user)))
    Tie.objects.filter(owner=user).delete()
    Identity.objects.filter(owner=user).delete()
    _delete_where(Person.tags.through, "person_id", _ids(Person.objects.filter(owner=user)))
    Tag.objects.filter(owner=user).delete()
    Person.objects.filter(owner=user, is_me=False).delete()
    ImportRun.objects.filter(owner=user).delete()


def _person_fields(human: Human) -> dict[str, Any]:
    return {
        "name": human.name,
        "given_name": human.given_name,
        "family_name": human.family_name,
        "aliases": list(human.aliases),
        "organisation": human.organisation,
        "position": human.position,
        "location": human.location,
        "how_we_met": human.how_we_met,
        "met_on": human.met_on,
        "notes": human.notes,
    }


@dataclass
class _MergedTie:
    """Every record with the same stored ends and kind becomes one tie with many sources."""

    since: dt.date | None
    weight: float
    sources: list[str]

    def add(self, record: TieRecord) -> None:
        if record.since is not None:
            self.since = min(self.since or record.since, record.since)
        self.weight = max(self.weight, record.weight)
        if record.source not in self.sources:
            self.sources.append(record.source)


def merge_ties(
    records: Iterable[TieRecord], ids: dict[str, int]
) -> dict[tuple[int, int, str], _MergedTie]:
    """One entry per stored tie, keyed ``(a_id, b_id, kind)`` with undirected ends ordered."""
    merged: dict[tuple[int, int, str], _MergedTie] = {}
    for record in records:
        a, b = ordered_pair(ids[record.a], ids[record.b], record.kind)
        key = (a, b, record.kind)
        if key in merged:
            merged[key].add(record)
        else:
            merged[key] = _MergedTie(record.since, record.weight, [record.source])
    return merged


class _Writer:
    def __init__(self, user: AbstractBaseUser, network: DemoNetwork) -> None:
        self.user = user
        self.network = network
        self.counts: dict[str, int] = {}
        self.ids: dict[str, int] = {}
        self.tie_rows: list[Tie] = []

    def _insert(self, label: str | None, model: type[M], rows: Iterable[M]) -> list[M]:
        """Insert ``rows`` in order; count them under ``label`` (None for link tables)."""
        created: list[M] = model.objects.bulk_create(list(rows), batch_size=BATCH)
        if label is not None:
            self.counts[label] = len(created)
        return created

    def people(self) -> None:
        me_human, *others = self.network.humans
        me = ensure_me(self.user)
        for name, value in _person_fields(me_human).items():
            setattr(me, name, value)
        me.edited_fields = []
        me.save()
        self.ids[me_human.key] = me.id
        created = self._insert(
            "people",
            Person,
            (Person(owner=self.user, **_person_fields(h)) for h in others),
        )
        self.ids.update((h.key, p.id) for h, p in zip(others, created, strict=True))
        self.counts["people"] += 1  # the author, updated in place
        self._labels()
        self._insert(
            "identities",
            Identity,
            (
                Identity(
                    owner=self.user,
                    person_id=self.ids[h.key],
                    channel=a.channel,
                    value=a.value,
                    display=a.display,
                    label=a.label,
                )
                for h in self.network.humans
                for a in h.accounts
            ),
        )

    def _labels(self) -> None:
        wanted = sorted(
            {
                (kind, name)
                for h in self.network.humans
                for attr, kind in TAG_FIELDS
                for name in getattr(h, attr)
            }
        )
        tags = self._insert(
            "tags", Tag, (Tag(owner=self.user, kind=kind, name=name) for kind, name in wanted)
        )
        tag_ids = {(t.kind, t.name): t.id for t in tags}
        through = Person.tags.through
        self._insert(
            None,
            through,
            (
                through(person_id=self.ids[h.key], tag_id=tag_ids[kind, name])
                for h in self.network.humans
                for attr, kind in TAG_FIELDS
                for name in getattr(h, attr)
            ),
        )

    def ties(self) -> None:
        merged = merge_ties(self.network.ties, self.ids)
        self.tie_rows = self._insert(
            "ties",
            Tie,
            (
                Tie(owner=self.user, a_id=a, b_id=b, kind=kind, since=m.since, weight=m.weight)
                for (a, b, kind), m in merged.items()
            ),
        )
        self._insert(
            "tie sources",
            TieSource,
            (
                TieSource(tie=tie, kind="demo", detail=source)
                for tie, m in zip(self.tie_rows, merged.values(), strict=True)
                for source in m.sources
            ),
        )

    def history(self) -> None:
        network, ids = self.network, self.ids
        interactions = self._insert(
            "interactions",
            Interaction,
            (
                Interaction(
                    owner=self.user,
                    occurred_at=i.at,
                    kind=i.kind,
                    channel=i.channel,
                    direction=i.direction,
                    subject=i.subject,
                    note=i.note,
                )
                for i in network.interactions
            ),
        )
        self._insert(
            "participants",
            Participant,
            (
                Participant(interaction=row, person_id=ids[p.key], role=p.role)
                for row, i in zip(interactions, network.interactions, strict=True)
                for p in i.participants
            ),
        )
        self._insert(
            "favours",
            Favour,
            (
                Favour(
                    owner=self.user,
                    person_id=ids[f.person],
                    direction=f.direction,
                    what=f.what,
                    occurred_on=f.on,
                    acknowledged_on=f.acknowledged_on,
                    returned_on=f.returned_on,
                )
                for f in network.favours
            ),
        )
        self._insert(
            "overtures",
            Overture,
            (
                Overture(
                    owner=self.user,
                    person_id=ids[o.person],
                    channel=o.channel,
                    approach=o.approach,
                    sent_at=o.sent_at,
                    answered_at=o.answered_at,
                    note=o.note,
                )
                for o in network.overtures
            ),
        )

    def business(self) -> None:
        network, ids = self.network, self.ids
        channels = self._insert(
            "channels",
            Channel,
            (
                Channel(
                    owner=self.user,
                    key=c.key,
                    name=c.name,
                    kind=c.kind,
                    hours=c.hours,
                    period=c.period,
                    target_rule=c.target_rule,
                    active=c.active,
                )
                for c in network.channels
            ),
        )
        by_key = {c.key: c for c in channels}
        referrals = self._insert(
            "referrals",
            Referral,
            (
                Referral(
                    owner=self.user,
                    referrer_id=ids[r.referrer],
                    referred_id=ids[r.referred],
                    to_id=ids[r.to],
                    what=r.what,
                    value=r.value,
                    status=r.status,
                    referred_on=r.referred_on,
                    closed_on=r.closed_on,
                    thanked_on=r.thanked_on,
                    channel=by_key[r.channel] if r.channel else None,
                )
                for r in network.referrals
            ),
        )
        outcomes = self._insert(
            "outcomes",
            Outcome,
            (
                Outcome(
                    owner=self.user,
                    title=o.title,
                    value=o.value,
                    occurred_on=o.on,
                    referral=referrals[o.referral] if o.referral is not None else None,
                    note=o.note,
                )
                for o in network.outcomes
            ),
        )
        people_through, channels_through = Outcome.people.through, Outcome.channels.through
        pairs = list(zip(outcomes, network.outcomes, strict=True))
        self._insert(
            None,
            people_through,
            (people_through(outcome=row, person_id=ids[k]) for row, o in pairs for k in o.people),
        )
        self._insert(
            None,
            channels_through,
            (
                channels_through(outcome=row, channel=by_key[k])
                for row, o in pairs
                for k in o.channels
            ),
        )
