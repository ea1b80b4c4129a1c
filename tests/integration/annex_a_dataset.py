"""The returns data set (``returns_dataset``) and more, for all seven Annex A lists.

Built through the services with literal UTC instants (GMT months, but for Gus's 2025 review
and closure: 10:00 UTC in BST is 11:00 the same London day), so every expected
row can be written out by hand. On top of Alex, Bea, Cal and Dee (see returns_dataset):

    Directory  Child Protection East (cp.worker, Chris Protector) beside Assessment North
               (social.worker, Sam Worker)
    Bea        allocated to Child Protection East / Chris Protector on 04/02/2026
    Dee        allocated to Assessment North / Sam Worker on 11/02/2026, and re-allocated
               to Child Protection East on 02/04/2026 (after the quarter)
    Alex       his CIN plan stepped down on 10/03/2026 to "Family Help North", hand-over
               16/03/2026 (episode closed RC7; early help open)
    Eve        born 04/07/2020, girl, WBRI, no disability; contact 12/01/2026 from 5D
               (LA early help), decided early help the same day; early help ended 20/03/2026
    Fay        born 13/02/2014, girl, APKN, disability LD; referral 19/01/2026 from 1A,
               allocated 20/01, seen 21/01; assessment authorised 13/02/2026 "early help"
               (RC9) to "Family Help North", hand-over 16/02/2026
    Gus        born 31/03/2010 (16 on the quarter's last day), boy, MWBA, no disability;
               referral 15/01/2025, s47 16/01/2025, ICPC 03/02/2025 with a plan (NEG), plan
               ended at review 05/05/2025, closed RC7 02/06/2025; referral again 15/01/2026
               (exactly 12 months on), allocated to Child Protection East 16/01, s47
               16/01/2026, ICPC 05/02/2026 with a plan (PHY), visits 20/02 (seen alone) and
               12/03/2026 (seen, not alone), review conference 02/03/2026 (plan continues)
    Hal        born 01/04/2008 (17 on the quarter's last day, 18 the next), sex U, REFU;
               referral 09/02/2025 closed after assessment RC8 on 14/02/2025; referral
               again 10/02/2026 (12 months and a day on), allocated 11/02, assessment open
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tests.builders import FRONT_DOOR_WORKER, SOCIAL_WORKER, TEAM_MANAGER, OnService, Staffing
from tests.integration.returns_dataset import Builder, Made, at, build
from workflow.people.records import PersonDetails
from workflow.ports import UnitOfWork
from workflow.roles import Role
from workflow.rules import Rules

UowFactory = Callable[[], UnitOfWork]

EVE = PersonDetails("Eve", "Placeholder", date_of_birth=date(2020, 7, 4), sex="F",
                    ethnicity="WBRI", disabilities=("NONE",))
FAY = PersonDetails("Fay", "Invented", date_of_birth=date(2014, 2, 13), sex="F",
                    ethnicity="APKN", disabilities=("LD",))
GUS = PersonDetails("Gus", "Mockford", date_of_birth=date(2010, 3, 31), sex="M",
                    ethnicity="MWBA", disabilities=("NONE",))
HAL = PersonDetails("Hal", "Notreal", date_of_birth=date(2008, 4, 1), sex="U",
                    ethnicity="REFU", disabilities=("NONE",))
CP_TEAM = {"team": "child-protection-east", "worker": "cp.worker"}
ASSESSMENT_TEAM = {"team": "assessment-north", "worker": "social.worker"}


@dataclass
class MadeAll(Made):
    """Contact ids of the whole data set, by name (and year where a child has two)."""

    eve: int = 0
    fay: int = 0
    gus_2025: int = 0
    gus_2026: int = 0
    hal_2025: int = 0
    hal_2026: int = 0


def staff_child_protection(accounts: Staffing) -> None:
    """The child protection team and its worker, beside the directory's assessment team."""
    accounts.save_team("child-protection-east", "Child Protection East", "child_protection",
                       30)
    accounts.save_account("cp.worker", "Chris Protector", Role.SOCIAL_WORKER,
                          "child-protection-east", None, "!no-sign-in", "SW7654321")
    accounts.join_team("child-protection-east", "cp.worker", False)


class More(Builder):
    """The returns builder, plus the steps the extra children take."""

    def allocate(self, contact_id: int, when: str, allocation: dict[str, str]) -> None:
        driver = self.driver(contact_id)
        self.step(driver, at(when), "allocate", TEAM_MANAGER, **allocation)

    def driver(self, contact_id: int) -> OnService:
        with self.uow_factory() as uow:
            version = uow.contacts.get(contact_id).version
        return OnService(self.uow_factory, self.rules, contact_id, version, at("2026-01-01 00:00"))

    def child_of(self, contact_id: int) -> int:
        with self.uow_factory() as uow:
            return int(uow.contacts.get(contact_id).child_id or 0)

    def protection(self, details: PersonDetails | int, received: str, source: str,
                   held: str, icpc: str, category: str) -> OnService:
        """A referral straight to a strategy discussion, an enquiry and an ICPC with a plan."""
        driver = self.contact(details, at(received), source)
        self.to_decision(driver, at(received))
        self.step(driver, at(received), "decide", FRONT_DOOR_WORKER, "strategy_discussion",
                  primary_need="N1")
        self.step(driver, at(held), "hold_strategy_discussion", SOCIAL_WORKER)
        self.step(driver, at(held), "start_section_47", SOCIAL_WORKER)
        self.step(driver, at(icpc), "hold_icpc", SOCIAL_WORKER, "plan", category=category)
        return driver

    def referral(self, details: PersonDetails | int, received: str, source: str,
                 **decision: Any) -> OnService:
        driver = self.contact(details, at(received), source)
        self.to_decision(driver, at(received))
        self.step(driver, at(received), "decide", FRONT_DOOR_WORKER, "referral", **decision)
        return driver


