"""Compliance with the practice standards: met, due soon or missed, and by how long.

Every standard is a clock on the case (``config/practice_standards.toml``), so compliance
is grouped SQL over the clock table and the contact's allocation, the same on SQLite and
PostgreSQL: running clocks by how soon they fall due, and clocks that stopped in the last
months by whether they were met in time. Python only turns a handful of group totals
(and at most one page of drill-down rows) into words: how many working days late the
worst case is, and the due date in GOV.UK style.

Who sees which figures is the line of management (``Oversight``), not the wider record
scope: a worker sees their own cases, a team manager the teams they manage, a head of
service every team. A drill-down outside that line is refused by the page, never
filtered into an empty table that could be mistaken for "all met".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from reporting.cells import csv_text
from reporting.kpis import Month, _month_number, _within
from reporting.names import Names, directory_names
from workflow.clocks.calendar import WorkingCalendar
from workflow.clocks.standards import PracticeStandard
from workflow.contact import reference_for
from workflow.persistence.tables import ClockRow, ContactRow, UserRow
from workflow.persistence.tables_people import TeamMemberRow, TeamRow
from workflow.roles import Role

MISSED, DUE_SOON, ON_TRACK = "missed", "due_soon", "on_track"
STATUS_LABELS = {MISSED: "Missed", DUE_SOON: "Due soon", ON_TRACK: "On track"}
#: How far back "met in time" is counted on the compliance page.
RECENT = timedelta(days=91)
#: The contact's columns a table may group by (a table by standard groups the clocks' rule).
GROUPS = {"team": ContactRow.team, "worker": ContactRow.worker}
DRILL_LIMIT = 500


@dataclass(frozen=True)
class Oversight:
    """Whose figures a person may see: the whole service, the teams they manage, or
    only the cases allocated to them."""

    username: str
    whole_service: bool = False
    teams: frozenset[str] = frozenset()

    def condition(self) -> Any:
        """A condition on ``ContactRow`` (None: the whole service)."""
        if self.whole_service:
            return None
        if self.teams:
            return ContactRow.team.in_(sorted(self.teams))
        return ContactRow.worker == self.username

    def covers_team(self, team: str) -> bool:
        return self.whole_service or team in self.teams

    def covers_worker(self, worker: str, worker_teams: Iterable[str]) -> bool:
        """A worker's figures are their own, their managers' and the head of service's."""
        return (self.whole_service or worker == self.username
                or bool(self.teams & set(worker_teams)))


def oversight_for(session: Session, username: str, role: Role) -> Oversight:
    """The line of management: a head of service sees all, a team manager the teams they
    are recorded as managing (not merely belonging to), anyone else their own cases."""
    if role is Role.HEAD_OF_SERVICE:
        return Oversight(username, whole_service=True)
    if role is Role.TEAM_MANAGER:
        return Oversight(username, teams=frozenset(managed_teams(session, username)))
    return Oversight(username)


def managed_teams(session: Session, username: str) -> list[str]:
    """The codes of the active teams this person manages."""
    return list(session.scalars(
        select(TeamRow.code).join(TeamMemberRow, TeamMemberRow.team_id == TeamRow.id)
        .join(UserRow, UserRow.id == TeamMemberRow.user_id)
        .where(UserRow.username == username, TeamMemberRow.is_manager.is_(True),
               TeamRow.active.is_(True))))


def teams_of(session: Session, username: str) -> list[str]:
    """The codes of the teams a worker belongs to (to check a manager's line)."""
    return list(session.scalars(
        select(TeamRow.code).join(TeamMemberRow, TeamMemberRow.team_id == TeamRow.id)
        .join(UserRow, UserRow.id == TeamMemberRow.user_id)
        .where(UserRow.username == username)))


@dataclass(frozen=True)
class Filters:
    """A drill-down: one standard, team, worker or status (None: all)."""

    standard: str | None = None
    team: str | None = None
    worker: str | None = None
    status: str | None = None

    def where(self) -> list[Any]:
        """Conditions on the contact (the standard is chosen with the clocks)."""
        found = []
        if self.team:
            found.append(ContactRow.team == self.team)
        if self.worker:
            found.append(ContactRow.worker == self.worker)
        return found


@dataclass
class Standing:
    """One line of a compliance table: running standards by status, recent ones by
    whether they were met in time, and the worst lateness among those missed."""

    key: str | None
    label: str
    missed: int = 0
    due_soon: int = 0
    on_track: int = 0
    met: int = 0
    late: int = 0
    worst_late_days: int = 0

    @property
    def percent_met(self) -> float | None:
        done = self.met + self.late
        return None if done == 0 else round(100 * self.met / done, 1)


