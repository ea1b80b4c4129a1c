"""Start a section 47 enquiry, as the latest strategy discussion decided.

The discussion becomes the initiating one: its date is the enquiry's start (census
S47ActualStartDate) and, by default, where the 15-working-day conference clock starts.
The enquiry is carried out through the assessment, which becomes a section 47 one; on a
child in need plan (its assessment already authorised) a new s47 assessment starts with
its own 45 working days, the referral date unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from workflow.casework.guards import (
    DISCUSSION_RECORDED,
    NO_OPEN_SECTION_47,
    discussion_decided,
)
from workflow.casework.macpt import MACPT_COMPLETE, MacptSupport, assistance
from workflow.casework.records import Assessment, Section47
from workflow.decision.guards import REASONABLE_CAUSE
from workflow.engine.action import Action, Fired, row
from workflow.engine.payload import ask
from workflow.roles import CASEWORK
from workflow.stages import Stage


@dataclass(frozen=True)
class Cause(MacptSupport):
    reasonable_cause: str = ask("Reasonable cause to suspect significant harm",
                                hint="The recorded basis for section 47 enquiries.")


def _start(fired: Fired[Cause]) -> None:
    contact, now = fired.contact, fired.ctx.now
    discussion = contact.discussion
    assert discussion is not None  # DISCUSSION_RECORDED passed
    contact.put(discussion.carried(initiating=True))
    p = fired.payload
    contact.put(Section47(started_at=discussion.held_at, event_seq=fired.event.seq,
                          discussion_id=discussion.id, macpt=p.macpt or discussion.macpt,
                          assistance=assistance(p) or dict(discussion.assistance or {})))
    current = contact.assessment
    if fired.event.from_stage == Stage.CIN_PLAN:  # a new assessment on an open case
        contact.put(Assessment(kind="s47", started_at=now))
    elif current is not None and current.current:
        contact.put(replace(current, kind="s47"))
    else:  # a contact recorded before assessments were kept
        contact.put(Assessment(kind="s47", started_at=contact.referral_at or now))


_GUARDS = (DISCUSSION_RECORDED, discussion_decided("section_47"), REASONABLE_CAUSE,
           NO_OPEN_SECTION_47, MACPT_COMPLETE)
ACTION: Action[Cause] = Action(
    name="start_section_47", order=20, label="Start a section 47 enquiry", payload=Cause,
    rows=(
        row((Stage.STRATEGY_DISCUSSION, Stage.ASSESSMENT), Stage.SECTION_47, CASEWORK,
            guards=_GUARDS, emits=("s47_started", "s47_assessment_started")),
        row((Stage.CIN_PLAN,), Stage.SECTION_47, CASEWORK, guards=_GUARDS,
            emits=("s47_started", "s47_assessment_started", "assessment_opened")),
    ),
    effect=_start,
)
