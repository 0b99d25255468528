"""Two people joining with the same invitation at once: one joins, the other hears why not."""

from __future__ import annotations

import pytest
from django.test import Client

from goodwill.workspaces import services
from goodwill.workspaces.models import Membership


def _token(group) -> tuple[str, str]:
    _, link = services.invite(group.member("ann"))
    token = link.rstrip("/").rsplit("/", 1)[-1]
    return token, f"/groups/join/{token}/"


def test_the_second_of_two_joins_at_once_gets_409_with_a_message(group, monkeypatch):
    _, path = _token(group)
    eve = Client()
    eve.force_login(group.users["eve"])
    joining = services.join

    def dan_joins_first(user, token):
        # Dan's request commits between Eve's page check and her join.
        joining(group.users["dan"], token)
        return joining(user, token)

    monkeypatch.setattr(services, "join", dan_joins_first)
    answer = eve.post(path)
    assert answer.status_code == 409
    assert b"this invitation has already been used" in answer.content
    members = Membership.objects.filter(workspace=group.workspace)
    assert members.filter(user=group.users["dan"]).exists()
    assert not members.filter(user=group.users["eve"]).exists()


def test_an_invitation_read_by_both_is_claimed_by_one_only(group, monkeypatch):
    token, _ = _token(group)
    stale = services.invitation_for(token)  # both requests read it before either wrote
    services.join(group.users["dan"], token)
    monkeypatch.setattr(services, "invitation_for", lambda _token: stale)
    from goodwill.errors import Conflict

    with pytest.raises(Conflict, match="just been used by someone else"):
        services.join(group.users["eve"], token)
    assert not Membership.objects.filter(user=group.users["eve"]).exists()


def test_the_same_person_twice_at_once_just_joins(group, monkeypatch):
    token, _ = _token(group)
    stale = services.invitation_for(token)
    first = services.join(group.users["eve"], token)
    monkeypatch.setattr(services, "invitation_for", lambda _token: stale)
    assert services.join(group.users["eve"], token) == first
