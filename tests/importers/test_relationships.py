"""Relationships CSV and SNAP-style edge lists: fixtures per quirk, and the real SNAP graphs."""

from __future__ import annotations

import contextlib
import csv
import io
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodwill.errors import ImportFailed
from goodwill.importers import google_contacts, linkedin, relationships
from goodwill.importers.csvutil import make_key
from goodwill.importers.records import ME, Context, Issue, PersonRecord, TieRecord
from tests.conftest import shared_data
from tests.importers.expected import check_golden
from tests.importers.test_linkedin import assert_well_formed, context_for, fixtures

FIXTURES = Path(__file__).parent / "fixtures" / "relationships"
EDGELIST = relationships.EDGELIST


def importer_for(path: Path):
    """Exactly one of the two formats claims each fixture."""
    claims = [m for m in (relationships, EDGELIST) if m.identify(path)]
    assert len(claims) == 1, f"{path.name} claimed by {[m.FORMAT for m in claims]}"
    return claims[0]


@pytest.mark.parametrize("path", fixtures(FIXTURES), ids=lambda p: p.name)
def test_fixture(path):
    records = assert_well_formed(importer_for(path).parse(path, context_for(path)))
    check_golden(records, path.with_name(path.stem + ".expected.json"))


def test_formats_are_named():
    assert (relationships.FORMAT, EDGELIST.FORMAT) == ("relationships", "edgelist")
    assert relationships.LABEL
    assert EDGELIST.LABEL


def test_person_knows_semantics():
    records = list(relationships.parse(FIXTURES / "person_knows.csv", Context()))
    ties = [r for r in records if isinstance(r, TieRecord)]
    assert [(t.a, t.b, t.weight) for t in ties] == [
        ("rel:lori chen", "rel:sam patel", 2.0),
        (ME, "rel:lori chen", 1.0),
        ("rel:lori@example.org", "rel:sam@example.org", 1.5),
        ("rel:42", "rel:17", 1.0),
    ]
    assert ties[0].source == "person_knows.csv"
    assert ties[0].since.isoformat() == "2019-05-01"
    codes = [(r.code, r.where.line) for r in records if isinstance(r, Issue)]
    assert codes == [("self-loop", 6), ("missing-person", 7), ("self-loop", 9)]


def test_owner_email_is_me():
    context = Context(me_keys=frozenset({make_key("email", "lori@example.org")}))
    ties = [
        r
        for r in relationships.parse(FIXTURES / "person_knows.csv", context)
        if isinstance(r, TieRecord)
    ]
    assert (ME, "rel:sam@example.org") in [(t.a, t.b) for t in ties]


def test_facebook_combined_counts():
    path = shared_data("snap-ego-facebook", "facebook_combined.txt")
    assert EDGELIST.identify(path)
    assert not relationships.identify(path)
    counts = Counter(type(r).__name__ for r in EDGELIST.parse(path, Context()))
    assert counts == {"PersonRecord": 4039, "TieRecord": 88234}


def test_enron_counts_undirected_pairs_once():
    path = shared_data("snap-email-enron", "Email-Enron.txt")
    assert EDGELIST.identify(path)
    people = ties = 0
    pairs = set()
    for record in EDGELIST.parse(path, Context()):
        if isinstance(record, PersonRecord):
            people += 1
        elif isinstance(record, TieRecord):
            ties += 1
            pairs.add(frozenset((record.a, record.b)))
        else:
            raise AssertionError(record)
    assert (people, ties, len(pairs)) == (36692, 183831, 183831)


def test_edge_list_streams(tmp_path):
    """The parser yields the first edge before reading the rest of a large file."""
    path = tmp_path / "big.txt"
    path.write_text("".join(f"{i} {i + 1}\n" for i in range(200_000)))
    records = EDGELIST.parse(path, Context())
    assert [type(next(records)).__name__ for _ in range(3)] == [
        "PersonRecord",
        "PersonRecord",
        "TieRecord",
    ]


