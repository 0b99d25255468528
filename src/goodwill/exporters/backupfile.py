"""A backup file: a zip holding ``manifest.json`` and ``data.json``.

``data.json`` is a JSON list with one row per line, ``{"model": "app.model", "fields": {...}}``,
each table's rows in primary-key order; ``fields`` holds every column under its column name.
``manifest.json`` says, per table, how many rows there are, their column names and a SHA-256 of
the rows' canonical encoding, so a restore can prove that what it loaded is what was saved.

Everything here is plain Python (no Django), so ``goodwill restore`` can refuse a file that is
not a backup before it creates any folder or database, and reads ``data.json`` as a stream
with a size limit: a file that inflates without end is refused early, in bounded memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import ijson

from goodwill.errors import ConfigError, UsageError

BACKUP_FORMAT = "goodwill-backup"
BACKUP_VERSION = 2
MANIFEST = "manifest.json"
DATA = "data.json"
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
# One row is never near this (the longest are message bodies); whitespace or one endless
# string between two rows is what a hostile file would use to fill memory.
MAX_ROW_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_DATA_MB = 4096
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_LABEL = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")


def canonical(fields: Mapping[str, Any]) -> bytes:
    """The bytes a row is hashed as: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


@dataclass
class TableDigest:
    """Count and checksum of one table's rows, fed in primary-key order."""

    rows: int = 0
    _hash: Any = field(default_factory=hashlib.sha256)

    def add(self, encoded: bytes) -> None:
        self.rows += 1
        self._hash.update(encoded)
        self._hash.update(b"\n")

    @property
    def sha256(self) -> str:
        return str(self._hash.hexdigest())


@dataclass(frozen=True)
class Table:
    rows: int
    sha256: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Manifest:
    raw: dict[str, Any]
    tables: dict[str, Table]
    administrators: frozenset[str]

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables.values())


def _problem(path: Path, message: str) -> UsageError:
    return UsageError(f"{path}: {message}")


