"""Google Contacts CSV, in both of Google's layouts.

* legacy "Google CSV": ``Name, Given Name, Additional Name, Family Name, …, Group Membership,
  E-mail 1 - Type, E-mail 1 - Value, Phone 1 - Type, …, Organization 1 - Name, …``;
* current export: ``First Name, Middle Name, Last Name, …, Organization Name, Organization
  Title, …, Labels, E-mail 1 - Label, E-mail 1 - Value, …``.

A cell may hold several values separated by ``:::`` (two e-mails under one label). Labels and
group memberships become tags (Google's ``* myContacts`` is dropped, the ``* `` of its other
system groups removed). A website on LinkedIn becomes a LinkedIn key. Having someone in one's
address book is itself evidence: each contact gets ``TieRecord(ME, ref, "knows", "Google
Contacts")``. National phone numbers are read in ``context.options["phone_region"]`` when set.

Refs: ``gc:<first e-mail>``, else ``gc:<first phone>``, else ``gc-name:<casefolded name>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from goodwill.errors import ImportFailed
from goodwill.importers.csvutil import (
    HEADER_SCAN_ROWS,
    Row,
    bounded_ref,
    cell,
    clean,
    clean_block,
    fit_person,
    formula_issues,
    header_key,
    is_blank,
    issue,
    make_key,
    map_header,
    phone_key,
    raw_cell,
    read_rows,
    sniff_rows,
)
from goodwill.importers.records import (
    ME,
    Context,
    Issue,
    Key,
    PersonRecord,
    Record,
    TieRecord,
    Where,
)

FORMAT = "google_contacts"
LABEL = "Google Contacts CSV"
SOURCE = "Google Contacts"
SEPARATOR = ":::"

SINGLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("Name",),
    "given": ("Given Name", "First Name"),
    "middle": ("Additional Name", "Middle Name"),
    "family": ("Family Name", "Last Name"),
    "nickname": ("Nickname",),
    "file_as": ("File As",),
    "notes": ("Notes",),
    "labels": ("Labels", "Group Membership"),
    "organisation": ("Organization Name",),
    "position": ("Organization Title",),
    "location": ("Location",),
}
_GROUPED = re.compile(
    r"^(?P<kind>e-?mail|phone|website|organization|address) (?P<n>\d{1,3}) - (?P<part>[\w ]+)$",
    re.IGNORECASE,
)
_DROPPED_LABELS = frozenset({"mycontacts"})


@dataclass
class _Columns:
    """Where each field lives: single columns and numbered groups (``E-mail 2 - Value``)."""

    single: dict[str, int]
    grouped: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def many(self, kind: str, part: str) -> list[int]:
        return self.grouped.get((kind, part), [])

    def used(self) -> dict[str, int]:
        found = dict(self.single)
        for (kind, part), indexes in self.grouped.items():
            if part in ("value", "name", "title"):
                found.update({f"{kind} {n}": i for n, i in enumerate(indexes, start=1)})
        return found


def _columns(cells: tuple[str, ...] | list[str]) -> _Columns | None:
    """The column map when ``cells`` is a Google Contacts header row, else ``None``."""
    columns = _Columns(map_header(cells, SINGLE_COLUMNS))
    numbered: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for index, text in enumerate(cells):
        match = _GROUPED.match(clean(text))
        if match:
            kind = header_key(match["kind"])
            part = header_key(match["part"])
            numbered.setdefault((kind, part), []).append((int(match["n"]), index))
    columns.grouped = {k: [i for _, i in sorted(v)] for k, v in numbered.items()}
    legacy = {"name", "given", "family"} <= columns.single.keys()
    current = {"given", "family"} <= columns.single.keys() and (
        "labels" in columns.single or any(part == "label" for _, part in columns.grouped)
    )
    has_contact_data = bool(columns.many("email", "value") or columns.many("phone", "value"))
    return columns if (legacy or current) and has_contact_data else None


def identify(path: Path) -> bool:
    if not path.name.lower().endswith(".csv"):
        return False
    rows = sniff_rows(path, ",")
    return bool(rows) and _columns(rows[0]) is not None


def parse(path: Path, context: Context) -> Iterator[Record]:
    shown = context.shown(path)
    rows = read_rows(path, shown)
    header: tuple[str, ...] | None = None
    columns: _Columns | None = None
    for scanned, item in enumerate(rows):
        if isinstance(item, Issue):
            yield item
            continue
        if header is None:
            columns = _columns(item.cells)
            if columns is not None:
                header = item.cells
            elif scanned > HEADER_SCAN_ROWS:
                break
            continue
        assert columns is not None
        if not is_blank(item):
            yield from formula_issues(item, columns.used(), header, shown)
            yield from _contact(item, columns, shown, context)
    if header is None:
        raise ImportFailed(f"{shown}: no Google Contacts header row found")


def _values(row: Row, indexes: list[int]) -> list[str]:
    """Every value in the given columns, ``:::``-separated ones split, in order."""
    found: list[str] = []
    for index in indexes:
        found.extend(clean(part) for part in raw_cell(row.cells, index).split(SEPARATOR))
    return [v for v in dict.fromkeys(found) if v]


def _tags(text: str) -> tuple[str, ...]:
    tags = []
    for part in text.split(SEPARATOR):
        label = clean(part)
        if label.startswith("*"):
            label = label[1:].strip()
        if label and header_key(label) not in _DROPPED_LABELS:
            tags.append(label)
    return tuple(dict.fromkeys(tags))


def _keys(row: Row, columns: _Columns, shown: str, region: str) -> Iterator[Key | Issue]:
    for value in _values(row, columns.many("email", "value")):
        try:
            yield make_key("email", value)
        except ValueError as exc:
            yield issue("bad-email", str(exc), shown, row.line)
    for value in _values(row, columns.many("phone", "value")):
        try:
            yield phone_key(value, region)
        except ValueError as exc:
            yield issue("bad-phone", str(exc), shown, row.line)
    for value in _values(row, columns.many("website", "value")):
        channel = "linkedin" if "linkedin.com/" in value.lower() else "website"
        try:
            yield make_key(channel, value)
        except ValueError as exc:
            yield issue("bad-url", str(exc), shown, row.line)


def _name(row: Row, columns: _Columns) -> tuple[str, str, str]:
    """The display name, given name and family name of a contact."""
    single = columns.single
    given, family = cell(row.cells, single.get("given")), cell(row.cells, single.get("family"))
    middle = cell(row.cells, single.get("middle"))
    name = cell(row.cells, single.get("name")) or " ".join(p for p in (given, middle, family) if p)
    for fallback in ("nickname", "file_as"):
        name = name or cell(row.cells, single.get(fallback))
    return name, given, family


def _location(row: Row, columns: _Columns) -> str:
    city = _values(row, columns.many("address", "city")[:1])
    country = _values(row, columns.many("address", "country")[:1])
    place = ", ".join([*city[:1], *country[:1]])
    return place or cell(row.cells, columns.single.get("location"))


def _contact(row: Row, columns: _Columns, shown: str, context: Context) -> Iterator[Record]:
    keys: list[Key] = []
    for found in _keys(row, columns, shown, context.options.get("phone_region", "")):
        if isinstance(found, Issue):
            yield found
        else:
            keys.append(found)
    keys = list(dict.fromkeys(keys))
    if any(context.is_me(k) for k in keys):
        return  # the owner's own card
    name, given, family = _name(row, columns)
    single = columns.single
    organisation = cell(row.cells, single.get("organisation"))
    organisation = organisation or next(
        iter(_values(row, columns.many("organization", "name"))), ""
    )
    position = cell(row.cells, single.get("position"))
    position = position or next(iter(_values(row, columns.many("organization", "title"))), "")
    name = name or organisation
    if not name and not keys:
        message = "a contact with no name, e-mail or phone was skipped"
        yield issue("empty-row", message, shown, row.line)
        return
    ref = _ref(name, keys)
    where = Where(shown, row.line)
    person = PersonRecord(
        ref,
        name,
        tuple(keys),
        given_name=given,
        family_name=family,
        organisation=organisation,
        position=position,
        location=_location(row, columns),
        notes=clean_block(raw_cell(row.cells, single.get("notes"))),
        tags=_tags(raw_cell(row.cells, single.get("labels"))),
        where=where,
    )
    fitted, problems = fit_person(person)
    yield from problems
    yield fitted
    yield TieRecord(ME, ref, "knows", SOURCE, where=where)


def _ref(name: str, keys: list[Key]) -> str:
    for channel in ("email", "phone"):
        for key in keys:
            if key.channel == channel:
                return f"gc:{key.value}"
    return bounded_ref(f"gc-name:{name.casefold()}") if name else f"gc:{keys[0].value}"
