"""The import page: upload exports, follow the import live, then read its summary and issues.

The upload is queued for the worker (``goodwill worker``, started by ``goodwill serve``) so the
request returns at once; the run page polls a small fragment that reads the run's row, which the
worker keeps up to date, whichever web process serves the poll.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import unicodedata
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.timezone import now as timezone_now
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from goodwill.errors import GoodwillError
from goodwill.importers.registry import IMPORTERS
from goodwill.imports.jobs import cancel, queue_import
from goodwill.imports.models import ImportRun
from goodwill.imports.progress import format_elapsed
from goodwill.imports.turns import waiting_message
from goodwill.web.views.common import varies_on_htmx, wants_fragment

HISTORY_ROWS = 50
ISSUES_PAGE_SIZE = 100
STALE_UPLOAD_SECONDS = 2 * 24 * 3600
MAX_NAME_LENGTH = 200

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


# Queueing an import for the worker ------------------------------------------------------


def start_import(owner: object, form: ImportForm) -> int:
    """Save the uploads and queue the import for the worker; returns the run's id at once."""
    folder, paths = save_uploads(form.cleaned_data["files"])
    try:
        run = queue_import(
            owner,  # type: ignore[arg-type]
            folder,
            paths,
            format=form.cleaned_data["format"] or None,
            dry_run=form.cleaned_data["dry_run"],
            label=", ".join(p.name for p in paths),
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return run.pk


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
    context: dict = {"run": run, "running": run.unfinished, "format_shown": format_shown(run)}
    if run.unfinished:
        context["records"] = run.records
        context["elapsed"] = format_elapsed((timezone_now() - run.started_at).total_seconds())
        if run.status == "queued":
            context["waiting"] = (
                waiting_message(run) if run.holder else "waiting for the background worker"
            )
        return context
    context["error"] = run.error
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


@require_POST
@login_required
def import_cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    run = owned_run(request, run_id)
    try:
        cancel(request.user, run.pk)  # type: ignore[arg-type]
    except GoodwillError as exc:
        messages.info(request, str(exc))
    return redirect("import_run", run_id=run.pk)
