"""People as the CLI, the web app and the API see them: find, name, describe, create.

Every function takes the owner first; nothing here ever reaches another user's rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q, QuerySet

from goodwill.errors import Ambiguous, Conflict, NotFound, UsageError
from goodwill.identity import normalise
from goodwill.people.models import Identity, Person, Tag, Tie, TieSource, ordered_pair
from goodwill.vocab import IDENTITY_CHANNELS, TIE_KINDS, values

_ID_REF = re.compile(r"^#(\d+)$")
MAX_CANDIDATES_SHOWN = 8


def ensure_me(owner: AbstractBaseUser, name: str | None = None) -> Person:
    """The owner's own person record, created on first use."""
    me = Person.objects.filter(owner=owner, is_me=True).first()
    if me is None:
        display = name or owner.get_full_name() or owner.get_username()  # type: ignore[attr-defined]
        me = Person.objects.create(owner=owner, is_me=True, name=display)
    return me


def _identity_candidates(who: str) -> list[tuple[str, str]]:
    """Every (channel, normalised value) that the text could be."""
    found = []
    for channel in values(IDENTITY_CHANNELS):
        if channel == "facebook":
            continue  # a Facebook name is a name; names are matched below
        try:
            found.append((channel, normalise(channel, who)))
        except ValueError:
            continue
    return found


def _describe(person: Person) -> str:
    extra = f" ({person.organisation})" if person.organisation else ""
    return f"#{person.id} {person.name}{extra}"


def resolve(owner: AbstractBaseUser, who: str) -> Person:
    """Find one person from ``#ID``, ``me``, an e-mail, a handle or an unambiguous name."""
    text = (who or "").strip()
    if not text:
        raise UsageError("name a person: #ID, an e-mail, a handle or a name")
    mine = Person.objects.filter(owner=owner)
    if text.lower() == "me":
        return ensure_me(owner)
    if match := _ID_REF.match(text):
        person = mine.filter(id=int(match.group(1))).first()
        if person is None:
            raise NotFound(f"no person {text}")
        return person
    # A bare word may be a handle or a name: exact keys and exact names compete
    # on equal terms, so "bob" never silently picks the handle over a Bob.
    exact = Q(name__iexact=text)
    for channel, value in _identity_candidates(text):
        exact |= Q(identities__channel=channel, identities__value=value)
    for condition in (exact, Q(name__icontains=text)):
        hits = list(mine.filter(condition).distinct().order_by("id")[: MAX_CANDIDATES_SHOWN + 1])
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise Ambiguous(_ambiguity(text, hits))
    raise NotFound(f"no person matches {text!r}")


def _ambiguity(text: str, hits: list[Person]) -> str:
    shown = ", ".join(_describe(p) for p in hits[:MAX_CANDIDATES_SHOWN])
    more = " and more" if len(hits) > MAX_CANDIDATES_SHOWN else ""
    return f"{text!r} matches several people: {shown}{more}; name one as #ID"


def search(owner: AbstractBaseUser, query: str = "", tag: str = "") -> QuerySet[Person]:
    """People (not me) matching a free-text query over names, organisation and identities."""
    people = Person.objects.filter(owner=owner, is_me=False)
    for word in query.split():
        people = people.filter(
            Q(name__icontains=word)
            | Q(organisation__icontains=word)
            | Q(position__icontains=word)
            | Q(location__icontains=word)
            | Q(identities__value__icontains=word.lower())
            | Q(tags__name__iexact=word)
        )
    if tag:
        people = people.filter(tags__name__iexact=tag)
    if query or tag:
        people = people.distinct()
    return people.order_by("name", "id")


def with_list_details(people: QuerySet[Person]) -> QuerySet[Person]:
    """Everything a list row shows, fetched in a fixed number of queries."""
    return people.prefetch_related(
        Prefetch("identities", queryset=Identity.objects.order_by("channel", "value")),
        Prefetch("tags", queryset=Tag.objects.order_by("kind", "name")),
    ).annotate(last_contact=Max("interactions__occurred_at"))


def identity_payload(identity: Identity) -> dict[str, Any]:
    return {"channel": identity.channel, "value": identity.value, "display": identity.shown}


def list_payload(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "organisation": person.organisation,
        "identities": [identity_payload(i) for i in person.identities.all()],
        "tags": [t.name for t in person.tags.all()],
    }


def people_payload(people: QuerySet[Person]) -> dict[str, Any]:
    rows = list(with_list_details(people))
    return {"total": len(rows), "people": [list_payload(p) for p in rows]}


