"""The graph questions as JSON-able payloads: the one library the CLI, the API and the web share.

Every function takes the owner first, names people the way ``people.services.resolve`` does
("#12", "me", an e-mail, a handle or a name), runs on ``snapshots.snapshot_for(owner)`` and
returns plain dicts (shapes in the project's ARCHITECTURE.md, "JSON shapes"). Names are
fetched for the people in a result in one query, and the evidence for a result's ties in one
more. Unknown people raise ``NotFound``; bad limits ``UsageError``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from django.contrib.auth.models import AbstractBaseUser

from goodwill.errors import NotFound, UsageError
from goodwill.graph import broker, influence, paths, reach, suggest
from goodwill.graph.mutuals import mutuals
from goodwill.graph.snapshot import BLOCKED, BULK, Snapshot
from goodwill.network import evidence, interests, needs
from goodwill.network.snapshots import snapshot_for
from goodwill.people.models import Person
from goodwill.people.services import ensure_me, resolve

MAX_K = 100
MAX_INTRO_HOPS = 6
MAX_REACH_HOPS = 3
MAX_SHARERS_K = 25
EXPECTED_SAMPLES = 1000
SUGGEST_REASON_MUTUALS = 3
NOT_AUDIENCE = BLOCKED | BULK

Ref = dict[str, Any]


# -- helpers ------------------------------------------------------------------------------------
def checked(name: str, value: int, low: int, high: int) -> int:
    """``value`` when ``low <= value <= high``, else a ``UsageError`` naming the option."""
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise UsageError(f"{name} must be between {low} and {high}, not {value!r}")
    return value


def names_of(person_ids: Iterable[int]) -> dict[int, str]:
    """Names for many person ids in one query."""
    wanted = {int(p) for p in person_ids}
    if not wanted:
        return {}
    return dict(Person.objects.filter(id__in=wanted).values_list("id", "name"))


def node_of(s: Snapshot, person: Person) -> int:
    try:
        return s.index_of(person.id)
    except KeyError:
        # Only between a change and the next snapshot; say it plainly rather than crash.
        raise NotFound(f"{person.name} (#{person.id}) is not in your network yet") from None


def _person(owner: AbstractBaseUser, who: str | None) -> Person:
    return ensure_me(owner) if who is None or not who.strip() else resolve(owner, who)


def _ref(person_id: int, names: dict[int, str]) -> Ref:
    return {"id": int(person_id), "name": names.get(int(person_id), "")}


def _round(value: float, digits: int = 4) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), digits)


def tie_strength(s: Snapshot, u: int, v: int) -> float:
    """The strength of the tie ``u - v`` in the snapshot (0.0 when they are not tied)."""
    row = s.neighbours(u)
    position = int(np.searchsorted(row, v))
    if position < row.shape[0] and int(row[position]) == v:
        return float(s.strengths(u)[position])
    return 0.0


# -- mutuals ------------------------------------------------------------------------------------
def mutuals_payload(owner: AbstractBaseUser, a: str | None, b: str) -> dict[str, Any]:
    """Who ``a`` (None: me) and ``b`` both know, with Jaccard and overlap; mailing lists and
    other bulk senders never count as anyone's contacts."""
    pa, pb = _person(owner, a), resolve(owner, b)
    if pa.id == pb.id:
        raise UsageError("name two different people")
    s = snapshot_for(owner)
    u, v = node_of(s, pa), node_of(s, pb)
    o = mutuals(s, u, v)
    bulk_a = _bulk_contacts(s, u, v)
    bulk_b = _bulk_contacts(s, v, u)
    mutual = [int(z) for z in o.mutual if not s.flags[z] & BULK]
    shared = len(mutual)
    a_count, b_count = o.a_count - bulk_a, o.b_count - bulk_b
    union = a_count + b_count - shared
    smaller = min(a_count, b_count)
    # Strongest common contacts first: the ones both would most readily ask.
    mutual.sort(key=lambda z: (-tie_strength(s, u, z) * tie_strength(s, v, z), z))
    ids = [int(s.ids[z]) for z in mutual]
    names = names_of(ids)
    return {
        "a": {"id": pa.id, "name": pa.name, "count": a_count},
        "b": {"id": pb.id, "name": pb.name, "count": b_count},
        "shared": shared,
        "jaccard": _round(shared / union if union else 0.0),
        "overlap": _round(shared / smaller if smaller else 0.0),
        "mutual": [_ref(p, names) for p in ids],
        "only_a": a_count - shared,
        "only_b": b_count - shared,
        "tied": tie_strength(s, u, v) > 0,
    }


