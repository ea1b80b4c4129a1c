"""Manager oversight pages: the breach dashboard, the lists behind it, KPIs, consistency,
and each person's notifications. Team managers and MASH chairs see everything; workers
and social workers see their own slice (the clocks on contacts allocated to them).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, render_template, request
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from reporting import ReadSession
from reporting.assessments import authorised_not_seen
from reporting.cells import safe_cell
from reporting.compliance import Compliance, Oversight
from reporting.consistency import by_team, consistency
from reporting.dashboard import (
    DIMENSIONS,
    Scope,
    clock_list,
    historic_breaches,
    notifications_for,
    request_list,
    request_summary,
    summary,
)
from reporting.kpis import assessment_backlog, last_months, load_kpis, month_bounds, series
from reporting.macpt import macpts
from reporting.strategy import KPI_AGENCIES, monthly
from reporting.svg import trend_chart
from web.access import allow, log_children_shown, record_scope
from web.views import LONDON, NO_REASON_RECORDED, when
from workflow.oversight.escalation import load_policy
from workflow.oversight.messages import KIND_LABELS, compose
from workflow.roles import Role

bp = Blueprint("oversight", __name__)
SEE_ALL = (Role.TEAM_MANAGER, Role.MASH_CHAIR)
CASEWORKERS = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER)


def _scope() -> Scope:
    args = request.args
    worker = args.get("worker") or None
    if current_user.role not in SEE_ALL:
        worker = current_user.username
    return Scope(worker=worker, team=args.get("team") or None, rule=args.get("rule") or None,
                 rag=args.get("rag") or None, record=record_scope())


@bp.get("/oversight")
@allow(*CASEWORKERS)
def dashboard() -> str:
    """Breached now and at risk, by timescale, team, worker and RAG; each number a link."""
    policy = load_policy(current_app.config["CONFIG_DIR"])
    now = datetime.now(UTC)
    scope = _scope()
    tables = {by: summary(g.db, now, policy.at_risk_horizon, scope, by) for by in DIMENSIONS}
    requests = request_summary(g.db, now, policy.at_risk_horizon) \
        if current_user.role in SEE_ALL else []
    month_start = now.astimezone(LONDON).replace(day=1, hour=0, minute=0, second=0,
                                                 microsecond=0)
    history = historic_breaches(g.db, month_start - timedelta(days=62), now, scope, limit=50)
    return render_template("oversight/dashboard.html", title="Timescales dashboard",
                           tables=tables, scope=scope, history=history, when=when,
                           requests=requests, titles=_titles(),
                           horizon=policy.at_risk_horizon, errors={})


def _titles() -> dict[str, str]:
    """Each timescale's title by its stored rule id: people read the title."""
    titles: dict[str, str] = current_app.extensions["rules"].timescales.titles()
    return titles


@bp.get("/oversight/clocks")
@allow(*CASEWORKERS)
def clocks() -> str:
    """The list behind a dashboard number."""
    state = request.args.get("state", "breached")
    if state not in ("breached", "at_risk"):
        abort(400, "Choose breached or at risk.")
    policy = load_policy(current_app.config["CONFIG_DIR"])
    rows = clock_list(g.db, datetime.now(UTC), policy.at_risk_horizon, _scope(), state)
    log_children_shown([r["child_id"] for r in rows if r.get("child_id")])
    return render_template("oversight/clocks.html", title="Clocks " + state.replace("_", " "),
                           rows=rows, state=state, when=when, titles=_titles(), errors={})


def strategy_by_agency(session: ReadSession, months: list[date]) -> dict[str, Any]:
    """Strategy discussion contributions per agency, newest month first."""
    figures = [f for f in monthly(session, months) if f.discussions][::-1]
    return {"figures": figures, "agencies": KPI_AGENCIES,
            "names": {a: a.capitalize() for a in KPI_AGENCIES}}


@bp.get("/oversight/requests")
@allow(*SEE_ALL)
def requests_behind() -> str:
    """The information requests behind an agency's number on the dashboard."""
    state = request.args.get("state", "breached")
    if state not in ("breached", "at_risk"):
        abort(400, "Choose breached or at risk.")
    policy = load_policy(current_app.config["CONFIG_DIR"])
    agency = request.args.get("agency") or None
    rows = request_list(g.db, datetime.now(UTC), policy.at_risk_horizon, agency, state)
    return render_template("oversight/requests.html", title="Agency requests " +
                           state.replace("_", " "), rows=rows, state=state, agency=agency,
                           when=when, errors={})


