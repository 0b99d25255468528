"""Your data out and back: exports for other tools, and whole-instance backup and restore.

``export`` writes one user's people and ties in a format other tools read (see
``goodwill.exporters``). ``backup`` writes every row of every user (people, ties, history,
imports, merges, settings, accounts with their password hashes) into one zip: a
``manifest.json`` with the format version and row counts, and ``data.json`` in Django's
serialisation. ``restore`` loads such a zip into an *empty* database, in one transaction: a
failure leaves the database as it was. Restoring over live data is refused rather than merged,
so nothing is ever silently overwritten.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import tempfile
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import transaction
from django.db.models import Prefetch

from goodwill import __version__
from goodwill.errors import ConfigError, UsageError
from goodwill.exporters import FORMATS, Contact, Link
from goodwill.exporters.backupfile import BACKUP_FORMAT, BACKUP_VERSION, read_manifest
from goodwill.people.models import Identity, Person, Tie, TieSource

# Rows Django rebuilds by itself, or that only matter to a running server.
# The task queue is transient: what it ran is recorded on the runs themselves.
NOT_BACKED_UP = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "django_tasks_database",
]


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
    """Write every user's data to a zip at ``path``; answer the manifest."""
    data = io.StringIO()
    call_command(
        "dumpdata",
        exclude=NOT_BACKED_UP,
        natural_foreign=True,
        stdout=data,
        verbosity=0,
    )
    text = data.getvalue()
    counts = Counter(row["model"] for row in json.loads(text))
    manifest = {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "goodwill": __version__,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "users": counts.get(_user_label(), 0),
        "rows": dict(sorted(counts.items())),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
        archive.writestr("data.json", text)
    _write_atomically(path, buffer.getvalue())
    return {"path": str(path), **manifest}


def _user_label() -> str:
    meta = get_user_model()._meta
    return f"{meta.app_label}.{meta.model_name}"


def restore(path: Path, *, where: str) -> dict[str, Any]:
    """Load a backup into this (empty) database in one transaction."""
    manifest, data = read_manifest(path)
    users = get_user_model().objects.count()
    if users:
        raise ConfigError(
            f"restore needs an empty database, but {where} already holds {users} user(s): "
            "restore into a new --data-dir (or database) instead"
        )
    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / "data.json"
        fixture.write_bytes(data)
        try:
            with transaction.atomic():
                # Django's own loader: raw saves (no signals adding rows), sequences reset.
                call_command("loaddata", str(fixture), verbosity=0)
        except DeserializationError as exc:
            first = str(exc).splitlines()[0].replace(str(fixture), "data.json")
            raise UsageError(f"{path}: {first}") from exc
    restored = sum(int(n) for n in manifest.get("rows", {}).values())
    return {"path": str(path), "restored": restored, **manifest}
