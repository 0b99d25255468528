"""The worker: takes queued tasks from the database and runs them, one queue per thread.

Each queue is polled with a plain read and claimed in a short exclusive transaction only when
something waits, so an idle worker never takes SQLite's write lock. Tasks are run by
django-tasks-db's own ``Worker.run_task``, which records success, failure and the traceback.
"""

from __future__ import annotations

import logging
import os
import threading

from django.db import OperationalError, close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from goodwill.imports.jobs import recover
from goodwill.imports.progress import this_process
from goodwill.worker import PARENT_ENV
from goodwill.worker.tasks import IMPORTS_QUEUE, queue_due_digests

logger = logging.getLogger(__name__)

BACKEND = "default"
QUEUES = (IMPORTS_QUEUE, "default")
POLL_SECONDS = 1.0


def parent_gone() -> bool:
    expected = os.environ.get(PARENT_ENV, "")
    return expected.isdigit() and os.getppid() != int(expected)


def _runner(queue: str, worker_id: str) -> Worker:
    return Worker(
        queue_names=[queue],
        interval=POLL_SECONDS,
        batch=False,
        backend_name=BACKEND,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def claim_next(queue: str, worker_id: str) -> DBTaskResult | None:
    ready = DBTaskResult.objects.ready().filter(backend_name=BACKEND, queue_name=queue)
    if not ready.exists():
        return None
    try:
        with exclusive_transaction(ready.db):
            found = ready.get_locked()
            if found is not None:
                found.claim(worker_id)
            return found
    except OperationalError as exc:
        if is_locked_database_exception(exc):
            return None  # another process writes; try again at the next poll
        raise


def run_queue(
    queue: str, worker_id: str, stop: threading.Event, *, until_empty: bool = False
) -> int:
    """Run the queue's tasks until ``stop`` is set (or, ``until_empty``, none is left)."""
    runner = _runner(queue, worker_id)
    done = 0
    try:
        while not stop.is_set():
            if not connection.in_atomic_block:  # (a test's transaction must stay open)
                close_old_connections()  # a dropped or expired connection, as a request would
            if queue == "default" and not until_empty:
                queue_due_digests(timezone.now())
            found = claim_next(queue, worker_id)
            if found is not None:
                logger.info("running %s (%s)", found.task_path, found.id)
                runner.run_task(found)
                done += 1
            elif until_empty:
                break
            elif parent_gone():
                logger.warning("the server that started this worker has gone; stopping")
                stop.set()
            else:
                stop.wait(POLL_SECONDS)
    finally:
        if threading.current_thread() is not threading.main_thread():
            connection.close()
    return done


def run_pending() -> int:
    """Run every task already queued, in this thread, then return how many ran (tests, cron)."""
    worker_id = this_process()
    never = threading.Event()
    return sum(run_queue(q, worker_id, never, until_empty=True) for q in QUEUES)


def run(stop: threading.Event, *, until_empty: bool = False) -> None:
    """The worker process: recover what a dead process left, then run both queues."""
    marked = recover()
    if marked:
        logger.warning("marked %d import(s) left unfinished by a stopped process", marked)
    worker_id = this_process()
    imports = threading.Thread(
        target=run_queue,
        args=(IMPORTS_QUEUE, worker_id, stop),
        kwargs={"until_empty": until_empty},
        name="goodwill-imports",
    )
    imports.start()
    try:
        run_queue("default", worker_id, stop, until_empty=until_empty)
    finally:
        if not until_empty:
            stop.set()
        imports.join()
