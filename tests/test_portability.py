"""Exports (vCard, CSV, GraphML, JSON), backup and restore."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import networkx as nx
import pytest

from goodwill.exporters import Contact, Link, write_csv, write_graphml, write_vcard
from goodwill.exporters.writers import fold, vcard_text
from goodwill.importers import vcard as vcard_importer
from goodwill.importers.records import Context, Issue, PersonRecord
from tests.test_cli import DB_FILE, gw, ok

ANN = Contact(
    id=2,
    name='Ann Lee; "the editor"',
    given_name="Ann",
    family_name="Lee",
    organisation="Acme, Ltd",
    position="Editor",
    location="Leeds",
    notes="Met at the book fair\nLikes crime novels",
    how_we_met="book fair",
    aliases=("Annie",),
    tags=(("interest", "crime fiction"), ("tag", "writers-group")),
    identities=(
        ("email", "ann@example.org"),
        ("phone", "+442079460958"),
        ("linkedin", "https://www.linkedin.com/in/ann-lee"),
        ("x", "annlee"),
        ("mastodon", "ann@mastodon.social"),
        ("facebook", "ann lee"),
        ("x_id", "12345"),
    ),
)
ME = Contact(id=1, name="Me", is_me=True)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A data folder made through the CLI: a user, three people, a tie and a call."""
    folder = tmp_path_factory.mktemp("portability") / "data"
    ok(gw(folder, "init", "--username", "ann", "--password", "pw-ann-12345"))
    ok(gw(folder, "add", "Sam Lee", "--email", "sam@example.org", "--org", "Acme"))
    ok(gw(folder, "add", "Lori Park", "--phone", "+44 20 7946 0958", "--tag", "editor"))
    ok(gw(folder, "knows", "Sam Lee", "Lori Park"))
    ok(gw(folder, "log", "call", "Lori Park", "--on", "2026-01-05"))
    return folder


def test_fold_keeps_lines_short_and_characters_whole():
    line = "NOTE:" + "ß€😀" * 40
    folded = fold(line)
    physical = folded.split("\r\n")[:-1]
    assert all(len(p.encode("utf-8")) <= 75 for p in physical)
    assert "".join([physical[0], *(p[1:] for p in physical[1:])]) == line


def test_vcard_text_escapes_the_special_characters():
    assert vcard_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_vcard_reads_back_through_our_importer_with_every_key(tmp_path):
    path = tmp_path / "out.vcf"
    with path.open("w", encoding="utf-8", newline="") as out:
        assert write_vcard([ME, ANN], [], out) == 1  # you are not exported as a contact
    assert path.read_bytes().startswith(b"BEGIN:VCARD\r\nVERSION:4.0\r\n")
    records = list(vcard_importer.parse(path, Context()))
    assert [r for r in records if isinstance(r, Issue)] == []
    people = [r for r in records if isinstance(r, PersonRecord)]
    assert len(people) == 1
    person = people[0]
    assert person.name == ANN.name
    assert person.organisation == ANN.organisation
    assert person.position == "Editor"
    assert {(k.channel, k.value) for k in person.keys} == set(ANN.identities)
    assert "writers-group" in person.tags


def test_csv_guards_formula_cells_and_joins_several_values():
    evil = Contact(id=3, name='=HYPERLINK("http://x")', identities=(("email", "a@b.org"),))
    out = io.StringIO(newline="")
    write_csv([ANN, evil], [], out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[1]["name"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["accounts"].split(" | ")[:2] == [
        "linkedin:https://www.linkedin.com/in/ann-lee",
        "x:annlee",
    ]
    assert rows[0]["tags"] == "interest:crime fiction | writers-group"


def test_graphml_opens_in_networkx_with_attributes():
    out = io.StringIO(newline="")
    links = [Link(a=1, b=2, kind="knows", weight=2.0, strength=0.7, sources=("stated",))]
    write_graphml([ME, ANN], links, out)
    graph = nx.parse_graphml(out.getvalue())
    assert set(graph.nodes) == {"p1", "p2"}
    assert graph.nodes["p2"]["name"] == ANN.name
    edge = graph.edges["p1", "p2"]
    assert (edge["kind"], edge["weight"], edge["strength"]) == ("knows", 2.0, 0.7)


@pytest.mark.django_db
def test_demo_exports_round_trip_through_the_importer(demo_owner, other_user, tmp_path):
    from goodwill import portability
    from goodwill.imports.service import run_import

    paths = {fmt: tmp_path / f"out.{fmt}" for fmt in ("vcard", "csv", "graphml", "json")}
    results = {fmt: portability.export(demo_owner, fmt, path) for fmt, path in paths.items()}
    document = json.loads(paths["json"].read_text())
    assert results["json"]["people"] == len(document["people"]) == 1732
    assert results["json"]["ties"] == len(document["ties"]) == 10737
    assert results["vcard"]["people"] == 1731
    graph = nx.read_graphml(paths["graphml"])
    assert graph.number_of_nodes() == 1732

    run = run_import(other_user, [paths["vcard"]], format="vcard")
    assert run.status == "applied"
    again = tmp_path / "again.json"
    portability.export(other_user, "json", again)

    def people(doc):
        return {
            (
                p["name"],
                p["organisation"],
                tuple(sorted((i["channel"], i["value"]) for i in p["identities"])),
            )
            for p in doc["people"]
            if not p["is_me"]
        }

    assert people(json.loads(again.read_text())) == people(document)


def test_backup_and_restore_in_real_processes(data, tmp_path):
    archive = tmp_path / "backup.zip"
    backed = json.loads(ok(gw(data, "backup", str(archive), "--json")).stdout)
    assert backed["users"] == 1
    assert backed["rows"]["people.person"] == 3
    with zipfile.ZipFile(archive) as z:
        assert sorted(z.namelist()) == ["data.json", "manifest.json"]

    fresh = tmp_path / "fresh"
    restored = json.loads(ok(gw(fresh, "restore", str(archive), "--json")).stdout)
    assert restored["restored"] == sum(backed["rows"].values())
    for command in (["people", "--json"], ["person", "#2", "--json"], ["person", "me", "--json"]):
        assert ok(gw(fresh, *command)).stdout == ok(gw(data, *command)).stdout

    # Never over live data; nothing changes.
    before = (fresh / DB_FILE).read_bytes()
    refused = gw(fresh, "restore", str(archive))
    assert refused.returncode == 1
    assert "restore needs an empty database" in refused.stderr
    assert (fresh / DB_FILE).read_bytes() == before


def test_restore_refuses_a_file_that_is_not_a_backup_before_creating_anything(tmp_path):
    not_backup = tmp_path / "contacts.csv"
    not_backup.write_text("name\nAnn\n")
    folder = tmp_path / "never-made"
    result = gw(folder, "restore", str(not_backup), "--json")
    assert result.returncode == 2
    assert json.loads(result.stdout)["error"].endswith(
        "not a goodwill backup (File is not a zip file)"
    )
    assert not folder.exists()


def test_export_to_a_missing_folder_is_one_line(data, tmp_path):
    result = gw(data, "export", "csv", str(tmp_path / "no" / "such" / "out.csv"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "does not exist" in result.stderr
