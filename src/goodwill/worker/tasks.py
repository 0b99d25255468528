"""The background tasks. Their arguments are plain JSON; each loads what it needs by id.

Imports have a queue of their own so a long import never holds up a map layout or a digest.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django_tasks import task

IMPORTS_QUEUE = "imports"
DIGEST_EVERY = dt.timedelta(hours=1)
# Finished task records are kept this long (for the admin and for tracing a failure), then go.
KEEP_FINISHED = dt.timedelta(days=30)


@task(queue_name=IMPORTS_QUEUE)
def import_files(
    run_id: int, folder: str, paths: list[str], format: str | None, dry_run: bool
) -> dict[str, Any]:
    from goodwill.imports.jobs import run_queued

    result = run_queued(run_id, folder, paths, format, dry_run)
    if result["status"] == "applied":
        from goodwill.imports.models import ImportRun

        owner_id = ImportRun.objects.filter(pk=run_id).values_list("owner_id", flat=True).first()
        if owner_id is not None:
            queue_map(owner_id)
    return result


@task()
def build_map(owner_id: int) -> dict[str, Any]:
    """Lay out the owner's map (communities and positions) so the map page finds it ready."""
    from goodwill.network.queries import map_payload

    owner = get_user_model().objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        return {"owner": owner_id, "nodes": 0}
    payload = map_payload(owner)
    return {"owner": owner_id, "nodes": len(payload["nodes"])}


@task()
def send_digest(owner_id: int) -> dict[str, Any]:
    from goodwill.practice.reminders import send_digest as send

    owner = get_user_model().objects.get(pk=owner_id)
    message = send(owner)
    return {"owner": owner_id, "to": list(message.to)}


@task()
def send_due_digests() -> dict[str, Any]:
    from goodwill.practice.reminders import send_due

    return {"sent": send_due()}


def _waiting(path: str, **args: Any) -> Any:
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    found = DBTaskResult.objects.filter(
        task_path=path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    )
    for key, value in args.items():
        found = found.filter(**{f"args_kwargs__{key}": value})
    return found


def queue_map(owner_id: int) -> None:
    """Queue a map layout for the owner unless one is already waiting."""
    if not _waiting(build_map.module_path, args__0=owner_id).exists():
        build_map.enqueue(owner_id)


def queue_due_digests(now: dt.datetime) -> bool:
    """Queue the hourly digest round unless one was queued within the hour; at the same pace,
    forget finished tasks older than ``KEEP_FINISHED``."""
    from django_tasks_db.models import DBTaskResult

    recent = DBTaskResult.objects.filter(
        task_path=send_due_digests.module_path, enqueued_at__gt=now - DIGEST_EVERY
    )
    if recent.exists():
        return False
    send_due_digests.enqueue()
    DBTaskResult.objects.finished().filter(finished_at__lt=now - KEEP_FINISHED).delete()
    return True
