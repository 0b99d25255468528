"""The pooled graph: who knows whom, at the level each member shares, and nothing more."""

from __future__ import annotations

import json

import pytest

from goodwill.errors import Conflict, NotFound
from goodwill.workspaces import pool, services
from tests.workspaces.specimen import ALL_SECRETS


def test_who_knows_counts_names_and_one_person_across_members(group):
    found = services.who_knows(group.member("vic"), "Acme")
    counts = {m["name"]: m["count"] for m in found["members"]}
    # Ann: Sam (Hugo hidden, Nina never a connector); Bob: Sally and Samuel, counted only;
    # Cara: Zed.
    assert counts == {"Ann Archer": 1, "Bob Baker": 2, "Cara Cole": 1}
    people = {p["name"]: p for p in found["people"]}
    assert set(people) == {"Sam Lee", "Zed Marsh"}
    assert [k["name"] for k in people["Sam Lee"]["known_by"]] == ["Ann Archer"]
    assert people["Zed Marsh"]["position"] == "Buyer"  # Cara shares everything
    assert people["Sam Lee"]["position"] == ""


def test_people_known_to_several_members_are_one_node(group):
    built = pool.build(group.workspace, group.users["vic"])
    zora = [n for n, rs in built.records.items() if any(r.name == "Zora Whitfield" for r in rs)]
    assert len(zora) == 1
    assert sorted(r.name for r in built.records[zora[0]]) == ["Zora W.", "Zora Whitfield"]
    # Ann's contact "Bob Baker" is the member Bob: a tie between two members.
    ann, bob = built.member_of(group.users["ann"].pk), built.member_of(group.users["bob"].pk)
    assert bob in built.snapshot.neighbours(ann).tolist()


def test_counts_level_contacts_are_never_nodes(group):
    built = pool.build(group.workspace, group.users["vic"])
    names = {r.name for rs in built.records.values() for r in rs}
    assert "Samuel Lee" not in names
    assert not any("MKBOBNAME" in n for n in names)
    # Not even a count of people in common: that would match Bob's private keys.
    assert pool.member_overlap(built, built.member_of(group.users["bob"].pk)) is None


def test_reach_finds_paths_through_members_and_shared_ties(group):
    result = services.reach(group.member("vic"), "Zed")
    [target] = result["targets"]
    assert target["name"] == "Zed Marsh"
    first = target["paths"][0]
    names = [hop["name"] for hop in first["people"]]
    # Vic knows Ann; Ann and Cara both know Zora; Cara knows Zed.
    assert names[0] == "Vic Vale"
    assert names[-1] == "Zed Marsh"
    assert "Cara Cole" in names
    assert all("known_by" not in hop for hop in first["people"])


def test_never_connector_member_is_not_a_hop_and_cannot_be_asked(group):
    services.set_sharing(group.member("cara"), never_connector=True)
    result = services.reach(group.member("vic"), "Zed")
    for path in result["targets"][0]["paths"]:
        assert "Cara Cole" not in [hop["name"] for hop in path["people"][1:-1]]
    with pytest.raises(Conflict, match="does not make introductions"):
        services.ask(group.member("vic"), "cara", "Zed Marsh")


def test_leaving_takes_the_members_data(group):
    services.leave(group.member("cara"))
    found = services.who_knows(group.member("vic"), "Acme")
    assert "Cara Cole" not in {m["name"] for m in found["members"]}
    assert "Zed Marsh" not in {p["name"] for p in found["people"]}
    with pytest.raises(NotFound):
        group.member("cara")


def test_member_contacts_follow_each_level(group):
    vic = group.member("vic")
    ann = services.contacts(vic, "ann")
    assert {p["name"] for p in ann["people"]} == {"Zora Whitfield", "Sam Lee", "Bob Baker"}
    assert all(p["position"] == "" for p in ann["people"])
    bob = services.contacts(vic, "bob")
    assert (bob["count"], bob["people"], bob["organisations"]) == (2, [], [])
    text = json.dumps([ann, bob, services.contacts(vic, "cara")])
    assert not [m for m in ALL_SECRETS if m in text]


def test_every_lookup_is_audited_and_only_owners_read_it(group):
    vic = group.member("vic")
    services.who_knows(vic, "Acme")
    services.reach(vic, "Zed")
    services.contacts(vic, "bob")
    log = services.audit_log(group.member("ann"))
    assert [(e["who"], e["action"], e["detail"]) for e in log[:3]] == [
        ("Vic Vale", "contacts", "Bob Baker"),
        ("Vic Vale", "reach", "Zed"),
        ("Vic Vale", "who-knows", "Acme"),
    ]
    with pytest.raises(Conflict):
        services.audit_log(vic)


def test_non_members_do_not_find_the_group(group):
    with pytest.raises(NotFound, match="no group"):
        services.membership(group.users["dan"], group.workspace.id)
    with pytest.raises(NotFound):
        services.find(group.users["eve"], "Leeds Writers")
