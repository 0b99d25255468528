"""Merging people and undoing it exactly; suggestions never on a name alone."""

from __future__ import annotations

import datetime as dt
import doctest
from decimal import Decimal

import pytest
from django.db import models, transaction
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodwill.activity.models import (
    Channel,
    Favour,
    Interaction,
    Outcome,
    Overture,
    Participant,
    Post,
    Referral,
)
from goodwill.activity.services import log_interaction, record_favour, record_overture
from goodwill.errors import Conflict, NotFound, UsageError
from goodwill.importers.records import ME, Key, PersonRecord, TieRecord
from goodwill.imports import merge_rows
from goodwill.imports.apply import apply_records
from goodwill.imports.merging import (
    candidates,
    latest_merge_into,
    mark_distinct,
    merge,
    unmerge,
)
from goodwill.imports.models import ImportRun, Merge, MergeDecision, SourceRef
from goodwill.insights import matching
from goodwill.people.models import Identity, Person, Tag, Tie, TieSource, ordered_pair
from goodwill.people.services import create_person, ensure_me, set_tags, state_tie
from goodwill.practice.models import ActionDone, Cadence, Snooze, StrengthOverride
from goodwill.workspaces.models import HiddenContact, Membership, Workspace

pytestmark = pytest.mark.django_db

TABLES: tuple[type[models.Model], ...] = (
    Person,
    Identity,
    Tag,
    Person.tags.through,
    Tie,
    TieSource,
    Interaction,
    Participant,
    Favour,
    Overture,
    Channel,
    Referral,
    Outcome,
    Outcome.people.through,
    Post,
    Post.mentions.through,
    SourceRef,
    MergeDecision,
    Cadence,
    Snooze,
    StrengthOverride,
    ActionDone,
    HiddenContact,
)
WHEN = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)


def database() -> dict[str, list[tuple]]:
    """Every row of every table a merge may touch, ids and timestamps included."""
    return {
        model._meta.label: sorted(
            tuple(sorted(merge_rows.dump(row).items())) for row in model.objects.all()
        )
        for model in TABLES
    }


def tie(owner, a, b, kind="knows", detail="stated by you", source_kind="stated", since=None):
    first, second = ordered_pair(a.id, b.id, kind)
    row, _ = Tie.objects.get_or_create(
        owner=owner, a_id=first, b_id=second, kind=kind, defaults={"since": since}
    )
    TieSource.objects.get_or_create(
        tie=row, kind=source_kind, detail=detail, defaults={"weight": 0.5}
    )
    return row


