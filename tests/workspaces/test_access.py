"""Every page and endpoint for a member, a member of another group, a non-member and an
anonymous visitor; and bounded queries on the busiest pages."""

from __future__ import annotations

import pytest
from django.test import Client

from goodwill.workspaces import exchange, services
from goodwill.workspaces.models import IntroRequest, Membership, ReferralSlip

ROLES = ("member", "other_group", "non_member", "anonymous")
USER_OF_ROLE = {"member": "vic", "other_group": "dan", "non_member": "eve"}


def client_as(group, role: str) -> Client:
    c = Client()
    if role != "anonymous":
        c.force_login(group.users[USER_OF_ROLE[role]])
    return c


@pytest.fixture
def setup(group):
    intro = services.ask(group.member("vic"), "ann", "Sam Lee", "hello")
    slip = exchange.refer(group.member("ann"), "vic", "A ghost-writing job")
    return group, intro, slip


def group_pages(group, intro, slip):
    """(method, path, data) for every page that belongs to this group, mutations last."""
    w, ann = group.workspace.id, group.users["ann"].pk
    return [
        ("get", f"/groups/{w}/", None),
        ("get", f"/groups/{w}/who-knows/?q=Acme", None),
        ("get", f"/groups/{w}/reach/?q=Zed", None),
        ("get", f"/groups/{w}/members/{ann}/", None),
        ("get", f"/groups/{w}/ask/?connector=ann", None),
        ("get", f"/groups/{w}/report/", None),
        ("get", f"/groups/requests/{intro.id}/", None),
        ("post", f"/groups/{w}/sharing/", {"level": "names"}),
        ("post", f"/groups/{w}/hide/", {"who": "Val Vine"}),
        ("post", f"/groups/{w}/post/", {"kind": "ask", "text": "an editor"}),
        ("post", f"/groups/{w}/meet/", {"with": "ann"}),
        ("post", f"/groups/{w}/refer/", {"to": "ann", "what": "a talk"}),
        ("post", f"/groups/referrals/{slip.id}/close/", {"value": "10"}),
        ("post", f"/groups/{w}/ask/", {"connector": "ann", "target": "Zora Whitfield"}),
        ("post", f"/groups/{w}/leave/", {}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_group_pages(setup, role):
    group, intro, slip = setup
    c = client_as(group, role)
    before = (Membership.objects.count(), ReferralSlip.objects.filter(status="open").count())
    for method, path, data in group_pages(group, intro, slip):
        response = getattr(c, method)(path, data) if data is not None else c.get(path)
        if role == "member":
            assert response.status_code in (200, 302), path
            if response.status_code == 302:
                assert "/login/" not in response["Location"], path
        elif role == "anonymous":
            assert response.status_code == 302, path
            assert response["Location"].startswith("/login/?next="), path
        else:
            assert response.status_code == 404, path
    if role != "member":
        after = (Membership.objects.count(), ReferralSlip.objects.filter(status="open").count())
        assert after == before
    else:
        assert not Membership.objects.filter(user=group.users["vic"]).exists()
        assert IntroRequest.objects.filter(target_name="Zora Whitfield").count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_pages_of_ones_own(group, role):
    c = client_as(group, role)
    for path in ("/groups/", "/groups/requests/", "/groups/notifications/"):
        response = c.get(path)
        if role == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/login/")
        else:
            assert response.status_code == 200


def test_owner_only_pages(group):
    w = group.workspace.id
    owner, member = Client(), Client()
    owner.force_login(group.users["ann"])
    member.force_login(group.users["vic"])
    assert owner.get(f"/groups/{w}/audit/").status_code == 200
    assert member.get(f"/groups/{w}/audit/").status_code == 404
    invited = owner.post(f"/groups/{w}/invite/", {"email": ""})
    assert b"/groups/join/" in invited.content
    assert member.post(f"/groups/{w}/invite/", {}).status_code == 302
    assert group.workspace.invitations.count() == 4  # three at set-up, one here
    bob = group.users["bob"].pk
    assert member.post(f"/groups/{w}/members/{bob}/remove/").status_code == 302
    assert Membership.objects.filter(user_id=bob, workspace_id=w).exists()
    assert owner.post(f"/groups/{w}/members/{bob}/remove/").status_code == 302
    assert not Membership.objects.filter(user_id=bob, workspace_id=w).exists()


def test_join_page_and_expired_link(group):
    _, link = services.invite(group.member("ann"))
    path = link.split("testserver")[-1] if "testserver" in link else link.split("8000")[-1]
    eve = client_as(group, "non_member")
    assert Client().get(path).status_code == 302  # log in first
    assert b"Join Leeds Writers" in eve.get(path).content
    assert eve.post(path).status_code == 302
    assert services.membership(group.users["eve"], group.workspace.id).level == "counts"
    gone = eve.get(path)
    assert gone.status_code == 410
    assert b"already been used" in gone.content
    assert eve.get("/groups/join/not-a-token/").status_code == 410


def test_intro_answer_links(setup):
    _group, _intro, _ = setup
    assert Client().get("/groups/intro/not-a-token/accept/").status_code == 404
    assert Client().get("/groups/intro/not-a-token/maybe/").status_code == 404


API_ROLES = {"member": 200, "other_group": 404, "non_member": 404, "anonymous": 401}


@pytest.mark.parametrize("role", ROLES)
def test_api_endpoints(setup, role):
    group, intro, slip = setup
    c = client_as(group, role)
    w, ann = group.workspace.id, group.users["ann"].pk
    calls = [
        ("get", f"/api/groups/{w}", None, 200),
        ("get", f"/api/groups/{w}/who-knows?q=Acme", None, 200),
        ("get", f"/api/groups/{w}/reach?q=Zed", None, 200),
        ("get", f"/api/groups/{w}/members/{ann}", None, 200),
        ("get", f"/api/groups/{w}/report", None, 200),
        ("put", f"/api/groups/{w}/sharing", {"level": "names"}, 200),
        ("post", f"/api/groups/{w}/referrals", {"to": "ann", "what": "work"}, 201),
        ("post", f"/api/groups/referrals/{slip.id}/close", {"value": "99.5"}, 200),
        ("post", f"/api/groups/{w}/intros", {"connector": "ann", "target": "Zora Whitfield"}, 201),
        ("post", f"/api/groups/intros/{intro.id}/decline", {"reason": "x"}, 200),
        ("get", f"/api/groups/{w}/audit", None, 200),
        ("delete", f"/api/groups/{w}/membership", None, 204),
    ]
    for method, path, body, ok in calls:
        kwargs = {"content_type": "application/json"} if body is not None else {}
        args = (path, body) if body is not None else (path,)
        if role == "member" and path.endswith("/decline"):
            # Vic asked; only the connector may answer: even the requester hears 404.
            response = getattr(c, method)(*args, **kwargs)
            assert response.status_code == 404
            continue
        if role == "member" and path.endswith("/audit"):
            assert getattr(c, method)(*args, **kwargs).status_code == 409  # owners only
            continue
        response = getattr(c, method)(*args, **kwargs)
        expected = ok if role == "member" else API_ROLES[role]
        assert response.status_code == expected, (path, response.content)
        if expected >= 400:
            body = response.json()
            assert body["ok"] is False
            assert body["status"] == expected
    for path in ("/api/groups", "/api/groups/intros", "/api/groups/notifications"):
        expected = 401 if role == "anonymous" else 200
        assert c.get(path).status_code == expected


def test_api_create_invite_join(group):
    ann, eve = Client(), Client()
    ann.force_login(group.users["ann"])
    eve.force_login(group.users["eve"])
    made = ann.post("/api/groups", {"name": "Crime Writers"}, content_type="application/json")
    assert made.status_code == 201
    w = made.json()["id"]
    link = ann.post(f"/api/groups/{w}/invitations", {}, content_type="application/json")
    joined = eve.post(
        "/api/groups/join", {"token": link.json()["link"]}, content_type="application/json"
    )
    assert [m["username"] for m in joined.json()["members"]] == ["ann", "eve"]
    refused = eve.post(f"/api/groups/{w}/invitations", {}, content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["error"] == "only the group's owners can do that"
    bad = ann.put(f"/api/groups/{w}/sharing", {"level": "all"}, content_type="application/json")
    assert bad.status_code == 422
    assert "unknown sharing level" in bad.json()["error"]


def test_queries_are_bounded(group, django_assert_max_num_queries):
    c = client_as(group, "member")
    w = group.workspace.id
    exchange.post(group.member("ann"), "offer", "I edit novels")
    with django_assert_max_num_queries(20):
        assert c.get(f"/groups/{w}/").status_code == 200
    with django_assert_max_num_queries(20):
        assert c.get(f"/groups/{w}/who-knows/?q=Acme", HTTP_HX_REQUEST="true").status_code == 200
    with django_assert_max_num_queries(20):
        assert c.get(f"/groups/{w}/reach/?q=Zed").status_code == 200


def test_admin_pages_for_staff(admin_client, setup):
    for path in ("/admin/workspaces/workspace/", "/admin/workspaces/introrequest/",
                 "/admin/workspaces/referralslip/", "/admin/workspaces/auditentry/"):  # fmt: skip
        assert admin_client.get(path).status_code == 200
    _, intro, _ = setup
    page = admin_client.get(f"/admin/workspaces/introrequest/{intro.id}/change/")
    assert page.status_code == 200
    assert b"target_token_digest" not in page.content  # hashed tokens stay out of the admin
