"""`goodwill import [FORMAT] PATH...`, `goodwill imports` and `goodwill cancel-import ID`."""

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
    from goodwill.imports.jobs import run_in_foreground
    from goodwill.imports.service import run_payload

    def waiting(message: str) -> None:
        output.warn(f"Import {message[0].lower()}{message[1:]} (Ctrl+C gives up)…")

    with _progress("Importing") as report:
        run = run_in_foreground(
            owner, paths, format=format_name, dry_run=dry_run, on_wait=waiting, on_progress=report
        )
    payload = run_payload(run)
    if as_json:
        output.print_json(payload)
    else:
        _summary(payload, dry_run)


def imports_command(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", metavar="N", min=1, max=1000)] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """Your recent imports, newest first: waiting, running (with progress) or how they ended."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.imports.models import ImportRun
    from goodwill.imports.turns import waiting_message

    runs = list(ImportRun.objects.filter(owner=owner)[:limit])
    rows = [
        {
            "id": run.id,
            "status": run.status,
            "format": run.format,
            "source": run.source,
            "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "records": run.records,
            "people_created": run.people_created,
            "error": run.error,
            "waiting_for": waiting_message(run) if run.status == "queued" else "",
        }
        for run in runs
    ]
    if as_json:
        output.print_json({"imports": rows})
        return
    if not rows:
        output.say("No imports yet.")
    for row in rows:
        detail = row["waiting_for"] or row["error"] or f"{row['records']:,} records"
        output.say(f"#{row['id']}  {row['status']:<11}  {row['source']}  ({detail})")


def cancel_import_command(
    ctx: typer.Context,
    run_id: Annotated[int, typer.Argument(metavar="ID", help="The import's number.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the run as JSON.")] = False,
) -> None:
    """Cancel a waiting or running import: it stops at its next step and saves nothing."""
    output.state.json = as_json
    owner = open_network(ctx)
    from goodwill.imports.jobs import cancel

    run = cancel(owner, run_id)
    if as_json:
        output.print_json({"id": run.id, "status": run.status, "cancel_requested": True})
    elif run.status == "cancelled":
        output.say(f"Cancelled import #{run.id}.")
    else:
        output.say(f"Import #{run.id} will stop at its next step; nothing of it will be saved.")


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("imports")(imports_command)
    app.command("cancel-import")(cancel_import_command)
