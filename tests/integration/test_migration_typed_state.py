"""Migration 0007 on SQLite and on PostgreSQL (a database of its own), through Alembic as
``frontdoor db upgrade`` runs it: contacts written by the earlier code (their ``facts``,
``pending_decision`` and events) get every value into its new home, the schema is the one
the code declares, and downgrade then upgrade gives the same rows again.

The contacts below are what the earlier engine wrote, step by step (its effects module:
the decision in ``facts`` or ``pending_decision``, the step down and the pending strategy
outcome in ``facts``, the known-child flags in ``facts``, clocks left "not met" whenever a
contact moved on without their stop event). All times are January/February 2026 (GMT).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from workflow.persistence.db import PROJECT_ROOT, make_engine
from workflow.persistence.schema import metadata
from workflow.persistence.tables import ClockRow, ContactRow
from workflow.persistence.tables_decision import ThresholdDecisionRow
from workflow.persistence.tables_mash import AgendaItemRow
from workflow.persistence.tables_strategy import (
    ChildProtectionPlanRow,
    PlanMeetingRow,
    Section47Row,
    StepDownRow,
    StrategyDiscussionRow,
    VisitRow,
)
from workflow.persistence.types import JSONDoc, UTCDateTime

LONDON = ZoneInfo("Europe/London")
BEFORE = ("0002", "0003", "0005")  # the heads 0007 merges
STAMP = {"catalogue_id": "worcs-default", "catalogue_version": 2}
ACUTE = ["L4-PC-SAFETY-01", "L4-CD-HEALTH-01"]
GRID = {"la_social_worker": "attended", "police": "attended", "health": "written",
        "education": "written"}
NEW_HOMES = (ThresholdDecisionRow, Section47Row, VisitRow, ChildProtectionPlanRow,
             PlanMeetingRow, StepDownRow, StrategyDiscussionRow, AgendaItemRow, ClockRow,
             ContactRow)


def t(day: int, hour: int, minute: int = 0, month: int = 1) -> datetime:
    """An instant in early 2026 (GMT, so London and UTC agree)."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


# -- what the earlier code wrote ---------------------------------------------------------------

def _referral(level: int = 4, outcome: str = "referral_to_social_care",
              **more: Any) -> dict[str, Any]:
    return {"outcome": outcome, "level": level, "rationale": "Two acute needs",
            "indicators": ACUTE, "primary_need": "N1", "recommended_level": 4,
            "is_override": False, "matches_recommendation": True, **STAMP, **more}


def _override(level: int, outcome: str, **more: Any) -> dict[str, Any]:
    return {"outcome": outcome, "level": level, "rationale": "Managed at home",
            "indicators": ["L3-CD-HEALTH-01"], "override_reason": "Family engaging well",
            "recommended_level": 3, "is_override": True, "matches_recommendation": False,
            **STAMP, **more}


def _decided(payload: dict[str, Any], by: str, at: datetime, **more: Any) -> dict[str, Any]:
    """The decision as the earlier ``_decide`` effect kept it in facts."""
    kept = {k: payload[k] for k in ("level", "outcome", "recommended_level", "catalogue_id",
                                    "catalogue_version", "is_override", "override_reason",
                                    "rationale", "indicators") if k in payload}
    return kept | {"decided_by": by, "decided_at": at.isoformat(), **more}


FD, TM, SW, CHAIR = (("fd.worker", "front_door_worker"), ("team.manager", "team_manager"),
                    ("social.worker", "social_worker"), ("mash.chair", "mash_chair"))
Step = tuple[str, str | None, str, tuple[str, str], datetime, dict[str, Any]]


def opening(start: datetime) -> list[Step]:
    """The walk every contact here starts with: received, screened, sent to the decision."""
    return [("receive", None, "received", FD, start, {"source": "6", "channel": "phone"}),
            ("start_screening", "received", "screening", FD, start + timedelta(minutes=5), {}),
            ("proceed_to_decision", "screening", "threshold_decision", FD,
             start + timedelta(minutes=10), {"reason": "Enough is known"})]