def _bulk_contacts(s: Snapshot, u: int, other: int) -> int:
    row = s.neighbours(u)
    row = row[row != other]
    return int(np.count_nonzero(s.flags[row] & BULK))


# -- introductions along paths ------------------------------------------------------------------
def intro_payload(
    owner: AbstractBaseUser,
    *,
    to: str | None = None,
    need: str | None = None,
    source: str | None = None,
    k: int = 5,
    max_hops: int = 4,
    by: str = "strength",
) -> dict[str, Any]:
    """Warm paths from ``source`` (None: me) to ``to``, or to anyone matching ``need``.

    Up to ``k`` paths through different first contacts, strongest chain first (``by="hops"``:
    fewest hops first, then strongest); each step with its evidence and last contact.
    """
    checked("k", k, 1, MAX_K)
    checked("max_hops", max_hops, 1, MAX_INTRO_HOPS)
    if by not in ("strength", "hops"):
        raise UsageError(f"by must be 'strength' or 'hops', not {by!r}")
    if not (to or "").strip() and not (need or "").strip():
        raise UsageError("name a person to reach, or describe a need")
    start = _person(owner, source)
    s = snapshot_for(owner)
    u = node_of(s, start)
    target: Person | None = None
    matches = 0
    if (to or "").strip():
        target = resolve(owner, to or "")
        if target.id == start.id:
            raise UsageError("the path would start and end with the same person")
        found = paths.warm_paths(s, u, node_of(s, target), k=k, max_hops=max_hops)
    else:
        wanted = needs.matching_people(owner, need or "")
        matches = len(wanted)
        targets = _nodes_of(s, [p for p in wanted if p != start.id])
        found = paths.paths_to_any(s, u, targets, k=k, max_hops=max_hops) if targets.size else []
    if by == "hops":
        found.sort(key=lambda p: (p.hops, -p.strength, p.first_contact))
    me_id = int(s.ids[s.me]) if s.me >= 0 else ensure_me(owner).id
    return {
        "from": {"id": start.id, "name": start.name},
        "target": {"id": target.id, "name": target.name} if target else None,
        "need": None if target else (need or "").strip(),
        "matches": matches if target is None else 1,
        "max_hops": max_hops,
        "paths": _paths_payload(owner, s, found, me_id),
    }


def _nodes_of(s: Snapshot, person_ids: Sequence[int]) -> np.ndarray[Any, Any]:
    if not person_ids:
        return np.zeros(0, dtype=np.int64)
    rows = interests._rows(s, np.asarray(person_ids, dtype=np.int64))
    return rows[rows >= 0]


def _paths_payload(
    owner: AbstractBaseUser, s: Snapshot, found: list[paths.Path], me_id: int
) -> list[dict[str, Any]]:
    chains = [[int(s.ids[node]) for node in p.nodes] for p in found]
    names = names_of(person for chain in chains for person in chain)
    pairs = [(x, y) for chain in chains for x, y in itertools.pairwise(chain)]
    known = evidence.tie_evidence(owner, pairs)
    contacts = evidence.last_contacts(
        owner, [y if x == me_id else x for x, y in pairs if me_id in (x, y)]
    )
    result = []
    for p, chain in zip(found, chains, strict=True):
        steps = []
        for (x, y), strength in zip(itertools.pairwise(chain), p.hop_strengths, strict=True):
            tie = known[evidence._key(x, y)]
            last = contacts.get(y if x == me_id else x) if me_id in (x, y) else tie.seen
            steps.append(
                {
                    "from": _ref(x, names),
                    "to": _ref(y, names),
                    "strength": _round(strength),
                    "evidence": tie.lines(),
                    "last_contact": last.isoformat() if last else None,
                    "since": tie.since.isoformat() if tie.since else None,
                }
            )
        result.append(
            {
                "hops": p.hops,
                "strength": _round(p.strength),
                "people": [_ref(person, names) for person in chain],
                "evidence": [step["evidence"] for step in steps],
                "steps": steps,
            }
        )
    return result


