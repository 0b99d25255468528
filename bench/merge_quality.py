"""How well does goodwill tell that records from different sources are one person?

    python bench/merge_quality.py                 # demo seed 7 and the real specimens
    python bench/merge_quality.py --seed 11 --json bench/out/merge_quality.json

A labelled set, from two places:

* **The demo.** Every demo human has accounts per platform. Each platform's view of them is
  turned into importer records as a real export would give them: Facebook friends by display
  name only; X followers and following by account id, handle and display name; LinkedIn
  connections by profile URL, name, company and position, with the e-mail for about a quarter
  (the share who let connections see it); the address book by name, e-mails and phones, and the
  organisation when a work address is on file. No key crosses platforms unless a real export
  would carry it (an e-mail on LinkedIn and in the address book).
* **Real specimens** (``../shared/data``) where sameness is known: LinkedIn ``Connections.csv``
  and ``Messages.csv`` (the correspondents are connections, by name) and the X archive's
  ``follower.js`` and ``following.js`` (the same account id).

Records go through the real import layer into a fresh user. Over all pairs of imported records,
a pair is truly the same when both come from one human, and merged when both ended in one
person: precision and recall of the automatic (exact-key) step. The review suggestions
(``candidates``) are then scored against the true pairs the automatic step left apart.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
AS_OF = dt.date(2026, 1, 1)
LINKEDIN_EMAIL_SHARE = 25  # percent of connections whose e-mail the export carries
TOP_K = (10, 25, 50, 100)


@dataclass
class Labelled:
    """One labelled set: record batches to import, and (source, ref, truth) per person record."""

    name: str
    batches: list[tuple[str, list[Any]]] = field(default_factory=list)
    entries: list[tuple[str, str, str]] = field(default_factory=list)


def _share(key: str, percent: int) -> bool:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 100 < percent


def demo_set(seed: int = 7) -> Labelled:
    """The demo's humans as four exports would show them."""
    from goodwill.demo import records as d
    from goodwill.demo.generate import generate
    from goodwill.importers.records import ME, Key, PersonRecord, TieRecord

    network = generate(seed, as_of=AS_OF)
    lists: dict[str, set[str]] = defaultdict(set)
    for tie in network.ties:
        if tie.source in (d.FACEBOOK_FRIENDS, d.LINKEDIN_CONNECTIONS, d.X_FOLLOWING):
            lists[tie.source].add(tie.b)
        elif tie.source == d.X_FOLLOWERS:
            lists[tie.source].add(tie.a)
    x_people = lists[d.X_FOLLOWERS] | lists[d.X_FOLLOWING]
    out = Labelled(f"demo seed {seed}")
    batches: dict[str, list[Any]] = defaultdict(list)

    def add(source: str, human: str, record: PersonRecord, *ties: TieRecord) -> None:
        out.entries.append((source, record.ref, human))
        batches[source] += [record, *ties]

    for h in network.humans[1:]:
        accounts = {a.channel: a for a in reversed(h.accounts)}
        emails = [a for a in h.accounts if a.channel == "email"]
        if h.key in lists[d.FACEBOOK_FRIENDS] and "facebook" in accounts:
            fb = accounts["facebook"]
            ref = f"fb:{fb.value}"
            record = PersonRecord(ref, fb.display, (Key("facebook", fb.value, fb.display),))
            add("facebook", h.key, record, TieRecord(ME, ref, "connection", "Facebook friends"))
        if h.key in x_people and "x_id" in accounts:
            ref = f"x:{accounts['x_id'].value}"
            keys = (Key("x_id", accounts["x_id"].value), Key("x", accounts["x"].value))
            ties = [TieRecord(ref, ME, "follow", "X followers")] * (h.key in lists[d.X_FOLLOWERS])
            ties += [TieRecord(ME, ref, "follow", "X following")] * (h.key in lists[d.X_FOLLOWING])
            add("x", h.key, PersonRecord(ref, h.name, keys), *ties)
        if h.key in lists[d.LINKEDIN_CONNECTIONS] and "linkedin" in accounts:
            ref = f"li:{accounts['linkedin'].value}"
            keys = [Key("linkedin", accounts["linkedin"].value)]
            if emails and _share(h.key, LINKEDIN_EMAIL_SHARE):
                keys.append(Key("email", emails[0].value))
            record = PersonRecord(
                ref, h.name, tuple(keys), h.given_name, h.family_name, h.organisation, h.position
            )
            add("linkedin", h.key, record, TieRecord(ME, ref, "connection", "LinkedIn"))
        phones = [a for a in h.accounts if a.channel == "phone"]
        if h.closeness > 0 and (emails or phones):
            at_work = any(a.label == "work" for a in emails)
            keys = tuple(Key(a.channel, a.value) for a in emails + phones)
            record = PersonRecord(
                f"vcf:{h.key}", h.name, keys, h.given_name, h.family_name,
                h.organisation if at_work else "",
            )  # fmt: skip
            add("address book", h.key, record)
    out.batches = [(name, batches[name]) for name in ("address book", "linkedin", "facebook", "x")]
    return out


