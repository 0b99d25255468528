"""Whole imports through the driver and the CLI: real specimens, re-import, dry run, failures."""

from __future__ import annotations

import shutil
import zipfile

import pytest

from goodwill.activity.models import Interaction, Post
from goodwill.cli.main import main
from goodwill.errors import ImportFailed, UsageError
from goodwill.imports.models import ImportRun
from goodwill.imports.service import run_import, run_payload
from goodwill.people.models import Person, Tie
from tests.conftest import shared_data

pytestmark = pytest.mark.django_db


def snapshot(owner):
    return (
        Person.objects.filter(owner=owner).count(),
        sorted(Tie.objects.filter(owner=owner).values_list("a_id", "b_id", "kind", "weight")),
        Interaction.objects.filter(owner=owner).count(),
        Post.objects.filter(owner=owner).count(),
    )


def test_x_archive_followers_following_and_tweets(owner):
    archive = shared_data("twitter-archive-larsbrinkhoff")
    run = run_import(owner, [archive])
    me = Person.objects.get(owner=owner, is_me=True)
    assert run.status == "applied"
    assert Tie.objects.filter(owner=owner, kind="follow", b=me).count() == 764
    assert Tie.objects.filter(owner=owner, kind="follow", a=me).count() == 79
    assert Post.objects.filter(owner=owner, channel="x").count() == 1827
    assert {i.code for i in run.issues.all()} == {"unknown-format"}

    before = snapshot(owner)
    again = run_import(owner, [archive])
    assert snapshot(owner) == before
    assert (again.people_created, again.people_updated, again.ties, again.interactions) == (
        0,
        0,
        0,
        0,
    )


def test_dry_run_reports_and_keeps_nothing(owner):
    folder = shared_data("social-export-fixtures", "linkedin-network-intelligence")
    run = run_import(owner, [folder], dry_run=True)
    assert run.status == "dry_run"
    assert run.people_created == 10
    assert not Person.objects.filter(owner=owner, is_me=False).exists()


def test_zip_of_exports_imports_with_readable_issue_names(owner, tmp_path):
    source = shared_data("social-export-fixtures", "six-hops", "Connections.csv")
    archive = tmp_path / "Basic_LinkedInDataExport.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(source, "Connections.csv")
    run = run_import(owner, [archive])
    assert run.people_created == 4
    issue = run.issues.get(code="empty-row")
    assert (issue.file, issue.line) == ("Basic_LinkedInDataExport.zip/Connections.csv", 9)


def test_hostile_zip_fails_whole_and_is_recorded(owner, tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("Connections.csv", "First Name,Last Name,Connected On\nA,B,1 Jan 2020\n")
        zipped.writestr("../../escape.csv", "x")
    with pytest.raises(ImportFailed, match="unsafe path"):
        run_import(owner, [archive])
    assert not Person.objects.filter(owner=owner, is_me=False).exists()
    failed = ImportRun.objects.get(owner=owner)
    assert failed.status == "failed"
    assert "unsafe path" in failed.error


def test_nothing_importable_is_a_clear_failure(owner, tmp_path):
    junk = tmp_path / "notes.md"
    junk.write_text("# just notes\n")
    with pytest.raises(ImportFailed, match="no file goodwill can import"):
        run_import(owner, [junk])
    with pytest.raises(UsageError, match="unknown format"):
        run_import(owner, [junk], format="myspace")


def test_imports_never_touch_another_user(owner, other_user):
    folder = shared_data("social-export-fixtures", "linkedin-network-intelligence")
    run_import(other_user, [folder])
    theirs = snapshot(other_user)
    run_import(owner, [folder])
    assert snapshot(other_user) == theirs
    # The 4 correspondents in Messages.csv are among the 10 connections (same profile URLs).
    assert Person.objects.filter(owner=owner, is_me=False).count() == 10
    assert Interaction.objects.filter(owner=owner, channel="linkedin").count() == 11


def test_cli_import_json_shape(capsys, owner, tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(shared_data("social-export-fixtures", "six-hops"), folder)
    code = main(["import", "linkedin", str(folder / "Connections.csv"), "--json"])
    out = capsys.readouterr().out
    assert code == 0
    import json

    payload = json.loads(out)
    for key in ("format", "people_created", "people_updated", "people_merged", "ties"):
        assert key in payload
    assert payload["format"] == "linkedin"
    assert payload["people_created"] == 4
    assert payload["issues"][0] == {
        "code": "empty-row",
        "file": "Connections.csv",
        "line": 9,
        "message": payload["issues"][0]["message"],
    }
    assert run_payload(ImportRun.objects.get(owner=owner))["people_created"] == 4


def test_cli_import_errors_are_one_line(capsys, owner, tmp_path):
    code = main(["import", str(tmp_path / "missing.csv")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1
    assert "no such file" in err
    code = main(["import"])
    assert code == 2
