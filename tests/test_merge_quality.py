"""The labelled set (demo ground truth and real specimens): exact-key merging is precise.

The figures are printed (``pytest -s``); ``python bench/merge_quality.py`` prints the same table.
"""

from __future__ import annotations

import pytest

from bench.merge_quality import demo_set, distinct_demo, measure, print_table, specimen_sets
from tests.conftest import shared_data

pytestmark = pytest.mark.django_db


def test_demo_automatic_merges_are_precise_and_suggestions_mostly_right(owner):
    report = measure(owner, demo_set(7))
    print_table([report])
    assert report["records"] > 2000
    assert report["precision"] >= 0.99
    assert report["merged_pairs"] > 0
    assert report["candidates"] > 0
    assert report["candidates_precision"] >= 0.9
    # Facebook gives only a name: never merged with anything on that alone.
    assert all(
        row.get("merged", 0) == 0 and row.get("suggested", 0) == 0
        for key, row in report["by_sources"].items()
        if "facebook" in key
    )


def test_distinct_demo_people_are_rarely_suggested():
    # The demo as loaded: 1,700 different humans in dense communities, namesakes planted.
    report = distinct_demo(7)
    print(report)
    assert report["people"] > 1500
    assert report["false_suggestions"] <= 5


@pytest.mark.shared_data
def test_specimens_merge_exactly_what_is_known_to_be_one(django_user_model):
    shared_data("social-export-fixtures", "linkedin-network-intelligence")
    shared_data("twitter-archive-larsbrinkhoff")
    sets = specimen_sets()
    reports = [
        measure(django_user_model.objects.create_user(f"s{i}"), s) for i, s in enumerate(sets)
    ]
    print_table(reports)
    linkedin, x = reports
    assert (linkedin["true_pairs"], linkedin["correct_pairs"], linkedin["merged_pairs"]) == (
        4,
        4,
        4,
    )
    assert (x["true_pairs"], x["correct_pairs"], x["merged_pairs"]) == (36, 36, 36)
    assert all(r["precision"] >= 0.99 for r in reports)
