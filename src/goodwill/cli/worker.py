"""`goodwill worker`: run the background tasks (imports from the web, map layouts, digests)."""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Annotated, Any

import typer

from goodwill.cli import output
from goodwill.cli.setup import bootstrap, globals_of

STOPPED_BY_SIGNAL = "the worker was stopped"


def worker_command(
    ctx: typer.Context,
    once: Annotated[
        bool, typer.Option("--once", help="Run what is queued now, then exit (e.g. from cron).")
    ] = False,
) -> None:
    """Run background tasks: imports started on the web page, map layouts, e-mail digests."""
    site = bootstrap(globals_of(ctx), create=False)
    from goodwill.imports import progress
    from goodwill.worker import runner

    stop = threading.Event()

    def stopping(signum: int, _frame: Any) -> None:
        if stop.is_set():
            os._exit(1)  # a second Ctrl+C: now; an unfinished import was never committed
        stop.set()
        if progress.stop_all(STOPPED_BY_SIGNAL):
            output.say("Stopping: the running import is being rolled back (Ctrl+C again to force).")

    signal.signal(signal.SIGINT, stopping)
    signal.signal(signal.SIGTERM, stopping)
    output.say(f"Worker for {site.where} (pid {os.getpid()}) waiting for tasks; Ctrl+C stops it.")
    sys.stdout.flush()
    runner.run(stop, until_empty=once)
    output.say("Worker stopped.")


def register(app: typer.Typer) -> None:
    app.command("worker")(worker_command)
