"""The leak hunt: markers planted in unshared fields never reach another member.

Vic (a fellow member), Dan (another group) and Eve (no group) look everywhere they can: every
page, fragment, search, path, suggestion, member list, request, notification, report, e-mail,
API endpoint, CLI --json output and error message. Markers planted in fields their owners did
not share (see specimen.py) must appear in none of them.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from goodwill.cli.main import main
from goodwill.workspaces import exchange, services
from goodwill.workspaces.models import IntroRequest
from tests.workspaces.specimen import ALL_SECRETS

# Names, organisations, positions, places, an e-mail and single letters that match everyone.
QUERIES = ["Acme", "Lee", "Zora", "Hugo", "Nina", "Sally", "Quill", "e", "Buyer Leeds",
           "sam@acme.example"]  # fmt: skip


def leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [m for m in ALL_SECRETS if m.lower() in lowered]


@pytest.fixture
def hunted(group):
    # Requests in every state Vic can see without the person having said yes.
    services.ask(group.member("vic"), "ann", "Zora Whitfield", "please")
    waiting = services.ask(group.member("vic"), "cara", "Pat Quill", "hello")
    services.connector_accept(group.users["cara"], waiting.id)
    declined = services.ask(group.member("vic"), "ann", "Sam Lee")
    services.connector_decline(group.users["ann"], declined.id, "MKANNNOTE reason")
    exchange.refer(group.member("ann"), "vic", "A job")
    exchange.post(group.member("bob"), "offer", "Introductions at Acme")
    return group


def web_bodies(group, user, queries: list[str]) -> list[str]:
    c = Client()
    c.force_login(user)
    w = group.workspace.id
    paths = ["/groups/", "/groups/requests/", "/groups/notifications/", f"/groups/{w}/",
             f"/groups/{w}/report/", f"/groups/{w}/ask/", f"/groups/{w}/audit/"]  # fmt: skip
    for q in queries:
        paths += [f"/groups/{w}/who-knows/?q={q}", f"/groups/{w}/reach/?q={q}"]
        paths += [f"/api/groups/{w}/who-knows?q={q}", f"/api/groups/{w}/reach?q={q}"]
    for other in group.users.values():
        paths += [f"/groups/{w}/members/{other.pk}/", f"/api/groups/{w}/members/{other.pk}"]
    paths += [f"/groups/requests/{i}/" for i in IntroRequest.objects.values_list("id", flat=True)]
    paths += ["/api/groups", f"/api/groups/{w}", "/api/groups/intros", "/api/groups/notifications",
              f"/api/groups/{w}/report", f"/api/groups/{w}/audit"]  # fmt: skip
    bodies = [c.get(p, HTTP_HX_REQUEST="true" if "q=" in p else "").content.decode() for p in paths]
    for target in ["Hugo", "Nina", "Sally", "Samuel Lee", "MKBOBNAME"[:2], "Pat"]:
        for connector in ["ann", "bob", "cara"]:
            data = {"connector": connector, "target": target}
            bodies.append(c.post(f"/groups/{w}/ask/", data).content.decode())
            api = c.post(f"/api/groups/{w}/intros", data, content_type="application/json")
            bodies.append(api.content.decode())
    return bodies


def cli_outputs(capsys, group, username: str, queries: list[str]) -> list[str]:
    outputs = []
    commands = [["group", "list"], ["group", "show", "Leeds Writers"], ["group", "requests"],
                ["group", "report", "Leeds Writers"], ["group", "matches", "Leeds Writers"],
                ["group", "notifications"], ["group", "audit", "Leeds Writers"]]  # fmt: skip
    for member in ("ann", "bob", "cara"):
        commands.append(["group", "contacts", "Leeds Writers", member])
        commands.append(
            ["group", "ask", "Leeds Writers", "--connector", member, "--target", "Hugo"]
        )
    runs = [[*c, flag] for c in commands for flag in ("--json", "--no-color")]
    for q in queries[:5]:
        runs += [["group", "who-knows", "Leeds Writers", q, "--json"]]
        runs += [["group", "reach", "Leeds Writers", q, "--json"]]
    for command in runs:
        main(["--user", username, *[part for part in command if part != "--no-color"]])
        captured = capsys.readouterr()
        outputs += [captured.out, captured.err]
    return outputs


@pytest.mark.parametrize("viewer", ["vic", "dan", "eve"])
def test_no_marker_reaches_another_member(hunted, capsys, viewer):
    group = hunted
    mail.outbox.clear()
    # Outsiders only ever hear "not found"; a few queries show that as well as many would.
    queries = QUERIES if viewer == "vic" else QUERIES[:2]
    bodies = web_bodies(group, group.users[viewer], queries)
    bodies += cli_outputs(capsys, group, viewer, queries)
    found = {marker for body in bodies for marker in leaks(body)}
    assert found == set()
    sent = [m.subject + m.body for m in mail.outbox if f"{viewer}@example.org" in m.to]
    assert not [m for body in sent for m in leaks(body)]
    if viewer == "vic":
        # The hunt did look at real answers, not only at errors.
        joined = "\n".join(bodies)
        for seen in ("Sam Lee", "Zed Marsh", "Zora Whitfield", "Bob Baker knows 2"):
            assert seen in joined


def test_owner_sees_their_own_markers(hunted):
    # The check above can fail: Ann's own view of her data does carry her markers.
    c = Client()
    c.force_login(hunted.users["ann"])
    w = hunted.workspace.id
    body = c.get(f"/groups/{w}/members/{hunted.users['ann'].pk}/").content.decode()
    assert "MKANNPOS" in body
    declined = IntroRequest.objects.get(status="declined")
    assert "MKANNNOTE" in c.get(f"/groups/requests/{declined.id}/").content.decode()


def test_errors_do_not_confirm_what_was_not_shared(group):
    vic = group.member("vic")
    messages = set()
    for target in ("Hugo MKHIDDENNAME", "Nobody At All"):
        try:
            services.ask(vic, "ann", target)
        except Exception as exc:
            messages.add(str(exc).replace(target, "<target>"))
    assert len(messages) == 1  # a hidden contact and a stranger get the same answer
