"""Information requests to partner agencies: ask, answer, chase, withdraw, close.

Each use case is one unit of work: the request row changes and the engine records the
matching in-stage event on the contact (with the open-request count the
``no_open_requests`` guard reads) in the same transaction, so a refusal from either
leaves both unchanged. A partner practitioner's agency is checked here, *before* the
engine is asked: an answer from another agency is refused with a clear message and
nothing is written.

Each request gets its due instant from the contact's RAG rating when it is sent, by the
rules in ``config/agency_timescales.toml`` (red round the clock, amber and green in
working hours); the rule version is stored with it, as every clock stores its rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from workflow.contact import Contact, require_aware
from workflow.errors import InvalidTransition, NotPermitted, StaleVersion
from workflow.mash.config import MashConfig
from workflow.mash.ports import InfoRequest, MashUnitOfWork, NewRequest
from workflow.rules import Rules
from workflow.services import Actor, summary
from workflow.stages import Stage

T = TypeVar("T")
RETRIES = 3


@dataclass(frozen=True)
class RequestForm:
    """What the worker fills in to ask an agency."""

    agency: str
    question: str
    lawful_basis: str
    authorised_by: str
    lawful_basis_detail: str = ""


def _load(uow: MashUnitOfWork, contact_id: int, read_version: int | None) -> Contact:
    contact = uow.contacts.get(contact_id)
    if read_version is not None and contact.version != read_version:
        raise StaleVersion(contact_id, read_version, contact.version)
    return contact


def _fire_and_save(uow: MashUnitOfWork, rules: Rules, contact: Contact, trigger: str,
                   actor: Actor, payload: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    counted = dict(payload) | {"_open_requests": uow.requests.count_open(contact.id or 0)}
    read_version = contact.version
    rules.engine.fire(contact, trigger, actor.username, actor.role, counted, now)
    uow.contacts.save(contact, read_version)
    uow.commit()
    return summary(contact)


def retrying(work: Callable[[], T]) -> T:
    """Run a change that reads the contact's current version itself (a partner's answer, a
    meeting decision) again if someone changed the contact in between: nobody typed
    against an old page, so there is nothing for a person to reconcile."""
    for _attempt in range(RETRIES - 1):
        try:
            return work()
        except StaleVersion:
            continue
    return work()


# -- asking ---------------------------------------------------------------------------
def request_information(uow: MashUnitOfWork, rules: Rules, mash: MashConfig, contact_id: int,
                        form: RequestForm, actor: Actor, read_version: int,
                        now: datetime) -> dict[str, Any]:
    """Send one question to one agency; due by the RAG rating's deadline."""
    require_aware(now, "now")
    payload: dict[str, Any] = {
        "agency": form.agency, "question": form.question.strip(),
        "lawful_basis": form.lawful_basis, "lawful_basis_detail": form.lawful_basis_detail,
        "authorised_by": form.authorised_by.strip(), "_agencies": mash.agencies.ids()}
    with uow:
        contact = _load(uow, contact_id, read_version)
        if contact.rag and contact.stage is Stage.INFORMATION_GATHERING:
            payload |= _store_request(uow, rules, mash, contact, form, actor, now)
        return _fire_and_save(uow, rules, contact, "request_information", actor, payload, now)


def _store_request(uow: MashUnitOfWork, rules: Rules, mash: MashConfig, contact: Contact,
                   form: RequestForm, actor: Actor, now: datetime) -> dict[str, Any]:
    """Insert the row (the engine's refusal, if any, rolls it back with everything else)."""
    calendar = rules.calendar
    rule = mash.deadline_rule(str(contact.rag), calendar.local_date(now))
    due = rule.due(now, calendar)
    new = NewRequest(contact.id or 0, contact.child_id, form.agency, form.question.strip(),
                     form.lawful_basis, form.lawful_basis_detail.strip(),
                     form.authorised_by.strip(), actor.username, now,
                     calendar.local_date(now).strftime("%Y-%m"), str(contact.rag),
                     rule.version, due)
    return {"request_id": uow.requests.add(new), "due_at": due, "rule_version": rule.version}


