"""Known-child checks when a contact is recorded: open case, re-referral, repeat contacts.

DOMAIN.md §2: a referral is not recorded for a child whose case is already open — the
information goes to the allocated worker instead; a referral within 12 months of a
previous one is a re-referral (DfE statistics). The issue adds: repeat contacts about the
same child within a configurable window raise an alert on the contact.

``KnownChildCheck`` is handed to ``workflow.services.record_contact`` and runs inside its
transaction, so the flags and the routing are stored with the contact or not at all:

* before the contact is stored it writes the flags into ``facts`` (the contact's first
  state, not a change to it) and, for an open case, takes over the case's team and worker;
* after it is stored, a contact about a child with an open case is screened and passed
  to the allocated worker through the engine's own ``pass_to_allocated_worker`` row, so
  no second, parallel referral can start from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from workflow.contact import Contact, reference_for
from workflow.mash.config import MashSettings
from workflow.mash.ports import OpenCase, PastContact
from workflow.ports import UnitOfWork
from workflow.rules import Rules
from workflow.services import Actor
from workflow.stages import stage_title

#: DfE children in need statistics: a re-referral is within 12 months of a previous one.
RE_REFERRAL_MONTHS = 12


@dataclass(frozen=True)
class KnownChildCheck:
    """The checks for one intake; needs a MASH unit of work (it reads the child's history)."""

    rules: Rules
    settings: MashSettings

    def before_storing(self, uow: UnitOfWork, contact: Contact) -> None:
        """Flag the new contact from what is known about its child."""
        history = _history(uow)
        if contact.child_id is None or history is None:
            return
        case = history.open_case(contact.child_id)
        if case is not None:
            contact.facts["open_case_found"] = _case_fact(case)
            contact.team, contact.worker = case.team, case.worker
        since = contact.received_at - relativedelta(months=RE_REFERRAL_MONTHS)
        past = history.contacts_since(contact.child_id, since, contact.received_at)
        contact.facts.update(self.flags(contact, past, open_case=case is not None))

    def flags(self, contact: Contact, past: list[PastContact], *, open_case: bool
              ) -> dict[str, Any]:
        """The re-referral and repeat-contact facts for a contact, given its child's past."""
        facts: dict[str, Any] = {}
        referral = _last_referral(past, contact.received_at)
        if referral is not None and not open_case:
            facts["re_referral"] = {"previous": reference_for(referral.contact_id),
                                    "referral_at": _iso(referral.referral_at)}
        repeats = self._repeats(past, contact.received_at)
        if len(repeats) + 1 >= self.settings.repeat_contact_threshold:
            facts["repeat_contacts"] = {
                "count": len(repeats) + 1, "window_days": self.settings.repeat_contact_window_days,
                "threshold": self.settings.repeat_contact_threshold,
                "previous": [reference_for(p.contact_id) for p in repeats]}
        return facts

    def _repeats(self, past: list[PastContact], received: datetime) -> list[PastContact]:
        since = received - timedelta(days=self.settings.repeat_contact_window_days)
        return [p for p in past if since <= p.received_at <= received]

    def after_storing(self, uow: UnitOfWork, contact: Contact, actor: Actor,
                      now: datetime) -> None:
        """An open case: screen the contact and pass it to the allocated worker, at once."""
        case = contact.facts.get("open_case_found")
        if not case:
            return
        read_version = contact.version
        engine = self.rules.engine
        engine.fire(contact, "start_screening", actor.username, actor.role, {}, now)
        engine.fire(contact, "pass_to_allocated_worker", actor.username, actor.role,
                    {"open_case_reference": case["reference"], "reason": _pass_reason(case)},
                    now)
        uow.contacts.save(contact, read_version)


def _history(uow: UnitOfWork) -> Any:
    """The child-history port of a MASH unit of work (None for the engine's plain one,
    whose callers — older scripts, the engine's own tests — simply get no flags)."""
    return getattr(uow, "history", None)


def _case_fact(case: OpenCase) -> dict[str, Any]:
    return {"reference": reference_for(case.contact_id), "contact_id": case.contact_id,
            "stage": case.stage, "team": case.team, "worker": case.worker}


def _last_referral(past: list[PastContact], received: datetime) -> PastContact | None:
    since = received - relativedelta(months=RE_REFERRAL_MONTHS)
    referred = [p for p in past if p.referral_at and since <= p.referral_at <= received]
    return max(referred, key=lambda p: p.referral_at or received, default=None)


def _pass_reason(case: dict[str, Any]) -> str:
    holder = case.get("worker") or "no worker yet"
    team = case.get("team") or "no team yet"
    return (f"Open case {case['reference']} ({stage_title(case['stage']).lower()}), allocated "
            f"to {holder} ({team}): passed to the allocated worker; no new referral "
            "(DOMAIN.md section 2).")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
