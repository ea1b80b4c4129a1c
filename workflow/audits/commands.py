"""Changing audits: draw a sample, save or submit an audit, moderate it, agree actions,
respond as the practitioner, mark an action done, record an observation and the learning.

Every change is a command handled here (``workflow.services.handle``) in one transaction;
who may do it is checked first (deny by default: only the roles of ``[audits]
auditor_roles`` audit), then the rules of ``workflow.audits.rules``, so a refusal writes
nothing and says which field is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from workflow.audits.records import AgreedAction, Audit
from workflow.audits.rules import MAX_TEXT, grade_problems, moderated, moderation_problems
from workflow.engine.registry import handles
from workflow.errors import InvalidInput, NotPermitted, StaleVersion
from workflow.ports import UnitOfWork
from workflow.roles import Actor
from workflow.rules import Rules

#: The longest an agreed action may be given, in working days (about a year).
MAX_ACTION_DAYS = 250


@dataclass(frozen=True)
class ProposedAction:
    """An action as the auditor types it: what, who, and how many working days."""

    text: str
    owner: str
    working_days: int | None = None


@dataclass(frozen=True)
class DrawSample:
    """Store a sample already drawn (``contact_ids``) and open an audit of each case."""

    title: str
    method: str  # "random" or "rule"
    form_id: str
    contact_ids: tuple[int, ...]
    actor: Actor
    now: datetime
    team: str | None = None
    rule_id: str | None = None
    seed: int | None = None


@dataclass(frozen=True)
class SaveAudit:
    audit_id: int
    grades: Mapping[str, tuple[str, str]]  # question → (grade, evidence)
    overall: str | None
    submit: bool
    actor: Actor
    now: datetime
    read_version: int
    action: ProposedAction | None = None


@dataclass(frozen=True)
class ModerateAudit:
    audit_id: int
    changes: Mapping[str, tuple[str, str]]  # question → (grade, reason)
    note: str
    actor: Actor
    now: datetime
    read_version: int
    action: ProposedAction | None = None


@dataclass(frozen=True)
class RespondToAudit:
    """The practitioner's response to the audit of their work."""

    audit_id: int
    response: str
    actor: Actor
    now: datetime


@dataclass(frozen=True)
class CompleteAction:
    action_id: int
    note: str
    actor: Actor
    now: datetime


@dataclass(frozen=True)
class RecordObservation:
    """Open an observation of a practitioner's work (a visit, a meeting, supervision)."""

    practitioner: str
    form_id: str
    actor: Actor
    now: datetime
    contact_id: int | None = None


@dataclass(frozen=True)
class RecordLearning:
    """A theme of the quarter's audits, for staff and (once published) for partners."""

    quarter: str
    theme: str
    summary: str
    published: bool
    actor: Actor
    now: datetime


def _auditor(rules: Rules, actor: Actor) -> None:
    if not rules.audits.may_audit(actor.role):
        raise NotPermitted(f"A {actor.role.label.lower()} may not audit cases.")


def _current(uow: UnitOfWork, audit_id: int, read_version: int) -> Audit:
    audit = uow.audits.get(audit_id)
    if audit.version != read_version:
        raise StaleVersion(audit_id, read_version, audit.version, "the audit")
    return audit


def _text(value: str, name: str, needed: str) -> str:
    text = value.strip()
    if not text:
        raise InvalidInput({name: needed})
    if len(text) > MAX_TEXT or "\x00" in text:
        raise InvalidInput({name: f"keep it under {MAX_TEXT:,} characters"})
    return text


def _note(value: str, name: str) -> str:
    """Optional text: trimmed, and refused when a database could not store it."""
    if len(value) > MAX_TEXT or "\x00" in value:
        raise InvalidInput({name: f"keep it under {MAX_TEXT:,} characters, as plain text"})
    return value.strip()


def _known(uow: UnitOfWork, username: str, name: str, needed: str) -> str:
    """A username the directory holds (checked before any query can choke on it)."""
    wanted = username.strip()
    if not wanted or len(wanted) > 80 or "\x00" in wanted or \
            uow.directory.account(wanted) is None:
        raise InvalidInput({name: needed})
    return wanted


def _agreed(uow: UnitOfWork, rules: Rules, proposed: ProposedAction, now: datetime
            ) -> AgreedAction:
    """The action with its due date, counted in working days from today."""
    text = _text(proposed.text, "action_text", "say what will be done")
    owner = _known(uow, proposed.owner, "action_owner", "choose the worker who will do it")
    days = proposed.working_days or rules.audits.action_due_days
    if not 0 < days <= MAX_ACTION_DAYS:
        raise InvalidInput({"action_days": f"give from 1 to {MAX_ACTION_DAYS} working days"})
    due = rules.calendar.add_working_days(rules.calendar.local_date(now), days)
    return AgreedAction(text, owner, due)


