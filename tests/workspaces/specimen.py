"""A small group with planted markers: each marker may only ever be seen as its owner shared it.

* Ann (owner) shares names: her contacts' names and organisations, never their e-mails, phones,
  notes, positions or places; one contact hidden, one marked "never a connector".
* Bob shares counts only: nothing of his contacts beyond how many match an organisation.
* Cara shares everything: names, organisations, positions, places, and ties among her contacts.
* Vic is the member who looks; Dan is in another group; Eve is in none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from goodwill.people.services import create_person, ensure_me, state_tie
from goodwill.workspaces import services

# Markers that no member other than their owner may ever see.
SECRET = {
    "ann": ["MKANNMAIL", "MKANNNOTE", "MKANNPHONE", "MKANNPOS", "MKANNPLACE", "MKANNMET",
            "MKHIDDENNAME", "MKHIDDENORG", "MKNEVERNAME"],
    "bob": ["MKBOBNAME", "MKBOBORG", "MKBOBMAIL", "MKBOBNOTE", "MKBOBPOS"],
    "cara": ["MKCARAMAIL", "MKCARANOTE", "MKCARAMET"],
}  # fmt: skip
ALL_SECRETS = [marker for markers in SECRET.values() for marker in markers]


@dataclass
class Group:
    users: dict[str, Any]
    workspace: Any
    other_workspace: Any

    def member(self, name: str) -> Any:
        return services.membership(self.users[name], self.workspace.id)


def build_group(django_user_model) -> Group:
    users = {}
    for name, full in [("ann", "Ann Archer"), ("bob", "Bob Baker"), ("cara", "Cara Cole"),
                       ("vic", "Vic Vale"), ("dan", "Dan Dale"), ("eve", "Eve Ewing")]:  # fmt: skip
        first, last = full.split()
        users[name] = django_user_model.objects.create_user(
            name, f"{name}@example.org", f"pw-{name}-123", first_name=first, last_name=last
        )
        ensure_me(users[name])
    ann, bob, cara, vic = users["ann"], users["bob"], users["cara"], users["vic"]

    zora = create_person(ann, "Zora Whitfield", organisation="Northwind Press",
        identities=[("email", "zora.MKANNMAIL@northwind.example"), ("phone", "+44 20 7946 0123")],
        position="MKANNPOS editor", location="MKANNPLACE", notes="MKANNNOTE likes crime",
        how_we_met="MKANNMET at a fair")  # fmt: skip
    sam = create_person(ann, "Sam Lee", organisation="Acme",
                        identities=[("email", "sam@acme.example")])  # fmt: skip
    create_person(ann, "Bob Baker", identities=[("email", "bob@example.org")])
    hidden = create_person(ann, "Hugo MKHIDDENNAME", organisation="MKHIDDENORG Acme",
                           identities=[("email", "hugo@acme.example")])  # fmt: skip
    create_person(ann, "Nina MKNEVERNAME", organisation="Acme", never_connector=True)
    state_tie(ann, ensure_me(ann), zora, "connection")
    state_tie(ann, ensure_me(ann), sam, "coworker")

    create_person(bob, "Sally MKBOBNAME", organisation="MKBOBORG Acme", position="MKBOBPOS",
                  identities=[("email", "sally.MKBOBMAIL@acme.example")],
                  notes="MKBOBNOTE")  # fmt: skip
    create_person(bob, "Samuel Lee", organisation="Acme Ltd",
                  identities=[("email", "sam@acme.example")])  # fmt: skip

    pat = create_person(cara, "Pat Quill", organisation="Quill Books", position="Agent",
        location="Leeds", identities=[("email", "pat.MKCARAMAIL@quill.example")],
        notes="MKCARANOTE", how_we_met="MKCARAMET")  # fmt: skip
    zed = create_person(cara, "Zed Marsh", organisation="Acme", position="Buyer",
                        identities=[("email", "zed@acme.example")])  # fmt: skip
    create_person(cara, "Zora W.", organisation="Northwind",
                  identities=[("email", "zora.MKANNMAIL@northwind.example")])  # fmt: skip
    state_tie(cara, pat, zed, "coworker")
    state_tie(cara, ensure_me(cara), pat, "connection")

    create_person(vic, "Val Vine", organisation="Vine Media",
                  identities=[("email", "val@vine.example")])  # fmt: skip
    create_person(vic, "Ann Archer", identities=[("email", "ann@example.org")])

    workspace = services.create(ann, "Leeds Writers", "A writers' group").workspace
    for name in ("bob", "cara", "vic"):
        _, link = services.invite(services.membership(ann, workspace.id))
        services.join(users[name], link.rstrip("/").rsplit("/", 1)[-1])
    services.set_sharing(services.membership(ann, workspace.id), "names")
    services.set_sharing(services.membership(cara, workspace.id), "full")
    services.hide(services.membership(ann, workspace.id), hidden)
    other = services.create(users["dan"], "Other Circle").workspace
    return Group(users, workspace, other)
