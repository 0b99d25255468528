"""The practice services on a small real database: tend, overtures, ledger, referrals,
next actions, the calendar feed and the e-mail digest (through a real SMTP server)."""

from __future__ import annotations

import datetime as dt
import socket
from decimal import Decimal

import pytest
from django.test import override_settings

from goodwill.activity.models import Favour, Interaction, Overture
from goodwill.activity.services import log_interaction, record_favour, record_overture
from goodwill.errors import NotFound, UsageError
from goodwill.practice import ledger, next_actions, overtures, referrals, reminders, tend
from goodwill.practice.models import ActionDone, StrengthOverride
from tests.practice.world import TODAY, at

pytestmark = pytest.mark.django_db


def losing_ids(owner, day=TODAY):
    return [
        row["person"]["id"] for row in tend.tend_payload(owner, day, limit=None)["losing_touch"]
    ]


def test_close_people_come_due_and_any_interaction_resets_the_clock(world):
    StrengthOverride.objects.create(owner=world.owner, person=world.ann, value=0.9)
    payload = tend.tend_payload(world.owner, TODAY)
    first = payload["losing_touch"][0]
    assert first["person"]["id"] == world.ann.id
    assert (first["cadence_days"], first["overdue_days"]) == (14, 6)
    assert first["reasons"][0].startswith("every 14 days: close (tie strength 0.90)")
    assert world.cy.id not in losing_ids(world.owner)  # seen three days ago
    log_interaction(world.owner, "like", [world.ann], direction="in", when=at(1))
    assert world.ann.id not in losing_ids(world.owner)


def test_tag_and_person_cadences(world):
    tend.set_tag_cadence(world.owner, "Friends", 90)  # tags are found whatever the case
    assert world.ann.id not in losing_ids(world.owner)
    tend.set_person_cadence(world.owner, world.bo, 30)
    row = next(
        r
        for r in tend.tend_payload(world.owner, TODAY)["losing_touch"]
        if r["person"]["id"] == world.bo.id
    )
    assert (row["cadence_from"], row["overdue_days"]) == ("set by you", 70)
    tend.set_person_cadence(world.owner, world.bo, 0)
    assert tend.cadences_payload(world.owner)["people"] == []
    assert tend.cadences_payload(world.owner)["tags"] == [{"tag": "friends", "days": 90}]
    with pytest.raises(NotFound, match="no tag 'nobody'"):
        tend.set_tag_cadence(world.owner, "nobody", 30)
    with pytest.raises(UsageError, match="invalid cadence"):
        tend.set_person_cadence(world.owner, world.bo, -1)
    with pytest.raises(UsageError):
        tend.set_person_cadence(world.owner, world.me, 10)


def test_a_cadence_with_no_contact_makes_someone_due_now(world):
    tend.set_person_cadence(world.owner, world.di, 30)
    row = next(
        r
        for r in tend.tend_payload(world.owner, TODAY)["losing_touch"]
        if r["person"]["id"] == world.di.id
    )
    assert row["last_contact"] is None
    assert "no contact yet" in row["reasons"]


def test_snooze_hides_until_the_day(world):
    tend.set_person_cadence(world.owner, world.bo, 30)
    tend.snooze(world.owner, world.bo, TODAY + dt.timedelta(days=5), TODAY)
    assert world.bo.id not in losing_ids(world.owner)
    assert world.bo.id in losing_ids(world.owner, TODAY + dt.timedelta(days=5))
    with pytest.raises(UsageError, match="a snooze ends in the future"):
        tend.snooze(world.owner, world.bo, TODAY, TODAY)
    tend.snooze(world.owner, world.bo, None)
    assert world.bo.id in losing_ids(world.owner)


def test_follow_up_after_meeting_someone_new(world):
    assert [m["person"]["id"] for m in tend.tend_payload(world.owner, TODAY)["follow_ups"]] == [
        world.cy.id
    ]
    log_interaction(world.owner, "email", [world.cy], direction="out", when=at(1))
    assert tend.tend_payload(world.owner, TODAY)["follow_ups"] == []


def test_answers_and_first_emails_are_noticed(world):
    cold = record_overture(world.owner, world.di, channel="email", when=at(40))
    late = record_overture(world.owner, world.bo, channel="email", when=at(90))
    log_interaction(world.owner, "email", [world.di], direction="out", when=at(39))
    assert overtures.mark_answered(world.owner) == 0  # our own follow-up is no answer
    log_interaction(world.owner, "email", [world.di], direction="in", when=at(35))
    assert overtures.mark_answered(world.owner) == 1
    cold.refresh_from_db()
    late.refresh_from_db()
    assert cold.answered_at == at(35)
    assert late.answered_at is None  # Bo wrote 10 days *before* it
    # A first e-mail from you is an overture; found once, whatever the number of refreshes.
    zed = world.owner.person_set.create(name="Zed Ray")
    log_interaction(world.owner, "email", [zed], direction="out", when=at(8))
    assert overtures.refresh(world.owner) == {"detected": 1, "answered": 0}
    assert overtures.refresh(world.owner) == {"detected": 0, "answered": 0}
    found = Overture.objects.get(owner=world.owner, person=zed)
    assert (found.approach, found.channel, found.sent_at) == ("first e-mail", "email", at(8))


