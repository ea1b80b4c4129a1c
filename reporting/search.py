"""Finding a child: by name (tolerantly), date of birth, NHS number, UPN, postcode or a
contact reference — one box, read as what was typed.

Why one box: a worker on the phone has a name, maybe a date of birth, maybe a postcode, and
must not be made to choose a form first. Each part is recognised (a reference, an NHS
number, a UPN, a postcode or its first part, a date, else name words) and every query is
an index lookup: identifiers and postcodes by their own indexes, dates of birth by theirs,
names through their search keys (``workflow.people.search_keys``), then ranked by the same
tolerant matcher as the known-child check. Results say enough to tell two children apart
and nothing more.

At most ``CANDIDATES`` people are ranked: the first that match every part, by id. A name
or a postcode on its own reads no further into its index than that, so searching for
"Smith" among a million people costs what it costs among ten thousand; the parts of a
query meet as lists of ids, never by reading the person table from end to end
(``bench/search.py`` measures both sizes and prints each statement's plan).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Protocol

from sqlalchemy import false, func, select, union_all
from sqlalchemy.orm import Session

from workflow.contact import parse_reference, reference_for
from workflow.errors import InvalidInput
from workflow.intake.matching import KnownChild, dob_match, name_match
from workflow.people.nhs_number import normalise_nhs_number
from workflow.people.postcodes import normalise_postcode, outward_code
from workflow.people.search_keys import query_keys
from workflow.persistence.tables import ContactRow
from workflow.persistence.tables_people import PersonAddressRow, PersonNameKeyRow, PersonRow

#: Stages that are a live case (the open stage a result shows).
CLOSED = ("closed", "passed_to_allocated_worker")
CANDIDATES = 500
SHOWN = 25
#: The longest box a search reads (the API's limit too).
MAX_TEXT = 200
_UPN = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$|^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Query:
    """What a search box said, read part by part."""

    names: tuple[str, ...] = ()
    born: date | None = None
    born_from: date | None = None
    born_to: date | None = None
    nhs_number: str | None = None
    upn: str | None = None
    postcode: str | None = None
    outward: str | None = None
    contact_id: int | None = None

    @property
    def empty(self) -> bool:
        return not any((self.names, self.born, self.born_from, self.born_to, self.nhs_number,
                        self.upn, self.postcode, self.outward, self.contact_id))


@dataclass(frozen=True)
class Found:
    """One person found: enough to tell two children apart."""

    person_id: int
    name: str
    date_of_birth: date | None
    postcode: str | None
    stage: str | None
    worker: str | None
    latest_contact: int | None
    why: str

    @property
    def latest_reference(self) -> str | None:
        return reference_for(self.latest_contact) if self.latest_contact else None


def _day(text: str) -> date | None:
    match = _DATE.match(text)
    if not match:
        return None
    day, month, year = (match.group(1), match.group(2), match.group(3)) if match.group(1) \
        else (match.group(6), match.group(5), match.group(4))
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _unusable(text: str, born_from: date | None, born_to: date | None) -> dict[str, str]:
    """What no search can use, by box: an overlong box, a NUL (PostgreSQL cannot hold one),
    a range of dates of birth that ends before it starts."""
    errors = {}
    if len(text) > MAX_TEXT:
        errors["q"] = f"Write no more than {MAX_TEXT} characters"
    elif "\x00" in text:
        errors["q"] = "Remove the NUL character: it cannot be searched for"
    if born_from and born_to and born_from > born_to:
        errors["born_to"] = "The end of the range is before its start: check the dates"
    return errors


def read_query(text: str, born_from: date | None = None, born_to: date | None = None) -> Query:
    """Read a search box: each word (or postcode) is what it looks like. Input no search
    can use is refused by box (``InvalidInput``), never searched for or silently cut."""
    if errors := _unusable(text, born_from, born_to):
        raise InvalidInput(errors)
    parts: dict[str, Any] = {"born_from": born_from, "born_to": born_to}
    names: list[str] = []
    compact = re.sub(r"\s+", "", text)
    if normalise_postcode(text):  # a whole postcode typed with or without its space
        return Query(postcode=normalise_postcode(text), born_from=born_from, born_to=born_to)
    if compact.isdigit() and len(compact) == 10:
        return Query(nhs_number=normalise_nhs_number(compact))
    for word in text.split():
        _read_word(word, parts, names)
    return Query(names=tuple(names), **parts)


def _read_word(word: str, parts: dict[str, Any], names: list[str]) -> None:
    upper = word.upper()
    if upper.startswith("FD") and parse_reference(word) is not None:
        parts["contact_id"] = parse_reference(word)
    elif _UPN.match(upper):
        parts["upn"] = upper
    elif _day(word):
        parts["born"] = _day(word)
    elif any(ch.isdigit() for ch in word) and outward_code(word):
        parts["outward"] = outward_code(word)
    else:
        names.append(word)


class Candidate(Protocol):
    """What ranking reads of a person (a row of ``_candidates``)."""

    id: int
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: date | None


def _first_holding(keys: set[str]) -> Any:
    """The newest ``CANDIDATES`` people (by id) holding any of the name keys. Each key's
    list is read newest first through the (key, person_id) index (backwards) and cut at
    ``CANDIDATES``, so a common name costs no more than a rare one: the newest
    ``CANDIDATES`` of the union are among the newest ``CANDIDATES`` of each list. Newest,
    because a child recorded this week is likelier to be the one at the door than one
    recorded ten years ago: at a million people a common name has more candidates than
    are ranked, and the oldest would crowd out today's."""
    if not keys:
        return select(PersonNameKeyRow.person_id).where(false())
    lists = [select(PersonNameKeyRow.person_id.label("id")).where(PersonNameKeyRow.key == key)
             .order_by(PersonNameKeyRow.person_id.desc()).limit(CANDIDATES).subquery()
             for key in sorted(keys)]
    union = union_all(*(select(each.c.id) for each in lists)).subquery()
    return select(union.c.id).distinct().order_by(union.c.id.desc()).limit(CANDIDATES)


