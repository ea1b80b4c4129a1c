"""typed state: every value the contact's free-form facts held gets one home of its own

Revision ID: 0007
Revises: 0002, 0003, 0005
Create Date: 2026-12-01 12:00:00

Why: ``contact.facts`` was a second, untyped state machine beside the stage (about 27
keys, the assessment status kept there and in its own table). Each value now has one
home: the threshold decision (with its sign-off or return) in ``threshold_decision``;
the section 47 enquiry, visits, child protection plans and their meetings, and step
downs in tables of their own; the census episode's closure reason and NFA flag, the open
case passed to, and the intake's known-child flags as columns of ``contact``. A strategy
discussion says whether its outcome was carried out; an agenda item keeps the level the
meeting recommended.

The new rows are built from the append-only events (what was decided, when, by whom) and
the old facts, so every past month keeps its figures (the level a MASH meeting recommended
comes from its event; a stepped-up contact's channel is "stepped_up"). Clocks the engine closed "not met" because the contact moved on
become "not applicable", as the engine now closes them, except a child-seen clock stopped
by the authorisation of an assessment that never saw the child: the assessment needed it.
Self-contained (no app code); the values moved are typed as their tables declare them.
Downgrade rebuilds the facts and the pending decision the earlier code read, from the new
homes, so upgrading again gives the same rows.
"""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import workflow.persistence.types

revision = "0007"
down_revision = ("0002", "0003", "0005")
branch_labels = None
depends_on = None

LONDON = ZoneInfo("Europe/London")
UTC_DT = workflow.persistence.types.UTCDateTime(timezone=True)
JSON = workflow.persistence.types.JSONDoc
CHILD_SEEN = ("child_seen_s17", "child_seen_s47")

contact = sa.table("contact", sa.column("id", sa.Integer), sa.column("facts", JSON),
                   sa.column("pending_decision", JSON), sa.column("referral_at", UTC_DT),
                   sa.column("closure_reason", sa.String), sa.column("referral_nfa", sa.Boolean),
                   sa.column("open_case_reference", sa.String),
                   sa.column("open_case_contact_id", sa.Integer),
                   sa.column("re_referral_of", sa.Integer),
                   sa.column("repeat_contacts", sa.Integer),
                   sa.column("repeat_window_days", sa.Integer))
events = sa.table("contact_event", sa.column("contact_id", sa.Integer),
                  sa.column("seq", sa.Integer), sa.column("trigger", sa.String),
                  sa.column("from_stage", sa.String), sa.column("to_stage", sa.String),
                  sa.column("actor", sa.String), sa.column("at", UTC_DT),
                  sa.column("reason", sa.Text), sa.column("payload", JSON))
clock = sa.table("clock", sa.column("contact_id", sa.Integer), sa.column("rule", sa.String),
                 sa.column("result", sa.String), sa.column("stopped_at", UTC_DT))
agenda = sa.table("mash_agenda_item", sa.column("meeting_id", sa.Integer),
                  sa.column("contact_id", sa.Integer), sa.column("level", sa.Integer))
discussion = sa.table("strategy_discussion", sa.column("id", sa.Integer),
                      sa.column("contact_id", sa.Integer), sa.column("held_at", UTC_DT),
                      sa.column("carried_out", sa.Boolean), sa.column("initiating", sa.Boolean))


#: Column types of the values moved into the new tables: instants through the project's
#: UTC type and lists as JSON, as the tables declare them (an untyped column would hand
#: the driver a Python list, or an aware datetime SQLite stores in a different format).
_TYPES = {"indicators": JSON, "handover_on": sa.Date()} | {
    name: UTC_DT for name in ("decided_at", "signed_off_at", "returned_at", "started_at",
                              "conference_at", "closed_at", "visited_at", "ended_at",
                              "held_at", "at")} | {
    name: sa.Boolean() for name in ("is_override", "matches_recommendation", "plan_made",
                                    "child_seen", "seen_alone", "carried_out")}


def _typed(name, columns):
    """A lightweight table over ``columns``, each with its type where it needs one."""
    return sa.table(name, *(sa.column(c, _TYPES.get(c)) for c in columns))


