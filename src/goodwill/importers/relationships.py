"""Who-knows-whom files: a relationships CSV and SNAP-style edge lists.

Two formats live here because they share their records and rules:

* ``relationships`` (this module's ``FORMAT``): a CSV (comma, semicolon or tab) whose header
  names two person columns (``person,knows``, ``a,b``, ``from,to``, ``source,target``,
  ``name1,name2``…) and optionally ``weight`` and ``since``. A value is a name, an e-mail address
  or an id; ``me`` names the owner.
* ``edgelist`` (the ``EDGELIST`` object, same interface): whitespace-separated ``u v`` or
  ``u v w`` lines with ``#`` or ``%`` comments, as SNAP publishes graphs. Read as a stream,
  fast enough for hundreds of thousands of edges.

Every distinct endpoint becomes a ``PersonRecord`` (refs ``rel:<casefolded value>``, or
``rel:<normalised e-mail>`` with an e-mail key, and ``edge:<label>``), every pair a
``TieRecord(a, b, "knows", "<file name>")``. Ties are undirected: a pair seen again, in either
order, is skipped silently (SNAP's Enron file lists each edge both ways); a self-loop is an
issue.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from pathlib import Path

from goodwill.errors import ImportFailed
from goodwill.importers.base import SNIFF_BYTES, sniff
from goodwill.importers.csvutil import (
    PERSON_LIMITS,
    Row,
    bounded_ref,
    cell,
    clean,
    decoded_lines,
    fit_person,
    formula_issues,
    header_key,
    is_blank,
    issue,
    make_key,
    map_header,
    open_binary,
    parse_date,
    read_rows,
    sniff_delimiter,
    sniff_rows,
)
from goodwill.importers.records import ME, Context, Issue, PersonRecord, Record, TieRecord, Where

FORMAT = "relationships"
LABEL = "Relationships CSV (who knows whom)"
KIND = "knows"

PERSON_PAIRS: tuple[tuple[str, str], ...] = (
    ("person", "knows"),
    ("a", "b"),
    ("from", "to"),
    ("source", "target"),
    ("source", "destination"),
    ("name1", "name2"),
    ("person1", "person2"),
    ("persona", "personb"),
    ("node1", "node2"),
    ("src", "dst"),
    ("u", "v"),
)
EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "weight": ("weight", "strength", "w"),
    "since": ("since", "date", "since date"),
}
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
OWNER_NAMES = frozenset({"me"})


def _pair_columns(cells: tuple[str, ...] | list[str]) -> dict[str, int] | None:
    """``{"a": i, "b": j, ...}`` when every header cell is a person pair or an extra column."""
    keys = [header_key(c) for c in cells]
    for first, second in PERSON_PAIRS:
        if first in keys and second in keys:
            columns = {"a": keys.index(first), "b": keys.index(second)}
            columns.update(map_header(cells, EXTRA_COLUMNS))
            return columns if len(set(columns.values())) == len(keys) else None
    return None


def identify(path: Path) -> bool:
    if not path.name.lower().endswith(TEXT_SUFFIXES):
        return False
    rows = sniff_rows(path)
    return bool(rows) and _pair_columns(rows[0]) is not None


def parse(path: Path, context: Context) -> Iterator[Record]:
    shown = context.shown(path)
    source = shown.rsplit("/", 1)[-1]
    delimiter = sniff_delimiter(sniff(path).decode("utf-8-sig", errors="replace"))
    rows = read_rows(path, shown, delimiter=delimiter)
    graph = _Graph(source)
    columns: dict[str, int] | None = None
    header: tuple[str, ...] = ()
    for item in rows:
        if isinstance(item, Issue):
            yield item
        elif columns is None:
            if is_blank(item):
                continue
            columns, header = _pair_columns(item.cells), item.cells
            if columns is None:
                raise ImportFailed(
                    f"{shown}: the header must name two person columns (e.g. person,knows)"
                )
        elif not is_blank(item):
            yield from formula_issues(item, columns, header, shown)
            yield from _relationship(item, columns, shown, context, graph)
    if columns is None:
        raise ImportFailed(f"{shown}: the file is empty (no header row)")


class _Graph:
    """People named so far and undirected pairs seen so far."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.named: set[str] = set()
        self.pairs: set[tuple[str, str]] = set()


def _endpoint(value: str, shown: str, line: int, context: Context) -> PersonRecord | str:
    """The person a cell names, or ``ME`` for the owner."""
    if value.casefold() in OWNER_NAMES:
        return ME
    if "@" in value and not value.startswith("@"):
        try:
            key = make_key("email", value)
        except ValueError:
            pass
        else:
            if context.is_me(key):
                return ME
            return PersonRecord(f"rel:{key.value}", "", (key,), where=Where(shown, line))
    return PersonRecord(bounded_ref(f"rel:{value.casefold()}"), value, where=Where(shown, line))


def _weight(text: str, shown: str, line: int) -> tuple[float, list[Issue]]:
    if not text:
        return 1.0, []
    try:
        weight = float(text.replace(",", "."))
    except ValueError:
        weight = math.nan
    if not math.isfinite(weight) or weight <= 0:
        return 1.0, [issue("bad-weight", f"weight {text!r} is not a positive number", shown, line)]
    return weight, []


