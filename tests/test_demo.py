"""The demo network: deterministic, believable in shape, and loaded whole or not at all."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import replace
from functools import cache
from itertools import combinations
from typing import Any

import phonenumbers
import pytest
from django.contrib.auth import authenticate
from django.db import connection, transaction

from goodwill.activity.models import (
    Channel,
    Favour,
    Interaction,
    Outcome,
    Overture,
    Participant,
    Referral,
)
from goodwill.activity.services import log_interaction, record_favour
from goodwill.demo import load
from goodwill.demo.generate import DemoNetwork, generate
from goodwill.demo.ledger import MAX_TRIES
from goodwill.demo.records import (
    FACEBOOK_FRIENDS,
    LINKEDIN_CONNECTIONS,
    ME,
    PARTNER,
    PARTNER_FACEBOOK_FRIENDS,
    X_FOLLOWERS,
    TieRecord,
)
from goodwill.identity import normalise
from goodwill.people.models import Identity, Person, Tag, Tie, TieSource
from goodwill.people.services import create_person, ensure_me, people_payload, search, state_tie

AS_OF = dt.date(2026, 3, 1)
SEEDS = (7, 11, 2024)


@cache
def network_for(seed: int) -> DemoNetwork:
    return generate(seed, as_of=AS_OF)


@pytest.fixture(scope="session")
def network() -> DemoNetwork:
    return network_for(7)


def my_list(network: DemoNetwork, source: str) -> set[str]:
    """Everyone on one of the author's own platform lists."""
    return {
        t.a if t.b == ME else t.b for t in network.ties if t.source == source and ME in (t.a, t.b)
    }


def undirected_pairs(network: DemoNetwork, *, without: tuple[str, ...] = ()) -> set[frozenset[str]]:
    return {
        frozenset((t.a, t.b)) for t in network.ties if t.a not in without and t.b not in without
    }


# The generator


def test_same_seed_same_network_and_another_seed_another(network):
    assert generate(7, as_of=AS_OF) == network
    other = network_for(11)
    assert other != network
    assert [h.name for h in other.humans[2:50]] != [h.name for h in network.humans[2:50]]


def test_the_people_do_not_depend_on_the_day(network):
    later = generate(7, as_of=AS_OF + dt.timedelta(days=400))
    dated = {"met_on": None, "how_we_met": "", "notes": ""}
    assert [replace(h, **dated) for h in later.humans] == [
        replace(h, **dated) for h in network.humans
    ]


@pytest.mark.parametrize("seed", SEEDS)
def test_platform_sizes_and_overlap(seed):
    network = network_for(seed)
    facebook = my_list(network, FACEBOOK_FRIENDS)
    followers = my_list(network, X_FOLLOWERS)
    linkedin = my_list(network, LINKEDIN_CONNECTIONS)
    assert 320 <= len(facebook) <= 380
    assert 740 <= len(followers) <= 860
    assert 450 <= len(linkedin) <= 550
    # The same people turn up on several platforms, as they do in life.
    assert len(facebook & linkedin) >= 80
    assert len(facebook & linkedin & followers) >= 15


@pytest.mark.parametrize("seed", SEEDS)
def test_partner_has_115_friends_62_of_them_shared(seed):
    network = network_for(seed)
    assert any({t.a, t.b} == {ME, PARTNER} and t.kind == "partner" for t in network.ties)
    partners = {t.b for t in network.ties if t.source == PARTNER_FACEBOOK_FRIENDS}
    assert 105 <= len(partners) <= 125
    assert 55 <= len(partners & my_list(network, FACEBOOK_FRIENDS)) <= 70


def merged_key(tie: TieRecord) -> tuple[Any, ...]:
    """Records with the same key become one database tie (follows are directed)."""
    ends = (tie.a, tie.b) if tie.kind == "follow" else frozenset((tie.a, tie.b))
    return ends, tie.kind


def test_the_network_is_a_modest_size(network):
    merged = {merged_key(t) for t in network.ties}
    assert 1500 <= len(network.humans) <= 2500
    assert 10_000 <= len(merged) <= 25_000
    assert 4000 <= len(network.interactions) <= 10_000


