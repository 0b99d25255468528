"""Is this post a soft sell? A rule-based, explainable check of a draft and of a posting history.

Each rule that fires adds a weight and a reason; the score is ``1 - prod(1 - weight)`` over the
rules that fired, so it stays in [0, 1] and two strong signals count for more than one.

======================  ======  ==============================================================
rule                    weight  fires on
======================  ======  ==============================================================
``link``                0.15    a web address
``call_to_action``      0.35    "buy my…", "order now", "sign up today", "DM me", "link in bio",
                                "use code…", or a sentence that starts with buy/order/subscribe…
``price``               0.30    an amount of money, "% off", sale words ("discount", "limited
                                time", "promo code", "free shipping")
``self_promotion``      0.35    my/our book, course, launch, product, newsletter, podcast…
``capitals``            0.15    shouting: three or more long words in capitals, a third of them
``hashtags``            0.20    hashtag stuffing: four or more, or over a third of the words
``tone``                0.30    hostile or sneering words ("idiot", "pathetic", "wake up")
``stranger``            0.20    the recipient is a stranger *and* a promotional rule fired
======================  ======  ==============================================================

A draft is **promotional** when the promotional rules alone (all but ``tone`` and ``stranger``)
reach 0.5: a link with a call to action, a price with a self-mention, and so on. One link, a
hashtag or the word "buy" in passing never does.

>>> check("Pre-order MY NEW BOOK today: 20% off with code LAUNCH! https://example.com").promotional
True
>>> check("Thanks for the kind words, Ann! How did the reading go?").score
0.0
>>> [r.rule for r in check("Buy my course, you idiot").rules]
['call_to_action', 'self_promotion', 'tone']
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "PROMOTIONAL_AT",
    "RULE_WEIGHTS",
    "ChannelHistory",
    "Check",
    "Fired",
    "HistoryPost",
    "Month",
    "check",
    "history",
]

RULE_WEIGHTS = {
    "link": 0.15,
    "call_to_action": 0.35,
    "price": 0.30,
    "self_promotion": 0.35,
    "capitals": 0.15,
    "hashtags": 0.20,
    "tone": 0.30,
    "stranger": 0.20,
}
NOT_PROMOTIONAL = frozenset({"tone", "stranger"})
PROMOTIONAL_AT = 0.5
DEFAULT_THRESHOLD = 0.2

_F = re.IGNORECASE
_LINK = re.compile(r"\bhttps?://\S+|\bwww\.\S+\.\S+", _F)
_VERBS = (
    r"buy|order|pre-?order|sign\s+up|subscribe|register|download|grab|shop|enrol|enroll|"
    r"click|check\s+out"
)
_CTA = re.compile(
    r"\b(?:buy|order|pre-?order|grab|get|download|subscribe|sign\s+up|register)\s+"
    r"(?:it\s+)?(?:now|today|here|my|our|your\s+copy|a\s+copy|yours)\b"
    rf"|(?:^|[.!?:\n]\s*)(?:{_VERBS})\b(?!\s+(?:I|you|we|they|it\s+was)\b)"
    r"|\b(?:dm|message)\s+me\b|\blink\s+in\s+(?:my\s+)?bio\b|\buse\s+(?:my\s+)?code\b"
    r"|\bclick\s+(?:the\s+)?link\b|\bdon'?t\s+miss\b|\bspaces?\s+(?:are\s+)?limited\b"
    r"|\blimited\s+(?:spots|places|seats)\b",
    _F | re.MULTILINE,
)
_MONEY = re.compile(
    r"[$€£¥]\s?\d+(?:[.,]\d+)*|\b\d+(?:[.,]\d+)?\s?(?:usd|eur|gbp|dollars|euros|pounds|bucks)\b"
    r"|\b\d{1,3}\s?%\s?off\b|\bhalf[-\s]price\b",
    _F,
)
_SALE = re.compile(
    r"\b(?:discount(?:ed)?|on\s+sale|sale\s+(?:ends|price|now)|limited[-\s]time|promo\s+code"
    r"|coupon|free\s+shipping|special\s+offer|offer\s+ends|deal\s+of|bargain|best\s+price"
    r"|early[-\s]bird|black\s+friday|cyber\s+monday|(?:free|offer|sale)\s+today)\b",
    _F,
)
_SELF = re.compile(
    r"\b(?:my|our)\s+(?:(?:new|latest|first|upcoming|debut|next)\s+)?"
    r"(?:book|novel|memoir|ebook|e-book|course|class|masterclass|workshop|webinar|launch"
    r"|product|service|services|app|shop|store|newsletter|podcast|channel|album|brand|business"
    r"|programme|program|coaching|offer)s?\b",
    _F,
)
_INSULT = r"idiots?|morons?|imbeciles?|losers?|clowns?|fools?|dumb|stupid|pathetic|clueless"
_HOSTILE = re.compile(
    rf"\byou(?:'re|\s+are)?\s+(?:an?\s+|such\s+an?\s+|so\s+)?(?:{_INSULT})\b"
    r"|\b(?:idiots|morons|imbeciles|moronic|shut\s+up|get\s+a\s+clue|wake\s+up|sheeple"
    r"|nobody\s+cares|cry\s+more|stupid\s+people|how\s+pathetic|laughable|incompetent)\b",
    _F,
)
_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")
_HASHTAG = re.compile(r"(?<!\w)#\w+")
_MENTION = re.compile(r"(?<!\w)@\w+")


@dataclass(frozen=True)
class Fired:
    rule: str
    weight: float
    reason: str


@dataclass(frozen=True)
class Check:
    score: float
    promotional: bool
    stranger: bool | None
    rules: tuple[Fired, ...]

    @property
    def reasons(self) -> list[str]:
        return [f.reason for f in self.rules]

    def as_dict(self) -> dict[str, object]:
        return {
            "score": round(self.score, 4),
            "promotional": self.promotional,
            "reasons": self.reasons,
            "stranger": self.stranger,
            "rules": [{"rule": f.rule, "weight": f.weight, "reason": f.reason} for f in self.rules],
        }


def _combined(weights: Iterable[float]) -> float:
    return 1.0 - math.prod(1.0 - w for w in weights)


def _quoted(match: re.Match[str]) -> str:
    return " ".join(match.group(0).split()).strip(" .!?:\n")


def _capitals(text: str) -> Fired | None:
    words = [w for w in _WORD.findall(_LINK.sub(" ", text)) if len(w) >= 3]
    loud = [w for w in words if len(w) >= 4 and w.isupper()]
    if len(loud) >= 3 and len(loud) * 3 >= len(words):
        shown = ", ".join(loud[:3])
        return Fired("capitals", RULE_WEIGHTS["capitals"], f"shouting in capitals ({shown})")
    return None


def _hashtags(text: str) -> Fired | None:
    tags = _HASHTAG.findall(text)
    words = _WORD.findall(_MENTION.sub(" ", _LINK.sub(" ", text)))
    if len(tags) >= 4 or (len(tags) >= 2 and len(tags) * 3 > len(words)):
        reason = f"hashtag stuffing ({len(tags)} hashtags)"
        return Fired("hashtags", RULE_WEIGHTS["hashtags"], reason)
    return None


def _rules(text: str) -> list[Fired]:
    fired = []
    links = _LINK.findall(text)
    if links:
        many = f"{len(links)} links" if len(links) > 1 else "a link"
        fired.append(Fired("link", RULE_WEIGHTS["link"], f"{many}: strangers read links as ads"))
    if cta := _CTA.search(text):
        said = _quoted(cta)
        fired.append(
            Fired("call_to_action", RULE_WEIGHTS["call_to_action"], f'call to action: "{said}"')
        )
    price = _MONEY.search(text) or _SALE.search(text)
    if price:
        fired.append(
            Fired("price", RULE_WEIGHTS["price"], f'price or sale words: "{_quoted(price)}"')
        )
    if own := _SELF.search(text):
        fired.append(
            Fired("self_promotion", RULE_WEIGHTS["self_promotion"], f'about you: "{_quoted(own)}"')
        )
    for found in (_capitals(text), _hashtags(text)):
        if found:
            fired.append(found)
    if hostile := _HOSTILE.search(text):
        reason = f'hostile or sneering tone: "{_quoted(hostile)}"'
        fired.append(Fired("tone", RULE_WEIGHTS["tone"], reason))
    return fired


def check(text: str, *, stranger: bool | None = None) -> Check:
    """Score a draft; ``stranger`` says whether the recipient is one (``None``: no recipient)."""
    fired = _rules(text or "")
    promotional_part = _combined(f.weight for f in fired if f.rule not in NOT_PROMOTIONAL)
    if stranger and promotional_part > 0:
        reason = "sent to a stranger: build the relationship before you pitch"
        fired.append(Fired("stranger", RULE_WEIGHTS["stranger"], reason))
    score = _combined(f.weight for f in fired)
    return Check(
        score=round(score, 4),
        promotional=promotional_part >= PROMOTIONAL_AT,
        stranger=stranger,
        rules=tuple(fired),
    )


@dataclass(frozen=True)
class HistoryPost:
    when: dt.datetime
    channel: str
    text: str


@dataclass(frozen=True)
class Month:
    month: str  # YYYY-MM
    posts: int
    promotional: int
    share: float
    warning: bool


@dataclass(frozen=True)
class ChannelHistory:
    channel: str
    posts: int
    promotional: int
    share: float
    warning: bool
    months: tuple[Month, ...]
    examples: tuple[tuple[HistoryPost, Check], ...]


def history(
    posts: Sequence[HistoryPost], *, threshold: float = DEFAULT_THRESHOLD, examples: int = 5
) -> list[ChannelHistory]:
    """Per channel and month, the share of posts that are promotional; warnings above ``threshold``.

    >>> when = dt.datetime(2024, 5, 1)
    >>> found = history([HistoryPost(when, "x", "Buy my book now!"), HistoryPost(when, "x", "Hi")])
    >>> found[0].months[0].share, found[0].warning
    (0.5, True)
    """
    by_channel: dict[str, list[tuple[HistoryPost, Check]]] = defaultdict(list)
    for post in posts:
        by_channel[post.channel].append((post, check(post.text)))
    found = []
    for channel in sorted(by_channel):
        checked = sorted(by_channel[channel], key=lambda pc: pc[0].when)
        months: dict[str, list[bool]] = defaultdict(list)
        for post, result in checked:
            months[post.when.strftime("%Y-%m")].append(result.promotional)
        rows = tuple(
            Month(
                m,
                len(flags),
                sum(flags),
                sum(flags) / len(flags),
                sum(flags) / len(flags) > threshold,
            )
            for m, flags in sorted(months.items())
        )
        promotional = [pc for pc in checked if pc[1].promotional]
        share = len(promotional) / len(checked)
        ranked = sorted(promotional, key=lambda pc: (-pc[1].score, pc[0].when))
        found.append(
            ChannelHistory(
                channel=channel,
                posts=len(checked),
                promotional=len(promotional),
                share=share,
                warning=share > threshold,
                months=rows,
                examples=tuple(ranked[:examples]),
            )
        )
    return found
