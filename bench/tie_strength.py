"""Does tie strength predict who someone talks to next? AUC on CollegeMsg and the Enron sample.

    python bench/tie_strength.py                 # both data sets, the grid, the table
    python bench/tie_strength.py --data collegemsg --cuts 6

For several cut times ``t`` and every active user ``u``, the candidates are the people ``u`` had
exchanged at least one message with before ``t``; the positives are those ``u`` writes to in the
30 days after ``t``. Each scorer ranks the candidates from what was known at ``t``; a user's AUC
is the probability that a random positive outranks a random negative (ties count one half;
Mann-Whitney), and the table gives the mean over (user, cut) pairs with at least one of each.

Scorers:

* **recency**: the time since the last message either way (newer ranks higher);
* **frequency**: how many messages either way before ``t``;
* **tie strength**: ``goodwill.insights.strength`` computed on the same history: faded activity
  weighted by balance, years known, mutual friends (people both have messaged with before ``t``).
  Its weights come from a grid searched on the users with an even id (the *tuning* half) and
  are reported on the others (the *held-out* half); defaults are the module's current weights.

The vectorised score below is the module's formula over numpy arrays; on start-up it is checked
against ``goodwill.insights.strength.score`` on a sample of pairs, so the two cannot drift apart.

Data (read-only, ../shared/data): ``snap-collegemsg/CollegeMsg.txt`` (59,835 timestamped private
messages among 1,899 students) and ``enron-maildir-sample`` (3,936 raw messages from two
mailboxes; each copy of a message filed twice is counted once: same sender, date, subject and
recipients). In Enron, "users" are the senders seen in those mailboxes, so the view is partial.
An e-mail to one person counts as a personal message, one to several as an e-mail (kind weights).

References: Gilbert & Karahalios (2009) *Predicting tie strength with social media*; Fawcett
(2006) *An introduction to ROC analysis* (AUC as a ranking measure).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import sys
import tarfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "src"))

from goodwill.importers.mailparse import addresses, first, parse_date, parse_headers  # noqa: E402
from goodwill.insights import strength as st  # noqa: E402

DAY = 86_400.0
HORIZON_DAYS = 30
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Messages:
    name: str
    src: I64
    dst: I64
    ts: F64  # seconds
    weight: F64  # the kind weight of each message
    n: int
    messages: int


def load_collegemsg() -> Messages:
    raw = np.loadtxt(SHARED / "snap-collegemsg" / "CollegeMsg.txt", dtype=np.int64)
    src, dst, ts = raw[:, 0], raw[:, 1], raw[:, 2].astype(np.float64)
    keep = src != dst
    weight = np.full(int(keep.sum()), st.KIND_WEIGHTS["message"])
    n = int(raw[:, :2].max()) + 1
    return Messages("CollegeMsg", src[keep], dst[keep], ts[keep], weight, n, int(keep.sum()))


def _header_block(data: bytes) -> bytes:
    end = data.find(b"\n\n")
    crlf = data.find(b"\r\n\r\n")
    if crlf != -1 and (end == -1 or crlf < end):
        end = crlf
    return data if end == -1 else data[:end]


def load_enron() -> Messages:
    path = SHARED / "enron-maildir-sample" / "enron_maildir_badeer-r_blair-l.tar.gz"
    ids: dict[str, int] = {}
    seen: set[tuple[str, float, str, tuple[str, ...]]] = set()
    rows: list[tuple[int, int, float, float]] = []
    with tarfile.open(path) as archive:
        for member in archive:
            if not member.isfile():
                continue
            handle = archive.extractfile(member)
            if handle is None:
                continue
            headers = parse_headers(_header_block(handle.read()))
            when = parse_date(first(headers, "date"))
            senders = addresses(first(headers, "from"))
            if when is None or not senders:
                continue
            sender = senders[0][1].lower()
            to = {
                a.lower()
                for name in ("to", "cc", "bcc")
                for value in headers.get(name, [])
                for _, a in addresses(value)
            } - {sender}
            key = (sender, when.timestamp(), first(headers, "subject"), tuple(sorted(to)))
            if not to or key in seen:
                continue
            seen.add(key)
            kind = "message" if len(to) == 1 else "email"
            for address in sorted(to):
                a = ids.setdefault(sender, len(ids))
                b = ids.setdefault(address, len(ids))
                rows.append((a, b, when.timestamp(), st.KIND_WEIGHTS[kind]))
    table = np.array(rows, dtype=np.float64)
    order = np.argsort(table[:, 2], kind="stable")
    table = table[order]
    return Messages(
        "Enron sample",
        table[:, 0].astype(np.int64),
        table[:, 1].astype(np.int64),
        table[:, 2],
        table[:, 3],
        len(ids),
        len(seen),
    )


@dataclass(frozen=True)
class Cut:
    """Every (user, candidate) pair known at one cut time, with the features the scorers use."""

    user: I64
    other: I64
    age: F64  # days since each message (per message, aligned with pair index below)
    msg_pair: I64
    msg_out: npt.NDArray[np.bool_]
    msg_weight: F64
    last_days: F64
    count: F64
    years: F64
    mutual: F64
    label: npt.NDArray[np.bool_]


def make_cut(m: Messages, t: float) -> Cut:
    before = m.ts <= t
    src, dst, ts, w = m.src[before], m.dst[before], m.ts[before], m.weight[before]
    # Each message seen from both ends: the sender's "out", the recipient's "in".
    user = np.concatenate([src, dst])
    other = np.concatenate([dst, src])
    out = np.concatenate([np.ones(len(src), bool), np.zeros(len(src), bool)])
    age = np.concatenate([t - ts, t - ts]) / DAY
    weight = np.concatenate([w, w])
    keys, pair = np.unique(user * m.n + other, return_inverse=True)
    pu, pv = keys // m.n, keys % m.n
    count = np.bincount(pair, minlength=len(keys)).astype(np.float64)
    last = np.full(len(keys), np.inf)
    np.minimum.at(last, pair, age)
    oldest = np.zeros(len(keys))
    np.maximum.at(oldest, pair, age)
    adjacency = sp.csr_matrix((np.ones(len(keys)), (pu, pv)), shape=(m.n, m.n))
    adjacency = ((adjacency + adjacency.T) > 0).astype(np.float64)
    common = adjacency @ adjacency
    mutual = np.asarray(common[pu, pv]).ravel()
    after = (m.ts > t) & (m.ts <= t + HORIZON_DAYS * DAY)
    future = np.unique(m.src[after] * m.n + m.dst[after])
    label = np.isin(keys, future)
    return Cut(pu, pv, age, pair, out, weight, last, count, oldest / 365.25, mutual, label)


def strength_scores(cut: Cut, w: st.Weights) -> F64:
    """``goodwill.insights.strength.score`` over every pair of a cut at once."""
    fade = cut.msg_weight * 0.5 ** (cut.age / w.half_life_days)
    n = len(cut.user)
    out_w = np.bincount(cut.msg_pair, weights=np.where(cut.msg_out, fade, 0.0), minlength=n)
    in_w = np.bincount(cut.msg_pair, weights=np.where(cut.msg_out, 0.0, fade), minlength=n)
    total = out_w + in_w
    share = np.where(total > 0, 2 * np.minimum(out_w, in_w) / np.maximum(total, 1e-300), 1.0)
    factor = (st.BALANCE_FLOOR + (1 - st.BALANCE_FLOOR) * share) ** w.balance_exponent
    activity = 1 - np.exp(-total * factor / w.saturation)
    duration = np.minimum(1.0, cut.years / st.DURATION_FULL_YEARS)
    mutual = 1 - np.exp(-cut.mutual / st.MUTUAL_SCALE)
    total_weight = w.activity + w.duration + w.mutual
    return np.asarray(
        (w.activity * activity + w.duration * duration + w.mutual * mutual) / total_weight
    )


def check_against_module(cut: Cut, t: float, w: st.Weights, sample: int = 50) -> None:
    """The vectorised score equals the module's score on a sample of pairs (or stop).

    Duration is left out of the comparison: the module counts years from a calendar date.
    """
    w = replace(w, duration=0.0)
    vector = strength_scores(cut, w)
    as_of = dt.datetime.fromtimestamp(t, dt.UTC)
    kinds = {st.KIND_WEIGHTS[k]: k for k in ("message", "email")}
    rng = np.random.default_rng(0)
    for i in rng.choice(len(cut.user), size=min(sample, len(cut.user)), replace=False):
        rows = np.flatnonzero(cut.msg_pair == i)
        touches = tuple(
            st.Touch(
                as_of - dt.timedelta(days=float(cut.age[r])),
                kinds[float(cut.msg_weight[r])],
                "out" if cut.msg_out[r] else "in",
            )
            for r in rows
        )
        evidence = st.Evidence(touches=touches, mutual_friends=int(cut.mutual[i]))
        want = st.score(evidence, as_of, w).computed
        if abs(vector[i] - want) > 1e-9:
            raise SystemExit(f"vectorised score differs from the module: {vector[i]} != {want}")


def mean_auc(
    cut_users: I64, scores: F64, labels: npt.NDArray[np.bool_], keep: npt.NDArray[np.bool_]
) -> tuple[float, int]:
    """Mean per-user AUC (Mann-Whitney, ties one half) over users with a positive and a negative."""
    users, scores, labels = cut_users[keep], scores[keep], labels[keep]
    if len(users) == 0:
        return float("nan"), 0
    order = np.lexsort((scores, users))
    users, scores, labels = users[order], scores[order], labels[order]
    position = np.arange(len(users), dtype=np.float64)
    group = np.r_[True, (users[1:] != users[:-1]) | (scores[1:] != scores[:-1])]
    gid = np.cumsum(group) - 1
    first_pos = position[group]
    size = np.bincount(gid)
    average = (first_pos + (first_pos + size - 1)) / 2
    rank = average[gid]
    ustart = np.r_[True, users[1:] != users[:-1]]
    uid = np.cumsum(ustart) - 1
    rank = rank - position[ustart][uid] + 1
    positives = np.bincount(uid, weights=labels.astype(np.float64))
    total = np.bincount(uid).astype(np.float64)
    negatives = total - positives
    rank_sum = np.bincount(uid, weights=np.where(labels, rank, 0.0))
    ok = (positives > 0) & (negatives > 0)
    if not ok.any():
        return float("nan"), 0
    auc = (rank_sum[ok] - positives[ok] * (positives[ok] + 1) / 2) / (positives[ok] * negatives[ok])
    return float(auc.mean()), int(ok.sum())


def cut_times(m: Messages, count: int) -> list[float]:
    # Between the 20th percentile of the traffic and 30 days before its end.
    start = float(np.quantile(m.ts, 0.2))
    stop = float(m.ts.max()) - HORIZON_DAYS * DAY
    return list(np.linspace(start, stop, count))


GRID = {
    "half_life_days": (3.0, 7.0, 14.0, 30.0, 60.0, 120.0, 365.0),
    "balance_exponent": (0.0, 0.5, 1.0, 2.0),
    "saturation": (1.0, 3.0, 10.0),
    "mix": ((1.0, 0.0, 0.0), (0.8, 0.0, 0.2), (0.7, 0.1, 0.2), (0.6, 0.2, 0.2), (0.5, 0.1, 0.4)),
}


def _weights(half: float, bal: float, sat: float, mix: tuple[float, float, float]) -> st.Weights:
    return st.Weights(
        half_life_days=half,
        balance_exponent=bal,
        saturation=sat,
        activity=mix[0],
        duration=mix[1],
        mutual=mix[2],
    )


def evaluate(cuts: list[Cut], scorer: object, half: int) -> tuple[float, int]:
    """Mean AUC over (user, cut) for one half of the users (0 tuning, 1 held out)."""
    total, pairs = 0.0, 0
    for cut in cuts:
        scores = scorer(cut)  # type: ignore[operator]
        keep = (cut.user % 2) == half
        auc, n = mean_auc(cut.user, scores, cut.label, keep)
        if n:
            total += auc * n
            pairs += n
    return (total / pairs if pairs else float("nan")), pairs


def prepare(m: Messages, cuts_wanted: int) -> tuple[list[float], list[Cut]]:
    times = cut_times(m, cuts_wanted)
    cuts = [make_cut(m, t) for t in times]
    check_against_module(cuts[len(cuts) // 2], times[len(cuts) // 2], st.DEFAULT_WEIGHTS)
    return times, cuts


Setting = tuple[float, float, float, tuple[float, float, float]]


def grid_search(cuts: list[Cut]) -> dict[Setting, float]:
    """The tuning half's AUC for every weight setting of the grid."""
    found = {}
    for setting in itertools.product(*GRID.values()):
        w = _weights(*setting)  # type: ignore[arg-type]
        found[setting] = evaluate(cuts, lambda c, w=w: strength_scores(c, w), 0)[0]
    return found  # type: ignore[return-value]


