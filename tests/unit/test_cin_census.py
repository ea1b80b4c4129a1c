"""The CIN census without a database: the year, our XSD, the XML and the rules' words.

Episodes are built by hand here, so each rule can be shown firing on exactly one fault.
The same rules on records broken in a real database are in
tests/integration/test_returns_cin_census.py.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from reporting.cin_census import (
    CollectionYear,
    census_schema,
    census_xml,
    load_la_number,
    schema_problems,
)
from reporting.cin_codes import (
    ASSESSMENT_FACTORS,
    CATEGORIES_OF_ABUSE,
    CLOSURE_REASONS,
    ETHNICITIES,
    GENDERS,
    PRIMARY_NEEDS,
    REFERRAL_SOURCES,
)
from reporting.cin_episodes import (
    Assessment,
    Child,
    CinPlan,
    Episode,
    ProtectionPlan,
    Section47,
    within,
)
from reporting.cin_rules import Context, check_child, derived_upn_unknown
from workflow.config_errors import ConfigError
from workflow.rules import Rules

YEAR = CollectionYear.parse("2025-26")
NOW = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
CHILD = Child(12, date(2015, 6, 15), "M", "WBRI", "A123456789012", ("NONE",))


def episode(**changes: object) -> Episode:
    """A sound referral: assessed, s47 with an ICPC on its target date and a plan from it."""
    sound = Episode(
        contact_id=40, child_id=12, referral=date(2026, 2, 2), source="6", primary_need="N1",
        nfa=False, closure=None, closure_reason=None,
        assessments=(Assessment(date(2026, 2, 2), None, None, child_seen=True),),
        section47s=(Section47(date(2026, 2, 3), date(2026, 2, 24), date(2026, 2, 20),
                              False, date(2026, 2, 20), True),),
        cp_plans=(ProtectionPlan(date(2026, 2, 20), "NEG", "NEG"),), cin_plans=(),
        team="assessment-north", worker="social.worker")
    return dataclasses.replace(sound, **changes)  # type: ignore[arg-type]


def messages(rules: Rules, child: Child = CHILD, *episodes: Episode) -> list[str]:
    ctx = Context(YEAR.start, YEAR.end, rules.calendar)
    return [p.message for p in check_child(child, list(episodes) or [episode()], ctx)]


# -- the year --------------------------------------------------------------------------------

def test_a_collection_year_runs_from_1_april_to_31_march() -> None:
    assert (YEAR.start, YEAR.end, YEAR.label) == (date(2025, 4, 1), date(2026, 3, 31),
                                                  "2025-26")
    assert YEAR.cutoff.isoformat() == "2026-04-01T00:00:00+01:00"  # midnight in BST


@pytest.mark.parametrize("text", ["2025-27", "2025", "25-26", "2025/26"])
def test_a_year_not_written_like_2025_26_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="write it like 2025-26"):
        CollectionYear.parse(text)


# -- our XSD against DOMAIN.md's code lists ----------------------------------------------------

def _enumeration(name: str) -> set[str]:
    simple: Any = census_schema().types[name]
    return {str(v) for v in simple.enumeration}


@pytest.mark.parametrize(("xsd_type", "codes"), [
    ("ReferralSourceType", {c for c, _ in REFERRAL_SOURCES}),
    ("PrimaryNeedType", set(PRIMARY_NEEDS)),
    ("ReasonForClosureType", set(CLOSURE_REASONS)),
    ("CategoryOfAbuseType", set(CATEGORIES_OF_ABUSE)),
    ("AssessmentFactorType", set(ASSESSMENT_FACTORS)),
    ("GenderType", set(GENDERS)),
    ("EthnicityType", set(ETHNICITIES)),
])
def test_the_xsd_enumerates_exactly_the_code_lists_the_rules_use(xsd_type: str,
                                                                  codes: set[str]) -> None:
    assert _enumeration(xsd_type) == codes


def test_retired_assessment_factors_18a_and_19a_are_not_accepted() -> None:
    assert not {"18A", "19A"} & _enumeration("AssessmentFactorType")


# -- the XML -----------------------------------------------------------------------------------

def test_the_xml_for_a_child_with_every_module_is_valid_against_our_xsd() -> None:
    closed = episode(contact_id=30, referral=date(2025, 5, 1), closure=date(2025, 6, 20),
                     closure_reason="RC8", section47s=(), cp_plans=(),
                     assessments=(Assessment(date(2025, 5, 1), date(2025, 6, 20),
                                             date(2025, 6, 20), True, factors=("21",)),))
    planned = episode(cin_plans=(CinPlan(date(2026, 3, 1)),), cp_plans=(
        ProtectionPlan(date(2026, 2, 20), "NEG", "PHY", [date(2026, 3, 20)]),))
    root = census_xml(YEAR, "885", NOW, [(CHILD, [closed, planned], [date(2024, 1, 1)])])

    assert schema_problems(root, [CHILD.la_child_id]) == []
    assert root.findtext("Children/Child/CINdetails/ChildProtectionPlans/NumberOfPreviousCPP") \
        == "1"


def test_a_value_outside_the_code_list_is_reported_against_its_child() -> None:
    root = census_xml(YEAR, "885", NOW, [(CHILD, [episode()], []),
                                         (dataclasses.replace(CHILD, id=13),
                                          [episode(source="ZZ")], [])])

    [problem] = schema_problems(root, ["FDC0000012", "FDC0000013"])
    assert problem.child == "FDC0000013"
    assert "ReferralSource" in problem.message


def test_within_the_year_drops_what_ended_before_it_started() -> None:
    old = Assessment(date(2025, 1, 6), date(2025, 2, 1), date(2025, 2, 1), True)
    kept = within(episode(assessments=(old, *episode().assessments)), YEAR.start)

    assert kept.assessments == episode().assessments


# -- UPN unknown -------------------------------------------------------------------------------

@pytest.mark.parametrize(("born", "upn", "all_nfa", "reason"), [
    (date(2020, 4, 1), None, False, "UN1"),  # 5 on 31 March 2026: under 6
    (date(2020, 3, 31), None, False, None),  # 6 on 31 March 2026: not derivable
    (date(2012, 1, 1), None, True, "UN7"),  # every referral was NFA
    (date(2021, 1, 1), "A123456789012", False, None),  # a UPN needs no reason
])
def test_a_upn_unknown_reason_is_given_only_where_our_records_prove_it(
        born: date, upn: str | None, all_nfa: bool, reason: str | None) -> None:
    child = dataclasses.replace(CHILD, date_of_birth=born, upn=upn)

    assert derived_upn_unknown(child, [episode(nfa=all_nfa)], YEAR.end) == reason


def test_a_school_age_child_without_a_upn_is_reported_not_guessed(rules: Rules) -> None:
    child = dataclasses.replace(CHILD, upn=None)

    assert messages(rules, child) == [
        "UPN or UPN-unknown reason needed: no UPN is recorded and none of the unknown-reason "
        "codes follows from our records (the child is 10 on 31/03/2026)"]


# -- each rule on one fault --------------------------------------------------------------------

def test_a_sound_episode_has_no_problems(rules: Rules) -> None:
    assert messages(rules) == []


def _one(rules: Rules, **changes: object) -> str:
    [message] = messages(rules, CHILD, episode(**changes))
    return message


def test_activity_before_the_referral_date_is_reported(rules: Rules) -> None:
    s47 = Section47(date(2026, 1, 30), date(2026, 2, 20), None, False, None, None)

    assert _one(rules, section47s=(s47,), cp_plans=()) == (
        "referral of 02/02/2026 (FD0000040): the section 47 start on 30/01/2026 is before "
        "the referral date 02/02/2026")


def test_a_plan_not_starting_on_its_icpc_date_is_reported(rules: Rules) -> None:
    assert _one(rules, cp_plans=(ProtectionPlan(date(2026, 2, 23), "NEG", "NEG"),)).endswith(
        "the child protection plan starts on 23/02/2026, but no initial child protection "
        "conference is recorded that day (a plan starts at its ICPC)")


def test_an_icpc_target_that_is_not_15_working_days_on_is_reported(rules: Rules) -> None:
    s47 = dataclasses.replace(episode().section47s[0], target=date(2026, 2, 23))

    assert _one(rules, section47s=(s47,)).endswith(
        "the ICPC target 23/02/2026 is not 15 working days after the section 47 start "
        "03/02/2026 (that is 24/02/2026)")


def test_a_closed_case_needs_a_reason_for_closure(rules: Rules) -> None:
    assert _one(rules, closure=date(2026, 3, 20), section47s=(), cp_plans=(),
                assessments=(Assessment(date(2026, 2, 2), date(2026, 3, 1), date(2026, 3, 1),
                                        True),)).endswith(
        "the case was closed on 20/03/2026 without a CIN reason for closure (RC1 to RC9): "
        "record one")


def test_a_la_number_is_read_from_settings_and_must_have_three_digits(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text('[returns]\nla_number = "885"\n')
    assert load_la_number(tmp_path) == "885"
    (tmp_path / "settings.toml").write_text('[returns]\nla_number = "88"\n')
    with pytest.raises(ConfigError, match="three-digit"):
        load_la_number(tmp_path)
