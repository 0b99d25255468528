"""`goodwill group ...` in process on the test database."""

from __future__ import annotations

import json

import pytest

from goodwill.cli.main import main
from goodwill.workspaces.models import IntroRequest, Membership

pytestmark = pytest.mark.django_db


def cli(capsys, user: str, *args: str) -> tuple[int, str, str]:
    code = main(["--user", user, "group", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_create_invite_join_share(capsys, group):
    code, out, _ = cli(capsys, "eve", "create", "Crime Club", "--json")
    assert code == 0
    created = json.loads(out)
    assert created["members"][0]["username"] == "eve"
    assert created["role"] == "owner"
    code, out, _ = cli(capsys, "eve", "invite", "Crime Club")
    link = out.splitlines()[0]
    assert code == 0
    assert "/groups/join/" in link
    code, out, _ = cli(capsys, "dan", "join", link, "--json")
    assert (code, json.loads(out)["level"]) == (0, "counts")
    code, out, _ = cli(capsys, "dan", "share", "Crime Club", "--level", "full", "--never-connector")
    assert out.strip() == "You share with Crime Club: full; never a connector."
    code, out, err = cli(capsys, "dan", "share", "Crime Club", "--level", "all", "--json")
    assert code == 2
    assert "unknown sharing level 'all'" in err
    assert json.loads(out) == {"ok": False, "error": err.split("error: ", 1)[1].strip()}


def test_lookups_and_introduction(capsys, group):
    code, out, _ = cli(capsys, "vic", "who-knows", "Leeds Writers", "Acme", "--json")
    found = json.loads(out)
    assert {m["name"]: m["count"] for m in found["members"]}["Bob Baker"] == 2
    code, out, _ = cli(capsys, "vic", "reach", "Leeds Writers", "Zed")
    assert code == 0
    assert "Vic Vale -> " in out
    assert out.rstrip().split("\n")[1].count("Zed Marsh")
    code, out, _ = cli(capsys, "vic", "ask", "Leeds Writers", "--connector", "ann",
                       "--target", "Sam Lee", "--note", "about Acme", "--json")  # fmt: skip
    asked = json.loads(out)
    assert (code, asked["status"], "reason" in asked) == (0, "asked", False)
    code, out, _ = cli(capsys, "ann", "decline", str(asked["id"]), "--reason", "not now", "--json")
    assert json.loads(out)["reason"] == "not now"
    code, out, _ = cli(capsys, "vic", "requests", "--json")
    [seen] = json.loads(out)["requests"]
    assert seen["status"] == "declined"
    assert "reason" not in seen
    code, _, err = cli(capsys, "vic", "accept", str(asked["id"]))
    assert code == 1
    assert err.startswith("goodwill: error: no introduction request")
    assert IntroRequest.objects.get().status == "declined"


def test_referrals_report_audit_and_errors(capsys, group):
    code, out, _ = cli(
        capsys, "vic", "refer", "Leeds Writers", "--to", "cara", "--what", "A talk", "--json"
    )
    slip = json.loads(out)
    code, out, _ = cli(capsys, "cara", "close", str(slip["id"]), "--value", "300", "--json")
    assert json.loads(out)["value"] == "300.00"
    code, out, _ = cli(capsys, "ann", "report", "Leeds Writers", "--json")
    assert json.loads(out)["closed_value"] == "300.00"
    code, out, _ = cli(capsys, "ann", "audit", "Leeds Writers", "--json")
    assert code == 0
    assert "entries" in json.loads(out)
    code, _, err = cli(capsys, "vic", "audit", "Leeds Writers")
    assert code == 1
    assert "only the group's owners" in err
    code, _, err = cli(capsys, "dan", "who-knows", "Leeds Writers", "Acme")
    assert code == 1
    assert err.strip() == "goodwill: error: no group named 'Leeds Writers'"
    code, _, err = cli(capsys, "vic", "who-knows", f"#{group.other_workspace.id}", "Acme")
    assert code == 1
    assert f"no group #{group.other_workspace.id}" in err
    code, out, _ = cli(capsys, "vic", "leave", "Leeds Writers", "--json")
    assert json.loads(out) == {"left": "Leeds Writers"}
    assert not Membership.objects.filter(user=group.users["vic"]).exists()
