"""The import pages, for the owner, another user and an anonymous visitor."""

from __future__ import annotations

import io
import re
import socket
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from goodwill.imports import jobs, service
from goodwill.imports.jobs import recover
from goodwill.imports.models import ImportIssue, ImportRun
from goodwill.imports.progress import format_elapsed
from goodwill.people.models import Person
from goodwill.web.views import imports as views
from goodwill.worker.runner import run_pending
from tests.conftest import shared_data

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def private_data_folder(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()


@pytest.fixture
def anon():
    return Client()


@pytest.fixture
def connections_csv():
    return shared_data("social-export-fixtures", "six-hops", "Connections.csv")


def uploads_dir(settings) -> Path:
    return Path(settings.DATA_DIR) / "uploads"


def upload(client, *files, worker: bool = True, **fields):
    """Upload, then let the worker run what was queued (in this process, as `goodwill worker`
    would in its own)."""
    response = client.post(reverse("imports"), {"files": list(files), **fields})
    if worker:
        run_pending()
    return response


def csv_file(name: str, rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + rows).encode(), content_type="text/csv")


def stat_value(html: str, label: str) -> int:
    found = re.search(rf'stat-value">([\d,]+)</span> <span class="stat-label">{label}<', html)
    assert found, f"no {label!r} in the summary"
    return int(found.group(1).replace(",", ""))


def finished_run(owner, **counts) -> ImportRun:
    return ImportRun.objects.create(
        owner=owner, format="linkedin", source="Connections.csv", status="applied", **counts
    )


# Who may see what ------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(anon, owner):
    run = finished_run(owner)
    for url in (
        reverse("imports"),
        reverse("import_run", args=[run.id]),
        reverse("import_progress", args=[run.id]),
    ):
        response = anon.get(url, **HTMX)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    response = anon.post(reverse("imports"), {"files": [csv_file("c.csv", "A,B,,,,,\n")]})
    assert response.status_code == 302
    assert not ImportRun.objects.exclude(pk=run.pk).exists()


def test_another_users_runs_are_not_found_and_not_listed(owner_client, other_client, owner):
    run = finished_run(owner, people_created=7)
    assert other_client.get(reverse("import_run", args=[run.id])).status_code == 404
    progress = other_client.get(reverse("import_progress", args=[run.id]), **HTMX)
    assert progress.status_code == 404
    theirs = other_client.get(reverse("imports"))
    assert reverse("import_run", args=[run.id]) not in theirs.content.decode()
    assert owner_client.get(reverse("import_run", args=[run.id])).status_code == 200


def test_import_page_has_an_accessible_upload_form(owner_client):
    html = owner_client.get(reverse("imports")).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert re.search(r'<input type="file" name="files"[^>]*\bmultiple\b', html)
    assert '<label for="id_files">Files' in html
    assert '<label for="id_format">Format' in html
    assert '<option value="" selected>Detect automatically</option>' in html
    assert "LinkedIn export (Connections.csv" in html
    assert re.search(r'<input type="checkbox" name="dry_run" aria-describedby="id_dry_run_h', html)
    assert '<label for="id_dry_run">Dry run</label>' in html
    assert "csrfmiddlewaretoken" in html
    assert 'aria-current="page">Import</a>' in html
    assert "No imports yet" in html


def test_upload_post_needs_a_csrf_token(owner, connections_csv):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    with connections_csv.open("rb") as handle:
        response = client.post(reverse("imports"), {"files": [handle]})
    assert response.status_code == 403
    assert not ImportRun.objects.exists()


# Uploading -------------------------------------------------------------------------------


