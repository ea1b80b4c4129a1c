"""What the person record accepts where a child is recorded, read against the DfE's rules.

``details_problems`` and ``normalised`` are what every entry point (the intake form, the
person page, the API) asks, so these tests state the rules as DOMAIN.md §5 and §7 give
them and feed whole records in, on literal recording dates:

- the UPN's check letter (rule 1510) and LA number (1530) against the list in force in
  the collection year the record is made in (942/943 joined the list for 2023-24; a
  retired authority's number stays valid, since a UPN is issued once for life);
- the UPN-unknown reasons UN1 to UN10 (the census takes UN1 to UN7) and UN1 derived only
  for a child not of school age on the census year's terms (8770Q: up to 2023-24, six on
  the reference date 31 March; from 2024-25, five by the 31 August before the academic
  year), with the days either side of each boundary written out;
- an unborn child (an expected date of birth, no date of birth);
- the NHS number's Modulus 11 check digit (a check digit of 10 is never issued);
- ethnicity and disability from the DfE's lists, NONE never beside another code (8790);
- the consistent identifier's status (Children Act 2004 s16LC): anything but "included"
  needs a reason, and a status that says the number is not held cannot come with one.

Check letters and check digits were worked by hand (sums in the comments). Where
Data to Insight's csc-validator-be-cin can answer the same question (UPN validity, UN1 at
the school-age boundary), the last tests ask it about the same table of cases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.oracles.fixtures import cin_validator  # noqa: F401 - the DfE rules, as a fixture
from tests.oracles.harness import CinReport
from workflow.people.consistent_identifier import IdentifierStatus
from workflow.people.records import PersonDetails
from workflow.people.rules import PeopleRules, details_problems, normalised
from workflow.people.years import CollectionYear
from workflow.rules import Rules

D = date
CinCheck = Callable[[Path | str, str], CinReport]


@pytest.fixture(scope="module")
def people(rules: Rules) -> PeopleRules:
    """The shipped code lists and identifier rules (config/codes)."""
    return rules.people


def child(**fields: Any) -> PersonDetails:
    """A synthetic child born in 2012 (of school age in every year here), nothing else known."""
    return replace(PersonDetails("Robin", "Example", date_of_birth=D(2012, 5, 14)), **fields)


def problems(people: PeopleRules, on: date, **fields: Any) -> dict[str, str]:
    """Every problem with the child's details as recorded on ``on``."""
    return details_problems(people, child(**fields), on)


# -- UPN: check letter and LA number, by the year the record is made in ----------------------
# Permanent UPNs (13th character a digit): characters 2-13 times weights 2-13, the sum
# divided by 23, the remainder read A=0, B=1 ... Z=22 without I, O and S.

#: 909 Cumbria, abolished April 2023: 9x2+9x4+1x5+2x6+3x7+4x8+1x12+1x13 = 149 = 6x23+11 -> M.
CUMBRIA = "M909123400011"
#: 928 Northamptonshire, abolished April 2021: 9x2+2x3+8x4+4x5+1x9+2x10+3x11+4x12+5x13
#: = 251 = 10x23+21 -> Y.
NORTHAMPTONSHIRE = "Y928400012345"
#: 943 Westmorland and Furness (from April 2023): 9x2+4x3+3x4+5x5+1x6+2x7+3x8+2x12+7x13
#: = 226 = 9x23+19 -> W.
WESTMORLAND = "W943512300027"
#: 380 Bradford: 3x2+8x3+6x5+1x6+2x7+3x8+4x9+5x10+6x11+7x12+8x13 = 444 = 19x23+7 -> H.
BRADFORD = "H380612345678"
#: 804 is not a post-1998 LA number: 8x2+4x4+3x5+1x9+2x10+3x11+4x12+5x13 = 222 = 9x23+15
#: -> R (the letter is right; the LA number is not).
NOT_AN_LA = "R804300012345"
#: A temporary UPN (13th character a letter, counted by its place in the table, A = 0):
#: 9x2+4x3+3x4+1x9+6x10+4x12 = 159 = 6x23+21 -> Y.
TEMPORARY_943 = "Y94300001604A"
RULE_1530_943 = ("the LA number 943 is not a local authority number the DfE recognises "
                 "(rule 1530)")


