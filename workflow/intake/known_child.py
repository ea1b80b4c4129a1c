"""Known-child checks when a contact arrives: open case, re-referral, repeat contacts.

DOMAIN.md §2: a referral is not recorded for a child whose case is already open — the
information goes to the allocated worker instead; a referral within 12 months of a
previous one is a re-referral (DfE statistics); repeat contacts about the same child within
a configurable window raise an alert on the contact. The flags are worked out before the
contact is stored and become its first state; the intake row the engine then chooses
passes an open case to its worker in the same receipt.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from workflow.contact import Contact
from workflow.intake.records import IntakeFlags
from workflow.mash.config import MashSettings
from workflow.ports import ChildHistory, PastContact

#: DfE children in need statistics: a re-referral is within 12 months of a previous one.
RE_REFERRAL_MONTHS = 12


def check_known_child(history: ChildHistory, settings: MashSettings, contact: Contact) -> None:
    """Flag the new contact from what is known about its child; an open case also gives it
    the case's team and worker."""
    if contact.child_id is None:
        return
    case = history.open_case(contact.child_id)
    since = contact.received_at - relativedelta(months=RE_REFERRAL_MONTHS)
    past = history.contacts_since(contact.child_id, since, contact.received_at)
    referral = None if case else last_referral(past, contact.received_at)
    repeats = _repeats(settings, past, contact.received_at)
    counted = len(repeats) + 1
    contact.flags = IntakeFlags(
        open_case_contact_id=case.contact_id if case else None,
        re_referral_of=referral.contact_id if referral else None,
        repeat_contacts=counted if counted >= settings.repeat_contact_threshold else None,
        repeat_window_days=settings.repeat_contact_window_days)
    if case is not None:
        contact.team, contact.worker = case.team, case.worker


def _repeats(settings: MashSettings, past: list[PastContact], received: datetime
             ) -> list[PastContact]:
    since = received - timedelta(days=settings.repeat_contact_window_days)
    return [p for p in past if since <= p.received_at <= received]


def last_referral(past: list[PastContact], received: datetime) -> PastContact | None:
    """The child's latest referral in the 12 months before ``received``."""
    since = received - relativedelta(months=RE_REFERRAL_MONTHS)
    referred = [p for p in past if p.referral_at and since <= p.referral_at <= received]
    return max(referred, key=lambda p: p.referral_at or received, default=None)