def _new_tables() -> None:
    op.create_table(
        "threshold_decision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contact.id"), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("indicators", JSON, nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("reasonable_cause", sa.Text(), nullable=False),
        sa.Column("primary_need", sa.String(2), nullable=True),
        sa.Column("catalogue_id", sa.String(60), nullable=False),
        sa.Column("catalogue_version", sa.Integer(), nullable=False),
        sa.Column("recommended_level", sa.Integer(), nullable=False),
        sa.Column("is_override", sa.Boolean(), nullable=False),
        sa.Column("matches_recommendation", sa.Boolean(), nullable=False),
        sa.Column("decided_by", sa.String(80), nullable=False),
        sa.Column("decided_at", UTC_DT, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("signed_off_by", sa.String(80), nullable=True),
        sa.Column("signed_off_at", UTC_DT, nullable=True),
        sa.Column("sign_off_comment", sa.Text(), nullable=False),
        sa.Column("returned_by", sa.String(80), nullable=True),
        sa.Column("returned_at", UTC_DT, nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=False))
    op.create_index("ix_threshold_decision_contact_id", "threshold_decision", ["contact_id"])
    op.create_index("ix_threshold_decision_decided_at", "threshold_decision", ["decided_at"])
    op.create_table(
        "section_47",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contact.id"), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("discussion_id", sa.Integer(), sa.ForeignKey("strategy_discussion.id"),
                  nullable=True),
        sa.Column("started_at", UTC_DT, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("conference_at", UTC_DT, nullable=True),
        sa.Column("plan_made", sa.Boolean(), nullable=True),
        sa.Column("category", sa.String(3), nullable=True),
        sa.Column("not_required_reason", sa.Text(), nullable=False),
        sa.Column("closed_at", UTC_DT, nullable=True))
    op.create_index("ix_section_47_contact_id", "section_47", ["contact_id"])
    op.create_index("ix_section_47_started_at", "section_47", ["started_at"])
    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contact.id"), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("visited_at", UTC_DT, nullable=False),
        sa.Column("child_seen", sa.Boolean(), nullable=False),
        sa.Column("seen_alone", sa.Boolean(), nullable=True),
        sa.Column("by", sa.String(80), nullable=False))
    op.create_index("ix_visit_contact_id", "visit", ["contact_id"])
    op.create_table(
        "child_protection_plan",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contact.id"), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("started_at", UTC_DT, nullable=False),
        sa.Column("category", sa.String(3), nullable=False),
        sa.Column("ended_at", UTC_DT, nullable=True))
    op.create_index("ix_child_protection_plan_contact_id", "child_protection_plan",
                    ["contact_id"])
    op.create_index("ix_child_protection_plan_started_at", "child_protection_plan",
                    ["started_at"])
    op.create_table(
        "plan_meeting",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contact.id"), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("held_at", UTC_DT, nullable=False),
        sa.Column("plan_continues", sa.Boolean(), nullable=True))
    op.create_index("ix_plan_meeting_contact_id", "plan_meeting", ["contact_id"])
    op.create_table(
        "early_help_handover",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contact.id"), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("consent", sa.String(20), nullable=False),
        sa.Column("team", sa.String(120), nullable=False),
        sa.Column("handover_on", sa.Date(), nullable=False),
        sa.Column("by", sa.String(80), nullable=False),
        sa.Column("at", UTC_DT, nullable=False),
        sa.Column("from_stage", sa.String(40), nullable=False))
    op.create_index("ix_early_help_handover_contact_id", "early_help_handover", ["contact_id"])
    op.create_index("ix_early_help_handover_at", "early_help_handover", ["at"])


