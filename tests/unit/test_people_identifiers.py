"""A child's identifiers: UPN, UPN-unknown reasons, NHS number, consistent identifier.

Why literal values: every check letter and check digit below was worked by hand (the
sums are in the comments), so a slip in the algorithm cannot also slip into the expected
answer. Dates are literal too: the school-age boundary moved in 2024-25 and the tests pin
both readings, year by year.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from workflow.config_errors import ConfigError
from workflow.people.identifiers import (
    CIN_CENSUS_REASONS,
    IdentifierDecision,
    IdentifierStatus,
    UpnUnknown,
    check_letter,
    decision_problems,
    derive_upn_unknown,
    format_nhs_number,
    is_synthetic_nhs_number,
    is_temporary_upn,
    load_la_numbers,
    load_school_age_rules,
    nhs_check_digit,
    nhs_number_problem,
    normalise_nhs_number,
    normalise_upn,
    synthetic_nhs_number,
    upn_problem,
    upn_problems,
    upn_unknown_problem,
    with_check_letter,
)
from workflow.people.years import CollectionYear

D = date
Y = CollectionYear.parse


@pytest.fixture(scope="module")
def la_2024() -> frozenset[str]:
    return load_la_numbers().for_year("2024-25")


@pytest.fixture(scope="module")
def school_age():
    return load_school_age_rules()


# --- UPN: check letter -----------------------------------------------------------------

def test_check_letter_of_the_dfe_guidance_example_is_p_although_the_guidance_says_q() -> None:
    """The school census help for error 1510 works "B207000016049" to Q. Its arithmetic
    is wrong: (2x2)+(4x7)+(9x1)+(10x6)+(12x4)+(13x9) = 4+28+9+60+48+117 = 266, not 267,
    and 266 = 11x23 + 13, and 13 is P in the DfE's own table (P=13, Q=14)."""
    assert check_letter("207000016049") == "P"
    assert upn_problems("B207000016049", frozenset({"207"})) == ["the check letter should be P"]
    assert upn_problems("Q207000016049", frozenset({"207"})) == ["the check letter should be P"]


def test_a_upn_built_with_its_check_letter_is_valid(la_2024: frozenset[str]) -> None:
    # 845 (East Sussex): 8x2+4x3+5x4 +2x5+1x6+2x7+8x8+1x9+8x10+0+0+5x13 = 296 = 12x23+20 -> X
    assert with_check_letter("845212818005") == "X845212818005"
    assert upn_problem("X845212818005", la_2024) is None
    assert upn_problem("P207000016049", la_2024) is None


def test_a_temporary_upn_counts_its_final_letter_by_the_check_table(
        la_2024: frozenset[str]) -> None:
    # Characters 2-12 of 20700001604_ weigh 4+28+9+60+48 = 149. A = 0: 149 = 6x23+11 -> M.
    # Z = 22: 149 + 22x13 = 435 = 18x23 + 21 -> Y.
    assert with_check_letter("20700001604A") == "M20700001604A"
    assert with_check_letter("20700001604Z") == "Y20700001604Z"
    assert upn_problem("M20700001604A", la_2024) is None
    assert is_temporary_upn("M20700001604A") and not is_temporary_upn("P207000016049")


def test_the_independent_validators_examples_agree(la_2024: frozenset[str]) -> None:
    """csc-validator-be-cin's own rule 1510 test data: two pass, two fail the check."""
    assert check_letter("950000178301") == "A"
    assert check_letter("243278544154") == "H"
    assert upn_problems("R247962919251", la_2024)[0] == "the check letter should be Q"
    assert upn_problems("X428558133462", la_2024)[0] == "the check letter should be W"


def test_lower_case_and_surrounding_spaces_are_normalised(la_2024: frozenset[str]) -> None:
    assert normalise_upn("  p207000016049 ") == "P207000016049"
    assert upn_problem("  p207000016049 ", la_2024) is None


# --- UPN: each failure says what to fix --------------------------------------------------

@pytest.mark.parametrize(("upn", "problem"), [
    ("", "the UPN is empty"),
    ("P20700001604", "a UPN has 13 characters; this one has 12"),
    ("P2070000160491", "a UPN has 13 characters; this one has 14"),
    ("7207000016049", "character 1 must be the check letter; it is '7'"),
    ("P2070X0016049", "characters 2 to 12 must be digits; character 6 is 'X'"),
    ("P207 0016049X", "characters 2 to 12 must be digits; character 5 is ' '"),
    ("P20700001604O", "character 13 must be a digit or a letter other than I, O and S; "
                      "it is 'O'"),
    ("K207000016049", "the check letter should be P"),
])
def test_each_malformed_upn_gets_its_own_message(
        upn: str, problem: str, la_2024: frozenset[str]) -> None:
    assert upn_problem(upn, la_2024) == problem


