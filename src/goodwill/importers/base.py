"""The importer interface and the registry of formats.

One format, one module: each module defines ``FORMAT`` (a short name), ``LABEL``,
``identify(path) -> bool`` (cheap: the file name and the first few KB) and
``parse(path, context) -> Iterator[Record]``. The registry maps names to modules explicitly,
so the order of detection is deliberate: the most specific formats are asked first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from goodwill.importers.records import Context, Record

SNIFF_BYTES = 8192


class Importer(Protocol):
    FORMAT: str
    LABEL: str

    def identify(self, path: Path) -> bool: ...

    def parse(self, path: Path, context: Context) -> Iterator[Record]: ...


def sniff(path: Path, size: int = SNIFF_BYTES) -> bytes:
    """The first bytes of a file (empty when unreadable), for cheap identification."""
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def sniff_text(path: Path, size: int = SNIFF_BYTES) -> str:
    """The first characters of a text file, BOM removed, undecodable bytes replaced."""
    return sniff(path, size).decode("utf-8-sig", errors="replace")
