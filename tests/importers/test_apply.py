"""Applying importer records: transactional, idempotent, exact-key merging, hand edits kept."""

from __future__ import annotations

import datetime as dt

import pytest

from goodwill.activity.models import Interaction, Post
from goodwill.importers.records import (
    ME,
    InteractionRecord,
    Issue,
    Key,
    PersonRecord,
    PostRecord,
    TieRecord,
    Where,
)
from goodwill.imports.apply import apply_records
from goodwill.imports.models import ImportRun
from goodwill.people.models import Person, Tie

pytestmark = pytest.mark.django_db
WHEN = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)


def run_for(owner):
    return ImportRun.objects.create(owner=owner, format="test", source="test.csv")


def sample_records():
    ann = PersonRecord(
        "li:ann",
        "Ann Lee",
        (Key("email", "ann@example.org"), Key("linkedin", "https://www.linkedin.com/in/ann")),
        organisation="Acme",
    )
    bob = PersonRecord("li:bob", "Bob Stone", ())
    return [
        ann,
        bob,
        TieRecord(
            ME, "li:ann", "connection", "LinkedIn Connections.csv", since=dt.date(2020, 1, 2)
        ),
        TieRecord(ME, "li:bob", "connection", "LinkedIn Connections.csv"),
        InteractionRecord(
            WHEN, "message", "linkedin", "in", ((ME, "to"), ("li:ann", "from")), "hi"
        ),
        PostRecord(WHEN, "x", "my book is out!", "tw:1", mentions=("li:ann",)),
        Issue("bad-email", "not an e-mail address: 'x@'", Where("Connections.csv", 9)),
    ]


def snapshot(owner):
    return (
        sorted(Person.objects.filter(owner=owner).values_list("id", "name", "organisation")),
        sorted(Tie.objects.filter(owner=owner).values_list("a_id", "b_id", "kind", "weight")),
        sorted(Interaction.objects.filter(owner=owner).values_list("id", "external_id")),
    )


def test_apply_creates_people_ties_interactions_and_posts(owner):
    outcome = apply_records(owner, run_for(owner), sample_records())
    assert (outcome.people_created, outcome.ties, outcome.interactions, outcome.posts) == (
        2,
        2,
        1,
        1,
    )
    assert [i.code for i in outcome.issues] == ["bad-email"]
    ann = Person.objects.get(owner=owner, name="Ann Lee")
    assert ann.interactions.count() == 1
    assert Post.objects.get(owner=owner).mentions.get() == ann


def test_reimport_changes_nothing(owner):
    apply_records(owner, run_for(owner), sample_records())
    before = snapshot(owner)
    again = apply_records(owner, run_for(owner), sample_records())
    assert snapshot(owner) == before
    assert (again.people_created, again.people_updated, again.ties, again.interactions) == (
        0,
        0,
        0,
        0,
    )


def test_dry_run_keeps_nothing(owner):
    outcome = apply_records(owner, run_for(owner), sample_records(), dry_run=True)
    assert outcome.people_created == 2
    assert not Person.objects.filter(owner=owner, is_me=False).exists()


def test_hand_edits_survive_a_newer_export(owner):
    apply_records(owner, run_for(owner), sample_records())
    ann = Person.objects.get(owner=owner, name="Ann Lee")
    ann.organisation = "Acme Books (my note)"
    ann.edited_fields = ["organisation"]
    ann.save()
    newer = [
        PersonRecord(
            "li:ann",
            "Ann Lee",
            (Key("email", "ann@example.org"),),
            organisation="Acme 2",
            position="CEO",
        )
    ]
    apply_records(owner, run_for(owner), newer)
    ann.refresh_from_db()
    assert (ann.organisation, ann.position) == ("Acme Books (my note)", "CEO")


def test_exact_keys_merge_two_people_into_one(owner):
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
    assert Person.objects.filter(owner=owner, is_me=False).count() == 2
    outcome = apply_records(
        owner,
        run_for(owner),
        [
            PersonRecord("vcf:ann", "Ann Lee", (Key("facebook", "ann lee"), Key("x_id", "1"))),
        ],
    )
    assert outcome.people_merged == 1
    ann = Person.objects.get(owner=owner, is_me=False)
    assert sorted(ann.identities.values_list("channel", flat=True)) == ["facebook", "x_id"]
    assert sorted(Tie.objects.filter(owner=owner).values_list("kind", flat=True)) == [
        "connection",
        "follow",
    ]


