"""Whole-instance backup from one consistent snapshot, and a restore that proves what it loaded.

Backup reads every table from one snapshot of the database, so rows written while it runs are
either all in it or all out of it: on SQLite the online backup API copies the database in one
step (a single read transaction; writers carry on under WAL) and the tables are read from that
copy; on PostgreSQL one ``REPEATABLE READ`` read-only transaction reads them all.

Restore streams ``data.json`` into an empty database in one transaction, then reads every table
back and compares its row count and checksum with the manifest: anything short of an exact
match rolls the whole restore back. Values keep their full precision (timestamps to the
microsecond) and many-to-many rows keep their own ids.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import decimal
import os
import sqlite3
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, models, transaction
from django.db.utils import load_backend
from django.utils.duration import duration_string

from goodwill import __version__
from goodwill.errors import ConfigError, UsageError
from goodwill.exporters import backupfile
from goodwill.exporters.backupfile import BACKUP_FORMAT, BACKUP_VERSION, Manifest, TableDigest

# Rows Django rebuilds by itself, or that only matter to a running server.
NOT_BACKED_UP = frozenset(
    {
        "contenttypes.contenttype",
        "auth.permission",
        "sessions.session",
        "admin.logentry",
        "web.loginthrottle",
        # The task queue is transient: what it ran is recorded on the runs themselves.
        "django_tasks_database.dbtaskresult",
    }
)
# Rows of these tables are named by their natural key: their ids differ between installations.
BY_NATURAL_KEY = frozenset({"auth.permission", "contenttypes.contenttype"})
SNAPSHOT_ALIAS = "goodwill_backup_snapshot"
BATCH = 500


def label_of(model: type[models.Model]) -> str:
    return model._meta.label_lower


def backed_up_models() -> list[type[models.Model]]:
    found = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and label_of(m) not in NOT_BACKED_UP
    ]
    return sorted(found, key=label_of)


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def _natural(fk: models.Field[Any, Any]) -> bool:
    related = fk.related_model
    return bool(fk.is_relation and related and label_of(related) in BY_NATURAL_KEY)  # type: ignore[arg-type]


# -- values ------------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return duration_string(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decode(fk_cache: dict[Any, Any], column: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    if _natural(column):
        key = tuple(value) if isinstance(value, list) else (value,)
        if key not in fk_cache:
            manager = column.related_model._default_manager  # type: ignore[union-attr]
            fk_cache[key] = manager.get_by_natural_key(*key).pk
        return fk_cache[key]
    if isinstance(column, models.JSONField):
        return value
    return column.to_python(value)


def _table_rows(model: type[models.Model], alias: str) -> Iterator[dict[str, Any]]:
    """Every row of ``model`` on ``alias``, primary-key order, as JSON-ready column values."""
    columns = _columns(model)
    names = [c.attname for c in columns]
    natural = {c.attname: c for c in columns if _natural(c)}
    keys: dict[tuple[str, Any], Any] = {}
    queryset = model._base_manager.using(alias).order_by("pk").values_list(*names)
    for values in queryset.iterator(chunk_size=2000):
        row = {}
        for name, value in zip(names, values, strict=True):
            if name in natural and value is not None:
                if (name, value) not in keys:
                    target = natural[name].related_model._base_manager.using(alias).get(pk=value)  # type: ignore[union-attr]
                    keys[name, value] = list(target.natural_key())
                value = keys[name, value]
            row[name] = _encode(value)
        yield row


def digest_table(model: type[models.Model], alias: str = DEFAULT_DB_ALIAS) -> TableDigest:
    found = TableDigest()
    for row in _table_rows(model, alias):
        found.add(backupfile.canonical(row))
    return found


# -- backup ------------------------------------------------------------------------------------


@contextlib.contextmanager
def snapshot(scratch: Path) -> Iterator[str]:
    """A database alias that sees one consistent snapshot of the default database."""
    default = connections[DEFAULT_DB_ALIAS]
    settings = dict(default.settings_dict)
    copy = None
    if default.vendor == "sqlite":
        copy = scratch / "snapshot.sqlite3"
        default.ensure_connection()
        target = sqlite3.connect(copy)
        try:
            default.connection.backup(target)  # one step: one read transaction
        finally:
            target.close()
        settings.update(NAME=str(copy), OPTIONS={})
    # A connection of its own, outside the configured aliases (no test or router treats it as one).
    reader = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, SNAPSHOT_ALIAS)
    setattr(connections._connections, SNAPSHOT_ALIAS, reader)
    try:
        with transaction.atomic(using=SNAPSHOT_ALIAS):
            if default.vendor == "postgresql":
                with reader.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    cursor.execute("SELECT 1")  # the snapshot is taken now, not at the first table
            yield SNAPSHOT_ALIAS
    finally:
        reader.close()
        delattr(connections._connections, SNAPSHOT_ALIAS)


def backup(path: Path) -> dict[str, Any]:
    """Write every user's data to a zip at ``path`` from one snapshot; answer the manifest."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{path}: the folder {folder} does not exist")
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; name a file")
    with tempfile.TemporaryDirectory(dir=folder, prefix=f".{path.name}.") as scratch:
        partial = Path(scratch) / "backup.zip"
        with snapshot(Path(scratch)) as alias:
            manifest = _write_zip(partial, alias)
        partial.chmod(0o600)  # password hashes and everyone's contacts: the owner's eyes only
        os.replace(partial, path)
    return {"path": str(path), **manifest}


