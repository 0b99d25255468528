"""Next actions: the handful of things worth doing this week, drawn from every practice.

Pure Python (no Django). Each source proposes candidates with a score in roughly [0, 1];
this module drops what was done recently, keeps the best of every kind and at most a few of
each (so that one kind never crowds out the rest), and orders what is left by score.

>>> a = Action("thank:favour:1", "thank", "Thank Ann", "Read my draft", 0.9, 1, "Ann")
>>> b = Action("reach_out:2", "reach_out", "Get in touch with Bo", "overdue", 0.5, 2, "Bo")
>>> [x.key for x in pick([b, a], done=set())], [x.key for x in pick([a, b], done={a.key})]
(['thank:favour:1', 'reach_out:2'], ['reach_out:2'])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

KINDS = ("thank", "follow_up", "reach_out", "give_back", "introduce")
KIND_LABELS = {
    "thank": "Say thank you",
    "follow_up": "Follow up",
    "reach_out": "Reach out",
    "give_back": "Give back",
    "introduce": "Introduce",
}
PER_KIND = {"thank": 3, "follow_up": 3, "reach_out": 3, "give_back": 2, "introduce": 2}
HANDFUL = 10


@dataclass(frozen=True)
class Action:
    key: str
    kind: str
    title: str
    reason: str
    score: float
    person_id: int
    person_name: str
    other_id: int | None = None
    other_name: str = ""

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def pick(
    candidates: Iterable[Action],
    done: set[str],
    *,
    limit: int = HANDFUL,
    per_kind: dict[str, int] | None = None,
) -> list[Action]:
    """At most ``limit`` actions: the best few of each kind, best first, none already done."""
    quotas = PER_KIND if per_kind is None else per_kind
    by_kind: dict[str, list[Action]] = defaultdict(list)
    seen: set[str] = set()
    for action in candidates:
        if action.key in done or action.key in seen:
            continue
        seen.add(action.key)
        by_kind[action.kind].append(action)
    order = {kind: i for i, kind in enumerate(KINDS)}

    def rank(a: Action) -> tuple[float, int, str]:
        return (-a.score, order.get(a.kind, len(KINDS)), a.key)

    allowed: list[Action] = []
    for kind, actions in by_kind.items():
        actions.sort(key=rank)
        allowed.extend(actions[: quotas.get(kind, 1)])
    # The best of every kind first, so that no kind crowds out the rest; then by score.
    firsts = sorted((actions[0] for actions in by_kind.values()), key=rank)[:limit]
    rest = sorted((a for a in allowed if a not in firsts), key=rank)
    return sorted(firsts + rest[: limit - len(firsts)], key=rank)
