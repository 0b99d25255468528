"""`goodwill strength`, `rescore`, `check-post` and `roi`: relationships and channels."""

from pathlib import Path
from typing import Annotated, Any

import typer

from goodwill.cli import output
from goodwill.cli.options import JsonFlag, Who
from goodwill.cli.setup import open_network
from goodwill.errors import UsageError

BAR_WIDTH = 20


def _bar(value: float) -> str:
    filled = round(value * BAR_WIDTH)
    return "█" * filled + "·" * (BAR_WIDTH - filled)


def strength_command(
    ctx: typer.Context,
    who: Who,
    set_to: Annotated[
        float | None,
        typer.Option("--set", metavar="X", help="Your own judgement, 0 to 1: outranks the score."),
    ] = None,
    note: Annotated[str, typer.Option("--note", help="Why (with --set).")] = "",
    clear: Annotated[bool, typer.Option("--clear", help="Forget your own judgement.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """How strong your relationship with WHO is, and why."""
    output.state.json = as_json
    if set_to is not None and clear:
        raise UsageError("use --set or --clear, not both")
    if note and set_to is None:
        raise UsageError("--note goes with --set")
    owner = open_network(ctx)
    from goodwill.people.services import resolve
    from goodwill.practice import scoring

    person = resolve(owner, who)
    if set_to is not None:
        scoring.set_override(owner, person, set_to, note)
    elif clear:
        scoring.clear_override(owner, person)
    payload = scoring.strength_payload(person, scoring.strength_of(owner, person))
    if as_json:
        output.print_json(payload)
        return
    from rich.text import Text

    console = output.stdout_console()
    line = Text(f"{person.name} (#{person.id}): {payload['score']:.2f} {_bar(payload['score'])}")
    console.print(line)
    for reason in payload["reasons"]:
        console.print(Text(f"  - {reason}"))


def rescore_command(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Score every relationship again and store it on your ties (paths and reach use it)."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.practice.scoring import rescore

    changed = rescore(owner)
    if as_json:
        output.print_json({"ties_updated": changed})
    else:
        output.say(f"Rescored: {changed} tie{'s' if changed != 1 else ''} changed.")


def _print_check(payload: dict[str, Any]) -> None:
    from rich.text import Text

    console = output.stdout_console()
    verdict = "reads as promotional" if payload["promotional"] else "reads as conversational"
    console.print(Text(f"Soft-sell score {payload['score']:.2f}: {verdict}"))
    if payload.get("stranger"):
        console.print(Text("  ! the recipient is a stranger to you: lead with them, not you"))
    for reason in payload["reasons"]:
        console.print(Text(f"  - {reason}"))


def _print_history(payload: dict[str, Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    console = output.stdout_console()
    if not payload["channels"]:
        console.print("No imported posts yet (goodwill import twitter tweets.js).")
        return
    for channel in payload["channels"]:
        table = Table(
            title=f"{channel['label']}: {channel['promotional']} of {channel['posts']} posts "
            f"promotional ({channel['share']:.0%})",
            title_justify="left",
        )
        for column in ("Month", "Posts", "Promotional", "Share", ""):
            table.add_column(column, justify="left" if column in ("Month", "") else "right")
        for month in channel["months"]:
            flag = "over the threshold" if month["warning"] else ""
            table.add_row(
                month["month"],
                str(month["posts"]),
                str(month["promotional"]),
                f"{month['share']:.0%}",
                flag,
            )
        console.print(table)
        for example in channel["examples"][:3]:
            console.print(Text(f"  e.g. {example['when'][:10]}: {example['text'][:90]}"))
    for warning in payload["warnings"]:
        console.print(Text(f"! {warning}"))


def check_post_command(
    ctx: typer.Context,
    text: Annotated[str | None, typer.Argument(metavar="TEXT", help="The draft.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", metavar="F", help="Read the draft from a file.")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", metavar="WHO", help="Who it is for (stranger check).")
    ] = None,
    history: Annotated[
        bool, typer.Option("--history", help="Your imported posts: self-promotion per month.")
    ] = False,
    threshold: Annotated[
        float,
        typer.Option("--threshold", min=0.0, max=1.0, help="Warn above this share of posts."),
    ] = 0.2,
    as_json: JsonFlag = False,
) -> None:
    """Is a draft a soft sell? Score and reasons; or your posting history with --history."""
    output.state.json = as_json
    given = sum(x is not None for x in (text, file)) + int(history)
    if given != 1:
        raise UsageError("give a TEXT, --file F or --history (one of them)")
    if history and to:
        raise UsageError("--to goes with a draft, not --history")
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read {file}: {exc}") from exc
    owner = open_network(ctx)
    from goodwill.practice import posts

    if history:
        payload = posts.history(owner, threshold=threshold)
        output.print_json(payload) if as_json else _print_history(payload)
        return
    payload = posts.check_draft(owner, text or "", to=to)
    output.print_json(payload) if as_json else _print_check(payload)


def _print_roi(payload: dict[str, Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    console = output.stdout_console()
    if not payload["channels"]:
        console.print("No channels yet: add the platforms and places you spend time on.")
        return
    table = Table(title="Channel return (last 12 months)", title_justify="left", padding=(0, 1))
    # Short headers so an 80-column terminal still shows whole channel names.
    table.add_column("Channel", justify="left", min_width=13, overflow="fold")
    for column in ("Hours", "People", "Target", "2-way", "Won", "Refs", "Value", "/hour"):
        table.add_column(column, justify="right", no_wrap=True)
    for c in payload["channels"]:
        table.add_row(
            Text(c["name"] + ("" if c["active"] else " (inactive)")),
            f"{c['hours']:.0f}",
            str(c["people"]),
            str(c["target_people"]),
            str(c["two_way"]),
            str(c["outcomes"]),
            str(c["referrals"]),
            f"{c['value']:,.0f}",
            f"{c['value_per_hour']:,.1f}",
        )
    console.print(table)
    for line in payload["advice"]:
        console.print(Text(f"- {line}"))


def roi_command(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Per channel: your target market there, two-way interactions, results and return per hour."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.practice.channels import channel_return

    payload = channel_return(owner)
    output.print_json(payload) if as_json else _print_roi(payload)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `goodwill` command."""
    app.command("strength")(strength_command)
    app.command("rescore")(rescore_command)
    app.command("check-post")(check_post_command)
    app.command("roi")(roi_command)
