"""Backups from one snapshot, and restores that prove what they loaded (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections

from goodwill import backups
from goodwill.errors import UsageError
from goodwill.exporters import backupfile
from goodwill.people.models import Identity, Person, Tag, Tie
from goodwill.people.services import create_person, ensure_me, set_tags, state_tie
from tests.test_cli import gw, ok, subprocess_env

transactional = pytest.mark.django_db(transaction=True)


def _world(name: str = "ann", admin: bool = True):
    user = get_user_model().objects.create_user(
        name, f"{name}@example.org", "pw-long-enough-123", is_staff=admin, is_superuser=admin
    )
    me = ensure_me(user)
    for i in range(6):
        person = create_person(user, f"Person {i}", identities=[("email", f"p{i}@example.org")])
        set_tags(person, ["writer", "friend"][: 1 + i % 2])
        state_tie(user, me, person)
    return user


def _write_person(owner_id: int, n: int) -> None:
    """What a one-contact import commits: a person, an identity and a tie to the owner, at once."""
    from django.db import transaction

    try:
        user = get_user_model().objects.get(pk=owner_id)
        with transaction.atomic():
            person = create_person(
                user, f"Written {n}", identities=[("email", f"w{n}@example.org")]
            )
            state_tie(user, ensure_me(user), person)
    finally:
        connections.close_all()


def _empty_database() -> None:
    call_command("flush", interactive=False, verbosity=0)


def _table_state() -> dict[str, tuple[int, str]]:
    return {
        backups.label_of(m): (found.rows, found.sha256)
        for m in backups.backed_up_models()
        for found in [backups.digest_table(m)]
    }


@transactional
def test_backup_is_one_snapshot_while_other_writes_commit_between_its_tables(tmp_path, monkeypatch):
    owner = _world()
    before = _table_state()
    reading = backups._table_rows
    written = []

    def read_while_someone_writes(model, alias):
        # Another connection commits a whole contact before each table is read.
        writer = threading.Thread(target=_write_person, args=(owner.pk, len(written)))
        writer.start()
        writer.join()
        written.append(backups.label_of(model))
        yield from reading(model, alias)

    monkeypatch.setattr(backups, "_table_rows", read_while_someone_writes)
    archive = tmp_path / "backup.zip"
    manifest = backups.backup(archive)
    monkeypatch.setattr(backups, "_table_rows", reading)
    assert Person.objects.filter(name__startswith="Written").count() == len(written) > 5
    assert manifest["rows"]["people.person"] == 7  # as it was when the backup began
    assert archive.stat().st_mode & 0o777 == 0o600

    _empty_database()
    restored = backups.restore(archive, where="test")
    assert restored["restored"] == sum(n for n, _ in before.values())
    assert _table_state() == before


@transactional
def test_restore_keeps_microseconds_and_many_to_many_rows_as_they_were(tmp_path):
    owner = _world()
    moment = dt.datetime(2026, 3, 1, 9, 30, 15, 123457, tzinfo=dt.UTC)
    Person.objects.filter(owner=owner).update(created_at=moment, updated_at=moment)
    through = Person.tags.through
    first = through.objects.order_by("id").first()
    first.delete()  # a gap in the ids of the many-to-many rows
    rows_before = list(through.objects.order_by("id").values_list("id", "person_id", "tag_id"))
    archive = tmp_path / "backup.zip"
    backups.backup(archive)
    _empty_database()
    backups.restore(archive, where="test")
    assert set(Person.objects.values_list("created_at", flat=True)) == {moment}
    assert list(through.objects.order_by("id").values_list("id", "person_id", "tag_id")) == (
        rows_before
    )
    # New rows get new ids after the restored ones (sequences follow the data).
    user = get_user_model().objects.get(username="ann")
    extra = create_person(user, "After restore")
    assert extra.pk > max(Person.objects.exclude(pk=extra.pk).values_list("pk", flat=True))
    assert Tag.objects.create(owner=user, name="new").pk > 0


def _rewrite(archive: Path, target: Path, *, data=None, manifest=None) -> Path:
    with zipfile.ZipFile(archive) as z:
        old_data, old_manifest = z.read("data.json"), json.loads(z.read("manifest.json"))
    if callable(data):
        data = data(old_data)
    if callable(manifest):
        manifest = manifest(old_manifest)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", json.dumps(old_manifest if manifest is None else manifest))
        z.writestr("data.json", old_data if data is None else data)
    return target


def _rows(data: bytes) -> list[dict]:
    return json.loads(data)


def _encode(rows: list[dict]) -> bytes:
    return ("[\n" + ",\n".join(json.dumps(r) for r in rows) + "\n]\n").encode()


def _rehash(rows: list[dict], manifest: dict) -> dict:
    """A manifest whose counts and checksums agree with ``rows`` (a consistent forgery)."""
    for label, table in manifest["tables"].items():
        found = backupfile.TableDigest()
        for row in rows:
            if row["model"] == label:
                found.add(backupfile.canonical(row["fields"]))
        table.update(rows=found.rows, sha256=found.sha256)
    return manifest


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A real backup of a folder made through the CLI: two users, people, ties, tags."""
    folder = tmp_path_factory.mktemp("saved") / "data"
    ok(gw(folder, "init", "--username", "ann", "--password", "pw-ann-12345"))
    ok(gw(folder, "init", "--username", "bob", "--password", "pw-bob-12345"))
    ok(gw(folder, "--user", "ann", "add", "Sam Lee", "--email", "sam@example.org", "--tag", "ed"))
    ok(gw(folder, "--user", "ann", "add", "Lori Park", "--phone", "+44 20 7946 0958"))
    ok(gw(folder, "--user", "ann", "knows", "Sam Lee", "Lori Park"))
    archive = folder.parent / "backup.zip"
    ok(gw(folder, "backup", str(archive)))
    return archive


