"""Golden files for importers: records as plain JSON, compared with ``<quirk>.expected.json``.

Set GOODWILL_UPDATE_GOLDEN=1 to (re)write the expected files after checking the change by eye.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from goodwill.importers.records import Record


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"type": type(value).__name__}
        out.update({f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)})
        return out
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    return value


def records_as_json(records: Iterable[Record]) -> list[dict[str, Any]]:
    return [_plain(r) for r in records]


def check_golden(records: Iterable[Record], expected_path: Path) -> None:
    """Assert the records equal the golden file (or write it when asked to)."""
    actual = records_as_json(records)
    if os.environ.get("GOODWILL_UPDATE_GOLDEN") == "1" or not expected_path.exists():
        if os.environ.get("GOODWILL_UPDATE_GOLDEN") != "1":
            raise AssertionError(f"{expected_path} is missing: run with GOODWILL_UPDATE_GOLDEN=1")
        expected_path.write_text(json.dumps(actual, indent=1, ensure_ascii=False) + "\n")
        return
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert actual == expected, f"records differ from {expected_path.name}"


def fixture_inputs(folder: Path, not_inputs: frozenset[str] = frozenset()) -> list[Path]:
    """Every input file of a fixture folder (not the golden files, not the named helpers)."""
    return sorted(
        p
        for p in folder.iterdir()
        if not p.name.endswith(".expected.json") and p.name not in not_inputs
    )


def expected_for(path: Path) -> Path:
    """The golden file of an input: ``<stem up to the first dot>.expected.json``."""
    return path.with_name(path.name.split(".")[0] + ".expected.json")
