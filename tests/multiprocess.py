"""Real goodwill processes for the tests: a data folder (and, on the PostgreSQL run, a database
of its own), the CLI in subprocesses, and `goodwill serve --workers N` on a free loopback port.

The test process never shares a database connection with them: everything goes through the
command line, HTTP, or the import turn's own lock (taken here to hold imports back).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TIMEOUT = 120
PASSWORD = "pw-multi-123"
ADVISORY_KEY = 0x600D_1A9F  # goodwill.imports.turns.ADVISORY_KEY
LOCK_FILE = "goodwill.sqlite3.import-lock"


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GOODWILL_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(extra)
    return env


def postgres_server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@dataclass
class Site:
    """A goodwill installation the tests drive from outside."""

    data_dir: Path
    database_url: str | None = None
    processes: list[subprocess.Popen[str]] = field(default_factory=list)

    def args(self, *rest: str) -> list[str]:
        base = [sys.executable, "-m", "goodwill", "--data-dir", str(self.data_dir)]
        if self.database_url:
            base += ["--database-url", self.database_url]
        return [*base, *rest]

    def gw(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            self.args(*args),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env=clean_env(COLUMNS="200"),
            check=False,
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.gw(*args, "--json").stdout)

    def start(self, *args: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            self.args(*args),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(COLUMNS="200"),
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def imports(self, user: str) -> list[dict[str, Any]]:
        return self.json("--user", user, "imports")["imports"]

    def wait_for_import(self, user: str, check, seconds: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while True:
            runs = self.imports(user)
            if runs and check(runs[0]):
                return runs[0]
            assert time.monotonic() < deadline, f"no import of {user} reached the state: {runs}"
            time.sleep(0.2)

    @contextlib.contextmanager
    def import_turn_held(self) -> Iterator[None]:
        """Hold the one import turn from this process, as another import would."""
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as held:
                held.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_KEY])
                yield
            return
        with (self.data_dir / LOCK_FILE).open("a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@contextlib.contextmanager
def new_site(tmp_path: Path, users: tuple[str, ...] = ("ann",)) -> Iterator[Site]:
    """A fresh installation with ``users`` (password ``PASSWORD``); on the PostgreSQL run it
    gets a database of its own on the same server."""
    server = postgres_server_url()
    name = f"gw_site_{secrets.token_hex(6)}"
    site = Site(tmp_path / "site")
    if server:
        import psycopg

        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        site.database_url = server.rsplit("/", 1)[0] + f"/{name}"
    try:
        for user in users:
            site.gw("init", "--username", user, "--password", PASSWORD)
        yield site
    finally:
        site.stop_all()
        if server:
            import psycopg

            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    output: list[str]


def serve(site: Site, *args: str, seconds: float = 90) -> Server:
    """Start `goodwill serve ARGS` on a free port; returns once it says it is serving."""
    port = free_port()
    process = site.start("serve", "--port", str(port), *args)
    lines: list[str] = []
    ready = threading.Event()

    def read(stream) -> None:
        for line in stream:
            lines.append(line.rstrip("\n"))
            if line.startswith("Serving goodwill"):
                ready.set()

    for stream in (process.stdout, process.stderr):
        threading.Thread(target=read, args=(stream,), daemon=True).start()
    deadline = time.monotonic() + seconds
    while not ready.wait(0.2):
        assert process.poll() is None, "the server exited:\n" + "\n".join(lines)
        assert time.monotonic() < deadline, "the server did not start:\n" + "\n".join(lines)
    return Server(f"http://127.0.0.1:{port}", process, lines)