def _refused(archive: Path, tmp_path: Path, *, env=None) -> str:
    folder = tmp_path / "restored"
    result = gw(folder, "restore", str(archive), env=env)
    assert result.returncode != 0, result.stdout
    assert result.stderr.count("\n") == 1, result.stderr
    assert "internal error" not in result.stderr
    assert not folder.exists(), "a refused restore leaves nothing behind"
    return result.stderr


def test_restore_of_an_emptied_data_json_is_refused_not_reported_as_success(saved, tmp_path):
    emptied = _rewrite(saved, tmp_path / "empty.zip", data=b"[]")
    assert "holds 0 auth.user rows, the manifest says 2" in _refused(emptied, tmp_path)


def test_restore_refuses_a_changed_value_by_its_checksum(saved, tmp_path):
    def renamed(data):
        rows = _rows(data)
        for row in rows:
            if row["fields"].get("name") == "Sam Lee":
                row["fields"]["name"] = "Sam Evil"
        return _encode(rows)

    changed = _rewrite(saved, tmp_path / "changed.zip", data=renamed)
    assert "people.person rows loaded do not match the manifest's checksum" in _refused(
        changed, tmp_path
    )


def test_restore_refuses_a_new_administrator_unless_the_backup_says_so_consistently(
    saved, tmp_path
):
    def promote_bob(data):
        rows = _rows(data)
        for row in rows:
            if row["fields"].get("username") == "bob":
                row["fields"].update(is_staff=True, is_superuser=True)
        return rows

    with zipfile.ZipFile(saved) as z:
        rows = promote_bob(z.read("data.json"))
        manifest = json.loads(z.read("manifest.json"))
    forged = _rewrite(saved, tmp_path / "admin.zip", data=_encode(rows))
    assert "user 'bob' would be an administrator, but the manifest does not list them" in (
        _refused(forged, tmp_path)
    )
    # The data and the manifest agree (counts, checksums and the list of administrators).
    consistent = _rehash(rows, manifest)
    consistent["administrators"] = ["ann", "bob"]
    agreed = _rewrite(saved, tmp_path / "agreed.zip", data=_encode(rows), manifest=consistent)
    folder = tmp_path / "agreed"
    ok(gw(folder, "restore", str(agreed)))


