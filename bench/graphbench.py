"""Shared harness for the graph benchmarks: inputs, peers, timing and a table with ratios.

    from graphbench import load_graph, to_networkx, sample_nodes, time_queries, print_table

Graphs (``load_graph(name) -> Snapshot``; ``load_edges(name) -> Edges`` for build timings):

* ``ego-facebook``   SNAP ego-Facebook, 4,039 people / 88,234 ties (../shared/data).
* ``enron``          SNAP email-Enron, 36,692 people / 183,831 ties (../shared/data).
* ``generated-100k`` 100,000 people / 1,000,000 ties, for quick runs.
* ``generated-1m``   1,000,000 people / 10,000,000 ties, the target size.

The SNAP graphs carry no tie strengths, so each tie gets a deterministic pseudo-random strength
from Beta(2, 3) (seeded; the same on every run). The generated graphs are a stochastic block
model (Holland, Laskey & Leinhardt 1983) with power-law block sizes, and inside each block a
Chung-Lu graph (Chung & Lu 2002: an edge lands on a node with probability proportional to its
expected degree) over a power-law degree sequence (exponent 2.5, capped); ~15% of each node's
expected degree goes to ties outside its block, and hubs whose degree does not fit in their
block spill the excess outside too. Intra-block ties are stronger (Beta(2, 3)) than the
bridges between blocks (Beta(1.2, 4)), as in Granovetter's weak ties. Node labels are shuffled
so that memory locality is not flattering. The edge list is built once with numpy and cached
as ``bench/out/<name>-seed<seed>.npz``; the snapshot is cached beside it.

Peers: ``to_networkx``, ``to_igraph``, ``to_networkit`` build the same undirected graph with
node ``i`` the snapshot's node index, edge attribute ``weight`` = tie strength and ``cost`` =
``-log(strength)`` (the additive cost whose shortest path is the strongest chain).

Timing: ``time_queries(fn, inputs)`` calls ``fn(x)`` for every input and returns the median
and 95th percentile in milliseconds. ``sample_nodes`` / ``sample_pairs`` draw inputs with a
share of hubs (top 1% by degree). ``print_table(rows)`` prints a Markdown table; rows of the
same graph and query get a ratio column ``peer / goodwill`` (> 1 means goodwill is faster or
smaller). ``peak_rss_mb()`` is the process high-water mark (``VmHWM``).
"""

from __future__ import annotations

import math
import os
import resource
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "bench" / "out"
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from goodwill.graph.snapshot import Snapshot, from_edges  # noqa: E402
from goodwill.graph.snapshot import load as load_snapshot  # noqa: E402

__all__ = [
    "GRAPHS",
    "Edges",
    "Stats",
    "command_line",
    "generate",
    "load_edges",
    "load_graph",
    "peak_rss_mb",
    "print_table",
    "reset_peak_rss",
    "row",
    "rss_mb",
    "sample_nodes",
    "sample_pairs",
    "time_queries",
    "to_igraph",
    "to_networkit",
    "to_networkx",
    "upper_edges",
]

GRAPHS = ("ego-facebook", "enron", "generated-100k", "generated-1m")
SEED = 20240611


# -- inputs -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Edges:
    """An undirected edge list over people ``ids``: ties ``a[k] - b[k]`` of strength ``w[k]``."""

    ids: npt.NDArray[np.int64]
    a: npt.NDArray[np.int64]
    b: npt.NDArray[np.int64]
    w: npt.NDArray[np.float32]

    @property
    def m(self) -> int:
        return int(self.a.shape[0])


def _snap_pairs(path: Path) -> npt.NDArray[np.int64]:
    pairs = np.loadtxt(path, dtype=np.int64, comments="#").reshape(-1, 2)
    low = np.minimum(pairs[:, 0], pairs[:, 1])
    high = np.maximum(pairs[:, 0], pairs[:, 1])
    keys = np.unique(low[low != high] * (1 << 32) + high[low != high])
    return np.stack([keys >> 32, keys & 0xFFFFFFFF], axis=1)


def _snap_edges(*parts: str, seed: int) -> Edges:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        raise SystemExit(f"needs ../shared/data/{'/'.join(parts)} (absent here)")
    pairs = _snap_pairs(path)
    rng = np.random.default_rng(seed)
    w = np.clip(rng.beta(2.0, 3.0, pairs.shape[0]), 0.01, 1.0).astype(np.float32)
    ids = np.unique(pairs)
    return Edges(ids, pairs[:, 0].copy(), pairs[:, 1].copy(), w)


