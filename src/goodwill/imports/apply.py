"""Write what importers yield into one owner's data: whole or not at all, and idempotent.

People are matched on exact identity keys (the same e-mail, phone, profile URL, account id or
handle is the same human); when one record's keys reach several existing people, they are one
human and are merged. A person the source names without any key is found again through the
importer's stable ``ref`` (SourceRef). Fields the user edited by hand are never overwritten.

Records are written in batches (people in chunks by ``PersonWriter``, ties by ``TieWriter``,
interactions and posts in bulk inserts), with the outcome of applying them one by one in order:
a ref is resolved only once every person record before it has been applied.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Q

from goodwill.activity.models import Interaction, Overture, Participant, Post
from goodwill.importers.records import (
    ME,
    InteractionRecord,
    Issue,
    OvertureRecord,
    PersonRecord,
    PostRecord,
    Record,
    TieRecord,
)
from goodwill.imports.merging import merge, shared_key_reason
from goodwill.imports.models import ImportRun, SourceRef
from goodwill.imports.person_writer import IMPORTED_FIELDS, PersonWriter, fit
from goodwill.imports.tie_writer import TieWriter
from goodwill.people.models import Identity, Person, Tie, ordered_pair
from goodwill.people.services import ensure_me, set_tags

INTERACTION_BATCH = 500
# Person records applied together (1: each on its own against the database, as merges are).
PERSON_BATCH = 500
# Overtures that are answered by the connection itself (LinkedIn invitations, friend requests).
CONNECTION_REQUESTS = ("linkedin invitation", "friend request")

# (kept, extra, why): folds extra into kept.
Merger = Callable[[Person, Person, str], None]


@dataclass
class Outcome:
    people_created: int = 0
    people_updated: int = 0
    people_merged: int = 0
    ties: int = 0
    interactions: int = 0
    overtures: int = 0
    posts: int = 0
    ties_removed: int = 0
    records: int = 0
    issues: list[Issue] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "issues"}


class Rollback(Exception):
    """Raised inside the transaction to undo a dry run."""


def stable_id(*parts: object) -> str:
    """A deterministic external id for records whose source gives none."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"h:{digest[:40]}"


