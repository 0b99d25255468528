"""Write imported people a chunk at a time: a dozen queries per few hundred people, not eight each.

A chunk is read in a handful of queries (the people its identity keys and refs reach, their
identities and tags), then its records are applied in order to those people in memory, exactly
as ``Applier`` applies one record against the database: the same matching, the same
``people_created`` and ``people_updated`` counts, stand-in names replaced, hand-edited fields
kept. What changed is then written with bulk inserts and updates. A record whose keys reach two
or more people (a merge) is left to the one-record path: the chunk so far is written first and
the rest of the chunk is read again afterwards, so merges see the database as they always did.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from goodwill.importers.records import ME, Key, PersonRecord
from goodwill.imports.models import ImportRun, SourceRef
from goodwill.people.models import Identity, Person, Tag

# Person fields an import may fill or refresh (unless the user edited them by hand).
IMPORTED_FIELDS = ("given_name", "family_name", "organisation", "position", "location", "notes")
# Values per ``IN (...)`` list: well inside SQLite's and PostgreSQL's limits.
IN_SLICE = 2000

Pair = tuple[str, str]
PersonTag = Person.tags.through


def fit(field_name: str, value: str) -> str:
    """Cut a value to its column's size (PostgreSQL refuses longer ones)."""
    limit = _LIMITS.get(field_name)
    return value[:limit] if limit and len(value) > limit else value


_LIMITS: dict[str, int | None] = {
    f: Person._meta.get_field(f).max_length for f in ("name", *IMPORTED_FIELDS)
}


def clean_tags(names: Iterable[str]) -> list[str]:
    """Tag names as ``people.services.set_tags`` stores them, in the order it adds them."""
    return sorted({" ".join(n.split()).lower() for n in names if n and n.strip()})


def tidy_name(name: str) -> str:
    return " ".join(name.split())


class Counts(Protocol):
    people_created: int
    people_updated: int


@dataclass(eq=False)
class _Draft:
    """One person as this chunk sees them: loaded from the database, or new and not yet saved."""

    person: Person
    new: bool
    # (channel, value) of every identity they hold, and every value and display (stand-ins).
    known: set[Pair] = field(default_factory=set)
    stand_ins: set[str] = field(default_factory=set)
    # Names of their plain tags (kind "tag").
    tags: set[str] = field(default_factory=set)
    # Fields changed on a person already in the database.
    dirty: set[str] = field(default_factory=set)


@dataclass
class _Chunk:
    drafts: list[_Draft] = field(default_factory=list)
    by_key: dict[Pair, _Draft] = field(default_factory=dict)
    by_ref: dict[str, _Draft] = field(default_factory=dict)
    # What SourceRef holds for the chunk's refs: ref -> (row id, person id).
    stored_refs: dict[str, tuple[int, int]] = field(default_factory=dict)
    me: _Draft | None = None
    identities: list[tuple[_Draft, Key]] = field(default_factory=list)
    new_tags: list[tuple[_Draft, str]] = field(default_factory=list)
    remembered: list[tuple[str, _Draft]] = field(default_factory=list)