@pytest.mark.parametrize("upn", [CUMBRIA, NORTHAMPTONSHIRE, BRADFORD, WESTMORLAND,
                                 TEMPORARY_943])
def test_a_upn_with_its_check_letter_and_a_recognised_la_number_is_accepted(
        people: PeopleRules, upn: str) -> None:
    assert problems(people, D(2025, 6, 2), upn=upn) == {}


def test_a_retired_authoritys_upns_stay_valid_after_the_council_is_abolished(
        people: PeopleRules) -> None:
    """Cumbria (909) ended on 1 April 2023; a UPN is its pupil's for life."""
    for on in (D(2023, 3, 31), D(2023, 4, 1), D(2026, 9, 1)):
        assert problems(people, on, upn=CUMBRIA) == {}


@pytest.mark.parametrize("upn", [WESTMORLAND, TEMPORARY_943])
def test_westmorland_and_furness_upns_are_refused_until_rule_1530_knows_943(
        people: PeopleRules, upn: str) -> None:
    assert problems(people, D(2023, 3, 31), upn=upn) == {"upn": RULE_1530_943}  # 2022-23
    assert problems(people, D(2023, 4, 1), upn=upn) == {}  # 2023-24


def test_an_la_number_the_dfe_never_recognised_is_refused_in_every_year(
        people: PeopleRules) -> None:
    for on in (D(2022, 6, 1), D(2024, 6, 1), D(2026, 6, 1)):
        assert problems(people, on, upn=NOT_AN_LA) == {"upn": (
            "the LA number 804 is not a local authority number the DfE recognises "
            "(rule 1530)")}


@pytest.mark.parametrize(("upn", "says"), [
    ("N909123400011", "the check letter should be M"),   # the letter after M
    ("L909123400011", "the check letter should be M"),   # the letter before M
    # Two digits swapped (…00011 -> …00101): 149 - 1x12 + 1x11 = 148 = 6x23+10 -> L.
    ("M909123400101", "the check letter should be L"),
    # The last digit one more: 149 + 13 = 162 = 7x23+1 -> B.
    ("M909123400012", "the check letter should be B"),
])
def test_a_wrong_check_letter_is_refused_naming_the_letter_it_should_be(
        people: PeopleRules, upn: str, says: str) -> None:
    assert problems(people, D(2025, 6, 2), upn=upn) == {"upn": says}


def test_a_upn_is_stored_upper_case_without_the_spaces_it_was_typed_with(
        people: PeopleRules) -> None:
    typed = child(upn="  m909123400011 ")
    assert details_problems(people, typed, D(2025, 6, 2)) == {}
    assert normalised(people, typed, D(2025, 6, 2)).upn == CUMBRIA


def test_a_upn_and_a_reason_it_is_unknown_cannot_both_be_recorded(
        people: PeopleRules) -> None:
    assert problems(people, D(2025, 6, 2), upn=CUMBRIA, upn_unknown="UN2") == {
        "upn_unknown": "give a reason the UPN is unknown only when there is no UPN"}


# -- UPN unknown: the reasons, and UN1 at the school-age boundary ----------------------------

@pytest.mark.parametrize(("reason", "accepted"), [
    ("UN1", False),  # a child of school age (8770Q)
    ("UN2", True), ("UN3", True), ("UN4", True), ("UN5", True), ("UN6", True),
    ("UN7", False),  # only once every referral has ended with no further action (8772)
    ("UN8", False), ("UN9", False), ("UN10", False),  # SEN2's reasons, not the census's
])
def test_each_reason_for_a_school_age_child_without_a_upn(
        people: PeopleRules, reason: str, accepted: bool) -> None:
    found = problems(people, D(2025, 6, 2), upn_unknown=reason)
    assert (found == {}) is accepted
    if not accepted:
        assert set(found) == {"upn_unknown"}


def test_un1_for_a_school_age_child_says_which_births_are_school_age(
        people: PeopleRules) -> None:
    assert problems(people, D(2025, 1, 15), upn_unknown="UN1",
                    date_of_birth=D(2019, 8, 31)) == {"upn_unknown": (
        "UN1 is for a child not yet of school age; in 2024-25 a child born on or before "
        "31 August 2019 is of school age: record the UPN or another reason (rule 8770Q)")}
    assert problems(people, D(2025, 1, 15), upn_unknown="UN1",
                    date_of_birth=D(2019, 9, 1)) == {}


