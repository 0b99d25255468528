"""Numba kernels for the strongest chains behind ``goodwill.graph.paths`` (CSR arrays in).

Private: the public, documented functions are in ``goodwill.graph.paths`` (the small
sorted-set and BFS kernels live beside the functions that use them). Every kernel is compiled
once and cached on disk (``cache=True``) and releases the GIL (``nogil=True``), so queries from
several threads run in parallel as long as each brings its own scratch arrays (see
``paths._Workspace``).

Tie strengths are multiplied rather than turned into ``-log`` costs: maximising a product of
factors in (0, 1] is the same problem as minimising a sum of non-negative costs, and it saves a
logarithm per relaxed edge.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np

from goodwill.graph._kernels_build import half

F = TypeVar("F", bound=Callable[..., Any])


def kernel(fn: F) -> F:
    """``numba.njit(cache=True, nogil=True)`` with the function's type kept for mypy."""
    return cast(F, numba.njit(cache=True, nogil=True)(fn))


# -- helpers -------------------------------------------------------------------------------------
@kernel
def _lower_bound(values: Any, start: int, stop: int, key: int) -> int:
    """First position in ``values[start:stop]`` whose value is >= ``key`` (binary search)."""
    lo, hi = start, stop
    while lo < hi:
        mid = (lo + hi) >> 1
        if values[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    return lo


@kernel
def edge_strength(indptr: Any, indices: Any, weights: Any, u: int, v: int) -> float:
    """The strength of the tie ``u - v`` (0.0 when there is none)."""
    start, stop = indptr[u], indptr[u + 1]
    position = _lower_bound(indices, start, stop, v)
    if position < stop and indices[position] == v:
        return float(half(weights[position]))
    return 0.0


# -- strongest chains ---------------------------------------------------------------------------
@kernel
def _offer(
    value: Any,
    hops: Any,
    target: Any,
    origin: Any,
    slot: Any,
    row: int,
    k_slots: int,
    cand: float,
    cand_hops: int,
    cand_target: int,
    cand_origin: int,
    cand_slot: int,
) -> None:
    """Offer a label to ``row``'s ``k_slots`` best labels with distinct targets.

    Better means a larger product, then fewer hops. Empty slots hold 0.0 and stay at the end.
    """
    worst = -1
    for i in range(k_slots):
        current = value[row, i]
        if current == 0.0:
            value[row, i] = cand
            hops[row, i] = cand_hops
            target[row, i] = cand_target
            origin[row, i] = cand_origin
            slot[row, i] = cand_slot
            return
        if target[row, i] == cand_target:
            if cand > current or (cand == current and cand_hops < hops[row, i]):
                value[row, i] = cand
                hops[row, i] = cand_hops
                origin[row, i] = cand_origin
                slot[row, i] = cand_slot
            return
        if (
            worst < 0
            or current < value[row, worst]
            or (current == value[row, worst] and hops[row, i] > hops[row, worst])
        ):
            worst = i
    old = value[row, worst]
    if cand > old or (cand == old and cand_hops < hops[row, worst]):
        value[row, worst] = cand
        hops[row, worst] = cand_hops
        target[row, worst] = cand_target
        origin[row, worst] = cand_origin
        slot[row, worst] = cand_slot


@kernel
def _greedy(
    value: Any, hops: Any, first: Any, target: Any, count: int, k: int, distinct_targets: bool
) -> Any:
    """Positions of up to ``k`` candidates, best first, with distinct first contacts (and
    distinct targets when asked): each pick is the best one compatible with those before it."""
    by_hops = np.argsort(hops[:count], kind="mergesort")
    by_value = np.argsort(-value[:count][by_hops], kind="mergesort")
    order = by_hops[by_value]
    picked = np.empty(k, dtype=np.int64)
    n_picked = 0
    for position in order:
        if n_picked == k:
            break
        ok = True
        for p in range(n_picked):
            q = picked[p]
            if first[q] == first[position] or (distinct_targets and target[q] == target[position]):
                ok = False
                break
        if ok:
            picked[n_picked] = position
            n_picked += 1
    return picked[:n_picked]


@kernel
def strongest_chains(
    indptr: Any,
    indices: Any,
    weights: Any,
    flags: Any,
    bad: int,
    source: int,
    targets: Any,
    max_hops: int,
    k: int,
    k_slots: int,
    min_w: float,
    distinct_targets: bool,
    loc: Any,
    tmark: Any,
) -> Any:
    """The strongest chains from ``source`` to any of ``targets``, one per first contact.

    Exact within ``max_hops`` (see ``paths`` for the argument). Phase 1 labels, by hop-layered
    relaxation outward from the targets (Bellman 1958; Ford 1956) to depth ``max_hops - 2``,
    every allowed node with its ``k_slots`` strongest chains to distinct targets using exactly
    ``g`` hops. Phase 2 tries each first contact ``c`` (strongest tie first) and each of its
    neighbours ``x``: source-c-x followed by a label of ``x``. A pick of ``k`` is greedy.

    ``loc`` (int32, all -1) and ``tmark`` (int8, all 0) are scratch of length n, restored.
    Returns (paths int32[picks, max_hops + 1] padded with -1, per-hop strengths float32).
    """
    depth = max_hops - 2
    n_targets = targets.shape[0]
    for i in range(n_targets):
        tmark[targets[i]] = 1
    # ---- phase 1: labels per layer; local ids in order of first touch ----
    cap = n_targets
    caps = [cap]
    nodes = np.empty(n_targets, dtype=np.int32)
    for i in range(n_targets):
        nodes[i] = targets[i]
        loc[targets[i]] = i
    count = n_targets
    l_value = [np.zeros((n_targets, 1), dtype=np.float64)]
    l_target = [np.zeros((n_targets, 1), dtype=np.int32)]
    l_parent = [np.zeros((n_targets, 1), dtype=np.int32)]
    l_slot = [np.zeros((n_targets, 1), dtype=np.int32)]
    l_seen = [np.ones(n_targets, dtype=np.bool_)]
    for i in range(n_targets):
        l_value[0][i, 0] = 1.0
        l_target[0][i, 0] = targets[i]
        l_parent[0][i, 0] = -1
    frontier = np.arange(n_targets).astype(np.int32)
    for g in range(1, depth + 1):
        work = 0
        for f in frontier:
            y = nodes[f]
            work += indptr[y + 1] - indptr[y]
        cap = count + work
        caps.append(cap)
        if cap > nodes.shape[0]:
            grown = np.empty(max(cap, 2 * nodes.shape[0]), dtype=np.int32)
            grown[:count] = nodes[:count]
            nodes = grown
        value = np.empty((cap, k_slots), dtype=np.float64)
        target = np.empty((cap, k_slots), dtype=np.int32)
        parent = np.empty((cap, k_slots), dtype=np.int32)
        slot = np.empty((cap, k_slots), dtype=np.int32)
        hops = np.empty((cap, k_slots), dtype=np.int32)
        seen = np.zeros(cap, dtype=np.bool_)
        next_frontier = np.empty(work, dtype=np.int32)
        n_next = 0
        prev_value, prev_target = l_value[g - 1], l_target[g - 1]
        prev_slots = prev_value.shape[1]
        for f in frontier:
            y = nodes[f]
            for e in range(indptr[y], indptr[y + 1]):
                w = half(weights[e])
                if w < min_w:
                    continue
                z = indices[e]
                if z == source or tmark[z] != 0 or (flags[z] & bad) != 0:
                    continue
                lz = loc[z]
                if lz < 0:
                    lz = count
                    loc[z] = lz
                    nodes[lz] = z
                    count += 1
                if not seen[lz]:
                    seen[lz] = True
                    value[lz, :] = 0.0
                    next_frontier[n_next] = lz
                    n_next += 1
                for j in range(prev_slots):
                    pv = prev_value[f, j]
                    if pv == 0.0:
                        break
                    _offer(
                        value,
                        hops,
                        target,
                        parent,
                        slot,
                        lz,
                        k_slots,
                        pv * w,
                        g,
                        prev_target[f, j],
                        f,
                        j,
                    )
        l_value.append(value)
        l_target.append(target)
        l_parent.append(parent)
        l_slot.append(slot)
        l_seen.append(seen)
        frontier = next_frontier[:n_next]
    # ---- phase 2: first contacts, strongest tie first ----
    start, stop = indptr[source], indptr[source + 1]
    degree = stop - start
    # Bits of non-negative halves sort as their values do.
    order = np.argsort(-weights[start:stop].astype(np.int64), kind="mergesort")
    size = max(degree * k_slots, 1)
    c_value = np.zeros(size, dtype=np.float64)
    c_hops = np.zeros(size, dtype=np.int32)
    c_first = np.zeros(size, dtype=np.int32)
    c_target = np.zeros(size, dtype=np.int32)
    c_x = np.zeros(size, dtype=np.int32)
    c_layer = np.zeros(size, dtype=np.int32)
    c_slot = np.zeros(size, dtype=np.int32)
    n_cand = 0
    mine_value = np.zeros((1, k_slots), dtype=np.float64)
    mine_hops = np.zeros((1, k_slots), dtype=np.int32)
    mine_target = np.zeros((1, k_slots), dtype=np.int32)
    mine_x = np.zeros((1, k_slots), dtype=np.int32)
    mine_code = np.zeros((1, k_slots), dtype=np.int32)
    bound = 0.0  # a first contact whose tie is weaker than this cannot make the pick
    top = np.zeros(k, dtype=np.float64)  # distinct-first-contact mode: the k best so far
    since_check = 0
    for position in order:
        e = start + position
        wsc = half(weights[e])
        if wsc < min_w or wsc < bound:
            break
        c = indices[e]
        mine_value[0, :] = 0.0
        if tmark[c] != 0:
            _offer(
                mine_value,
                mine_hops,
                mine_target,
                mine_x,
                mine_code,
                0,
                k_slots,
                float(wsc),
                1,
                c,
                -1,
                0,
            )
        elif (flags[c] & bad) == 0 and max_hops >= 2:
            floor = bound if not distinct_targets else 0.0
            for e2 in range(indptr[c], indptr[c + 1]):
                x = indices[e2]
                base = float(wsc) * half(weights[e2])
                if half(weights[e2]) < min_w or x == source or base < floor:
                    continue
                if tmark[x] != 0:
                    _offer(
                        mine_value,
                        mine_hops,
                        mine_target,
                        mine_x,
                        mine_code,
                        0,
                        k_slots,
                        base,
                        2,
                        x,
                        x,
                        0,
                    )
                    continue
                lx = loc[x]
                if lx < 0:
                    continue
                for g in range(1, depth + 1):
                    if lx >= caps[g] or not l_seen[g][lx]:
                        continue  # x has no chain of exactly g hops
                    lv = l_value[g]
                    for j in range(k_slots):
                        pv = lv[lx, j]
                        if pv == 0.0:
                            break
                        _offer(
                            mine_value,
                            mine_hops,
                            mine_target,
                            mine_x,
                            mine_code,
                            0,
                            k_slots,
                            base * pv,
                            2 + g,
                            l_target[g][lx, j],
                            x,
                            g * k_slots + j,
                        )
        for j in range(k_slots):
            if mine_value[0, j] == 0.0:
                break
            c_value[n_cand] = mine_value[0, j]
            c_hops[n_cand] = mine_hops[0, j]
            c_first[n_cand] = c
            c_target[n_cand] = mine_target[0, j]
            c_x[n_cand] = mine_x[0, j]
            code = mine_code[0, j]
            c_layer[n_cand] = code // k_slots if mine_x[0, j] >= 0 else -1
            c_slot[n_cand] = code % k_slots
            n_cand += 1
            if not distinct_targets:
                # one candidate per first contact: keep the k best values as the bound
                v = mine_value[0, j]
                if v > top[k - 1]:
                    i = k - 1
                    while i > 0 and top[i - 1] < v:
                        top[i] = top[i - 1]
                        i -= 1
                    top[i] = v
                    bound = top[k - 1]
        if distinct_targets:
            since_check += 1
            if since_check >= 32:
                since_check = 0
                picks = _greedy(c_value, c_hops, c_first, c_target, n_cand, k, True)
                if picks.shape[0] == k:
                    bound = c_value[picks[k - 1]]
    picks = _greedy(c_value, c_hops, c_first, c_target, n_cand, k, distinct_targets)
    # ---- reconstruct ----
    out = np.full((picks.shape[0], max_hops + 1), -1, dtype=np.int32)
    out_w = np.zeros((picks.shape[0], max_hops), dtype=np.float32)
    for p in range(picks.shape[0]):
        q = picks[p]
        out[p, 0] = source
        out[p, 1] = c_first[q]
        length = 2
        x = c_x[q]
        if x >= 0:
            out[p, 2] = x
            length = 3
            g = c_layer[q]
            lx = loc[x]
            j = c_slot[q]
            while g > 0:
                parent_local = l_parent[g][lx, j]
                j = l_slot[g][lx, j]
                lx = parent_local
                g -= 1
                out[p, length] = nodes[lx]
                length += 1
        for h in range(length - 1):
            out_w[p, h] = edge_strength(indptr, indices, weights, out[p, h], out[p, h + 1])
    # ---- restore scratch ----
    for i in range(count):
        loc[nodes[i]] = -1
    for i in range(n_targets):
        tmark[targets[i]] = 0
    return out, out_w


# -- strongest chains between two people: bidirectional ------------------------------------------
@kernel
def _grow_rows(array: Any, used: int, needed: int) -> Any:
    """``array`` with room for ``needed`` rows (a larger copy of the first ``used`` when short)."""
    if needed <= array.shape[0]:
        return array
    grown = np.empty((max(needed, 2 * array.shape[0]), array.shape[1]), dtype=array.dtype)
    grown[:used] = array[:used]
    return grown


@kernel
def _grow(array: Any, used: int, needed: int) -> Any:
    if needed <= array.shape[0]:
        return array
    grown = np.empty(max(needed, 2 * array.shape[0]), dtype=array.dtype)
    grown[:used] = array[:used]
    return grown


@kernel
def _record(
    best: Any,
    meet: Any,
    top_v: Any,
    top_p: Any,
    p: int,
    value: float,
    hops: int,
    a: int,
    i: int,
    b: int,
    j: int,
) -> Any:
    """Keep ``value`` if it is the best chain so far through first contact ``p``; return the
    k-th best value over distinct first contacts (0.0 while fewer than k are known)."""
    k = top_v.shape[0]
    old = best[p, 0]
    if value < old or (value == old and hops >= best[p, 1]):
        return top_v[k - 1]
    best[p, 0] = value
    best[p, 1] = hops
    meet[p, 0] = a
    meet[p, 1] = i
    meet[p, 2] = b
    meet[p, 3] = j
    position = -1
    for q in range(k):
        if top_p[q] == p:
            position = q
            break
    if position < 0:
        if value <= top_v[k - 1]:
            return top_v[k - 1]
        position = k - 1
    top_v[position] = value
    top_p[position] = p
    while position > 0 and top_v[position - 1] < top_v[position]:
        top_v[position - 1], top_v[position] = top_v[position], top_v[position - 1]
        top_p[position - 1], top_p[position] = top_p[position], top_p[position - 1]
        position -= 1
    return top_v[k - 1]


@kernel
def _by_label(rows: Any, labels: Any, width: int) -> Any:
    """Frontier rows, strongest label first when there are few enough to sort cheaply."""
    if rows.shape[0] > 20000:
        return rows
    key = np.empty(rows.shape[0], dtype=np.float64)
    for r in range(rows.shape[0]):
        top = 0.0
        for q in range(width):
            top = max(top, labels[rows[r], q])
        key[r] = -top
    return rows[np.argsort(key, kind="mergesort")]


@kernel
def warm_chains(
    indptr: Any,
    indices: Any,
    weights: Any,
    flags: Any,
    bad: int,
    source: int,
    target: int,
    max_hops: int,
    k: int,
    min_w: float,
    loc_f: Any,
    loc_b: Any,
) -> Any:
    """The strongest chain through each of the ``k`` best first contacts, by a bidirectional
    hop-layered search (exact within ``max_hops``; see ``paths`` for the argument).

    Forward labels ``F_i[x]``: for each of the ``k`` strongest distinct first contacts, the
    strongest walk ``source, c, ..., x`` of exactly ``i`` ties. Backward labels ``B_j[y]``: the
    strongest walk ``y, ..., target`` of exactly ``j`` ties. Each of the ``max_hops - 1``
    expansion steps grows the side whose frontier has fewer ties to scan (as bidirectional BFS
    does); the last step stores nothing. Whenever a label is set, it is met with the other
    side's labels at that node, which finds every chain of up to ``max_hops`` ties. A label that
    cannot beat the k-th best chain found so far, even completed by the strongest remaining
    tie, is dropped.

    ``loc_f`` and ``loc_b`` (int32, all -1) are scratch of length n, restored.
    """
    n_nodes = indptr.shape[0] - 1
    s_start, s_stop = indptr[source], indptr[source + 1]
    degree = s_stop - s_start
    n_layers = max(max_hops - 1, 1)
    best = np.zeros((max(degree, 1), 2), dtype=np.float64)  # value, hops per first contact
    meet = np.zeros((max(degree, 1), 4), dtype=np.int64)  # a, i, b, j
    top_v = np.zeros(k, dtype=np.float64)
    top_p = np.full(k, -1, dtype=np.int64)
    bound = 0.0
    max_s = 0.0
    for e in range(s_start, s_stop):
        max_s = max(max_s, float(half(weights[e])))
    max_t = 0.0
    for e in range(indptr[target], indptr[target + 1]):
        max_t = max(max_t, float(half(weights[e])))
    # forward rows: F layers 1..n_layers, k slots each: value and origin (position in N(s))
    f_cap = max(degree, 16)
    f_nodes = np.empty(f_cap, dtype=np.int32)
    f_val = np.empty((f_cap, n_layers * k), dtype=np.float64)
    f_org = np.empty((f_cap, n_layers * k), dtype=np.int32)
    f_rows = 0
    # backward rows: B layers 0..n_layers-1, one value each
    b_cap = 16
    b_nodes = np.empty(b_cap, dtype=np.int32)
    b_val = np.empty((b_cap, n_layers), dtype=np.float64)
    b_rows = 0
    # the direct tie, and F_1: every allowed first contact
    f_front = np.empty(degree, dtype=np.int32)
    n_f_front = 0
    for p in range(degree):
        e = s_start + p
        c = indices[e]
        w = float(half(weights[e]))
        if w < min_w:
            continue
        if c == target:
            bound = _record(best, meet, top_v, top_p, p, w, 1, -1, 0, -1, 0)
            continue
        if (flags[c] & bad) != 0 or max_hops < 2:
            continue
        loc_f[c] = f_rows
        f_nodes[f_rows] = c
        f_val[f_rows, :] = 0.0
        f_val[f_rows, 0] = w
        f_org[f_rows, 0] = p
        f_front[n_f_front] = f_rows
        n_f_front += 1
        f_rows += 1
    f_front = f_front[:n_f_front]
    loc_b[target] = 0
    b_nodes[0] = target
    b_val[0, :] = 0.0
    b_val[0, 0] = 1.0
    b_rows = 1
    b_front = np.zeros(1, dtype=np.int32)
    f_depth, b_depth = 1, 0
    for step in range(max_hops - 1):
        last = step == max_hops - 2
        f_work = 0
        for r in f_front:
            x = f_nodes[r]
            f_work += indptr[x + 1] - indptr[x]
        b_work = 0
        for r in b_front:
            y = b_nodes[r]
            b_work += indptr[y + 1] - indptr[y]
        if f_front.shape[0] == 0 or b_front.shape[0] == 0:
            break
        if f_work < b_work:
            # ---- forward: F_{f_depth} -> F_{f_depth + 1} ----
            i = f_depth
            col = (i - 1) * k
            if not last:
                room = min(f_rows + f_work, n_nodes)
                f_nodes = _grow(f_nodes, f_rows, room)
                f_val = _grow_rows(f_val, f_rows, room)
                f_org = _grow_rows(f_org, f_rows, room)
            nxt = np.empty(f_work if not last else 0, dtype=np.int32)
            n_nxt = 0
            for r in _by_label(f_front, f_val[:, col : col + k], k):
                x = f_nodes[r]
                top = 0.0
                for q in range(k):
                    top = max(top, f_val[r, col + q])
                if top * max_t < bound:
                    continue
                for e in range(indptr[x], indptr[x + 1]):
                    w = half(weights[e])
                    if w < min_w:
                        continue
                    z = indices[e]
                    if z == source:
                        continue
                    if top * w * (1.0 if z == target else max_t) < bound:
                        continue
                    lb = loc_b[z]
                    if z != target and (flags[z] & bad) != 0:
                        continue
                    for q in range(k):
                        v = f_val[r, col + q]
                        if v == 0.0:
                            break
                        cand = v * w
                        p = f_org[r, col + q]
                        if lb >= 0:
                            for j in range(b_depth + 1):
                                u = b_val[lb, j]
                                if u > 0.0 and i + 1 + j <= max_hops and cand * u >= bound:
                                    bound = _record(
                                        best, meet, top_v, top_p, p, cand * u, i + 1 + j, x, i, z, j
                                    )
                        if last or z == target or cand * max_t < bound:
                            continue
                        lz = loc_f[z]
                        if lz < 0:
                            lz = f_rows
                            loc_f[z] = lz
                            f_nodes[lz] = z
                            f_val[lz, :] = 0.0
                            f_rows += 1
                        ncol = i * k
                        if f_val[lz, ncol] == 0.0:
                            nxt[n_nxt] = lz
                            n_nxt += 1
                        # keep the k strongest labels with distinct first contacts
                        worst = -1
                        for slot in range(k):
                            current = f_val[lz, ncol + slot]
                            if current == 0.0:
                                f_val[lz, ncol + slot] = cand
                                f_org[lz, ncol + slot] = p
                                worst = -2
                                break
                            if f_org[lz, ncol + slot] == p:
                                if cand > current:
                                    f_val[lz, ncol + slot] = cand
                                worst = -2
                                break
                            if worst < 0 or current < f_val[lz, ncol + worst]:
                                worst = slot
                        if worst >= 0 and cand > f_val[lz, ncol + worst]:
                            f_val[lz, ncol + worst] = cand
                            f_org[lz, ncol + worst] = p
            f_front = nxt[:n_nxt]
            f_depth += 1
        else:
            # ---- backward: B_{b_depth} -> B_{b_depth + 1} ----
            j = b_depth
            if not last:
                room = min(b_rows + b_work, n_nodes)
                b_nodes = _grow(b_nodes, b_rows, room)
                b_val = _grow_rows(b_val, b_rows, room)
            nxt = np.empty(b_work if not last else 0, dtype=np.int32)
            n_nxt = 0
            for r in _by_label(b_front, b_val[:, j : j + 1], 1):
                y = b_nodes[r]
                u = b_val[r, j]
                if u * max_s < bound:
                    continue
                for e in range(indptr[y], indptr[y + 1]):
                    w = half(weights[e])
                    if w < min_w:
                        continue
                    z = indices[e]
                    cand = u * w
                    if (flags[z] & bad) != 0 or cand * max_s < bound:
                        continue
                    if z == source:
                        continue
                    if z == target:
                        continue
                    lf = loc_f[z]
                    if lf >= 0:
                        for i in range(1, f_depth + 1):
                            if i + j + 1 > max_hops:
                                break
                            col = (i - 1) * k
                            for q in range(k):
                                v = f_val[lf, col + q]
                                if v == 0.0:
                                    break
                                if v * cand >= bound:
                                    bound = _record(
                                        best,
                                        meet,
                                        top_v,
                                        top_p,
                                        f_org[lf, col + q],
                                        v * cand,
                                        i + j + 1,
                                        z,
                                        i,
                                        y,
                                        j,
                                    )
                    if last:
                        continue
                    lz = loc_b[z]
                    if lz < 0:
                        lz = b_rows
                        loc_b[z] = lz
                        b_nodes[lz] = z
                        b_val[lz, :] = 0.0
                        b_rows += 1
                    if b_val[lz, j + 1] == 0.0:
                        nxt[n_nxt] = lz
                        n_nxt += 1
                    if cand > b_val[lz, j + 1]:
                        b_val[lz, j + 1] = cand
            b_front = nxt[:n_nxt]
            b_depth += 1
    # ---- pick the k best first contacts and rebuild their chains ----
    order = np.argsort(best[:degree, 1], kind="mergesort")
    order = order[np.argsort(-best[:degree, 0][order], kind="mergesort")]
    n_out = 0
    for p in order:
        if n_out == k or best[p, 0] == 0.0:
            break
        n_out += 1
    out = np.full((n_out, max_hops + 1), -1, dtype=np.int32)
    out_w = np.zeros((n_out, max_hops), dtype=np.float32)
    for o in range(n_out):
        p = order[o]
        out[o, 0] = source
        a, i, b, j = meet[p, 0], meet[p, 1], meet[p, 2], meet[p, 3]
        if a < 0:  # the direct tie
            out[o, 1] = target
            out_w[o, 0] = half(weights[s_start + p])
            continue
        # forward part: walk back from a (layer i) to the first contact
        cur = a
        value = 0.0
        lf = loc_f[a]
        for q in range(k):
            if f_org[lf, (i - 1) * k + q] == p and f_val[lf, (i - 1) * k + q] > 0.0:
                value = f_val[lf, (i - 1) * k + q]
        out[o, i] = cur
        for layer in range(i - 1, 0, -1):
            col = (layer - 1) * k
            pick = -1
            pick_value = 0.0
            gap = np.inf
            for e in range(indptr[cur], indptr[cur + 1]):
                u_node = indices[e]
                lu = loc_f[u_node]
                if lu < 0:
                    continue
                for q in range(k):
                    if f_org[lu, col + q] == p and f_val[lu, col + q] > 0.0:
                        diff = abs(f_val[lu, col + q] * half(weights[e]) - value)
                        if diff < gap:
                            gap, pick, pick_value = diff, u_node, f_val[lu, col + q]
            cur = pick
            value = pick_value
            out[o, layer] = cur
        # backward part: from b (layer j) down to the target
        length = i + 1
        cur = b
        value = b_val[loc_b[b], j]
        out[o, length] = cur
        length += 1
        for layer in range(j - 1, -1, -1):
            pick = -1
            pick_value = 0.0
            gap = np.inf
            for e in range(indptr[cur], indptr[cur + 1]):
                u_node = indices[e]
                lu = loc_b[u_node]
                if lu < 0 or b_val[lu, layer] == 0.0:
                    continue
                diff = abs(b_val[lu, layer] * half(weights[e]) - value)
                if diff < gap:
                    gap, pick, pick_value = diff, u_node, b_val[lu, layer]
            cur = pick
            value = pick_value
            out[o, length] = cur
            length += 1
        for h in range(length - 1):
            out_w[o, h] = edge_strength(indptr, indices, weights, out[o, h], out[o, h + 1])
    for r in range(f_rows):
        loc_f[f_nodes[r]] = -1
    for r in range(b_rows):
        loc_b[b_nodes[r]] = -1
    return out, out_w
