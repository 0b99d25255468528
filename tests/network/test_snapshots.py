"""Snapshots of one owner's network: built from the database, cached, rebuilt on change."""

from __future__ import annotations

import pytest

from goodwill.graph.snapshot import NEVER_CONNECTOR
from goodwill.network import snapshots
from goodwill.people.services import create_person, ensure_me, state_tie

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_memory():
    snapshots.forget()
    yield
    snapshots.forget()


def test_snapshot_mirrors_people_and_ties(owner, other_user):
    me = ensure_me(owner)
    ann = create_person(owner, "Ann")
    bob = create_person(owner, "Bob", never_connector=True)
    state_tie(owner, me, ann, kind="partner")
    state_tie(owner, ann, bob)
    create_person(other_user, "Not mine")
    s = snapshots.snapshot_for(owner)
    assert s.n == 3
    assert s.m == 2
    assert s.ids[s.me] == me.id
    assert s.has_flag(s.index_of(bob.id), NEVER_CONNECTOR)
    strengths = dict(
        zip(
            s.ids[s.neighbours(s.index_of(ann.id))].tolist(),
            s.strengths(s.index_of(ann.id)).tolist(),
            strict=True,
        )
    )
    # Strengths are kept at half precision in the snapshot.
    assert strengths[me.id] == pytest.approx(0.95, abs=1e-3)
    assert strengths[bob.id] == pytest.approx(0.6, abs=1e-3)


def test_cached_until_the_data_change(owner):
    me = ensure_me(owner)
    ann = create_person(owner, "Ann")
    first = snapshots.snapshot_for(owner)
    assert snapshots.snapshot_for(owner) is first
    snapshots.forget()
    from_disk = snapshots.snapshot_for(owner)
    assert from_disk is not first
    assert from_disk.n == first.n
    state_tie(owner, me, ann)
    rebuilt = snapshots.snapshot_for(owner)
    assert rebuilt.m == 1


def test_a_flag_set_in_bulk_rebuilds_the_snapshot(owner):
    from goodwill.graph.snapshot import BLOCKED
    from goodwill.people.models import Person

    me = ensure_me(owner)
    ann = create_person(owner, "Ann")
    state_tie(owner, me, ann)
    first = snapshots.snapshot_for(owner)
    assert not first.has_flag(first.index_of(ann.id), BLOCKED)
    # update() leaves updated_at as it was: the stamp must still see the change.
    Person.objects.filter(id=ann.id).update(blocked=True)
    again = snapshots.snapshot_for(owner)
    assert again is not first
    assert again.has_flag(again.index_of(ann.id), BLOCKED)
