"""The pure rules of the practice area (no database): tend, ledger, overtures, next actions."""

from __future__ import annotations

import datetime as dt
import doctest

import pytest

from goodwill.insights import ledger, next_actions, overtures, tend

TODAY = dt.date(2026, 3, 1)
T0 = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize("module", [tend, ledger, overtures, next_actions])
def test_the_documented_examples_hold(module):
    failures, tried = doctest.testmod(module)
    assert tried > 0
    assert failures == 0


def contact(pid, strength, days_ago, **extra):
    last = None if days_ago is None else TODAY - dt.timedelta(days=days_ago)
    return tend.Contact(pid, f"P{pid}", strength, last, **extra)


def test_default_cadence_follows_tie_strength():
    assert tend.default_cadence(0.9) == (14, "close")
    assert tend.default_cadence(0.6) == (14, "close")
    assert tend.default_cadence(0.4) == (60, "friend")
    assert tend.default_cadence(0.1) == (180, "network")


def test_own_cadence_beats_the_shortest_tag_which_beats_the_default():
    tagged = contact(1, 0.9, 20, tag_cadences=(("friends", 60), ("book", 30)))
    assert tend.cadence_for(tagged) == (30, "tag book")
    assert tend.cadence_for(contact(1, 0.9, 20, cadence_days=7, tag_cadences=(("x", 3),))) == (
        7,
        "set by you",
    )
    days, source = tend.cadence_for(contact(1, 0.9, 20))
    assert days == 14
    assert "tie strength 0.90" in source


def test_losing_touch_is_ordered_by_stake_and_leaves_out_the_not_yet_due_and_snoozed():
    close_a_bit_late = contact(1, 0.9, 20)  # 20/14: ratio 1.43, stake 1.29
    weak_long_gone = contact(2, 0.2, 900)  # ratio capped at 2: stake 0.4
    fine = contact(3, 0.9, 5)
    snoozed = contact(4, 0.9, 60, snoozed_until=TODAY + dt.timedelta(days=3))
    woke = contact(5, 0.5, 100, snoozed_until=TODAY)  # a snooze ending today is over
    found = tend.losing_touch([weak_long_gone, fine, snoozed, close_a_bit_late, woke], TODAY)
    assert [d.person_id for d in found] == [1, 5, 2]
    assert found[0].overdue_days == 6
    assert found[0].reasons[-1] == "6 days overdue"
    everyone = tend.losing_touch([snoozed], TODAY, include_snoozed=True)
    assert everyone[0].person_id == 4
    assert "snoozed until 2026-03-04" in everyone[0].reasons


def test_a_cadence_with_no_contact_yet_is_due_now():
    due = tend.assess(contact(1, 0.3, None, cadence_days=30), TODAY)
    assert due.due_on == TODAY
    assert due.days_since is None
    assert "no contact yet" in due.reasons


def test_upcoming_puts_the_overdue_today_and_respects_snoozes():
    soon = contact(1, 0.9, 10)  # due in 4 days
    late = contact(2, 0.9, 30)
    later_than_horizon = contact(3, 0.1, 1)
    snoozed = contact(4, 0.9, 30, snoozed_until=TODAY + dt.timedelta(days=10))
    found = tend.upcoming([soon, late, later_than_horizon, snoozed], TODAY, horizon_days=30)
    assert [d.person_id for d in found] == [2, 1, 4]


def test_follow_ups_are_recent_first_meetings_with_nothing_since():
    meetings = [
        tend.FirstMeeting(1, "New", TODAY - dt.timedelta(days=3), "event", followed_up=False),
        tend.FirstMeeting(2, "Done", TODAY - dt.timedelta(days=3), "meeting", followed_up=True),
        tend.FirstMeeting(3, "Old", TODAY - dt.timedelta(days=60), "met", followed_up=False),
        tend.FirstMeeting(4, "Mail", TODAY - dt.timedelta(days=2), "email", followed_up=False),
    ]
    assert [m.person_id for m in tend.follow_ups(meetings, TODAY)] == [1]


def favour(fid, pid, direction, ack=None, returned=None, on=TODAY):
    return ledger.FavourFact(fid, pid, direction, f"favour {fid}", on, ack, returned)


def test_balances_and_thanks_owed():
    found = [
        favour(1, 7, "received", on=TODAY - dt.timedelta(days=9)),
        favour(2, 7, "received", ack=TODAY),
        favour(3, 7, "given"),
        favour(4, 8, "given"),
        favour(5, 9, "received", on=TODAY - dt.timedelta(days=30)),
    ]
    balances = ledger.balances(found)
    assert (balances[7].given, balances[7].received, balances[7].balance) == (1, 2, -1)
    assert balances[7].unthanked == 1
    assert balances[8].balance == 1
    assert [f.id for f in ledger.to_thank(found)] == [5, 1]
    assert [b.person_id for b in ledger.owed_most(balances)] == [7, 9]


