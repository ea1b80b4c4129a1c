"""Levels of need in the JSON API: the catalogue in force and the consistency table.

A second flask-smorest blueprint under /api/v1/thresholds, registered beside the contacts
API by ``web.blueprints.api.register`` (one fresh blueprint per app), so both share the
OpenAPI document and the error format. It only reads: the catalogue for any case-working
role, because workers and partners' tools need the document in front of them at the
moment of decision; the consistency table for the managers who answer for it,
the same figures as /oversight/consistency.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import current_app, g
from flask_smorest import Blueprint, abort
from marshmallow import Schema, ValidationError, fields

from reporting.consistency import WorkerConsistency, consistency, team_totals
from reporting.kpis import month_bounds
from thresholds import OUTCOME_LABELS, Catalogue, CatalogueNotFoundError
from web.access import allow
from web.views import LONDON
from workflow.roles import Role

CASEWORKERS = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
OVERSIGHT = (Role.TEAM_MANAGER, Role.MASH_CHAIR)
MONTH_HELP = "Give the month as YYYY-MM, e.g. 2026-03"


def _today() -> date:
    return datetime.now(UTC).astimezone(LONDON).date()


class Month(fields.String):
    """A calendar month written YYYY-MM, loaded as the date of its first day."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kw)
        try:
            month = datetime.strptime(text, "%Y-%m").date()
        except ValueError:
            raise ValidationError(MONTH_HELP) from None
        if not 1900 <= month.year <= 2999:  # month_bounds must stay inside datetime's range
            raise ValidationError("Give a month between 1900-01 and 2999-12")
        return month


# -- schemas: the consistency table -----------------------------------------------------
class ConsistencyArgs(Schema):
    month = Month(metadata={"description": "The month, YYYY-MM (London time); this month if "
                                           "left out", "example": "2026-03"})


class SignOffOut(Schema):
    manager = fields.String(metadata={"description": "Username of the signing manager"})
    overrides = fields.Integer(metadata={"description": "Overrides they signed off"})


class LevelOutcomesOut(Schema):
    level = fields.Integer()
    outcomes = fields.Dict(keys=fields.String(), values=fields.Integer(),
                           metadata={"description": "Outcome → number of decisions"})


class TeamFiguresOut(Schema):
    team = fields.String()
    decisions = fields.Integer(metadata={"description": "Threshold decisions recorded"})
    matching = fields.Integer(metadata={"description": "Decisions at the recommended level"})
    matching_percent = fields.Float(allow_none=True,
                                    metadata={"description": "null when no decisions"})
    overrides = fields.Integer(metadata={"description": "Decisions below the recommendation"})
    signed_off_by = fields.List(fields.Nested(SignOffOut))
    returned = fields.Integer(metadata={"description": "Overrides returned to the worker"})
    awaiting_signoff = fields.Integer(metadata={"description": "Overrides not yet signed off"})
    outcomes_by_level = fields.List(fields.Nested(LevelOutcomesOut))


class WorkerFiguresOut(TeamFiguresOut):
    worker = fields.String()


class ConsistencyOut(Schema):
    month = fields.String(metadata={"example": "2026-03"})
    starts_at = fields.DateTime()
    ends_at = fields.DateTime(metadata={"description": "First instant after the month"})
    workers = fields.List(fields.Nested(WorkerFiguresOut),
                          metadata={"description": "Lowest matching share first"})
    teams = fields.List(fields.Nested(TeamFiguresOut))


# -- schemas: the catalogue -------------------------------------------------------------
class CatalogueArgs(Schema):
    on = fields.Date(metadata={"description": "The day whose catalogue to show; today if "
                                              "left out"})


class OutcomeOut(Schema):
    id = fields.String()
    label = fields.String()


class LevelOut(Schema):
    number = fields.Integer()
    name = fields.String()
    description = fields.String()
    pathway = fields.String(metadata={"description": "universal, early_help or social_care"})
    outcomes = fields.List(fields.Nested(OutcomeOut))


class EscalationOut(Schema):
    from_level = fields.Integer()
    count = fields.Integer()
    domains = fields.Integer()
    to_level = fields.Integer()


class IndicatorOut(Schema):
    id = fields.String()
    text = fields.String()
    level = fields.Integer()
    dimension = fields.String()
    source = fields.String(metadata={"description": "The threshold document paraphrased"})