def test_reasons_outside_the_census_list_are_named(people: PeopleRules) -> None:
    assert problems(people, D(2025, 6, 2), upn_unknown="UN9") == {
        "upn_unknown": "UN9 is not a reason the CIN census accepts (UN1 to UN7 only)"}
    assert problems(people, D(2025, 6, 2), upn_unknown="UN7") == {
        "upn_unknown": "UN7 is only for a child whose every referral ended with no further "
                       "action (rule 8772)"}


@pytest.mark.parametrize(("on", "born", "derived"), [
    # 2023-24: six or older on the reference date, 31 March 2024.
    (D(2024, 1, 15), D(2018, 3, 31), None),
    (D(2024, 1, 15), D(2018, 4, 1), "UN1"),
    # 2024-25: five by 31 August 2024, before the academic year in which 31 March 2025 falls.
    (D(2025, 1, 15), D(2019, 8, 31), None),
    (D(2025, 1, 15), D(2019, 9, 1), "UN1"),
    # 2025-26 and 2026-27 on the same terms, a year on each time.
    (D(2025, 10, 1), D(2020, 8, 31), None),
    (D(2025, 10, 1), D(2020, 9, 1), "UN1"),
    (D(2026, 4, 1), D(2021, 8, 31), None),
    (D(2026, 4, 1), D(2021, 9, 1), "UN1"),
])
def test_un1_is_derived_only_for_a_child_not_of_school_age_in_the_census_year(
        people: PeopleRules, on: date, born: date, derived: str | None) -> None:
    """``None``: the child is of school age, so only a worker can say why the UPN is missing."""
    typed = child(date_of_birth=born)
    assert details_problems(people, typed, on) == {}
    assert normalised(people, typed, on).upn_unknown == derived


@pytest.mark.parametrize(("on", "derived"), [
    (D(2025, 3, 31), "UN1"),  # the last day of 2024-25: in Reception, not yet school age
    (D(2025, 4, 1), None),    # the first day of 2025-26: of school age all that year
])
def test_a_child_born_on_1_september_2019_crosses_the_boundary_with_the_census_year(
        people: PeopleRules, on: date, derived: str | None) -> None:
    assert normalised(people, child(date_of_birth=D(2019, 9, 1)), on).upn_unknown == derived


def test_the_2024_25_change_made_a_child_born_in_autumn_2018_school_age_a_year_sooner(
        people: PeopleRules) -> None:
    born = child(date_of_birth=D(2018, 9, 30))  # not six by 31 March 2024; five by 31 Aug 2023
    assert normalised(people, born, D(2024, 3, 31)).upn_unknown == "UN1"
    assert normalised(people, born, D(2024, 4, 1)).upn_unknown is None


def test_a_reason_a_worker_chose_is_kept_and_a_upn_needs_no_reason(
        people: PeopleRules) -> None:
    young = child(date_of_birth=D(2023, 11, 2), upn_unknown="UN3")
    assert normalised(people, young, D(2025, 6, 2)).upn_unknown == "UN3"
    with_upn = child(date_of_birth=D(2023, 11, 2), upn=CUMBRIA)
    assert normalised(people, with_upn, D(2025, 6, 2)).upn_unknown is None


def test_no_reason_is_derived_for_an_adult(people: PeopleRules) -> None:
    mother = PersonDetails("Jo", "Example", kind="adult", date_of_birth=D(2001, 2, 3))
    assert normalised(people, mother, D(2025, 6, 2)).upn_unknown is None


# -- an unborn child -------------------------------------------------------------------------

def test_an_unborn_child_is_recorded_by_expected_date_and_is_not_of_school_age(
        people: PeopleRules) -> None:
    unborn = PersonDetails("Baby", "Example", expected_date_of_birth=D(2026, 5, 20))
    assert details_problems(people, unborn, D(2026, 3, 4)) == {}
    stored = normalised(people, unborn, D(2026, 3, 4))
    assert (stored.date_of_birth, stored.upn_unknown, stored.sex) == (None, "UN1", "U")


