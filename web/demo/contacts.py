"""Synthetic demo data: contacts walked through the real command path (``handle``).

Every record is invented (names from short made-up lists, no real identifiers). Each
contact is received at a random time in the last few weeks and walked along one of the
journeys of DOMAIN.md §2 with realistic gaps, so the queue shows every stage, some
contacts on time and some overdue. The same seed always gives the same data.

After the decision each step is timed against the clock it stops (usually well inside
its timescale, about one in sixteen late), and the routine work of a case in hand (visits,
the written plan, reviews, conferences, core groups, supervision) is done as each clock
falls due, up to now: most of the live caseload is on time, some near its due time and a
few breached. Early help decisions are handed to Family Help (the demo practitioner),
which accepts, assesses and agrees a plan; the principal social worker has an audit sample.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from reporting import ReadSession
from reporting.queries import contacts_at_stage
from thresholds import CatalogueRegistry, load_registry
from web.demo.kept import Remembering
from workflow.audits.commands import DrawSample
from workflow.engine.registry import actions
from workflow.errors import FrontDoorError
from workflow.intake.commands import NewContact, RecordContact
from workflow.people.nhs_number import synthetic_nhs_number
from workflow.people.records import Address, PersonDetails
from workflow.people.upn import with_check_letter
from workflow.ports import UnitOfWork
from workflow.roles import Actor, Role
from workflow.rules import Rules
from workflow.services import Act, handle

FIRST = ("Alex", "Sam", "Jordan", "Riley", "Casey", "Morgan", "Taylor", "Jamie", "Robin",
         "Charlie", "Frankie", "Harper", "Rowan", "Skye", "Quinn", "Ellis", "Avery", "Kit")
LAST = ("Example", "Sample", "Testwell", "Demo", "Fictional", "Madeup", "Placeholder",
        "Synth", "Mockford", "Dummyson", "Notreal", "Invented")
SOURCES = ("6", "6", "6", "2A", "2A", "3A", "3E", "1A", "3B", "5D", "8", "9")
#: CIN primary need codes (DOMAIN.md §5) a referral records with its decision.
NEEDS = ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8")

LONDON = ZoneInfo("Europe/London")
WORKER = Actor("demo.worker", Role.FRONT_DOOR_WORKER)
MANAGER = Actor("demo.manager", Role.TEAM_MANAGER)
SOCIAL_WORKER = Actor("demo.socialworker", Role.SOCIAL_WORKER)
PSW = Actor("demo.psw", Role.PRINCIPAL_SOCIAL_WORKER)
FAMILY_HELP = Actor("demo.familyhelp", Role.FAMILY_HELP_PRACTITIONER, team="family-help-north")

Step = tuple[str, Actor, Callable[[datetime], dict[str, Any]]]


def _p(**fields: Any) -> Callable[[datetime], dict[str, Any]]:
    """A payload: "@" is the step's moment, "@day" its date in London."""
    return lambda at: {k: (at if v == "@" else _day(at) if v == "@day" else v)
                       for k, v in fields.items()}


def _day(at: datetime) -> date:
    return at.astimezone(LONDON).date()


def _plus(payload: Callable[[datetime], dict[str, Any]],
          more: Callable[[datetime], dict[str, Any]] | None = None,
          **extra: Any) -> Callable[[datetime], dict[str, Any]]:
    """The payload with ``extra`` fields, and those ``more`` works out from the moment."""
    return lambda at: payload(at) | (more(at) if more else {}) | extra


def _review_in(weeks: int) -> Callable[[datetime], dict[str, Any]]:
    """A family help plan agreed (or reviewed) on the step's day, next reviewed in
    ``weeks`` weeks."""
    return lambda at: {"next_review_on": _day(at) + timedelta(weeks=weeks)}


_SCREEN: list[Step] = [("start_screening", WORKER, _p())]
_MASH: list[Step] = [("send_to_mash", WORKER, _p()),
                     ("complete_information_gathering", WORKER, _p())]
