"""Who might be the same person: similar names, corroborated by something else (pure Python).

Exact keys (an e-mail, a phone, an account id) are certain and merge on import; this module
finds the rest for a person to review. A pair is suggested only when the names are similar
*and* at least one independent signal agrees: the same organisation (or an e-mail at its
domain), the same place, or people in common. A name alone is never enough, because
namesakes are common; two different accounts on a channel where one human has one account
(two Facebook friends, two LinkedIn profiles) are taken as two people.

>>> ann = Profile(1, "Ann Lee", organisation="Acme Ltd")
>>> annie = Profile(2, "ann lee", organisation="ACME")
>>> match = score_pair(ann, annie)
>>> match.a, match.b, match.reasons[1]
(1, 2, 'both at Acme Ltd')
>>> score_pair(Profile(3, "Sam Lee"), Profile(4, "Sam Lee")) is None
True

Names are compared after folding diacritics, dropping titles and mapping nicknames to their
formal names (Bob to Robert); given and family names are scored apart with rapidfuzz's
``ratio`` and a Soundex-like code, in both orders, with initials allowed ("J. Smith").
Candidate pairs come from blocking keys (the phonetic code of one name part and the sound
class of the other's first letter), so ten thousand people are compared in seconds.
Reference: Christen, *Data Matching* (Springer, 2012), ch. 4 (indexing) and 5 (comparison).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

__all__ = [
    "NAME_THRESHOLD",
    "NICKNAMES",
    "Match",
    "NameMatch",
    "Profile",
    "blocking_keys",
    "find_matches",
    "name_similarity",
    "normalise_name",
    "phonetic",
    "score_pair",
]

NAME_THRESHOLD = 0.85
# People in common that count as corroboration (with a Jaccard overlap of at least 0.1).
MIN_SHARED = 2
# Beyond this many people in one block, only names that sort near each other are compared.
MAX_BLOCK = 300
WINDOW = 40
# Channels on which one human has one account: two different values mean two people.
EXCLUSIVE_CHANNELS = frozenset({"facebook", "linkedin", "x_id", "bluesky_did"})

# Formal names and their common nicknames (a nickname may stand for several formal names).
_FORMAL = """
robert: bob bobby rob robbie bert; william: bill billy will willy liam;
elizabeth: liz lizzie beth betty eliza libby; katherine: kate katie kathy kat kay;
catherine: kate katie cathy cat; margaret: maggie meg peggy marge; thomas: tom tommy;
christopher: chris kit; christine: chris chrissie; jennifer: jen jenny;
alexander: alex sandy xander; alexandra: alex sandy lexi; jonathan: jon jonny;
john: johnny jack; michael: mike mick mikey micky; samuel: sam sammy;
samantha: sam sammy; daniel: dan danny; matthew: matt matty; rebecca: becky bex becca;
victoria: vicky tori vic; joseph: joe joey; joanna: jo; edward: ed eddie ted ned;
benjamin: ben benny; nicholas: nick nicky; stephen: steve stevie; steven: steve stevie;
richard: rich richie rick dick; anthony: tony; abigail: abby abbie;
eleanor: ellie nell nora; philippa: pippa pip; james: jim jimmy jamie;
andrew: andy drew; peter: pete; philip: phil; david: dave davy; timothy: tim timmy;
susan: sue susie; deborah: debbie deb; jessica: jess jessie; charlotte: charlie lottie;
charles: charlie chuck; oliver: ollie; francesca: fran frankie; alessandro: sandro;
katarzyna: kasia; aleksandra: ola; krzysztof: krzys; gregory: greg;
patricia: pat patty trish; patrick: pat paddy
"""
# Nickname -> the formal names it may stand for ("sam": Samuel or Samantha).
NICKNAMES: dict[str, frozenset[str]] = {}
for _entry in _FORMAL.replace("\n", " ").split(";"):
    _formal, _nicks = _entry.split(":")
    for _nick in _nicks.split():
        NICKNAMES[_nick] = NICKNAMES.get(_nick, frozenset()) | {_formal.strip()}

_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "fr"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "mba", "obe", "mbe", "esq"})
_UNFOLDABLE = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "æ": "ae"}
)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_ORG_NOISE = frozenset(
    {"ltd", "limited", "inc", "llc", "llp", "plc", "gmbh", "co", "company", "corp", "the", "and"}
)
_GENERIC_ORGS = frozenset(
    {"", "freelance", "freelancer", "self employed", "independent", "retired", "student",
     "none", "n a", "unemployed", "home", "self"}
)  # fmt: skip
_SOUND = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"), "d": "3", "t": "3"}
_SOUND |= {"l": "4", "m": "5", "n": "5", "r": "6"}


def fold(text: str) -> str:
    """Lower-case ASCII: ``"Łukasz Wójcik"`` -> ``"lukasz wojcik"``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNFOLDABLE))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.encode("ascii", "ignore").decode("ascii").lower()


