"""The MASH read side on a real database: inboxes, agency performance, the chronology."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from reporting.chronology import CSV_HEADER, chronology, to_csv
from reporting.mash import agency_performance, inbox, recent_months
from tests.builders import FRONT_DOOR_WORKER, MASH_CHAIR, payload, record_one, walk_to
from tests.integration.test_mash_services import (
    ASK_HEALTH,
    JOINT,
    NOW,
    POLICE,
    MashUow,
    _child_of,
    _meeting,
    ask,
    gathering,
    version,
)
from tests.mash_helpers import RequestForm, add_to_agenda, answer_request, record_decision
from workflow.mash.config import MashConfig
from workflow.persistence.uow import SqlUnitOfWork
from workflow.rules import Rules
from workflow.stages import Stage

UowFactory = Callable[[], SqlUnitOfWork]


def test_an_inbox_holds_only_its_agencys_requests_with_overdue_computed_when_read(
        uow_factory: UowFactory, mash_uow: MashUow, rules: Rules, mash: MashConfig,
        engine: Engine) -> None:
    contact = gathering(uow_factory, rules)
    police = ask(mash_uow, rules, contact.contact_id)
    ask(mash_uow, rules, contact.contact_id, ASK_HEALTH)

    with Session(engine) as session:
        before_due = inbox(session, "police", NOW + timedelta(hours=5))
        after_due = inbox(session, "police", NOW + timedelta(hours=7))

    assert [r["id"] for r in before_due["open"]] == [police]
    assert [r["overdue"] for r in before_due["open"]] == [False]
    assert [r["overdue"] for r in after_due["open"]] == [True]
    assert after_due["open"][0]["child"] == "Alex Example"
    assert set(after_due["open"][0]) >= {"question", "due_at", "date_of_birth"}
    assert "concerns" not in after_due["open"][0] and "contact_id" not in after_due["open"][0]


def test_agency_performance_counts_sent_in_time_median_and_overdue_per_month(
        uow_factory: UowFactory, mash_uow: MashUow, rules: Rules, mash: MashConfig,
        engine: Engine) -> None:
    first, second = gathering(uow_factory, rules), gathering(uow_factory, rules)
    quick = ask(mash_uow, rules, first.contact_id)  # due Wed 16:00
    slow = ask(mash_uow, rules, second.contact_id)
    ask(mash_uow, rules, second.contact_id, ASK_HEALTH)
    answer_request(mash_uow(), rules, quick, "Quick", POLICE, NOW + timedelta(hours=2))
    answer_request(mash_uow(), rules, slow, "Slow", POLICE,
                   NOW + timedelta(days=1))  # Thu 10:00 = 8 working hours later
    later = NOW + timedelta(days=2)

    with Session(engine) as session:
        rows = agency_performance(session, rules.calendar, later, ["2026-03", "2026-02"])

    by_agency = {r.agency: r for r in rows}
    police, health = by_agency["police"], by_agency["health"]
    assert (police.month, police.sent, police.answered, police.in_time) == ("2026-03", 2, 2, 1)
    assert police.in_time_percent == 50.0
    assert police.median_hours == 5.0  # median of 2 and 8 working hours
    assert (health.sent, health.in_time, health.overdue_now, health.median_hours) == (
        1, 0, 1, None)


def test_recent_months_are_london_months_newest_first(rules: Rules) -> None:
    assert recent_months(rules.calendar, datetime(2026, 3, 31, 23, 30, tzinfo=UTC), 3) == [
        "2026-04", "2026-03", "2026-02"]  # 00:30 BST on 1 April


def test_the_chronology_orders_everything_across_the_childs_contacts(
        uow_factory: UowFactory, mash_uow: MashUow, rules: Rules, mash: MashConfig,
        engine: Engine) -> None:
    contact = record_one(uow_factory, rules, NOW - timedelta(hours=3), NOW - timedelta(hours=3))
    contact.now = NOW - timedelta(hours=2)
    walk_to(contact, Stage.INFORMATION_GATHERING)
    police = ask(mash_uow, rules, contact.contact_id, at=NOW - timedelta(hours=1))
    answer_request(mash_uow(), rules, police, "Two call-outs in May", POLICE,
                   NOW - timedelta(minutes=30))
    meeting_id = _meeting(mash_uow, rules)
    add_to_agenda(mash_uow(), rules, meeting_id, contact.contact_id, MASH_CHAIR, NOW)
    record_decision(mash_uow(), rules, meeting_id, contact.contact_id, JOINT, MASH_CHAIR, NOW)
    contact.version = version(mash_uow, contact.contact_id)
    contact.now = NOW + timedelta(minutes=5)
    walk_from_gathering_to_decision(contact)

    with Session(engine) as session:
        entries = chronology(session, _child_of(mash_uow, contact.contact_id),
                             mash.agencies, NOW + timedelta(hours=1), mash.lawful_bases)

    kinds = [e.kind for e in entries]
    assert kinds[0] == "Contact" and entries[0].title == "Contact received from 6: Police"
    for kind in ("RAG rating", "Request", "Agency response", "MASH meeting", "Decision"):
        assert kind in kinds
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    answer = next(e for e in entries if e.kind == "Agency response")
    assert (answer.title, answer.detail) == (
        "Police answered: shared", "Two call-outs in May (lawful basis: Public task (UK GDPR "
        "art. 6(1)(e)), with the Data Protection Act 2018 safeguarding of children condition)")


def walk_from_gathering_to_decision(contact: object) -> None:
    from tests.builders import OnService

    assert isinstance(contact, OnService)
    contact.fire("complete_information_gathering", FRONT_DOOR_WORKER, {})
    contact.fire("decide", FRONT_DOOR_WORKER, payload("decide", contact.now, "referral"))


def test_an_overdue_request_shows_in_the_chronology_until_answered(
        uow_factory: UowFactory, mash_uow: MashUow, rules: Rules, mash: MashConfig,
        engine: Engine) -> None:
    contact = gathering(uow_factory, rules)
    ask(mash_uow, rules, contact.contact_id, ASK_HEALTH)

    with Session(engine) as session:
        entries = chronology(session, _child_of(mash_uow, contact.contact_id), mash.agencies,
                             NOW + timedelta(days=1))

    assert entries[-1].title == "Health services (ICB, GP, health visiting, school nursing, " \
                                "hospital) answer overdue (still open)"


def test_the_csv_export_neutralises_spreadsheet_formulas(
        uow_factory: UowFactory, mash_uow: MashUow, rules: Rules, mash: MashConfig,
        engine: Engine) -> None:
    contact = gathering(uow_factory, rules)
    form = RequestForm("police", "=HYPERLINK(\"http://evil.example\")", "public_task", "@boss")
    ask(mash_uow, rules, contact.contact_id, form)

    with Session(engine) as session:
        text = to_csv(chronology(session, _child_of(mash_uow, contact.contact_id),
                                 mash.agencies, NOW))

    lines = text.splitlines()
    assert lines[0] == ",".join(CSV_HEADER)
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert all(not cell.startswith(("=", "@", "+")) for line in lines for cell in line.split(","))


def test_a_contact_awaiting_its_decision_can_be_discussed_too(
        uow_factory: UowFactory, mash_uow: MashUow, rules: Rules, mash: MashConfig,
        engine: Engine) -> None:
    contact = record_one(uow_factory, rules, NOW - timedelta(hours=1), NOW)
    walk_to(contact, Stage.THRESHOLD_DECISION)
    meeting_id = _meeting(mash_uow, rules)

    add_to_agenda(mash_uow(), rules, meeting_id, contact.contact_id, MASH_CHAIR, NOW)
    record_decision(mash_uow(), rules, meeting_id, contact.contact_id, JOINT, MASH_CHAIR, NOW)

    with Session(engine) as session:
        entries = chronology(session, _child_of(mash_uow, contact.contact_id), mash.agencies,
                             NOW)
    assert (entries[-1].kind, entries[-1].at) == ("MASH meeting", NOW)
    assert entries[-1].title == "MASH meeting: recommended referral to social care (assessment)"