@pytest.fixture
def world(owner):
    me = ensure_me(owner)
    ann = create_person(
        owner, "Ann Lee", identities=[("email", "ann@acme.example")], tags=["books"]
    )
    ann.aliases = ["Annie"]
    ann.save()
    twin = create_person(
        owner,
        "Ann Lee",
        identities=[("x", "@annlee"), ("email", "ann.lee@mailbox.example")],
        tags=["books", "friend"],
        organisation="Acme",
        location="Leeds",
        notes="Met at the fair.",
    )
    twin.aliases = ["A. Lee"]
    twin.save()
    bob = create_person(owner, "Bob Roy")
    cara = create_person(owner, "Cara Diaz")
    tie(owner, ann, bob)  # the twin's tie to Bob folds into this one
    tie(owner, twin, bob, detail="Facebook friends", source_kind="import")
    tie(owner, twin, bob, detail="stated by you")  # duplicate evidence: dropped with the tie
    tie(owner, twin, ann, kind="family")  # becomes a self-tie
    tie(owner, twin, cara, kind="follow", since=dt.date(2020, 1, 2))
    tie(owner, cara, twin, kind="follow")
    tie(owner, me, twin, kind="connection", detail="LinkedIn", source_kind="import")
    tie(owner, me, ann, kind="connection", detail="Facebook", source_kind="import")
    log_interaction(owner, "met", [ann, twin, bob], when=WHEN)  # shared: twin's row dropped
    log_interaction(owner, "call", [twin], when=WHEN)
    record_favour(owner, "received", twin, "Read my draft")
    record_overture(owner, twin, channel="email", when=WHEN)
    Referral.objects.create(
        owner=owner, referrer=twin, referred=bob, to=ann, what="Editing", referred_on=WHEN.date()
    )
    both = Outcome.objects.create(
        owner=owner, title="Talk", value=Decimal("10.00"), occurred_on=WHEN.date()
    )
    both.people.add(ann, twin)
    alone = Outcome.objects.create(owner=owner, title="Gig", occurred_on=WHEN.date())
    alone.people.add(twin)
    post = Post.objects.create(
        owner=owner, channel="x", published_at=WHEN, text="hi", external_id="1"
    )
    post.mentions.add(twin, ann)
    SourceRef.objects.create(owner=owner, ref="x:annlee", person=twin)
    mark_distinct(owner, twin, bob)
    mark_distinct(owner, twin, cara)
    mark_distinct(owner, ann, cara)
    # One per person: Ann's own cadence wins over the twin's; the twin's snooze, strength and
    # hidden-from-a-group mark move to Ann, who has none.
    Cadence.objects.create(owner=owner, person=ann, days=30)
    Cadence.objects.create(owner=owner, person=twin, days=14)
    Snooze.objects.create(owner=owner, person=twin, until=WHEN.date())
    StrengthOverride.objects.create(owner=owner, person=twin, value=0.7)
    ActionDone.objects.create(owner=owner, key="thank:1", kind="thank", person=twin, done_at=WHEN)
    group = Workspace.objects.create(name="Writers")
    membership = Membership.objects.create(workspace=group, user=owner)
    HiddenContact.objects.create(membership=membership, person=twin)
    return me, ann, twin, bob, cara


def test_merge_moves_everything_and_unmerge_restores_every_row(owner, world):
    _me, ann, twin, bob, _cara = world
    before = database()
    done = merge(owner, ann, twin, reason="reviewed by you")
    assert not Person.objects.filter(id=twin.id).exists()
    ann.refresh_from_db()
    assert (ann.organisation, ann.location, ann.notes) == ("Acme", "Leeds", "Met at the fair.")
    assert ann.aliases == ["A. Lee", "Annie"]
    assert sorted(ann.tags.values_list("name", flat=True)) == ["books", "friend"]
    assert ann.identities.count() == 3
    assert Participant.objects.filter(person=ann).count() == 2
    assert not Tie.objects.filter(kind="family").exists()
    bob_tie = Tie.objects.get(kind="knows")
    assert sorted(bob_tie.sources.values_list("detail", flat=True)) == [
        "Facebook friends",
        "stated by you",
    ]
    assert Referral.objects.get().referrer == ann
    assert MergeDecision.objects.filter(a=min(ann, bob, key=lambda p: p.id)).exists()
    assert list(Cadence.objects.values_list("person_id", "days")) == [(ann.id, 30)]
    assert Snooze.objects.get().person_id == ann.id
    assert StrengthOverride.objects.get().person_id == ann.id
    assert ActionDone.objects.get().person_id == ann.id
    assert HiddenContact.objects.get().person_id == ann.id
    assert done.snapshot["person"]["id"] == twin.id
    assert not done.automatic

    back = unmerge(done)
    assert back.id == twin.id
    assert database() == before
    done.refresh_from_db()
    assert done.undone_at is not None
    with pytest.raises(Conflict, match="already undone"):
        unmerge(done)


def test_later_edits_and_deletions_survive_an_undo(owner, world):
    _me, ann, twin, _bob, _cara = world
    done = merge(owner, ann, twin, reason="reviewed by you")
    Person.objects.filter(id=ann.id).update(organisation="Acme Books (typed by me)")
    Favour.objects.filter(person=ann).delete()
    unmerge(done)
    ann.refresh_from_db()
    assert ann.organisation == "Acme Books (typed by me)"
    assert ann.location == ""
    assert ann.aliases == ["Annie"]
    assert not Favour.objects.exists()
    assert Person.objects.get(id=twin.id).identities.count() == 2