def _living_at(query: Query) -> Any:
    """People whose current address has the postcode (or its first part): an index of
    current addresses by (postcode or outward, person_id) answers it in person order."""
    column = PersonAddressRow.postcode if query.postcode else PersonAddressRow.outward
    return select(PersonAddressRow.person_id).where(
        column == (query.postcode or query.outward), PersonAddressRow.moved_out.is_(None))


def _sources(query: Query) -> list[Any]:
    """The id lists a query narrows by, each a subquery on an index of its own."""
    sources = []
    if query.contact_id:
        sources.append(select(ContactRow.child_id).where(ContactRow.id == query.contact_id))
    if query.postcode or query.outward:
        sources.append(_living_at(query))
    if query.names:
        sources.append(select(PersonNameKeyRow.person_id).where(
            PersonNameKeyRow.key.in_(query_keys(query.names))))
    return sources


def _conditions(query: Query) -> list[Any]:
    """What a query asks of the person row itself (identifiers, date of birth)."""
    conditions = []
    if query.nhs_number:
        conditions.append(PersonRow.nhs_number == query.nhs_number)
    if query.upn:
        conditions.append(PersonRow.upn == query.upn)
    if query.born:
        conditions.append(PersonRow.date_of_birth == query.born)
    if query.born_from:
        conditions.append(PersonRow.date_of_birth >= query.born_from)
    if query.born_to:
        conditions.append(PersonRow.date_of_birth <= query.born_to)
    return conditions


def _matching(sources: list[Any], conditions: list[Any]) -> Any:
    """The ids of everyone matching every part. With no condition on the person row the id
    lists meet each other directly (a semi-join of two index lists), never by way of the
    person table, which PostgreSQL would otherwise read from end to end in id order."""
    if conditions or not sources:
        return select(PersonRow.id).where(*conditions,
                                          *(PersonRow.id.in_(s) for s in sources))
    first, *others = sources
    ids = first.selected_columns[0]
    return first.where(*(ids.in_(s) for s in others))


def _candidate_ids(query: Query) -> Any:
    """The ids of the newest ``CANDIDATES`` people (by id) matching every part (a person is
    in a list once per key or address they match, hence distinct). A name or postcode alone
    reads only as far into its index as the limit needs."""
    sources, conditions = _sources(query), _conditions(query)
    if query.names and len(sources) == 1 and not conditions:
        return _first_holding(query_keys(query.names))
    matching = _matching(sources, conditions)
    return (matching.distinct().order_by(matching.selected_columns[0].desc())
            .limit(CANDIDATES))