def test_an_la_number_the_dfe_does_not_recognise_is_named(la_2024: frozenset[str]) -> None:
    # 999000016049: 9x2+9x3+9x4 + 9+60+48+117 = 315 = 13x23 + 16 -> T (check letter right).
    assert upn_problems("T999000016049", la_2024) == [
        "the LA number 999 is not a local authority number the DfE recognises (rule 1530)"]


def test_a_wrong_check_letter_and_a_wrong_la_number_are_both_reported(
        la_2024: frozenset[str]) -> None:
    assert upn_problems("A999000016049", la_2024) == [
        "the check letter should be T",
        "the LA number 999 is not a local authority number the DfE recognises (rule 1530)"]


def test_la_numbers_942_and_943_are_recognised_from_2023_24() -> None:
    """Cumberland and Westmorland and Furness (April 2023) joined rule 1530 for 2023-24."""
    numbers = load_la_numbers()
    # 942000016049: 9x2+4x3+2x4 + 9+60+48+117 = 272 = 11x23 + 19 -> W.
    assert upn_problem("W942000016049", numbers.for_year("2023-24")) is None
    assert upn_problem("W942000016049", numbers.for_year("2026-27")) is None
    assert "the LA number 942" in (upn_problem("W942000016049", numbers.for_year("2022-23"))
                                   or "")
    assert {"001", "420", "838", "839", "940", "941"} <= numbers.for_year("2022-23")
    assert {"000", "804", "999"}.isdisjoint(numbers.for_year("2026-27"))


def test_la_numbers_before_the_first_version_are_refused() -> None:
    with pytest.raises(KeyError, match="2021-22"):
        load_la_numbers().for_year("2021-22")


def test_a_malformed_la_number_range_names_the_file_and_entry(tmp_path: Path) -> None:
    path = tmp_path / "la_numbers.toml"
    path.write_text('[[version]]\nfrom_year = "2022-23"\nsource = "s"\ncodes = ["83-85"]\n')
    with pytest.raises(ConfigError) as caught:
        load_la_numbers(path)
    assert str(caught.value) == f"{path}: version 'entry 1': '83-85' is not NNN or NNN-NNN"


def test_check_letter_refuses_what_it_cannot_compute() -> None:
    with pytest.raises(ValueError, match="not 11 digits"):
        check_letter("20700001604")


# --- NHS number ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["9434765919", "943 476 5919", " 943  4765919 "])
def test_a_valid_nhs_number_passes_with_or_without_spaces(text: str) -> None:
    # 9x10+4x9+3x8+4x7+7x6+6x5+5x4+9x3+1x2 = 299 = 27x11 + 2; 11 - 2 = 9.
    assert nhs_number_problem(text) is None
    assert normalise_nhs_number(text) == "9434765919"
    assert format_nhs_number(text) == "943 476 5919"


def test_a_wrong_check_digit_says_what_it_should_be() -> None:
    assert nhs_number_problem("9434765918") == "the last digit (the check digit) should be 9"
    # The NHS's format example 987 654 4321 is not checksum-valid: the sum is 339,
    # 339 = 30x11 + 9, so the check digit would be 2.
    assert nhs_number_problem("987 654 4321") == "the last digit (the check digit) should be 2"


def test_nine_digits_whose_check_digit_would_be_10_are_never_a_number() -> None:
    # 999 123 456: 90+81+72+7+12+15+16+15+12 = 320 = 29x11 + 1; 11 - 1 = 10.
    assert nhs_check_digit("999123456") is None
    assert nhs_number_problem("999 123 4560") == (
        "no NHS number starts with these nine digits: their check digit would be 10, "
        "which is never issued")


def test_a_remainder_of_0_gives_check_digit_0() -> None:
    # 999 000 005: 90+81+72+10 = 253 = 23x11, remainder 0; 11 - 0 = 11, written as 0.
    assert nhs_check_digit("999000005") == 0
    assert nhs_number_problem("9990000050") is None


@pytest.mark.parametrize(("text", "problem"), [
    ("", "the NHS number is empty"),
    ("943476591", "an NHS number has 10 digits; this one has 9"),
    ("94347659190", "an NHS number has 10 digits; this one has 11"),
    ("943-476-5919", "an NHS number has only digits (and spaces between groups)"),
])
def test_each_malformed_nhs_number_gets_its_own_message(text: str, problem: str) -> None:
    assert nhs_number_problem(text) == problem


