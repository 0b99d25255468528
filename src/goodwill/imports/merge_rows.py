"""What a merge does to each table, and how each change is put back (for ``merging``).

Every ``take_*`` function changes the rows that point at the absorbed person and writes into
the snapshot what it needs to put them back; the ``give_*`` function of the same table does
that. Rows are put back by id. A row that was moved and has since moved on (to a third
person, say) cannot be put back exactly and raises ``Changed``; a row deleted since the
merge stays deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q

from goodwill.activity.models import Favour, Outcome, Overture, Participant, Post, Referral
from goodwill.errors import Conflict
from goodwill.imports.models import MergeDecision, SourceRef
from goodwill.people.models import Identity, Person, Tag, Tie, TieSource, ordered_pair
from goodwill.practice.models import ActionDone, Cadence, Snooze, StrengthOverride
from goodwill.workspaces.models import HiddenContact, IntroRequest

PersonTag = Person.tags.through
OutcomePerson = Outcome.people.through
PostMention = Post.mentions.through

# Kept person's empty fields that the absorbed person's values fill in.
FILLED_FIELDS = (
    "given_name",
    "family_name",
    "organisation",
    "position",
    "location",
    "how_we_met",
    "met_on",
)
FLAGS = ("blocked", "bulk", "never_connector")
# Rows that simply change hands: (snapshot key, model, the column naming the person).
HANDED_OVER: tuple[tuple[str, type[models.Model], str], ...] = (
    ("identities", Identity, "person_id"),
    ("source_refs", SourceRef, "person_id"),
    ("favours", Favour, "person_id"),
    ("overtures", Overture, "person_id"),
    ("referrals_made", Referral, "referrer_id"),
    ("referrals_as_subject", Referral, "referred_id"),
    ("referrals_received", Referral, "to_id"),
    ("actions_done", ActionDone, "person_id"),
    ("intro_targets", IntroRequest, "target_person_id"),
)
# Memberships, one per person and container: the absorbed person's row is dropped where the
# kept person is already in the container. (snapshot key, model, container field)
MEMBERSHIPS: tuple[tuple[str, type[models.Model], str], ...] = (
    ("participants", Participant, "interaction"),
    ("outcomes", OutcomePerson, "outcome"),
    ("mentions", PostMention, "post"),
    # One per person: the kept person's own cadence, snooze and strength win.
    ("cadences", Cadence, "owner"),
    ("snoozes", Snooze, "owner"),
    ("strength_overrides", StrengthOverride, "owner"),
    ("hidden_contacts", HiddenContact, "membership"),
)
CHUNK = 5000

Snapshot = dict[str, Any]


class Changed(Conflict):
    """A row the merge moved is no longer where the merge put it."""


# -- rows as JSON, and back ----------------------------------------------------------------------
def dump(obj: models.Model) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        row[field.attname] = value
    return row


def load(model: type[models.Model], row: dict[str, Any]) -> models.Model:
    values = {f.attname: f.to_python(row[f.attname]) for f in model._meta.concrete_fields}
    return model(**values)


def recreate(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows with their old ids and timestamps (which inserting would otherwise reset)."""
    if not rows:
        return
    model.objects.bulk_create([load(model, row) for row in rows])
    stamped = [
        f for f in model._meta.concrete_fields if getattr(f, "auto_now", False) or
        getattr(f, "auto_now_add", False)
    ]  # fmt: skip
    for row in rows if stamped else ():
        values = {f.attname: f.to_python(row[f.attname]) for f in stamped}
        model.objects.filter(pk=row["id"]).update(**values)


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _hand_back(
    model: type[models.Model], ids: Sequence[int], column: str, kept: int, to: int
) -> None:
    for chunk in _chunks(ids):
        rows = model.objects.filter(id__in=chunk)
        elsewhere = rows.exclude(**{column: kept}).values_list("id", flat=True).first()
        if elsewhere is not None:
            raise Changed(f"{model._meta.verbose_name} #{elsewhere}")
        rows.update(**{column: to})


def _existing(model: type[models.Model], ids: set[int]) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(sorted(ids)):
        found.update(model.objects.filter(id__in=chunk).values_list("id", flat=True))
    return found


# -- rows that change hands ----------------------------------------------------------------------
def take_handed_over(snap: Snapshot, kept: Person, gone: Person) -> None:
    for key, model, column in HANDED_OVER:
        rows = model.objects.filter(**{column: gone.id})
        snap[key] = sorted(rows.values_list("id", flat=True))
        rows.update(**{column: kept.id})