# -- answering (partners) -------------------------------------------------------------
def answer_request(uow: MashUnitOfWork, rules: Rules, mash: MashConfig, request_id: int,
                   answer: str, actor: Actor, agency: str | None,
                   now: datetime) -> dict[str, Any]:
    """A partner answers a request addressed to their own agency, and no other."""
    require_aware(now, "now")

    def work() -> dict[str, Any]:
        with uow:
            request = uow.requests.get(request_id)
            _check_own_agency(mash, request, agency)
            _check_open(request, "answered")
            contact = _load(uow, request.contact_id, None)
            uow.requests.answer(request_id, answer.strip(), actor.username, now)
            payload = {"request_id": request_id, "agency": request.agency,
                       "answer": answer.strip(), "answered_late": now > request.due_at}
            return _answer_fired(uow, rules, contact, actor, payload, now)

    return retrying(work)


def _check_own_agency(mash: MashConfig, request: InfoRequest, agency: str | None) -> None:
    if agency and request.agency == agency:
        return
    addressed = mash.agencies.name(request.agency)
    yours = mash.agencies.name(agency) if agency else "no agency"
    raise NotPermitted(f"This request is addressed to {addressed}; your account is for "
                       f"{yours}, so you cannot see or answer it. Nothing was saved.")


def _check_open(request: InfoRequest, doing: str) -> None:
    if request.status != "open":
        raise InvalidTransition(f"This request is already {request.status}, so it cannot be "
                                f"{doing}. Nothing was saved.")


def _answer_fired(uow: MashUnitOfWork, rules: Rules, contact: Contact, actor: Actor,
                  payload: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """Fire answer_request; a contact that moved on is explained without its details."""
    if contact.stage is not Stage.INFORMATION_GATHERING:
        raise InvalidTransition("This request can no longer be answered: the enquiry it "
                                "belongs to has finished. Nothing was saved.")
    return _fire_and_save(uow, rules, contact, "answer_request", actor, payload, now)


# -- chasing, withdrawing, closing (front door) ---------------------------------------
def chase_request(uow: MashUnitOfWork, rules: Rules, request_id: int, actor: Actor,
                  read_version: int, now: datetime) -> dict[str, Any]:
    """Record that an open request was chased (the event is the log of the chase)."""
    with uow:
        request = uow.requests.get(request_id)
        _check_open(request, "chased")
        contact = _load(uow, request.contact_id, read_version)
        uow.requests.chase(request_id, now)
        payload = {"request_id": request_id, "agency": request.agency,
                   "overdue": now > request.due_at}
        return _fire_and_save(uow, rules, contact, "chase_request", actor, payload, now)


def withdraw_request(uow: MashUnitOfWork, rules: Rules, request_id: int, reason: str,
                     actor: Actor, read_version: int, now: datetime) -> dict[str, Any]:
    """Withdraw one open request, with a reason."""
    with uow:
        request = uow.requests.get(request_id)
        _check_open(request, "withdrawn")
        contact = _load(uow, request.contact_id, read_version)
        uow.requests.close(request_id, "withdrawn", actor.username, now, reason.strip())
        payload = {"request_id": request_id, "agency": request.agency, "reason": reason}
        return _fire_and_save(uow, rules, contact, "withdraw_request", actor, payload, now)


def close_outstanding_requests(uow: MashUnitOfWork, rules: Rules, contact_id: int,
                               reason: str, actor: Actor, read_version: int,
                               now: datetime) -> dict[str, Any]:
    """A manager closes every open request of a contact, with a reason (engine checks role)."""
    with uow:
        contact = _load(uow, contact_id, read_version)
        closed = uow.requests.open_ids(contact_id) if reason.strip() else []
        for request_id in closed:
            uow.requests.close(request_id, "withdrawn", actor.username, now, reason.strip())
        payload = {"reason": reason, "closed_requests": closed}
        return _fire_and_save(uow, rules, contact, "close_outstanding_requests", actor,
                              payload, now)
