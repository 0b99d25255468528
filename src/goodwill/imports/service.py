"""Run one import for one owner: expand, detect, parse, apply, and record what happened.

The CLI (`goodwill import`) and the web upload page both call ``run_import``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from goodwill.errors import GoodwillError
from goodwill.importers.records import Context, Issue, Key, Record
from goodwill.importers.registry import plan
from goodwill.importers.sources import expand
from goodwill.imports.apply import Outcome, apply_records
from goodwill.imports.models import ImportIssue, ImportRun
from goodwill.imports.shown import without_folders
from goodwill.people.models import Identity
from goodwill.people.services import ensure_me

MAX_STORED_ISSUES = 5000
PROGRESS_EVERY = 500

Progress = Callable[[int], None]


def owner_context(owner: AbstractBaseUser, names: dict[str, str]) -> Context:
    me = ensure_me(owner)
    keys = frozenset(
        Key(channel, value)
        for channel, value in Identity.objects.filter(person=me).values_list("channel", "value")
    )
    return Context(me_keys=keys, store_bodies=settings.STORE_MESSAGE_BODIES, names=names)


def _counted(records: Iterator[Record], progress: Progress | None) -> Iterator[Record]:
    for count, record in enumerate(records, 1):
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
        yield record


def run_import(
    owner: AbstractBaseUser,
    paths: Sequence[Path],
    *,
    format: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    source_label: str | None = None,
    on_start: Callable[[ImportRun], None] | None = None,
    run: ImportRun | None = None,
) -> ImportRun:
    """Import ``paths`` (files, folders, zips) whole or not at all; returns the run record.

    A file that cannot be imported at all raises a ``GoodwillError`` after the failed run is
    recorded; per-record problems become the run's issues. ``run``: a run recorded beforehand
    (queued from the web page), else a new one.
    """
    label = source_label or ", ".join(str(p) for p in paths)
    if run is None:
        run = ImportRun.objects.create(owner=owner, format=format or "auto", source=label[:500])
    if on_start is not None:
        on_start(run)  # e.g. the web page redirects to the run before the work is done
    try:
        with expand(list(paths)) as files:
            steps = plan(files, format)
            run.format = "+".join(steps.formats)[:40]
            context = owner_context(owner, {str(f.path): f.name for f in files})
            outcome = apply_records(
                owner, run, _counted(steps.records(context), progress), dry_run=dry_run
            )
    except GoodwillError as exc:
        # Uploads (a source label) are named as sent, never by the folder they were saved in.
        _finish(
            run,
            "failed",
            None,
            error=without_folders(str(exc), paths) if source_label else str(exc),
        )
        raise
    except Exception as exc:
        _finish(run, "failed", None, error=f"internal error: {type(exc).__name__}")
        raise
    _finish(run, "dry_run" if dry_run else "applied", outcome)
    return run


def _finish(run: ImportRun, status: str, outcome: Outcome | None, error: str = "") -> None:
    run.status = status
    run.finished_at = timezone.now()
    run.error = error
    if outcome is not None:
        run.people_created = outcome.people_created
        run.people_updated = outcome.people_updated
        run.people_merged = outcome.people_merged
        run.ties = outcome.ties
        run.interactions = outcome.interactions
        run.records = outcome.records
        _store_issues(run, outcome.issues)
    run.save()


def _store_issues(run: ImportRun, issues: list[Issue]) -> None:
    kept = issues[:MAX_STORED_ISSUES]
    rows = [
        ImportIssue(
            run=run,
            code=i.code[:40],
            severity="error" if i.severity == "error" else "warning",
            file=i.where.file[:500],
            line=i.where.line,
            message=i.message[:500],
        )
        for i in kept
    ]
    if len(issues) > len(kept):
        rows.append(
            ImportIssue(
                run=run,
                code="issues-truncated",
                file=run.source[:500],
                message=f"{len(issues) - len(kept)} more issues were not kept",
            )
        )
    ImportIssue.objects.bulk_create(rows)


def run_payload(run: ImportRun) -> dict[str, Any]:
    """The documented ``import`` JSON shape, plus the run's id and status."""
    return {
        "id": run.id,
        "status": run.status,
        "format": run.format,
        "source": run.source,
        "people_created": run.people_created,
        "people_updated": run.people_updated,
        "people_merged": run.people_merged,
        "ties": run.ties,
        "interactions": run.interactions,
        "records": run.records,
        "error": run.error,
        "issues": [
            {"code": i.code, "file": i.file, "line": i.line, "message": i.message}
            for i in run.issues.all()
        ],
    }
