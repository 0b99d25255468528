"""`goodwill export`, `backup` and `restore`: your data out, and back."""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from goodwill.cli import output
from goodwill.cli.options import JsonFlag
from goodwill.cli.setup import Globals, bootstrap, globals_of, open_network
from goodwill.exporters.backupfile import max_data_bytes, read_manifest


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
    read_manifest(path, max_data_bytes())
    options = globals_of(ctx)
    with _removed_on_failure(options):
        site = bootstrap(options, create=True)
        from goodwill import portability

        result = portability.restore(path, where=site.where)
    if as_json:
        output.print_json(result)
        return
    output.say(f"Restored {result['users']} user(s), {_rows(result)} rows, from {path}.")


@contextmanager
def _removed_on_failure(options: Globals) -> Iterator[None]:
    """A restore that fails leaves no data folder or database file it created behind."""
    from django.apps import apps

    from goodwill import config

    if apps.ready:  # a notebook or test configured Django: its database is not ours to remove
        yield
        return
    if options.data_dir is not None:
        os.environ["GOODWILL_DATA_DIR"] = str(options.data_dir)
    if options.database_url is not None:
        os.environ["DATABASE_URL"] = options.database_url
    folder = config.data_dir()
    database = config.database_config(os.environ.get("DATABASE_URL"), folder)
    sqlite = database.get("ENGINE", "").endswith("sqlite3")
    db_file = Path(str(database.get("NAME"))) if sqlite else None
    made_folder = not folder.exists()
    made_file = db_file is not None and not db_file.exists()
    try:
        yield
    except BaseException:
        if made_folder or made_file:
            from django.db import connections

            connections.close_all()
            if made_folder:
                shutil.rmtree(folder, ignore_errors=True)
            elif db_file is not None:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{db_file}{suffix}").unlink(missing_ok=True)
        raise


def _rows(result: dict[str, Any]) -> str:
    return f"{sum(result['rows'].values()):,}"


def register(app: typer.Typer) -> None:
    app.command("export")(export_command)
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
