"""`goodwill export`, `backup` and `restore`: your data out, and back."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from goodwill.cli import output
from goodwill.cli.options import JsonFlag
from goodwill.cli.setup import bootstrap, globals_of, open_network
from goodwill.exporters.backupfile import read_manifest


class ExportFormat(StrEnum):
    vcard = "vcard"
    csv = "csv"
    graphml = "graphml"
    json = "json"


def export_command(
    ctx: typer.Context,
    fmt: Annotated[
        ExportFormat, typer.Argument(metavar="FORMAT", help="vcard, csv, graphml or json.")
    ],
    path: Annotated[Path, typer.Argument(metavar="PATH", help="The file to write (replaced).")],
    as_json: JsonFlag = False,
) -> None:
    """Write your people (and ties, for graphml and json) to a file other tools read."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill import portability

    result = portability.export(owner, fmt.value, path)
    if as_json:
        output.print_json(result)
        return
    ties = f" and {result['ties']:,} ties" if result["ties"] else ""
    output.say(f"Wrote {result['people']:,} people{ties} to {path} ({fmt.value}).")


def backup_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(metavar="PATH", help="The zip file to write.")],
    as_json: JsonFlag = False,
) -> None:
    """Save everything (every user's people, ties, history and settings) to one zip file."""
    output.state.json = as_json
    bootstrap(globals_of(ctx), create=False)
    from goodwill import portability

    result = portability.backup(path)
    if as_json:
        output.print_json(result)
        return
    output.say(f"Backed up {result['users']} user(s), {_rows(result)} rows, to {path}.")


def restore_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(metavar="PATH", help="A zip from `goodwill backup`.")],
    as_json: JsonFlag = False,
) -> None:
    """Load a backup into an empty data folder or database (never over existing data)."""
    output.state.json = as_json
    # Checked before any folder or database is created for it.
    read_manifest(path)
    site = bootstrap(globals_of(ctx), create=True)
    from goodwill import portability

    result = portability.restore(path, where=site.where)
    if as_json:
        output.print_json(result)
        return
    output.say(f"Restored {result['users']} user(s), {_rows(result)} rows, from {path}.")


def _rows(result: dict[str, Any]) -> str:
    return f"{sum(result['rows'].values()):,}"


def register(app: typer.Typer) -> None:
    app.command("export")(export_command)
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
