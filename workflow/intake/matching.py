"""Is this child already known? Tolerant matching of a new child against known records.

Why tolerant: a contact arrives by phone or a police notification, so names come misspelt
("Jaydon"/"Jayden"), with or without accents ("Zoë"/"Zoe"), as nicknames ("Alfie" for
Alfred), and dates of birth with day and month swapped (a US-style 04/03 for 3 April).
Missing a known child is the costly error: it creates a parallel referral for a child who
already has an allocated worker (DOMAIN.md section 2). So the matcher errs towards
showing a candidate and the worker decides; it never links a child by itself.

The rules, strongest first:

* an exact NHS number or UPN match wins whatever the names say (identifiers are typed
  from documents, names are heard on the phone); two *different* NHS numbers mean two
  different children;
* otherwise both names must match tolerantly — the same after normalising case, accents,
  spaces and punctuation; or within edit distance 2 (1 for names of 4 letters or fewer,
  where 2 would make "Sam" and "Tom" the same); or the same first name by a known
  nickname;
* and the date of birth must be equal or the same with day and month swapped (a missing
  date of birth on either side still lets a name match through, marked weaker).

Pure: no database. The repository narrows the known children with SQL (identifiers,
date of birth, surname prefix); this module ranks what it finds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from workflow.people.records import PersonDetails

#: Groups of first names used for one another in England. Data, kept short and common;
#: a council may extend it. Every name in a group matches every other.
NICKNAMES: tuple[frozenset[str], ...] = tuple(frozenset(group.split()) for group in (
    "alexander alexandra alex alexis lexi sandy", "samuel samantha sam sammy",
    "benjamin ben benji", "william will bill billy liam", "robert rob bob bobby robbie",
    "charles charlotte charlie lottie", "christopher christine christina chris kit",
    "daniel danny dan", "david dave davey", "edward edwin eddie ed ted ned",
    "elizabeth liz lizzie beth betty eliza elsie", "james jim jimmy jamie",
    "john jack johnny jon", "katherine kathryn catherine kate katie cathy kath",
    "matthew matt matty", "michael mike mikey mick", "nicholas nick nicky",
    "patrick patricia pat paddy patsy", "thomas tom tommy", "anthony tony ant",
    "rebecca becky becca", "jessica jess jessie", "margaret maggie meg peggy",
    "susan sue susie", "abigail abby abbie", "alfred alfie alf", "frederick freddie fred",
    "henry harry hal", "isabel isabella isabelle izzy bella", "oliver olly ollie",
    "olivia liv livvy", "sophia sophie", "theodore theo", "zachary zac zach",
    "joseph joe joey", "joshua josh", "nathaniel nathan nate", "harrison harry",
    "amelia millie", "victoria vicky tori", "jennifer jenny jen", "gabriel gabe",
))

_NOT_LETTERS = re.compile(r"[^a-z]")


@dataclass(frozen=True)
class KnownChild:
    """A child already on record, as the repository reads it."""

    id: int
    first_name: str
    last_name: str
    date_of_birth: date | None = None
    nhs_number: str | None = None
    upn: str | None = None


@dataclass(frozen=True)
class Candidate:
    """A known child who may be the one in the new contact, with why and how strongly."""

    child: KnownChild
    score: int
    reasons: tuple[str, ...]

    @property
    def by_identifier(self) -> bool:
        """Matched on NHS number or UPN: the strongest evidence there is."""
        return self.score >= IDENTIFIER_SCORE


IDENTIFIER_SCORE = 100


def normalise(name: str) -> str:
    """Lower case, accents removed, letters only: "Zoë O'Neil-Smith" -> "zoeoneilsmith"."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_LETTERS.sub("", plain.casefold())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions), two rows of memory."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, left in enumerate(a, start=1):
        current = [i]
        for j, right in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (left != right)))
        previous = current
    return previous[-1]


def _allowed_distance(a: str, b: str) -> int:
    return 1 if max(len(a), len(b)) <= 4 else 2


def _nicknames(a: str, b: str) -> bool:
    return any(a in group and b in group for group in NICKNAMES)


def name_match(given: str, known: str, *, first_name: bool) -> str | None:
    """How two names match ("same", "spelling", "nickname"), or None if they do not."""
    a, b = normalise(given), normalise(known)
    if not a or not b:
        return None
    if a == b:
        return "same"
    if first_name and _nicknames(a, b):
        return "nickname"
    if edit_distance(a, b) <= _allowed_distance(a, b):
        return "spelling"
    return None


def swapped(day: date) -> date | None:
    """The date with day and month swapped (3 April -> 4 March), if that is a real date."""
    if day.day == day.month or day.day > 12:
        return None
    return date(day.year, day.day, day.month)


def dob_match(given: date | None, known: date | None) -> str | None:
    """"same", "swapped", "missing" (either side unknown) or None (different dates)."""
    if given is None or known is None:
        return "missing"
    if given == known:
        return "same"
    return "swapped" if swapped(given) == known else None


def _digits(value: str | None) -> str:
    return re.sub(r"\s", "", value or "").upper()


def _identifier(query: PersonDetails, known: KnownChild) -> tuple[str | None, bool]:
    """(which identifier matches, whether the NHS numbers contradict each other)."""
    nhs_q, nhs_k = _digits(query.nhs_number), _digits(known.nhs_number)
    if nhs_q and nhs_q == nhs_k:
        return "NHS number matches", False
    upn_q, upn_k = _digits(query.upn), _digits(known.upn)
    if upn_q and upn_q == upn_k:
        return "UPN matches", False
    return None, bool(nhs_q and nhs_k)


_NAME_POINTS = {"same": 30, "nickname": 25, "spelling": 20}
_DOB_POINTS = {"same": 40, "swapped": 30, "missing": 5}
_WORDS = {"same": "the same", "nickname": "a known nickname", "spelling": "a close spelling",
          "swapped": "the same with day and month swapped", "missing": "not known on both"}


def _by_details(query: PersonDetails, known: KnownChild) -> Candidate | None:
    first = name_match(query.first_name, known.first_name, first_name=True)
    last = name_match(query.last_name, known.last_name, first_name=False)
    dob = dob_match(query.date_of_birth, known.date_of_birth)
    if first is None or last is None or dob is None:
        return None
    score = _NAME_POINTS[first] + _NAME_POINTS[last] + _DOB_POINTS[dob]
    reasons = (f"first name {_WORDS[first]}", f"last name {_WORDS[last]}",
               f"date of birth {_WORDS[dob]}")
    return Candidate(known, score, reasons)


def score(query: PersonDetails, known: KnownChild) -> Candidate | None:
    """One known child judged against the new one; None when they are not a match."""
    identifier, contradicts = _identifier(query, known)
    if identifier:
        return Candidate(known, IDENTIFIER_SCORE, (identifier,))
    if contradicts:
        return None
    return _by_details(query, known)


def match(query: PersonDetails, known: Iterable[KnownChild], limit: int = 10) -> list[Candidate]:
    """The known children who may be this child, most likely first (ties: oldest record)."""
    found = [c for c in (score(query, k) for k in known) if c is not None]
    found.sort(key=lambda c: (-c.score, c.child.id))
    return found[:limit]
