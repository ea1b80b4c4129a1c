"""Is this child already known? Tolerant matching, with literal misspellings and dates."""

from __future__ import annotations

from datetime import date

import pytest

from workflow.intake.matching import (
    IDENTIFIER_SCORE,
    KnownChild,
    dob_match,
    edit_distance,
    match,
    name_match,
    normalise,
    swapped,
)
from workflow.people.records import PersonDetails

JAYDEN = KnownChild(1, "Jayden", "Mockford", date(2015, 4, 3), "9434765919", "A123456789012")
ZOE = KnownChild(2, "Zoë", "O'Neil-Smith", date(2019, 11, 20))
ALFRED = KnownChild(3, "Alfred", "Testwell", date(2012, 6, 1))
SAM = KnownChild(4, "Sam", "Example", date(2018, 2, 14))
KNOWN = [JAYDEN, ZOE, ALFRED, SAM]


def _ids(query: PersonDetails) -> list[int]:
    return [c.child.id for c in match(query, KNOWN)]


@pytest.mark.parametrize(("typed", "stored", "expected"), [
    ("Zoe", "Zoë", "zoe"), ("O'Neil-Smith", "oneilsmith", "oneilsmith"),
    ("  JAYDEN ", "jayden", "jayden"), ("Siân", "sian", "sian"),
])
def test_names_are_compared_without_case_accents_spaces_or_punctuation(
        typed: str, stored: str, expected: str) -> None:
    assert normalise(typed) == normalise(stored) == expected


@pytest.mark.parametrize(("a", "b", "distance"), [
    ("jayden", "jaydon", 1), ("mockford", "mokford", 1), ("mohammed", "muhammad", 2),
    ("testwell", "tesvvell", 2), ("sam", "tom", 2), ("", "abc", 3),
])
def test_edit_distance_counts_insertions_deletions_and_substitutions(
        a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance == edit_distance(b, a)


def test_a_misspelt_first_and_last_name_with_the_same_birthday_is_found() -> None:
    query = PersonDetails("Jaydon", "Mokford", date_of_birth=date(2015, 4, 3))

    [found] = match(query, KNOWN)

    assert found.child is JAYDEN
    assert found.reasons == ("first name a close spelling", "last name a close spelling",
                             "date of birth the same")


def test_a_date_of_birth_with_day_and_month_swapped_is_found() -> None:
    # 4 March typed as 3 April
    query = PersonDetails("Jayden", "Mockford", date_of_birth=date(2015, 3, 4))

    [found] = match(query, KNOWN)

    assert found.child is JAYDEN
    assert "date of birth the same with day and month swapped" in found.reasons


def test_misspelt_names_and_a_swapped_date_together_still_find_the_child() -> None:
    assert _ids(PersonDetails("Jaidan", "Mockforde", date_of_birth=date(2015, 3, 4))) == [1]


def test_accents_and_punctuation_do_not_hide_a_known_child() -> None:
    assert _ids(PersonDetails("Zoe", "ONeil Smith", date_of_birth=date(2019, 11, 20))) == [2]


def test_a_known_nickname_matches_the_full_first_name() -> None:
    [found] = match(PersonDetails("Alfie", "Testwell", date_of_birth=date(2012, 6, 1)), KNOWN)

    assert found.child is ALFRED
    assert "first name a known nickname" in found.reasons


def test_a_different_date_of_birth_is_not_the_same_child() -> None:
    assert _ids(PersonDetails("Jayden", "Mockford", date_of_birth=date(2015, 4, 4))) == []


def test_three_letters_out_is_not_a_spelling_mistake() -> None:
    assert name_match("Jayden", "Jaxxon", first_name=True) is None


def test_short_names_allow_only_one_letter_out_so_sam_is_not_tom() -> None:
    assert name_match("Tom", "Sam", first_name=True) is None
    assert name_match("Sam", "Sem", first_name=True) == "spelling"
    assert _ids(PersonDetails("Tom", "Example", date_of_birth=date(2018, 2, 14))) == []


def test_a_matching_nhs_number_wins_whatever_the_names_say() -> None:
    query = PersonDetails("Completely", "Different", date_of_birth=None, nhs_number="943 476 5919")

    [found] = match(query, KNOWN)

    assert (found.child, found.score, found.by_identifier) == (JAYDEN, IDENTIFIER_SCORE, True)
    assert found.reasons == ("NHS number matches",)


def test_a_matching_upn_wins_too() -> None:
    [found] = match(PersonDetails("X", "Y", upn="a123456789012"), KNOWN)

    assert found.child is JAYDEN and found.reasons == ("UPN matches",)


def test_two_different_nhs_numbers_are_two_different_children() -> None:
    query = PersonDetails("Jayden", "Mockford", date_of_birth=date(2015, 4, 3),
                          nhs_number="4010232137")

    assert match(query, KNOWN) == []


def test_a_missing_date_of_birth_lets_a_name_match_through_but_weaker() -> None:
    [weak] = match(PersonDetails("Jayden", "Mockford"), KNOWN)
    [strong] = match(PersonDetails("Jayden", "Mockford", date_of_birth=date(2015, 4, 3)), KNOWN)

    assert weak.child is strong.child is JAYDEN
    assert weak.score < strong.score


def test_candidates_come_most_likely_first() -> None:
    twin = KnownChild(9, "Jaydon", "Mockford", date(2015, 4, 3))

    found = match(PersonDetails("Jayden", "Mockford", date_of_birth=date(2015, 4, 3)),
                  [twin, JAYDEN])

    assert [c.child.id for c in found] == [1, 9]


@pytest.mark.parametrize(("day", "expected"), [
    (date(2015, 4, 3), date(2015, 3, 4)), (date(2015, 4, 4), None),
    (date(2015, 4, 13), None), (date(2016, 2, 29), None),
])
def test_swapping_day_and_month_only_when_that_is_a_different_real_date(
        day: date, expected: date | None) -> None:
    assert swapped(day) == expected


def test_date_of_birth_matching_says_how() -> None:
    assert dob_match(date(2015, 4, 3), date(2015, 4, 3)) == "same"
    assert dob_match(date(2015, 4, 3), date(2015, 3, 4)) == "swapped"
    assert dob_match(None, date(2015, 3, 4)) == "missing"
    assert dob_match(date(2015, 4, 3), date(2014, 4, 3)) is None