def test_two_unanswered_overtures_put_someone_on_the_stop_list(world):
    record_overture(world.owner, world.di, channel="linkedin", when=at(60))
    assert overtures.stop_list(world.owner) == set()
    record_overture(world.owner, world.di, channel="linkedin", when=at(30))
    assert overtures.stop_list(world.owner) == {world.di.id}
    payload = overtures.overtures_payload(world.owner)
    assert payload["stopped"] == [{"id": world.di.id, "name": "Di Shaw"}]
    assert payload["by_channel"] == [{"key": "linkedin", "sent": 2, "answered": 0, "rate": 0.0}]
    # Never offered as a next action again.
    keys = [a.key for a in next_actions.next_actions(world.owner, TODAY)]
    assert not [k for k in keys if k.endswith(f":{world.di.id}")]


def test_ledger_balance_thanks_and_ideas_to_give_back(world):
    one = record_favour(
        world.owner, "received", world.ann, "Read my draft", on=TODAY - dt.timedelta(days=9)
    )
    record_favour(
        world.owner, "received", world.ann, "Lent a tent", on=TODAY - dt.timedelta(days=5)
    )
    record_favour(world.owner, "given", world.bo, "Fixed a CV", on=TODAY - dt.timedelta(days=5))
    payload = ledger.ledger_payload(world.owner, day=TODAY)
    assert [f["what"] for f in payload["to_thank"]] == ["Read my draft", "Lent a tent"]
    ann_row = next(b for b in payload["balances"] if b["person"]["id"] == world.ann.id)
    assert (ann_row["given"], ann_row["received"], ann_row["balance"]) == (0, 2, -2)
    ideas = payload["give_back"][0]["ideas"]
    assert payload["give_back"][0]["person"]["id"] == world.ann.id
    assert [i["kind"] for i in ideas][:2] == ["share", "refer"]
    assert (
        ideas[1]["text"]
        == "Refer Di Shaw, who needs a proofreader, to Ann Lee (offers proofreading)"
    )
    thanked = ledger.thank(world.owner, favour_id=one.id, day=TODAY)
    assert [f.acknowledged_on for f in thanked] == [TODAY]
    with pytest.raises(UsageError, match="already acknowledged"):
        ledger.thank(world.owner, favour_id=one.id)
    ledger.thank(world.owner, person=world.ann, day=TODAY)
    assert not Favour.objects.filter(
        owner=world.owner, acknowledged_on=None, direction="received"
    ).exists()
    with pytest.raises(NotFound, match="no unthanked favour"):
        ledger.thank(world.owner, person=world.ann)


def test_referrals_thanks_owed_and_what_brought_the_work(world):
    from goodwill.activity.models import Channel, Outcome

    channel = Channel.objects.create(owner=world.owner, key="linkedin", name="LinkedIn")
    won = referrals.record_referral(
        world.owner, world.ann, world.me, world.bo, "Keynote", value=Decimal("500"),
        status="won", on=TODAY, channel="linkedin",
    )  # fmt: skip
    outcome = Outcome.objects.create(
        owner=world.owner, title="Keynote", value=Decimal("500"), occurred_on=TODAY, referral=won
    )
    outcome.people.add(world.ann)
    outcome.channels.add(channel)
    payload = referrals.referrals_payload(world.owner)
    assert [r["id"] for r in payload["thanks_owed"]] == [won.id]
    work = payload["brought_work"]
    assert work["total_value"] == "500.00"
    assert work["by_person"] == [
        {"person": {"id": world.ann.id, "name": "Ann Lee"}, "outcomes": 1, "value": "500.00"}
    ]
    assert work["by_channel"][0]["name"] == "LinkedIn"
    with pytest.raises(UsageError, match="three different people"):
        referrals.record_referral(world.owner, world.ann, world.ann, world.bo, "x")
    with pytest.raises(NotFound, match="no channel"):
        referrals.record_referral(world.owner, world.ann, world.me, world.bo, "x", channel="fax")
    referrals.thank_referral(world.owner, won.id, TODAY)
    assert referrals.referrals_payload(world.owner)["thanks_owed"] == []