@bp.get("/oversight/kpis")
@allow(*SEE_ALL)
def kpis() -> str:
    """The improvement plan's KPIs for twelve months, each with its target and counting."""
    months = last_months(datetime.now(UTC).astimezone(LONDON).date())
    labels = [m.strftime("%b") for m in months]
    cards = []
    for kpi, figures in _kpi_series(months):
        chart = trend_chart(kpi.title, labels, [f.percent for f in figures], kpi.target) \
            if kpi.measure == "share" else ""
        cards.append({"kpi": kpi, "figures": figures, "chart": Markup(chart)})  # noqa: S704
    backlog = assessment_backlog(g.db, current_app.extensions["rules"].calendar,
                                 datetime.now(UTC))
    not_seen = authorised_not_seen(g.db, month_bounds(months[0])[0], datetime.now(UTC))
    rules = current_app.extensions["rules"]
    standards = Compliance(rules.standards, rules.calendar, datetime.now(UTC)) \
        .monthly_by_standard(g.db, Oversight(current_user.username, whole_service=True), months)
    return render_template("oversight/kpis.html", title="KPIs", cards=cards, errors={},
                           standards=standards,
                           strategy=strategy_by_agency(g.db, months),
                           backlog=backlog, not_seen=not_seen, when=when,
                           no_reason=NO_REASON_RECORDED)


def _kpi_series(months: list[date]) -> list[tuple[Any, list[Any]]]:
    """Every configured KPI with its figures for the months."""
    calendar = current_app.extensions["rules"].calendar
    return [(kpi, series(g.db, kpi, months, calendar))
            for kpi in load_kpis(current_app.config["CONFIG_DIR"])]


@bp.get("/oversight/kpis.csv")
@allow(*SEE_ALL)
def kpis_csv() -> Response:
    """The KPI page's figures as a spreadsheet: one row per KPI and month, with how each is
    counted (counts of rows, never a child)."""
    months = last_months(datetime.now(UTC).astimezone(LONDON).date())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["KPI", "Month", "Counted", "Out of", "Figure", "Unit", "Target",
                     "Lower is better", "How it is counted"])
    for kpi, figures in _kpi_series(months):
        for f in figures:
            value = f.value(kpi.measure)
            writer.writerow([safe_cell(v) for v in (
                kpi.title, f.month.strftime("%B %Y"), f.numerator, f.denominator,
                "" if value is None else value, kpi.unit.strip(), f"{kpi.target:g}",
                "yes" if kpi.lower_is_better else "no", kpi.counting)])
    day = datetime.now(UTC).astimezone(LONDON).date().isoformat()
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="kpis-{day}.csv"'})


def _month_arg() -> date:
    text = request.args.get("month", "")
    try:
        return datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        return datetime.now(UTC).astimezone(LONDON).date().replace(day=1)


@bp.get("/oversight/consistency")
@allow(*SEE_ALL)
def threshold_consistency() -> str:
    """Levels-of-need consistency per worker and team for a month."""
    month = _month_arg()
    start, end = month_bounds(month)
    rows = consistency(g.db, start, end)
    return render_template("oversight/consistency.html", title="Threshold consistency",
                           rows=rows, teams=by_team(rows), month=month, errors={})


@bp.get("/oversight/macpts")
@allow(*CASEWORKERS)
def multi_agency_teams() -> str:
    """The multi-agency child protection teams, their members by discipline and nominating
    body, and a warning on any that lacks one of the four core members."""
    return render_template("oversight/macpts.html", title="Multi-agency child protection teams",
                           teams=macpts(g.db), errors={})


@bp.get("/notifications")
@allow(*CASEWORKERS)
def notifications() -> str:
    """The signed-in person's notifications, newest first, in the words an email uses."""
    titles = _titles()
    rows = [{**row, "message": compose(row["kind"], titles.get(row["rule"]), row["contact_id"],
                                       row["due_at"], f"/contacts/{row['contact_id']}"),
             "label": KIND_LABELS.get(row["kind"], "Notice")}
            for row in notifications_for(g.db, current_user.username)]
    return render_template("oversight/notifications.html", title="Notifications", rows=rows,
                           when=when, errors={})


@bp.post("/notifications/read")
@allow(*CASEWORKERS)
def mark_read() -> Response:
    """Mark all of one's notifications read."""
    current_app.extensions["store"].outbox.mark_all_read(current_user.username,
                                                         datetime.now(UTC))
    return redirect("/notifications")
