"""Reach of a shared post and who to ask to share it: goodwill against its peers.

    python bench/bench_reach.py                    # --size medium: SNAP graphs + 100k people
    python bench/bench_reach.py --size large       # + the 1M people / 10M ties graph
    python bench/bench_reach.py --size small       # ego-Facebook and email-Enron only
    python bench/bench_reach.py --graphs generated-1m --profile   # where reach's time goes

Per graph:

* **2-hop reach of 20 sharers** over ``--queries`` sharer sets (default 200; one set in four is
  hub-heavy, half its sharers from the top 1% by degree, the others uniform): goodwill's
  ``reach`` (levels, cumulative counts, each sharer's marginal and unique audience, all in one
  pass); NetworkX, the union of ``single_source_shortest_path_length(cutoff=2)`` per sharer;
  igraph, ``neighborhood(sharers, order=2)`` then ``np.unique`` of the union; NetworKit, which
  has no depth-limited BFS, as two BFS levels over ``iterNeighbors`` (faster than its
  ``subgraphAndNeighborsFromNodes`` or ``Traversal.BFSfrom``); NetworkX both as
  ``bfs_layers`` from all sharers stopped after layer 2 (one multi-source BFS, its fastest
  way) and as the union of ``single_source_shortest_path_length(cutoff=2)`` per sharer (the
  BFS inside ``ego_graph``, without building the subgraphs). The peers count only the
  union; every peer's count is checked against goodwill's total. NetworkX runs on the first
  ``--nx-queries`` sets (with a goodwill row on exactly those for the ratio). A peer that
  uses up ``--budget`` seconds on one query type stops early (its row's ``n`` says so).
* **expected reach** under the independent-cascade model, 1,000 Monte Carlo samples per query
  (``--ic-queries`` sharer sets of 20): within 2 hops (the product's figure) and, on the SNAP
  graphs only, unbounded. No peer library has cascades; on ego-Facebook a plain Python
  simulation over a NetworkX graph (the same model) gives a reference.
* **best 5 sharers** (IMM, epsilon 0.2, ell 1; 3 seeds): anyone, and the friends of an
  "owner" (a node of about 350 friends), within 2 hops (the default); unbounded on
  ego-Facebook only (one seed: the cascade is supercritical, see ``goodwill.graph.influence``).
  igraph and NetworKit have no influence maximisation. The peer is a greedy Monte Carlo
  (CELF, Leskovec et al. KDD 2007) in NetworkX on a small graph (the ego network of node 0 in
  ego-Facebook: 348 people), where both choices are then scored by the same 20,000-sample
  Monte Carlo.
* **memory**: the snapshot, goodwill's per-graph workspace, each peer's graph (RSS growth when
  built), and the process peak.

NetworkX needs minutes and several GB to build the 10M-tie graph, so it runs at sizes up to
1M ties (``generated-100k``) and is skipped, and said so, at 10M. JIT compile time is measured
once, in a subprocess with an empty numba cache, and reported apart from the query timings.
"""

from __future__ import annotations

import argparse
import heapq
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from graphbench import (
    Stats,
    command_line,
    load_graph,
    peak_rss_mb,
    print_table,
    reset_peak_rss,
    row,
    rss_mb,
    sample_nodes,
    time_queries,
    to_igraph,
    to_networkit,
    to_networkx,
)

from goodwill.graph import _kernels_reach
from goodwill.graph.influence import best_sharers
from goodwill.graph.reach import DEFAULT_BASE, expected_reach, reach
from goodwill.graph.snapshot import Snapshot, from_edges

SIZES = {
    "small": ("ego-facebook", "enron"),
    "medium": ("ego-facebook", "enron", "generated-100k"),
    "large": ("ego-facebook", "enron", "generated-100k", "generated-1m"),
}
NX_MAX_TIES = 2_000_000
UNBOUNDED_MAX_TIES = 200_000  # unbounded cascades are supercritical here: SNAP graphs only
UNBOUNDED_IMM_MAX_TIES = 100_000  # and IMM over them takes a minute on email-Enron already
SHARERS = 20
OURS = "goodwill"