_REASON = "Synthetic demo rationale."
#: A strategy discussion's social worker is allocated as soon as it is decided.
_ALLOCATE_S47 = _p(team="assessment-1", worker="demo.socialworker")
JOURNEYS: dict[str, list[Step]] = {
    "nfa": _MASH + [("decide", WORKER, _p(outcome="no_further_action", rationale=_REASON))],
    "early_help": _MASH + [
        ("decide", WORKER, _p(outcome="early_help", rationale=_REASON, consent="given")),
        # The front door hands the family to the Family Help service, which accepts it,
        # assesses and agrees a plan (the demo's Family Help practitioner holds them).
        ("step_down", WORKER, _p(consent="given", service="fh-north",
                                 practitioner="demo.familyhelp", handover_on="@day")),
        ("accept_transfer", FAMILY_HELP, _p()),
        ("record_family_help_assessment", FAMILY_HELP, _p(
            assessed_on="@day", summary="Synthetic: routines and school attendance.")),
        ("agree_family_help_plan", FAMILY_HELP, _plus(_p(
            agreed_on="@day", outcomes="Synthetic: regular attendance, calmer mornings."),
            _review_in(6)))],
    "assessment": _MASH + [
        ("decide", WORKER, _p(outcome="referral_to_social_care", rationale=_REASON)),
        ("allocate", MANAGER, _p(team="assessment-1", worker="demo.socialworker")),
        ("record_visit", SOCIAL_WORKER, _p(child_seen=True, visited_at="@", seen_alone=True)),
        ("submit_assessment", SOCIAL_WORKER, _p(factors=["3B", "4B"], rationale=_REASON)),
        ("complete_assessment", MANAGER, _p(assessment_outcome="cin_plan",
                                            lateness_reason="Demo: family unavailable"))],
    "s47": _MASH + [
        ("decide", WORKER, _p(outcome="strategy_discussion", rationale=_REASON,
                              reasonable_cause="Synthetic: injury disclosed at school")),
        ("allocate", MANAGER, _ALLOCATE_S47),
        ("hold_strategy_discussion", SOCIAL_WORKER, _p(
            held_at="@", rationale=_REASON, chair="Mo Manager", outcome="section_47",
            reasonable_cause="Synthetic: injury disclosed at school",
            participation={"la_social_worker": "attended", "police": "attended",
                           "health": "attended", "education": "written"})),
        ("start_section_47", SOCIAL_WORKER, _p(reasonable_cause="Synthetic basis")),
        ("hold_icpc", SOCIAL_WORKER, _p(plan=True, held_at="@", category="NEG"))],
    "open_case": [("pass_to_allocated_worker", WORKER, _p(
        open_case_reference="OC-DEMO", reason="Child has an open case"))],
}


#: Pre-proceedings on some child protection plans (chosen by contact id, so the seeds are
#: unchanged): the legal planning meeting, the letter offering a family group
#: decision-making meeting (Children Act 1989 s31ZA), the meeting held, the first
#: pre-proceedings meeting, and for some the decision (census module 5, 2026-27 on).
PRE_PROCEEDINGS: list[Step] = [
    ("start_pre_proceedings", SOCIAL_WORKER, _p(started_on="@day", reason=_REASON)),
    ("send_letter_before_proceedings", SOCIAL_WORKER, _p(sent_on="@day", fgdm_offered=True)),
    ("record_fgdm", SOCIAL_WORKER, _p(facilitated=True, held_on="@day")),
    ("hold_pre_proceedings_meeting", SOCIAL_WORKER, _p(held_on="@day"))]
CONCLUSION: Step = ("conclude_pre_proceedings", MANAGER, _p(decided_on="@day", outcome="A",
                                                           rationale=_REASON))

DECISIONS = ("decide", "pass_to_allocated_worker")
#: Steps added after the seeds were fixed take a set time, not a random one, so every
#: seed still makes the same contacts (the submission comes hours before authorisation).
FIXED_GAPS = {"submit_assessment": timedelta(hours=3),
              "start_pre_proceedings": timedelta(days=2),
              "send_letter_before_proceedings": timedelta(days=3),
              "record_fgdm": timedelta(days=5),
              "hold_pre_proceedings_meeting": timedelta(days=4),
              "conclude_pre_proceedings": timedelta(days=6)}
