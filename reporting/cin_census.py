"""The DfE children in need census: the year's XML, built from the workflow's records.

Why it checks before it writes: a census file that COLLECT rejects months later costs a
council weeks of rework, and a file that passes by leaving fields out misreports
children. So the export (1) validates the XML against our transcription of the DfE
schema (``schemas/cin_census_2025_26.xsd``) and (2) runs the rules the engine's data can
break (``reporting.cin_rules``), and hands back every problem per child in plain words.
The caller decides: the CLI writes nothing unless ``--force``; the UI lists them.

Scope (DfE: one file a year, 1 April to 31 March): every child with a referral episode
that started in the year or was still open at its start, as at the end of 31 March.
Fields the front door does not hold are never invented: a missing UPN gets an
unknown-reason code only where our records prove one (``cin_rules.derived_upn_unknown``),
otherwise the child is reported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, SubElement, indent, tostring

import xmlschema
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from reporting.cin_episodes import (
    LONDON,
    Child,
    Episode,
    load_children,
    load_episodes,
    plan_starts,
    within,
)
from reporting.cin_rules import Context, Problem, check_child, derived_upn_unknown
from workflow.clocks.calendar import WorkingCalendar
from workflow.config_errors import ConfigError, read_toml
from workflow.persistence.tables import ContactRow, EventRow

SCHEMA = Path(__file__).resolve().parent / "schemas" / "cin_census_2025_26.xsd"
SOFTWARE = "Front Door"
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
class CensusResult:
    """The XML and every problem found; ``ok`` only when there are none."""

    xml: bytes
    problems: list[Problem]
    children: int
    episodes: int

    @property
    def ok(self) -> bool:
        return not self.problems


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


# -- choosing the records ---------------------------------------------------------------------

def census_contacts(session: Session, year: CollectionYear) -> list[int]:
    """Contacts whose referral may fall in the year: referred in it, or still moving in it."""
    start = year.instant(year.start)
    moved = exists().where(EventRow.contact_id == ContactRow.id, EventRow.at >= start)
    stmt = select(ContactRow.id).where(
        ContactRow.referral_at < year.cutoff,
        or_(ContactRow.referral_at >= start, ContactRow.stage.not_in(_FINAL), moved))
    return list(session.scalars(stmt))


def _episodes_by_child(session: Session, year: CollectionYear) -> dict[int | None, list[Episode]]:
    grouped: dict[int | None, list[Episode]] = defaultdict(list)
    for e in load_episodes(session, census_contacts(session, year), year.cutoff):
        if e.closure is None or e.closure >= year.start:
            grouped[e.child_id].append(within(e, year.start))
    return grouped


# -- writing the XML ---------------------------------------------------------------------------

def _add(parent: Element, tag: str, value: Any = None) -> Element:
    node = SubElement(parent, tag)
    if value is not None:
        node.text = value.isoformat() if isinstance(value, date) else str(value)
    return node


def _opt(parent: Element, tag: str, value: Any) -> None:
    if value is not None:
        _add(parent, tag, value)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _header(root: Element, year: CollectionYear, la_number: str, now: datetime) -> None:
    header = _add(root, "Header")
    details = _add(header, "CollectionDetails")
    _add(details, "Collection", "CIN")
    _add(details, "Year", year.end.year)
    _add(details, "ReferenceDate", year.end)
    source = _add(header, "Source")
    _add(source, "SourceLevel", "L")
    _add(source, "LEA", la_number)
    _add(source, "SoftwareCode", SOFTWARE)
    _add(source, "Release", "1")
    _add(source, "DateTime", now.astimezone(LONDON).replace(tzinfo=None, microsecond=0))


def _identifiers(node: Element, child: Child, episodes: Sequence[Episode], ref: date) -> None:
    ids = _add(node, "ChildIdentifiers")
    _add(ids, "LAchildID", child.la_child_id)
    _opt(ids, "UPN", child.upn)
    _opt(ids, "UPNunknown", derived_upn_unknown(child, episodes, ref))
    _opt(ids, "PersonBirthDate", child.date_of_birth)
    _add(ids, "GenderCurrent", child.gender)
    chars = _add(node, "ChildCharacteristics")
    _add(chars, "Ethnicity", child.ethnicity)
    if child.disability is False:  # a "yes" has no DfE code we hold: reported, not guessed
        _add(_add(chars, "Disabilities"), "Disability", "NONE")


def _assessments(node: Element, e: Episode) -> None:
    for a in e.assessments:
        group = _add(node, "Assessments")
        _add(group, "AssessmentActualStartDate", a.start)
        _opt(group, "AssessmentAuthorisationDate", a.authorised)
        if a.factors and a.authorised:
            factors = _add(group, "FactorsIdentifiedAtAssessment")
            for code in a.factors:
                _add(factors, "AssessmentFactors", code)
    for c in e.cin_plans:
        plan = _add(node, "CINPlanDates")
        _add(plan, "CINPlanStartDate", c.start)
        _opt(plan, "CINPlanEndDate", c.end)


def _section47s(node: Element, e: Episode) -> None:
    for s in e.section47s:
        group = _add(node, "Section47")
        _add(group, "S47ActualStartDate", s.start)
        _add(group, "InitialCPCtarget", s.target)
        _opt(group, "DateOfInitialCPC", s.icpc)
        _add(group, "ICPCnotRequired", _flag(s.not_required))


def _plans(node: Element, e: Episode, earlier: list[date]) -> None:
    for p in e.cp_plans:
        group = _add(node, "ChildProtectionPlans")
        _add(group, "CPPstartDate", p.start)
        _opt(group, "CPPendDate", p.end)
        _opt(group, "InitialCategoryOfAbuse", p.initial_category)
        _opt(group, "LatestCategoryOfAbuse", p.latest_category)
        _add(group, "NumberOfPreviousCPP", sum(d < p.start for d in earlier))
        if p.reviews:
            reviews = _add(group, "Reviews")
            for day in p.reviews:
                _add(reviews, "CPPreviewDate", day)


def _details(node: Element, e: Episode, earlier: list[date]) -> None:
    details = _add(node, "CINdetails")
    _add(details, "CINreferralDate", e.referral)
    _add(details, "ReferralSource", e.source)
    _opt(details, "PrimaryNeedCode", e.primary_need)
    _opt(details, "CINclosureDate", e.closure)
    _opt(details, "ReasonForClosure", e.closure_reason if e.closure else None)
    _assessments(details, e)
    _section47s(details, e)
    _add(details, "ReferralNFA", _flag(e.nfa))
    _plans(details, e, earlier)


def census_xml(year: CollectionYear, la_number: str, now: datetime,
               children: Sequence[tuple[Child, list[Episode], list[date]]]) -> Element:
    """The Message element: header, then each child with its episodes."""
    root = Element("Message")
    _header(root, year, la_number, now)
    listing = _add(root, "Children")
    for child, episodes, earlier in children:
        node = _add(listing, "Child")
        _identifiers(node, child, episodes, year.end)
        for e in episodes:
            _details(node, e, earlier)
    return root


# -- checking and the whole export -------------------------------------------------------------

@lru_cache(maxsize=1)
def census_schema() -> xmlschema.XMLSchema:
    """Our XSD for 2025-26, parsed once when first needed."""
    return xmlschema.XMLSchema(str(SCHEMA))


def schema_problems(root: Element, ids: Sequence[str]) -> list[Problem]:
    """Every XSD error, attached to the child it is in (``file`` for the header)."""
    found = []
    for error in census_schema().iter_errors(root):
        where = re.search(r"/Child(?:\[(\d+)\])?(?=/|$)", error.path or "")
        child = ids[int(where[1] or 1) - 1] if where else "file"
        found.append(Problem(child, f"the file does not match the census schema at "
                                    f"{error.path}: {error.reason}"))
    return found


def _orphans(episodes: Sequence[Episode]) -> list[Problem]:
    return [Problem("file", f"referral {e.reference} has no child recorded") for e in episodes]


def build_census(session: Session, year: CollectionYear, calendar: WorkingCalendar,
                 la_number: str, now: datetime) -> CensusResult:
    """The census for ``year`` and every problem found in it (nothing is written here)."""
    grouped = _episodes_by_child(session, year)
    orphans = _orphans(grouped.pop(None, []))
    ids = sorted(i for i in grouped if i is not None)
    children, earlier = load_children(session, ids), plan_starts(session, ids, year.cutoff)
    rows = [(children[i], grouped[i], earlier.get(i, [])) for i in ids]
    ctx = Context(year.start, year.end, calendar)
    problems = orphans + [p for child, eps, _ in rows for p in check_child(child, eps, ctx)]
    root = census_xml(year, la_number, now, rows)
    problems += schema_problems(root, [child.la_child_id for child, _, _ in rows])
    indent(root)
    xml = tostring(root, encoding="UTF-8", xml_declaration=True)
    return CensusResult(xml, problems, len(rows), sum(len(eps) for _, eps, _ in rows))
