"""Overtures, tend and next actions on real inputs: part of the Enron mailbox of Lynn Blair
(her inbox and sent mail, 330 messages) and the seed-7 demo network."""

from __future__ import annotations

import datetime as dt
import tarfile
from collections import defaultdict

import pytest
from django.db.models import Q

from goodwill.activity.models import Favour, Interaction, Overture, Participant
from goodwill.people.models import Person
from goodwill.practice import ledger, next_actions, overtures, tend
from tests.conftest import DEMO_AS_OF, shared_data

pytestmark = pytest.mark.django_db
FOLDERS = ("maildir/blair-l/inbox/", "maildir/blair-l/_sent_mail/")


@pytest.fixture
def enron_mailbox(tmp_path):
    archive = shared_data("enron-maildir-sample", "enron_maildir_badeer-r_blair-l.tar.gz")
    with tarfile.open(archive) as tar:
        wanted = [m for m in tar.getmembers() if m.isfile() and m.name.startswith(FOLDERS)]
        tar.extractall(tmp_path, members=wanted, filter="data")
    return tmp_path / "maildir" / "blair-l", len(wanted)


def test_first_emails_and_their_answers_in_a_real_mailbox(owner, enron_mailbox):
    from goodwill.imports.service import run_import

    folder, count = enron_mailbox
    assert count == 330
    run_import(owner, [folder])
    found = overtures.refresh(owner)
    assert found["detected"] > 20
    assert overtures.refresh(owner) == {"detected": 0, "answered": 0}  # idempotent

    # Checked independently, from every interaction in time order.
    history = defaultdict(list)
    rows = Participant.objects.filter(interaction__owner=owner).values_list(
        "person_id", "interaction__occurred_at", "interaction__kind", "interaction__direction"
    )
    for person_id, at, kind, direction in rows.order_by(
        "interaction__occurred_at", "interaction_id"
    ):
        history[person_id].append((at, kind, direction))
    opened_by_me = {pid for pid, h in history.items() if h[0][1] == "email" and h[0][2] == "out"}
    detected = Overture.objects.filter(owner=owner, approach=overtures.FIRST_EMAIL)
    left_out = Person.objects.filter(owner=owner).filter(Q(bulk=True) | Q(is_me=True))
    bulk = set(left_out.values_list("id", flat=True))  # you and mailing lists are no overture
    assert {o.person_id for o in detected} == opened_by_me - bulk
    window = dt.timedelta(days=overtures.ANSWER_WINDOW_DAYS)
    answered = 0
    for overture in detected:
        assert overture.sent_at == history[overture.person_id][0][0]
        replies = [
            at
            for at, _kind, direction in history[overture.person_id]
            if direction in ("in", "both") and overture.sent_at < at <= overture.sent_at + window
        ]
        assert overture.answered_at == (replies[0] if replies else None)
        answered += bool(replies)
    assert 0 < answered < detected.count()
    rates = overtures.overtures_payload(owner)["by_approach"]
    assert rates == [
        {
            "key": "first e-mail",
            "sent": detected.count(),
            "answered": answered,
            "rate": round(answered / detected.count(), 4),
        }
    ]


DAY = dt.date.fromisoformat(DEMO_AS_OF)


def test_the_demo_losing_touch_list(demo_owner):
    payload = tend.tend_payload(demo_owner, DAY, limit=None)
    rows = payload["losing_touch"]
    assert 100 < len(rows) < payload["tended"]
    stakes = [r["stake"] for r in rows]
    assert stakes == sorted(stakes, reverse=True)
    assert all(r["overdue_days"] >= 0 for r in rows)
    first = rows[0]
    # The most at stake is someone close, only a little overdue, not someone long forgotten.
    assert first["cadence_days"] == 14
    assert first["strength"] >= 0.6
    last_contact = (
        Interaction.objects.filter(owner=demo_owner, participants=first["person"]["id"])
        .order_by("-occurred_at")
        .first()
    )
    assert first["last_contact"] == last_contact.occurred_at.date().isoformat()


def test_the_demo_ledger_and_next_actions(demo_owner):
    payload = ledger.ledger_payload(demo_owner, day=DAY, with_introductions=False)
    owed = Favour.objects.filter(
        owner=demo_owner, direction="received", acknowledged_on=None, occurred_on__lte=DAY
    )
    assert {f["id"] for f in payload["to_thank"]} == set(owed.values_list("id", flat=True))
    assert payload["given"] + payload["received"] == Favour.objects.filter(owner=demo_owner).count()
    assert sum(b["balance"] for b in payload["balances"]) == payload["given"] - payload["received"]

    actions = next_actions.next_payload(demo_owner, DAY)["actions"]
    kinds = {a["kind"] for a in actions}
    assert len(actions) == 10
    assert len({a["key"] for a in actions}) == 10
    assert {"thank", "reach_out", "give_back", "follow_up"} <= kinds
    stopped = overtures.stop_list(demo_owner)
    assert stopped
    assert not {a["person"]["id"] for a in actions} & stopped
