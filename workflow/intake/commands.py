"""Recording a contact: one contact per child, siblings recorded together, in one
transaction, each with one receipt event at version 1.

The intake's own fields (when it arrived, the source, the worry, the children) are checked
here before anything is stored; each child is then admitted — the known-child check, the
receipt (an open case goes straight to its worker), the contact stored. A contact passed
to the allocated worker on receipt is decided there and then, so what the referrer was
told (DOMAIN.md §3: feedback within 24 hours of the decision) may come with the intake and
is recorded by the same action as on the contact page, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from workflow.contact import Contact, require_aware
from workflow.engine.payload import load
from workflow.engine.registry import handles
from workflow.errors import GuardFailed, InvalidInput, NeedsConfirmation, NotFound
from workflow.intake.admission import admit
from workflow.intake.codes import CHANNELS, CONSENT, REFERRAL_SOURCES
from workflow.people.records import PersonDetails
from workflow.people.rules import details_problems, normalised
from workflow.ports import UnitOfWork
from workflow.roles import Actor
from workflow.rules import Rules
from workflow.services import summary
from workflow.stages import Stage

MAX_CONCERNS = 10_000


@dataclass(frozen=True)
class NewContact:
    """One intake: the worry, its source, and one or more children (siblings together)."""

    received_at: datetime
    source: str
    children: Sequence[PersonDetails | int]
    channel: str = "phone"
    referrer: str = ""
    concerns: str = ""
    consent: str = "not_recorded"
    #: The unusual values the person confirmed are right (by field, as ``questions`` names
    #: them): a contact received long ago, a child who would be an adult.
    confirmed: frozenset[str] = frozenset()
    #: What the referrer was told (``give_referrer_feedback``'s payload), recorded on each
    #: contact passed to an allocated worker on receipt; the others are not decided yet.
    referrer_feedback: Mapping[str, Any] | None = None


#: Beyond these, a value is asked about rather than taken silently: contacts reach the
#: front door within days, and children's social care is for under-18s (Children Act 1989
#: s105(1)); an older person can still be recorded once the worker confirms.
LONG_AGO = timedelta(days=90)
ADULT_AGE = 18


@dataclass(frozen=True)
class RecordContact:
    """Record a new contact (the command a page, the API, the demo or a script sends)."""

    intake: NewContact
    actor: Actor
    now: datetime


def _problems(intake: NewContact, now: datetime) -> dict[str, str]:
    errors: dict[str, str] = {}
    if intake.source not in REFERRAL_SOURCES:
        errors["source"] = "choose a referral source from the CIN census code list"
    if intake.channel not in CHANNELS:
        errors["channel"] = f"choose one of: {', '.join(CHANNELS)}"
    if intake.consent not in CONSENT:
        errors["consent"] = f"choose one of: {', '.join(CONSENT)}"
    if not intake.children:
        errors["children"] = "add at least one child"
    if len(intake.concerns) > MAX_CONCERNS:
        errors["concerns"] = f"write no more than {MAX_CONCERNS:,} characters about the concerns"
    if intake.received_at > now:
        errors["received_at"] = "the contact cannot be received in the future"
    return errors


def _age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def questions(intake: NewContact, on: date, now: datetime) -> dict[str, str]:
    """What is unusual enough to ask about before recording, by field, in words that say
    what was seen and ask whether it is right."""
    asked: dict[str, str] = {}
    aware = intake.received_at.tzinfo is not None  # a naive time is refused on its own
    if aware and now - intake.received_at > LONG_AGO:
        days = (now - intake.received_at).days
        when = f"{days // 365} years" if days >= 730 else f"{days} days"
        asked["received_at"] = (f"This contact would have been received {when} ago: is the "
                                "date right? If it is, confirm it and record the contact again")
    for i, child in enumerate(intake.children):
        born = None if isinstance(child, int) else child.date_of_birth
        if born is not None and born <= on and _age_on(born, on) >= ADULT_AGE:
            asked[f"children.{i}.date_of_birth"] = (
                f"This child would be {_age_on(born, on)}: is the date of birth right? If "
                "it is, confirm it and record the contact again")
    return {k: v for k, v in asked.items() if k not in intake.confirmed}


@handles(RecordContact)
def record_contact(uow: UnitOfWork, rules: Rules, command: RecordContact
                   ) -> list[dict[str, Any]]:
    """Record a contact: one per child, siblings sharing an intake, clocks started."""
    intake, now = command.intake, command.now
    require_aware(intake.received_at, "received_at")
    errors = _problems(intake, now) | _children_problems(rules, intake, now)
    if errors:
        raise InvalidInput(errors)
    on = rules.calendar.local_date(now)
    asked = questions(intake, on, now)
    if asked:
        raise NeedsConfirmation(asked)
    children = [c if isinstance(c, int) else normalised(rules.people, c, on)
                for c in intake.children]
    feedback = _feedback(rules, intake)
    with uow:
        made = [_admit_child(uow, rules, intake, child, command.actor, now)
                for child in children]
        if len(made) > 1:
            _siblings(uow, made, command.actor, now)
        for contact in made:
            _tell_referrer(uow, rules, contact, feedback, command.actor, now)
        uow.commit()
    return [summary(c) for c in made]


FEEDBACK = "give_referrer_feedback"


def _feedback(rules: Rules, intake: NewContact) -> Any:
    """The feedback typed with the intake as its action's payload (None when none was);
    a problem is named ``referrer_feedback.<field>`` so it shows at its box."""
    if not intake.referrer_feedback:
        return None
    try:
        return load(rules.engine.action(FEEDBACK).payload, intake.referrer_feedback)
    except InvalidInput as error:
        raise InvalidInput({f"referrer_feedback.{k}": v for k, v in error.errors.items()}
                           ) from None


def _tell_referrer(uow: UnitOfWork, rules: Rules, contact: Contact, feedback: Any,
                   actor: Actor, now: datetime) -> None:
    """Record the referrer's feedback on a contact decided at receipt (passed to the
    allocated worker of an open case)."""
    if feedback is None or contact.stage is not Stage.PASSED_TO_ALLOCATED_WORKER:
        return
    try:
        rules.engine.fire(contact, FEEDBACK, actor, feedback, now)
    except GuardFailed as error:
        raise InvalidInput({f"referrer_feedback.{k}": v for k, v in error.errors.items()}
                           ) from None
    uow.contacts.save(contact, contact.version)


def _children_problems(rules: Rules, intake: NewContact, now: datetime) -> dict[str, str]:
    """Every child's details checked as the person record checks them (children.0.upn …)."""
    on = rules.calendar.local_date(now)
    return {f"children.{i}.{field}": text for i, child in enumerate(intake.children)
            if not isinstance(child, int)
            for field, text in details_problems(rules.people, child, on).items()}


def _siblings(uow: UnitOfWork, made: list[Contact], actor: Actor, now: datetime) -> None:
    """Siblings recorded together share the first contact's reference as their intake, and
    are recorded as each other's siblings (so each child's family shows the others)."""
    for contact in made:
        uow.contacts.set_intake(contact, made[0].reference)
    people = {c.child_id for c in made if c.child_id is not None}
    for person in people:
        for other in people - {person}:
            uow.people.relate(person, other, "sibling", False, True, actor.username, now)


def _admit_child(uow: UnitOfWork, rules: Rules, intake: NewContact,
                 child: PersonDetails | int, actor: Actor, now: datetime) -> Contact:
    if isinstance(child, int):
        if not uow.people.exists(child):
            raise NotFound(f"There is no child {child}.")
        child_id = child
    else:
        child_id = uow.people.add(child, now, actor.username)
    contact = Contact(received_at=intake.received_at, source=intake.source, child_id=child_id)
    admit(uow, rules, contact, actor, now, channel=intake.channel, referrer=intake.referrer,
          concerns=intake.concerns, consent=intake.consent)
    return contact