def _candidates(session: Session, query: Query) -> list[Candidate]:
    """The candidates' names and dates of birth (only what ranking and results read)."""
    ids = _candidate_ids(query).subquery()
    rows = session.execute(select(PersonRow.id, PersonRow.first_name, PersonRow.last_name,
                                  PersonRow.preferred_name, PersonRow.date_of_birth)
                           .join(ids, ids.c[0] == PersonRow.id).order_by(PersonRow.id))
    return list(rows.all())


Matcher = Callable[..., str | None]


def _name_score(query: Query, row: Candidate, match: Matcher) -> tuple[int, str] | None:
    """How well the name words match the person (None when they do not)."""
    if not query.names:
        return 100, "identifier, date or postcode"
    known = KnownChild(row.id, row.preferred_name or row.first_name, row.last_name)
    last_words = [w for w in query.names if _matches_surname(w, known.last_name, match)]
    if not last_words and len(query.names) == 1 and any(
            match(query.names[0], f, first_name=True)
            for f in (row.first_name, row.preferred_name) if f):
        return 60, "first name"
    if not last_words:
        return None
    others = [w for w in query.names if w not in last_words[:1]]
    if others and not any(match(w, f, first_name=True) for w in others
                          for f in (row.first_name, row.preferred_name) if f):
        return None
    exact = all(w.casefold() in (row.first_name + " " + row.last_name).casefold()
                for w in query.names)
    return (90 if exact else 70), "name" if exact else "name (close spelling or nickname)"


def _matches_surname(word: str, surname: str, match: Matcher) -> bool:
    """Either name may be double-barrelled: any part of one matching any part of the other."""
    ours = [word, *re.split(r"[\s\-]+", word)]
    theirs = [surname, *re.split(r"[\s\-]+", surname)]
    return any(match(a, b, first_name=False) for a in ours for b in theirs if a and b)


def _ranked(query: Query, rows: list[Candidate]) -> list[tuple[int, str, Candidate]]:
    # Hundreds of candidates share a few names (every Smith, every Oliver): each pair of
    # words is compared once per search, not once per candidate.
    match = cache(name_match)
    scored = []
    for row in rows:
        found = _name_score(query, row, match)
        if found is None:
            continue
        score, why = found
        if query.born and dob_match(query.born, row.date_of_birth) == "same":
            score += 10
        scored.append((score, why, row))
    return sorted(scored, key=lambda s: (-s[0], s[2].last_name, s[2].first_name, s[2].id))


def _latest_contacts(session: Session, ids: list[int]) -> dict[int, Any]:
    """Per child, the newest open case, else the newest contact: a contact passed to the
    allocated worker of an open case is not the case, and must not hide it."""
    def newest(*where: Any) -> dict[Any, Any]:
        return {r[0]: r[1] for r in session.execute(
            select(ContactRow.child_id, func.max(ContactRow.id))
            .where(ContactRow.child_id.in_(ids), *where).group_by(ContactRow.child_id))}

    chosen = newest() | newest(ContactRow.stage.not_in(CLOSED))
    rows = session.execute(select(ContactRow.child_id, ContactRow.id, ContactRow.stage,
                                  ContactRow.worker)
                           .where(ContactRow.id.in_(list(chosen.values())))).all()
    return {r.child_id: r for r in rows}


def _postcodes(session: Session, ids: list[int]) -> dict[int, str]:
    rows = session.execute(select(PersonAddressRow.person_id, PersonAddressRow.postcode).where(
        PersonAddressRow.person_id.in_(ids), PersonAddressRow.moved_out.is_(None))).all()
    return {r.person_id: r.postcode for r in rows}


def search(session: Session, query: Query) -> list[Found]:
    """The people a query finds, best match first (at most ``SHOWN``)."""
    if query.empty:
        return []
    ranked = _ranked(query, _candidates(session, query))[:SHOWN]
    ids = [row.id for _s, _w, row in ranked]
    contacts, postcodes = _latest_contacts(session, ids), _postcodes(session, ids)
    found = []
    for _score, why, row in ranked:
        latest = contacts.get(row.id)
        open_stage = latest.stage if latest is not None and latest.stage not in CLOSED else None
        found.append(Found(row.id, f"{row.first_name} {row.last_name}", row.date_of_birth,
                           postcodes.get(row.id), open_stage,
                           latest.worker if latest is not None else None,
                           latest.id if latest is not None else None, why))
    return found


def when_born(value: str) -> date | None:
    """A date typed in a range field (dd/mm/yyyy or yyyy-mm-dd)."""
    return _day(value.strip()) if value else None


__all__ = ["Found", "Query", "read_query", "search", "when_born"]
