"""The `goodwill` command: global options, the commands, and errors as one line and an exit code."""

import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from goodwill import __version__
from goodwill.cli import (
    activity,
    graph,
    imports,
    insights,
    merges,
    output,
    people,
    portability,
    practice,
    server,
    worker,
    workspaces,
)
from goodwill.cli.setup import Globals
from goodwill.config import TRUTHY
from goodwill.errors import GoodwillError

EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130

app = typer.Typer(
    name="goodwill",
    help="Relationship-first networking: who you know, who they know, and how it is going.",
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        output.say(f"goodwill {__version__}")
        raise typer.Exit()


@app.callback()
def global_options(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            metavar="DIR",
            help="Data folder (env GOODWILL_DATA_DIR; default: your user data folder).",
            show_default=False,
        ),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            metavar="URL",
            help="PostgreSQL or SQLite URL (env DATABASE_URL; default: SQLite in the data folder).",
            show_default=False,
        ),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option("--user", metavar="NAME", help="Whose network (default: the only user)."),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_show_version, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    # Only remembered here: the environment is set when a command actually opens the data.
    ctx.obj = Globals(data_dir=data_dir, database_url=database_url, user=user)


server.register(app)
people.register(app)
activity.register(app)
imports.register(app)
merges.register(app)
graph.register(app)
insights.register(app)
practice.register(app)
workspaces.register(app)
portability.register(app)
worker.register(app)


def _usage_hint(exc: typer.TyperException) -> str:
    context = getattr(exc, "ctx", None)
    if context is None:
        return ""
    return f" (see '{context.command_path} --help')"


def _is_database_error(exc: Exception) -> bool:
    db = sys.modules.get("django.db")
    return db is not None and isinstance(exc, db.Error)


def _is_improperly_configured(exc: Exception) -> bool:
    exceptions = sys.modules.get("django.core.exceptions")
    return exceptions is not None and isinstance(exc, exceptions.ImproperlyConfigured)


def _debugging() -> bool:
    return os.environ.get("GOODWILL_DEBUG", "").strip().lower() in TRUTHY


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on ``argv`` and return the exit code (tests call this directly)."""
    args = list(sys.argv[1:] if argv is None else argv)
    # Until a command parses its own --json, a parse error decides from the raw arguments.
    output.state.json = "--json" in args
    output.prefer_utf8_stdout()
    command = typer.main.get_command(app)
    try:
        # standalone_mode=False: Click raises instead of printing several lines and exiting.
        result = command.main(args=args or ["--help"], prog_name="goodwill", standalone_mode=False)
    except typer.TyperException as exc:  # Click's usage errors: bad option, argument, choice
        message = exc.format_message().replace("Value error, ", "")  # pydantic's prefix
        output.report_error(message + _usage_hint(exc))
        return exc.exit_code
    except typer.Abort:
        output.report_error("aborted")
        return EXIT_FAILURE
    except GoodwillError as exc:
        output.report_error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        output.report_error("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:
        return _report_unexpected(exc)
    return result if isinstance(result, int) else 0


def _report_unexpected(exc: Exception) -> int:
    if _is_database_error(exc):
        output.report_error(f"database error: {type(exc).__name__}: {exc}")
    elif _is_improperly_configured(exc):
        output.report_error(f"configuration: {exc}")
    else:
        output.report_error(
            f"{type(exc).__name__}: {exc} (set GOODWILL_DEBUG=1 for the traceback)",
            kind="internal error",
        )
    if _debugging():
        traceback.print_exc()
    return EXIT_FAILURE


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
