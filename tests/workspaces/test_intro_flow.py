"""Double opt-in introductions end to end, with every e-mail through a real SMTP server."""

from __future__ import annotations

import datetime as dt
import email
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from goodwill.activity.models import Interaction
from goodwill.errors import Conflict, NotFound
from goodwill.workspaces import exchange, services
from goodwill.workspaces.models import IntroRequest, Notification

LINK = re.compile(r"http://testserver(/groups/intro/[^/\s]+/(?:accept|decline)/)")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        message["X-Rcpt"] = ",".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[str]:
        found = []
        for m in self.messages:
            if address in m["X-Rcpt"]:
                found.append(m["Subject"] + "\n" + m.get_payload(decode=True).decode())
        return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def inbox(settings):
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_double_opt_in_end_to_end_in_the_web_app(group, inbox):
    vic, ann = group.users["vic"], group.users["ann"]
    asked = client_for(vic).post(
        reverse("workspace_ask", args=[group.workspace.id]),
        {"connector": "ann", "target": "Zora Whitfield", "note": "I write crime novels"},
    )
    intro = IntroRequest.objects.get()
    assert asked.status_code == 302
    assert asked["Location"] == f"/groups/requests/{intro.id}/"
    [to_ann] = inbox.to("ann@example.org")
    assert "Vic Vale asks you to introduce them to Zora Whitfield" in to_ann
    assert f"/groups/requests/{intro.id}/" in to_ann

    connector = client_for(ann)
    page = connector.get(f"/groups/requests/{intro.id}/")
    assert b"Accept and ask Zora Whitfield" in page.content
    connector.post(f"/groups/requests/{intro.id}/accept/", {"email": ""})
    intro.refresh_from_db()
    assert intro.status == "forwarded"
    [to_zora] = inbox.to("zora.mkannmail@northwind.example")
    assert "Ann Archer would like to introduce you to Vic Vale" in to_zora
    assert "I write crime novels" in to_zora
    accept = LINK.findall(to_zora)[0]
    assert accept.endswith("/accept/")
    assert "agreed to introduce you" in inbox.to("vic@example.org")[-1]

    stranger = Client()  # the person introduced has no account
    confirm = stranger.get(accept)
    assert confirm.status_code == 200
    assert b"Yes, introduce us" in confirm.content
    intro.refresh_from_db()
    assert intro.status == "forwarded"  # a GET (a link preview) changes nothing
    done = stranger.post(accept)
    assert b"will introduce you to Vic Vale" in done.content
    intro.refresh_from_db()
    assert intro.status == "introduced"
    assert "Hello Zora Whitfield and Vic Vale" in intro.draft
    assert "drafted" in inbox.to("ann@example.org")[-1]
    assert "Hello Zora Whitfield and Vic Vale" in inbox.to("ann@example.org")[-1]
    assert "Ann Archer will introduce you" in inbox.to("vic@example.org")[-1]

    # Both timelines hold the introduction.
    for user, other in ((ann, "Zora Whitfield"), (vic, "Zora Whitfield")):
        logged = Interaction.objects.get(owner=user, subject__startswith="Introduction")
        assert other in {p.name for p in logged.participants.all()}
    assert Notification.objects.filter(user=vic).count() == 2
    assert Notification.objects.filter(user=ann).count() >= 2
    again = stranger.post(accept)
    assert again.status_code == 410
    assert b"already" in again.content


def test_connector_declines_with_a_private_reason(group, inbox):
    vic, ann = group.users["vic"], group.users["ann"]
    intro = services.ask(group.member("vic"), "ann", "Sam Lee", "hello")
    services.connector_decline(ann, intro.id, "MKPRIVATEREASON we fell out")
    requester_view = client_for(vic).get(f"/groups/requests/{intro.id}/")
    assert b"Declined by the connector" in requester_view.content
    assert b"MKPRIVATEREASON" not in requester_view.content
    assert services.intro_payload(intro, vic).get("reason") is None
    assert (
        "MKPRIVATEREASON" in client_for(ann).get(f"/groups/requests/{intro.id}/").content.decode()
    )
    assert "could not introduce you" in inbox.to("vic@example.org")[-1]
    assert not inbox.to("sam@acme.example")  # the person is never asked