def _new_columns() -> None:
    with op.batch_alter_table("clock") as batch:  # "not_applicable" needs 14 characters
        batch.alter_column("result", existing_type=sa.String(12), type_=sa.String(20),
                           existing_nullable=True)
    with op.batch_alter_table("contact") as batch:
        batch.add_column(sa.Column("closure_reason", sa.String(4), nullable=True))
        batch.add_column(sa.Column("referral_nfa", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("open_case_reference", sa.String(40), nullable=True))
        batch.add_column(sa.Column("open_case_contact_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("re_referral_of", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("repeat_contacts", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("repeat_window_days", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_contact_open_case", "contact", ["open_case_contact_id"],
                                 ["id"])
        batch.create_foreign_key("fk_contact_re_referral", "contact", ["re_referral_of"], ["id"])
        batch.create_index("ix_contact_linked_contact_id", ["linked_contact_id"])
    with op.batch_alter_table("strategy_discussion") as batch:
        batch.add_column(sa.Column("carried_out", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
    with op.batch_alter_table("mash_agenda_item") as batch:
        batch.add_column(sa.Column("level", sa.Integer(), nullable=True))
    # "not_applicable" is 14 characters: PostgreSQL refuses it in the old VARCHAR(12).
    with op.batch_alter_table("clock") as batch:
        batch.alter_column("result", existing_type=sa.String(12), type_=sa.String(20),
                           existing_nullable=True)


# -- moving the values -------------------------------------------------------------------
def _moment(value, fallback=None):
    if not value:
        return fallback
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        return datetime(moment.year, moment.month, moment.day, tzinfo=LONDON)
    return moment


def _reference_id(text):
    digits = str(text or "").upper().removeprefix("FD")
    return int(digits) if digits.isdigit() else None


def _contact_columns(conn, row) -> None:
    facts = row.facts or {}
    found = (facts.get("open_case_found") or {}).get("contact_id")
    repeat = facts.get("repeat_contacts") or {}
    values = {
        "closure_reason": facts.get("closure_reason"),
        "referral_nfa": bool(facts.get("referral_nfa")),
        "open_case_reference": facts.get("open_case"),
        "open_case_contact_id": found,
        "re_referral_of": _reference_id((facts.get("re_referral") or {}).get("previous")),
        "repeat_contacts": repeat.get("count"), "repeat_window_days": repeat.get("window_days")}
    conn.execute(contact.update().where(contact.c.id == row.id).values(**values))


_DECISION_KEYS = ("level", "outcome", "rationale", "override_reason", "reasonable_cause",
                  "primary_need")


def _decision_row(event, signed, returned):
    p = event.payload or {}
    override = bool(p.get("is_override"))
    status = "in_force" if not override or signed else (
        "returned" if returned else "awaiting_signoff")
    row = {k: p.get(k) for k in _DECISION_KEYS} | {
        "contact_id": event.contact_id, "event_seq": event.seq,
        "level": int(p.get("level") or 0), "outcome": str(p.get("outcome") or ""),
        "rationale": str(p.get("rationale") or event.reason or ""),
        "override_reason": str(p.get("override_reason") or ""),
        "reasonable_cause": str(p.get("reasonable_cause") or ""),
        "indicators": list(p.get("indicators") or []),
        "catalogue_id": str(p.get("catalogue_id") or "not recorded"),
        "catalogue_version": int(p.get("catalogue_version") or 0),
        "recommended_level": int(p.get("recommended_level") or p.get("level") or 0),
        "is_override": override,
        "matches_recommendation": bool(p.get("matches_recommendation",
                                             p.get("recommended_level") == p.get("level"))),
        "decided_by": event.actor, "decided_at": event.at, "status": status,
        "sign_off_comment": "", "return_reason": ""}
    if signed:
        row |= {"signed_off_by": signed.actor, "signed_off_at": signed.at}
    if returned and not signed:
        row |= {"returned_by": returned.actor, "returned_at": returned.at,
                "return_reason": str((returned.payload or {}).get("reason") or returned.reason)}
    return row


def _decisions(conn, history) -> None:
    table = _typed("threshold_decision", (
        "contact_id", "event_seq", "level", "outcome", "rationale", "indicators",
        "override_reason", "reasonable_cause", "primary_need", "catalogue_id",
        "catalogue_version", "recommended_level", "is_override", "matches_recommendation",
        "decided_by", "decided_at", "status", "signed_off_by", "signed_off_at",
        "sign_off_comment", "returned_by", "returned_at", "return_reason"))
    rows = []
    for i, event in enumerate(history):
        if event.trigger != "decide":
            continue
        after = next((e for e in history[i + 1:] if e.trigger in ("sign_off",
                                                                  "return_decision",
                                                                  "decide")), None)
        signed = after if after is not None and after.trigger == "sign_off" else None
        returned = after if after is not None and after.trigger == "return_decision" else None
        rows.append(_decision_row(event, signed, returned))
    for row in rows:
        conn.execute(table.insert().values(**row))


def _enquiries(conn, history, facts) -> None:
    table = _typed("section_47", (
        "contact_id", "event_seq", "discussion_id", "started_at", "status", "conference_at",
        "plan_made", "category", "not_required_reason", "closed_at"))
    open_row = None
    for event in history:
        p = event.payload or {}
        if event.trigger == "start_section_47":
            held = conn.execute(sa.select(discussion.c.id, discussion.c.held_at).where(
                discussion.c.contact_id == event.contact_id, discussion.c.held_at <= event.at)
                .order_by(discussion.c.id.desc()).limit(1)).first()
            # The initiating discussion's date; facts kept only the latest enquiry's.
            named = _moment(p.get("initiating_discussion_at"))
            started = named or (held.held_at if held else None)
            open_row = {"contact_id": event.contact_id, "event_seq": event.seq,
                        "discussion_id": held.id if held else None,
                        "started_at": started or _moment(facts.get("s47_started_at"),
                                                         event.at),
                        "status": "open", "conference_at": None, "plan_made": None,
                        "category": None, "not_required_reason": "", "closed_at": None}
            conn.execute(table.insert().values(**open_row))
        elif event.trigger in ("hold_icpc", "icpc_not_required") and open_row:
            values = {"status": "closed", "closed_at": event.at}
            if event.trigger == "hold_icpc":
                values |= {"conference_at": _moment(p.get("held_at"), event.at),
                           "plan_made": bool(p.get("plan")), "category": p.get("category")}
            else:
                values["not_required_reason"] = str(p.get("reason") or "")
            conn.execute(table.update().where(table.c.contact_id == event.contact_id,
                                              table.c.event_seq == open_row["event_seq"])
                         .values(**values))
            open_row = None


def _visits_and_plans(conn, history) -> None:
    visits = _typed("visit", (
        "contact_id", "event_seq", "visited_at", "child_seen", "seen_alone", "by"))
    plans = _typed("child_protection_plan", (
        "contact_id", "event_seq", "started_at", "category", "ended_at"))
    meetings = _typed("plan_meeting", (
        "contact_id", "event_seq", "kind", "held_at", "plan_continues"))
    for event in history:
        p, held = event.payload or {}, None
        if event.trigger == "record_visit":
            conn.execute(visits.insert().values(
                contact_id=event.contact_id, event_seq=event.seq,
                visited_at=_moment(p.get("visited_at"), event.at),
                child_seen=p.get("child_seen") is True, seen_alone=p.get("seen_alone"),
                by=event.actor))
        elif event.trigger == "hold_icpc" and p.get("plan") is True:
            conn.execute(plans.insert().values(
                contact_id=event.contact_id, event_seq=event.seq,
                started_at=_moment(p.get("held_at"), event.at),
                category=str(p.get("category") or "NEG"), ended_at=None))
        elif event.trigger in ("hold_core_group", "hold_review_conference"):
            held = _moment(p.get("held_at"), event.at)
            kind = "core_group" if event.trigger == "hold_core_group" else "review_conference"
            conn.execute(meetings.insert().values(
                contact_id=event.contact_id, event_seq=event.seq, kind=kind, held_at=held,
                plan_continues=p.get("plan_continues")))
            if p.get("plan_continues") is False:
                conn.execute(plans.update().where(plans.c.contact_id == event.contact_id,
                                                  plans.c.ended_at.is_(None))
                             .values(ended_at=held))


def _step_down(conn, row, history) -> None:
    facts = row.facts or {}
    step = facts.get("step_down")
    if not step:
        return
    table = _typed("early_help_handover", (
        "contact_id", "event_seq", "consent", "team", "handover_on", "by", "at", "from_stage"))
    event = next((e for e in reversed(history)
                  if e.trigger in ("step_down", "complete_assessment")), None)
    at = _moment(step.get("at"), event.at if event else datetime.now(LONDON))
    handover = step.get("handover_on")
    conn.execute(table.insert().values(
        contact_id=row.id, event_seq=event.seq if event else 0,
        consent=str(step.get("consent") or "given"), team=str(step.get("early_help_team") or ""),
        handover_on=date.fromisoformat(handover[:10]) if handover else at.date(),
        by=str(step.get("by") or (event.actor if event else "")),
        at=at, from_stage=event.from_stage if event else "cin_plan"))


def _pending_discussion(conn, row) -> None:
    if not (row.facts or {}).get("pending_strategy"):
        return
    latest = conn.execute(sa.select(discussion.c.id).where(
        discussion.c.contact_id == row.id).order_by(discussion.c.id.desc()).limit(1)).scalar()
    if latest is not None:
        conn.execute(discussion.update().where(discussion.c.id == latest)
                     .values(carried_out=False))


def _agenda_levels(conn, history) -> None:
    """The level a meeting recommended was kept only in its event (and the facts)."""
    for event in history:
        p = event.payload or {}
        if event.trigger == "record_mash_discussion" and p.get("level") is not None:
            conn.execute(agenda.update().where(agenda.c.meeting_id == p.get("meeting_id"),
                                               agenda.c.contact_id == event.contact_id)
                         .values(level=int(p["level"])))


def _clock_results(conn) -> None:
    """A clock left without its stop event is not applicable, unless an assessment was
    authorised with the child never seen (the engine's only ``leaves_unmet`` rows): the
    clock stopped by that very event stays not met."""
    by_assessment = sa.exists().where(events.c.contact_id == clock.c.contact_id,
                                      events.c.trigger == "complete_assessment",
                                      events.c.at == clock.c.stopped_at)
    conn.execute(clock.update().where(clock.c.result == "not_met",
                                      ~(clock.c.rule.in_(CHILD_SEEN) & by_assessment))
                 .values(result="not_applicable"))


def _move_values(conn) -> None:
    for row in conn.execute(sa.select(contact.c.id, contact.c.facts)).all():
        history = conn.execute(sa.select(events).where(events.c.contact_id == row.id)
                               .order_by(events.c.seq)).all()
        _contact_columns(conn, row)
        _decisions(conn, history)
        _enquiries(conn, history, row.facts or {})
        _visits_and_plans(conn, history)
        _step_down(conn, row, history)
        _pending_discussion(conn, row)
        _agenda_levels(conn, history)
    _clock_results(conn)
    channel = sa.table("contact", sa.column("channel", sa.String))
    conn.execute(channel.update().where(channel.c.channel == "step_up")
                 .values(channel="stepped_up"))


def upgrade() -> None:
    _new_tables()
    _new_columns()
    _move_values(op.get_bind())
    with op.batch_alter_table("contact") as batch:
        batch.drop_column("facts")
        batch.drop_column("pending_decision")


# -- back to the facts -----------------------------------------------------------------
def _latest(conn, name, columns, contact_id, *where):
    table = _typed(name, ("id", "contact_id", *columns))
    return conn.execute(sa.select(table).where(table.c.contact_id == contact_id, *[
        sa.text(w) for w in where]).order_by(table.c.id.desc()).limit(1)).first()


_OLD_DECISION = ("level", "outcome", "recommended_level", "catalogue_id", "catalogue_version",
                 "is_override", "override_reason", "rationale", "indicators")


def _old_decision(row):
    """A decision as the earlier ``_decide`` effect kept it (and ``_sign_off`` completed it)."""
    kept = {k: getattr(row, k) for k in _OLD_DECISION}
    kept |= {"decided_by": row.decided_by, "decided_at": row.decided_at.isoformat()}
    if row.signed_off_by:
        kept |= {"signed_off_by": row.signed_off_by,
                 "signed_off_at": row.signed_off_at.isoformat()}
    return kept


def _decision_facts(conn, contact_id):
    columns = (*_OLD_DECISION, "decided_by", "decided_at", "signed_off_by", "signed_off_at")
    facts, pending = {}, None
    in_force = _latest(conn, "threshold_decision", columns, contact_id, "status = 'in_force'")
    if in_force is not None:
        facts["decision"] = _old_decision(in_force)
    waiting = _latest(conn, "threshold_decision", columns, contact_id,
                      "status = 'awaiting_signoff'")
    if waiting is not None:
        pending = _old_decision(waiting)
    return facts, pending


def _flag_facts(row):
    facts = {}
    if row.open_case_contact_id is not None:
        facts["open_case_found"] = {"reference": f"FD{row.open_case_contact_id:07d}",
                                    "contact_id": row.open_case_contact_id}
    if row.re_referral_of is not None:
        facts["re_referral"] = {"previous": f"FD{row.re_referral_of:07d}"}
    if row.repeat_contacts is not None:
        facts["repeat_contacts"] = {"count": row.repeat_contacts,
                                    "window_days": row.repeat_window_days}
    return facts


def _casework_facts(conn, contact_id):
    facts = {}
    step = _latest(conn, "early_help_handover", ("consent", "team", "handover_on", "by", "at"),
                   contact_id)
    if step is not None:
        facts["step_down"] = {"consent": step.consent, "early_help_team": step.team,
                              "handover_on": step.handover_on.isoformat(), "by": step.by,
                              "at": step.at.isoformat()}
    talk = _latest(conn, "strategy_discussion", ("outcome", "held_at", "carried_out"),
                   contact_id)
    if talk is not None:
        facts["last_strategy_discussion_at"] = talk.held_at.isoformat()
        if not talk.carried_out:
            facts["pending_strategy"] = {"outcome": talk.outcome,
                                         "held_at": talk.held_at.isoformat()}
    enquiry = _latest(conn, "section_47", ("started_at", "status"), contact_id)
    if enquiry is not None:
        facts |= {"s47_open": enquiry.status == "open",
                  "s47_started_at": enquiry.started_at.isoformat()}
    assessment = _latest(conn, "assessment", ("kind", "status", "author", "outcome"),
                         contact_id)
    if assessment is not None:
        facts |= {"assessment_status": assessment.status,
                  "assessment_kind": assessment.kind}
        facts |= {k: v for k, v in (("assessment_author", assessment.author),
                                    ("assessment_outcome", assessment.outcome)) if v}
    return facts


def _facts_of(conn, row):
    """The facts (and pending decision) the earlier code read, rebuilt from their homes."""
    facts = {"closure_reason": row.closure_reason, "open_case": row.open_case_reference,
             "referral_at": row.referral_at.isoformat() if row.referral_at else None}
    facts = {k: v for k, v in facts.items() if v}
    if row.referral_nfa:
        facts["referral_nfa"] = True
    decided, pending = _decision_facts(conn, row.id)
    facts |= decided | _flag_facts(row) | _casework_facts(conn, row.id)
    facts["open_requests"] = conn.execute(sa.text(
        "SELECT COUNT(*) FROM info_request WHERE contact_id = :c AND status = 'open'"),
        {"c": row.id}).scalar()
    return facts, pending


def downgrade() -> None:
    conn = op.get_bind()
    with op.batch_alter_table("contact") as batch:
        batch.add_column(sa.Column("facts", JSON, nullable=True))
        batch.add_column(sa.Column("pending_decision", JSON, nullable=True))
    rows = conn.execute(sa.select(contact.c.id, contact.c.closure_reason,
                                  contact.c.open_case_reference, contact.c.referral_nfa,
                                  contact.c.referral_at, contact.c.open_case_contact_id,
                                  contact.c.re_referral_of, contact.c.repeat_contacts,
                                  contact.c.repeat_window_days)).all()
    for row in rows:
        facts, pending = _facts_of(conn, row)
        conn.execute(contact.update().where(contact.c.id == row.id)
                     .values(facts=facts, pending_decision=pending))
    conn.execute(clock.update().where(clock.c.result == "not_applicable")
                 .values(result="not_met"))
    channel = sa.table("contact", sa.column("channel", sa.String))
    conn.execute(channel.update().where(channel.c.channel == "stepped_up")
                 .values(channel="step_up"))
    with op.batch_alter_table("clock") as batch:
        batch.alter_column("result", existing_type=sa.String(20), type_=sa.String(12),
                           existing_nullable=True)
    with op.batch_alter_table("contact") as batch:
        batch.alter_column("facts", existing_type=JSON, nullable=False)
        batch.drop_constraint("fk_contact_open_case", type_="foreignkey")
        batch.drop_constraint("fk_contact_re_referral", type_="foreignkey")
        batch.drop_index("ix_contact_linked_contact_id")
        for name in ("closure_reason", "referral_nfa", "open_case_reference",
                     "open_case_contact_id", "re_referral_of", "repeat_contacts",
                     "repeat_window_days"):
            batch.drop_column(name)
    with op.batch_alter_table("strategy_discussion") as batch:
        batch.drop_column("carried_out")
    with op.batch_alter_table("mash_agenda_item") as batch:
        batch.drop_column("level")
    for name in ("early_help_handover", "plan_meeting", "child_protection_plan", "visit", "section_47",
                 "threshold_decision"):
        op.drop_table(name)