#: The same for a step known by its payload (a trigger other journeys also take at random).
FIXED_STEP_GAPS: dict[Callable[[datetime], dict[str, Any]], timedelta] = {
    _ALLOCATE_S47: timedelta(minutes=20)}
_VISIT: Step = ("record_visit", SOCIAL_WORKER, _p(child_seen=True, visited_at="@",
                                                  seen_alone=True))
_CONFERENCE: Step = ("hold_review_conference", SOCIAL_WORKER, _p(held_at="@",
                                                                plan_continues=True))
_CORE_GROUP: Step = ("hold_core_group", SOCIAL_WORKER, _p(held_at="@"))
_PLAN: Step = ("record_plan", SOCIAL_WORKER, _p(held_at="@", note="Synthetic plan, written "
                                                "with the family."))
#: The routine work that stops each running clock of a case in work (visits, the written
#: plan, reviews, conferences, core groups, supervision, the lead practitioner).
UPKEEP: dict[str, Step] = {
    "child_seen_s17": _VISIT, "child_seen_s47": _VISIT, "cin_visit": _VISIT,
    "cp_visit": _VISIT, "cin_plan_written": _PLAN, "cp_plan_written": _PLAN,
    "cin_review": ("hold_cin_review", SOCIAL_WORKER, _p(held_at="@",
                                                       note="Synthetic review of the plan.")),
    "supervision": ("record_supervision", MANAGER, _p(held_at="@",
                                                      note="Synthetic case supervision.")),
    "core_group": _CORE_GROUP, "core_group_interval": _CORE_GROUP,
    "first_review_conference": _CONFERENCE, "review_conference": _CONFERENCE,
    "lead_cp_practitioner": ("appoint_lead_cp_practitioner", MANAGER,
                             _p(practitioner="demo.socialworker")),
}
_FEEDBACK: Step = ("give_referrer_feedback", WORKER, _p(reason="Referrer told of the decision"))


@dataclass(frozen=True)
class DemoSpec:
    """How much to make: contacts, the seed, and how far back receipts go."""

    contacts: int = 300
    seed: int = 1
    days_back: int = 45
    #: Hand each walked contact from one command to the next instead of reading it back
    #: (``web.demo.kept``): the same rows, a fifth less work. False reads it every time.
    remembered: bool = True


def _received(rng: random.Random, now: datetime, days_back: int) -> datetime:
    skew = rng.random() ** 1.8  # more recent contacts than old ones, as in a live queue
    return now - timedelta(days=days_back * skew, hours=rng.uniform(0, 8))


def _gap(rng: random.Random, decided: bool) -> timedelta:
    """Front-door steps mostly take hours (about one in ten decisions runs late);
    casework after the decision takes days."""
    if decided:
        return timedelta(hours=rng.uniform(4, 120))
    return timedelta(hours=rng.uniform(0.2, 3) if rng.random() < 0.9 else rng.uniform(6, 30))


#: About one timed step in this many misses its clock, so the breach dashboard has a few
#: real breaches to show among a caseload that is mostly on time.
LATE = 0.06
OpenClocks = dict[str, datetime]
#: Steps timed against a clock a later step stops: the MASH's gathering is done in time
#: for the decision, so the newest contacts are still being gathered on.
AHEAD = {"complete_information_gathering": "contact_decision"}


def _before_due(rng: random.Random, since: datetime, due: datetime) -> datetime:
    """When a step that stops a running clock is done: usually well inside its timescale
    (a good way through the time left), now and then a little after it."""
    if rng.random() < LATE:
        return max(since, due) + timedelta(hours=rng.uniform(2, 72))
    if due <= since:
        return since + timedelta(minutes=rng.uniform(10, 90))
    return since + (due - since) * rng.triangular(0.1, 0.9, 0.3)


