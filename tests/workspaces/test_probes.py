"""A member probing what others know beyond the level they share (the audit's probes)."""

from __future__ import annotations

import json

import pytest

from goodwill.errors import RateLimited
from goodwill.people.services import create_person
from goodwill.workspaces import services
from goodwill.workspaces.models import AuditEntry


def test_a_probe_contact_does_not_move_the_overlap_with_a_counts_member(group):
    vic = group.member("vic")
    before = services.contacts(vic, "bob")
    # Bob (counts only) knows sally.MKBOBMAIL@acme.example: Vic types it into a contact of his.
    create_person(
        group.users["vic"], "Probe", identities=[("email", "sally.MKBOBMAIL@acme.example")]
    )
    after = services.contacts(vic, "bob")
    assert "overlap" not in before
    assert "overlap" not in after
    assert json.dumps(before, sort_keys=True) == json.dumps(after, sort_keys=True)


def test_overlap_with_a_names_member_is_still_counted(group):
    create_person(group.users["vic"], "Sam", identities=[("email", "sam@acme.example")])
    overlap = services.contacts(group.member("vic"), "ann")["overlap"]
    assert overlap["shared"] == 1
    assert overlap["mutual"] == [{"name": "Sam", "organisation": ""}]  # Vic's own name for him


def test_who_knows_never_confirms_a_private_email_through_knows_as(group):
    vic = group.member("vic")
    # Ann (names) knows Zora Whitfield at zora.MKANNMAIL@northwind.example.
    create_person(group.users["vic"], "Probe Person",
                  identities=[("email", "zora.MKANNMAIL@northwind.example")])  # fmt: skip
    mine = services.who_knows(vic, "Probe")
    [probe] = mine["people"]
    assert probe["name"] == "Probe Person"
    assert "Zora" not in json.dumps(mine)
    assert {k["knows_as"] for k in probe["known_by"] if k["name"] != "Vic Vale"} == {""}

    theirs = services.who_knows(vic, "Zora Whitfield")
    [zora] = theirs["people"]
    assert "Probe" not in json.dumps(theirs)
    assert "Vic Vale" not in [k["name"] for k in zora["known_by"]]
    assert {k["knows_as"] for k in zora["known_by"]} == {"Zora Whitfield", "Zora W."}


@pytest.mark.parametrize("query", ["MKBOBO", "MKBOBOR", "Acm", "cme", "a", "MK"])
def test_counts_level_organisations_match_whole_words_only(group, query):
    found = services.who_knows(group.member("vic"), query)
    assert "Bob Baker" not in [m["name"] for m in found["members"]]


def test_counts_level_whole_words_still_count(group):
    found = services.who_knows(group.member("vic"), "acme")
    assert {m["name"]: m["count"] for m in found["members"]}["Bob Baker"] == 2
    found = services.who_knows(group.member("vic"), "MKBOBORG")
    assert {m["name"]: m["count"] for m in found["members"]}["Bob Baker"] == 1


def test_counts_level_lookups_are_limited_per_member_and_audited(group, monkeypatch):
    monkeypatch.setenv("GOODWILL_GROUP_LOOKUPS_PER_HOUR", "3")
    vic, cara = group.member("vic"), group.member("cara")
    for word in ("acme", "northwind", "quill"):
        services.who_knows(vic, word)
    with pytest.raises(RateLimited, match="at most 3 who-knows lookups an hour"):
        services.who_knows(vic, "vine")
    services.who_knows(cara, "acme")  # another member has their own allowance
    actions = list(
        AuditEntry.objects.filter(actor=group.users["vic"]).values_list("action", flat=True)
    )
    assert actions.count("who-knows") == 3
    assert "who-knows-limit" in actions


def test_the_limit_answers_429_on_the_api(group, monkeypatch):
    from django.test import Client

    monkeypatch.setenv("GOODWILL_GROUP_LOOKUPS_PER_HOUR", "1")
    client = Client()
    client.force_login(group.users["vic"])
    url = f"/api/groups/{group.workspace.id}/who-knows"
    assert client.get(url, {"q": "acme"}).status_code == 200
    limited = client.get(url, {"q": "acme"})
    assert limited.status_code == 429
    assert limited.json()["error"].startswith("at most 1 who-knows lookups an hour")
