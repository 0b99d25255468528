"""The demo's writers' group: the demo user and 19 fellow writers who pool their maps.

Deterministic for a seed. Each writer has a small network; about a third of each is drawn
from the demo user's own people (same e-mail or handle, sometimes under another spelling of
the name), so pooling shows the same person known to several members. Sharing levels vary,
as they would in a real group, and there is some history: referral slips (one closed with
its value), one-to-ones, asks and offers, and an introduction waiting for an answer.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from goodwill.demo.names import ORIGINS
from goodwill.people.models import Identity, Person, Tie, TieSource, ordered_pair
from goodwill.people.services import ensure_me
from goodwill.workspaces import services
from goodwill.workspaces.models import (
    IntroRequest,
    Meeting,
    Membership,
    Notification,
    Post,
    ReferralSlip,
    Workspace,
)

GROUP_NAME = "Northside Writers"
USERNAME_PREFIX = "writer"
MEMBERS = 19
ORGANISATIONS = (
    "Northwind Press", "Bright Books", "Leeds Literary Festival", "Marsh & Co", "BBC Radio Leeds",
    "Waterstones", "Quill Agency", "Harrogate Crime Festival", "Ilkley Library", "Acme Print",
    "Fable Audio", "Yorkshire Post", "",
)  # fmt: skip
POSITIONS = ("Editor", "Literary agent", "Bookseller", "Festival director", "Producer",
             "Translator", "Cover designer", "Librarian", "Journalist", "")  # fmt: skip
LEVELS = ["full"] * 6 + ["names"] * 8 + ["counts"] * 4 + ["nothing"]
ASKS = (
    "Looking for a cover designer for a crime novel",
    "Need a literary agent for memoir",
    "Looking for a festival slot in the spring",
    "Need a translator for a short story",
)
OFFERS = (
    "I design covers for crime and thriller novels",
    "Happy to read memoir drafts",
    "I can introduce you to a festival director",
    "I translate short fiction from French",
)


def member_usernames() -> list[str]:
    """The accounts the demo group creates (besides the demo user, its owner)."""
    return [f"{USERNAME_PREFIX}-{number:02d}" for number in range(1, MEMBERS + 1)]


def _writers(rng: random.Random) -> list[tuple[str, str]]:
    _, given, family = ORIGINS["english"]
    names: list[tuple[str, str]] = []
    while len(names) < MEMBERS:
        pair = (rng.choice(given), rng.choice(family))
        if pair not in names:
            names.append(pair)
    return names


def _clear(owner: AbstractBaseUser) -> None:
    Workspace.objects.filter(name=GROUP_NAME, created_by=owner).delete()
    get_user_model().objects.filter(username__startswith=f"{USERNAME_PREFIX}-").delete()


def _shared_people(owner: AbstractBaseUser) -> list[tuple[str, str, str, str]]:
    """(name, organisation, channel, value) for the owner's people with an e-mail or handle."""
    rows = (
        Identity.objects.filter(owner=owner, channel__in=("email", "x"), person__is_me=False)
        .order_by("person_id", "channel")
        .values_list("person__name", "person__organisation", "channel", "value")
    )
    seen: set[str] = set()
    found = []
    for name, organisation, channel, value in rows[:5000]:
        if name not in seen:
            seen.add(name)
            found.append((name, organisation, channel, value))
    return found