def test_restore_refuses_a_duplicate_primary_key(saved, tmp_path):
    with zipfile.ZipFile(saved) as z:
        rows = _rows(z.read("data.json"))
        manifest = json.loads(z.read("manifest.json"))
    person = next(r for r in rows if r["model"] == "people.person")
    rows.insert(rows.index(person) + 1, json.loads(json.dumps(person)))
    doubled = _rewrite(
        saved, tmp_path / "dup.zip", data=_encode(rows), manifest=_rehash(rows, manifest)
    )
    assert "people.person 1 repeats or comes after 1" in _refused(doubled, tmp_path)


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ([], "manifest.json is a JSON list, not an object"),
        ("backup", "manifest.json is a JSON string, not an object"),
        ({"format": "goodwill-backup", "version": 1, "rows": {}}, "backup version 1"),
        (
            {"format": "goodwill-backup", "version": 2, "tables": [], "administrators": []},
            "'tables' is a list, not an object",
        ),
        (
            {
                "format": "goodwill-backup",
                "version": 2,
                "administrators": [],
                "tables": {"people.person": {"rows": "3", "sha256": "0" * 64, "columns": []}},
            },
            "tables['people.person'].rows must be a count",
        ),
    ],
)
def test_restore_checks_the_manifest_shape(saved, tmp_path, manifest, message):
    odd = _rewrite(saved, tmp_path / "odd.zip", manifest=manifest)
    assert message in _refused(odd, tmp_path)


def test_restore_refuses_data_json_larger_than_the_limit_before_reading_it(saved, tmp_path):
    bomb = _rewrite(saved, tmp_path / "bomb.zip", data=b"[" + b" " * (3 * 1024 * 1024) + b"]")
    error = _refused(bomb, tmp_path, env={"GOODWILL_RESTORE_MAX_MB": "2"})
    assert "data.json inflates to 3 MiB, more than the limit of 2 MiB" in error


def test_restore_refuses_one_endless_row_as_soon_as_it_passes_the_row_limit(saved, tmp_path):
    endless = b'[{"model": "auth.user", "fields": {"username": "' + b"a" * (70 * 1024**2)
    bomb = _rewrite(saved, tmp_path / "endless.zip", data=endless + b'"}}]')
    read = backupfile.rows(bomb, backupfile.max_data_bytes())
    with pytest.raises(UsageError, match="more than 64 MiB in one row"):
        next(read)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"rows": []}', "data.json is not a list of rows"),
        (b"[1, 2]", "data.json row 1: not a table row"),
        (b"[", "data.json is not valid JSON"),
        (b"", "data.json is empty"),
    ],
)
def test_restore_refuses_data_json_that_is_not_rows(saved, tmp_path, data, message):
    odd = _rewrite(saved, tmp_path / "odd.zip", data=data)
    assert message in _refused(odd, tmp_path)


def test_backups_taken_while_imports_commit_all_restore(tmp_path):
    """The audit's trial: backups in one process while another keeps importing one contact."""
    folder = tmp_path / "live"
    ok(gw(folder, "init", "--username", "ann", "--password", "pw-ann-12345"))
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(folder), str(tmp_path / "cards")],
        env=subprocess_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "writing"
        archives = []
        for n in range(3):
            archive = tmp_path / f"backup-{n}.zip"
            ok(gw(folder, "backup", str(archive)))
            archives.append(archive)
    finally:
        writer.terminate()
        writer.wait(timeout=30)
    for n, archive in enumerate(archives):
        ok(gw(tmp_path / f"restored-{n}", "restore", str(archive)))


WRITER = """
import os, sys
from pathlib import Path
os.environ["GOODWILL_DATA_DIR"] = sys.argv[1]
os.environ["DJANGO_SETTINGS_MODULE"] = "goodwill.settings"
import django
django.setup()
from django.contrib.auth import get_user_model
from goodwill.imports.service import run_import
cards = Path(sys.argv[2]); cards.mkdir()
owner = get_user_model().objects.get()
print("writing", flush=True)
for n in range(100000):
    card = cards / f"c{n}.vcf"
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:Contact {n}", f"EMAIL:c{n}@x.org", "END:VCARD"]
    card.write_text("\\n".join(lines) + "\\n")
    run_import(owner, [card], format="vcard")
"""


def test_a_version_one_backup_is_refused_with_a_way_forward(tmp_path):
    old = tmp_path / "old.zip"
    with zipfile.ZipFile(old, "w") as z:
        z.writestr("manifest.json", json.dumps({"format": "goodwill-backup", "version": 1}))
        z.writestr("data.json", "[]")
    with pytest.raises(UsageError, match="take a new backup with this goodwill"):
        backupfile.read_manifest(old)


@transactional
def test_restore_into_a_database_with_users_is_refused(tmp_path):
    _world()
    archive = tmp_path / "backup.zip"
    backups.backup(archive)
    with pytest.raises(Exception, match="restore needs an empty database"):
        backups.restore(archive, where="here")
    assert Identity.objects.count() == 6
    assert Tie.objects.count() == 6