@dataclass
class _Walker:
    """One contact on its way: where it is, its version and its running clocks, and the
    generator that times its steps (steps are timed against the clocks they stop)."""

    uow: Callable[[], UnitOfWork]
    rules: Rules
    cid: int
    rng: random.Random
    now: datetime
    at: datetime
    version: int = 1
    clocks: OpenClocks = field(default_factory=dict)

    def when(self, trigger: str, gap: timedelta) -> datetime:
        """The step's moment: against the soonest clock it stops, else after ``gap``."""
        stops = _stopped_by(self.rules).get(trigger, frozenset()) | {AHEAD.get(trigger)}
        due = min((d for r, d in self.clocks.items() if r in stops), default=None)
        return self.at + gap if due is None else _before_due(self.rng, self.at, due)

    def fire(self, step: Step, at: datetime) -> bool:
        """Send one step through the command path; False if a guard refused it."""
        trigger, actor, payload = step
        body = payload(at) | ({"rag": self.rng.choice(("red", "amber", "green")),
                               "reason": "demo"} if trigger == "rate" else {})
        if trigger == "decide":
            body = _stamped(self.rules, body, at)
        try:
            done = handle(self.uow(), self.rules,
                          Act(trigger, self.cid, actor, at, body, self.version))
        except FrontDoorError:
            return False  # a guard stopped it: leave the contact where it is, as in life
        self.version, self.at = done["version"], at
        self.clocks = {c["rule"]: datetime.fromisoformat(c["due_at"])
                       for c in done["open_clocks"]}
        return True

    def keep_up(self, until: datetime) -> None:
        """The routine work of a running case (visits, plans, reviews, supervision, core
        groups) done as each clock falls due, up to ``until``: what keeps most of a live
        caseload on time. A clock whose work is refused is left running."""
        refused: set[str] = set()
        for _ in range(40):
            due, rule = min(((d, r) for r, d in self.clocks.items()
                             if r in UPKEEP and r not in refused), default=(None, ""))
            if due is None:
                return
            at = _on_a_weekday(_before_due(self.rng, self.at, due))
            if at >= until:
                return
            if not self.fire(UPKEEP[rule], at):
                refused.add(rule)


def _on_a_weekday(at: datetime) -> datetime:
    """Meetings and visits in the working week: a Saturday or Sunday moves to Monday."""
    local = at.astimezone(LONDON)
    if local.weekday() < 5:
        return at
    monday = local.date() + timedelta(days=7 - local.weekday())
    return datetime.combine(monday, time(10), LONDON).astimezone(UTC)


_STOPS: dict[Path, dict[str, frozenset[str]]] = {}


def _stopped_by(rules: Rules) -> dict[str, frozenset[str]]:
    """Per action, the clocks it stops (the events its rows emit, against the stop
    events of the timescales in force now), worked out once per configuration."""
    found = _STOPS.get(rules.config_dir)
    if found is None:
        book = rules.timescales
        latest = [book.rule(name, date.max) for name in book.names()]
        found = _STOPS[rules.config_dir] = {
            action.name: frozenset(rule.name for rule in latest
                                   if any(e in rule.stops_on for r in action.rows
                                          for e in r.emits))
            for action in actions().values()}
    return found


def _walk(uow_factory: Callable[[], UnitOfWork], rules: Rules, made: dict[str, Any],
          steps: list[Step], at: datetime, now: datetime, rng: random.Random) -> None:
    """The contact ``made`` (its summary) received at ``at``, walked along ``steps``."""
    walker = _Walker(uow_factory, rules, made["id"], rng, now, at, made["version"],
                     {c["rule"]: datetime.fromisoformat(c["due_at"])
                      for c in made["open_clocks"]})
    decided = False
    for step in steps:
        trigger, _actor, payload = step
        fixed = FIXED_GAPS.get(trigger) or FIXED_STEP_GAPS.get(payload)
        # Before the decision the front door works in hours (its own gaps); after it,
        # each step is timed against the clock it stops.
        moment = walker.at + (fixed or _gap(rng, decided)) \
            if fixed or not (decided or trigger in AHEAD) \
            else walker.when(trigger, _gap(rng, decided))
        decided = decided or trigger in DECISIONS
        walker.keep_up(min(moment, now))
        moment = max(moment, walker.at + timedelta(minutes=1))
        if moment >= now or not walker.fire(step, moment):
            return
    walker.keep_up(now)