def table(
    cuts: list[Cut], own: st.Weights, joint: st.Weights
) -> list[tuple[str, float, float, int]]:
    scorers = {
        "recency only": lambda c: -c.last_days,
        "frequency only": lambda c: c.count,
        "tie strength, module defaults": lambda c: strength_scores(c, st.DEFAULT_WEIGHTS),
        "tie strength, best on both tuning halves": lambda c: strength_scores(c, joint),
        "tie strength, tuned on this data set alone": lambda c: strength_scores(c, own),
        "module defaults, without balance": lambda c: strength_scores(
            c, replace(st.DEFAULT_WEIGHTS, balance_exponent=0.0)
        ),
        "module defaults, activity only": lambda c: strength_scores(
            c, replace(st.DEFAULT_WEIGHTS, duration=0.0, mutual=0.0)
        ),
    }
    rows = []
    for name, scorer in scorers.items():
        tune, _ = evaluate(cuts, scorer, 0)
        held, pairs = evaluate(cuts, scorer, 1)
        rows.append((name, tune, held, pairs))
    return rows


def describe(w: st.Weights) -> str:
    return (
        f"half-life {w.half_life_days:g} days, balance exponent {w.balance_exponent:g}, "
        f"saturation {w.saturation:g}, activity/duration/mutual {w.activity:g}/{w.duration:g}/"
        f"{w.mutual:g}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", choices=("collegemsg", "enron", "both"), default="both")
    parser.add_argument("--cuts", type=int, default=8, help="cut times per data set (8)")
    args = parser.parse_args()
    loaders = {"collegemsg": load_collegemsg, "enron": load_enron}
    chosen = list(loaders) if args.data == "both" else [args.data]
    print(f"module defaults: {describe(st.DEFAULT_WEIGHTS)}; horizon {HORIZON_DAYS} days")
    started = time.perf_counter()
    data = {}
    for name in chosen:
        m = loaders[name]()
        times, cuts = prepare(m, args.cuts)
        data[name] = (m, times, cuts, grid_search(cuts))
    settings = list(next(iter(data.values()))[3])
    # The chosen weights maximise the mean of the data sets' tuning-half AUCs.
    joint = _weights(*max(settings, key=lambda w: float(np.mean([d[3][w] for d in data.values()]))))
    print(f"{len(settings)} weight settings tried on the tuning halves")
    joint_auc = {w: float(np.mean([d[3][w] for d in data.values()])) for w in settings}
    for index, knob in enumerate(GRID):
        best_each = {
            value: max(a for w, a in joint_auc.items() if w[index] == value) for value in GRID[knob]
        }
        shown = ", ".join(f"{v}: {a:.4f}" for v, a in best_each.items())
        print(f"best mean tuning AUC by {knob}: {shown}")
    print(f"chosen (best mean tuning AUC over {', '.join(chosen)}): {describe(joint)}")
    for m, times, cuts, grid in data.values():
        own = _weights(*max(grid, key=lambda w: grid[w]))
        dates = [dt.datetime.fromtimestamp(t, dt.UTC).date().isoformat() for t in times]
        print(f"\n## {m.name}: {m.messages:,} messages, {len(m.ts):,} sender-recipient rows")
        print(f"cuts: {', '.join(dates)}")
        print(
            f"{sum(len(c.user) for c in cuts):,} (user, candidate) pairs, "
            f"{int(sum(c.label.sum() for c in cuts)):,} positives"
        )
        print(f"best on this data set's tuning half: {describe(own)}\n")
        print("| scorer | AUC tuning half | AUC held-out half | (user, cut) pairs held out |")
        print("| --- | ---: | ---: | ---: |")
        for name, tune, held, pairs in table(cuts, own, joint):
            print(f"| {name} | {tune:.3f} | {held:.3f} | {pairs:,} |")
    print(f"\n{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
