"""Information sharing on SQLite and PostgreSQL: answers stored with whether the agency
shared, its basis and what it kept back; a refused answer writes nothing; a child's ledger
reads every request and answer of every contact about the child, and no one else's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from reporting.sharing import ANSWERED, ASKED, NOT_RECORDED, sharing_ledger
from tests.builders import FRONT_DOOR_WORKER, OnService, walk_to
from tests.integration.test_mash_services import (
    ASK_POLICE,
    NOW,
    POLICE,
    MashUow,
    _child_of,
    ask,
    counts,
    gathering,
    request_row,
)
from tests.mash_helpers import RequestForm, answer_request
from workflow.errors import GuardFailed
from workflow.intake.commands import NewContact, RecordContact
from workflow.mash.config import MashConfig
from workflow.persistence.tables import EventRow, UserRow
from workflow.persistence.tables_mash import InfoRequestRow
from workflow.persistence.uow import SqlUnitOfWork
from workflow.rules import Rules
from workflow.services import handle
from workflow.stages import Stage

UowFactory = Callable[[], SqlUnitOfWork]
WITHHELD = {"sharing": "not_shared", "lawful_basis": None,
            "not_shared_reason": "A live investigation would be prejudiced (synthetic)",
            "decided_by_name": "Insp. Example", "decided_by_role": "Public protection inspector"}
ASK_EDUCATION = RequestForm("education", "Attendance this term?", "s17_child_in_need",
                            "Mo Manager, team manager")


def _again(uow_factory: UowFactory, rules: Rules, child_id: int) -> OnService:
    """A second contact about the same child, a day later, sent to information gathering."""
    later = NOW + timedelta(days=1)
    [made] = handle(uow_factory(), rules, RecordContact(NewContact(
        later - timedelta(hours=1), "2A", [child_id], referrer="School (synthetic)",
        concerns="Synthetic concern for tests"), FRONT_DOOR_WORKER, later))
    driver = OnService(uow_factory, rules, made["id"], made["version"], later)
    walk_to(driver, Stage.INFORMATION_GATHERING)
    return driver


def test_a_decision_not_to_share_is_stored_with_its_reason_and_who_decided(
        uow_factory: UowFactory, mash_uow: MashUow, rules: Rules,
        fetch: Callable[[Any], list[Any]]) -> None:
    contact = gathering(uow_factory, rules)
    police = ask(mash_uow, rules, contact.contact_id)

    answer_request(mash_uow(), rules, police, "", POLICE, NOW + timedelta(hours=1), **WITHHELD)

    row = request_row(fetch, police)
    assert (row.status, row.sharing, row.answer, row.answer_basis) == (
        "answered", "not_shared", "", None)
    assert (row.not_shared_reason, row.decided_by_name, row.decided_by_role) == (
        WITHHELD["not_shared_reason"], "Insp. Example", "Public protection inspector")
    assert (row.answered_by, row.more_detrimental) == ("police.partner", None)


def test_not_shared_without_a_reason_is_refused_and_changes_nothing(
        uow_factory: UowFactory, mash_uow: MashUow, rules: Rules, engine: Engine,
        fetch: Callable[[Any], list[Any]]) -> None:
    contact = gathering(uow_factory, rules)
    police = ask(mash_uow, rules, contact.contact_id)
    before = counts(engine), fetch(select(EventRow.seq).where(
        EventRow.contact_id == contact.contact_id))

    with pytest.raises(GuardFailed) as refused:
        answer_request(mash_uow(), rules, police, "", POLICE, NOW + timedelta(hours=1),
                       **(WITHHELD | {"not_shared_reason": " "}))

    assert refused.value.field == "not_shared_reason"
    assert (counts(engine), fetch(select(EventRow.seq).where(
        EventRow.contact_id == contact.contact_id))) == before
    row = request_row(fetch, police)
    assert (row.status, row.sharing, row.not_shared_reason, row.answered_at) == (
        "open", None, "", None)


def test_the_ledger_holds_every_request_and_answer_about_the_child_in_time_order(
        uow_factory: UowFactory, mash_uow: MashUow, rules: Rules, mash: MashConfig,
        engine: Engine) -> None:
    first = gathering(uow_factory, rules)
    child = _child_of(mash_uow, first.contact_id)
    police = ask(mash_uow, rules, first.contact_id)
    answer_request(mash_uow(), rules, police, "", POLICE, NOW + timedelta(hours=2), **WITHHELD)
    second = _again(uow_factory, rules, child)
    ask(mash_uow, rules, second.contact_id, ASK_EDUCATION, at=NOW + timedelta(days=1))
    ask(mash_uow, rules, gathering(uow_factory, rules).contact_id)  # another child's
    with Session(engine) as session, session.begin():  # the worker is in the directory;
        session.add(UserRow(username=FRONT_DOOR_WORKER.username, display_name="Dee Worker",
                            password_hash="-", role="front_door_worker"))  # the partner not

    with Session(engine) as session:
        ledger = sharing_ledger(session, child, mash.agencies, mash.lawful_bases)

    assert ledger is not None and ledger.name == "Alex Example"
    assert [(e.at, e.agency, e.direction) for e in ledger.entries] == [
        (NOW, "Police", ASKED), (NOW + timedelta(hours=2), "Police", ANSWERED),
        (NOW + timedelta(days=1), "Education (schools, colleges, early years)", ASKED)]
    asked, answered, education = ledger.entries
    assert (asked.question, asked.authorised_by, asked.recorded_by) == (
        ASK_POLICE.question, ASK_POLICE.authorised_by, "Dee Worker")
    assert asked.basis.startswith("Public task (UK GDPR art. 6(1)(e))")
    assert (answered.shared, answered.reason, answered.decided_by, answered.recorded_by) == (
        "Not shared", WITHHELD["not_shared_reason"],
        "Insp. Example, Public protection inspector", "former user")
    assert answered.authorised_by == ASK_POLICE.authorised_by  # who authorised the request
    assert education.basis == "Child in need (Children Act 1989 s17)"
    assert {asked.contact, education.contact} == {f"FD{first.contact_id:07d}",
                                                  f"FD{second.contact_id:07d}"}


def test_an_answer_given_before_sharing_was_recorded_says_so_in_the_ledger(
        uow_factory: UowFactory, mash_uow: MashUow, rules: Rules, mash: MashConfig,
        engine: Engine) -> None:
    contact = gathering(uow_factory, rules)
    police = ask(mash_uow, rules, contact.contact_id)
    with Session(engine) as session, session.begin():  # as migration 0009 leaves it
        row = session.get(InfoRequestRow, police)
        assert row is not None
        row.status, row.answer, row.answered_by = "answered", "Nothing known", "old.partner"
        row.answered_at = NOW + timedelta(hours=1)

    with Session(engine) as session:
        ledger = sharing_ledger(session, _child_of(mash_uow, contact.contact_id),
                                mash.agencies, mash.lawful_bases)

    assert ledger is not None
    assert [(e.direction, e.shared, e.basis) for e in ledger.entries] == [
        (ASKED, "", ledger.entries[0].basis), (ANSWERED, NOT_RECORDED, "")]


def test_a_ledger_for_nobody_is_none(mash: MashConfig, engine: Engine) -> None:
    with Session(engine) as session:
        assert sharing_ledger(session, 424242, mash.agencies, mash.lawful_bases) is None