def test_a_born_child_has_no_expected_date_and_no_birth_is_in_the_future(
        people: PeopleRules) -> None:
    both = problems(people, D(2026, 3, 4), expected_date_of_birth=D(2026, 5, 20))
    assert set(both) == {"expected_date_of_birth"}
    assert problems(people, D(2026, 3, 4), date_of_birth=D(2026, 3, 5)) == {
        "date_of_birth": "the date of birth cannot be in the future"}
    assert problems(people, D(2026, 3, 4), date_of_birth=D(2026, 3, 4)) == {}  # born today


def test_an_expected_date_more_than_a_pregnancy_away_is_refused(people: PeopleRules) -> None:
    far = PersonDetails("Baby", "Example", expected_date_of_birth=D(2027, 3, 4))
    assert set(details_problems(people, far, D(2026, 3, 4))) == {"expected_date_of_birth"}


# -- NHS number: Modulus 11 ------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["999 765 4323", "9997654323", "401 023 2137"])
def test_a_valid_nhs_number_is_accepted_and_stored_without_spaces(
        people: PeopleRules, typed: str) -> None:
    # 999765432: 9x10+9x9+9x8+7x7+6x6+5x5+4x4+3x3+2x2 = 382 = 34x11+8; 11-8 = 3.
    # 401023213: 4x10+1x8+2x6+3x5+2x4+1x3+3x2 = 92 = 8x11+4; 11-4 = 7.
    assert problems(people, D(2025, 6, 2), nhs_number=typed) == {}
    stored = normalised(people, child(nhs_number=typed), D(2025, 6, 2)).nhs_number
    assert stored == typed.replace(" ", "")


def test_nine_digits_whose_check_digit_would_be_10_never_make_an_nhs_number(
        people: PeopleRules) -> None:
    # 999000109: 9x10+9x9+9x8+1x4+9x2 = 265 = 24x11+1; 11-1 = 10: no tenth digit is right.
    for last in "0123456789":
        assert problems(people, D(2025, 6, 2), nhs_number=f"999 000 109{last}") == {
            "nhs_number": "no NHS number starts with these nine digits: their check digit "
                          "would be 10, which is never issued"}


def test_a_wrong_check_digit_is_refused_with_the_digit_it_should_be(
        people: PeopleRules) -> None:
    assert problems(people, D(2025, 6, 2), nhs_number="999 765 4324") == {
        "nhs_number": "the last digit (the check digit) should be 3"}
    # Two digits swapped (…43… -> …34…, weights 4 and 3): 382 - 4x4 - 3x3 + 3x4 + 4x3 = 381
    # = 34x11+7; 11-7 = 4, so the number as typed fails.
    assert problems(people, D(2025, 6, 2), nhs_number="999 765 3423") == {
        "nhs_number": "the last digit (the check digit) should be 4"}


# -- code lists ------------------------------------------------------------------------------

@pytest.mark.parametrize("fields", [
    {"ethnicity": "WBRI"}, {"ethnicity": "NOBT"}, {"ethnicity": "REFU"},
    {"disabilities": ("NONE",)}, {"disabilities": ("HAND", "VIS")}, {"disabilities": ()},
    {"sex": "F"}, {"sex": "M"}, {"sex": "U"},
])
def test_codes_from_the_dfe_lists_are_accepted(people: PeopleRules,
                                               fields: dict[str, Any]) -> None:
    assert problems(people, D(2025, 6, 2), **fields) == {}


@pytest.mark.parametrize(("fields", "field"), [
    ({"ethnicity": "WENG"}, "ethnicity"),         # an extended school census code
    ({"ethnicity": "White British"}, "ethnicity"),
    ({"disabilities": ("DEAF",)}, "disabilities"),
    ({"sex": "1"}, "sex"),                         # GenderCurrent's code, gone from 2024-25
])
def test_a_code_outside_the_dfe_lists_is_refused_at_its_field(
        people: PeopleRules, fields: dict[str, Any], field: str) -> None:
    assert set(problems(people, D(2025, 6, 2), **fields)) == {field}