@pytest.mark.parametrize(
    ("offer", "need", "matches"),
    [
        ("proofreading", "a proofreader", True),
        ("beta reading", "beta readers", True),
        ("speaking coaching", "speaking practice", True),
        ("web design", "an editor", False),
        ("photography", "a new job", False),
    ],
)
def test_offers_meet_needs_by_stem(offer, need, matches):
    assert ledger.offer_matches(offer, need) is matches


def test_give_back_ideas_share_refer_and_introduce():
    facts = ledger.PersonFacts(
        7,
        "Ann",
        offers=("proofreading",),
        channels=(("x", "@ann"),),
        introduce_to=((9, "Cy"),),
    )
    needs = [ledger.Need(7, "Ann", "a proofreader"), ledger.Need(8, "Bo", "a proofreader")]
    ideas = ledger.give_back_ideas(facts, needs)
    assert [i.kind for i in ideas] == ["share", "refer", "introduce"]
    assert ideas[0].text == "Share Ann's latest post on X (@ann)"
    assert ideas[1].other_id == 8  # never Ann herself
    assert ideas[2].text == "Introduce Ann to Cy"
    assert ledger.give_back_ideas(ledger.PersonFacts(7, "Ann"), needs) == []


def sent(oid, pid, days, answered_days=None, channel="email", approach="cold message"):
    answered = None if answered_days is None else T0 + dt.timedelta(days=answered_days)
    return overtures.OvertureFact(
        oid, pid, channel, approach, T0 + dt.timedelta(days=days), answered
    )


def test_answers_take_the_first_inbound_contact_after_the_overture():
    found = [sent(1, 5, 0), sent(2, 6, 0), sent(3, 7, 0, answered_days=1)]
    inbound = {
        5: [T0 - dt.timedelta(days=1)],
        6: [T0 + dt.timedelta(days=2), T0 + dt.timedelta(days=5)],
    }
    assert overtures.answers(found, inbound) == {2: T0 + dt.timedelta(days=2)}


def test_the_stop_list_counts_unanswered_overtures_since_the_last_answer():
    found = [
        sent(1, 5, 0), sent(2, 5, 10),  # two unanswered: stop
        sent(3, 6, 0), sent(4, 6, 10, answered_days=11), sent(5, 6, 20),  # answered since
        sent(6, 7, 0), sent(7, 7, 5), sent(8, 7, 9, answered_days=12),  # answered at last
    ]  # fmt: skip
    assert overtures.stop_list(found) == {5}
    assert overtures.stop_list(found, limit=1) == {5, 6}
    retry = overtures.worth_another_try(found, T0 + dt.timedelta(days=40))
    assert [o.id for o in retry] == [5]
    assert overtures.worth_another_try(found, T0 + dt.timedelta(days=30)) == []


def test_response_rates_by_channel_and_approach():
    found = [
        sent(1, 5, 0, answered_days=1, approach="warm introduction"),
        sent(2, 6, 0, approach="cold message"),
        sent(3, 7, 0, answered_days=2, channel="linkedin", approach="cold message"),
    ]
    by_channel = {r.key: (r.sent, r.answered) for r in overtures.response_rates(found)}
    assert by_channel == {"email": (2, 1), "linkedin": (1, 1)}
    by_approach = overtures.response_rates(found, "approach")
    assert [(r.key, r.rate) for r in by_approach] == [
        ("warm introduction", 1.0),
        ("cold message", 0.5),
    ]
    with pytest.raises(ValueError, match="channel or approach"):
        overtures.response_rates(found, "person")


def action(key, kind, score):
    return next_actions.Action(key, kind, key, "why", score, 1, "Ann")


def test_pick_keeps_every_kind_a_few_of_each_and_nothing_done():
    many_thanks = [action(f"thank:{i}", "thank", 0.9 + i / 100) for i in range(6)]
    one_intro = action("introduce:1:2", "introduce", 0.1)
    reach = [action(f"reach_out:{i}", "reach_out", 0.5) for i in range(5)]
    found = next_actions.pick([*many_thanks, one_intro, *reach], done={"thank:5"}, limit=6)
    keys = [a.key for a in found]
    assert len(found) == 6
    assert "introduce:1:2" in keys  # the best of every kind is kept, however low
    assert sum(a.kind == "thank" for a in found) <= next_actions.PER_KIND["thank"]
    assert "thank:5" not in keys
    assert keys[0] == "thank:4"
    assert [a.score for a in found] == sorted((a.score for a in found), reverse=True)