def test_upload_of_the_linkedin_specimen_shows_summary_and_issues(
    owner_client, owner, connections_csv, settings
):
    with connections_csv.open("rb") as handle:
        response = upload(owner_client, handle)
    run = ImportRun.objects.get(owner=owner)
    assert response.status_code == 302
    assert response["Location"] == reverse("import_run", args=[run.id])
    assert (run.status, run.format, run.source) == ("applied", "linkedin", "Connections.csv")
    assert [(i.code, i.file, i.line) for i in run.issues.all()] == [
        ("empty-row", "Connections.csv", 9)
    ]
    assert Person.objects.filter(owner=owner, is_me=False).count() == 4

    html = owner_client.get(response["Location"]).content.decode()
    assert stat_value(html, "people created") == 4
    assert stat_value(html, "people updated") == 0
    assert stat_value(html, "issues") == 1
    assert 'id="import-status" role="status">Applied' in html
    assert "hx-trigger" not in html
    row = re.search(r"<tbody>.*?</tbody>", html, re.S).group(0)
    assert ">Connections.csv:9</th>" in row
    assert '<td data-label="Code" class="nowrap">empty-row</td>' in row
    assert "a row with no name, profile or e-mail was skipped" in row
    assert list(uploads_dir(settings).iterdir()) == []


def test_dry_run_reports_and_keeps_nothing(owner_client, owner, connections_csv):
    with connections_csv.open("rb") as handle:
        response = upload(owner_client, handle, dry_run="on")
    run = ImportRun.objects.get(owner=owner)
    assert run.status == "dry_run"
    assert not Person.objects.filter(owner=owner, is_me=False).exists()
    html = owner_client.get(response["Location"]).content.decode()
    assert "Dry run: nothing was saved" in html
    assert stat_value(html, "people created") == 4


def test_forced_format_is_passed_on(owner_client, owner, connections_csv):
    with connections_csv.open("rb") as handle:
        upload(owner_client, handle, format="relationships")
    run = ImportRun.objects.get(owner=owner)
    assert run.format == "relationships"


def test_unknown_file_type_shows_the_one_line_error(owner_client, owner):
    notes = SimpleUploadedFile("notes.md", b"# just notes\n")
    response = upload(owner_client, notes)
    run = ImportRun.objects.get(owner=owner)
    assert run.status == "failed"
    html = owner_client.get(response["Location"]).content.decode()
    assert "Import failed: no file goodwill can import in notes.md" in html
    assert 'role="status">Failed' in html
    assert "people created" not in html


def test_an_unexpected_error_is_recorded_and_shown(owner_client, owner, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(service, "plan", broken)
    response = upload(owner_client, csv_file("Connections.csv", "Ann,Lee,,,,,1 Jan 2020\n"))
    run = ImportRun.objects.get(owner=owner)
    assert (run.status, run.error) == ("failed", "internal error: RuntimeError")
    from django_tasks_db.models import DBTaskResult

    task = DBTaskResult.objects.get(id=run.task_id)
    assert task.status == "FAILED"
    assert "RuntimeError: disk on fire" in task.traceback  # for the operator, never the page
    html = owner_client.get(response["Location"]).content.decode()
    assert "Import failed: internal error: RuntimeError" in html
    assert "disk on fire" not in html


def test_hostile_text_from_a_file_is_shown_as_text(owner_client, owner):
    rows = f"{HOSTILE},Lee,,,,,{HOSTILE}\n"
    response = upload(owner_client, csv_file("Connections.csv", rows))
    html = owner_client.get(response["Location"]).content.decode()
    assert ImportRun.objects.get(owner=owner).issues.filter(code="bad-date").exists()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert HOSTILE not in html


def test_a_path_in_the_upload_name_is_stored_by_its_base_name(
    owner_client, owner, monkeypatch, settings
):
    seen = []
    real = jobs.run_import

    def spy(owner, paths, **kwargs):
        for path in paths:
            seen.append((path, path.exists(), stat.S_IMODE(path.parent.stat().st_mode)))
        return real(owner, paths, **kwargs)

    monkeypatch.setattr(jobs, "run_import", spy)
    boundary = "goodwill-test-boundary"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="files"; filename="../../x.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
        f"{HEADER}Ann,Lee,,,,,1 Jan 2020\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    response = owner_client.post(
        reverse("imports"), body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 302
    run_pending()
    [(path, existed, mode)] = seen
    assert path.name == "x.csv"
    assert path.parent.parent == uploads_dir(settings)
    assert existed
    assert mode == 0o700
    assert not path.parent.exists()
    assert ImportRun.objects.get(owner=owner).source == "x.csv"


def test_uploads_with_the_same_name_are_kept_apart(owner_client, owner, monkeypatch):
    names = []
    real = jobs.run_import

    def spy(owner, paths, **kwargs):
        names.extend(p.name for p in paths)
        return real(owner, paths, **kwargs)

    monkeypatch.setattr(jobs, "run_import", spy)
    first = csv_file("Connections.csv", "Ann,Lee,,,,,1 Jan 2020\n")
    second = csv_file("connections.csv", "Bob,Marsh,,,,,1 Jan 2021\n")
    upload(owner_client, first, second)
    assert names == ["Connections.csv", "connections (2).csv"]
    assert Person.objects.filter(owner=owner, is_me=False).count() == 2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../x.csv", "x.csv"),
        ("..\\..\\x.csv", "x.csv"),
        ("C:\\Users\\me\\x.csv", "x.csv"),
        ("/etc/passwd", "passwd"),
        ("a\x00b\n.csv", "ab.csv"),
        ("..", ""),
        ("   ", ""),
        ("dir/", ""),
        ("x" * 300 + ".csv", "x" * 196 + ".csv"),
    ],
)
def test_safe_name(raw, expected):
    assert views.safe_name(raw) == expected