@handles(DrawSample)
def draw_sample(uow: UnitOfWork, rules: Rules, command: DrawSample) -> int:
    """Store the sample with its seed or rule, and an audit of each case not yet started."""
    _auditor(rules, command.actor)
    form = rules.audits.forms.get(command.form_id)
    if form is None or form.kind != "case":
        raise InvalidInput({"form_id": "choose a case file audit form"})
    version = form.in_force(rules.calendar.local_date(command.now))
    if version is None:
        raise InvalidInput({"form_id": "no version of this form is in force yet"})
    if not command.contact_ids:
        where = "rule" if command.method == "rule" else "size"
        raise InvalidInput({where: "no case matches: nothing was sampled"})
    with uow:
        made = uow.audits.add_sample(command, version.version, command.now)
        uow.commit()
    return made


@handles(SaveAudit)
def save_audit(uow: UnitOfWork, rules: Rules, command: SaveAudit) -> int:
    """Save the grades as a draft, or submit them for moderation."""
    _auditor(rules, command.actor)
    with uow:
        audit = _current(uow, command.audit_id, command.read_version)
        if audit.auditor != command.actor.username or audit.status not in (
                "not_started", "draft"):
            raise NotPermitted("Only the auditor may change an audit, and only until it is "
                               "submitted.")
        form = rules.audits.forms[audit.form_id].version(audit.form_version)
        assert form is not None, "an audit's form version is never removed from the config"
        problems = grade_problems(form, command.grades, command.overall, command.submit)
        if problems:
            raise InvalidInput(problems)
        action = _agreed(uow, rules, command.action, command.now) if command.action else None
        status = "submitted" if command.submit else "draft"
        uow.audits.save_grades(audit.id, status, command.grades, command.overall,
                               command.now, audit.version)
        if action:
            uow.audits.add_action(audit.id, action, command.actor.username, command.now)
        uow.commit()
    return audit.id


@handles(ModerateAudit)
def moderate_audit(uow: UnitOfWork, rules: Rules, command: ModerateAudit) -> int:
    """A second auditor agrees or changes each grade; the actions become agreed."""
    _auditor(rules, command.actor)
    with uow:
        audit = _current(uow, command.audit_id, command.read_version)
        problems = moderation_problems(audit, command.actor.username, command.changes)
        if problems:
            raise InvalidInput(problems)
        action = _agreed(uow, rules, command.action, command.now) if command.action else None
        uow.audits.moderate(audit.id, moderated(audit.grades, command.changes),
                            command.actor.username, _note(command.note, "note"),
                            command.now, audit.version)
        if action:
            uow.audits.add_action(audit.id, action, command.actor.username, command.now)
        uow.commit()
    return audit.id


@handles(RespondToAudit)
def respond_to_audit(uow: UnitOfWork, rules: Rules, command: RespondToAudit) -> int:
    """The practitioner says what they make of the audit (once it is submitted)."""
    text = _text(command.response, "response", "write your response")
    with uow:
        audit = uow.audits.get(command.audit_id)
        if audit.practitioner != command.actor.username:
            raise NotPermitted("Only the practitioner whose work was audited may respond.")
        if audit.status not in ("submitted", "moderated"):
            raise InvalidInput({"response": "you can respond once the audit is submitted"})
        uow.audits.respond(audit.id, text, command.actor.username, command.now)
        uow.commit()
    return audit.id


@handles(CompleteAction)
def complete_action(uow: UnitOfWork, rules: Rules, command: CompleteAction) -> int:
    """Mark an agreed action done: by its owner, or by an auditor tracking it."""
    with uow:
        action, _audit_id = uow.audits.action(command.action_id)
        if action.owner != command.actor.username and not rules.audits.may_audit(
                command.actor.role):
            raise NotPermitted("Only the owner of the action, or an auditor, may mark it done.")
        if action.done_at is not None:
            raise InvalidInput({"action": "this action is already done"})
        uow.audits.complete_action(command.action_id, command.actor.username, command.now,
                                   _note(command.note, "note"))
        uow.commit()
    return command.action_id


@handles(RecordObservation)
def record_observation(uow: UnitOfWork, rules: Rules, command: RecordObservation) -> int:
    """Open an observation, graded on an observation form the same way as an audit."""
    _auditor(rules, command.actor)
    form = rules.audits.forms.get(command.form_id)
    version = form.in_force(rules.calendar.local_date(command.now)) if form else None
    if form is None or form.kind != "observation" or version is None:
        raise InvalidInput({"form_id": "choose an observation form in force"})
    with uow:
        _known(uow, command.practitioner, "practitioner", "choose the practitioner you observed")
        made = uow.audits.add_observation(command, version.version, command.now)
        uow.commit()
    return made


@handles(RecordLearning)
def record_learning(uow: UnitOfWork, rules: Rules, command: RecordLearning) -> int:
    """Store a learning theme for a quarter (``2026-Q4``)."""
    _auditor(rules, command.actor)
    if not _is_quarter(command.quarter):
        raise InvalidInput({"quarter": "choose the quarter, for example 2026-Q4"})
    theme = _text(command.theme, "theme", "name the theme")[:200]
    summary = _text(command.summary, "summary", "summarise what the audits found")
    with uow:
        made = uow.audits.add_learning(command.quarter, theme, summary, command.published,
                                       command.actor.username, command.now)
        uow.commit()
    return made


def _is_quarter(text: str) -> bool:
    year, _, quarter = text.partition("-Q")
    return len(text) == 7 and year.isdigit() and quarter in ("1", "2", "3", "4")
