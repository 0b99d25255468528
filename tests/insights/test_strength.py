"""Tie strength: the pure score, its reasons, and the database glue on the demo network."""

from __future__ import annotations

import datetime as dt
import doctest

import pytest

from goodwill.insights import strength
from goodwill.insights.strength import Evidence, Touch, Weights, balance, score

AS_OF = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
DEMO_MOMENT = dt.datetime(2026, 3, 1, 23, 59, tzinfo=dt.UTC)  # the fixture's demo "today"


def ago(days: float) -> dt.datetime:
    return AS_OF - dt.timedelta(days=days)


def test_doctests():
    assert doctest.testmod(strength).failed == 0


def test_kind_order_meeting_call_message_email_comment_like():
    scores = [
        score(Evidence(touches=(Touch(ago(5), kind, "both"),)), AS_OF).score
        for kind in ("meeting", "call", "message", "email", "comment", "like")
    ]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)


def test_recent_outweighs_old():
    recent = score(Evidence(touches=(Touch(ago(3), "call"),)), AS_OF)
    old = score(Evidence(touches=(Touch(ago(300), "call"),)), AS_OF)
    assert recent.score > old.score
    assert old.reasons[0] == "1 call in the last year"
    assert "last contact 10 months ago" in old.reasons


def test_one_way_traffic_is_weaker_than_two_way():
    one_way = tuple(Touch(ago(d), "email", "out") for d in range(1, 11))
    two_way = tuple(Touch(ago(d), "email", "out" if d % 2 else "in") for d in range(1, 11))
    weak, strong = score(Evidence(touches=one_way), AS_OF), score(Evidence(touches=two_way), AS_OF)
    assert strong.score > weak.score
    assert "one-way: only from you" in weak.reasons
    assert "both ways" in strong.reasons
    assert balance(10, 0, 0) == 0.0


def test_duration_and_mutual_friends_add_and_are_explained():
    touches = (Touch(ago(20), "message", "in"), Touch(ago(19), "message", "out"))
    bare = score(Evidence(touches=touches), AS_OF)
    rich = score(
        Evidence(touches=touches, known_since=dt.date(2021, 1, 1), mutual_friends=14), AS_OF
    )
    assert rich.score > bare.score
    assert rich.reasons == (
        "2 messages in the last year",
        "both ways",
        "last contact 19 days ago",
        "known since 2021",
        "14 mutual friends",
    )


def test_future_interactions_are_ignored():
    later = score(Evidence(touches=(Touch(AS_OF + dt.timedelta(days=2), "meeting"),)), AS_OF)
    assert later.score == 0.0
    assert later.reasons[0] == "no interactions recorded"
    assert later.last_contact is None


def test_override_outranks_and_keeps_the_computed_score():
    evidence = Evidence(
        touches=(Touch(ago(1), "meeting"),), override=0.1, override_note="drifted apart"
    )
    found = score(evidence, AS_OF)
    assert found.overridden
    assert found.score == 0.1
    assert found.computed > 0.1
    assert found.reasons[0].startswith("set by you to 0.10 (drifted apart); computed ")


def test_scores_stay_in_range_for_heavy_traffic():
    many = tuple(Touch(ago(d / 10), "meeting") for d in range(2000))
    found = score(
        Evidence(touches=many, known_since=dt.date(1990, 1, 1), mutual_friends=500), AS_OF
    )
    assert 0.99 < found.score <= 1.0
    assert found.reasons[0] == "2000 meetings in the last year"


def test_weights_change_the_half_life():
    touch = Evidence(touches=(Touch(ago(60), "call"),))
    short = score(touch, AS_OF, Weights(half_life_days=7)).parts.activity
    long = score(touch, AS_OF, Weights(half_life_days=365)).parts.activity
    assert long > short


# --- the database glue, on the demo network ------------------------------------------------


@pytest.fixture(scope="module")
def demo_scores(demo_owner, django_db_blocker):
    from goodwill.practice.scoring import strengths

    with django_db_blocker.unblock():
        return strengths(demo_owner, as_of=DEMO_MOMENT)


@pytest.mark.django_db
def test_demo_strengths_cover_everyone_in_few_queries(demo_owner, django_assert_max_num_queries):
    from goodwill.people.models import Person
    from goodwill.practice.scoring import strengths

    # Eight to score everyone, plus the stamp that decides whether a remembered result is
    # still good (practice.memo).
    with django_assert_max_num_queries(15):
        found = strengths(demo_owner)
    people = Person.objects.filter(owner=demo_owner, is_me=False).count()
    assert len(found) == people > 1000
    assert all(0.0 <= s.score <= 1.0 for s in found.values())


