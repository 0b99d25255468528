"""How far each import has got, in the database where every process sees it.

The import writes through its own connection (inside its transactions), so a ``Reporter``
thread with a connection of its own stores the number of records read and a heartbeat on the
run's row about once a second, and watches the row for a request to cancel. The import thread
calls ``Reporter.advance`` as it reads; that is where a cancel or a stop takes effect, by raising
``ImportStopped`` so the import's transaction rolls back and nothing is applied.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import OperationalError, connection
from django.utils import timezone

from goodwill.errors import GoodwillError
from goodwill.imports.models import ImportRun

logger = logging.getLogger(__name__)

WRITE_EVERY_SECONDS = 1.0


class ImportStopped(GoodwillError):
    """The import was cancelled, or its process is stopping; ``status`` is what to record."""

    def __init__(self, message: str, status: str) -> None:
        super().__init__(message)
        self.status = status


CANCELLED = "cancelled by the user before it finished; nothing was saved"


# -- which process holds a run --------------------------------------------------------------


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), to tell a reused pid apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # The command name (field 2) may hold spaces; fields after it are plain numbers.
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else ""


def this_process() -> str:
    """``host:pid:start``: who holds a run (at most 120 characters)."""
    pid = os.getpid()
    return f"{socket.gethostname()[:80]}:{pid}:{_start_time(pid)}"


def is_alive(holder: str) -> bool | None:
    """Whether the process named by ``holder`` still runs; ``None`` when it is on another host."""
    parts = holder.rsplit(":", 2)
    if len(parts) != 3:
        return False
    host, pid_text, start = parts
    if host != socket.gethostname()[:80]:
        return None
    try:
        pid = int(pid_text)
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        pass  # someone else's process: it exists
    return not start or _start_time(pid) in ("", start)


# -- reporting progress ---------------------------------------------------------------------

# The reporters of the imports running in this process, so a stopping worker can stop them.
_active: set[Reporter] = set()
_active_lock = threading.Lock()
# Set when this process is stopping: imports still waiting for their turn give up too.
stopping_reason = ""


def stop_all(reason: str) -> int:
    """Stop every import running in this process (they roll back); returns how many."""
    global stopping_reason
    stopping_reason = reason
    with _active_lock:
        running = list(_active)
    for reporter in running:
        reporter.stop(reason, "interrupted")
    return len(running)


class Reporter:
    """Stores one run's progress from a thread of its own; use as a context manager."""

    def __init__(self, run_id: int, echo: Callable[[int], None] | None = None) -> None:
        self.run_id = run_id
        self.echo = echo
        self.records = 0
        self._written = -1
        self._stopped: ImportStopped | None = None
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        # Inside a test's transaction another connection sees nothing: write inline instead.
        self._inline = connection.in_atomic_block

    def __enter__(self) -> Reporter:
        with _active_lock:
            _active.add(self)
        if not self._inline:
            self._thread = threading.Thread(
                target=self._loop, name=f"goodwill-progress-{self.run_id}", daemon=True
            )
            self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        with _active_lock:
            _active.discard(self)
        self._done.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def advance(self, records: int) -> None:
        """Called by the import as it reads; raises ``ImportStopped`` when it must stop."""
        self.records = max(self.records, records)
        if self._inline:
            self._write()
        if self.echo is not None:
            self.echo(self.records)
        if self._stopped is not None:
            raise self._stopped

    def stop(self, reason: str, status: str) -> None:
        self._stopped = ImportStopped(reason, status)

    def _loop(self) -> None:
        try:
            while not self._done.wait(WRITE_EVERY_SECONDS):
                self._write()
        finally:
            connection.close()

    def _write(self) -> None:
        try:
            # Only while it runs: the import's own last word (its outcome) must stand.
            runs = ImportRun.objects.filter(pk=self.run_id, status__in=ImportRun.UNFINISHED)
            changes: dict[str, Any] = {"heartbeat_at": timezone.now()}
            if self.records != self._written:
                changes["records"] = self.records
            runs.update(**changes)
            self._written = self.records
            if self._stopped is None and runs.filter(cancel_requested=True).exists():
                self.stop(CANCELLED, "cancelled")
        except OperationalError as exc:
            # SQLite: the import itself holds the write lock; try again in a second.
            logger.debug("progress of import %s not stored: %s", self.run_id, exc)


def format_elapsed(seconds: float) -> str:
    """``"4 s"``, ``"2 min 05 s"``, ``"1 h 02 min"``: short enough to update every second."""
    whole = int(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