def _event_rows(contact_id: int, steps: list[Step]) -> list[dict[str, Any]]:
    return [{"contact_id": contact_id, "seq": seq, "trigger": trigger, "from_stage": src,
             "to_stage": dst, "actor": who[0], "role": who[1], "at": at,
             "reason": str(payload.get("reason") or payload.get("rationale") or ""),
             "payload": payload}
            for seq, (trigger, src, dst, who, at, payload) in enumerate(steps, start=1)]


@dataclass
class Legacy:
    """One contact as the earlier code stored it."""

    id: int
    stage: str
    steps: list[Step]
    facts: dict[str, Any] = field(default_factory=dict)
    pending_decision: dict[str, Any] | None = None
    referral_at: datetime | None = None
    child_id: int | None = None
    rag: str | None = None
    team: str | None = None
    worker: str | None = None

    def row(self) -> dict[str, Any]:
        return {"id": self.id, "child_id": self.child_id, "received_at": self.steps[0][4],
                "source": "6", "channel": "phone", "referrer": "", "concerns": "Synthetic",
                "consent": "not_recorded", "stage": self.stage, "version": len(self.steps),
                "event_seq": len(self.steps), "rag": self.rag, "team": self.team,
                "worker": self.worker, "pending_decision": self.pending_decision,
                "facts": self.facts, "referral_at": self.referral_at}


def _decided_contact() -> Legacy:
    """1: a referral decided in force, a visit recorded by its date alone."""
    decide = _referral()
    return Legacy(1, "assessment", opening(t(12, 9)) + [
        ("decide", "threshold_decision", "assessment", FD, t(12, 10), decide),
        ("record_visit", "assessment", "assessment", SW, t(14, 16),
         {"child_seen": True, "seen_alone": False, "visited_at": "2026-01-14"})],
        facts={"decision": _decided(decide, "fd.worker", t(12, 10)),
               "referral_at": t(12, 10).isoformat(), "assessment_status": "open",
               "assessment_kind": "s17"},
        referral_at=t(12, 10), child_id=2)


def _awaiting_contact() -> Legacy:
    """2: an override awaiting sign-off, after a MASH meeting recommended level 2."""
    decide = _override(1, "no_further_action")
    meeting = {"meeting_id": 1, "meeting_date": "2026-01-12", "agenda_item_id": 1,
               "attending_agencies": ["police"], "views": {"police": "One call-out"},
               "outcome": "early_help", "rationale": "Low-level concerns", "level": 2}
    return Legacy(2, "awaiting_signoff", opening(t(12, 11))[:2] + [
        ("rate", "screening", "screening", FD, t(12, 11, 10), {"rag": "amber", "reason": "x"}),
        ("send_to_mash", "screening", "information_gathering", FD, t(12, 11, 15), {}),
        ("record_mash_discussion", "information_gathering", "information_gathering", CHAIR,
         t(12, 12), meeting),
        ("complete_information_gathering", "information_gathering", "threshold_decision", FD,
         t(12, 13), {}),
        ("decide", "threshold_decision", "awaiting_signoff", FD, t(12, 14), decide)],
        facts={"mash_recommendation": {k: meeting[k] for k in (
            "outcome", "level", "rationale", "meeting_id", "meeting_date")},
            "mash_discussions": 1, "open_requests": 0},
        pending_decision=_decided(decide, "fd.worker", t(12, 14)), rag="amber")


def _signed_off_contact() -> Legacy:
    """3: an override to early help, signed off by another manager."""
    decide = _override(2, "early_help", consent="given")
    return Legacy(3, "early_help", opening(t(13, 9)) + [
        ("decide", "threshold_decision", "awaiting_signoff", FD, t(13, 10), decide),
        ("sign_off", "awaiting_signoff", "early_help", TM, t(13, 15), {})],
        facts={"decision": _decided(decide, "fd.worker", t(13, 10),
                                    signed_off_by="team.manager",
                                    signed_off_at=t(13, 15).isoformat())})