def test_a_nameless_upload_is_refused(owner_client):
    blank = SimpleUploadedFile("   ", HEADER.encode())
    response = upload(owner_client, blank)
    assert response.status_code == 200
    assert "A file arrived without a usable name." in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_empty_upload_is_refused(owner_client):
    response = upload(owner_client, SimpleUploadedFile("Connections.csv", b""))
    assert "Connections.csv is empty." in response.content.decode()
    assert not ImportRun.objects.exists()


def test_no_file_is_a_form_error(owner_client):
    response = owner_client.post(reverse("imports"), {"format": ""})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ImportRun.objects.exists()


def test_uploads_over_the_size_limit_are_refused(owner_client, settings):
    settings.MAX_UPLOAD_BYTES = 100
    big = csv_file("Connections.csv", "Ann,Lee,,,,,1 Jan 2020\n" * 20)
    response = upload(owner_client, big)
    html = response.content.decode()
    assert response.status_code == 200
    assert "The files are larger than the 100\xa0bytes allowed for one import." in html
    assert "Up to 100\xa0bytes in all." in html
    assert not ImportRun.objects.exists()
    assert list(uploads_dir(settings).glob("*")) == []


def test_the_limit_counts_all_files_together(owner_client, settings):
    settings.MAX_UPLOAD_BYTES = 150
    first = csv_file("a.csv", "Ann,Lee,,,,,1 Jan 2020\n")
    second = csv_file("b.csv", "Bob,Marsh,,,,,1 Jan 2021\n")
    response = upload(owner_client, first, second)
    assert "larger than the 150" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_upload_is_queued_for_the_worker_and_says_so(owner_client, owner, settings):
    response = upload(
        owner_client, csv_file("Connections.csv", "Ann,Lee,,,,,1 Jan 2020\n"), worker=False
    )
    run = ImportRun.objects.get(owner=owner)
    assert response["Location"] == reverse("import_run", args=[run.id])
    assert (run.status, run.task_id != "") == ("queued", True)
    html = owner_client.get(response["Location"]).content.decode()
    assert "This import is waiting for the background worker." in html
    assert 'role="status">Waiting' in html
    assert 'hx-trigger="every 1s"' in html
    [folder] = uploads_dir(settings).iterdir()
    assert folder.name.startswith("import-")

    run_pending()
    run.refresh_from_db()
    assert run.status == "applied"
    assert list(uploads_dir(settings).iterdir()) == []