def test_communities_are_dense_inside_and_sparse_between(network):
    pairs = undirected_pairs(network, without=(ME, PARTNER))
    everyone = [h for h in network.humans if h.key not in {ME, PARTNER}]

    def density(community: str) -> tuple[float, float]:
        inside = {h.key for h in everyone if h.community == community}
        internal = sum(frozenset(p) in pairs for p in combinations(sorted(inside), 2))
        crossing = sum(len(p & inside) == 1 for p in pairs)
        outside = len(everyone) - len(inside)
        return internal / (len(inside) * (len(inside) - 1) / 2), crossing / (len(inside) * outside)

    internal, between = density("writers")
    assert internal > 0.5
    assert internal > 50 * between
    for community in ("family", "speakers", "press", "agency", "neighbours", "friends"):
        internal, between = density(community)
        assert internal > 10 * between, community


def test_friends_of_friends_reach_beyond_the_first_degree(network):
    neighbours: dict[str, set[str]] = {}
    for a, b in (tuple(p) for p in undirected_pairs(network)):
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    mine = neighbours[ME]
    strangers = [h for h in network.humans if h.key != ME and h.key not in mine]
    second = [h for h in strangers if neighbours.get(h.key, set()) & mine]
    assert len(second) >= 250
    assert all(h.closeness == 0 for h in strangers)


def test_every_identity_is_normalised_fictional_and_unique(network):
    accounts = [a for h in network.humans for a in h.accounts]
    assert {a.channel for a in accounts} >= {"facebook", "x", "x_id", "linkedin", "email"}
    assert {a.channel for a in accounts} >= {"phone", "mastodon", "bluesky"}
    for account in accounts:
        assert normalise(account.channel, account.value) == account.value
        assert normalise(account.channel, account.display) == account.value
    assert len({(a.channel, a.value) for a in accounts}) == len(accounts)
    for account in accounts:
        if account.channel == "email":
            assert account.value.endswith(".example")
        if account.channel == "phone":
            assert phonenumbers.is_possible_number(phonenumbers.parse(account.value))
            assert account.value[:8] in {"+4477009", "+4411749", "+4420794"} or (
                account.value[:2] == "+1" and account.value[5:10] == "55501"
            )


def test_some_people_go_by_another_name_and_a_few_share_one(network):
    assert sum(1 for h in network.humans if h.aliases) >= 20
    shared = [n for n, c in Counter(h.name for h in network.humans).items() if c > 1]
    assert 1 <= len(shared) <= 10


def test_interactions_cover_two_years_before_as_of(network):
    midnight = dt.datetime.combine(AS_OF, dt.time(), tzinfo=dt.UTC)
    times = [i.at for i in network.interactions]
    assert all(t.tzinfo is not None for t in times)
    assert max(times) < midnight
    assert midnight - dt.timedelta(days=731) <= min(times) <= midnight - dt.timedelta(days=700)
    assert {i.kind for i in network.interactions} >= {"met", "call", "email", "message", "post"}
    assert {i.direction for i in network.interactions} == {"out", "in", "both"}


def test_closer_people_hear_more_and_some_went_cold(network):
    counts = Counter(p.key for i in network.interactions for p in i.participants)
    by_community: dict[str, list[int]] = {}
    for human in network.humans:
        by_community.setdefault(human.community, []).append(counts[human.key])
    mean = {c: sum(v) / len(v) for c, v in by_community.items()}
    assert mean["family"] > 5 * mean["online"]
    assert mean["writers"] > 5 * mean["professional"]
    last = {}
    for interaction in network.interactions:
        for p in interaction.participants:
            last[p.key] = max(last.get(p.key, interaction.at), interaction.at)
    cutoff = dt.datetime.combine(AS_OF, dt.time(), tzinfo=dt.UTC) - dt.timedelta(days=240)
    cold = [h for h in network.humans if h.closeness >= 0.3 and last.get(h.key, cutoff) < cutoff]
    assert len(cold) >= 5


