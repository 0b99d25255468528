"""People to meet, brokerage, introductions and communities: goodwill against its peers.

    python bench/bench_suggest.py                    # --size medium: SNAP graphs + 100k/1M
    python bench/bench_suggest.py --size large       # + the 1M people / 10M ties graph
    python bench/bench_suggest.py --size small       # ego-Facebook and email-Enron only

Per graph, ``--sources`` query nodes (default 200; a quarter from the top 1% by degree, see
``graphbench.sample_nodes``) and per query the wall time of:

* **suggest top-20** (plain Adamic-Adar, ``weighted=False``, so every peer computes the same
  numbers): goodwill's ``suggest``; igraph ``similarity_inverse_log_weighted`` for the source
  against everyone, then the best 20 non-neighbours with ``argpartition``; NetworKit
  ``MissingLinksFinder.findFromNode(source, 2)`` for the candidates and
  ``AdamicAdarIndex.runOn`` for their scores, best 20 by ``heapq``; NetworkX
  ``adamic_adar_index`` over the source's two-hop non-neighbours (how a NetworkX user would do
  it), best 20 by ``heapq``. NetworkX runs on the first ``--nx-sources`` sources only (same
  hub share) and has its own goodwill row on exactly those sources for the ratio. Every
  peer's top-20 scores are checked against goodwill's (column ``agree``).
* goodwill's default, tie-weighted suggestions, and suggestions with a person x interest matrix
  (a synthetic one: Zipf-popular tags, ~3 per person), for information (no peer does that).
* **brokerage**: goodwill's ``brokerage`` (effective size, efficiency and constraint) against
  igraph's ``constraint`` for one vertex (constraint only); NetworkX's per-node ``constraint``
  is cubic in the degree, so it runs only on sources with at most 100 ties.
* **introductions** (goodwill only; synthetic interests, offers and needs).
* **communities**: goodwill's ``communities`` (Leiden via igraph, conversion included), igraph
  Leiden on a prebuilt graph, NetworKit ``ParallelLeiden`` and ``PLM`` (Louvain); one run each,
  with the modularity each reaches. **layout**: one run of goodwill's ``layout``.

NetworkX at 10M ties takes about a minute per graph to build (two graphs: plain and weighted)
and ~9 GB, which would push ``--size large`` past ten minutes, so by default it runs at the
sizes up to 1M ties (``generated-100k``) and is skipped (and said so) at 10M; ``--nx-large``
runs it there too (measured: 56 s to build, peak RSS 9.1 GB).
A per-implementation time budget (``--budget`` seconds) stops a slow peer early; the row then
says how many queries it ran (``n``).
"""

from __future__ import annotations

import argparse
import heapq
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from graphbench import (
    Stats,
    command_line,
    load_graph,
    peak_rss_mb,
    print_table,
    row,
    sample_nodes,
    to_igraph,
    to_networkit,
    to_networkx,
)

from goodwill.graph.broker import brokerage, introductions
from goodwill.graph.communities import communities, layout
from goodwill.graph.snapshot import Snapshot
from goodwill.graph.suggest import prepare_interests, suggest

SIZES = {
    "small": ("ego-facebook", "enron"),
    "medium": ("ego-facebook", "enron", "generated-100k"),
    "large": ("ego-facebook", "enron", "generated-100k", "generated-1m"),
}
K = 20
NX_MAX_TIES = 2_000_000


# -- timing --------------------------------------------------------------------------------------
def timed(fn: Callable[[Any], object], inputs: Sequence[Any], budget_s: float) -> Stats:
    """Like ``graphbench.time_queries`` (one untimed warm-up), stopping after ``budget_s``."""
    if inputs:
        fn(inputs[0])
    times: list[float] = []
    spent = 0.0
    for x in inputs:
        started = time.perf_counter()
        fn(x)
        elapsed = time.perf_counter() - started
        times.append(elapsed)
        spent += elapsed
        if spent > budget_s:
            break
    ms = np.asarray(times) * 1000.0
    if ms.size == 0:
        return Stats(math.nan, math.nan, 0)
    return Stats(
        float(np.median(ms)),
        float(np.percentile(ms, 95)),
        int(ms.size),
        float(ms.mean()),
        float(ms.max()),
    )


