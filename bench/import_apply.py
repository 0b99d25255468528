"""How long does applying a large import take, and how many SQL queries does it cost?

    python bench/import_apply.py                      # all three specimens, batched apply
    python bench/import_apply.py --per-record         # people one record at a time (as before)
    python bench/import_apply.py --compare            # both, interleaved, same data checked
    python bench/import_apply.py --only facebook --repeat 3

Each specimen is imported with ``goodwill.imports.service.run_import`` (what ``goodwill import``
runs) into a fresh user, then imported again into the same user (the idempotent re-import):

* ``facebook``: SNAP's ego-Facebook ``facebook_combined.txt`` (4,039 people, 88,234 ties);
* ``enron``: the Enron maildir sample (3,936 raw messages from two mailboxes), unpacked first;
* ``x``: the X archive of larsbrinkhoff (followers, following and 1,827 tweets).

It prints seconds (the fastest of ``--repeat`` runs), records per second and the SQL queries
issued. ``--compare`` also checks that both ways leave exactly the same people, identities, tags
and ties (a digest of each user's data, independent of row ids). The database is a fresh SQLite
file in a temporary folder, or ``DATABASE_URL`` when set (e.g. under ``scripts/with-postgres``).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
SPECIMENS = ("facebook", "enron", "x")
MODES = ("batched", "per-record")


@dataclass
class Timing:
    specimen: str
    mode: str
    step: str  # "import" or "re-import"
    seconds: float
    records: int
    queries: int
    people: int
    ties: int
    interactions: int
    digest: str = ""


def specimen_paths(name: str, scratch: Path) -> list[Path]:
    if name == "facebook":
        return [SHARED / "snap-ego-facebook" / "facebook_combined.txt"]
    if name == "x":
        return [SHARED / "twitter-archive-larsbrinkhoff"]
    if name == "enron":
        folder = scratch / "enron"
        if not folder.exists():
            archive = SHARED / "enron-maildir-sample" / "enron_maildir_badeer-r_blair-l.tar.gz"
            with tarfile.open(archive) as tar:
                tar.extractall(folder, filter="data")
        return [folder / "maildir"]
    raise SystemExit(f"unknown specimen {name!r} (choose from {', '.join(SPECIMENS)})")


@contextmanager
def counted_queries() -> Iterator[list[int]]:
    """Count every statement sent to the database inside the block."""
    from django.db import connection

    counter = [0]

    def wrapper(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        counter[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counter


@contextmanager
def per_record_people(enabled: bool) -> Iterator[None]:
    """Apply person records one at a time, as before the batched apply (for comparison)."""
    from goodwill.imports import apply

    saved = getattr(apply, "PERSON_BATCH", 1)
    apply.PERSON_BATCH = 1 if enabled else saved
    try:
        yield
    finally:
        apply.PERSON_BATCH = saved


def digest(owner: Any) -> str:
    """The owner's people, identities, tags and ties, named without row ids."""
    from goodwill.people.models import Identity, Person, Tie, TieSource

    idents: dict[int, list[tuple[str, str, str]]] = {}
    for pid, channel, value, display in Identity.objects.filter(owner=owner).values_list(
        "person_id", "channel", "value", "display"
    ):
        idents.setdefault(pid, []).append((channel, value, display))
    tags: dict[int, list[str]] = {}
    through = Person.tags.through.objects.filter(person__owner=owner)
    for pid, tag in through.values_list("person_id", "tag__name"):
        tags.setdefault(pid, []).append(tag)
    names: dict[int, str] = {}
    people = []
    fields: tuple[str, ...] = (
        "id",
        "is_me",
        "name",
        "given_name",
        "family_name",
        "aliases",
        "organisation",
    )
    fields += ("position", "location", "notes", "blocked", "bulk")
    for row in Person.objects.filter(owner=owner).values_list(*fields):
        pid, rest = row[0], row[1:]
        if rest[0]:  # you: named after the user, who differs from run to run
            rest = (True, "(me)", *rest[2:])
        names[pid] = repr((rest[1], sorted(idents.get(pid, []))))
        people.append(repr((rest, sorted(idents.get(pid, [])), sorted(tags.get(pid, [])))))
    sources: dict[int, list[tuple[str, str, float]]] = {}
    for tid, kind, detail, weight in TieSource.objects.filter(tie__owner=owner).values_list(
        "tie_id", "kind", "detail", "weight"
    ):
        sources.setdefault(tid, []).append((kind, detail, weight))
    ties = [
        repr((names[a], names[b], kind, weight, since, sorted(sources.get(tid, []))))
        for tid, a, b, kind, weight, since in Tie.objects.filter(owner=owner).values_list(
            "id", "a_id", "b_id", "kind", "weight", "since"
        )
    ]
    text = "\n".join(sorted(people)) + "\n--\n" + "\n".join(sorted(ties))
    text += "\n--\n" + "\n".join(sorted(_activity(owner, names)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _activity(owner: Any, names: dict[int, str]) -> list[str]:
    """Interactions with their participants, overtures, posts with their mentions."""
    from goodwill.activity.models import Interaction, Overture, Participant, Post

    who: dict[int, list[tuple[str, str]]] = {}
    for iid, pid, role in Participant.objects.filter(interaction__owner=owner).values_list(
        "interaction_id", "person_id", "role"
    ):
        who.setdefault(iid, []).append((names[pid], role))
    found = [
        repr((*row[1:], sorted(who.get(row[0], []))))
        for row in Interaction.objects.filter(owner=owner).values_list(
            "id", "occurred_at", "kind", "channel", "direction", "subject", "body", "external_id"
        )
    ]
    found += [
        repr((names[pid], *rest))
        for pid, *rest in Overture.objects.filter(owner=owner).values_list(
            "person_id", "channel", "external_id", "approach", "sent_at", "answered_at"
        )
    ]
    mentioned: dict[int, list[str]] = {}
    through = Post.mentions.through.objects.filter(post__owner=owner)
    for post_id, pid in through.values_list("post_id", "person_id"):
        mentioned.setdefault(post_id, []).append(names[pid])
    found += [
        repr((*row[1:], sorted(mentioned.get(row[0], []))))
        for row in Post.objects.filter(owner=owner).values_list(
            "id", "channel", "external_id", "kind", "published_at", "text"
        )
    ]
    return found


def measure(specimen: str, mode: str, paths: list[Path], label: str) -> list[Timing]:
    from django.contrib.auth import get_user_model

    from goodwill.imports.service import run_import
    from goodwill.people.models import Person, Tie

    owner = get_user_model().objects.create_user(label)
    found = []
    for step in ("import", "re-import"):
        with per_record_people(mode == "per-record"), counted_queries() as queries:
            started = time.perf_counter()
            run = run_import(owner, paths)
            seconds = time.perf_counter() - started
        if run.status != "applied":
            raise SystemExit(f"{specimen}: the import ended {run.status}: {run.error}")
        found.append(
            Timing(
                specimen,
                mode,
                step,
                seconds,
                run.records,
                queries[0],
                Person.objects.filter(owner=owner).count(),
                Tie.objects.filter(owner=owner).count(),
                run.interactions,
            )
        )
    found[-1].digest = digest(owner)
    return found


def _setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["GOODWILL_DATA_DIR"] = tempfile.mkdtemp(prefix="goodwill-apply-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "goodwill.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def print_table(timings: list[Timing]) -> None:
    print(
        f"{'specimen':<9} {'mode':<11} {'step':<9} {'records':>8} {'seconds':>8} "
        f"{'records/s':>10} {'queries':>8} {'q/record':>9} {'people':>7} {'ties':>7} {'digest':>17}"
    )
    for t in timings:
        rate = t.records / t.seconds if t.seconds else 0.0
        per = t.queries / t.records if t.records else 0.0
        print(
            f"{t.specimen:<9} {t.mode:<11} {t.step:<9} {t.records:>8,} {t.seconds:>8.2f} "
            f"{rate:>10,.0f} {t.queries:>8,} {per:>9.3f} {t.people:>7,} {t.ties:>7,} "
            f"{t.digest:>17}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=SPECIMENS, help="one specimen")
    parser.add_argument("--repeat", type=int, default=1, help="keep the fastest of N runs")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--per-record", action="store_true", help="people one record at a time")
    mode.add_argument("--compare", action="store_true", help="both ways, interleaved")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    _setup_django()
    modes = list(MODES) if args.compare else ["per-record" if args.per_record else "batched"]
    best: dict[tuple[str, str, str], Timing] = {}
    with tempfile.TemporaryDirectory(prefix="goodwill-apply-data-") as scratch:
        for specimen in args.only or SPECIMENS:
            paths = specimen_paths(specimen, Path(scratch))
            for attempt in range(args.repeat):
                for mode_name in modes:
                    label = f"{specimen}-{mode_name}-{attempt}"
                    for t in measure(specimen, mode_name, paths, label):
                        key = (t.specimen, t.mode, t.step)
                        if key not in best or t.seconds < best[key].seconds:
                            best[key] = t
    timings = list(best.values())
    print_table(timings)
    if args.compare:
        for specimen in args.only or SPECIMENS:
            digests = {t.digest for t in timings if t.specimen == specimen and t.digest}
            verdict = "the same data" if len(digests) == 1 else "DIFFERENT DATA"
            print(f"{specimen}: both ways left {verdict}")
            if len(digests) != 1:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