def test_synthetic_nhs_numbers_are_valid_and_in_the_999_test_range() -> None:
    rng = random.Random(7)
    numbers = [synthetic_nhs_number(rng) for _ in range(300)]
    assert all(nhs_number_problem(number) is None for number in numbers)
    assert all(number.startswith("999") and is_synthetic_nhs_number(number)
               for number in numbers)
    assert len(set(numbers)) > 290
    again = random.Random(7)
    assert [synthetic_nhs_number(again) for _ in range(300)] == numbers
    assert not is_synthetic_nhs_number("943 476 5919")


def test_a_synthetic_draw_whose_check_digit_would_be_10_is_discarded() -> None:
    class Draws:
        """Returns 0 (999 000 000, check digit 10), then 5 (999 000 005, check digit 0)."""

        def __init__(self) -> None:
            self.values = [0, 5]

        def randrange(self, stop: int) -> int:
            return self.values.pop(0)

    assert synthetic_nhs_number(Draws()) == "9990000050"  # type: ignore[arg-type]


# --- UPN unknown: school age and the reasons a rule can derive ---------------------------

@pytest.mark.parametrize(("year", "reference_date"), [
    ("2022-23", D(2023, 3, 31)), ("2023-24", D(2024, 3, 31)), ("2024-25", D(2025, 3, 31)),
    ("2025-26", D(2026, 3, 31)), ("2026-27", D(2027, 3, 31)),
])
def test_each_collection_year_ends_on_its_reference_date(year: str, reference_date: date) -> None:
    assert Y(year).reference_date == reference_date
    assert Y(year).start == D(reference_date.year - 1, 4, 1)


@pytest.mark.parametrize(("year", "last_school_age_birthday", "first_too_young"), [
    # Up to 2023-24: six or older at the reference date (31 March).
    ("2022-23", D(2017, 3, 31), D(2017, 4, 1)),
    ("2023-24", D(2018, 3, 31), D(2018, 4, 1)),
    # From 2024-25: five or older on the 31 August before the academic year began.
    ("2024-25", D(2019, 8, 31), D(2019, 9, 1)),
    ("2025-26", D(2020, 8, 31), D(2020, 9, 1)),
    ("2026-27", D(2021, 8, 31), D(2021, 9, 1)),
])
def test_school_age_boundary_for_each_collection_year(
        school_age, year: str, last_school_age_birthday: date, first_too_young: date) -> None:
    assert school_age.is_school_age(last_school_age_birthday, Y(year))
    assert not school_age.is_school_age(first_too_young, Y(year))
    assert school_age.latest_birth_date(Y(year)) == last_school_age_birthday


def test_before_2024_25_a_31_august_and_a_1_september_birthday_were_treated_alike(
        school_age) -> None:
    assert school_age.is_school_age(D(2017, 8, 31), Y("2023-24"))
    assert school_age.is_school_age(D(2017, 9, 1), Y("2023-24"))


def test_the_2024_25_change_makes_a_child_born_in_autumn_2018_school_age(school_age) -> None:
    born = D(2018, 9, 30)  # five on 30 September 2023, six on 30 September 2024
    assert not school_age.is_school_age(born, Y("2023-24"))  # not yet six on 31 March 2024
    assert school_age.is_school_age(born, Y("2024-25"))      # five by 31 August 2024


def test_an_unborn_child_is_not_of_school_age(school_age) -> None:
    assert not school_age.is_school_age(None, Y("2024-25"))


@pytest.mark.parametrize(("has_upn", "born", "all_nfa", "reason"), [
    (True, D(2010, 5, 1), False, None),                 # a UPN needs no reason
    (False, None, False, UpnUnknown.UN1),               # unborn
    (False, D(2019, 9, 1), False, UpnUnknown.UN1),      # not yet of school age
    (False, D(2019, 8, 31), True, UpnUnknown.UN7),      # school age, every referral NFA
    (False, D(2019, 8, 31), False, None),               # school age, further action: ask
    (False, D(2019, 9, 1), True, UpnUnknown.UN1),       # both hold: the age reason first
])
def test_derived_upn_unknown_reason_in_2024_25(
        school_age, has_upn: bool, born: date | None, all_nfa: bool,
        reason: UpnUnknown | None) -> None:
    assert derive_upn_unknown(has_upn=has_upn, birth_date=born, all_referrals_nfa=all_nfa,
                              year=Y("2024-25"), rules=school_age) == reason


