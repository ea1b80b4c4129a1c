"""Record a pre-proceedings meeting with the parents: the first is the initial meeting
(census InitialPPMeetingDate), each later one a review (ReviewMeetingsCount)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from workflow.casework import pre_proceedings as pp
from workflow.engine.action import Action, Fired, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import dated
from workflow.roles import CASEWORK
from workflow.stages import Stage


@dataclass(frozen=True)
class Meeting(Payload):
    held_on: date | None = ask("Date of the pre-proceedings meeting", Kind.DATE)


def _record(fired: Fired[Meeting]) -> None:
    record = pp.current(fired.ctx)
    assert record is not None  # the OPEN guard held
    if record.initial_meeting_on is None:
        fired.contact.put(replace(record, initial_meeting_on=fired.payload.held_on))
    else:
        fired.contact.put(replace(record, review_meetings=record.review_meetings + 1))


ACTION: Action[Meeting] = Action(
    name="hold_pre_proceedings_meeting", order=173, label="Record a pre-proceedings meeting",
    payload=Meeting,
    rows=(row((Stage.CIN_PLAN, Stage.CP_PLAN), None, CASEWORK, guards=(
        pp.OPEN, pp.LETTER_SENT, dated("held_on", "of the meeting"),
        pp.on_or_after("held_on", "of the meeting", "letter_sent_on",
                       "the letter before proceedings"),
        pp.on_or_after("held_on", "of the meeting", "initial_meeting_on",
                       "the initial meeting"))),),
    effect=_record,
)