# -- reach and sharers --------------------------------------------------------------------------
def reach_payload(owner: AbstractBaseUser, who: list[str], *, max_hops: int = 2) -> dict[str, Any]:
    """The unique audience if these people share a post: exact per hop (sharers not counted),
    what each sharer adds in the order given, and the expected reach under independent cascade
    with its 95% interval. Blocked people and mailing lists are never audience."""
    checked("max_hops", max_hops, 1, MAX_REACH_HOPS)
    named = [w for w in who if (w or "").strip()]
    if not named:
        raise UsageError("name at least one person who would share")
    people = [resolve(owner, w) for w in named]
    s = snapshot_for(owner)
    nodes = np.array([node_of(s, p) for p in people], dtype=np.int64)
    exact = reach.reach(s, nodes, hops=max_hops, exclude_sharers=True)
    estimate = reach.expected_reach(
        s, nodes, samples=EXPECTED_SAMPLES, max_hops=max_hops, exclude_sharers=True
    )
    return {
        "sharers": [
            {"id": p.id, "name": p.name, "adds": int(adds), "alone": int(alone)}
            for p, adds, alone in zip(people, exact.adds, exact.unique, strict=True)
        ],
        "reach": {str(h): int(exact.cumulative[h]) for h in range(1, max_hops + 1)},
        "expected": _round(estimate.mean, 1),
        "expected_low": _round(estimate.low, 1),
        "expected_high": _round(estimate.high, 1),
        "max_hops": max_hops,
    }


_sharers_cache = interests.SnapshotCache()
SHARER_HOPS = 2


def sharers_payload(owner: AbstractBaseUser, *, k: int = 5) -> dict[str, Any]:
    """The ``k`` friends to ask to share, maximising expected reach within two hops (IMM).

    ``adds`` is each sharer's expected addition in the order chosen (IMM's marginal gain, which
    counts the sharer too); ``expected_reach`` and its interval are a Monte Carlo estimate for
    the chosen set at two hops with the sharers not counted, the same measure as
    ``reach_payload``'s ``expected``.
    """
    checked("k", k, 1, MAX_SHARERS_K)
    me = ensure_me(owner)
    s = snapshot_for(owner)
    cached: dict[str, Any] | None = _sharers_cache.get(owner.pk, s, k)
    if cached is None:
        cached = _choose_sharers(s, node_of(s, me), k)
        _sharers_cache.put(owner.pk, s, k, cached)
    names = names_of(cached["ids"])
    return {
        "k": k,
        "sharers": [
            {**_ref(p, names), "adds": _round(g, 1)}
            for p, g in zip(cached["ids"], cached["gains"], strict=True)
        ],
        "expected_reach": cached["mean"],
        "expected_low": cached["low"],
        "expected_high": cached["high"],
    }


def _choose_sharers(s: Snapshot, me: int, k: int) -> dict[str, Any]:
    friends = s.neighbours(me)
    friends = friends[(s.flags[friends] & NOT_AUDIENCE) == 0]
    if friends.size == 0:
        return {"ids": [], "gains": [], "mean": 0.0, "low": 0.0, "high": 0.0}
    pick = influence.best_sharers(s, k, candidates=friends, max_hops=SHARER_HOPS)
    # Measured as the reach page measures any set: two hops, the sharers themselves not counted.
    estimate = reach.expected_reach(
        s, pick.nodes, samples=EXPECTED_SAMPLES, max_hops=SHARER_HOPS, exclude_sharers=True
    )
    return {
        "ids": [int(s.ids[x]) for x in pick.nodes],
        "gains": [float(g) for g in pick.marginal_gains],
        "mean": _round(estimate.mean, 1),
        "low": _round(estimate.low, 1),
        "high": _round(estimate.high, 1),
    }


