"""The import page: upload exports, follow the import live, then read its summary and issues.

The import runs in a background thread of the web process so the upload request returns at
once; the run page polls a small fragment fed by ``goodwill.imports.progress``.
"""

from __future__ import annotations

import logging
import queue
import shutil
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from goodwill.errors import Conflict, GoodwillError, ImportFailed
from goodwill.importers.registry import IMPORTERS
from goodwill.imports.models import ImportRun
from goodwill.imports.progress import format_elapsed, registry
from goodwill.imports.service import run_import
from goodwill.imports.shown import without_folders
from goodwill.web.views.common import varies_on_htmx, wants_fragment

logger = logging.getLogger(__name__)

HISTORY_ROWS = 50
ISSUES_PAGE_SIZE = 100
START_TIMEOUT_SECONDS = 30
STALE_UPLOAD_SECONDS = 2 * 24 * 3600
MAX_NAME_LENGTH = 200

# Tests set this to False so the import runs inline, inside the upload request.
start_in_background = True


# Uploads -------------------------------------------------------------------------------


class UploadLimit(FileUploadHandler):
    """Stops reading the upload once it passes the limit, before more is spooled to disk."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def safe_name(raw: str) -> str:
    """The base name of an uploaded file, whatever path the client sent ("" when unusable)."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    if base in {".", ".."}:
        return ""
    if len(base) > MAX_NAME_LENGTH:
        stem, dot, suffix = base.rpartition(".")
        if dot and stem:
            suffix = suffix[:20]
            return f"{stem[: MAX_NAME_LENGTH - len(suffix) - 1].rstrip()}.{suffix}"
        return base[:MAX_NAME_LENGTH]
    return base


def unique_name(name: str, taken: set[str]) -> str:
    stem, dot, suffix = name.rpartition(".")
    if not stem:
        stem, dot, suffix = name, "", ""
    candidate, number = name, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{stem} ({number}){dot}{suffix}"
    taken.add(candidate.lower())
    return candidate


def uploads_root() -> Path:
    root = Path(settings.DATA_DIR) / "uploads"
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


def sweep_stale_uploads(root: Path) -> None:
    # Folders left behind when the server stopped in the middle of an import.
    cutoff = time.time() - STALE_UPLOAD_SECONDS
    for folder in root.iterdir():
        if folder.is_dir() and not folder.is_symlink() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def save_uploads(uploads: list[UploadedFile]) -> tuple[Path, list[Path]]:
    """Stream the uploads into a new private folder (mode 0700) under the data folder."""
    root = uploads_root()
    sweep_stale_uploads(root)
    folder = Path(tempfile.mkdtemp(prefix="import-", dir=root))
    paths: list[Path] = []
    taken: set[str] = set()
    try:
        for upload in uploads:
            target = folder / unique_name(safe_name(upload.name or ""), taken)
            with target.open("xb") as sink:
                for chunk in upload.chunks():
                    sink.write(chunk)
            paths.append(target)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder, paths


# The form --------------------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class UploadsField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: object, initial: object = None) -> list[UploadedFile]:
        uploads = [u for u in (data if isinstance(data, list | tuple) else [data]) if u]
        if not uploads and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        errors = []
        for upload in uploads:
            name = safe_name(upload.name or "")
            if not name:
                errors.append("A file arrived without a usable name.")
            elif not upload.size:
                errors.append(f"{name} is empty.")
        if errors:
            raise forms.ValidationError(errors)
        return uploads


def format_choices() -> list[tuple[str, str]]:
    known = sorted(((name, i.LABEL) for name, i in IMPORTERS.items()), key=lambda c: c[1])
    return [("", "Detect automatically"), *known]


def too_large_message(limit: int) -> str:
    return f"The files are larger than the {filesizeformat(limit)} allowed for one import."


