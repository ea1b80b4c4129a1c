"""Receive a contact: the first event of its history, and where it starts.

A contact about a child whose case is open is passed to the allocated worker at once
(DOMAIN.md §2: no second referral; the information goes to the worker), so its one
receipt event already records the decision; any other contact starts at ``received``
with the one-working-day decision clock running from its receipt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workflow.contact import reference_for
from workflow.engine.action import Action, Ctx, Fired, Narration, Selector, Told, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.intake.codes import CHANNELS, REFERRAL_SOURCES
from workflow.roles import FRONT_DOOR
from workflow.stages import Stage


@dataclass(frozen=True)
class Receipt(Payload):
    """Where the contact came from and how it arrived (the worry itself is on the contact)."""

    source: str | None = ask("Referral source", Kind.SELECT, tuple(REFERRAL_SOURCES.items()))
    channel: str | None = ask("How it arrived", Kind.SELECT, tuple(CHANNELS.items()))


def _open_case(ctx: Ctx[Receipt]) -> bool:
    return ctx.contact.flags.open_case_contact_id is not None


def _passed(fired: Fired[Receipt]) -> None:
    case = fired.contact.flags.open_case_contact_id
    if case is not None:
        fired.contact.open_case_reference = reference_for(case)


def _told(payload: Mapping[str, Any], n: Narration) -> Told:
    source = n.contact_detail("source")
    referrer = n.contact_detail("referrer")
    channel = CHANNELS.get(n.contact_detail("channel"), n.contact_detail("channel")).lower()
    return Told("Contact", f"Contact received from {source}: {REFERRAL_SOURCES.get(source, '')}",
                f"By {channel}{f' ({referrer})' if referrer else ''}. "
                f"Concerns: {n.contact_detail('concerns')}")


ACTION: Action[Receipt] = Action(
    name="receive", label="Contact received", payload=Receipt,
    rows=(
        row((), Stage.PASSED_TO_ALLOCATED_WORKER, FRONT_DOOR,
            when=(Selector("child_has_an_open_case", _open_case),),
            emits=("contact_received", "decision_made")),
        row((), Stage.RECEIVED, FRONT_DOOR, emits=("contact_received",)),
    ),
    effect=_passed, offered_in=("intake",), narrate=_told,
    help=("source", "the contact could not be recorded"),
)
