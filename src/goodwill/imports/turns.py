"""One import writes at a time, across every process: the web's worker, the CLI, another server.

The turn is a lock the operating system or the database drops by itself when its holder dies,
so a killed import never blocks the next one: on SQLite an exclusive ``flock`` on a file beside
the database, on PostgreSQL a session advisory lock on a connection of its own. A run waiting
for its turn says whose import it waits for, and can be cancelled while it waits.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from goodwill.imports.models import ImportRun
from goodwill.imports.progress import CANCELLED, ImportStopped

POLL_SECONDS = 0.5
# pg_advisory_lock takes a bigint; this one is "goodwill import" in short.
ADVISORY_KEY = 0x600D_1A9F
LOCK_FILE_SUFFIX = ".import-lock"

Waiting = Callable[[str], None]


def waiting_message(run: ImportRun) -> str:
    """What a run that has not started yet waits for, in words its owner may read."""
    current = (
        ImportRun.objects.filter(status="running")
        .exclude(pk=run.pk)
        .only("owner_id", "source")
        .order_by("started_at")
        .first()
    )
    if current is None:
        return "waiting for its turn"
    if current.owner_id != run.owner_id:
        # Another user's file names are theirs alone.
        return "waiting for another user's import to finish"
    return f"waiting for the import of {current.source} to finish"


def lock_path() -> Path:
    name = str(connections["default"].settings_dict.get("NAME") or "")
    if name and name != ":memory:" and not name.startswith("file:"):
        return Path(name + LOCK_FILE_SUFFIX)
    return Path(settings.DATA_DIR) / ("database" + LOCK_FILE_SUFFIX)


class _FileTurn:
    def __init__(self) -> None:
        self.handle: Any = None

    def try_take(self) -> bool:
        import fcntl

        if self.handle is None:
            path = lock_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = path.open("a+b")
        try:
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def release(self) -> None:
        if self.handle is not None:
            self.handle.close()  # closing the file drops the lock
            self.handle = None


class _AdvisoryTurn:
    def __init__(self) -> None:
        # A connection of its own: the lock lives as long as it, whatever the import does.
        self.connection = connections.create_connection("default")

    def try_take(self) -> bool:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
            return bool(cursor.fetchone()[0])

    def release(self) -> None:
        self.connection.close()  # ending the session drops the lock


def _turn() -> _FileTurn | _AdvisoryTurn:
    if connections["default"].vendor == "postgresql":
        return _AdvisoryTurn()
    return _FileTurn()


def _cancelled(run: ImportRun) -> bool:
    return ImportRun.objects.filter(pk=run.pk, cancel_requested=True).exists()


@contextlib.contextmanager
def import_turn(
    run: ImportRun, on_wait: Waiting | None = None, *, stop: Callable[[], str] | None = None
) -> Iterator[None]:
    """Hold the one import turn for ``run``; wait (saying why) while another import has it.

    Raises ``ImportStopped`` if the run is cancelled while it waits, or ``stop`` (checked while
    waiting) returns a reason to give up.
    """
    turn = _turn()
    said = ""
    try:
        while not turn.try_take():
            if _cancelled(run):
                raise ImportStopped(CANCELLED, "cancelled")
            reason = stop() if stop is not None else ""
            if reason:
                raise ImportStopped(reason, "interrupted")
            message = waiting_message(run)
            if message != said and on_wait is not None:
                on_wait(message)
            said = message
            time.sleep(POLL_SECONDS)
        yield
    finally:
        turn.release()


def turn_is_free() -> bool:
    """Whether no import holds the turn right now (for tests and status pages)."""
    turn = _turn()
    try:
        return turn.try_take()
    finally:
        turn.release()