# -- inputs --------------------------------------------------------------------------------------
def sharer_sets(s: Snapshot, count: int, seed: int) -> list[np.ndarray]:
    """``count`` sets of 20 sharers; every fourth is hub-heavy (half from the top 1%)."""
    return [
        sample_nodes(s, SHARERS, seed + i, hub_share=0.5 if i % 4 == 0 else 0.0)
        for i in range(count)
    ]


def owner_of(s: Snapshot) -> int:
    """A node with about 350 friends (the author of the product brief), or the best hub."""
    degrees = s.degrees()
    return int(np.argmin(np.abs(degrees - 350)))


# -- peers: 2-hop reach --------------------------------------------------------------------------
def networkx_reach(g: Any) -> Callable[[np.ndarray], int]:
    """Union of per-sharer BFS with ``cutoff=2`` (the ego-graph way)."""
    import networkx as nx

    def run(sharers: np.ndarray) -> int:
        seen: set[int] = set()
        for node in sharers.tolist():
            seen.update(nx.single_source_shortest_path_length(g, node, cutoff=2))
        return len(seen)

    return run


def networkx_layers(g: Any) -> Callable[[np.ndarray], int]:
    """One multi-source BFS: ``bfs_layers`` from all sharers, stopped after layer 2."""
    import networkx as nx

    def run(sharers: np.ndarray) -> int:
        total = 0
        for depth, layer in enumerate(nx.bfs_layers(g, sharers.tolist())):
            total += len(layer)
            if depth == 2:
                break
        return total

    return run


def igraph_reach(g: Any) -> Callable[[np.ndarray], int]:
    def run(sharers: np.ndarray) -> int:
        balls = g.neighborhood(sharers.tolist(), order=2)
        return int(np.unique(np.concatenate([np.asarray(b) for b in balls])).shape[0])

    return run


def networkit_reach(g: Any) -> Callable[[np.ndarray], int]:
    """Two BFS levels over ``iterNeighbors`` (NetworKit has no depth-limited BFS; this beats
    ``graphtools.subgraphAndNeighborsFromNodes`` twice by 20x at 100k people, and
    ``Traversal.BFSfrom``, which cannot stop, by 5x)."""

    def run(sharers: np.ndarray) -> int:
        seen = set(sharers.tolist())
        frontier = list(seen)
        for _ in range(2):
            found = []
            for u in frontier:
                for v in g.iterNeighbors(u):
                    if v not in seen:
                        seen.add(v)
                        found.append(v)
            frontier = found
        return len(seen)

    return run


# -- peers: cascades in plain Python -------------------------------------------------------------
def python_cascades(g: Any, sharers: Sequence[int], samples: int, seed: int, hops: int) -> float:
    """Mean cascade size, plain Python over a NetworkX graph (``weight`` = tie strength)."""
    rng = random.Random(seed)
    adjacency = {u: [(v, DEFAULT_BASE * d["weight"]) for v, d in g[u].items()] for u in g}
    total = 0
    for _ in range(samples):
        depth = dict.fromkeys(sharers, 0)
        queue = deque(depth)
        while queue:
            u = queue.popleft()
            if depth[u] >= hops:
                continue
            for v, p in adjacency[u]:
                if v not in depth and rng.random() < p:
                    depth[v] = depth[u] + 1
                    queue.append(v)
        total += len(depth)
    return total / samples


def celf_greedy(g: Any, k: int, samples: int, hops: int, seed: int) -> list[int]:
    """Greedy Monte Carlo with lazy evaluations (CELF), cascades as in ``python_cascades``."""

    def spread(nodes: list[int]) -> float:
        return python_cascades(g, nodes, samples, seed, hops)

    heap = [(-spread([v]), v, 0) for v in g]
    heapq.heapify(heap)
    chosen: list[int] = []
    current = 0.0
    while len(chosen) < k and heap:
        negative_gain, v, round_seen = heapq.heappop(heap)
        if round_seen == len(chosen):
            chosen.append(v)
            current += -negative_gain
            continue
        gain = spread([*chosen, v]) - current
        heapq.heappush(heap, (-gain, v, len(chosen)))
    return chosen


