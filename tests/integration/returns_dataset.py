"""A small, hand-checked data set for the statutory returns, built through the services.

Every child and every step has a literal date and time (UTC; all in GMT months except one
receipt just before midnight in British Summer Time), so the expected Annex A rows and
census elements can be written out by hand in the tests. Nothing is assigned: each
contact is recorded with ``record_contact`` and moved with ``fire``, as people would.

    Alex  born 15/06/2015, boy, UPN, no disability
          referral 11/06/2025 (received 10 Jun 23:30 UTC = 00:30 BST on 11 Jun), police;
          assessment authorised 20/06/2025 "no further action" -> closed RC8
          referral 05/01/2026, police, allocated; seen 07/01; authorised 20/01/2026 -> CIN plan
    Bea   born 30/11/2021 (under 6: UPN unknown UN1), girl, no disability
          referral 02/02/2026 (strategy discussion), school; discussion 03/02 09:30;
          s47 started; ICPC 20/02/2026 with a plan, category NEG (target 24/02/2026)
    Cal   born 01/01/2019, contact 02/03/2026 from A&E, decided no further action
          (a contact, not a referral)
    Dee   born 01/03/2012, girl, UPN, disability NOT recorded
          referral 09/02/2026 (strategy discussion), GP; discussion 10/02 14:00;
          s47 started; ICPC not required 16/02/2026
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from tests.builders import (
    FRONT_DOOR_WORKER,
    SOCIAL_WORKER,
    TEAM_MANAGER,
    OnService,
    payload,
    record_contact,
    walk_to,
)
from workflow.intake.commands import NewContact
from workflow.people.records import PersonDetails
from workflow.ports import UnitOfWork
from workflow.roles import Actor
from workflow.rules import Rules
from workflow.stages import Stage

UowFactory = Callable[[], UnitOfWork]


def at(text: str) -> datetime:
    """``"2026-01-05 09:00"`` as an aware UTC instant."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


ALEX = PersonDetails("Alex", "Example", date_of_birth=date(2015, 6, 15), sex="M",
                     upn="R885201500001", disabilities=("NONE",))
BEA = PersonDetails("Bea", "Sample", date_of_birth=date(2021, 11, 30), sex="F",
                    disabilities=("NONE",))
CAL = PersonDetails("Cal", "Testwell", date_of_birth=date(2019, 1, 1), sex="M",
                    disabilities=("NONE",))
DEE = PersonDetails("Dee", "Demo", date_of_birth=date(2012, 3, 1), sex="F",
                    upn="E885201200002")


@dataclass
class Made:
    """Contact ids of the data set, by name."""

    alex_2025: int = 0
    alex_2026: int = 0
    bea: int = 0
    cal: int = 0
    dee: int = 0


class Builder:
    """Records one contact and fires its steps at the given instants."""

    def __init__(self, uow_factory: UowFactory, rules: Rules) -> None:
        self.uow_factory, self.rules = uow_factory, rules

    def contact(self, details: PersonDetails | int, received: datetime,
                source: str) -> OnService:
        new = NewContact(received, source, [details], referrer="PC Synthetic",
                         concerns="Synthetic concern for tests")
        [made] = record_contact(self.uow_factory(), self.rules, new, FRONT_DOOR_WORKER,
                                received)
        return OnService(self.uow_factory, self.rules, made["id"], made["version"], received)

    @staticmethod
    def step(driver: OnService, when: datetime, trigger: str, who: Actor,
             variant: str | None = None, **extra: Any) -> None:
        driver.now = when
        driver.fire(trigger, who, payload(trigger, when, variant, **extra))

    @staticmethod
    def to_decision(driver: OnService, when: datetime) -> None:
        driver.now = when
        walk_to(driver, Stage.THRESHOLD_DECISION)


def _alex(b: Builder, made: Made) -> int:
    first = b.contact(ALEX, at("2025-06-10 23:30"), "6")
    b.to_decision(first, at("2025-06-10 23:40"))
    b.step(first, at("2025-06-11 09:00"), "decide", FRONT_DOOR_WORKER, "referral",
           primary_need="N5")
    b.step(first, at("2025-06-12 09:00"), "allocate", TEAM_MANAGER)
    b.step(first, at("2025-06-20 11:00"), "submit_assessment", SOCIAL_WORKER, "no_factors")
    b.step(first, at("2025-06-20 12:00"), "complete_assessment", TEAM_MANAGER,
           "no_further_action", factors=["21"],
           not_seen_reason="Synthetic: the family declined every visit")
    made.alex_2025 = first.contact_id
    with b.uow_factory() as uow:
        child_id = int(uow.contacts.get(first.contact_id).child_id or 0)
    second = b.contact(child_id, at("2026-01-05 09:00"), "6")
    b.to_decision(second, at("2026-01-05 10:00"))
    b.step(second, at("2026-01-05 15:00"), "decide", FRONT_DOOR_WORKER, "referral",
           primary_need="N1")
    b.step(second, at("2026-01-06 09:00"), "allocate", TEAM_MANAGER)
    b.step(second, at("2026-01-07 11:00"), "record_visit", SOCIAL_WORKER, "seen")
    b.step(second, at("2026-01-20 15:00"), "submit_assessment", SOCIAL_WORKER)
    b.step(second, at("2026-01-20 16:00"), "complete_assessment", TEAM_MANAGER, "cin_plan",
           factors=["3A", "4B"])
    return second.contact_id


def _section_47(b: Builder, details: PersonDetails, received: str, source: str,
                held: str) -> OnService:
    driver = b.contact(details, at(received), source)
    b.to_decision(driver, at(received))
    b.step(driver, at(received), "decide", FRONT_DOOR_WORKER, "strategy_discussion",
           primary_need="N1")
    b.step(driver, at(held), "hold_strategy_discussion", SOCIAL_WORKER)
    b.step(driver, at(held), "start_section_47", SOCIAL_WORKER)
    return driver


def build(uow_factory: UowFactory, rules: Rules) -> Made:
    """Record the whole data set; returns the contact ids."""
    b, made = Builder(uow_factory, rules), Made()
    made.alex_2026 = _alex(b, made)
    bea = _section_47(b, BEA, "2026-02-02 10:00", "2A", "2026-02-03 09:30")
    b.step(bea, at("2026-02-20 11:00"), "hold_icpc", SOCIAL_WORKER, "plan")
    made.bea = bea.contact_id
    cal = b.contact(CAL, at("2026-03-02 08:15"), "3E")
    b.to_decision(cal, at("2026-03-02 09:00"))
    b.step(cal, at("2026-03-02 12:00"), "decide", FRONT_DOOR_WORKER, "no_further_action")
    made.cal = cal.contact_id
    dee = _section_47(b, DEE, "2026-02-09 13:00", "3A", "2026-02-10 14:00")
    b.step(dee, at("2026-02-16 10:00"), "icpc_not_required", SOCIAL_WORKER)
    made.dee = dee.contact_id
    return made