def test_me_is_always_kept(owner, world):
    me, ann, *_ = world
    done = merge(owner, ann, me, reason="reviewed by you")
    assert done.kept_id == me.id
    assert done.absorbed_id == ann.id
    assert Person.objects.filter(id=me.id, is_me=True).exists()


def test_merges_are_undone_newest_first(owner, world):
    _me, ann, twin, _bob, cara = world
    before = database()
    first = merge(owner, ann, twin, reason="one")
    second = merge(owner, cara, ann, reason="two")
    with pytest.raises(Conflict, match=f"undo merge #{second.id} first"):
        unmerge(first)
    assert Person.objects.filter(id=cara.id).exists()
    unmerge(second)
    unmerge(first)
    assert database() == before


def test_a_row_moved_on_by_a_later_merge_blocks_an_exact_undo(owner, world):
    _me, ann, twin, bob, cara = world
    first = merge(owner, ann, twin, reason="one")
    # Cara (the other end of a tie that moved to Ann) is absorbed by Bob afterwards.
    merge(owner, bob, cara, reason="two")
    with pytest.raises(Conflict, match="exactly"):
        unmerge(first)


def test_latest_merge_into(owner, world):
    _me, ann, twin, bob, cara = world
    merge(owner, ann, twin, reason="one")
    second = merge(owner, ann, bob, reason="two")
    assert latest_merge_into(owner, ann) == second
    with pytest.raises(NotFound):
        latest_merge_into(owner, cara)


def test_another_users_people_cannot_be_merged(owner, other_user, world):
    _, ann, _twin, *_ = world
    theirs = create_person(other_user, "Ann Lee")
    with pytest.raises(NotFound):
        merge(other_user, theirs, ann, reason="x")
    with pytest.raises(NotFound):
        merge(owner, ann, theirs, reason="x")
    with pytest.raises(UsageError):
        merge(owner, ann, ann, reason="x")


def test_every_relation_to_a_person_is_handled():
    handled = {
        ("people", "identity", "person"),
        ("people", "tie", "a"),
        ("people", "tie", "b"),
        ("people", "person_tags", "person"),
        ("activity", "participant", "person"),
        ("activity", "favour", "person"),
        ("activity", "overture", "person"),
        ("activity", "referral", "referrer"),
        ("activity", "referral", "referred"),
        ("activity", "referral", "to"),
        ("activity", "outcome_people", "person"),
        ("activity", "post_mentions", "person"),
        ("imports", "sourceref", "person"),
        ("imports", "mergedecision", "a"),
        ("imports", "mergedecision", "b"),
        ("imports", "merge", "kept"),  # history: deliberately left pointing at the kept id
        ("practice", "cadence", "person"),
        ("practice", "snooze", "person"),
        ("practice", "strengthoverride", "person"),
        ("practice", "actiondone", "person"),
        ("workspaces", "hiddencontact", "person"),
        ("workspaces", "introrequest", "target_person"),
    }
    found = {
        (f.related_model._meta.app_label, f.related_model._meta.model_name, f.field.name)
        for f in Person._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and not f.many_to_many
    }
    assert found == handled


# -- automatic merges from imports ---------------------------------------------------------------
def run_for(owner):
    return ImportRun.objects.create(owner=owner, format="test", source="test")


def test_an_exact_key_merge_on_import_is_recorded_and_undoable(owner):
    apply_records(
        owner,
        run_for(owner),
        [
            PersonRecord("fb:ann", "Ann Lee", (Key("facebook", "ann lee"),)),
            PersonRecord("x:1", "ann_writes", (Key("x_id", "1"),)),
            TieRecord(ME, "fb:ann", "connection", "Facebook friends.json"),
            TieRecord(ME, "x:1", "follow", "X following.js"),
        ],
    )
    fb, x = Person.objects.filter(owner=owner, is_me=False).order_by("id")
    before = database()
    run = run_for(owner)
    apply_records(
        owner,
        run,
        [PersonRecord("vcf:ann", "Ann Lee", (Key("facebook", "ann lee"), Key("x_id", "1")))],
    )
    done = Merge.objects.get(owner=owner)
    assert (done.automatic, done.kept_id, done.absorbed_id, done.import_run) == (
        True,
        fb.id,
        x.id,
        run,
    )
    assert done.reason == "same X account id 1"
    unmerge(done)
    restored = Person.objects.get(id=x.id)
    assert list(restored.identities.values_list("channel", "value")) == [("x_id", "1")]
    assert Tie.objects.filter(owner=owner, kind="follow", b=restored).exists()
    after = database()
    # The re-import added a SourceRef and nothing else that the undo should take back.
    assert {k: v for k, v in after.items() if k != "imports.SourceRef"} == {
        k: v for k, v in before.items() if k != "imports.SourceRef"
    }


