"""`goodwill log`, `goodwill favour` and `goodwill overture`: recording what happens."""

from enum import Enum
from typing import Annotated, Any

import typer

from goodwill.cli import output
from goodwill.cli.setup import open_network
from goodwill.vocab import CHANNELS, DIRECTIONS, INTERACTION_KINDS, values


def _choice(name: str, options: tuple[str, ...]) -> Any:
    # Built from the shared vocabulary so Click rejects a bad value (exit 2) before any work.
    return Enum(name, [(option, option) for option in options], type=str)


Kind = _choice("Kind", values(INTERACTION_KINDS))
Channel = _choice("Channel", values(CHANNELS))
Direction = _choice("Direction", values(DIRECTIONS))
FavourWay = _choice("FavourWay", ("gave", "received"))
BOTH_WAYS = Direction("both")
FAVOUR_DIRECTION = {"gave": "given", "received": "received"}

JsonFlag = Annotated[bool, typer.Option("--json", help="Print the created record as JSON.")]
OnDate = Annotated[
    str | None,
    typer.Option("--on", metavar="DATE", help="YYYY-MM-DD, an ISO date-time, today or yesterday."),
]
ChannelOption = Annotated[
    Channel | None, typer.Option("--channel", help="Where it happened.", show_default=False)
]
NoteOption = Annotated[str, typer.Option("--note", metavar="TEXT")]


def localdate(moment: Any) -> Any:
    from django.utils import timezone

    return timezone.localdate(moment)


def _named(people: Any) -> str:
    return ", ".join(f"{p.name} (#{p.id})" for p in people)


def log_command(
    ctx: typer.Context,
    kind: Annotated[
        Kind, typer.Argument(metavar="KIND", help="What happened.", show_default=False)
    ],
    who: Annotated[list[str], typer.Argument(metavar="WHO", help="One or more people.")],
    channel: ChannelOption = None,
    on: OnDate = None,
    note: NoteOption = "",
    subject: Annotated[str, typer.Option("--subject", metavar="S")] = "",
    direction: Annotated[
        Direction, typer.Option("--direction", help="out: you, in: them, both: two-way.")
    ] = BOTH_WAYS,
    as_json: JsonFlag = False,
) -> None:
    """Log an interaction with one or more people."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.activity import services as activity
    from goodwill.people.services import resolve

    when = activity.parse_when(on)
    # Everyone is resolved before anything is written, so a bad name changes nothing.
    people = [resolve(owner, name) for name in who]
    interaction = activity.log_interaction(
        owner,
        kind.value,
        people,
        channel=channel.value if channel else None,
        when=when,
        direction=direction.value,
        subject=subject,
        note=note,
    )
    if as_json:
        output.print_json(activity.interaction_payload(interaction))
        return
    day = localdate(interaction.occurred_at).isoformat()
    output.say(
        f"Logged {interaction.kind} with {_named(people)} on {day} "
        f"({interaction.channel}, {interaction.direction})."
    )


def favour_command(
    ctx: typer.Context,
    way: Annotated[FavourWay, typer.Argument(metavar="gave|received", show_default=False)],
    who: Annotated[str, typer.Argument(metavar="WHO", help="#ID, an e-mail, a handle or a name.")],
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What the favour was.")],
    on: OnDate = None,
    note: NoteOption = "",
    as_json: JsonFlag = False,
) -> None:
    """Record a favour you gave or received."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.activity import services as activity
    from goodwill.people.services import resolve

    day = activity.parse_day(on)
    person = resolve(owner, who)
    favour = activity.record_favour(
        owner, FAVOUR_DIRECTION[way.value], person, text, on=day, note=note
    )
    if as_json:
        output.print_json(
            {"person": {"id": person.id, "name": person.name}, **activity.favour_payload(favour)}
        )
        return
    verb = "you gave" if favour.direction == "given" else "you received from"
    output.say(
        f"Recorded a favour {verb} {_named([person])} on {favour.occurred_on}: {favour.what}"
    )


def overture_command(
    ctx: typer.Context,
    who: Annotated[str, typer.Argument(metavar="WHO", help="#ID, an e-mail, a handle or a name.")],
    channel: ChannelOption = None,
    on: OnDate = None,
    note: NoteOption = "",
    as_json: JsonFlag = False,
) -> None:
    """Record that you reached out to someone."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.activity import services as activity
    from goodwill.people.services import resolve

    when = activity.parse_when(on)
    person = resolve(owner, who)
    overture = activity.record_overture(
        owner, person, channel=channel.value if channel else None, when=when, note=note
    )
    if as_json:
        output.print_json(
            {
                "person": {"id": person.id, "name": person.name},
                **activity.overture_payload(overture),
            }
        )
        return
    day = localdate(overture.sent_at).isoformat()
    output.say(f"Recorded an overture to {_named([person])} on {day} ({overture.channel}).")


def register(app: typer.Typer) -> None:
    app.command("log")(log_command)
    app.command("favour")(favour_command)
    app.command("overture")(overture_command)
