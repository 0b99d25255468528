"""A small, strict reader for CAR files and DAG-CBOR, the bytes of a Bluesky repository export.

A CARv1 file is a varint-prefixed DAG-CBOR header (``{"version": 1, "roots": [CID, ...]}``)
followed by sections, each a varint length and then a CID and the block's bytes. A CARv2 file
wraps a CARv1 payload behind an 11-byte pragma and a 40-byte header; both are read.

Everything here is untrusted input, so every length is checked against what is left and
against fixed limits before anything is allocated, nesting is bounded, and only the subset of
CBOR that DAG-CBOR allows is accepted (definite lengths, text map keys, no duplicate keys,
tag 42 for CIDs only). Problems raise ``CarError`` (a ``ValueError``) with the byte offset.
"""

from __future__ import annotations

import base64
import hashlib
import io
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

MAX_HEADER_BYTES = 64 * 1024
MAX_SECTION_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_OFFSET = 1 << 48  # no CAR file is 256 TiB: a larger offset is a lie
DAG_CBOR = 0x71
DAG_PB = 0x70
RAW = 0x55
SHA2_256 = 0x12
CID_TAG = 42
_CARV2_HEADER_BYTES = 40
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class CarError(ValueError):
    """The bytes are not a valid CAR file or DAG-CBOR value."""


class Truncated(CarError):
    """The bytes end before the value or section they began."""


@dataclass(frozen=True, slots=True)
class CID:
    """A content identifier, kept as its binary form."""

    raw: bytes

    @property
    def version(self) -> int:
        return 0 if self.raw[:2] == b"\x12\x20" else 1

    @property
    def codec(self) -> int:
        if self.version == 0:
            return DAG_PB
        return _varint_at(self.raw, 1)[0]

    def __str__(self) -> str:
        if self.version == 0:
            return _base58(self.raw)
        return "b" + base64.b32encode(self.raw).decode("ascii").lower().rstrip("=")


def _base58(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = ""
    while number:
        number, rest = divmod(number, 58)
        digits = _BASE58[rest] + digits
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + digits


# -- varints and CIDs ----------------------------------------------------------------------------
def _varint_at(data: bytes, pos: int) -> tuple[int, int]:
    """An unsigned LEB128 varint at ``pos`` (at most 9 bytes) and the offset after it."""
    value = 0
    for shift in range(0, 63, 7):
        if pos >= len(data):
            raise Truncated(f"a varint is cut short at byte {pos}")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
    raise CarError(f"a varint runs past 9 bytes at byte {pos}")


def parse_cid(data: bytes, pos: int = 0) -> tuple[CID, int]:
    """The binary CID at ``pos`` and the offset after it."""
    start = pos
    if data[pos : pos + 2] == b"\x12\x20":
        end = pos + 34
    else:
        version, pos = _varint_at(data, pos)
        if version != 1:
            raise CarError(f"CID version {version} at byte {start} is not supported")
        _, pos = _varint_at(data, pos)  # codec
        _, pos = _varint_at(data, pos)  # hash function
        size, pos = _varint_at(data, pos)
        if size > 128:
            raise CarError(f"a CID digest of {size} bytes at byte {start}")
        end = pos + size
    if end > len(data):
        raise Truncated(f"a CID is cut short at byte {start}")
    return CID(data[start:end]), end


def _digest_matches(cid: CID, data: bytes) -> bool | None:
    """Whether ``data`` hashes to ``cid`` (None when the hash function is not sha2-256)."""
    raw = cid.raw
    pos = 0 if cid.version == 0 else _varint_at(raw, _varint_at(raw, 0)[1])[1]
    code, pos = _varint_at(raw, pos)
    size, pos = _varint_at(raw, pos)
    if code != SHA2_256 or size != 32:
        return None
    return hashlib.sha256(data).digest() == raw[pos : pos + size]


# -- DAG-CBOR --------------------------------------------------------------------------------------
class _Decoder:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, size: int) -> bytes:
        if size > len(self.data) - self.pos:
            raise Truncated(f"CBOR value cut short at byte {self.pos}")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk

    def head(self) -> tuple[int, int, int]:
        """Major type, additional info and argument of the next item."""
        first = self.take(1)[0]
        major, info = first >> 5, first & 0x1F
        if info < 24:
            return major, info, info
        if info <= 27:
            return major, info, int.from_bytes(self.take(1 << (info - 24)), "big")
        raise CarError(f"indefinite or reserved CBOR length at byte {self.pos - 1}")

    def item(self, depth: int) -> object:
        if depth > MAX_DEPTH:
            raise CarError(f"CBOR nested deeper than {MAX_DEPTH} at byte {self.pos}")
        major, info, argument = self.head()
        if major == 0:
            return argument
        if major == 1:
            return -1 - argument
        if major == 2:
            return self.take(argument)
        if major == 3:
            try:
                return self.take(argument).decode("utf-8")
            except UnicodeDecodeError:
                raise CarError(f"CBOR text is not UTF-8 before byte {self.pos}") from None
        if major == 4:
            self.room(argument)
            return [self.item(depth + 1) for _ in range(argument)]
        if major == 5:
            return self.mapping(argument, depth)
        if major == 6:
            return self.tagged(argument, depth)
        return self.simple(info, argument)

    def room(self, count: int) -> None:
        # Every item takes at least one byte: a count beyond what is left is a lie.
        if count > len(self.data) - self.pos:
            raise Truncated(f"CBOR container of {count} items cut short at byte {self.pos}")

    def mapping(self, count: int, depth: int) -> dict[str, object]:
        self.room(count * 2)
        result: dict[str, object] = {}
        for _ in range(count):
            key = self.item(depth + 1)
            if not isinstance(key, str):
                raise CarError(f"a DAG-CBOR map key is not text at byte {self.pos}")
            if key in result:
                raise CarError(f"a DAG-CBOR map repeats the key {key[:40]!r}")
            result[key] = self.item(depth + 1)
        return result

    def tagged(self, tag: int, depth: int) -> CID:
        if tag != CID_TAG:
            raise CarError(f"CBOR tag {tag} is not allowed in DAG-CBOR (byte {self.pos})")
        inner = self.item(depth + 1)
        if not isinstance(inner, bytes) or not inner.startswith(b"\0") or len(inner) < 3:
            raise CarError(f"tag 42 holds no CID at byte {self.pos}")
        cid, end = parse_cid(inner, 1)
        if end != len(inner):
            raise CarError(f"tag 42 holds bytes after its CID at byte {self.pos}")
        return cid

    def simple(self, info: int, argument: int) -> object:
        if info == 20:
            return False
        if info == 21:
            return True
        if info == 22:
            return None
        if info in (25, 26, 27):
            size = 1 << (info - 24)
            fmt = {2: ">e", 4: ">f", 8: ">d"}[size]
            return float(struct.unpack(fmt, argument.to_bytes(size, "big"))[0])
        raise CarError(f"CBOR simple value {argument} is not allowed (byte {self.pos})")