_LEVEL_FOR = {"no_further_action": 1, "advice_signposting": 1, "early_help": 2,
              "targeted_early_help": 3, "referral_to_social_care": 4, "strategy_discussion": 4}


@cache
def _registry(config_dir: Path) -> CatalogueRegistry:
    return load_registry(config_dir / "levels_of_need")


def _stamped(rules: Rules, body: dict[str, Any], at: datetime) -> dict[str, Any]:
    """A demo decision made as a worker would: the level chosen and one indicator of it
    ticked (the command path checks it against the catalogue in force and stamps it)."""
    catalogue = _registry(rules.config_dir).active_on(rules.calendar.local_date(at))
    level = _LEVEL_FOR[str(body["outcome"])]
    ticked = [next(i.id for i in catalogue.indicators if i.level == level)]
    return body | {"level": level, "indicators": ticked}


#: Synthetic characteristics, weighted roughly as an English county's children in need:
#: most have no disability; the others any of the DfE's twelve codes, some two of them
#: (the census queries a return that uses fewer than eight codes, 2887Q, or records no
#: child with more than one, 2888Q).
ETHNICITIES = ("WBRI",) * 14 + ("WOTH", "MWBC", "MWBA", "MOTH", "AIND", "APKN", "BAFR",
                                "BCRB", "CHNE", "OOTH", "WROM", "REFU", "NOBT")
DISABILITIES = ("MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT",
                "DDA")
OUTWARD = tuple(f"WR{n}" for n in range(1, 16))