def normalise_name(text: str) -> str:
    """A name as comparable words: folded, punctuation gone, titles and suffixes dropped.

    A stand-in name is read for the name it holds: an e-mail address by its local part,
    a handle by its words (``"@AnnLee"`` -> ``"ann lee"``).
    """
    raw = text.strip()
    if "@" in raw.lstrip("@"):
        raw = raw.lstrip("@").split("@", 1)[0]
    raw = raw.lstrip("@")
    if " " not in raw:
        raw = _CAMEL.sub(" ", raw)
    words = _NON_WORD.sub(" ", fold(raw)).split()
    words = [w for w in words if not w.isdigit() and w not in _TITLES and w not in _SUFFIXES]
    return " ".join(words)


@lru_cache(maxsize=65536)
def phonetic(word: str) -> str:
    """A Soundex-like code whose first letter is coded too, so Catherine sounds like Katherine.

    >>> phonetic("Smith") == phonetic("Smyth"), phonetic("Catherine") == phonetic("Katherine")
    (True, True)
    """
    letters = [c for c in fold(word) if c.isalpha()]
    if not letters:
        return ""
    code = [_SOUND.get(letters[0], "0")]
    last = code[0]
    for c in letters[1:]:
        digit = _SOUND.get(c, "")
        if digit and digit != last:
            code.append(digit)
        if c not in "hw":
            last = digit
    return "".join(code[:4]).ljust(4, "0")


@lru_cache(maxsize=65536)
def _formals(given: str) -> frozenset[str]:
    return NICKNAMES.get(given, frozenset()) | {given}


@lru_cache(maxsize=262144)
def _part_similarity(x: str, y: str, *, nicknames: bool) -> tuple[float, str]:
    if x == y:
        return 1.0, ""
    if len(x) == 1 or len(y) == 1:
        return (0.85, "initial") if x[0] == y[0] else (0.0, "")
    if nicknames and _formals(x) & _formals(y):
        return 0.95, "nickname"
    score = fuzz.ratio(x, y) / 100
    # Sounding alike rescues a spelling (Steven, Stephen), never two different short names.
    if score >= 0.7 and phonetic(x) == phonetic(y):
        score = max(score, 0.9)
    return score, "spelling" if score >= NAME_THRESHOLD else ""


@dataclass(frozen=True, slots=True)
class NameMatch:
    score: float
    notes: tuple[str, ...] = ()


def _oriented(one: Sequence[str], other: Sequence[str]) -> NameMatch:
    family, family_note = _part_similarity(one[-1], other[-1], nicknames=False)
    if family < 0.75:
        return NameMatch(family)
    given, given_note = _part_similarity(one[0], other[0], nicknames=True)
    if given < 0.75:
        return NameMatch(given)
    score = (given + family) / 2
    notes = tuple(dict.fromkeys(n for n in (given_note, family_note) if n))
    middles, others = one[1:-1], other[1:-1]
    if middles and others and not {m[0] for m in middles} & {m[0] for m in others}:
        score *= 0.8
        notes += ("different middle names",)
    return NameMatch(score, notes)


def name_similarity(first: str, second: str) -> NameMatch:
    """How alike two names are, 0..1, with notes (nickname, initial, spelling, order).

    A single word (a first name alone, a handle) never scores high: too many people share it.

    >>> name_similarity("Bob Smith", "Robert Smith")
    NameMatch(score=0.975, notes=('nickname',))
    """
    one, other = normalise_name(first).split(), normalise_name(second).split()
    return _name_similarity(tuple(one), tuple(other))


