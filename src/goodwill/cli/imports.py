"""`goodwill import [FORMAT] PATH... [--dry-run] [--json]`: bring in exports."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from goodwill.cli import output
from goodwill.cli.setup import open_network
from goodwill.errors import UsageError


def split_format(args: list[str]) -> tuple[str | None, list[Path]]:
    """The optional FORMAT comes first; a name that is also an existing path is a path."""
    from goodwill.importers.registry import IMPORTERS

    if args and args[0] in IMPORTERS and not Path(args[0]).exists():
        format_name, rest = args[0], args[1:]
    else:
        format_name, rest = None, args
    if not rest:
        raise UsageError("name at least one file, folder or zip to import")
    return format_name, [Path(p) for p in rest]


@contextmanager
def _progress(title: str) -> Iterator[Any]:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = output.stderr_console()
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, disable=not console.is_terminal) as bar:
        task = bar.add_task(title, total=None)

        def report(records: int) -> None:
            bar.update(task, description=f"{title}: {records:,} records read")

        yield report


def _summary(payload: dict[str, Any], dry_run: bool) -> None:
    verb = "Would import" if dry_run else "Imported"
    output.say(
        f"{verb} {payload['format']} from {payload['source']}: "
        f"{payload['people_created']} people created, {payload['people_updated']} updated, "
        f"{payload['people_merged']} merged; {payload['ties']} ties; "
        f"{payload['interactions']} interactions; {len(payload['issues'])} issues."
    )
    for issue in payload["issues"][:20]:
        where = f"{issue['file']}:{issue['line']}" if issue["line"] else issue["file"]
        output.say(f"  {where}: {issue['code']}: {issue['message']}")
    if len(payload["issues"]) > 20:
        output.say(f"  … and {len(payload['issues']) - 20} more (use --json to see them all)")


def import_command(
    ctx: typer.Context,
    args: Annotated[
        list[str],
        typer.Argument(metavar="[FORMAT] PATH...", help="Files, folders or zips to import."),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; change nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import exports (LinkedIn, Facebook, X, Mastodon, Bluesky, vCard, e-mail, calendars…)."""
    output.state.json = as_json
    format_name, paths = split_format(args)
    owner = open_network(ctx)
    from goodwill.imports.service import run_import, run_payload

    with _progress("Importing") as report:
        run = run_import(owner, paths, format=format_name, dry_run=dry_run, progress=report)
    payload = run_payload(run)
    if as_json:
        output.print_json(payload)
    else:
        _summary(payload, dry_run)


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
