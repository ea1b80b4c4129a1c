"""One-line MASH commands for tests: each builds one command and hands it to ``handle``.

Information requests and the meeting's joint decision are actions on the contact
(``Act``); opening a meeting, its attendance and its agenda are the MASH's own commands.
These helpers only put the arguments in the order a test reads them: every rule is the
production one, behind ``workflow.services.handle``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from workflow.mash.commands import AddAttendee, AddToAgenda, OpenMeeting
from workflow.ports import UnitOfWork
from workflow.roles import Actor
from workflow.rules import Rules
from workflow.services import Act, handle


@dataclass(frozen=True)
class RequestForm:
    """What a worker fills in to ask an agency."""

    agency: str
    question: str
    lawful_basis: str
    authorised_by: str
    lawful_basis_detail: str = ""

    def data(self) -> dict[str, str]:
        """The request_information payload."""
        return {"agency": self.agency, "question": self.question,
                "lawful_basis": self.lawful_basis, "authorised_by": self.authorised_by,
                "lawful_basis_detail": self.lawful_basis_detail}


@dataclass(frozen=True)
class Joint:
    """The meeting's joint recommendation about one contact on its agenda."""

    outcome: str
    rationale: str
    views: Mapping[str, str] = field(default_factory=dict)
    level: int | None = None


def _act(uow: UnitOfWork, rules: Rules, action: str, contact_id: int | None, actor: Actor,
         data: Mapping[str, Any], version: int | None, now: datetime) -> dict[str, Any]:
    result: dict[str, Any] = handle(uow, rules, Act(action, contact_id, actor, now, data,
                                                    version))
    return result


def request_information(uow: UnitOfWork, rules: Rules, contact_id: int, form: RequestForm,
                        actor: Actor, version: int | None, now: datetime) -> dict[str, Any]:
    """Send one question to one agency (``version``: the one the worker's page showed)."""
    return _act(uow, rules, "request_information", contact_id, actor, form.data(), version,
                now)


def answer_request(uow: UnitOfWork, rules: Rules, request_id: int, answer: str,
                   actor: Actor, now: datetime, **more: Any) -> dict[str, Any]:
    """A partner answers by the request's id alone (the action finds the contact): shared
    on the public task basis unless ``more`` says otherwise."""
    data = {"request_id": request_id, "sharing": "shared", "answer": answer,
            "lawful_basis": "public_task"} | more
    return _act(uow, rules, "answer_request", None, actor, data, None, now)


def chase_request(uow: UnitOfWork, rules: Rules, contact_id: int, request_id: int,
                  actor: Actor, version: int | None, now: datetime) -> dict[str, Any]:
    """Log a chase of an open request."""
    return _act(uow, rules, "chase_request", contact_id, actor, {"request_id": request_id},
                version, now)


def withdraw_request(uow: UnitOfWork, rules: Rules, contact_id: int, request_id: int,
                     reason: str, actor: Actor, version: int | None,
                     now: datetime) -> dict[str, Any]:
    """Withdraw one open request, with a reason."""
    return _act(uow, rules, "withdraw_request", contact_id, actor,
                {"request_id": request_id, "reason": reason}, version, now)


def close_outstanding_requests(uow: UnitOfWork, rules: Rules, contact_id: int, reason: str,
                               actor: Actor, version: int | None,
                               now: datetime) -> dict[str, Any]:
    """A manager closes every open request of a contact."""
    return _act(uow, rules, "close_outstanding_requests", contact_id, actor,
                {"reason": reason}, version, now)


def open_meeting(uow: UnitOfWork, rules: Rules, day: date, actor: Actor,
                 now: datetime) -> int:
    """Open the meeting of ``day``; its id."""
    meeting_id: int = handle(uow, rules, OpenMeeting(day, actor, now))
    return meeting_id


def add_attendee(uow: UnitOfWork, rules: Rules, meeting_id: int, agency: str, name: str,
                 actor: Actor, now: datetime, position: str = "") -> None:
    """Record one person attending for one agency."""
    handle(uow, rules, AddAttendee(meeting_id, agency, name, position, actor, now))


def add_to_agenda(uow: UnitOfWork, rules: Rules, meeting_id: int, contact_id: int,
                  actor: Actor, now: datetime) -> int:
    """Put a contact on a meeting's agenda; the agenda item's id."""
    item: int = handle(uow, rules, AddToAgenda(meeting_id, contact_id, actor, now))
    return item


def record_decision(uow: UnitOfWork, rules: Rules, meeting_id: int, contact_id: int,
                    joint: Joint, actor: Actor, now: datetime) -> dict[str, Any]:
    """The meeting's joint decision about a contact on its agenda (no page read first)."""
    data: dict[str, Any] = {"meeting_id": meeting_id, "outcome": joint.outcome,
                            "rationale": joint.rationale, "views": dict(joint.views)}
    if joint.level is not None:
        data["level"] = joint.level
    return _act(uow, rules, "record_mash_discussion", contact_id, actor, data, None, now)