def specimen_sets() -> list[Labelled]:
    """The real specimens whose sameness is known; empty when ../shared/data is absent."""
    from goodwill.importers.records import Context, PersonRecord
    from goodwill.importers.registry import plan
    from goodwill.importers.sources import expand

    found = []
    specimens = (
        ("LinkedIn Connections + Messages", "social-export-fixtures/linkedin-network-intelligence",
         ("Connections.csv", "Messages.csv"), lambda r: r.name.casefold()),
        ("X follower.js + following.js", "twitter-archive-larsbrinkhoff",
         ("follower.js", "following.js"), lambda r: r.keys[0].value),
    )  # fmt: skip
    for title, folder, names, label_of in specimens:
        paths = [SHARED / folder / n for n in names]
        if not all(p.exists() for p in paths):
            continue
        out = Labelled(title)
        for path in paths:
            with expand([path]) as files:
                records = list(plan(files).records(Context()))
            people = [r for r in records if isinstance(r, PersonRecord)]
            out.entries += [(path.name, r.ref, label_of(r)) for r in people]
            out.batches.append((path.name, records))
        found.append(out)
    return found


def _pairs(groups: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in groups)


def measure(owner: Any, labelled: Labelled, *, fuzzy: bool = True) -> dict[str, Any]:
    """Import ``labelled`` for ``owner`` (a fresh user) and score the merges and suggestions."""
    from goodwill.imports.apply import apply_records
    from goodwill.imports.merging import candidates
    from goodwill.imports.models import ImportRun, Merge, SourceRef

    for source, records in labelled.batches:
        run = ImportRun.objects.create(owner=owner, format=source, source=source)
        apply_records(owner, run, records)
    refs = dict(SourceRef.objects.filter(owner=owner).values_list("ref", "person_id"))
    items = [(refs[ref], label) for _, ref, label in labelled.entries]
    cells = Counter(items)
    by_person = Counter(p for p, _ in items)
    by_human = Counter(h for _, h in items)
    tp, merged, true = _pairs(cells.values()), _pairs(by_person.values()), _pairs(by_human.values())
    report: dict[str, Any] = {
        "set": labelled.name,
        "records": len(items),
        "people": len(by_person),
        "humans": len(by_human),
        "true_pairs": true,
        "merged_pairs": merged,
        "correct_pairs": tp,
        "precision": tp / merged if merged else 1.0,
        "recall": tp / true if true else 1.0,
        "merges_recorded": Merge.objects.filter(owner=owner, automatic=True).count(),
    }
    if fuzzy:
        found = candidates(owner, limit=None)
        report.update(_fuzzy(owner, items, found))
        report["by_sources"] = _by_sources(labelled, items, found)
    return report


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _fuzzy(owner: Any, items: list[tuple[int, str]], found: list[Any]) -> dict[str, Any]:
    from goodwill.imports.merging import profiles

    humans: dict[int, set[str]] = defaultdict(set)
    people: dict[str, set[int]] = defaultdict(set)
    for person, human in items:
        humans[person].add(human)
        people[human].add(person)
    apart = {_pair(a, b) for group in people.values() for a in group for b in group if a != b}
    hits = [bool(humans[c.a.id] & humans[c.b.id]) for c in found]
    at = {f"precision@{k}": sum(hits[:k]) / min(k, len(hits)) for k in TOP_K if hits}
    caught = {_pair(c.a.id, c.b.id) for c, hit in zip(found, hits, strict=True) if hit}
    # Pairs with something besides a name that could corroborate them (else none is allowed).
    known = {p.id: p for p in profiles(owner)}
    evidenced = {pair for pair in apart if _more_than_a_name(known[pair[0]], known[pair[1]])}
    return {
        "pairs_left_apart": len(apart),
        "pairs_apart_with_more_than_a_name": len(evidenced),
        "candidates": len(found),
        "candidates_correct": sum(hits),
        "candidates_precision": sum(hits) / len(hits) if hits else 1.0,
        "candidates_recall": len(caught & apart) / len(apart) if apart else 1.0,
        "candidates_recall_evidenced": len(caught & evidenced) / len(evidenced)
        if evidenced
        else 1.0,
        **at,
    }


