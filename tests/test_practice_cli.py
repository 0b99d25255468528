"""The practice commands in-process: tend, snooze, ledger, thank, overtures, referrals,
refer, next, done, reminders and digest; --json documents and one-line errors."""

from __future__ import annotations

import json

import pytest

from goodwill.activity.models import Favour, Referral
from goodwill.activity.services import record_favour, record_overture
from goodwill.cli.main import main
from goodwill.practice.models import Cadence, Snooze
from tests.practice.world import TODAY, at, build

pytestmark = pytest.mark.django_db

AS_OF = ("--as-of", TODAY.isoformat())


@pytest.fixture
def world(owner):
    return build(owner)


def cli(capsys, *args):
    code = main(["--user", "owner", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def as_json(capsys, *args):
    code, out, err = cli(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_tend_lists_who_is_overdue_and_set_and_snooze_change_it(capsys, world):
    payload = as_json(capsys, "tend", *AS_OF)
    assert payload["as_of"] == "2026-03-01"
    assert [m["person"]["name"] for m in payload["follow_ups"]] == ["Cy Park"]
    code, out, _ = cli(capsys, "tend", "set", "Bo Chen", "30")
    assert code == 0
    assert out.strip() == f"Cadence set: every 30 days with Bo Chen (#{world.bo.id})."
    assert as_json(capsys, "tend", "set", "--tag", "friends", "20") == {
        "tag": "friends",
        "days": 20,
    }
    assert Cadence.objects.filter(owner=world.owner).count() == 2
    rows = {
        r["person"]["name"]: r for r in as_json(capsys, "tend", "--all", *AS_OF)["losing_touch"]
    }
    assert rows["Bo Chen"]["cadence_from"] == "set by you"
    assert rows["Ann Lee"]["cadence_from"] == "tag friends"
    code, out, _ = cli(capsys, "snooze", "Bo Chen", "2099-01-01")
    assert code == 0
    assert "until 2099-01-01" in out
    assert Snooze.objects.get(person=world.bo).until.isoformat() == "2099-01-01"
    code, out, _ = cli(capsys, "tend", *AS_OF)
    assert "Losing touch" in out
    assert "Ann Lee" in out
    assert "Bo Chen" not in out
    assert as_json(capsys, "snooze", "Bo Chen", "off")["until"] is None


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("tend", "set", "Bo Chen"), "give WHO DAYS, or --tag TAG DAYS"),
        (("tend", "set", "Bo Chen", "soon"), "invalid DAYS 'soon'"),
        (("snooze", "Bo Chen", "2001-01-01"), "a snooze ends in the future"),
        (("thank",), "name one of: WHO, --favour ID or --referral ID"),
        (("refer", "Ann Lee", "me", "Bo Chen", "work", "--value", "lots"), "invalid value 'lots'"),
        (("done", "fly:1"), "invalid action 'fly:1'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(capsys, world, args, fragment):
    code, out, err = cli(capsys, *args, "--json")
    assert code == 2
    assert err.splitlines() == [f"goodwill: error: {err.split('error: ', 1)[1].strip()}"]
    assert fragment in err
    assert json.loads(out) == {"ok": False, "error": err.split("error: ", 1)[1].strip()}


def test_ledger_and_thank(capsys, world):
    favour = record_favour(world.owner, "received", world.ann, "Read my draft", on=TODAY)
    payload = as_json(capsys, "ledger", *AS_OF)
    assert payload["to_thank"] == [
        {
            "id": favour.id,
            "person": {"id": world.ann.id, "name": "Ann Lee"},
            "what": "Read my draft",
            "on": "2026-03-01",
        }
    ]
    assert as_json(capsys, "ledger", "Bo Chen", *AS_OF)["balances"] == []
    code, out, _ = cli(capsys, "ledger", *AS_OF)
    assert "Say thank you" in out
    assert "Give back (refer): Refer Di Shaw" in out
    code, out, _ = cli(capsys, "thank", "--favour", str(favour.id))
    assert code == 0
    assert out.strip() == f"Marked thanked: Read my draft (#{favour.id})."
    assert Favour.objects.get(pk=favour.id).acknowledged_on is not None
    code, _, err = cli(capsys, "thank", "Ann Lee")
    assert code == 1
    assert "no unthanked favour from Ann Lee" in err


def test_overtures_referrals_and_refer(capsys, world):
    record_overture(world.owner, world.di, channel="email", approach="cold message", when=at(50))
    record_overture(world.owner, world.di, channel="email", approach="cold message", when=at(20))
    payload = as_json(capsys, "overtures")
    assert payload["stopped"] == [{"id": world.di.id, "name": "Di Shaw"}]
    assert payload["by_approach"][0] == {
        "key": "cold message",
        "sent": 2,
        "answered": 0,
        "rate": 0.0,
    }
    code, out, _ = cli(capsys, "overtures")
    assert "Not suggested again (2 unanswered in a row): Di Shaw" in out
    made = as_json(
        capsys,
        "refer",
        "Ann Lee",
        "me",
        "Bo Chen",
        "Editing job",
        "--value",
        "600",
        "--status",
        "won",
    )
    assert made["value"] == "600.00"
    assert made["thanks_owed"] is True
    listed = as_json(capsys, "referrals")
    assert [r["id"] for r in listed["thanks_owed"]] == [made["id"]]
    code, out, _ = cli(capsys, "thank", "--referral", str(made["id"]))
    assert code == 0
    assert "Thanked Ann Lee" in out
    assert Referral.objects.get(pk=made["id"]).thanked_on is not None


def test_next_and_done(capsys, world):
    payload = as_json(capsys, "next", *AS_OF)
    keys = [a["key"] for a in payload["actions"]]
    assert f"follow_up:meeting:{world.cy.id}" in keys
    code, out, _ = cli(capsys, "done", f"follow_up:meeting:{world.cy.id}")
    assert code == 0
    assert out.strip() == "Done: logged a follow-up to Cy Park."
    keys = [a["key"] for a in as_json(capsys, "next", *AS_OF)["actions"]]
    assert f"follow_up:meeting:{world.cy.id}" not in keys


def test_reminders_and_digest(capsys, world, mailoutbox):
    none_yet = as_json(capsys, "reminders")
    assert (none_yet["feed"], none_yet["feed_url"], none_yet["digest"]) == (False, None, "off")
    first = as_json(capsys, "reminders", "--regenerate")
    assert first["feed_url"].startswith("/feed/")
    again = as_json(
        capsys, "reminders", "--regenerate", "--digest", "weekly", "--to", "me@example.org"
    )
    assert again["feed_url"] != first["feed_url"]
    assert (again["digest"], again["digest_email"]) == ("weekly", "me@example.org")
    shown = as_json(capsys, "digest", *AS_OF)
    assert shown["sent"] is False
    assert "Follow up with Cy Park" in shown["text"]
    assert mailoutbox == []
    code, out, _ = cli(capsys, "digest", "--send", *AS_OF)
    assert code == 0
    assert out.strip() == "Sent the digest to me@example.org."
    assert [m.to for m in mailoutbox] == [["me@example.org"]]
