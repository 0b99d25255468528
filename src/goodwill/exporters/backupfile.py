"""A backup file: a zip holding ``manifest.json`` (format, version, row counts) and ``data.json``.

Read without Django, so ``goodwill restore`` can refuse a file that is not a backup before it
creates any folder or database.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from goodwill.errors import UsageError

BACKUP_FORMAT = "goodwill-backup"
BACKUP_VERSION = 1


def read_manifest(path: Path) -> tuple[dict[str, Any], bytes]:
    """The manifest and the data of a backup zip, with a one-line error for anything else."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if not {"manifest.json", "data.json"} <= names:
                raise UsageError(f"{path}: not a goodwill backup (no manifest.json and data.json)")
            manifest = json.loads(archive.read("manifest.json"))
            data = archive.read("data.json")
    except zipfile.BadZipFile as exc:
        raise UsageError(f"{path}: not a goodwill backup ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: manifest.json line {exc.lineno}: {exc.msg}") from exc
    if manifest.get("format") != BACKUP_FORMAT:
        raise UsageError(f"{path}: not a goodwill backup (format {manifest.get('format')!r})")
    if manifest.get("version") != BACKUP_VERSION:
        raise UsageError(
            f"{path}: backup version {manifest.get('version')} is not supported "
            f"(this goodwill reads version {BACKUP_VERSION})"
        )
    return manifest, data
