"""The DfE's CIN census rules as the pre-check runs them: year by year, family by family.

A sound return (three children, literal dates in 2025-26) breaks no rule at all; each case
then changes one thing, as a bad record would, and the rule that catches it must be the
DfE's, by code, on that child. The same rules are held against the DfE's validator on the
same files in tests/oracles/test_census_oracle.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from reporting.census.model import (
    AssessmentRecord,
    ChildRecord,
    CinPlanRecord,
    EpisodeRecord,
    Header,
    PlanRecord,
    PreProceedingsRecord,
    Return,
    Section47Record,
)
from reporting.cin_census import rules_context
from reporting.cin_rules import FAMILIES, Ctx, Kind, check, child_findings, rules_for
from workflow.people.rules import load_people_rules
from workflow.people.years import CollectionYear
from workflow.rules import DEFAULT_CONFIG

PEOPLE = load_people_rules(DEFAULT_CONFIG)
HEADER = Header("CIN", "2026", date(2026, 3, 31), "L", "885", "Front Door", "1", "001")

#: FD1: assessed, section 47, ICPC on Tuesday 24 June 2025 and a plan from it, reviewed,
#: ended at a review, then a CIN plan, closed RC7. Every disability code but one is used
#: across the three children and FD1 has two, so the return-level queries hold too.
ASSESSED = EpisodeRecord(
    referral=date(2025, 6, 2), source="2A", nfa=False, primary_need="N1",
    closure=date(2026, 2, 27), reason="RC7",
    assessments=(AssessmentRecord(date(2025, 6, 3), date(2025, 7, 15),
                                  factors=("3A", "4B")),),
    cin_plans=(CinPlanRecord(date(2026, 1, 20), date(2026, 2, 27)),),
    section47s=(Section47Record(date(2025, 6, 4), date(2025, 6, 25), date(2025, 6, 24),
                                False),),
    plans=(PlanRecord(date(2025, 6, 24), date(2026, 1, 20), "NEG", "NEG", 0,
                      (date(2025, 9, 23), date(2026, 1, 20))),),
    contact_id=11)
FD1 = ChildRecord("FD1", "WBRI", (ASSESSED,), upn="P885250000013", birth=date(2016, 5, 14),
                  sex="F", gender_current="2", disabilities=("MOB", "HAND", "PC", "INC"),
                  person_id=1)
OPEN = EpisodeRecord(referral=date(2026, 3, 2), source="6", nfa=False, primary_need="N4",
                     assessments=(AssessmentRecord(date(2026, 3, 3)),), contact_id=12)
FD2 = ChildRecord("FD2", "AIND", (OPEN,), upn_unknown="UN1", birth=date(2023, 1, 9), sex="M",
                  gender_current="1", disabilities=("COMM", "LD", "HEAR", "VIS"), person_id=2)
NFA = EpisodeRecord(referral=date(2025, 11, 3), source="1A", nfa=True,
                    closure=date(2025, 11, 4), reason="RC7", contact_id=13)
FD3 = ChildRecord("FD3", "NOBT", (NFA,), upn_unknown="UN7", birth=date(2012, 9, 1), sex="F",
                  gender_current="2", disabilities=("BEH", "CON", "AUT", "DDA"),
                  person_id=3)
SOUND = Return(HEADER, (FD1, FD2, FD3))


def ctx(year: str = "2025-26") -> Ctx:
    return rules_context(year, PEOPLE)


def codes(census: Return, year: str = "2025-26") -> dict[str | None, set[str]]:
    """Per child (None: the return), the codes of the rules it breaks."""
    found: dict[str | None, set[str]] = {}
    for f in check(census, ctx(year)):
        found.setdefault(f.child, set()).add(f.code)
    return found


def with_child(child: ChildRecord, **changes: Any) -> Return:
    """The sound return with one child changed."""
    changed = replace(child, **changes)
    return replace(SOUND, children=tuple(changed if c is child else c
                                         for c in SOUND.children))


def with_episode(**changes: Any) -> Return:
    """The sound return with FD1's referral changed."""
    return with_child(FD1, episodes=(replace(ASSESSED, **changes),))


# -- the sound return and the years ---------------------------------------------------------
def test_the_sound_return_breaks_no_rule() -> None:
    assert codes(SOUND) == {}


def test_the_same_return_for_the_year_before_is_all_out_of_its_year() -> None:
    assert codes(SOUND, "2024-25") == {
        "FD1": {"4010", "4013", "8600", "8620", "8696", "8715", "8720", "8930"},
        "FD2": {"8600", "8736"}, "FD3": {"8600", "8620"}}


