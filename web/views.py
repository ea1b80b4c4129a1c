"""View models: turn rows and rules into what the pages show, in people's words and time.

Dates are shown in Europe/London; every clock says when it is due, how long is left or
how late it is, and how it is counted (the rule's own sentence), so a dashboard can never
say "in time" without saying by which convention.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from reporting.contact_page import ClockLine, EventLine
from reporting.referrer_messages import Delivery
from web.forms import fields_for
from web.words import govuk_date, govuk_datetime, label, person_name, span
from workflow.engine.payload import Kind, asks, field_names
from workflow.engine.registry import actions
from workflow.engine.rules import Returned
from workflow.oversight import referrer
from workflow.rules import Rules
from workflow.stages import STAGES, Stage, stage_title

LONDON = ZoneInfo("Europe/London")
JOURNEY = [Stage.RECEIVED, Stage.SCREENING, Stage.INFORMATION_GATHERING,
           Stage.THRESHOLD_DECISION, Stage.AWAITING_SIGNOFF, Stage.STRATEGY_DISCUSSION,
           Stage.SECTION_47, Stage.ASSESSMENT, Stage.CP_PLAN, Stage.CIN_PLAN, Stage.EARLY_HELP,
           Stage.PASSED_TO_ALLOCATED_WORKER, Stage.CLOSED]
_RESULTS = {"met": "Met", "late": "Met late", "not_met": "Not met",
            "not_applicable": "Not needed: the contact moved on",
            "superseded": "Replaced by a new rating"}
#: What an assessment flagged "child not seen" before reasons were asked for shows instead.
NO_REASON_RECORDED = "No reason recorded (authorised before a reason was required)"
#: The payload key of a manager's comment on agreeing (signing off, authorising).
COMMENT = "comment"


def action_label(name: str) -> str:
    """An action's label, or the name as it is for one no longer defined."""
    action = actions().get(name)
    return action.label if action else name


def day(value: date | None) -> str:
    """A date as GOV.UK writes it ("4 March 2026"); "" when there is none."""
    return "" if value is None else f"{value.day} {value:%B %Y}"


def when(value: datetime | None) -> str:
    """``Tuesday 29 December 2026 at 5pm`` in Europe/London (GOV.UK style), or a dash."""
    return govuk_datetime(value)


def clock_view(clock: ClockLine, rules: Rules, now: datetime) -> dict[str, Any]:
    """One clock as the contact page shows it."""
    rule = rules.timescales.rule(clock.rule, rules.calendar.local_date(clock.started_at))
    if clock.stopped_at is None:
        late = now > clock.due_at
        status = (f"{span(now - clock.due_at)} late" if late
                  else f"{span(clock.due_at - now)} left")
    else:
        late = clock.result in ("late", "not_met")
        status = _RESULTS.get(clock.result or "", "Stopped")
        status += f" ({when(clock.stopped_at)})"
    return {"rule": clock.rule, "title": rule.title, "started": when(clock.started_at),
            "due": when(clock.due_at), "status": status, "late": late,
            "open": clock.stopped_at is None, "counting": rule.describe_counting(),
            "local": rule.local, "version": rule_in_force(clock.rule_version),
            "source": rule.source}


def rule_in_force(version: str) -> str:
    """A stored rule version (``name@2023-12-15``) as a reader needs it: the date the
    rule it was judged by came into force."""
    _name, _, since = version.partition("@")
    try:
        return f"in force from {govuk_date(date.fromisoformat(since))}"
    except ValueError:
        return version


def event_view(event: EventLine, delivery: Delivery | None = None) -> dict[str, Any]:
    """One timeline entry: what happened, who, when, why, the manager's comment, and the
    fields recorded; for feedback to the referrer, what became of the email (``delivery``,
    its note in the outbox, if one was queued)."""
    moved = event.from_stage != event.to_stage
    title = action_label(event.trigger)
    if moved and event.from_stage:
        title += f": {stage_title(event.from_stage)} → {stage_title(event.to_stage)}"
    comment = manager_comment(event.trigger, event.payload)
    return {"title": title, "actor": f"{person_name(event.actor)} ({label(event.role)})",
            "when_text": when(event.at), "when_iso": event.at.isoformat(),
            "reason": "" if comment and comment[0] == RETURN_LABEL else event.reason,
            "comment": comment, "details": event_details(event.trigger, event.payload)
            | sending(event, delivery)}


#: Why a feedback email could not be sent, by the error class its job gave up on; the
#: job's own text is not shown (a mail server's refusal can quote the address).
_NOT_SENT = {"NoTemplate": "no GOV.UK Notify template is set up for feedback to referrers",
             "NoAddress": "there is no email address to send it to"}


