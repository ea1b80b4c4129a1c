"""The DfE children in need census: the year's XML, built from the workflow's records and
checked by the DfE's own rules before it is written.

Why it checks before it writes: a census file that COLLECT rejects months later costs a
council weeks of rework, and a file that passes by leaving fields out misreports children.
So the export (1) builds the year's return as the DfE's elements describe it
(``reporting.census``), in the year's layout (``config/cin_census.toml``); (2) runs the
year's validation rules on it (``reporting.cin_rules``: the DfE's codes and messages, each
finding with the record and field that put it right); (3) validates the XML against the
year's schema (``reporting/schemas``). A year with no child in it is reported as empty,
never as a success: there is nothing to send. The caller decides what to do with errors
(the CLI writes nothing unless ``--force``; the page lists them); queries are shown, as
COLLECT shows them, for a reason to be given.

Scope (DfE: one file a year, 1 April to 31 March): every child with a referral episode
that started in the year or was still open at its start, as at the end of 31 March.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from xml.etree.ElementTree import Element, indent, tostring  # noqa: S405 - we write it

import xmlschema
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from reporting.census.build import child_record, load_pre_proceedings
from reporting.census.model import ChildRecord, Header, Return
from reporting.census.spec import CensusSpecs, UnknownYear, YearSpec, load_census_specs
from reporting.census.xml import write_return
from reporting.cin_episodes import (
    LONDON,
    Episode,
    load_children,
    load_episodes,
    plan_starts,
    within,
)
from reporting.cin_rules import Ctx, Finding, Kind, check, child_findings
from reporting.names import plural
from workflow.config_errors import ConfigError, read_toml
from workflow.people.rules import PeopleRules
from workflow.people.years import CollectionYear as PeopleYear
from workflow.persistence.tables import ContactRow, EventRow

__all__ = ["CensusResult", "CollectionYear", "SchemaProblem", "UnknownYear", "build_census",
           "census_return", "child_warnings", "load_la_number", "rules_context"]

_YEAR = re.compile(r"(\d{4})-(\d{2})")
_FINAL = ("closed", "passed_to_allocated_worker")


@dataclass(frozen=True)
class CollectionYear:
    """1 April to 31 March, written ``2025-26``; 31 March is the reference date."""

    start: date
    end: date

    @classmethod
    def parse(cls, text: str) -> CollectionYear:
        found = _YEAR.fullmatch(text.strip())
        if not found or (int(found[1]) + 1) % 100 != int(found[2]):
            raise ValueError(f"'{text}' is not a collection year: write it like 2025-26")
        first = int(found[1])
        return cls(date(first, 4, 1), date(first + 1, 3, 31))

    @property
    def label(self) -> str:
        return f"{self.start.year}-{self.end.year % 100:02d}"

    def instant(self, day: date) -> datetime:
        """Midnight at the start of ``day`` in London."""
        return datetime.combine(day, time.min, tzinfo=LONDON)

    @property
    def cutoff(self) -> datetime:
        """The first instant after the year (records from then on are not counted)."""
        return self.instant(self.end + timedelta(days=1))


@dataclass(frozen=True)
class SchemaProblem:
    """A place the XML does not match the year's schema (``child``: LAchildID or None)."""

    child: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.child or 'file'}: {self.message}"


@dataclass(frozen=True)
class CensusResult:
    """The XML and everything found in it: rule findings, schema problems, emptiness."""

    year: str
    xml: bytes
    findings: list[Finding]
    schema_problems: list[SchemaProblem]
    children: int
    episodes: int
    records: tuple[ChildRecord, ...] = field(default=(), repr=False)

    @property
    def empty(self) -> bool:
        """No child in the census: nothing to send, never a success."""
        return self.children == 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.kind is Kind.ERROR]

    @property
    def queries(self) -> list[Finding]:
        return [f for f in self.findings if f.kind is Kind.QUERY]

    @property
    def ok(self) -> bool:
        """Something to send, and nothing the DfE would reject (queries need a reason)."""
        return not (self.empty or self.errors or self.schema_problems)

    def counts(self) -> Counter[tuple[str, str]]:
        """Per (rule code, kind), how many findings."""
        return Counter((f.code, f.kind.value) for f in self.findings)

    def summary(self) -> str:
        """One line a person reads first."""
        if self.empty:
            return f"no children in the census for {self.year}: there is nothing to send"
        affected = len({f.child for f in self.findings if f.child})
        return (f"{plural(self.children, 'child', 'children')}, "
                f"{plural(self.episodes, 'referral episode')}: "
                f"{plural(len(self.errors), 'error')} and "
                f"{plural(len(self.queries), 'query', 'queries')} on "
                f"{plural(affected, 'child', 'children')}, "
                f"{plural(len(self.schema_problems), 'schema problem')}")


def load_la_number(config_dir: Path) -> str:
    """``[returns] la_number`` from settings.toml: the DfE's three-digit LA number."""
    path = config_dir / "settings.toml"
    table = read_toml(path).get("returns", {})
    unknown = set(table) - {"la_number"}
    if unknown:
        raise ConfigError(path, "returns", f"unknown keys: {', '.join(sorted(unknown))}")
    number = str(table.get("la_number", ""))
    if not re.fullmatch(r"\d{3}", number):
        raise ConfigError(path, "returns", "la_number must be the DfE's three-digit LA number")
    return number


def rules_context(label: str, people: PeopleRules) -> Ctx:
    """What the year's rules need: the year, the code lists, LA numbers, school age."""
    year = PeopleYear.parse(label)
    return Ctx(year, people.codes, people.la_numbers.for_year(year),
               people.school_age.latest_birth_date(year))


