"""Builders for the arrange step: actors, contacts, valid payloads and walks to any stage.

A contact is never put into a stage by assignment: ``walk_to`` fires the same triggers a
worker would, with payloads the guards accept, through the real engine (``OnEngine``) or
the real service layer and database (``OnService``). If the process changes so that a
route below stops working, every test that walks it fails loudly in its arrange step.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from workflow.contact import Contact
from workflow.engine.engine import Engine
from workflow.intake.commands import NewContact, RecordContact, questions
from workflow.people.records import PersonDetails
from workflow.ports import UnitOfWork
from workflow.roles import Actor, Role
from workflow.rules import Rules
from workflow.services import Act, handle
from workflow.stages import Stage

LONDON = ZoneInfo("Europe/London")

# -- actors ----------------------------------------------------------------------------

FRONT_DOOR_WORKER = Actor("fd.worker", Role.FRONT_DOOR_WORKER)
MASH_CHAIR = Actor("mash.chair", Role.MASH_CHAIR)
TEAM_MANAGER = Actor("team.manager", Role.TEAM_MANAGER)
OTHER_TEAM_MANAGER = Actor("team.manager.two", Role.TEAM_MANAGER)
SOCIAL_WORKER = Actor("social.worker", Role.SOCIAL_WORKER)
#: A partner practitioner is always bound to one agency (DOMAIN.md §1).
PARTNER = Actor("police.partner", Role.PARTNER, agency="police")
HEALTH_PARTNER = Actor("health.partner", Role.PARTNER, agency="health")
ADMINISTRATOR = Actor("admin", Role.ADMINISTRATOR)

ACTORS: dict[Role, Actor] = {a.role: a for a in (
    FRONT_DOOR_WORKER, MASH_CHAIR, TEAM_MANAGER, SOCIAL_WORKER, PARTNER, ADMINISTRATOR)}


def actor(role: Role) -> Actor:
    """The usual person acting in ``role``."""
    return ACTORS[role]


# -- contacts --------------------------------------------------------------------------

def received_contact(engine: Engine, received_at: datetime, source: str = "6",
                     now: datetime | None = None) -> Contact:
    """A new in-memory contact from the police (source 6), received and its clocks started."""
    contact = Contact(received_at=received_at, source=source)
    engine.receive(contact, FRONT_DOOR_WORKER, {"source": source, "channel": "phone"},
                   now or received_at)
    return contact


def child(first: str = "Alex", last: str = "Example") -> PersonDetails:
    """A synthetic child (never real data, DOMAIN.md §6)."""
    return PersonDetails(first_name=first, last_name=last)


def intake(received_at: datetime, *children: PersonDetails, source: str = "6") -> NewContact:
    """One intake about one or more children (siblings are recorded together)."""
    return NewContact(received_at=received_at, source=source,
                      children=list(children) or [child()], referrer="PC Synthetic",
                      concerns="Synthetic concern for tests")


# -- payloads --------------------------------------------------------------------------

REASON = "Synthetic reason recorded for the test"
#: An indicator at level 3 in every shipped catalogue version (2022 and 2024).
LEVEL_3_INDICATOR = "L3-CD-HEALTH-01"
_PARTICIPATION = {"la_social_worker": "attended", "police": "attended", "health": "attended",
                  "education": "written"}
_DISCUSSION = {"held_at": "@", "chair": "team.manager", "participation": _PARTICIPATION,
               "rationale": REASON}
_STEP_DOWN = {"consent": "given", "service": "fh-north", "practitioner": "fh.practitioner",
              "handover_on": "@day"}

#: Per trigger, named payloads that pass every guard of one row (the first is the default).
#: ``@`` marks a field that takes the moment of firing (a meeting or a visit held "now");
#: ``@day`` takes its date in London (a hand-over date).
VARIANTS: dict[str, dict[str, dict[str, Any]]] = {
    "start_screening": {"plain": {}},
    "rate": {c: {"rag": c, "reason": REASON} for c in ("amber", "red", "green")},
    "send_to_mash": {"plain": {}},
    "proceed_to_decision": {"plain": {"reason": REASON}},
    "complete_information_gathering": {"plain": {}},
    "decide": {
        "referral": {"outcome": "referral_to_social_care", "level": 4, "rationale": REASON,
                     "primary_need": "N1"},
        "strategy_discussion": {"outcome": "strategy_discussion", "level": 4,
                                "rationale": REASON, "reasonable_cause": REASON,
                                "primary_need": "N1"},
        "early_help": {"outcome": "early_help", "level": 2, "rationale": REASON,
                       "consent": "given"},
        "no_further_action": {"outcome": "no_further_action", "level": 1,
                              "rationale": REASON},
        # A level-3 indicator ticked makes level 3 the recommendation: a lower level is an
        # override the catalogue policy detects (nobody can say so in the payload).
        "override": {"outcome": "no_further_action", "level": 1,
                     "indicators": [LEVEL_3_INDICATOR], "rationale": REASON,
                     "override_reason": REASON},
        "override_to_early_help": {"outcome": "early_help", "level": 2,
                                   "indicators": [LEVEL_3_INDICATOR], "consent": "given",
                                   "rationale": REASON, "override_reason": REASON},
    },
    "sign_off": {"plain": {}},
    "return_decision": {"plain": {"reason": REASON}},
    "hold_strategy_discussion": {
        "plain": _DISCUSSION | {"outcome": "section_47", "reasonable_cause": REASON},
        "s17": _DISCUSSION | {"outcome": "continue_s17"},
        "no_further_action": _DISCUSSION | {"outcome": "no_further_action"},
    },
    "start_section_47": {"plain": {"reasonable_cause": REASON}},
    "continue_under_s17": {"plain": {"rationale": REASON}},
    "strategy_no_further_action": {"plain": {"rationale": REASON}},
    "submit_assessment": {"plain": {"factors": ["3A", "4B"], "rationale": REASON},
                          "no_factors": {"factors": ["21"], "rationale": REASON}},
    "return_assessment": {"plain": {"reason": REASON}},
    "record_visit": {"seen": {"child_seen": True, "visited_at": "@"},
                     "not_seen": {"child_seen": False, "visited_at": "@"}},
    "complete_assessment": {
        "cin_plan": {"assessment_outcome": "cin_plan"},
        "early_help": {"assessment_outcome": "early_help", **_STEP_DOWN},
        "no_further_action": {"assessment_outcome": "no_further_action"},
    },
    "hold_icpc": {"plan": {"plan": True, "held_at": "@", "category": "NEG"},
                  "no_plan": {"plan": False, "held_at": "@"}},
    "icpc_not_required": {"plain": {"reason": REASON}},
    "hold_core_group": {"plain": {"held_at": "@"}},
    "hold_review_conference": {"continues": {"plan_continues": True, "held_at": "@"},
                               "ends": {"plan_continues": False, "held_at": "@"}},
    "pass_to_allocated_worker": {"plain": {"open_case_reference": "OC-0001", "reason": REASON}},
    "close_case": {"plain": {"closure_reason": "RC7", "reason": REASON}},
    "step_down": {"plain": _STEP_DOWN | {"reason": REASON}},
    "step_up": {"plain": {"reason": REASON}},
    "return_transfer": {"plain": {"reason": REASON}},
    "record_family_help_assessment": {"plain": {"assessed_on": "@day", "summary": REASON}},
    "agree_family_help_plan": {"plain": {"agreed_on": "@day", "outcomes": REASON,
                                         "next_review_on": "@next_month"}},
    "review_family_help_plan": {"plain": {"held_on": "@day", "progress": REASON,
                                          "next_review_on": "@next_month"}},
    "appoint_lead_cp_practitioner": {"plain": {"practitioner": "social.worker"}},
    "end_early_help": {"plain": {"reason": REASON}},
    "allocate": {"plain": {"team": "assessment-north", "worker": "social.worker"}},
    "request_information": {"plain": {"agency": "police", "question": "Any call-outs?",
                                      "lawful_basis": "public_task",
                                      "authorised_by": "Team manager"}},
    # A request has the id its save gave it: the first on a fresh database is 1.
    "answer_request": {"plain": {"request_id": 1, "sharing": "shared", "answer": "Nothing known",
                                 "lawful_basis": "public_task"},
                       "not_shared": {"request_id": 1, "sharing": "not_shared",
                                      "not_shared_reason": "It would alert the suspect",
                                      "decided_by_name": "Insp. Example",
                                      "decided_by_role": "Public protection inspector"}},
    "chase_request": {"plain": {"request_id": 1}},
    "withdraw_request": {"plain": {"request_id": 1, "reason": REASON}},
    "close_outstanding_requests": {"plain": {"reason": REASON}},
    "give_referrer_feedback": {"plain": {"reason": REASON}},
    "start_pre_proceedings": {"plain": {"started_on": "@day", "reason": REASON}},
    "send_letter_before_proceedings": {
        "offered": {"sent_on": "@day", "fgdm_offered": True},
        "not_offered": {"sent_on": "@day", "fgdm_offered": False, "not_offered_reason": REASON}},
    "record_fgdm": {"held": {"facilitated": True, "held_on": "@day"},
                    "not_held": {"facilitated": False, "reason": REASON}},
    "hold_pre_proceedings_meeting": {"plain": {"held_on": "@day"}},
    "conclude_pre_proceedings": {
        "plain": {"decided_on": "@day", "outcome": "A", "rationale": REASON},
        "care_proceedings": {"decided_on": "@day", "outcome": "B", "rationale": REASON,
                             "court_application_on": "@day", "letter_initiating_on": "@day"}},
}


class Staffing(Protocol):
    """The part of the accounts port that builds the directory."""

    def save_team(self, code: str, name: str, kind: str, capacity: int | None) -> Any: ...
    def save_account(self, username: str, display: str, role: Role, team: str | None,
                     agency: str | None, password_hash: str,
                     swe_number: str | None = None) -> Any: ...
    def join_team(self, code: str, username: str, is_manager: bool) -> None: ...


def staff_the_directory(accounts: Staffing) -> None:
    """The team and worker the ``allocate`` payload names, as a council's directory holds
    them: allocation refuses anyone the directory does not know."""
    accounts.save_team("assessment-north", "Assessment North", "assessment", 20)
    accounts.save_account("social.worker", "Sam Worker", Role.SOCIAL_WORKER,
                          "assessment-north", None, "!no-sign-in", "SW1234567")
    accounts.join_team("assessment-north", "social.worker", False)
    accounts.save_team("family-help-north", "Family Help North", "family_help", 30)
    accounts.save_account("fh.practitioner", "Fay Helper", Role.FAMILY_HELP_PRACTITIONER,
                          "family-help-north", None, "!no-sign-in")
    accounts.join_team("family-help-north", "fh.practitioner", False)


def payload(trigger: str, now: datetime, variant: str | None = None,
            **overrides: Any) -> dict[str, Any]:
    """A payload for ``trigger`` that passes its guards at ``now``; overrides win.

    A trigger with no entry in VARIANTS gets only the overrides (its service fills the rest).
    """
    options = VARIANTS.get(trigger, {"plain": {}})
    chosen = options[variant] if variant else next(iter(options.values()))
    filled = {k: _fill(v, now) for k, v in chosen.items()}
    return filled | overrides


def _fill(value: Any, now: datetime) -> Any:
    if value == "@":
        return now
    if value == "@day":
        return now.astimezone(LONDON).date()
    if value == "@next_month":  # a review date ahead
        return now.astimezone(LONDON).date() + timedelta(days=28)
    return copy.deepcopy(value)


# -- drivers: fire through the engine or through the service layer ---------------------

class Driver(Protocol):
    """Something that fires triggers on one contact and reports where it now is."""

    now: datetime

    def fire(self, trigger: str, who: Actor, data: Mapping[str, Any]) -> Stage: ...


@dataclass
class OnEngine:
    """Fires on an in-memory Contact straight through the Engine (no database)."""

    engine: Engine
    contact: Contact
    now: datetime

    def fire(self, trigger: str, who: Actor, data: Mapping[str, Any]) -> Stage:
        self.engine.fire(self.contact, trigger, who, data, self.now)
        return self.contact.stage


@dataclass
class OnService:
    """Fires through ``workflow.services.handle``, one unit of work per call."""

    uow_factory: Callable[[], UnitOfWork]
    rules: Rules
    contact_id: int
    version: int
    now: datetime
    results: list[dict[str, Any]] = field(default_factory=list)

    def fire(self, trigger: str, who: Actor, data: Mapping[str, Any]) -> Stage:
        result = handle(self.uow_factory(), self.rules,
                        Act(trigger, self.contact_id, who, self.now, data, self.version))
        self.version = result["version"]
        self.results.append(result)
        return Stage(result["stage"])


def record_one(uow_factory: Callable[[], UnitOfWork], rules: Rules, received_at: datetime,
               now: datetime) -> OnService:
    """Record a one-child contact through the service layer and return a driver for it."""
    [made] = handle(uow_factory(), rules, RecordContact(intake(received_at), FRONT_DOOR_WORKER,
                                                        now))
    return OnService(uow_factory, rules, made["id"], made["version"], now)


# -- walking to a stage ----------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One action on the way to a stage: trigger, who does it, which payload."""

    trigger: str
    who: Actor
    variant: str | None = None