def _more_than_a_name(p: Any, q: Any) -> bool:
    return bool(
        (p.organisation and (q.organisation or q.emails))
        or (q.organisation and p.emails)
        or (p.location and q.location)
        or (p.neighbours and q.neighbours)
    )


def _by_sources(labelled: Labelled, items: list[tuple[int, str]], found: list[Any]) -> dict:
    """True record pairs by the two sources they come from: merged, suggested or neither."""
    suggested = {_pair(c.a.id, c.b.id) for c in found}
    records: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (source, _, human), (person, _) in zip(labelled.entries, items, strict=True):
        records[human].append((source, person))
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for group in records.values():
        for i, (source_a, a) in enumerate(group):
            for source_b, b in group[i + 1 :]:
                row = table[" + ".join(sorted((source_a, source_b)))]
                row["true"] += 1
                row[
                    "merged" if a == b else "suggested" if _pair(a, b) in suggested else "left"
                ] += 1
    return {key: dict(row) for key, row in sorted(table.items())}


def distinct_demo(seed: int = 7) -> dict[str, Any]:
    """The demo as loaded (each human one person): every suggestion here is a false one."""
    from django.contrib.auth import get_user_model

    from goodwill.demo.load import build_demo
    from goodwill.imports.merging import candidates

    summary = build_demo(seed, as_of=AS_OF, username=f"distinct-{seed}")
    owner = get_user_model().objects.get(username=summary.username)
    found = candidates(owner, limit=None)
    return {
        "people": summary.counts.get("people", 0),
        "false_suggestions": len(found),
        "examples": [f"{c.a.name} ~ {c.b.name}: {'; '.join(c.reasons[1:])}" for c in found[:5]],
    }


def print_table(reports: list[dict[str, Any]]) -> None:
    rows = [
        ("set", "set"), ("records", "records"), ("people after import", "people"),
        ("humans (truth)", "humans"), ("true same-human pairs", "true_pairs"),
        ("pairs merged automatically", "merged_pairs"), ("  of which correct", "correct_pairs"),
        ("automatic precision", "precision"), ("automatic recall", "recall"),
        ("true pairs left apart", "pairs_left_apart"), ("suggested pairs", "candidates"),
        ("  of which correct", "candidates_correct"),
        ("suggestion precision", "candidates_precision"),
        *((f"suggestion precision@{k}", f"precision@{k}") for k in TOP_K),
        ("suggestion recall (of pairs left apart)", "candidates_recall"),
        ("pairs apart, both with more than a name", "pairs_apart_with_more_than_a_name"),
        ("suggestion recall (of those)", "candidates_recall_evidenced"),
    ]  # fmt: skip
    width = max(len(r[0]) for r in rows)
    for label, key in rows:
        cells = []
        for report in reports:
            value = report.get(key, "")
            cells.append(f"{value:.3f}" if isinstance(value, float) else str(value))
        print(f"{label:<{width}}  " + "  ".join(f"{c:>32}" for c in cells))
    for report in reports:
        if len(report.get("by_sources", {})) > 1:
            print(f"\n{report['set']}: true pairs by the sources of their two records")
            print(f"{'sources':<28}{'true':>7}{'merged':>8}{'suggested':>11}{'left':>7}")
            for key, row in report["by_sources"].items():
                counts = [row.get(k, 0) for k in ("true", "merged", "suggested", "left")]
                print(
                    f"{key:<28}"
                    + "".join(f"{n:>{w}}" for n, w in zip(counts, (7, 8, 11, 7), strict=True))
                )


def _setup_django() -> None:
    os.environ["GOODWILL_DATA_DIR"] = tempfile.mkdtemp(prefix="goodwill-merge-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "goodwill.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def run(seed: int) -> list[dict[str, Any]]:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    reports = [measure(users.create_user(f"demo-{seed}"), demo_set(seed))]
    for i, labelled in enumerate(specimen_sets()):
        reports.append(measure(users.create_user(f"specimen-{i}"), labelled))
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    _setup_django()
    reports = run(args.seed)
    print_table(reports)
    distinct = distinct_demo(args.seed)
    print(
        f"\nThe demo as loaded, {distinct['people']} people, all different humans: "
        f"{distinct['false_suggestions']} suggested pairs (each one wrong)"
    )
    for example in distinct["examples"]:
        print(f"  {example}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        document = {"sets": reports, "distinct_demo": distinct}
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