def _returned_contact() -> Legacy:
    """4: an override returned to the worker, who then decided again (in force)."""
    again = {"outcome": "no_further_action", "level": 1, "rationale": "Nothing to add",
             "indicators": [], "recommended_level": 1, "is_override": False,
             "matches_recommendation": True, **STAMP}
    return Legacy(4, "closed", opening(t(13, 11)) + [
        ("decide", "threshold_decision", "awaiting_signoff", FD, t(13, 12),
         _override(1, "no_further_action")),
        ("return_decision", "awaiting_signoff", "threshold_decision", TM, t(13, 14),
         {"reason": "Refer for an assessment instead"}),
        ("decide", "threshold_decision", "closed", FD, t(13, 16), again)],
        facts={"decision": _decided(again, "fd.worker", t(13, 16))})


def _section_47_contact() -> Legacy:
    """5: a strategy discussion, a section 47 enquiry, an ICPC with a plan, a core group,
    and the review conference that ended the plan (the case continues as child in need)."""
    decide = _referral(outcome="strategy_discussion", reasonable_cause="Injury unexplained")
    held = "2026-01-13T09:30:00+00:00"
    return Legacy(5, "cin_plan", opening(t(12, 9, 30)) + [
        ("decide", "threshold_decision", "strategy_discussion", FD, t(12, 11), decide),
        ("hold_strategy_discussion", "strategy_discussion", "strategy_discussion", SW,
         t(13, 10), {"held_at": held, "chair": "team.manager", "outcome": "section_47",
                     "participation": GRID, "rationale": "Agreed",
                     "reasonable_cause": "Injury unexplained"}),
        ("start_section_47", "strategy_discussion", "section_47", SW, t(13, 11),
         {"reasonable_cause": "Injury unexplained"}),
        ("hold_icpc", "section_47", "cp_plan", SW, t(30, 12),
         {"plan": True, "held_at": "2026-01-30T10:00:00+00:00", "category": "NEG"}),
        ("hold_core_group", "cp_plan", "cp_plan", SW, t(6, 11, month=2),
         {"held_at": "2026-02-06T10:00:00+00:00"}),
        ("hold_review_conference", "cp_plan", "cin_plan", SW, t(20, 12, month=2),
         {"plan_continues": False, "held_at": "2026-02-20T10:00:00+00:00"})],
        facts={"decision": _decided(decide, "fd.worker", t(12, 11)),
               "referral_at": t(12, 11).isoformat(), "strategy_discussions": 1,
               "first_strategy_discussion_at": held, "last_strategy_discussion_at": held,
               "s47_open": False, "s47_count": 1, "s47_started_at": held,
               "assessment_status": "open", "assessment_kind": "s47"},
        referral_at=t(12, 11), child_id=1, team="assessment-north", worker="social.worker")


def _step_down_contact() -> Legacy:
    """6: assessed (child never seen), a CIN plan, then stepped down to early help."""
    step = {"consent": "given", "early_help_team": "Early Help North",
            "handover_on": "2026-02-02", "reason": "Family asked for support"}
    decide = _referral()
    return Legacy(6, "early_help", opening(t(14, 9)) + [
        ("decide", "threshold_decision", "assessment", FD, t(14, 10), decide),
        ("submit_assessment", "assessment", "assessment", SW, t(20, 10),
         {"factors": ["21"], "rationale": "Done"}),
        ("complete_assessment", "assessment", "cin_plan", TM, t(20, 15),
         {"assessment_outcome": "cin_plan"}),
        ("step_down", "cin_plan", "early_help", TM, t(27, 10), step)],
        facts={"decision": _decided(decide, "fd.worker", t(14, 10)),
               "referral_at": t(14, 10).isoformat(), "assessment_status": "authorised",
               "assessment_outcome": "cin_plan", "assessment_authorised_by": "team.manager",
               "step_down": {"consent": "given", "early_help_team": "Early Help North",
                             "handover_on": "2026-02-02", "by": "team.manager",
                             "at": t(27, 10).isoformat()},
               "closure_reason": "RC7"},
        referral_at=t(14, 10))


