"""What a census validation rule is: the DfE's code, type and message, the years it runs,
the elements it reads, where a person puts it right, and the check itself.

Why the DfE's own words: a finding that quotes rule 8875's code and message is the one
COLLECT will raise months later, so the team can tell at once which of theirs it is; our
``detail`` adds what exactly (which conference, which date) and the ``fix`` says where it
is put right (the child's record, or the contact and its field).

Each family module (``identifiers``, ``referrals`` …) declares its rules with
``child_rule`` (one child at a time: the rules a page can show while the child is being
recorded), ``episode_rule`` (one referral at a time) or ``return_rule`` (the whole
return). A rule has one version per span of years; ``rules_for(year)`` picks the version
in force, as the DfE's rule set for that year does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from reporting.census.model import ChildRecord, EpisodeRecord, Return
from workflow.clocks.calendar import WorkingCalendar
from workflow.people.codes import CodeBook
from workflow.people.years import CollectionYear


class Kind(StrEnum):
    """An error stops the return; a query must be answered (COLLECT asks for a reason)."""

    ERROR = "error"
    QUERY = "query"


@dataclass(frozen=True)
class Fix:
    """Where a finding is put right: ``person`` (the child's record, ``field`` one of its
    fields), ``contact`` (the referral's contact, ``field`` the action and field that
    record it) or ``return`` (the file as a whole: nothing one record can change)."""

    page: str
    field: str
    label: str


@dataclass(frozen=True)
class Finding:
    """One rule broken once: by a child (``child`` its LAchildID) or by the return."""

    code: str
    kind: Kind
    message: str
    detail: str
    fix: Fix
    child: str | None = None
    person_id: int | None = None
    contact_id: int | None = None

    def __str__(self) -> str:
        who = self.child or "return"
        return f"{who}: {self.code} {self.message} ({self.detail})"


@dataclass(frozen=True)
class Ctx:
    """What the rules need besides the return: the year and the lists in force in it."""

    year: CollectionYear
    codes: CodeBook
    la_numbers: frozenset[str]
    school_age_born_by: date
    #: Monday to Friday less England and Wales bank holidays: the DfE counts no council
    #: closure, so the census's working days are not the front door's.
    calendar: WorkingCalendar = field(default_factory=lambda: WorkingCalendar(subdiv="ENG"))

    @property
    def start(self) -> date:
        return self.year.start

    @property
    def end(self) -> date:
        return self.year.reference_date

    def in_year(self, day: date) -> bool:
        """On or between 1 April and the reference date (the DfE's [Period_of_Census])."""
        return self.start <= day <= self.end

    def working_days_before_end(self, n: int) -> date:
        """The ReferenceDate minus ``n`` working days as the DfE counts them: the reference
        date itself is day 1 (so 45 working days reach back 44 more), and a reference date
        at a weekend counts from the working day before it."""
        day, left = self.end, n - 1
        while left > 0:
            day -= timedelta(days=1)
            if self.calendar.is_working_day(day):
                left -= 1
        return day

    def first_working_day_of_year(self) -> date:
        """[Start_of_Census_Year] minus 1 working day, counted as the DfE does (day 1 is
        the start itself): 1 April, or the next working day when it is not one."""
        day = self.start
        while not self.calendar.is_working_day(day):
            day += timedelta(days=1)
        return day


@dataclass(frozen=True)
class Hit:
    """One place a rule is broken: the child and referral (where there is one), in words."""

    detail: str
    child: ChildRecord | None = None
    episode: EpisodeRecord | None = None


Check = Callable[[Return, Ctx], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """One version of one DfE rule."""

    code: str
    kind: Kind
    message: str
    fields: tuple[str, ...]
    fix: Fix
    check: Check
    first: str = "2022-23"
    last: str | None = None
    #: Whether the rule is about one child alone (a page can show it as they are recorded).
    one_child: bool = False

    def applies_to(self, year: CollectionYear) -> bool:
        return (CollectionYear.parse(self.first) <= year
                and (self.last is None or year <= CollectionYear.parse(self.last)))

    def run(self, census: Return, ctx: Ctx) -> list[Finding]:
        """Every finding of this rule on ``census``."""
        return [self._finding(hit) for hit in self.check(census, ctx)]

    def _finding(self, hit: Hit) -> Finding:
        child = hit.child
        return Finding(self.code, self.kind, self.message, hit.detail, self.fix,
                       child.la_child_id if child else None,
                       child.person_id if child else None,
                       hit.episode.contact_id if hit.episode else None)


@dataclass
class Family:
    """The rules one module declares, in the order it declares them."""

    rules: list[Rule] = field(default_factory=list)

    def _add(self, code: str, kind: Kind, message: str, fields: tuple[str, ...], fix: Fix,
             check: Check, years: tuple[str, str | None], one_child: bool) -> None:
        self.rules.append(Rule(code, kind, message, fields, fix, check, years[0], years[1],
                               one_child))

    def child_rule(self, code: str, message: str, *, fields: tuple[str, ...], fix: Fix,
                   kind: Kind = Kind.ERROR, years: tuple[str, str | None] = ("2022-23", None)
                   ) -> Callable[[Callable[[ChildRecord, Ctx], Iterable[str]]], None]:
        """A rule about one child: the check yields what is wrong, in words."""

        def register(check: Callable[[ChildRecord, Ctx], Iterable[str]]) -> None:
            def run(census: Return, ctx: Ctx) -> Iterator[Hit]:
                for child in census.children:
                    yield from (Hit(d, child) for d in check(child, ctx))

            self._add(code, kind, message, fields, fix, run, years, True)

        return register

    def episode_rule(self, code: str, message: str, *, fields: tuple[str, ...], fix: Fix,
                     kind: Kind = Kind.ERROR, years: tuple[str, str | None] = ("2022-23", None),
                     while_recording: bool = True
                     ) -> Callable[[Callable[[EpisodeRecord, ChildRecord, Ctx],
                                             Iterable[str]]], None]:
        """A rule about one referral (and its child): the check yields what is wrong.
        ``while_recording=False`` for a rule measured against the year's last day (8670Q,
        8675Q): before the year is over it foretells rather than finds, so the pages that
        show a child as they are recorded leave it out."""

        def register(check: Callable[[EpisodeRecord, ChildRecord, Ctx], Iterable[str]]
                     ) -> None:
            def run(census: Return, ctx: Ctx) -> Iterator[Hit]:
                for child in census.children:
                    for episode in child.episodes:
                        yield from (Hit(d, child, episode) for d in check(episode, child, ctx))

            self._add(code, kind, message, fields, fix, run, years, while_recording)

        return register

    def return_rule(self, code: str, message: str, *, fields: tuple[str, ...], fix: Fix,
                    kind: Kind = Kind.ERROR, years: tuple[str, str | None] = ("2022-23", None)
                    ) -> Callable[[Check], None]:
        """A rule about the return as a whole (or comparing children with each other)."""

        def register(check: Check) -> None:
            self._add(code, kind, message, fields, fix, check, years, False)

        return register


def dmy(day: date | None) -> str:
    """dd/mm/yyyy: how dates are written for people (and Annex A)."""
    return day.strftime("%d/%m/%Y") if day else "no date"


def person(field_name: str, label: str) -> Fix:
    """Put right on the child's record, at ``field_name``."""
    return Fix("person", field_name, label)


def contact(field_name: str, label: str) -> Fix:
    """Put right on the referral's contact, where ``field_name`` (action.field) is recorded."""
    return Fix("contact", field_name, label)


RETURN = Fix("return", "", "the return as a whole")
SOFTWARE = Fix("return", "", "made by Front Door: report it to the system's support")