def sending(event: EventLine, delivery: Delivery | None) -> dict[str, str]:
    """"Sent by secure email to r…@police.example on Tuesday 1 December 2026 at 10:31am",
    "Not sent yet" or "Could not be sent: …", for feedback recorded as emailed with an
    address; nothing for feedback that was recorded only."""
    message = referrer.outgoing(0, event.payload) if event.trigger == referrer.ACTION else None
    if message is None:
        return {}
    if delivery is not None and delivery.sent_at is not None:
        said = (f"Sent by {referrer.SENT_BY[message.method]} to "
                f"{referrer.masked(delivery.address)} on {govuk_datetime(delivery.sent_at)}")
    elif delivery is not None and delivery.gave_up:
        why = _NOT_SENT.get(delivery.error.partition(":")[0], "the email service refused it")
        said = f"Could not be sent: {why}. Tell the referrer another way and record it"
    else:
        said = "Not sent yet"
    return {"Email to the referrer": said}


#: What a return's comment is headed on the timeline and at the top of the contact.
RETURN_LABEL = "What needs to change"


def manager_comment(trigger: str, payload: dict[str, Any]) -> tuple[str, str] | None:
    """The comment a manager left when signing off, authorising or returning work, with
    its heading: a return's is what needs to change (its recorded reason), an agreement's
    the optional comment. None when the event carries none."""
    action = actions().get(trigger)
    if action is None:
        return None
    if issubclass(action.payload, Returned):
        said = str(payload.get("reason") or "")
        return (RETURN_LABEL, said) if said else None
    said = str(payload.get(COMMENT) or "")
    return ("Comment", said) if said and COMMENT in field_names(action.payload) else None


def event_details(trigger: str, payload: dict[str, Any]) -> dict[str, str]:
    """What an event recorded, in the words of the form that asked for it: the field's
    label and the chosen option's text ("Police", not "police"); a stored record's id is
    the page's business, not the reader's, and the reason is shown on its own."""
    action = actions().get(trigger)
    specs = {f.name: f for f in asks(action.payload)} if action else {}
    choices = {f.name: {code: _as_recorded(text, specs[f.name].choices_from)
                        for code, text in f.choices}
               for f in fields_for(action)} if action else {}
    shown = {}
    for key, value in payload.items():
        spec = specs.get(key)
        if key in ("rationale", "reason", COMMENT) or (spec is not None and spec.kind is Kind.ID):
            continue
        label = spec.label.removesuffix(" (optional)") if spec else \
            key.replace("_", " ").capitalize()
        shown[label] = _show(value, choices.get(key, {}))
    return shown


def _as_recorded(text: str, choices_from: str) -> str:
    """A directory choice as the timeline keeps it: "Assessment 1", not today's
    "Assessment 1 (Assessment, 3 open of 20)" (the caseload then was not this)."""
    return re.sub(r" \([^()]*\)$", "", text) if choices_from else text


def who_acts_next(stage: str) -> str | None:
    """Who moves a contact on from ``stage``, and by doing what ("Next: a team manager,
    to sign off the decision"), read from the transition table; None at a final stage."""
    try:
        here = Stage(stage)
    except ValueError:
        return None
    moves = [(a, r) for a in actions().values() for r in a.rows
             if here in r.sources and r.dest is not None and r.dest != here]
    if not moves:
        return None
    roles = sorted({role for _a, r in moves for role in r.roles}, key=lambda r: r.label)
    labels = list(dict.fromkeys(in_sentence(a.label) for a, _r in moves))
    who = either([in_sentence(r.label) for r in roles])
    what = "; or ".join(labels[:2]) + ("; or another action" if len(labels) > 2 else "")
    return f"Next: the contact is at {in_sentence(STAGES[here].title)}. Who acts: {who}. " \
           f"What they do: {what}."


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: "Team manager" becomes "team manager", but an
    acronym keeps its capitals ("MASH chair", not "mash chair")."""
    first = label.split(" ", 1)[0]
    return label if first.isupper() and len(first) > 1 else label[:1].lower() + label[1:]


def either(choices: list[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``: alternatives as a sentence lists them."""
    return choices[0] if len(choices) == 1 else ", ".join(choices[:-1]) + " or " + choices[-1]


def _show(value: Any, choices: dict[str, str]) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        return ", ".join(f"{choices.get(str(k)) or label(k)}: {_show(v, choices)}"
                         for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_show(v, choices) for v in value) or "none"
    return choices.get(str(value)) or _moment(str(value))


def _moment(text: str) -> str:
    """A stored ISO date or timestamp in GOV.UK words; any other text as it is."""
    if len(text) >= 10 and text[4:5] == "-" and text[7:8] == "-":
        try:
            if len(text) == 10:
                return govuk_date(date.fromisoformat(text))
            return govuk_datetime(datetime.fromisoformat(text))
        except ValueError:
            return text
    return label(text) if "_" in text and " " not in text else text


def diagram_stages() -> list[dict[str, str]]:
    """The stages in journey order, for the workflow diagram."""
    return [{"key": s.value, "label": STAGES[s].title} for s in JOURNEY]