def test_a_queued_import_can_be_cancelled_before_it_starts(owner_client, owner, settings):
    upload(owner_client, csv_file("Connections.csv", "Ann,Lee,,,,,1 Jan 2020\n"), worker=False)
    run = ImportRun.objects.get(owner=owner)
    page = owner_client.get(reverse("import_run", args=[run.id])).content.decode()
    assert f'action="{reverse("import_cancel", args=[run.id])}"' in page
    response = owner_client.post(reverse("import_cancel", args=[run.id]))
    assert response["Location"] == reverse("import_run", args=[run.id])
    run.refresh_from_db()
    assert run.status == "cancelled"
    run_pending()  # the worker finds it cancelled: it imports nothing and removes the upload
    assert not Person.objects.filter(owner=owner, is_me=False).exists()
    assert list(uploads_dir(settings).iterdir()) == []
    html = owner_client.get(reverse("import_run", args=[run.id])).content.decode()
    assert "Cancelled: nothing was saved." in html
    assert 'role="status">Cancelled' in html


def test_only_the_owner_may_cancel_and_only_by_post(owner_client, other_client, anon, owner):
    run = ImportRun.objects.create(owner=owner, format="auto", source="a.csv", status="queued")
    url = reverse("import_cancel", args=[run.id])
    assert other_client.post(url).status_code == 404
    assert anon.post(url).status_code == 302
    assert owner_client.get(url).status_code == 405
    run.refresh_from_db()
    assert (run.status, run.cancel_requested) == ("queued", False)


def test_cancelling_a_finished_import_changes_nothing(owner_client, owner):
    run = finished_run(owner)
    owner_client.post(reverse("import_cancel", args=[run.id]))
    run.refresh_from_db()
    assert (run.status, run.cancel_requested) == ("applied", False)


# Progress --------------------------------------------------------------------------------


def test_a_running_import_polls_then_stops_with_the_summary(owner_client, owner):
    run = ImportRun.objects.create(owner=owner, format="auto", source="big.mbox", records=1500)
    progress_url = reverse("import_progress", args=[run.id])

    page = owner_client.get(reverse("import_run", args=[run.id])).content.decode()
    assert f'hx-get="{progress_url}" hx-trigger="every 1s"' in page
    assert "<strong>1,500</strong> records read" in page
    assert 'role="status">Importing…' in page
    assert f'<noscript><p><a href="{reverse("import_run", args=[run.id])}">Refresh' in page

    fragment = owner_client.get(progress_url, **HTMX)
    assert "HX-Request" in fragment["Vary"]
    assert 'hx-trigger="every 1s"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()

    ImportRun.objects.filter(pk=run.pk).update(status="applied", people_created=12)
    ImportIssue.objects.create(run=run, code="bad-date", file="big.mbox", line=3, message="x")
    final = owner_client.get(progress_url, **HTMX).content.decode()
    assert "hx-trigger" not in final
    assert stat_value(final, "people created") == 12
    assert '<span id="import-status" hx-swap-oob="innerHTML">Applied' in final
    assert "big.mbox:3" in final


