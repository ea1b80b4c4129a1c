"""Reading a council's teams and staff from CSV: every problem found at once, with its line
and column, and a clean file read as the directory it describes."""

from __future__ import annotations

import pytest

from workflow.directory_import import read_directory
from workflow.errors import InvalidInput
from workflow.roles import Role

TEAMS = """code,name,kind,capacity
front-door,Front Door,front_door,
assessment-north,Assessment North,assessment,25
cp-east,Child Protection East,child_protection,18
"""
USERS = """username,display_name,role,teams,manages,agency,swe_number
fd.one,Fay One,front_door_worker,front-door,,,
sw.north,Sid North,Assessment social worker,assessment-north,,,sw123456
tm.north,Tia North,team_manager,cp-east,assessment-north;cp-east,,SW7654321
pc.smith,PC Smith,partner,,,police,
"""
AGENCIES = ("police", "health", "education")


def _problems(teams: str, users: str, known: tuple[str, ...] = ()) -> dict[str, str]:
    with pytest.raises(InvalidInput) as refused:
        read_directory(teams, users, known, AGENCIES)
    return refused.value.errors


def test_a_clean_pair_of_files_is_read_as_the_teams_and_people_they_list() -> None:
    found = read_directory(TEAMS, USERS, (), AGENCIES)

    assert [(t.code, t.kind, t.capacity) for t in found.teams] == [
        ("front-door", "front_door", None), ("assessment-north", "assessment", 25),
        ("cp-east", "child_protection", 18)]
    by_name = {u.username: u for u in found.users}
    assert by_name["sw.north"].role is Role.SOCIAL_WORKER  # the role's label is accepted
    assert by_name["sw.north"].swe_number == "SW123456"  # upper-cased
    manager = by_name["tm.north"]
    assert (manager.home_team, manager.manages) == ("cp-east", ("assessment-north", "cp-east"))
    assert set(manager.teams) == {"cp-east", "assessment-north"}
    assert (by_name["pc.smith"].agency, by_name["pc.smith"].teams) == ("police", ())


def test_excels_byte_order_mark_and_blank_lines_are_no_problem() -> None:
    found = read_directory("\ufeff" + TEAMS + "\n,,,\n", "", (), AGENCIES)

    assert len(found.teams) == 3


def test_every_problem_in_both_files_is_named_by_line_and_column_at_once() -> None:
    teams = TEAMS + "Bad Code!,X,orchard,-3\nfront-door,Again,front_door,\n"
    users = USERS + (
        "sw.two,Sam Two,social_worker,assessment-north,,,\n"
        "sw.three,Sue Three,social_worker,nowhere,,,SW12\n"
        "pc.two,PC Two,partner,,,fire_service,\n"
        "fd.two,Fred Two,front_door_worker,front-door,front-door,,\n"
        "fd.one,Fay Again,front_door_worker,front-door,,,\n"
        "x,,wizard,,,,\n")

    problems = _problems(teams, users)

    assert problems == {
        "teams:5 code": "Use lower-case letters, digits, '.', '_' or '-' (up to 40)",
        "teams:5 kind": "Choose one of front_door, mash, assessment, child_protection, "
                        "family_help, early_help, partner_agency, macpt",
        "teams:5 capacity": "A whole number of cases, or leave it empty",
        "teams:6 code": "Team front-door is listed twice",
        "users:6 swe_number": "A social worker needs their Social Work England registration "
                              "number (SW and digits)",
        "users:7 teams": "No team nowhere in the teams file or already recorded",
        "users:8 agency": "A partner practitioner needs one of the configured agencies: "
                          "education, health, police",
        "users:9 manages": "Only a team manager manages a team",
        "users:10 username": "The username fd.one is listed twice",
        "users:11 display_name": "Give the name the pages show (up to 120)",
        "users:11 role": "Choose one of front_door_worker, mash_chair, team_manager, "
                         "head_of_service, social_worker, family_help_practitioner, partner, "
                         "administrator, principal_social_worker",
    }


def test_a_swe_number_that_is_not_sw_and_digits_is_refused_even_for_a_manager() -> None:
    users = "username,display_name,role,teams,manages,agency,swe_number\n" \
            "tm.one,Tom One,team_manager,front-door,,,12345\n"

    assert _problems(TEAMS, users) == {
        "users:2 swe_number": "A Social Work England number is SW and up to 7 digits"}


def test_a_users_file_may_name_teams_already_recorded_without_a_teams_file() -> None:
    users = "username,display_name,role,teams,manages,agency,swe_number\n" \
            "fd.one,Fay One,front_door_worker,front-door,,,\n"

    found = read_directory("", users, ("front-door",), AGENCIES)

    assert [u.home_team for u in found.users] == ["front-door"]
    assert _problems("", users) == {
        "users:2 teams": "No team front-door in the teams file or already recorded"}


def test_a_file_without_the_columns_says_which_are_missing() -> None:
    assert _problems("code,name\nx,y\n", "") == {
        "teams:1": "The header needs the columns kind, capacity"}
