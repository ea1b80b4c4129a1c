"""The SQL side of audits: samples, grades, moderation, actions and learning.

An audit carries a version, moved on by every change to its grades, so two auditors with
the same audit open cannot overwrite each other (the update is conditional on the version
read, which works on SQLite as on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workflow.audits.records import AgreedAction, Audit, Grade
from workflow.errors import InvalidInput, NotFound, StaleVersion
from workflow.persistence.tables import ContactRow
from workflow.persistence.tables_audits import (
    AuditActionRow,
    AuditGradeRow,
    AuditLearningRow,
    AuditRow,
    AuditSampleRow,
)


class SqlAudits:
    """The ``Audits`` port on one unit of work's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_sample(self, sample: Any, form_version: str, at: datetime) -> int:
        row = AuditSampleRow(title=sample.title[:200], method=sample.method, team=sample.team,
                             rule_id=sample.rule_id, seed=sample.seed,
                             drawn_by=sample.actor.username, drawn_at=at)
        self.session.add(row)
        self.session.flush()
        cases = self.session.execute(select(ContactRow.id, ContactRow.child_id,
                                            ContactRow.worker)
                                     .where(ContactRow.id.in_(sample.contact_ids)))
        for case in cases:
            self.session.add(AuditRow(
                sample_id=row.id, kind="case", form_id=sample.form_id,
                form_version=form_version, contact_id=case.id, child_id=case.child_id,
                practitioner=case.worker, auditor=sample.actor.username,
                status="not_started", created_at=at))
        self.session.flush()
        return row.id

    def add_observation(self, observation: Any, form_version: str, at: datetime) -> int:
        child_id = None
        if observation.contact_id is not None:
            child_id = self.session.scalar(select(ContactRow.child_id).where(
                ContactRow.id == observation.contact_id))
            if child_id is None:
                raise InvalidInput({"contact": "there is no contact with this reference"})
        row = AuditRow(kind="observation", form_id=observation.form_id,
                       form_version=form_version, contact_id=observation.contact_id,
                       child_id=child_id, practitioner=observation.practitioner.strip(),
                       auditor=observation.actor.username, status="draft", created_at=at)
        self.session.add(row)
        self.session.flush()
        return row.id

    def _row(self, audit_id: int) -> AuditRow:
        row = self.session.get(AuditRow, audit_id)
        if row is None:
            raise NotFound(f"There is no audit {audit_id}.")
        return row

    def get(self, audit_id: int) -> Audit:
        row = self._row(audit_id)
        grades = self.session.scalars(select(AuditGradeRow).where(
            AuditGradeRow.audit_id == audit_id).order_by(AuditGradeRow.id))
        actions = self.session.scalars(select(AuditActionRow).where(
            AuditActionRow.audit_id == audit_id).order_by(AuditActionRow.id))
        return Audit(row.id, row.form_id, row.form_version, row.kind, row.status, row.auditor,
                     row.practitioner, row.contact_id, row.child_id, row.version,
                     tuple(Grade(g.question_id, g.grade, g.evidence, g.moderated_grade,
                                 g.moderation_reason) for g in grades),
                     row.overall, row.moderator, tuple(_action(a) for a in actions))

    def _bump(self, audit_id: int, read_version: int, **values: Any) -> None:
        """Write the audit's own columns if nobody changed it since ``read_version``."""
        done = self.session.execute(update(AuditRow).where(
            AuditRow.id == audit_id, AuditRow.version == read_version).values(
            version=read_version + 1, **values))
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise StaleVersion(audit_id, read_version, None, "the audit")

    def save_grades(self, audit_id: int, status: str, grades: Mapping[str, tuple[str, str]],
                    overall: str | None, at: datetime, read_version: int) -> None:
        stored = {g.question_id: g for g in self.session.scalars(select(AuditGradeRow).where(
            AuditGradeRow.audit_id == audit_id))}
        for qid, (grade, evidence) in grades.items():
            row = stored.get(qid) or AuditGradeRow(audit_id=audit_id, question_id=qid)
            row.grade, row.evidence = grade, evidence.strip()
            self.session.add(row)
        self._bump(audit_id, read_version, status=status, overall=overall or None,
                   submitted_at=at if status == "submitted" else None)

    def moderate(self, audit_id: int, grades: tuple[Grade, ...], moderator: str, note: str,
                 at: datetime, read_version: int) -> None:
        stored = {g.question_id: g for g in self.session.scalars(select(AuditGradeRow).where(
            AuditGradeRow.audit_id == audit_id))}
        for grade in grades:
            row = stored[grade.question_id]
            row.moderated_grade, row.moderation_reason = (grade.moderated_grade,
                                                          grade.moderation_reason)
        self._bump(audit_id, read_version, status="moderated", moderator=moderator,
                   moderated_at=at, moderation_note=note)

    def add_action(self, audit_id: int, action: AgreedAction, by: str, at: datetime) -> int:
        row = AuditActionRow(audit_id=audit_id, text=action.text, owner=action.owner,
                             due_on=action.due_on, agreed_by=by, created_at=at)
        self.session.add(row)
        self.session.flush()
        return row.id

    def action(self, action_id: int) -> tuple[AgreedAction, int]:
        row = self.session.get(AuditActionRow, action_id)
        if row is None:
            raise NotFound(f"There is no agreed action {action_id}.")
        return _action(row), row.audit_id

    def complete_action(self, action_id: int, by: str, at: datetime, note: str) -> None:
        self.session.execute(update(AuditActionRow).where(AuditActionRow.id == action_id)
                             .values(done_at=at, done_by=by, done_note=note))

    def respond(self, audit_id: int, text: str, by: str, at: datetime) -> None:
        row = self._row(audit_id)
        row.response, row.response_at = text, at

    def add_learning(self, quarter: str, theme: str, summary: str, published: bool,
                     by: str, at: datetime) -> int:
        row = AuditLearningRow(quarter=quarter, theme=theme, summary=summary,
                               published=published, recorded_by=by, recorded_at=at)
        self.session.add(row)
        self.session.flush()
        return row.id


def _action(row: AuditActionRow) -> AgreedAction:
    return AgreedAction(row.text, row.owner, row.due_on, row.id, row.done_at)