def _pending_strategy_contact() -> Legacy:
    """7: a strategy discussion decided on a section 47 that nobody has started yet."""
    decide = _referral(outcome="strategy_discussion", reasonable_cause="Bruising")
    held = "2026-01-15T13:00:00+00:00"
    return Legacy(7, "strategy_discussion", opening(t(15, 9)) + [
        ("decide", "threshold_decision", "strategy_discussion", FD, t(15, 10), decide),
        ("hold_strategy_discussion", "strategy_discussion", "strategy_discussion", SW,
         t(15, 14), {"held_at": held, "chair": "team.manager", "outcome": "section_47",
                     "participation": GRID, "rationale": "Agreed",
                     "reasonable_cause": "Bruising"})],
        facts={"decision": _decided(decide, "fd.worker", t(15, 10)),
               "referral_at": t(15, 10).isoformat(), "strategy_discussions": 1,
               "first_strategy_discussion_at": held, "last_strategy_discussion_at": held,
               "pending_strategy": {"outcome": "section_47", "held_at": held}},
        referral_at=t(15, 10))


def _left_screening_contact() -> Legacy:
    """8: rated amber, then sent straight to the decision: its MASH clock was left."""
    decide = {"outcome": "no_further_action", "level": 1, "rationale": "Advice given",
              "indicators": [], "recommended_level": 1, "is_override": False,
              "matches_recommendation": True, **STAMP}
    first = opening(t(16, 9))
    return Legacy(8, "closed", first[:2] + [
        ("rate", "screening", "screening", FD, t(16, 9, 10), {"rag": "amber", "reason": "x"}),
        ("proceed_to_decision", "screening", "threshold_decision", FD, t(16, 9, 30),
         {"reason": "No checks needed"}),
        ("decide", "threshold_decision", "closed", FD, t(16, 10), decide)],
        facts={"decision": _decided(decide, "fd.worker", t(16, 10))}, rag="amber")


def _open_case_contact() -> Legacy:
    """9: a contact about child 1, whose case (contact 5) is open: passed to its worker."""
    found = {"reference": "FD0000005", "contact_id": 5, "stage": "cp_plan",
             "team": "assessment-north", "worker": "social.worker"}
    return Legacy(9, "passed_to_allocated_worker", opening(t(16, 11))[:2] + [
        ("pass_to_allocated_worker", "screening", "passed_to_allocated_worker", FD,
         t(16, 11), {"open_case_reference": "FD0000005",
                     "reason": "Open case FD0000005: passed to the allocated worker"})],
        facts={"open_case_found": found, "open_case": "FD0000005"}, child_id=1,
        team="assessment-north", worker="social.worker")


def _flagged_contact() -> Legacy:
    """10: child 2 again within 12 months of a referral, the third contact in a week."""
    return Legacy(10, "received", opening(t(19, 9))[:1],
                  facts={"re_referral": {"previous": "FD0000001",
                                         "referral_at": t(12, 10).isoformat()},
                         "repeat_contacts": {"count": 3, "window_days": 7, "threshold": 2,
                                             "previous": ["FD0000001", "FD0000006"]}},
                  child_id=2)


def _strategy_nfa_contact() -> Legacy:
    """11: closed with no further action after its strategy discussion (RC7, NFA)."""
    decide = _referral(outcome="strategy_discussion", reasonable_cause="Allegation")
    return Legacy(11, "closed", opening(t(19, 10)) + [
        ("decide", "threshold_decision", "strategy_discussion", FD, t(19, 11), decide),
        ("hold_strategy_discussion", "strategy_discussion", "strategy_discussion", SW,
         t(19, 14), {"held_at": "2026-01-19T14:00:00+00:00", "chair": "team.manager",
                     "outcome": "no_further_action", "participation": GRID,
                     "rationale": "Explained"}),
        ("strategy_no_further_action", "strategy_discussion", "closed", TM, t(19, 15),
         {"rationale": "Explained by the hospital"})],
        facts={"decision": _decided(decide, "fd.worker", t(19, 11)),
               "referral_at": t(19, 11).isoformat(), "referral_nfa": True,
               "closure_reason": "RC7", "assessment_status": "closed"},
        referral_at=t(19, 11))


CONTACTS = [_decided_contact(), _awaiting_contact(), _signed_off_contact(),
            _returned_contact(), _section_47_contact(), _step_down_contact(),
            _pending_strategy_contact(), _left_screening_contact(), _open_case_contact(),
            _flagged_contact(), _strategy_nfa_contact()]


def _clock(contact_id: int, rule: str, started: datetime, stopped: datetime | None = None,
           stop_event: str | None = None, result: str | None = None) -> dict[str, Any]:
    return {"contact_id": contact_id, "rule": rule, "rule_version": f"{rule}@test",
            "started_at": started, "due_at": started + timedelta(days=1),
            "stopped_at": stopped, "stop_event": stop_event, "result": result}


