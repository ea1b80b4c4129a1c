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
    """A step down to early help: the family's agreement, the team, the hand-over date."""

    consent: str | None = ask("Family's agreement recorded", Kind.RADIOS, CONSENT)
    early_help_team: str = ask("Receiving early help team", Kind.TEXT, max_length=120,
                               hint="Only when the family steps down to early help.")
    handover_on: date | None = ask("Date of the hand-over to early help", Kind.DATE,
                                   hint="Only when the family steps down to early help.")
