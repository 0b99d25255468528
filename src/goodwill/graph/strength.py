"""A tie's strength before anyone has scored it: a prior from what kind of tie it is.

The insights package scores strength from the history of interactions; until a tie has such a
score, queries use this prior so that a partner outweighs a follower and repeated co-occurrence
outweighs a single one.

>>> prior_strength("partner", 1.0)
0.95
>>> prior_strength("cooccurrence", 1.0) < prior_strength("cooccurrence", 6.0)
True
"""

from __future__ import annotations

import math

KIND_PRIOR = {
    "partner": 0.95,
    "family": 0.8,
    "knows": 0.6,
    "coworker": 0.5,
    "connection": 0.45,
    "follow": 0.2,
}
FLOOR, CEILING = 0.05, 0.9


def prior_strength(kind: str, weight: float) -> float:
    """Strength in (0, 1] for a tie of ``kind`` with evidence ``weight`` and no score yet.

    Co-occurrence grows with its weight (people seen together often know each other better):
    ``1 - exp(-weight / 3)``, kept within [0.05, 0.9].
    """
    if kind == "cooccurrence":
        return min(CEILING, max(FLOOR, 1.0 - math.exp(-max(weight, 0.0) / 3.0)))
    return KIND_PRIOR.get(kind, 0.3)
