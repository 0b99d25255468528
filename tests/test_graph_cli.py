"""`goodwill mutuals | intro | reach | sharers | suggest | introduce | communities`, in-process on
the demo network: --json prints the payload, tables read well, bad input is one line."""

from __future__ import annotations

import json

import pytest

from goodwill.cli.main import main
from goodwill.people.models import Person

pytestmark = pytest.mark.django_db
USER = ("--user", "demo-owner")


def cli(capsys, *args):
    code = main([*USER, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def friend(demo_owner, django_db_blocker):
    """A friend of the demo's me with more than one contact of their own."""
    with django_db_blocker.unblock():
        from goodwill.network.snapshots import snapshot_for

        s = snapshot_for(demo_owner)
        best = max(s.neighbours(s.me).tolist(), key=lambda x: (s.degree(x), -x))
        return Person.objects.get(pk=int(s.ids[best]))


def test_json_documents_have_the_documented_keys(capsys, demo_owner, friend):
    code, out, err = cli(capsys, "mutuals", f"#{friend.id}", "--json")
    assert code == 0, err
    mutuals = json.loads(out)
    assert {"a", "b", "shared", "jaccard", "overlap", "mutual", "only_a", "only_b"} <= set(mutuals)
    assert mutuals["b"]["id"] == friend.id
    assert mutuals["shared"] == len(mutuals["mutual"]) > 0
    code, out, _ = cli(capsys, "intro", "--need", "proofreading", "--k", "2", "--json")
    intro = json.loads(out)
    assert code == 0
    assert intro["matches"] > 0
    assert 1 <= len(intro["paths"]) <= 2
    assert all(len(p["evidence"]) == p["hops"] for p in intro["paths"])
    code, out, _ = cli(capsys, "reach", f"#{friend.id}", "--json")
    reach = json.loads(out)
    assert code == 0
    assert reach["reach"]["1"] <= reach["reach"]["2"]
    assert reach["sharers"][0]["adds"] == reach["reach"]["2"]
    code, out, _ = cli(capsys, "suggest", "--k", "3", "--json")
    suggest = json.loads(out)
    assert code == 0
    assert len(suggest["suggestions"]) == 3
    assert all(s["reasons"] for s in suggest["suggestions"])


def test_tables_for_people(capsys, demo_owner, friend):
    code, out, _ = cli(capsys, "intro", f"#{friend.id}", "--from", f"#{friend.id}")
    assert code == 2  # the same person at both ends
    code, out, err = cli(capsys, "sharers", "--k", "2")
    assert code == 0, err
    assert "Ask these 2 to share" in out
    assert "Expected reach" in out
    code, out, _ = cli(capsys, "introduce", "--k", "2")
    assert code == 0
    assert "Introductions you could make" in out
    assert "Your brokerage" in out
    code, out, _ = cli(capsys, "communities")
    assert code == 0
    assert "Circles among" in out
    code, out, _ = cli(capsys, "mutuals", f"#{friend.id}")
    assert code == 0
    assert f"{friend.name} (#{friend.id})" in out
    assert "in common" in out


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (("intro",), 2, "name a person to reach, or describe a need"),
        (("intro", "Nobody Such Person"), 1, "no person matches"),
        (("sharers", "--k", "0"), 2, "k must be between 1 and 25"),
        (("reach", "me", "--hops", "4"), 2, "max_hops must be between 1 and 3"),
    ],
)
def test_bad_input_is_one_line(capsys, demo_owner, args, code, fragment):
    got, out, err = cli(capsys, *args, "--json")
    assert got == code
    assert err.count("\n") == 1
    assert fragment in err
    assert json.loads(out) == {"ok": False, "error": err.split(": ", 2)[2].strip()}