def test_the_progress_fragment_without_htmx_redirects_to_the_run(owner_client, owner):
    run = finished_run(owner)
    response = owner_client.get(reverse("import_progress", args=[run.id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("import_run", args=[run.id])


def test_a_run_whose_process_died_is_shown_as_interrupted(owner_client, owner):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    holder = f"{socket.gethostname()}:{dead.pid}:"
    run = ImportRun.objects.create(
        owner=owner, format="auto", source="Connections.csv", holder=holder
    )
    assert "hx-trigger" in owner_client.get(reverse("import_run", args=[run.id])).content.decode()
    assert recover() == 1  # what the next worker, server or CLI import does as it starts
    html = owner_client.get(reverse("import_run", args=[run.id])).content.decode()
    assert "stopped before it finished (its process was stopped or crashed)" in html
    assert 'role="status">Interrupted' in html
    assert "hx-trigger" not in html


# History, paging and queries -------------------------------------------------------------


def test_history_lists_runs_with_counts(owner_client, owner):
    run = finished_run(owner, people_created=3, people_updated=2, people_merged=1, ties=5)
    ImportIssue.objects.create(run=run, code="empty-row", file="Connections.csv", message="x")
    ImportRun.objects.create(
        owner=owner, format="auto", source="notes.md", status="failed", error="no file"
    )
    html = owner_client.get(reverse("imports")).content.decode()
    assert f'href="{reverse("import_run", args=[run.id])}">Connections.csv</a>' in html
    assert (
        "<li>Connections.csv</li>"
        in owner_client.get(reverse("import_run", args=[run.id])).content.decode()
    )
    assert "3 new · 2 updated · 1 merged" in html
    assert '<td data-label="Format">LinkedIn export</td>' in html
    assert '<td data-label="Format">Not detected</td>' in html
    assert '<td data-label="Status">Failed' in html
    assert '<td data-label="Issues">1</td>' in html


def test_issues_are_paged_by_the_hundred(owner_client, owner):
    run = finished_run(owner)
    ImportIssue.objects.bulk_create(
        ImportIssue(run=run, code="bad-date", file="c.csv", line=n, message=f"row {n}")
        for n in range(1, 251)
    )
    url = reverse("import_run", args=[run.id])
    first = owner_client.get(url).content.decode()
    assert first.count('<td data-label="Code"') == 100
    assert "Page 1 of 3" in first
    assert f'href="{url}?page=2#issues" rel="next"' in first
    last = owner_client.get(url, {"page": 3}).content.decode()
    assert last.count('<td data-label="Code"') == 50
    assert "c.csv:250" in last
    assert stat_value(last, "issues") == 250


def test_pages_need_a_bounded_number_of_queries(owner_client, owner, django_assert_max_num_queries):
    for n in range(30):
        run = finished_run(owner, people_created=n)
        ImportIssue.objects.bulk_create(
            ImportIssue(run=run, code="empty-row", file="c.csv", line=i, message="x")
            for i in range(n % 7)
        )
    ImportIssue.objects.bulk_create(
        ImportIssue(run=run, code="bad-date", file="c.csv", line=i, message="x") for i in range(150)
    )
    with django_assert_max_num_queries(4):
        assert owner_client.get(reverse("imports")).status_code == 200
    with django_assert_max_num_queries(5):
        assert owner_client.get(reverse("import_run", args=[run.id])).status_code == 200
    with django_assert_max_num_queries(5):
        response = owner_client.get(reverse("import_progress", args=[run.id]), **HTMX)
        assert response.status_code == 200


# Elapsed time ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0.4, "0 s"), (59.9, "59 s"), (65, "1 min 05 s"), (3725, "1 h 02 min")],
)
def test_format_elapsed(seconds, shown):
    assert format_elapsed(seconds) == shown


def test_an_import_error_names_the_uploaded_file_not_the_server_path(owner_client, owner, settings):
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_STORED) as z:
        z.writestr("Connections.csv", HEADER + "Ann,Lee,,,,,1 Jan 2020\n")
    damaged = packed.getvalue().replace(b"Ann,Lee", b"Bob,Lee")  # the checksum no longer fits
    broken = SimpleUploadedFile("export.zip", damaged)
    response = upload(owner_client, broken)
    run = ImportRun.objects.get(owner=owner)
    assert run.status == "failed"
    assert run.error.startswith("export.zip: damaged zip")
    html = owner_client.get(response["Location"]).content.decode()
    assert "export.zip: damaged zip" in html
    assert str(settings.DATA_DIR) not in html
    assert str(settings.DATA_DIR) not in run.error