def _check_header(path: Path, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _problem(path, f"manifest.json is a JSON {_kind(raw)}, not an object")
    if raw.get("format") != BACKUP_FORMAT:
        raise _problem(path, f"not a goodwill backup (format {raw.get('format')!r})")
    version = raw.get("version")
    if version != BACKUP_VERSION:
        raise _problem(
            path,
            f"backup version {version!r} is not supported (this goodwill reads version "
            f"{BACKUP_VERSION}; version 1 backups could not prove they were complete: take "
            "a new backup with this goodwill)",
        )
    return raw


def _kind(value: Any) -> str:
    names = {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _table(path: Path, label: Any, entry: Any) -> Table:
    where = f"manifest.json tables[{label!r}]"
    if not isinstance(label, str) or not _LABEL.match(label):
        raise _problem(path, f"manifest.json: {label!r} is not a table name")
    if not isinstance(entry, dict):
        raise _problem(path, f"{where} is a {_kind(entry)}, not an object")
    rows, digest, columns = entry.get("rows"), entry.get("sha256"), entry.get("columns")
    if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
        raise _problem(path, f"{where}.rows must be a count, not {rows!r}")
    if not isinstance(digest, str) or not _HEX64.match(digest):
        raise _problem(path, f"{where}.sha256 must be 64 hexadecimal digits")
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise _problem(path, f"{where}.columns must be a list of column names")
    return Table(rows, digest, tuple(columns))


def check_manifest(path: Path, raw: Any) -> Manifest:
    """A manifest of the right shape, or a one-line error naming what is wrong."""
    header = _check_header(path, raw)
    tables = header.get("tables")
    if not isinstance(tables, dict):
        raise _problem(path, f"manifest.json: 'tables' is a {_kind(tables)}, not an object")
    admins = header.get("administrators")
    if not isinstance(admins, list) or not all(isinstance(a, str) for a in admins):
        raise _problem(path, "manifest.json: 'administrators' must be a list of user names")
    checked = {label: _table(path, label, entry) for label, entry in tables.items()}
    return Manifest(header, checked, frozenset(admins))


def max_data_bytes() -> int:
    """``GOODWILL_RESTORE_MAX_MB`` in bytes: the largest inflated ``data.json`` a restore reads."""
    raw = os.environ.get("GOODWILL_RESTORE_MAX_MB", str(DEFAULT_MAX_DATA_MB))
    try:
        megabytes = int(raw)
    except ValueError:
        raise ConfigError(f"GOODWILL_RESTORE_MAX_MB={raw!r} is not a whole number") from None
    if megabytes < 1:
        raise ConfigError("GOODWILL_RESTORE_MAX_MB must be at least 1")
    return megabytes * 1024 * 1024


def _check_declared_size(path: Path, declared: int, limit: int) -> None:
    if declared > limit:
        raise _problem(
            path,
            f"data.json inflates to {_size(declared)}, more than the limit of "
            f"{_size(limit)} (GOODWILL_RESTORE_MAX_MB raises it)",
        )


def read_manifest(path: Path, limit: int | None = None) -> Manifest:
    """The checked manifest of a backup zip, with a one-line error for anything else.

    With ``limit``, a ``data.json`` declared larger than that is refused here, before any
    folder or database is made for it.
    """
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if not {MANIFEST, DATA} <= names:
                raise _problem(path, "not a goodwill backup (no manifest.json and data.json)")
            if archive.getinfo(MANIFEST).file_size > MAX_MANIFEST_BYTES:
                raise _problem(path, "manifest.json is too large to be a manifest")
            raw = json.loads(archive.read(MANIFEST))
            if limit is not None:
                _check_declared_size(path, archive.getinfo(DATA).file_size, limit)
    except zipfile.BadZipFile as exc:
        raise _problem(path, f"not a goodwill backup ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise _problem(path, f"manifest.json line {exc.lineno}: {exc.msg}") from exc
    except UnicodeDecodeError as exc:
        raise _problem(path, f"manifest.json is not UTF-8 text ({exc.reason})") from exc
    return check_manifest(path, raw)


class _Metered:
    """A byte stream that refuses to go past ``limit`` bytes, or ``MAX_ROW_BYTES`` in one row."""

    def __init__(self, stream: IO[bytes], path: Path, limit: int) -> None:
        self.stream, self.path, self.limit = stream, path, limit
        self.read_bytes = 0
        self.row_start = 0
        self.started = False

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(65536 if size is None or size < 0 else size)
        if not self.started and chunk.strip():
            self.started = True
            if not chunk.lstrip().startswith(b"["):
                raise _problem(self.path, "data.json is not a list of rows")
        self.read_bytes += len(chunk)
        if self.read_bytes > self.limit:
            raise _problem(self.path, f"data.json is larger than {_size(self.limit)}")
        if self.read_bytes - self.row_start > MAX_ROW_BYTES:
            raise _problem(
                self.path,
                f"data.json holds more than {_size(MAX_ROW_BYTES)} in one row "
                "(not a backup goodwill wrote)",
            )
        return chunk

    def next_row(self) -> None:
        self.row_start = self.read_bytes


def _size(n: int) -> str:
    return f"{n / 1024**3:.1f} GiB" if n >= 1024**3 else f"{n / 1024**2:.0f} MiB"


def rows(path: Path, limit: int) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """``(row number, table, fields)`` for each row of ``data.json``, streamed.

    ``limit`` bounds the inflated size of ``data.json``: a declared size above it is refused
    before anything is read, and a stream that inflates past it (a lying header) stops there.
    """
    metered: _Metered | None = None
    try:
        with zipfile.ZipFile(path) as archive:
            _check_declared_size(path, archive.getinfo(DATA).file_size, limit)
            with archive.open(DATA) as stream:
                metered = _Metered(stream, path, limit)
                for number, item in enumerate(ijson.items(metered, "item", use_float=True), 1):
                    yield number, *_row(path, number, item)
                    metered.next_row()
                if not metered.started:
                    raise _problem(path, "data.json is empty")
    except zipfile.BadZipFile as exc:
        raise _problem(path, f"data.json is damaged ({exc})") from exc
    except ijson.JSONError as exc:
        if metered is not None and not metered.started:
            raise _problem(path, "data.json is empty") from exc
        reason = str(exc).split("(right here)")[0].strip().rstrip(":") or "cut short"
        raise _problem(path, f"data.json is not valid JSON ({reason})") from exc


def _row(path: Path, number: int, item: Any) -> tuple[str, dict[str, Any]]:
    if not isinstance(item, dict) or set(item) != {"model", "fields"}:
        raise _problem(path, f"data.json row {number}: not a table row")
    label, fields = item["model"], item["fields"]
    if not isinstance(label, str) or not isinstance(fields, dict):
        raise _problem(path, f"data.json row {number}: not a table row")
    return label, fields
