"""LinkedIn export: Connections.csv, messages.csv and Invitations.csv.

One fixture per quirk under fixtures/linkedin/ with its golden output beside it
(``<quirk>.expected.json``; an optional ``<quirk>.context.json`` sets the import context).
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodwill.errors import ImportFailed
from goodwill.identity import normalise
from goodwill.importers import google_contacts, linkedin, relationships
from goodwill.importers.records import (
    ME,
    Context,
    InteractionRecord,
    Issue,
    Key,
    OvertureRecord,
    PersonRecord,
    PostRecord,
    Record,
    TieRecord,
)
from goodwill.vocab import CHANNELS, DIRECTIONS, INTERACTION_KINDS, TIE_KINDS, values
from tests.conftest import shared_data
from tests.importers.expected import check_golden

FIXTURES = Path(__file__).parent / "fixtures" / "linkedin"
SPECIMENS = "social-export-fixtures"


def fixtures(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.endswith(".json"))


def context_for(path: Path) -> Context:
    """The context a fixture asks for in ``<quirk>.context.json`` (default: none)."""
    settings_path = path.with_name(path.stem + ".context.json")
    if not settings_path.exists():
        return Context()
    wanted = json.loads(settings_path.read_text(encoding="utf-8"))
    return Context(
        me_keys=frozenset(Key(c, v) for c, v in wanted.get("me_keys", [])),
        store_bodies=wanted.get("store_bodies", False),
        options=wanted.get("options", {}),
    )


def assert_well_formed(records: Iterable[Record]) -> list[Record]:
    """The interface's promises: people before their refs, normalised keys, known words."""
    records = list(records)
    named = {ME}
    for record in records:
        if isinstance(record, PersonRecord):
            assert record.ref
            assert record.ref != ME
            assert len(record.ref) <= 400, "SourceRef.ref keeps 400 characters"
            for key in record.keys:
                assert normalise(key.channel, key.value) == key.value
            named.add(record.ref)
        elif isinstance(record, TieRecord):
            assert {record.a, record.b} <= named
            assert record.a != record.b
            assert record.kind in values(TIE_KINDS)
        elif isinstance(record, InteractionRecord):
            assert {ref for ref, _ in record.participants} <= named
            assert record.kind in values(INTERACTION_KINDS)
            assert record.channel in values(CHANNELS)
            assert record.direction in values(DIRECTIONS)
            assert record.when.tzinfo is not None
        elif isinstance(record, OvertureRecord):
            assert record.to in named
            assert record.channel in values(CHANNELS)
        else:
            assert isinstance(record, Issue | PostRecord)
    return records


def parse(path: Path, context: Context | None = None) -> list[Record]:
    return assert_well_formed(linkedin.parse(path, context or Context()))


@pytest.mark.parametrize("path", fixtures(FIXTURES), ids=lambda p: p.stem)
def test_fixture(path):
    assert linkedin.identify(path)
    check_golden(parse(path, context_for(path)), path.with_name(path.stem + ".expected.json"))


def kinds(records: list[Record]) -> Counter[str]:
    return Counter(type(r).__name__ for r in records)


# -- real specimens ------------------------------------------------------------------------
def test_network_intelligence_connections():
    path = shared_data(SPECIMENS, "linkedin-network-intelligence", "Connections.csv")
    assert linkedin.identify(path)
    records = parse(path)
    people = [r for r in records if isinstance(r, PersonRecord)]
    ties = [r for r in records if isinstance(r, TieRecord)]
    assert kinds(records) == {"PersonRecord": 10, "TieRecord": 10}
    assert sum(any(k.channel == "email" for k in p.keys) for p in people) == 7
    assert all(t.a == ME and t.kind == "connection" for t in ties)
    assert ties[0].source == "LinkedIn Connections.csv"
    assert people[0].ref == "li:https://www.linkedin.com/in/alicejohnson"
    assert (people[0].organisation, people[0].position) == ("TechCorp", "CTO")
    assert ties[0].since.isoformat() == "2023-01-15"
    assert people[0].where.line == 6


