"""`goodwill people`, `goodwill person` and `goodwill add`."""

from enum import Enum
from typing import Annotated, Any

import typer

from goodwill.cli import output, tables
from goodwill.cli.setup import open_network
from goodwill.vocab import TIE_KINDS, values

TABLE_LIMIT = 100

JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print one JSON document instead of tables.")
]
Many = list[str] | None


def people_command(
    ctx: typer.Context,
    query: Annotated[
        str,
        typer.Argument(
            metavar="QUERY", help="Words to find in names, organisations, identities, tags."
        ),
    ] = "",
    tag: Annotated[str, typer.Option("--tag", metavar="T", help="Only people with this tag.")] = "",
    limit: Annotated[
        int | None,
        typer.Option(
            min=0,
            metavar="N",
            help=f"At most N people (0: all; default: all with --json, {TABLE_LIMIT} in a table).",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """List or search your people."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.people import services

    found = services.search(owner, query, tag)
    total = found.count()
    shown = limit if limit is not None else (0 if as_json else TABLE_LIMIT)
    rows = services.with_list_details(found)
    if shown:
        rows = rows[:shown]
    # "total" counts every match; "people" holds the first N when --limit cuts the list.
    payload = {"total": total, "people": [services.list_payload(p) for p in rows]}
    if as_json:
        output.print_json(payload)
    else:
        tables.print_people(output.stdout_console(), payload)


def person_command(
    ctx: typer.Context,
    who: Annotated[
        str, typer.Argument(metavar="WHO", help="#ID, me, an e-mail, a handle or a name.")
    ],
    as_json: JsonFlag = False,
) -> None:
    """Show one person: details, identities, ties, interactions, favours and overtures."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.people import services

    person = services.resolve(owner, who)
    if as_json:
        output.print_json(services.person_payload(person))
        return
    payload = services.person_payload(person, interaction_limit=tables.INTERACTIONS_SHOWN)
    tables.print_person(output.stdout_console(), payload, person.interactions.count())


def add_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The person's name.")],
    email: Annotated[
        Many, typer.Option("--email", metavar="E", help="E-mail (repeatable).")
    ] = None,
    phone: Annotated[Many, typer.Option("--phone", metavar="P", help="Phone (repeatable).")] = None,
    x: Annotated[Many, typer.Option("--x", metavar="HANDLE", help="X handle.")] = None,
    linkedin: Annotated[Many, typer.Option("--linkedin", metavar="URL")] = None,
    mastodon: Annotated[Many, typer.Option("--mastodon", metavar="USER@HOST")] = None,
    bluesky: Annotated[Many, typer.Option("--bluesky", metavar="HANDLE")] = None,
    website: Annotated[Many, typer.Option("--website", metavar="URL")] = None,
    org: Annotated[str, typer.Option("--org", metavar="O", help="Organisation.")] = "",
    position: Annotated[str, typer.Option("--position", metavar="P")] = "",
    location: Annotated[str, typer.Option("--location", metavar="L")] = "",
    how_we_met: Annotated[str, typer.Option("--how-we-met", metavar="TEXT")] = "",
    tag: Annotated[Many, typer.Option("--tag", metavar="T", help="Tag (repeatable).")] = None,
    note: Annotated[str, typer.Option("--note", metavar="TEXT")] = "",
    as_json: JsonFlag = False,
) -> None:
    """Add a person you know."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.people import services
    from goodwill.people.models import Person

    given = {
        "email": email,
        "phone": phone,
        "x": x,
        "linkedin": linkedin,
        "mastodon": mastodon,
        "bluesky": bluesky,
        "website": website,
    }
    identities = [(channel, value) for channel, items in given.items() for value in items or ()]
    person = services.create_person(
        owner,
        name,
        identities=identities,
        tags=tag or (),
        organisation=org.strip(),
        position=position.strip(),
        location=location.strip(),
        how_we_met=how_we_met.strip(),
        notes=note.strip(),
    )
    if as_json:
        output.print_json(services.person_payload(person))
        return
    namesakes = Person.objects.filter(owner=owner, name__iexact=person.name).exclude(id=person.id)
    output.say(f"Added {person.name} (#{person.id}).{_namesakes_hint(list(namesakes))}")


def _namesakes_hint(namesakes: list[Any]) -> str:
    if not namesakes:
        return ""
    ids = ", ".join(f"#{p.id}" for p in namesakes)
    return f" Others have the same name ({ids}): name them by #ID."


# Co-occurrence is observed in mail and calendars, never stated by hand.
TieKind = Enum("TieKind", [(k, k) for k in values(TIE_KINDS) if k != "cooccurrence"], type=str)
STATED = TieKind("knows")


def knows_command(
    ctx: typer.Context,
    who: Annotated[
        str, typer.Argument(metavar="WHO", help="#ID, me, an e-mail, a handle or a name.")
    ],
    other: Annotated[str, typer.Argument(metavar="OTHER", help="The person they know.")],
    kind: Annotated[
        TieKind, typer.Option("--kind", help="How they are tied (follow: WHO follows OTHER).")
    ] = STATED,
    as_json: JsonFlag = False,
) -> None:
    """Say that two people know each other (evidence: stated by you)."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.people import services

    first, second = services.resolve(owner, who), services.resolve(owner, other)
    tie = services.state_tie(owner, first, second, kind.value)
    if as_json:
        output.print_json(services.tie_payload(tie, first))
        return
    output.say(f"Noted: {first.name} (#{first.id}) and {second.name} (#{second.id}): {tie.kind}.")


def register(app: typer.Typer) -> None:
    app.command("people")(people_command)
    app.command("person")(person_command)
    app.command("add")(add_command)
    app.command("knows")(knows_command)