def _child(first: str, last: str, details: random.Random, received: datetime,
           la_number: str) -> PersonDetails:
    """What the returns need about a child, invented: age 0-17, sex, ethnicity, disability,
    a valid synthetic UPN from school age on (the council's LA number, a random
    establishment and serial, the check letter computed), a synthetic NHS number (the NHS's
    999 test range, which can never be a real patient's) and an address."""
    born = received.date() - timedelta(days=details.randint(30, 17 * 365))
    school_age = (received.date() - born).days >= 5 * 365
    upn = with_check_letter(f"{la_number}{details.randrange(10**9):09d}") \
        if school_age and la_number else None
    address = Address(f"{details.randint(1, 180)} Example Street",
                      f"{details.choice(OUTWARD)} {details.randint(1, 9)}"
                      f"{details.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                      f"{details.choice('ABDEFGHJLNPQRSTUWXYZ')}", town="Synthetown")
    return PersonDetails(first, last, date_of_birth=born, sex=details.choice("MMFFU"[:4]),
                         ethnicity=details.choice(ETHNICITIES),
                         disabilities=_disabilities(details),
                         nhs_number=synthetic_nhs_number(details), upn=upn, address=address)


def _disabilities(details: random.Random) -> tuple[str, ...]:
    """No disability for two children in three; one code or, now and then, two."""
    if details.random() < 2 / 3:
        return ("NONE",)
    return tuple(details.sample(DISABILITIES, 2 if details.random() < 0.25 else 1))


def load_demo(uow_factory: Callable[[], UnitOfWork], rules: Rules, spec: DemoSpec,
              now: datetime, reads: Callable[[], ReadSession] | None = None) -> Iterator[int]:
    """Create ``spec.contacts`` contacts; yields after each so callers can show progress."""
    rng = random.Random(spec.seed)  # noqa: S311 - synthetic data, not security
    # A second generator for the census details, so adding them left every seed's
    # contacts, journeys and timings exactly as they were.
    details = random.Random(f"children-{spec.seed}")  # noqa: S311 - synthetic data
    walking = Remembering(uow_factory) if spec.remembered else uow_factory
    made = 0
    while made < spec.contacts:
        received = _received(rng, now, spec.days_back)
        kids = [_child(rng.choice(FIRST), rng.choice(LAST), details, received,
                       rules.people.la_number) for _ in range(
            1 if rng.random() < 0.85 else 2)]
        intake = NewContact(received, rng.choice(SOURCES), kids, concerns="Synthetic concern.")
        for summary in handle(uow_factory(), rules, RecordContact(intake, WORKER, received)):
            _journey(walking, rules, summary, received, now, rng)
            made += 1
            yield made
    # Requests to partners on the contacts above, and today's meeting.
    from web.demo.mash import load_mash_demo

    if reads is not None:
        load_mash_demo(uow_factory, reads, rules, now, spec.seed)
        _audit_sample(uow_factory, reads, rules, now)


def _audit_sample(uow_factory: Callable[[], UnitOfWork], reads: Callable[[], ReadSession],
                  rules: Rules, now: datetime) -> None:
    """A sample of cases on plans drawn for audit by the principal social worker, so the
    audit pages have audits to open."""
    with reads() as session:
        cases = [cid for stage in ("cin_plan", "cp_plan", "early_help")
                 for cid in contacts_at_stage(session, stage)[:2]]
    sample = DrawSample("Demo sample: cases on plans", "random", "case_audit", tuple(cases),
                        PSW, now, seed=1)
    try:
        handle(uow_factory(), rules, sample)
    except FrontDoorError:
        return  # no cases on plans yet, or no audit form in force on the demo's day


def _with_need(steps: list[Step], need: str) -> list[Step]:
    """The decision's payload also records the CIN primary need code."""
    return [(trigger, actor, _plus(payload, primary_need=need) if trigger == "decide"
             else payload) for trigger, actor, payload in steps]


#: Some discussions miss an agency, with the reason, so the contribution KPI is not a
#: flat 100% (chosen by contact id: the seeds are unchanged).
MISSED = {0: ("police", "invited_no_contribution", "Duty officer called to an emergency"),
          3: ("education", "not_invited", "Held in the school holidays")}


def _with_gaps_in_the_grid(steps: list[Step], cid: int) -> list[Step]:
    missed = MISSED.get(cid % 7)
    if missed is None:
        return steps
    agency, status, reason = missed
    return [(t, a, _plus(p, **_missing(p, agency, status, reason))
             if t == "hold_strategy_discussion" else p) for t, a, p in steps]


def _missing(payload: Callable[[datetime], dict[str, Any]], agency: str, status: str,
             reason: str) -> dict[str, Any]:
    grid = dict(payload(datetime.now(UTC))["participation"]) | {agency: status}
    return {"participation": grid, "participation_reasons": {agency: reason}}


def _journey(uow_factory: Callable[[], UnitOfWork], rules: Rules, made: dict[str, Any],
             received: datetime, now: datetime, rng: random.Random) -> None:
    cid = int(made["id"])
    name = rng.choices(list(JOURNEYS), weights=(30, 20, 25, 10, 5))[0]
    rate: list[Step] = [("rate", WORKER, _p())]
    steps = _SCREEN + (JOURNEYS[name] if name == "open_case" else rate + JOURNEYS[name])
    if name in ("assessment", "s47"):  # a referral: the census needs its primary need
        steps = _with_need(steps, "N1" if name == "s47" else NEEDS[cid % len(NEEDS)])
    if name == "s47" and cid % 2 == 0:
        steps = steps + PRE_PROCEEDINGS + ([CONCLUSION] if cid % 4 == 0 else [])
    steps = _with_gaps_in_the_grid(steps, cid)
    if rng.random() < 0.95:  # most referrers hear back; the rest show on the dashboard
        decided = next(i for i, step in enumerate(steps) if step[0] in DECISIONS) + 1
        steps = steps[:decided] + [_FEEDBACK] + steps[decided:]
    _walk(uow_factory, rules, made, steps, received, now, rng)