class PersonWriter:
    """Applies person records in chunks for ``Applier``.

    ``people`` maps refs to person ids (kept up to date as chunks are written), ``counts`` gets
    ``people_created`` and ``people_updated``, and ``one`` applies one record against the
    database (the path that merges).
    """

    def __init__(
        self,
        owner: AbstractBaseUser,
        run: ImportRun,
        me: Person,
        people: dict[str, int],
        counts: Counts,
        one: Callable[[PersonRecord], None],
    ) -> None:
        self.owner = owner
        self.run = run
        self.me = me
        self.people = people
        self.counts = counts
        self.one = one

    def write(self, records: Sequence[PersonRecord]) -> None:
        rest = list(records)
        while rest:
            chunk = self._read(rest)
            for i, record in enumerate(rest):
                found = self._matches(chunk, record)
                if len(found) > 1:
                    # Several people are one human: merge through the one-record path.
                    self._save(chunk)
                    self.one(record)
                    rest = rest[i + 1 :]
                    break
                draft = self._refresh(chunk, found[0], record) if found else None
                if draft is None:
                    draft = self._create(chunk, record)
                if record.ref != ME:
                    chunk.by_ref[record.ref] = draft
                    chunk.remembered.append((record.ref, draft))
            else:
                self._save(chunk)
                rest = []

    # -- reading ------------------------------------------------------------------------------
    def _read(self, records: Sequence[PersonRecord]) -> _Chunk:
        chunk = _Chunk()
        wanted: dict[str, set[str]] = defaultdict(set)
        for record in records:
            for key in record.keys:
                wanted[key.channel].add(key.value)
        owner_of: dict[Pair, int] = {}
        for channel, values in wanted.items():
            for part in _slices(sorted(values)):
                rows = Identity.objects.filter(owner=self.owner, channel=channel, value__in=part)
                for value, person_id in rows.values_list("value", "person_id"):
                    owner_of[(channel, value)] = person_id
        refs = sorted({r.ref for r in records})
        for part in _slices(refs):
            rows = SourceRef.objects.filter(owner=self.owner, ref__in=part)
            for row_id, ref, person_id in rows.values_list("id", "ref", "person_id"):
                chunk.stored_refs[ref] = (row_id, person_id)
        ids = set(owner_of.values()) | {p for _, p in chunk.stored_refs.values()}
        if any(r.ref == ME for r in records):
            ids.add(self.me.id)
        drafts: dict[int, _Draft] = {}
        for part in _slices(sorted(ids)):
            for person in Person.objects.filter(owner=self.owner, id__in=part):
                drafts[person.id] = _Draft(person, new=False)
        for part in _slices(sorted(drafts)):
            rows = Identity.objects.filter(person_id__in=part)
            for person_id, channel, value, display in rows.values_list(
                "person_id", "channel", "value", "display"
            ):
                draft = drafts[person_id]
                draft.known.add((channel, value))
                draft.stand_ins.update((value, display))
        if any(r.tags for r in records):
            for part in _slices(sorted(drafts)):
                rows = PersonTag.objects.filter(person_id__in=part, tag__kind="tag")
                for person_id, name in rows.values_list("person_id", "tag__name"):
                    drafts[person_id].tags.add(name)
        chunk.drafts = list(drafts.values())
        chunk.by_key = {pair: drafts[p] for pair, p in owner_of.items() if p in drafts}
        chunk.by_ref = {r: drafts[p] for r, (_, p) in chunk.stored_refs.items() if p in drafts}
        chunk.me = drafts.get(self.me.id)
        return chunk

    def _matches(self, chunk: _Chunk, record: PersonRecord) -> list[_Draft]:
        """Everyone the record names: by its keys, then its ref, then you for your own record."""
        found: list[_Draft] = []
        for key in record.keys:
            draft = chunk.by_key.get((key.channel, key.value))
            if draft is not None and draft not in found:
                found.append(draft)
        remembered = chunk.by_ref.get(record.ref)
        if remembered is not None and remembered not in found:
            found.append(remembered)
        if record.ref == ME and not any(d.person.is_me for d in found) and chunk.me is not None:
            found.append(chunk.me)
        return found

    # -- applying one record in memory ----------------------------------------------------------
    def _create(self, chunk: _Chunk, record: PersonRecord) -> _Draft:
        name = tidy_name(record.name) or record.keys[0].display or record.keys[0].value
        person = Person(
            owner=self.owner,
            name=fit("name", name),
            blocked=record.blocked,
            bulk=record.bulk,
            **{f: fit(f, getattr(record, f)) for f in IMPORTED_FIELDS},
        )
        draft = _Draft(person, new=True)
        chunk.drafts.append(draft)
        self._add_keys(chunk, draft, record)
        if record.tags:
            self._add_tags(chunk, draft, record.tags)
        self.counts.people_created += 1
        return draft

    def _refresh(self, chunk: _Chunk, draft: _Draft, record: PersonRecord) -> _Draft:
        person = draft.person
        changed: list[str] = []
        if self._better_name(draft, record):
            person.aliases = sorted({*person.aliases, person.name})
            person.name = fit("name", tidy_name(record.name))
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
        added = self._add_keys(chunk, draft, record)
        if changed and not draft.new:
            draft.dirty.update(changed)
        if record.tags:
            added += self._add_tags(chunk, draft, record.tags)
        if changed or added:
            self.counts.people_updated += 1
        return draft

    def _better_name(self, draft: _Draft, record: PersonRecord) -> bool:
        """A real name replaces a stand-in (an account id, handle or address used as a name)."""
        new, person = tidy_name(record.name), draft.person
        if not new or new == person.name or "name" in person.edited_fields:
            return False
        return person.name in draft.stand_ins or person.name.lstrip("@") in draft.stand_ins

    def _add_keys(self, chunk: _Chunk, draft: _Draft, record: PersonRecord) -> int:
        new = [k for k in dict.fromkeys(record.keys) if (k.channel, k.value) not in draft.known]
        for key in new:
            pair = (key.channel, key.value)
            draft.known.add(pair)
            draft.stand_ins.update((key.value, key.display))
            chunk.by_key[pair] = draft
            chunk.identities.append((draft, key))
        return len(new)

    def _add_tags(self, chunk: _Chunk, draft: _Draft, names: Iterable[str]) -> int:
        fresh = [n for n in clean_tags(names) if n not in draft.tags]
        draft.tags.update(fresh)
        chunk.new_tags.extend((draft, n) for n in fresh)
        return len(fresh)

    # -- writing --------------------------------------------------------------------------------
    def _save(self, chunk: _Chunk) -> None:
        created = [d.person for d in chunk.drafts if d.new]
        Person.objects.bulk_create(created)
        now = timezone.now()
        by_fields: dict[tuple[str, ...], list[Person]] = defaultdict(list)
        for draft in chunk.drafts:
            if draft.dirty and not draft.new:
                draft.person.updated_at = now
                by_fields[tuple(sorted(draft.dirty))].append(draft.person)
        for names, people in by_fields.items():
            Person.objects.bulk_update(people, [*names, "updated_at"])
        Identity.objects.bulk_create(
            Identity(
                owner=self.owner,
                person=draft.person,
                channel=key.channel,
                value=key.value,
                display=key.display,
                import_run=self.run,
            )
            for draft, key in chunk.identities
        )
        self._save_refs(chunk)
        self._save_tags(chunk)
        for ref, draft in chunk.remembered:
            self.people[ref] = draft.person.id
        for draft in chunk.drafts:
            draft.new, draft.dirty = False, set()
        chunk.identities, chunk.new_tags, chunk.remembered = [], [], []

    def _save_refs(self, chunk: _Chunk) -> None:
        final = {ref: draft.person.id for ref, draft in chunk.remembered}
        new, moved = [], []
        for ref, person_id in final.items():
            stored = chunk.stored_refs.get(ref)
            if stored is None:
                new.append(SourceRef(owner=self.owner, ref=ref, person_id=person_id))
            elif stored[1] != person_id:
                moved.append(
                    SourceRef(id=stored[0], owner=self.owner, ref=ref, person_id=person_id)
                )
        SourceRef.objects.bulk_create(new)
        SourceRef.objects.bulk_update(moved, ["person"])
        for row in [*new, *moved]:
            chunk.stored_refs[row.ref] = (row.id, row.person_id)

    def _save_tags(self, chunk: _Chunk) -> None:
        if not chunk.new_tags:
            return
        names = list(dict.fromkeys(n for _, n in chunk.new_tags))
        tags: dict[str, Any] = {}
        for part in _slices(names):
            rows = Tag.objects.filter(owner=self.owner, kind="tag", name__in=part)
            tags.update(rows.values_list("name", "id"))
        missing = [Tag(owner=self.owner, kind="tag", name=n) for n in names if n not in tags]
        tags.update((t.name, t.id) for t in Tag.objects.bulk_create(missing))
        PersonTag.objects.bulk_create(
            PersonTag(person_id=draft.person.id, tag_id=tags[name])
            for draft, name in chunk.new_tags
        )


def _slices(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), IN_SLICE):
        yield values[start : start + IN_SLICE]
