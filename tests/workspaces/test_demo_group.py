"""The demo's 20-member writers' group, on top of the seed-7 demo network."""

from __future__ import annotations

import pytest

from goodwill.workspaces import exchange, pool, services
from goodwill.workspaces.demo import GROUP_NAME, build_group_demo
from goodwill.workspaces.models import Membership

pytestmark = pytest.mark.django_db


def summary(workspace):
    rows = Membership.objects.filter(workspace=workspace).select_related("user").order_by("id")
    return [(m.user.username, m.user.get_full_name(), m.level) for m in rows]


def test_writers_group_pools_twenty_maps(demo_owner):
    workspace = build_group_demo(demo_owner, seed=7)
    members = summary(workspace)
    assert len(members) == 20
    assert members[0][0] == "demo-owner"
    assert {level for _, _, level in members} == {"nothing", "counts", "names", "full"}

    owner = services.find(demo_owner, GROUP_NAME)
    built = pool.build(workspace, demo_owner)
    shared = [n for n, rs in built.records.items() if len({r.member for r in rs}) >= 3]
    assert shared, "some people should be known to three or more members"

    writer = services.membership(
        Membership.objects.get(user__username="writer-02").user, workspace.id
    )
    found = services.who_knows(writer, "Northwind Press")
    assert len(found["members"]) >= 3
    assert found["people"]
    target = found["people"][0]["name"]
    result = services.reach(writer, target)
    assert result["targets"][0]["paths"], "a path from writer-02 to someone at Northwind"
    report = exchange.report(owner)
    assert report["referrals_closed"] == 1
    assert report["closed_value"] == "1200.00"
    assert exchange.matches(owner)

    again = build_group_demo(demo_owner, seed=7)
    assert summary(again)[1:] == members[1:]  # same seed, same group
    assert Membership.objects.filter(user=demo_owner).count() == 1
