"""Turn what the user hands us (files, folders, zips) into a list of plain files to read.

Zips are unpacked into a private temporary folder with hard limits, because an export is
untrusted input: no member may escape the folder (``../`` or absolute names), be a link,
or inflate past the total size or compression-ratio limits (a zip bomb).
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from goodwill.errors import ImportFailed

MAX_TOTAL_BYTES = 4 * 1024**3  # 4 GiB unpacked
MAX_MEMBERS = 200_000
MAX_RATIO = 200  # unpacked / packed, per member and overall
SKIPPED_NAMES = {".DS_Store", "Thumbs.db"}


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to read, and the name to show for it (``export.zip/Connections.csv``)."""

    path: Path
    name: str


def _safe_member_path(root: Path, name: str) -> Path:
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
        raise ImportFailed(f"unsafe path inside the zip: {name!r}")
    target = (root / pure).resolve()
    if root.resolve() not in target.parents and target != root.resolve():
        raise ImportFailed(f"unsafe path inside the zip: {name!r}")
    return target


def _check_zip(archive: zipfile.ZipFile, label: str, max_total: int) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ImportFailed(f"{label}: too many files inside the zip ({len(members)})")
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if total > max_total:
        raise ImportFailed(f"{label}: unpacks to {total} bytes, over the {max_total} limit")
    if total > 1024 * 1024 and total / packed > MAX_RATIO:
        raise ImportFailed(f"{label}: compression ratio {total // packed}:1 looks like a zip bomb")
    for member in members:
        mode = member.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ImportFailed(f"{label}: a link inside the zip is not accepted: {member.filename}")


def _extract(archive: zipfile.ZipFile, root: Path, label: str, max_total: int) -> None:
    written = 0
    for member in archive.infolist():
        target = _safe_member_path(root, member.filename)
        if member.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        limit = max(member.compress_size * MAX_RATIO, 1024 * 1024)
        with archive.open(member) as source, target.open("wb") as sink:
            copied = 0
            while chunk := source.read(1024 * 1024):
                copied += len(chunk)
                written += len(chunk)
                # The header sizes may lie: count what really comes out.
                if copied > limit or copied > member.file_size or written > max_total:
                    raise ImportFailed(f"{label}: {member.filename} inflates past its limits")
                sink.write(chunk)


def _walk(folder: Path, shown_as: str) -> Iterator[SourceFile]:
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file() or path.name in SKIPPED_NAMES:
            continue
        relative = path.relative_to(folder)
        if any(part.startswith("__MACOSX") for part in relative.parts):
            continue
        yield SourceFile(path, f"{shown_as}/{relative.as_posix()}")


@contextmanager
def expand(paths: list[Path], max_total: int = MAX_TOTAL_BYTES) -> Iterator[list[SourceFile]]:
    """Yield every plain file named by ``paths``, unpacking zips into a temporary folder."""
    scratch: Path | None = None
    files: list[SourceFile] = []
    try:
        for path in paths:
            if not path.exists():
                raise ImportFailed(f"{path}: no such file or folder")
            if path.is_dir():
                files.extend(_walk(path, path.name))
            elif zipfile.is_zipfile(path):
                if scratch is None:
                    scratch = Path(tempfile.mkdtemp(prefix="goodwill-import-"))
                root = scratch / f"{len(files)}-{path.stem}"
                root.mkdir()
                try:
                    with zipfile.ZipFile(path) as archive:
                        _check_zip(archive, str(path), max_total)
                        _extract(archive, root, str(path), max_total)
                except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                    raise ImportFailed(f"{path}: damaged zip ({exc})") from exc
                files.extend(_walk(root, path.name))
            else:
                files.append(SourceFile(path, path.name))
        yield files
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
