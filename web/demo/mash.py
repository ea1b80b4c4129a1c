"""Synthetic MASH demo data: requests to partner agencies and today's MASH meeting.

Run at the end of ``web.demo.load_demo``, through the same commands the pages send, on the contacts
the demo left in information gathering: each gets requests to police, health and
education sent some hours after it arrived, so the older ones are past due; police answer
every other contact's and health every third (some late; one police request in four is
not shared, with its reason and who decided), the rest stay open and show as overdue
in the inboxes, on the contacts and on the agency performance table. Today's meeting is
opened by the demo chair with an attendee per agency, a few contacts on the agenda and
one joint decision. Every name and answer is invented; the same seed gives the same data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from reporting import ReadSession
from reporting.queries import contacts_at_stage
from workflow.errors import FrontDoorError
from workflow.mash.commands import AddAttendee, AddToAgenda, OpenMeeting
from workflow.ports import UnitOfWork
from workflow.roles import Actor, Role
from workflow.rules import Rules
from workflow.services import Act, handle

LONDON = ZoneInfo("Europe/London")
WORKER = Actor("demo.worker", Role.FRONT_DOOR_WORKER)
CHAIR = Actor("demo.chair", Role.MASH_CHAIR)
PARTNERS = {"police": Actor("demo.police", Role.PARTNER, agency="police"),
            "health": Actor("demo.health", Role.PARTNER, agency="health")}
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


def load_mash_demo(uow: Callable[[], UnitOfWork], reads: Callable[[], ReadSession],
                   rules: Rules, now: datetime, seed: int = 1) -> None:
    """Requests on the contacts in information gathering, and today's meeting."""
    rng = random.Random(f"mash-{seed}")  # noqa: S311 - synthetic data, not security
    with reads() as session:
        gathering = contacts_at_stage(session, "information_gathering")
        deciding = contacts_at_stage(session, "threshold_decision")
    for number, contact_id in enumerate(gathering[:40]):
        answering = {a for a, every in (("police", 2), ("health", 3)) if number % every == 0}
        _requests_for(uow, rules, contact_id, now, rng, answering)
    _meeting(uow, rules, now, gathering[:3] + deciding[:2])


def _requests_for(uow: Callable[[], UnitOfWork], rules: Rules, contact_id: int,
                  now: datetime, rng: random.Random, answering: set[str]) -> None:
    with uow() as u:
        received = u.contacts.get(contact_id).received_at
    sent = min(received + timedelta(hours=rng.uniform(1, 6)), now)
    for agency, question in QUESTIONS.items():
        form = {"agency": agency, "question": question, "lawful_basis": "public_task",
                "authorised_by": "Demo Manager (team manager)"}
        try:
            handle(uow(), rules, Act("request_information", contact_id, WORKER, sent, form))
        except FrontDoorError:
            return
        if agency in answering:
            _answer(uow, rules, contact_id, agency, sent, now, rng)


def _answer(uow: Callable[[], UnitOfWork], rules: Rules, contact_id: int, agency: str,
            sent: datetime, now: datetime, rng: random.Random) -> None:
    """Police answer every other contact's request and health every third, some late."""
    with uow() as u:
        request = next(r for r in u.contacts.get(contact_id).open_requests
                       if r.agency == agency)
    answered = min(sent + timedelta(hours=rng.uniform(0.5, 30)), now)
    answer = _reply(agency, int(request.id or 0))
    try:
        handle(uow(), rules, Act("answer_request", None, PARTNERS[agency], answered, answer))
    except FrontDoorError:
        return


def _reply(agency: str, request_id: int) -> dict[str, object]:
    """Shared on the public task basis; one police request in four kept back, with the
    reason and who decided, so the sharing ledger has a decision not to share to show."""
    if agency == "police" and request_id % 4 == 0:
        return {"request_id": request_id, "sharing": "not_shared",
                "not_shared_reason": "An investigation is live and sharing now would alert "
                                     "the suspect (synthetic).",
                "decided_by_name": "DI Demo Sample", "decided_by_role": "Detective inspector"}
    return {"request_id": request_id, "sharing": "shared", "lawful_basis": "public_task",
            "answer": f"Synthetic answer from {agency}: nothing of concern known beyond the "
                      "referral."}


def _meeting(uow: Callable[[], UnitOfWork], rules: Rules, now: datetime,
             contacts: list[int]) -> None:
    """Today's meeting: attendees per agency, contacts on the agenda, one joint decision."""
    try:
        meeting_id = handle(uow(), rules, OpenMeeting(now.astimezone(LONDON).date(), CHAIR,
                                                      now))
    except FrontDoorError:
        return  # already open (the demo was loaded twice today)
    for agency, (name, position) in ATTENDEES.items():
        handle(uow(), rules, AddAttendee(meeting_id, agency, name, position, CHAIR, now))
    for contact_id in contacts:
        handle(uow(), rules, AddToAgenda(meeting_id, contact_id, CHAIR, now))
    if contacts:
        views = {a: f"Synthetic view of {a}: known to the agency, no current concerns."
                 for a in ATTENDEES}
        decision = {"meeting_id": meeting_id, "outcome": "early_help", "level": 2,
                    "rationale": "Synthetic joint rationale: needs are additional, the "
                                 "family engages; early help fits.", "views": views}
        handle(uow(), rules, Act("record_mash_discussion", contacts[0], CHAIR, now, decision))