def give_handed_over(snap: Snapshot, kept_id: int, gone_id: int) -> None:
    for key, model, column in HANDED_OVER:
        # A merge recorded before a table existed has nothing of it to put back.
        _hand_back(model, snap.get(key, []), column, kept_id, gone_id)


# -- memberships (interactions, outcomes, post mentions) -----------------------------------------
def take_memberships(snap: Snapshot, kept: Person, gone: Person) -> None:
    for key, model, container in MEMBERSHIPS:
        column = model._meta.get_field(container).attname
        shared = model.objects.filter(person_id=kept.id).values_list(column, flat=True)
        dropped = model.objects.filter(person_id=gone.id, **{f"{column}__in": shared})
        snap[key] = {"dropped": [dump(r) for r in dropped.order_by("id")]}
        dropped.delete()
        moved = model.objects.filter(person_id=gone.id)
        snap[key]["moved"] = sorted(moved.values_list("id", flat=True))
        moved.update(person_id=kept.id)


def give_memberships(snap: Snapshot, kept_id: int, gone_id: int) -> None:
    for key, model, container in MEMBERSHIPS:
        entry = snap.get(key, {"moved": [], "dropped": []})
        _hand_back(model, entry["moved"], "person_id", kept_id, gone_id)
        field = model._meta.get_field(container)
        dropped = entry["dropped"]
        alive = _existing(field.related_model, {r[field.attname] for r in dropped})
        recreate(model, [r for r in dropped if r[field.attname] in alive])


# -- decisions that two people are different -----------------------------------------------------
def take_decisions(snap: Snapshot, kept: Person, gone: Person) -> None:
    entries = []
    for decision in MergeDecision.objects.filter(Q(a_id=gone.id) | Q(b_id=gone.id)).order_by("id"):
        entry = dump(decision)
        other = decision.b_id if decision.a_id == gone.id else decision.a_id
        a, b = sorted((kept.id, other))
        twin = MergeDecision.objects.filter(owner_id=decision.owner_id, a_id=a, b_id=b)
        if other == kept.id or twin.exists():
            entry["fate"] = "dropped"
            decision.delete()
        else:
            entry.update(fate="moved", now=[a, b])
            MergeDecision.objects.filter(id=decision.id).update(a_id=a, b_id=b)
        entries.append(entry)
    snap["decisions"] = entries


def give_decisions(snap: Snapshot, kept_id: int, gone_id: int) -> None:
    dropped = []
    for entry in snap["decisions"]:
        if entry["fate"] == "dropped":
            dropped.append(entry)
            continue
        now = MergeDecision.objects.filter(id=entry["id"]).values_list("a_id", "b_id").first()
        if now is not None and list(now) != entry["now"]:
            raise Changed(f"decision #{entry['id']}")
        MergeDecision.objects.filter(id=entry["id"]).update(a_id=entry["a_id"], b_id=entry["b_id"])
    people = _existing(Person, {e["a_id"] for e in dropped} | {e["b_id"] for e in dropped})
    keep = [e for e in dropped if e["a_id"] in people and e["b_id"] in people]
    recreate(MergeDecision, [{k: v for k, v in e.items() if k != "fate"} for e in keep])


# -- ties ----------------------------------------------------------------------------------------
def take_ties(snap: Snapshot, kept: Person, gone: Person) -> None:
    """Move each tie to the kept person; fold it into a twin the kept person already has
    (keeping its new evidence), or delete it when it joined the two."""
    entries = []
    for tie in Tie.objects.filter(Q(a_id=gone.id) | Q(b_id=gone.id)).order_by("id"):
        entry = dump(tie)
        sources = list(tie.sources.order_by("id"))
        entry["sources"] = [dump(s) for s in sources]
        a = kept.id if tie.a_id == gone.id else tie.a_id
        b = kept.id if tie.b_id == gone.id else tie.b_id
        if a == b:
            entry["fate"] = "self"
            tie.delete()
            entries.append(entry)
            continue
        first, second = ordered_pair(a, b, tie.kind)
        twin = (
            Tie.objects.filter(owner_id=tie.owner_id, a_id=first, b_id=second, kind=tie.kind)
            .exclude(id=tie.id)
            .first()
        )
        if twin is None:
            Tie.objects.filter(id=tie.id).update(a_id=first, b_id=second)
            entry.update(fate="moved", now=[first, second])
        else:
            known = set(twin.sources.values_list("kind", "detail"))
            moving = [s.id for s in sources if (s.kind, s.detail) not in known]
            TieSource.objects.filter(id__in=moving).update(tie_id=twin.id)
            entry.update(fate="folded", into=twin.id, moved_sources=moving)
            tie.delete()
        entries.append(entry)
    snap["ties"] = entries