def test_identification_is_specific(tmp_path):
    for path in [
        *fixtures(FIXTURES.parent / "linkedin"),
        *fixtures(FIXTURES.parent / "google_contacts"),
    ]:
        assert not relationships.identify(path), path.name
        assert not EDGELIST.identify(path), path.name
    for path in fixtures(FIXTURES):
        assert not linkedin.identify(path), path.name
        assert not google_contacts.identify(path), path.name
    cases = {
        "prose.txt": "This is a sentence with many words in it.\nAnother one here too.\n",
        "handles.txt": "@ann@example.social\n@bob@example.social\n",
        "commas.txt": "1,2\n2,3\n",
        "extra.csv": "person,knows,notes\nAnn,Bob,friends\n",
        "edges.json": "0 1\n1 2\n",
        "binary.txt": "0 1\n\x00\x01\n",
        "SHA256SUMS": f"{'ab' * 32}  facebook/0.edges\n{'cd' * 32}  facebook/1.edges\n",
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text)
        assert not EDGELIST.identify(path), name
        assert not relationships.identify(path), name
    assert not EDGELIST.identify(tmp_path / "missing.txt")
    bare = tmp_path / "graph"
    bare.write_text("1 2\n2 3\n")
    assert EDGELIST.identify(bare)


def test_unreadable_and_headerless_files_fail_clearly(tmp_path):
    with pytest.raises(ImportFailed, match=r"gone\.txt: cannot be read"):
        list(EDGELIST.parse(tmp_path / "gone.txt", Context()))
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n")
    with pytest.raises(ImportFailed, match="empty"):
        list(relationships.parse(empty, Context()))
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("name,email\nAnn,ann@example.org\n")
    with pytest.raises(ImportFailed, match="two person columns"):
        list(relationships.parse(wrong, Context()))


def test_long_values_get_bounded_stable_refs(tmp_path):
    long_name = "Ann " + "x" * 1000
    path = tmp_path / "rel.csv"
    path.write_text(f"a,b\n{long_name},Bob\n")
    first = assert_well_formed(relationships.parse(path, Context()))
    assert first == list(relationships.parse(path, Context()))
    people = [r for r in first if isinstance(r, PersonRecord)]
    assert people[0].ref.startswith("rel:ann xxx")
    assert len(people[0].name) == 200
    assert [r.code for r in first if isinstance(r, Issue)] == ["field-truncated"]
    edges = tmp_path / "long.txt"
    edges.write_text(f"{'y' * 500} z\n")
    assert_well_formed(EDGELIST.parse(edges, Context()))


SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(body=st.binary(max_size=600), prefix=st.sampled_from([b"", b"a,b,weight,since\n"]))
def test_arbitrary_bytes_never_crash(tmp_path, body, prefix):
    path = tmp_path / "edges.txt"
    path.write_bytes(prefix + body)
    for importer in (relationships, EDGELIST):
        with contextlib.suppress(ImportFailed):
            assert_well_formed(importer.parse(path, Context()))


@SETTINGS
@given(rows=st.lists(st.lists(st.text(max_size=20), max_size=5), max_size=8))
def test_arbitrary_cells_never_crash(tmp_path, rows):
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    path = tmp_path / "rel.csv"
    path.write_bytes(b"source,target,weight,since\n" + text.getvalue().encode("utf-8", "replace"))
    assert_well_formed(relationships.parse(path, Context()))


@SETTINGS
@given(
    lines=st.lists(
        st.lists(
            st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=6), max_size=4
        ),
        max_size=12,
    )
)
def test_arbitrary_edge_lines_never_crash(tmp_path, lines):
    path = tmp_path / "g.txt"
    path.write_text("\n".join(" ".join(tokens) for tokens in lines), encoding="utf-8")
    records = assert_well_formed(EDGELIST.parse(path, Context()))
    ties = [frozenset((r.a, r.b)) for r in records if isinstance(r, TieRecord)]
    assert len(ties) == len(set(ties)), "undirected pairs are unique"


@pytest.mark.django_db
def test_reimport_changes_nothing(owner):
    from tests.importers.test_linkedin import apply_twice

    csvs = [p for p in fixtures(FIXTURES) if relationships.identify(p)]
    edges = [p for p in fixtures(FIXTURES) if EDGELIST.identify(p)]
    first, second = apply_twice(owner, relationships, csvs)
    first_edges, second_edges = apply_twice(owner, EDGELIST, edges)
    assert not [i for o in first + first_edges for i in o.issues if i.code == "unknown-person"]
    # 13 CSV pairs and 16 edges; two edges (1-2, 3-4) are in two edge lists: one tie each.
    assert sum(o.ties for o in first + first_edges) == 13 + 16 - 2
    assert all((o.people_created, o.ties) == (0, 0) for o in second + second_edges)