def test_un1_for_a_school_age_child_going_on_to_further_action_is_queried(school_age) -> None:
    problem = upn_unknown_problem("UN1", birth_date=D(2019, 8, 31), all_referrals_nfa=False,
                                  year=Y("2024-25"), rules=school_age)
    assert problem == ("UN1 is for a child not yet of school age; in 2024-25 a child born on "
                       "or before 31 August 2019 is of school age: record the UPN or another "
                       "reason (rule 8770Q)")
    assert upn_unknown_problem("UN1", birth_date=D(2019, 9, 1), all_referrals_nfa=False,
                               year=Y("2024-25"), rules=school_age) is None
    assert upn_unknown_problem("UN1", birth_date=D(2019, 8, 31), all_referrals_nfa=True,
                               year=Y("2024-25"), rules=school_age) is None


def test_un7_needs_every_referral_closed_with_no_further_action(school_age) -> None:
    assert upn_unknown_problem("UN7", birth_date=D(2012, 1, 1), all_referrals_nfa=False,
                               year=Y("2025-26"), rules=school_age) == (
        "UN7 is only for a child whose every referral ended with no further action "
        "(rule 8772)")
    assert upn_unknown_problem("UN7", birth_date=D(2012, 1, 1), all_referrals_nfa=True,
                               year=Y("2025-26"), rules=school_age) is None


def test_sen2_reasons_are_not_accepted_by_the_cin_census(school_age) -> None:
    assert sorted(CIN_CENSUS_REASONS) == ["UN1", "UN2", "UN3", "UN4", "UN5", "UN6", "UN7"]
    assert upn_unknown_problem("UN8", birth_date=D(2012, 1, 1), all_referrals_nfa=False,
                               year=Y("2025-26"), rules=school_age) == (
        "UN8 is not a reason the CIN census accepts (UN1 to UN7 only)")
    assert upn_unknown_problem("UN2", birth_date=D(2012, 1, 1), all_referrals_nfa=False,
                               year=Y("2025-26"), rules=school_age) is None


def test_a_school_age_rule_with_an_unknown_test_names_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "school_age.toml"
    path.write_text('[[rule]]\nfrom_year = "2022-23"\ntest = "aged_7"\nsource = "s"\n')
    with pytest.raises(ConfigError) as caught:
        load_school_age_rules(path)
    assert str(caught.value) == (
        f"{path}: rule 'entry 1': test 'aged_7' is not one of: aged_6_at_reference_date, "
        "aged_5_before_academic_year")


# --- Consistent identifier (Children Act 2004 s16LC) -------------------------------------

@pytest.mark.parametrize(("status", "subsection"), [
    (IdentifierStatus.INCLUDED, "(5)"),
    (IdentifierStatus.NOT_LIKELY_TO_HELP, "(6)"),
    (IdentifierStatus.MORE_DETRIMENTAL, "(7)"),
    (IdentifierStatus.NOT_KNOWN_UNREASONABLE_DELAY, "(8)"),
    (IdentifierStatus.NO_IDENTIFIER_RELATES, "(4)(b)"),
])
def test_each_status_cites_its_subsection(status: IdentifierStatus, subsection: str) -> None:
    assert status.citation == ("Children Act 2004 s16LC, inserted by the Children's Wellbeing "
                               f"and Schools Act 2026 s4, subsection {subsection}")
    assert status.label
    assert status.needs_decision is (status is not IdentifierStatus.INCLUDED)


def test_an_included_identifier_needs_the_identifier() -> None:
    assert decision_problems(IdentifierDecision(IdentifierStatus.INCLUDED)) == [
        "an identifier recorded as included needs the identifier itself"]
    assert decision_problems(
        IdentifierDecision(IdentifierStatus.INCLUDED, identifier="9434765919")) == []


def test_withholding_the_identifier_needs_a_reason_a_name_and_a_date() -> None:
    problems = decision_problems(
        IdentifierDecision(IdentifierStatus.MORE_DETRIMENTAL, reason="   "))
    citation = IdentifierStatus.MORE_DETRIMENTAL.citation
    assert problems == [
        f"a reason is needed when the identifier is not included ({citation})",
        f"who decided is needed when the identifier is not included ({citation})",
        "the date of the decision is needed",
    ]
    assert decision_problems(IdentifierDecision(
        IdentifierStatus.MORE_DETRIMENTAL, reason="shared record seen by the other parent",
        decided_by="Team manager A. Example", decided_on=D(2026, 9, 1))) == []


def test_not_known_cannot_come_with_the_identifier() -> None:
    decision = IdentifierDecision(
        IdentifierStatus.NOT_KNOWN_UNREASONABLE_DELAY, identifier="9434765919",
        reason="strategy discussion today", decided_by="A. Example", decided_on=D(2026, 9, 1))
    assert decision_problems(decision) == [
        "the status says the identifier is not held (not known, and finding it out would "
        "cause unreasonable delay), but one was given"]
