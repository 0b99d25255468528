"""Next actions from every practice, and marking one done (which logs what was done).

Candidates and their scores:

- *thank*: an unacknowledged favour (0.95 in its first month, then 0.9 falling slowly with
  age) or a won referral whose referrer was never thanked (0.92, falling slowly with age);
- *follow up*: someone new met at a meeting or event in the last three weeks with no contact
  since (0.85), or an overture unanswered for a fortnight and below the stop limit (0.5);
- *reach out*: the losing-touch list, scored by what is at stake (0.4 + a quarter of
  strength x overdue ratio, at most 0.8); people on the overture stop list are left out;
- *give back*: people who did more for you than you for them, with a concrete idea (0.6);
- *introduce*: the graph's best introduction of two of your people (0.55).

Done actions are remembered (``ActionDone``) for ``DONE_QUIET_DAYS`` so they are not offered
again at once; doing one also records it where it belongs (an interaction, a thank-you).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from goodwill.activity.models import Favour, Overture
from goodwill.activity.services import log_interaction, record_favour
from goodwill.errors import NotFound, UsageError
from goodwill.insights import ledger as ledger_rules
from goodwill.insights import next_actions as rules
from goodwill.insights import overtures as overture_rules
from goodwill.insights import tend as tend_rules
from goodwill.people.models import Person
from goodwill.practice import ledger, memo, overtures, referrals
from goodwill.practice import tend as tend_data
from goodwill.practice.models import ActionDone

logger = logging.getLogger(__name__)

DONE_QUIET_DAYS = 14
RECENT_FAVOUR_DAYS = 30
REACH_OUT_CONSIDERED = 10
INTRODUCTIONS_CONSIDERED = 5
KINDS = rules.KINDS


def _thank_candidates(owner: AbstractBaseUser, day: dt.date) -> list[rules.Action]:
    found = []
    rows = (
        Favour.objects.filter(
            owner=owner, direction="received", acknowledged_on=None, occurred_on__lte=day
        )
        .select_related("person")
        .order_by("-occurred_on", "-id")[:20]
    )
    for favour in rows:
        age = (day - favour.occurred_on).days
        found.append(
            rules.Action(
                key=f"thank:favour:{favour.id}",
                kind="thank",
                title=f"Thank {favour.person.name}",
                reason=f"{favour.what} ({favour.occurred_on.isoformat()}), never acknowledged",
                score=0.95 if age <= RECENT_FAVOUR_DAYS else max(0.6, 0.9 - age / 1000),
                person_id=favour.person_id,
                person_name=favour.person.name,
            )
        )
    for referral in referrals.referrers_to_thank(owner)[:10]:
        value = f", worth {referral.value:.2f}" if referral.value is not None else ""
        found.append(
            rules.Action(
                key=f"thank:referral:{referral.id}",
                kind="thank",
                title=f"Thank {referral.referrer.name} for the referral",
                reason=f"{referral.what} (won{value})",
                score=max(0.6, 0.92 - (day - (referral.closed_on or day)).days / 1000),
                person_id=referral.referrer_id,
                person_name=referral.referrer.name,
            )
        )
    return found


def _follow_up_candidates(
    owner: AbstractBaseUser, day: dt.date, stopped: set[int], facts: list[Any]
) -> list[rules.Action]:
    found = []
    for meeting in tend_rules.follow_ups(tend_data.first_meetings(owner, day), day):
        found.append(
            rules.Action(
                key=f"follow_up:meeting:{meeting.person_id}",
                kind="follow_up",
                title=f"Follow up with {meeting.name}",
                reason=f"first met at a {meeting.kind} on {meeting.met_on.isoformat()}; "
                "no contact since",
                score=0.85,
                person_id=meeting.person_id,
                person_name=meeting.name,
            )
        )
    now = tend_data.end_of(day)
    retry = [o for o in overture_rules.worth_another_try(facts, now) if o.person_id not in stopped]
    names = dict(
        Person.objects.filter(owner=owner, id__in={o.person_id for o in retry}).values_list(
            "id", "name"
        )
    )
    for o in retry[-5:]:
        name = names.get(o.person_id, "")
        found.append(
            rules.Action(
                key=f"follow_up:overture:{o.id}",
                kind="follow_up",
                title=f"Try {name} once more",
                reason=f"your {o.approach or 'overture'} on {o.channel} of "
                f"{timezone.localdate(o.sent_at).isoformat()} is unanswered",
                score=0.5,
                person_id=o.person_id,
                person_name=name,
            )
        )
    return found


def _reach_out_candidates(
    owner: AbstractBaseUser, day: dt.date, stopped: set[int]
) -> list[rules.Action]:
    losing = tend_rules.losing_touch(tend_data.contacts(owner, day), day)
    found = []
    for due in [d for d in losing if d.person_id not in stopped][:REACH_OUT_CONSIDERED]:
        found.append(
            rules.Action(
                key=f"reach_out:{due.person_id}",
                kind="reach_out",
                title=f"Get in touch with {due.name}",
                reason="; ".join(due.reasons),
                score=min(0.8, 0.4 + due.stake / 4),
                person_id=due.person_id,
                person_name=due.name,
            )
        )
    return found


def _give_back_candidates(owner: AbstractBaseUser, day: dt.date) -> list[rules.Action]:
    balances = ledger_rules.balances(f for f in ledger.favour_facts(owner) if f.on <= day)
    owing = ledger_rules.owed_most(balances)[:5]
    if not owing:
        return []
    names = dict(
        Person.objects.filter(owner=owner, id__in=[b.person_id for b in owing]).values_list(
            "id", "name"
        )
    )
    found = []
    ideas = ledger.give_back(
        owner, {b.person_id: names.get(b.person_id, "") for b in owing}, with_introductions=False
    )
    for balance, give in zip(owing, ideas, strict=True):
        if not give.ideas:
            continue
        idea = give.ideas[0]
        found.append(
            rules.Action(
                key=f"give_back:{give.person_id}",
                kind="give_back",
                title=idea.text,
                reason=f"{give.name} has done {-balance.balance} more "
                f"favour{'s' if balance.balance < -1 else ''} for you than you for them",
                score=0.6,
                person_id=give.person_id,
                person_name=give.name,
                other_id=idea.other_id,
                other_name=idea.other_name,
            )
        )
    return found


def _introduce_candidates(owner: AbstractBaseUser, stopped: set[int]) -> list[rules.Action]:
    try:
        from goodwill.network.queries import introduce_payload

        pairs = introduce_payload(owner, k=INTRODUCTIONS_CONSIDERED)["pairs"]
    except Exception:  # the graph is optional: next actions simply leave introductions out
        logger.warning("introductions unavailable for next actions", exc_info=True)
        return []
    found = []
    for pair in pairs:
        a, b = pair["a"], pair["b"]
        if a["id"] in stopped or b["id"] in stopped:
            continue
        low, high = sorted((a["id"], b["id"]))
        found.append(
            rules.Action(
                key=f"introduce:{low}:{high}",
                kind="introduce",
                title=f"Introduce {a['name']} and {b['name']}",
                reason="; ".join(pair.get("reasons") or ["they should meet"]),
                score=0.55,
                person_id=a["id"],
                person_name=a["name"],
                other_id=b["id"],
                other_name=b["name"],
            )
        )
    return found


def done_keys(owner: AbstractBaseUser, day: dt.date) -> set[str]:
    since = tend_data.end_of(day - dt.timedelta(days=DONE_QUIET_DAYS + 1))
    return set(
        ActionDone.objects.filter(owner=owner, done_at__gte=since).values_list("key", flat=True)
    )


def candidates(
    owner: AbstractBaseUser, day: dt.date, kinds: tuple[str, ...] = KINDS
) -> list[rules.Action]:
    overtures.refresh(owner)
    facts = overtures.facts(owner)
    stopped = overture_rules.stop_list(facts)
    found: list[rules.Action] = []
    with memo.reading(owner):  # from here on nothing is written
        if "thank" in kinds:
            found += _thank_candidates(owner, day)
        if "follow_up" in kinds:
            found += _follow_up_candidates(owner, day, stopped, facts)
        if "reach_out" in kinds:
            found += _reach_out_candidates(owner, day, stopped)
        if "give_back" in kinds:
            found += _give_back_candidates(owner, day)
        if "introduce" in kinds:
            found += _introduce_candidates(owner, stopped)
    return found


def next_actions(
    owner: AbstractBaseUser,
    day: dt.date | None = None,
    *,
    kinds: tuple[str, ...] = KINDS,
    limit: int = rules.HANDFUL,
) -> list[rules.Action]:
    day = tend_data.today_or(day)
    return rules.pick(candidates(owner, day, kinds), done_keys(owner, day), limit=limit)


def action_payload(action: rules.Action) -> dict[str, Any]:
    return {
        "key": action.key,
        "kind": action.kind,
        "label": action.label,
        "title": action.title,
        "reason": action.reason,
        "score": round(action.score, 4),
        "person": {"id": action.person_id, "name": action.person_name},
        "other": {"id": action.other_id, "name": action.other_name}
        if action.other_id is not None
        else None,
    }


def next_payload(owner: AbstractBaseUser, day: dt.date | None = None) -> dict[str, Any]:
    day = tend_data.today_or(day)
    return {
        "as_of": day.isoformat(),
        "actions": [action_payload(a) for a in next_actions(owner, day)],
    }


# -- done -----


def _person(owner: AbstractBaseUser, person_id: int) -> Person:
    found = Person.objects.filter(owner=owner, pk=person_id, is_me=False).first()
    if found is None:
        raise NotFound(f"no person #{person_id}")
    return found


def _number(text: str, key: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"invalid action {key!r}") from None


@transaction.atomic
def mark_done(
    owner: AbstractBaseUser, key: str, *, day: dt.date | None = None, note: str = ""
) -> dict[str, Any]:
    """Mark a next action done, recording what was done; returns what was logged."""
    day = tend_data.today_or(day)
    noon = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    when = timezone.now() if day == timezone.localdate() else noon
    parts = key.strip().split(":")
    kind = parts[0]
    person: Person | None = None
    logged = ""
    if kind == "thank" and len(parts) == 3 and parts[1] == "favour":
        thanked = ledger.thank(owner, favour_id=_number(parts[2], key), day=day)
        person = thanked[0].person
        logged = f"thanked {person.name}"
    elif kind == "thank" and len(parts) == 3 and parts[1] == "referral":
        referral = referrals.thank_referral(owner, _number(parts[2], key), day)
        person = referral.referrer
        logged = f"thanked {person.name} for the referral"
    elif kind in {"reach_out", "give_back"} and len(parts) == 2:
        person = _person(owner, _number(parts[1], key))
        if kind == "reach_out":
            log_interaction(
                owner,
                "message",
                [person],
                direction="out",
                when=when,
                note=note or "Got in touch (next actions)",
            )
            logged = f"logged a message to {person.name}"
        else:
            record_favour(owner, "given", person, note or "Gave back (next actions)", on=day)
            logged = f"recorded a favour for {person.name}"
    elif kind == "follow_up" and len(parts) == 3 and parts[1] in {"meeting", "overture"}:
        if parts[1] == "meeting":
            person = _person(owner, _number(parts[2], key))
            channel = None
        else:
            overture = Overture.objects.filter(owner=owner, pk=_number(parts[2], key)).first()
            if overture is None:
                raise NotFound(f"no overture #{parts[2]}")
            person = overture.person
            channel = overture.channel
            Overture.objects.create(
                owner=owner,
                person=person,
                channel=channel,
                approach="follow-up",
                sent_at=when,
                note=note,
            )
        log_interaction(
            owner,
            "message",
            [person],
            channel=channel,
            direction="out",
            when=when,
            note=note or "Followed up (next actions)",
        )
        logged = f"logged a follow-up to {person.name}"
    elif kind == "introduce" and len(parts) == 3:
        a = _person(owner, _number(parts[1], key))
        b = _person(owner, _number(parts[2], key))
        log_interaction(
            owner,
            "message",
            [a, b],
            direction="out",
            when=when,
            subject=f"Introduced {a.name} and {b.name}",
            note=note,
        )
        person = a
        logged = f"logged the introduction of {a.name} and {b.name}"
    else:
        raise UsageError(f"invalid action {key!r}")
    ActionDone.objects.create(owner=owner, key=key.strip(), kind=kind, person=person, done_at=when)
    return {"key": key.strip(), "kind": kind, "done": logged}