def decode_dag_cbor(data: bytes) -> object:
    """The one DAG-CBOR value in ``data``; bytes left over are an error."""
    decoder = _Decoder(data)
    value = decoder.item(0)
    if decoder.pos != len(data):
        raise CarError(f"{len(data) - decoder.pos} bytes left after the CBOR value")
    return value


# -- CAR files -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Block:
    cid: CID
    data: bytes
    offset: int  # where the section starts in the file
    verified: bool | None  # the data hashes to the CID (None: hash not checked)


@dataclass(frozen=True, slots=True)
class BadBlock:
    """A section whose length was readable but whose CID was not: reading goes on."""

    offset: int
    problem: str


@dataclass(frozen=True, slots=True)
class Header:
    version: int
    roots: tuple[CID, ...]
    start: int  # offset of the first section
    end: int | None  # offset after the last section (CARv2), else the end of the file


def _read_varint(handle: BinaryIO, offset: int) -> tuple[int, int] | None:
    """A varint from a stream; None at a clean end of file; raises on a cut or long one."""
    value = 0
    for count, shift in enumerate(range(0, 63, 7)):
        byte = handle.read(1)
        if not byte:
            if count == 0:
                return None
            raise Truncated(f"a section length is cut short at byte {offset + count}")
        value |= (byte[0] & 0x7F) << shift
        if not byte[0] & 0x80:
            return value, count + 1
    raise CarError(f"a section length runs past 9 bytes at byte {offset}")


def _read_exact(handle: BinaryIO, size: int, offset: int, what: str) -> bytes:
    data = handle.read(size)
    if len(data) != size:
        raise Truncated(f"the file ends inside {what} starting at byte {offset}")
    return data


def _v1_header(handle: BinaryIO, offset: int) -> tuple[dict[str, object], int]:
    length = _read_varint(handle, offset)
    if length is None:
        raise Truncated(f"no header at byte {offset}: the file ends there")
    size, used = length
    if not 0 < size <= MAX_HEADER_BYTES:
        raise CarError(f"a header of {size} bytes is not believable")
    data = _read_exact(handle, size, offset, "the header")
    value = decode_dag_cbor(data)
    if not isinstance(value, dict):
        raise CarError("the header is not a map")
    return value, offset + used + size


def read_header(handle: BinaryIO) -> Header:
    """The header of a CAR file (v1, or the v1 payload inside v2), the stream left after it."""
    value, offset = _v1_header(handle, 0)
    end: int | None = None
    if value.get("version") == 2 and set(value) == {"version"}:
        fixed = _read_exact(handle, _CARV2_HEADER_BYTES, offset, "the CARv2 header")
        data_offset, data_size = struct.unpack("<QQ", fixed[16:32])
        if not offset + _CARV2_HEADER_BYTES <= data_offset <= MAX_OFFSET:
            raise CarError(f"the CARv2 payload offset {data_offset} is not believable")
        handle.seek(data_offset)
        value, offset = _v1_header(handle, data_offset)
        end = data_offset + data_size
    roots = value.get("roots")
    if value.get("version") != 1 or not isinstance(roots, list):
        raise CarError("the header is not a CARv1 header (version 1 with roots)")
    if not all(isinstance(root, CID) for root in roots):
        raise CarError("a header root is not a CID")
    return Header(1, tuple(r for r in roots if isinstance(r, CID)), offset, end)


def iter_blocks(handle: BinaryIO, header: Header) -> Iterator[Block | BadBlock]:
    """Every section after the header, in file order; raises ``CarError`` where framing breaks."""
    offset = header.start
    while header.end is None or offset < header.end:
        length = _read_varint(handle, offset)
        if length is None:
            if header.end is not None:
                raise Truncated(f"the CARv2 payload ends early at byte {offset}")
            return
        size, used = length
        if not 0 < size <= MAX_SECTION_BYTES:
            raise CarError(f"a section of {size} bytes at byte {offset} is not believable")
        section = _read_exact(handle, size, offset, "a section")
        try:
            cid, start = parse_cid(section)
            data = section[start:]
            yield Block(cid, data, offset, _digest_matches(cid, data))
        except CarError as exc:
            yield BadBlock(offset, str(exc))
        offset += used + size


def sniff_header(head: bytes) -> Header | None:
    """The header of a CAR file from its first bytes, or None when it is not one."""
    try:
        return read_header(io.BytesIO(head))
    except (CarError, RecursionError):
        return None