def _write_zip(target: Path, alias: str) -> dict[str, Any]:
    tables: dict[str, dict[str, Any]] = {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(backupfile.DATA, "w", force_zip64=True) as out:
            out.write(b"[")
            first = True
            for model in backed_up_models():
                found = TableDigest()
                opening = backupfile.canonical({"model": label_of(model)})[:-1] + b',"fields":'
                for row in _table_rows(model, alias):
                    encoded = backupfile.canonical(row)
                    found.add(encoded)
                    out.write(b"\n" if first else b",\n")
                    first = False
                    out.write(opening + encoded + b"}")
                columns = [c.attname for c in _columns(model)]
                tables[label_of(model)] = {
                    "rows": found.rows,
                    "sha256": found.sha256,
                    "columns": columns,
                }
            out.write(b"\n]\n")
        users = get_user_model()._base_manager.using(alias)
        manifest = {
            "format": BACKUP_FORMAT,
            "version": BACKUP_VERSION,
            "goodwill": __version__,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": connections[alias].vendor,
            "users": users.count(),
            "administrators": sorted(
                users.filter(models.Q(is_staff=True) | models.Q(is_superuser=True)).values_list(
                    "username", flat=True
                )
            ),
            "rows": {label: t["rows"] for label, t in tables.items() if t["rows"]},
            "tables": tables,
        }
        archive.writestr(backupfile.MANIFEST, _pretty(manifest))
    return manifest


def _pretty(manifest: dict[str, Any]) -> str:
    import json

    return json.dumps(manifest, indent=1)


# -- restore -----------------------------------------------------------------------------------


def restore(path: Path, *, where: str) -> dict[str, Any]:
    """Load a backup into this (empty) database in one transaction, verified table by table."""
    manifest = backupfile.read_manifest(path, backupfile.max_data_bytes())
    users = get_user_model().objects.count()
    if users:
        raise ConfigError(
            f"restore needs an empty database, but {where} already holds {users} user(s): "
            "restore into a new --data-dir (or database) instead"
        )
    known = {label_of(m): m for m in backed_up_models()}
    _check_tables(path, manifest, known)
    loaded: dict[str, int] = {}
    try:
        with transaction.atomic():
            loaded = _load(path, manifest, known)
            _verify(path, manifest, known, loaded)
    except IntegrityError as exc:
        raise UsageError(f"{path}: the rows do not fit together ({_first_line(exc)})") from exc
    rows = {label: n for label, n in sorted(loaded.items()) if n}
    return {
        "path": str(path),
        **{k: manifest.raw.get(k) for k in ("format", "version", "goodwill", "created")},
        "users": loaded.get(label_of(get_user_model()), 0),
        "rows": rows,
        "restored": sum(rows.values()),
    }


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _check_tables(path: Path, manifest: Manifest, known: dict[str, type[models.Model]]) -> None:
    for label, table in manifest.tables.items():
        model = known.get(label)
        if model is None:
            raise UsageError(
                f"{path}: the backup holds a table this goodwill does not know ({label}); "
                f"restore it with goodwill {manifest.raw.get('goodwill', '?')}"
            )
        ours = tuple(c.attname for c in _columns(model))
        if table.columns != ours:
            raise UsageError(
                f"{path}: table {label} has columns {', '.join(table.columns)}, this goodwill "
                f"has {', '.join(ours)}: restore it with goodwill "
                f"{manifest.raw.get('goodwill', '?')}"
            )


class _Loader:
    """Insert rows in batches, raw (no signals, no auto timestamps), checking order as they come."""

    def __init__(self, path: Path, manifest: Manifest, known: dict[str, type[models.Model]]):
        self.path, self.manifest, self.known = path, manifest, known
        self.pending: dict[str, list[models.Model]] = {}
        self.counts: dict[str, int] = {}
        self.last_pk: dict[str, Any] = {}
        self.fk_cache: dict[Any, Any] = {}
        self.user_label = label_of(get_user_model())

    def add(self, number: int, label: str, fields: dict[str, Any]) -> None:
        model = self.known.get(label)
        table = self.manifest.tables.get(label)
        if model is None or table is None:
            raise self._error(number, f"table {label!r} is not in the manifest")
        self.counts[label] = self.counts.get(label, 0) + 1
        if self.counts[label] > table.rows:
            raise self._error(number, f"more {label} rows than the {table.rows} in the manifest")
        if tuple(sorted(fields)) != tuple(sorted(table.columns)):
            raise self._error(number, f"the columns of this {label} row are not the manifest's")
        instance = self._instance(number, model, fields)
        self._check_order(number, label, instance.pk)
        if label == self.user_label:
            self._check_administrator(number, instance)
        batch = self.pending.setdefault(label, [])
        batch.append(instance)
        if len(batch) >= BATCH:
            self.flush(label)

    def _instance(self, number: int, model: type[models.Model], fields: dict[str, Any]) -> Any:
        values = {}
        for column in _columns(model):
            try:
                values[column.attname] = _decode(self.fk_cache, column, fields[column.attname])
            except Exception as exc:  # to_python's ValidationError, a missing natural key
                raise self._error(
                    number, f"{label_of(model)}.{column.attname}: {_first_line(exc)}"
                ) from exc
        return model(**values)

    def _check_order(self, number: int, label: str, pk: Any) -> None:
        if pk is None:
            raise self._error(number, f"a {label} row without a primary key")
        last = self.last_pk.get(label)
        if last is not None and not pk > last:
            raise self._error(number, f"{label} {pk!r} repeats or comes after {last!r}")
        self.last_pk[label] = pk

    def _check_administrator(self, number: int, user: Any) -> None:
        admin = bool(getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))
        listed = user.get_username() in self.manifest.administrators
        if admin and not listed:
            problem = "would be an administrator, but the manifest does not list them"
        elif listed and not admin:
            problem = "is listed as an administrator in the manifest, but is not one"
        else:
            return
        raise self._error(number, f"user {user.get_username()!r} {problem}")

    def flush(self, label: str | None = None) -> None:
        for name in [label] if label else list(self.pending):
            batch = self.pending.pop(name, [])
            if batch:
                model = self.known[name]
                model._base_manager._insert(  # type: ignore[attr-defined]
                    batch, fields=_columns(model), using=DEFAULT_DB_ALIAS, raw=True
                )

    def _error(self, number: int, message: str) -> UsageError:
        return UsageError(f"{self.path}: data.json row {number}: {message}")


def _load(path: Path, manifest: Manifest, known: dict[str, type[models.Model]]) -> dict[str, int]:
    loader = _Loader(path, manifest, known)
    for number, label, fields in backupfile.rows(path, backupfile.max_data_bytes()):
        loader.add(number, label, fields)
    loader.flush()
    connection = connections[DEFAULT_DB_ALIAS]
    loaded = [known[label] for label in loader.counts]
    # Foreign keys are checked now, inside the transaction, not at a commit that may be nested.
    connection.check_constraints(table_names=[m._meta.db_table for m in loaded])
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), loaded):
            cursor.execute(statement)
    return loader.counts


def _verify(
    path: Path, manifest: Manifest, known: dict[str, type[models.Model]], loaded: dict[str, int]
) -> None:
    for label, table in manifest.tables.items():
        if loaded.get(label, 0) != table.rows:
            raise UsageError(
                f"{path}: data.json holds {loaded.get(label, 0):,} {label} rows, the manifest "
                f"says {table.rows:,}: nothing was restored"
            )
        found = digest_table(known[label])
        if found.rows != table.rows or found.sha256 != table.sha256:
            raise UsageError(
                f"{path}: the {label} rows loaded do not match the manifest's checksum: "
                "nothing was restored"
            )
