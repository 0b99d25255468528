"""Your data out and back: exports for other tools, and whole-instance backup and restore.

``export`` writes one user's people and ties in a format other tools read (see
``goodwill.exporters``). ``backup`` writes every row of every user (people, ties, history,
imports, merges, settings, accounts with their password hashes) into one zip from one
consistent snapshot; ``restore`` loads such a zip into an *empty* database in one transaction
and proves, table by table, that what it loaded is what was saved (``goodwill.backups``).
Restoring over live data is refused rather than merged, so nothing is ever silently
overwritten.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch

from goodwill.errors import UsageError
from goodwill.exporters import FORMATS, Contact, Link
from goodwill.people.models import Identity, Person, Tie, TieSource

# -- export ------------------------------------------------------------------------------------


def contacts(owner: AbstractBaseUser) -> list[Contact]:
    people = (
        Person.objects.filter(owner=owner)
        .order_by("id")
        .prefetch_related(
            Prefetch("identities", queryset=Identity.objects.order_by("channel", "value")),
            "tags",
        )
    )
    found = []
    for p in people:
        found.append(
            Contact(
                id=p.id,
                name=p.name,
                given_name=p.given_name,
                family_name=p.family_name,
                is_me=p.is_me,
                organisation=p.organisation,
                position=p.position,
                location=p.location,
                how_we_met=p.how_we_met,
                notes=p.notes,
                aliases=tuple(p.aliases or ()),
                tags=tuple(sorted((t.kind, t.name) for t in p.tags.all())),
                identities=tuple((i.channel, i.value) for i in p.identities.all()),
                never_connector=p.never_connector,
                blocked=p.blocked,
                updated=p.updated_at.isoformat() if p.updated_at else "",
            )
        )
    return found


def links(owner: AbstractBaseUser) -> list[Link]:
    ties = (
        Tie.objects.filter(owner=owner)
        .order_by("id")
        .prefetch_related(Prefetch("sources", queryset=TieSource.objects.order_by("id")))
    )
    return [
        Link(
            a=t.a_id,
            b=t.b_id,
            kind=t.kind,
            directed=t.directed,
            weight=t.weight,
            strength=t.strength,
            since=t.since.isoformat() if t.since else "",
            sources=tuple(dict.fromkeys(str(s) for s in t.sources.all())),
        )
        for t in ties
    ]


def export(owner: AbstractBaseUser, fmt: str, path: Path) -> dict[str, Any]:
    """Write ``owner``'s network to ``path`` (``-`` is not allowed: files only) atomically."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    people, ties = contacts(owner), links(owner)
    buffer = io.StringIO(newline="")
    written = FORMATS[fmt](people, ties, buffer)
    _write_atomically(path, buffer.getvalue().encode("utf-8"))
    return {
        "format": fmt,
        "path": str(path),
        "people": written,
        "ties": len(ties) if fmt in ("graphml", "json") else 0,
    }


def _write_atomically(path: Path, data: bytes) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{path}: the folder {folder} does not exist")
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; name a file")
    handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# -- backup and restore ------------------------------------------------------------------------


def backup(path: Path) -> dict[str, Any]:
    """Write every user's data to a zip at ``path`` from one snapshot (see goodwill.backups)."""
    from goodwill import backups

    return backups.backup(path)


def restore(path: Path, *, where: str) -> dict[str, Any]:
    """Load a backup into this (empty) database in one transaction, verified table by table."""
    from goodwill import backups

    return backups.restore(path, where=where)