def _name_similarity(one: tuple[str, ...], other: tuple[str, ...]) -> NameMatch:
    if not one or not other:
        return NameMatch(0.0)
    if len(one) == 1 or len(other) == 1:
        return NameMatch(0.6 if one == other else 0.0)
    best = _oriented(one, other)
    if best.score >= 0.97:
        return best
    swapped = _oriented(one, other[::-1])
    if swapped.score * 0.97 > best.score:
        best = NameMatch(swapped.score * 0.97, (*swapped.notes, "order"))
    return best


def blocking_keys(name: str) -> frozenset[str]:
    """Keys that any similar name shares with this one (both name orders, nicknames, initials)."""
    words = normalise_name(name).split()
    if len(words) < 2:
        return frozenset()
    keys = set()
    for given, family in ((words[0], words[-1]), (words[-1], words[0])):
        family_code = phonetic(family)
        for formal in _formals(given):
            formal_code = phonetic(formal)
            keys.add(f"f{family_code}{formal_code[0]}")
            if len(formal) > 1:
                keys.add(f"g{formal_code}{family_code[0]}")
    return frozenset(keys)


@dataclass(frozen=True, slots=True)
class Profile:
    """What is known of one person for matching; ``accounts`` are (channel, value) pairs."""

    id: int
    name: str
    organisation: str = ""
    location: str = ""
    emails: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    accounts: frozenset[tuple[str, str]] = frozenset()
    neighbours: frozenset[int] = frozenset()
    is_me: bool = False
    words: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if not self.words:
            object.__setattr__(self, "words", tuple(normalise_name(self.name).split()))


@dataclass(frozen=True, slots=True)
class Match:
    """A suggested pair: ``a`` is the one to keep (you, or the older record)."""

    a: int
    b: int
    score: float
    reasons: tuple[str, ...]


def _org_words(text: str) -> str:
    return " ".join(w for w in _NON_WORD.sub(" ", fold(text)).split() if w not in _ORG_NOISE)


def organisations_agree(first: str, second: str) -> bool:
    """The same organisation, allowing a dropped word ("Brightline") or a typo in a long name."""
    one, other = _org_words(first), _org_words(second)
    if one in _GENERIC_ORGS or other in _GENERIC_ORGS:
        return False
    if one == other:
        return True
    if {w for w in one.split() if w.isdigit()} != {w for w in other.split() if w.isdigit()}:
        return False
    shorter = min(len(one), len(other))
    return (shorter >= 5 and fuzz.token_set_ratio(one, other) == 100) or (
        shorter >= 8 and fuzz.ratio(one, other) >= 92
    )


def _domain_fits(email: str, organisation: str) -> bool:
    """``ann@brightline.example`` fits Brightline Communications; big mail providers fit nothing."""
    org = _org_words(organisation)
    if org in _GENERIC_ORGS:
        return False
    labels = email.rsplit("@", 1)[-1].split(".")
    label = max(labels[:-1] or labels, key=len)
    compact, first_word = org.replace(" ", ""), org.split()[0]
    return len(label) >= 4 and label in {compact, first_word}


def _places_agree(first: str, second: str) -> bool:
    one, other = (fold(p).split(",")[0].strip() for p in (first, second))
    return bool(one and other) and fuzz.ratio(one, other) >= 90


def _local_fits(email: str, words: tuple[str, ...]) -> bool:
    local = normalise_name(email).split()
    if not local or len(words) < 2:
        return False
    return _name_similarity(tuple(local), words).score >= NAME_THRESHOLD or "".join(local) in {
        words[0] + words[-1],
        words[0][0] + words[-1],
        words[-1] + words[0][0],
    }


def _distinct_accounts(p: Profile, q: Profile) -> str:
    mine = {c for c, _ in p.accounts}
    for channel in sorted(mine & {c for c, _ in q.accounts}):
        if {v for c, v in p.accounts if c == channel}.isdisjoint(
            v for c, v in q.accounts if c == channel
        ):
            return channel
    return ""