def once(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    out = fn()
    return (time.perf_counter() - started) * 1000.0, out


# -- the peers' versions of "top 20 by Adamic-Adar" ----------------------------------------------
def top_k(scores: list[tuple[float, int]]) -> list[float]:
    return [x for x, _ in heapq.nlargest(K, scores, key=lambda t: (t[0], -t[1]))]


def ours_scores(s: Snapshot, source: int) -> list[float]:
    return [x.score for x in suggest(s, source, k=K, weighted=False)]


def igraph_top(g: Any, s: Snapshot, source: int) -> list[float]:
    row_ = np.asarray(g.similarity_inverse_log_weighted(vertices=[source])[0])
    row_[source] = -np.inf
    row_[s.neighbours(source)] = -np.inf
    count = min(K, row_.shape[0])
    best = np.argpartition(-row_, count - 1)[:count]
    best = best[row_[best] > 0]
    order = np.lexsort((best, -row_[best]))
    return row_[best[order]].tolist()


def networkit_top(g: Any, aa: Any, source: int) -> list[float]:
    import networkit as nk

    pairs = nk.linkprediction.MissingLinksFinder(g).findFromNode(source, 2)
    return top_k([(score, v) for (_, v), score in aa.runOn(pairs)])


def networkx_top(g: Any, source: int) -> list[float]:
    import networkx as nx

    tied = set(g[source])
    candidates = {v for z in tied for v in g[z]} - tied - {source}
    scored = nx.adamic_adar_index(g, [(source, v) for v in candidates])
    return top_k([(score, v) for _, v, score in scored])


def agree(
    mine: Callable[[int], list[float]], theirs: Callable[[int], list[float]], sources: Sequence[int]
) -> str:
    for source in sources:
        a, b = mine(source), theirs(source)
        if len(a) != len(b) or not np.allclose(a, b, rtol=1e-9, atol=1e-12):
            return f"NO (source {source})"
    return "yes"


# -- synthetic interests, offers and needs -------------------------------------------------------
def synthetic(n: int, columns: int, per_person: float, seed: int) -> sp.csr_matrix:
    """Each person draws Poisson(per_person) columns with Zipf-like popularity ~ 1/(rank+10)."""
    rng = np.random.default_rng(seed)
    counts = rng.poisson(per_person, n)
    popularity = 1.0 / (np.arange(columns) + 10.0) ** 1.1
    popularity /= popularity.sum()
    rows = np.repeat(np.arange(n), counts)
    cols = rng.choice(columns, rows.shape[0], p=popularity)
    matrix = sp.csr_matrix((np.ones(rows.shape[0]), (rows, cols)), shape=(n, columns))
    matrix.data[:] = 1.0
    return matrix


# -- one graph ------------------------------------------------------------------------------------
def bench_graph(name: str, args: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    started = time.perf_counter()
    s = load_graph(name)
    print(
        f"# {name}: n={s.n:,} m={s.m:,} max degree={int(s.degrees().max()):,} "
        f"(loaded in {time.perf_counter() - started:.1f} s)",
        flush=True,
    )
    sources = [int(x) for x in sample_nodes(s, args.sources, seed=args.seed)]
    budget = args.budget
    check = sources[:5]

    # --- suggest: goodwill
    ours = timed(lambda x: suggest(s, x, k=K, weighted=False), sources, budget)
    rows.append(row(name, "suggest top-20", "goodwill", ours))
    rows.append(
        row(
            name,
            "suggest top-20 (tie-weighted)",
            "goodwill",
            timed(lambda x: suggest(s, x, k=K), sources, budget),
        )
    )
    interests = synthetic(s.n, 20_000, 3.0, seed=args.seed)
    prepared = prepare_interests(interests, s.n)
    rows.append(
        row(
            name,
            "suggest top-20 (+ interests)",
            "goodwill",
            timed(lambda x: suggest(s, x, k=K, interests=prepared), sources, budget),
        )
    )

    # --- suggest: igraph
    build_ms, g_ig = once(lambda: to_igraph(s))
    print(f"#   igraph graph built in {build_ms / 1000:.1f} s", flush=True)
    stats = timed(lambda x: igraph_top(g_ig, s, x), sources, budget)
    ok = agree(lambda x: ours_scores(s, x), lambda x: igraph_top(g_ig, s, x), check)
    rows.append(row(name, "suggest top-20", "igraph", stats, agree=ok))

    # --- suggest: NetworKit
    import networkit as nk

    build_ms, g_nk = once(lambda: to_networkit(s, weight=None))
    print(
        f"#   NetworKit graph built in {build_ms / 1000:.1f} s "
        f"({nk.getMaxNumberOfThreads()} threads)",
        flush=True,
    )
    aa = nk.linkprediction.AdamicAdarIndex(g_nk)
    stats = timed(lambda x: networkit_top(g_nk, aa, x), sources, budget)
    ok = agree(lambda x: ours_scores(s, x), lambda x: networkit_top(g_nk, aa, x), check)
    rows.append(row(name, "suggest top-20", "networkit", stats, agree=ok))

    # --- brokerage: goodwill vs igraph constraint
    rows.append(
        row(name, "brokerage", "goodwill", timed(lambda x: brokerage(s, x), sources, budget))
    )
    rows.append(
        row(
            name,
            "brokerage",
            "igraph",
            timed(lambda x: g_ig.constraint([x], weights="weight"), sources, budget),
            agree=_agree_constraint(s, g_ig, check),
        )
    )

    # --- introductions (goodwill only)
    offers = synthetic(s.n, 200, 0.3, seed=args.seed + 1)
    needs = synthetic(s.n, 200, 0.3, seed=args.seed + 2)
    rows.append(
        row(
            name,
            "introductions top-20",
            "goodwill",
            timed(
                lambda x: introductions(s, x, interests=prepared, offers=offers, needs=needs),
                sources,
                budget,
            ),
        )
    )

    # --- NetworkX, on a subset of the sources
    if s.m <= NX_MAX_TIES or args.nx_large:
        subset = sources[: args.nx_sources]
        build_ms, g_nx = once(lambda: to_networkx(s, weighted=False))
        print(f"#   NetworkX graph built in {build_ms / 1000:.1f} s", flush=True)
        query = f"suggest top-20 (first {len(subset)} sources)"
        rows.append(
            row(
                name,
                query,
                "goodwill",
                timed(lambda x: suggest(s, x, k=K, weighted=False), subset, budget),
            )
        )
        stats = timed(lambda x: networkx_top(g_nx, x), subset, budget)
        ok = agree(lambda x: ours_scores(s, x), lambda x: networkx_top(g_nx, x), subset[:3])
        rows.append(row(name, query, "networkx", stats, agree=ok))
        small = [x for x in sources if s.degree(x) <= 100][: args.nx_sources]
        query = f"brokerage (first {len(small)} sources of degree <= 100)"
        import networkx as nx

        g_nxw = to_networkx(s, weighted=True)
        rows.append(row(name, query, "goodwill", timed(lambda x: brokerage(s, x), small, budget)))
        rows.append(
            row(
                name,
                query,
                "networkx",
                timed(lambda x: nx.constraint(g_nxw, [x], weight="weight"), small, budget),
            )
        )
    else:
        print(
            f"#   NetworkX skipped at {s.m:,} ties (about a minute and ~9 GB per graph built; "
            "see its rows at generated-100k; --nx-large runs it here)",
            flush=True,
        )

    # --- communities and layout
    if not args.skip_communities:
        _communities(name, s, g_ig, g_nk, rows)


def _agree_constraint(s: Snapshot, g: Any, nodes: Sequence[int]) -> str:
    for node in nodes:
        if not math.isclose(
            brokerage(s, node).constraint, g.constraint([node], weights="weight")[0], rel_tol=1e-6
        ):
            return f"NO (node {node})"
    return "yes"


def _communities(name: str, s: Snapshot, g_ig: Any, g_nk: Any, rows: list[dict[str, Any]]) -> None:
    import random

    import igraph as ig
    import networkit as nk

    weights = g_ig.es["weight"]

    def modularity(labels: Any) -> float:
        return float(g_ig.modularity(list(labels), weights=weights))

    ms, labels = once(lambda: communities(s, seed=0))
    rows.append(
        row(
            name,
            "communities",
            "goodwill",
            Stats(ms, ms, 1),
            modularity=modularity(labels),
            count=int(np.max(labels)) + 1,
        )
    )
    ig.set_random_number_generator(random.Random(0))
    ms, found = once(
        lambda: g_ig.community_leiden(
            objective_function="modularity", weights=weights, n_iterations=2
        )
    )
    ig.set_random_number_generator(random)
    rows.append(
        row(
            name,
            "communities",
            "igraph (graph prebuilt)",
            Stats(ms, ms, 1),
            modularity=modularity(found.membership),
            count=len(found),
        )
    )
    g_nkw = to_networkit(s, weight="strength")
    nk.engineering.setSeed(0, True)
    for label, algorithm in (
        ("networkit ParallelLeiden", nk.community.ParallelLeiden),
        ("networkit PLM", nk.community.PLM),
    ):
        ms, partition = once(
            lambda algorithm=algorithm: nk.community.detectCommunities(
                g_nkw, algo=algorithm(g_nkw), inspect=False
            )
        )
        vector = partition.getVector()
        rows.append(
            row(
                name,
                "communities",
                label,
                Stats(ms, ms, 1),
                modularity=modularity(vector),
                count=int(partition.numberOfSubsets()),
            )
        )
    ms, _ = once(lambda: layout(s, labels, seed=0))
    method = "force" if s.n <= 5000 else "community-first"
    rows.append(row(name, f"layout ({method})", "goodwill", Stats(ms, ms, 1)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="medium")
    parser.add_argument("--graphs", nargs="*", help="instead of --size: these graphs")
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--nx-sources", type=int, default=40)
    parser.add_argument(
        "--budget", type=float, default=40.0, help="seconds per implementation and query"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--nx-large", action="store_true", help="run NetworkX at 10M ties too")
    parser.add_argument("--skip-communities", action="store_true")
    args = parser.parse_args(argv)

    print(command_line())
    print(
        f"# {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start", flush=True
    )
    warm = sample_snapshot()
    for label, fn in (
        ("suggest", lambda: suggest(warm, 0, interests=np.ones((warm.n, 1)))),
        ("brokerage", lambda: brokerage(warm, 0)),
        (
            "introductions",
            lambda: introductions(
                warm,
                0,
                interests=np.ones((warm.n, 1)),
                offers=np.ones((warm.n, 1)),
                needs=np.ones((warm.n, 1)),
            ),
        ),
    ):
        ms, _ = once(fn)
        print(f"# first call of {label}: {ms:.0f} ms (numba compile, or loading its on-disk cache)")
    rows: list[dict[str, Any]] = []
    for name in args.graphs or SIZES[args.size]:
        bench_graph(name, args, rows)
        print(f"#   peak RSS so far {peak_rss_mb():,.0f} MB", flush=True)
    print(f"# load average {os.getloadavg()[0]:.2f} at the end")
    print()
    print_table(rows)


def sample_snapshot() -> Snapshot:
    from goodwill.graph.snapshot import from_edges

    return from_edges(range(4), [0, 1, 2, 0], [1, 2, 3, 2], np.ones(4, np.float32))


if __name__ == "__main__":
    main()