def test_target_declines(group, inbox):
    intro = services.ask(group.member("vic"), "ann", "Sam Lee")
    services.connector_accept(group.users["ann"], intro.id, base_url="http://testserver")
    decline = LINK.findall(inbox.to("sam@acme.example")[0])[1]
    Client().post(decline)
    intro.refresh_from_db()
    assert intro.status == "refused"
    assert not Interaction.objects.filter(subject__startswith="Introduction").exists()


def test_requests_expire(group, inbox):
    intro = services.ask(group.member("vic"), "ann", "Sam Lee")
    IntroRequest.objects.filter(pk=intro.id).update(expires_at=timezone.now() - dt.timedelta(1))
    with pytest.raises(Conflict, match="expired"):
        services.connector_accept(group.users["ann"], intro.id)
    intro.refresh_from_db()
    assert intro.shown_status == "expired"


def test_only_the_connector_answers_and_only_shared_people_can_be_asked(group, inbox):
    intro = services.ask(group.member("vic"), "ann", "Sam Lee")
    with pytest.raises(NotFound):
        services.connector_accept(group.users["vic"], intro.id)
    with pytest.raises(NotFound):
        services.connector_accept(group.users["dan"], intro.id)
    # Bob shares counts only, Hugo is hidden: the same answer as for someone absent.
    with pytest.raises(NotFound, match="shares no one named"):
        services.ask(group.member("vic"), "bob", "Samuel Lee")
    with pytest.raises(NotFound, match="shares no one named"):
        services.ask(group.member("vic"), "ann", "Hugo")


def test_invitations_expire_and_are_used_once(group, inbox):
    invitation, link = services.invite(group.member("ann"), "eve@example.org")
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert token in inbox.to("eve@example.org")[0]
    assert "digest" not in link
    assert invitation.token_digest != token
    services.join(group.users["eve"], token)
    with pytest.raises(Conflict, match="already been used"):
        services.join(group.users["dan"], token)
    _, link = services.invite(group.member("ann"))
    token = link.rstrip("/").rsplit("/", 1)[-1]
    group.workspace.invitations.update(expires_at=timezone.now())
    with pytest.raises(Conflict, match="expired"):
        services.join(group.users["dan"], token)


def test_referral_slip_closed_with_its_value_and_thanks(group, inbox):
    slip = exchange.refer(group.member("vic"), "cara", "Cover design for a debut novel")
    assert "gave you a referral" in inbox.to("cara@example.org")[-1]
    closed = exchange.close_referral(group.users["cara"], slip.id, "1,250.50", "Thank you!")
    assert (closed.status, str(closed.value)) == ("closed", "1250.50")
    assert "closed worth 1250.50" in inbox.to("vic@example.org")[-1]
    report = exchange.report(group.member("ann"))
    assert (report["referrals_closed"], report["closed_value"]) == (1, "1250.50")
    assert report["top_givers"] == [{"name": "Vic Vale", "referrals": 1}]
    with pytest.raises(NotFound):
        exchange.close_referral(group.users["vic"], slip.id, "5")
    exchange.post(group.member("vic"), "ask", "Looking for a proofreader for my novel")
    exchange.post(group.member("cara"), "offer", "I proofread novels and short stories")
    [match] = exchange.matches(group.member("ann"))
    assert (match["ask"]["member"], match["offer"]["member"], match["words"]) == (
        "Vic Vale",
        "Cara Cole",
        ["novel"],
    )
    assert exchange.send_report(group.member("ann")) == 4
    assert "Referrals given: 1; closed: 1 worth 1250.50" in inbox.to("bob@example.org")[-1]