def test_favours_overtures_and_business_have_their_loose_ends(network):
    unthanked = [f for f in network.favours if f.direction == "received" and not f.acknowledged_on]
    assert 5 <= len(unthanked) < len([f for f in network.favours if f.direction == "received"])
    answered = [o for o in network.overtures if o.answered_at]
    assert 0 < len(answered) < len(network.overtures)
    midnight = dt.datetime.combine(AS_OF, dt.time(), tzinfo=dt.UTC)
    assert all(o.sent_at < o.answered_at < midnight for o in answered)
    assert max(Counter(o.person for o in network.overtures).values()) <= MAX_TRIES
    assert {r.status for r in network.referrals} == {"open", "contacted", "won", "lost"}
    assert any(r.referrer == ME for r in network.referrals)
    assert any(r.referred == ME for r in network.referrals)
    assert any("pre-orders via Facebook" in o.title for o in network.outcomes)
    assert {c.key for c in network.channels} >= {"facebook", "x", "linkedin", "in_person"}
    assert all(c.hours > 0 and c.target_rule for c in network.channels)


def test_every_record_names_someone_in_the_network(network):
    keys = {h.key for h in network.humans}
    assert len(keys) == len(network.humans)
    assert all(t.a in keys and t.b in keys and t.a != t.b for t in network.ties)
    assert all(p.key in keys for i in network.interactions for p in i.participants)
    assert all(i.participants for i in network.interactions)
    assert {f.person for f in network.favours} <= keys
    assert {o.person for o in network.overtures} <= keys
    assert {k for r in network.referrals for k in (r.referrer, r.referred, r.to)} <= keys
    assert {k for o in network.outcomes for k in o.people} <= keys


# Loading into the database


def canonical_dump(user) -> dict[str, list[dict[str, Any]]]:
    """Every row the user owns, with ids replaced by their rank so two loads compare equal."""
    person = {"person_id": "person"}
    outcome = {"outcome_id": "outcome"}
    referral_people = {"referrer_id": "person", "referred_id": "person", "to_id": "person"}
    tables = (
        ("person", Person.objects.filter(owner=user), {}),
        ("tag", Tag.objects.filter(owner=user), {}),
        ("person_tag", Person.tags.through.objects.filter(person__owner=user),
         {**person, "tag_id": "tag"}),
        ("identity", Identity.objects.filter(owner=user), person),
        ("tie", Tie.objects.filter(owner=user), {"a_id": "person", "b_id": "person"}),
        ("tie_source", TieSource.objects.filter(tie__owner=user), {"tie_id": "tie"}),
        ("interaction", Interaction.objects.filter(owner=user), {}),
        ("participant", Participant.objects.filter(interaction__owner=user),
         {**person, "interaction_id": "interaction"}),
        ("favour", Favour.objects.filter(owner=user), person),
        ("overture", Overture.objects.filter(owner=user), person),
        ("channel", Channel.objects.filter(owner=user), {}),
        ("referral", Referral.objects.filter(owner=user),
         {**referral_people, "channel_id": "channel"}),
        ("outcome", Outcome.objects.filter(owner=user), {"referral_id": "referral"}),
        ("outcome_person", Outcome.people.through.objects.filter(outcome__owner=user),
         {**outcome, **person}),
        ("outcome_channel", Outcome.channels.through.objects.filter(outcome__owner=user),
         {**outcome, "channel_id": "channel"}),
    )  # fmt: skip
    ranks: dict[str, dict[int, int]] = {}
    dump: dict[str, list[dict[str, Any]]] = {}
    for name, queryset, refs in tables:
        rows = list(queryset.order_by("id").values())
        ranks[name] = {row["id"]: index for index, row in enumerate(rows)}
        for row in rows:
            for column in ("owner_id", "created_at", "updated_at"):
                row.pop(column, None)
            row["id"] = ranks[name][row["id"]]
            for column, table in refs.items():
                if row[column] is not None:
                    row[column] = ranks[table][row[column]]
        dump[name] = rows
    return dump


def some_data_of_their_own(user) -> None:
    me = ensure_me(user)
    lori = create_person(user, "Lori Sam", identities=[("email", "lori@example.org")], tags=["x"])
    state_tie(user, me, lori)
    log_interaction(user, "met", [lori])
    record_favour(user, "received", lori, "Lent a ladder")


def people_listing(username: str) -> str:
    user = Person.objects.get(owner__username=username, is_me=True).owner
    return json.dumps(people_payload(search(user)), ensure_ascii=False)