def test_every_year_has_one_version_of_each_rule_and_its_own_changes() -> None:
    by_year = {y: {r.code: r for r in rules_for(CollectionYear.parse(y))}
               for y in ("2022-23", "2023-24", "2024-25", "2025-26", "2026-27")}
    for year in by_year:
        listed = [r.code for r in rules_for(CollectionYear.parse(year))]
        assert len(listed) == len(set(listed)), year
    assert by_year["2023-24"]["4180"].message == "Gender is missing"
    assert by_year["2024-25"]["4180"].message == "Sex must be provided and equal M, F, or U"
    assert {"1570", "1580", "8945Q", "8950Q"} <= set(by_year["2024-25"]) - set(
        by_year["2023-24"])
    module_5 = {r.code for r in FAMILIES["pre_proceedings"].rules}
    assert module_5 <= set(by_year["2026-27"])
    assert not module_5 & set(by_year["2025-26"])
    assert all(r.kind is (Kind.QUERY if r.code.endswith("Q") else Kind.ERROR)
               for rules in by_year.values() for r in rules.values())


def sex_codes(census: Return, year: str) -> set[str | None]:
    """The children rule 4180, as ``year`` words it, finds."""
    (rule,) = [r for r in rules_for(CollectionYear.parse(year)) if r.code == "4180"]
    return {f.child for f in rule.run(census, ctx(year))}


def test_the_sex_is_checked_in_the_years_own_element() -> None:
    gender_only = with_child(FD1, sex=None)
    sex_only = with_child(FD1, gender_current=None)

    assert sex_codes(gender_only, "2023-24") == set()
    assert sex_codes(gender_only, "2024-25") == {"FD1"}
    assert sex_codes(sex_only, "2023-24") == {"FD1"}
    assert sex_codes(with_child(FD1, gender_current="M"), "2023-24") == {"FD1"}


# -- working days as the DfE counts them -----------------------------------------------------
@pytest.mark.parametrize(("year", "days_45", "days_15", "first"), [
    ("2022-23", date(2023, 1, 30), date(2023, 3, 13), date(2022, 4, 1)),
    ("2023-24", date(2024, 1, 29), date(2024, 3, 11), date(2023, 4, 3)),  # Sun 31 Mar; Sat 1 Apr
    ("2024-25", date(2025, 1, 28), date(2025, 3, 11), date(2024, 4, 2)),  # Easter Monday 1 Apr
    ("2025-26", date(2026, 1, 28), date(2026, 3, 11), date(2025, 4, 1)),
    ("2026-27", date(2027, 1, 26), date(2027, 3, 9), date(2026, 4, 1)),
])
def test_the_census_counts_working_days_back_from_the_reference_date_as_day_one(
        year: str, days_45: date, days_15: date, first: date) -> None:
    """Literal dates, the same as csc-validator-be-cin's ``england_working_days`` gives."""
    context = ctx(year)

    assert context.working_days_before_end(45) == days_45
    assert context.working_days_before_end(15) == days_15
    assert context.first_working_day_of_year() == first


def test_an_assessment_open_45_working_days_before_31_march_is_queried_and_44_is_not() -> None:
    late = with_child(FD2, episodes=(replace(OPEN, referral=date(2026, 1, 27), assessments=(
        AssessmentRecord(date(2026, 1, 27)),)),))
    in_time = with_child(FD2, episodes=(replace(OPEN, referral=date(2026, 1, 28), assessments=(
        AssessmentRecord(date(2026, 1, 28)),)),))

    assert codes(late) == {"FD2": {"8670Q"}}
    assert codes(in_time) == {}


