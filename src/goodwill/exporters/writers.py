"""The four export formats.

- ``vcard``: one vCard 4.0 (RFC 6350) per person except you, CRLF lines folded at 75 octets
  without splitting a UTF-8 character; text escaped (backslash, comma, semicolon, newline).
  Accounts use the properties address books read: URL for LinkedIn and web sites,
  X-SOCIALPROFILE for X, Mastodon and Bluesky; X-GOODWILL-ACCOUNT for the rest (X ids,
  Bluesky DIDs, Facebook names). goodwill's own importer reads the
  file back to the same people and keys.
- ``csv``: one row per person (UTF-8 with a header row); several values in a cell are joined
  with `` | ``. Cells that a spreadsheet would run as a formula are prefixed with ``'``.
- ``graphml``: people as nodes and ties as edges with their kind, direction (an attribute: a
  follow is one-way), weight, strength and sources,
  for Gephi, Cytoscape, yEd or NetworkX.
- ``json``: everything above in one document: ``{"format": "goodwill-export", "version": 1,
  "people": [...], "ties": [...]}``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from goodwill.exporters.records import Contact, Link

FOLD_AT = 75
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SOCIAL_TYPES = {
    "x": "twitter",
    "mastodon": "mastodon",
    "bluesky": "bluesky",
}
CSV_COLUMNS = (
    "id",
    "name",
    "given_name",
    "family_name",
    "organisation",
    "position",
    "location",
    "emails",
    "phones",
    "accounts",
    "tags",
    "how_we_met",
    "notes",
)
EXPORT_VERSION = 1


# -- vCard -----------------------------------------------------------------------------------


def vcard_text(value: str) -> str:
    """A TEXT value escaped as RFC 6350 section 3.4 asks."""
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into CRLF + space continuations of at most 75 octets each."""
    data = line.encode("utf-8")
    if len(data) <= FOLD_AT:
        return line + "\r\n"
    pieces: list[str] = []
    start, limit = 0, FOLD_AT
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # never cut inside a character
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start, limit = end, FOLD_AT - 1  # continuation lines start with one space
    return "\r\n ".join(pieces) + "\r\n"


def _vcard_lines(contact: Contact) -> list[str]:
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"UID:urn:goodwill:person:{contact.id}"]
    lines.append(f"FN:{vcard_text(contact.name)}")
    n_parts = (contact.family_name, contact.given_name, "", "", "")
    lines.append("N:" + ";".join(vcard_text(part) for part in n_parts))
    if contact.aliases:
        lines.append("NICKNAME:" + ",".join(vcard_text(a) for a in contact.aliases))
    if contact.organisation:
        lines.append(f"ORG:{vcard_text(contact.organisation)}")
    if contact.position:
        lines.append(f"TITLE:{vcard_text(contact.position)}")
    if contact.location:
        lines.append(f"ADR;LABEL={_param(contact.location)}:;;;{vcard_text(contact.location)};;;")
    for channel, value in contact.identities:
        if line := _identity_line(channel, value):
            lines.append(line)
    tags = [name for kind, name in contact.tags if kind == "tag"]
    if tags:
        lines.append("CATEGORIES:" + ",".join(vcard_text(t) for t in tags))
    note = _note(contact)
    if note:
        lines.append(f"NOTE:{vcard_text(note)}")
    if contact.updated:
        stamp = contact.updated[:19].replace("-", "").replace(":", "")
        lines.append(f"REV:{stamp}Z")
    lines.append("END:VCARD")
    return lines


def _param(value: str) -> str:
    # RFC 6868 caret encoding inside a quoted parameter value.
    encoded = value.replace("^", "^^").replace("\n", "^n").replace('"', "^'")
    return f'"{encoded}"'


def _identity_line(channel: str, value: str) -> str | None:
    if channel == "email":
        return f"EMAIL:{vcard_text(value)}"
    if channel == "phone":
        return f"TEL;VALUE=text:{vcard_text(value)}"
    if channel == "linkedin":
        return f"URL;TYPE=linkedin:{value}"
    if channel == "website":
        url = value if "://" in value else f"https://{value}"
        return f"URL:{url}"
    if channel == "x":
        return f"X-SOCIALPROFILE;TYPE=twitter:https://x.com/{value}"
    if channel in SOCIAL_TYPES:
        return f"X-SOCIALPROFILE;TYPE={SOCIAL_TYPES[channel]}:{vcard_text(value)}"
    # Account numbers (X id, Bluesky DID) and Facebook names: other address books cannot use them.
    return f"X-GOODWILL-ACCOUNT;TYPE={channel}:{vcard_text(value)}"


def _note(contact: Contact) -> str:
    parts = []
    if contact.how_we_met:
        parts.append(f"How we met: {contact.how_we_met}")
    for kind, label in (("interest", "Interests"), ("offer", "Offers"), ("need", "Needs")):
        names = [name for tag_kind, name in contact.tags if tag_kind == kind]
        if names:
            parts.append(f"{label}: {', '.join(names)}")
    if contact.notes:
        parts.append(contact.notes)
    return "\n".join(parts)


def write_vcard(contacts: Iterable[Contact], _links: Iterable[Link], out: IO[str]) -> int:
    """Write every contact but you; return how many cards were written."""
    count = 0
    for contact in contacts:
        if contact.is_me:
            continue
        out.write("".join(fold(line) for line in _vcard_lines(contact)))
        count += 1
    return count


