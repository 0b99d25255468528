"""Large imports in few queries, with exactly the outcome of applying records one at a time.

Person records are applied in chunks (``PersonWriter``) and ties, posts and interactions in
batches; ``PERSON_BATCH = 1`` applies each person record on its own against the database, as
merges always are. The same records through both ways must leave the same data and counts.
"""

from __future__ import annotations

import datetime as dt
from itertools import islice

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goodwill.activity.models import Participant, Post
from goodwill.importers.records import (
    ME,
    InteractionRecord,
    Key,
    PersonRecord,
    PostRecord,
    TieRecord,
)
from goodwill.imports import apply
from goodwill.imports.apply import apply_records
from goodwill.imports.models import ImportRun, Merge
from goodwill.imports.service import run_import
from goodwill.people.models import Identity, Person, Tie, TieSource
from tests.conftest import shared_data

pytestmark = pytest.mark.django_db
WHEN = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
BOB_LI = "https://www.linkedin.com/in/bob"


def run_for(owner):
    return ImportRun.objects.create(owner=owner, format="test", source="test")


def tricky_records(org: str = "Acme") -> list:
    """Stand-ins, merges mid-chunk, your own record, tags, flags, ref-only people, ties,
    interactions and posts, interleaved the way streaming importers yield them."""
    records: list = [
        PersonRecord("x:42", "", (Key("x_id", "42"),)),
        PersonRecord("x:42", "Ann Lee", (Key("x_id", "42"), Key("x", "ann")), tags=("Writers",)),
        PersonRecord("fb:bob", "Bob Stone", (Key("facebook", "bob stone"),), organisation=org),
        TieRecord(ME, "fb:bob", "connection", "Facebook friends"),
        PersonRecord("li:bob", "Bob Stone", (Key("linkedin", BOB_LI),), position="Editor"),
        TieRecord(
            ME, "li:bob", "connection", "LinkedIn Connections.csv", since=dt.date(2021, 3, 4)
        ),
        PersonRecord(
            "vcf:bob",
            "Robert Stone",
            (Key("facebook", "bob stone"), Key("linkedin", BOB_LI), Key("email", "bob@x.org")),
            tags=("family", "  Book  Club "),
        ),
        PersonRecord(ME, "", (Key("email", "me@x.org"), Key("x", "owner"))),
        PersonRecord("r:none", ""),
        PersonRecord("li:cat", "Cat Moss", tags=("Writers",)),
        PersonRecord("li:cat", "Cat Moss", position="Agent", location="Leeds", blocked=True),
        PersonRecord("email:news@x.org", "News", (Key("email", "news@x.org"),), bulk=True),
        InteractionRecord(
            WHEN, "email", "email", "in", ((ME, "to"), ("vcf:bob", "from"), ("li:cat", "cc"))
        ),
        PostRecord(WHEN, "x", "my book is out!", "tw:1", mentions=("x:42", "x:42", "li:cat")),
    ]
    for i in range(12):
        records.append(PersonRecord(f"edge:{i}", f"Person {i}", organisation=org))
        if i:
            weight = 0.1 * i
            records.append(
                TieRecord(f"edge:{i}", f"edge:{i - 1}", "knows", "edges.txt", weight=weight)
            )
            records.append(TieRecord(f"edge:{i - 1}", f"edge:{i}", "knows", "more.txt", weight=0.7))
    records.append(PersonRecord("edge:3", "Person 3", (Key("x_id", "42"),)))  # Ann, late merge
    return records


def state(owner) -> tuple:
    """Everything the records wrote, named without row ids."""
    names = {}
    people = []
    for person in Person.objects.filter(owner=owner).prefetch_related("identities", "tags"):
        keys = sorted((i.channel, i.value, i.display) for i in person.identities.all())
        names[person.id] = "(me)" if person.is_me else person.name
        row = (names[person.id], person.aliases, person.organisation, person.position)
        row += (person.location, person.blocked, person.bulk)
        people.append((row, keys, sorted(t.name for t in person.tags.all())))
    ties = sorted(
        (
            names[t.a_id],
            names[t.b_id],
            t.kind,
            t.weight,
            t.since,
            sorted(s.detail for s in t.sources.all()),
        )
        for t in Tie.objects.filter(owner=owner).prefetch_related("sources")
    )
    talks = sorted(
        (kind, names[person_id], role)
        for kind, person_id, role in Participant.objects.filter(
            interaction__owner=owner
        ).values_list("interaction__kind", "person_id", "role")
    )
    posts = sorted(
        (p.external_id, sorted(names[m.id] for m in p.mentions.all()))
        for p in Post.objects.filter(owner=owner).prefetch_related("mentions")
    )
    merges = sorted(Merge.objects.filter(owner=owner).values_list("absorbed_name", "reason"))
    return sorted(people), ties, talks, posts, merges