def _eve(b: More) -> int:
    eve = b.contact(EVE, at("2026-01-12 09:00"), "5D")
    b.to_decision(eve, at("2026-01-12 10:00"))
    b.step(eve, at("2026-01-12 14:00"), "decide", FRONT_DOOR_WORKER, "early_help")
    b.step(eve, at("2026-03-20 12:00"), "end_early_help", FRONT_DOOR_WORKER)
    return eve.contact_id


def _fay(b: More) -> int:
    fay = b.referral(FAY, "2026-01-19 09:00", "1A", primary_need="N4")
    b.step(fay, at("2026-01-20 09:00"), "allocate", TEAM_MANAGER, **ASSESSMENT_TEAM)
    b.step(fay, at("2026-01-21 11:00"), "record_visit", SOCIAL_WORKER, "seen")
    b.step(fay, at("2026-02-13 10:00"), "submit_assessment", SOCIAL_WORKER)
    b.step(fay, at("2026-02-13 15:00"), "complete_assessment", TEAM_MANAGER, "early_help",
           service="fh-north", practitioner="fh.practitioner", handover_on=date(2026, 2, 16))
    return fay.contact_id


def _gus(b: More, made: MadeAll) -> None:
    first = b.protection(GUS, "2025-01-15 09:00", "2A", "2025-01-16 10:00",
                         "2025-02-03 10:00", "NEG")
    b.step(first, at("2025-05-05 10:00"), "hold_review_conference", SOCIAL_WORKER, "ends")
    b.step(first, at("2025-06-02 10:00"), "close_case", TEAM_MANAGER)
    made.gus_2025 = first.contact_id
    second = b.contact(b.child_of(first.contact_id), at("2026-01-15 09:00"), "2A")
    b.to_decision(second, at("2026-01-15 09:00"))
    b.step(second, at("2026-01-15 09:00"), "decide", FRONT_DOOR_WORKER, "strategy_discussion",
           primary_need="N1")
    b.step(second, at("2026-01-16 09:00"), "allocate", TEAM_MANAGER, **CP_TEAM)
    b.step(second, at("2026-01-16 10:00"), "hold_strategy_discussion", SOCIAL_WORKER)
    b.step(second, at("2026-01-16 10:00"), "start_section_47", SOCIAL_WORKER)
    b.step(second, at("2026-02-05 10:00"), "hold_icpc", SOCIAL_WORKER, "plan", category="PHY")
    b.step(second, at("2026-02-20 16:00"), "record_visit", SOCIAL_WORKER, "seen",
           seen_alone=True)
    b.step(second, at("2026-03-02 10:00"), "hold_review_conference", SOCIAL_WORKER,
           "continues")
    b.step(second, at("2026-03-12 16:00"), "record_visit", SOCIAL_WORKER, "seen",
           seen_alone=False, not_alone_reason="Too young to be seen alone")
    made.gus_2026 = second.contact_id


def _hal(b: More, made: MadeAll) -> None:
    first = b.referral(HAL, "2025-02-09 09:00", "6")
    b.step(first, at("2025-02-14 10:00"), "submit_assessment", SOCIAL_WORKER, "no_factors")
    b.step(first, at("2025-02-14 12:00"), "complete_assessment", TEAM_MANAGER,
           "no_further_action", factors=["21"],
           not_seen_reason="Family moved away before a visit (synthetic)")
    made.hal_2025 = first.contact_id
    second = b.referral(b.child_of(first.contact_id), "2026-02-10 09:00", "6")
    b.step(second, at("2026-02-11 09:00"), "allocate", TEAM_MANAGER, **ASSESSMENT_TEAM)
    made.hal_2026 = second.contact_id


def build_all(uow_factory: UowFactory, rules: Rules, accounts: Staffing) -> MadeAll:
    """The whole data set; returns the contact ids."""
    staff_child_protection(accounts)
    base = build(uow_factory, rules)
    made = MadeAll(**vars(base))
    b = More(uow_factory, rules)
    b.allocate(made.bea, "2026-02-04 09:00", CP_TEAM)
    b.allocate(made.dee, "2026-02-11 09:00", ASSESSMENT_TEAM)
    b.allocate(made.dee, "2026-04-02 09:00", CP_TEAM)
    alex = b.driver(made.alex_2026)
    b.step(alex, at("2026-03-10 10:00"), "step_down", TEAM_MANAGER,
           service="fh-north", practitioner="fh.practitioner", handover_on=date(2026, 3, 16))
    made.eve, made.fay = _eve(b), _fay(b)
    _gus(b, made)
    _hal(b, made)
    return made