# -- CSV ---------------------------------------------------------------------------------------


def safe_cell(value: str) -> str:
    """Text a spreadsheet shows as text: a leading formula character gets an apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _csv_row(contact: Contact) -> list[str]:
    accounts = [
        f"{channel}:{value}"
        for channel, value in contact.identities
        if channel not in ("email", "phone")
    ]
    values = {
        "id": str(contact.id),
        "name": contact.name,
        "given_name": contact.given_name,
        "family_name": contact.family_name,
        "organisation": contact.organisation,
        "position": contact.position,
        "location": contact.location,
        "emails": " | ".join(contact.channel_values("email")),
        "phones": " | ".join(contact.channel_values("phone")),
        "accounts": " | ".join(accounts),
        "tags": " | ".join(
            name if kind == "tag" else f"{kind}:{name}" for kind, name in contact.tags
        ),
        "how_we_met": contact.how_we_met,
        "notes": contact.notes,
    }
    return [safe_cell(values[column]) for column in CSV_COLUMNS]


def write_csv(contacts: Iterable[Contact], _links: Iterable[Link], out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for contact in contacts:
        writer.writerow(_csv_row(contact))
        count += 1
    return count


# -- GraphML -----------------------------------------------------------------------------------

_NODE_KEYS = (
    ("name", "string"),
    ("organisation", "string"),
    ("position", "string"),
    ("tags", "string"),
    ("is_me", "boolean"),
)
_EDGE_KEYS = (
    ("kind", "string"),
    ("directed", "boolean"),
    ("weight", "double"),
    ("strength", "double"),
    ("since", "string"),
    ("sources", "string"),
)


def _data(key: str, value: object) -> str:
    text = ("true" if value else "false") if isinstance(value, bool) else escape(str(value))
    return f'<data key="{key}">{text}</data>'


def write_graphml(contacts: Iterable[Contact], links: Iterable[Link], out: IO[str]) -> int:
    """Nodes are people (``p<ID>``), edges are ties with their attributes."""
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write('<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
    for prefix, target, keys in (("n", "node", _NODE_KEYS), ("e", "edge", _EDGE_KEYS)):
        for name, kind in keys:
            out.write(
                f'  <key id="{prefix}_{name}" for="{target}" attr.name="{name}" '
                f'attr.type="{kind}"/>\n'
            )
    out.write('  <graph id="goodwill" edgedefault="undirected">\n')
    count = 0
    for contact in contacts:
        tags = ", ".join(name for _kind, name in contact.tags)
        fields = [_data("n_name", contact.name), _data("n_is_me", contact.is_me)]
        for key, value in (
            ("n_organisation", contact.organisation),
            ("n_position", contact.position),
            ("n_tags", tags),
        ):
            if value:
                fields.append(_data(key, value))
        out.write(f'    <node id="p{contact.id}">{"".join(fields)}</node>\n')
        count += 1
    for number, link in enumerate(links):
        fields = [
            _data("e_kind", link.kind),
            _data("e_directed", link.directed),
            _data("e_weight", link.weight),
        ]
        if link.strength is not None:
            fields.append(_data("e_strength", link.strength))
        if link.since:
            fields.append(_data("e_since", link.since))
        if link.sources:
            fields.append(_data("e_sources", "; ".join(link.sources)))
        # One-way ties (follows) say so in an attribute: most tools refuse a graph that mixes
        # directed and undirected edges.
        out.write(
            f'    <edge id={quoteattr(f"t{number}")} source="p{link.a}" '
            f'target="p{link.b}">{"".join(fields)}</edge>\n'
        )
    out.write("  </graph>\n</graphml>\n")
    return count


# -- JSON --------------------------------------------------------------------------------------


def _contact_json(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id,
        "name": contact.name,
        "given_name": contact.given_name,
        "family_name": contact.family_name,
        "is_me": contact.is_me,
        "organisation": contact.organisation,
        "position": contact.position,
        "location": contact.location,
        "how_we_met": contact.how_we_met,
        "notes": contact.notes,
        "aliases": list(contact.aliases),
        "tags": [{"kind": kind, "name": name} for kind, name in contact.tags],
        "identities": [{"channel": c, "value": v} for c, v in contact.identities],
        "never_connector": contact.never_connector,
        "blocked": contact.blocked,
        "updated": contact.updated,
    }


def _link_json(link: Link) -> dict[str, Any]:
    return {
        "a": link.a,
        "b": link.b,
        "kind": link.kind,
        "directed": link.directed,
        "weight": link.weight,
        "strength": link.strength,
        "since": link.since or None,
        "sources": list(link.sources),
    }


def write_json(contacts: Iterable[Contact], links: Iterable[Link], out: IO[str]) -> int:
    people = [_contact_json(c) for c in contacts]
    document = {
        "format": "goodwill-export",
        "version": EXPORT_VERSION,
        "people": people,
        "ties": [_link_json(link) for link in links],
    }
    json.dump(document, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(people)


Writer = Callable[[Iterable[Contact], Iterable[Link], IO[str]], int]
FORMATS: dict[str, Writer] = {
    "vcard": write_vcard,
    "csv": write_csv,
    "graphml": write_graphml,
    "json": write_json,
}