def test_failure_leaves_nothing_behind(owner):
    def broken():
        yield from sample_records()[:3]
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        apply_records(owner, run_for(owner), broken())
    assert not Person.objects.filter(owner=owner, is_me=False).exists()
    assert not Tie.objects.filter(owner=owner).exists()


def test_other_users_data_is_never_touched(owner, other_user):
    apply_records(other_user, run_for(other_user), sample_records())
    theirs = snapshot(other_user)
    apply_records(owner, run_for(owner), sample_records())
    assert snapshot(other_user) == theirs
    assert Person.objects.filter(owner=owner, name="Ann Lee").count() == 1


def test_removed_friend_withdraws_only_that_evidence(owner):
    ann = PersonRecord("fb:ann", "Ann Lee", (Key("facebook", "ann lee"),))
    apply_records(
        owner,
        run_for(owner),
        [
            ann,
            TieRecord(ME, "fb:ann", "connection", "Facebook friends"),
            TieRecord(ME, "fb:ann", "connection", "LinkedIn Connections.csv"),
        ],
    )
    outcome = apply_records(
        owner,
        run_for(owner),
        [
            ann,
            TieRecord(ME, "fb:ann", "connection", "Facebook friends", removed=True),
        ],
    )
    tie = Tie.objects.get(owner=owner)
    assert [s.detail for s in tie.sources.all()] == ["LinkedIn Connections.csv"]
    assert outcome.ties_removed == 0
    apply_records(
        owner,
        run_for(owner),
        [
            ann,
            TieRecord(ME, "fb:ann", "connection", "LinkedIn Connections.csv", removed=True),
        ],
    )
    assert not Tie.objects.filter(owner=owner).exists()


def test_a_real_name_replaces_an_account_id_stand_in(owner):
    apply_records(owner, run_for(owner), [PersonRecord("x:42", "", (Key("x_id", "42"),))])
    person = Person.objects.get(owner=owner, is_me=False)
    assert person.name == "42"
    apply_records(owner, run_for(owner), [PersonRecord("x:42", "Ann Lee", (Key("x_id", "42"),))])
    person.refresh_from_db()
    assert (person.name, person.aliases) == ("Ann Lee", ["42"])


def test_overlong_values_are_cut_to_the_column(owner):
    apply_records(owner, run_for(owner), [PersonRecord("r:1", "N" * 500, organisation="O" * 500)])
    person = Person.objects.get(owner=owner, is_me=False)
    assert (len(person.name), len(person.organisation)) == (200, 200)


def test_a_record_for_me_adds_keys_to_the_owner(owner):
    apply_records(
        owner,
        run_for(owner),
        [PersonRecord("email:me@x.org", "Me Too", (Key("email", "me@x.org"),))],
    )
    outcome = apply_records(
        owner, run_for(owner), [PersonRecord(ME, "", (Key("email", "me@x.org"), Key("x", "owner")))]
    )
    me = Person.objects.get(owner=owner, is_me=True)
    assert outcome.people_merged == 1
    assert sorted(me.identities.values_list("channel", "value")) == [
        ("email", "me@x.org"),
        ("x", "owner"),
    ]
    assert Person.objects.filter(owner=owner).count() == 1


def test_invitation_is_answered_when_the_connection_exists(owner):
    from goodwill.activity.models import Overture
    from goodwill.importers.records import OvertureRecord

    sam = PersonRecord("li:sam", "Sam", (Key("linkedin", "https://www.linkedin.com/in/sam"),))
    sent = dt.datetime(2024, 1, 5, 9, tzinfo=dt.UTC)
    apply_records(
        owner,
        run_for(owner),
        [sam, OvertureRecord("li:sam", sent, "linkedin", "linkedin invitation")],
    )
    assert Overture.objects.get(owner=owner).answered_at is None
    apply_records(
        owner,
        run_for(owner),
        [
            sam,
            TieRecord(
                ME, "li:sam", "connection", "LinkedIn Connections.csv", since=dt.date(2024, 1, 8)
            ),
        ],
    )
    answered = Overture.objects.get(owner=owner).answered_at
    assert answered == dt.datetime(2024, 1, 8, 12, tzinfo=dt.UTC)