_FD, _SW, _TM = FRONT_DOOR_WORKER, SOCIAL_WORKER, TEAM_MANAGER

#: For each stage: the stage before it on the standard route, and the steps from there.
ROUTE: dict[Stage, tuple[Stage | None, tuple[Step, ...]]] = {
    Stage.RECEIVED: (None, ()),
    Stage.SCREENING: (Stage.RECEIVED, (Step("start_screening", _FD),)),
    Stage.PASSED_TO_ALLOCATED_WORKER: (Stage.SCREENING, (Step("pass_to_allocated_worker", _FD),)),
    Stage.INFORMATION_GATHERING: (Stage.SCREENING, (Step("rate", _FD, "amber"),
                                                    Step("send_to_mash", _FD))),
    Stage.THRESHOLD_DECISION: (Stage.INFORMATION_GATHERING,
                               (Step("complete_information_gathering", _FD),)),
    Stage.AWAITING_SIGNOFF: (Stage.THRESHOLD_DECISION, (Step("decide", _FD, "override"),)),
    Stage.CLOSED: (Stage.THRESHOLD_DECISION, (Step("decide", _FD, "no_further_action"),)),
    Stage.EARLY_HELP: (Stage.THRESHOLD_DECISION, (Step("decide", _FD, "early_help"),)),
    Stage.ASSESSMENT: (Stage.THRESHOLD_DECISION, (Step("decide", _FD, "referral"),)),
    Stage.STRATEGY_DISCUSSION: (Stage.THRESHOLD_DECISION,
                                (Step("decide", _FD, "strategy_discussion"),)),
    Stage.SECTION_47: (Stage.STRATEGY_DISCUSSION, (Step("hold_strategy_discussion", _SW),
                                                   Step("start_section_47", _SW))),
    Stage.CP_PLAN: (Stage.SECTION_47, (Step("hold_icpc", _SW, "plan"),)),
    Stage.CIN_PLAN: (Stage.ASSESSMENT, (Step("record_visit", _SW, "seen"),
                                        Step("submit_assessment", _SW),
                                        Step("complete_assessment", _TM, "cin_plan"))),
}


