"""Imports as jobs: queued from the web page for the worker, or run in the foreground by the
CLI; one at a time across every process, progress in the database, cancellable, and marked
interrupted when the process running them dies.

Statuses: ``queued`` (recorded, waiting for the worker or for its turn), ``running`` (holds the
turn), then ``applied``, ``dry_run``, ``failed``, ``cancelled`` or ``interrupted``. An import
that stops before the end never commits, so nothing of it is applied.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from goodwill.errors import Conflict, GoodwillError, NotFound
from goodwill.imports import progress
from goodwill.imports.models import ImportRun
from goodwill.imports.progress import ImportStopped, Reporter, is_alive, this_process
from goodwill.imports.service import run_import
from goodwill.imports.turns import Waiting, import_turn

logger = logging.getLogger(__name__)

# A run on another machine (PostgreSQL shared by several hosts) with no heartbeat for this long
# has lost its process.
STALE_AFTER = dt.timedelta(minutes=10)
INTERRUPTED = "stopped before it finished ({why}); nothing was saved: import the files again"


def _end(run: ImportRun, status: str, error: str) -> None:
    now = timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(status=status, error=error, finished_at=now)
    run.status, run.error, run.finished_at = status, error, now


def _label(paths: Sequence[Path]) -> str:
    return ", ".join(str(p) for p in paths)[:500]


# -- the web page: queue, then the worker runs it -------------------------------------------


def queue_import(
    owner: AbstractBaseUser,
    folder: Path,
    paths: Sequence[Path],
    *,
    format: str | None,
    dry_run: bool,
    label: str,
) -> ImportRun:
    """Record the run and queue it for the worker; the worker removes ``folder`` when done."""
    from goodwill.worker.tasks import import_files

    with transaction.atomic():  # the run and its task, or neither
        run = ImportRun.objects.create(
            owner=owner, format=format or "auto", source=label[:500], status="queued"
        )
        paths_given = [str(p) for p in paths]
        result = import_files.enqueue(run.pk, str(folder), paths_given, format, dry_run)
        run.task_id = str(result.id)
        run.save(update_fields=["task_id"])
    return run


def run_queued(
    run_id: int, folder: str, paths: list[str], format: str | None, dry_run: bool
) -> dict[str, Any]:
    """The worker's side of ``queue_import``."""
    try:
        run = ImportRun.objects.select_related("owner").filter(pk=run_id).first()
        if run is None or run.status != "queued":
            return {"run": run_id, "status": run.status if run else "deleted"}
        # A failure is recorded on the run, which is where the page reads it.
        with contextlib.suppress(GoodwillError):
            perform(run, [Path(p) for p in paths], format=format, dry_run=dry_run)
        return {"run": run_id, "status": run.status}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# -- the CLI: in the foreground, same turn, same records ------------------------------------


def run_in_foreground(
    owner: AbstractBaseUser,
    paths: Sequence[Path],
    *,
    format: str | None = None,
    dry_run: bool = False,
    on_wait: Waiting | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ImportRun:
    recover()
    # Held by this process from the start, so a cancel always reaches it here.
    run = ImportRun.objects.create(
        owner=owner,
        format=format or "auto",
        source=_label(paths),
        status="queued",
        holder=this_process(),
        heartbeat_at=timezone.now(),
    )
    return perform(
        run, paths, format=format, dry_run=dry_run, on_wait=on_wait, on_progress=on_progress
    )


# -- both -----------------------------------------------------------------------------------


def perform(
    run: ImportRun,
    paths: Sequence[Path],
    *,
    format: str | None,
    dry_run: bool,
    on_wait: Waiting | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ImportRun:
    """Wait for the turn, then run the import; raises what ``run_import`` raises, or
    ``ImportStopped`` when cancelled or stopped (the run records why)."""
    ImportRun.objects.filter(pk=run.pk).update(holder=this_process(), heartbeat_at=timezone.now())
    try:
        with import_turn(run, on_wait, stop=lambda: progress.stopping_reason):
            started = timezone.now()
            claimed = ImportRun.objects.filter(pk=run.pk, status="queued").update(
                status="running", started_at=started, heartbeat_at=started
            )
            if not claimed:  # cancelled between the queue and now
                run.refresh_from_db()
                return run
            run.status, run.started_at = "running", started
            with Reporter(run.pk, echo=on_progress) as reporter:
                run_import(
                    run.owner,
                    paths,
                    format=format,
                    dry_run=dry_run,
                    progress=reporter.advance,
                    source_label=run.source,
                    run=run,
                )
    except ImportStopped as exc:
        _end(run, exc.status, str(exc))
        raise
    except (KeyboardInterrupt, SystemExit) as exc:
        why = "stopped with Ctrl+C" if isinstance(exc, KeyboardInterrupt) else "its process exited"
        _end(run, "interrupted", INTERRUPTED.format(why=why))
        raise
    return run


def cancel(owner: AbstractBaseUser, run_id: int) -> ImportRun:
    """Cancel a waiting or running import: it stops at its next step and applies nothing."""
    run = ImportRun.objects.filter(owner=owner, pk=run_id).first()
    if run is None:
        raise NotFound(f"no import #{run_id}")
    if not run.unfinished:
        raise Conflict(f"import #{run_id} has already finished ({run.get_status_display()})")
    ImportRun.objects.filter(pk=run.pk, status__in=ImportRun.UNFINISHED).update(
        cancel_requested=True
    )
    # Not picked up by any process yet: nothing will notice the request, so end it here.
    ImportRun.objects.filter(pk=run.pk, status="queued", holder="").update(
        status="cancelled", error=progress.CANCELLED, finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run


def recover() -> int:
    """Mark as interrupted every unfinished run whose process has died; fail its task.

    Called when a worker, a server or a CLI import starts. Returns how many runs it marked.
    """
    marked = 0
    stale = timezone.now() - STALE_AFTER
    for run in ImportRun.objects.filter(status__in=ImportRun.UNFINISHED).exclude(holder=""):
        alive = is_alive(run.holder)
        if alive is None:  # another machine: trust its heartbeat
            alive = run.heartbeat_at is not None and run.heartbeat_at > stale
        if not alive:
            why = "its process was stopped or crashed"
            marked += ImportRun.objects.filter(pk=run.pk, status__in=ImportRun.UNFINISHED).update(
                status="interrupted",
                error=INTERRUPTED.format(why=why),
                finished_at=timezone.now(),
            )
    # Runs from before runs named their process: none of them can still be going.
    marked += ImportRun.objects.filter(status="running", holder="").update(
        status="interrupted",
        error=INTERRUPTED.format(why="the server stopped"),
        finished_at=timezone.now(),
    )
    _fail_orphaned_tasks()
    return marked


def _fail_orphaned_tasks() -> None:
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        worker = result.worker_ids[-1] if result.worker_ids else ""
        if worker and is_alive(worker) is False:
            result.set_failed(ImportStopped(f"worker {worker} stopped during the task", "failed"))
