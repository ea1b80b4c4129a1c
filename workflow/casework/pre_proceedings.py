"""Pre-proceedings and family group decision making: the record, and the rules its actions
share.

Why a record of its own: before applying for a care or supervision order a council
decides, at a legal planning meeting, to start pre-proceedings (the Public Law Outline),
sends the parents a letter before proceedings and meets them. Section 31ZA of the Children
Act 1989, inserted by the Children's Wellbeing and Schools Act 2026 s1 (commencement by
regulations), makes the letter offer a family group decision-making (FGDM) meeting, and
hold it if accepted, unless that is not in the child's best interests. The DfE's CIN
census collects all of it from 2026-27 (module 5, ``<PreProceedingsandFGDM>``), one block
per pre-proceedings on a referral.

The actions in ``workflow/casework/actions`` (start, letter, FGDM, meetings, conclusion)
each change this record; the guards here hold the dates in the order the census checks
them (DfE rules 9006, 9009, 9012, 9013), so a record can never be made that the return
would refuse.
"""

from __future__ import annotations

from typing import Any

from workflow.casework.records import PreProceedings
from workflow.engine.action import Ctx, Failure, Guard

__all__ = ["OUTCOMES", "PreProceedings", "current", "on_or_after"]

#: The census's code set CS131 for the outcome (rule 9011: A, B or C). The DfE's wording
#: for each was not reachable when this was written: check against the 2026-27 guide.
OUTCOMES = {"A": "A (CS131 outcome A: check the DfE's wording)",
            "B": "B (CS131 outcome B: check the DfE's wording)",
            "C": "C (CS131 outcome C: check the DfE's wording)"}


def current(ctx: Ctx[Any]) -> PreProceedings | None:
    """The contact's pre-proceedings still open, if any."""
    record = ctx.contact.pre_proceedings
    return record if record is not None and record.is_open else None


def _none_open(ctx: Ctx[Any]) -> Failure:
    if current(ctx) is None:
        return None
    return "pre_proceedings", "pre-proceedings are already under way on this case"


def _open(ctx: Ctx[Any]) -> Failure:
    if current(ctx) is not None:
        return None
    return "pre_proceedings", "pre-proceedings have not been started on this case"


def _letter_sent(ctx: Ctx[Any]) -> Failure:
    record = current(ctx)
    if record is not None and record.letter_sent_on is not None:
        return None
    return "pre_proceedings", "the letter before proceedings has not been recorded yet"


def _letter_not_sent(ctx: Ctx[Any]) -> Failure:
    record = current(ctx)
    if record is None or record.letter_sent_on is None:
        return None
    return "pre_proceedings", (f"the letter before proceedings was recorded as sent on "
                               f"{record.letter_sent_on:%-d %B %Y}")


def _fgdm_offered(ctx: Ctx[Any]) -> Failure:
    record = current(ctx)
    if record is not None and record.fgdm_offered:
        return None
    return "pre_proceedings", "no family group decision-making meeting was offered"


NONE_OPEN: Guard[Any] = Guard("no_open_pre_proceedings", _none_open, before_input=True)
OPEN: Guard[Any] = Guard("pre_proceedings_open", _open, before_input=True)
LETTER_SENT: Guard[Any] = Guard("letter_before_proceedings_sent", _letter_sent,
                                before_input=True)
LETTER_NOT_SENT: Guard[Any] = Guard("letter_before_proceedings_not_yet_sent",
                                    _letter_not_sent, before_input=True)
FGDM_OFFERED: Guard[Any] = Guard("fgdm_offered", _fgdm_offered, before_input=True)


def on_or_after(name: str, what: str, earlier: str, label: str, *,
                rule: str = "") -> Guard[Any]:
    """The payload's date ``name`` is not before the record's date ``earlier`` (the
    census's order of pre-proceedings dates; ``rule`` names the DfE rule that checks it)."""

    def check(ctx: Ctx[Any]) -> Failure:
        day, record = getattr(ctx.payload, name, None), current(ctx)
        before = getattr(record, earlier, None) if record else None
        if day is None or before is None or day >= before:
            return None
        cited = f" (DfE census rule {rule})" if rule else ""
        return name, f"the date {what} cannot be before {label} ({before:%-d %B %Y}){cited}"

    return Guard(f"{name}_after_{earlier}", check, (name,))
