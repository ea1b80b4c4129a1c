"""Payload fields several casework actions ask for, declared once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workflow.casework.factors import FACTORS
from workflow.engine.payload import Kind, Payload, ask

CONSENT = (("given", "Yes, the family agrees"), ("not_given", "No"))
FACTOR_CHOICES = tuple((code, f"{code}: {label}") for code, label in FACTORS.items())


@dataclass(frozen=True)
class HandOver(Payload):
    """A step down to Family Help: the family's agreement, the service and the lead
    practitioner receiving the family, the hand-over date."""

    consent: str | None = ask("Family's agreement to Family Help recorded", Kind.RADIOS,
                              CONSENT)
    service: str | None = ask("Family Help service receiving the family", Kind.SELECT,
                              max_length=40, choices_from="family_help_services",
                       hint="Only when the family steps down to Family Help.")
    practitioner: str | None = ask("Lead practitioner in that service", Kind.SELECT, max_length=80,
                            choices_from="family_help_practitioners",
                            hint="A member of the service's team; they need not be a "
                                 "social worker.")
    handover_on: date | None = ask("Date of the hand-over to Family Help", Kind.DATE,
                                   hint="Only when the family steps down to Family Help.")
