"""Every import format, in the order detection asks them, and the plan for one import.

The order is deliberate: formats with unmistakable markers (an X archive's ``window.YTD``, a
Facebook JSON key, a CAR header) are asked before the generic ones (any CSV with two person
columns, any whitespace edge list), so a file is claimed by the most specific reader.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from goodwill.errors import ImportFailed, UsageError
from goodwill.importers import (
    bluesky,
    facebook,
    google_contacts,
    ics,
    linkedin,
    mail,
    mastodon,
    relationships,
    twitter,
    vcard,
)
from goodwill.importers.base import Importer
from goodwill.importers.records import Context, Issue, Record, Where
from goodwill.importers.sources import SourceFile


class BatchImporter(Importer, Protocol):
    """An importer that reads all its files of one import together (to dedupe across them)."""

    def parse_many(self, paths: Iterable[Path], context: Context) -> Iterator[Record]: ...


IMPORTERS: dict[str, Importer] = {
    importer.FORMAT: importer
    for importer in (
        twitter,
        facebook,
        bluesky,
        mastodon,
        linkedin,
        google_contacts,
        vcard,
        ics,
        mail,
        mail.EML,
        relationships,
        relationships.EDGELIST,
    )
}
# E-mail files of one import are read as one archive: a message filed in several folders
# counts once, and co-occurrence is summed over the whole mailbox.
BATCHED: dict[str, BatchImporter] = {"mbox": mail.EML, "eml": mail.EML}


@dataclass
class Plan:
    """Which importer reads which files; ``skipped`` are files no importer recognised."""

    steps: list[tuple[Importer, list[SourceFile]]] = field(default_factory=list)
    skipped: list[SourceFile] = field(default_factory=list)

    @property
    def formats(self) -> list[str]:
        return list(dict.fromkeys(importer.FORMAT for importer, _ in self.steps))

    def records(self, context: Context) -> Iterator[Record]:
        for source in self.skipped:
            yield Issue("unknown-format", "not a format goodwill can import", Where(source.name))
        for importer, files in self.steps:
            batch = getattr(importer, "parse_many", None)
            if batch is not None:
                yield from batch([f.path for f in files], context)
            else:
                for source in files:
                    yield from importer.parse(source.path, context)


def detect(path: Path) -> Importer | None:
    """The first importer that recognises the file, or None."""
    for importer in IMPORTERS.values():
        if importer.identify(path):
            return importer
    return None


def plan(files: list[SourceFile], format: str | None = None) -> Plan:
    """Assign each file to an importer (``format`` forces one for every file)."""
    if format is not None and format not in IMPORTERS:
        known = ", ".join(sorted(IMPORTERS))
        raise UsageError(f"unknown format {format!r} (one of: {known})")
    result = Plan()
    batches: dict[str, list[SourceFile]] = {}
    for source in files:
        importer = IMPORTERS[format] if format else detect(source.path)
        if importer is None:
            result.skipped.append(source)
        elif importer.FORMAT in BATCHED:
            batches.setdefault("mail", []).append(source)
        else:
            result.steps.append((importer, [source]))
    if "mail" in batches:
        result.steps.append((mail.EML, batches["mail"]))
    if not result.steps:
        names = ", ".join(f.name for f in files[:5]) or "nothing"
        raise ImportFailed(f"no file goodwill can import in {names}")
    return result