@pytest.mark.parametrize("codes", [("NONE", "HAND"), ("AUT", "NONE")])
def test_no_disability_cannot_be_recorded_beside_a_disability(
        people: PeopleRules, codes: tuple[str, ...]) -> None:
    assert problems(people, D(2025, 6, 2), disabilities=codes) == {
        "disabilities": "NONE cannot be recorded with another disability (rule 8790)"}


def test_a_disability_is_recorded_once(people: PeopleRules) -> None:
    assert problems(people, D(2025, 6, 2), disabilities=("HAND", "HAND")) == {
        "disabilities": "record each disability once (rule 8794)"}


# -- the consistent identifier (Children Act 2004 s16LC) -------------------------------------

WITHHELD = [IdentifierStatus.NOT_KNOWN_UNREASONABLE_DELAY, IdentifierStatus.MORE_DETRIMENTAL,
            IdentifierStatus.NOT_LIKELY_TO_HELP, IdentifierStatus.NO_IDENTIFIER_RELATES]


@pytest.mark.parametrize("status", WITHHELD)
@pytest.mark.parametrize("reason", ["", "   "])
def test_an_identifier_not_included_needs_a_reason_citing_its_subsection(
        people: PeopleRules, status: IdentifierStatus, reason: str) -> None:
    found = problems(people, D(2026, 9, 1), identifier_status=status.value,
                     identifier_reason=reason)
    assert found == {"identifier_reason": f"say why the NHS number is not included "
                                          f"({status.citation})"}


@pytest.mark.parametrize("status", WITHHELD)
def test_an_identifier_not_included_with_a_reason_is_accepted(
        people: PeopleRules, status: IdentifierStatus) -> None:
    assert problems(people, D(2026, 9, 1), identifier_status=status.value,
                    identifier_reason="Synthetic reason given by the team manager") == {}


def test_a_status_that_is_not_on_the_list_is_refused(people: PeopleRules) -> None:
    assert problems(people, D(2026, 9, 1), identifier_status="withheld") == {
        "identifier_status": "choose the consistent identifier's status from the list"}


def test_a_reason_with_the_status_included_and_no_number_is_a_contradiction(
        people: PeopleRules) -> None:
    assert set(problems(people, D(2026, 9, 1), identifier_reason="not known yet")) == {
        "identifier_status"}


@pytest.mark.parametrize("status", [IdentifierStatus.NOT_KNOWN_UNREASONABLE_DELAY,
                                    IdentifierStatus.NO_IDENTIFIER_RELATES])
def test_a_status_saying_the_number_is_not_held_cannot_come_with_the_number(
        people: PeopleRules, status: IdentifierStatus) -> None:
    """s16LC(8) is for an identifier the council "does not know", (4)(b) for a child with
    none: a record holding the NHS number cannot say either."""
    found = problems(people, D(2026, 9, 1), nhs_number="999 765 4323",
                     identifier_status=status.value, identifier_reason="Synthetic reason")
    assert set(found) == {"identifier_status"}


# -- the same cases, asked of the DfE's rules as csc-validator-be-cin implements them --------

UPN_RULES = {"1510", "1520", "1530", "1540", "1550"}


@dataclass(frozen=True)
class Case:
    """One child of the oracle's file: an identifier, or a reason and a date of birth."""

    id: str
    upn: str | None = None
    upn_unknown: str | None = None
    born: date = D(2012, 5, 14)


#: Each UPN case and whether it is valid, whatever the year (943's cases are per year below).
UPN_CASES = [
    (Case("U01", CUMBRIA), True), (Case("U02", NORTHAMPTONSHIRE), True),
    (Case("U03", BRADFORD), True), (Case("U04", NOT_AN_LA), False),
    (Case("U05", "N909123400011"), False), (Case("U06", "M909123400101"), False),
    (Case("U07", "M9091X3400011"), False),   # a letter among the digits (1540)
    (Case("U08", "M90912340001O"), False),   # O is never a 13th character (1550)
    (Case("U09", "MA09123400011"), False),   # a letter in the LA number (1530)
    # 001 (a pseudo-LA code rule 1530 lists): 1x4+2x6+3x8+1x12+9x13 = 169 = 7x23+8 -> J.
    (Case("U10", "J001020300019"), True),
]
#: (collection year, a day in it, UN1's last school-age birthday, whether 943 is known).
YEARS = [("2022-23", D(2022, 11, 1), D(2017, 3, 31), False),
         ("2023-24", D(2023, 11, 1), D(2018, 3, 31), True),
         ("2025-26", D(2025, 11, 1), D(2020, 8, 31), True)]