# -- one planted defect per family -----------------------------------------------------------
CASES: dict[str, tuple[Return, dict[str | None, set[str]]]] = {
    "header: reference date not 31 March": (
        replace(SOUND, header=replace(HEADER, reference_date=date(2026, 3, 30))),
        {None: {"100"}}),
    "identifiers: UPN check letter": (
        with_child(FD1, upn="A885250000013"), {"FD1": {"1510"}}),
    "identifiers: UPN LA number": (
        with_child(FD1, upn="M999250000013"), {"FD1": {"1530"}}),
    "identifiers: two children, one UPN": (
        with_child(FD2, upn="P885250000013", upn_unknown=None),
        {"FD1": {"1520"}, "FD2": {"1520"}}),
    "identifiers: UN1 for a school-age child": (
        with_child(FD1, upn=None, upn_unknown="UN1"), {"FD1": {"8770Q"}}),
    "identifiers: UN7 with further action": (
        with_child(FD1, upn=None, upn_unknown="UN7"), {"FD1": {"8772"}}),
    "identifiers: LA child ID with a hyphen": (
        with_child(FD1, la_child_id="FD-1"), {"FD-1": {"1580"}}),
    "identifiers: unborn child with a sex": (
        with_child(FD2, birth=None, expected_birth=date(2026, 5, 1)), {"FD2": {"8750"}}),
    "characteristics: ethnicity not a DfE code": (
        with_child(FD1, ethnicity="White British"), {"FD1": {"4220"}}),
    "characteristics: no disability for a referral": (
        with_child(FD2, disabilities=()), {"FD2": {"8540"}}),
    "characteristics: NONE with another": (
        with_child(FD1, disabilities=("NONE", "MOB", "HAND", "PC", "INC")), {"FD1": {"8790"}}),
    "characteristics: a code twice": (
        with_child(FD1, disabilities=("MOB", "MOB", "HAND", "PC", "INC")), {"FD1": {"8794"}}),
    "referrals: closure before referral": (
        with_episode(closure=date(2025, 5, 30)), {"FD1": {"8630", "8565"}}),
    "referrals: source not a DfE code": (with_episode(source="2"), {"FD1": {"8866"}}),
    "referrals: no primary need": (with_episode(primary_need=None), {"FD1": {"8610"}}),
    "referrals: closed with no reason": (with_episode(reason=None), {"FD1": {"8805"}}),
    "referrals: RC8 with a plan": (with_episode(reason="RC8"), {"FD1": {"2990"}}),
    "assessments: authorised before it started": (
        with_episode(assessments=(AssessmentRecord(date(2025, 6, 3), date(2025, 6, 2),
                                                   factors=("3A",)),)), {"FD1": {"8608"}}),
    "assessments: no factors at a completed assessment": (
        with_episode(assessments=(AssessmentRecord(date(2025, 6, 3), date(2025, 7, 15)),)),
        {"FD1": {"8897Q"}}),
    "assessments: 21 with another factor": (
        with_episode(assessments=(AssessmentRecord(date(2025, 6, 3), date(2025, 7, 15),
                                                   factors=("21", "3A")),)),
        {"FD1": {"8869", "8873Q"}}),
    "cin plans: ends before it starts": (
        with_episode(cin_plans=(CinPlanRecord(date(2026, 1, 20), date(2026, 1, 19)),)),
        {"FD1": {"4011"}}),
    "cin plans: starts during the plan": (
        with_episode(cin_plans=(CinPlanRecord(date(2025, 12, 1), date(2026, 2, 27)),)),
        {"FD1": {"4016"}}),  # its review of 20/01/2026 is the plan's end: not 4003
    "section 47: conference on a Saturday": (
        with_episode(section47s=(Section47Record(date(2025, 6, 4), date(2025, 6, 25),
                                                 date(2025, 6, 28), False),),
                     plans=(replace(ASSESSED.plans[0], start=date(2025, 6, 28)),)),
        {"FD1": {"8875"}}),
    "section 47: conference before the enquiry": (
        with_episode(section47s=(Section47Record(date(2025, 6, 25), date(2025, 7, 16),
                                                 date(2025, 6, 24), False),)),
        {"FD1": {"8615"}}),
    "protection plans: not on the conference's date": (
        with_episode(plans=(replace(ASSESSED.plans[0], start=date(2025, 6, 23)),)),
        {"FD1": {"2885"}}),
    "protection plans: category not a DfE code": (
        with_episode(plans=(replace(ASSESSED.plans[0], initial_category="NEGL"),)),
        {"FD1": {"8905"}}),
    "protection plans: review before the start": (
        with_episode(plans=(replace(ASSESSED.plans[0], reviews=(date(2025, 6, 24),)),)),
        {"FD1": {"8841"}}),
}


@pytest.mark.parametrize("case", CASES)
def test_a_planted_defect_is_caught_by_its_rule_on_its_child(case: str) -> None:
    census, expected = CASES[case]

    assert codes(census) == expected


def test_a_finding_quotes_the_dfe_and_says_where_it_is_put_right() -> None:
    (finding,) = check(with_child(FD1, ethnicity="White British"), ctx())

    assert (finding.code, finding.kind, finding.child, finding.person_id) == (
        "4220", Kind.ERROR, "FD1", 1)
    assert finding.message == "Ethnicity is missing or invalid (see Ethnicity table)"
    assert "'White British' is not a DfE ethnicity code" in finding.detail
    assert (finding.fix.page, finding.fix.field) == ("person", "ethnicity")


def test_a_referral_finding_names_its_contact_and_the_action_that_records_it() -> None:
    (finding,) = check(with_episode(primary_need=None), ctx())

    assert (finding.contact_id, finding.fix.page, finding.fix.field) == (
        11, "contact", "decide.primary_need")


# -- the return as a whole -------------------------------------------------------------------
def test_fewer_than_8_disability_codes_besides_none_is_queried_for_the_return() -> None:
    narrow = replace(with_child(FD2, disabilities=("NONE",)), children=(
        FD1, replace(FD2, disabilities=("NONE",)), replace(FD3, disabilities=("BEH", "CON",
                                                                               "AUT"))))

    assert codes(narrow) == {None: {"2887Q"}}  # MOB HAND PC INC BEH CON AUT: 7


