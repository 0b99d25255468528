"""Running the web server and, beside it, the background worker, so one command does it all.

One process: waitress with threads. Several (``--workers N``): gunicorn's threaded workers
forked from one loaded application. Nothing any request needs lives in a process's memory
(sessions, the cache, import progress and the import turn are in the database or the data
folder), so any process may answer any request.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

from goodwill.cli import output
from goodwill.errors import ConfigError
from goodwill.worker import PARENT_ENV

WORKER_RESTART_SECONDS = 2.0
WORKER_STOP_SECONDS = 15.0
GUNICORN_TIMEOUT_SECONDS = 120


class WorkerProcess:
    """`goodwill worker` as a child process, started again if it dies while we serve."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()
        self.owner_pid = os.getpid()
        self._watch: threading.Thread | None = None

    def _spawn(self) -> subprocess.Popen[bytes]:
        # bootstrap() put the data folder and database in the environment it passes on. A
        # session of its own: Ctrl+C reaches the server only, which then stops the worker in
        # order; the worker exits by itself if the server dies without doing so.
        env = {**os.environ, PARENT_ENV: str(os.getpid())}
        return subprocess.Popen(
            [sys.executable, "-m", "goodwill", "worker"], env=env, start_new_session=True
        )

    def start(self) -> None:
        self.process = self._spawn()
        self._watch = threading.Thread(target=self._watch_loop, name="goodwill-worker-watch")
        self._watch.daemon = True
        self._watch.start()

    def _watch_loop(self) -> None:
        while not self.stopping.is_set():
            process = self.process
            if process is not None and process.poll() is not None and not self.stopping.is_set():
                output.warn(f"the background worker exited ({process.returncode}); restarting it")
                self.stopping.wait(WORKER_RESTART_SECONDS)
                if not self.stopping.is_set():
                    self.process = self._spawn()
            self.stopping.wait(0.5)

    def stop(self) -> None:
        if os.getpid() != self.owner_pid:
            return  # a forked web process unwinding: the worker is its parent's to stop
        self.stopping.set()
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)  # rolls back a running import, then exits
        try:
            process.wait(WORKER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serve(
    where: str, url: str, host: str, port: int, *, threads: int, workers: int, worker: bool
) -> None:
    from goodwill.imports.jobs import recover

    _check_port_free(host, port)  # before the worker starts: a busy port is one clear line
    marked = recover()
    if marked:
        output.say(
            f"Marked {marked} import(s) left unfinished by a stopped process as interrupted."
        )
    background = WorkerProcess() if worker else None
    try:
        if background is not None:
            background.start()
        ready = _ready_message(where, url, workers, background is not None)
        if workers > 1:
            _gunicorn(host, port, threads=threads, workers=workers, ready=ready)
        else:
            _waitress(host, port, threads=threads, ready=ready)
    finally:
        if background is not None:
            background.stop()


def _ready_message(where: str, url: str, workers: int, worker: bool) -> Callable[[], None]:
    def say() -> None:
        processes = f"{workers} web processes" if workers > 1 else "one web process"
        extra = ", and a background worker" if worker else " (no background worker)"
        output.say(f"Serving goodwill from {where} on {url} with {processes}{extra}")
        output.say("Press Ctrl+C to stop.")
        sys.stdout.flush()

    return say


def _waitress(host: str, port: int, *, threads: int, ready: Callable[[], None]) -> None:
    from waitress.server import create_server

    from goodwill.wsgi import application

    try:
        server = create_server(application, host=host.strip("[]"), port=port, threads=threads)
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    # SIGTERM (a service manager, a test) stops as cleanly as Ctrl+C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    ready()
    server.run()
    output.say("Stopped.")


def _bind(host: str, port: int) -> str:
    name = host.strip("[]")
    return f"[{name}]:{port}" if ":" in name else f"{name}:{port}"


def _gunicorn(
    host: str, port: int, *, threads: int, workers: int, ready: Callable[[], None]
) -> None:
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:
        raise ConfigError(
            "--workers above 1 needs gunicorn, which runs on Linux and macOS only; "
            "serve with one process and --threads instead"
        ) from None
    from django.db import connections

    from goodwill.wsgi import application

    # Forked processes must not share the parent's database connections.
    connections.close_all()

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            settings: dict[str, Any] = {
                "bind": [_bind(host, port)],
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "preload_app": True,
                "timeout": GUNICORN_TIMEOUT_SECONDS,
                "graceful_timeout": 10,
                "loglevel": "warning",
                "control_socket_disable": True,
                "when_ready": lambda _arbiter: ready(),
                "post_fork": lambda _arbiter, _worker: connections.close_all(),
            }
            for key, value in settings.items():
                if key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    Server().run()


def _check_port_free(host: str, port: int) -> None:
    # gunicorn retries a busy port for a while and then exits; say it at once, as waitress does.
    import socket

    name = host.strip("[]")
    family = socket.AF_INET6 if ":" in name else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((name, port))
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