def _cases(year: str, boundary: date, knows_943: bool) -> list[tuple[Case, bool]]:
    """The UPN table, the 943 cases for the year, and UN1 either side of the boundary
    (``True``: the child's identifiers pass)."""
    after = boundary + timedelta(days=1)
    return [*UPN_CASES, (Case("W01", WESTMORLAND), knows_943),
            (Case("W02", TEMPORARY_943), knows_943),
            (Case("S01", upn_unknown="UN1", born=boundary), False),
            (Case("S02", upn_unknown="UN1", born=after), True),
            (Case("S03", upn_unknown="UN2", born=boundary), True)]


def _child_xml(case: Case, year: CollectionYear) -> str:
    identifier = (f"<UPN>{case.upn}</UPN>" if case.upn
                  else f"<UPNunknown>{case.upn_unknown}</UPNunknown>")
    sex = "<Sex>F</Sex>" if year >= CollectionYear(2024) else "<GenderCurrent>2</GenderCurrent>"
    return f"""    <Child>
      <ChildIdentifiers>
        <LAchildID>{case.id}</LAchildID>
        {identifier}
        <PersonBirthDate>{case.born.isoformat()}</PersonBirthDate>
        {sex}
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>WBRI</Ethnicity>
        <Disabilities><Disability>NONE</Disability></Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>{year.start_year}-10-01</CINreferralDate>
        <ReferralSource>6</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <ReferralNFA>false</ReferralNFA>
      </CINdetails>
    </Child>
"""


def census(cases: list[tuple[Case, bool]], label: str) -> str:
    """A census file with one child per case, each on a referral going on to further action."""
    year = CollectionYear.parse(label)
    children = "".join(_child_xml(case, year) for case, _ in cases)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>{year.start_year + 1}</Year>
      <ReferenceDate>{year.reference_date.isoformat()}</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>885</LEA>
      <SoftwareCode>Front Door</SoftwareCode>
      <Release>1</Release>
      <SerialNo>1</SerialNo>
      <DateTime>{year.start_year + 1}-04-02T09:30:00</DateTime>
    </Source>
  </Header>
  <Children>
{children}  </Children>
</Message>
"""


def ours(people: PeopleRules, case: Case, on: date) -> bool:
    """Whether the person record accepts the case's identifiers recorded on ``on``."""
    found = details_problems(people, child(upn=case.upn, upn_unknown=case.upn_unknown,
                                           date_of_birth=case.born), on)
    return not ({"upn", "upn_unknown"} & set(found))


def theirs(report: CinReport, case: Case) -> bool:
    """Whether the validator passes the case's identifiers (UPN rules and 8770Q)."""
    return not (report.codes(case.id) & (UPN_RULES | {"8770Q"}))


@pytest.mark.parametrize(("label", "on", "boundary", "knows_943"), YEARS,
                         ids=[y[0] for y in YEARS])
def test_the_dfe_validator_agrees_on_every_upn_and_on_un1_at_the_boundary(
        people: PeopleRules, cin_validator: CinCheck, tmp_path: Path,  # noqa: F811
        label: str, on: date, boundary: date, knows_943: bool) -> None:
    cases = _cases(label, boundary, knows_943)
    path = tmp_path / "cin.xml"
    path.write_text(census(cases, label), encoding="utf-8")

    report = cin_validator(path, label)

    expected = {case.id: valid for case, valid in cases}
    assert report.status == "validated" and report.children == len(cases)
    assert {case.id: theirs(report, case) for case, _ in cases} == expected
    assert {case.id: ours(people, case, on) for case, _ in cases} == expected
    derived = {c.id: normalised(people, child(date_of_birth=c.born), on).upn_unknown
               for c, _ in cases if c.upn_unknown == "UN1"}
    assert derived == {"S01": None, "S02": "UN1"}  # UN1 exactly where the validator takes it