def ties_of(person: Person) -> QuerySet[Tie]:
    return (
        Tie.objects.filter(owner_id=person.owner_id)
        .filter(Q(a=person) | Q(b=person))
        .select_related("a", "b")
        .prefetch_related(Prefetch("sources", queryset=TieSource.objects.order_by("id")))
    )


def tie_payload(tie: Tie, person: Person) -> dict[str, Any]:
    other = tie.b if tie.a_id == person.id else tie.a
    entry: dict[str, Any] = {
        "id": other.id,
        "name": other.name,
        "kind": tie.kind,
        "strength": tie.strength,
        "since": tie.since.isoformat() if tie.since else None,
        "sources": sorted({str(s) for s in tie.sources.all()}),
    }
    if tie.directed:
        entry["direction"] = "out" if tie.a_id == person.id else "in"
    return entry


def person_payload(person: Person, interaction_limit: int | None = None) -> dict[str, Any]:
    """The documented ``person`` JSON shape (plus details), deterministic in order."""
    from goodwill.activity.services import favour_payload, interaction_payload, overture_payload

    ties = sorted(
        (tie_payload(t, person) for t in ties_of(person)),
        key=lambda t: (t["name"].casefold(), t["id"], t["kind"]),
    )
    interactions = person.interactions.order_by("-occurred_at", "-id").prefetch_related(
        "participants"
    )
    if interaction_limit is not None:
        interactions = interactions[:interaction_limit]
    return {
        "id": person.id,
        "name": person.name,
        "is_me": person.is_me,
        "organisation": person.organisation,
        "position": person.position,
        "location": person.location,
        "how_we_met": person.how_we_met,
        "met_on": person.met_on.isoformat() if person.met_on else None,
        "notes": person.notes,
        "tags": [{"name": t.name, "kind": t.kind} for t in person.tags.order_by("kind", "name")],
        "identities": [identity_payload(i) for i in person.identities.order_by("channel", "value")],
        "ties": ties,
        "interactions": [interaction_payload(i, person) for i in interactions],
        "favours": [favour_payload(f) for f in person.favours.order_by("-occurred_on", "-id")],
        "overtures": [overture_payload(o) for o in person.overtures.order_by("-sent_at", "-id")],
    }


def tie_counts(owner: AbstractBaseUser) -> dict[str, int]:
    rows = Tie.objects.filter(owner=owner).values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


@transaction.atomic
def create_person(
    owner: AbstractBaseUser,
    name: str,
    *,
    identities: Iterable[tuple[str, str]] = (),
    tags: Iterable[str] = (),
    **details: Any,
) -> Person:
    """Create a person typed in by the user; identity values are validated and normalised."""
    name = " ".join((name or "").split())
    if not name:
        raise UsageError("a person needs a name")
    normalised = []
    for channel, raw in identities:
        try:
            value = normalise(channel, raw)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
        clash = Identity.objects.filter(owner=owner, channel=channel, value=value).first()
        if clash is not None:
            raise Conflict(f"{channel} {value} already belongs to #{clash.person_id}")
        normalised.append((channel, value, raw.strip()))
    edited = sorted(["name", *[k for k, v in details.items() if v]])
    person = Person.objects.create(owner=owner, name=name, edited_fields=edited, **details)
    Identity.objects.bulk_create(
        Identity(owner=owner, person=person, channel=c, value=v, display=d)
        for c, v, d in normalised
    )
    set_tags(person, tags)
    return person


def set_tags(person: Person, names: Iterable[str], kind: str = "tag") -> None:
    cleaned = sorted({" ".join(n.split()).lower() for n in names if n and n.strip()})
    for tag_name in cleaned:
        tag, _ = Tag.objects.get_or_create(owner_id=person.owner_id, kind=kind, name=tag_name)
        person.tags.add(tag)


@transaction.atomic
def state_tie(owner: AbstractBaseUser, a: Person, b: Person, kind: str = "knows") -> Tie:
    """Record that the user says ``a`` and ``b`` are tied (idempotent)."""
    if kind not in values(TIE_KINDS):
        raise UsageError(f"unknown tie kind {kind!r}")
    if a.id == b.id:
        raise UsageError("a person cannot be tied to themselves")
    first, second = ordered_pair(a.id, b.id, kind)
    tie, _ = Tie.objects.get_or_create(owner=owner, a_id=first, b_id=second, kind=kind)
    TieSource.objects.get_or_create(tie=tie, kind="stated", detail="stated by you")
    return tie
