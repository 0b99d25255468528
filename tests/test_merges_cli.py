"""`goodwill merges`, `merge`, `unmerge` and `distinct`, in process on the test database."""

from __future__ import annotations

import json

import pytest

from goodwill.cli.main import main
from goodwill.imports.models import Merge, MergeDecision
from goodwill.people.models import Person
from goodwill.people.services import create_person

pytestmark = pytest.mark.django_db


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--user", "owner", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def pair(owner):
    one = create_person(
        owner, "Sam Lee", identities=[("email", "sam@acme.example")], organisation="Acme"
    )
    two = create_person(owner, "Samuel Lee", identities=[("x", "@samlee")], organisation="Acme Ltd")
    return one, two


def test_merges_json_lists_candidates_and_history(capsys, pair):
    one, two = pair
    code, out, err = cli(capsys, "merges", "--json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    [candidate] = document["candidates"]
    assert (candidate["a"]["id"], candidate["b"]["id"]) == (one.id, two.id)
    assert {"id", "name"} <= candidate["a"].keys()
    assert "both at Acme" in candidate["reasons"]
    assert document["merges"] == []


def test_merge_then_unmerge(capsys, owner, pair):
    one, two = pair
    code, out, _ = cli(capsys, "merge", f"#{one.id}", "Samuel")
    assert code == 0
    assert f"Merged Samuel Lee (#{two.id}) into Sam Lee (#{one.id})" in out
    done = Merge.objects.get(owner=owner)
    _, out, _ = cli(capsys, "merges", "--json")
    assert json.loads(out)["merges"][0]["id"] == done.id
    code, out, _ = cli(capsys, "unmerge", "Sam Lee", "--json")
    assert code == 0
    document = json.loads(out)
    assert document["restored"] == {"id": two.id, "name": "Samuel Lee"}
    assert document["merge"]["undone_at"] is not None
    assert document["merges_left"] == 0
    code, _, err = cli(capsys, "unmerge", f"#{one.id}")
    assert code == 1
    assert err.startswith("goodwill: error: nothing was merged into Sam Lee")


def test_unmerge_says_which_and_what_is_left(capsys, owner, pair):
    one, two = pair
    third = create_person(owner, "Cy Lee")
    cli(capsys, "merge", f"#{one.id}", f"#{two.id}")
    cli(capsys, "merge", f"#{one.id}", f"#{third.id}")
    code, out, _ = cli(capsys, "unmerge", f"#{one.id}")
    assert code == 0
    assert f"Cy Lee (#{third.id}) is back" in out
    assert "1 earlier merge into" in out


def test_distinct_silences_the_pair(capsys, owner, pair):
    one, two = pair
    code, out, _ = cli(capsys, "distinct", f"#{two.id}", f"#{one.id}")
    assert code == 0
    assert "are different people" in out
    assert MergeDecision.objects.filter(owner=owner, a=one, b=two).exists()
    _, out, _ = cli(capsys, "merges", "--json")
    assert json.loads(out)["candidates"] == []


def test_merges_table(capsys, pair):
    code, out, _ = cli(capsys, "merges")
    assert code == 0
    assert "Maybe the same person" in out
    assert "\x1b[" not in out


def test_errors_are_one_line(capsys, other_user, pair):
    one, _ = pair
    code, out, err = cli(capsys, "merge", f"#{one.id}", f"#{one.id}", "--json")
    assert code == 2
    assert err.count("\n") == 1
    assert "cannot be merged with themselves" in err
    assert json.loads(out)["ok"] is False
    code, _, err = cli(capsys, "merge", "Sam Lee", "Nobody")
    assert code == 1
    assert "no person matches 'Nobody'" in err
    theirs = create_person(other_user, "Zed")
    code, _, err = cli(capsys, "merge", f"#{one.id}", f"#{theirs.id}")
    assert code == 1
    assert f"no person #{theirs.id}" in err
    assert Person.objects.filter(id=theirs.id).exists()
