"""Build CAR files for tests: a canonical DAG-CBOR encoder and a tiny Bluesky repository.

No real Bluesky export is in the shared data, so the tests make their own: records are
encoded as DAG-CBOR (map keys sorted by length then bytes, as the spec asks), addressed by
CIDv1 (dag-cbor, sha2-256), indexed by a one-node Merkle search tree under a signed-looking
commit, and framed as CARv1 (or CARv2). The fixture CAR files in ``fixtures/bluesky`` are
made by ``FIXTURES`` below; a test checks they are still what the builder makes.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable
from typing import Any

from goodwill.importers.car import CID, DAG_CBOR, RAW

OWNER = "did:plc:owner0000000000000000000"
ALICE = "did:plc:alice0000000000000000000"
BOB = "did:plc:bob000000000000000000000"
CAROL = "did:web:carol.example"
DAN = "did:plc:dan000000000000000000000"


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _head(major: int, argument: int) -> bytes:
    if argument < 24:
        return bytes([major << 5 | argument])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | info]) + argument.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")


def encode(value: Any) -> bytes:
    """Canonical DAG-CBOR for ``value`` (CIDs as tag 42)."""
    if value is None:
        return b"\xf6"
    if value is True:
        return b"\xf5"
    if value is False:
        return b"\xf4"
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, CID):
        return b"\xd8\x2a" + encode(b"\0" + value.raw)
    if isinstance(value, list | tuple):
        return _head(4, len(value)) + b"".join(encode(v) for v in value)
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (len(k.encode("utf-8")), k.encode("utf-8")))
        return _head(5, len(keys)) + b"".join(encode(k) + encode(value[k]) for k in keys)
    raise TypeError(f"cannot encode {type(value).__name__}")


def cid_of(data: bytes, codec: int = DAG_CBOR) -> CID:
    digest = hashlib.sha256(data).digest()
    return CID(varint(1) + varint(codec) + varint(0x12) + varint(32) + digest)


def section(cid: CID, data: bytes) -> bytes:
    return varint(len(cid.raw) + len(data)) + cid.raw + data


def car_v1(roots: list[CID], blocks: list[tuple[CID, bytes]]) -> bytes:
    header = encode({"version": 1, "roots": roots})
    return varint(len(header)) + header + b"".join(section(c, d) for c, d in blocks)


def car_v2(v1: bytes) -> bytes:
    pragma = encode({"version": 2})
    start = 1 + len(pragma) + 40
    fixed = bytes(16) + struct.pack("<QQQ", start, len(v1), 0)
    return varint(len(pragma)) + pragma + fixed + v1


def uri(did: str, rkey: str = "3kabc") -> str:
    return f"at://{did}/app.bsky.feed.post/{rkey}"


def strong_ref(did: str, rkey: str = "3kabc") -> dict[str, Any]:
    return {"uri": uri(did, rkey), "cid": str(cid_of(rkey.encode()))}


def repo(
    records: list[dict[str, Any]],
    *,
    did: str = OWNER,
    commit_last: bool = False,
    extra: list[tuple[CID, bytes]] | None = None,
) -> bytes:
    """A repository CAR: a commit (the root), one tree node, and the records as blocks."""
    blocks = [(cid_of(encode(r)), encode(r)) for r in records]
    entries = [
        {"p": 0, "k": f"{r['$type']}/3k{i:08d}".encode(), "v": c, "t": None}
        for i, (r, (c, _)) in enumerate(zip(records, blocks, strict=True))
    ]
    tree = encode({"l": None, "e": entries})
    tree_cid = cid_of(tree)
    commit = encode(
        {"did": did, "version": 3, "data": tree_cid, "rev": "3kzzz", "prev": None, "sig": b"s" * 64}
    )
    commit_cid = cid_of(commit)
    ordered = [(tree_cid, tree), *blocks, *(extra or [])]
    ordered = [*ordered, (commit_cid, commit)] if commit_last else [(commit_cid, commit), *ordered]
    return car_v1([commit_cid], ordered)


def at(day: int, hour: int = 12) -> str:
    return f"2024-03-{day:02d}T{hour:02d}:00:00.000Z"


def follow(subject: Any, day: int = 1) -> dict[str, Any]:
    return {"$type": "app.bsky.graph.follow", "subject": subject, "createdAt": at(day)}


def post(text: str, day: int, **more: Any) -> dict[str, Any]:
    return {"$type": "app.bsky.feed.post", "text": text, "createdAt": at(day), **more}


def mention(did: str, start: int, end: int) -> dict[str, Any]:
    return {
        "index": {"byteStart": start, "byteEnd": end},
        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
    }


def like(did: str, day: int, rkey: str = "3kabc") -> dict[str, Any]:
    return {"$type": "app.bsky.feed.like", "subject": strong_ref(did, rkey), "createdAt": at(day)}


# -- the fixture files -------------------------------------------------------------------------
def _follows() -> bytes:
    old_shape = {"did": BOB, "declarationCid": str(cid_of(b"declaration"))}
    return repo(
        [
            follow(ALICE, 1),
            follow(old_shape, 2),
            follow(CAROL, 3),
            follow(ALICE, 4),  # following twice leaves two records
            follow(OWNER, 5),
            {"$type": "app.bsky.actor.profile", "displayName": "Owner Person"},
        ]
    )


def _posts() -> bytes:
    thread = {"root": strong_ref(OWNER, "3kroot"), "parent": strong_ref(OWNER, "3kroot")}
    answer = {"root": strong_ref(ALICE, "3kq"), "parent": strong_ref(BOB, "3kr")}
    return repo(
        [
            post(
                "Hello @alice.example, see you <script>x</script>",
                2,
                facets=[mention(ALICE, 6, 20)],
            ),
            post("Quite right.", 3, reply=answer, facets=[mention(DAN, 0, 4)]),
            post("And a second thought\x07 in my own thread", 3, reply=thread),
            like(ALICE, 4),
            like(OWNER, 4, "3kmine"),
            {"$type": "app.bsky.feed.repost", "subject": strong_ref(CAROL), "createdAt": at(5)},
            {"$type": "app.bsky.graph.block", "subject": DAN, "createdAt": at(6)},
        ]
    )


def _commit_last() -> bytes:
    thread = {"root": strong_ref(OWNER, "3kroot"), "parent": strong_ref(OWNER, "3kroot")}
    return repo([post("My thread goes on", 7, reply=thread), follow(ALICE, 7)], commit_last=True)


def _carv2() -> bytes:
    return car_v2(repo([follow(BOB, 8)]))


def _damaged() -> bytes:
    good = encode(follow(ALICE, 9))
    lying = (cid_of(b"something else"), good)  # the data does not hash to its CID
    broken_cbor = b"\xa1\x64$typ"  # a map cut short inside its key
    raw_blob = b"\x89PNG not a record"
    return repo(
        [
            follow("not-a-did", 9),
            post("no date", 9) | {"createdAt": "yesterday"},
            like(CAROL, 9) | {"subject": {"uri": "https://example.com/not-at-uri"}},
            follow(BOB, 9),
        ],
        extra=[lying, (cid_of(broken_cbor), broken_cbor), (cid_of(raw_blob, RAW), raw_blob)],
    )


def _truncated() -> bytes:
    whole = repo([follow(ALICE, 10), follow(BOB, 10), post("the last words", 10)])
    return whole[:-7]


FIXTURES: dict[str, Callable[[], bytes]] = {
    "follows-both-shapes.car": _follows,
    "posts-replies-likes.car": _posts,
    "commit-last.car": _commit_last,
    "carv2.car": _carv2,
    "damaged-blocks.car": _damaged,
    "truncated.car": _truncated,
}
