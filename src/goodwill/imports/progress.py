"""How far each import running in this process has got, for the page that polls it.

An import writes inside one transaction, so other connections cannot see its rows until it
commits; the web page reads this process-local registry instead. It holds only a few numbers
per run, and finished runs are forgotten after a while (the database keeps the outcome).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

KEEP_FINISHED_SECONDS = 3600.0

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class RunProgress:
    records: int
    started: float
    done: bool = False
    error: str = ""
    finished: float | None = None

    def elapsed(self, now: float) -> float:
        end = self.finished if self.finished is not None else now
        return max(0.0, end - self.started)


class Registry:
    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._runs: dict[int, RunProgress] = {}

    def now(self) -> float:
        return self._clock()

    def start(self, run_id: int) -> None:
        now = self._clock()
        with self._lock:
            self._forget_finished_before(now - KEEP_FINISHED_SECONDS)
            self._runs[run_id] = RunProgress(records=0, started=now)

    def advance(self, run_id: int, records: int) -> None:
        with self._lock:
            current = self._runs.get(run_id)
            if current is not None and not current.done:
                self._runs[run_id] = replace(current, records=max(current.records, records))

    def finish(self, run_id: int, error: str = "") -> None:
        now = self._clock()
        with self._lock:
            current = self._runs.get(run_id) or RunProgress(records=0, started=now)
            self._runs[run_id] = replace(current, done=True, error=error, finished=now)

    def get(self, run_id: int) -> RunProgress | None:
        with self._lock:
            return self._runs.get(run_id)

    def running(self) -> list[int]:
        with self._lock:
            return [run_id for run_id, run in self._runs.items() if not run.done]

    def _forget_finished_before(self, cutoff: float) -> None:
        stale = [
            run_id
            for run_id, run in self._runs.items()
            if run.finished is not None and run.finished < cutoff
        ]
        for run_id in stale:
            del self._runs[run_id]


registry = Registry()


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
