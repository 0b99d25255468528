"""The shared service layer the CLI, web app and API all call."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from goodwill.activity.services import (
    log_interaction,
    parse_when,
    record_favour,
    record_overture,
)
from goodwill.errors import Ambiguous, Conflict, NotFound, UsageError
from goodwill.people.models import Identity, Person, Tie
from goodwill.people.services import (
    create_person,
    ensure_me,
    person_payload,
    resolve,
    search,
    state_tie,
)

pytestmark = pytest.mark.django_db


def test_every_user_gets_exactly_one_me(owner):
    me = Person.objects.get(owner=owner, is_me=True)
    assert ensure_me(owner) == me
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(owner=owner, is_me=True, name="second me")


def test_resolve_by_id_email_handle_and_name(owner):
    ann = create_person(owner, "Ann Lee", identities=[("email", "Ann@Example.org"), ("x", "@ann")])
    assert resolve(owner, f"#{ann.id}") == ann
    assert resolve(owner, "ann@example.ORG") == ann
    assert resolve(owner, "@Ann") == ann
    assert resolve(owner, "ann lee") == ann
    assert resolve(owner, "Lee") == ann
    assert resolve(owner, "me").is_me


def test_resolve_never_sees_another_users_people(owner, other_user):
    ann = create_person(owner, "Ann Lee", identities=[("email", "ann@example.org")])
    with pytest.raises(NotFound):
        resolve(other_user, f"#{ann.id}")
    with pytest.raises(NotFound):
        resolve(other_user, "ann@example.org")
    with pytest.raises(NotFound):
        resolve(other_user, "Ann Lee")


def test_ambiguous_name_lists_candidates(owner):
    first = create_person(owner, "Sam Lee", organisation="Acme")
    second = create_person(owner, "Sam Lee")
    with pytest.raises(Ambiguous) as info:
        resolve(owner, "Sam Lee")
    message = str(info.value)
    assert f"#{first.id} Sam Lee (Acme)" in message
    assert f"#{second.id} Sam Lee" in message
    assert "\n" not in message


def test_unknown_person_and_empty_reference(owner):
    with pytest.raises(NotFound, match="Zed"):
        resolve(owner, "Zed")
    with pytest.raises(NotFound):
        resolve(owner, "#999999")
    with pytest.raises(UsageError):
        resolve(owner, "   ")


def test_create_person_normalises_and_refuses_clashes(owner):
    ann = create_person(
        owner, "  Ann   Lee ", identities=[("phone", "020 7946 0958")], tags=["Books"]
    )
    assert ann.name == "Ann Lee"
    assert list(ann.identities.values_list("channel", "value")) == [("phone", "+442079460958")]
    assert [t.name for t in ann.tags.all()] == ["books"]
    assert "name" in ann.edited_fields
    with pytest.raises(Conflict, match="already belongs"):
        create_person(owner, "Someone", identities=[("phone", "+44 20 7946 0958")])
    with pytest.raises(UsageError, match="not an e-mail"):
        create_person(owner, "Bad", identities=[("email", "nope")])
    assert not Person.objects.filter(owner=owner, name__in=["Someone", "Bad"]).exists()


def test_identity_unique_per_owner_not_globally(owner, other_user):
    create_person(owner, "Ann", identities=[("email", "ann@example.org")])
    create_person(other_user, "Ann", identities=[("email", "ann@example.org")])
    assert Identity.objects.filter(value="ann@example.org").count() == 2


def test_stated_tie_is_idempotent_and_ordered(owner):
    ann = create_person(owner, "Ann")
    bob = create_person(owner, "Bob")
    first = state_tie(owner, bob, ann)
    again = state_tie(owner, ann, bob)
    assert first.pk == again.pk
    assert (first.a_id, first.b_id) == (min(ann.id, bob.id), max(ann.id, bob.id))
    assert [str(s) for s in first.sources.all()] == ["stated by you"]
    follow = state_tie(owner, bob, ann, kind="follow")
    assert (follow.a_id, follow.b_id) == (bob.id, ann.id)
    assert Tie.objects.filter(owner=owner).count() == 2
    with pytest.raises(UsageError):
        state_tie(owner, ann, ann)


def test_log_interaction_and_payload(owner):
    ann = create_person(owner, "Ann", identities=[("email", "ann@example.org")])
    when = parse_when("2025-03-04")
    log_interaction(owner, "call", [ann], when=when, note="caught up")
    record_favour(owner, "received", ann, "proofread chapter 3", on=dt.date(2025, 3, 1))
    record_overture(owner, ann, channel="email")
    payload = person_payload(ann)
    assert payload["interactions"][0]["kind"] == "call"
    assert payload["interactions"][0]["channel"] == "phone"
    assert payload["interactions"][0]["when"].startswith("2025-03-04")
    assert payload["favours"][0]["what"] == "proofread chapter 3"
    assert payload["overtures"][0]["channel"] == "email"
    assert payload["identities"] == [
        {"channel": "email", "value": "ann@example.org", "display": "ann@example.org"}
    ]


@pytest.mark.parametrize("bad", ["2024-13-45", "yesterday-ish", "31/12/2024"])
def test_invalid_dates_are_usage_errors(bad):
    with pytest.raises(UsageError, match="invalid date"):
        parse_when(bad)


def test_log_rejects_unknown_kind_and_foreign_people(owner, other_user):
    theirs = create_person(other_user, "Theirs")
    with pytest.raises(UsageError, match="unknown interaction kind"):
        log_interaction(owner, "dance", [ensure_me(owner)])
    with pytest.raises(UsageError, match="your people"):
        log_interaction(owner, "call", [theirs])


def test_search_matches_identities_and_tags(owner):
    create_person(owner, "Ann", identities=[("email", "ann@books.example")], tags=["editor"])
    create_person(owner, "Bob", organisation="Books Ltd")
    assert [p.name for p in search(owner, "books")] == ["Ann", "Bob"]
    assert [p.name for p in search(owner, "", tag="editor")] == ["Ann"]
    assert [p.name for p in search(owner, "zzz")] == []


def test_bare_word_handle_and_name_compete(owner):
    handle_owner = create_person(owner, "Robert Stone", identities=[("x", "bob")])
    named_bob = create_person(owner, "Bob")
    with pytest.raises(Ambiguous) as info:
        resolve(owner, "bob")
    assert f"#{handle_owner.id}" in str(info.value)
    assert f"#{named_bob.id}" in str(info.value)
    assert resolve(owner, "@bob") == handle_owner