def _evidence(p: Profile, q: Profile) -> tuple[list[tuple[float, str]], list[tuple[float, str]]]:
    """(corroborating, supporting) signals, each with its weight and a reason."""
    strong: list[tuple[float, str]] = []
    weak: list[tuple[float, str]] = []
    if p.organisation and q.organisation:
        if organisations_agree(p.organisation, q.organisation):
            strong.append((0.3, f"both at {p.organisation}"))
        else:
            weak.append((-0.1, f"at {p.organisation} and at {q.organisation}"))
    for one, other in ((p, q), (q, p)):
        fits = [e for e in one.emails if other.organisation and _domain_fits(e, other.organisation)]
        if fits and not any(r.startswith("both at") for _, r in strong):
            strong.append((0.25, f"e-mail {fits[0]} fits {other.organisation}"))
            break
    if p.location and q.location and _places_agree(p.location, q.location):
        strong.append((0.15, f"both in {p.location}"))
    shared = (p.neighbours & q.neighbours) - {p.id, q.id}
    if len(shared) >= MIN_SHARED:
        # One friend in common is common; two records of one person share a circle.
        jaccard = len(shared) / len((p.neighbours | q.neighbours) - {p.id, q.id})
        if jaccard >= 0.1 or len(shared) >= 5:
            weight = min(0.35, 0.1 + 0.5 * jaccard)
            strong.append((weight, f"{len(shared)} people in common"))
    for one, other in ((p, q), (q, p)):
        fits = [e for e in (*one.emails, *one.handles) if _local_fits(e, other.words)]
        if fits:
            weak.append((0.05, f"{fits[0]} fits the name {other.name}"))
            break
    return strong, weak


def score_pair(p: Profile, q: Profile) -> Match | None:
    """The pair as a suggestion with its score and reasons, or None when the evidence is short."""
    name = _name_similarity(p.words, q.words)
    if name.score < NAME_THRESHOLD or _distinct_accounts(p, q):
        return None
    strong, weak = _evidence(p, q)
    if not strong or ((p.is_me or q.is_me) and (len(strong) < 2 or name.score < 0.95)):
        return None
    noted = f" ({', '.join(name.notes)})" if name.notes else ""
    reasons = (f"names alike: {p.name} ~ {q.name}{noted}", *(r for _, r in strong + weak))
    score = 0.5 * name.score + sum(w for w, _ in strong + weak)
    a, b = (p, q) if (p.is_me, -p.id) > (q.is_me, -q.id) else (q, p)
    return Match(a.id, b.id, round(max(0.0, min(0.99, score)), 3), reasons)


def _pairs(profiles: Sequence[Profile]) -> set[tuple[int, int]]:
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, profile in enumerate(profiles):
        for key in blocking_keys(" ".join(profile.words)):
            blocks[key].append(index)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) > MAX_BLOCK:
            # Sorted neighbourhood: only names that sort close together are compared.
            members = sorted(members, key=lambda i: profiles[i].words)
            for i, first in enumerate(members):
                pairs.update(_pair(first, second) for second in members[i + 1 : i + 1 + WINDOW])
            continue
        for i, first in enumerate(members):
            pairs.update((first, second) for second in members[i + 1 :])
    return pairs


def _pair(i: int, j: int) -> tuple[int, int]:
    return (i, j) if i < j else (j, i)


def find_matches(
    profiles: Sequence[Profile],
    *,
    exclude: Iterable[tuple[int, int]] = (),
    limit: int | None = None,
) -> list[Match]:
    """Suggested pairs, best first; ``exclude`` holds (lower id, higher id) pairs to skip."""
    skipped = {(min(a, b), max(a, b)) for a, b in exclude}
    found: list[Match] = []
    for i, j in _pairs(profiles):
        p, q = profiles[i], profiles[j]
        if p.id == q.id or (min(p.id, q.id), max(p.id, q.id)) in skipped:
            continue
        match = score_pair(p, q)
        if match is not None:
            found.append(match)
    found.sort(key=lambda m: (-m.score, m.a, m.b))
    return found if limit is None else found[:limit]