# -- choosing the records ---------------------------------------------------------------------
def census_contacts(session: Session, year: CollectionYear, child_id: int | None = None
                    ) -> list[int]:
    """Contacts whose referral may fall in the year: referred in it, or still moving in it
    (one child's only, when ``child_id`` is given)."""
    start = year.instant(year.start)
    moved = exists().where(EventRow.contact_id == ContactRow.id, EventRow.at >= start)
    stmt = select(ContactRow.id).where(
        ContactRow.referral_at < year.cutoff,
        or_(ContactRow.referral_at >= start, ContactRow.stage.not_in(_FINAL), moved))
    if child_id is not None:
        stmt = stmt.where(ContactRow.child_id == child_id)
    return list(session.scalars(stmt))


def _episodes_by_child(session: Session, year: CollectionYear, contact_ids: Sequence[int]
                       ) -> dict[int | None, list[Episode]]:
    grouped: dict[int | None, list[Episode]] = defaultdict(list)
    for e in load_episodes(session, contact_ids, year.cutoff):
        if e.closure is None or e.closure >= year.start:
            grouped[e.child_id].append(within(e, year.start))
    return grouped


def _release() -> str:
    try:
        return version("frontdoor")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0"


def _header(spec: YearSpec, la_number: str, now: datetime, serial: int) -> Header:
    fixed, end = spec.header, spec.year.reference_date
    return Header(fixed["Collection"], str(end.year), end, fixed["SourceLevel"], la_number,
                  fixed["SoftwareCode"], _release(), f"{serial:03d}",
                  now.astimezone(LONDON).replace(tzinfo=None, microsecond=0))


def census_return(session: Session, year: CollectionYear, people: PeopleRules, la_number: str,
                  now: datetime, *, serial: int = 1, specs: CensusSpecs | None = None
                  ) -> tuple[Return, int]:
    """The year's return as the DfE's elements describe it, and how many episodes it has
    (``UnknownYear`` for a year the DfE has not specified for us)."""
    spec = (specs or load_census_specs()).for_year(year.label)
    contact_ids = census_contacts(session, year)
    grouped = _episodes_by_child(session, year, contact_ids)
    grouped.pop(None, None)  # a referral with no child recorded cannot be in the census
    ids = sorted(i for i in grouped if i is not None)
    children, earlier = load_children(session, ids), plan_starts(session, ids, year.cutoff)
    pre = load_pre_proceedings(session, contact_ids, spec)
    records = tuple(child_record(children[i], grouped[i], earlier.get(i, []), spec, people,
                                 pre) for i in ids)
    return Return(_header(spec, la_number, now, serial), records), sum(map(len, (
        grouped[i] for i in ids)))


# -- checking and the whole export -------------------------------------------------------------
@cache
def _schema(path: Path) -> xmlschema.XMLSchema:
    """A year's XSD, parsed once when first needed."""
    return xmlschema.XMLSchema(str(path))


def schema_problems(root: Element, spec: YearSpec, ids: Sequence[str | None]
                    ) -> list[SchemaProblem]:
    """Every XSD error, attached to the child it is in (None for the header)."""
    found = []
    for error in _schema(spec.schema).iter_errors(root):
        where = re.search(r"/Child(?:\[(\d+)\])?(?=/|$)", error.path or "")
        child = ids[int(where[1] or 1) - 1] if where and ids else None
        found.append(SchemaProblem(child, f"the file does not match the {spec.label} census "
                                          f"schema at {error.path}: {error.reason}"))
    return found


def build_census(session: Session, year: CollectionYear, people: PeopleRules, la_number: str,
                 now: datetime, *, serial: int = 1, specs: CensusSpecs | None = None
                 ) -> CensusResult:
    """The census for ``year`` and everything found in it (nothing is written here)."""
    spec = (specs or load_census_specs()).for_year(year.label)
    census, episodes = census_return(session, year, people, la_number, now, serial=serial,
                                     specs=specs)
    root = write_return(census, spec)
    ids = [c.la_child_id for c in census.children]
    findings = check(census, rules_context(year.label, people)) if census.children else []
    problems = schema_problems(root, spec, ids) if census.children else []
    indent(root)
    xml = tostring(root, encoding="UTF-8", xml_declaration=True)
    return CensusResult(year.label, xml, findings, problems, len(census.children), episodes,
                        census.children)


# -- one child, while their record is made ------------------------------------------------------
def child_warnings(session: Session, person_id: int, people: PeopleRules, today: date,
                   *, specs: CensusSpecs | None = None) -> list[Finding]:
    """What the census rules about one child say of this child's record today: the rules
    in force in the collection year ``today`` falls in, on the child's referrals of that
    year (a child with none there is checked on their identifiers alone). A year the DfE
    has not specified for us yet is checked by its latest specified rules."""
    chosen = specs or load_census_specs()
    label = PeopleYear.containing(today).label
    if label not in chosen.years:
        label = max(chosen.years)
    spec = chosen.for_year(label)
    year = CollectionYear.parse(label)
    children = load_children(session, [person_id])
    if person_id not in children:
        return []
    mine = census_contacts(session, year, person_id)
    episodes = _episodes_by_child(session, year, mine).get(person_id, [])
    earlier = plan_starts(session, [person_id], year.cutoff).get(person_id, [])
    pre = load_pre_proceedings(session, [e.contact_id for e in episodes], spec)
    record = child_record(children[person_id], episodes, earlier, spec, people, pre)
    return child_findings(record, rules_context(label, people))