class Compliance:
    """The standards, the calendar and "now": everything a compliance query needs."""

    def __init__(self, standards: Sequence[PracticeStandard], calendar: WorkingCalendar,
                 now: datetime) -> None:
        self.calendar, self.now = calendar, now
        self.titles = {s.name: s.title for s in standards}
        self.names = sorted(self.titles)
        today = calendar.local_date(now)
        self._soon = {s.name: calendar.end_of_day(
            calendar.add_working_days(today, s.due_soon) if s.due_soon else today)
            for s in standards}

    def _status(self, t: Any) -> Any:
        soon = case(*((t.c.rule == name, at) for name, at in self._soon.items()),
                    else_=self.now)
        return case((t.c.due_at < self.now, MISSED), (t.c.due_at <= soon, DUE_SOON),
                    else_=ON_TRACK)

    def late_days(self, due: datetime) -> int:
        """Working days from the due date to today (0 on the due day itself)."""
        return self.calendar.working_days_between(self.calendar.local_date(due),
                                                  self.calendar.local_date(self.now))

    def left_days(self, due: datetime) -> int:
        """Working days from today to the due date."""
        return self.calendar.working_days_between(self.calendar.local_date(self.now),
                                                  self.calendar.local_date(due))

    def _clocks(self, *where: Any, standard: str | None = None) -> Any:
        """The standards' clocks that ``where`` picks, read first from the clock's own
        indexes (rule, then the stopped or due instant) and only then joined to their
        contacts by key. MATERIALIZED: otherwise SQLite starts from the contact's team or
        worker index (every contact a team ever held) to serve the GROUP BY."""
        names = [standard] if standard else self.names
        return (select(ClockRow.id, ClockRow.contact_id, ClockRow.rule, ClockRow.due_at,
                       ClockRow.stopped_at, ClockRow.result)
                .where(ClockRow.rule.in_(names), *where)
                .cte("standard_clock").prefix_with("MATERIALIZED"))

    def _scope(self, stmt: Any, who: Oversight, filters: Filters) -> Any:
        stmt = stmt.where(*filters.where())
        condition = who.condition()
        return stmt if condition is None else stmt.where(condition)

    def _joined(self, t: Any, *columns: Any) -> Any:
        return select(*columns).select_from(t).join(ContactRow, ContactRow.id == t.c.contact_id)

    def standing(self, session: Session, who: Oversight, by: str,
                 filters: Filters = Filters()) -> list[Standing]:
        """One line per standard, team or worker (``by``): two grouped queries."""
        lines: dict[str | None, Standing] = {}
        names = directory_names(session)
        t = self._clocks(ClockRow.stopped_at.is_(None), standard=filters.standard)
        column = t.c.rule if by == "standard" else GROUPS[by]
        status = self._status(t).label("standing")
        running = self._scope(self._joined(t, column, status, func.count(),
                                           func.min(t.c.due_at)), who, filters)
        for key, state, count, oldest in session.execute(running.group_by(column, status)):
            line = lines.setdefault(key, Standing(key, self._label(by, key, names)))
            setattr(line, state, int(count))
            if state == MISSED:
                line.worst_late_days = self.late_days(oldest)
        t = self._clocks(ClockRow.stopped_at >= self.now - RECENT,
                         ClockRow.result.in_(("met", "late", "not_met")),
                         standard=filters.standard)
        column = t.c.rule if by == "standard" else GROUPS[by]
        done = self._scope(self._joined(t, column, t.c.result, func.count()), who, filters)
        for key, result, count in session.execute(done.group_by(column, t.c.result)):
            line = lines.setdefault(key, Standing(key, self._label(by, key, names)))
            if result == "met":
                line.met += int(count)
            else:
                line.late += int(count)
        return sorted(lines.values(), key=lambda s: (-s.missed, s.label))

    def _label(self, by: str, key: str | None, names: Names) -> str:
        """A standard by its title, a team or worker by name (never by code)."""
        if by == "standard":
            return self.titles.get(key or "", key or "")
        if not key:
            return "No team" if by == "team" else "No worker allocated"
        return names.team(key) if by == "team" else names.person(key)

    def cases(self, session: Session, who: Oversight, filters: Filters) -> list[dict[str, Any]]:
        """The running standards behind a number, most overdue first (one page)."""
        t = self._clocks(ClockRow.stopped_at.is_(None), standard=filters.standard)
        status = self._status(t).label("standing")
        stmt = self._scope(self._joined(
            t, t.c.contact_id, t.c.rule, t.c.due_at, status, ContactRow.team,
            ContactRow.worker, ContactRow.stage, ContactRow.child_id), who, filters)
        if filters.status:
            stmt = stmt.where(status == filters.status)
        rows = session.execute(stmt.order_by(t.c.due_at, t.c.id).limit(DRILL_LIMIT))
        return [self._case(r) for r in rows]

    def _case(self, r: Any) -> dict[str, Any]:
        missed = r.standing == MISSED
        days = self.late_days(r.due_at) if missed else self.left_days(r.due_at)
        if missed:
            by_how_long = f"{_days(days)} late" if days else "Missed today"
        else:
            by_how_long = f"{_days(days)} left" if days else "Due today"
        return {"contact_id": r.contact_id, "reference": reference_for(r.contact_id),
                "standard": self.titles.get(r.rule, r.rule), "rule": r.rule,
                "due": govuk_date(self.calendar.local_date(r.due_at)),
                "status": r.standing, "status_label": STATUS_LABELS[r.standing],
                "by_how_long": by_how_long, "team": r.team or "", "worker": r.worker or "",
                "child_id": r.child_id}

    def monthly(self, session: Session, who: Oversight, months: Sequence[date],
                filters: Filters = Filters()) -> list[dict[str, Any]]:
        """Per month of the due date: standards that fell due, and those met in time (a
        clock still running past its due date counts as missed). One grouped query."""
        spans = _spans(months)
        found = {n: counts for (_, n), counts in self._due_by_month(
            session, who, spans, filters, by_standard=False).items()}
        return [_month_line(m, *found.get(m.number, (0, 0))) for m in spans]

    def monthly_by_standard(self, session: Session, who: Oversight, months: Sequence[date]
                            ) -> dict[str, list[dict[str, Any]]]:
        """The same series for each standard (by title), from one grouped query."""
        spans = _spans(months)
        found = self._due_by_month(session, who, spans, Filters(), by_standard=True)
        return {self.titles[name]: [_month_line(m, *found.get((name, m.number), (0, 0)))
                                    for m in spans] for name in self.names}

    def _due_by_month(self, session: Session, who: Oversight, spans: list[Month],
                      filters: Filters, *, by_standard: bool
                      ) -> dict[tuple[str | None, int], tuple[int, int]]:
        t = self._clocks(_within(ClockRow.due_at, spans), ClockRow.due_at < self.now,
                         ClockRow.result.is_(None) | (ClockRow.result != "not_applicable"),
                         standard=filters.standard)
        in_time = and_(t.c.result == "met", t.c.stopped_at <= t.c.due_at)
        month = _month_number(t.c.due_at, spans).label("month")
        keys = (t.c.rule, month) if by_standard else (month,)
        stmt = self._scope(self._joined(t, *keys, func.count(),
                                        func.sum(case((in_time, 1), else_=0))), who, filters)
        found = {}
        for row in session.execute(stmt.group_by(*keys)):
            *key, total, met = row
            rule, number = (key[0], key[1]) if by_standard else (None, key[0])
            if number is not None:
                found[(rule, number)] = (int(total), int(met or 0))
        return found