def test_no_child_with_two_disabilities_is_queried_for_the_return() -> None:
    single = replace(SOUND, children=tuple(
        replace(c, disabilities=c.disabilities[:1]) for c in SOUND.children) + (
        replace(FD3, la_child_id="FD4", disabilities=("DDA",), person_id=4),
        replace(FD3, la_child_id="FD5", disabilities=("PC",), person_id=5),
        replace(FD3, la_child_id="FD6", disabilities=("INC",), person_id=6),
        replace(FD3, la_child_id="FD7", disabilities=("HAND",), person_id=7),
        replace(FD3, la_child_id="FD8", disabilities=("VIS",), person_id=8)))

    assert codes(single) == {None: {"2888Q"}}


def test_more_than_2_percent_of_children_without_a_sex_is_queried_for_the_return() -> None:
    assert codes(with_child(FD2, sex="U")) == {None: {"2886Q"}}


# -- module 5, pre-proceedings and FGDM (2026-27) --------------------------------------------
PP = PreProceedingsRecord(start=date(2026, 9, 9), letter_sent=date(2026, 9, 20),
                          fgdm_offered=True, fgdm_facilitated=True,
                          initial_meeting=date(2026, 9, 28), review_meetings=3,
                          step_decision=date(2026, 12, 1), outcome="A",
                          court_application=date(2026, 12, 18),
                          letter_initiating=date(2027, 2, 5))
YEAR_27 = replace(HEADER, year="2027", reference_date=date(2027, 3, 31))


def module_5(**changes: Any) -> Return:
    """A 2026-27 return: FD1's referral carries one pre-proceedings block."""
    episode = replace(ASSESSED, referral=date(2026, 6, 2), closure=None, reason=None,
                      assessments=(AssessmentRecord(date(2026, 6, 3), date(2026, 7, 15),
                                                    factors=("3A",)),),
                      section47s=(Section47Record(date(2026, 6, 4), date(2026, 6, 25),
                                                  date(2026, 6, 24), False),),
                      cin_plans=(), plans=(PlanRecord(date(2026, 6, 24), None, "NEG", "NEG",
                                                      0, (date(2026, 9, 23),)),),
                      pre_proceedings=(replace(PP, **changes),))
    child = replace(FD1, episodes=(episode,))
    return Return(YEAR_27, (child, replace(FD2, episodes=(replace(OPEN, referral=date(
        2027, 3, 2), assessments=(AssessmentRecord(date(2027, 3, 3)),)),)), FD3))


def module_5_codes(census: Return) -> set[str]:
    rules = FAMILIES["pre_proceedings"].rules
    return {f.code for f in check(census, ctx("2026-27"), rules)}


@pytest.mark.parametrize(("changes", "expected"), [
    ({}, set()),
    ({"start": date(2026, 3, 30)}, {"9005"}),
    ({"letter_sent": date(2026, 9, 8)}, {"9006"}),
    ({"letter_sent": date(2027, 4, 1)}, {"9006"}),
    ({"fgdm_offered": None, "fgdm_facilitated": None}, {"9007"}),
    ({"initial_meeting": date(2027, 4, 2)}, {"9008"}),
    ({"step_decision": date(2026, 9, 8)}, {"9009"}),
    ({"fgdm_facilitated": None}, {"9010Q"}),
    ({"outcome": "D"}, {"9011"}),
    ({"court_application": date(2026, 11, 30)}, {"9012"}),
    ({"letter_initiating": date(2026, 12, 17)}, {"9013"}),
    ({"review_meetings": None}, {"9015Q"}),
], ids=["sound", "9005", "9006-before-start", "9006-after-year", "9007", "9008", "9009",
        "9010Q", "9011", "9012", "9013", "9015Q"])
def test_module_5_is_checked_as_the_dfe_words_its_2026_27_rules(
        changes: dict[str, Any], expected: set[str]) -> None:
    assert module_5_codes(module_5(**changes)) == expected


def test_a_2026_27_return_without_module_5_is_queried_for_it() -> None:
    without = replace(module_5(), children=tuple(
        replace(c, episodes=tuple(replace(e, pre_proceedings=()) for e in c.episodes))
        for c in module_5().children))

    assert module_5_codes(without) == {"8995Q", "9000Q"}


# -- one child alone, as the pages show it ---------------------------------------------------
def test_the_rules_about_one_child_leave_out_the_return_and_the_year_end_queries() -> None:
    late = replace(FD2, episodes=(replace(OPEN, referral=date(2026, 1, 5), assessments=(
        AssessmentRecord(date(2026, 1, 5)),)),), ethnicity="", disabilities=())

    found = {f.code for f in child_findings(late, ctx())}

    assert found == {"4220", "8540"}  # no 8670Q (measured at 31 March), no 2887Q/2888Q