def _relationship(
    row: Row, columns: dict[str, int], shown: str, context: Context, graph: _Graph
) -> Iterator[Record]:
    values = cell(row.cells, columns["a"]), cell(row.cells, columns["b"])
    if not all(values):
        yield issue("missing-person", "a row without two people was skipped", shown, row.line)
        return
    ends = [_endpoint(v, shown, row.line, context) for v in values]
    refs = [e if isinstance(e, str) else e.ref for e in ends]
    if refs[0] == refs[1]:
        yield issue("self-loop", f"{values[0]!r} cannot know themselves", shown, row.line)
        return
    pair = (refs[0], refs[1]) if refs[0] < refs[1] else (refs[1], refs[0])
    if pair in graph.pairs:
        return
    graph.pairs.add(pair)
    weight, problems = _weight(cell(row.cells, columns.get("weight")), shown, row.line)
    yield from problems
    since = None
    if text := cell(row.cells, columns.get("since")):
        since = parse_date(text)
        if since is None:
            yield issue("bad-date", f"cannot read the date {text!r}", shown, row.line)
    for end in ends:
        if isinstance(end, PersonRecord) and end.ref not in graph.named:
            graph.named.add(end.ref)
            fitted, problems = fit_person(end)
            yield from problems
            yield fitted
    where = Where(shown, row.line)
    yield TieRecord(refs[0], refs[1], KIND, graph.source, since, weight, where=where)


# -- edge lists ------------------------------------------------------------------------------
_COMMENT = ("#", "%")
_EDGE_LINE = re.compile(r"^\S+\s+\S+(?:\s+[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)?\s*$")
EDGELIST_SUFFIXES = (".txt", ".edges", ".edgelist", ".el", ".tsv", ".dat", ".ncol")
NAME_LIMIT = PERSON_LIMITS["name"]


def identify_edgelist(path: Path) -> bool:
    """A text file whose first data lines are ``u v`` or ``u v w`` with no commas."""
    name = path.name.lower()
    if "." in name and not name.endswith(EDGELIST_SUFFIXES):
        return False
    head = sniff(path)
    if not head or b"\x00" in head:
        return False
    lines = head.decode("utf-8-sig", errors="replace").splitlines()
    if len(head) == SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut short
    data = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith(_COMMENT)][:20]
    if not data or any("," in ln for ln in data) or not _EDGE_LINE.match(data[0]):
        return False
    if "." not in name and not all(t.isdigit() for ln in data for t in ln.split()[:2]):
        return False  # without a suffix only numeric node ids convince (not SHA256SUMS)
    # A stray bad line is the parser's business (an issue), not a reason to refuse the file.
    fitting = sum(1 for ln in data if _EDGE_LINE.match(ln))
    return fitting * 4 >= len(data) * 3 and _pair_columns(data[0].split()) is None


def parse_edgelist(path: Path, context: Context) -> Iterator[Record]:
    """Stream the edges of a whitespace edge list; see the module docstring."""
    shown = context.shown(path)
    source = shown.rsplit("/", 1)[-1]
    handle = open_binary(path, shown)
    with handle:
        pending: list[Issue] = []
        try:
            yield from _edges(decoded_lines(handle, shown, pending), pending, shown, source)
        except OSError as exc:
            raise ImportFailed(f"{shown}: read error ({exc.strerror or exc})") from None


def _edges(lines: Iterator[str], pending: list[Issue], shown: str, source: str) -> Iterator[Record]:
    nodes: dict[str, int] = {}
    refs: list[str] = []
    pairs: set[int] = set()
    for number, line in enumerate(lines, start=1):
        if pending:
            yield from pending
            pending.clear()
        parts = line.split()
        if not parts or parts[0].startswith(_COMMENT):
            continue
        weight, since = 1.0, None
        if len(parts) == 3:
            third = parts[2]
            if third.isdigit() and 9 <= len(third) <= 11:
                since = _unix_date(third)  # a temporal edge list (SNAP CollegeMsg): u v time
            else:
                try:
                    weight = float(third)
                except ValueError:
                    weight = math.nan
                if not math.isfinite(weight) or weight <= 0:
                    message = f"weight {third[:40]!r} is not a positive number"
                    yield issue("bad-weight", message, shown, number)
                    weight = 1.0
        elif len(parts) != 2:
            yield issue("bad-line", "expected 'u v' or 'u v weight'", shown, number)
            continue
        u, v = parts[0], parts[1]
        if u == v:
            yield issue("self-loop", f"node {u[:40]!r} is linked to itself", shown, number)
            continue
        iu, iv = nodes.get(u), nodes.get(v)
        if iu is not None and iv is not None:
            pair = (iu << 32) | iv if iu < iv else (iv << 32) | iu
            if pair in pairs:
                continue
        else:
            if iu is None:
                iu = len(refs)
                nodes[u] = iu
                refs.append(_edge_ref(u))
                yield _node(u, refs[iu], shown, number)
            if iv is None:
                iv = len(refs)
                nodes[v] = iv
                refs.append(_edge_ref(v))
                yield _node(v, refs[iv], shown, number)
            pair = (iu << 32) | iv if iu < iv else (iv << 32) | iu
        pairs.add(pair)
        yield TieRecord(refs[iu], refs[iv], KIND, source, since, weight)
    yield from pending


def _edge_ref(label: str) -> str:
    return f"edge:{label}" if len(label) < 300 else bounded_ref(f"edge:{label}")


def _unix_date(text: str) -> dt.date:
    return dt.datetime.fromtimestamp(int(text), dt.UTC).date()


def _node(label: str, ref: str, shown: str, line: int) -> PersonRecord:
    if label.isprintable() and len(label) <= NAME_LIMIT:
        return PersonRecord(ref, label)
    return PersonRecord(ref, clean(label)[:NAME_LIMIT], where=Where(shown, line))


class _EdgeList:
    """The ``edgelist`` format, shaped like an importer module."""

    FORMAT = "edgelist"
    LABEL = "Edge list (SNAP-style 'u v [w]' lines)"

    @staticmethod
    def identify(path: Path) -> bool:
        return identify_edgelist(path)

    @staticmethod
    def parse(path: Path, context: Context) -> Iterator[Record]:
        return parse_edgelist(path, context)


EDGELIST = _EdgeList()
