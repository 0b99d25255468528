"""Mutuals and warm paths against NetworkX, igraph and NetworKit, side by side in one run.

    python bench/bench_paths.py                    # --size medium: ego-Facebook, Enron, 100k/1M
    python bench/bench_paths.py --size small       # the two SNAP graphs only
    python bench/bench_paths.py --size large       # adds the generated 1M people / 10M ties

Per graph it times, over the same ``--queries`` (default 200) pairs, a quarter of them with a hub
(top 1% by degree) as the source and a quarter of those with a hub as the target:

* mutual count: ``mutual_count``; NetworkX ``common_neighbors``; igraph ``neighbors`` and a
  set; NetworKit ``CommonNeighborsIndex.run``.
* mutuals (the sorted list; ours also counts, Jaccard, overlap): ``mutuals``; NetworkX
  ``sorted(common_neighbors)``; igraph ``neighbors`` and a set; NetworKit has no such query.
* path (hops): ``shortest_hops``; ``nx.shortest_path``; igraph ``get_shortest_path``;
  NetworKit ``BidirectionalBFS`` (with the path).
* path (strongest): ``warm_paths(k=1)``; ``nx.bidirectional_dijkstra``; igraph
  ``get_shortest_path(weights=)``; NetworKit ``BidirectionalDijkstra`` (on ``-log(strength)``).
* 5 paths: ``warm_paths(k=5)``; ``nx.shortest_simple_paths`` (Yen), first 5; igraph
  ``get_k_shortest_paths(k=5)``; NetworKit has none.

The weighted peers minimise ``-log(strength)`` with no hop limit; ``warm_paths`` is limited to
4 hops and its 5 paths go through 5 different first contacts, so "5 paths" compares the cost of
answering the product question, not identical answers. Slow peers stop after ``--budget``
seconds per query type (their ``n`` says how many they ran, always the first of the same
pairs; a query slower than the budget runs once). Each query is timed once, cold as a random
query on a large graph is; ``--best-of 3`` reruns sub-millisecond queries and keeps the fastest
(for every implementation alike), which measures them with their rows already in cache.

Each implementation runs in a fresh subprocess: build time (goodwill: ``from_edges`` on the edge
arrays; peers: from the snapshot's edge arrays), memory per tie (goodwill: ``Snapshot.nbytes``;
peers: growth of resident memory while building) and that process's peak RSS (which includes
the edge arrays, and for peers the snapshot they were built from); and the JIT compile time.
Ratios are peer / goodwill: above 1 means goodwill is faster or smaller.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import graphbench as gb

from goodwill.graph.mutuals import mutual_count, mutuals
from goodwill.graph.paths import shortest_hops, warm_paths
from goodwill.graph.snapshot import from_edges

warnings.filterwarnings("ignore", message="Couldn't reach some vertices")  # igraph, unreachable

SIZES = {
    "small": ["ego-facebook", "enron"],
    "medium": ["ego-facebook", "enron", "generated-100k"],
    "large": ["ego-facebook", "enron", "generated-100k", "generated-1m"],
}
QUERIES = ("mutual count", "mutuals", "path (hops)", "path (strongest)", "5 paths")
P95_TARGET_MS = 20.0
BYTES_PER_TIE_TARGET = 16.0

WARM_UP = """
import time
started = time.perf_counter()
import numpy as np
from goodwill.graph.snapshot import from_edges
from goodwill.graph.mutuals import mutuals, only_a
from goodwill.graph.paths import paths_to_any, shortest_hops, warm_paths
s = from_edges(range(4), [0, 1, 2], [1, 2, 3], np.ones(3, np.float32))
mutuals(s, 0, 2); only_a(s, 0, 2); shortest_hops(s, 0, 3); warm_paths(s, 0, 3)
paths_to_any(s, 0, np.array([3]))
print(time.perf_counter() - started)
"""


def jit_seconds() -> tuple[float, float]:
    """(compile with an empty cache, start with the on-disk cache) in seconds, in subprocesses."""
    env = dict(os.environ, PYTHONPATH=str(gb.ROOT / "src"))
    with tempfile.TemporaryDirectory() as cache:
        cold = subprocess.run(
            [sys.executable, "-c", WARM_UP],
            env=dict(env, NUMBA_CACHE_DIR=cache),
            capture_output=True,
            text=True,
            check=True,
        )
    for _ in range(2):  # the first run refreshes a stale on-disk cache
        warm = subprocess.run(
            [sys.executable, "-c", WARM_UP], env=env, capture_output=True, text=True, check=True
        )
    return float(cold.stdout.split()[-1]), float(warm.stdout.split()[-1])


def ours(s: Any) -> dict[str, Callable[[tuple[int, int]], object]]:
    return {
        "mutual count": lambda p: mutual_count(s, *p),
        "mutuals": lambda p: mutuals(s, *p),
        "path (hops)": lambda p: shortest_hops(s, *p),
        "path (strongest)": lambda p: warm_paths(s, *p, k=1),
        "5 paths": lambda p: warm_paths(s, *p, k=5),
    }


def networkx_queries(g: Any) -> dict[str, Callable[[tuple[int, int]], object]]:
    import networkx as nx

    def hops(p: tuple[int, int]) -> object:
        try:
            return nx.shortest_path(g, *p)
        except nx.NetworkXNoPath:
            return None

    def strongest(p: tuple[int, int]) -> object:
        try:
            return nx.bidirectional_dijkstra(g, *p, weight="cost")
        except nx.NetworkXNoPath:
            return None

    def five(p: tuple[int, int]) -> object:
        try:
            return list(itertools.islice(nx.shortest_simple_paths(g, *p, weight="cost"), 5))
        except nx.NetworkXNoPath:
            return None

    return {
        "mutual count": lambda p: sum(1 for _ in nx.common_neighbors(g, *p)),
        "mutuals": lambda p: sorted(nx.common_neighbors(g, *p)),
        "path (hops)": hops,
        "path (strongest)": strongest,
        "5 paths": five,
    }


def igraph_queries(g: Any) -> dict[str, Callable[[tuple[int, int]], object]]:
    return {
        "mutual count": lambda p: len(set(g.neighbors(p[0])).intersection(g.neighbors(p[1]))),
        "mutuals": lambda p: sorted(set(g.neighbors(p[0])).intersection(g.neighbors(p[1]))),
        "path (hops)": lambda p: g.get_shortest_path(*p),
        "path (strongest)": lambda p: g.get_shortest_path(*p, weights="cost"),
        "5 paths": lambda p: g.get_k_shortest_paths(*p, k=5, weights="cost"),
    }


def networkit_queries(g: Any) -> dict[str, Callable[[tuple[int, int]], object]]:
    import networkit as nk

    common = nk.linkprediction.CommonNeighborsIndex(g)

    def hops(p: tuple[int, int]) -> object:
        return nk.distance.BidirectionalBFS(g, *p, storePred=True).run().getPath()

    def strongest(p: tuple[int, int]) -> object:
        return nk.distance.BidirectionalDijkstra(g, *p, storePred=True).run().getPath()

    return {
        "mutual count": lambda p: common.run(*p),
        "path (hops)": hops,
        "path (strongest)": strongest,
    }


PEERS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], dict[str, Any]]]] = {
    "networkx": (lambda s: gb.to_networkx(s), networkx_queries),
    "igraph": (lambda s: gb.to_igraph(s), igraph_queries),
    "networkit": (lambda s: gb.to_networkit(s, weight="cost"), networkit_queries),
}


def run_impl(impl: str, name: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    """(In a fresh subprocess.) Build ``name`` one way and time its queries; return the rows."""
    rows: list[dict[str, Any]] = []
    if impl == "goodwill":
        edges = gb.load_edges(name)
        gc.collect()
        gb.reset_peak_rss()
        before = gb.rss_mb()
        started = time.perf_counter()
        s = from_edges(edges.ids, edges.a, edges.b, edges.w)
        seconds = time.perf_counter() - started
        per_tie = s.nbytes / s.m
        grown = gb.rss_mb() - before
        del edges
        queries = ours(s)
    else:
        s = gb.load_graph(name)
        gc.collect()
        before = gb.rss_mb()
        started = time.perf_counter()
        g = PEERS[impl][0](s)
        seconds = time.perf_counter() - started
        grown = gb.rss_mb() - before
        per_tie = grown * 1e6 / s.m
        queries = PEERS[impl][1](g)
    print(f"#   {impl}: built in {seconds:.2f} s, +{grown:,.0f} MB", file=sys.stderr)
    rows.append(gb.row(name, "build (s)", impl, value=seconds))
    rows.append(gb.row(name, "bytes/tie", impl, value=per_tie))
    pairs = gb.sample_pairs(s, args.queries, seed=args.seed)
    for query, fn in queries.items():
        if impl == "goodwill":
            stats = gb.time_queries(fn, pairs, warmup=3, best_of=args.best_of)
        else:
            budget = args.budget if "mutual" not in query else args.budget / 4
            stats = gb.time_queries(
                fn, pairs, warmup=0, budget_s=budget, min_n=1, best_of=args.best_of
            )
        rows.append(gb.row(name, query, impl, stats))
    rows.append(gb.row(name, "peak RSS (MB)", impl, value=gb.peak_rss_mb()))
    return rows


def bench_graph(name: str, args: argparse.Namespace, rows: list[dict[str, Any]]) -> list[str]:
    notes: list[str] = []
    s = gb.load_graph(name)  # builds and caches the generated graphs once
    print(f"# {name}: {s.n:,} people, {s.m:,} ties", file=sys.stderr)
    for impl in ["goodwill", *args.peers]:
        if impl == "networkx" and s.m > args.nx_max_ties:
            notes.append(
                f"{name}: NetworkX NOT run: {s.m:,} ties is above --nx-max-ties "
                f"{args.nx_max_ties:,}; its ratios on the smaller graphs stand in"
            )
            continue
        command = [sys.executable, __file__, "--run", impl, name]
        command += ["--queries", str(args.queries), "--seed", str(args.seed)]
        command += ["--budget", str(args.budget), "--best-of", str(args.best_of)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        sys.stderr.write(result.stderr)
        if result.returncode != 0:
            notes.append(f"{name}: {impl} failed (exit {result.returncode})")
            continue
        rows.extend(json.loads(result.stdout.strip().splitlines()[-1]))
    return notes


def pivot(rows: list[dict[str, Any]], graphs: list[str]) -> None:
    """One line per graph and query: goodwill's median / p95, each peer's and its ratio."""
    impls = ["goodwill", *PEERS]
    print("| graph | query | " + " | ".join(impls) + " |")
    print("|---|---|" + "---:|" * len(impls))
    for name in graphs:
        queries = dict.fromkeys(r["query"] for r in rows if r["graph"] == name)
        for query in queries:
            found = {r["impl"]: r for r in rows if r["graph"] == name and r["query"] == query}
            mine = found.get("goodwill")
            cells = []
            for impl in impls:
                r = found.get(impl)
                if r is None:
                    cells.append("-")
                    continue
                if "median_ms" in r:
                    cell = f"{r['median_ms']:.3g} / {r['p95_ms']:.3g} ms"
                    if r["n"] < found["goodwill"].get("n", 0):
                        cell += f" (n={r['n']})"
                    base, value = (mine or {}).get("median_ms"), r["median_ms"]
                else:
                    cell = f"{r['value']:.3g}"
                    base, value = (mine or {}).get("value"), r["value"]
                if impl != "goodwill" and base:
                    cell += f" **{value / base:.1f}x**"
                cells.append(cell)
            print(f"| {name} | {query} | " + " | ".join(cells) + " |")


def verdicts(rows: list[dict[str, Any]], graphs: list[str]) -> list[str]:
    out = []
    for name in graphs:
        mine = {r["query"]: r for r in rows if r["graph"] == name and r["impl"] == "goodwill"}
        for query in QUERIES:
            peers = [
                r
                for r in rows
                if r["graph"] == name
                and r["query"] == query
                and r["impl"] in ("igraph", "networkit")
                and "median_ms" in r
            ]
            ok_p95 = mine[query]["p95_ms"] <= P95_TARGET_MS
            line = f"{name} / {query}: p95 {mine[query]['p95_ms']:.3f} ms "
            line += "(<= 20 ms: yes)" if ok_p95 else "(<= 20 ms: NO)"
            if peers:
                better = min(peers, key=lambda r: r["median_ms"])
                ratio = better["median_ms"] / mine[query]["median_ms"]
                verdict = "yes" if ratio >= 1 else "NO"
                line += (
                    f"; vs best of igraph/NetworKit ({better['impl']}): {ratio:.1f}x "
                    f"(at least as fast: {verdict})"
                )
            out.append(line)
        per_tie = mine["bytes/tie"]["value"]
        out.append(
            f"{name} / memory: {per_tie:.1f} bytes per tie "
            f"(<= {BYTES_PER_TIE_TARGET:.0f}: {'yes' if per_tie <= BYTES_PER_TIE_TARGET else 'NO'})"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="medium")
    parser.add_argument("--graphs", nargs="*", help="graph names instead of --size")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--peers", nargs="*", default=list(PEERS), choices=list(PEERS))
    parser.add_argument("--budget", type=float, default=10.0, help="seconds per peer query type")
    parser.add_argument(
        "--nx-max-ties",
        type=int,
        default=2_000_000,
        help="skip NetworkX above this many ties (at 10M it needs more than 10 GB)",
    )
    parser.add_argument(
        "--best-of",
        type=int,
        default=1,
        help="run each sub-millisecond query this many times and keep the fastest (warm rows)",
    )
    parser.add_argument("--no-jit", action="store_true", help="skip the JIT compile timing")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--run", nargs=2, metavar=("IMPL", "GRAPH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_impl(args.run[0], args.run[1], args)))
        return
    print(gb.command_line())
    print(f"\n(load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)\n")
    started = time.perf_counter()
    graphs = args.graphs or SIZES[args.size]
    notes: list[str] = []
    if not args.no_jit:
        cold, warm = jit_seconds()
        notes.append(
            f"JIT: {cold:.1f} s to compile every kernel with an empty cache (once per install), "
            f"{warm:.2f} s to import and load them from the on-disk cache"
        )
    rows: list[dict[str, Any]] = []
    for name in graphs:
        notes += bench_graph(name, args, rows)
    print("Medians / p95 in ms (build in s, memory in bytes per tie or MB); **ratio** = peer /")
    print("goodwill, above 1 when goodwill is faster or smaller:\n")
    pivot(rows, graphs)
    print("\nAll rows:\n")
    gb.print_table(rows)
    print()
    for line in [*notes, *verdicts(rows, graphs)]:
        print(f"- {line}")
    total = time.perf_counter() - started
    load = os.getloadavg()[0]
    print(f"\n(total {total:.0f} s; load average at the end {load:.1f} on {os.cpu_count()} CPUs)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"command": gb.command_line(), "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