class ImportForm(forms.Form):
    files = UploadsField(label="Files")
    format = forms.ChoiceField(label="Format", choices=format_choices, required=False)
    dry_run = forms.BooleanField(
        label="Dry run", required=False, help_text="Show what would change and save nothing."
    )

    def __init__(self, *args, max_bytes: int, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.too_large = too_large
        # Past the limit the files were never read, so "none given" would mislead.
        self.fields["files"].required = not too_large
        self.fields["files"].help_text = (
            "Choose one or more files: contacts, connections, mail or calendar exports,"
            f" or a zip of them. Up to {filesizeformat(max_bytes)} in all."
        )

    def clean_files(self) -> list[UploadedFile]:
        uploads = self.cleaned_data["files"]
        if self.too_large or sum(u.size or 0 for u in uploads) > self.max_bytes:
            raise forms.ValidationError(too_large_message(self.max_bytes))
        return uploads


# Running an import in the background -----------------------------------------------------


@dataclass(frozen=True)
class Job:
    owner: object
    folder: Path
    paths: list[Path]
    format: str | None
    dry_run: bool
    label: str


def run_job(job: Job, announced: queue.Queue) -> None:
    """Run one import to the end, whatever happens; the folder is always removed."""
    run_id: int | None = None
    error = ""

    def on_created(new_id: int) -> None:
        nonlocal run_id
        run_id = new_id
        registry.start(new_id)
        announced.put(new_id)

    def on_progress(records: int) -> None:
        if run_id is not None:
            registry.advance(run_id, records)

    try:
        run_import(
            job.owner,
            job.paths,
            format=job.format,
            dry_run=job.dry_run,
            progress=on_progress,
            source_label=job.label,
            on_start=lambda run: on_created(run.pk),
        )
    except GoodwillError as exc:
        error = without_folders(str(exc), job.paths)  # the file's own name, not the server's path
    except Exception as exc:
        logger.exception("import of %s failed", job.label)
        error = f"internal error: {type(exc).__name__}"
    finally:
        shutil.rmtree(job.folder, ignore_errors=True)
        if run_id is None:
            announced.put(error or "the import stopped before it started")
        else:
            _record_failure(run_id, error)
            registry.finish(run_id, error)


def _record_failure(run_id: int, error: str) -> None:
    # run_import records its own failures; this covers the rare case it could not.
    if not error:
        return
    try:
        ImportRun.objects.filter(pk=run_id, status="running").update(
            status="failed", error=error, finished_at=timezone.now()
        )
    except Exception:
        logger.exception("could not record the failure of import %s", run_id)


def _run_in_thread(job: Job, announced: queue.Queue) -> None:
    try:
        run_job(job, announced)
    finally:
        connection.close()


def start_import(owner: object, form: ImportForm) -> int:
    """Save the uploads, start the import, and return its run id once it exists."""
    if connection.vendor == "sqlite" and registry.running():
        # SQLite takes one writer at a time and an import holds the write lock throughout.
        raise Conflict("Another import is still running; start this one when it has finished.")
    folder, paths = save_uploads(form.cleaned_data["files"])
    job = Job(
        owner=owner,
        folder=folder,
        paths=paths,
        format=form.cleaned_data["format"] or None,
        dry_run=form.cleaned_data["dry_run"],
        label=", ".join(p.name for p in paths),
    )
    announced: queue.Queue = queue.Queue(maxsize=1)
    if start_in_background:
        try:
            threading.Thread(
                target=_run_in_thread, args=(job, announced), name="goodwill-import", daemon=True
            ).start()
        except RuntimeError:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    else:
        run_job(job, announced)
    try:
        outcome = announced.get(timeout=START_TIMEOUT_SECONDS)
    except queue.Empty:
        raise ImportFailed("The import is slow to start; look for it in the list below.") from None
    if isinstance(outcome, str):
        raise ImportFailed(outcome)
    return outcome


# Views -----------------------------------------------------------------------------------


def short_format(name: str) -> str:
    importer = IMPORTERS.get(name)
    return importer.LABEL.split(" (")[0] if importer is not None else name


def format_shown(run: ImportRun) -> str:
    if run.format == "auto":
        return "Not detected" if run.status == "failed" else "Detecting…"
    return ", ".join(short_format(name) for name in run.format.split("+"))


def imports_page(request: HttpRequest, form: ImportForm) -> HttpResponse:
    runs = list(
        ImportRun.objects.filter(owner=request.user).annotate(issue_count=Count("issues"))[
            :HISTORY_ROWS
        ]
    )
    for run in runs:
        run.format_shown = format_shown(run)
        live = registry.get(run.id)
        run.is_live = live is not None and not live.done
    return render(request, "web/imports.html", {"form": form, "runs": runs})


@csrf_exempt
@login_required
def imports(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return imports_page(request, ImportForm(max_bytes=settings.MAX_UPLOAD_BYTES))
    # The limit must be in place before anything reads the body, so CSRF is checked after.
    limit = UploadLimit(request, settings.MAX_UPLOAD_BYTES)
    request.upload_handlers.insert(0, limit)
    return upload(request, limit)


@csrf_protect
def upload(request: HttpRequest, limit: UploadLimit) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES, max_bytes=limit.limit, too_large=limit.exceeded)
    if form.is_valid():
        try:
            run_id = start_import(request.user, form)
        except GoodwillError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("import_run", run_id=run_id)
    return imports_page(request, form)


def run_context(run: ImportRun, page_number: object = 1) -> dict:
    live = registry.get(run.id)
    running = run.status == "running" and live is not None and not live.done
    context: dict = {"run": run, "running": running, "format_shown": format_shown(run)}
    if running:
        context["records"] = live.records
        context["elapsed"] = format_elapsed(live.elapsed(registry.now()))
        return context
    context["error"] = run.error or (live.error if live is not None else "")
    context["interrupted"] = run.status == "running"
    context["issues"] = Paginator(run.issues.all(), ISSUES_PAGE_SIZE).get_page(page_number)
    if run.finished_at is not None:
        context["elapsed"] = format_elapsed((run.finished_at - run.started_at).total_seconds())
    return context


def owned_run(request: HttpRequest, run_id: int) -> ImportRun:
    return get_object_or_404(ImportRun, owner=request.user, pk=run_id)


@login_required
def import_run(request: HttpRequest, run_id: int) -> HttpResponse:
    run = owned_run(request, run_id)
    context = run_context(run, request.GET.get("page"))
    context["files"] = run.source.split(", ")
    return render(request, "web/import_run.html", context)


@login_required
def import_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    run = owned_run(request, run_id)
    if not wants_fragment(request):
        return redirect("import_run", run_id=run.id)
    context = run_context(run)
    context["fragment"] = True
    template = "web/_import_progress.html" if context["running"] else "web/_import_result.html"
    return varies_on_htmx(render(request, template, context))
