"""Synthetic demo data: contacts walked through the real command path (``handle``).

Every record is invented (names from short made-up lists, no real identifiers). Each
contact is received at a random time in the last few weeks and walked along one of the
journeys of DOMAIN.md §2 with realistic gaps, so the queue shows every stage, some
contacts on time and some overdue. The same seed always gives the same data.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from reporting import ReadSession
from thresholds import CatalogueRegistry, load_registry
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

Step = tuple[str, Actor, Callable[[datetime], dict[str, Any]]]


def _p(**fields: Any) -> Callable[[datetime], dict[str, Any]]:
    """A payload: "@" is the step's moment, "@day" its date in London."""
    return lambda at: {k: (at if v == "@" else _day(at) if v == "@day" else v)
                       for k, v in fields.items()}


def _day(at: datetime) -> date:
    return at.astimezone(LONDON).date()


_SCREEN: list[Step] = [("start_screening", WORKER, _p())]
_MASH: list[Step] = [("send_to_mash", WORKER, _p()),
                     ("complete_information_gathering", WORKER, _p())]
_REASON = "Synthetic demo rationale."
#: A strategy discussion's social worker is allocated as soon as it is decided.
_ALLOCATE_S47 = _p(team="assessment-1", worker="demo.socialworker")
JOURNEYS: dict[str, list[Step]] = {
    "nfa": _MASH + [("decide", WORKER, _p(outcome="no_further_action", rationale=_REASON))],
    "early_help": _MASH + [("decide", WORKER, _p(outcome="early_help", rationale=_REASON,
                                                   consent="given"))],
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
_FEEDBACK: Step = ("give_referrer_feedback", WORKER, _p(reason="Referrer told of the decision"))


@dataclass(frozen=True)
class DemoSpec:
    """How much to make: contacts, the seed, and how far back receipts go."""

    contacts: int = 300
    seed: int = 1
    days_back: int = 45


def _received(rng: random.Random, now: datetime, days_back: int) -> datetime:
    skew = rng.random() ** 1.8  # more recent contacts than old ones, as in a live queue
    return now - timedelta(days=days_back * skew, hours=rng.uniform(0, 8))


def _gap(rng: random.Random, decided: bool) -> timedelta:
    """Front-door steps mostly take hours (about one in ten decisions runs late);
    casework after the decision takes days."""
    if decided:
        return timedelta(hours=rng.uniform(4, 120))
    return timedelta(hours=rng.uniform(0.2, 3) if rng.random() < 0.9 else rng.uniform(6, 30))


def _walk(uow_factory: Callable[[], UnitOfWork], rules: Rules, cid: int, steps: list[Step],
          at: datetime, now: datetime, rng: random.Random) -> None:
    version = 1
    decided = False
    for trigger, actor, payload in steps:
        at += FIXED_GAPS.get(trigger) or FIXED_STEP_GAPS.get(payload) or _gap(rng, decided)
        decided = decided or trigger in DECISIONS
        if at >= now:
            return
        body = payload(at) | ({"rag": rng.choice(("red", "amber", "green")), "reason": "demo"}
                              if trigger == "rate" else {})
        if trigger == "decide":
            body = _stamped(rules, body, at)
        try:
            version = handle(uow_factory(), rules,
                             Act(trigger, cid, actor, at, body, version))["version"]
        except FrontDoorError:
            return  # a guard stopped the walk: leave the contact where it is, as in life


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
    made = 0
    while made < spec.contacts:
        received = _received(rng, now, spec.days_back)
        kids = [_child(rng.choice(FIRST), rng.choice(LAST), details, received,
                       rules.people.la_number) for _ in range(
            1 if rng.random() < 0.85 else 2)]
        intake = NewContact(received, rng.choice(SOURCES), kids, concerns="Synthetic concern.")
        for summary in handle(uow_factory(), rules, RecordContact(intake, WORKER, received)):
            _journey(uow_factory, rules, summary["id"], received, now, rng)
            made += 1
            yield made
    # Requests to partners on the contacts above, and today's meeting.
    from web.demo.mash import load_mash_demo

    if reads is not None:
        load_mash_demo(uow_factory, reads, rules, now, spec.seed)


def _with_need(steps: list[Step], need: str) -> list[Step]:
    """The decision's payload also records the CIN primary need code."""
    return [(trigger, actor, _plus(payload, primary_need=need) if trigger == "decide"
             else payload) for trigger, actor, payload in steps]


def _plus(payload: Callable[[datetime], dict[str, Any]],
          **extra: Any) -> Callable[[datetime], dict[str, Any]]:
    return lambda at: payload(at) | extra


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


def _journey(uow_factory: Callable[[], UnitOfWork], rules: Rules, cid: int, received: datetime,
             now: datetime, rng: random.Random) -> None:
    name = rng.choices(list(JOURNEYS), weights=(30, 20, 25, 10, 5))[0]
    rate: list[Step] = [("rate", WORKER, _p())]
    steps = _SCREEN + (JOURNEYS[name] if name == "open_case" else rate + JOURNEYS[name])
    if name in ("assessment", "s47"):  # a referral: the census needs its primary need
        steps = _with_need(steps, "N1" if name == "s47" else NEEDS[cid % len(NEEDS)])
    if name == "s47" and cid % 2 == 0:
        steps = steps + PRE_PROCEEDINGS + ([CONCLUSION] if cid % 4 == 0 else [])
    steps = _with_gaps_in_the_grid(steps, cid)
    if rng.random() < 0.9:  # most referrers hear back; the rest show on the dashboard
        decided = next(i for i, step in enumerate(steps) if step[0] in DECISIONS) + 1
        steps = steps[:decided] + [_FEEDBACK] + steps[decided:]
    _walk(uow_factory, rules, cid, steps, received, now, rng)