class DimensionOut(Schema):
    id = fields.String()
    name = fields.String()


class DomainOut(Schema):
    id = fields.String()
    name = fields.String()
    dimensions = fields.List(fields.Nested(DimensionOut))
    indicators = fields.List(fields.Nested(IndicatorOut))


class CatalogueOut(Schema):
    id = fields.String()
    version = fields.Integer()
    effective_from = fields.Date()
    title = fields.String()
    source = fields.String()
    levels = fields.List(fields.Nested(LevelOut))
    escalation = fields.Nested(EscalationOut, allow_none=True,
                               metadata={"description": "Cumulative need; null if none"})
    domains = fields.List(fields.Nested(DomainOut))


# -- views ------------------------------------------------------------------------------
def _figures(row: WorkerConsistency) -> dict[str, Any]:
    """One row of the table as plain data (Counters become sorted lists)."""
    return {
        "worker": row.worker, "team": row.team, "decisions": row.decisions,
        "matching": row.matching, "matching_percent": row.matching_percent,
        "overrides": row.overrides, "returned": row.returned,
        "awaiting_signoff": row.awaiting_signoff,
        "signed_off_by": [{"manager": m, "overrides": n}
                          for m, n in sorted(row.signed_off_by.items())],
        "outcomes_by_level": [{"level": level, "outcomes": dict(row.outcomes_by_level[level])}
                              for level in sorted(row.outcomes_by_level)],
    }


@allow(*OVERSIGHT)
def consistency_table(args: dict[str, Any]) -> dict[str, Any]:
    """Per worker and team for a month: decisions, matching share, overrides and who
    signed them off, outcomes per level (the table on /oversight/consistency)."""
    month = args.get("month") or _today().replace(day=1)
    start, end = month_bounds(month)
    rows = consistency(g.db, start, end)
    return {"month": month.strftime("%Y-%m"), "starts_at": start, "ends_at": end,
            "workers": [_figures(r) for r in rows],
            "teams": [_figures(t) for t in team_totals(rows)]}


def _domain(catalogue: Catalogue, index: int) -> dict[str, Any]:
    domain = catalogue.domains[index]
    return {"id": domain.id, "name": domain.name, "dimensions": domain.dimensions,
            "indicators": [i for i in catalogue.indicators if i.domain == domain.id]}


def _catalogue_on(day: date) -> Catalogue:
    """The catalogue in force that day; 404 (not a 500) before the earliest one."""
    try:
        catalogue: Catalogue = current_app.extensions["catalogues"].active_on(day)
    except CatalogueNotFoundError as error:
        abort(404, message=str(error))
        raise AssertionError from error  # abort raises; this tells the type checker
    return catalogue


@allow(*CASEWORKERS)
def active_catalogue(args: dict[str, Any]) -> dict[str, Any]:
    """The levels-of-need catalogue in force (today, or on ``on``): its levels and the
    outcomes each allows, the escalation rule, and the indicators grouped by domain."""
    catalogue = _catalogue_on(args.get("on") or _today())
    levels = [{"number": lv.number, "name": lv.name, "description": lv.description,
               "pathway": lv.pathway,
               "outcomes": [{"id": o, "label": OUTCOME_LABELS[o]} for o in lv.outcomes]}
              for lv in catalogue.levels]
    return {"id": catalogue.id, "version": catalogue.version,
            "effective_from": catalogue.effective_from, "title": catalogue.title,
            "source": catalogue.source, "levels": levels, "escalation": catalogue.escalation,
            "domains": [_domain(catalogue, n) for n in range(len(catalogue.domains))]}


def blueprint() -> Blueprint:
    """A fresh blueprint for one app (a Flask blueprint cannot gain routes once registered)."""
    blp = Blueprint("api_thresholds", __name__, url_prefix="/api/v1/thresholds",
                    description="Levels of need: the catalogue and threshold consistency")
    blp.route("/consistency", methods=["GET"], endpoint="consistency")(
        blp.arguments(ConsistencyArgs, location="query")(
            blp.response(200, ConsistencyOut)(consistency_table)))
    blp.route("/catalogue", methods=["GET"], endpoint="catalogue")(
        blp.arguments(CatalogueArgs, location="query")(
            blp.response(200, CatalogueOut)(active_catalogue)))
    return blp
