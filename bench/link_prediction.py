"""How well do suggestions predict real ties? Hidden-edge link prediction on ego-Facebook.

    python bench/link_prediction.py                  # 5 seeds, 10% of ties hidden
    python bench/link_prediction.py --seeds 2 --sources 500

For each seed, 10% of ego-Facebook's 88,234 ties are hidden at random; the scorers see the
other 90% and are judged on the hidden ones:

* **precision@10**: for every person with at least one hidden tie (or ``--sources`` of them,
  sampled), the share of their top 10 suggestions that are hidden ties, averaged over people;
* **AUC** (Lü & Zhou 2011): the probability that a random hidden tie scores higher than a random
  pair of people who are not tied at all (ties count one half), from ``--pairs`` independent
  draws of each.

Scorers: common neighbours; Adamic-Adar (goodwill's ``suggest`` with ``weighted=False``; its
scores are checked against ``networkx.adamic_adar_index`` as the oracle); resource allocation;
goodwill's default tie-weighted Adamic-Adar (the SNAP ties carry no strengths, so every tie is
1 and it equals plain Adamic-Adar: it is listed to show that); and Adamic-Adar plus interest
similarity, where the interests are ego-Facebook's profile features (``facebook/*.feat`` and
``*.egofeat``, anonymised by SNAP: ``education;school;id;anonymized feature 50``). Features are
keyed by their full name, so the same anonymised feature is one column across the ten ego
networks; a person's row is the union of their features in every ego network listing them.
Only people inside the ten ego networks have features (the script prints how many).
Interest cosine alone is listed too.

mean ± sd over seeds. The quality measures are deterministic for a seed.

References:
    Lü, L. & Zhou, T. (2011). Link prediction in complex networks: a survey. *Physica A* 390,
    1150-1170 (AUC and precision as used here).
    McAuley, J. & Leskovec, J. (2012). Learning to discover social circles in ego networks.
    NIPS (the data).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from graphbench import SHARED, command_line

from goodwill.graph.snapshot import Snapshot, from_edges
from goodwill.graph.suggest import Interests, pair_scores, prepare_interests, suggest

N = 4039
FOLDER = SHARED / "snap-ego-facebook"
Ranker = Callable[[Snapshot, int], list[int]]
PairScorer = Callable[
    [Snapshot, npt.NDArray[np.int64], npt.NDArray[np.int64]], npt.NDArray[np.float64]
]


def load_pairs() -> npt.NDArray[np.int64]:
    path = FOLDER / "facebook_combined.txt"
    if not path.exists():
        raise SystemExit(f"needs {path} (the shared data folder is absent)")
    pairs = np.loadtxt(path, dtype=np.int64).reshape(-1, 2)
    return np.sort(pairs, axis=1)


def load_features() -> sp.csr_matrix:
    """Person x feature (0/1), features keyed by their anonymised name across the ego networks."""
    columns: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for names in sorted((FOLDER / "facebook").glob("*.featnames")):
        ego = int(names.stem)
        local = []
        for line in names.read_text().splitlines():
            _, name = line.split(" ", 1)
            local.append(columns.setdefault(name, len(columns)))
        local_cols = np.asarray(local)
        table = np.loadtxt(FOLDER / "facebook" / f"{ego}.feat", dtype=np.int64, ndmin=2)
        own = np.loadtxt(FOLDER / "facebook" / f"{ego}.egofeat", dtype=np.int64, ndmin=1)
        table = np.vstack([table, np.concatenate([[ego], own])[None, :]])
        who, which = np.nonzero(table[:, 1:])
        rows.extend(table[who, 0].tolist())
        cols.extend(local_cols[which].tolist())
    matrix = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(N, len(columns)))
    matrix.data[:] = 1.0  # a union, not a count
    return matrix


# -- scorers -------------------------------------------------------------------------------------
def common_neighbours_top(
    train: Snapshot, adjacency: sp.csr_matrix, source: int, k: int
) -> list[int]:
    counts = np.asarray((adjacency[source] @ adjacency).todense()).ravel()
    counts[source] = 0
    counts[train.neighbours(source)] = 0
    candidates = np.flatnonzero(counts > 0)
    order = np.lexsort((candidates, -counts[candidates]))[:k]
    return candidates[order].tolist()


def cosine_top(train: Snapshot, prepared: Interests, source: int, k: int) -> list[int]:
    x = sp.csr_matrix((prepared.data, prepared.indices, prepared.indptr), shape=prepared.shape)
    cos = np.asarray((x @ x[source].T).todense()).ravel()
    cos[source] = 0
    cos[train.neighbours(source)] = 0
    candidates = np.flatnonzero(cos > 0)
    order = np.lexsort((candidates, -cos[candidates]))[:k]
    return candidates[order].tolist()


def auc(positive: npt.NDArray[np.float64], negative: npt.NDArray[np.float64]) -> float:
    """Independent draws compared pairwise: P(pos > neg) + P(pos == neg) / 2."""
    return float(np.mean(positive > negative) + 0.5 * np.mean(positive == negative))


# -- one seed ------------------------------------------------------------------------------------
def run_seed(
    seed: int,
    pairs: npt.NDArray[np.int64],
    features: sp.csr_matrix,
    n_sources: int | None,
    n_pairs: int,
    oracle: bool,
) -> dict[str, tuple[float, float]]:
    rng = np.random.default_rng(seed)
    hidden_mask = rng.random(pairs.shape[0]) < 0.10
    train_pairs, hidden = pairs[~hidden_mask], pairs[hidden_mask]
    train = from_edges(
        np.arange(N),
        train_pairs[:, 0],
        train_pairs[:, 1],
        np.ones(train_pairs.shape[0], np.float32),
    )
    adjacency = sp.csr_matrix(
        (np.ones(train.indices.shape[0]), train.indices, train.indptr), shape=(N, N)
    )
    prepared = prepare_interests(features, N)

    hidden_of: dict[int, set[int]] = {}
    for u, v in hidden.tolist():
        hidden_of.setdefault(u, set()).add(v)
        hidden_of.setdefault(v, set()).add(u)
    sources = np.array(sorted(hidden_of))
    if n_sources is not None and n_sources < sources.shape[0]:
        sources = np.sort(rng.choice(sources, n_sources, replace=False))

    # AUC samples: hidden ties vs pairs tied in neither half.
    known = set((pairs[:, 0] * N + pairs[:, 1]).tolist())
    pos = hidden[rng.integers(0, hidden.shape[0], n_pairs)]
    neg_list: list[tuple[int, int]] = []
    while len(neg_list) < n_pairs:
        u, v = rng.integers(0, N, 2).tolist()
        if u != v and min(u, v) * N + max(u, v) not in known:
            neg_list.append((min(u, v), max(u, v)))
    neg = np.asarray(neg_list, dtype=np.int64)

    def aa_pairs(p: npt.NDArray[np.int64], **kw: object) -> npt.NDArray[np.float64]:
        return pair_scores(train, p[:, 0], p[:, 1], **kw).score  # type: ignore[arg-type]

    methods: dict[
        str, tuple[Ranker, Callable[[npt.NDArray[np.int64]], npt.NDArray[np.float64]]]
    ] = {
        "common neighbours": (
            lambda s, x: common_neighbours_top(s, adjacency, x, 10),
            lambda p: pair_scores(train, p[:, 0], p[:, 1]).mutual_count.astype(np.float64),
        ),
        "Adamic-Adar (suggest, weighted=False)": (
            lambda s, x: [y.node for y in suggest(s, x, k=10, weighted=False)],
            lambda p: aa_pairs(p, weighted=False),
        ),
        "resource allocation (suggest)": (
            lambda s, x: [
                y.node for y in suggest(s, x, k=10, weighted=False, structure="resource_allocation")
            ],
            lambda p: aa_pairs(p, weighted=False, structure="resource_allocation"),
        ),
        "suggest default (tie-weighted AA; all ties 1 here)": (
            lambda s, x: [y.node for y in suggest(s, x, k=10)],
            lambda p: aa_pairs(p),
        ),
        "interest cosine only": (
            lambda s, x: cosine_top(s, prepared, x, 10),
            lambda p: pair_scores(train, p[:, 0], p[:, 1], interests=prepared).interest,
        ),
    }
    for alpha in (0.1, 0.25, 1.0):
        methods[f"suggest AA + interests (alpha={alpha})"] = (
            lambda s, x, a=alpha: [
                y.node for y in suggest(s, x, k=10, interests=prepared, alpha=a, weighted=False)
            ],
            lambda p, a=alpha: aa_pairs(p, interests=prepared, alpha=a, weighted=False),
        )

    print(
        f"# seed {seed}: {hidden.shape[0]:,} hidden ties, {sources.shape[0]:,} sources", flush=True
    )
    out: dict[str, tuple[float, float]] = {}
    for name, (ranker, scorer) in methods.items():
        hits = [len(set(ranker(train, int(x))) & hidden_of[int(x)]) / 10 for x in sources]
        out[name] = (float(np.mean(hits)), auc(scorer(pos), scorer(neg)))
    if oracle:
        _check_oracle(train, sources[:100], pos[:2000], rng)
    return out


def _check_oracle(
    train: Snapshot,
    sources: npt.NDArray[np.int64],
    pairs: npt.NDArray[np.int64],
    rng: np.random.Generator,
) -> None:
    """goodwill's Adamic-Adar equals networkx.adamic_adar_index on the training graph."""
    import heapq

    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(range(N))
    rows = np.repeat(np.arange(N), np.diff(train.indptr))
    g.add_edges_from(zip(rows.tolist(), train.indices.tolist(), strict=True))
    theirs = np.array(
        [x for _, _, x in nx.adamic_adar_index(g, [tuple(p) for p in pairs.tolist()])]
    )
    mine = pair_scores(train, pairs[:, 0], pairs[:, 1], weighted=False).adamic_adar
    worst_pair = float(np.max(np.abs(mine - theirs))) if pairs.size else 0.0
    worst_top = 0.0
    for source in sources.tolist():
        tied = set(g[source])
        candidates = {v for z in tied for v in g[z]} - tied - {source}
        scored = nx.adamic_adar_index(g, [(source, v) for v in candidates])
        best = heapq.nlargest(10, (x for _, _, x in scored))
        ours = [y.score for y in suggest(train, source, k=10, weighted=False)]
        if len(best) != len(ours):
            raise SystemExit(f"oracle check failed: source {source} has {len(ours)} vs {len(best)}")
        worst_top = max(
            worst_top, max((abs(a - b) for a, b in zip(ours, best, strict=True)), default=0.0)
        )
    print(
        f"# oracle: AA of {pairs.shape[0]:,} sampled pairs and the top-10 scores of "
        f"{sources.shape[0]} sources equal networkx.adamic_adar_index "
        f"(largest difference {max(worst_pair, worst_top):.1e})",
        flush=True,
    )
    if max(worst_pair, worst_top) > 1e-9:
        raise SystemExit("oracle check failed")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument(
        "--sources", type=int, default=None, help="sample this many sources per seed"
    )
    parser.add_argument("--pairs", type=int, default=100_000, help="AUC draws of each kind")
    args = parser.parse_args(argv)
    print(command_line())
    started = time.perf_counter()
    pairs = load_pairs()
    features = load_features()
    print(
        f"# ego-Facebook: {N:,} people, {pairs.shape[0]:,} ties; features: {features.shape[1]:,} "
        f"columns, {int((features.getnnz(axis=1) > 0).sum()):,} people with any, "
        f"{features.nnz / max(1, int((features.getnnz(axis=1) > 0).sum())):.1f} per person",
        flush=True,
    )
    results: dict[str, list[tuple[float, float]]] = {}
    for seed in range(args.seeds):
        for name, value in run_seed(
            seed, pairs, features, args.sources, args.pairs, seed == 0
        ).items():
            results.setdefault(name, []).append(value)
        print(f"# seed {seed} done ({time.perf_counter() - started:.0f} s)", flush=True)
    print()
    print(f"10% of ties hidden, {args.seeds} seeds; mean ± sd over seeds")
    print()
    print("| scorer | precision@10 | AUC |")
    print("|---|---:|---:|")
    for name, values in results.items():
        p = np.array([v[0] for v in values])
        a = np.array([v[1] for v in values])
        print(f"| {name} | {_fmt(p)} | {_fmt(a)} |")
    print(f"\n# {time.perf_counter() - started:.0f} s in all")


def _fmt(values: npt.NDArray[np.float64]) -> str:
    sd = float(values.std(ddof=1)) if values.shape[0] > 1 else math.nan
    return f"{values.mean():.4f} ± {sd:.4f}"


if __name__ == "__main__":
    main()