def ego_network(s: Snapshot, centre: int) -> Snapshot:
    """The subgraph induced by ``centre`` and its friends (nodes renumbered from 0)."""
    nodes = np.concatenate([[centre], s.neighbours(centre)]).astype(np.int64)
    inside = np.zeros(s.n, dtype=bool)
    inside[nodes] = True
    rows = np.repeat(np.arange(s.n), np.diff(s.indptr))
    keep = inside[rows] & inside[s.indices] & (rows < s.indices)
    position = np.full(s.n, -1, dtype=np.int64)
    position[np.sort(nodes)] = np.arange(nodes.shape[0])
    a, b = position[rows[keep]], position[s.indices[keep]]
    return from_edges(np.arange(nodes.shape[0]), a, b, s.weights[keep])


# -- measurements --------------------------------------------------------------------------------
def timed(fn: Callable[[Any], object], inputs: Sequence[Any], budget_s: float) -> Stats:
    """``time_queries`` that stops once ``budget_s`` seconds are spent (at least 3 queries)."""
    done: list[Any] = []
    spent = 0.0
    for x in inputs:
        if spent > budget_s and len(done) >= 3:
            break
        started = time.perf_counter()
        fn(x)
        spent += time.perf_counter() - started
        done.append(x)
    return time_queries(fn, done, warmup=0)


def jit_compile_seconds() -> str:
    """First calls of every kernel in a fresh process with an empty numba cache."""
    probe = (
        "import time, numpy as np\n"
        "t0 = time.perf_counter()\n"
        "from goodwill.graph.snapshot import from_edges\n"
        "from goodwill.graph.reach import reach, audience, expected_reach\n"
        "from goodwill.graph.influence import best_sharers\n"
        "s = from_edges(np.arange(4), [0, 1, 2], [1, 2, 3], np.ones(3, np.float32))\n"
        "out = []\n"
        "for name, fn in [('reach', lambda: reach(s, [0])), ('audience', lambda: audience(s, [0])),"
        " ('expected_reach', lambda: expected_reach(s, [0], samples=10)),"
        " ('best_sharers', lambda: best_sharers(s, 1))]:\n"
        "    t = time.perf_counter(); fn(); out.append(f'{name} {time.perf_counter() - t:.1f} s')\n"
        "print(', '.join(out))\n"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        src = str(Path(__file__).resolve().parents[1] / "src")
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
        result = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
        )
    return result.stdout.strip() or result.stderr.strip()[-300:]