CLOCKS = [
    _clock(1, "contact_decision", t(12, 9), t(12, 10), "decision_made", "met"),
    _clock(1, "assessment", t(12, 10)),
    _clock(1, "child_seen_s17", t(12, 10), t(14, 16), "child_seen", "met"),
    _clock(2, "contact_decision", t(12, 11)),
    _clock(2, "mash_amber", t(12, 11), t(12, 13), "information_gathering_completed", "met"),
    _clock(5, "icpc", t(13, 9, 30), t(30, 10), "icpc_held", "met"),
    # Left when the review conference ended the plan, not by an assessment authorised
    # without the child seen.
    _clock(5, "child_seen_s47", t(13, 11), t(20, 12, month=2), "left_for_cin_plan",
           "not_met"),
    # The assessment was authorised with the child never seen: the visit was needed.
    _clock(6, "child_seen_s17", t(14, 10), t(20, 15), "left_for_cin_plan", "not_met"),
    _clock(6, "assessment", t(14, 10), t(20, 15), "assessment_completed", "met"),
    # Decided straight from screening: no MASH checks were needed.
    _clock(8, "mash_amber", t(16, 9), t(16, 9, 30), "left_for_threshold_decision", "not_met"),
    _clock(8, "contact_decision", t(16, 9), t(16, 10), "decision_made", "met"),
    _clock(11, "assessment", t(19, 11), t(19, 15), "left_for_closed", "not_met"),
]


def _assessment(id_: int, contact_id: int, kind: str, status: str, started: datetime,
                **more: Any) -> dict[str, Any]:
    return {"id": id_, "contact_id": contact_id, "kind": kind, "status": status,
            "started_at": started, "summary": "", "factors": more.pop("factors", []),
            "returned_reason": "", "lateness_reason": "", **more}


def _discussion(id_: int, contact_id: int, held: datetime, outcome: str, initiating: bool,
                recorded: datetime) -> dict[str, Any]:
    return {"id": id_, "contact_id": contact_id, "event_seq": 5, "held_at": held,
            "chair": "team.manager", "stage": "strategy_discussion", "outcome": outcome,
            "rationale": "Agreed", "reasonable_cause": "", "absence_reason": "",
            "initiating": initiating, "recorded_by": "social.worker", "recorded_at": recorded}


OTHER_ROWS: list[tuple[str, list[dict[str, Any]]]] = [
    ("assessment", [
        _assessment(1, 1, "s17", "open", t(12, 10)),
        _assessment(2, 5, "s47", "open", t(12, 11)),
        _assessment(3, 6, "s17", "authorised", t(14, 10), author="social.worker",
                    submitted_at=t(20, 10), factors=["21"], authorised_by="team.manager",
                    authorised_at=t(20, 15), outcome="cin_plan"),
        _assessment(4, 11, "s17", "closed", t(19, 11))]),
    ("strategy_discussion", [
        _discussion(1, 5, t(13, 9, 30), "section_47", True, t(13, 10)),
        _discussion(2, 7, t(15, 13), "section_47", False, t(15, 14)),
        _discussion(3, 11, t(19, 14), "no_further_action", False, t(19, 14))]),
    ("strategy_participation", [
        {"discussion_id": d, "agency": a, "status": status, "reason": ""}
        for d in (1, 2, 3) for a, status in GRID.items()]),
    ("mash_meeting", [{"id": 1, "held_on": date(2026, 1, 12), "chair": "mash.chair",
                       "opened_at": t(12, 8)}]),
    ("mash_attendee", [{"id": 1, "meeting_id": 1, "agency": "police", "name": "DS Sample",
                        "position": ""}]),
    ("mash_agenda_item", [{"id": 1, "meeting_id": 1, "contact_id": 2, "added_by": "mash.chair",
                           "added_at": t(12, 8, 30), "views": {"police": "One call-out"},
                           "outcome": "early_help", "rationale": "Low-level concerns",
                           "decided_by": "mash.chair", "decided_at": t(12, 12)}]),
    ("clock", CLOCKS),
]


