"""Compliance with the practice standards and team performance, within the line of
management: a worker sees their own cases, a team manager the teams they manage, a head
of service every team. Asking for a team or a worker outside that line is refused (403)
rather than answered with an empty table that would read as "all met".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, g, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from reporting.compliance import (
    DUE_SOON,
    MISSED,
    ON_TRACK,
    STATUS_LABELS,
    Compliance,
    Filters,
    Oversight,
    cases_csv,
    oversight_for,
    teams_of,
    trend_csv,
)
from reporting.kpis import last_months
from reporting.performance import performance, team_totals
from web.access import allow, log_children_shown
from web.views import LONDON
from web.words import names, team_name
from workflow.oversight.caseload import load_weights
from workflow.roles import Role

bp = Blueprint("standards", __name__)
TEAM_ERROR = "Choose a team from the list"
#: Everyone who holds cases, and those who manage them.
VIEWERS = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.SOCIAL_WORKER, Role.TEAM_MANAGER,
           Role.HEAD_OF_SERVICE)


def _who() -> Oversight:
    return oversight_for(g.db, current_user.username, current_user.role)


def _compliance() -> Compliance:
    rules = current_app.extensions["rules"]
    return Compliance(rules.standards, rules.calendar, datetime.now(UTC))


def _filters(compliance: Compliance, who: Oversight) -> tuple[Filters, dict[str, str]]:
    """The drill-down asked for, checked: a known standard, status, team and worker, and
    the team or worker inside the line of management. A team nobody has is a mistake in
    the filter (the page answers 400 with the error on the team field, unfiltered by
    team); a real team outside the line is refused (403), as is such a worker."""
    args = request.args
    found = Filters(args.get("standard") or None, args.get("team") or None,
                    args.get("worker") or None, args.get("status") or None)
    if found.standard and found.standard not in compliance.titles:
        abort(400, "Choose a practice standard from the list.")
    if found.status and found.status not in STATUS_LABELS:
        abort(400, "Choose a status from the list: missed, due soon or on track.")
    if found.worker and found.worker not in names().people:
        abort(400, "Choose a worker from the list.")
    if found.team and found.team not in names().teams:
        return replace(found, team=None), {"team": TEAM_ERROR}
    if found.team and not who.covers_team(found.team):
        abort(403)
    if found.worker and not who.covers_worker(found.worker, teams_of(g.db, found.worker)):
        abort(403)
    return found, {}


def _scope_words(who: Oversight) -> str:
    if who.whole_service:
        return "every team"
    if who.teams:
        return "the teams you manage: " + ", ".join(sorted(team_name(t) for t in who.teams))
    return "the cases allocated to you"


def _team_choices(who: Oversight) -> list[tuple[str, str]]:
    """The teams this person may filter by, by name (none for a worker's own cases)."""
    codes = names().teams if who.whole_service else who.teams
    return sorted(((code, team_name(code)) for code in codes), key=lambda c: c[1])


@bp.get("/standards")
@allow(*VIEWERS)
def compliance() -> tuple[str, int]:
    """Each standard met, due soon or missed, by standard, team and worker, with the
    monthly trend; every number links to the cases behind it."""
    c, who = _compliance(), _who()
    filters, errors = _filters(c, who)
    tables = {"standard": c.standing(g.db, who, "standard", filters)}
    if who.whole_service or who.teams:
        tables["team"] = c.standing(g.db, who, "team", filters)
        tables["worker"] = c.standing(g.db, who, "worker", filters)
    months = last_months(datetime.now(UTC).astimezone(LONDON).date())
    return render_template("standards/compliance.html", title="Practice standards",
                           tables=tables, trend=c.monthly(g.db, who, months, filters),
                           filters=filters, scope=_scope_words(who), standards=c.titles,
                           statuses=(MISSED, DUE_SOON, ON_TRACK), labels=STATUS_LABELS,
                           team_choices=_team_choices(who), errors=errors), _status(errors)


def _status(errors: dict[str, str]) -> int:
    return 400 if errors else 200


def _cases() -> tuple[list[dict[str, object]], Filters, Compliance]:
    c, who = _compliance(), _who()
    filters, errors = _filters(c, who)
    if errors:
        abort(400, TEAM_ERROR)
    rows = c.cases(g.db, who, filters)
    log_children_shown([int(r["child_id"]) for r in rows if r.get("child_id")])
    return rows, filters, c


@bp.get("/standards/cases")
@allow(*VIEWERS)
def cases() -> str:
    """The cases behind a compliance number, most overdue first."""
    rows, filters, c = _cases()
    return render_template("standards/cases.html", title="Cases against the practice standards",
                           rows=rows, filters=filters, standards=c.titles,
                           labels=STATUS_LABELS, query=request.query_string.decode(),
                           errors={})


@bp.get("/standards/cases.csv")
@allow(*VIEWERS)
def cases_export() -> Response:
    """The same list as CSV (formula-safe); the file is named by the day only."""
    rows, _, _ = _cases()
    day = datetime.now(UTC).astimezone(LONDON).date().isoformat()
    return Response(cases_csv(rows), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="practice-standards-{day}.csv"'})


@bp.get("/performance")
@allow(*VIEWERS)
def team_performance() -> tuple[str, int]:
    """Caseloads (weighted by stage where the council sets weights), visits overdue,
    overdue standards and timescales, long assessments and returned decisions."""
    rules, who = current_app.extensions["rules"], _who()
    c = _compliance()
    filters, errors = _filters(c, who)
    now = datetime.now(UTC)
    team_only = replace(who, whole_service=False, teams=frozenset({filters.team})) \
        if filters.team else who
    lines = performance(g.db, team_only, frozenset(c.titles),
                        load_weights(current_app.config["CONFIG_DIR"]), rules.calendar, now,
                        filters.worker)
    months = last_months(now.astimezone(LONDON).date())
    return render_template("standards/performance.html", title="Team performance",
                           lines=lines, total=team_totals(lines), scope=_scope_words(who),
                           trend=c.monthly(g.db, who, months, filters),
                           teams=c.standing(g.db, who, "team", filters)
                           if who.whole_service or who.teams else [],
                           team_choices=_team_choices(who), filters=filters,
                           errors=errors), _status(errors)


@bp.get("/standards/trend.csv")
@allow(*VIEWERS)
def trend_export() -> Response:
    """Each standard's twelve-month series within the person's line, as CSV."""
    months = last_months(datetime.now(UTC).astimezone(LONDON).date())
    series = _compliance().monthly_by_standard(g.db, _who(), months)
    day = datetime.now(UTC).astimezone(LONDON).date().isoformat()
    return Response(trend_csv(series), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="practice-standards-trend-{day}.csv"'})