def test_six_hops_duplicate_names_and_empty_row():
    path = shared_data(SPECIMENS, "six-hops", "Connections.csv")
    assert linkedin.identify(path)
    records = parse(path)
    people = [r for r in records if isinstance(r, PersonRecord)]
    issues = [r for r in records if isinstance(r, Issue)]
    assert len(people) == 4
    priyas = [p.ref for p in people if p.name == "Priya Sharma"]
    assert priyas == [
        "li:https://www.linkedin.com/in/priya-sharma-1",
        "li:https://www.linkedin.com/in/priya-sharma-2",
    ]
    assert [(i.code, i.where.line) for i in issues] == [("empty-row", 9)]
    assert people[2].organisation == "Razorpay Software Pvt Ltd"


def test_constellation_urls_are_normalised():
    path = shared_data(SPECIMENS, "constellation", "linkedin_connections.csv")
    people = [r for r in parse(path) if isinstance(r, PersonRecord)]
    assert [p.ref for p in people] == [
        "li:https://www.linkedin.com/in/jerry-mathis",
        "li:https://www.linkedin.com/in/alex-johnson",
    ]
    assert people[0].keys[0].display == "https://www.linkedin.com/in/jerry-mathis/?trk=export"


def test_network_intelligence_messages():
    path = shared_data(SPECIMENS, "linkedin-network-intelligence", "Messages.csv")
    assert linkedin.identify(path)
    records = parse(path)
    messages = [r for r in records if isinstance(r, InteractionRecord)]
    assert len(messages) == 11
    assert len({m.external_id for m in messages}) == 11
    assert Counter(m.direction for m in messages) == {"in": 6, "out": 5}
    others = {ref for m in messages for ref, _ in m.participants if ref != ME}
    assert len(others) == 4, "one correspondent per conversation"
    assert all(m.body == "" for m in messages), "bodies are kept only when asked"
    assert all(m.channel == "linkedin" and m.kind == "message" for m in messages)
    first = messages[0]
    assert first.participants == (
        ("li:https://www.linkedin.com/in/alicejohnson", "from"),
        (ME, "to"),
    )


def test_messages_bodies_only_when_asked():
    path = shared_data(SPECIMENS, "linkedin-network-intelligence", "Messages.csv")
    messages = [
        r for r in parse(path, Context(store_bodies=True)) if isinstance(r, InteractionRecord)
    ]
    assert messages[0].body.startswith("Great connecting!")


def test_message_ids_are_stable_across_runs():
    path = FIXTURES / "messages_group_and_drafts.csv"
    assert parse(path) == parse(path)


# -- identification ------------------------------------------------------------------------
def test_other_formats_are_not_linkedin(tmp_path):
    others = [
        *fixtures(FIXTURES.parent / "google_contacts"),
        *fixtures(FIXTURES.parent / "relationships"),
    ]
    assert others
    assert not any(linkedin.identify(p) for p in others)
    plain = tmp_path / "Connections.csv"
    plain.write_text("name,email\nAnn,ann@example.org\n")
    assert not linkedin.identify(plain)
    assert not linkedin.identify(tmp_path / "missing.csv")


def test_linkedin_files_are_not_other_formats():
    for path in fixtures(FIXTURES):
        assert not google_contacts.identify(path), path.name
        assert not relationships.identify(path), path.name
        assert not relationships.EDGELIST.identify(path), path.name


def test_assistant_chats_are_not_messages(tmp_path):
    path = tmp_path / "guide_messages.csv"
    path.write_bytes((FIXTURES / "messages_bodies_kept.csv").read_bytes())
    assert not linkedin.identify(path)


# -- failures ------------------------------------------------------------------------------
def test_unreadable_or_foreign_files_fail_clearly(tmp_path):
    with pytest.raises(ImportFailed, match=r"nowhere\.csv: cannot be read"):
        list(linkedin.parse(tmp_path / "nowhere.csv", Context()))
    foreign = tmp_path / "Connections.csv"
    foreign.write_text("just,some\ncsv,text\n")
    with pytest.raises(ImportFailed, match="no LinkedIn header row"):
        list(linkedin.parse(foreign, Context()))
    with pytest.raises(ImportFailed, match="is a folder"):
        list(linkedin.parse(tmp_path, Context()))


