"""Reading untrusted JSON exports one array item at a time.

Facebook, Mastodon and X exports are big JSON documents. Reading them item by item lets an
issue name the line an item starts on, and keeps the good items before a damaged spot.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

from goodwill.errors import ImportFailed
from goodwill.importers.records import Issue, Where

MAX_BYTES = 512 * 1024 * 1024  # one export file, unpacked
_JSON = json.JSONDecoder()
_SPACE = " \t\r\n"


class BrokenJson(ValueError):
    """The JSON stops making sense at ``line``; the items before it were handed out."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line


class _Lines:
    """Turns offsets into 1-based line numbers, counting each stretch of text once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0
        self.line = 1

    def at(self, offset: int) -> int:
        if offset > self.offset:
            self.line += self.text.count("\n", self.offset, offset)
            self.offset = offset
        return self.line


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _SPACE:
        pos += 1
    return pos


def _value(text: str, pos: int, lines: _Lines) -> tuple[Any, int]:
    try:
        return _JSON.raw_decode(text, pos)
    except (ValueError, RecursionError) as exc:
        reason = "nested too deeply"
        if isinstance(exc, json.JSONDecodeError):
            reason = exc.msg.removesuffix(" at").removesuffix(" starting").lower()
        raise BrokenJson(lines.at(pos), f"unreadable JSON ({reason})") from None


def _expect(text: str, pos: int, wanted: str, lines: _Lines) -> int:
    pos = _skip_space(text, pos)
    if pos >= len(text) or text[pos] not in wanted:
        found = repr(text[pos]) if pos < len(text) else "the end of the file"
        raise BrokenJson(lines.at(pos), f"expected {' or '.join(wanted)} but found {found}")
    return pos


def array_items(text: str, pos: int) -> Iterator[tuple[int, int, Any]]:
    """``(index, line, item)`` for each item of the JSON array that starts at ``pos``.

    Raises ``BrokenJson`` where the array stops being valid, after the good items.
    """
    for _, index, line, item in _array(text, pos, _Lines(text), ""):
        yield index, line, item


def object_array_items(text: str, keys: frozenset[str]) -> Iterator[tuple[str, int, int, Any]]:
    """``(key, index, line, item)`` for items of the top-level object's arrays named in ``keys``.

    Other members are skipped, and so is a named member that is not an array.
    """
    lines = _Lines(text)
    pos = _skip_space(text, _expect(text, 0, "{", lines) + 1)
    if pos < len(text) and text[pos] == "}":
        return
    while True:
        key, pos = _value(text, _expect(text, pos, '"', lines), lines)
        pos = _skip_space(text, _expect(text, pos, ":", lines) + 1)
        if key in keys and pos < len(text) and text[pos] == "[":
            pos = yield from _array(text, pos, lines, key)
        else:
            _, pos = _value(text, pos, lines)
        pos = _expect(text, pos, ",}", lines)
        if text[pos] == "}":
            return
        pos += 1


def _array(
    text: str, pos: int, lines: _Lines, key: str
) -> Generator[tuple[str, int, int, Any], None, int]:
    """Items of the array at ``pos``; returns the offset just after its closing bracket."""
    pos = _skip_space(text, _expect(text, pos, "[", lines) + 1)
    if pos < len(text) and text[pos] == "]":
        return pos + 1
    index = 0
    while True:
        start = _skip_space(text, pos)
        item, pos = _value(text, start, lines)
        yield key, index, lines.at(start), item
        index += 1
        pos = _expect(text, pos, ",]", lines)
        if text[pos] == "]":
            return pos + 1
        pos += 1


def read_text(path: Path, shown: str, limit: int = MAX_BYTES) -> tuple[str, list[Issue]]:
    """The whole text of a (maybe gzipped) UTF-8 file, at most ``limit`` bytes unpacked.

    Bytes that are not UTF-8 are replaced, with one ``bad-encoding`` issue.
    """
    try:
        with path.open("rb") as raw:
            gzipped = raw.read(2) == b"\x1f\x8b"
        if gzipped:
            with gzip.open(path, "rb") as unpacked:
                data = unpacked.read(limit + 1)
        else:
            with path.open("rb") as plain:
                data = plain.read(limit + 1)
    except IsADirectoryError:
        raise ImportFailed(f"{shown}: is a folder, not a file") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise ImportFailed(f"{shown}: cannot be read ({exc})") from None
    if len(data) > limit:
        raise ImportFailed(f"{shown}: larger than {limit} bytes; split the export")
    issues: list[Issue] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        text = data.decode("utf-8-sig", errors="replace")
        message = "not valid UTF-8 from here: undecodable bytes were replaced"
        issues.append(Issue("bad-encoding", message, Where(shown, line)))
    return text, issues


def text_field(value: object) -> str:
    """A string field of an untrusted JSON object (numbers as text; anything else empty)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def safe_text(text: str) -> str:
    """Text kept as data, without lone surrogates (which no database can store)."""
    return text.encode("utf-8", "replace").decode("utf-8") if not text.isascii() else text