@pytest.mark.django_db
def test_build_demo_writes_the_whole_network_the_same_way_each_time(network, django_user_model):
    if connection.vendor == "sqlite":
        # Replay a fresh database: SQLite hands out the same ids again after a rollback
        # (PostgreSQL sequences ignore rollbacks, so there only the second load is checked).
        with transaction.atomic():
            load.build_demo(7, as_of=AS_OF)
            first_listing = people_listing("demo")
            transaction.set_rollback(True)
    stages = []
    summary = load.build_demo(7, as_of=AS_OF, progress=lambda *args: stages.append(args))
    if connection.vendor == "sqlite":
        assert people_listing("demo") == first_listing
    assert stages[0] == ("people", 0, 4)
    assert stages[-1] == ("done", 4, 4)
    user = django_user_model.objects.get(username="demo")
    assert authenticate(username="demo", password="demo") == user
    assert (user.first_name, user.last_name) == ("Nadia", "Brennan")
    me = Person.objects.get(owner=user, is_me=True)
    assert (me.name, me.organisation) == ("Nadia Brennan", "Independent author")

    mine = Person.objects.filter(owner=user)
    # Inserted in the generator's order: the ids a fresh database hands out follow it.
    assert [p.name for p in mine.order_by("id")] == [h.name for h in network.humans]
    assert mine.count() == summary.counts["people"]
    in_order = mine.order_by("id").values_list("id", flat=True)
    ids = dict(zip([h.key for h in network.humans], in_order, strict=True))
    assert Identity.objects.filter(owner=user).count() == sum(
        len(h.accounts) for h in network.humans
    )
    merged = load.merge_ties(network.ties, ids)
    assert Tie.objects.filter(owner=user).count() == len(merged) == summary.counts["ties"]
    assert sum(summary.ties_by_kind.values()) == len(merged)
    assert not Tie.objects.filter(owner=user, sources=None).exists()
    sources = TieSource.objects.filter(tie__owner=user)
    assert sources.count() == sum(len(m.sources) for m in merged.values())
    assert set(sources.values_list("kind", flat=True)) == {"demo"}
    assert Interaction.objects.filter(owner=user).count() == len(network.interactions)
    participants = sum(len(i.participants) for i in network.interactions)
    assert Participant.objects.filter(interaction__owner=user).count() == participants
    expected = {
        Favour: network.favours,
        Overture: network.overtures,
        Channel: network.channels,
        Referral: network.referrals,
        Outcome: network.outcomes,
    }
    for model, records in expected.items():
        assert model.objects.filter(owner=user).count() == len(records), model.__name__


@pytest.mark.django_db
def test_rebuilding_replaces_the_demo_with_the_same_rows_and_spares_others(owner, other_user):
    some_data_of_their_own(owner)
    some_data_of_their_own(other_user)
    others_before = canonical_dump(other_user)
    me_id = ensure_me(owner).id

    load.build_demo(7, as_of=AS_OF, username="owner", password="new-pw-123")
    first = canonical_dump(owner)
    assert not Person.objects.filter(owner=owner, name="Lori Sam").exists()
    load.build_demo(7, as_of=AS_OF, username="owner", password="new-pw-123")

    assert canonical_dump(owner) == first
    assert ensure_me(owner).id == me_id
    assert canonical_dump(other_user) == others_before
    assert authenticate(username="owner", password="new-pw-123") is not None


@pytest.mark.django_db
def test_a_failure_mid_load_leaves_everything_as_it_was(monkeypatch, owner, django_user_model):
    def broken(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(load._Writer, "ties", broken)
    with pytest.raises(RuntimeError):
        load.build_demo(7, as_of=AS_OF)
    assert not django_user_model.objects.filter(username="demo").exists()
    assert not Person.objects.filter(owner__username="demo").exists()

    some_data_of_their_own(owner)
    before = canonical_dump(owner)
    with pytest.raises(RuntimeError):
        load.build_demo(7, as_of=AS_OF, username="owner", password="changed-123")
    assert canonical_dump(owner) == before
    assert authenticate(username="owner", password="pw-owner-123") == owner
