"""The consistent identifier on records about a child: Children Act 2004 s16LC.

Section 16LC was inserted by the Children's Wellbeing and Schools Act 2026 (c. 21, s4) and
awaits commencement (legislation.gov.uk lists it among "whole provisions yet to be
inserted" as at 30 May 2026); regulations will say which identifier it is (the government
intends the NHS number). When it applies, a designated person processing information
about a child "must include the consistent identifier in the information processed"
(s16LC(5)), except:

* s16LC(6): only so far as it "considers that the inclusion ... is likely to facilitate"
  a safeguarding or welfare function of any person;
* s16LC(7): not if it "considers that including the consistent identifier ... would be
  more detrimental to the child than not including it";
* s16LC(8): it need not if "it does not know the consistent identifier" and "reasonably
  considers that finding it out would cause unreasonable delay";
* s16LC(4)(b): the duty arises only for a child to whom an identifier of the specified
  description relates (an unborn child has no NHS number).

Why every exception needs a reason and a name: each rests on what the designated person
"considers", and the domain brief (DOMAIN.md section 7) asks that any decision not to
include the identifier be recorded with the reason and who decided, so that it can be
reviewed and explained later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = ["IdentifierDecision", "IdentifierStatus", "decision_problems"]

_ACT = "Children Act 2004 s16LC, inserted by the Children's Wellbeing and Schools Act 2026 s4"


class IdentifierStatus(StrEnum):
    """Whether the consistent identifier is in the record, and if not, which exception."""

    INCLUDED = "included"
    NOT_KNOWN_UNREASONABLE_DELAY = "not_known_unreasonable_delay"
    MORE_DETRIMENTAL = "more_detrimental"
    NOT_LIKELY_TO_HELP = "not_likely_to_help"
    NO_IDENTIFIER_RELATES = "no_identifier_relates"

    @property
    def label(self) -> str:
        """How the status reads to a worker."""
        return _LABELS[self]

    @property
    def citation(self) -> str:
        """The subsection that makes the status lawful."""
        return f"{_ACT}, subsection {_SUBSECTIONS[self]}"

    @property
    def needs_decision(self) -> bool:
        """Every status but "included" is a judgement someone must own and explain."""
        return self is not IdentifierStatus.INCLUDED


_LABELS = {
    IdentifierStatus.INCLUDED: "Included in the record",
    IdentifierStatus.NOT_KNOWN_UNREASONABLE_DELAY:
        "Not known, and finding it out would cause unreasonable delay",
    IdentifierStatus.MORE_DETRIMENTAL:
        "Withheld: including it would be more detrimental to the child than not",
    IdentifierStatus.NOT_LIKELY_TO_HELP:
        "Not included: not likely to help anyone safeguard or promote the child's welfare",
    IdentifierStatus.NO_IDENTIFIER_RELATES: "The child has no such identifier (e.g. unborn)",
}
_SUBSECTIONS = {
    IdentifierStatus.INCLUDED: "(5)",
    IdentifierStatus.NOT_KNOWN_UNREASONABLE_DELAY: "(8)",
    IdentifierStatus.MORE_DETRIMENTAL: "(7)",
    IdentifierStatus.NOT_LIKELY_TO_HELP: "(6)",
    IdentifierStatus.NO_IDENTIFIER_RELATES: "(4)(b)",
}


@dataclass(frozen=True)
class IdentifierDecision:
    """The identifier status of one record, with who decided and why when it is withheld."""

    status: IdentifierStatus
    identifier: str | None = None
    reason: str | None = None
    decided_by: str | None = None
    decided_on: date | None = None


def decision_problems(decision: IdentifierDecision) -> list[str]:
    """What is missing or contradictory in ``decision``; an empty list means it stands."""
    status = decision.status
    if not status.needs_decision:
        if not (decision.identifier or "").strip():
            return ["an identifier recorded as included needs the identifier itself"]
        return []
    problems = [f"{label} is needed when the identifier is not included ({status.citation})"
                for label, value in (("a reason", decision.reason),
                                     ("who decided", decision.decided_by))
                if not (value or "").strip()]
    if decision.decided_on is None:
        problems.append("the date of the decision is needed")
    if status in _NOT_HELD and (decision.identifier or "").strip():
        problems.append(f"the status says the identifier is not held "
                        f"({status.label.lower()}), but one was given")
    return problems


#: Statuses under which the designated person does not hold the identifier at all.
_NOT_HELD = (IdentifierStatus.NOT_KNOWN_UNREASONABLE_DELAY,
             IdentifierStatus.NO_IDENTIFIER_RELATES)
