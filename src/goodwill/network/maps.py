"""The web map: communities (Leiden) and a layout of the owner's network, cached per snapshot.

Mailing lists and other bulk senders are left off the map. A large network is cut to the
``MAX_NODES`` best connected people (me always kept) and the ``MAX_EDGES`` strongest ties
among them; ``total_nodes`` says how many there were. Each community is labelled with the
most common plain tag or organisation among its members.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
from django.contrib.auth.models import AbstractBaseUser

from goodwill.graph.communities import communities, layout
from goodwill.graph.snapshot import BULK, Snapshot
from goodwill.network import interests
from goodwill.network.snapshots import snapshot_for
from goodwill.people.models import Person

MAX_NODES = 2500
MAX_EDGES = 20_000
# A label must be shared by at least this share of a community to name it.
LABEL_SHARE = 0.2

_cache = interests.SnapshotCache()


def map_payload(owner: AbstractBaseUser) -> dict[str, Any]:
    s = snapshot_for(owner)
    key = interests.tag_stamp(owner)
    found: dict[str, Any] | None = _cache.get(owner.pk, s, key)
    if found is None:
        found = build(owner, s)
        _cache.put(owner.pk, s, key, found)
    return found


def build(owner: AbstractBaseUser, s: Snapshot) -> dict[str, Any]:
    labels = communities(s)
    xy = layout(s, labels)
    degrees = s.degrees()
    shown = np.flatnonzero((s.flags & BULK) == 0)
    total = int(shown.size)
    if shown.size > MAX_NODES:
        order = np.lexsort((shown, -degrees[shown]))
        shown = np.sort(shown[order[:MAX_NODES]])
        if s.me >= 0 and s.me not in set(shown.tolist()):
            shown = np.sort(np.append(shown[:-1], s.me))
    position = np.full(s.n, -1, dtype=np.int64)
    position[shown] = np.arange(shown.size)
    ids = [int(s.ids[x]) for x in shown]
    people = {
        p[0]: p[1:]
        for p in Person.objects.filter(owner=owner, id__in=ids).values_list(
            "id", "name", "organisation"
        )
    }
    mine = _strengths_to_me(s)
    nodes = [
        {
            "id": person_id,
            "name": people.get(person_id, ("", ""))[0],
            "x": round(float(xy[x, 0]), 4),
            "y": round(float(xy[x, 1]), 4),
            "community": int(labels[x]),
            "degree": int(degrees[x]),
            "strength": 1.0 if x == s.me else round(float(mine.get(int(x), 0.0)), 3),
            "is_me": bool(x == s.me),
        }
        for x, person_id in zip(shown.tolist(), ids, strict=True)
    ]
    tags = interests.matrices_for(owner, s)
    return {
        "nodes": nodes,
        "edges": _edges(s, position),
        "communities": _communities(s, labels, shown, people, tags.plain_tags),
        "total_nodes": total,
    }


def _strengths_to_me(s: Snapshot) -> dict[int, float]:
    if s.me < 0:
        return {}
    return dict(zip(s.neighbours(s.me).tolist(), s.strengths(s.me).tolist(), strict=True))


def _edges(s: Snapshot, position: np.ndarray[Any, Any]) -> list[list[float]]:
    rows = np.repeat(np.arange(s.n, dtype=np.int64), s.degrees())
    cols = s.indices.astype(np.int64)
    keep = (rows < cols) & (position[rows] >= 0) & (position[cols] >= 0)
    a, b, w = position[rows[keep]], position[cols[keep]], s.weights[keep]
    if w.size > MAX_EDGES:
        strongest = np.argsort(-w, kind="stable")[:MAX_EDGES]
        strongest.sort()
        a, b, w = a[strongest], b[strongest], w[strongest]
    return [
        [int(i), int(j), round(float(x), 3)]
        for i, j, x in zip(a.tolist(), b.tolist(), w.tolist(), strict=True)
    ]


def _communities(
    s: Snapshot,
    labels: np.ndarray[Any, Any],
    shown: np.ndarray[Any, Any],
    people: dict[int, tuple[str, str]],
    plain_tags: dict[int, list[str]],
) -> list[dict[str, Any]]:
    sizes = Counter(int(labels[x]) for x in shown.tolist())
    words: dict[int, Counter[str]] = {c: Counter() for c in sizes}
    for x in shown.tolist():
        if x == s.me:
            continue
        counter = words[int(labels[x])]
        organisation = people.get(int(s.ids[x]), ("", ""))[1].strip()
        if organisation:
            counter[organisation] += 1
        for name in plain_tags.get(x, []):
            counter[name] += 1
    # Largest first, each takes its commonest word that no larger community took; two circles
    # of former colleagues become "former-colleague" and "former-colleague (2)".
    chosen: dict[int, str] = {}
    used: Counter[str] = Counter()
    for community, size in sorted(sizes.items(), key=lambda item: (-item[1], item[0])):
        enough = max(2, LABEL_SHARE * size)
        common = [word for word, n in words[community].most_common(5) if n >= enough]
        fresh = [word for word in common if word not in used]
        if fresh:
            label = fresh[0]
        elif common:
            label = f"{common[0]} ({used[common[0]] + 1})"
        else:
            label = f"Group {community + 1}"
        if common:
            used[fresh[0] if fresh else common[0]] += 1
        chosen[community] = label
    return [
        {"id": community, "size": size, "label": chosen[community]}
        for community, size in sorted(sizes.items())
    ]
