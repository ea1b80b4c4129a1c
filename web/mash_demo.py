"""Synthetic MASH demo data: requests to partner agencies and today's MASH meeting.

Run at the end of ``web.demo.load_demo``, through the real MASH services, on the contacts
the demo left in information gathering: each gets requests to police, health and
education sent some hours after it arrived, so the older ones are past due; police answer
every other contact's and health every third (some late), the rest stay open and show as overdue
in the inboxes, on the contacts and on the agency performance table. Today's meeting is
opened by the demo chair with an attendee per agency, a few contacts on the agenda and
one joint decision. Every name and answer is invented; the same seed gives the same data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from workflow.errors import FrontDoorError
from workflow.mash.config import MashConfig, load_mash_config
from workflow.mash.meetings import (
    JointDecision,
    add_attendee,
    add_to_agenda,
    open_meeting,
    record_decision,
)
from workflow.mash.requests import RequestForm, answer_request, request_information
from workflow.persistence.mash_repository import SqlMashUnitOfWork
from workflow.persistence.tables import ContactRow
from workflow.roles import Role
from workflow.rules import Rules
from workflow.services import Actor

LONDON = ZoneInfo("Europe/London")
WORKER = Actor("demo.worker", Role.FRONT_DOOR_WORKER)
CHAIR = Actor("demo.chair", Role.MASH_CHAIR)
PARTNERS = {"police": Actor("demo.police", Role.PARTNER),
            "health": Actor("demo.health", Role.PARTNER)}
QUESTIONS = {
    "police": "Any call-outs, domestic abuse incidents or intelligence at the address in the "
              "last 12 months? (synthetic)",
    "health": "Is the child registered with a GP and up to date with health visiting and "
              "immunisations? Any A&E attendances? (synthetic)",
    "education": "Attendance this term, and any safeguarding concerns logged by the "
                 "school? (synthetic)",
}
ATTENDEES = {"police": ("DS Demo Sample", "Detective sergeant, MASH"),
             "health": ("Nurse Demo Example", "Named nurse for safeguarding"),
             "education": ("Ms Demo Testwell", "Education safeguarding lead")}


def load_mash_demo(uow_factory: Callable[[], Any], rules: Rules, now: datetime,
                   seed: int = 1) -> None:
    """Requests on the contacts in information gathering, and today's meeting."""
    sessions = uow_factory().session_factory
    mash = load_mash_config(rules.config_dir)
    rng = random.Random(f"mash-{seed}")  # noqa: S311 - synthetic data, not security
    gathering = _contacts(sessions, "information_gathering")
    for number, contact_id in enumerate(gathering[:40]):
        answering = {a for a, every in (("police", 2), ("health", 3)) if number % every == 0}
        _requests_for(lambda: SqlMashUnitOfWork(sessions), rules, mash, contact_id, now, rng,
                      answering)
    _meeting(lambda: SqlMashUnitOfWork(sessions), rules, mash, now,
             gathering[:3] + _contacts(sessions, "threshold_decision")[:2])


def _contacts(sessions: Any, stage: str) -> list[int]:
    with sessions() as session:
        return list(session.scalars(select(ContactRow.id).where(ContactRow.stage == stage)
                                    .order_by(ContactRow.received_at.desc())))


def _requests_for(uow: Callable[[], SqlMashUnitOfWork], rules: Rules, mash: MashConfig,
                  contact_id: int, now: datetime, rng: random.Random,
                  answering: set[str]) -> None:
    with uow() as u:
        contact = u.contacts.get(contact_id)
    sent = min(contact.received_at + timedelta(hours=rng.uniform(1, 6)), now)
    for agency, question in QUESTIONS.items():
        form = RequestForm(agency, question, "public_task", "Demo Manager (team manager)")
        try:
            made = request_information(uow(), rules, mash, contact_id, form, WORKER,
                                       _version(uow, contact_id), sent)
        except FrontDoorError:
            return
        if agency in answering:
            _answer(uow, rules, mash, agency, made, sent, now, rng)


def _version(uow: Callable[[], SqlMashUnitOfWork], contact_id: int) -> int:
    with uow() as u:
        return u.contacts.get(contact_id).version


def _answer(uow: Callable[[], SqlMashUnitOfWork], rules: Rules, mash: MashConfig,
            agency: str, made: dict[str, Any], sent: datetime, now: datetime,
            rng: random.Random) -> None:
    """Police answer every other contact's request and health every third, some late."""
    with uow() as u:
        request_id = max(u.requests.open_ids(made["id"]))
    answered = min(sent + timedelta(hours=rng.uniform(0.5, 30)), now)
    try:
        answer_request(uow(), rules, mash, request_id, f"Synthetic answer from {agency}: "
                       "nothing of concern known beyond the referral.", PARTNERS[agency],
                       agency, answered)
    except FrontDoorError:
        return


def _meeting(uow: Callable[[], SqlMashUnitOfWork], rules: Rules, mash: MashConfig,
             now: datetime, contacts: list[int]) -> None:
    """Today's meeting: attendees per agency, contacts on the agenda, one joint decision."""
    try:
        meeting_id = open_meeting(uow(), now.astimezone(LONDON).date(), CHAIR, now)
    except FrontDoorError:
        return  # already open (the demo was loaded twice today)
    for agency, (name, position) in ATTENDEES.items():
        add_attendee(uow(), mash, meeting_id, agency, name, position, CHAIR)
    for contact_id in contacts:
        add_to_agenda(uow(), meeting_id, contact_id, CHAIR, now)
    if contacts:
        views = {a: f"Synthetic view of {a}: known to the agency, no current concerns."
                 for a in ATTENDEES}
        decision = JointDecision("early_help", "Synthetic joint rationale: needs are "
                                 "additional, the family engages; early help fits.", views, 2)
        record_decision(uow(), rules, meeting_id, contacts[0], decision, CHAIR, now)