def _network(
    rng: random.Random,
    user: AbstractBaseUser,
    number: int,
    pool: list[tuple[str, str, str, str]],
) -> None:
    me = ensure_me(user)
    _, given, family = ORIGINS["english"]
    size = rng.randint(25, 55)
    borrowed = rng.sample(pool, min(len(pool), size // 3)) if pool else []
    people: list[Person] = []
    keys: list[tuple[str, str]] = []
    for name, organisation, channel, value in borrowed:
        people.append(Person(owner=user, name=name, organisation=organisation))
        keys.append((channel, value))
    for i in range(size - len(borrowed)):
        name = f"{rng.choice(given)} {rng.choice(family)}"
        person = Person(
            owner=user,
            name=name,
            organisation=rng.choice(ORGANISATIONS),
            position=rng.choice(POSITIONS),
            location=rng.choice(("Leeds", "York", "Harrogate", "Bradford", "")),
            notes=rng.choice(("", "Met at a launch", "Old colleague", "Friend of a friend")),
        )
        people.append(person)
        keys.append(("email", f"{name.lower().replace(' ', '.')}.{number}.{i}@example.net"))
    Person.objects.bulk_create(people)
    Identity.objects.bulk_create(
        Identity(owner=user, person=p, channel=c, value=v, display=v)
        for p, (c, v) in zip(people, keys, strict=True)
    )
    ties = [Tie(owner=user, a_id=me.id, b_id=p.id, kind="connection") for p in people]
    for a, b in zip(people[::3], people[1::3], strict=False):
        first, second = ordered_pair(a.id, b.id, "knows")
        ties.append(Tie(owner=user, a_id=first, b_id=second, kind="knows"))
    for tie in ties:
        tie.a_id, tie.b_id = ordered_pair(tie.a_id, tie.b_id, tie.kind)
        tie.weight = 1.0
        tie.strength = round(rng.uniform(0.3, 0.95), 2)
    Tie.objects.bulk_create(ties)
    TieSource.objects.bulk_create(TieSource(tie=t, kind="demo", detail="demo") for t in ties)


@transaction.atomic
def build_group_demo(
    owner: AbstractBaseUser, *, seed: int = 7, password: str = "demo", as_of: dt.date | None = None
) -> Workspace:
    """The writers' group, owned by ``owner`` (the demo user), with 19 more members.

    Members log in as ``writer-01`` … ``writer-19`` with ``password``. Running it again
    replaces the group and those users, and gives the same group for the same seed.
    """
    rng = random.Random(f"writers-{seed}")
    _clear(owner)
    pool = _shared_people(owner)
    owner_member = services.create(owner, GROUP_NAME, "A writers' group that meets on Thursdays")
    services.set_sharing(owner_member, "names")
    workspace = owner_member.workspace
    members = [owner_member]
    user_model = get_user_model()
    hashed = make_password(password)
    for number, (first, last) in enumerate(_writers(rng), start=1):
        user = user_model.objects.create(
            username=f"{USERNAME_PREFIX}-{number:02d}",
            email=f"{first}.{last}.{number}@writers.example".lower(),
            password=hashed,  # hashed once: hashing 19 times would take seconds
            first_name=first,
            last_name=last,
        )
        _network(rng, user, number, pool)
        member = Membership.objects.create(
            workspace=workspace,
            user=user,
            level=LEVELS[(number - 1) % len(LEVELS)],
            never_connector=number == 7,
        )
        members.append(member)
    _history(rng, workspace, members, as_of or timezone.localdate())
    return workspace


def _history(
    rng: random.Random, workspace: Workspace, members: list[Membership], as_of: dt.date
) -> None:
    users = [m.user for m in members]
    slips = []
    for _i in range(8):
        giver, receiver = rng.sample(users, 2)
        slips.append(
            ReferralSlip(
                workspace=workspace,
                giver=giver,
                receiver=receiver,
                what=rng.choice(
                    (
                        "Editing a memoir",
                        "A school visit",
                        "Cover design",
                        "A festival panel",
                        "Ghost-writing a blog",
                    )
                ),
            )
        )
    slips[0].giver, slips[0].receiver = users[3], users[0]
    slips[0].status, slips[0].value = "closed", Decimal("1200.00")
    slips[0].thanks, slips[0].closed_at = "Thank you: the memoir edit is booked", timezone.now()
    ReferralSlip.objects.bulk_create(slips)
    Meeting.objects.bulk_create(
        Meeting(
            workspace=workspace, a=users[0], b=users[i], met_on=as_of - dt.timedelta(days=3 * i)
        )
        for i in range(1, 6)
    )
    posts = [Post(workspace=workspace, member=users[2 + i], kind="ask", text=t)
             for i, t in enumerate(ASKS)]  # fmt: skip
    posts += [Post(workspace=workspace, member=users[9 + i], kind="offer", text=t)
              for i, t in enumerate(OFFERS)]  # fmt: skip
    Post.objects.bulk_create(posts)
    # An introduction waiting for the demo user's answer (no e-mail: the demo sends none).
    target = Person.objects.filter(owner=users[0], is_me=False, bulk=False).order_by("id").first()
    if target is not None:
        intro = IntroRequest.objects.create(
            workspace=workspace,
            requester=users[5],
            connector=users[0],
            target_name=target.name,
            target_person=target,
            note="I'd love to ask about their work for my next book",
            expires_at=timezone.now() + dt.timedelta(days=14),
        )
        Notification.objects.create(
            user=users[0],
            workspace=workspace,
            text=f"{services.display_name(users[5])} asks you to introduce them to {target.name}",
            link=reverse("workspace_request", args=[intro.id]),
        )