def give_ties(snap: Snapshot, kept_id: int, gone_id: int) -> None:
    rows, sources, handed = [], [], []
    for entry in snap["ties"]:
        row = {
            k: v for k, v in entry.items() if k in {f.attname for f in Tie._meta.concrete_fields}
        }
        if entry["fate"] == "moved":
            now = Tie.objects.filter(id=entry["id"]).values_list("a_id", "b_id").first()
            if now is not None and list(now) != entry["now"]:
                raise Changed(f"tie #{entry['id']}")
            Tie.objects.filter(id=entry["id"]).update(a_id=entry["a_id"], b_id=entry["b_id"])
            continue
        moved = set(entry.get("moved_sources", ()))
        rows.append(row)
        sources += [s for s in entry["sources"] if s["id"] not in moved]
        handed += [(entry["into"], entry["id"], source) for source in sorted(moved)]
    ends = {r["a_id"] for r in rows} | {r["b_id"] for r in rows}
    alive = _existing(Person, ends)
    rows = [r for r in rows if r["a_id"] in alive and r["b_id"] in alive]
    recreate(Tie, rows)
    restored = {r["id"] for r in rows}
    recreate(TieSource, [s for s in sources if s["tie_id"] in restored])
    for twin, tie, source in handed:
        now = TieSource.objects.filter(id=source).values_list("tie_id", flat=True).first()
        if now is None or tie not in restored:
            continue
        if now != twin:
            raise Changed(f"tie evidence #{source}")
        TieSource.objects.filter(id=source).update(tie_id=tie)


# -- the people themselves -----------------------------------------------------------------------
def take_person(snap: Snapshot, kept: Person, gone: Person) -> None:
    """Record the absorbed person, then fill the kept person's blanks from them."""
    snap["person"] = dump(gone)
    snap["tags"] = [dump(t) for t in PersonTag.objects.filter(person_id=gone.id).order_by("id")]
    before = dump(kept)
    for name in FILLED_FIELDS:
        if getattr(gone, name) and not getattr(kept, name):
            setattr(kept, name, getattr(gone, name))
            if name in gone.edited_fields:
                kept.edited_fields = sorted({*kept.edited_fields, name})
    if gone.notes and gone.notes not in kept.notes:
        kept.notes = f"{kept.notes}\n\n{gone.notes}" if kept.notes else gone.notes
    for flag in FLAGS:
        setattr(kept, flag, getattr(kept, flag) or getattr(gone, flag))
    kept.aliases = sorted({*kept.aliases, *gone.aliases, gone.name} - {kept.name})
    kept.save()
    after = dump(kept)
    changed = [k for k in after if after[k] != before[k]]
    snap["kept"] = {
        "before": {k: before[k] for k in changed},
        "after": {k: after[k] for k in changed},
    }
    had = set(PersonTag.objects.filter(person_id=kept.id).values_list("tag_id", flat=True))
    new_tags = {t["tag_id"] for t in snap["tags"]} - had
    kept.tags.add(*new_tags)
    added = PersonTag.objects.filter(person_id=kept.id, tag_id__in=new_tags)
    snap["kept_tags"] = sorted(added.values_list("id", flat=True))


def give_person(snap: Snapshot, kept_id: int) -> Person:
    """Recreate the absorbed person and undo what the merge changed on the kept one.

    A kept person's field edited since the merge keeps its new value: nothing typed is lost.
    """
    recreate(Person, [snap["person"]])
    alive = _existing(Tag, {t["tag_id"] for t in snap["tags"]})
    recreate(PersonTag, [t for t in snap["tags"] if t["tag_id"] in alive])
    PersonTag.objects.filter(id__in=snap["kept_tags"], person_id=kept_id).delete()
    kept = Person.objects.get(id=kept_id)
    current = dump(kept)
    before, after = snap["kept"]["before"], snap["kept"]["after"]
    undo = {k: v for k, v in before.items() if k != "updated_at" and current[k] == after[k]}
    if len(undo) == len(before) - ("updated_at" in before):
        undo["updated_at"] = before.get("updated_at", current["updated_at"])
    fields = {f.attname: f for f in Person._meta.concrete_fields}
    Person.objects.filter(id=kept_id).update(**{k: fields[k].to_python(v) for k, v in undo.items()})
    return Person.objects.get(id=snap["person"]["id"])
