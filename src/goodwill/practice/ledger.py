"""The reciprocity ledger from the database: favours, balances, thanks owed, ideas to give back."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Max

from goodwill.activity.models import Favour, Post
from goodwill.activity.services import favour_payload
from goodwill.errors import NotFound, UsageError
from goodwill.insights import ledger as rules
from goodwill.people.models import Identity, Person
from goodwill.practice.tend import today_or

logger = logging.getLogger(__name__)

GIVE_BACK_PEOPLE = 10
FAVOURS_SHOWN = 100
INTRODUCTIONS_CONSIDERED = 40


def favour_facts(owner: AbstractBaseUser, person: Person | None = None) -> list[rules.FavourFact]:
    rows = Favour.objects.filter(owner=owner)
    if person is not None:
        rows = rows.filter(person=person)
    return [
        rules.FavourFact(*row)
        for row in rows.values_list(
            "id", "person_id", "direction", "what", "occurred_on", "acknowledged_on", "returned_on"
        )
    ]


def introductions_for(owner: AbstractBaseUser) -> dict[int, list[tuple[int, str]]]:
    """Person id → people the graph suggests introducing them to (empty when unavailable)."""
    try:
        from goodwill.network.queries import introduce_payload

        pairs = introduce_payload(owner, k=INTRODUCTIONS_CONSIDERED)["pairs"]
    except Exception:  # the graph is optional here: ideas simply leave introductions out
        logger.warning("introductions unavailable for the ledger", exc_info=True)
        return {}
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pair in pairs:
        a, b = pair["a"], pair["b"]
        found[a["id"]].append((b["id"], b["name"]))
        found[b["id"]].append((a["id"], a["name"]))
    return found


def person_facts(
    owner: AbstractBaseUser, people: dict[int, str], introductions: dict[int, list[tuple[int, str]]]
) -> dict[int, rules.PersonFacts]:
    ids = list(people)
    offers: dict[int, list[str]] = defaultdict(list)
    for person_id, name in Person.tags.through.objects.filter(
        person_id__in=ids, tag__kind="offer"
    ).values_list("person_id", "tag__name"):
        offers[person_id].append(name)
    channels: dict[int, list[tuple[str, str]]] = defaultdict(list)
    order = list(rules.SHARE_CHANNELS)
    for person_id, channel, value, display in (
        Identity.objects.filter(person_id__in=ids, channel__in=order)
        .order_by("id")
        .values_list("person_id", "channel", "value", "display")
    ):
        channels[person_id].append((channel, display or value))
    mentions: dict[int, tuple[str, dt.date, str]] = {}
    latest = (
        Post.mentions.through.objects.filter(person_id__in=ids)
        .values("person_id")
        .annotate(last=Max("post__published_at"))
    )
    wanted = {(row["person_id"], row["last"]) for row in latest}
    if wanted:
        for person_id, channel, at, text in Post.mentions.through.objects.filter(
            person_id__in={p for p, _ in wanted}, post__published_at__in={t for _, t in wanted}
        ).values_list("person_id", "post__channel", "post__published_at", "post__text"):
            if (person_id, at) in wanted:
                mentions[person_id] = (channel, at.date(), " ".join(text.split()))
    return {
        pid: rules.PersonFacts(
            person_id=pid,
            name=name,
            offers=tuple(sorted(offers[pid])),
            channels=tuple(sorted(channels[pid], key=lambda c: order.index(c[0]))),
            last_mention=mentions.get(pid),
            introduce_to=tuple(introductions.get(pid, ())),
        )
        for pid, name in people.items()
    }


def all_needs(owner: AbstractBaseUser) -> list[rules.Need]:
    rows = Person.tags.through.objects.filter(
        person__owner=owner, person__is_me=False, tag__kind="need"
    ).values_list("person_id", "person__name", "tag__name")
    return [rules.Need(*row) for row in rows.order_by("person__name", "person_id", "tag__name")]


def give_back(
    owner: AbstractBaseUser, people: dict[int, str], *, with_introductions: bool = True
) -> list[rules.GiveBack]:
    """Ideas to give back for each of ``people`` (id → name), in the given order."""
    if not people:
        return []
    introductions = introductions_for(owner) if with_introductions else {}
    found = person_facts(owner, people, introductions)
    needs = all_needs(owner)
    return [
        rules.GiveBack(pid, name, rules.give_back_ideas(found[pid], needs))
        for pid, name in people.items()
    ]


def _names(owner: AbstractBaseUser, ids: set[int]) -> dict[int, str]:
    return dict(Person.objects.filter(owner=owner, id__in=ids).values_list("id", "name"))


def _ref(pid: int, names: dict[int, str]) -> dict[str, Any]:
    return {"id": pid, "name": names.get(pid, "")}


def ledger_payload(
    owner: AbstractBaseUser,
    person: Person | None = None,
    *,
    day: dt.date | None = None,
    with_introductions: bool = True,
) -> dict[str, Any]:
    """Favours both ways, a balance per person, thanks owed, and ideas to give back."""
    day = today_or(day)
    found = [f for f in favour_facts(owner, person) if f.on <= day]
    balances = rules.balances(found)
    names = _names(owner, set(balances))
    owed = rules.owed_most(balances)[:GIVE_BACK_PEOPLE]
    if person is not None:
        owed = [balances[person.id]] if person.id in balances else []
    ideas = give_back(
        owner, {b.person_id: names.get(b.person_id, "") for b in owed},
        with_introductions=with_introductions,
    )  # fmt: skip
    recent = sorted(found, key=lambda f: (f.on, f.id), reverse=True)[:FAVOURS_SHOWN]
    return {
        "as_of": day.isoformat(),
        "person": {"id": person.id, "name": person.name} if person is not None else None,
        "given": sum(f.direction == "given" for f in found),
        "received": sum(f.direction == "received" for f in found),
        "to_thank": [
            {"id": f.id, "person": _ref(f.person_id, names), "what": f.what, "on": f.on.isoformat()}
            for f in rules.to_thank(found)
        ],
        "balances": [
            {
                "person": _ref(b.person_id, names),
                "given": b.given,
                "received": b.received,
                "balance": b.balance,
                "unthanked": b.unthanked,
                "last_on": b.last_on.isoformat() if b.last_on else None,
            }
            for b in sorted(
                balances.values(), key=lambda b: (b.balance, names.get(b.person_id, ""))
            )
        ],
        "give_back": [
            {
                "person": {"id": g.person_id, "name": g.name},
                "ideas": [
                    {
                        "kind": i.kind,
                        "text": i.text,
                        "other": {"id": i.other_id, "name": i.other_name}
                        if i.other_id is not None
                        else None,
                    }
                    for i in g.ideas
                ],
            }
            for g in ideas
        ],
        "favours": [
            {
                "id": f.id,
                "person": _ref(f.person_id, names),
                "direction": f.direction,
                "what": f.what,
                "on": f.on.isoformat(),
                "acknowledged_on": f.acknowledged_on.isoformat() if f.acknowledged_on else None,
                "returned_on": f.returned_on.isoformat() if f.returned_on else None,
            }
            for f in recent
        ],
    }


def thank(
    owner: AbstractBaseUser,
    *,
    person: Person | None = None,
    favour_id: int | None = None,
    day: dt.date | None = None,
) -> list[Favour]:
    """Mark one received favour, or every unthanked one from a person, as acknowledged."""
    rows = Favour.objects.filter(owner=owner, direction="received", acknowledged_on=None)
    if favour_id is not None:
        favour = Favour.objects.filter(owner=owner, pk=favour_id).first()
        if favour is None:
            raise NotFound(f"no favour #{favour_id}")
        if favour.direction != "received":
            raise UsageError(f"favour #{favour_id} is one you gave: nothing to thank for")
        if favour.acknowledged_on is not None:
            raise UsageError(
                f"favour #{favour_id} was already acknowledged on {favour.acknowledged_on}"
            )
        rows = rows.filter(pk=favour_id)
    elif person is not None:
        rows = rows.filter(person=person)
    else:
        raise UsageError("name a person or a favour to thank for")
    found = list(rows.order_by("occurred_on", "id"))
    if not found:
        who = person.name if person is not None else "them"
        raise NotFound(f"no unthanked favour from {who}")
    when = today_or(day)
    Favour.objects.filter(pk__in=[f.pk for f in found]).update(acknowledged_on=when)
    for f in found:
        f.acknowledged_on = when
    return found


def thanked_payload(found: list[Favour]) -> dict[str, Any]:
    return {"thanked": [favour_payload(f) | {"person_id": f.person_id} for f in found]}