def _type(value: Any) -> Any:
    if isinstance(value, datetime):
        return UTCDateTime()
    if isinstance(value, dict | list):
        return JSONDoc
    if isinstance(value, date):
        return sa.Date()
    return None


def _insert(conn: sa.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """Rows into a table of the old schema, each value typed as the old columns were."""
    for row in rows:
        columns = [sa.column(name, _type(value)) for name, value in row.items()]
        conn.execute(sa.table(table, *columns).insert().values(**row))


def _write_legacy(engine: Engine) -> None:
    children = [{"id": n, "first_name": name, "last_name": "Example", "gender": "1",
                 "ethnicity": "NOBT", "created_at": t(12, 8)} for n, name in ((1, "Bo"),
                                                                                (2, "Cy"))]
    with engine.begin() as conn:
        _insert(conn, "child", children)
        _insert(conn, "contact", [c.row() for c in CONTACTS])
        _insert(conn, "contact_event", [e for c in CONTACTS for e in _event_rows(c.id, c.steps)])
        for table, rows in OTHER_ROWS:
            _insert(conn, table, rows)


# -- driving Alembic ------------------------------------------------------------------------------

def _alembic(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["url"] = url
    return config


@pytest.fixture
def legacy(empty_database_url: str) -> Iterator[tuple[str, Engine]]:
    """A database migrated to the heads 0007 merges, holding the earlier code's contacts."""
    for head in BEFORE:
        command.upgrade(_alembic(empty_database_url), head)
    engine = make_engine(empty_database_url)
    _write_legacy(engine)
    try:
        yield empty_database_url, engine
    finally:
        engine.dispose()


def _rows(engine: Engine, table: Any, **where: Any) -> list[dict[str, Any]]:
    """A table's rows as dicts (without their ids: a round trip may renumber them)."""
    columns = table.__table__.c
    query = sa.select(columns).order_by(*[columns[k] for k in ("contact_id", "id")
                                          if k in columns])
    for name, value in where.items():
        query = query.where(columns[name] == value)
    with engine.connect() as conn:
        return [{k: v for k, v in row._mapping.items() if k != "id"}
                for row in conn.execute(query)]


def _contact(engine: Engine, contact_id: int) -> dict[str, Any]:
    [row] = _rows(engine, ContactRow, id=contact_id)
    return row


def _every_new_home(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    return {table.__tablename__: _rows(engine, table) for table in NEW_HOMES}


def _facts(engine: Engine) -> dict[int, tuple[dict[str, Any], dict[str, Any] | None]]:
    """contact id → (facts, pending_decision) after a downgrade."""
    contact = sa.table("contact", sa.column("id"), sa.column("facts", JSONDoc),
                       sa.column("pending_decision", JSONDoc))
    with engine.connect() as conn:
        return {r.id: (r.facts, r.pending_decision)
                for r in conn.execute(sa.select(contact).order_by(contact.c.id))}


# -- the values in their new homes ----------------------------------------------------------------

def _decision(contact_id: int, seq: int, level: int, outcome: str, at: datetime,
              **more: Any) -> dict[str, Any]:
    override = more.get("is_override", False)
    return {"contact_id": contact_id, "event_seq": seq, "level": level, "outcome": outcome,
            "rationale": "Managed at home" if override else "Two acute needs",
            "indicators": ["L3-CD-HEALTH-01"] if override else ACUTE,
            "override_reason": "Family engaging well" if override else "",
            "reasonable_cause": "", "primary_need": None if override else "N1",
            "catalogue_id": "worcs-default", "catalogue_version": 2,
            "recommended_level": 3 if override else 4, "is_override": override,
            "matches_recommendation": not override, "decided_by": "fd.worker",
            "decided_at": at, "status": "in_force", "signed_off_by": None,
            "signed_off_at": None, "sign_off_comment": "", "returned_by": None,
            "returned_at": None, "return_reason": ""} | more


def test_every_value_of_the_old_facts_reaches_its_new_home(
        legacy: tuple[str, Engine]) -> None:
    url, engine = legacy

    command.upgrade(_alembic(url), "heads")

    _check_decisions(engine)
    _check_casework(engine)
    _check_contacts(engine)
    _check_clocks(engine)
    [item] = _rows(engine, AgendaItemRow)
    assert (item["outcome"], item["level"], item["views"]) == (
        "early_help", 2, {"police": "One call-out"})  # the level the meeting recommended


def _check_decisions(engine: Engine) -> None:
    nfa = {"outcome": "no_further_action", "level": 1}
    again = {"rationale": "Nothing to add", "indicators": [], "recommended_level": 1,
             "primary_need": None}
    assert _rows(engine, ThresholdDecisionRow) == [
        _decision(1, 4, 4, "referral_to_social_care", t(12, 10)),
        _decision(2, 7, 1, "no_further_action", t(12, 14), is_override=True,
                  status="awaiting_signoff"),
        _decision(3, 4, 2, "early_help", t(13, 10), is_override=True,
                  signed_off_by="team.manager", signed_off_at=t(13, 15)),
        _decision(4, 4, 1, "no_further_action", t(13, 12), is_override=True,
                  status="returned", returned_by="team.manager", returned_at=t(13, 14),
                  return_reason="Refer for an assessment instead"),
        _decision(4, 6, 1, "no_further_action", t(13, 16), **again),
        _decision(5, 4, 4, "strategy_discussion", t(12, 11),
                  reasonable_cause="Injury unexplained"),
        _decision(6, 4, 4, "referral_to_social_care", t(14, 10)),
        _decision(7, 4, 4, "strategy_discussion", t(15, 10), reasonable_cause="Bruising"),
        _decision(8, 5, **nfa, at=t(16, 10), rationale="Advice given", indicators=[],
                  recommended_level=1, primary_need=None),
        _decision(11, 4, 4, "strategy_discussion", t(19, 11), reasonable_cause="Allegation"),
    ]


#: What later migrations give the rows 0007 wrote (0020: no lead practitioner or MACPT on an
#: earlier enquiry; an earlier hand-over is an accepted transfer with no Family Help service).
_NOT_YET_IN_0007: dict[str, dict[str, Any]] = {
    "section_47": {"lead_practitioner": None, "lead_appointed_at": None, "macpt": None,
                   "assistance": None},
    "early_help_handover": {
        "service": None, "practitioner": None, "from_team": None, "status": "accepted",
        "answered_by": None, "answered_at": None, "return_reason": "", "assessed_on": None,
        "assessment_summary": "", "plan_agreed_on": None, "plan_outcomes": "",
        "next_review_on": None, "reviews": 0, "last_review_on": None},
}


def _check_casework(engine: Engine) -> None:
    assert _rows(engine, Section47Row) == [{
        "contact_id": 5, "event_seq": 6, "discussion_id": 1, "started_at": t(13, 9, 30),
        "status": "closed", "conference_at": t(30, 10), "plan_made": True, "category": "NEG",
        "not_required_reason": "", "closed_at": t(30, 12)} | _NOT_YET_IN_0007["section_47"]]
    assert _rows(engine, ChildProtectionPlanRow) == [{
        "contact_id": 5, "event_seq": 7, "started_at": t(30, 10), "category": "NEG",
        "ended_at": t(20, 10, month=2)}]
    assert _rows(engine, PlanMeetingRow) == [
        {"contact_id": 5, "event_seq": 8, "kind": "core_group", "held_at": t(6, 10, month=2),
         "plan_continues": None},
        {"contact_id": 5, "event_seq": 9, "kind": "review_conference",
         "held_at": t(20, 10, month=2), "plan_continues": False}]
    assert _rows(engine, VisitRow) == [{
        "contact_id": 1, "event_seq": 5, "visited_at": datetime(2026, 1, 14, tzinfo=LONDON),
        "child_seen": True, "seen_alone": False, "by": "social.worker",
        "not_alone_reason": ""}]
    assert _rows(engine, StepDownRow) == [{
        "contact_id": 6, "event_seq": 7, "consent": "given", "team": "Early Help North",
        "handover_on": date(2026, 2, 2), "by": "team.manager", "at": t(27, 10),
        "from_stage": "cin_plan"} | _NOT_YET_IN_0007["early_help_handover"]]
    carried = {(r["contact_id"], r["outcome"]): (r["carried_out"], r["initiating"])
               for r in _rows(engine, StrategyDiscussionRow)}
    assert carried == {(5, "section_47"): (True, True), (7, "section_47"): (False, False),
                       (11, "no_further_action"): (True, False)}


def _check_contacts(engine: Engine) -> None:
    columns = {c["name"] for c in sa.inspect(engine).get_columns("contact")}
    assert not columns & {"facts", "pending_decision"}
    flags = ("closure_reason", "referral_nfa", "open_case_reference", "open_case_contact_id",
             "re_referral_of", "repeat_contacts", "repeat_window_days")
    found = {c.id: tuple(_contact(engine, c.id)[f] for f in flags) for c in CONTACTS}
    nothing = (None, False, None, None, None, None, None)
    assert found == {
        1: nothing, 2: nothing, 3: nothing, 4: nothing, 5: nothing,
        6: ("RC7", False, None, None, None, None, None), 7: nothing, 8: nothing,
        9: (None, False, "FD0000005", 5, None, None, None),
        10: (None, False, None, None, 1, 3, 7),
        11: ("RC7", True, None, None, None, None, None)}
    assert {c.id: _contact(engine, c.id)["stage"] for c in CONTACTS} == {
        c.id: c.stage for c in CONTACTS}


def _check_clocks(engine: Engine) -> None:
    results = {(r["contact_id"], r["rule"]): r["result"] for r in _rows(engine, ClockRow)}
    assert results == {
        (1, "contact_decision"): "met", (1, "assessment"): None,
        (1, "child_seen_s17"): "met", (2, "contact_decision"): None,
        (2, "mash_amber"): "met", (5, "icpc"): "met",
        (5, "child_seen_s47"): "not_applicable",  # the plan ended, no assessment concluded
        (6, "child_seen_s17"): "not_met",  # authorised without the child seen
        (6, "assessment"): "met", (8, "mash_amber"): "not_applicable",
        (8, "contact_decision"): "met", (11, "assessment"): "not_applicable"}


# -- the schema and the round trip --------------------------------------------------------------

def test_the_migrated_schema_is_the_one_the_code_declares(legacy: tuple[str, Engine]) -> None:
    url, engine = legacy

    command.upgrade(_alembic(url), "heads")

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata()) == []  # type: ignore[arg-type]


def test_downgrade_rebuilds_the_facts_and_upgrading_again_gives_the_same_rows(
        legacy: tuple[str, Engine]) -> None:
    url, engine = legacy
    command.upgrade(_alembic(url), "heads")
    first = _every_new_home(engine)

    command.downgrade(_alembic(url), "0005")  # unmerges 0007 alone
    facts = _facts(engine)
    with engine.connect() as conn:
        heads = {r[0] for r in conn.execute(sa.text("SELECT version_num FROM alembic_version"))}
    command.upgrade(_alembic(url), "heads")

    assert heads == set(BEFORE)
    assert _every_new_home(engine) == first
    _check_rebuilt_facts(facts)


def _check_rebuilt_facts(facts: dict[int, tuple[dict[str, Any], dict[str, Any] | None]]
                         ) -> None:
    """What the earlier code read back, as it would have written it."""
    assert facts[1][0]["decision"]["outcome"] == "referral_to_social_care"
    assert facts[1][0]["assessment_status"] == "open"
    assert facts[2][0].get("decision") is None
    assert facts[2][1] is not None and facts[2][1]["is_override"] is True
    assert facts[3][0]["decision"]["signed_off_by"] == "team.manager"
    assert facts[4][1] is None and facts[4][0]["decision"]["rationale"] == "Nothing to add"
    assert facts[5][0]["s47_open"] is False
    assert facts[6][0]["step_down"] == CONTACTS[5].facts["step_down"]
    assert facts[6][0]["closure_reason"] == "RC7"
    assert facts[7][0]["pending_strategy"]["outcome"] == "section_47"
    assert facts[9][0]["open_case"] == "FD0000005"
    assert facts[9][0]["open_case_found"]["contact_id"] == 5
    assert facts[10][0]["re_referral"]["previous"] == "FD0000001"
    assert facts[10][0]["repeat_contacts"]["count"] == 3
    assert facts[11][0]["referral_nfa"] is True