# -- people to meet -----------------------------------------------------------------------------
def suggest_payload(
    owner: AbstractBaseUser, *, for_who: str | None = None, k: int = 20
) -> dict[str, Any]:
    """People to meet: friends of friends (Adamic-Adar, tie-weighted) plus shared interests and
    groups (cosine), with reasons; never blocked people, mailing lists or people already known."""
    checked("k", k, 1, MAX_K)
    person = _person(owner, for_who)
    s = snapshot_for(owner)
    u = node_of(s, person)
    tags = interests.matrices_for(owner, s)
    exclude = [s.me] if s.me >= 0 and s.me != u else []
    exclude += _stopped_nodes(owner, s)
    found = suggest.suggest(
        s, u, k=k, interests=tags.interests, exclude=exclude, reasons=SUGGEST_REASON_MUTUALS
    )
    ids = [int(s.ids[x.node]) for x in found]
    mutual_ids = [int(s.ids[z]) for x in found for z in x.top_mutuals]
    names = names_of([*ids, *mutual_ids])
    rows = []
    for x, person_id in zip(found, ids, strict=True):
        mutual = [_ref(int(s.ids[z]), names) for z in x.top_mutuals]
        shared = [(tags.interest_names[c], tags.interest_kinds[c]) for c in x.shared_interests]
        rows.append(
            {
                **_ref(person_id, names),
                "score": _round(x.score),
                "reasons": _suggest_reasons(x.mutual_count, mutual, shared),
                "mutual_count": x.mutual_count,
                "mutuals": mutual,
                "shared_interests": [name for name, _ in shared],
                "adamic_adar": _round(x.adamic_adar, 6),
                "interest": _round(x.interest),
            }
        )
    return {"for": {"id": person.id, "name": person.name}, "suggestions": rows}


def _stopped_nodes(owner: AbstractBaseUser, s: Snapshot) -> list[int]:
    """People with unanswered overtures in a row are never suggested again (practice rules)."""
    from goodwill.practice.overtures import stop_list

    nodes = []
    for person_id in sorted(stop_list(owner)):
        try:
            nodes.append(s.index_of(person_id))
        except KeyError:
            continue
    return nodes


def _suggest_reasons(count: int, mutual: list[Ref], shared: list[tuple[str, str]]) -> list[str]:
    reasons = []
    if count:
        friends = "1 mutual friend" if count == 1 else f"{count} mutual friends"
        names = [m["name"] for m in mutual[:2] if m["name"]]
        reasons.append(f"{friends} including {' and '.join(names)}" if names else friends)
    groups = [name for name, kind in shared if kind == "tag"]
    topics = [name for name, kind in shared if kind != "tag"]
    if groups:
        reasons.append("both tagged " + _listed(groups))
    if topics:
        reasons.append("both interested in " + _listed(topics))
    return reasons


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# -- introductions I could make -----------------------------------------------------------------
def introduce_payload(owner: AbstractBaseUser, *, k: int = 20) -> dict[str, Any]:
    """Pairs of my contacts who are not tied but share interests, or where one offers what the
    other needs; and my brokerage (Burt's effective size and constraint)."""
    checked("k", k, 1, MAX_K)
    me = ensure_me(owner)
    s = snapshot_for(owner)
    u = node_of(s, me)
    tags = interests.matrices_for(owner, s)
    has_categories = bool(tags.categories)
    found = broker.introductions(
        s,
        u,
        interests=tags.interests,
        offers=tags.offers if has_categories else None,
        needs=tags.needs if has_categories else None,
        k=k,
    )
    measures = broker.brokerage(s, u)
    names = names_of(int(s.ids[x]) for i in found for x in (i.a, i.b))
    pairs = []
    for i in found:
        a, b = _ref(int(s.ids[i.a]), names), _ref(int(s.ids[i.b]), names)
        pairs.append(
            {
                "a": a,
                "b": b,
                "score": _round(i.score),
                "reasons": _introduce_reasons(i, a, b, tags),
                "shared_interests": [tags.interest_names[c] for c in i.shared_interests],
                "bridge": bool(i.bridge),
            }
        )
    return {
        "pairs": pairs,
        "brokerage": {
            "degree": s.degree(u),
            "effective_size": _round(measures.effective_size),
            "efficiency": _round(measures.efficiency),
            "constraint": _round(measures.constraint),
        },
    }


def _introduce_reasons(
    i: broker.Introduction, a: Ref, b: Ref, tags: interests.TagMatrices
) -> list[str]:
    reasons = []
    for giver, taker, categories in ((a, b, i.a_offers_b_needs), (b, a, i.b_offers_a_needs)):
        for c in categories:
            reasons.append(
                f"{giver['name']} offers {tags.categories[c]}, which {taker['name']} needs"
            )
    shared = [(tags.interest_names[c], tags.interest_kinds[c]) for c in i.shared_interests]
    reasons.extend(_suggest_reasons(0, [], shared))
    if i.bridge:
        reasons.append("they are in different circles of yours")
    return reasons


# -- the map ------------------------------------------------------------------------------------
def map_payload(owner: AbstractBaseUser) -> dict[str, Any]:
    """Everyone (but mailing lists) placed for the web map, with communities and their labels."""
    from goodwill.network import maps

    return maps.map_payload(owner)
