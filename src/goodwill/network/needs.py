"""Who matches a need: people whose tags, organisation, position or notes mention it.

A need such as "someone at Harbour Lane Press" or "proofreading" is cut into words; filler
words ("someone", "at", "a") are dropped, and a person matches when every remaining word is
found in one of their tags (any kind but "need": a need is not an offer), their organisation,
position or notes. Me, blocked people and mailing lists never match.
"""

from __future__ import annotations

import re
from functools import reduce
from operator import and_

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from goodwill.errors import UsageError
from goodwill.people.models import Person, Tag

FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "at",
        "in",
        "of",
        "for",
        "to",
        "on",
        "with",
        "and",
        "or",
        "who",
        "someone",
        "somebody",
        "anyone",
        "anybody",
        "person",
        "people",
        "works",
        "working",
        "knows",
        "know",
        "from",
        "into",
        "about",
        "by",
    ]
)
_WORD = re.compile(r"[\w'&+.-]+")


def need_words(text: str) -> list[str]:
    """The words of a need that must match (filler dropped; all of them when all are filler)."""
    words = [w.strip(".'-") for w in _WORD.findall(text.casefold())]
    words = [w for w in words if w]
    kept = [w for w in words if w not in FILLER]
    return kept or words


def _word_condition(owner: AbstractBaseUser, word: str) -> Q:
    tags = Tag.objects.filter(owner=owner, name__icontains=word).exclude(kind="need")
    return (
        Q(organisation__icontains=word)
        | Q(position__icontains=word)
        | Q(notes__icontains=word)
        | Q(id__in=Person.tags.through.objects.filter(tag__in=tags).values("person_id"))
    )


def matching_people(owner: AbstractBaseUser, need: str) -> list[int]:
    """Ids of the people matching ``need``, ascending (one query)."""
    words = need_words(need or "")
    if not words:
        raise UsageError("describe the need: a tag, an organisation, a position or words")
    conditions = [_word_condition(owner, w) for w in words]
    people = Person.objects.filter(owner=owner, is_me=False, blocked=False, bulk=False)
    return list(people.filter(reduce(and_, conditions)).order_by("id").values_list("id", flat=True))
