"""casework: strategy discussions recorded before 0004 copied from their events

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 10:00:00

Why: the strategy-contribution KPI now counts the strategy_discussion rows (0004). A
database with discussions recorded before those rows existed would otherwise show its
past months as "no discussions". Each earlier hold_strategy_discussion event becomes a
row with the grid its payload recorded (police, health, education at the time); what
the old form did not ask (chair, outcome) is left empty, and none is marked initiating.
Idempotent: an event that already has its row is skipped. Self-contained (no app code),
so it keeps doing the same thing however the app changes. Downgrade leaves the rows:
0004's downgrade drops the tables.
"""
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import workflow.persistence.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LONDON = ZoneInfo("Europe/London")
STATUSES = ("attended", "written", "invited_no_contribution", "not_invited")
UTC_DT = workflow.persistence.types.UTCDateTime(timezone=True)
JSON = workflow.persistence.types.JSONDoc

events = sa.table("contact_event", sa.column("contact_id", sa.Integer),
                  sa.column("seq", sa.Integer), sa.column("trigger", sa.String),
                  sa.column("from_stage", sa.String), sa.column("to_stage", sa.String),
                  sa.column("actor", sa.String), sa.column("at", UTC_DT),
                  sa.column("reason", sa.Text), sa.column("payload", JSON))
discussions = sa.table(
    "strategy_discussion", sa.column("id", sa.Integer), sa.column("contact_id", sa.Integer),
    sa.column("event_seq", sa.Integer), sa.column("held_at", UTC_DT),
    sa.column("chair", sa.String), sa.column("stage", sa.String),
    sa.column("outcome", sa.String), sa.column("rationale", sa.Text),
    sa.column("reasonable_cause", sa.Text), sa.column("absence_reason", sa.Text),
    sa.column("initiating", sa.Boolean), sa.column("recorded_by", sa.String),
    sa.column("recorded_at", UTC_DT))
participation = sa.table(
    "strategy_participation", sa.column("discussion_id", sa.Integer),
    sa.column("agency", sa.String), sa.column("status", sa.String),
    sa.column("reason", sa.Text))


def _held_at(value, recorded):
    """The payload's held_at (ISO date-time, or a date: the start of that London day)."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return recorded
    if len(str(value)) == 10 or moment.tzinfo is None:
        return datetime(moment.year, moment.month, moment.day, tzinfo=LONDON)
    return moment


def _row(event):
    payload = event.payload or {}
    return {"contact_id": event.contact_id, "event_seq": event.seq,
            "held_at": _held_at(payload.get("held_at"), event.at),
            "chair": str(payload.get("chair") or "")[:120],
            "stage": event.from_stage or event.to_stage,
            "outcome": str(payload.get("outcome") or ""),
            "rationale": str(payload.get("rationale") or event.reason or ""),
            "reasonable_cause": str(payload.get("reasonable_cause") or ""),
            "absence_reason": str(payload.get("absence_reason") or ""),
            "initiating": False, "recorded_by": event.actor, "recorded_at": event.at}


def _grid(discussion_id, payload):
    stated = (payload or {}).get("participation") or {}
    reasons = (payload or {}).get("participation_reasons") or {}
    return [{"discussion_id": discussion_id, "agency": str(agency)[:40], "status": status,
             "reason": str(reasons.get(agency) or "")}
            for agency, status in stated.items() if status in STATUSES]


def upgrade() -> None:
    conn = op.get_bind()
    done = set(conn.execute(sa.select(discussions.c.contact_id, discussions.c.event_seq)))
    for event in conn.execute(sa.select(events).where(
            events.c.trigger == "hold_strategy_discussion").order_by(events.c.at)).all():
        if (event.contact_id, event.seq) in done:
            continue
        new_id = conn.execute(discussions.insert().values(**_row(event))
                              .returning(discussions.c.id)).scalar_one()
        grid = _grid(new_id, event.payload)
        if grid:
            conn.execute(participation.insert(), grid)


def downgrade() -> None:
    pass
