"""Imports across processes: one at a time with a clear wait, cancellable from the CLI, and a
killed import marked interrupted by the next process with nothing of it applied.

Every process here is a real `goodwill` subprocess on an installation of its own (SQLite, or a
database of its own on the PostgreSQL run).
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.multiprocess import new_site

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def connections(path, count: int, prefix: str = "p"):
    rows = "".join(
        f"{prefix.title()}{i},Example,https://www.linkedin.com/in/{prefix}{i},"
        f"{prefix}{i}@example.org,Acme,Editor,01 Jan 2020\n"
        for i in range(count)
    )
    path.write_text(HEADER + rows)
    return path


@pytest.fixture
def site(tmp_path):
    with new_site(tmp_path, users=("ann", "bob")) as made:
        yield made


def people(site, user: str) -> int:
    return site.json("--user", user, "people", "--limit", "1")["total"]


def test_a_second_import_waits_its_turn_and_says_whose(site, tmp_path):
    small = connections(tmp_path / "Connections.csv", 3)
    with site.import_turn_held():
        first = site.start("--user", "ann", "import", str(small))
        waiting = site.wait_for_import("ann", lambda r: r["status"] == "queued")
        assert waiting["waiting_for"] == "waiting for its turn"
    assert first.wait(120) == 0, first.stderr.read()
    err = first.stderr.read()
    assert "waiting for its turn" in err
    assert "locked" not in err
    assert site.imports("ann")[0]["status"] == "applied"
    assert people(site, "ann") == 3


def test_imports_by_two_users_at_once_both_apply_one_after_the_other(site, tmp_path):
    big = connections(tmp_path / "big.csv", 1500, "a")
    small = connections(tmp_path / "small.csv", 5, "b")
    first = site.start("--user", "ann", "import", str(big))
    site.wait_for_import("ann", lambda r: r["status"] == "running")
    second = site.start("--user", "bob", "import", str(small))
    assert first.wait(300) == 0, first.stderr.read()
    assert second.wait(300) == 0, second.stderr.read()
    errors = first.stderr.read() + second.stderr.read()
    assert "locked" not in errors
    assert people(site, "ann") == 1500
    assert people(site, "bob") == 5
    # Bob may not learn what Ann imports: at most that another user's import runs.
    assert "big.csv" not in errors


def test_a_waiting_import_is_cancelled_from_the_cli(site, tmp_path):
    small = connections(tmp_path / "Connections.csv", 3)
    with site.import_turn_held():
        waiting = site.start("--user", "ann", "import", str(small))
        run = site.wait_for_import("ann", lambda r: r["status"] == "queued")
        cancelled = site.gw("--user", "ann", "cancel-import", str(run["id"]))
        assert f"Import #{run['id']} will stop at its next step" in cancelled.stdout
        assert waiting.wait(60) == 1
    assert "cancelled by the user before it finished; nothing was saved" in waiting.stderr.read()
    assert site.imports("ann")[0]["status"] == "cancelled"
    assert people(site, "ann") == 0
    again = site.gw("--user", "ann", "cancel-import", str(run["id"]), check=False)
    assert again.returncode == 1
    assert "has already finished (Cancelled)" in again.stderr
    # Bob cannot cancel (or even see) Ann's imports.
    other = site.gw("--user", "bob", "cancel-import", str(run["id"]), check=False)
    assert (other.returncode, "no import #" in other.stderr) == (1, True)


def test_an_import_killed_halfway_applies_nothing_and_the_next_process_says_so(site, tmp_path):
    big = connections(tmp_path / "big.csv", 3000)
    doomed = site.start("--user", "ann", "import", str(big))
    run = site.wait_for_import("ann", lambda r: r["status"] == "running")
    time.sleep(0.5)
    os.killpg(doomed.pid, signal.SIGKILL)
    doomed.wait()
    assert site.imports("ann")[0]["status"] == "running"  # nobody has looked yet
    site.gw("worker", "--once")  # any worker, server or CLI import recovers as it starts
    after = site.imports("ann")[0]
    assert (after["id"], after["status"]) == (run["id"], "interrupted")
    assert "stopped before it finished (its process was stopped or crashed)" in after["error"]
    assert people(site, "ann") == 0
    # The turn died with the process: the next import goes straight ahead.
    site.gw("--user", "ann", "import", str(connections(tmp_path / "Connections.csv", 2)))
    assert people(site, "ann") == 2


def test_ctrl_c_stops_an_import_and_records_why(site, tmp_path):
    small = connections(tmp_path / "Connections.csv", 3)
    with site.import_turn_held():
        stopped = site.start("--user", "ann", "import", str(small))
        site.wait_for_import("ann", lambda r: r["status"] == "queued")
        os.killpg(stopped.pid, signal.SIGINT)
        assert stopped.wait(60) != 0
    run = site.imports("ann")[0]
    assert run["status"] == "interrupted"
    assert "stopped with Ctrl+C" in run["error"]
