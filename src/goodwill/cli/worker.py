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
from goodwill.worker import PARENT_ENV

STOPPED_BY_SIGNAL = "the worker was stopped"
SERVED_NICENESS = 10


def worker_command(
    ctx: typer.Context,
    once: Annotated[
        bool, typer.Option("--once", help="Run what is queued now, then exit (e.g. from cron).")
    ] = False,
) -> None:
    """Run background tasks: imports started on the web page, map layouts, e-mail digests."""
    stop = threading.Event()

    def stopping(signum: int, _frame: Any) -> None:
        if stop.is_set():
            os._exit(1)  # a second Ctrl+C: now; an unfinished import was never committed
        stop.set()
        progress = sys.modules.get("goodwill.imports.progress")
        if progress is not None and progress.stop_all(STOPPED_BY_SIGNAL):
            output.say("Stopping: the running import is being rolled back (Ctrl+C again to force).")

    # First of all, so a server stopping while this worker still starts up is heard at once.
    signal.signal(signal.SIGINT, stopping)
    signal.signal(signal.SIGTERM, stopping)
    if os.environ.get(PARENT_ENV) and hasattr(os, "nice"):
        # Started by `goodwill serve`: pages people wait for come before background work.
        os.nice(SERVED_NICENESS)
    site = bootstrap(globals_of(ctx), create=False)
    from goodwill.worker import runner

    output.say(f"Worker for {site.where} (pid {os.getpid()}) waiting for tasks; Ctrl+C stops it.")
    sys.stdout.flush()
    if not stop.is_set():
        runner.run(stop, until_empty=once)
    output.say("Worker stopped.")
    sys.stdout.flush()


def register(app: typer.Typer) -> None:
    app.command("worker")(worker_command)