def three_imports(owner) -> list:
    """An import, the same again, and a newer export: the outcome counts of each."""
    found = []
    for records in (tricky_records(), tricky_records(), tricky_records(org="Acme Books")):
        outcome = apply_records(owner, run_for(owner), records)
        found.append((outcome.counts(), [(i.code, i.message) for i in outcome.issues]))
    return found


@pytest.mark.parametrize("batch", [3, 500])
def test_chunks_leave_what_one_record_at_a_time_leaves(owner, other_user, monkeypatch, batch):
    monkeypatch.setattr(apply, "PERSON_BATCH", 1)
    one_by_one = three_imports(other_user)
    monkeypatch.setattr(apply, "PERSON_BATCH", batch)
    chunked = three_imports(owner)
    assert chunked == one_by_one
    assert state(owner) == state(other_user)
    # The records really did exercise what they are meant to.
    first = chunked[0][0]
    assert (first["people_merged"], first["ties"], first["interactions"], first["posts"]) == (
        2,
        12,
        1,
        1,
    )
    assert chunked[1][0]["people_created"] == chunked[1][0]["people_updated"] == 0
    # The new organisation: Bob and the twelve edge people (one of whom is now Ann).
    assert chunked[2][0]["people_updated"] == 13
    ann = Person.objects.get(owner=owner, name="Ann Lee")
    assert ann.aliases == ["42", "Person 3"]
    assert {"42", "ann"} <= set(ann.identities.values_list("value", flat=True))
    assert [i[0] for i in chunked[0][1]] == ["missing-name"]


def test_tie_weight_is_the_sum_of_its_sources(owner):
    ann = PersonRecord("a", "Ann")
    bob = PersonRecord("b", "Bob")
    weights = {"one.txt": 0.1, "two.txt": 0.2, "three.txt": 0.7}
    ties = [TieRecord("a", "b", "knows", s, weight=w) for s, w in weights.items()]
    apply_records(owner, run_for(owner), [ann, bob, *ties])
    tie = Tie.objects.get(owner=owner)
    total = TieSource.objects.filter(tie=tie).aggregate(total=Sum("weight"))["total"]
    assert tie.weight == total
    assert tie.weight == pytest.approx(1.0)
    # Dates and times written in bulk read back and compare as the ORM's own do.
    assert Tie.objects.filter(owner=owner, created_at__lte=timezone.now(), since=None).count() == 1
    assert TieSource.objects.filter(tie=tie, created_at__lte=timezone.now()).count() == 3
    changed = [TieRecord("a", "b", "knows", "two.txt", weight=2.0, since=dt.date(2020, 1, 1))]
    apply_records(owner, run_for(owner), [ann, bob, *changed])
    tie.refresh_from_db()
    assert tie.weight == pytest.approx(2.8)
    assert tie.since == dt.date(2020, 1, 1)
    assert TieSource.objects.filter(tie=tie).count() == 3
    assert Tie.objects.filter(owner=owner, since__lt=dt.date(2020, 1, 2)).get() == tie
    assert tie.updated_at > tie.created_at


def _edge_list(tmp_path, edges: int):
    source = shared_data("snap-ego-facebook", "facebook_combined.txt")
    path = tmp_path / f"facebook_{edges}.txt"
    with source.open() as lines:
        path.write_text("".join(islice(lines, edges)))
    return path


def _counted_import(owner, path):
    with CaptureQueriesContext(connection) as queries:
        run = run_import(owner, [path])
    return run, len(queries)


def test_an_edge_list_costs_few_queries_and_grows_sublinearly(owner, other_user, tmp_path):
    small_run, small = _counted_import(owner, _edge_list(tmp_path, 400))
    large_run, large = _counted_import(other_user, _edge_list(tmp_path, 4000))
    assert (small_run.ties, large_run.ties) == (400, 4000)
    assert large_run.people_created > 3 * small_run.people_created
    # One at a time, every person cost eight queries or more.
    assert large < large_run.records / 20
    assert large < 3 * small
    # A re-import reads in bulk and writes nothing.
    again, queries = _counted_import(other_user, _edge_list(tmp_path, 4000))
    assert (again.people_created, again.people_updated, again.ties) == (0, 0, 0)
    assert queries < large


def test_the_x_archive_costs_few_queries_and_keeps_its_posts(owner):
    archive = shared_data("twitter-archive-larsbrinkhoff")
    run, queries = _counted_import(owner, archive)
    assert Post.objects.filter(owner=owner).count() == 1827
    assert Identity.objects.filter(owner=owner, channel="x_id").count() >= run.people_created
    assert queries < run.records / 10