def generate(n: int, m: int, seed: int = SEED, mix: float = 0.15) -> Edges:
    """A deterministic community-structured power-law graph with ``n`` people and ``m`` ties."""
    rng = np.random.default_rng(seed)
    # Expected degrees: Pareto tail with exponent 2.5, capped, scaled to a mean of 2m/n.
    degree = (1.0 - rng.random(n)) ** (-1.0 / 1.5)
    degree = np.minimum(degree, (n ** (2.0 / 3.0)) / 10.0)
    degree *= 2.0 * m / degree.sum()
    # Block sizes: Pareto (exponent 2.2) between 20 and n/20 people.
    sizes: list[int] = []
    total = 0
    while total < n:
        size = int(min(20.0 * (1.0 - rng.random()) ** (-1.0 / 1.2), n / 20))
        size = min(size, n - total)
        sizes.append(size)
        total += size
    block_size = np.repeat(np.asarray(sizes, dtype=np.float64), sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    block_of = np.repeat(np.arange(len(sizes)), sizes)
    intra = np.minimum((1.0 - mix) * degree, 0.5 * (block_size - 1.0))
    inter = degree - intra
    c_intra = np.concatenate([[0.0], np.cumsum(intra)])
    c_inter = np.concatenate([[0.0], np.cumsum(inter)])
    block_lo = c_intra[starts]
    block_span = c_intra[np.asarray(starts) + np.asarray(sizes)] - block_lo

    def draw(count: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[Any]]:
        n_intra = round(float(count * c_intra[-1] / (c_intra[-1] + c_inter[-1])))
        u = np.searchsorted(c_intra, rng.random(n_intra) * c_intra[-1], side="right") - 1
        blk = block_of[u]
        v = np.searchsorted(
            c_intra, block_lo[blk] + rng.random(n_intra) * block_span[blk], side="right"
        )
        v = np.minimum(v - 1, n - 1)
        n_inter = count - n_intra
        x = np.searchsorted(c_inter, rng.random(n_inter) * c_inter[-1], side="right") - 1
        y = np.searchsorted(c_inter, rng.random(n_inter) * c_inter[-1], side="right") - 1
        w = np.concatenate([rng.beta(2.0, 3.0, n_intra), rng.beta(1.2, 4.0, n_inter)]).astype(
            np.float32
        )
        return np.concatenate([u, x]), np.concatenate([v, y]), w

    keys = np.zeros(0, np.int64)
    weights = np.zeros(0, np.float32)
    while keys.shape[0] < m:
        u, v, w = draw(int((m - keys.shape[0]) * 1.15) + 16)
        keep = u != v
        u, v, w = u[keep], v[keep], w[keep]
        new = np.minimum(u, v) * n + np.maximum(u, v)
        keys = np.concatenate([keys, new])
        weights = np.concatenate([weights, w])
        keys, first = np.unique(keys, return_index=True)
        weights = weights[first]
    pick = np.sort(rng.choice(keys.shape[0], m, replace=False))
    keys, weights = keys[pick], weights[pick]
    label = rng.permutation(n).astype(np.int64)  # shuffle: no flattering locality
    a, b = label[keys // n], label[keys % n]
    weights = np.clip(weights, 0.01, 1.0).astype(np.float32)
    return Edges(np.arange(n, dtype=np.int64), a, b, weights)


_SIZES = {"generated-100k": (100_000, 1_000_000), "generated-1m": (1_000_000, 10_000_000)}


def load_edges(name: str, seed: int = SEED) -> Edges:
    """The edge list of a named graph (generated ones are built once and cached)."""
    if name == "ego-facebook":
        return _snap_edges("snap-ego-facebook", "facebook_combined.txt", seed=seed)
    if name == "enron":
        return _snap_edges("snap-email-enron", "Email-Enron.txt", seed=seed)
    if name not in _SIZES:
        raise SystemExit(f"unknown graph {name!r}; choose from {', '.join(GRAPHS)}")
    path = OUT / f"{name}-seed{seed}.npz"
    if path.exists():
        with np.load(path) as data:
            return Edges(data["ids"], data["a"], data["b"], data["w"])
    n, m = _SIZES[name]
    started = time.perf_counter()
    edges = generate(n, m, seed)
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez(path.with_suffix(".tmp.npz"), ids=edges.ids, a=edges.a, b=edges.b, w=edges.w)
    path.with_suffix(".tmp.npz").replace(path)
    print(f"# generated {name} in {time.perf_counter() - started:.1f} s -> {path}", file=sys.stderr)
    return edges


def load_graph(name: str, seed: int = SEED) -> Snapshot:
    """The snapshot of a named graph (see the module docstring for the names)."""
    if name in _SIZES:
        cached = OUT / f"{name}-seed{seed}.snapshot.npz"
        if cached.exists():
            return load_snapshot(cached)
    edges = load_edges(name, seed)
    s = from_edges(edges.ids, edges.a, edges.b, edges.w)
    if name in _SIZES:
        s.save(OUT / f"{name}-seed{seed}.snapshot.npz")
    return s


# -- peers --------------------------------------------------------------------------------------
def upper_edges(
    s: Snapshot,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Each tie once (``a < b``) as node indices, with its strength."""
    rows = np.repeat(np.arange(s.n, dtype=np.int64), np.diff(s.indptr))
    upper = rows < s.indices
    return rows[upper], s.indices[upper].astype(np.int64), s.weights[upper]


def to_networkx(s: Snapshot, weighted: bool = True) -> Any:
    """A ``networkx.Graph`` on nodes ``0..n-1`` (edge attributes ``weight`` and ``cost``)."""
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(range(s.n))
    a, b, w = upper_edges(s)
    if weighted:
        cost = -np.log(w.astype(np.float64))
        g.add_edges_from(
            (int(x), int(y), {"weight": float(z), "cost": float(c)})
            for x, y, z, c in zip(a, b, w, cost, strict=True)
        )
    else:
        g.add_edges_from(zip(a.tolist(), b.tolist(), strict=True))
    return g


def to_igraph(s: Snapshot, weighted: bool = True) -> Any:
    """An ``igraph.Graph`` on vertices ``0..n-1`` (edge attributes ``weight`` and ``cost``)."""
    import igraph as ig

    a, b, w = upper_edges(s)
    g = ig.Graph(n=s.n, edges=np.stack([a, b], axis=1), directed=False)
    if weighted:
        g.es["weight"] = w.astype(np.float64)
        g.es["cost"] = -np.log(w.astype(np.float64))
    return g


def to_networkit(s: Snapshot, weight: str | None = "strength") -> Any:
    """A ``networkit.Graph`` on nodes ``0..n-1``; one weight: ``strength``, ``cost`` or none."""
    import networkit as nk

    a, b, w = upper_edges(s)
    g = nk.Graph(s.n, weighted=weight is not None, directed=False)
    if weight is None:
        g.addEdges((np.ones(a.shape[0]), (a, b)), addMissing=False, checkMultiEdge=False)
    else:
        values = w.astype(np.float64) if weight == "strength" else -np.log(w.astype(np.float64))
        g.addEdges((values, (a, b)), addMissing=False, checkMultiEdge=False)
    g.indexEdges()
    return g


# -- inputs for queries -------------------------------------------------------------------------
def _hubs(s: Snapshot) -> npt.NDArray[np.int64]:
    degrees = s.degrees()
    count = max(1, s.n // 100)
    return np.argsort(-degrees, kind="stable")[:count].astype(np.int64)


def sample_nodes(s: Snapshot, k: int, seed: int, hub_share: float = 0.25) -> npt.NDArray[np.int64]:
    """``k`` query nodes: ``hub_share`` of them from the top 1% by degree, the rest uniform
    among nodes with at least one tie. Deterministic from ``seed``."""
    rng = np.random.default_rng(seed)
    n_hubs = round(k * hub_share)
    connected = np.flatnonzero(s.degrees() > 0)
    hubs = rng.choice(_hubs(s), n_hubs, replace=True)
    rest = rng.choice(connected, k - n_hubs, replace=True)
    out = np.concatenate([hubs, rest]).astype(np.int64)
    rng.shuffle(out)
    return out


def sample_pairs(s: Snapshot, k: int, seed: int, hub_share: float = 0.25) -> list[tuple[int, int]]:
    """``k`` (source, target) pairs of distinct nodes; sources as in ``sample_nodes``, targets
    uniform among connected nodes, except that one in four hub sources gets a hub target."""
    rng = np.random.default_rng(seed + 1)
    sources = sample_nodes(s, k, seed, hub_share)
    connected = np.flatnonzero(s.degrees() > 0)
    hubs = _hubs(s)
    pairs: list[tuple[int, int]] = []
    for i, source in enumerate(sources.tolist()):
        pool = hubs if i % 4 == 0 else connected
        target = int(rng.choice(pool))
        while target == source:
            target = int(rng.choice(connected))
        pairs.append((source, target))
    return pairs


# -- timing and memory --------------------------------------------------------------------------
@dataclass(frozen=True)
class Stats:
    """Per-query wall times in milliseconds."""

    median_ms: float
    p95_ms: float
    n: int
    mean_ms: float = 0.0
    max_ms: float = 0.0


def time_queries(
    fn: Callable[[Any], object],
    inputs: Iterable[Any],
    warmup: int = 1,
    budget_s: float | None = None,
    min_n: int = 5,
    best_of: int = 1,
) -> Stats:
    """Run ``fn(x)`` for each input (after ``warmup`` untimed calls on the first input).

    With ``budget_s``, stop once that many seconds have been spent (after at least ``min_n``
    queries): for slow peers, which then run on the first ``Stats.n`` inputs only. With
    ``best_of`` > 1, a query that took under a millisecond is run again and its fastest time
    kept: on a shared machine that removes most scheduler noise from microsecond queries
    (use the same setting for every implementation compared).
    """
    items = list(inputs)
    for _ in range(warmup if items else 0):
        fn(items[0])
    times = np.empty(len(items), dtype=np.float64)
    clock = time.perf_counter
    spent = 0.0
    done = 0
    for i, x in enumerate(items):
        started = clock()
        fn(x)
        times[i] = clock() - started
        spent += times[i]
        for _ in range(best_of - 1 if times[i] < 1e-3 else 0):
            started = clock()
            fn(x)
            times[i] = min(times[i], clock() - started)
        done = i + 1
        if budget_s is not None and spent > budget_s and done >= min_n:
            break
    if not done:
        return Stats(math.nan, math.nan, 0)
    ms = times[:done] * 1000.0
    return Stats(
        float(np.median(ms)),
        float(np.percentile(ms, 95)),
        done,
        float(ms.mean()),
        float(ms.max()),
    )


def rss_mb() -> float:
    """The process's resident memory now, in MB (``VmRSS``)."""
    return _status_mb("VmRSS") or 0.0


def peak_rss_mb() -> float:
    """The process's peak resident memory, in MB (``VmHWM``; ``ru_maxrss`` where absent)."""
    value = _status_mb("VmHWM")
    if value is not None:
        return value
    scale = 1.0 if sys.platform == "darwin" else 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e6


def reset_peak_rss() -> bool:
    """Reset ``VmHWM`` to the current RSS (Linux); ``False`` where that is not allowed."""
    try:
        with open(f"/proc/{os.getpid()}/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _status_mb(key: str) -> float | None:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        return None
    return None


# -- output -------------------------------------------------------------------------------------
def row(
    graph: str, query: str, impl: str, stats: Stats | None = None, **extra: Any
) -> dict[str, Any]:
    """One table row: timings from ``stats`` (or pass ``value=`` and ``unit=`` for sizes)."""
    out: dict[str, Any] = {"graph": graph, "query": query, "impl": impl}
    if stats is not None:
        out.update(median_ms=stats.median_ms, p95_ms=stats.p95_ms, n=stats.n)
    out.update(extra)
    return out


def _cell(value: Any) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if value >= 100:
            return f"{value:,.0f}"
        if value >= 1:
            return f"{value:.2f}"
        return f"{value:.4f}"
    return "-" if value is None else str(value)


def print_table(rows: Sequence[dict[str, Any]], ours: str = "goodwill", file: Any = None) -> None:
    """Print ``rows`` as Markdown with a ``vs ours`` column: peer / ours on ``median_ms`` (or on
    ``value`` for rows without timings) within the same graph and query."""
    file = file or sys.stdout
    if not rows:
        return
    columns: list[str] = []
    for r in rows:
        columns.extend(key for key in r if key not in columns)
    metric = {(r["graph"], r["query"]): _metric(r) for r in rows if r["impl"] == ours}
    columns.append(f"peer/{ours}")
    print("| " + " | ".join(columns) + " |", file=file)
    print(
        "|" + "|".join("---" if c in {"graph", "query", "impl"} else "---:" for c in columns) + "|",
        file=file,
    )
    for r in rows:
        base = metric.get((r["graph"], r["query"]))
        mine = _metric(r)
        ratio = "-"
        if r["impl"] != ours and base and mine is not None and base > 0:
            ratio = f"{mine / base:.1f}x"
        cells = [_cell(r.get(c)) for c in columns[:-1]] + [ratio]
        print("| " + " | ".join(cells) + " |", file=file)
    file.flush()


def _metric(r: dict[str, Any]) -> float | None:
    value = r.get("median_ms", r.get("value"))
    return float(value) if isinstance(value, (int, float)) and not math.isnan(value) else None


def command_line() -> str:
    """The exact command that produced this run (print it at the top of the output)."""
    import shlex

    return "python " + " ".join(shlex.quote(a) for a in sys.argv)


if __name__ == "__main__":  # python bench/graphbench.py [name...]: build and describe graphs
    print(command_line())
    for name in sys.argv[1:] or ["ego-facebook", "enron", "generated-100k"]:
        started = time.perf_counter()
        snap = load_graph(name)
        degrees = snap.degrees()
        print(
            f"{name}: n={snap.n:,} m={snap.m:,} max degree={int(degrees.max()):,} "
            f"median degree={float(np.median(degrees)):.0f} "
            f"bytes/tie={snap.nbytes / max(snap.m, 1):.1f} "
            f"load {time.perf_counter() - started:.1f} s, peak RSS {peak_rss_mb():.0f} MB"
        )