def path_to(stage: Stage) -> list[Step]:
    """Every step from receipt to ``stage`` along the standard route."""
    before, steps = ROUTE[stage]
    return ([] if before is None else path_to(before)) + list(steps)


def walk_to(driver: Driver, stage: Stage) -> Stage:
    """Fire the standard route from receipt to ``stage``; fails if it ends anywhere else."""
    reached = Stage.RECEIVED
    for step in path_to(stage):
        reached = driver.fire(step.trigger, step.who,
                              payload(step.trigger, driver.now, step.variant))
    assert reached == stage, f"walked to {reached}, wanted {stage}"
    return reached


def contact_at(engine: Engine, stage: Stage, now: datetime,
               received_at: datetime | None = None) -> Contact:
    """An in-memory contact received an hour before ``now`` and walked to ``stage``."""
    contact = received_contact(engine, received_at or now - timedelta(hours=1))
    walk_to(OnEngine(engine, contact, now), stage)
    return contact


# -- comparing before and after --------------------------------------------------------

def records(contact: Contact) -> dict[str, Any]:
    """Every typed record as the contact reads it now (reading loads, never changes, one)."""
    return {"decision": contact.decision, "discussion": contact.discussion,
            "enquiry": contact.enquiry, "assessment": contact.assessment,
            "plan": contact.plan, "step_down": contact.step_down,
            "open_requests": contact.open_requests}


