"""Stream raw messages out of mbox files and single-message files, headers only.

An mbox is read in binary chunks of 1 MiB. A message starts at a line beginning ``From `` that
opens the file or follows a blank line (``\\n\\nFrom `` or ``\\r\\n\\r\\nFrom ``); its header
block runs to the first empty line. Only the header block is copied out; the body is skipped
by searching for the next separator, never decoded, and remembered as a byte range so a caller
that wants it (``store_bodies``) can read it again later. The ``From `` separator line itself
is never decoded either, so non-ASCII separator lines cannot fail.

Memory stays at about one chunk plus the largest header block (capped at 2 MiB), whatever the
size of the file or of any one message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from typing import BinaryIO, NamedTuple

__all__ = [
    "NotMbox",
    "RawMessage",
    "iter_mbox",
    "looks_like_mbox",
    "plain_body",
    "read_message",
    "read_span",
]

CHUNK = 1 << 20
MAX_HEADER_BYTES = 1 << 21
BODY_READ_LIMIT = 8 << 20
BODY_TEXT_LIMIT = 100_000

_SEPARATOR = re.compile(rb"\n\r?\nFrom ")
_HEADER_END = re.compile(rb"\n\r?\n")
_OVERLAP = len(b"\n\r\nFrom ") - 1
_LEADING_BLANKS = re.compile(rb"(?:[ \t]*\r?\n)*")


class NotMbox(ValueError):
    """The file does not start with a ``From `` line."""


def looks_like_mbox(head: bytes) -> bool:
    """Whether the first bytes of a file open an mbox: a ``From `` line after blank lines."""
    lead = _LEADING_BLANKS.match(head)
    return head.startswith(b"From ", lead.end() if lead else 0)


class RawMessage(NamedTuple):
    """One message's header block and where it lies in its file.

    ``line`` is the 1-based line of the first header line; ``start`` the byte offset of the
    header block and ``end`` that of the end of the body; ``truncated`` says the header block
    was cut at ``MAX_HEADER_BYTES``.
    """

    headers: bytes
    line: int
    start: int
    end: int
    truncated: bool = False


class _Window:
    """A sliding window over a binary file: ``data`` starts at file offset ``base``."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.data = handle.read(CHUNK)
        self.base = 0
        self.eof = not self.data
        self.counted = 0  # index in data up to which newlines are counted
        self.line = 1  # line number at index ``counted``

    def more(self, keep_from: int) -> int:
        """Drop ``data[:keep_from]``, read another chunk; returns how far indexes shifted."""
        self.line_at(keep_from)
        chunk = self.handle.read(CHUNK)
        if not chunk:
            self.eof = True
        self.data = self.data[keep_from:] + chunk
        self.base += keep_from
        self.counted -= keep_from
        return keep_from

    def line_at(self, index: int) -> int:
        """The 1-based line number of ``data[index]`` (indexes must not go backwards)."""
        if index > self.counted:
            self.line += self.data.count(b"\n", self.counted, index)
            self.counted = index
        return self.line


def iter_mbox(handle: BinaryIO) -> Iterator[RawMessage]:
    """Every message of an mbox file, as header blocks and byte ranges (see the module doc)."""
    window = _Window(handle)
    while True:
        lead = _LEADING_BLANKS.match(window.data)
        position = lead.end() if lead else 0
        if window.eof or len(window.data) - position >= len(b"From "):
            break
        window.more(0)
    if not window.data[position:].startswith(b"From "):
        if window.data[position:] or not window.eof:
            raise NotMbox("it does not start with a 'From ' line")
        return
    while True:
        # The header block: from the end of the From_ line to the first empty line.
        header_end = _HEADER_END.search(window.data, position)
        while header_end is None and not window.eof:
            if len(window.data) - position > MAX_HEADER_BYTES:
                break
            position -= window.more(position)
            header_end = _HEADER_END.search(window.data, position)
        data = window.data
        newline = data.find(b"\n", position)
        truncated = False
        if header_end is None:
            if window.eof:
                block_end = body_from = len(data)
            else:
                block_end = body_from = position + MAX_HEADER_BYTES
                truncated = True
        elif newline == header_end.start():  # a From_ line followed by a blank line
            block_end, body_from = newline, header_end.start()
        else:
            block_end, body_from = header_end.start(), header_end.start()
        header_start = newline + 1 if 0 <= newline < block_end else block_end
        if block_end - header_start > MAX_HEADER_BYTES:
            block_end, truncated = header_start + MAX_HEADER_BYTES, True
        block = data[header_start:block_end]
        line = window.line_at(header_start)
        start = window.base + header_start
        # The body: skipped up to the next separator, keeping only a few bytes of overlap.
        separator = _SEPARATOR.search(data, body_from)
        while separator is None and not window.eof:
            window.more(max(len(window.data) - _OVERLAP, 0))
            separator = _SEPARATOR.search(window.data, 0)
        if separator is None:
            yield RawMessage(block, line, start, window.base + len(window.data), truncated)
            return
        end = separator.start() + 1
        yield RawMessage(block, line, start, window.base + end, truncated)
        position = separator.end() - len(b"From ")


def read_message(handle: BinaryIO, size: int) -> RawMessage:
    """The header block of a single-message file (``.eml``, a Maildir file) of ``size`` bytes.

    Leading blank lines and a leading mbox ``From `` line are skipped.
    """
    data = handle.read(CHUNK)
    while True:
        lead = _LEADING_BLANKS.match(data)
        offset = lead.end() if lead else 0
        if data.startswith((b"From ", b">From "), offset):
            newline = data.find(b"\n", offset)
            offset = newline + 1 if newline >= 0 else len(data)
        header_end = _HEADER_END.search(data, max(offset - 1, 0))
        if header_end is not None or len(data) - offset >= MAX_HEADER_BYTES:
            break
        chunk = handle.read(CHUNK)
        if not chunk:
            break
        data += chunk
    line = 1 + data.count(b"\n", 0, offset)
    end = max(offset, header_end.start()) if header_end is not None else len(data)
    cut = min(end, offset + MAX_HEADER_BYTES)
    return RawMessage(data[offset:cut], line, offset, size, cut < end)


def read_span(handle: BinaryIO, start: int, end: int, limit: int = BODY_READ_LIMIT) -> bytes:
    """Bytes ``start`` to ``end`` of a file, at most ``limit`` of them."""
    handle.seek(start)
    return handle.read(max(0, min(end - start, limit)))


_MBOXRD_QUOTE = re.compile(rb"^>(>*From )", re.MULTILINE)
_BODY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def plain_body(raw: bytes, *, unquote_from: bool) -> str:
    """The first inline text/plain part of a raw message, decoded, capped at 100,000 chars."""
    if unquote_from:
        raw = _MBOXRD_QUOTE.sub(rb"\1", raw)
    message: Message = BytesParser(policy=compat32).parsebytes(raw)
    for part in message.walk():
        if part.get_content_type() != "text/plain":
            continue
        if str(part.get("Content-Disposition", "")).lower().startswith("attachment"):
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        charset = part.get_content_charset() or "utf-8"
        try:
            text = payload.decode(charset, errors="replace")
        except LookupError:
            text = payload.decode("utf-8", errors="replace")
        text = _BODY_CONTROL.sub("", text.replace("\r\n", "\n"))
        return text[:BODY_TEXT_LIMIT].strip()
    return ""
