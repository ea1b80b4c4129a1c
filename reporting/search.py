"""Finding a child: by name (tolerantly), date of birth, NHS number, UPN, postcode or a
contact reference — one box, read as what was typed.

Why one box: a worker on the phone has a name, maybe a date of birth, maybe a postcode, and
must not be made to choose a form first. Each part is recognised (a reference, an NHS
number, a UPN, a postcode or its first part, a date, else name words) and every query is
an index lookup: identifiers and postcodes by their own indexes, dates of birth by theirs,
names through their search keys (``workflow.people.search_keys``), then ranked by the same
tolerant matcher as the known-child check. Results say enough to tell two children apart
and nothing more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.contact import parse_reference, reference_for
from workflow.intake.matching import KnownChild, dob_match, name_match
from workflow.people.nhs_number import normalise_nhs_number
from workflow.people.postcodes import normalise_postcode, outward_code
from workflow.people.search_keys import first_name_keys, surname_keys
from workflow.persistence.tables import ContactRow
from workflow.persistence.tables_people import PersonAddressRow, PersonNameKeyRow, PersonRow

#: Stages that are a live case (the open stage a result shows).
CLOSED = ("closed", "passed_to_allocated_worker")
CANDIDATES = 500
SHOWN = 25
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


def read_query(text: str, born_from: date | None = None, born_to: date | None = None) -> Query:
    """Read a search box: each word (or postcode) is what it looks like."""
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


def _by_name(session: Session, query: Query) -> Any:
    """People holding a surname key of any name word (and a first-name key of another); a
    single word may be either name."""
    last = {k for word in query.names for k in surname_keys(word)}
    if len(query.names) == 1:
        last |= first_name_keys(query.names[0])
    statement: Any = select(PersonNameKeyRow.person_id).where(PersonNameKeyRow.key.in_(last))
    if len(query.names) > 1:
        first = {k for word in query.names for k in first_name_keys(word)}
        statement = statement.intersect(select(PersonNameKeyRow.person_id).where(
            PersonNameKeyRow.key.in_(first)))
    return statement


def _candidates(session: Session, query: Query) -> list[PersonRow]:
    statement = select(PersonRow)
    if query.contact_id:
        statement = statement.join(ContactRow, ContactRow.child_id == PersonRow.id).where(
            ContactRow.id == query.contact_id)
    if query.nhs_number:
        statement = statement.where(PersonRow.nhs_number == query.nhs_number)
    if query.upn:
        statement = statement.where(PersonRow.upn == query.upn)
    if query.born:
        statement = statement.where(PersonRow.date_of_birth == query.born)
    if query.born_from:
        statement = statement.where(PersonRow.date_of_birth >= query.born_from)
    if query.born_to:
        statement = statement.where(PersonRow.date_of_birth <= query.born_to)
    if query.postcode or query.outward:
        column = PersonAddressRow.postcode if query.postcode else PersonAddressRow.outward
        statement = statement.where(PersonRow.id.in_(select(PersonAddressRow.person_id).where(
            column == (query.postcode or query.outward), PersonAddressRow.moved_out.is_(None))))
    if query.names:
        statement = statement.where(PersonRow.id.in_(_by_name(session, query)))
    return list(session.scalars(statement.order_by(PersonRow.id).limit(CANDIDATES)))


def _name_score(query: Query, row: PersonRow) -> tuple[int, str] | None:
    """How well the name words match the person (None when they do not)."""
    if not query.names:
        return 100, "identifier, date or postcode"
    known = KnownChild(row.id, row.preferred_name or row.first_name, row.last_name)
    last_words = [w for w in query.names if _matches_surname(w, known.last_name)]
    if not last_words and len(query.names) == 1 and any(
            name_match(query.names[0], f, first_name=True)
            for f in (row.first_name, row.preferred_name) if f):
        return 60, "first name"
    if not last_words:
        return None
    others = [w for w in query.names if w not in last_words[:1]]
    if others and not any(name_match(w, f, first_name=True) for w in others
                          for f in (row.first_name, row.preferred_name) if f):
        return None
    exact = all(w.casefold() in (row.first_name + " " + row.last_name).casefold()
                for w in query.names)
    return (90 if exact else 70), "name" if exact else "name (close spelling or nickname)"


def _matches_surname(word: str, surname: str) -> bool:
    """Either name may be double-barrelled: any part of one matching any part of the other."""
    ours = [word, *re.split(r"[\s\-]+", word)]
    theirs = [surname, *re.split(r"[\s\-]+", surname)]
    return any(name_match(a, b, first_name=False) for a in ours for b in theirs if a and b)


def _ranked(query: Query, rows: list[PersonRow]) -> list[tuple[int, str, PersonRow]]:
    scored = []
    for row in rows:
        found = _name_score(query, row)
        if found is None:
            continue
        score, why = found
        if query.born and dob_match(query.born, row.date_of_birth) == "same":
            score += 10
        scored.append((score, why, row))
    return sorted(scored, key=lambda s: (-s[0], s[2].last_name, s[2].first_name, s[2].id))


def _latest_contacts(session: Session, ids: list[int]) -> dict[int, Any]:
    newest = (select(ContactRow.child_id, func.max(ContactRow.id).label("contact_id"))
              .where(ContactRow.child_id.in_(ids)).group_by(ContactRow.child_id).subquery())
    rows = session.execute(select(ContactRow.child_id, ContactRow.id, ContactRow.stage,
                                  ContactRow.worker)
                           .join(newest, newest.c.contact_id == ContactRow.id)).all()
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
