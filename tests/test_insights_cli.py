"""`goodwill strength`, `rescore`, `check-post` and `roi`, in process on the test database."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from goodwill.activity.models import Post
from goodwill.activity.services import log_interaction
from goodwill.cli.main import main
from goodwill.people.models import Tie
from goodwill.people.services import create_person, ensure_me, state_tie
from goodwill.practice.models import StrengthOverride

pytestmark = pytest.mark.django_db


def cli(capsys, *args: str, user: str = "owner") -> tuple[int, str, str]:
    code = main(["--user", user, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def ann(owner):
    person = create_person(owner, "Ann Lee", identities=[("email", "ann@example.org")])
    state_tie(owner, ensure_me(owner), person)
    for days in (3, 10, 40):
        when = timezone.now() - timezone.timedelta(days=days)
        log_interaction(owner, "meeting", [person], when=when)
    log_interaction(owner, "email", [person], direction="in")
    return person


def test_strength_json_and_table(capsys, ann):
    code, out, err = cli(capsys, "strength", "Ann Lee", "--json")
    assert (code, err) == (0, "")
    found = json.loads(out)
    assert found["id"] == ann.id
    assert 0.5 < found["score"] <= 1
    assert found["reasons"][0] == "3 meetings and 1 e-mail in the last year"
    code, out, _ = cli(capsys, "strength", "ann@example.org")
    assert code == 0
    assert out.startswith(f"Ann Lee (#{ann.id}): ")
    assert "  - known since " in out


def test_strength_override_set_and_clear(capsys, ann):
    code, out, _ = cli(
        capsys, "strength", f"#{ann.id}", "--set", "0.3", "--note", "we drifted", "--json"
    )
    assert code == 0
    found = json.loads(out)
    assert found["score"] == 0.3
    assert found["overridden"]
    assert found["computed"] > 0.3
    assert StrengthOverride.objects.get(person=ann).note == "we drifted"
    code, out, _ = cli(capsys, "strength", f"#{ann.id}", "--clear", "--json")
    assert not json.loads(out)["overridden"]
    assert not StrengthOverride.objects.exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("strength", "Ann Lee", "--set", "1.5"), 2, "between 0 and 1"),
        (("strength", "Ann Lee", "--set", "0.5", "--clear"), 2, "--set or --clear"),
        (("strength", "Nobody"), 1, "no person matches 'Nobody'"),
        (("strength", "me"), 2, "someone other than you"),
        (("check-post",), 2, "give a TEXT, --file F or --history"),
        (("check-post", "hi", "--history"), 2, "one of them"),
        (("check-post", "   "), 2, "the draft is empty"),
        (("check-post", "--file", "/nonexistent/draft.txt"), 2, "cannot read"),
    ],
)
def test_errors_are_one_line_with_json(capsys, ann, args, code, message):
    got, out, err = cli(capsys, *args, "--json")
    assert got == code
    assert err.count("\n") == 1
    assert message in err
    assert json.loads(out)["ok"] is False


def test_other_users_people_are_not_found(capsys, ann, other_user):
    code, _, err = cli(capsys, "strength", f"#{ann.id}", user="other")
    assert code == 1
    assert f"no person #{ann.id}" in err


def test_rescore_writes_my_ties(capsys, ann):
    code, out, _ = cli(capsys, "rescore", "--json")
    assert (code, json.loads(out)) == (0, {"ties_updated": 1})
    assert Tie.objects.get(owner=ann.owner).strength > 0.5
    code, out, _ = cli(capsys, "rescore")
    assert out == "Rescored: 0 ties changed.\n"


def test_check_post_draft_and_stranger(capsys, ann, tmp_path):
    code, out, _ = cli(
        capsys,
        "check-post",
        "Buy my book now! https://example.com",
        "--to",
        "Zoe Stranger",
        "--json",
    )
    found = json.loads(out)
    assert code == 0
    assert found["promotional"]
    assert found["stranger"] is True
    assert found["to"] == {"id": None, "name": "Zoe Stranger"}
    draft = tmp_path / "draft.txt"
    draft.write_text("Lovely to see you at the fair, Ann. How is the anthology going?")
    code, out, _ = cli(capsys, "check-post", "--file", str(draft), "--to", "Ann Lee", "--json")
    found = json.loads(out)
    assert (found["score"], found["promotional"], found["stranger"]) == (0.0, False, False)
    code, out, _ = cli(capsys, "check-post", "Order now: my course is 50% off")
    assert out.startswith("Soft-sell score 0.70: reads as promotional")
    assert '  - call to action: "Order now"' in out


def test_check_post_history(capsys, owner):
    now = timezone.now()
    for i, text in enumerate(["Buy my book now!", "Morning all", "Great talk by @ann", "Hello"]):
        Post.objects.create(
            owner=owner, channel="x", published_at=now, text=text, external_id=str(i)
        )
    code, out, _ = cli(capsys, "check-post", "--history", "--threshold", "0.2", "--json")
    assert code == 0
    found = json.loads(out)
    (x,) = found["channels"]
    assert (x["posts"], x["promotional"], x["share"], x["warning"]) == (4, 1, 0.25, True)
    assert found["warnings"][0].startswith("X: 25% of your posts are self-promotion")
    _code, out, _ = cli(capsys, "check-post", "--history")
    assert "X: 1 of 4 posts promotional (25%)" in out


def test_roi_on_the_demo(capsys, demo_owner):
    code, out, _ = cli(capsys, "roi", "--json", user="demo-owner")
    found = json.loads(out)
    assert code == 0
    assert len(found["channels"]) == 7
    assert found["advice"]
    code, out, _ = cli(capsys, "roi", user="demo-owner")
    assert "Channel return (last 12 months)" in out
    assert "Speaking club" in out  # whole names even in an 80-column terminal
    assert "Speaking club" in {c["name"] for c in found["channels"]}