def _spans(months: Sequence[date]) -> list[Month]:
    return [Month.of(m) for m in sorted({m.replace(day=1) for m in months})]


def _month_line(month: Month, due: int, met: int) -> dict[str, Any]:
    percent = None if due == 0 else round(100 * met / due, 1)
    return {"month": month.first, "label": month.first.strftime("%B %Y"), "due": due,
            "met": met, "missed": due - met, "percent": percent}


def _days(n: int) -> str:
    return f"{n} working day" if n == 1 else f"{n} working days"


def govuk_date(day: date) -> str:
    """``1 December 2026`` (GOV.UK style: no leading zero, the month in full)."""
    return f"{day.day} {day:%B %Y}"


CSV_HEADER = ("Case", "Practice standard", "Due", "Status", "By how long", "Team", "Worker")


def trend_csv(series: dict[str, list[dict[str, Any]]]) -> str:
    """Each standard's monthly series as CSV, one row per standard and month."""
    header = ("Practice standard", "Month", "Fell due", "Met in time", "Missed",
              "Met in time (%)")
    return csv_text(header, ([title, m["label"], m["due"], m["met"], m["missed"],
                              m["percent"]] for title, months in series.items()
                             for m in months))


def cases_csv(rows: Iterable[dict[str, Any]]) -> str:
    """The drill-down as CSV, every cell formula-safe (``reporting.cells.csv_text``)."""
    return csv_text(CSV_HEADER, ([r["reference"], r["standard"], r["due"], r["status_label"],
                                  r["by_how_long"], r["team"], r["worker"]] for r in rows))