def test_refs_resolved_before_a_merge_follow_the_kept_person(owner):
    apply_records(
        owner,
        run_for(owner),
        [
            PersonRecord("v:1", "Ann Lee", (Key("email", "a@x.example"),)),
            PersonRecord("v:2", "Ann Lee", (Key("phone", "+447700900001"),)),
            PersonRecord(
                "v:3", "Ann Lee", (Key("email", "a@x.example"), Key("phone", "+447700900001"))
            ),
            TieRecord(ME, "v:2", "connection", "Contacts"),
        ],
    )
    person = Person.objects.get(owner=owner, is_me=False)
    assert (
        Tie.objects.filter(owner=owner, kind="connection")
        .filter(Q(a=person) | Q(b=person))
        .exists()
    )


# -- suggestions ---------------------------------------------------------------------------------
def test_a_name_alone_is_never_a_candidate(owner):
    create_person(owner, "Sam Lee", identities=[("email", "sam.lee@mailbox.example")])
    create_person(owner, "Sam Lee")
    assert candidates(owner) == []


def test_the_same_organisation_makes_a_candidate_and_a_decision_silences_it(owner):
    one = create_person(owner, "Sam Lee", organisation="Acme Ltd")
    two = create_person(owner, "Samuel Lee", organisation="ACME")
    found = candidates(owner)
    assert [(c.a, c.b) for c in found] == [(one, two)]
    assert "both at Acme Ltd" in found[0].reasons
    assert any("nickname" in r for r in found[0].reasons)
    mark_distinct(owner, two, one)
    assert candidates(owner) == []


def test_people_in_common_make_a_candidate(owner):
    one, two = create_person(owner, "Priya Shah"), create_person(owner, "Priya Shah")
    for name in ("Ann", "Bob", "Cy"):
        friend = create_person(owner, f"{name} Common")
        state_tie(owner, one, friend)
        state_tie(owner, two, friend)
    [found] = candidates(owner)
    assert "3 people in common" in found.reasons


def test_two_facebook_friends_are_two_people(owner):
    create_person(owner, "Ann Lee", organisation="Acme")
    a = create_person(owner, "Ann Lee", organisation="Acme")
    b = create_person(owner, "Ann Lee", organisation="Acme")
    Identity.objects.create(owner=owner, person=a, channel="facebook", value="ann lee")
    Identity.objects.create(owner=owner, person=b, channel="facebook", value="ann lee (2)")
    pairs = {(c.a.id, c.b.id) for c in candidates(owner)}
    assert (a.id, b.id) not in pairs
    assert len(pairs) == 2


def test_me_only_on_strong_evidence(owner):
    me = ensure_me(owner)
    me.name, me.organisation, me.location = "Nadia Brennan", "Acme", "Leeds"
    me.save()
    create_person(owner, "Nadia Brennan", organisation="Acme")
    assert candidates(owner) == []
    other = create_person(owner, "Nadia Brennan", organisation="Acme", location="Leeds")
    found = candidates(owner)
    assert [(c.a, c.b) for c in found if me in (c.a, c.b)] == [(me, other)]


def test_candidates_of_another_user_are_not_mine(owner, other_user):
    create_person(other_user, "Sam Lee", organisation="Acme")
    create_person(other_user, "Sam Lee", organisation="Acme")
    assert candidates(owner) == []
    assert len(candidates(other_user)) == 1