def peer_memory_mb(name: str, peer: str) -> float:
    """RSS growth when building a peer's graph, in a fresh process (no reused free memory)."""
    result = subprocess.run(
        [sys.executable, __file__, "--memory-probe", name, peer],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        return round(float(result.stdout.strip().splitlines()[-1]), 1)
    except (ValueError, IndexError):
        return math.nan


def memory_probe(name: str, peer: str) -> None:
    s = load_graph(name)
    builders = {"igraph": to_igraph, "networkit": to_networkit, "networkx": to_networkx}
    before = rss_mb()
    graph = builders[peer](s, weighted=False) if peer != "networkit" else to_networkit(s, None)
    print(rss_mb() - before)
    del graph


def workspace_mb(s: Snapshot) -> float:
    pool = _kernels_reach._POOL._free.get(s, [])
    total = 0
    for work in pool:
        total += work.stamp.nbytes
        arrays = [*work._int32.values(), *work._uint32.values()]
        arrays += [a for a in (work._labels, work._mark, work._state) if a is not None]
        total += sum(a.nbytes for a in arrays)
    return total / 1e6


def bench_reach(
    name: str, s: Snapshot, args: argparse.Namespace, peers: dict[str, Any]
) -> list[dict[str, Any]]:
    rows = []
    sets = sharer_sets(s, args.queries, seed=11)
    ours = time_queries(lambda x: reach(s, x), sets)
    rows.append(row(name, "2-hop reach of 20", OURS, ours))
    for label, fn in (("igraph", peers.get("igraph")), ("networkit", peers.get("networkit"))):
        if fn is None:
            continue
        agree = all(fn(x) == reach(s, x).total for x in sets[:4])
        stats = timed(fn, sets, args.budget)
        rows.append(row(name, "2-hop reach of 20", label, stats, checked=agree))
    if peers.get("networkx") is not None:
        few = sets[: args.nx_queries]
        results = []
        for label, fn in (
            ("networkx bfs_layers", peers["networkx-layers"]),
            ("networkx per-sharer BFS", peers["networkx"]),
        ):
            agree = all(fn(x) == reach(s, x).total for x in few[:3])
            results.append((label, timed(fn, few, args.budget), agree))
        n = min(stats.n for _, stats, _ in results)
        query = f"2-hop reach of 20 (first {n})"
        rows.append(row(name, query, OURS, time_queries(lambda x: reach(s, x), few[:n])))
        for label, stats, agree in results:
            rows.append(row(name, query, label, stats, checked=agree))
    return rows


def bench_expected(
    name: str, s: Snapshot, args: argparse.Namespace, g: Any | None
) -> list[dict[str, Any]]:
    rows = []
    sets = sharer_sets(s, args.ic_queries, seed=23)
    query = "expected reach, 1000 samples, <=2 hops"
    stats = time_queries(lambda x: expected_reach(s, x, samples=1000, max_hops=2), sets)
    estimate = expected_reach(s, sets[0], samples=1000, max_hops=2)
    rows.append(row(name, query, OURS, stats, mean=round(estimate.mean, 1)))
    if name == "ego-facebook" and g is not None:
        few = sets[:3]
        fn = lambda x: python_cascades(g, x.tolist(), 1000, 1, 2)  # noqa: E731
        mean = fn(few[0])
        rows.append(
            row(
                name,
                query,
                "python+networkx MC",
                time_queries(fn, few, warmup=0),
                mean=round(mean, 1),
            )
        )
    if s.m <= UNBOUNDED_MAX_TIES:
        query = "expected reach, 1000 samples, unbounded"
        few = sets[:3]
        stats = time_queries(lambda x: expected_reach(s, x, samples=1000), few)
        estimate = expected_reach(s, few[0], samples=1000)
        rows.append(row(name, query, OURS, stats, mean=round(estimate.mean, 1)))
    return rows


def bench_best(name: str, s: Snapshot, notes: list[str]) -> list[dict[str, Any]]:
    rows = []
    owner = owner_of(s)
    friends = s.neighbours(owner).astype(np.int64)
    cases: list[tuple[str, dict[str, Any]]] = [
        ("best-5 sharers, anyone, <=2 hops", {}),
        (f"best-5 sharers, owner's {friends.shape[0]} friends, <=2 hops", {"candidates": friends}),
    ]
    if s.m <= UNBOUNDED_IMM_MAX_TIES:
        cases.append(("best-5 sharers, anyone, unbounded", {"max_hops": None}))
    for query, options in cases:
        reset_peak_rss()
        before = rss_mb()
        times, picks = [], []
        for seed in range(1 if "unbounded" in query else 3):
            started = time.perf_counter()
            picks.append(best_sharers(s, 5, seed=seed, **options))
            times.append((time.perf_counter() - started) * 1000.0)
        pick = picks[0]
        rows.append(
            row(
                name,
                query,
                OURS,
                median_ms=float(np.median(times)),
                p95_ms=max(times),
                n=len(times),
                mean=round(pick.expected_reach, 1),
            )
        )
        capped = f", capped by the {pick.capped} budget, epsilon {pick.epsilon:.2f}"
        notes.append(
            f"{name} / {query}: {pick.rr_sets:,} RR sets (IMM wanted {pick.rr_sets_wanted:,}"
            f"{capped if pick.capped else ''}), population {pick.population:,},"
            f" picks {pick.nodes.tolist()},"
            f" marginal gains {np.round(pick.marginal_gains, 1).tolist()};"
            f" peak RSS +{peak_rss_mb() - before:.0f} MB over {before:.0f} MB"
        )
    return rows


def bench_greedy_peer(s: Snapshot, notes: list[str]) -> list[dict[str, Any]]:
    """IMM against greedy Monte Carlo (CELF) in NetworkX on the ego network of node 0."""
    sub = ego_network(s, 0)
    g = to_networkx(sub)
    label = f"ego-facebook/ego-0 ({sub.n} people)"
    query = "best-5 sharers, <=2 hops"
    started = time.perf_counter()
    ours = best_sharers(sub, 5, seed=0)
    ours_ms = (time.perf_counter() - started) * 1000.0
    started = time.perf_counter()
    theirs = celf_greedy(g, 5, samples=200, hops=2, seed=3)
    theirs_ms = (time.perf_counter() - started) * 1000.0
    score = lambda nodes: expected_reach(sub, nodes, samples=20_000, seed=7, max_hops=2).mean  # noqa: E731
    ours_reach, theirs_reach = score(ours.nodes), score(theirs)
    notes.append(
        f"{label}: IMM picks {ours.nodes.tolist()} reaching {ours_reach:.1f}; CELF greedy Monte"
        f" Carlo (200 samples per evaluation) picks {theirs} reaching {theirs_reach:.1f}"
        f" (20,000-sample scores); IMM/greedy reach {ours_reach / theirs_reach:.3f}"
    )
    return [
        row(label, query, OURS, median_ms=ours_ms, p95_ms=ours_ms, n=1, mean=round(ours_reach, 1)),
        row(
            label,
            query,
            "networkx greedy MC (CELF)",
            median_ms=theirs_ms,
            p95_ms=theirs_ms,
            n=1,
            mean=round(theirs_reach, 1),
        ),
    ]


# -- profile -----------------------------------------------------------------------------------
def profile_reach(name: str, args: argparse.Namespace) -> None:
    """Where the time of ``reach(hops=2)`` goes: CPU time (``thread_time``, so that waiting for
    a core on a shared machine does not count) of its phases, run here one by one exactly as
    ``reach._search`` runs them, and the ties its last round scans."""
    from goodwill.graph.reach import audience

    k = _kernels_reach
    s = load_graph(name)
    sets = sharer_sets(s, args.queries, seed=11)
    reach(s, sets[0])
    degrees = s.degrees()
    clock = time.thread_time
    phases: dict[str, list[float]] = {
        "first round": [],
        "last round": [],
        "reset": [],
        "tally": [],
        "whole reach()": [],
    }
    scanned: list[int] = []
    for sharers in sets:
        nodes = np.asarray(sharers, dtype=np.int64)
        with k.scratch(s) as work:
            members, labels = work.int32("members"), work.labels
            front, front_labels = work.int32("front"), work.uint32("front_labels")
            state, silent = work.state(s.flags)
            t0 = clock()
            _, count, _, n_front, first = k.reach_rounds(
                s.indptr, s.indices, s.flags, k.SILENT, nodes, 2, labels, work.mark,
                work.label_epoch, members, front, front_labels, work.int32("changed"),
            )  # fmt: skip
            work.label_epoch = first + 2
            t1 = clock()
            end, _, _ = k.reach_final(
                s.indptr, s.indices, labels, first + 2, front, front_labels, n_front,
                members, count, len(nodes), state, work.int32("order"),
            )  # fmt: skip
            t2 = clock()
            k.clear_state(state, members, end, silent)
            t3 = clock()
            k.reach_tally(labels, members, 0, count, len(nodes))
            t4 = clock()
        reach(s, nodes)
        t5 = clock()
        spent = (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)
        for phase, seconds in zip(phases, spent, strict=True):
            phases[phase].append(seconds)
        scanned.append(int(degrees[audience(s, nodes, hops=1)].sum()))
    print(f"# {name}: n={s.n:,} m={s.m:,}, {len(sets)} sharer sets of {SHARERS} (1 in 4 hub-heavy)")
    for phase, values in phases.items():
        ms = np.asarray(values) * 1000.0
        print(
            f"  {phase:14s} CPU ms: median {np.median(ms):.3f}, p95 {np.percentile(ms, 95):.3f},"
            f" max {ms.max():.3f}"
        )
    ties = np.asarray(scanned, dtype=np.float64)
    heavy = np.argsort(phases["whole reach()"])[-max(1, len(sets) // 20) :]
    last = np.asarray(phases["last round"])[heavy]
    print(
        f"  last round scans {np.median(ties):,.0f} ties at the median; the slowest 5% of queries"
        f" scan {ties[heavy].mean():,.0f} on average, at {(last * 1e9 / ties[heavy]).mean():.1f}"
        " ns per tie"
    )


# -- main ----------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="medium")
    parser.add_argument("--graphs", nargs="*", help="graph names instead of --size")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="only profile 2-hop reach of 20: CPU time per phase, ties scanned (no peers)",
    )
    parser.add_argument("--queries", type=int, default=200, help="sharer sets for 2-hop reach")
    parser.add_argument("--nx-queries", type=int, default=50, help="of those, run by NetworkX")
    parser.add_argument("--ic-queries", type=int, default=20, help="sharer sets for cascades")
    parser.add_argument("--budget", type=float, default=45.0, help="seconds per slow peer")
    parser.add_argument("--no-jit-probe", action="store_true", help="skip the compile probe")
    parser.add_argument(
        "--memory-probe", nargs=2, metavar=("GRAPH", "PEER"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.memory_probe:
        memory_probe(*args.memory_probe)
        return
    print(command_line())
    if args.profile:
        for name in args.graphs or SIZES[args.size]:
            profile_reach(name, args)
        return
    python = sys.version.split()[0]
    print(f"# {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, Python {python}")
    if not args.no_jit_probe:
        print(f"# JIT compile (fresh process, empty numba cache): {jit_compile_seconds()}")
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    memory: list[dict[str, Any]] = []
    for name in args.graphs or SIZES[args.size]:
        started = time.perf_counter()
        s = load_graph(name)
        reach(s, sharer_sets(s, 1, 0)[0])  # warm up: kernels loaded, workspace allocated
        expected_reach(s, [0], samples=8)
        print(
            f"# {name}: n={s.n:,} m={s.m:,}, loaded in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        peers: dict[str, Any] = {}
        ig = to_igraph(s, weighted=False)
        peers["igraph"] = igraph_reach(ig)
        nk_graph = to_networkit(s, weight=None)
        peers["networkit"] = networkit_reach(nk_graph)
        g = None
        if s.m <= NX_MAX_TIES:
            g = to_networkx(s)
            peers["networkx"] = networkx_reach(g)
            peers["networkx-layers"] = networkx_layers(g)
        else:
            notes.append(
                f"{name}: NetworkX skipped (building {s.m:,} ties takes minutes and several GB;"
                " see generated-100k for its ratios at 1M ties)"
            )
        rows += bench_reach(name, s, args, peers)
        print(f"#   reach done ({time.perf_counter() - started:.0f} s)", flush=True)
        rows += bench_expected(name, s, args, g)
        print(f"#   expected reach done ({time.perf_counter() - started:.0f} s)", flush=True)
        rows += bench_best(name, s, notes)
        print(f"#   best sharers done ({time.perf_counter() - started:.0f} s)", flush=True)
        if name == "ego-facebook":
            rows += bench_greedy_peer(s, notes)
        ours_mb = s.nbytes / 1e6 + workspace_mb(s)
        detail = f"snapshot {s.nbytes / 1e6:.1f} + workspace {workspace_mb(s):.1f}"
        memory.append(row(name, "memory (MB)", OURS, value=round(ours_mb, 1), detail=detail))
        for peer in ("igraph", "networkit", "networkx"):
            if peer == "networkx" and s.m > NX_MAX_TIES:
                continue
            mb = peer_memory_mb(name, peer)
            memory.append(row(name, "memory (MB)", peer, value=mb, detail="RSS growth on build"))
        del peers, ig, nk_graph, g
    print()
    print_table(rows)
    print()
    print_table(memory)
    print()
    for note in notes:
        print(f"* {note}")
    print("* igraph and NetworKit have no influence maximisation or cascade simulation.")
    print(f"* peak RSS of the whole run: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