def test_shown_name_is_used_in_issues(tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text("First Name,Last Name,URL,Connected On\n,,,01 Jan 2023\n")
    context = Context(names={str(path): "export.zip/Connections.csv"})
    [problem] = parse(path, context)
    assert str(problem.where) == "export.zip/Connections.csv:2"


def test_long_fields_are_cut_with_an_issue(tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text(f"First Name,Last Name,Company,Connected On\nAnn,Lee,{'x' * 500},1 Jan 2020\n")
    records = parse(path)
    assert [r.code for r in records if isinstance(r, Issue)] == ["field-truncated"]
    assert len(records[1].organisation) == 200


HEADER = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
ROWS = "Ann,Lee,,,Acme,,1 Jan 2020\nBob,Ray,,,,,2 Jan 2020\n"


@pytest.mark.parametrize(
    ("name", "data", "codes"),
    [
        ("bare-cr", (HEADER.decode() + ROWS).replace("\n", "\r").encode(), []),
        ("utf-16", b"\xff\xfe" + (HEADER.decode() + ROWS).encode("utf-16-le"), []),
        (
            "long-line",
            HEADER + b"Ann,Lee," + b"x" * (2 << 20) + b"\n" + ROWS.encode(),
            ["line-too-long"],
        ),
        ("huge-field", HEADER + b'Ann,"' + b"y" * 200_000 + b'"\n' + ROWS.encode(), ["bad-row"]),
    ],
)
def test_awkward_files_keep_going(tmp_path, name, data, codes):
    path = tmp_path / "Connections.csv"
    path.write_bytes(data)
    assert linkedin.identify(path)
    records = parse(path)
    assert [r.code for r in records if isinstance(r, Issue)] == codes
    assert [r.name for r in records if isinstance(r, PersonRecord)][-2:] == ["Ann Lee", "Bob Ray"]
    assert [r.where.line for r in records if isinstance(r, PersonRecord)][-1] == len(codes) + 3


MESSAGES = b"CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT\n"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.binary(max_size=600), prefix=st.sampled_from([b"", HEADER, MESSAGES]))
def test_arbitrary_bytes_never_crash(tmp_path, body, prefix):
    path = tmp_path / "Connections.csv"
    path.write_bytes(prefix + body)
    with contextlib.suppress(ImportFailed):
        parse(path, Context(store_bodies=True))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(st.text(max_size=30), min_size=0, max_size=9), max_size=6))
def test_arbitrary_cells_never_crash(tmp_path, rows):
    import csv
    import io

    for header in (HEADER, MESSAGES):
        text = io.StringIO()
        csv.writer(text).writerows(rows)
        path = tmp_path / "Connections.csv"
        path.write_bytes(header + text.getvalue().encode("utf-8", "surrogatepass"))
        with contextlib.suppress(ImportFailed):
            parse(path)


# -- through the apply layer ---------------------------------------------------------------
def apply_twice(owner, module, paths):
    """Apply each file (with its fixture context) twice; return the outcomes of both rounds."""
    from goodwill.imports.apply import apply_records
    from goodwill.imports.models import ImportRun

    def run(path):
        record = ImportRun.objects.create(owner=owner, format=module.FORMAT, source=path.name)
        return apply_records(owner, record, module.parse(path, context_for(path)))

    return [run(p) for p in paths], [run(p) for p in paths]


@pytest.mark.django_db
def test_reimport_changes_nothing(owner):
    first, second = apply_twice(owner, linkedin, fixtures(FIXTURES))
    assert not [i for o in first for i in o.issues if i.code == "unknown-person"]
    assert sum(o.people_created for o in first) > 30
    assert sum(o.interactions for o in first) == 10
    assert sum(o.overtures for o in first) == 2
    for outcome in second:
        assert (outcome.people_created, outcome.ties, outcome.interactions, outcome.overtures) == (
            0,
            0,
            0,
            0,
        )