def snapshot(contact: Contact) -> dict[str, Any]:
    """Everything a refusal must leave untouched, as plain comparable data. Records are
    compared as read through the contact (a refused action may have read one, which only
    fills the contact's cache) plus every record handed back with ``put``."""
    return {
        "stage": contact.stage, "version": contact.version, "event_seq": contact.event_seq,
        "rag": contact.rag, "team": contact.team, "worker": contact.worker,
        "referral_at": contact.referral_at, "closure_reason": contact.closure_reason,
        "referral_nfa": contact.referral_nfa, "open_case_reference": contact.open_case_reference,
        "records": records(contact), "changed_records": dict(contact.changed_records),
        "open_clocks": [(c.rule, c.rule_version, c.started_at, c.due_at, c.stopped_at)
                        for c in contact.open_clocks],
        "new_events": list(contact.new_events),
        "started_clocks": [c.rule for c in contact.started_clocks],
        "stopped_clocks": [(c.rule, c.result) for c in contact.stopped_clocks],
    }


def open_rules(contact: Contact) -> set[str]:
    """Names of the timescales running on a contact."""
    return {c.rule for c in contact.open_clocks}


def clock(contact: Contact, rule: str) -> Any:
    """The open clock for ``rule`` (fails the test if none is running)."""
    found = [c for c in contact.open_clocks if c.rule == rule]
    assert len(found) == 1, f"expected one open '{rule}' clock, found {len(found)}"
    return found[0]


def end_of_london_day(day: date) -> datetime:
    """The last instant of a Europe/London day, in UTC: when a working-day clock falls due."""
    return datetime(day.year, day.month, day.day, 23, 59, 59, 999999,
                    tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)


# -- one-line service calls for tests (each is one command through ``handle``) ----------

def fire(uow: UnitOfWork, rules: Rules, contact_id: int, trigger: str, who: Actor,
         data: Mapping[str, Any], read_version: int, now: datetime) -> dict[str, Any]:
    """``handle(uow, rules, Act(...))`` with the arguments in the order tests read them."""
    result: dict[str, Any] = handle(uow, rules, Act(trigger, contact_id, who, now, data,
                                                    read_version))
    return result


def record_contact(uow: UnitOfWork, rules: Rules, new: NewContact, who: Actor,
                   now: datetime) -> list[dict[str, Any]]:
    """``handle(uow, rules, RecordContact(...))``, with any unusual value (a contact
    received long ago, an adult's date of birth) confirmed, as the test means it."""
    asked = questions(new, rules.calendar.local_date(now), now)
    new = replace(new, confirmed=new.confirmed | frozenset(asked))
    made: list[dict[str, Any]] = handle(uow, rules, RecordContact(new, who, now))
    return made