def test_mark_distinct_refuses_one_person_and_strangers(owner, other_user):
    one = create_person(owner, "Sam Lee")
    with pytest.raises(UsageError):
        mark_distinct(owner, one, one)
    with pytest.raises(NotFound):
        mark_distinct(other_user, one, create_person(other_user, "Sam Lee"))


# -- random merge sequences undo exactly ---------------------------------------------------------
class Rollback(Exception):
    pass


KINDS = ("knows", "follow", "family", "connection")
people_count = st.integers(min_value=3, max_value=6)


@st.composite
def scenarios(draw):
    n = draw(people_count)
    index = st.integers(min_value=0, max_value=n - 1)
    ties = draw(
        st.lists(st.tuples(index, index, st.sampled_from(KINDS), st.booleans()), max_size=12)
    )
    meetings = draw(st.lists(st.sets(index, min_size=1, max_size=3), max_size=4))
    tags = draw(st.lists(st.sets(st.sampled_from("abc"), max_size=2), min_size=n, max_size=n))
    fields = draw(st.lists(st.sampled_from(["", "Acme", "Leeds"]), min_size=n, max_size=n))
    merges = draw(st.lists(st.tuples(index, index), min_size=1, max_size=4))
    return n, ties, meetings, tags, fields, merges


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scenario=scenarios())
def test_random_merges_undone_in_reverse_restore_everything(owner, scenario):
    n, ties, meetings, tags, fields, merges = scenario
    try:
        with transaction.atomic():
            me = ensure_me(owner)
            people = [me] + [
                create_person(owner, f"P{i}", organisation=fields[i]) for i in range(1, n)
            ]
            for person, names in zip(people, tags, strict=True):
                set_tags(person, names)
            for a, b, kind, evidence in ties:
                if a != b:
                    tie(owner, people[a], people[b], kind, detail=f"d{int(evidence)}")
            for group in meetings:
                log_interaction(owner, "met", [people[i] for i in sorted(group)], when=WHEN)
            mark_distinct(owner, people[1], people[2])
            before = database()
            alive = {p.id: p for p in people}
            done = []
            for a, b in merges:
                kept, gone = people[a], people[b]
                if kept.id not in alive or gone.id not in alive or kept.id == gone.id:
                    continue
                record = merge(owner, kept, gone, reason="test")
                alive.pop(record.absorbed_id)
                done.append(record)
            for record in reversed(done):
                unmerge(record)
            assert database() == before
            raise Rollback
    except Rollback:
        pass


# -- the pure matcher ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("one", "other", "alike"),
    [
        ("Bob Smith", "Robert Smith", True),
        ("J. Smith", "John Smith", True),
        ("Jon Smith", "John Smyth", True),
        ("Steven Clark", "Stephen Clarke", True),
        ("Łukasz Wójcik", "Lukasz Wojcik", True),
        ("Dr Ann Lee PhD", "ann lee", True),
        ("Lee Ann", "Ann Lee", True),
        ("ann.lee@example.org", "Ann Lee", True),
        ("@AnnLee", "Ann Lee", True),
        ("Gus Okafor", "Jess Okafor", False),
        ("Ann Okafor", "Hana Okafor", False),
        ("Emma Smith", "Emily Smith", False),
        ("Ann", "Ann Lee", False),
        ("Ann Marie Lee", "Ann Louise Lee", False),
    ],
)
def test_name_similarity(one, other, alike):
    assert (matching.name_similarity(one, other).score >= matching.NAME_THRESHOLD) is alike
    if alike:
        assert matching.blocking_keys(one) & matching.blocking_keys(other)


def test_one_friend_in_common_is_not_enough():
    hub = frozenset({99})
    one = matching.Profile(1, "Ann Lee", neighbours=hub)
    assert matching.score_pair(one, matching.Profile(2, "Ann Lee", neighbours=hub)) is None
    two = frozenset({98, 99})
    match = matching.score_pair(
        matching.Profile(1, "Ann Lee", neighbours=two),
        matching.Profile(2, "Ann Lee", neighbours=two),
    )
    assert match is not None
    assert "2 people in common" in match.reasons


def test_matching_doctests():
    assert doctest.testmod(matching).failed == 0