class Applier:
    """Applies one stream of records for one owner inside the caller's transaction."""

    def __init__(self, owner: AbstractBaseUser, run: ImportRun, merge: Merger | None = None):
        self.owner = owner
        self.run = run
        self.me = ensure_me(owner)
        self.people: dict[str, int] = {ME: self.me.id}
        self.outcome = Outcome()
        self.merge = merge or self._merge
        self.pending: list[InteractionRecord] = []
        self.ties = TieWriter(owner.pk, run, self._ref, self._answer_requests)
        self.waiting: list[PersonRecord] = []
        self.posts: list[PostRecord] = []
        self.people_writer = PersonWriter(owner, run, self.me, self.people, self.outcome, self._one)

    # -- people -----------------------------------------------------------------------------
    def person(self, record: PersonRecord) -> None:
        if not record.name.strip() and not record.keys:
            self.issue("missing-name", "a person with no name and no identity", record.where)
            return
        self.waiting.append(record)
        if len(self.waiting) >= PERSON_BATCH:
            self.flush_people()

    def flush_people(self) -> None:
        """Apply the waiting person records. Ties and interactions wait in their own buffers and
        resolve refs (``_ref``) only when written, so the people named before them are applied
        first, whatever the order in which an importer interleaves them."""
        batch, self.waiting = self.waiting, []
        if not batch:
            return
        if PERSON_BATCH > 1 and connection.features.can_return_rows_from_bulk_insert:
            self.people_writer.write(batch)
        else:
            for record in batch:
                self._one(record)

    def _one(self, record: PersonRecord) -> None:
        """Apply one person record against the database (and merge what its keys reach)."""
        found = self._existing(record)
        if found is None:
            found = self._create(record)
        else:
            self._refresh(found, record)
        if record.ref != ME:
            self._remember(record.ref, found)

    def _existing(self, record: PersonRecord) -> Person | None:
        owned = Person.objects.filter(owner=self.owner)
        by_key = Q()
        for key in record.keys:
            by_key |= Q(identities__channel=key.channel, identities__value=key.value)
        matches = list(owned.filter(by_key).distinct().order_by("id")) if record.keys else []
        remembered = SourceRef.objects.filter(owner=self.owner, ref=record.ref).first()
        if remembered and all(p.id != remembered.person_id for p in matches):
            matches.append(remembered.person)
        if record.ref == ME and all(not p.is_me for p in matches):
            matches.append(self.me)  # an export naming the owner's own keys
        if not matches:
            return None
        # The owner's own record always survives a merge; otherwise the oldest person does.
        matches.sort(key=lambda p: (not p.is_me, p.id))
        kept = matches[0]
        for extra in matches[1:]:
            self.merge(kept, extra, _shared_key(record, extra))
            self.outcome.people_merged += 1
            # Refs this run already resolved to the absorbed person now name the kept one.
            self.people.update({r: kept.id for r, p in self.people.items() if p == extra.id})
        return kept

    def _merge(self, kept: Person, extra: Person, reason: str) -> None:
        merge(self.owner, kept, extra, reason=reason, automatic=True, import_run=self.run)

    def _create(self, record: PersonRecord) -> Person:
        name = " ".join(record.name.split()) or record.keys[0].display or record.keys[0].value
        person = Person.objects.create(
            owner=self.owner,
            name=fit("name", name),
            blocked=record.blocked,
            bulk=record.bulk,
            **{f: fit(f, getattr(record, f)) for f in IMPORTED_FIELDS},
        )
        self._add_keys(person, record)
        if record.tags:
            set_tags(person, record.tags)
        self.outcome.people_created += 1
        return person

    def _refresh(self, person: Person, record: PersonRecord) -> None:
        changed = []
        if self._better_name(person, record):
            person.aliases = sorted({*person.aliases, person.name})
            person.name = fit("name", " ".join(record.name.split()))
            changed += ["name", "aliases"]
        for name in IMPORTED_FIELDS:
            new = fit(name, getattr(record, name))
            if new and name not in person.edited_fields and getattr(person, name) != new:
                setattr(person, name, new)
                changed.append(name)
        for flag in ("blocked", "bulk"):
            if getattr(record, flag) and not getattr(person, flag):
                setattr(person, flag, True)
                changed.append(flag)
        added = self._add_keys(person, record)
        if changed:
            person.save(update_fields=[*changed, "updated_at"])
        if record.tags:
            before = person.tags.count()
            set_tags(person, record.tags)
            added += person.tags.count() - before
        if changed or added:
            self.outcome.people_updated += 1

    def _better_name(self, person: Person, record: PersonRecord) -> bool:
        """A real name replaces a stand-in (an account id, handle or address used as a name)."""
        new = " ".join(record.name.split())
        if not new or new == person.name or "name" in person.edited_fields:
            return False
        stand_ins = set(
            Identity.objects.filter(person=person).values_list("value", flat=True)
        ) | set(Identity.objects.filter(person=person).values_list("display", flat=True))
        return person.name in stand_ins or person.name.lstrip("@") in stand_ins

    def _add_keys(self, person: Person, record: PersonRecord) -> int:
        known = set(
            Identity.objects.filter(owner=self.owner, person=person).values_list("channel", "value")
        )
        new = [k for k in dict.fromkeys(record.keys) if (k.channel, k.value) not in known]
        Identity.objects.bulk_create(
            Identity(
                owner=self.owner,
                person=person,
                channel=k.channel,
                value=k.value,
                display=k.display,
                import_run=self.run,
            )
            for k in new
        )
        return len(new)

    def _remember(self, ref: str, person: Person) -> None:
        self.people[ref] = person.id
        SourceRef.objects.update_or_create(owner=self.owner, ref=ref, defaults={"person": person})

    def _ref(self, ref: str, record: Record) -> int | None:
        if self.waiting:
            # Everything before this record in the stream is applied before a ref resolves.
            self.flush_people()
        person_id = self.people.get(ref)
        if person_id is None:
            self.issue(
                "unknown-person", f"refers to {ref!r}, which was never named", _where(record)
            )
        return person_id

    # -- ties, interactions, overtures, posts ---------------------------------------------------
    def tie(self, record: TieRecord) -> None:
        if record.removed:
            self.ties.remove(record)
        else:
            self.ties.add(record)

    def interaction(self, record: InteractionRecord) -> None:
        self.pending.append(record)
        if len(self.pending) >= INTERACTION_BATCH:
            self.flush()

    def flush(self) -> None:
        """Write buffered interactions: one query to skip known ones, bulk inserts for the rest."""
        self.flush_people()
        batch, self.pending = self.pending, []
        keyed = {}
        for record in batch:
            refs = sorted(ref for ref, _ in record.participants)
            external = record.external_id or stable_id(
                record.when.isoformat(), record.kind, record.channel, refs, record.subject
            )
            keyed.setdefault((record.channel, external), record)
        known = set(
            Interaction.objects.filter(
                owner=self.owner, external_id__in=[e for _, e in keyed]
            ).values_list("channel", "external_id")
        )
        fresh = [(key, rec) for key, rec in keyed.items() if key not in known]
        rows = Interaction.objects.bulk_create(
            Interaction(
                owner=self.owner,
                occurred_at=rec.when,
                kind=rec.kind,
                channel=rec.channel,
                direction=rec.direction,
                subject=rec.subject[:300],
                body=rec.body,
                external_id=external,
                import_run=self.run,
            )
            for (_, external), rec in fresh
        )
        participants = []
        for row, (_, rec) in zip(rows, fresh, strict=True):
            seen = set()
            for ref, role in rec.participants:
                person_id = self._ref(ref, rec)
                if person_id is not None and person_id not in seen:
                    seen.add(person_id)
                    participants.append(
                        Participant(interaction=row, person_id=person_id, role=role)
                    )
        Participant.objects.bulk_create(participants)
        self.outcome.interactions += len(rows)

    def overture(self, record: OvertureRecord) -> None:
        person_id = self._ref(record.to, record)
        if person_id is None:
            return
        external = record.external_id or stable_id(record.to, record.when.isoformat())
        answered = record.answered
        if answered is None and record.approach in CONNECTION_REQUESTS:
            answered = self._accepted(person_id, record.when)
        overture, created = Overture.objects.get_or_create(
            owner=self.owner,
            channel=record.channel,
            external_id=external,
            defaults={
                "person_id": person_id,
                "sent_at": record.when,
                "approach": record.approach,
                "answered_at": answered,
                "import_run": self.run,
            },
        )
        if not created and answered and not overture.answered_at:
            overture.answered_at = answered
            overture.save(update_fields=["answered_at"])
        self.outcome.overtures += int(created)

    def _accepted(self, person_id: int, sent: dt.datetime) -> dt.datetime | None:
        """A connection request is answered once the two are connected."""
        first, second = ordered_pair(self.me.id, person_id, "connection")
        tie = Tie.objects.filter(
            owner=self.owner, a_id=first, b_id=second, kind="connection"
        ).first()
        if tie is None:
            return None
        if tie.since is None:
            return sent
        connected = dt.datetime.combine(tie.since, dt.time(12), tzinfo=dt.UTC)
        return max(connected, sent)

    def _answer_requests(self, tie: tuple[int, int, str]) -> None:
        """A new tie (a, b, kind) answers your pending connection requests to the other end."""
        a, b, kind = tie
        if kind != "connection" or self.me.id not in (a, b):
            return
        other = b if a == self.me.id else a
        for overture in Overture.objects.filter(
            owner=self.owner, person_id=other, answered_at=None, approach__in=CONNECTION_REQUESTS
        ):
            overture.answered_at = self._accepted(other, overture.sent_at)
            overture.save(update_fields=["answered_at"])

    def post(self, record: PostRecord) -> None:
        self.posts.append(record)
        if len(self.posts) >= INTERACTION_BATCH:
            self.flush_posts()

    def flush_posts(self) -> None:
        """Write buffered posts: one query to skip known ones, bulk inserts for the rest."""
        self.flush_people()  # mentions resolve now, as ties' and interactions' refs do
        batch, self.posts = self.posts, []
        keyed: dict[tuple[str, str], PostRecord] = {}
        for record in batch:
            keyed.setdefault((record.channel, record.external_id), record)
        known = set(
            Post.objects.filter(
                owner=self.owner, external_id__in=[e for _, e in keyed]
            ).values_list("channel", "external_id")
        )
        fresh = [record for key, record in keyed.items() if key not in known]
        rows = Post.objects.bulk_create(
            Post(
                owner=self.owner,
                channel=record.channel,
                external_id=record.external_id,
                published_at=record.when,
                text=record.text,
                kind=record.kind,
                import_run=self.run,
            )
            for record in fresh
        )
        Mention = Post.mentions.through
        Mention.objects.bulk_create(
            Mention(post_id=row.id, person_id=person_id)
            for row, record in zip(rows, fresh, strict=True)
            for person_id in dict.fromkeys(
                self.people[r] for r in record.mentions if r in self.people
            )
        )
        self.outcome.posts += len(rows)

    def issue(self, code: str, message: str, where: object) -> None:
        from goodwill.importers.records import Where

        place = where if isinstance(where, Where) else Where(self.run.source)
        self.outcome.issues.append(Issue(code, message, place))

    def apply(self, records: Iterable[Record]) -> Outcome:
        handlers = {
            PersonRecord: self.person,
            TieRecord: self.tie,
            InteractionRecord: self.interaction,
            OvertureRecord: self.overture,
            PostRecord: self.post,
        }
        for record in records:
            self.outcome.records += 1
            if isinstance(record, Issue):
                self.outcome.issues.append(record)
                continue
            handlers[type(record)](record)  # type: ignore[operator]
        self.flush_people()
        self.flush()
        self.flush_posts()
        self.ties.flush()
        self.outcome.ties = self.ties.created
        self.outcome.ties_removed = self.ties.removed
        return self.outcome


def _where(record: Record) -> object:
    return getattr(record, "where", None)


def _shared_key(record: PersonRecord, extra: Person) -> str:
    """Why ``extra`` is the same human as the record's other matches: the key they share."""
    wanted = {(k.channel, k.value) for k in record.keys}
    for channel, value in Identity.objects.filter(person=extra).values_list("channel", "value"):
        if (channel, value) in wanted:
            return shared_key_reason(channel, value)
    return f"same source record {record.ref}"


def apply_records(
    owner: AbstractBaseUser, run: ImportRun, records: Iterable[Record], *, dry_run: bool = False
) -> Outcome:
    """Apply ``records`` atomically; a dry run computes the same outcome and keeps nothing."""
    applier = Applier(owner, run)
    try:
        with transaction.atomic():
            applier.apply(records)
            if dry_run:
                raise Rollback
    except Rollback:
        pass
    return applier.outcome