@pytest.mark.django_db
def test_demo_strengths_agree_with_the_history(demo_owner, demo_scores):
    from django.db.models import Count

    from goodwill.people.models import Person

    counted = dict(
        Person.objects.filter(owner=demo_owner, is_me=False)
        .annotate(n=Count("interactions"))
        .values_list("id", "n")
    )
    silent = [pid for pid, n in counted.items() if n == 0]
    busy = sorted(counted, key=lambda pid: -counted[pid])[:20]
    assert max(demo_scores[p].parts.activity for p in silent) == 0.0
    silent_scores = sorted(demo_scores[p].score for p in silent)
    busy_scores = sorted(demo_scores[p].score for p in busy)
    # The 20 people with the most history all beat nine in ten of those with none.
    assert busy_scores[0] > silent_scores[len(silent_scores) * 9 // 10]
    top = demo_scores[busy[0]]
    assert top.reasons[0].endswith("in the last year")
    assert any(r.startswith("known since ") for r in top.reasons)


@pytest.mark.django_db
def test_override_set_and_cleared(owner):
    from goodwill.activity.services import log_interaction
    from goodwill.people.services import create_person
    from goodwill.practice.scoring import clear_override, set_override, strength_of

    ann = create_person(owner, "Ann Lee")
    log_interaction(owner, "call", [ann], when=ago(400) + (dt.datetime.now(dt.UTC) - AS_OF))
    before = strength_of(owner, ann)
    set_override(owner, ann, 0.9, "my oldest friend")
    after = strength_of(owner, ann)
    assert after.score == 0.9
    assert after.overridden
    assert after.computed == pytest.approx(before.score)
    assert "my oldest friend" in after.reasons[0]
    assert clear_override(owner, ann)
    assert strength_of(owner, ann).score == pytest.approx(before.score)
    with pytest.raises(Exception, match="between 0 and 1"):
        set_override(owner, ann, 1.5)


@pytest.mark.django_db
def test_rescore_writes_my_ties_only_and_refreshes_the_snapshot(owner):
    from goodwill.activity.services import log_interaction
    from goodwill.graph.strength import prior_strength
    from goodwill.network.snapshots import snapshot_for
    from goodwill.people.models import Tie
    from goodwill.people.services import create_person, ensure_me, state_tie
    from goodwill.practice.scoring import rescore, strength_of

    me = ensure_me(owner)
    ann, bob = create_person(owner, "Ann Lee"), create_person(owner, "Bob Marsh")
    mine = state_tie(owner, me, ann)
    theirs = state_tie(owner, ann, bob)
    for days in (2, 9, 30):
        log_interaction(
            owner, "meeting", [ann], when=dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
        )
    before = snapshot_for(owner)
    assert rescore(owner) == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    expected = max(strength_of(owner, ann).score, prior_strength("knows", 1.0))
    assert mine.strength == pytest.approx(expected, abs=1e-3)
    assert theirs.strength is None
    after = snapshot_for(owner)
    assert after is not before
    assert rescore(owner) == 0
    assert Tie.objects.filter(owner=owner, strength__isnull=False).count() == 1


@pytest.mark.django_db
def test_rescore_keeps_what_the_kind_of_tie_implies_unless_overridden(owner):
    from goodwill.graph.strength import prior_strength
    from goodwill.people.services import create_person, ensure_me, state_tie
    from goodwill.practice.scoring import rescore, set_override, strength_of

    me = ensure_me(owner)
    sister = create_person(owner, "Ida Marsh")
    old_friend = create_person(owner, "Tom Reed")
    family = state_tie(owner, me, sister, kind="family")
    follow = state_tie(owner, me, old_friend, kind="follow")
    rescore(owner)
    family.refresh_from_db()
    follow.refresh_from_db()
    # No history at all: a sister stays a strong link for paths; a follow stays a follow.
    assert strength_of(owner, sister).score < prior_strength("family", 1.0)
    assert family.strength == pytest.approx(prior_strength("family", 1.0), abs=1e-3)
    assert follow.strength == pytest.approx(prior_strength("follow", 1.0), abs=1e-3)
    # Your own judgement wins outright, even below the kind's default.
    set_override(owner, sister, 0.2)
    rescore(owner)
    family.refresh_from_db()
    assert family.strength == pytest.approx(0.2)