def test_next_actions_can_each_be_done_in_one_step(world):
    StrengthOverride.objects.create(owner=world.owner, person=world.ann, value=0.9)
    favour = record_favour(world.owner, "received", world.bo, "Sent me a client", on=TODAY)
    found = {a.key: a for a in next_actions.next_actions(world.owner, TODAY)}
    assert f"thank:favour:{favour.id}" in found
    assert f"follow_up:meeting:{world.cy.id}" in found
    assert f"reach_out:{world.ann.id}" in found
    assert found[f"reach_out:{world.ann.id}"].reason.startswith("every 14 days")

    done = next_actions.mark_done(world.owner, f"reach_out:{world.ann.id}", day=TODAY)
    assert done["done"] == "logged a message to Ann Lee"
    assert Interaction.objects.filter(
        owner=world.owner, participants=world.ann, kind="message", direction="out"
    ).exists()
    next_actions.mark_done(world.owner, f"thank:favour:{favour.id}", day=TODAY)
    favour.refresh_from_db()
    assert favour.acknowledged_on == TODAY
    next_actions.mark_done(world.owner, f"follow_up:meeting:{world.cy.id}", day=TODAY)
    next_actions.mark_done(world.owner, f"introduce:{world.bo.id}:{world.di.id}", day=TODAY)
    assert Interaction.objects.filter(subject="Introduced Bo Chen and Di Shaw").count() == 1
    assert ActionDone.objects.filter(owner=world.owner).count() == 4
    left = {a.key for a in next_actions.next_actions(world.owner, TODAY)}
    assert not left & set(found) - {f"give_back:{world.bo.id}"}
    for bad in ("reach_out:abc", "fly:1", "thank:favour"):
        with pytest.raises(UsageError, match="invalid action"):
            next_actions.mark_done(world.owner, bad)


def test_another_users_rows_are_not_found(world, other_user):
    favour = record_favour(world.owner, "received", world.bo, "A loan")
    with pytest.raises(NotFound):
        ledger.thank(other_user, favour_id=favour.id)
    with pytest.raises(NotFound):
        next_actions.mark_done(other_user, f"reach_out:{world.ann.id}")
    with pytest.raises(NotFound):
        tend.set_person_cadence(other_user, world.ann, 10)
    with pytest.raises(NotFound):
        referrals.thank_referral(other_user, 1)


def test_the_calendar_feed_is_valid_icalendar_behind_a_replaceable_token(world):
    StrengthOverride.objects.create(owner=world.owner, person=world.ann, value=0.9)
    text = reminders.calendar(world.owner, TODAY)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "SUMMARY:Get in touch with Ann Lee" in text
    assert "DTSTART;VALUE=DATE:20260301" in text  # overdue: today
    assert "SUMMARY:Follow up with Cy Park" in text
    import icalendar

    calendar = icalendar.Calendar.from_ical(text)
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert "Get in touch with Ann Lee" in summaries

    found, token = reminders.regenerate_token(world.owner)
    assert len(token) >= 32
    assert token not in str(
        type(found).objects.filter(pk=found.pk).values().get()
    )  # only its hash is stored
    assert reminders.owner_for_token(token) == world.owner
    reminders.regenerate_token(world.owner)
    assert reminders.owner_for_token(token) is None
    assert reminders.owner_for_token("") is None


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback that keeps what it receives."""
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def test_the_digest_goes_through_a_real_smtp_server(world, smtp_server):
    import email
    from email import policy

    controller, handler = smtp_server
    StrengthOverride.objects.create(owner=world.owner, person=world.ann, value=0.9)
    reminders.set_digest(world.owner, "weekly", "ann@owner.example")
    port = controller.port
    backend = "django.core.mail.backends.smtp.EmailBackend"
    with override_settings(
        EMAIL_BACKEND=backend, EMAIL_HOST="127.0.0.1", EMAIL_PORT=port, EMAIL_USE_TLS=False
    ):
        assert reminders.send_due(TODAY) == ["owner"]
        assert reminders.send_due(TODAY) == []  # weekly: not again today
    assert len(handler.messages) == 1
    envelope = handler.messages[0]
    assert envelope.rcpt_tos == ["ann@owner.example"]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"].startswith("goodwill: ")
    text = message.get_body(("plain",)).get_content()
    assert "Get in touch with Ann Lee" in text
    assert "Follow up with Cy Park" in text
    assert "Ann Lee" in message.get_body(("html",)).get_content()


def test_the_digest_needs_an_address(world):
    world.owner.email = ""
    world.owner.save()
    with pytest.raises(UsageError, match="no address for the digest"):
        reminders.build_digest(world.owner, TODAY)
    with pytest.raises(UsageError, match="unknown digest frequency"):
        reminders.set_digest(world.owner, "hourly")
