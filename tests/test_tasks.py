"""Background tasks in one process: what an import queues after it, stopping and cancelling an
import at its next step, and recovering what a dead worker left behind."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from goodwill.errors import GoodwillError
from goodwill.imports import progress
from goodwill.imports.jobs import recover, run_in_foreground
from goodwill.imports.models import ImportRun
from goodwill.people.models import Person
from goodwill.worker import tasks
from goodwill.worker.runner import run_pending

pytestmark = pytest.mark.django_db

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


@pytest.fixture
def big_csv(tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text(
        HEADER
        + "".join(
            f"P{i},Example,https://www.linkedin.com/in/p{i},p{i}@example.org,Acme,Editor,"
            "01 Jan 2020\n"
            for i in range(1200)
        )
    )
    return path


def dead_process() -> str:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    return f"{socket.gethostname()}:{gone.pid}:"


def test_a_map_layout_is_queued_after_an_applied_import_and_only_once(owner, tmp_path):
    tasks.queue_map(owner.pk)
    tasks.queue_map(owner.pk)
    waiting = DBTaskResult.objects.filter(task_path=tasks.build_map.module_path)
    assert waiting.count() == 1
    assert run_pending() == 1
    result = waiting.get()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == {"owner": owner.pk, "nodes": 1}  # me, on an empty map


def test_the_digest_round_is_queued_once_an_hour():
    now = timezone.now()
    assert tasks.queue_due_digests(now) is True
    assert tasks.queue_due_digests(now + dt.timedelta(minutes=59)) is False
    assert tasks.queue_due_digests(now + dt.timedelta(minutes=61)) is True
    assert run_pending() == 2
    assert set(
        DBTaskResult.objects.filter(task_path=tasks.send_due_digests.module_path).values_list(
            "status", flat=True
        )
    ) == {"SUCCESSFUL"}


def test_finished_tasks_are_forgotten_after_thirty_days(owner):
    old = tasks.build_map.enqueue(owner.pk)
    run_pending()
    DBTaskResult.objects.filter(id=old.id).update(
        finished_at=timezone.now() - dt.timedelta(days=31)
    )
    recent = tasks.build_map.enqueue(owner.pk)
    run_pending()
    tasks.queue_due_digests(timezone.now())
    assert not DBTaskResult.objects.filter(id=old.id).exists()
    assert DBTaskResult.objects.filter(id=recent.id).exists()


def test_an_import_cancelled_while_it_runs_stops_and_applies_nothing(owner, big_csv):
    def cancel_once_it_reads(records: int) -> None:
        ImportRun.objects.filter(owner=owner).update(cancel_requested=True)

    with pytest.raises(GoodwillError, match="cancelled by the user"):
        run_in_foreground(owner, [big_csv], on_progress=cancel_once_it_reads)
    run = ImportRun.objects.get(owner=owner)
    assert run.status == "cancelled"
    assert run.finished_at is not None
    assert not Person.objects.filter(owner=owner, is_me=False).exists()


def test_a_stopping_worker_rolls_back_the_import_it_runs(owner, big_csv, monkeypatch):
    monkeypatch.setattr(progress, "stopping_reason", "")

    def stop_the_worker(records: int) -> None:
        progress.stop_all("the worker was stopped")

    with pytest.raises(GoodwillError, match="the worker was stopped"):
        run_in_foreground(owner, [big_csv], on_progress=stop_the_worker)
    run = ImportRun.objects.get(owner=owner)
    assert (run.status, run.error) == ("interrupted", "the worker was stopped")
    assert not Person.objects.filter(owner=owner, is_me=False).exists()


def test_progress_is_stored_on_the_run_as_it_reads(owner, big_csv):
    seen = []

    def look(records: int) -> None:
        seen.append(ImportRun.objects.get(owner=owner).records)

    run = run_in_foreground(owner, [big_csv], on_progress=look)
    # A person and a tie for each row: 2,400 records, reported every 500.
    assert seen == [500, 1000, 1500, 2000]
    assert (run.status, run.records, run.people_created) == ("applied", 2400, 1200)


def test_the_tasks_a_dead_worker_held_are_failed_and_its_imports_interrupted(owner):
    run = ImportRun.objects.create(
        owner=owner, format="auto", source="a.csv", status="running", holder=dead_process()
    )
    task = tasks.build_map.enqueue(owner.pk)
    held = DBTaskResult.objects.get(id=task.id)
    held.claim(dead_process())
    alive = ImportRun.objects.create(
        owner=owner, format="auto", source="b.csv", status="queued", holder=progress.this_process()
    )
    waiting_for_worker = ImportRun.objects.create(
        owner=owner, format="auto", source="c.csv", status="queued"
    )
    assert recover() == 1
    run.refresh_from_db()
    held.refresh_from_db()
    assert run.status == "interrupted"
    assert held.status == "FAILED"
    assert "stopped during the task" in held.traceback
    assert ImportRun.objects.get(pk=alive.pk).status == "queued"
    assert ImportRun.objects.get(pk=waiting_for_worker.pk).status == "queued"


def test_a_run_on_another_machine_is_trusted_while_its_heartbeat_is_recent(owner):
    now = timezone.now()
    recent = ImportRun.objects.create(
        owner=owner, status="running", holder="elsewhere:12:34", heartbeat_at=now
    )
    silent = ImportRun.objects.create(
        owner=owner,
        status="running",
        holder="elsewhere:13:34",
        heartbeat_at=now - dt.timedelta(minutes=30),
    )
    assert recover() == 1
    assert ImportRun.objects.get(pk=recent.pk).status == "running"
    assert ImportRun.objects.get(pk=silent.pk).status == "interrupted"
