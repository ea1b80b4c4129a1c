"""Appoint the case's lead child protection practitioner: a social worker who holds the
child protection case from the section 47 enquiry on (Families First Partnership
programme, 2025). Appointing stops the appointment clock; appointing someone else later
changes who holds it. The lead practitioner is also the case's allocated worker."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from workflow.engine.action import Action, Ctx, Failure, Fired, Guard, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import text
from workflow.roles import MANAGERS, Role
from workflow.stages import Stage


@dataclass(frozen=True)
class LeadPractitioner(Payload):
    practitioner: str | None = ask("Lead child protection practitioner", Kind.SELECT, max_length=80,
                            choices_from="workers", hint="A qualified social worker.")


def _enquiry_recorded(ctx: Ctx[Any]) -> Failure:
    if ctx.contact.enquiry is not None:
        return None
    return "practitioner", "there is no section 47 enquiry on this contact"


def _a_social_worker(ctx: Ctx[Any]) -> Failure:
    """The lead child protection practitioner is a social worker (Families First)."""
    name = text(ctx, "practitioner")
    if not name:
        return "practitioner", "choose the lead child protection practitioner"
    if ctx.directory is None:
        return None
    account = ctx.directory.account(name)
    if account is None or not account.active or account.role is not Role.SOCIAL_WORKER:
        return "practitioner", ("choose a social worker: the lead child protection "
                                "practitioner must be one")
    return None


def _appoint(fired: Fired[LeadPractitioner]) -> None:
    contact, ctx = fired.contact, fired.ctx
    enquiry = contact.enquiry
    assert enquiry is not None  # the enquiry guard held
    name = str(fired.payload.practitioner).strip()
    contact.put(replace(enquiry, lead_practitioner=name, lead_appointed_at=ctx.now))
    contact.worker = name


ACTION: Action[LeadPractitioner] = Action(
    name="appoint_lead_cp_practitioner", order=22,
    label="Appoint the lead child protection practitioner", payload=LeadPractitioner,
    rows=(row((Stage.SECTION_47, Stage.CP_PLAN), None, MANAGERS, guards=(
        Guard("section_47_recorded", _enquiry_recorded, before_input=True),
        Guard("lead_practitioner_is_a_social_worker", _a_social_worker, ("practitioner",))),
        emits=("lead_cp_practitioner_appointed",)),),
    effect=_appoint,
)
