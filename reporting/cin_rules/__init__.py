"""The DfE's CIN census validation rules, year by year, as the pre-check the export runs.

Why our own implementation as well as the DfE's tools: COLLECT answers months after the
records were made; checking the return as it is written, rule for rule with the DfE's
codes and messages, lets a team put the record right while people remember it, at the
field that fixes it. Every rule of the year that reads an element Front Door writes is
here, one module per family (``header``, ``identifiers``, ``characteristics``,
``referrals``, ``assessments``, ``cin_plans``, ``section47``, ``protection_plans``,
``pre_proceedings``); the tests hold them against Data to Insight's csc-validator-be-cin
(tests/oracles) on the same files.

``check(census, ctx)`` runs the year's rules on a whole return; ``child_findings`` runs
the rules about one child alone, for the pages that show a child's record while it is
being made (the same definitions, so a page and the return never disagree).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from dateutil.relativedelta import relativedelta

from reporting.census.model import ChildRecord, Header, Return
from reporting.cin_rules import (
    assessments,
    characteristics,
    cin_plans,
    header,
    identifiers,
    pre_proceedings,
    protection_plans,
    referrals,
    section47,
)
from reporting.cin_rules.base import Ctx, Finding, Fix, Kind, Rule, dmy
from workflow.people.years import CollectionYear

__all__ = ["FAMILIES", "Ctx", "Finding", "Fix", "Kind", "Rule", "age_on", "check",
           "child_findings", "dmy", "rules_for"]

#: Each family of rules, in the order findings are listed.
FAMILIES = {"header": header.family, "identifiers": identifiers.family,
            "characteristics": characteristics.family, "referrals": referrals.family,
            "assessments": assessments.family, "cin_plans": cin_plans.family,
            "section47": section47.family, "protection_plans": protection_plans.family,
            "pre_proceedings": pre_proceedings.family}


def rules_for(year: CollectionYear) -> list[Rule]:
    """Every rule in force in ``year`` (one version of each code), family by family."""
    return [r for family in FAMILIES.values() for r in family.rules if r.applies_to(year)]


def check(census: Return, ctx: Ctx, rules: Iterable[Rule] | None = None) -> list[Finding]:
    """Every finding of the year's rules on the return, in family order."""
    chosen = rules_for(ctx.year) if rules is None else rules
    return [f for rule in chosen for f in rule.run(census, ctx)]


def child_findings(child: ChildRecord, ctx: Ctx) -> list[Finding]:
    """The findings of the rules about one child alone (none comparing children)."""
    alone = Return(Header("CIN", str(ctx.end.year), ctx.end), (child,))
    return check(alone, ctx, [r for r in rules_for(ctx.year) if r.one_child])


def age_on(born: date, day: date) -> int:
    """Whole years of age on ``day`` (Annex A's age column)."""
    return relativedelta(day, born).years
